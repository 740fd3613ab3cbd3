// A parameter with a gradient is read-only: writing one of its fields is refused.
use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
pub struct Model {
    pub w: Vec<f64>,
    pub b: f64,
}

#[differentiable]
fn f(mut m: Model, x: f64) -> f64 {
    m.b = x;
    m.w[0] * m.b
}

fn main() {}
