use autodiff::prelude::*;

#[differentiable]
fn f(x: Vec<f64>) -> f64 {
    let mut v = x;
    v[0] = 1.0;
    v[1]
}

fn main() {}
