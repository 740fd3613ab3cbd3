// A struct built in the body is taken apart into its fields: it cannot be passed whole to
// another differentiable function yet.
use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
pub struct Pair {
    pub a: f64,
    pub b: f64,
}

#[differentiable]
fn g(p: &Pair) -> f64 {
    p.a * p.b
}

#[differentiable]
fn f(x: f64) -> f64 {
    let p = Pair { a: x * 2.0, b: x };
    g(&p)
}

fn main() {}
