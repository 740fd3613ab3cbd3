// A struct literal holding floats in differentiable code must be of a `Differentiable`
// type: the transform takes it apart field by field, and its gradient has its type.
use autodiff::prelude::*;

#[derive(Clone)]
pub struct Pair {
    pub a: f64,
    pub b: f64,
}

#[differentiable]
fn f(x: f64) -> f64 {
    let p = Pair { a: x * 2.0, b: x };
    p.a * p.b
}

fn main() {}
