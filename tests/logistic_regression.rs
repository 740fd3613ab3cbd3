//! The logistic regression of HIPS autograd's README, trained as the seed trains it, against
//! the numbers autograd itself computes (tests/reference/logistic_regression_autograd.py).

use autodiff::prelude::*;

mod common;
use common::assert_close;

/// `-Σ ln(p·y + (1 − p)(1 − y))` with `p = sigmoid(inputs · weights)`, and
/// `sigmoid(t) = 0.5 (tanh(t/2) + 1)`, as in autograd's README.
#[differentiable(wrt(weights))]
fn training_loss(weights: &[f64], inputs: &[[f64; 3]], targets: &[f64]) -> f64 {
    let mut loss = 0.0;
    for (i, row) in inputs.iter().enumerate() {
        let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
        let y = targets[i];
        loss -= (p * y + (1.0 - p) * (1.0 - y)).ln();
    }
    loss
}

const INPUTS: [[f64; 3]; 4] = [
    [0.52, 1.12, 0.77],
    [0.88, -1.08, 0.15],
    [0.52, 0.06, -1.30],
    [0.74, -2.49, 1.39],
];
const TARGETS: [f64; 4] = [1.0, 1.0, 0.0, 1.0];

/// Printed by tests/reference/logistic_regression_autograd.py (autograd 1.9.1, numpy 2.4.6).
const AUTOGRAD_TRAINED_LOSS: f64 = 1.0672706757870163;
const AUTOGRAD_WEIGHTS: [f64; 3] = [
    0.483_073_661_919_968_1,
    -0.370_572_174_317_902_2,
    1.0693739506125794,
];

#[test]
fn initial_loss_is_4_ln_2() {
    let loss = training_loss(&[0.0; 3], &INPUTS, &TARGETS);
    assert_close(loss, 4.0 * 2f64.ln(), 1e-15);
    assert_close(loss, 2.772588722239781, 1e-15);
}

#[test]
fn hundred_steps_match_autograd() {
    let mut weights = vec![0.0; 3];
    for _ in 0..100 {
        let grad: Vec<f64> = training_loss_grad(&weights, &INPUTS, &TARGETS);
        for (w, g) in weights.iter_mut().zip(&grad) {
            *w -= 0.01 * g;
        }
    }
    let loss = training_loss(&weights, &INPUTS, &TARGETS);
    assert!(
        (loss - AUTOGRAD_TRAINED_LOSS).abs() < 1e-10,
        "{loss} vs autograd's {AUTOGRAD_TRAINED_LOSS}"
    );
    for (w, a) in weights.iter().zip(AUTOGRAD_WEIGHTS) {
        assert!((w - a).abs() < 1e-10, "{w} vs autograd's {a}");
    }
}

#[test]
fn gradient_against_closed_form_and_finite_differences() {
    let weights = [0.3, -0.2, 0.5];
    let grad = training_loss_grad(&weights, &INPUTS, &TARGETS);
    // By hand: ∂L/∂w = Σ (p − y) x for the logistic loss.
    let mut expected = [0.0; 3];
    for (x, y) in INPUTS.iter().zip(TARGETS) {
        let t: f64 = x.iter().zip(&weights).map(|(a, b)| a * b).sum();
        let p = 1.0 / (1.0 + (-t).exp());
        for k in 0..3 {
            expected[k] += (p - y) * x[k];
        }
    }
    for k in 0..3 {
        assert_close(grad[k], expected[k], 1e-12);
    }
    check_grad(|w| training_loss(w, &INPUTS, &TARGETS), &weights, &grad).assert_within(1e-7);
}
