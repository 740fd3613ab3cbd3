// Our message comes first; rustc's own errors on the original function, kept as written, follow.
use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    let mut b = vec![0.0; 2];
    b = x;
    b[0]
}

fn main() {}
