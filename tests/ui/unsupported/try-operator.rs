// asserts rustc's own wording: `?` cannot compile in a function returning a float, so
// rustc's E0277 on the original function follows the macro's error.
use autodiff::prelude::*;

#[differentiable]
fn f(x: f64, s: &str) -> f64 {
    let n = s.parse::<usize>().ok()?;
    x * n as f64
}

fn main() {}
