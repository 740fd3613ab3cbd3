//! Gradients into caller-owned buffers: `NAME_grad_into` and `NAME_vjp_into` add, as
//! PyTorch's `.grad` does, and never zero.

use autodiff::prelude::*;

mod common;
use common::assert_close;

/// The seeds' accumulation example: `out = sum(W * 2)`.
#[differentiable]
fn out(w: &[f64]) -> f64 {
    let mut doubled = vec![0.0; w.len()];
    for i in 0..w.len() {
        doubled[i] = w[i] * 2.0;
    }
    sum(&doubled)
}

#[test]
fn gradients_accumulate_until_zeroed() {
    let w = [1.0, 1.0, 1.0];
    let mut dw = [0.0; 3];
    for k in 1..=4 {
        let value = out_grad_into(&w, &mut dw);
        assert_eq!(value, 6.0);
        let expected = 2.0 * k as f64;
        assert_eq!(dw, [expected; 3], "after {k} calls");
    }
    for _ in 0..4 {
        dw = [0.0; 3];
        out_grad_into(&w, &mut dw);
        assert_eq!(dw, [2.0; 3]);
    }
    check_grad(out, &w, &dw).assert_within(1e-7);
}

#[differentiable]
fn mixed(x: f64, w: &[f64], n: usize) -> f64 {
    let mut s = x * x;
    for (i, wi) in w.iter().enumerate() {
        if i < n {
            s += wi * x;
        }
    }
    s
}

#[test]
fn scalar_and_slice_destinations_add() {
    let (x, w) = (1.5, [0.5, -1.0, 2.0]);
    let (mut dx, mut dw) = (10.0, vec![1.0, 1.0, 1.0]);
    let value = mixed_grad_into(x, &w, 3, &mut dx, &mut dw);
    assert_eq!(value, mixed(x, &w, 3));
    // ∂/∂x = 2x + Σw, ∂/∂w_i = x, added to what was there.
    assert_close(dx, 10.0 + 2.0 * x + 1.5, 1e-15);
    assert_eq!(dw, vec![1.0 + x, 1.0 + x, 1.0 + x]);
    let (g_x, g_w) = mixed_grad(x, &w, 3);
    check_grad(
        |v| mixed(v[0], &v[1..], 3),
        &[x, w[0], w[1], w[2]],
        &[g_x, g_w[0], g_w[1], g_w[2]],
    )
    .assert_within(1e-7);
}

#[test]
fn vjp_into_scales_by_the_seed_and_adds() {
    let w = [1.0, 2.0];
    let (mut dx, mut dw) = (0.0, [0.0; 2]);
    mixed_vjp_into(2.0, &w, 2, 3.0, &mut dx, &mut dw);
    mixed_vjp_into(2.0, &w, 2, -1.0, &mut dx, &mut dw);
    // The seeds add up to 2: twice the gradient.
    let (g_x, g_w) = mixed_grad(2.0, &w, 2);
    assert_close(dx, 2.0 * g_x, 1e-15);
    assert_close(dw[0], 2.0 * g_w[0], 1e-15);
    assert_close(dw[1], 2.0 * g_w[1], 1e-15);
}

/// Σ_{k=1..n} xᵏ: one differentiable float, so `_grad_into` runs forward mode (one `_jvp` with
/// tangent 1) and `_vjp_into` the reverse sweep, with its tape for the loop.
#[differentiable]
fn powers(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    let mut p = 1.0;
    for _ in 0..n {
        p *= x;
        s += p;
    }
    s
}

#[test]
fn one_float_grad_into_and_vjp_into_add() {
    let (x, n) = (0.8, 5);
    let expected: f64 = (1..=n).map(|k| k as f64 * x.powi(k as i32 - 1)).sum();
    let (mut d_forward, mut d_reverse) = (1.0, 1.0);
    for k in 1..=3 {
        assert_eq!(powers_grad_into(x, n, &mut d_forward), powers(x, n));
        assert_eq!(powers_vjp_into(x, n, 1.0, &mut d_reverse), powers(x, n));
        let k = k as f64;
        assert_close(d_forward, 1.0 + k * expected, 1e-14);
        assert_close(d_reverse, 1.0 + k * expected, 1e-14);
    }
    // The seed scales what the reverse sweep adds.
    let mut d = 0.0;
    powers_vjp_into(x, n, 2.5, &mut d);
    assert_close(d, 2.5 * expected, 1e-14);
    check_grad(|v| powers(v[0], n), &[x], &[d / 2.5]).assert_within(1e-7);
}

#[differentiable]
fn map(x: [f64; 2]) -> [f64; 2] {
    [x[0] * x[1], x[0].sin()]
}

#[test]
fn vjp_into_of_a_vector_function() {
    let mut dx = [1.0, 1.0];
    let value = map_vjp_into([0.5, 2.0], [1.0, 1.0], &mut dx);
    assert_eq!(value, map([0.5, 2.0]));
    assert_close(dx[0], 1.0 + 2.0 + 0.5f64.cos(), 1e-15);
    assert_close(dx[1], 1.0 + 0.5, 1e-15);
    // The seed [1, 1] makes the vjp the gradient of the sum of the outputs.
    let sum_of_map = |v: &[f64]| map([v[0], v[1]]).iter().sum::<f64>();
    check_grad(sum_of_map, &[0.5, 2.0], &[dx[0] - 1.0, dx[1] - 1.0]).assert_within(1e-7);
}

#[test]
#[should_panic(expected = "out_vjp_into: the destination of `w` has 2 elements but `w` has 3")]
fn a_destination_of_the_wrong_length_panics() {
    let mut dw = [0.0; 2];
    out_grad_into(&[1.0, 2.0, 3.0], &mut dw);
}
