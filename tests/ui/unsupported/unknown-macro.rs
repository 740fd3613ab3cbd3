use autodiff::prelude::*;

macro_rules! square {
    ($e:expr) => {
        $e * $e
    };
}

#[differentiable]
fn f(x: f64) -> f64 {
    square!(x)
}

fn main() {}
