// Our message comes first; rustc's own errors on the original function, kept as written, follow.
use autodiff::prelude::*;

#[differentiable]
fn f(m: &[Vec<f64>]) -> f64 {
    dot(&m, &m)
}

fn main() {}
