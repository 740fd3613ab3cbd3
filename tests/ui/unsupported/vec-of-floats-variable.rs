use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let v: Vec<f64> = Vec::new();
    x * v.len() as f64
}

fn main() {}
