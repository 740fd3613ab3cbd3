//! Helpers shared by the rule tests.
#![allow(dead_code)]

use autodiff_runtime::check_grad;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Relative tolerance for the finite-difference comparison. Over these domains central
/// differences agree with the exact derivatives to about 1e-9 (measured over thousands of
/// cases), so 1e-7 leaves a wide margin while still catching any wrong factor.
pub const TOL: f64 = 1e-7;

/// `seed·f` (or `⟨seed, f⟩`) against the cotangents the rule returned or added.
pub fn fd(f: impl Fn(&[f64]) -> f64, x: &[f64], got: &[f64]) -> Result<(), TestCaseError> {
    let report = check_grad(f, x, got);
    prop_assert!(report.is_within(TOL), "{}", report);
    Ok(())
}

/// Equality up to a few ulps, for hand-worked values that are not exact.
#[track_caller]
pub fn close(got: f64, want: f64) {
    let tol = 4.0 * f64::EPSILON * want.abs().max(1.0);
    assert!(
        (got - want).abs() <= tol,
        "got {got:e}, want {want:e} (difference {:e})",
        got - want
    );
}
