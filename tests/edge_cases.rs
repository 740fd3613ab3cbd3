//! The derivative at the points where a primitive is not differentiable, or not defined, as
//! the generated gradients give it: each convention documented in the rule and in the README,
//! and NaN and infinity propagating without a panic.

use autodiff::prelude::*;

#[differentiable]
fn sqrt_of(x: f64) -> f64 {
    x.sqrt()
}

#[differentiable]
fn power(x: f64, p: f64) -> f64 {
    x.powf(p)
}

#[differentiable]
fn abs_of(x: f64) -> f64 {
    x.abs()
}

#[differentiable]
fn max_of_two(a: f64, b: f64) -> f64 {
    a.max(b)
}

#[differentiable]
fn min_of_two(a: f64, b: f64) -> f64 {
    a.min(b)
}

#[differentiable]
fn ln_of(x: f64) -> f64 {
    x.ln()
}

#[differentiable]
fn powi_zero(x: f64) -> f64 {
    x.powi(0)
}

#[differentiable]
fn norm_of(v: &[f64]) -> f64 {
    norm(v)
}

#[differentiable]
fn largest(v: &[f64]) -> f64 {
    max_of(v)
}

#[test]
fn sqrt_at_zero_is_infinite() {
    // d√x/dx = 1/(2√x) → +∞ as x → 0⁺: the gradient says so rather than inventing a value.
    assert_eq!(sqrt_of_grad(0.0), f64::INFINITY);
    assert_eq!(sqrt_of_vjp(0.0, 1.0).1, f64::INFINITY);
}

#[test]
fn powf_with_base_zero() {
    // x^p at x = 0: ∂/∂x = p·0^(p−1) (0 for p > 1, ∞ for 0 < p < 1), and ∂/∂p = 0, the limit
    // of xᵖ·ln x as x → 0⁺, never NaN from 0·ln 0.
    assert_eq!(power_grad(0.0, 2.0), (0.0, 0.0));
    assert_eq!(power_grad(0.0, 0.5), (f64::INFINITY, 0.0));
    // p = 0: xᵖ is the constant 1, so ∂/∂x = 0 even at x = 0.
    assert_eq!(power_grad(0.0, 0.0).0, 0.0);
}

#[test]
fn abs_at_zero_is_zero() {
    // The subgradient PyTorch and JAX pick.
    assert_eq!(abs_of_grad(0.0), 0.0);
    assert_eq!(abs_of_grad(-0.0), 0.0);
    assert_eq!(abs_of_grad(2.0), 1.0);
    assert_eq!(abs_of_grad(-2.0), -1.0);
    // Of one float, `_grad` runs forward mode; `_vjp` with seed 1 is reverse mode.
    assert_eq!(abs_of_vjp(0.0, 1.0).1, 0.0);
    assert_eq!(abs_of_vjp(-0.0, 1.0).1, 0.0);
    assert_eq!(abs_of_vjp(2.0, 1.0).1, 1.0);
    assert_eq!(abs_of_vjp(-2.0, 1.0).1, -1.0);
}

#[test]
fn max_and_min_split_ties() {
    assert_eq!(max_of_two_grad(1.0, 1.0), (0.5, 0.5));
    assert_eq!(min_of_two_grad(1.0, 1.0), (0.5, 0.5));
    assert_eq!(max_of_two_grad(2.0, 1.0), (1.0, 0.0));
    assert_eq!(min_of_two_grad(2.0, 1.0), (0.0, 1.0));
    // `f64::max` ignores a NaN argument, so the gradient goes to the other one.
    assert_eq!(max_of_two_grad(f64::NAN, 1.0), (0.0, 1.0));
    // A slice maximum splits the gradient among the elements equal to it.
    assert_eq!(largest_grad(&[1.0, 3.0, 3.0]), vec![0.0, 0.5, 0.5]);
}

#[test]
fn ln_at_zero_and_below() {
    // ln 0 = −∞ with derivative +∞; below 0 the value is NaN and the rule's 1/x is returned.
    assert_eq!(ln_of(0.0), f64::NEG_INFINITY);
    assert_eq!(ln_of_grad(0.0), f64::INFINITY);
    assert_eq!(ln_of_vjp(0.0, 1.0), (f64::NEG_INFINITY, f64::INFINITY));
    assert!(ln_of(-1.0).is_nan());
    assert_eq!(ln_of_grad(-1.0), -1.0);
    assert_eq!(ln_of_vjp(-1.0, 1.0).1, -1.0);
}

#[test]
fn powi_zero_has_zero_derivative_everywhere() {
    assert_eq!(powi_zero_grad(0.0), 0.0);
    assert_eq!(powi_zero_grad(f64::INFINITY), 0.0);
    assert_eq!(powi_zero_vjp(0.0, 1.0).1, 0.0);
    assert_eq!(powi_zero_vjp(f64::INFINITY, 1.0).1, 0.0);
}

#[test]
fn norm_at_the_origin_is_zero() {
    assert_eq!(norm_of_grad(&[0.0, 0.0]), vec![0.0, 0.0]);
}

#[test]
fn nan_and_infinity_propagate() {
    assert!(sqrt_of_grad(f64::NAN).is_nan());
    assert!(sqrt_of_vjp(f64::NAN, 1.0).1.is_nan());
    assert!(abs_of_grad(f64::NAN).is_nan());
    assert!(abs_of_vjp(f64::NAN, 1.0).1.is_nan());
    assert!(power_grad(f64::NAN, 2.0).0.is_nan());
    assert_eq!(sqrt_of_grad(f64::INFINITY), 0.0);
    assert_eq!(sqrt_of_vjp(f64::INFINITY, 1.0).1, 0.0);
    assert!(norm_of_grad(&[f64::NAN, 1.0]).iter().all(|g| g.is_nan()));
}
