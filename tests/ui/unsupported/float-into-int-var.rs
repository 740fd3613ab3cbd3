// asserts rustc's own wording: the original function is kept as written, and rustc also
// rejects a float assigned to an integer variable.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let mut n = 0;
    n = x * 2.0;
    x
}

fn main() {}
