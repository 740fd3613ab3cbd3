use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, (n, m): (usize, usize)) -> f64 {
    x * (n + m) as f64
}

fn main() {}
