use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, y: f64) -> f64 {
    let mut s = 0.0;
    for v in [x, y] {
        s += v;
    }
    s
}

fn main() {}
