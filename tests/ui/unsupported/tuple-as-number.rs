// Our message comes first; rustc's own errors on the original function, kept as written, follow.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let t = (x, x * 2.0);
    let y: f64 = t;
    y
}

fn main() {}
