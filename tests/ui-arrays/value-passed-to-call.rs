use autodiff::prelude::*;
use ndarray::Array1;

#[differentiable]
fn g(x: f64) -> f64 {
    x * x
}

fn helper(a: &Array1<f64>) -> f64 {
    a.sum()
}

#[differentiable]
fn f(a: &Array1<f64>) -> f64 {
    helper(a) + g(a[0])
}

fn main() {}
