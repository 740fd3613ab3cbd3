//! The seed's first example: the gradient of tanh written out by hand, checked against a
//! finite difference.

use autodiff::prelude::*;

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

fn main() {
    let grad = tanh_grad(1.0);
    let finite_difference = (tanh(1.0001) - tanh(0.9999)) / 0.0002;
    println!("Gradient of tanh at 1.0: {grad}");
    println!("Finite difference:       {finite_difference}");
}
