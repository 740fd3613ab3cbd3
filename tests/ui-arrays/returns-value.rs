use autodiff::prelude::*;
use nalgebra::Vector3;

#[differentiable]
fn f(a: &Vector3<f64>) -> Vector3<f64> {
    a * 2.0
}

fn main() {}
