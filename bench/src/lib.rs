//! Five functions, each in the versions timed by `benches/compare.rs`:
//!
//! - the primal, a `#[differentiable]` function, whose generated `_grad` (and `_grad_into`)
//!   is the gradient under test;
//! - a gradient written by hand, with its formula in its doc comment;
//! - easy-ml's reverse mode (`Record` on a `WengertList`, a tape built at run time);
//! - num-dual's forward mode (dual numbers: one sweep per input direction, or one sweep of
//!   a vector of tangents).
//!
//! Each module's `check` asserts that every gradient agrees with the hand-written one
//! (relative error at most [`TOLERANCE`] in every component). The benchmark calls it before
//! timing, and `tests/agree.rs` calls it too.

// The loops index several slices at once, as the C++ and Python originals do.
#![allow(clippy::needless_range_loop)]

pub mod gmm;
pub mod logistic;
pub mod rosenbrock;
pub mod tanh;
pub mod taylor_sine;

/// The largest relative error allowed between two gradients of the same function.
pub const TOLERANCE: f64 = 1e-9;

/// The relative error of `a` against `b`: `|a − b| / max(|a|, |b|)`, and 0 when both are 0.
pub fn rel_error(a: f64, b: f64) -> f64 {
    let scale = a.abs().max(b.abs());
    if scale == 0.0 {
        0.0
    } else {
        (a - b).abs() / scale
    }
}

/// Asserts that `got` (the gradient named `what`) agrees with the hand-written `hand` in
/// every component, to [`TOLERANCE`].
#[track_caller]
pub fn assert_agree(what: &str, got: &[f64], hand: &[f64]) {
    assert_eq!(got.len(), hand.len(), "{what}: lengths differ");
    for (i, (&a, &b)) in got.iter().zip(hand).enumerate() {
        let e = rel_error(a, b);
        assert!(
            e <= TOLERANCE,
            "{what}: component {i} is {a:e}, the hand-written gradient's is {b:e} \
             (relative error {e:e} > {TOLERANCE:e})"
        );
    }
}

/// A fixed pseudo-random sequence uniform in [−1, 1) (a linear congruential generator, as in
/// `benches/logistic.rs` of the main crate), so the data need no dependency and never change.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    pub fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}
