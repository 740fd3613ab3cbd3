//! `#[differentiable(custom_vjp = rule)]`: the rule gives the gradient, for the function's
//! own gradients and wherever differentiable code calls it.

use autodiff::prelude::*;
use proptest::prelude::*;

mod common;
use common::assert_close;

/// ln(1 + eˣ) without overflow; its derivative is the logistic sigmoid.
#[differentiable(custom_vjp = softplus_rule)]
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

fn softplus_rule(x: f64, _value: f64, seed: f64) -> f64 {
    seed / (1.0 + (-x).exp())
}

/// A function the macro cannot read: its loop runs over an iterator adapter.
fn opaque_norm(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>().sqrt()
}

#[differentiable(custom_vjp = norm_rule)]
fn wrapped_norm(v: &[f64]) -> f64 {
    opaque_norm(v)
}

fn norm_rule(v: &[f64], value: f64, seed: f64) -> Vec<f64> {
    v.iter().map(|a| seed * a / value).collect()
}

#[differentiable]
fn caller(x: f64, w: &[f64]) -> f64 {
    softplus(x * 2.0) * wrapped_norm(w) + softplus(1000.0 * x)
}

/// A rule that is deliberately not the derivative: shows the rule, not the body, is used.
#[differentiable(custom_vjp = doubled_rule)]
fn identity(x: f64) -> f64 {
    x
}

fn doubled_rule(_x: f64, _value: f64, seed: f64) -> f64 {
    2.0 * seed
}

#[differentiable]
fn uses_identity(x: f64) -> f64 {
    identity(x) * 3.0
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn softplus_gradient_is_the_sigmoid(x in -30.0f64..30.0) {
        assert_close(softplus_grad(x), sigmoid(x), 1e-15);
        check_grad(|v| softplus(v[0]), &[x], &[softplus_grad(x)]).assert_within(1e-6);
    }

    #[test]
    fn custom_rules_used_from_a_caller(x in -2.0f64..2.0, a in 0.5f64..3.0, b in -3.0f64..-0.5) {
        let w = [a, b];
        let (gx, gw) = caller_grad(x, &w);
        let n = (a * a + b * b).sqrt();
        assert_close(gx, 2.0 * sigmoid(2.0 * x) * n + 1000.0 * sigmoid(1000.0 * x), 1e-12);
        let s = softplus(2.0 * x);
        assert_close(gw[0], s * a / n, 1e-12);
        assert_close(gw[1], s * b / n, 1e-12);
        // softplus(1000x) bends sharply near x = 0 (its third derivative reaches 1e8 there), so
        // finite differences are only trusted away from the bend.
        prop_assume!((1000.0 * x).abs() > 20.0);
        check_grad(|v| caller(v[0], &v[1..]), &[x, a, b], &[gx, gw[0], gw[1]]).assert_within(1e-6);
    }
}

#[test]
fn softplus_is_finite_where_the_naive_formula_overflows() {
    assert_eq!(softplus(1000.0), 1000.0);
    assert_eq!(softplus_grad(1000.0), 1.0);
    assert_eq!(softplus_grad(-1000.0), 0.0);
}

#[test]
fn the_rule_is_used_and_not_the_body() {
    assert_eq!(identity_grad(5.0), 2.0);
    assert_eq!(uses_identity_grad(5.0), 6.0);
    // `uses_identity` has one float, so its `_grad` runs forward mode: the rule in reverse mode.
    assert_eq!(uses_identity_vjp(5.0, 1.0).1, 6.0);
    let mut d = 1.0;
    assert_eq!(identity_grad_into(5.0, &mut d), 5.0);
    assert_eq!(d, 3.0);
}

#[test]
fn slice_rules_add_into_destinations() {
    let mut dv = vec![1.0, 1.0];
    let value = wrapped_norm_grad_into(&[3.0, 4.0], &mut dv);
    assert_eq!(value, 5.0);
    assert_close(dv[0], 1.6, 1e-15);
    assert_close(dv[1], 1.8, 1e-15);
    check_grad(wrapped_norm, &[3.0, 4.0], &[dv[0] - 1.0, dv[1] - 1.0]).assert_within(1e-7);
}
