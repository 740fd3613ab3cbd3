use autodiff::prelude::*;

#[differentiable]
fn f(x: f32) -> f64 {
    x as f64 * 2.0
}

fn main() {}
