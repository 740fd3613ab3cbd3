use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let buf = vec![x; 3];
    buf[0] + buf[1]
}

fn main() {}
