use autodiff::prelude::*;
use ndarray::Array1;

#[differentiable]
fn f(a: &Array1<f64>) -> f64 {
    a.fold(0.0, |acc, v| acc + v)
}

fn main() {}
