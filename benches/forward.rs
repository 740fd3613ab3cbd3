//! Forward mode and second order against the primal, in one run: `_jvp` and `_hvp` of the
//! seed's `tanh` and of the extended Rosenbrock function at n = 1000 (and its `_grad`).
//!
//! Run with `cargo bench --bench forward`.

use autodiff::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

#[differentiable]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() / 2 {
        let a = x[2 * i] * x[2 * i] - x[2 * i + 1];
        let b = x[2 * i] - 1.0;
        s += 100.0 * a * a + b * b;
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("forward_tanh");
    group.bench_function("primal", |b| b.iter(|| tanh(black_box(0.3))));
    group.bench_function("grad", |b| b.iter(|| tanh_grad(black_box(0.3))));
    group.bench_function("jvp", |b| {
        b.iter(|| tanh_jvp(black_box(0.3), black_box(1.0)))
    });
    group.bench_function("hvp", |b| {
        b.iter(|| tanh_hvp(black_box(0.3), black_box(1.0)))
    });
    group.finish();

    let x: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin()).collect();
    let v: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.11).cos()).collect();
    let mut group = c.benchmark_group("forward_rosenbrock_n1000");
    group.bench_function("primal", |b| b.iter(|| rosenbrock(black_box(&x))));
    group.bench_function("grad", |b| b.iter(|| rosenbrock_grad(black_box(&x))));
    group.bench_function("jvp", |b| {
        b.iter(|| rosenbrock_jvp(black_box(&x), black_box(&v)))
    });
    group.bench_function("hvp", |b| {
        b.iter(|| rosenbrock_hvp(black_box(&x), black_box(&v)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
