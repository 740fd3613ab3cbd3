//! The seeds' examples, with the numbers they print.

use autodiff::prelude::*;
use std::f64::consts::PI;

mod common;
use common::both_modes;

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

#[test]
fn tanh_gradient_at_one() {
    // Forward mode (`_grad`, of one float) and reverse mode (`_vjp` with seed 1).
    for g in [tanh_grad(1.0), tanh_vjp(1.0, 1.0).1] {
        // 1 - tanh(1)^2, from the closed form.
        assert!((g - 0.419974341614026).abs() < 1e-14, "{g}");
        let fd = (tanh(1.0001) - tanh(0.9999)) / 0.0002;
        assert!((g - fd).abs() < 1e-8, "{g} vs finite difference {fd}");
    }
}

/// A value used twice accumulates once per use: a graph walked twice gives 16, not 7.
#[differentiable]
fn x_squared_plus_3x(x: f64) -> f64 {
    x * x + 3.0 * x
}

#[test]
fn value_used_twice_accumulates_once_per_use() {
    assert_eq!(x_squared_plus_3x_grad(2.0), 7.0);
    assert_eq!(x_squared_plus_3x_vjp(2.0, 1.0).1, 7.0);
    check_grad(|v| x_squared_plus_3x(v[0]), &[2.0], &[7.0]).assert_within(1e-7);
}

#[differentiable]
fn perceptron_loss(w: f64) -> f64 {
    (w * 2.0 - 10.0).powi(2)
}

#[test]
fn perceptron_loss_gradient() {
    assert_eq!(perceptron_loss_grad(1.0), -32.0);
    assert_eq!(perceptron_loss_vjp(1.0, 1.0).1, -32.0);
    check_grad(|v| perceptron_loss(v[0]), &[1.0], &[-32.0]).assert_within(1e-7);
}

/// autograd's README: the Taylor series of sine, summed until the terms are small.
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

#[test]
fn taylor_sine_at_pi() {
    let g = both_modes(taylor_sine_grad(PI), taylor_sine_vjp(PI, 1.0));
    check_grad(|v| taylor_sine(v[0]), &[PI], &[g]).assert_within(1e-7);
    assert!(
        (g - PI.cos()).abs() < 1e-3,
        "{g} is not within 1e-3 of cos(pi)"
    );
}
