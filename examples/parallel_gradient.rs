//! Data-parallel gradients: the logistic loss over a large data set, split into shards that
//! rayon's threads differentiate at the same time with `_grad_into`, then summed.
//!
//! The loss is a sum over data points, so its gradient is the sum of the shards' gradients.
//! Each shard accumulates into a buffer of its own (`_grad_into` adds, it never zeroes), and
//! the buffers are added at the end: no locks, and the generated code is the same function
//! the sequential loop calls.
//!
//! ```sh
//! cargo run --release --example parallel_gradient
//! ```

use autodiff::prelude::*;
use rayon::prelude::*;
use std::time::Instant;

const D: usize = 10;

/// Negative log-likelihood of the targets under `sigmoid(inputs · weights)`.
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

/// The loss and its gradient on one thread.
fn sequential(w: &[f64], x: &[[f64; D]], y: &[f64], grad: &mut [f64]) -> f64 {
    grad.fill(0.0);
    logistic_loss_grad_into(w, x, y, grad)
}

/// The loss and its gradient, shards of `shard` points on rayon's threads.
fn parallel(w: &[f64], x: &[[f64; D]], y: &[f64], shard: usize, grad: &mut [f64]) -> f64 {
    let (loss, sum) = x
        .par_chunks(shard)
        .zip(y.par_chunks(shard))
        .map(|(xs, ys)| {
            let mut g = vec![0.0; w.len()];
            let loss = logistic_loss_grad_into(w, xs, ys, &mut g);
            (loss, g)
        })
        .reduce(
            || (0.0, vec![0.0; w.len()]),
            |(la, mut ga), (lb, gb)| {
                ga.iter_mut().zip(&gb).for_each(|(a, b)| *a += b);
                (la + lb, ga)
            },
        );
    grad.copy_from_slice(&sum);
    loss
}

/// A fixed pseudo-random data set with labels from a known linear model.
fn data(n: usize) -> (Vec<[f64; D]>, Vec<f64>) {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let truth: [f64; D] = std::array::from_fn(|k| (k as f64 - 4.5) / 3.0);
    let inputs: Vec<[f64; D]> = (0..n).map(|_| std::array::from_fn(|_| uniform())).collect();
    let targets = inputs
        .iter()
        .map(|row| {
            let t: f64 = row.iter().zip(&truth).map(|(a, b)| a * b).sum();
            if t + 0.3 * uniform() > 0.0 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    (inputs, targets)
}

fn main() {
    let n = 2_000_000;
    let (x, y) = data(n);
    let threads = rayon::current_num_threads();
    let shard = n.div_ceil(4 * threads);
    println!("{n} points, {D} features, {threads} threads, shards of {shard} points");

    let mut w = vec![0.0; D];
    let (mut g_seq, mut g_par) = (vec![0.0; D], vec![0.0; D]);
    let steps = 10;
    let (mut t_seq, mut t_par) = (0.0, 0.0);
    for step in 0..steps {
        let start = Instant::now();
        let loss_seq = sequential(&w, &x, &y, &mut g_seq);
        t_seq += start.elapsed().as_secs_f64();
        let start = Instant::now();
        let loss_par = parallel(&w, &x, &y, shard, &mut g_par);
        t_par += start.elapsed().as_secs_f64();

        // The shards add in another order, so the sums agree to rounding, not bit for bit.
        assert!((loss_seq - loss_par).abs() <= 1e-9 * loss_seq.abs());
        for (a, b) in g_seq.iter().zip(&g_par) {
            assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{a} vs {b}");
        }
        println!("step {step}: mean loss {:.6}", loss_par / n as f64);
        for (wk, gk) in w.iter_mut().zip(&g_par) {
            *wk -= 2.0 * gk / n as f64;
        }
    }
    println!(
        "gradient: {:.1} ms on one thread, {:.1} ms on {threads}: speed-up {:.2}",
        1e3 * t_seq / steps as f64,
        1e3 * t_par / steps as f64,
        t_seq / t_par
    );
}
