// asserts rustc's own wording too: `return;` in a function returning `f64` is also rustc's error.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    if x > 0.0 {
        return;
    }
    x
}

fn main() {}
