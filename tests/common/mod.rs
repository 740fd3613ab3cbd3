//! Helpers shared by the behaviour tests.
#![allow(dead_code)]

/// `a` and `b` agree to `tol`, relative to their size (absolute below 1).
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0) || (a.is_nan() && b.is_nan())
}

#[track_caller]
pub fn assert_close(a: f64, b: f64, tol: f64) {
    assert!(
        close(a, b, tol),
        "{a} and {b} differ by more than {tol} (relative)"
    );
}

use autodiff::check_grad;
use proptest::prelude::*;

/// `f` of one variable: the gradient `g` against central finite differences.
pub fn fd1(f: impl Fn(f64) -> f64, x: f64, g: f64) {
    check_grad(|v| f(v[0]), &[x], &[g]).assert_within(1e-6);
}

/// `f` of two variables: the gradient `g` against central finite differences.
pub fn fd2(f: impl Fn(f64, f64) -> f64, x: f64, y: f64, g: (f64, f64)) {
    check_grad(|v| f(v[0], v[1]), &[x, y], &[g.0, g.1]).assert_within(1e-6);
}

/// `f` of one flat slice: the gradient `g` against central finite differences.
pub fn fd(f: impl Fn(&[f64]) -> f64, x: &[f64], g: &[f64]) {
    check_grad(f, x, g).assert_within(1e-6);
}

#[track_caller]
pub fn assert_all_close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "lengths differ: {a:?} vs {b:?}");
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        assert!(
            close(x, y, tol),
            "component {i}: {x} and {y} differ by more than {tol} (relative)\n{a:?}\n{b:?}"
        );
    }
}

/// A vector of random length 1..8 with elements in `range`.
pub fn vec_in(range: std::ops::Range<f64>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(range, 1..8)
}

/// Forward and reverse mode agree on a derivative: both the same infinity, both NaN, or
/// within `tol` as [`close`] has it.
fn modes_agree(forward: f64, reverse: f64, tol: f64) -> bool {
    if forward.is_infinite() || reverse.is_infinite() {
        forward == reverse
    } else {
        close(forward, reverse, tol)
    }
}

/// The derivative of a function of one float two ways: its `_grad` (forward mode: one
/// `_jvp` with tangent 1) and its `_vjp` with seed 1 (reverse mode). They must agree to 1e-12
/// (relative, as [`close`]; NaN with NaN, an infinity with the same infinity). Returns the
/// reverse-mode one, so the test's exact and finite-difference checks judge the reverse sweep.
#[track_caller]
pub fn both_modes(forward: f64, (_, reverse): (f64, f64)) -> f64 {
    assert!(
        modes_agree(forward, reverse, 1e-12),
        "forward mode (_grad) gives {forward}, reverse mode (_vjp) {reverse}"
    );
    reverse
}

/// [`both_modes`] for `_value_and_grad`: the values and the derivatives must agree. Returns
/// the reverse-mode pair.
#[track_caller]
pub fn both_modes_vg(forward: (f64, f64), reverse: (f64, f64)) -> (f64, f64) {
    assert!(
        modes_agree(forward.0, reverse.0, 1e-12),
        "values differ: forward mode (_value_and_grad) gives {}, reverse mode (_vjp) {}",
        forward.0,
        reverse.0
    );
    (reverse.0, both_modes(forward.1, reverse))
}

/// [`both_modes`] in single precision: they must agree to 1e-5 (relative), the tolerance
/// these tests give any f32 result against f64.
#[track_caller]
pub fn both_modes_f32(forward: f32, (_, reverse): (f32, f32)) -> f32 {
    assert!(
        modes_agree(forward as f64, reverse as f64, 1e-5),
        "forward mode (_grad) gives {forward}, reverse mode (_vjp) {reverse}"
    );
    reverse
}
