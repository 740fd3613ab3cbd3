use autodiff::prelude::*;
use nalgebra::Matrix2;

#[differentiable]
fn f(m: &Matrix2<f64>) -> f64 {
    m.exp().sum()
}

fn main() {}
