use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    sum(&x[1..])
}

fn main() {}
