use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, k: Option<usize>) -> f64 {
    if let Some(_) = k {
        x * x
    } else {
        x
    }
}

fn main() {}
