use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    'done: {
        if x > 0.0 {
            break 'done x;
        }
        0.0
    }
}

fn main() {}
