//! autograd's `taylor_sine`: a `while` loop whose trip count depends on the data.

use std::f64::consts::PI;

use autodiff::prelude::*;
use easy_ml::differentiation::{Record, WengertList};
use num_dual::{first_derivative, Dual64};

/// The point the benchmark differentiates at (the loop runs 6 times there).
pub const X: f64 = PI;

/// The primal, as in `benches/scalar.rs` of the main crate; `taylor_sine_grad` is generated
/// from it.
#[differentiable]
pub fn taylor_sine(x: f64) -> f64 {
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

/// By hand, as in `benches/scalar.rs`: the derivative of the same loop, carried forward
/// alongside it (one input, so forward mode needs no record of the iterations). With
/// k = (2i + 3)(2i + 2):
///
/// cur' = −(cur'·x² + 2·cur·x) / k,   ans' += cur',   starting from cur' = ans' = 1.
#[inline]
pub fn hand_grad(x: f64) -> f64 {
    let mut cur = x;
    let mut d_cur = 1.0;
    let mut d_ans = 1.0;
    let mut i = 0;
    while cur.abs() > 0.001 {
        let k = ((2 * i + 3) * (2 * i + 2)) as f64;
        let new_cur = -cur * x * x / k;
        d_cur = -(d_cur * x * x + 2.0 * cur * x) / k;
        cur = new_cur;
        d_ans += d_cur;
        i += 1;
    }
    d_ans
}

/// easy-ml's reverse mode. `Record` has no `abs`; the loop's condition reads the value
/// (`.number`), as a condition needs no derivative.
pub fn easy_ml_grad(list: &WengertList<f64>, x: f64) -> f64 {
    list.clear();
    let x = Record::variable(x, list);
    let mut ans = x;
    let mut cur = x;
    let mut i = 0;
    while cur.number.abs() > 0.001 {
        cur = -cur * x * x / ((2 * i + 3) * (2 * i + 2)) as f64;
        ans = ans + cur;
        i += 1;
    }
    ans.derivatives()[&x]
}

/// The same loop on num-dual's dual numbers (the condition on the value, `.re`).
#[inline]
pub fn taylor_sine_dual(x: Dual64) -> Dual64 {
    let mut ans = x;
    let mut cur = x;
    let mut i = 0;
    while cur.re.abs() > 0.001 {
        cur = -cur * x * x / ((2 * i + 3) * (2 * i + 2)) as f64;
        ans += cur;
        i += 1;
    }
    ans
}

/// num-dual's forward mode: `first_derivative` seeds one `Dual64`.
pub fn num_dual_grad(x: f64) -> f64 {
    first_derivative(taylor_sine_dual, x).1
}

/// Asserts that every gradient agrees with the hand-written one (and that it is near
/// cos(π) = −1, the derivative of the sine the series truncates).
pub fn check() {
    let hand = hand_grad(X);
    assert!(
        (hand + 1.0).abs() < 1e-2,
        "taylor_sine: hand-written {hand}"
    );
    crate::assert_agree("taylor_sine: generated", &[taylor_sine_grad(X)], &[hand]);
    let list = WengertList::new();
    crate::assert_agree("taylor_sine: easy-ml", &[easy_ml_grad(&list, X)], &[hand]);
    crate::assert_agree("taylor_sine: num-dual", &[num_dual_grad(X)], &[hand]);
}
