// A closure bound with `let` is called where it is used, or passed to an iterator adapter;
// passed to a function, it is refused.
use autodiff::prelude::*;

fn apply(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    f(x)
}

#[differentiable]
fn f(x: f64) -> f64 {
    apply(|v: f64| v * v, x)
}

fn main() {}
