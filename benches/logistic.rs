//! The logistic loss at n = 1000 points, d = 10 features: primal, generated gradient, and a
//! gradient written by hand, in one run.

use autodiff::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

const D: usize = 10;

#[differentiable(wrt(weights))]
fn logistic_loss(weights: &[f64], inputs: &[[f64; D]], targets: &[f64]) -> f64 {
    let mut loss = 0.0;
    for (i, row) in inputs.iter().enumerate() {
        let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
        let y = targets[i];
        loss -= (p * y + (1.0 - p) * (1.0 - y)).ln();
    }
    loss
}

/// ∂L/∂w = Σ (p − y)·x, with p computed exactly as the primal does.
fn hand_grad(weights: &[f64], inputs: &[[f64; D]], targets: &[f64]) -> Vec<f64> {
    let mut grad = vec![0.0; weights.len()];
    for (row, y) in inputs.iter().zip(targets) {
        let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
        // d/dp of -ln(p y + (1-p)(1-y)) times dp/dt
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

fn data() -> (Vec<f64>, Vec<[f64; D]>, Vec<f64>) {
    // A fixed pseudo-random data set (a linear congruential generator, no dependency).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let weights: Vec<f64> = (0..D).map(|_| next() * 0.5).collect();
    let inputs: Vec<[f64; D]> = (0..1000).map(|_| std::array::from_fn(|_| next())).collect();
    let targets: Vec<f64> = (0..1000)
        .map(|_| if next() > 0.0 { 1.0 } else { 0.0 })
        .collect();
    (weights, inputs, targets)
}

fn bench(c: &mut Criterion) {
    let (w, x, y) = data();
    let generated = logistic_loss_grad(&w, &x, &y);
    let by_hand = hand_grad(&w, &x, &y);
    for (a, b) in generated.iter().zip(&by_hand) {
        assert!(
            (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            "generated {a} vs hand-written {b}"
        );
    }
    let mut group = c.benchmark_group("logistic_n1000_d10");
    group.bench_function("primal", |b| {
        b.iter(|| logistic_loss(black_box(&w), black_box(&x), black_box(&y)))
    });
    group.bench_function("generated_grad", |b| {
        b.iter(|| logistic_loss_grad(black_box(&w), black_box(&x), black_box(&y)))
    });
    group.bench_function("hand_grad", |b| {
        b.iter(|| hand_grad(black_box(&w), black_box(&x), black_box(&y)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
