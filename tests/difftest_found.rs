//! Mismatches found by the differential tester, `difftest`: each entry is the smallest program
//! that still showed one, and a test at the point where it did.
//!
//! Entries are written by difftest itself. When a batch (`cargo run -p difftest --release --
//! --programs 200 --seed 1`) finds a generated gradient that disagrees with dual numbers,
//! finite differences or the scaled gradient, difftest deletes statements of the program and
//! of its callees, and simplifies results, for as long as the mismatch persists at the same
//! point, then appends here a module with what is left and a test that checks the gradient
//! there against `autodiff::Dual` and `check_grad`. The test is marked `#[ignore]` because it
//! fails until the macro is fixed: fix the bug, remove the `ignore`. An entry made with
//! `--inject-bug` corrupts the reference on purpose and must not be committed.
//!
//! No entry means no mismatch has been found since this file was added.
// The helpers are unused while there is no entry.
#![allow(dead_code)]

use autodiff::{check_grad, Dual, Float};

/// `(x0̄, x1̄, x2̄, w̄)` as one array, in the order of the point `x`.
pub fn flat((g0, g1, g2, gw): (f64, f64, f64, Vec<f64>)) -> [f64; 7] {
    [g0, g1, g2, gw[0], gw[1], gw[2], gw[3]]
}

/// `Σ seedᵢ·yᵢ`: the outputs of a function of three outputs weighed by a cotangent seed.
pub fn weigh<T: Float>(seed: [f64; 3], y: impl AsRef<[T]>) -> T {
    let terms = y.as_ref().iter().zip(seed);
    terms.fold(T::zero(), |s, (&yi, si)| s + yi * T::from(si).unwrap())
}

/// The gradient of `f` at `x` by forward mode, one dual evaluation per component.
pub fn forward_gradient(f: impl Fn(&[Dual<f64>]) -> Dual<f64>, x: &[f64; 7]) -> [f64; 7] {
    std::array::from_fn(|k| {
        let mut xd = x.map(Dual::constant);
        xd[k] = Dual::variable(x[k]);
        f(&xd).tangent
    })
}

/// `a` and `b` agree to `tol` relative to their size (absolute below 1), or are both NaN.
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0) || (a.is_nan() && b.is_nan())
}

/// `grad`, a gradient of `f` at `x` from the reverse sweep, agrees with `forward` (from dual
/// numbers) and with central finite differences.
#[track_caller]
pub fn assert_gradient(
    grad: &[f64; 7],
    forward: &[f64; 7],
    f: impl Fn(&[f64]) -> f64,
    x: &[f64; 7],
) {
    for k in 0..7 {
        assert!(
            close(grad[k], forward[k], 1e-9),
            "component {k}: reverse {} but dual numbers {}",
            grad[k],
            forward[k]
        );
    }
    check_grad(f, x, grad).assert_within(1e-6);
}

/// `vjp`, from the reverse sweep with `seed`, is `seed` times `grad`.
#[track_caller]
pub fn assert_scaled(vjp: &[f64; 7], seed: f64, grad: &[f64; 7]) {
    for k in 0..7 {
        let scaled = seed * grad[k];
        assert!(
            close(vjp[k], scaled, 1e-12),
            "component {k}: vjp {} but the seed times the gradient is {scaled}",
            vjp[k]
        );
    }
}
