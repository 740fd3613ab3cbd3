use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let mut seen = Vec::new();
    seen.push(x);
    x * 2.0
}

fn main() {}
