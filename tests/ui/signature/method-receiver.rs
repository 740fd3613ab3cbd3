// A method of a type that is not `Differentiable`: the error is on `&self`.
use autodiff::prelude::*;

struct Model {
    w: f64,
}

impl Model {
    #[differentiable]
    fn f(&self, x: f64) -> f64 {
        self.w * x
    }
}

fn main() {}
