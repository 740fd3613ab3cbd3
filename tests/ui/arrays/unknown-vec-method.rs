use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; x.len()];
    buf[0] = x[0];
    buf.sort_by(|a, b| a.total_cmp(b));
    buf[0]
}

fn main() {}
