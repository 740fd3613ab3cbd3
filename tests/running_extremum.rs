//! Loops that keep a running maximum or minimum of an array's elements (`m = m.max(x)` over
//! `v`), which the transform differentiates as one reduction, `m.max(fold_max(&v))`: the
//! value is the loop's, for every start and every array (empty, with NaNs), and the gradient
//! goes to the extremum. Each form of the loop against closed forms, finite differences,
//! `_jvp` and `_hvp`.

mod common;

use autodiff::prelude::*;
use common::{assert_all_close, assert_close, fd, vec_in};
use proptest::prelude::*;

/// Log-sum-exp as GradBench's `lse` writes it: its gradient is the softmax of `x`.
#[differentiable]
fn lse(x: &[f64]) -> f64 {
    let mut a: f64 = f64::NEG_INFINITY;
    for &xi in x.iter() {
        a = a.max(xi);
    }
    let mut total = 0.0;
    for &xi in x.iter() {
        total += (xi - a).exp();
    }
    total.ln() + a
}

/// The largest element, scaled, from a start that may win: each form of the loop.
#[differentiable]
fn largest_iter(s: f64, v: &[f64]) -> f64 {
    let mut m = s;
    for &x in v.iter() {
        m = m.max(x);
    }
    2.0 * m
}

#[differentiable]
fn largest_copied(s: f64, v: &[f64]) -> f64 {
    let mut m = s;
    for x in v.iter().copied() {
        m = x.max(m);
    }
    2.0 * m
}

#[differentiable]
#[allow(clippy::needless_range_loop)] // the indexed form is the one under test
fn largest_indexed(s: f64, v: &[f64]) -> f64 {
    let mut m = s;
    for i in 0..v.len() {
        m = f64::max(m, v[i]);
    }
    2.0 * m
}

#[differentiable]
fn smallest_by_ref(s: f64, v: &[f64]) -> f64 {
    let mut m = s;
    for &x in v {
        m = min(m, x);
    }
    m * m
}

/// The same as folds.
#[differentiable]
fn largest_fold(s: f64, v: &[f64]) -> f64 {
    2.0 * v.iter().fold(s, |m, &x| m.max(x))
}

#[differentiable]
fn largest_fold_path(s: f64, v: &[f64]) -> f64 {
    2.0 * v.iter().copied().fold(s, f64::max)
}

#[differentiable]
fn smallest_fold(s: f64, v: &[f64]) -> f64 {
    let m = v.iter().copied().fold(s, |acc, x| f64::min(x, acc));
    m * m
}

/// Over a sub-slice bound to a name: a loop as written (a reduction over a sub-slice has no
/// `_hvp` yet), which difftest found turned into one that did not compile.
#[differentiable]
#[allow(clippy::needless_range_loop)]
fn largest_of_a_view(s: f64, v: &[f64]) -> f64 {
    let head = &v[..2];
    let mut m = s;
    for i in 0..head.len() {
        m = f64::max(m, head[i]);
    }
    m * m
}

/// A running maximum of a buffer the body computed, read afterwards with other floats.
#[differentiable]
fn peak_of_squares(v: &[f64], c: f64) -> f64 {
    let mut sq = vec![0.0; v.len()];
    for i in 0..v.len() {
        sq[i] = v[i] * v[i] * c;
    }
    let mut peak = 0.0;
    for &x in sq.iter() {
        peak = peak.max(x);
    }
    peak + c
}

/// The index of the largest element (the first of ties), and of the smallest.
fn arg(v: &[f64], better: impl Fn(f64, f64) -> bool) -> usize {
    (1..v.len()).fold(0, |best, i| if better(v[i], v[best]) { i } else { best })
}

/// No two of the values within 1e-3 of each other.
fn well_separated(values: impl Iterator<Item = f64>) -> bool {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    sorted.windows(2).all(|w| w[1] - w[0] > 1e-3)
}

#[test]
fn lse_gradient_is_the_softmax() {
    let x = [0.3, -1.2, 2.5, 0.9, 2.4];
    let g = lse_grad(&x);
    let total: f64 = x.iter().map(|v| v.exp()).sum();
    let softmax: Vec<f64> = x.iter().map(|v| v.exp() / total).collect();
    assert_all_close(&g, &softmax, 1e-14);
    fd(lse, &x, &g);
    assert_close(lse(&x), total.ln(), 1e-15);
    // Second order: H = diag(p) − p·pᵀ.
    let dir = [0.5, -1.0, 0.25, 2.0, -0.75];
    let p_dot_dir: f64 = softmax.iter().zip(&dir).map(|(p, d)| p * d).sum();
    let hv = lse_hvp(&x, &dir);
    let expected: Vec<f64> = (0..5).map(|i| softmax[i] * (dir[i] - p_dot_dir)).collect();
    assert_all_close(&hv, &expected, 1e-13);
    let (value, tangent) = lse_jvp(&x, &dir);
    assert_close(value, lse(&x), 1e-15);
    assert_close(tangent, p_dot_dir, 1e-14);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn each_form_goes_to_the_extremum(s in -3.0f64..3.0, v in vec_in(-3.0..3.0)) {
        // Away from ties, where the derivative is defined and finite differences see it.
        prop_assume!(well_separated(std::iter::once(s).chain(v.iter().copied())));
        type Grad = fn(f64, &[f64]) -> (f64, Vec<f64>);
        type Primal = fn(f64, &[f64]) -> f64;
        let forms: [(Primal, Grad); 5] = [
            (largest_iter, largest_iter_grad),
            (largest_copied, largest_copied_grad),
            (largest_indexed, largest_indexed_grad),
            (largest_fold, largest_fold_grad),
            (largest_fold_path, largest_fold_path_grad),
        ];
        let top = arg(&v, |a, b| a > b);
        let m = v[top].max(s);
        for (f, grad) in forms {
            assert_eq!(f(s, &v), 2.0 * m);
            let (ds, dv) = grad(s, &v);
            // The start wins, or the largest element does (random floats do not tie).
            let mut expected = vec![0.0; v.len()];
            let expected_ds = if s > v[top] { 2.0 } else { expected[top] = 2.0; 0.0 };
            assert_eq!(ds, expected_ds);
            assert_eq!(dv, expected);
            let flat: Vec<f64> = std::iter::once(s).chain(v.iter().copied()).collect();
            let g: Vec<f64> = std::iter::once(ds).chain(dv.iter().copied()).collect();
            fd(|x| f(x[0], &x[1..]), &flat, &g);
        }
        let low = arg(&v, |a, b| a < b);
        let m = v[low].min(s);
        let (ds, dv) = smallest_by_ref_grad(s, &v);
        let mut expected = vec![0.0; v.len()];
        let expected_ds = if s < v[low] { 2.0 * m } else { expected[low] = 2.0 * m; 0.0 };
        assert_eq!((ds, dv), (expected_ds, expected.clone()));
        assert_eq!(smallest_fold(s, &v), m * m);
        assert_eq!(smallest_fold_grad(s, &v), (expected_ds, expected));
        // Forward mode and second order of the same loops.
        let tan: Vec<f64> = (0..v.len()).map(|i| 0.5 + i as f64).collect();
        let (value, t) = smallest_by_ref_jvp(s, &v, 1.5, &tan);
        assert_eq!(value, m * m);
        let winner_tangent = if s < v[low] { 1.5 } else { tan[low] };
        assert_close(t, 2.0 * m * winner_tangent, 1e-14);
        let (hs, hv) = smallest_by_ref_hvp(s, &v, 1.5, &tan);
        let mut expected = vec![0.0; v.len()];
        let expected_hs = if s < v[low] { 2.0 * 1.5 } else { expected[low] = 2.0 * tan[low]; 0.0 };
        assert_close(hs, expected_hs, 1e-14);
        assert_all_close(&hv, &expected, 1e-14);
    }

    #[test]
    fn running_maximum_of_a_buffer(v in vec_in(-2.0..2.0), c in 0.5f64..2.0) {
        prop_assume!(well_separated(v.iter().map(|x| x * x)));
        let (dv, dc) = peak_of_squares_grad(&v, c);
        let top = arg(&v, |a, b| a * a > b * b);
        let mut expected = vec![0.0; v.len()];
        expected[top] = 2.0 * v[top] * c;
        assert_all_close(&dv, &expected, 1e-14);
        assert_close(dc, v[top] * v[top] + 1.0, 1e-14);
        let flat: Vec<f64> = v.iter().copied().chain([c]).collect();
        let g: Vec<f64> = dv.iter().copied().chain([dc]).collect();
        let n = v.len();
        fd(|x| peak_of_squares(&x[..n], x[n]), &flat, &g);
    }
}

#[test]
fn empty_arrays_and_nans_keep_the_loops_value() {
    // Nothing to take the maximum of: the start, and its whole gradient.
    assert_eq!(largest_iter(1.5, &[]), 3.0);
    assert_eq!(largest_iter_grad(1.5, &[]), (2.0, vec![]));
    assert_eq!(largest_indexed_jvp(1.5, &[], 1.0, &[]), (3.0, 2.0));
    // `f64::max` passes over NaN, in the loop and in the fold alike.
    let v = [0.5, f64::NAN, 2.0, f64::NAN];
    assert_eq!(largest_iter(-1.0, &v), 4.0);
    assert_eq!(largest_iter_grad(-1.0, &v), (0.0, vec![0.0, 0.0, 2.0, 0.0]));
    // A NaN start: the largest element wins; NaNs only: the start stays.
    assert_eq!(
        largest_copied_grad(f64::NAN, &[1.0, 3.0]),
        (0.0, vec![0.0, 2.0])
    );
    assert_eq!(largest_copied(1.0, &[f64::NAN, f64::NAN]), 2.0);
    assert_eq!(
        largest_copied_grad(1.0, &[f64::NAN, f64::NAN]),
        (2.0, vec![0.0, 0.0])
    );
    let (value, t) = largest_copied_jvp(1.0, &[f64::NAN, f64::NAN], 1.0, &[5.0, 5.0]);
    assert_eq!((value, t), (2.0, 2.0));
    // Infinities are values like any other.
    assert_eq!(
        largest_iter_grad(0.0, &[f64::INFINITY, 1.0]),
        (0.0, vec![2.0, 0.0])
    );
}

#[test]
fn ties_split_the_gradient_equally() {
    // Three elements equal to the maximum: a third each (JAX's convention for `max`).
    let (ds, dv) = largest_iter_grad(-5.0, &[1.0, 4.0, 4.0, 0.0, 4.0]);
    assert_eq!(ds, 0.0);
    let third = 2.0 / 3.0;
    assert_all_close(&dv, &[0.0, third, third, 0.0, third], 1e-15);
    // A start equal to the maximum: half to it, half to the elements.
    let (ds, dv) = largest_iter_grad(4.0, &[4.0, 1.0]);
    assert_eq!((ds, dv), (1.0, vec![1.0, 0.0]));
}

#[test]
fn running_maximum_of_a_sub_slice() {
    let v = [0.5, 1.5, 4.0];
    // The maximum of the first two and the start: 1.5, so ∂(m²) = 2m at v[1].
    assert_eq!(largest_of_a_view(-1.0, &v), 2.25);
    assert_eq!(largest_of_a_view_grad(-1.0, &v), (0.0, vec![0.0, 3.0, 0.0]));
    let (value, tangent) = largest_of_a_view_jvp(-1.0, &v, 1.0, &[0.5, 2.0, 7.0]);
    assert_eq!((value, tangent), (2.25, 6.0));
    let (hs, hv) = largest_of_a_view_hvp(-1.0, &v, 1.0, &[0.5, 2.0, 7.0]);
    assert_eq!((hs, hv), (0.0, vec![0.0, 4.0, 0.0]));
    fd(
        |x| largest_of_a_view(x[0], &x[1..]),
        &[-1.0, 0.5, 1.5, 4.0],
        &[0.0, 0.0, 3.0, 0.0],
    );
}
