use autodiff::prelude::*;

struct Model;

#[differentiable]
impl Model {
    fn f(x: f64) -> f64 {
        x * x
    }
}

fn main() {}
