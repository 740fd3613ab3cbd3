use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, c: bool) -> f64 {
    let n = if c {
        let _t = x * 2.0;
        1
    } else {
        2
    };
    x * n as f64
}

fn main() {}
