use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let a = x % 2.0;
    let b = x.clamp(0.0, 1.0);
    let c = match x {
        v => v,
    };
    a + b + c
}

fn main() {}
