//! With `autodiff`'s `second-order` feature off (`cargo test --no-default-features --test
//! no_second_order`, which `.ci/run` runs): every first-order function is generated and right,
//! and a call of `_hvp` is a compile error that says to turn the feature on. With the
//! feature on (the default), this file is empty.
#![cfg(not(feature = "second-order"))]

use autodiff::prelude::*;

mod common;
use common::fd;

#[differentiable]
fn f(x: f64, w: &[f64]) -> f64 {
    x * x * w[0] + w[1].sin()
}

#[differentiable]
fn g(x: f64, w: &[f64]) -> f64 {
    f(x, w) * 2.0
}

#[test]
fn first_order_without_second_order() {
    let w = [2.0, 0.5];
    // g = 2(x²w₀ + sin w₁): ∂/∂x = 4xw₀, ∂/∂w₀ = 2x², ∂/∂w₁ = 2cos w₁.
    let (dx, dw) = g_grad(3.0, &w);
    assert_eq!((dx, dw[0], dw[1]), (24.0, 18.0, 2.0 * 0.5f64.cos()));
    fd(|v| g(v[0], &v[1..]), &[3.0, 2.0, 0.5], &[dx, dw[0], dw[1]]);
    let (value, slope) = g_jvp(3.0, &w, 1.0, &[0.0, 1.0]);
    assert_eq!(value, g(3.0, &w));
    assert!((slope - (24.0 + 2.0 * 0.5f64.cos())).abs() < 1e-12);
}

#[test]
fn a_call_of_hvp_says_to_turn_the_feature_on() {
    trybuild::TestCases::new().compile_fail("tests/ui-first-order/*.rs");
}
