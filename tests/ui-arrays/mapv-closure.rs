use autodiff::prelude::*;
use ndarray::Array1;

#[differentiable]
fn f(a: &Array1<f64>) -> f64 {
    a.mapv(|v| v.max(0.0)).sum()
}

fn main() {}
