// A method that writes `self` cannot be differentiated: the message says to take `&self`.
use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
pub struct Model {
    pub w: f64,
}

impl Model {
    #[differentiable]
    pub fn step(&mut self, x: f64) -> f64 {
        self.w * x
    }
}

fn main() {}
