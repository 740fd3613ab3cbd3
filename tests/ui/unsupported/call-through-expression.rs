use autodiff::prelude::*;

fn square(v: f64) -> f64 {
    v * v
}

#[differentiable]
fn f(x: f64) -> f64 {
    let g = [square][0];
    (g)(x)
}

fn main() {}
