// A parameter of a type the transform cannot see into must implement `Differentiable`
// (or be left out with `wrt(...)`): its gradient is never dropped without a word.
use autodiff::prelude::*;

pub struct Mlp {
    pub w: Vec<f64>,
    pub b: f64,
}

#[differentiable]
fn loss(m: &Mlp, x: &[f64]) -> f64 {
    println!("bias {}", m.b);
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

fn main() {
    let m = Mlp { w: vec![1.0], b: 0.5 };
    let _ = loss(&m, &[1.0]);
}
