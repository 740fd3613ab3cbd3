//! The seed's `tanh`, at a scalar.

use autodiff::prelude::*;
use easy_ml::differentiation::{Record, WengertList};
use easy_ml::numeric::extra::Exp;
use num_dual::{first_derivative, Dual64, DualNum};

/// The point the benchmark differentiates at.
pub const X: f64 = 1.0;

/// The primal, exactly as in the seed; `tanh_grad` is generated from it.
#[differentiable]
pub fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

/// By hand: with y = e^{−2x}, dy/dx = −2y and d/dy (1 − y)/(1 + y) = −2/(1 + y)², so
/// d/dx tanh(x) = 4y / (1 + y)².
#[inline]
pub fn hand_grad(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    let d = 1.0 + y;
    4.0 * y / (d * d)
}

/// easy-ml's reverse mode: the same arithmetic on `Record`s, recorded on `list` (cleared
/// first, so one list serves every call), then one reverse pass over the list.
pub fn easy_ml_grad(list: &WengertList<f64>, x: f64) -> f64 {
    list.clear();
    let x = Record::variable(x, list);
    let one = Record::constant(1.0);
    let y = (x * -2.0).exp();
    let t = (one - y) / (one + y);
    t.derivatives()[&x]
}

/// The same arithmetic on num-dual's dual numbers.
#[inline]
pub fn tanh_dual(x: Dual64) -> Dual64 {
    let y = (x * -2.0).exp();
    (-y + 1.0) / (y + 1.0)
}

/// num-dual's forward mode: `first_derivative` seeds one `Dual64` and runs `tanh_dual` once.
pub fn num_dual_grad(x: f64) -> f64 {
    first_derivative(tanh_dual, x).1
}

/// Asserts that every gradient agrees with the hand-written one, and that with 1 − tanh²(x).
pub fn check() {
    let hand = hand_grad(X);
    let t = X.tanh();
    crate::assert_agree("tanh: hand-written vs 1 − tanh²", &[hand], &[1.0 - t * t]);
    crate::assert_agree("tanh: generated", &[tanh_grad(X)], &[hand]);
    let list = WengertList::new();
    crate::assert_agree("tanh: easy-ml", &[easy_ml_grad(&list, X)], &[hand]);
    crate::assert_agree("tanh: num-dual", &[num_dual_grad(X)], &[hand]);
}
