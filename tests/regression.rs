//! Regressions found by the differential tester (`difftest`), each as the smallest program
//! that showed it.

use autodiff::prelude::*;

mod common;
use common::fd2;

/// Found by `cargo run -p difftest --release -- --programs 200 --seed 1` (program p45): an
/// active variable overwritten by a constant kept its adjoint, so the gradient of its earlier
/// value leaked through the constant. The reverse of `v = c` now clears `v̄`.
mod constant_overwrite_clears_the_adjoint {
    use super::*;

    #[differentiable]
    pub fn overwritten(x: f64, y: f64) -> f64 {
        let mut v = x * y;
        if y > x {
            v = T_CONST;
        }
        v + y
    }

    const T_CONST: f64 = 0.353;

    #[test]
    fn both_branches() {
        // y > x: v = 0.353, f = 0.353 + y, ∇f = (0, 1).
        assert_eq!(overwritten_grad(1.0, 2.0), (0.0, 1.0));
        // y ≤ x: f = xy + y, ∇f = (y, x + 1).
        assert_eq!(overwritten_grad(2.0, 1.0), (1.0, 3.0));
        fd2(overwritten, 1.0, 2.0, overwritten_grad(1.0, 2.0));
        fd2(overwritten, 2.0, 1.0, overwritten_grad(2.0, 1.0));
    }
}

/// Found by difftest's buffer programs (seed 6, p127): the forward rule of `norm` at a zero
/// vector gave 0/0 = NaN where the reverse rule gives 0, and `_grad` of a function of one
/// float runs forward mode. The tangent of `norm` now takes the reverse rule's value there.
mod norm_of_zeros_in_forward_mode {
    use super::*;

    #[differentiable]
    pub fn guarded<T: Float>(x: T) -> T {
        let mut b = vec![T::zero(); 2];
        if x > T::from(10.0).unwrap() {
            b[0] = x;
        }
        norm(&b) + x
    }

    #[test]
    fn zero_vector_and_not() {
        // b = 0 for x ≤ 10: f = x, f' = 1. For x > 10: f = |x| + x, f' = 2.
        for (x, expected) in [(1.0, 1.0), (-3.0, 1.0), (12.0, 2.0)] {
            assert_eq!(guarded_grad(x), expected);
            assert_eq!(guarded_vjp(x, 1.0).1, expected);
            assert_eq!(guarded_jvp(x, 1.0).1, expected);
            common::fd1(guarded::<f64>, x, guarded_grad(x));
        }
    }
}

/// Found by difftest's `wrt` programs: an element of an array left out by `wrt` (or of data)
/// copied into a value that carries a derivative made the reverse sweep add into an adjoint
/// array it never declares (a compile error in `_grad`, and in `_hvp` for the tangent's).
mod element_of_an_inactive_array {
    use super::*;

    // The pattern difftest generated: `y` starts as `x` and is overwritten.
    #[allow(unused_assignments)]
    #[differentiable(wrt(x))]
    pub fn overwritten_by_data(x: f64, w: &[f64]) -> f64 {
        let mut y = x;
        y = w[0];
        y * x
    }

    #[differentiable(wrt(x1, w))]
    pub fn hvp_of_copy(x0: f64, x1: f64, w: &[f64]) -> f64 {
        let mut y = x1 * w[1] * x0;
        y = w[0] * y.min(w[0]);
        y
    }

    #[test]
    fn gradients() {
        // y = w₀: f = w₀x, f' = w₀.
        assert_eq!(overwritten_by_data_grad(2.0, &[3.0]), 3.0);
        assert_eq!(overwritten_by_data_vjp(2.0, &[3.0], 1.0).1, 3.0);
        common::fd1(|x| overwritten_by_data(x, &[3.0]), 2.0, 3.0);
        // x0 = 1, x1 = 2, w = (3, 4): y₀ = 8 > w₀, so f = w₀·w₀ = 9: ∂/∂x1 = 0, ∂/∂w = (6, 0).
        let (g1, gw) = hvp_of_copy_grad(1.0, 2.0, &[3.0, 4.0]);
        assert_eq!((g1, gw.clone()), (0.0, vec![6.0, 0.0]));
        let (h1, hw) = hvp_of_copy_hvp(1.0, 2.0, &[3.0, 4.0], 1.0, &[1.0, 0.0]);
        // H·(1, (1, 0)): ∂²f/∂w₀² = 2, everything else 0.
        assert_eq!((h1, hw), (0.0, vec![2.0, 0.0]));
        common::fd(
            |v| hvp_of_copy(1.0, v[0], &v[1..]),
            &[2.0, 3.0, 4.0],
            &[g1, gw[0], gw[1]],
        );
    }
}

/// Found by difftest's `wrt` programs: `_jvp` of a function passing a slice parameter it does
/// not differentiate to a differentiable callee passed the slice's zero tangent as a `Vec`
/// where the callee's tangent takes `&[T]` (and, for a generic `T`, through `ZeroGrad`, which
/// generic floats do not implement).
mod zero_tangent_of_a_borrowed_slice {
    use super::*;

    #[differentiable]
    pub fn inner<T: Float>(x: T, w: &[T]) -> T {
        x * w[0]
    }

    #[differentiable(wrt(x0))]
    pub fn outer<T: Float>(x0: T, x1: T, w: &[T]) -> T {
        inner(x0 * x1, w)
    }

    #[test]
    fn jvp_and_grad() {
        // f = x0·x1·w₀: ∂f/∂x0 = x1·w₀ = 15.
        assert_eq!(outer_jvp(2.0f64, 3.0, &[5.0], 1.0), (30.0, 15.0));
        assert_eq!(outer_grad(2.0f64, 3.0, &[5.0]), 15.0);
        assert_eq!(outer_vjp(2.0f64, 3.0, &[5.0], 1.0).1, 15.0);
        assert_eq!(outer_jvp(2.0f32, 3.0, &[5.0], 1.0), (30.0, 15.0));
        common::fd1(|x| outer(x, 3.0, &[5.0]), 2.0, 15.0);
    }
}

/// Implicit captures of renamed names and floats are now explicit named arguments.
mod inline_format_arguments {
    use super::*;
    use std::fmt::Write;

    #[differentiable]
    pub fn printed(x: f64) -> f64 {
        let y = x * 2.0;
        let y = y + 1.0;
        println!(
            "y = {y}, {y:?}, {y:.2}, {{y}} {} {y:>w$.p$}",
            y,
            w = 8,
            p = 3
        );
        let mut acc = 0.0;
        for i in 0..3 {
            let t = y * i as f64;
            let t = t * t;
            eprintln!("{i}: t = {t:.3}, acc = {acc}, y = {y:e}");
            acc += t;
        }
        let mut s = String::new();
        writeln!(s, "{acc:?} {x}").unwrap();
        assert!(y.is_finite(), "y = {y} is not finite");
        assert_ne!(s.len(), 0, "{s} {y}");
        let shown = format!("{y:.1}");
        debug_assert!(!shown.is_empty(), "{shown} {y}");
        y * acc
    }

    #[differentiable]
    pub fn explicit_name_kept(x: f64) -> f64 {
        let y = x * x;
        let y = y * x;
        // `y` is given explicitly: the format string's `{y}` is the constant, not the float.
        let text = format!("{y}", y = 7);
        assert_eq!(text, "7");
        y
    }

    #[test]
    fn gradients_are_unchanged() {
        // y = 2x + 1, acc = Σ_{i<3} (y·i)² = 5y², f = 5y³: f' = 30y² = 76.8 at x = 0.3.
        let x = 0.3;
        let y: f64 = 2.0 * x + 1.0;
        let expected = 30.0 * y * y;
        let g = printed_grad(x);
        common::assert_close(g, expected, 1e-12);
        common::assert_close(printed_vjp(x, 1.0).1, expected, 1e-12);
        common::assert_close(printed_jvp(x, 1.0).1, expected, 1e-12);
        common::assert_close(printed_hvp(x, 1.0), 120.0 * y, 1e-12);
        common::fd1(printed, x, g);
        // f = x³: f' = 3x² = 0.27 at 0.3.
        common::assert_close(explicit_name_kept_grad(x), 3.0 * x * x, 1e-12);
        common::assert_close(explicit_name_kept_vjp(x, 1.0).1, 3.0 * x * x, 1e-12);
        common::fd1(explicit_name_kept, x, 3.0 * x * x);
    }
}

/// of the float type, whose reads of floats that carry a gradient are refused.
mod constant_conversions {
    use super::*;
    use num_traits::FromPrimitive;
    use std::f64::consts::PI;

    #[differentiable]
    pub fn inner<T: Float>(x: T, c: T) -> T {
        (x * c).sin()
    }

    #[differentiable]
    pub fn outer<T: Float + FromPrimitive>(x: T) -> T {
        inner(x, T::from_f64(2.0 * PI).unwrap())
    }

    #[differentiable]
    pub fn via_from<T: Float>(x: T) -> T {
        x * T::from(2.0 * PI).unwrap()
    }

    #[differentiable]
    pub fn via_from_usize<T: Float + FromPrimitive>(x: T, n: usize) -> T {
        x * x * T::from_usize(n).expect("n fits")
    }

    #[differentiable]
    pub fn in_a_loop<T: Float>(x: T, n: usize) -> T {
        let mut acc = T::zero();
        for i in 0..n {
            acc = acc + x * T::from(i).unwrap();
        }
        acc
    }

    #[differentiable]
    pub fn other_forms(x: f64, k: i32) -> f64 {
        let a = <f64 as num_traits::NumCast>::from(k).unwrap();
        let b: f64 = num_traits::NumCast::from(3u8).unwrap();
        let c: f64 = num_traits::cast(k).unwrap();
        let d = f64::from(k);
        let e = f64::from_i32(k).unwrap();
        let p = std::f64::consts::PI + core::f64::consts::PI;
        x * (a + b + c + d + e) + x * p
    }

    #[test]
    fn outer_of_inner() {
        // f = sin(2πx): f' = 2π·cos(2πx), f'' = -(2π)²·sin(2πx).
        let x = 0.1;
        let w = 2.0 * PI;
        let g = outer_grad(x);
        common::assert_close(g, w * (w * x).cos(), 1e-12);
        common::assert_close(outer_vjp(x, 1.0).1, g, 1e-12);
        common::assert_close(outer_jvp(x, 1.0).1, g, 1e-12);
        common::assert_close(outer_hvp(x, 1.0), -w * w * (w * x).sin(), 1e-12);
        common::assert_close(outer(x), (w * x).sin(), 1e-12);
        common::fd1(outer::<f64>, x, g);
        let g32 = outer_grad(0.1f32);
        let w32 = 2.0 * std::f32::consts::PI;
        assert!((g32 - w32 * (w32 * 0.1f32).cos()).abs() < 1e-4, "{g32}");
        assert!((outer(0.1f32) - (w32 * 0.1f32).sin()).abs() < 1e-6);
    }

    #[test]
    fn conversions_are_constants() {
        let x = 0.7;
        common::assert_close(via_from_grad(x), 2.0 * PI, 1e-12);
        common::assert_close(via_from_vjp(x, 1.0).1, 2.0 * PI, 1e-12);
        common::fd1(via_from::<f64>, x, via_from_grad(x));
        assert!((via_from_grad(0.7f32) - 2.0 * std::f32::consts::PI).abs() < 1e-5);
        // f = n·x²: f' = 2nx = 5.6 at n = 4.
        common::assert_close(via_from_usize_grad(x, 4), 2.0 * 4.0 * x, 1e-12);
        common::assert_close(via_from_usize_vjp(x, 4, 1.0).1, 2.0 * 4.0 * x, 1e-12);
        common::fd1(|x| via_from_usize(x, 4), x, 5.6);
        // f = x·Σ_{i<5} i = 10x: f' = 10.
        assert_eq!(in_a_loop_grad(x, 5), 10.0);
        assert_eq!(in_a_loop_vjp(x, 5, 1.0).1, 10.0);
        assert_eq!(in_a_loop_grad(0.7f32, 5), 10.0);
        common::fd1(|x| in_a_loop(x, 5), x, 10.0);
        // f = x·(4k + 3) + 2πx: f' = 4k + 3 + 2π.
        let expected = 4.0 * 2.0 + 3.0 + 2.0 * PI;
        common::assert_close(other_forms_grad(x, 2), expected, 1e-12);
        common::assert_close(other_forms_vjp(x, 2, 1.0).1, expected, 1e-12);
        common::fd1(|x| other_forms(x, 2), x, expected);
    }
}

/// `rule`). The generated names now come from the `Namer`, which knows the user's.
mod custom_rule_parameters_named_like_its_locals {
    use super::*;

    #[differentiable(custom_vjp = cube_rule)]
    pub fn cube(value: f64) -> f64 {
        value * value * value
    }

    pub fn cube_rule(value: f64, _v: f64, seed: f64) -> f64 {
        3.0 * value * value * seed
    }

    #[differentiable(custom_vjp = scaled_rule)]
    pub fn scaled(rule: f64, tangent: f64) -> f64 {
        rule * tangent * tangent
    }

    pub fn scaled_rule(rule: f64, tangent: f64, _v: f64, seed: f64) -> (f64, f64) {
        (tangent * tangent * seed, 2.0 * rule * tangent * seed)
    }

    #[differentiable]
    pub fn caller(x: f64) -> f64 {
        cube(x) + scaled(x, 2.0 * x)
    }

    #[test]
    fn rule_sees_the_parameters() {
        // f = value³: f' = 3·value² = 12 at 2 (the bug gave 3·(value³)² = 192).
        assert_eq!(cube_grad(2.0), 12.0);
        assert_eq!(cube_vjp(2.0, 1.0), (8.0, 12.0));
        assert_eq!(cube_jvp(2.0, 1.0), (8.0, 12.0));
        common::fd1(cube, 2.0, cube_grad(2.0));
        // f = r·t²: ∇f = (t², 2rt) = (9, 12) at (2, 3).
        assert_eq!(scaled_grad(2.0, 3.0), (9.0, 12.0));
        assert_eq!(scaled_jvp(2.0, 3.0, 1.0, 1.0), (18.0, 21.0));
        fd2(scaled, 2.0, 3.0, scaled_grad(2.0, 3.0));
        // g = x³ + x·(2x)² = 5x³: g' = 15x² = 15 at 1.
        assert_eq!(caller_grad(1.0), 15.0);
        assert_eq!(caller_vjp(1.0, 1.0), (5.0, 15.0));
        common::fd1(caller, 1.0, 15.0);
    }
}

/// Found by difftest's programs with a data parameter (issue 12): a float field of a data
/// parameter passed straight to a differentiable callee, `callee(d.shift, x0)`, gave
/// generated code that did not compile. The caller cannot tell a float field from an
/// integer one, so the callee's forward rules now take one tangent slot per parameter,
/// which the caller fills with `NoTangent` for an argument it does not differentiate.
mod data_fields_passed_to_a_callee {
    use super::*;

    pub struct Data<T> {
        pub shift: T,
        pub k: usize,
    }

    #[differentiable]
    pub fn callee<T: Float>(x0: T, x1: T, k: usize) -> T {
        x0 * x1 * x1 + T::from(k).unwrap()
    }

    #[differentiable(wrt(x0))]
    pub fn caller<T: Float>(x0: T, d: &Data<T>) -> T {
        callee(d.shift, x0, d.k) + callee(x0, d.shift, d.k)
    }

    #[differentiable]
    pub fn slice_callee(w: &[f64], x: f64) -> f64 {
        w[0] * x * x
    }

    pub struct Weights {
        pub w: Vec<f64>,
    }

    #[differentiable(wrt(x))]
    pub fn slice_caller(d: &Weights, x: f64) -> f64 {
        slice_callee(&d.w, x) * x
    }

    #[test]
    fn gradients_and_second_order() {
        let d = Data { shift: 2.0, k: 3 };
        // f = s·x² + k + x·s² + k: f' = 2sx + s², f'' = 2s.
        let x = 1.5;
        let exact = 2.0 * 2.0 * x + 4.0;
        assert_eq!(caller_grad(x, &d), exact);
        common::fd1(|x| caller(x, &d), x, exact);
        assert_eq!(caller_jvp(x, &d, 2.0), (caller(x, &d), 2.0 * exact));
        assert_eq!(caller_vjp(x, &d, 1.0).1, exact);
        assert_eq!(caller_hvp(x, &d, 1.0), 4.0);
        let d32 = Data {
            shift: 2.0f32,
            k: 3,
        };
        assert_eq!(caller_grad(1.5f32, &d32), 10.0f32);
        // g = w₀x³: g' = 3w₀x², g'' = 6w₀x.
        let w = Weights { w: vec![0.5] };
        assert_eq!(slice_caller_grad(&w, 2.0), 6.0);
        assert_eq!(slice_caller_hvp(&w, 2.0, 1.0), 6.0);
        common::fd1(|x| slice_caller(&w, x), 2.0, 6.0);
    }
}

/// Found while extending difftest to closures (issue 15's constructs): a closure called at two
/// places gave its parameter's slot the user's name at each call, so the second call's
/// declaration shadowed the first's and the reverse sweep of the first read the second's
/// argument (`g(x) * g(y)` with `g = |t| t * t` gave ∂/∂x = 2y·y² for 2x·y²). Each call now
/// binds the parameters in slots of fresh names (floats, and places of parameters read as
/// floats).
mod closure_called_twice {
    use super::*;

    #[differentiable]
    pub fn squares(x: f64, y: f64) -> f64 {
        let g = |t: f64| t * t;
        g(x) * g(y)
    }

    #[differentiable]
    pub fn pairs<T: Float>(x: T, y: T, w: &[T]) -> T {
        let g = |(a, b): (T, T)| a * b;
        let h = |&t: &T| (t * y).tanh();
        g((x, y)) * g((y, x)) + h(&x) * h(&w[1])
    }

    #[derive(Clone, Debug, Differentiable)]
    pub struct Pair {
        pub a: f64,
        pub w: Vec<f64>,
    }

    /// The same with fields of a parameter as the arguments (`h(p.a, ..)`), which took the
    /// user's name too.
    #[differentiable]
    pub fn fields(p: &Pair, x: f64) -> f64 {
        let h = |t: f64, u: f64| t * u + x;
        h(p.a, x) * h(p.w[1], p.w[0])
    }

    #[test]
    fn each_call_has_its_own_parameter() {
        let p = Pair {
            a: 0.3,
            w: vec![-0.5, 0.9],
        };
        let (gp, gx) = fields_grad(&p, 0.7);
        let f = |v: &[f64]| fields(&p.from_flat(&v[..3]), v[3]);
        let point = [&p.to_flat()[..], &[0.7]].concat();
        common::fd(f, &point, &[&gp.to_flat()[..], &[gx]].concat());
        // f = x²y²: ∇f = (2xy², 2x²y).
        let (x, y) = (0.5, 0.7);
        assert_eq!(squares_grad(x, y), (2.0 * x * y * y, 2.0 * x * x * y));
        fd2(squares, x, y, squares_grad(x, y));
        assert_eq!(squares_hvp(x, y, 1.0, 0.0), (2.0 * y * y, 4.0 * x * y));
        let w = [0.1, -0.3];
        let (gx, gy, gw) = pairs_grad(x, y, &w);
        let f = |v: &[f64]| pairs(v[0], v[1], &v[2..]);
        common::fd(f, &[x, y, w[0], w[1]], &[gx, gy, gw[0], gw[1]]);
    }
}

/// Found while extending difftest to closures: a `move` closure copies the floats it
/// captures, but read an integer it captured where it was called, so a counter stepped after
/// the closure was made moved its reads (`w[l % 4]` with `l += 1;` in between). It now
/// copies every captured binding, as Rust does.
mod move_closure_keeps_its_integers {
    use super::*;

    #[differentiable]
    pub fn stepped(x: f64, w: &[f64], n: usize) -> f64 {
        let mut l = n;
        let g = move |t: f64| t * w[l % 4];
        l += 1;
        g(x) + w[l % 4] * x
    }

    #[test]
    fn the_copy_is_read() {
        let w = [0.1, -0.2, 0.3, 0.4];
        // f = x·w[n] + x·w[n + 1].
        assert_eq!(stepped(2.0, &w, 1), 2.0 * (-0.2 + 0.3));
        let (gx, gw) = stepped_grad(2.0, &w, 1);
        assert_eq!(gx, -0.2 + 0.3);
        assert_eq!(gw, vec![0.0, 2.0, 2.0, 0.0]);
    }
}

/// Found while extending difftest to iterator chains: a range as a chain's source,
/// `(0..n).map(|i| w[i] * x)`, gave generated code rustc could not type (`start + i as _`);
/// and an adapter's index expression substituted into a source's without parentheses made
/// `chunks(2).rev()` read `x[n - 1 - i * 2..]` (an overflow panic), `chunks(2).skip(1)` the
/// wrong chunks.
mod chains_over_ranges_and_reversed_chunks {
    use super::*;

    #[differentiable]
    pub fn ranges<T: Float + std::iter::Sum + std::iter::Product>(x: T, w: &[T], n: usize) -> T {
        (0..n).map(|i| w[i] * x).sum::<T>()
            + (1..=2).map(|i| w[i] * x).product::<T>()
            + (0..4)
                .rev()
                .zip(w.iter())
                .map(|(i, &t)| t * T::from(i).unwrap())
                .sum::<T>()
    }

    #[differentiable]
    pub fn chunks(x: f64, w: &[f64]) -> f64 {
        let mut acc = x;
        for c in w.chunks(3).rev() {
            acc = acc * c[0] + sum(c);
        }
        acc + w.chunks(2).skip(1).map(|c| c[1] * x).sum::<f64>()
            + w.chunks_exact(2)
                .rev()
                .map(|c| c[0] * x)
                .fold(0.0, |a, b| a * 2.0 + b)
    }

    #[test]
    fn elements_and_gradients() {
        let w = [0.1, -0.2, 0.3, 0.4];
        let x = 0.7;
        // ranges = x·(w0 + w1 + w2) + x²·w1·w2 + Σ (3 - i)·w_i.
        let value = x * (0.1 - 0.2 + 0.3) + x * x * -0.2 * 0.3 + (3.0 * 0.1 - 2.0 * 0.2 + 0.3);
        assert!((ranges(x, &w, 3) - value).abs() < 1e-12);
        let (gx, gw) = ranges_grad(x, &w, 3);
        assert!((gx - (0.2 + 2.0 * x * -0.06)).abs() < 1e-12);
        let f = |v: &[f64]| ranges(v[0], &v[1..], 3);
        common::fd(
            f,
            &[x, 0.1, -0.2, 0.3, 0.4],
            &[[gx].as_slice(), &gw].concat(),
        );
        // chunks: [w3] then [w0, w1, w2] reversed; then chunk [w2, w3]; then [w2, w3], [w0, w1].
        let acc = (x * 0.4 + 0.4) * 0.1 + 0.2;
        let expected = acc + 0.4 * x + (0.3 * x * 2.0 + 0.1 * x);
        assert!((chunks(x, &w) - expected).abs() < 1e-12);
        let (gx, gw) = chunks_grad(x, &w);
        let f = |v: &[f64]| chunks(v[0], &v[1..]);
        common::fd(
            f,
            &[x, 0.1, -0.2, 0.3, 0.4],
            &[[gx].as_slice(), &gw].concat(),
        );
    }
}

/// Found while extending difftest to sub-slices: a sub-slice of a vector inside a struct
/// parameter (`&p.w[1..]`, `p.w[1..3].iter()`, `p.w.windows(2)`) gave generated code that
/// named the parameter instead of its field (`p[1..]`, `p.len()`).
mod sub_slices_of_fields {
    use super::*;

    #[derive(Clone, Debug, Differentiable)]
    pub struct Params {
        pub s: f64,
        pub w: Vec<f64>,
    }

    #[differentiable]
    pub fn fields(p: &Params, x: f64) -> f64 {
        let head = &p.w[..2];
        sum(&p.w[1..]) * x + head[1] * p.s + p.w.windows(2).map(|c| c[0] * c[1]).sum::<f64>()
    }

    #[test]
    fn gradient_lands_in_the_field() {
        let p = Params {
            s: 0.5,
            w: vec![0.1, -0.2, 0.3],
        };
        let x = 2.0;
        let (gp, gx) = fields_grad(&p, x);
        // f = x(w1 + w2) + w1·s + w0w1 + w1w2.
        assert_eq!(gx, -0.2 + 0.3);
        assert_eq!(gp.s, -0.2);
        let expected = [-0.2, x + 0.5 + 0.1 + 0.3, x - 0.2];
        for (g, e) in gp.w.iter().zip(expected) {
            assert!((g - e).abs() < 1e-12, "{g} vs {e}");
        }
        let f = |v: &[f64]| fields(&p.from_flat(&v[..4]), v[4]);
        common::fd(
            f,
            &[&p.to_flat()[..], &[x]].concat(),
            &[&gp.to_flat()[..], &[gx]].concat(),
        );
    }
}

/// Found while extending difftest to iterator chains: in a function of more than a hundred
/// generated locals (declared in groups, as a tuple pattern), a `map` after a `filter` bound
/// the chain's element a second time under the same made-up name (`__item`), which rustc
/// refuses in one pattern (E0416). Each stage now binds a name of its own. And `skip` after
/// `step_by` took `len / k.saturating_sub(s)` for `(len / k).saturating_sub(s)`: too many
/// elements (a panic of `nth`) or a division by zero.
#[allow(unused_parens)]
mod chain_stages_and_precedence {
    use super::*;

    #[differentiable]
    pub fn filtered_then_mapped(x: f64, w: &[f64]) -> f64 {
        // Many locals, so that the declarations are grouped.
        let y = ((((((((((((((((((((((((((((((((((((((((x
            * 0.9
            + 0.01)
            * 0.9
            + 0.02)
            * 0.9
            + 0.03)
            * 0.9
            + 0.04)
            * 0.9
            + 0.05)
            * 0.9
            + 0.06)
            * 0.9
            + 0.07)
            * 0.9
            + 0.08)
            * 0.9
            + 0.09)
            * 0.9
            + 0.10)
            * 0.9
            + 0.11)
            * 0.9
            + 0.12)
            * 0.9
            + 0.13)
            * 0.9
            + 0.14)
            * 0.9
            + 0.15)
            * 0.9
            + 0.16)
            * 0.9
            + 0.17)
            * 0.9
            + 0.18)
            * 0.9
            + 0.19)
            * 0.9
            + 0.20)
            * 0.9
            + 0.21)
            * 0.9
            + 0.22)
            * 0.9
            + 0.23)
            * 0.9
            + 0.24)
            * 0.9
            + 0.25)
            * 0.9
            + 0.26)
            * 0.9
            + 0.27)
            * 0.9
            + 0.28)
            * 0.9
            + 0.29)
            * 0.9
            + 0.30)
            * 0.9
            + 0.31)
            * 0.9
            + 0.32)
            * 0.9
            + 0.33)
            * 0.9
            + 0.34)
            * 0.9
            + 0.35)
            * 0.9
            + 0.36)
            * 0.9
            + 0.37)
            * 0.9
            + 0.38)
            * 0.9
            + 0.39)
            * 0.9
            + 0.40);
        let z = ((((((((((((((((((((((((((((((((((((((((y
            * 0.9
            + 0.01)
            * 0.9
            + 0.02)
            * 0.9
            + 0.03)
            * 0.9
            + 0.04)
            * 0.9
            + 0.05)
            * 0.9
            + 0.06)
            * 0.9
            + 0.07)
            * 0.9
            + 0.08)
            * 0.9
            + 0.09)
            * 0.9
            + 0.10)
            * 0.9
            + 0.11)
            * 0.9
            + 0.12)
            * 0.9
            + 0.13)
            * 0.9
            + 0.14)
            * 0.9
            + 0.15)
            * 0.9
            + 0.16)
            * 0.9
            + 0.17)
            * 0.9
            + 0.18)
            * 0.9
            + 0.19)
            * 0.9
            + 0.20)
            * 0.9
            + 0.21)
            * 0.9
            + 0.22)
            * 0.9
            + 0.23)
            * 0.9
            + 0.24)
            * 0.9
            + 0.25)
            * 0.9
            + 0.26)
            * 0.9
            + 0.27)
            * 0.9
            + 0.28)
            * 0.9
            + 0.29)
            * 0.9
            + 0.30)
            * 0.9
            + 0.31)
            * 0.9
            + 0.32)
            * 0.9
            + 0.33)
            * 0.9
            + 0.34)
            * 0.9
            + 0.35)
            * 0.9
            + 0.36)
            * 0.9
            + 0.37)
            * 0.9
            + 0.38)
            * 0.9
            + 0.39)
            * 0.9
            + 0.40);
        let kept = w
            .iter()
            .copied()
            .filter(|&t| t > 0.0)
            .map(|t| t * x)
            .sum::<f64>();
        y * z
            + kept
            + w.iter()
                .filter(|t| **t < 0.5)
                .map(|&t| t * t * x)
                .sum::<f64>()
    }

    #[differentiable]
    pub fn stepped_then_skipped(x: f64, w: &[f64]) -> f64 {
        (0..4).step_by(2).skip(1).map(|i| w[i] * x).sum::<f64>()
            + w.iter()
                .rev()
                .step_by(2)
                .skip(1)
                .map(|&t| t * x * x)
                .sum::<f64>()
    }

    #[test]
    fn gradients() {
        let w = [0.3, -0.2, 0.7, 0.1];
        let x = 0.8;
        let (g, _) = filtered_then_mapped_grad(x, &w);
        common::fd1(|x| filtered_then_mapped(x, &w), x, g);
        // (0..4).step_by(2).skip(1) is [2]; w reversed, every second, skipping one: [w[1]].
        assert_eq!(stepped_then_skipped(x, &w), w[2] * x + w[1] * x * x);
        let (gx, gw) = stepped_then_skipped_grad(x, &w);
        assert!((gx - (w[2] + 2.0 * w[1] * x)).abs() < 1e-12);
        assert_eq!(gw, vec![0.0, x * x, x, 0.0]);
    }
}

/// Found while extending difftest to iterator chains: `for` loops over chains the array
/// loops do not take, `w.iter().zip(0..n)`, `(0..4).zip(w.iter())` and `.enumerate()` after
/// `zip`, were refused (`zip` on a float array or a range); they are now lowered as chains.
mod loops_over_zips_with_ranges {
    use super::*;

    #[differentiable]
    pub fn zipped(x: f64, w: &[f64], y: &[f64], n: usize) -> f64 {
        let mut acc = x;
        for (t, i) in w.iter().zip(0..n) {
            acc = acc * t + y[i] * x;
        }
        for (i, &t) in (0..4).zip(y.iter()) {
            acc += t * i as f64;
        }
        for (i, (&a, &b)) in w.iter().zip(y.iter()).enumerate() {
            acc += a * b * i as f64 * x;
        }
        acc
    }

    #[test]
    fn gradients() {
        let (w, y) = ([0.3, -0.2, 0.7, 0.1], [0.5, 0.25, -0.5, 1.0]);
        let x = 0.8;
        for n in 0..4 {
            let (gx, gw, gy) = zipped_grad(x, &w, &y, n);
            let f = |v: &[f64]| zipped(v[0], &v[1..5], &v[5..9], n);
            let point = [&[x][..], &w, &y].concat();
            common::fd(f, &point, &[&[gx][..], &gw, &gy].concat());
        }
    }
}

/// Found while extending difftest to closures: a name bound inside a closure's body
/// (`let u = ..;`) is written once in the function, so each call of the closure gave its slot
/// the user's name, as parameters did (`closure_called_twice`): the second call's declaration
/// shadowed the first's, whose reverse sweep read the second's value. Fixed: inside an inlined
/// closure every binding gets a fresh name (`Lowerer::local_name`).
mod closure_body_binding_called_twice {
    use super::*;

    // The `let` in the closure's body is the point.
    #[allow(clippy::let_and_return)]
    #[differentiable]
    pub fn squares(x: f64, y: f64) -> f64 {
        let g = |t: f64| {
            let u = t * t;
            u
        };
        g(x) * g(y)
    }

    #[test]
    fn each_call_has_its_own_binding() {
        // f = x²y²: ∇f = (2xy², 2x²y).
        let (x, y) = (0.5, 0.7);
        assert_eq!(squares_grad(x, y), (2.0 * x * y * y, 2.0 * x * x * y));
    }
}

/// Found by difftest (seed 36, program 4712): the tangent of a reduction over a sub-slice
/// (`s2.iter().copied().fold(x0, T::min)` after `let (s1, s2) = w.split_at(k)`, which is
/// `fold_min(&w[k..])`) looped over the view as if it were a row (`w[k][len]`), a compile
/// error in `_jvp` and `_hvp`. The loops of the tangents of `fold_min`, `max_of`,
/// `logsumexp` and `softmax` now run over the view's elements.
mod reductions_of_sub_slices_in_forward_mode {
    use super::*;

    #[differentiable]
    pub fn f<T: Float>(x0: T, w: &[T], n: usize) -> T {
        let (s1, s2) = w.split_at(n % 3 + 1);
        let v = s2.iter().copied().fold(x0, T::min);
        v + s1[0] + logsumexp(&w[1..3]) + max_of(&s2[1..])
    }

    #[test]
    fn exact_and_against_differences() {
        // n = 1: s1 = w[..2], s2 = w[2..]; min(x0, w2, w3) = w2; lse(w1, w2); max(w3).
        let (x0, w) = (0.5, [1.0, 2.0, -3.0, 0.25]);
        let e = |x: f64| x.exp();
        let (p1, p2) = (e(2.0) / (e(2.0) + e(-3.0)), e(-3.0) / (e(2.0) + e(-3.0)));
        let exact = [0.0, 1.0, p1, 1.0 + p2, 1.0];
        let (g0, gw) = f_grad(x0, &w, 1);
        common::assert_all_close(&[&[g0][..], &gw[..]].concat(), &exact, 1e-15);
        let at = [x0, w[0], w[1], w[2], w[3]];
        common::fd(|x| f::<f64>(x[0], &x[1..], 1), &at, &exact);
        let v = [0.25, 1.0, -0.5, 2.0, 0.75];
        let (value, slope) = f_jvp(x0, &w, 1, v[0], &v[1..]);
        assert_eq!(value, f(x0, &w, 1));
        let along: f64 = exact.iter().zip(&v).map(|(g, d)| g * d).sum();
        common::assert_close(slope, along, 1e-14);
        // H·v: only the lse term curves; its Hessian is p1·p2·[[1, −1], [−1, 1]] in (w1, w2).
        let (_, hw) = f_hvp(x0, &w, 1, v[0], &v[1..]);
        let c = p1 * p2 * (v[2] - v[3]);
        common::assert_all_close(&hw, &[0.0, c, -c, 0.0], 1e-15);
    }
}

/// Found by difftest (seed 38): a `for` loop over a chain of integers with a closure in its
/// head, `for (i, k) in (0..m).enumerate().filter(|(i, _)| i % 3 == 0)`, was refused (the
/// closure was taken for one passed to another function). Such a head is now a chain like
/// one over floats: a loop over indices whose body tests the predicate.
mod closures_in_integer_loop_heads {
    use super::*;

    #[differentiable]
    pub fn every_third<T: Float>(x: T, n: usize) -> T {
        let mut v = x;
        for (_, k) in (0..n).enumerate().filter(|(i, _)| i % 3 == 0) {
            v = v * x + T::from(k).unwrap();
        }
        v
    }

    #[test]
    fn exact_and_against_differences() {
        // n = 7: i = 0, 3, 6 (k = i): v = ((x·x + 0)·x + 3)·x + 6 = x⁴ + 3x + 6.
        for x in [0.5, -1.25, 2.0] {
            let g = every_third_grad(x, 7);
            assert_eq!(every_third(x, 7), x.powi(4) + 3.0 * x + 6.0);
            common::assert_close(g, 4.0 * x.powi(3) + 3.0, 1e-14);
            common::fd1(|x| every_third::<f64>(x, 7), x, g);
            common::assert_close(every_third_vjp(x, 7, 1.0).1, g, 1e-14);
        }
    }
}
