// Without `autodiff`'s `second-order` feature, `_hvp` is not generated: a call says how to
// turn the feature back on.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, w: &[f64]) -> f64 {
    x * x * w[0]
}

fn main() {
    let _ = f_hvp(3.0, &[2.0], 1.0, &[0.0]);
}
