// Our message comes first; rustc's own errors on the original function, kept as written, follow.
use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    x[0][1]
}

fn main() {}
