use autodiff::prelude::*;

#[differentiable(wrt(x), custom_vjp = rule)]
fn f(x: f64, y: f64) -> f64 {
    x * y
}

fn rule(x: f64, y: f64, _value: f64, seed: f64) -> (f64, f64) {
    (seed * y, seed * x)
}

fn main() {}
