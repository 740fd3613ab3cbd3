// A function that calls a generated derivative has no `_hvp` (it would need third
// derivatives): a call of it is a compile error that says so.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, y: f64) -> f64 {
    x * x * y
}

#[differentiable]
fn g(x: f64, y: f64) -> f64 {
    let (a, b) = f_grad(x, y);
    a * b
}

fn main() {
    let _ = g_grad(1.0, 2.0);
    let _ = g_hvp(1.0, 2.0, 1.0, 0.0);
}
