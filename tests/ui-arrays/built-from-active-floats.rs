use autodiff::prelude::*;
use ndarray::Array1;

#[differentiable]
fn f(x: f64, a: &Array1<f64>) -> f64 {
    let v = Array1::from_vec(vec![x, 2.0 * x, 1.0]);
    v.dot(a)
}

fn main() {}
