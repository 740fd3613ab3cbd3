//! Calls of one `#[differentiable]` function from another: by plain name, by `crate::`,
//! `super::` and relative paths, through `use` imports, in loops and branches, with scalar,
//! slice, array, row, buffer, constant, `stop_gradient` and integer arguments, several levels
//! deep, and generic callees. Every `#[differentiable] fn f` generates a hidden `f_derivative`
//! that the caller's reverse sweep calls. Each gradient is checked against one worked by hand
//! (or a forward-mode reference computed independently here) and against central finite
//! differences, over random inputs.

// The functions under test are written to exercise constructs, not as idiomatic Rust.
#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::useless_vec,
    clippy::assign_op_pattern,
    clippy::let_and_return,
    clippy::explicit_counter_loop,
    clippy::needless_borrow
)]

use autodiff::prelude::*;
use proptest::prelude::*;

mod common;
use common::{
    assert_all_close, assert_close, both_modes, both_modes_f32, both_modes_vg, fd, fd1, fd2, vec_in,
};

fn concat(parts: &[&[f64]]) -> Vec<f64> {
    parts.iter().flat_map(|p| p.iter().copied()).collect()
}

// --- callees -------------------------------------------------------------------------------

#[differentiable]
fn square(x: f64) -> f64 {
    x * x
}

/// c(x) = x·sin x, c'(x) = sin x + x·cos x.
#[differentiable]
fn level_c(x: f64) -> f64 {
    x.sin() * x
}

fn dc(x: f64) -> f64 {
    x.sin() + x * x.cos()
}

/// b(x, y) = c(x·y) + y.
#[differentiable]
fn level_b(x: f64, y: f64) -> f64 {
    level_c(x * y) + y
}

/// a(x) = b(x, eˣ)·x.
#[differentiable]
fn level_a(x: f64) -> f64 {
    level_b(x, x.exp()) * x
}

#[differentiable]
fn mul_sin(a: f64, b: f64) -> f64 {
    a * b.sin()
}

#[differentiable]
fn sumsq(w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[i] * w[i];
    }
    s
}

#[differentiable]
fn weighted(w: &[f64], x: &[f64]) -> f64 {
    dot(w, x)
}

#[differentiable]
fn prod3(a: [f64; 3]) -> f64 {
    a[0] * a[1] * a[2]
}

/// xᵏ/(k+1): an integer parameter.
#[differentiable]
fn term(x: f64, k: usize) -> f64 {
    x.powi(k as i32) / (k as f64 + 1.0)
}

fn dterm(x: f64, k: usize) -> f64 {
    if k == 0 {
        0.0
    } else {
        k as f64 * x.powi(k as i32 - 1) / (k as f64 + 1.0)
    }
}

mod model {
    use autodiff::prelude::*;

    #[differentiable]
    pub fn bias(x: f64) -> f64 {
        x.exp()
    }

    pub mod layers {
        use autodiff::prelude::*;

        /// tanh(x·Σw).
        #[differentiable]
        pub fn neuron(x: f64, w: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..w.len() {
                s += w[i] * x;
            }
            s.tanh()
        }

        #[differentiable]
        pub fn twice_sin(x: f64) -> f64 {
            2.0 * x.sin()
        }

        pub mod deeper {
            use autodiff::prelude::*;

            /// 2 sin x · x + eˣ, through `super::` and `super::super::`.
            #[differentiable]
            pub fn via_super(x: f64) -> f64 {
                super::twice_sin(x) * x + super::super::bias(x)
            }
        }
    }
}

mod imported {
    use autodiff::prelude::*;

    /// x³ − x.
    #[differentiable]
    pub fn cubic(x: f64) -> f64 {
        x * x * x - x
    }
}

// --- plain name, paths, imports ------------------------------------------------------------

#[differentiable]
fn plain(x: f64, y: f64) -> f64 {
    square(x) * y + square(y).sin()
}

#[differentiable]
fn crate_path(x: f64, w: &[f64]) -> f64 {
    crate::model::layers::neuron(x, w) * x + model::bias(x)
}

#[differentiable]
fn super_caller(x: f64) -> f64 {
    model::layers::deeper::via_super(x) * 0.5
}

mod glob_user {
    use super::imported::*;
    use autodiff::prelude::*;

    #[differentiable]
    pub fn through_glob(x: f64) -> f64 {
        cubic(x).sin()
    }
}

mod named_user {
    use super::imported::{cubic, cubic_derivative};
    use autodiff::prelude::*;

    #[differentiable]
    pub fn through_named_with_derivative(x: f64) -> f64 {
        cubic(x).sin()
    }
}

// A single-name import `use m::cubic;` brings `cubic` but not the hidden `cubic_derivative`
// that the caller's reverse sweep names; the README says to import both, or use a glob (above).

// --- loops and branches --------------------------------------------------------------------

#[differentiable]
fn loop_calls(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += term(x, i);
        let k = i + 1;
        s = s * 0.5 + term(s, k);
    }
    s
}

#[differentiable]
fn while_calls(x: f64) -> f64 {
    let mut v = x;
    let mut n = 0;
    while v > 1.5 {
        v = square(v.sqrt()).sqrt();
        n += 1;
    }
    v * term(x, n)
}

#[differentiable]
fn branchy(x: f64, y: f64) -> f64 {
    if square(x) > y {
        square(x - y)
    } else if x < 0.0 {
        model::bias(x) * y
    } else {
        square(y) + x
    }
}

#[differentiable]
fn branch_expression(x: f64, k: u8) -> f64 {
    let m = if x > 0.0 {
        square(x)
    } else {
        imported::cubic(x)
    };
    match k {
        0 => m * level_c(x),
        1 => term(m, 3),
        _ => m,
    }
}

// --- arguments: twice, expressions, nested calls, aliasing ----------------------------------

#[differentiable]
fn same_twice(x: f64) -> f64 {
    level_c(x) * level_c(x)
}

#[differentiable]
fn expression_argument(x: f64, y: f64) -> f64 {
    level_c(x * y + 1.0)
}

#[differentiable]
fn nested_argument(x: f64) -> f64 {
    square(level_c(x)) + level_c(square(x))
}

#[differentiable]
fn scalar_passed_twice(x: f64) -> f64 {
    mul_sin(x, x)
}

#[differentiable]
fn slice_passed_twice(w: &[f64]) -> f64 {
    weighted(w, w)
}

#[differentiable]
fn counter_mutated_after_call(x: f64) -> f64 {
    let mut s = x;
    let mut k = 1;
    for _ in 0..3 {
        s = term(s, k) + x;
        k += 1;
    }
    s
}

#[differentiable]
fn argument_reassigned(x: f64) -> f64 {
    let mut t = x;
    let r = square(t);
    t = t * 3.0;
    r * level_c(t)
}

// --- slices, arrays, rows, buffers ---------------------------------------------------------

#[differentiable]
fn slice_args(w: &[f64], v: Vec<f64>, y: f64) -> f64 {
    sumsq(w) * y + sumsq(&v)
}

#[differentiable]
fn slice_ref_of_slice(w: &[f64]) -> f64 {
    sumsq(&w).sqrt()
}

#[differentiable]
fn rows(xs: &[[f64; 3]], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        s += weighted(&xs[i], w).tanh();
    }
    s
}

#[differentiable]
fn vec_rows(m: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        s += sumsq(&m[i]) * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn local_matrix_row(x: f64, y: f64) -> f64 {
    let mut m = vec![vec![0.0; 2]; 2];
    m[0][0] = x;
    m[0][1] = y;
    m[1][0] = x * y;
    m[1][1] = 1.0;
    sumsq(&m[1]) * sumsq(&m[0])
}

#[differentiable]
fn sumsq32(w: &[f32]) -> f32 {
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[i] * w[i];
    }
    s
}

#[differentiable]
fn f32_slice_caller(w: &[f32], y: f32) -> f32 {
    sumsq32(w) * y
}

#[differentiable]
fn local_buffer(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = x[i].sin();
    }
    sumsq(&buf) + weighted(&buf, x)
}

#[differentiable]
fn array_buffer(x: f64, y: f64) -> f64 {
    let mut b = [0.0; 3];
    b[0] = x;
    b[1] = x * x;
    b[2] = y;
    prod3(b)
}

#[differentiable]
fn buffer_overwritten(x: f64, y: f64) -> f64 {
    let mut buf = vec![0.0; 2];
    buf[0] = x;
    buf[1] = y;
    let a = sumsq(&buf);
    buf[0] = x * y;
    let b = sumsq(&buf);
    a * b
}

#[differentiable]
fn results_into_buffer(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = level_c(x[i]);
    }
    sumsq(&buf)
}

// --- constants, stop_gradient, wrt callees -------------------------------------------------

#[differentiable]
fn constant_args(x: f64) -> f64 {
    square(2.0) * x + mul_sin(x, 2.0) + mul_sin(3.0, x)
}

#[differentiable]
fn stopped_args(x: f64) -> f64 {
    x * square(stop_gradient(x)) + mul_sin(stop_gradient(x), x)
}

#[differentiable(wrt(w))]
fn scaled(k: f64, w: &[f64], n: usize) -> f64 {
    k * w[n % w.len()] * w[0]
}

#[differentiable]
fn wrt_slice_caller(x: f64, w: &[f64], n: usize) -> f64 {
    scaled(x * x, w, n)
}

#[differentiable(wrt(y))]
fn only_y(x: f64, y: f64) -> f64 {
    x * y.exp()
}

#[differentiable]
fn wrt_scalar_caller(x: f64) -> f64 {
    only_y(x.sin(), 2.0 * x)
}

// --- generic callees -----------------------------------------------------------------------

#[differentiable]
fn sq<T: Float>(x: T) -> T {
    x * x
}

#[differentiable]
fn gen_caller64(x: f64) -> f64 {
    sq(x) * x + sq::<f64>(x.sin())
}

#[differentiable]
fn gen_caller32(x: f32) -> f32 {
    sq(x) * x + sq::<f32>(x.sin())
}

#[differentiable]
fn gen_caller<T: Float>(x: T) -> T {
    sq(x) * x + sq::<T>(x.sin())
}

// --- recursion, early return ---------------------------------------------------------------

#[differentiable]
fn power_rec(x: f64, n: u32) -> f64 {
    if n == 0 {
        return 1.0;
    }
    x * power_rec(x, n - 1)
}

#[differentiable]
fn early_return_call(x: f64) -> f64 {
    for i in 0..5 {
        let t = term(x, i);
        if t > 2.0 {
            return square(t) + x;
        }
    }
    level_c(x)
}

// --- more argument forms --------------------------------------------------------------------

#[differentiable]
fn self_overwrite(x: f64) -> f64 {
    let mut s = x;
    for _ in 0..3 {
        s = square(s);
    }
    s
}

#[differentiable]
fn while_condition_call(x: f64) -> f64 {
    let mut v = x;
    while square(v) > 2.0 {
        v = v * 0.5;
    }
    v * x
}

#[differentiable]
fn array_param_to_slice(a: [f64; 3]) -> f64 {
    sumsq(&a)
}

#[differentiable]
fn tuple_field_args(x: f64, y: f64) -> f64 {
    let t = (x * y, x - y);
    square(t.0) + square(t.1)
}

#[differentiable]
fn integer_expression_args(x: f64, w: &[f64], n: usize) -> f64 {
    let mut s = scaled(x, w, w.len() - 1);
    for i in 0..n {
        s += term(x, i + 1) + term(x, n - i);
    }
    s
}

#[differentiable(wrt(x))]
fn wrt_caller_inactive_arg(x: f64, y: f64) -> f64 {
    mul_sin(y, x) + square(y)
}

#[differentiable]
fn enumerate_rows(xs: &[[f64; 3]], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, row) in xs.iter().enumerate() {
        s += weighted(row, w) * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn element_loops(w: &[f64]) -> f64 {
    let mut s = 0.0;
    for &v in w.iter() {
        s += level_c(v);
    }
    for v in w.iter() {
        s += square(*v);
    }
    s
}

#[differentiable]
fn pick(w: &[f64], idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for k in 0..idx.len() {
        s += w[idx[k]];
    }
    s * s
}

#[differentiable]
fn pick_caller(w: &[f64], idx: &[usize]) -> f64 {
    pick(w, idx).sqrt()
}

/// A callee whose parameters are named like the generated ones.
#[differentiable]
fn seedy(seed: f64, d_seed: f64) -> f64 {
    seed * d_seed.sin()
}

#[differentiable]
fn seedy_caller(seed: f64) -> f64 {
    seedy(seed, seed * 2.0)
}

// A `Vec<f64>` passed by value: the callee gets a copy in each sweep.
mod vec_by_value {
    use autodiff::prelude::*;

    #[differentiable]
    fn vsum(v: Vec<f64>) -> f64 {
        let mut s = 0.0;
        for i in 0..v.len() {
            s += v[i] * v[i];
        }
        s
    }

    #[differentiable]
    fn owned_buffer(x: f64) -> f64 {
        let mut buf = vec![0.0; 2];
        buf[0] = x;
        buf[1] = x * x;
        vsum(buf)
    }

    #[differentiable]
    fn owned_param(v: Vec<f64>) -> f64 {
        vsum(v)
    }

    #[test]
    fn vec_argument_by_value() {
        // x² + x⁴: 2x + 4x³.
        assert_eq!(owned_buffer_grad(1.5), 16.5);
        assert_eq!(owned_buffer_vjp(1.5, 1.0).1, 16.5);
        assert_eq!(owned_param_grad(vec![1.0, 2.0]), vec![2.0, 4.0]);
    }
}

// A non-float argument written as a reference: the value is kept, the callee gets a reference.
mod reference_integer_argument {
    use super::{pick, pick_derivative};
    use autodiff::prelude::*;

    #[differentiable]
    fn by_ref_param(w: &[f64], idx: &[usize]) -> f64 {
        pick(w, &idx)
    }

    #[differentiable]
    fn by_ref_local(w: &[f64], n: usize) -> f64 {
        let idx = vec![0usize, n % w.len()];
        pick(w, &idx)
    }

    #[test]
    fn reference_arguments() {
        assert_eq!(
            by_ref_param_grad(&[1.0, 2.0, 3.0], &[0, 2]),
            vec![8.0, 0.0, 8.0]
        );
        assert_eq!(by_ref_local_grad(&[1.0, 2.0, 3.0], 2), vec![8.0, 0.0, 8.0]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn call_by_plain_name(x in -3.0f64..3.0, y in -2.0f64..2.0) {
        let g = plain_grad(x, y);
        assert_close(g.0, 2.0 * x * y, 1e-12);
        assert_close(g.1, x * x + 2.0 * y * (y * y).cos(), 1e-12);
        fd2(plain, x, y, g);
    }

    #[test]
    fn call_by_crate_path_into_nested_module(x in -2.0f64..2.0, w in vec_in(-1.0..1.0)) {
        let (gx, gw): (f64, Vec<f64>) = crate_path_grad(x, &w);
        let s: f64 = w.iter().sum();
        let t = (x * s).tanh();
        assert_close(gx, (1.0 - t * t) * s * x + t + x.exp(), 1e-12);
        let expected: Vec<f64> = w.iter().map(|_| (1.0 - t * t) * x * x).collect();
        assert_all_close(&gw, &expected, 1e-12);
        fd(|v| crate_path(v[0], &v[1..]), &concat(&[&[x], &w]), &concat(&[&[gx], &gw]));
    }

    #[test]
    fn call_by_super_path(x in -3.0f64..3.0) {
        let expected = 2.0 * x.cos() * x + 2.0 * x.sin() + x.exp();
        let g = both_modes(model::layers::deeper::via_super_grad(x), model::layers::deeper::via_super_vjp(x, 1.0));
        assert_close(g, expected, 1e-12);
        fd1(model::layers::deeper::via_super, x, g);
        // And the function that uses `super::` called in turn, by a relative path.
        let g = both_modes(super_caller_grad(x), super_caller_vjp(x, 1.0));
        assert_close(g, 0.5 * expected, 1e-12);
        fd1(super_caller, x, g);
    }

    #[test]
    fn call_through_use_import(x in -1.5f64..1.5) {
        let u = x * x * x - x;
        let expected = u.cos() * (3.0 * x * x - 1.0);
        let g = both_modes(glob_user::through_glob_grad(x), glob_user::through_glob_vjp(x, 1.0));
        assert_close(g, expected, 1e-12);
        fd1(glob_user::through_glob, x, g);
        let g = both_modes(named_user::through_named_with_derivative_grad(x), named_user::through_named_with_derivative_vjp(x, 1.0));
        assert_close(g, expected, 1e-12);
        fd1(named_user::through_named_with_derivative, x, g);
    }

    #[test]
    fn calls_in_for_loop_with_index_argument(x in -1.2f64..1.2, n in 0usize..7) {
        let g = both_modes(loop_calls_grad(x, n), loop_calls_vjp(x, n, 1.0));
        // Forward mode by hand, as a reference.
        let (mut s, mut ds) = (0.0f64, 0.0f64);
        for i in 0..n {
            s += x.powi(i as i32) / (i as f64 + 1.0);
            ds += dterm(x, i);
            let k = i + 1;
            let (s2, ds2) = (0.5 * s + s.powi(k as i32) / (k as f64 + 1.0), 0.5 * ds + dterm(s, k) * ds);
            s = s2;
            ds = ds2;
        }
        assert_close(loop_calls(x, n), s, 1e-12);
        assert_close(g, ds, 1e-12);
        fd1(|x| loop_calls(x, n), x, g);
    }

    #[test]
    fn calls_in_while_loop(x in 0.1f64..50.0) {
        let g = both_modes(while_calls_grad(x), while_calls_vjp(x, 1.0));
        let (mut v, mut m) = (x, 0usize);
        while v > 1.5 { v = v.sqrt(); m += 1; }
        let e = 0.5f64.powi(m as i32);
        // v = x^e, result v·xᵐ/(m+1).
        let expected = (e * x.powf(e - 1.0) * x.powi(m as i32) + v * dterm(x, m) * (m as f64 + 1.0)) / (m as f64 + 1.0);
        assert_close(g, expected, 1e-11);
        prop_assume!((v - 1.5).abs() > 1e-3 && (v * v - 1.5).abs() > 1e-3);
        fd1(while_calls, x, g);
    }

    #[test]
    fn calls_in_if_branches(x in -3.0f64..3.0, y in -3.0f64..3.0) {
        prop_assume!((x * x - y).abs() > 1e-3 && x.abs() > 1e-3);
        let g = branchy_grad(x, y);
        let expected = if x * x > y {
            (2.0 * (x - y), -2.0 * (x - y))
        } else if x < 0.0 {
            (x.exp() * y, x.exp())
        } else {
            (1.0, 2.0 * y)
        };
        assert_close(g.0, expected.0, 1e-12);
        assert_close(g.1, expected.1, 1e-12);
        fd2(branchy, x, y, g);
    }

    #[test]
    fn calls_in_if_expression_and_match(x in -2.0f64..2.0, k in 0u8..3) {
        prop_assume!(x.abs() > 1e-3);
        let g = both_modes(branch_expression_grad(x, k), branch_expression_vjp(x, k, 1.0));
        let (m, dm) = if x > 0.0 { (x * x, 2.0 * x) } else { (x * x * x - x, 3.0 * x * x - 1.0) };
        let expected = match k {
            0 => dm * level_c(x) + m * dc(x),
            1 => 0.75 * m * m * dm,
            _ => dm,
        };
        assert_close(g, expected, 1e-12);
        fd1(|x| branch_expression(x, k), x, g);
    }

    #[test]
    fn nested_three_deep_each_level(x in -1.5f64..1.5, y in -1.5f64..1.5) {
        // c
        let gc = both_modes(level_c_grad(x), level_c_vjp(x, 1.0));
        assert_close(gc, dc(x), 1e-12);
        fd1(level_c, x, gc);
        // b calls c
        let gb = level_b_grad(x, y);
        assert_close(gb.0, dc(x * y) * y, 1e-12);
        assert_close(gb.1, dc(x * y) * x + 1.0, 1e-12);
        fd2(level_b, x, y, gb);
        // a calls b calls c
        let ga = both_modes(level_a_grad(x), level_a_vjp(x, 1.0));
        let ex = x.exp();
        let (bx, by) = (dc(x * ex) * ex, dc(x * ex) * x + 1.0);
        let expected = (bx + by * ex) * x + level_b(x, ex);
        assert_close(ga, expected, 1e-12);
        fd1(level_a, x, ga);
    }

    #[test]
    fn same_callee_twice_and_expression_argument(x in -2.0f64..2.0, y in -2.0f64..2.0) {
        let g = both_modes(same_twice_grad(x), same_twice_vjp(x, 1.0));
        assert_close(g, 2.0 * level_c(x) * dc(x), 1e-12);
        fd1(same_twice, x, g);
        let g = expression_argument_grad(x, y);
        let u = x * y + 1.0;
        assert_close(g.0, dc(u) * y, 1e-12);
        assert_close(g.1, dc(u) * x, 1e-12);
        fd2(expression_argument, x, y, g);
    }

    #[test]
    fn call_as_argument_of_call(x in -2.0f64..2.0) {
        let g = both_modes(nested_argument_grad(x), nested_argument_vjp(x, 1.0));
        assert_close(g, 2.0 * level_c(x) * dc(x) + dc(x * x) * 2.0 * x, 1e-12);
        fd1(nested_argument, x, g);
    }

    #[test]
    fn one_value_passed_for_two_parameters(x in -3.0f64..3.0, w in vec_in(-2.0..2.0)) {
        let g = both_modes(scalar_passed_twice_grad(x), scalar_passed_twice_vjp(x, 1.0));
        assert_close(g, x.sin() + x * x.cos(), 1e-12);
        fd1(scalar_passed_twice, x, g);
        let gw: Vec<f64> = slice_passed_twice_grad(&w);
        let expected: Vec<f64> = w.iter().map(|v| 2.0 * v).collect();
        assert_all_close(&gw, &expected, 1e-12);
        fd(slice_passed_twice, &w, &gw);
    }

    #[test]
    fn integer_argument_mutated_after_call_in_loop(x in -1.2f64..1.2) {
        let g = both_modes(counter_mutated_after_call_grad(x), counter_mutated_after_call_vjp(x, 1.0));
        let (mut s, mut ds) = (x, 1.0f64);
        for k in 1..4usize {
            let (s2, ds2) = (s.powi(k as i32) / (k as f64 + 1.0) + x, dterm(s, k) * ds + 1.0);
            s = s2;
            ds = ds2;
        }
        assert_close(counter_mutated_after_call(x), s, 1e-12);
        assert_close(g, ds, 1e-12);
        fd1(counter_mutated_after_call, x, g);
    }

    #[test]
    fn argument_variable_reassigned_after_call(x in -2.0f64..2.0) {
        let g = both_modes(argument_reassigned_grad(x), argument_reassigned_vjp(x, 1.0));
        // x² · c(3x)
        assert_close(g, 2.0 * x * level_c(3.0 * x) + x * x * dc(3.0 * x) * 3.0, 1e-12);
        fd1(argument_reassigned, x, g);
    }

    #[test]
    fn slice_arguments(w in vec_in(-2.0..2.0), v in vec_in(-2.0..2.0), y in -2.0f64..2.0) {
        let (gw, gv, gy): (Vec<f64>, Vec<f64>, f64) = slice_args_grad(&w, v.clone(), y);
        let ew: Vec<f64> = w.iter().map(|a| 2.0 * a * y).collect();
        let ev: Vec<f64> = v.iter().map(|a| 2.0 * a).collect();
        assert_all_close(&gw, &ew, 1e-12);
        assert_all_close(&gv, &ev, 1e-12);
        assert_close(gy, w.iter().map(|a| a * a).sum(), 1e-12);
        let (nw, nv) = (w.len(), v.len());
        fd(
            |p| slice_args(&p[..nw], p[nw..nw + nv].to_vec(), p[nw + nv]),
            &concat(&[&w, &v, &[y]]),
            &concat(&[&gw, &gv, &[gy]]),
        );
    }

    #[test]
    fn slice_argument_by_reference_to_slice(w in vec_in(0.5..2.0)) {
        let g: Vec<f64> = slice_ref_of_slice_grad(&w);
        let norm = w.iter().map(|a| a * a).sum::<f64>().sqrt();
        let expected: Vec<f64> = w.iter().map(|a| a / norm).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(slice_ref_of_slice, &w, &g);
    }

    #[test]
    fn row_arguments(
        xs in prop::collection::vec(prop::array::uniform3(-1.0f64..1.0), 1..6),
        w in prop::collection::vec(-1.0f64..1.0, 3),
    ) {
        let (gxs, gw): (Vec<[f64; 3]>, Vec<f64>) = rows_grad(&xs, &w);
        let mut egw = vec![0.0; 3];
        let mut egxs = vec![[0.0; 3]; xs.len()];
        for (i, row) in xs.iter().enumerate() {
            let t = (row[0] * w[0] + row[1] * w[1] + row[2] * w[2]).tanh();
            for j in 0..3 {
                egw[j] += (1.0 - t * t) * row[j];
                egxs[i][j] = (1.0 - t * t) * w[j];
            }
        }
        assert_all_close(&gw, &egw, 1e-12);
        assert_all_close(gxs.as_flattened(), egxs.as_flattened(), 1e-12);
        let n = xs.len();
        fd(
            |p| {
                let r: Vec<[f64; 3]> = (0..n).map(|i| [p[3 * i], p[3 * i + 1], p[3 * i + 2]]).collect();
                rows(&r, &p[3 * n..])
            },
            &concat(&[xs.as_flattened(), &w]),
            &concat(&[gxs.as_flattened(), &gw]),
        );
    }

    #[test]
    fn vec_row_arguments(m in prop::collection::vec(vec_in(-2.0..2.0), 1..5)) {
        let g: Vec<Vec<f64>> = vec_rows_grad(&m);
        for (i, row) in m.iter().enumerate() {
            let expected: Vec<f64> = row.iter().map(|a| 2.0 * a * (i as f64 + 1.0)).collect();
            assert_all_close(&g[i], &expected, 1e-12);
        }
        let lens: Vec<usize> = m.iter().map(|r| r.len()).collect();
        let flat: Vec<f64> = m.iter().flatten().copied().collect();
        let gflat: Vec<f64> = g.iter().flatten().copied().collect();
        fd(
            |p| {
                let mut rows = Vec::new();
                let mut at = 0;
                for &l in &lens {
                    rows.push(p[at..at + l].to_vec());
                    at += l;
                }
                vec_rows(&rows)
            },
            &flat,
            &gflat,
        );
    }

    #[test]
    fn local_matrix_row_argument(x in -2.0f64..2.0, y in -2.0f64..2.0) {
        let g = local_matrix_row_grad(x, y);
        // (x²y² + 1)(x² + y²)
        let (p, q) = (x * x * y * y + 1.0, x * x + y * y);
        assert_close(g.0, 2.0 * x * y * y * q + p * 2.0 * x, 1e-12);
        assert_close(g.1, 2.0 * x * x * y * q + p * 2.0 * y, 1e-12);
        fd2(local_matrix_row, x, y, g);
    }

    #[test]
    fn f32_slice_callee(w in vec_in(-2.0..2.0), y in -2.0f64..2.0) {
        let w32: Vec<f32> = w.iter().map(|&a| a as f32).collect();
        let (gw, gy): (Vec<f32>, f32) = f32_slice_caller_grad(&w32, y as f32);
        // The f64 caller of the f64 callee, and the gradient by hand: 2wy and Σw².
        let (gw64, _, gy64): (Vec<f64>, Vec<f64>, f64) = slice_args_grad(&w, Vec::new(), y);
        let by_hand: Vec<f64> = w.iter().map(|a| 2.0 * a * y).collect();
        assert_all_close(&gw64, &by_hand, 1e-12);
        let gw: Vec<f64> = gw.iter().map(|&a| a as f64).collect();
        assert_all_close(&gw, &gw64, 1e-5);
        assert_close(gy as f64, gy64, 1e-5);
    }

    #[test]
    fn local_buffer_argument(x in vec_in(-3.0..3.0)) {
        let g: Vec<f64> = local_buffer_grad(&x);
        let expected: Vec<f64> = x.iter().map(|a| 2.0 * a.sin() * a.cos() + a.cos() * a + a.sin()).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(local_buffer, &x, &g);
    }

    #[test]
    fn array_buffer_by_value(x in -2.0f64..2.0, y in -2.0f64..2.0) {
        let g = array_buffer_grad(x, y);
        assert_close(g.0, 3.0 * x * x * y, 1e-12);
        assert_close(g.1, x * x * x, 1e-12);
        fd2(array_buffer, x, y, g);
    }

    #[test]
    fn buffer_overwritten_between_calls(x in -2.0f64..2.0, y in -2.0f64..2.0) {
        let g = buffer_overwritten_grad(x, y);
        let a = x * x + y * y;
        let b = y * y * (x * x + 1.0);
        assert_close(g.0, 2.0 * x * b + a * 2.0 * x * y * y, 1e-12);
        assert_close(g.1, 2.0 * y * b + a * 2.0 * y * (x * x + 1.0), 1e-12);
        fd2(buffer_overwritten, x, y, g);
    }

    #[test]
    fn call_results_written_to_buffer(x in vec_in(-2.0..2.0)) {
        let g: Vec<f64> = results_into_buffer_grad(&x);
        let expected: Vec<f64> = x.iter().map(|&a| 2.0 * level_c(a) * dc(a)).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(results_into_buffer, &x, &g);
    }

    #[test]
    fn constant_arguments(x in -3.0f64..3.0) {
        let g = both_modes(constant_args_grad(x), constant_args_vjp(x, 1.0));
        assert_close(g, 4.0 + 2.0f64.sin() + 3.0 * x.cos(), 1e-12);
        fd1(constant_args, x, g);
    }

    #[test]
    fn wrt_callee_still_differentiates_excluded_float(x in -2.0f64..2.0, w in vec_in(-2.0..2.0), n in 0usize..10) {
        let (gx, gw): (f64, Vec<f64>) = wrt_slice_caller_grad(x, &w, n);
        let j = n % w.len();
        assert_close(gx, 2.0 * x * w[j] * w[0], 1e-12);
        let mut ew = vec![0.0; w.len()];
        ew[j] += x * x * w[0];
        ew[0] += x * x * w[j];
        assert_all_close(&gw, &ew, 1e-12);
        fd(|p| wrt_slice_caller(p[0], &p[1..], n), &concat(&[&[x], &w]), &concat(&[&[gx], &gw]));

        let g = both_modes(wrt_scalar_caller_grad(x), wrt_scalar_caller_vjp(x, 1.0));
        // sin x · e^{2x}: the excluded `x` parameter of `only_y` contributes cos x · e^{2x}.
        let expected = x.cos() * (2.0 * x).exp() + 2.0 * x.sin() * (2.0 * x).exp();
        assert_close(g, expected, 1e-12);
        fd1(wrt_scalar_caller, x, g);
    }

    #[test]
    fn generic_callee_from_f64_and_f32(x in -2.0f64..2.0) {
        let expected = 3.0 * x * x + 2.0 * x.sin() * x.cos();
        let g64 = both_modes(gen_caller64_grad(x), gen_caller64_vjp(x, 1.0));
        assert_close(g64, expected, 1e-12);
        fd1(gen_caller64, x, g64);
        let g32 = both_modes_f32(gen_caller32_grad(x as f32), gen_caller32_vjp(x as f32, 1.0));
        assert_close(g32 as f64, g64, 1e-5);
        let g = both_modes(gen_caller_grad::<f64>(x), gen_caller_vjp::<f64>(x, 1.0));
        assert_close(g, expected, 1e-12);
        let g = both_modes_f32(gen_caller_grad(x as f32), gen_caller_vjp(x as f32, 1.0));
        assert_close(g as f64, g64, 1e-5);
        assert_close(gen_caller32(x as f32) as f64, gen_caller64(x), 1e-5);
    }

    #[test]
    fn recursive_callee(x in -2.0f64..2.0, n in 0u32..6) {
        let g = both_modes(power_rec_grad(x, n), power_rec_vjp(x, n, 1.0));
        let expected = if n == 0 { 0.0 } else { n as f64 * x.powi(n as i32 - 1) };
        assert_close(g, expected, 1e-12);
        fd1(|x| power_rec(x, n), x, g);
    }

    #[test]
    fn call_before_early_return(x in -2.0f64..2.0) {
        let g = both_modes(early_return_call_grad(x), early_return_call_vjp(x, 1.0));
        let hit = (0..5).find(|&i| x.powi(i as i32) / (i as f64 + 1.0) > 2.0);
        let expected = match hit {
            Some(i) => 2.0 * (x.powi(i as i32) / (i as f64 + 1.0)) * dterm(x, i) + 1.0,
            None => dc(x),
        };
        assert_close(g, expected, 1e-12);
        prop_assume!((0..5usize).all(|i| (x.powi(i as i32) / (i as f64 + 1.0) - 2.0).abs() > 1e-3));
        fd1(early_return_call, x, g);
    }

    #[test]
    fn argument_overwritten_by_the_call_result(x in -1.2f64..1.2) {
        let g = both_modes(self_overwrite_grad(x), self_overwrite_vjp(x, 1.0));
        assert_close(g, 8.0 * x.powi(7), 1e-12);
        fd1(self_overwrite, x, g);
    }

    #[test]
    fn call_in_while_condition(x in 0.1f64..20.0) {
        let g = both_modes(while_condition_call_grad(x), while_condition_call_vjp(x, 1.0));
        // v = x/2ᵐ with m the halvings: d/dx (x²/2ᵐ) = 2x/2ᵐ.
        let (mut v, mut m) = (x, 0);
        while v * v > 2.0 { v *= 0.5; m += 1; }
        assert_close(g, 2.0 * x * 0.5f64.powi(m), 1e-12);
        prop_assume!((v * v - 2.0).abs() > 1e-3 && (4.0 * v * v - 2.0).abs() > 1e-3);
        fd1(while_condition_call, x, g);
    }

    #[test]
    fn array_parameter_passed_as_slice(a in prop::array::uniform3(-2.0f64..2.0)) {
        let g: [f64; 3] = array_param_to_slice_grad(a);
        assert_all_close(&g, &[2.0 * a[0], 2.0 * a[1], 2.0 * a[2]], 1e-12);
        fd(|v| array_param_to_slice([v[0], v[1], v[2]]), &a, &g);
    }

    #[test]
    fn tuple_fields_as_arguments(x in -2.0f64..2.0, y in -2.0f64..2.0) {
        let g = tuple_field_args_grad(x, y);
        assert_close(g.0, 2.0 * x * y * y + 2.0 * (x - y), 1e-12);
        assert_close(g.1, 2.0 * x * y * x - 2.0 * (x - y), 1e-12);
        fd2(tuple_field_args, x, y, g);
    }

    #[test]
    fn integer_expressions_as_arguments(x in -1.5f64..1.5, w in vec_in(-2.0..2.0), n in 0usize..6) {
        let (gx, gw): (f64, Vec<f64>) = integer_expression_args_grad(x, &w, n);
        let j = w.len() - 1;
        // scaled(x, w, j) = x·w_j·w_0; the loop adds Σᵢ term(x, i+1) + term(x, n-i).
        let dloop: f64 = (0..n).map(|i| dterm(x, i + 1) + dterm(x, n - i)).sum();
        assert_close(gx, w[j] * w[0] + dloop, 1e-12);
        let mut ew = vec![0.0; w.len()];
        ew[j] += x * w[0];
        ew[0] += x * w[j];
        assert_all_close(&gw, &ew, 1e-12);
        fd(|p| integer_expression_args(p[0], &p[1..], n), &concat(&[&[x], &w]), &concat(&[&[gx], &gw]));
    }

    #[test]
    fn inactive_argument_of_wrt_caller(x in -2.0f64..2.0, y in -2.0f64..2.0) {
        let g: f64 = both_modes(wrt_caller_inactive_arg_grad(x, y), wrt_caller_inactive_arg_vjp(x, y, 1.0));
        assert_close(g, y * x.cos(), 1e-12);
        fd1(|x| wrt_caller_inactive_arg(x, y), x, g);
    }

    #[test]
    fn rows_from_enumerate_as_arguments(
        xs in prop::collection::vec(prop::array::uniform3(-1.0f64..1.0), 1..6),
        w in prop::collection::vec(-1.0f64..1.0, 3),
    ) {
        let (gxs, gw): (Vec<[f64; 3]>, Vec<f64>) = enumerate_rows_grad(&xs, &w);
        let mut egw = vec![0.0; 3];
        for (i, row) in xs.iter().enumerate() {
            let k = i as f64 + 1.0;
            for j in 0..3 {
                egw[j] += k * row[j];
            }
            assert_all_close(&gxs[i], &[k * w[0], k * w[1], k * w[2]], 1e-12);
        }
        assert_all_close(&gw, &egw, 1e-12);
        let n = xs.len();
        fd(
            |p| {
                let r: Vec<[f64; 3]> = (0..n).map(|i| [p[3 * i], p[3 * i + 1], p[3 * i + 2]]).collect();
                enumerate_rows(&r, &p[3 * n..])
            },
            &concat(&[xs.as_flattened(), &w]),
            &concat(&[gxs.as_flattened(), &gw]),
        );
    }

    #[test]
    fn loop_elements_as_arguments(w in vec_in(-2.0..2.0)) {
        let g: Vec<f64> = element_loops_grad(&w);
        let expected: Vec<f64> = w.iter().map(|&a| dc(a) + 2.0 * a).collect();
        assert_all_close(&g, &expected, 1e-12);
        fd(element_loops, &w, &g);
    }

    #[test]
    fn integer_slice_parameter_passed_through(w in vec_in(0.5..2.0), picks in prop::collection::vec(0usize..100, 1..5)) {
        let idx: Vec<usize> = picks.iter().map(|p| p % w.len()).collect();
        let g: Vec<f64> = pick_caller_grad(&w, &idx);
        // sqrt((Σ w[idx])²) = Σ w[idx] (positive): each pick adds 1.
        let mut expected = vec![0.0; w.len()];
        for &k in &idx {
            expected[k] += 1.0;
        }
        assert_all_close(&g, &expected, 1e-12);
        fd(|v| pick_caller(v, &idx), &w, &g);
    }

    #[test]
    fn callee_parameters_named_like_generated_ones(x in -2.0f64..2.0) {
        let g = both_modes(seedy_caller_grad(x), seedy_caller_vjp(x, 1.0));
        assert_close(g, (2.0 * x).sin() + 2.0 * x * (2.0 * x).cos(), 1e-12);
        fd1(seedy_caller, x, g);
    }
}

#[test]
fn stop_gradient_argument_gets_no_gradient() {
    // d/dx [x · sq(stop(x)) + stop(x)·sin x] = x² + x cos x; ignoring stop_gradient gives
    // 3x² + sin x + x cos x.
    for x in [-1.3, 0.4, 1.7, 2.5] {
        // Forward mode (`_grad`, of one float) and reverse mode (`_vjp` with seed 1).
        for g in [stopped_args_grad(x), stopped_args_vjp(x, 1.0).1] {
            assert_close(g, x * x + x * x.cos(), 1e-14);
            assert!((g - (3.0 * x * x + x.sin() + x * x.cos())).abs() > 0.1);
        }
        assert_close(stopped_args(x), x * x * x + x * x.sin(), 1e-15);
    }
}

#[test]
fn exact_values_by_hand() {
    // plain(3, 0.5) = 9·0.5 + sin 0.25: ∂x = 2·3·0.5 = 3, ∂y = 9 + 2·0.5·cos 0.25.
    let g = plain_grad(3.0, 0.5);
    assert_eq!(g.0, 3.0);
    assert_close(g.1, 9.0 + 0.25f64.cos(), 1e-15);
    // sq(x)·x at 2: 3·4 + 2 sin 2 cos 2, in both precisions, and in forward mode (`_grad`, of
    // one float) and reverse mode (`_vjp` with seed 1).
    assert_close(gen_caller64_grad(2.0), 12.0 + 4.0f64.sin(), 1e-15);
    assert_close(gen_caller64_vjp(2.0, 1.0).1, 12.0 + 4.0f64.sin(), 1e-15);
    assert!((gen_caller32_grad(2.0f32) - (12.0 + 4.0f32.sin())).abs() < 1e-5);
    assert!((gen_caller32_vjp(2.0f32, 1.0).1 - (12.0 + 4.0f32.sin())).abs() < 1e-5);
    // term(x, 3) = x³/4: at 2, 3·4/4 = 3. Three deep at 0: a'(0) = b(0, 1) = c(0) + 1 = 1.
    assert_eq!(term_grad(2.0, 3), 3.0);
    assert_eq!(term_vjp(2.0, 3, 1.0).1, 3.0);
    assert_eq!(level_a_grad(0.0), 1.0);
    assert_eq!(level_a_vjp(0.0, 1.0).1, 1.0);
}

#[test]
fn grad_into_of_a_caller_accumulates() {
    let (x, w) = (0.7, [0.3, -0.2, 0.5]);
    let (gx, gw) = crate_path_grad(x, &w);
    let (mut dx, mut dw) = (1.0, vec![10.0, 20.0, 30.0]);
    for k in 1..=3 {
        let value = crate_path_grad_into(x, &w, &mut dx, &mut dw);
        assert_eq!(value, crate_path(x, &w));
        let k = k as f64;
        assert_close(dx, 1.0 + k * gx, 1e-14);
        assert_all_close(
            &dw,
            &[10.0 + k * gw[0], 20.0 + k * gw[1], 30.0 + k * gw[2]],
            1e-14,
        );
    }
    // A caller of slices: both destinations add.
    let (w, v) = ([1.0, -2.0], [0.5, 0.25, 3.0]);
    let (mut dw, mut dv, mut dy) = ([1.0; 2], [1.0; 3], 1.0);
    slice_args_grad_into(&w, v.to_vec(), 2.0, &mut dw, &mut dv, &mut dy);
    slice_args_grad_into(&w, v.to_vec(), 2.0, &mut dw, &mut dv, &mut dy);
    assert_eq!(dw, [1.0 + 2.0 * 4.0, 1.0 - 2.0 * 8.0]);
    assert_eq!(dv, [1.0 + 2.0, 1.0 + 1.0, 1.0 + 12.0]);
    assert_eq!(dy, 1.0 + 2.0 * 5.0);
}

#[test]
fn vjp_of_a_caller_scales_by_the_seed() {
    for x in [-1.1, 0.3, 0.9] {
        let (v, g) = both_modes_vg(level_a_value_and_grad(x), level_a_vjp(x, 1.0));
        let (v3, g3) = level_a_vjp(x, 3.0);
        assert_eq!(v3, v);
        assert_eq!(v, level_a(x));
        assert_close(g3, 3.0 * g, 1e-14);
        let (v0, g0) = level_a_vjp(x, 0.0);
        assert_eq!(v0, v);
        assert_eq!(g0, 0.0);
    }
    let w = [0.3, -0.2, 0.5];
    let (gx, gw) = crate_path_grad(0.7, &w);
    let (_, (sx, sw)) = crate_path_vjp(0.7, &w, -2.5);
    assert_close(sx, -2.5 * gx, 1e-14);
    assert_all_close(&sw, &gw.iter().map(|g| -2.5 * g).collect::<Vec<_>>(), 1e-14);
    // vjp_into of a caller adds seed times the gradient.
    let mut d = 1.0;
    let value = level_a_vjp_into(0.9, 2.0, &mut d);
    assert_eq!(value, level_a(0.9));
    assert_close(
        d,
        1.0 + 2.0 * both_modes(level_a_grad(0.9), level_a_vjp(0.9, 1.0)),
        1e-14,
    );
}

// --- data arguments that change in a loop: a sub-slice of a local array, a local `Vec` ------

/// Σ over the selected indices of wᵢ·x, the indices a data argument.
#[differentiable(wrt(w, x))]
fn weighted_at(w: &[f64], x: f64, at: &[usize]) -> f64 {
    let mut s = 0.0;
    for &i in at {
        s += w[i] * x;
    }
    s
}

/// Σₖ (Σ_{i<k} wᵢ)·x·x over k = 1..n, the prefix passed as `&idx[..k]` of a stack array
/// and as `&seen` of a `Vec` local, both rewritten in the loop (each call's pullback must see
/// the indices of its own iteration, not the last ones).
#[differentiable(wrt(w, x))]
fn prefixes(w: &[f64], x: f64) -> f64 {
    let n = w.len();
    let mut idx = [0usize; 8];
    let mut seen: Vec<usize> = Vec::new();
    let mut s = 0.0;
    for k in 1..=n {
        idx[k - 1] = k - 1;
        seen.push(k - 1);
        s += weighted_at(w, x, &idx[..k]) * x;
        s += weighted_at(w, x, &seen);
    }
    s + seen.len() as f64
}

#[test]
fn sub_slices_and_vec_locals_passed_by_reference() {
    // f = Σₖ Pₖ (x² + x), with Pₖ = Σ_{i<k} wᵢ, plus n: for w = (1, 2, 3), Σₖ Pₖ = 1 + 3 + 6
    // = 10, so f = 10 (x² + x) + 3; ∂f/∂x = 10 (2x + 1); ∂f/∂wᵢ = (n − i)(x² + x).
    let w = [1.0, 2.0, 3.0];
    let x = 1.5;
    let (dw, dx) = prefixes_grad(&w, x);
    assert_eq!(prefixes(&w, x), 10.0 * (x * x + x) + 3.0);
    assert_eq!(dx, 10.0 * (2.0 * x + 1.0));
    let q = x * x + x;
    assert_eq!(dw, vec![3.0 * q, 2.0 * q, q]);
    let flat = concat(&[&w, &[x]]);
    let grad = concat(&[&dw, &[dx]]);
    let report = check_grad(|p: &[f64]| prefixes(&p[..3], p[3]), &flat, &grad);
    assert!(report.max_rel_error < 1e-8, "{report:?}");
}
