use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let mut y = f64::default();
    if x > 0.0 {
        y = x * 2.0;
    }
    y
}

fn main() {}
