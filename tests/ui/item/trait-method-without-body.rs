use autodiff::prelude::*;

trait Model {
    #[differentiable]
    fn f(&self, x: f64) -> f64;
}

fn main() {}
