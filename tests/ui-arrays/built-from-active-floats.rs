use autodiff::prelude::*;
use nalgebra::Vector3;

#[differentiable]
fn f(x: f64, a: &Vector3<f64>) -> f64 {
    let v = Vector3::new(x, 2.0 * x, 1.0);
    v.dot(a)
}

fn main() {}
