// Nested differentiation needs a callee of float parameters: the generated derivative of a
// function that also takes a slice cannot be differentiated through, and rustc says which rule
// is missing, on the call.
use autodiff::prelude::*;

#[differentiable(wrt(x))]
fn weighted(x: f64, w: &[f64]) -> f64 {
    x * x * w[0]
}

#[differentiable(wrt(x))]
fn g(x: f64, w: &[f64]) -> f64 {
    let gx = weighted_grad(x, w);
    gx * x
}

fn main() {}
