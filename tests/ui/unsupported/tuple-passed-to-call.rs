// Our message comes first; rustc's own errors on the original function, kept as written, follow.
use autodiff::prelude::*;

#[differentiable]
fn g(x: f64) -> f64 {
    x
}

#[differentiable]
fn f(x: f64) -> f64 {
    g((x, x))
}

fn main() {}
