// `self` by value would be moved into each generated function: the message says `&self`.
use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
pub struct Model {
    pub w: f64,
}

impl Model {
    #[differentiable]
    pub fn predict(self, x: f64) -> f64 {
        self.w * x
    }
}

fn main() {}
