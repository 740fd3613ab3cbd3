//! Arrays, slices and vectors of floats: every differentiable parameter type, element reads
//! and writes, buffers, loops over elements and rows, the slice functions of the runtime,
//! and reverse mode of functions returning arrays, vectors and tuples. Each gradient is
//! checked against one worked by hand (or a reference computed independently here) and
//! against central finite differences, over random inputs of random lengths.

// The functions under test are written to exercise constructs, not as idiomatic Rust:
// index loops, `&Vec<f64>` parameters and small `vec!` buffers are what is being tested.
#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::useless_vec,
    clippy::assign_op_pattern,
    clippy::manual_memcpy
)]

use autodiff::prelude::*;
use proptest::prelude::*;

mod common;
use common::{assert_all_close, assert_close, both_modes, fd, fd1, vec_in};

/// Two vectors of the same random length 1..8.
fn two_vecs_in(
    a: std::ops::Range<f64>,
    b: std::ops::Range<f64>,
) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1usize..8).prop_flat_map(move |n| {
        (
            prop::collection::vec(a.clone(), n),
            prop::collection::vec(b.clone(), n),
        )
    })
}

/// The Jacobian `J[i][k] = ∂fᵢ/∂xₖ` by central finite differences (step as in `check_grad`).
fn jacobian_fd(f: impl Fn(&[f64]) -> Vec<f64>, x: &[f64]) -> Vec<Vec<f64>> {
    let m = f(x).len();
    let mut jac = vec![vec![0.0; x.len()]; m];
    let mut point = x.to_vec();
    for k in 0..x.len() {
        let h = f64::EPSILON.cbrt() * x[k].abs().max(1.0);
        let (up, down) = (x[k] + h, x[k] - h);
        point[k] = up;
        let f_up = f(&point);
        point[k] = down;
        let f_down = f(&point);
        point[k] = x[k];
        for i in 0..m {
            jac[i][k] = (f_up[i] - f_down[i]) / (up - down);
        }
    }
    jac
}

fn unit(n: usize, i: usize) -> Vec<f64> {
    let mut e = vec![0.0; n];
    e[i] = 1.0;
    e
}

/// `softmax` written out independently of the runtime.
fn softmax_ref(x: &[f64]) -> Vec<f64> {
    let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = x.iter().map(|v| (v - m).exp()).collect();
    let t: f64 = e.iter().sum();
    e.iter().map(|v| v / t).collect()
}

fn distinct(x: &[f64]) -> bool {
    x.iter()
        .enumerate()
        .all(|(i, a)| x[..i].iter().all(|b| (a - b).abs() > 1e-3))
}

// --- the reference example: z = mean((5x)²) ------------------------------------------------

#[differentiable]
fn mean_sq(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = (5.0 * x[i]).powi(2);
    }
    mean(&buf)
}

#[test]
fn mean_of_squares_example() {
    let x = [0.9014, 0.1748, 0.5335, 0.7465];
    let g: Vec<f64> = mean_sq_grad(&x);
    // The quoted values, to four decimals (relative).
    assert_all_close(&g, &[11.2676, 2.1848, 6.6687, 9.3312], 1e-4);
    // ∂/∂xᵢ (1/4)·Σⱼ 25xⱼ² = 12.5·xᵢ, exactly.
    let exact: Vec<f64> = x.iter().map(|v| 12.5 * v).collect();
    assert_all_close(&g, &exact, 1e-12);
    fd(mean_sq, &x, &g);
    // One forward and one reverse sweep give the same value and gradient, and the vjp scales.
    let (v, g2) = mean_sq_value_and_grad(&x);
    assert_eq!(v, mean_sq(&x));
    assert_eq!(g2, g);
    let (v3, g3) = mean_sq_vjp(&x, 3.0);
    assert_eq!(v3, v);
    assert_all_close(
        &g3,
        &exact.iter().map(|v| 3.0 * v).collect::<Vec<_>>(),
        1e-15,
    );
}

// --- every parameter type, each with its gradient type -------------------------------------

#[differentiable]
fn param_array(x: [f64; 3]) -> f64 {
    x[0] * x[1] + x[2].sin()
}

#[differentiable]
fn param_slice(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * x[i];
    }
    s
}

#[differentiable]
fn param_vec(x: Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].exp() * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn param_vec_ref(x: &Vec<f64>) -> f64 {
    x[0] * x[x.len() - 1]
}

#[differentiable]
fn param_rows(x: &[[f64; 2]]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i][0] * x[i][1];
    }
    s
}

#[differentiable]
fn param_matrix(x: [[f64; 2]; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            s += x[i][j] * x[i][j] * (1 + i + 2 * j) as f64;
        }
    }
    s
}

#[differentiable]
fn param_slice_of_vecs(x: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..x[i].len() {
            s += x[i][j].sin() * (j as f64 + 1.0);
        }
    }
    s
}

#[differentiable]
fn param_vec_of_vecs(x: Vec<Vec<f64>>) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..x[i].len() {
            s += x[i][j] * x[i][j];
        }
    }
    s * x[0][0]
}

#[differentiable]
fn param_pass_through(x: &[f64], idx: &[usize], mask: &[bool]) -> f64 {
    let mut s = 0.0;
    for k in 0..idx.len() {
        if mask[k] {
            s += x[idx[k]] * x[idx[k]];
        } else {
            s -= x[idx[k]];
        }
    }
    s
}

#[differentiable]
fn param_slice_and_scalar(x: &[f64], s: f64) -> f64 {
    s * norm_squared(x) + s.exp()
}

/// Flattens a ragged matrix.
fn flat(m: &[Vec<f64>]) -> Vec<f64> {
    m.iter().flatten().cloned().collect()
}

/// Rebuilds a ragged matrix of the shape of `like` from `flat`.
fn unflat(flat: &[f64], like: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut k = 0;
    like.iter()
        .map(|row| {
            let r = flat[k..k + row.len()].to_vec();
            k += row.len();
            r
        })
        .collect()
}

fn ragged() -> impl Strategy<Value = Vec<Vec<f64>>> {
    prop::collection::vec(prop::collection::vec(-2.0f64..2.0, 1..5), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mean_of_squares(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = mean_sq_grad(&x);
        let n = x.len() as f64;
        let expected: Vec<f64> = x.iter().map(|v| 50.0 * v / n).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(mean_sq, &x, &g);
    }

    #[test]
    fn array_parameter(x in prop::array::uniform3(-3.0f64..3.0)) {
        let g: [f64; 3] = param_array_grad(x);
        assert_all_close(&g, &[x[1], x[0], x[2].cos()], 1e-12);
        fd(|v| param_array([v[0], v[1], v[2]]), &x, &g);
    }

    #[test]
    fn slice_parameter(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = param_slice_grad(&x);
        let expected: Vec<f64> = x.iter().map(|v| 3.0 * v * v).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(param_slice, &x, &g);
    }

    #[test]
    fn vec_parameter(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = param_vec_grad(x.clone());
        let expected: Vec<f64> = x.iter().enumerate().map(|(i, v)| v.exp() * (i as f64 + 1.0)).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| param_vec(v.to_vec()), &x, &g);
    }

    #[test]
    fn vec_ref_parameter(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = param_vec_ref_grad(&x);
        let n = x.len();
        let mut expected = vec![0.0; n];
        expected[0] += x[n - 1];
        expected[n - 1] += x[0];
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| param_vec_ref(&v.to_vec()), &x, &g);
    }

    #[test]
    fn slice_of_arrays_parameter(x in prop::collection::vec(prop::array::uniform2(-3.0f64..3.0), 1..8)) {
        let g: Vec<[f64; 2]> = param_rows_grad(&x);
        let expected: Vec<[f64; 2]> = x.iter().map(|r| [r[1], r[0]]).collect();
        assert_eq!(g, expected);
        let xf: Vec<f64> = x.iter().flatten().cloned().collect();
        let gf: Vec<f64> = g.iter().flatten().cloned().collect();
        fd(|v| param_rows(&v.chunks(2).map(|c| [c[0], c[1]]).collect::<Vec<_>>()), &xf, &gf);
    }

    #[test]
    fn array_of_arrays_parameter(x in prop::array::uniform3(prop::array::uniform2(-3.0f64..3.0))) {
        let g: [[f64; 2]; 3] = param_matrix_grad(x);
        for i in 0..3 {
            for j in 0..2 {
                assert_close(g[i][j], 2.0 * x[i][j] * (1 + i + 2 * j) as f64, 1e-12);
            }
        }
        let xf: Vec<f64> = x.iter().flatten().cloned().collect();
        let gf: Vec<f64> = g.iter().flatten().cloned().collect();
        fd(|v| param_matrix([[v[0], v[1]], [v[2], v[3]], [v[4], v[5]]]), &xf, &gf);
    }

    #[test]
    fn slice_of_vecs_parameter(x in ragged()) {
        let g: Vec<Vec<f64>> = param_slice_of_vecs_grad(&x);
        let expected: Vec<Vec<f64>> = x.iter()
            .map(|r| r.iter().enumerate().map(|(j, v)| v.cos() * (j as f64 + 1.0)).collect())
            .collect();
        prop_assert_eq!(g.len(), expected.len());
        for (gr, er) in g.iter().zip(&expected) {
            assert_all_close(gr, er, 1e-12);
        }
        fd(|v| param_slice_of_vecs(&unflat(v, &x)), &flat(&x), &flat(&g));
    }

    #[test]
    fn vec_of_vecs_parameter(x in ragged()) {
        let g: Vec<Vec<f64>> = param_vec_of_vecs_grad(x.clone());
        let s: f64 = flat(&x).iter().map(|v| v * v).sum();
        let mut expected: Vec<Vec<f64>> = x.iter()
            .map(|r| r.iter().map(|v| 2.0 * v * x[0][0]).collect())
            .collect();
        expected[0][0] += s;
        prop_assert_eq!(g.len(), expected.len());
        for (gr, er) in g.iter().zip(&expected) {
            assert_all_close(gr, er, 1e-12);
        }
        fd(|v| param_vec_of_vecs(unflat(v, &x)), &flat(&x), &flat(&g));
    }

    #[test]
    fn usize_and_bool_slices_pass_through(
        x in prop::collection::vec(-3.0f64..3.0, 4),
        idx in prop::collection::vec(0usize..4, 0..10),
        seed in any::<u64>(),
    ) {
        let mask: Vec<bool> = (0..idx.len()).map(|k| (seed >> (k % 64)) & 1 == 1).collect();
        let g: Vec<f64> = param_pass_through_grad(&x, &idx, &mask);
        let mut expected = vec![0.0; 4];
        for (&i, &m) in idx.iter().zip(&mask) {
            expected[i] += if m { 2.0 * x[i] } else { -1.0 };
        }
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| param_pass_through(v, &idx, &mask), &x, &g);
    }

    #[test]
    fn slice_and_scalar_parameters(x in vec_in(-3.0..3.0), s in -2.0f64..2.0) {
        let (gx, gs): (Vec<f64>, f64) = param_slice_and_scalar_grad(&x, s);
        let expected: Vec<f64> = x.iter().map(|v| 2.0 * s * v).collect();
        assert_all_close(&gx, &expected, 1e-12);
        assert_close(gs, x.iter().map(|v| v * v).sum::<f64>() + s.exp(), 1e-12);
        let mut all = x.clone();
        all.push(s);
        let mut gall = gx.clone();
        gall.push(gs);
        let n = x.len();
        fd(|v| param_slice_and_scalar(&v[..n], v[n]), &all, &gall);
    }
}

#[test]
fn empty_slice_has_empty_gradient() {
    let g: Vec<f64> = param_slice_grad(&[]);
    assert!(g.is_empty());
    let g: Vec<Vec<f64>> = param_slice_of_vecs_grad(&[]);
    assert!(g.is_empty());
}

// --- element reads and writes, buffers ----------------------------------------------------

/// `vec![0.0; n]`, element writes, and reads of elements written before.
#[differentiable]
fn buffer_vec_zeros(x: &[f64]) -> f64 {
    let n = x.len();
    let mut buf = vec![0.0; n];
    for i in 0..n {
        buf[i] = x[i] * x[i];
    }
    for i in 1..n {
        buf[i] = buf[i] * buf[i - 1];
    }
    buf[n - 1]
}

/// `[0.0; N]`, each element written from the ones before.
#[differentiable]
fn buffer_array_zeros(x: [f64; 3]) -> f64 {
    let mut buf = [0.0; 3];
    buf[0] = x[0] * x[1];
    buf[1] = buf[0] + x[2];
    buf[2] = buf[1] * buf[0];
    buf[2] + buf[1]
}

/// `vec![a, b]` of expressions.
#[differentiable]
fn buffer_vec_literal(x: f64, y: f64) -> f64 {
    let v = vec![x * y, x + y];
    v[0] * v[1]
}

/// `[a, b, c]` of expressions and a constant.
#[differentiable]
fn buffer_array_literal(x: &[f64]) -> f64 {
    let a = [x[0].exp(), x[0] * 2.0, 3.0];
    a[0] * a[1] + a[2] * a[1]
}

/// `Vec::with_capacity` and `push`, then `v.len()`.
#[differentiable]
fn buffer_push(x: &[f64]) -> f64 {
    let mut v: Vec<f64> = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        v.push(x[i].sin());
    }
    v.push(2.0);
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

/// `+=` and `*=` on elements, reading the element on the right too.
#[differentiable]
fn element_compound(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = vec![1.0; x.len()];
    for i in 0..x.len() {
        acc[i] += x[i];
        acc[i] *= y[i];
        acc[i] += acc[i] * x[i];
    }
    sum(&acc)
}

/// An element write to a buffer that aliases nothing: overwriting `buf[k]` with a constant
/// cuts the gradient through its old value only.
#[differentiable]
fn element_overwrite_constant(x: &[f64], k: usize) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = x[i].exp();
    }
    buf[k] = 1.0;
    let mut p = 0.0;
    for i in 0..buf.len() {
        p += buf[i] * (i as f64 + 1.0);
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn vec_buffer_writes_and_reads(x in vec_in(0.3..1.5)) {
        let g: Vec<f64> = buffer_vec_zeros_grad(&x);
        // buf[n-1] = Π xⱼ², so ∂/∂xᵢ = 2xᵢ·Π_{j≠i} xⱼ².
        let expected: Vec<f64> = (0..x.len())
            .map(|i| 2.0 * x[i] * x.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, v)| v * v).product::<f64>())
            .collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(buffer_vec_zeros, &x, &g);
    }

    #[test]
    fn array_buffer(x in prop::array::uniform3(-2.0f64..2.0)) {
        let g: [f64; 3] = buffer_array_zeros_grad(x);
        // u = x0·x1, f = u² + u·x2 + u + x2.
        let u = x[0] * x[1];
        let du = 2.0 * u + x[2] + 1.0;
        assert_all_close(&g, &[du * x[1], du * x[0], u + 1.0], 1e-12);
        fd(|v| buffer_array_zeros([v[0], v[1], v[2]]), &x, &g);
    }

    #[test]
    fn vec_literal_buffer(x in -3.0f64..3.0, y in -3.0f64..3.0) {
        let g = buffer_vec_literal_grad(x, y);
        assert_close(g.0, 2.0 * x * y + y * y, 1e-12);
        assert_close(g.1, x * x + 2.0 * x * y, 1e-12);
        fd(|v| buffer_vec_literal(v[0], v[1]), &[x, y], &[g.0, g.1]);
    }

    #[test]
    fn array_literal_buffer(x in vec_in(-2.0..2.0)) {
        let g: Vec<f64> = buffer_array_literal_grad(&x);
        // f = 2x₀e^x₀ + 6x₀; the other elements are not read.
        let mut expected = vec![0.0; x.len()];
        expected[0] = 2.0 * x[0].exp() * (1.0 + x[0]) + 6.0;
        assert_all_close(&g, &expected, 1e-12);
        fd(buffer_array_literal, &x, &g);
    }

    #[test]
    fn push_into_vec(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = buffer_push_grad(&x);
        let expected: Vec<f64> = x.iter().map(|v| (2.0 * v).sin()).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(buffer_push, &x, &g);
    }

    #[test]
    fn compound_element_assignment((x, y) in two_vecs_in(-2.0..2.0, -2.0..2.0)) {
        let (gx, gy): (Vec<f64>, Vec<f64>) = element_compound_grad(&x, &y);
        // acc = (1 + x)²·y
        let ex: Vec<f64> = x.iter().zip(&y).map(|(a, b)| 2.0 * (1.0 + a) * b).collect();
        let ey: Vec<f64> = x.iter().map(|a| (1.0 + a) * (1.0 + a)).collect();
        assert_all_close(&gx, &ex, 1e-12);
        assert_all_close(&gy, &ey, 1e-12);
        let n = x.len();
        fd(|v| element_compound(&v[..n], &v[n..]), &[x.clone(), y.clone()].concat(), &[gx, gy].concat());
    }

    #[test]
    fn overwritten_element_has_no_gradient((x, k) in vec_in(-2.0..2.0).prop_flat_map(|x| { let n = x.len(); (Just(x), 0..n) })) {
        let g: Vec<f64> = element_overwrite_constant_grad(&x, k);
        let expected: Vec<f64> = x.iter().enumerate()
            .map(|(i, v)| if i == k { 0.0 } else { v.exp() * (i as f64 + 1.0) })
            .collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| element_overwrite_constant(v, k), &x, &g);
    }
}

// --- loops over elements and rows -----------------------------------------------------------

#[differentiable]
fn loop_by_value(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &xi in x {
        s += xi * xi.exp();
    }
    s
}

#[differentiable]
fn loop_iter(x: &Vec<f64>) -> f64 {
    let mut p = 1.0;
    for xi in x.iter() {
        p *= xi.cos() + 2.0;
    }
    p
}

#[differentiable]
fn loop_enumerate(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, xi) in x.iter().enumerate() {
        s += xi * xi * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn loop_zip(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in x.iter().zip(y.iter()) {
        s += a * b.sin();
    }
    s
}

/// Rows of a matrix by `for row in xs.iter()`, elements by `row[j]`.
#[differentiable]
fn loop_rows(xs: &[[f64; 3]], w: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for row in xs.iter() {
        let mut t = 0.0;
        for j in 0..3 {
            t += row[j] * w[j];
        }
        s += t * t;
    }
    s
}

/// Rows by `&xs[i]`, passed to `dot`.
#[differentiable]
fn rows_by_reference(xs: &[Vec<f64>], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        s += dot(&xs[i], w).tanh();
    }
    s
}

/// A row bound by `let r = &xs[i];`, then indexed.
#[differentiable]
fn row_binding(xs: &[[f64; 2]]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        let r = &xs[i];
        s += r[0] * r[1].exp();
    }
    s
}

/// A matrix–vector product by `m[i][j]` into a `[0.0; 2]` buffer.
#[differentiable]
fn mat_vec(m: [[f64; 3]; 2], v: Vec<f64>) -> f64 {
    let mut out = [0.0; 2];
    for i in 0..2 {
        for j in 0..v.len() {
            out[i] += m[i][j] * v[j];
        }
    }
    out[0] * out[1]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn for_pattern_by_value(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = loop_by_value_grad(&x);
        let expected: Vec<f64> = x.iter().map(|v| (1.0 + v) * v.exp()).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(loop_by_value, &x, &g);
    }

    #[test]
    fn for_over_iter(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = loop_iter_grad(&x);
        let expected: Vec<f64> = (0..x.len())
            .map(|i| -x[i].sin() * x.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, v)| v.cos() + 2.0).product::<f64>())
            .collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| loop_iter(&v.to_vec()), &x, &g);
    }

    #[test]
    fn for_over_enumerate(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = loop_enumerate_grad(&x);
        let expected: Vec<f64> = x.iter().enumerate().map(|(i, v)| 2.0 * v * (i as f64 + 1.0)).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(loop_enumerate, &x, &g);
    }

    #[test]
    fn for_over_zip((x, y) in two_vecs_in(-3.0..3.0, -3.0..3.0)) {
        let (gx, gy): (Vec<f64>, Vec<f64>) = loop_zip_grad(&x, &y);
        assert_all_close(&gx, &y.iter().map(|b| b.sin()).collect::<Vec<_>>(), 1e-12);
        assert_all_close(&gy, &x.iter().zip(&y).map(|(a, b)| a * b.cos()).collect::<Vec<_>>(), 1e-12);
        let n = x.len();
        fd(|v| loop_zip(&v[..n], &v[n..]), &[x.clone(), y.clone()].concat(), &[gx, gy].concat());
    }

    #[test]
    fn zip_stops_at_the_shorter(x in vec_in(-3.0..3.0), y in vec_in(-3.0..3.0)) {
        let (gx, gy) = loop_zip_grad(&x, &y);
        let m = x.len().min(y.len());
        let ex: Vec<f64> = (0..x.len()).map(|i| if i < m { y[i].sin() } else { 0.0 }).collect();
        let ey: Vec<f64> = (0..y.len()).map(|i| if i < m { x[i] * y[i].cos() } else { 0.0 }).collect();
        assert_all_close(&gx, &ex, 1e-12);
        assert_all_close(&gy, &ey, 1e-12);
    }

    #[test]
    fn for_over_rows(
        xs in prop::collection::vec(prop::array::uniform3(-2.0f64..2.0), 1..8),
        w in prop::array::uniform3(-2.0f64..2.0),
    ) {
        let (gx, gw): (Vec<[f64; 3]>, [f64; 3]) = loop_rows_grad(&xs, w);
        let mut ew = [0.0; 3];
        for (r, gr) in xs.iter().zip(&gx) {
            let t: f64 = (0..3).map(|j| r[j] * w[j]).sum();
            for j in 0..3 {
                assert_close(gr[j], 2.0 * t * w[j], 1e-12);
                ew[j] += 2.0 * t * r[j];
            }
        }
        assert_all_close(&gw, &ew, 1e-12);
        let n = xs.len() * 3;
        let all: Vec<f64> = xs.iter().flatten().cloned().chain(w).collect();
        let gall: Vec<f64> = gx.iter().flatten().cloned().chain(gw).collect();
        fd(|v| loop_rows(&v[..n].chunks(3).map(|c| [c[0], c[1], c[2]]).collect::<Vec<_>>(), [v[n], v[n + 1], v[n + 2]]),
            &all, &gall);
    }

    #[test]
    fn rows_borrowed_by_index(
        (xs, w) in (1usize..6).prop_flat_map(|k| (
            prop::collection::vec(prop::collection::vec(-1.0f64..1.0, k), 1..6),
            prop::collection::vec(-1.0f64..1.0, k),
        )),
    ) {
        let (gx, gw): (Vec<Vec<f64>>, Vec<f64>) = rows_by_reference_grad(&xs, &w);
        let mut ew = vec![0.0; w.len()];
        for (r, gr) in xs.iter().zip(&gx) {
            let t: f64 = r.iter().zip(&w).map(|(a, b)| a * b).sum();
            let d = 1.0 - t.tanh() * t.tanh();
            assert_all_close(gr, &w.iter().map(|b| d * b).collect::<Vec<_>>(), 1e-12);
            for j in 0..w.len() {
                ew[j] += d * r[j];
            }
        }
        assert_all_close(&gw, &ew, 1e-12);
        let n = flat(&xs).len();
        fd(|v| rows_by_reference(&unflat(&v[..n], &xs), &v[n..]),
            &[flat(&xs), w.clone()].concat(), &[flat(&gx), gw].concat());
    }

    #[test]
    fn row_bound_by_reference(xs in prop::collection::vec(prop::array::uniform2(-2.0f64..2.0), 1..8)) {
        let g: Vec<[f64; 2]> = row_binding_grad(&xs);
        for (r, gr) in xs.iter().zip(&g) {
            assert_all_close(gr, &[r[1].exp(), r[0] * r[1].exp()], 1e-12);
        }
        let xf: Vec<f64> = xs.iter().flatten().cloned().collect();
        let gf: Vec<f64> = g.iter().flatten().cloned().collect();
        fd(|v| row_binding(&v.chunks(2).map(|c| [c[0], c[1]]).collect::<Vec<_>>()), &xf, &gf);
    }

    #[test]
    fn matrix_elements(
        m in prop::array::uniform2(prop::array::uniform3(-2.0f64..2.0)),
        v in prop::collection::vec(-2.0f64..2.0, 3),
    ) {
        let (gm, gv): ([[f64; 3]; 2], Vec<f64>) = mat_vec_grad(m, v.clone());
        let o: Vec<f64> = (0..2).map(|i| (0..3).map(|j| m[i][j] * v[j]).sum()).collect();
        for j in 0..3 {
            assert_close(gm[0][j], o[1] * v[j], 1e-12);
            assert_close(gm[1][j], o[0] * v[j], 1e-12);
            assert_close(gv[j], o[1] * m[0][j] + o[0] * m[1][j], 1e-12);
        }
        let all: Vec<f64> = m.iter().flatten().cloned().chain(v.iter().cloned()).collect();
        let gall: Vec<f64> = gm.iter().flatten().cloned().chain(gv.iter().cloned()).collect();
        fd(|p| mat_vec([[p[0], p[1], p[2]], [p[3], p[4], p[5]]], p[6..9].to_vec()), &all, &gall);
    }
}

// --- the runtime's slice functions ----------------------------------------------------------

#[differentiable]
fn rt_dot(x: &[f64], w: &[f64]) -> f64 {
    dot(x, w) * norm_squared(x)
}

// `dot(x, x)`: the same array on both sides of `dot`.
#[differentiable]
fn rt_dot_with_itself(x: &[f64], w: &[f64]) -> f64 {
    dot(x, w) * dot(x, x)
}

#[test]
fn dot_of_a_slice_with_itself() {
    let (x, w) = ([0.5, -1.0, 2.0], [1.0, 2.0, 3.0]);
    let (gx, gw) = rt_dot_with_itself_grad(&x, &w);
    // xw = 4.5, xx = 5.25
    assert_all_close(
        &gx,
        &[1.0 * 5.25 + 4.5, 2.0 * 5.25 - 9.0, 3.0 * 5.25 + 18.0],
        1e-12,
    );
    assert_all_close(&gw, &[0.5 * 5.25, -5.25, 2.0 * 5.25], 1e-12);
    fd(
        |v| rt_dot_with_itself(&v[..3], &v[3..]),
        &[x, w].concat(),
        &[gx, gw].concat(),
    );
}

#[differentiable]
fn rt_sum(x: &[f64]) -> f64 {
    let mut sq = vec![0.0; x.len()];
    for i in 0..x.len() {
        sq[i] = x[i] * x[i];
    }
    sum(&sq) + sum(x)
}

#[differentiable]
fn rt_mean(x: Vec<f64>) -> f64 {
    mean(&x) * mean(&x)
}

#[differentiable]
fn rt_norm(x: &[f64], s: f64) -> f64 {
    s * norm(x)
}

#[differentiable]
fn rt_norm_squared(x: [f64; 4]) -> f64 {
    norm_squared(&x) * x[0]
}

#[differentiable]
fn rt_logsumexp(x: &[f64]) -> f64 {
    logsumexp(x)
}

/// `Σᵢ softmax(x)ᵢ·(i + 1)`, the softmax returned as a `Vec` and iterated.
#[differentiable]
fn rt_softmax(x: &[f64]) -> f64 {
    let p = softmax(x);
    let mut s = 0.0;
    for (i, pi) in p.iter().enumerate() {
        s += pi * (i as f64 + 1.0);
    }
    s
}

/// `ln softmax(x)₀`, an element of the softmax read by index.
#[differentiable]
fn rt_log_softmax0(x: &[f64]) -> f64 {
    let p = softmax(x);
    p[0].ln()
}

#[differentiable]
fn rt_max_of(x: &[f64]) -> f64 {
    2.0 * max_of(x)
}

#[differentiable]
fn rt_min_of(x: &[f64]) -> f64 {
    let mut sq = vec![0.0; x.len()];
    for i in 0..x.len() {
        sq[i] = x[i] * x[i];
    }
    min_of(&sq)
}

#[differentiable]
fn rt_iter_sum(x: &[f64]) -> f64 {
    let mut e = vec![0.0; x.len()];
    for i in 0..x.len() {
        e[i] = x[i].exp();
    }
    e.iter().sum::<f64>() * x.iter().sum::<f64>()
}

#[differentiable]
fn rt_f32(x: &[f32]) -> f32 {
    norm_squared(x) + sum(x)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn dot_product((x, w) in two_vecs_in(-2.0..2.0, -2.0..2.0)) {
        let (gx, gw): (Vec<f64>, Vec<f64>) = rt_dot_grad(&x, &w);
        let xw: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
        let xx: f64 = x.iter().map(|a| a * a).sum();
        assert_all_close(&gx, &x.iter().zip(&w).map(|(a, b)| b * xx + 2.0 * a * xw).collect::<Vec<_>>(), 1e-12);
        assert_all_close(&gw, &x.iter().map(|a| a * xx).collect::<Vec<_>>(), 1e-12);
        let n = x.len();
        fd(|v| rt_dot(&v[..n], &v[n..]), &[x.clone(), w.clone()].concat(), &[gx, gw].concat());
    }

    #[test]
    fn sum_of_slice(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = rt_sum_grad(&x);
        assert_all_close(&g, &x.iter().map(|a| 2.0 * a + 1.0).collect::<Vec<_>>(), 1e-12);
        fd(rt_sum, &x, &g);
    }

    #[test]
    fn mean_of_vec(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = rt_mean_grad(x.clone());
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        assert_all_close(&g, &vec![2.0 * m / n; x.len()], 1e-12);
        fd(|v| rt_mean(v.to_vec()), &x, &g);
    }

    #[test]
    fn euclidean_norm(x in vec_in(-3.0..3.0), s in -2.0f64..2.0) {
        let r = x.iter().map(|a| a * a).sum::<f64>().sqrt();
        prop_assume!(r > 1e-3);
        let (gx, gs): (Vec<f64>, f64) = rt_norm_grad(&x, s);
        assert_all_close(&gx, &x.iter().map(|a| s * a / r).collect::<Vec<_>>(), 1e-12);
        assert_close(gs, r, 1e-12);
        let n = x.len();
        let mut all = x.clone();
        all.push(s);
        let mut gall = gx.clone();
        gall.push(gs);
        fd(|v| rt_norm(&v[..n], v[n]), &all, &gall);
    }

    #[test]
    fn squared_norm(x in prop::array::uniform4(-3.0f64..3.0)) {
        let g: [f64; 4] = rt_norm_squared_grad(x);
        let q: f64 = x.iter().map(|a| a * a).sum();
        let mut expected: Vec<f64> = x.iter().map(|a| 2.0 * a * x[0]).collect();
        expected[0] += q;
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| rt_norm_squared([v[0], v[1], v[2], v[3]]), &x, &g);
    }

    #[test]
    fn log_sum_exp(x in vec_in(-5.0..5.0)) {
        let g: Vec<f64> = rt_logsumexp_grad(&x);
        assert_all_close(&g, &softmax_ref(&x), 1e-12);
        fd(rt_logsumexp, &x, &g);
    }

    #[test]
    fn softmax_weighted(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = rt_softmax_grad(&x);
        let p = softmax_ref(&x);
        let mean_c: f64 = p.iter().enumerate().map(|(i, pi)| pi * (i as f64 + 1.0)).sum();
        let expected: Vec<f64> = p.iter().enumerate().map(|(i, pi)| pi * (i as f64 + 1.0 - mean_c)).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(rt_softmax, &x, &g);
    }

    #[test]
    fn log_softmax_element(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = rt_log_softmax0_grad(&x);
        let p = softmax_ref(&x);
        let expected: Vec<f64> = (0..x.len()).map(|i| if i == 0 { 1.0 } else { 0.0 } - p[i]).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(rt_log_softmax0, &x, &g);
    }

    #[test]
    fn largest_element(x in vec_in(-3.0..3.0)) {
        prop_assume!(distinct(&x));
        let g: Vec<f64> = rt_max_of_grad(&x);
        let k = (0..x.len()).fold(0, |k, i| if x[i] > x[k] { i } else { k });
        assert_all_close(&g, &unit(x.len(), k).iter().map(|e| 2.0 * e).collect::<Vec<_>>(), 1e-15);
        fd(rt_max_of, &x, &g);
    }

    #[test]
    fn smallest_element(x in vec_in(-3.0..3.0)) {
        let sq: Vec<f64> = x.iter().map(|a| a * a).collect();
        prop_assume!(distinct(&sq));
        let g: Vec<f64> = rt_min_of_grad(&x);
        let k = (0..x.len()).fold(0, |k, i| if sq[i] < sq[k] { i } else { k });
        assert_all_close(&g, &unit(x.len(), k).iter().map(|e| 2.0 * x[k] * e).collect::<Vec<_>>(), 1e-15);
        fd(rt_min_of, &x, &g);
    }

    #[test]
    fn iterator_sum(x in vec_in(-2.0..2.0)) {
        let g: Vec<f64> = rt_iter_sum_grad(&x);
        let se: f64 = x.iter().map(|a| a.exp()).sum();
        let sx: f64 = x.iter().sum();
        assert_all_close(&g, &x.iter().map(|a| a.exp() * sx + se).collect::<Vec<_>>(), 1e-12);
        fd(rt_iter_sum, &x, &g);
    }
}

#[test]
fn max_and_min_ties_split_the_gradient() {
    assert_eq!(rt_max_of_grad(&[1.0, 3.0, 3.0]), vec![0.0, 1.0, 1.0]);
    // min of squares: 1 and 1 tie, each gets half of 2·x.
    assert_eq!(rt_min_of_grad(&[1.0, -1.0, 2.0]), vec![1.0, -1.0, 0.0]);
}

#[test]
fn logsumexp_is_stable_for_large_inputs() {
    let g = rt_logsumexp_grad(&[1000.0, 1000.0, -1000.0]);
    // e^(1000 − (1000 + ln 2)): the sum 1000 + ln 2 rounds to ulp(1000) ≈ 1e-13.
    assert_all_close(&g, &[0.5, 0.5, 0.0], 1e-12);
    assert_close(rt_logsumexp(&[1000.0, 1000.0]), 1000.0 + 2f64.ln(), 1e-15);
}

#[test]
fn single_precision_slices() {
    let x = [0.5f32, -1.25, 2.0];
    let g: Vec<f32> = rt_f32_grad(&x);
    assert_eq!(g, vec![2.0, -1.5, 5.0]);
    check_grad(rt_f32, &x, &g).assert_within(1e-3);
}

// --- element writes after a reduction that reads the buffer in the reverse sweep -----------

/// `dot` reads `buf` in its rule; the write `buf[0] = 5.0` after it must not change what the
/// reverse sweep sees.
#[differentiable]
fn overwrite_after_dot(x: &[f64], w: Vec<f64>) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = x[i] * x[i];
    }
    let a = dot(&buf, &w);
    buf[0] = 5.0;
    a + dot(&buf, &w)
}

/// The same with `norm`, which reads both `buf` and its output, and a differentiable write.
#[differentiable]
fn overwrite_after_norm(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = x[i];
    }
    let a = norm(&buf);
    buf[0] = 3.0 * x[0] + 1.0;
    a * norm(&buf)
}

/// Inside a loop: each `dot` sees a buffer that the previous iteration changed.
#[differentiable]
fn overwrite_in_loop(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut buf = vec![0.0; n];
    for i in 0..n {
        buf[i] = x[i];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += dot(&buf, w);
        buf[k] = buf[k] * buf[k];
    }
    s
}

/// `logsumexp`, `max_of` and `norm_squared` of a buffer later negated in place.
#[differentiable]
fn overwrite_after_reductions(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = 2.0 * x[i];
    }
    let a = logsumexp(&buf);
    let b = max_of(&buf);
    let c = norm_squared(&buf);
    for i in 0..buf.len() {
        buf[i] = -buf[i];
    }
    a + b * c + logsumexp(&buf)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn write_after_dot((x, w) in two_vecs_in(-2.0..2.0, -2.0..2.0)) {
        let (gx, gw): (Vec<f64>, Vec<f64>) = overwrite_after_dot_grad(&x, w.clone());
        // f = Σⱼ xⱼ²wⱼ + 5w₀ + Σ_{j>0} xⱼ²wⱼ
        let ex: Vec<f64> = (0..x.len()).map(|i| if i == 0 { 2.0 } else { 4.0 } * x[i] * w[i]).collect();
        let ew: Vec<f64> = (0..x.len()).map(|i| if i == 0 { x[0] * x[0] + 5.0 } else { 2.0 * x[i] * x[i] }).collect();
        assert_all_close(&gx, &ex, 1e-12);
        assert_all_close(&gw, &ew, 1e-12);
        let n = x.len();
        fd(|v| overwrite_after_dot(&v[..n], v[n..].to_vec()), &[x.clone(), w.clone()].concat(), &[gx, gw].concat());
    }

    #[test]
    fn write_after_norm(x in vec_in(0.2..2.0)) {
        let g: Vec<f64> = overwrite_after_norm_grad(&x);
        let a = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut y = x.clone();
        y[0] = 3.0 * x[0] + 1.0;
        let b = y.iter().map(|v| v * v).sum::<f64>().sqrt();
        let expected: Vec<f64> = (0..x.len())
            .map(|i| x[i] / a * b + a * y[i] / b * if i == 0 { 3.0 } else { 1.0 })
            .collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(overwrite_after_norm, &x, &g);
    }

    #[test]
    fn writes_between_dots_in_a_loop((x, w) in two_vecs_in(-2.0..2.0, -2.0..2.0)) {
        let (gx, gw): (Vec<f64>, Vec<f64>) = overwrite_in_loop_grad(&x, &w);
        // Element j is read as xⱼ by j + 1 dots and as xⱼ² by n − 1 − j dots.
        let n = x.len();
        let ex: Vec<f64> = (0..n).map(|j| w[j] * ((j + 1) as f64 + 2.0 * (n - 1 - j) as f64 * x[j])).collect();
        let ew: Vec<f64> = (0..n).map(|j| (j + 1) as f64 * x[j] + (n - 1 - j) as f64 * x[j] * x[j]).collect();
        assert_all_close(&gx, &ex, 1e-12);
        assert_all_close(&gw, &ew, 1e-12);
        fd(|v| overwrite_in_loop(&v[..n], &v[n..]), &[x.clone(), w.clone()].concat(), &[gx, gw].concat());
    }

    #[test]
    fn writes_after_other_reductions(x in vec_in(-2.0..2.0)) {
        prop_assume!(distinct(&x));
        let g: Vec<f64> = overwrite_after_reductions_grad(&x);
        // y = 2x; f = lse(y) + max(y)·‖y‖² + lse(−y); ∂f/∂x = 2·∂f/∂y.
        let y: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
        let neg: Vec<f64> = y.iter().map(|v| -v).collect();
        let (p, q) = (softmax_ref(&y), softmax_ref(&neg));
        let k = (0..y.len()).fold(0, |k, i| if y[i] > y[k] { i } else { k });
        let (b, c) = (y[k], y.iter().map(|v| v * v).sum::<f64>());
        let expected: Vec<f64> = (0..y.len())
            .map(|i| 2.0 * (p[i] + if i == k { c } else { 0.0 } + b * 2.0 * y[i] - q[i]))
            .collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(overwrite_after_reductions, &x, &g);
    }
}

#[test]
fn write_after_dot_by_hand() {
    // x = [1, 2], w = [3, 4]: f = (1·3 + 4·4) + (5·3 + 4·4) = 50.
    let (v, (gx, gw)) = overwrite_after_dot_value_and_grad(&[1.0, 2.0], vec![3.0, 4.0]);
    assert_eq!(v, 50.0);
    assert_eq!(gx, vec![6.0, 32.0]);
    assert_eq!(gw, vec![6.0, 8.0]);
}

/// Two rows of one matrix in one `dot`: both cotangents go into the same adjoint buffer.
#[differentiable]
fn dot_of_two_rows(xs: &[Vec<f64>]) -> f64 {
    dot(&xs[0], &xs[1])
}

#[test]
fn dot_of_two_rows_of_one_matrix() {
    let g = dot_of_two_rows_grad(&[vec![1.0, 2.0], vec![3.0, 4.0]]);
    assert_eq!(g, vec![vec![3.0, 4.0], vec![1.0, 2.0]]);
}

/// `push` after a reduction of the same vector: the reverse sweep pops the vector but not its
/// cotangent buffer, so the reduction's rule sees a longer cotangent than its input.
#[differentiable]
fn push_after_mean(x: &[f64]) -> f64 {
    let mut v: Vec<f64> = Vec::with_capacity(2);
    v.push(x[0]);
    let a = mean(&v);
    v.push(x[1]);
    a * x[1]
}

#[differentiable]
fn push_after_norm(x: &[f64]) -> f64 {
    let mut v: Vec<f64> = Vec::with_capacity(2);
    v.push(x[0]);
    let a = norm(&v);
    v.push(x[1]);
    a * norm(&v)
}

#[test]
fn push_after_mean_of_the_vector() {
    // f = x₀·x₁ (the mean of [x₀]); at (2, 3) ∇f = (3, 2). The macro gives (1.5, 2).
    let g = push_after_mean_grad(&[2.0, 3.0]);
    assert_eq!(g, vec![3.0, 2.0]);
    fd(push_after_mean, &[2.0, 3.0], &g);
}

#[test]
fn push_after_norm_of_the_vector() {
    // f = |x₀|·‖(x₀, x₁)‖; at (3, 4): ∇f = (5 + 3·3/5, 3·4/5) = (6.8, 2.4).
    let g = push_after_norm_grad(&[3.0, 4.0]);
    assert_all_close(&g, &[6.8, 2.4], 1e-12);
    fd(push_after_norm, &[3.0, 4.0], &g);
}

// --- reverse mode of array, vector and tuple returns -----------------------------------------

#[differentiable]
fn map3(x: [f64; 3]) -> [f64; 3] {
    [x[0] * x[1], x[1].sin() + x[2], x[2].exp() * x[0]]
}

/// A running product-sum: each output depends on every earlier input.
#[differentiable]
fn cumulative(x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for i in 0..x.len() {
        out[i] = x[i] * x[i];
        if i > 0 {
            out[i] += out[i - 1] * x[i];
        }
    }
    out
}

/// The softmax itself as the result, built up by `push`.
#[differentiable]
fn softmax_vec(x: &[f64]) -> Vec<f64> {
    let p = softmax(x);
    let mut out: Vec<f64> = Vec::with_capacity(p.len());
    for &pi in p.iter() {
        out.push(pi);
    }
    out
}

/// `x/‖x‖`: the buffer is read by `norm` and then overwritten element by element.
#[differentiable]
fn normalize(x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for i in 0..x.len() {
        out[i] = x[i];
    }
    let r = norm(&out);
    for i in 0..x.len() {
        out[i] = out[i] / r;
    }
    out
}

#[differentiable]
fn pair(x: f64, y: f64) -> (f64, f64) {
    (x * y, x + y.powi(2))
}

#[differentiable]
fn moments(x: &[f64]) -> (f64, f64) {
    let m = mean(x);
    let mut v = 0.0;
    for &xi in x {
        v += (xi - m) * (xi - m);
    }
    (m, v / x.len() as f64)
}

#[test]
fn vjp_of_array_map_gives_jacobian_rows() {
    let x = [0.3, -0.7, 1.1];
    let f = |v: &[f64]| map3([v[0], v[1], v[2]]).to_vec();
    let jac = jacobian_fd(f, &x);
    // The Jacobian by hand.
    let by_hand = [
        [x[1], x[0], 0.0],
        [0.0, x[1].cos(), 1.0],
        [x[2].exp(), 0.0, x[0] * x[2].exp()],
    ];
    for i in 0..3 {
        let mut seed = [0.0; 3];
        seed[i] = 1.0;
        let (value, row): ([f64; 3], [f64; 3]) = map3_vjp(x, seed);
        assert_eq!(value, map3(x));
        assert_all_close(&row, &by_hand[i], 1e-15);
        assert_all_close(&row, &jac[i], 1e-6);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn vjp_of_array_map(x in prop::array::uniform3(-2.0f64..2.0), seed in prop::array::uniform3(-2.0f64..2.0)) {
        let jac = jacobian_fd(|v| map3([v[0], v[1], v[2]]).to_vec(), &x);
        for i in 0..3 {
            let (_, row) = map3_vjp(x, [0, 1, 2].map(|k| if k == i { 1.0 } else { 0.0 }));
            assert_all_close(&row, &jac[i], 1e-6);
        }
        let (_, g) = map3_vjp(x, seed);
        let expected: Vec<f64> = (0..3).map(|k| (0..3).map(|i| seed[i] * jac[i][k]).sum()).collect();
        assert_all_close(&g, &expected, 1e-6);
        fd(|v| map3([v[0], v[1], v[2]]).iter().zip(&seed).map(|(a, b)| a * b).sum(), &x, &g);
    }

    #[test]
    fn vjp_of_vector_map((x, seed) in two_vecs_in(-1.5..1.5, -2.0..2.0)) {
        let n = x.len();
        let jac = jacobian_fd(cumulative, &x);
        for i in 0..n {
            let (value, row): (Vec<f64>, Vec<f64>) = cumulative_vjp(&x, unit(n, i));
            assert_eq!(&value, &cumulative(&x));
            assert_all_close(&row, &jac[i], 1e-6);
        }
        let (_, g) = cumulative_vjp(&x, seed.clone());
        let expected: Vec<f64> = (0..n).map(|k| (0..n).map(|i| seed[i] * jac[i][k]).sum()).collect();
        assert_all_close(&g, &expected, 1e-6);
        fd(|v| cumulative(v).iter().zip(&seed).map(|(a, b)| a * b).sum(), &x, &g);
    }

    #[test]
    fn vjp_of_softmax((x, seed) in two_vecs_in(-3.0..3.0, -2.0..2.0)) {
        let n = x.len();
        let p = softmax_ref(&x);
        let jac = jacobian_fd(softmax_vec, &x);
        for i in 0..n {
            let (_, row) = softmax_vec_vjp(&x, unit(n, i));
            // ∂pᵢ/∂xₖ = pᵢ(δᵢₖ − pₖ)
            let by_hand: Vec<f64> = (0..n).map(|k| p[i] * (if i == k { 1.0 } else { 0.0 } - p[k])).collect();
            assert_all_close(&row, &by_hand, 1e-12);
            assert_all_close(&row, &jac[i], 1e-6);
        }
        let (_, g) = softmax_vec_vjp(&x, seed.clone());
        fd(|v| softmax_vec(v).iter().zip(&seed).map(|(a, b)| a * b).sum(), &x, &g);
    }

    #[test]
    fn vjp_of_normalize(x in vec_in(0.2..2.0)) {
        let n = x.len();
        let r = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        let jac = jacobian_fd(normalize, &x);
        for i in 0..n {
            // The value is checked in `vjp_value_of_normalize`.
            let (_, row) = normalize_vjp(&x, unit(n, i));
            // ∂(xᵢ/r)/∂xₖ = (δᵢₖ − xᵢxₖ/r²)/r
            let by_hand: Vec<f64> = (0..n).map(|k| (if i == k { 1.0 } else { 0.0 } - x[i] * x[k] / (r * r)) / r).collect();
            assert_all_close(&row, &by_hand, 1e-12);
            assert_all_close(&row, &jac[i], 1e-6);
        }
    }

    #[test]
    fn tuple_return(x in -3.0f64..3.0, y in -3.0f64..3.0, s0 in -2.0f64..2.0, s1 in -2.0f64..2.0) {
        let (value, (gx, gy)): ((f64, f64), (f64, f64)) = pair_vjp(x, y, (s0, s1));
        assert_eq!(value, pair(x, y));
        assert_close(gx, s0 * y + s1, 1e-12);
        assert_close(gy, s0 * x + s1 * 2.0 * y, 1e-12);
        fd(|v| { let (a, b) = pair(v[0], v[1]); s0 * a + s1 * b }, &[x, y], &[gx, gy]);
    }

    #[test]
    fn tuple_return_of_slice(x in vec_in(-3.0..3.0), s0 in -2.0f64..2.0, s1 in -2.0f64..2.0) {
        let (value, g): ((f64, f64), Vec<f64>) = moments_vjp(&x, (s0, s1));
        assert_eq!(value, moments(&x));
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        let expected: Vec<f64> = x.iter().map(|a| s0 / n + s1 * 2.0 * (a - m) / n).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| { let (a, b) = moments(v); s0 * a + s1 * b }, &x, &g);
    }
}

#[test]
fn vjp_value_of_normalize() {
    let x = [3.0, 4.0];
    assert_eq!(normalize(&x), vec![0.6, 0.8]);
    let (value, g) = normalize_vjp(&x, vec![1.0, 0.0]);
    assert_all_close(&g, &[0.64 / 5.0, -0.48 / 5.0], 1e-12); // right
    assert_eq!(value, vec![0.6, 0.8]); // the macro gives [0.0, 0.0]
}

#[test]
fn tuple_return_by_hand() {
    // (x·y, x + y²) at (0.4, 0.9), seed (1, 0.5): (0.9 + 0.5, 0.4 + 0.5·1.8).
    let (v, g) = pair_vjp(0.4, 0.9, (1.0, 0.5));
    assert_eq!(v, (0.4 * 0.9, 0.4 + 0.81));
    assert_close(g.0, 1.4, 1e-15);
    assert_close(g.1, 1.3, 1e-15);
}

// --- runtime errors -------------------------------------------------------------------------

#[differentiable]
fn dot_of_params(x: &[f64], w: &[f64]) -> f64 {
    dot(x, w)
}

#[differentiable]
fn read_at(x: &[f64], k: usize) -> f64 {
    x[k] * 2.0
}

#[differentiable]
fn write_at(x: &[f64], k: usize) -> f64 {
    let mut buf = vec![0.0; x.len()];
    buf[k] = x[0];
    sum(&buf)
}

#[test]
#[should_panic(expected = "dot: the slices have different lengths (a: 3, b: 2)")]
fn dot_length_mismatch_in_grad() {
    dot_of_params_grad(&[1.0, 2.0, 3.0], &[1.0, 2.0]);
}

#[test]
#[should_panic(expected = "dot: the slices have different lengths (a: 2, b: 3)")]
fn dot_length_mismatch_in_vjp() {
    dot_of_params_vjp(&[1.0, 2.0], &[1.0, 2.0, 3.0], 1.0);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 3 but the index is 3")]
fn read_out_of_range_in_grad() {
    read_at_grad(&[1.0, 2.0, 3.0], 3);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 5")]
fn write_out_of_range_in_grad() {
    write_at_grad(&[1.0, 2.0], 5);
}

#[test]
#[should_panic(expected = "the seed has 2 elements but the value has 3")]
fn vjp_seed_of_wrong_length() {
    cumulative_vjp(&[1.0, 2.0, 3.0], vec![1.0, 1.0]);
}

#[test]
fn in_range_reads_and_writes_do_not_panic() {
    assert_eq!(read_at_grad(&[1.0, 2.0, 3.0], 2), vec![0.0, 0.0, 2.0]);
    assert_eq!(write_at_grad(&[1.0, 2.0], 1), vec![1.0, 0.0]);
}

// --- NaN and infinity -------------------------------------------------------------------------

#[test]
fn nan_in_an_input_propagates() {
    let nan = f64::NAN;
    // Elementwise: only the NaN component is NaN.
    let g = param_slice_grad(&[1.0, nan, 2.0]);
    assert_eq!(g[0], 3.0);
    assert!(g[1].is_nan());
    assert_eq!(g[2], 12.0);
    // Reductions spread it.
    let (v, g) = mean_sq_value_and_grad(&[1.0, nan]);
    assert!(v.is_nan() && g[1].is_nan());
    let (gx, gs) = rt_norm_grad(&[1.0, nan, 2.0], 2.0);
    assert!(gx.iter().all(|v| v.is_nan()) && gs.is_nan());
    assert!(rt_logsumexp_grad(&[0.5, nan]).iter().all(|v| v.is_nan()));
    assert!(rt_softmax_grad(&[0.5, nan, 1.0]).iter().all(|v| v.is_nan()));
    assert!(rt_max_of_grad(&[0.5, nan, 1.0]).iter().all(|v| v.is_nan()));
    let (gx, gw) = rt_dot_grad(&[1.0, 2.0], &[nan, 1.0]);
    assert!(gx.iter().all(|v| v.is_nan()));
    assert_eq!(gw, vec![5.0, 10.0]); // x·(x·x) does not read w
    let (value, g) = cumulative_vjp(&[1.0, nan, 2.0], vec![1.0, 1.0, 1.0]);
    assert!(value[0] == 1.0 && value[1].is_nan() && value[2].is_nan());
    assert!(g.iter().all(|v| v.is_nan()));
    let (_, g) = map3_vjp([nan, 1.0, 2.0], [1.0, 1.0, 1.0]);
    assert!(g[1].is_nan() && g[2].is_nan());
    // Infinity: ‖(∞, 1)‖ = ∞, so ∂/∂x₁ = 1/∞ = 0 and ∂/∂x₀ = ∞/∞ is NaN.
    let (gx, gs) = rt_norm_grad(&[f64::INFINITY, 1.0], 1.0);
    assert!(gx[0].is_nan() && gx[1] == 0.0 && gs == f64::INFINITY);
}

// --- loops whose reverse sweep replays instead of recording ---------------------------------

/// `Σᵢ tanh(Σⱼ a[i·m + j]·x[j] + i)²`: the inner loop's indices name the outer counter, and
/// its element reads are replayed from both counters (see `analyse::recompute`).
#[differentiable]
fn matrix_loops(a: &[f64], x: &[f64], m: usize) -> f64 {
    let mut total = 0.0;
    for i in 0..a.len() / m {
        let mut row = 0.0;
        for j in 0..m {
            let aij = a[i * m + j];
            row += aij * x[j] * x[j];
        }
        let t = (row + i as f64 * 0.1).tanh();
        total += t * t;
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn replayed_loops(a in prop::collection::vec(-1.0f64..1.0, 6), x in prop::collection::vec(-1.0f64..1.0, 3)) {
        let (ga, gx) = matrix_loops_grad(&a, &x, 3);
        // By hand: t_i = tanh(r_i + 0.1 i), r_i = Σⱼ a_ij x_j²; ∂/∂r_i = 2 t_i (1 − t_i²).
        let mut ea = vec![0.0; 6];
        let mut ex = vec![0.0; 3];
        for i in 0..2 {
            let r: f64 = (0..3).map(|j| a[i * 3 + j] * x[j] * x[j]).sum();
            let t = (r + i as f64 * 0.1).tanh();
            let dr = 2.0 * t * (1.0 - t * t);
            for j in 0..3 {
                ea[i * 3 + j] += dr * x[j] * x[j];
                ex[j] += dr * a[i * 3 + j] * 2.0 * x[j];
            }
        }
        assert_all_close(&ga, &ea, 1e-12);
        assert_all_close(&gx, &ex, 1e-12);
        let all: Vec<f64> = a.iter().chain(&x).copied().collect();
        let g: Vec<f64> = ga.iter().chain(&gx).copied().collect();
        fd(|p| matrix_loops(&p[..6], &p[6..], 3), &all, &g);
    }
}

/// `Σⱼ yⱼ²` with `yⱼ = sⱼ (xⱼ + Σ_{i<j} L[off + l] xᵢ)`, `s = exp(q)`: a strict lower triangle
/// stored packed and walked with an integer `l` stepped by one (an induction variable, as in
/// ADBench's GMM), `s` a buffer an earlier loop fills, `off` and `d` immutable `let`s. The
/// reverse sweep computes `l`, the index and the reads of `lower`, `x` and `s` again instead
/// of recording them (see `analyse::induction` and `analyse::unchanged`).
#[differentiable]
fn packed_triangle(q: &[f64], lower: &[f64], x: &[f64]) -> f64 {
    let d = x.len();
    let off = lower.len() - d * (d - 1) / 2;
    let mut s = vec![0.0; d];
    for i in 0..d {
        s[i] = q[i].exp();
    }
    let mut y = vec![0.0; d];
    for i in 0..d {
        y[i] = x[i];
    }
    let mut l = 0;
    for i in 0..d {
        for j in i + 1..d {
            y[j] += lower[off + l] * x[i];
            l += 1;
        }
    }
    for j in 0..d {
        y[j] *= s[j];
    }
    norm_squared(&y)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn induction_variables(
        q in prop::collection::vec(-1.0f64..1.0, 4),
        lower in prop::collection::vec(-1.0f64..1.0, 8),
        x in prop::collection::vec(-1.0f64..1.0, 4),
    ) {
        let (gq, gl, gx) = packed_triangle_grad(&q, &lower, &x);
        // By hand, with off = 8 − 6 = 2 and l(i, j) counting the pairs i < j row by row:
        // yⱼ = sⱼ zⱼ, zⱼ = xⱼ + Σ_{i<j} L[2 + l(i,j)] xᵢ; ∂f/∂qⱼ = 2yⱼ², ∂f/∂L[2 + l(i,j)] =
        // 2yⱼ sⱼ xᵢ, ∂f/∂xᵢ = 2yᵢ sᵢ + Σ_{j>i} 2yⱼ sⱼ L[2 + l(i,j)]; L[0], L[1] are unused.
        let s: Vec<f64> = q.iter().map(|q| q.exp()).collect();
        let mut z = x.clone();
        let mut pairs = Vec::new();
        for i in 0..4 {
            for j in i + 1..4 {
                z[j] += lower[2 + pairs.len()] * x[i];
                pairs.push((i, j));
            }
        }
        let y: Vec<f64> = (0..4).map(|j| s[j] * z[j]).collect();
        let eq: Vec<f64> = y.iter().map(|y| 2.0 * y * y).collect();
        let mut el = vec![0.0; 8];
        let mut ex: Vec<f64> = (0..4).map(|i| 2.0 * y[i] * s[i]).collect();
        for (l, &(i, j)) in pairs.iter().enumerate() {
            el[2 + l] = 2.0 * y[j] * s[j] * x[i];
            ex[i] += 2.0 * y[j] * s[j] * lower[2 + l];
        }
        assert_all_close(&gq, &eq, 1e-12);
        assert_all_close(&gl, &el, 1e-12);
        assert_all_close(&gx, &ex, 1e-12);
        let all: Vec<f64> = q.iter().chain(&lower).chain(&x).copied().collect();
        let g: Vec<f64> = gq.iter().chain(&gl).chain(&gx).copied().collect();
        fd(|p| packed_triangle(&p[..4], &p[4..12], &p[12..]), &all, &g);
    }
}

include!("fixtures/centered_quadratic.rs");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn restored_buffers(
        x in prop::collection::vec(-1.0f64..1.0, 3),
        means in prop::collection::vec(-1.0f64..1.0, 6),
        w in prop::collection::vec(-1.0f64..1.0, 9),
    ) {
        let (gx, gm, gw) = centered_quadratic_grad(&x, &means, &w, 3);
        // By hand: with cₖ = x − μₖ, ∂f/∂x = Σₖ (W + Wᵀ) cₖ, ∂f/∂μₖ = −(W + Wᵀ) cₖ,
        // ∂f/∂Wᵢⱼ = Σₖ cₖᵢ cₖⱼ.
        let (mut ex, mut em, mut ew) = (vec![0.0; 3], vec![0.0; 6], vec![0.0; 9]);
        for k in 0..2 {
            let c: Vec<f64> = (0..3).map(|i| x[i] - means[k * 3 + i]).collect();
            for i in 0..3 {
                let sym: f64 = (0..3).map(|j| (w[i * 3 + j] + w[j * 3 + i]) * c[j]).sum();
                ex[i] += sym;
                em[k * 3 + i] = -sym;
                for j in 0..3 {
                    ew[i * 3 + j] += c[i] * c[j];
                }
            }
        }
        assert_all_close(&gx, &ex, 1e-12);
        assert_all_close(&gm, &em, 1e-12);
        assert_all_close(&gw, &ew, 1e-12);
        let all: Vec<f64> = x.iter().chain(&means).chain(&w).copied().collect();
        let g: Vec<f64> = gx.iter().chain(&gm).chain(&gw).copied().collect();
        fd(|p| centered_quadratic(&p[..3], &p[3..9], &p[9..], 3), &all, &g);
    }
}

include!("fixtures/triangular_norms.rs");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn snapshotted_buffers(
        a in prop::collection::vec(-1.0f64..1.0, 18),
        x in prop::collection::vec(-1.0f64..1.0, 3),
        w in prop::collection::vec(-1.0f64..1.0, 3),
    ) {
        let (ga, gx, gw) = triangular_norms_grad(&a, &x, &w);
        // By hand: yₖⱼ = Σ_{i≤j} Aₖᵢⱼ xᵢ, gₖⱼ = 2yₖⱼ + wⱼ; ∂f/∂Aₖᵢⱼ = gₖⱼ xᵢ (i ≤ j, else 0),
        // ∂f/∂xᵢ = Σₖ Σ_{j≥i} Aₖᵢⱼ gₖⱼ, ∂f/∂w = Σₖ yₖ.
        let (mut ea, mut ex, mut ew) = (vec![0.0; 18], vec![0.0; 3], vec![0.0; 3]);
        for k in 0..2 {
            let at = |i: usize, j: usize| a[k * 9 + i * 3 + j];
            let y: Vec<f64> = (0..3).map(|j| (0..=j).map(|i| at(i, j) * x[i]).sum()).collect();
            let g: Vec<f64> = (0..3).map(|j| 2.0 * y[j] + w[j]).collect();
            for j in 0..3 {
                ew[j] += y[j];
                for i in 0..=j {
                    ea[k * 9 + i * 3 + j] = g[j] * x[i];
                    ex[i] += at(i, j) * g[j];
                }
            }
        }
        assert_all_close(&ga, &ea, 1e-12);
        assert_all_close(&gx, &ex, 1e-12);
        assert_all_close(&gw, &ew, 1e-12);
        let all: Vec<f64> = a.iter().chain(&x).chain(&w).copied().collect();
        let g: Vec<f64> = ga.iter().chain(&gx).chain(&gw).copied().collect();
        fd(|p| triangular_norms(&p[..18], &p[18..21], &p[21..]), &all, &g);
    }
}

include!("fixtures/horner_like.rs");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn partials_of_active_operands_only(x in -2.0f64..2.0, c in prop::collection::vec(-1.5f64..1.5, 1..6)) {
        let g = both_modes(horner_like_grad(x, &c), horner_like_vjp(x, &c, 1.0));
        // By hand: d₀ = 1, dᵢ₊₁ = dᵢ·cᵢ + 1.
        let expected = c.iter().fold(1.0, |d, ci| d * ci + 1.0);
        assert_close(g, expected, 1e-12);
        fd1(|v| horner_like(v, &c), x, g);
    }
}
