//! The two-layer network of issue 18 at batch 256, width 256: the generated gradient of the
//! ndarray version over its primal, beside the version written with loops over slices.
//! `cargo bench --features ndarray --bench ndarray_net`.

use autodiff::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};
use ndarray::Array2;
use std::hint::black_box;

#[differentiable(wrt(w1, w2))]
fn net(x: &Array2<f64>, w1: &Array2<f64>, w2: &Array2<f64>, y: &Array2<f64>) -> f64 {
    let h = x.dot(w1).mapv(f64::tanh);
    let out = h.dot(w2);
    let r = &out - y;
    (&r * &r).sum()
}

#[differentiable(wrt(w1, w2))]
fn net_loops(x: &[Vec<f64>], w1: &[Vec<f64>], w2: &[Vec<f64>], y: &[Vec<f64>]) -> f64 {
    let mut loss = 0.0;
    let mut h = vec![0.0; w1[0].len()];
    for b in 0..x.len() {
        for j in 0..w1[0].len() {
            let mut a = 0.0;
            for i in 0..x[0].len() {
                a += x[b][i] * w1[i][j];
            }
            h[j] = a.tanh();
        }
        for k in 0..w2[0].len() {
            let mut o = 0.0;
            for j in 0..h.len() {
                o += h[j] * w2[j][k];
            }
            let r = o - y[b][k];
            loss += r * r;
        }
    }
    loss
}

fn data(n: usize, m: usize, seed: f64) -> Array2<f64> {
    Array2::from_shape_fn((n, m), |(i, j)| {
        ((i * m + j) as f64 * 0.37 + seed).sin() * 0.1
    })
}

fn rows(a: &Array2<f64>) -> Vec<Vec<f64>> {
    a.outer_iter().map(|r| r.to_vec()).collect()
}

fn bench(c: &mut Criterion) {
    let n = 256;
    let (x, w1, w2, y) = (
        data(n, n, 0.1),
        data(n, n, 0.2),
        data(n, n, 0.3),
        data(n, n, 0.4),
    );
    let mut g = c.benchmark_group("ndarray_net_256");
    g.sample_size(10);
    g.bench_function("ndarray primal", |b| {
        b.iter(|| net(black_box(&x), &w1, &w2, &y))
    });
    g.bench_function("ndarray grad", |b| {
        b.iter(|| net_grad(black_box(&x), &w1, &w2, &y))
    });
    let (xs, w1s, w2s, ys) = (rows(&x), rows(&w1), rows(&w2), rows(&y));
    g.bench_function("loops primal", |b| {
        b.iter(|| net_loops(black_box(&xs), &w1s, &w2s, &ys))
    });
    g.bench_function("loops grad", |b| {
        b.iter(|| net_loops_grad(black_box(&xs), &w1s, &w2s, &ys))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
