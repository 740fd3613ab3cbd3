// A method the transform does not know, on a field of a differentiable parameter.
use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
pub struct Model {
    pub w: Vec<f64>,
}

#[differentiable]
fn f(m: &Model, x: f64) -> f64 {
    let first = m.w.first();
    x * 2.0 + if first.is_some() { 1.0 } else { 0.0 }
}

fn main() {}
