//! Each construct of the body language, in a function of its own: the generated gradient
//! against the derivative worked by hand, and against central finite differences, over
//! random inputs.

// The functions under test are written to exercise constructs, not as idiomatic Rust.
#![allow(
    unused_assignments,
    clippy::let_and_return,
    clippy::assign_op_pattern,
    clippy::unnecessary_cast,
    clippy::needless_late_init
)]

use autodiff::prelude::*;
use proptest::prelude::*;

mod common;
use common::{assert_close, both_modes, both_modes_vg, fd1, fd2};

// --- let, shadowing, blocks, tuples, compound assignment ---------------------------------

#[differentiable]
fn shadowing(x: f64) -> f64 {
    let y = x * 2.0;
    let y = y * y;
    let x = y + x;
    x
}

#[differentiable]
fn blocks_and_tuples(x: f64, y: f64) -> f64 {
    let (a, b) = (x * y, x - y);
    let c = {
        let t = a + b;
        t * t
    };
    let pair = (c, b);
    pair.0 + pair.1
}

#[differentiable]
fn compound(x: f64, y: f64) -> f64 {
    let mut s = x;
    s += y;
    s *= x;
    s -= 1.0;
    s /= y;
    s
}

// --- branches ------------------------------------------------------------------------------

#[differentiable]
fn if_chain(x: f64, y: f64) -> f64 {
    let mut r = 0.0;
    if x > y {
        r = x * x;
    } else if x < 0.0 {
        r = -x;
    } else {
        r = y.sin();
    }
    r * y
}

#[differentiable]
fn if_expression(x: f64) -> f64 {
    let m = if x > 1.0 { x.ln() } else { x - 1.0 };
    m * m
}

#[differentiable]
fn match_on_integer(x: f64, k: i32) -> f64 {
    match k {
        0 => x.sin(),
        1 | 2 => x * x,
        n if n > 10 => x.exp(),
        _ => 1.0,
    }
}

// --- loops ---------------------------------------------------------------------------------

#[differentiable]
fn for_range(x: f64, n: u32) -> f64 {
    let mut p = 1.0;
    for k in 1..=n {
        p *= x + k as f64;
    }
    p
}

#[differentiable]
fn for_rev_step(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for k in (0..n).rev().step_by(2) {
        s = s * x + k as f64;
    }
    s
}

#[differentiable]
fn while_data_dependent(x: f64) -> f64 {
    let mut v = x;
    while v > 1.5 {
        v = v.sqrt();
    }
    v
}

#[differentiable]
fn loop_break(x: f64) -> f64 {
    let mut s = x;
    let mut i = 0;
    loop {
        s = s * s;
        i += 1;
        if i == 3 {
            break;
        }
    }
    s
}

#[differentiable]
fn continue_skips(x: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..6 {
        if k % 2 == 1 {
            continue;
        }
        s += x.powi(k);
    }
    s
}

#[differentiable]
fn labeled_break(x: f64, limit: usize) -> f64 {
    let mut s = 1.0;
    'outer: for i in 0..4 {
        for j in 0..4 {
            if i * j >= limit {
                break 'outer;
            }
            s = s * x + 1.0;
        }
    }
    s
}

#[differentiable]
fn nested_loops_with_while(x: f64, n: usize) -> f64 {
    let mut acc = 0.0;
    for i in 0..n {
        let mut t = x + i as f64;
        while t > 1.0 {
            t = t * 0.5;
        }
        acc = acc * t + t.sin();
    }
    acc
}

#[differentiable]
fn early_return(x: f64) -> f64 {
    if x < 0.0 {
        return x * x;
    }
    let mut p = x;
    for i in 0..10 {
        p = p * 1.5;
        if p > 5.0 {
            return p + i as f64;
        }
    }
    p
}

// --- integer and boolean code, casts, stop_gradient, wrt -------------------------------------

#[differentiable]
fn casts(x: f64) -> f64 {
    let n = (x * 3.0) as usize;
    let k = n as f64;
    x * k + (x as f64)
}

#[differentiable]
fn bool_and_int_code(x: f64, y: f64) -> f64 {
    let positive = x > 0.0 && y > 0.0;
    let mut count = 0;
    for i in 0..5 {
        if (i % 2 == 0) == positive {
            count += i;
        }
    }
    let c = count as f64;
    if positive {
        x * c + y
    } else {
        y * c - x
    }
}

#[differentiable]
fn stop_gradient_cuts(x: f64) -> f64 {
    x * stop_gradient(x * x)
}

#[differentiable(wrt(y))]
fn only_y(x: f64, y: f64, z: f64) -> f64 {
    x * y * z + y.exp()
}

#[differentiable]
fn inactive_parameter(x: f64, y: f64) -> f64 {
    let unused = y * 3.0;
    let _ = unused;
    x * 2.0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn let_shadowing(x in -5.0f64..5.0) {
        let g = both_modes(shadowing_grad(x), shadowing_vjp(x, 1.0));
        assert_close(g, 8.0 * x + 1.0, 1e-12);
        fd1(shadowing, x, g);
    }

    #[test]
    fn blocks_tuples(x in -3.0f64..3.0, y in -3.0f64..3.0) {
        let g = blocks_and_tuples_grad(x, y);
        let u = x * y + x - y;
        assert_close(g.0, 2.0 * u * (y + 1.0) + 1.0, 1e-12);
        assert_close(g.1, 2.0 * u * (x - 1.0) - 1.0, 1e-12);
        fd2(blocks_and_tuples, x, y, g);
    }

    #[test]
    fn compound_assignment(x in -3.0f64..3.0, y in 0.2f64..3.0) {
        let g = compound_grad(x, y);
        assert_close(g.0, (2.0 * x + y) / y, 1e-12);
        assert_close(g.1, (1.0 - x * x) / (y * y), 1e-12);
        fd2(compound, x, y, g);
    }

    #[test]
    fn if_else_chain(x in -3.0f64..3.0, y in -3.0f64..3.0) {
        prop_assume!((x - y).abs() > 1e-3 && x.abs() > 1e-3);
        let g = if_chain_grad(x, y);
        let expected = if x > y {
            (2.0 * x * y, x * x)
        } else if x < 0.0 {
            (-y, -x)
        } else {
            (0.0, y.cos() * y + y.sin())
        };
        assert_close(g.0, expected.0, 1e-12);
        assert_close(g.1, expected.1, 1e-12);
        fd2(if_chain, x, y, g);
    }

    #[test]
    fn if_as_expression(x in 0.01f64..3.0) {
        prop_assume!((x - 1.0).abs() > 1e-3);
        let g = both_modes(if_expression_grad(x), if_expression_vjp(x, 1.0));
        let expected = if x > 1.0 { 2.0 * x.ln() / x } else { 2.0 * (x - 1.0) };
        assert_close(g, expected, 1e-12);
        fd1(if_expression, x, g);
    }

    #[test]
    fn match_arms(x in -2.0f64..2.0, k in -3i32..15) {
        let g = both_modes(match_on_integer_grad(x, k), match_on_integer_vjp(x, k, 1.0));
        let expected = match k {
            0 => x.cos(),
            1 | 2 => 2.0 * x,
            n if n > 10 => x.exp(),
            _ => 0.0,
        };
        assert_close(g, expected, 1e-12);
        fd1(|x| match_on_integer(x, k), x, g);
    }

    #[test]
    fn for_over_range(x in -0.9f64..3.0, n in 0u32..8) {
        let g = both_modes(for_range_grad(x, n), for_range_vjp(x, n, 1.0));
        let p: f64 = (1..=n).map(|k| x + k as f64).product();
        let expected: f64 = (1..=n).map(|k| p / (x + k as f64)).sum();
        assert_close(g, expected, 1e-11);
        fd1(|x| for_range(x, n), x, g);
    }

    #[test]
    fn for_rev_step_by(x in -2.0f64..2.0, n in 0usize..9) {
        let g = both_modes(for_rev_step_grad(x, n), for_rev_step_vjp(x, n, 1.0));
        // s = Σ_j c_j x^(m-1-j) with c_j the visited k; its derivative by hand:
        let ks: Vec<usize> = (0..n).rev().step_by(2).collect();
        let m = ks.len();
        let expected: f64 = ks.iter().enumerate()
            .filter(|(j, _)| m - 1 - j >= 1)
            .map(|(j, &k)| k as f64 * (m - 1 - j) as f64 * x.powi((m - 2 - j) as i32))
            .sum();
        assert_close(g, expected, 1e-12);
        fd1(|x| for_rev_step(x, n), x, g);
    }

    #[test]
    fn while_with_data_dependent_trip_count(x in 0.1f64..1000.0) {
        let g = both_modes(while_data_dependent_grad(x), while_data_dependent_vjp(x, 1.0));
        // v = x^(1/2^m) with m the number of square roots taken.
        let (mut v, mut m) = (x, 0);
        while v > 1.5 { v = v.sqrt(); m += 1; }
        let e = 0.5f64.powi(m);
        assert_close(g, e * x.powf(e - 1.0), 1e-11);
        prop_assume!((v - 1.5).abs() > 1e-3 && (v * v - 1.5).abs() > 1e-3);
        fd1(while_data_dependent, x, g);
    }

    #[test]
    fn loop_with_break(x in -2.0f64..2.0) {
        let g = both_modes(loop_break_grad(x), loop_break_vjp(x, 1.0));
        assert_close(g, 8.0 * x.powi(7), 1e-12);
        fd1(loop_break, x, g);
    }

    #[test]
    fn continue_in_for(x in -2.0f64..2.0) {
        let g = both_modes(continue_skips_grad(x), continue_skips_vjp(x, 1.0));
        assert_close(g, 2.0 * x + 4.0 * x.powi(3), 1e-12);
        fd1(continue_skips, x, g);
    }

    #[test]
    fn labeled_break_leaves_both_loops(x in -2.0f64..2.0, limit in 0usize..10) {
        let g = both_modes(labeled_break_grad(x, limit), labeled_break_vjp(x, limit, 1.0));
        // Count the updates s = s·x + 1 that run: s = Σ_{j<u} x^j + x^u, for u updates.
        let mut u = 0;
        'o: for i in 0..4 { for j in 0..4 { if i * j >= limit { break 'o; } u += 1; } }
        let expected: f64 = (1..u).map(|j| j as f64 * x.powi(j as i32 - 1)).sum::<f64>()
            + u as f64 * x.powi(u as i32 - 1);
        assert_close(g, expected, 1e-11);
        fd1(|x| labeled_break(x, limit), x, g);
    }

    #[test]
    fn nested_loops(x in 0.1f64..5.0, n in 0usize..6) {
        let g = both_modes(nested_loops_with_while_grad(x, n), nested_loops_with_while_vjp(x, n, 1.0));
        // Forward mode by hand, as a reference.
        let (mut acc, mut dacc) = (0.0f64, 0.0f64);
        for i in 0..n {
            let (mut t, mut dt) = (x + i as f64, 1.0);
            while t > 1.0 { t *= 0.5; dt *= 0.5; }
            dacc = dacc * t + acc * dt + t.cos() * dt;
            acc = acc * t + t.sin();
        }
        assert_close(g, dacc, 1e-12);
        // The number of halvings jumps where x + i crosses a power of two; finite
        // differences across the jump measure the jump, not the derivative.
        prop_assume!((0..n).all(|i| (0..4).all(|k| (x + i as f64 - 2f64.powi(k)).abs() > 1e-3)));
        fd1(|x| nested_loops_with_while(x, n), x, g);
    }

    #[test]
    fn early_returns(x in -3.0f64..8.0) {
        let g = both_modes(early_return_grad(x), early_return_vjp(x, 1.0));
        let expected = if x < 0.0 {
            2.0 * x
        } else {
            let mut k = 0;
            let mut p = x;
            while k < 10 { p *= 1.5; k += 1; if p > 5.0 { break; } }
            1.5f64.powi(k)
        };
        assert_close(g, expected, 1e-12);
        prop_assume!(x.abs() > 1e-3);
        prop_assume!((1..=10).all(|k| (x * 1.5f64.powi(k) - 5.0).abs() > 1e-3));
        fd1(early_return, x, g);
    }

    #[test]
    fn casts_cut_and_constants(x in 0.0f64..5.0) {
        let g = both_modes(casts_grad(x), casts_vjp(x, 1.0));
        assert_close(g, ((x * 3.0) as usize) as f64 + 1.0, 1e-12);
        prop_assume!(((x * 3.0) - (x * 3.0).round()).abs() > 1e-3);
        fd1(casts, x, g);
    }

    #[test]
    fn integer_and_bool_code(x in -3.0f64..3.0, y in -3.0f64..3.0) {
        prop_assume!(x.abs() > 1e-3 && y.abs() > 1e-3);
        let g = bool_and_int_code_grad(x, y);
        let positive = x > 0.0 && y > 0.0;
        let c: i32 = (0..5).filter(|i| (i % 2 == 0) == positive).sum();
        let c = c as f64;
        let expected = if positive { (c, 1.0) } else { (-1.0, c) };
        assert_close(g.0, expected.0, 1e-12);
        assert_close(g.1, expected.1, 1e-12);
        fd2(bool_and_int_code, x, y, g);
    }
}

#[test]
fn taylor_sine_while_loop_is_covered_in_seeds() {
    // See tests/seeds.rs; this file covers the other loop forms.
    assert_eq!(loop_break_grad(1.0), 8.0);
    assert_eq!(loop_break_vjp(1.0, 1.0).1, 8.0);
}

#[test]
fn stop_gradient_blocks_exactly_its_argument() {
    // d/dx [x · stop(x²)] = x², not 3x² (which ignoring stop_gradient would give).
    let x = 1.7;
    // Forward mode (`_grad`, of one float) and reverse mode (`_vjp` with seed 1).
    for g in [stop_gradient_cuts_grad(x), stop_gradient_cuts_vjp(x, 1.0).1] {
        assert_close(g, x * x, 1e-15);
        assert!((g - 3.0 * x * x).abs() > 1.0);
    }
    assert_close(stop_gradient_cuts(x), x * x * x, 1e-15);
}

#[test]
fn wrt_restricts_the_gradient() {
    let (x, y, z) = (1.5, -0.5, 2.0);
    // One differentiable float: `_grad` runs forward mode, `_vjp` reverse mode.
    let g: f64 = only_y_grad(x, y, z);
    let (_, r): (f64, f64) = only_y_vjp(x, y, z, 1.0);
    for g in [g, r] {
        assert_close(g, x * z + y.exp(), 1e-15);
        check_grad(|v| only_y(x, v[0], z), &[y], &[g]).assert_within(1e-7);
    }
}

#[test]
fn inactive_parameter_has_zero_gradient() {
    assert_eq!(inactive_parameter_grad(1.0, 2.0), (2.0, 0.0));
    fd2(inactive_parameter, 1.0, 2.0, (2.0, 0.0));
}

#[test]
fn nan_and_infinity_propagate() {
    let g = f_ln_of_negative(-1.0);
    assert!(g.is_nan());
    let (v, g) = both_modes_vg(
        while_data_dependent_value_and_grad(f64::NAN),
        while_data_dependent_vjp(f64::NAN, 1.0),
    );
    assert!(v.is_nan() && g.is_finite());
    let (v, g) = both_modes_vg(
        shadowing_value_and_grad(f64::INFINITY),
        shadowing_vjp(f64::INFINITY, 1.0),
    );
    assert!(v.is_infinite() && g.is_infinite());
    assert!(both_modes(
        if_expression_grad(f64::NAN),
        if_expression_vjp(f64::NAN, 1.0)
    )
    .is_nan());
}

#[differentiable]
fn ln_of(x: f64) -> f64 {
    x.ln() * 2.0
}

fn f_ln_of_negative(x: f64) -> f64 {
    both_modes_vg(ln_of_value_and_grad(x), ln_of_vjp(x, 1.0)).0
}
