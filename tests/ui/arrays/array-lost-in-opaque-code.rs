// asserts rustc's own wording: an array passed to a function makes the call a differentiable
// call, so a function without a derivative rule is reported as the missing `helper_derivative`
// (rustc also reports the integer result where the call's float value was expected).
use autodiff::prelude::*;

fn helper(v: &[f64]) -> usize {
    v.iter().filter(|x| **x > 0.0).count()
}

#[differentiable]
fn f(x: &[f64]) -> f64 {
    let n = helper(x);
    x[0] * n as f64
}

fn main() {}
