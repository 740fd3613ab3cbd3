use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, n: usize) -> f64 {
    let mut y = x;
    let mut it = 0..n;
    while let Some(_) = it.next() {
        y = y * x;
    }
    y
}

fn main() {}
