//! Generated code must not be confused by user names: modules named like ours, locals named
//! like our generated ones, parameters named `seed`, shadowed prelude names.

#![allow(non_snake_case, clippy::all)]

mod core {}
mod std {}

use autodiff::prelude::*;

mod common;
use common::both_modes;

#[differentiable]
fn names_like_ours(__t0: f64, seed: f64) -> f64 {
    let __d_x = __t0 * seed;
    let __tape = __d_x.sin();
    let __out = __tape + __t0;
    let __s0 = __out * __out;
    __s0
}

#[differentiable]
fn shadowing_everywhere(x: f64, n: usize) -> f64 {
    let x = x * 2.0;
    let n = n + 1;
    let mut acc = 0.0;
    for x_1 in 0..n {
        let x = x + x_1 as f64;
        acc += x * x;
    }
    let acc = acc;
    acc
}

#[test]
fn generated_names_do_not_capture_user_names() {
    let (t, s) = (0.7, 1.3);
    let (gt, gs) = names_like_ours_grad(t, s);
    let check = check_grad(|v| names_like_ours(v[0], v[1]), &[t, s], &[gt, gs]);
    assert!(check.is_within(1e-7), "{check}");
    // Worked by hand: u = sin(t·s) + t, f = u², f_t = 2u(s·cos(ts) + 1), f_s = 2u·t·cos(ts).
    let u = (t * s).sin() + t;
    assert!((gt - 2.0 * u * (s * (t * s).cos() + 1.0)).abs() < 1e-12);
    assert!((gs - 2.0 * u * t * (t * s).cos()).abs() < 1e-12);
}

#[test]
fn shadowed_names_keep_their_bindings() {
    // f = Σ_{k=0}^{n} (2x + k)², f' = Σ 4(2x + k).
    let x = 0.4;
    let g = both_modes(
        shadowing_everywhere_grad(x, 3),
        shadowing_everywhere_vjp(x, 3, 1.0),
    );
    let expected: f64 = (0..=3).map(|k| 4.0 * (2.0 * x + k as f64)).sum();
    assert!((g - expected).abs() < 1e-12, "{g} vs {expected}");
    check_grad(|v| shadowing_everywhere(v[0], 3), &[x], &[g]).assert_within(1e-7);
}

/// Buffers, reductions and a vector return, under the user's `mod core {}` and `mod std {}`.
#[differentiable]
fn arrays_under_shadowed_crates(x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    let total = sum(x);
    for (i, xi) in x.iter().enumerate() {
        out[i] = xi * total;
    }
    out
}

#[test]
fn arrays_do_not_depend_on_user_module_names() {
    // out_i = x_i Σx, so seed · ∂out/∂x_j = seed_j Σx + Σ_i seed_i x_i.
    let x = [1.0, 2.0, 3.0];
    let seed = vec![1.0, 0.5, -1.0];
    let (value, grad) = arrays_under_shadowed_crates_vjp(&x, seed.clone());
    assert_eq!(value, vec![6.0, 12.0, 18.0]);
    let dot: f64 = seed.iter().zip(&x).map(|(s, x)| s * x).sum();
    for j in 0..3 {
        assert!((grad[j] - (seed[j] * 6.0 + dot)).abs() < 1e-12);
    }
}

/// Parameters one per line, with rustfmt's trailing comma: the generated signatures append
/// their own parameters after it.
#[differentiable]
fn trailing_comma_in_the_parameters(
    first_parameter_with_a_long_name: f64,
    second_parameter_with_a_long_name: &[f64],
    third_parameter_with_a_long_name: usize,
) -> f64 {
    first_parameter_with_a_long_name * second_parameter_with_a_long_name[0]
        + third_parameter_with_a_long_name as f64
}

#[test]
fn a_trailing_comma_is_fine() {
    let (gx, gw) = trailing_comma_in_the_parameters_grad(2.0, &[3.0, 4.0], 7);
    assert_eq!((gx, gw), (3.0, vec![2.0, 0.0]));
    let (v, t) = trailing_comma_in_the_parameters_jvp(2.0, &[3.0, 4.0], 7, 1.0, &[0.0, 1.0]);
    assert_eq!((v, t), (13.0, 3.0));
    check_grad(
        |p| trailing_comma_in_the_parameters(p[0], &p[1..], 7),
        &[2.0, 3.0, 4.0],
        &[3.0, 2.0, 0.0],
    )
    .assert_within(1e-7);
}
