use autodiff::prelude::*;

struct Sample {
    value: f64,
}

#[differentiable]
fn f(x: f64) -> f64 {
    let s = Sample { value: x };
    s.value * 2.0
}

fn main() {}
