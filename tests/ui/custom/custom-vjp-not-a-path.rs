use autodiff::prelude::*;

#[differentiable(custom_vjp = "rule")]
fn f(x: f64) -> f64 {
    x
}

fn main() {}
