use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> Vec<f64> {
    let mut a = vec![0.0; 2];
    let mut b = vec![0.0; 2];
    a[0] = x[0];
    b[0] = x[1];
    if x[0] > 0.0 {
        return a;
    }
    b
}

fn main() {}
