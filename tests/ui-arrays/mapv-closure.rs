use autodiff::prelude::*;
use ndarray::Array1;

#[differentiable]
fn f(a: &Array1<f64>) -> f64 {
    a.mapv(|v| v.powf(3.0)).sum()
}

fn main() {}
