//! Fits `y = a·e^(−b·t)·cos(c·t + d)` to noisy samples by Gauss-Newton with a
//! Levenberg-Marquardt damping, the residuals' Jacobian from `residuals_jvp_lanes::<4>`: its
//! four columns (one per parameter) from one forward sweep.
//!
//! ```sh
//! cargo run --release --example gauss_newton_lanes --features lanes
//! ```

use autodiff::prelude::*;
use autodiff::Lanes;

/// The model's residuals at the parameters `p = (a, b, c, d)`, against samples `(t, y)`.
#[differentiable(wrt(p))]
fn residuals(p: &[f64], t: &[f64], y: &[f64]) -> Vec<f64> {
    let mut r = vec![0.0; t.len()];
    for i in 0..t.len() {
        r[i] = p[0] * (-p[1] * t[i]).exp() * (p[2] * t[i] + p[3]).cos() - y[i];
    }
    r
}

/// Solves the 4 × 4 system `a·x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: [[f64; 4]; 4], mut b: [f64; 4]) -> [f64; 4] {
    for col in 0..4 {
        let pivot = (col..4)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..4 {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (entry, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *entry -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 4];
    for row in (0..4).rev() {
        let s: f64 = (row + 1..4).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x
}

fn main() {
    let truth = [2.0, 0.3, 1.7, 0.4];
    let t: Vec<f64> = (0..200).map(|i| i as f64 * 0.05).collect();
    // Deterministic "noise".
    let y: Vec<f64> = t
        .iter()
        .enumerate()
        .map(|(i, &ti)| {
            let model = truth[0] * (-truth[1] * ti).exp() * (truth[2] * ti + truth[3]).cos();
            model + 0.01 * ((i * 7919 % 200) as f64 / 100.0 - 1.0)
        })
        .collect();
    // The four unit directions, one per lane: the Jacobian's columns in one sweep.
    let dirs: [Lanes<f64, 4>; 4] =
        std::array::from_fn(|j| Lanes::from_fn(|k| if j == k { 1.0 } else { 0.0 }));
    let mut p = [1.0, 0.1, 1.5, 0.0];
    let mut damping = 1e-3;
    let cost = |p: &[f64]| residuals(p, &t, &y).iter().map(|r| r * r).sum::<f64>() / 2.0;
    for iteration in 0..50 {
        let (r, jacobian) = residuals_jvp_lanes::<4>(&p, &t, &y, &dirs);
        // Normal equations (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr.
        let (mut jtj, mut jtr) = ([[0.0; 4]; 4], [0.0; 4]);
        for (row, ri) in jacobian.iter().zip(&r) {
            for i in 0..4 {
                jtr[i] -= row[i] * ri;
                for j in 0..4 {
                    jtj[i][j] += row[i] * row[j];
                }
            }
        }
        for (i, row) in jtj.iter_mut().enumerate() {
            row[i] *= 1.0 + damping;
        }
        let step = solve(jtj, jtr);
        let trial: Vec<f64> = p.iter().zip(step).map(|(a, s)| a + s).collect();
        let (before, after) = (cost(&p), cost(&trial));
        if after < before {
            p.copy_from_slice(&trial);
            damping /= 3.0;
        } else {
            damping *= 4.0;
        }
        println!("iteration {iteration:2}: cost {:.6e}", cost(&p));
        if (before - after).abs() < 1e-14 * before.max(1e-300) {
            break;
        }
    }
    println!("fitted {p:.4?}, true {truth:?}");
    for (fitted, true_value) in p.iter().zip(truth) {
        assert!(
            (fitted - true_value).abs() < 0.05,
            "{fitted} is far from {true_value}"
        );
    }
}
