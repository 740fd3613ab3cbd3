use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let window = 0.0..x;
    let width = window.end - window.start;
    width * x
}

fn main() {}
