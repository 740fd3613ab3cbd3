use autodiff::prelude::*;
use ndarray::Array1;

#[differentiable]
fn f(a: &Array1<f64>) -> f64 {
    let mut s = 0.0;
    for v in a.iter() {
        s += v * v;
    }
    s
}

fn main() {}
