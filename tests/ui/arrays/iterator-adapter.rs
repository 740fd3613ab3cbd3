// An iterator adapter the transform does not lower (`skip_while`): refused, with the ones it
// takes.
use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x.iter().skip_while(|v| **v < 0.0) {
        s += v * v;
    }
    s
}

fn main() {}
