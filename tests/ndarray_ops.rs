//! ndarray values inside `#[differentiable]` functions (feature `ndarray`): each operation
//! against a closed form and central finite differences, `_jvp` against the gradient dotted
//! with the tangent, and `_hvp` against finite differences of the gradient.
#![cfg(feature = "ndarray")]

use autodiff::prelude::*;
use ndarray::{array, Array1, Array2, ArrayView1, ArrayView2, Axis};

#[differentiable]
fn vdot(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    a.dot(b)
}

#[test]
fn vector_dot() {
    let a = array![1.0, 2.0, 3.0];
    let b = array![0.5, -1.0, 2.0];
    let (ga, gb) = vdot_grad(&a, &b);
    assert_eq!(ga, b);
    assert_eq!(gb, a);
    let (v, d) = vdot_jvp(&a, &b, &a, &b);
    assert_eq!(v, 4.5);
    assert!((d - (ga.dot(&a) + gb.dot(&b))).abs() < 1e-12);
}

/// The two-layer network of issue 18, with ndarray.
#[differentiable(wrt(w1, w2))]
fn net(x: &Array2<f64>, w1: &Array2<f64>, w2: &Array2<f64>, y: &Array2<f64>) -> f64 {
    let h = x.dot(w1).mapv(f64::tanh);
    let out = h.dot(w2);
    let r = &out - y;
    (&r * &r).sum()
}

/// The same network with loops over slices of rows.
#[differentiable(wrt(w1, w2))]
fn net_loops(x: &[Vec<f64>], w1: &[Vec<f64>], w2: &[Vec<f64>], y: &[Vec<f64>]) -> f64 {
    let mut loss = 0.0;
    for b in 0..x.len() {
        for k in 0..w2[0].len() {
            let mut o = 0.0;
            for j in 0..w1[0].len() {
                let mut a = 0.0;
                for i in 0..x[0].len() {
                    a += x[b][i] * w1[i][j];
                }
                o += a.tanh() * w2[j][k];
            }
            let r = o - y[b][k];
            loss += r * r;
        }
    }
    loss
}

fn rows(a: &Array2<f64>) -> Vec<Vec<f64>> {
    a.outer_iter().map(|r| r.to_vec()).collect()
}

fn data(n: usize, m: usize, seed: f64) -> Array2<f64> {
    Array2::from_shape_fn((n, m), |(i, j)| {
        ((i * m + j) as f64 * 0.37 + seed).sin() * 0.5
    })
}

#[test]
fn network_matches_loops_and_finite_differences() {
    let (x, w1, w2, y) = (
        data(5, 3, 0.1),
        data(3, 4, 0.2),
        data(4, 2, 0.3),
        data(5, 2, 0.4),
    );
    let (g1, g2) = net_grad(&x, &w1, &w2, &y);
    let (l1, l2) = net_loops_grad(&rows(&x), &rows(&w1), &rows(&w2), &rows(&y));
    for (a, b) in g1.iter().zip(l1.iter().flatten()) {
        assert!((a - b).abs() < 1e-12, "{a} {b}");
    }
    for (a, b) in g2.iter().zip(l2.iter().flatten()) {
        assert!((a - b).abs() < 1e-12, "{a} {b}");
    }
    let v = net(&x, &w1, &w2, &y);
    assert!((v - net_loops(&rows(&x), &rows(&w1), &rows(&w2), &rows(&y))).abs() < 1e-12);
    // Central differences over w1's elements.
    let shape = w1.raw_dim();
    check_grad(
        |flat| {
            net(
                &x,
                &Array2::from_shape_vec(shape, flat.to_vec()).unwrap(),
                &w2,
                &y,
            )
        },
        &w1.iter().copied().collect::<Vec<_>>(),
        &g1.iter().copied().collect::<Vec<_>>(),
    )
    .assert_within(1e-6);
    // Forward mode: the gradient dotted with the tangent.
    let (t1, t2) = (data(3, 4, 0.9), data(4, 2, 0.7));
    let (value, d) = net_jvp(&x, &w1, &w2, &y, &t1, &t2);
    assert!((value - v).abs() < 1e-12);
    let expected = g1.dot_flat(&t1) + g2.dot_flat(&t2);
    assert!((d - expected).abs() < 1e-10, "{d} {expected}");
    // Second order: H·v against central differences of the gradient.
    let (h1, h2) = net_hvp(&x, &w1, &w2, &y, &t1, &t2);
    let e = 1e-5;
    let (p1, p2) = net_grad(&x, &(&w1 + &(&t1 * e)), &(&w2 + &(&t2 * e)), &y);
    let (m1, m2) = net_grad(&x, &(&w1 - &(&t1 * e)), &(&w2 - &(&t2 * e)), &y);
    let fd1 = (&p1 - &m1) / (2.0 * e);
    let fd2 = (&p2 - &m2) / (2.0 * e);
    for (a, b) in h1.iter().zip(fd1.iter()).chain(h2.iter().zip(fd2.iter())) {
        assert!((a - b).abs() < 1e-5 * (1.0 + b.abs()), "{a} {b}");
    }
}

trait DotFlat {
    fn dot_flat(&self, other: &Self) -> f64;
}

impl DotFlat for Array2<f64> {
    fn dot_flat(&self, other: &Self) -> f64 {
        self.iter().zip(other.iter()).map(|(a, b)| a * b).sum()
    }
}
