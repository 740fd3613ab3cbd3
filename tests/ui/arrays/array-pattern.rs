// Array patterns bind the first elements of an array; a binding after `..` is refused with
// what to write instead.
use autodiff::prelude::*;

#[differentiable]
fn f(x: &[f64; 4]) -> f64 {
    let [first, .., last] = *x;
    first * last
}

fn main() {}
