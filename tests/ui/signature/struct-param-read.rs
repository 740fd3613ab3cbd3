// Reading into a parameter of a type the transform cannot see into would lose its
// gradient: refused where it is read, with `wrt(...)` as the way out.
use autodiff::prelude::*;

pub struct Mlp {
    pub w: Vec<f64>,
    pub b: f64,
}

#[differentiable]
fn loss(m: &Mlp, x: &[f64]) -> f64 {
    let mut s: f64 = m.b;
    for i in 0..x.len() {
        s += m.w[i] * x[i];
    }
    s
}

fn main() {
    let m = Mlp { w: vec![1.0], b: 0.5 };
    let (_g_m, _g_x): (Mlp, Vec<f64>) = loss_grad(&m, &[1.0]);
}
