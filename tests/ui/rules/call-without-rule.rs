// A call of a function with no derivative rule: rustc reports the missing
// `helper_derivative`, the function `#[differentiable]` (or `custom_vjp`) would generate.
use autodiff::prelude::*;

fn helper(v: f64) -> f64 {
    v * v
}

#[differentiable]
fn f(x: f64) -> f64 {
    helper(x) + 1.0
}

fn main() {}
