// Without `autodiff`'s `second-order` feature, `_grad_and_hvp` is not generated either: a
// call says how to turn the feature back on.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, w: &[f64]) -> f64 {
    x * x * w[0]
}

fn main() {
    let _ = f_grad_and_hvp(3.0, &[2.0], 1.0, &[0.0]);
}
