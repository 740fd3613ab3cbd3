// A method the transform does not know, on a field of a differentiable parameter.
use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
pub struct Model {
    pub w: Vec<f64>,
}

#[differentiable]
fn f(m: &Model, x: f64) -> f64 {
    let s: f64 = m.w.iter().fold(0.0, |a, b| a + b);
    s * x
}

fn main() {}
