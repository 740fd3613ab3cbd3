use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let _a = [x; 2];
    x
}

fn main() {}
