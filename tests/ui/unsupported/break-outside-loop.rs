// asserts rustc's own wording too: a `break` outside a loop is also rustc's error.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    if x > 0.0 {
        break;
    }
    x
}

fn main() {}
