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
