use autodiff::prelude::*;

fn helper(v: &[f64]) -> usize {
    v.iter().filter(|x| **x > 0.0).count()
}

#[differentiable]
fn f(x: &[f64]) -> f64 {
    let n = helper(x);
    x[0] * n as f64
}

fn main() {}
