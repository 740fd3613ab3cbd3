//! The logistic loss at n = 1000 points, d = 10 features, as in `benches/logistic.rs` of the
//! main crate (the same function and the same data).

use autodiff::prelude::*;
use easy_ml::differentiation::{Record, WengertList};
use easy_ml::numeric::extra::Ln;
use nalgebra::SVector;
use num_dual::{gradient, DualNum, DualSVec64};

/// Features per point.
pub const D: usize = 10;
/// Points.
pub const N: usize = 1000;

/// The primal; `logistic_loss_grad` and `logistic_loss_grad_into` are generated from it.
#[differentiable(wrt(weights))]
pub fn logistic_loss(weights: &[f64], inputs: &[[f64; D]], targets: &[f64]) -> f64 {
    let mut loss = 0.0;
    for (i, row) in inputs.iter().enumerate() {
        let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
        let y = targets[i];
        loss -= (p * y + (1.0 - p) * (1.0 - y)).ln();
    }
    loss
}

/// By hand, as in `benches/logistic.rs`: with t = x·w, p = (tanh(t/2) + 1)/2 and
/// q = p·y + (1 − p)(1 − y),
///
/// ∂L/∂w = Σ −(2y − 1)/q · (1 − tanh²(t/2))/4 · x,
///
/// which is Σ (p − y)·x for targets y ∈ {0, 1}.
pub fn hand_grad(weights: &[f64], inputs: &[[f64; D]], targets: &[f64]) -> Vec<f64> {
    let mut grad = vec![0.0; weights.len()];
    for (row, y) in inputs.iter().zip(targets) {
        let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
        let q = p * y + (1.0 - p) * (1.0 - y);
        let dl_dp = -(y - (1.0 - y)) / q;
        let dp_dt = 0.25 * (1.0 - ((dot(row, weights) / 2.0).tanh()).powi(2));
        let g = dl_dp * dp_dt;
        for (gk, xk) in grad.iter_mut().zip(row) {
            *gk += g * xk;
        }
    }
    grad
}

/// `tanh` of a `Record`. easy-ml's `Real` has no `tanh`; its documentation gives it with
/// `Record::unary` (the function and its derivative 1 − tanh²). `unary` ties its result to
/// the borrow of `z`, so the result is rebuilt on `z`'s list with `from_existing`.
fn record_tanh<'a>(z: Record<'a, f64>) -> Record<'a, f64> {
    let history = z.history();
    let t = z.unary(f64::tanh, |z| {
        let t = z.tanh();
        1.0 - t * t
    });
    Record::from_existing((t.number, t.index), history)
}

/// easy-ml's reverse mode: the weights are `Record` variables, the data constants.
pub fn easy_ml_grad(
    list: &WengertList<f64>,
    weights: &[f64],
    inputs: &[[f64; D]],
    targets: &[f64],
) -> Vec<f64> {
    list.clear();
    let w: Vec<Record<f64>> = weights.iter().map(|&w| Record::variable(w, list)).collect();
    let mut loss = Record::constant(0.0);
    for (row, &y) in inputs.iter().zip(targets) {
        let mut t = w[0] * row[0];
        for j in 1..D {
            t = t + w[j] * row[j];
        }
        let p = (record_tanh(t / 2.0) + 1.0) * 0.5;
        loss = loss - (p * y + (-p + 1.0) * (1.0 - y)).ln();
    }
    let derivatives = loss.derivatives();
    w.iter().map(|w| derivatives[w]).collect()
}

/// The same loss on num-dual's `DualSVec64<D>`: each number carries all D tangents.
pub fn logistic_dual(
    weights: &[DualSVec64<D>],
    inputs: &[[f64; D]],
    targets: &[f64],
) -> DualSVec64<D> {
    let mut loss = DualSVec64::from_re(0.0);
    for (row, &y) in inputs.iter().zip(targets) {
        let mut t = weights[0] * row[0];
        for j in 1..D {
            t += weights[j] * row[j];
        }
        let p = ((t / 2.0).tanh() + 1.0) * 0.5;
        loss -= (p * y + (-p + 1.0) * (1.0 - y)).ln();
    }
    loss
}

/// num-dual's forward mode: `gradient` with the statically sized `DualSVec64<D>` (one sweep
/// carrying D = 10 tangents, no allocation), as num-dual's documentation does for a gradient
/// of a fixed, small number of inputs.
pub fn num_dual_grad(weights: &[f64], inputs: &[[f64; D]], targets: &[f64]) -> Vec<f64> {
    let w = SVector::<f64, D>::from_column_slice(weights);
    let (_, g) = gradient(
        |w: SVector<DualSVec64<D>, D>| logistic_dual(w.as_slice(), inputs, targets),
        &w,
    );
    g.as_slice().to_vec()
}

/// The weights, points and targets: copied from `benches/logistic.rs` of the main crate.
pub fn data() -> (Vec<f64>, Vec<[f64; D]>, Vec<f64>) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let weights: Vec<f64> = (0..D).map(|_| next() * 0.5).collect();
    let inputs: Vec<[f64; D]> = (0..N).map(|_| std::array::from_fn(|_| next())).collect();
    let targets: Vec<f64> = (0..N)
        .map(|_| if next() > 0.0 { 1.0 } else { 0.0 })
        .collect();
    (weights, inputs, targets)
}

/// Asserts that every gradient agrees with the hand-written one, and that with Σ (p − y)·x.
pub fn check() {
    let (w, x, y) = data();
    let hand = hand_grad(&w, &x, &y);
    let mut simple = vec![0.0; D];
    for (row, &t) in x.iter().zip(&y) {
        let p = 1.0 / (1.0 + (-dot(row, &w)).exp());
        for j in 0..D {
            simple[j] += (p - t) * row[j];
        }
    }
    // Two formulas, so agreement to rounding only.
    for (a, b) in hand.iter().zip(&simple) {
        assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    }
    crate::assert_agree(
        "logistic: generated",
        &logistic_loss_grad(&w, &x, &y),
        &hand,
    );
    let mut into = vec![0.0; D];
    let value = logistic_loss_grad_into(&w, &x, &y, &mut into);
    assert_eq!(value, logistic_loss(&w, &x, &y));
    crate::assert_agree("logistic: generated _grad_into", &into, &hand);
    let list = WengertList::new();
    crate::assert_agree("logistic: easy-ml", &easy_ml_grad(&list, &w, &x, &y), &hand);
    crate::assert_agree("logistic: num-dual", &num_dual_grad(&w, &x, &y), &hand);
}
