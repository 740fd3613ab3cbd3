//! Scalar benchmarks: the primal, the `#[differentiable]`-generated gradient and an
//! expert's hand-written gradient of the same function, for the seed's `tanh` and for
//! autograd's `taylor_sine`.
//!
//! Run with `cargo bench --bench scalar`.

use std::f64::consts::PI;
use std::hint::black_box;
use std::time::Duration;

use autodiff::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};

// ---------------------------------------------------------------------------------------------
// tanh, exactly as in the seed.

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

/// d/dx (1 − y)/(1 + y) with y = e^{−2x}: dy/dx = −2y and d/dy (1 − y)/(1 + y) = −2/(1 + y)²,
/// so the derivative is 4y / (1 + y)².
#[inline]
fn tanh_hand_grad(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    let d = 1.0 + y;
    4.0 * y / (d * d)
}

// ---------------------------------------------------------------------------------------------
// taylor_sine, from autograd's README.

#[differentiable]
fn taylor_sine(x: f64) -> f64 {
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

/// The derivative of the same loop, carried forward alongside it (one input, one output:
/// forward mode needs no record of the iterations, so nothing is allocated). The primal
/// arithmetic is kept exactly as in `taylor_sine`, so the loop runs the same number of times.
///
/// cur' = −(cur'·x·x + 2·cur·x) / k,   ans' += cur'.
#[inline]
fn taylor_sine_hand_grad(x: f64) -> f64 {
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

// ---------------------------------------------------------------------------------------------

fn assert_close(what: &str, generated: f64, hand: f64) {
    let rel = (generated - hand).abs() / hand.abs().max(f64::MIN_POSITIVE);
    assert!(
        rel <= 1e-12,
        "{what}: generated gradient {generated:e} != hand-written {hand:e} (relative error {rel:e})"
    );
}

fn config() -> Criterion {
    // The machine is small and shared: more samples and a longer measurement than the
    // defaults, so the medians are less sensitive to other processes.
    Criterion::default()
        .sample_size(200)
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(Duration::from_secs(10))
        .noise_threshold(0.03)
}

fn bench_tanh(c: &mut Criterion) {
    let x = 1.0_f64;
    assert_close("tanh", tanh_grad(x), tanh_hand_grad(x));
    // And both against the closed form 1 − tanh²(x).
    let t = x.tanh();
    assert_close("tanh (closed form)", tanh_hand_grad(x), 1.0 - t * t);

    let mut group = c.benchmark_group("tanh");
    group.bench_function("primal", |b| b.iter(|| black_box(tanh(black_box(x)))));
    group.bench_function("generated_grad", |b| {
        b.iter(|| black_box(tanh_grad(black_box(x))))
    });
    group.bench_function("hand_grad", |b| {
        b.iter(|| black_box(tanh_hand_grad(black_box(x))))
    });
    group.finish();
}

fn bench_taylor_sine(c: &mut Criterion) {
    let x = PI;
    assert_close("taylor_sine", taylor_sine_grad(x), taylor_sine_hand_grad(x));
    // Sanity: the truncated series' derivative is close to cos(π) = −1.
    assert!((taylor_sine_hand_grad(x) + 1.0).abs() < 1e-2);

    let mut group = c.benchmark_group("taylor_sine");
    group.bench_function("primal", |b| {
        b.iter(|| black_box(taylor_sine(black_box(x))))
    });
    group.bench_function("generated_grad", |b| {
        b.iter(|| black_box(taylor_sine_grad(black_box(x))))
    });
    group.bench_function("hand_grad", |b| {
        b.iter(|| black_box(taylor_sine_hand_grad(black_box(x))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_tanh, bench_taylor_sine
}
criterion_main!(benches);
