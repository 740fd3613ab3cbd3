use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut h = vec![0.0; 2];
        h[0] = x[i] * 2.0;
        s += h[0];
    }
    s
}

fn main() {}
