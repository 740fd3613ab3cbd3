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
