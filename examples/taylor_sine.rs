//! autograd's README example: differentiate through a `while` loop whose trip count depends
//! on the data.

use autodiff::prelude::*;
use std::f64::consts::PI;

#[differentiable]
fn taylor_sine(x: f64) -> f64 {
    let mut ans = x;
    let mut cur = x;
    let mut i = 0;
    while cur.abs() > 0.001 {
        cur = -cur * x * x / ((2 * i + 3) * (2 * i + 2)) as f64;
        ans += cur;
        i += 1;
    }
    ans
}

fn main() {
    let (value, grad) = taylor_sine_value_and_grad(PI);
    println!("taylor_sine(pi)  = {value}");
    println!("Gradient at pi   = {grad}");
    println!("cos(pi)          = {}", PI.cos());
    let check = check_grad(|v| taylor_sine(v[0]), &[PI], &[grad]);
    println!(
        "Worst relative error against finite differences: {:e}",
        check.max_rel_error
    );
}
