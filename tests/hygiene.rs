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

// Parameters and locals named like the generated code's locals: the pullback's options and
// scratch (`__pullback_0`, `__scratch_1`), a call's cotangent locals (`__g_arg0`), a nested
// loop's range (`__range`), an array literal's buffer (`__a`), and a `custom_vjp` core's value,
// rule and gradients (`value`, `rule`, `__rule_grad_0`).
#[differentiable]
fn callee_named_like_the_pullback(__pullback_0: f64, __scratch_1: f64, __pullback_2: f64) -> f64 {
    __pullback_0 * __scratch_1 * __pullback_2
}

#[differentiable]
fn caller_named_like_call_locals(__g_arg0: f64, __g_arg1: f64, __range: usize) -> f64 {
    let mut acc = 0.0;
    for i in 0..__range {
        for j in 0..i {
            let __range = j as f64 + 1.0;
            acc += callee_named_like_the_pullback(__g_arg1, __g_arg0, __g_arg1) * __range;
        }
    }
    acc
}

#[differentiable]
fn buffer_beside_a_local_named_like_it(x: f64) -> f64 {
    let __a = x * 3.0;
    sum(&[x, x * x]) * __a
}

#[differentiable(custom_vjp = rule_of_named_like_ours)]
fn named_like_custom_locals(value: f64, rule: f64, __rule_grad_0: f64) -> f64 {
    value * rule + __rule_grad_0
}

fn rule_of_named_like_ours(value: f64, rule: f64, _g: f64, _v: f64, seed: f64) -> (f64, f64, f64) {
    (rule * seed, value * seed, seed)
}

#[differentiable]
fn calls_named_like_custom_locals(x: f64, y: f64) -> f64 {
    named_like_custom_locals(x, y, x * y)
}

#[test]
fn generated_locals_do_not_capture_user_names() {
    // f = abc: ∇f = (bc, ac, ab) = (12, 8, 6) at (2, 3, 4).
    let g = callee_named_like_the_pullback_grad(2.0, 3.0, 4.0);
    assert_eq!(g, (12.0, 8.0, 6.0));
    let check = check_grad(
        |v| callee_named_like_the_pullback(v[0], v[1], v[2]),
        &[2.0, 3.0, 4.0],
        &[g.0, g.1, g.2],
    );
    assert!(check.is_within(1e-7), "{check}");

    // f = Σ_{i<n} Σ_{j<i} a·b²·(j + 1) = a·b²·c with c = Σ_{i<n} i(i + 1)/2 (10 for n = 4):
    // ∇f = (b²c, 2abc) = (90, 120) at (a, b) = (2, 3).
    let (a, b) = (2.0, 3.0);
    let g = caller_named_like_call_locals_grad(a, b, 4);
    assert_eq!(g, (90.0, 120.0));
    assert_eq!(
        caller_named_like_call_locals_vjp(a, b, 4, 1.0).1,
        (90.0, 120.0)
    );
    assert_eq!(caller_named_like_call_locals_jvp(a, b, 4, 1.0, 0.0).1, 90.0);
    let check = check_grad(
        |v| caller_named_like_call_locals(v[0], v[1], 4),
        &[a, b],
        &[g.0, g.1],
    );
    assert!(check.is_within(1e-7), "{check}");

    // f = (x + x²)·3x = 3x² + 3x³: f' = 6x + 9x² = 4.8 at 0.4.
    let x = 0.4;
    let g = buffer_beside_a_local_named_like_it_grad(x);
    assert!((g - (6.0 * x + 9.0 * x * x)).abs() < 1e-12, "{g}");
    check_grad(|v| buffer_beside_a_local_named_like_it(v[0]), &[x], &[g]).assert_within(1e-7);

    // f = vr + g: ∇f = (r, v, 1) = (3, 2, 1) at (2, 3, 5).
    assert_eq!(
        named_like_custom_locals_grad(2.0, 3.0, 5.0),
        (3.0, 2.0, 1.0)
    );
    assert_eq!(
        named_like_custom_locals_jvp(2.0, 3.0, 5.0, 1.0, 1.0, 1.0),
        (11.0, 6.0)
    );
    // g(x, y) = xy + xy = 2xy: ∇g = (2y, 2x) = (6, 4) at (2, 3).
    let g = calls_named_like_custom_locals_grad(2.0, 3.0);
    assert_eq!(g, (6.0, 4.0));
    let check = check_grad(
        |v| calls_named_like_custom_locals(v[0], v[1]),
        &[2.0, 3.0],
        &[g.0, g.1],
    );
    assert!(check.is_within(1e-7), "{check}");
}
