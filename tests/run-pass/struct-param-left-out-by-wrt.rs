// The struct of `tests/ui/signature/struct-param-read.rs`, left out by `wrt(...)`: it is
// data, and the gradient is that of the rest.
use autodiff::prelude::*;

pub struct Mlp {
    pub w: Vec<f64>,
    pub b: f64,
}

#[differentiable(wrt(x))]
fn loss(m: &Mlp, x: &[f64]) -> f64 {
    let mut s: f64 = m.b;
    for i in 0..x.len() {
        s += m.w[i] * x[i] * x[i];
    }
    s
}

fn main() {
    let m = Mlp { w: vec![2.0, -1.0], b: 0.5 };
    let x = [3.0, 4.0];
    // ∂/∂xᵢ of b + Σ wᵢxᵢ² is 2wᵢxᵢ.
    let g: Vec<f64> = loss_grad(&m, &x);
    assert_eq!(g, [12.0, -8.0]);
    check_grad(|x| loss(&m, x), &x, &g).assert_within(1e-6);
}
