//! Reverse loops that read their arrays through windows cut once before the loop
//! (`sweep/bounds.rs`): strides, offsets, ranges that start late or run empty, nesting, a
//! generic float, second order; and loops that must keep their ordinary indexing (no read
//! proves the last chunk, a stencil `x[i + 1]`). Each gradient against one worked by hand
//! and against central finite differences.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

mod common;
use common::{assert_all_close, fd};

fn data(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.3 + 0.7 * ((i * 7 + 3) % 11) as f64 / 11.0)
        .collect()
}

/// Stride 2, both elements of each pair: windowed.
#[differentiable]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut sum = 0.0;
    for i in 0..x.len() / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        let t = a * a - b;
        let u = a - 1.0;
        sum += 100.0 * t * t + u * u;
    }
    sum
}

fn rosenbrock_hand(x: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    for i in 0..x.len() / 2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        let t = a * a - b;
        g[2 * i] = 400.0 * a * t + 2.0 * (a - 1.0);
        g[2 * i + 1] = -200.0 * t;
    }
    g
}

#[test]
fn stride_two_even_and_odd_lengths() {
    for n in [0, 1, 2, 3, 7, 10] {
        let x = data(n);
        let g = rosenbrock_grad(&x);
        assert_all_close(&g, &rosenbrock_hand(&x), 1e-12);
        fd(rosenbrock, &x, &g);
        let mut into = vec![1.0; n];
        rosenbrock_grad_into(&x, &mut into);
        let plus_one: Vec<f64> = rosenbrock_hand(&x).iter().map(|g| g + 1.0).collect();
        assert_all_close(&into, &plus_one, 1e-12);
    }
}

#[test]
fn stride_two_hvp() {
    let x = data(8);
    let v: Vec<f64> = (0..8).map(|i| 0.1 * i as f64 - 0.3).collect();
    let hv = rosenbrock_hvp(&x, &v);
    let grad_dot_v = |y: &[f64]| {
        rosenbrock_hand(y)
            .iter()
            .zip(&v)
            .map(|(a, b)| a * b)
            .sum::<f64>()
    };
    check_grad(grad_dot_v, &x, &hv).assert_within(1e-6);
}

#[test]
#[should_panic(expected = "the destination of `x` has 3 elements but `x` has 4")]
fn destination_of_another_length() {
    let mut d = vec![0.0; 3];
    rosenbrock_grad_into(&[1.0, 2.0, 3.0, 4.0], &mut d);
}

/// Stride 2 but only the first element of each pair: the last pair may be cut short, so no
/// read proves the window; the loop keeps its indexing.
#[differentiable]
fn evens(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len().div_ceil(2) {
        s += x[2 * i] * x[2 * i];
    }
    s
}

#[test]
fn stride_without_proof() {
    for n in [0, 1, 4, 5] {
        let x = data(n);
        let g = evens_grad(&x);
        let hand: Vec<f64> = (0..n)
            .map(|k| if k % 2 == 0 { 2.0 * x[k] } else { 0.0 })
            .collect();
        assert_all_close(&g, &hand, 1e-14);
    }
}

/// An offset the loop does not change, from a parameter, and a range that starts late.
#[differentiable]
fn offset_dot(w: &[f64], x: &[f64], off: usize) -> f64 {
    let mut s = 0.0;
    for i in 1..x.len() {
        s += w[off + i] * x[i] * x[i];
    }
    s
}

#[test]
fn offset_and_late_start() {
    let (w, x) = (data(9), data(5));
    let (gw, gx) = offset_dot_grad(&w, &x, 3);
    let mut hw = vec![0.0; 9];
    let mut hx = vec![0.0; 5];
    for i in 1..5 {
        hw[3 + i] = x[i] * x[i];
        hx[i] = 2.0 * w[3 + i] * x[i];
    }
    assert_all_close(&gw, &hw, 1e-14);
    assert_all_close(&gx, &hx, 1e-14);
    fd(|w| offset_dot(w, &x, 3), &w, &gw);
    // An empty range: nothing read, nothing cut.
    let (gw, gx) = offset_dot_grad(&w, &x[..1], 100);
    assert_all_close(&gw, &[0.0; 9], 0.0);
    assert_all_close(&gx, &[0.0], 0.0);
}

/// A range whose start is past the end of the array (so it runs empty).
#[differentiable]
fn from_five(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 5..x.len() {
        s += x[i].sin();
    }
    s
}

#[test]
fn empty_range_past_the_end() {
    assert_all_close(&from_five_grad(&data(2)), &[0.0, 0.0], 0.0);
    let x = data(8);
    let g = from_five_grad(&x);
    let hand: Vec<f64> = (0..8)
        .map(|k| if k >= 5 { x[k].cos() } else { 0.0 })
        .collect();
    assert_all_close(&g, &hand, 1e-14);
}

/// Rows of a flat matrix: the inner loop's window starts at `r * cols`, which the outer
/// loop changes between runs of the inner one.
#[differentiable]
fn rows(a: &[f64], cols: usize) -> f64 {
    let mut s = 0.0;
    for r in 0..a.len() / cols {
        let mut row = 0.0;
        for c in 0..cols {
            row += a[r * cols + c] * a[r * cols + c];
        }
        s += row.sqrt();
    }
    s
}

#[test]
fn nested_rows() {
    let a = data(12);
    let g = rows_grad(&a, 4);
    let mut hand = vec![0.0; 12];
    for r in 0..3 {
        let norm = (0..4).map(|c| a[r * 4 + c].powi(2)).sum::<f64>().sqrt();
        for c in 0..4 {
            hand[r * 4 + c] = a[r * 4 + c] / norm;
        }
    }
    assert_all_close(&g, &hand, 1e-14);
    fd(|a| rows(a, 4), &a, &g);
}

/// A stencil: `x[i + 1]` is no element of chunk `i`, so the adjoint keeps its indexing.
#[differentiable]
fn stencil(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += x[i] * x[i + 1];
    }
    s
}

#[test]
fn stencil_keeps_indexing() {
    let x = data(6);
    let g = stencil_grad(&x);
    let hand: Vec<f64> = (0..6)
        .map(|k| (if k > 0 { x[k - 1] } else { 0.0 }) + (if k + 1 < 6 { x[k + 1] } else { 0.0 }))
        .collect();
    assert_all_close(&g, &hand, 1e-14);
}

/// A generic float, stride 3, every element of the triple.
#[differentiable]
fn triples<F: Float>(x: &[F]) -> F {
    let mut s = F::zero();
    for i in 0..x.len() / 3 {
        s = s + x[3 * i] * x[3 * i + 1] - x[3 * i + 2];
    }
    s
}

#[test]
fn generic_float_stride_three() {
    let x: Vec<f32> = (0..7).map(|i| 0.5 + i as f32).collect();
    let g = triples_grad(&x);
    let hand = [x[1], x[0], -1.0, x[4], x[3], -1.0, 0.0];
    assert_eq!(g, hand);
    let x = data(9);
    let g = triples_grad(&x);
    fd(triples, &x, &g);
}

/// cmpad's ODE, by Runge-Kutta: local buffers written and read at `i` and `i - 1`, one
/// returned.
#[differentiable(wrt(x))]
fn ode(x: &[f64], s: usize) -> Vec<f64> {
    let n = x.len();
    let h = 2.0 / s as f64;
    let mut y = vec![0.0; n];
    let mut k1 = vec![0.0; n];
    let mut k2 = vec![0.0; n];
    let mut tmp = vec![0.0; n];
    for _ in 0..s {
        k1[0] = x[0];
        for i in 1..n {
            k1[i] = x[i] * y[i - 1];
        }
        for i in 0..n {
            tmp[i] = y[i] + h * k1[i] / 2.0;
        }
        k2[0] = x[0];
        for i in 1..n {
            k2[i] = x[i] * tmp[i - 1];
        }
        for i in 0..n {
            y[i] += h * k2[i];
        }
    }
    y
}

#[test]
fn local_buffers_and_negative_offsets() {
    let x = data(6);
    for last in 0..6 {
        let mut seed = vec![0.0; 6];
        seed[last] = 1.0;
        let (value, g) = ode_vjp(&x, 3, seed);
        assert_all_close(&value, &ode(&x, 3), 0.0);
        fd(|x| ode(x, 3)[last], &x, &g);
    }
    let (_, g) = ode_vjp(&x[..1], 2, vec![1.0]);
    fd(|x| ode(x, 2)[0], &x[..1], &g);
}

/// A buffer pushed to keeps its indexing; one created once is windowed.
#[differentiable]
fn changing_lengths(x: &[f64]) -> f64 {
    let mut pushed: Vec<f64> = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        pushed.push(x[i] * 2.0);
        s += pushed[i] * x[i];
    }
    let mut again = vec![0.0; x.len()];
    for i in 0..x.len() {
        again[i] = x[i] * x[i];
    }
    for i in 0..x.len() {
        s += again[i];
    }
    s
}

#[test]
fn lengths_that_change() {
    let x = data(5);
    let g = changing_lengths_grad(&x);
    fd(changing_lengths, &x, &g);
}

/// An inclusive range, reads at `i - 1` and `i` (a window each), and a written buffer read
/// back at `i - 1`.
#[differentiable]
fn inclusive(x: &[f64]) -> f64 {
    let n = x.len();
    let mut b = vec![0.0; n + 1];
    let mut s = 0.0;
    for i in 1..=n {
        b[i] = x[i - 1] * x[i - 1] + b[i - 1];
        s += b[i] * x[i - 1];
    }
    s
}

#[test]
fn inclusive_range_and_prefix_sums() {
    for n in [0, 1, 4] {
        let x = data(n);
        let g = inclusive_grad(&x);
        fd(inclusive, &x, &g);
    }
}
