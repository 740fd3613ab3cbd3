use autodiff::prelude::*;

#[differentiable(custom_vjp = r, custom_vjp = r)]
fn f(x: f64) -> f64 {
    x
}

fn r(_x: f64, _v: f64, s: f64) -> f64 {
    s
}

fn main() {}
