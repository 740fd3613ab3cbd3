use autodiff::prelude::*;
use ndarray::Array1;

#[differentiable]
fn f(a: &Array1<f64>) -> f64 {
    let mut b = a * 2.0;
    b[0] = a[1] * a[1];
    b.sum()
}

fn main() {}
