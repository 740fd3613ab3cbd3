//! The checking code written next to the generated functions: a batch's `main`, which checks
//! every function at random points, and a shrink candidate's `main`, which checks one
//! function at one point. Both print a `MISMATCH` line per failed check, which
//! [`Failure::parse`] reads back; a program that panics fails a check of its own (`panic`),
//! and the others go on.
//!
//! At each point: the gradient (`_grad`, or `_vjp` of a function of three outputs or of an
//! `Inner<T>` output, with a seed of its type, `inner_seed`) against dual numbers and finite
//! differences, and `_vjp` of one output against the scaled gradient;
//! `_jvp` along a random direction against the primal (its value), one sweep of dual numbers
//! along that direction (its tangent, output by output) and the gradient (`grad·dir`); and
//! `_hvp` of one output along the direction against nested dual numbers and against central
//! differences of the gradient along the direction. For a function with `wrt`, the parameters
//! outside it are data: every reference takes them at the point, as constants, and their
//! components of the gradient are zero (see [`arguments`] and [`spread`]).
//!
//! A point also draws the fields of a `Data` (`scale` and `shift` in [-1, 1), `k` below 4,
//! from a generator of their own, so that the other coordinates do not depend on them): a
//! function that takes `d: &Data<T>` gets `&data` in every call (the primal, `_grad`, `_vjp`,
//! `_jvp`, `_hvp`, the differences), and a `Data` of constants in the dual-number references
//! (`Dual::constant(data.scale)`); it has no gradient, tangent or direction.
//!
//! And, from a fourth generator, values of the structs of [`STRUCTS`], for a function that
//! takes them: the 35 floats with a derivative of `p`, `q`, `qs` and `ar` (in [-1, 1), in
//! field order), a direction for them, `p.fixed` (`#[no_derivative]`), the `fixed` of `p`'s tangent
//! (in [-10, 10): not a direction, `_jvp` and `_hvp` must not read it) and `p.n` (below 4).
//! The point of such a function is `x`, `w` and the floats of its structs in one flat vector
//! (see [`bindings`]): the references perturb and differentiate all of them, the finite
//! differences through `from_flat` on `f64`, the dual numbers through the functions of
//! [`STRUCTS`] (dual numbers are not `Differentiable`, so they run the copy of the function in
//! `mod plain`, [`crate::program::plain_module`]), with `fixed` a constant; a gradient of a
//! struct is compared through its `to_flat`, and its fields without a derivative must hold the
//! point's (`kept`, `hvp-kept`), as `to_flat` must list a struct's floats in field order
//! (`flat`).

use crate::program::{plain_module, Function, Program, Returns, Struct, DATA_STRUCT, STRUCTS};

/// Helpers of the generated crates and of the regression file, as rustfmt formats them.
pub const HELPERS: &str = r#"/// `(x0̄, x1̄, x2̄, w̄)` as one array, in the order of the point `x`.
pub fn flat((g0, g1, g2, gw): (f64, f64, f64, Vec<f64>)) -> [f64; 7] {
    [g0, g1, g2, gw[0], gw[1], gw[2], gw[3]]
}

/// `Σ seedᵢ·yᵢ`: the outputs of a function of three outputs weighed by a cotangent seed.
pub fn weigh<T: Float>(seed: [f64; 3], y: impl AsRef<[T]>) -> T {
    let terms = y.as_ref().iter().zip(seed);
    terms.fold(T::zero(), |s, (&yi, si)| s + yi * T::from(si).unwrap())
}

/// The gradient of `f` at `x` by forward mode, one dual evaluation per component.
pub fn forward_gradient(f: impl Fn(&[Dual<f64>]) -> Dual<f64>, x: &[f64]) -> Vec<f64> {
    let seeded = |k: usize| -> Vec<Dual<f64>> {
        let unit = |i: usize| if i == k { 1.0 } else { 0.0 };
        x.iter()
            .enumerate()
            .map(|(i, &a)| Dual::new(a, unit(i)))
            .collect()
    };
    (0..x.len()).map(|k| f(&seeded(k)).tangent).collect()
}

/// `a` and `b` agree to `tol` relative to their size (absolute below 1), or are both NaN.
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0) || (a.is_nan() && b.is_nan())
}
"#;

/// Helpers for the checks of forward mode and second order, in the generated crates and (with
/// the first entry about `_jvp` or `_hvp`) in the regression file.
pub const FORWARD_HELPERS: &str = r#"/// `a` and `b` are equal, or agree to `tol` relative to the larger of their sizes, `size`
/// and 1 (as [`close`] does with `size` 0), or are both NaN.
fn agree(a: f64, b: f64, tol: f64, size: f64) -> bool {
    a == b || (a - b).abs() <= tol * a.abs().max(b.abs()).max(size).max(1.0) || (a.is_nan() && b.is_nan())
}

/// The point `x` moved along `dir` in dual numbers: `x + ε·dir`.
pub fn duals_along(x: &[f64], dir: &[f64]) -> Vec<Dual<f64>> {
    x.iter().zip(dir).map(|(&a, &t)| Dual::new(a, t)).collect()
}

/// `H·dir`, the Hessian of `f` at `x` times `dir`, from nested dual numbers, one sweep per
/// component: the inner duals carry `dir`, the outer ones the unit vector `e_k`, so the
/// coefficient of `ε₁ε₂` in `f(x + ε₁·dir + ε₂·e_k)` is component `k`.
pub fn nested_hvp(f: impl Fn(&[Dual<Dual<f64>>]) -> Dual<Dual<f64>>, x: &[f64], dir: &[f64]) -> Vec<f64> {
    let seeded = |k: usize| -> Vec<Dual<Dual<f64>>> {
        let unit = |i: usize| Dual::constant(if i == k { 1.0 } else { 0.0 });
        (0..x.len()).map(|i| Dual::new(Dual::new(x[i], dir[i]), unit(i))).collect()
    };
    (0..x.len()).map(|k| f(&seeded(k)).tangent.tangent).collect()
}

/// The second direction of the lanes check: `dir` reversed.
fn second_direction(dir: &[f64; 7]) -> [f64; 7] {
    let mut d = *dir;
    d.reverse();
    d
}

/// Two directions side by side, as the tangents of `_jvp_lanes::<2>`.
fn lanes_of(a: &[f64; 7], b: &[f64; 7]) -> [Lanes<f64, 2>; 7] {
    std::array::from_fn(|i| Lanes([a[i], b[i]]))
}

/// `_jvp_lanes` along `dir` and `dir2` at once against `_jvp` along each (`value`,
/// `tangent`; `tangent2`), output by output: the same floats, bit for bit (`jvp-lanes`), since
/// each lane does the arithmetic of its own sweep.
fn check_lanes(name: &str, p: &impl At, (value, tangent): (&[f64], &[f64]), (_, tangent2): (&[f64], &[f64]), (lvalue, ltangent): (&[f64], &[Lanes<f64, 2>]), t: &mut Tally) {
    let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
    for i in 0..value.len() {
        t.record(same(lvalue[i], value[i]), name, "jvp-lanes-value", i, p, || format!("jvp_lanes value {} but jvp {}", lvalue[i], value[i]));
        for (k, jvp) in [tangent[i], tangent2[i]].into_iter().enumerate() {
            t.record(same(ltangent[i][k], jvp), name, "jvp-lanes", i, p, || format!("jvp_lanes lane {k}: {} but jvp along that direction {jvp}", ltangent[i][k]));
        }
    }
}

/// `Σ aᵢ·bᵢ`, and `Σ |aᵢ·bᵢ|`, the size its rounding error is relative to.
fn dot_and_size(a: &[f64], b: &[f64]) -> (f64, f64) {
    let terms = a.iter().zip(b).map(|(a, b)| a * b);
    terms.fold((0.0, 0.0), |(dot, size), t| (dot + t, size + t.abs()))
}
"#;

/// The head of every generated crate, before [`DATA_STRUCT`], [`STRUCTS`], [`HELPERS`] and
/// [`FORWARD_HELPERS`].
pub const PRELUDE: &str = r#"// Generated by difftest: random programs for differential testing. Do not edit.
#![allow(warnings)]
use autodiff::prelude::*;
use autodiff::{Dual, Lanes};
use std::iter::{Product, Sum};

type D = Dual<f64>;

"#;

/// The checks, after the helpers, shared by batches and shrink candidates of scalar and of
/// array programs: each takes its point as `impl At`, which it only prints.
pub const CHECKS: &str = r#"
/// Where a program is checked, as its mismatch lines show it.
trait At {
    fn at(&self) -> String;
}

/// A uniform float in [lo, hi) from the generator `state`.
fn uniform(state: &mut u64, lo: f64, hi: f64) -> f64 {
    *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    lo + (hi - lo) * ((*state >> 11) as f64 / (1u64 << 53) as f64)
}

/// The checks passed and failed.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    /// Counts one check; a failed one is printed as a line difftest reads back.
    fn record(&mut self, ok: bool, name: &str, kind: &str, k: usize, p: &impl At, detail: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("MISMATCH {name} {kind} component {k} at {}: {}", p.at(), detail());
        }
    }

    /// The failed check of a program that panicked (in the primal or a generated function):
    /// `panic`, with the message.
    fn panicked(&mut self, name: &str, p: &impl At, message: String) {
        self.record(false, name, "panic", 0, p, || message);
    }

    fn report(&self) {
        println!("difftest: {} passed, {} failed", self.passed, self.failed);
        if self.failed > 0 {
            std::process::exit(1);
        }
    }
}

/// A caught panic prints its message and place, one line, without a backtrace.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| eprintln!("difftest: {info}")));
}

/// Runs `check`, the checks of program `name` at `p`; a panic in it is a failed check
/// (`panic`), and the checks of the other programs go on.
fn checked(name: &str, p: &impl At, t: &mut Tally, check: impl FnOnce(&mut Tally)) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(t)));
    if let Err(payload) = result {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        t.panicked(name, p, format!("the program panicked: {message}"));
    }
}

/// A program of one output: `vjp`, the reverse sweep with seed `seed`, against the seed
/// times `grad`, then `grad` by `check_gradient`.
fn check_scalar(name: &str, p: &impl At, inject: &str, seed: f64, x: &[f64], f: impl Fn(&[f64]) -> f64, f_dual: impl Fn(&[D]) -> D, grad: &[f64], vjp: &[f64], t: &mut Tally) {
    for k in 0..grad.len().min(vjp.len()) {
        let scaled = seed * grad[k];
        t.record(close(vjp[k], scaled, 1e-12), name, "vjp", k, p, || format!("vjp gives {} but the seed times the gradient is {scaled}", vjp[k]));
    }
    check_gradient(name, p, inject, x, f, f_dual, grad, t);
}

/// `grad`, the gradient of `f` at the point `x` from the reverse sweep, against dual numbers
/// (every component) and against central finite differences where they are stable: at two
/// steps, skipped where they disagree (near a branch's jump), where the point is not between
/// its neighbours (it sits on a jump: a branch taken at the point only, as when the program
/// compares two values equal up to rounding, `v + (x - v) > x`) and where the derivative from
/// dual numbers is not finite (an intermediate value overflowed: both modes then give NaN
/// where differences see a constant), and where the value is so large that its rounding at
/// the step is not small against the tolerance (a loop raising a value to a power: the
/// quotient is 0). Where both modes' derivatives are not finite (overflowed: ∞ in one, NaN
/// in the other), they are not compared; nor where the value itself is not finite (it
/// overflowed): the derivative is not defined, and reverse mode and dual numbers may then
/// give anything. A gradient with another number of components than `x` fails (`shape`).
fn check_gradient(name: &str, p: &impl At, inject: &str, x: &[f64], f: impl Fn(&[f64]) -> f64, f_dual: impl Fn(&[D]) -> D, grad: &[f64], t: &mut Tally) {
    if grad.len() != x.len() {
        t.record(false, name, "shape", 0, p, || format!("the gradient has {} components for {} coordinates", grad.len(), x.len()));
        return;
    }
    let mut forward = forward_gradient(f_dual, x);
    if inject == "grad" {
        // difftest --inject-bug: a wrong reference, to watch the shrinker at work.
        forward[0] += 1.0;
    }
    let value = f(x);
    let defined = value.is_finite();
    for k in 0..x.len() {
        // Where the derivative overflowed in both modes (an intermediate near the largest
        // float: ∞ in one, NaN from ∞ - ∞ or 0·∞ in the other), they are not compared.
        let overflowed = !grad[k].is_finite() && !forward[k].is_finite();
        if defined && !overflowed {
            t.record(close(grad[k], forward[k], 1e-9), name, "dual", k, p, || format!("reverse {} but dual numbers {}", grad[k], forward[k]));
        }
        // The difference quotient at step `h`, and the mean of the two values.
        let fd = |h: f64| {
            let (mut up, mut down) = (x.to_vec(), x.to_vec());
            up[k] += h;
            down[k] -= h;
            let (u, d) = (f(&up), f(&down));
            ((u - d) / (2.0 * h), (u + d) / 2.0)
        };
        let ((a, between), (b, _)) = (fd(1e-5), fd(1e-4));
        let on_a_jump = !close(between, value, 1e-6);
        // The rounding of `f` at step 1e-5, `ε·|f|/h`, must be small against the tolerance:
        // a value grown huge (a loop raising it to a power) leaves the quotient 0.
        let resolved = f64::EPSILON * value.abs() / 1e-5 <= 1e-6 * grad[k].abs().max(a.abs()).max(1.0);
        if close(a, b, 1e-4) && !on_a_jump && resolved && a.is_finite() && forward[k].is_finite() {
            t.record(close(grad[k], a, 1e-5), name, "fd", k, p, || format!("reverse {} but finite differences {a}", grad[k]));
        }
    }
}

/// `(value, tangent)`, from `_jvp` along `dir`, output by output: `value` against `primal`,
/// the program's values at the point (`jvp-value`, to 1e-12), and `tangent` against `along`,
/// the program on dual numbers at `x + ε·dir`, one sweep (`jvp-dual`, to 1e-9); then
/// `weights·tangent` against `grad·dir` (`jvp-grad`, to 1e-9 of the size of the terms), where
/// `grad` is the reverse-mode gradient of `weights·f`.
fn check_jvp(name: &str, p: &impl At, dir: &[f64], primal: &[f64], (value, tangent): (&[f64], &[f64]), along: &[D], weights: &[f64], grad: &[f64], t: &mut Tally) {
    for i in 0..primal.len() {
        t.record(agree(value[i], primal[i], 1e-12, 0.0), name, "jvp-value", i, p, || format!("jvp vs the primal: value {} but the primal gives {}", value[i], primal[i]));
        let dual = along[i].tangent;
        // Both overflowed: not compared (see `check_gradient`).
        if tangent[i].is_finite() || dual.is_finite() {
            t.record(agree(tangent[i], dual, 1e-9, 0.0), name, "jvp-dual", i, p, || format!("jvp vs dual numbers: tangent {} but dual numbers {dual}", tangent[i]));
        }
    }
    let (weighed, weighed_size) = dot_and_size(weights, tangent);
    let (dot, size) = dot_and_size(grad, dir);
    // Where the weighed value overflowed, the derivative is not defined (`check_gradient`).
    if dot_and_size(weights, primal).0.is_finite() && (weighed.is_finite() || dot.is_finite()) {
        t.record(agree(weighed, dot, 1e-9, size.max(weighed_size)), name, "jvp-grad", 0, p, || format!("jvp vs the gradient: tangent {weighed} but grad·dir {dot}"));
    }
}

/// `hvp`, from `_hvp` along `dir`, against nested dual numbers (`hvp-dual`, to 1e-9) and
/// against central differences of `grad_at` (the reverse-mode gradient) along `dir` where
/// they are stable (`hvp-fd`, to 1e-5): at two steps, skipped where they disagree and where
/// the gradient at the point `x` is not between its neighbours (a jump, as in
/// `check_gradient`).
///
/// Nested duals overflow where `_hvp` does not: `Dual::tanh` pushes `ẋ/cosh²x`, whose own
/// derivative is `∞/∞ = NaN` once `cosh²x` overflows (`|x| > 355`), where the true value is
/// about 0. A component where the nested duals are not finite and `hvp` is, is left to the
/// differences; one where neither is finite (an overflow in both) is not compared with them.
fn check_hvp<G: AsRef<[f64]>>(name: &str, p: &impl At, inject: &str, x: &[f64], dir: &[f64], nested: impl Fn(&[Dual<D>]) -> Dual<D>, grad_at: impl Fn(&[f64]) -> G, hvp: &[f64], t: &mut Tally) {
    if hvp.len() != x.len() {
        t.record(false, name, "hvp-shape", 0, p, || format!("hvp has {} components for {} coordinates", hvp.len(), x.len()));
        return;
    }
    let mut reference = nested_hvp(nested, x, dir);
    if inject == "hvp" {
        // difftest --inject-bug-in hvp: a wrong reference, to watch the shrinker at work.
        reference[0] += 1.0;
    }
    // The difference quotients at step `h`, and the means of the two gradients.
    let fd = |h: f64| -> (Vec<f64>, Vec<f64>) {
        let up: Vec<f64> = x.iter().zip(dir).map(|(a, t)| a + h * t).collect();
        let down: Vec<f64> = x.iter().zip(dir).map(|(a, t)| a - h * t).collect();
        let (g_up, g_down) = (grad_at(&up), grad_at(&down));
        let pairs = || g_up.as_ref().iter().zip(g_down.as_ref());
        (pairs().map(|(u, d)| (u - d) / (2.0 * h)).collect(), pairs().map(|(u, d)| (u + d) / 2.0).collect())
    };
    let ((a, between), (b, _)) = (fd(1e-5), fd(1e-4));
    let here = grad_at(x);
    let here = here.as_ref();
    for k in 0..x.len() {
        let overflowed = !reference[k].is_finite() && hvp[k].is_finite();
        if !overflowed {
            t.record(agree(hvp[k], reference[k], 1e-9, 0.0), name, "hvp-dual", k, p, || format!("hvp vs nested duals: hvp {} but nested dual numbers {}", hvp[k], reference[k]));
        }
        let on_a_jump = !close(between[k], here[k], 1e-6);
        let resolved = f64::EPSILON * here[k].abs() / 1e-5 <= 1e-6 * hvp[k].abs().max(a[k].abs()).max(1.0);
        if close(a[k], b[k], 1e-4) && !on_a_jump && resolved && a[k].is_finite() && (hvp[k].is_finite() || reference[k].is_finite()) {
            t.record(close(hvp[k], a[k], 1e-5), name, "hvp-fd", k, p, || format!("hvp vs finite differences of the gradient: hvp {} but differences {}", hvp[k], a[k]));
        }
    }
}

/// `_grad_and_hvp` along `dir` against `_grad` and `_hvp` called apart (`grad-and-hvp`, to
/// 1e-9 of the largest component: the gradient comes from the tangent's sweep, not the
/// reverse one, so the roundings differ); components where either is not finite are left
/// to the checks of `_grad` and `_hvp`.
fn check_grad_and_hvp<G: AsRef<[f64]>>(name: &str, p: &impl At, both: (G, G), grad: &[f64], hvp: &[f64], t: &mut Tally) {
    for (kind, got, want) in [("grad-and-hvp", both.0.as_ref(), grad), ("grad-and-hvp", both.1.as_ref(), hvp)] {
        let size = want.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
        for k in 0..want.len() {
            if got[k].is_finite() && want[k].is_finite() {
                t.record(agree(got[k], want[k], 1e-9, size), name, kind, k, p, || format!("_grad_and_hvp vs _grad and _hvp: {} but {}", got[k], want[k]));
            }
        }
    }
}

"#;

/// The points of the scalar programs, after [`CHECKS`].
const POINTS: &str = r#"
/// Where a program is checked: x0, x1, x2 and the four elements of w in one array, n, a
/// cotangent seed per output, a direction for `_jvp` and `_hvp` (t0, t1, t2, tw), the
/// fields of the `Data` that the programs taking `d` get, and for a program that takes
/// structs (else `s` and `sdir` are empty) the 35 floats of `p`, `q`, `qs` and `ar` in field order,
/// their direction, `p.fixed`, the `fixed` of `p`'s tangent (not a direction) and `p.n`.
struct Point {
    x: [f64; 7],
    n: usize,
    seed: [f64; 3],
    dir: [f64; 7],
    scale: f64,
    shift: f64,
    k: usize,
    s: Vec<f64>,
    sdir: Vec<f64>,
    fixed: f64,
    tfixed: f64,
    pn: usize,
}

/// Random points, from fixed linear congruential generators: one for the point, the seed and
/// `n`, one for the direction, one for the data and one for the structs (so that the points
/// do not depend on them).
struct Points(u64, u64, u64, u64);

impl Points {
    fn new(seed: u64) -> Points {
        Points(seed.wrapping_mul(7919).wrapping_add(17), seed.wrapping_mul(104729).wrapping_add(31), seed.wrapping_mul(1299709).wrapping_add(43), seed.wrapping_mul(15485863).wrapping_add(59))
    }

    /// The next point, with the values of the structs if `structs` (drawn in any case).
    fn next(&mut self, structs: bool) -> Point {
        let s = &mut self.0;
        let mut x = [0.0; 7];
        for i in 0..7 {
            x[i] = if i < 3 { uniform(s, -2.0, 2.0) } else { uniform(s, -1.0, 1.0) };
        }
        let n = uniform(s, 0.0, 4.0) as usize;
        let seed = [uniform(s, -2.0, 2.0), uniform(s, -2.0, 2.0), uniform(s, -2.0, 2.0)];
        let dir = std::array::from_fn(|_| uniform(&mut self.1, -1.0, 1.0));
        let d = &mut self.2;
        let (scale, shift, k) = (uniform(d, -1.0, 1.0), uniform(d, -1.0, 1.0), uniform(d, 0.0, 4.0) as usize);
        let g = &mut self.3;
        let mut s: Vec<f64> = (0..35).map(|_| uniform(g, -1.0, 1.0)).collect();
        let mut sdir: Vec<f64> = (0..35).map(|_| uniform(g, -1.0, 1.0)).collect();
        let (fixed, tfixed, pn) = (uniform(g, -1.0, 1.0), uniform(g, -10.0, 10.0), uniform(g, 0.0, 4.0) as usize);
        if !structs {
            s.clear();
            sdir.clear();
        }
        Point { x, n, seed, dir, scale, shift, k, s, sdir, fixed, tfixed, pn }
    }
}

/// The point as a mismatch line shows it (and [`Failure::parse`] reads it back).
impl At for Point {
    fn at(&self) -> String {
        let structs = if self.s.is_empty() {
            String::new()
        } else {
            format!(", s = {:?}, sdir = {:?}, fixed = {:?}, tfixed = {:?}, pn = {}", self.s, self.sdir, self.fixed, self.tfixed, self.pn)
        };
        format!("x = {:?}, n = {}, seed = {:?}, dir = {:?}, scale = {:?}, shift = {:?}, k = {}{structs}", self.x, self.n, self.seed, self.dir, self.scale, self.shift, self.k)
    }
}
"#;

/// The expressions that evaluate a function for checking, with `x: [f64; 7]`, `n`,
/// `seed: [f64; 3]` and `dir: [f64; 7]` in scope, and `data: Data<f64>` for a function that
/// takes `d`. A function of three outputs is checked through `seed·f`. For a function that
/// takes structs, [`Calls::bindings`] first make `x` and `dir` the flat point and direction
/// (`Vec<f64>`, with the floats of its structs after those of `x` and `w`) and bind the
/// structs' values and tangents; the gradients are then `Vec<f64>` too.
pub struct Calls {
    /// A closure of `v: &[f64]` (`x` or a point near it): the function, or `seed·f`.
    pub value: String,
    /// The same on dual numbers.
    pub dual: String,
    /// The reverse-mode gradient at `x` as `[f64; 7]`: `_grad`, or `_vjp` with `seed`.
    pub grad: String,
    /// For a function of one output, `_vjp` with `seed[0]`, as `[f64; 7]`.
    pub vjp: Option<String>,
    /// The outputs at `x`, as an array or a `Vec` (one element for a function of one output).
    pub outputs: String,
    /// The same on the dual numbers `d` (`x + ε·dir`).
    pub along: String,
    /// `_jvp` at `x` along `dir`: `(value, tangent)`, each a float or three.
    pub jvp: String,
    /// The weights of the outputs in the function whose gradient `grad` is: `[1.0]` or `seed`.
    pub weights: &'static str,
    /// For a function of one output, the gradient as a closure of `v: &[f64]`, as `[f64; 7]`.
    pub grad_at: Option<String>,
    /// For a function of one output, the function as a closure on nested dual numbers.
    pub nested: Option<String>,
    /// For a function of one output, `_hvp` at `x` along `dir`, as `[f64; 7]`.
    pub hvp: Option<String>,
    /// For a function of one output, `_grad_and_hvp` at `x` along `dir`, as a pair of those.
    pub grad_and_hvp: Option<String>,
    /// For a function that takes structs, the statements that bind their values (`sp`, `sq`,
    /// `sqs`) and tangents (`tp`, ...) and make `x` and `dir` flat, from `s`, `sdir`, `fixed`,
    /// `tfixed` and `pn` in scope (see [`bindings`]); empty for the others.
    pub bindings: Vec<String>,
    /// For a function that takes structs, what must hold besides the references, after
    /// [`Calls::bindings`]: each a check's kind and a `bool` expression (see [`invariants`]).
    pub invariants: Vec<(&'static str, String)>,
    /// For a function whose `_jvp_lanes` is checked (see [`lanes_checked`]): `_jvp` along
    /// `dir2` and `_jvp_lanes::<2>` along `ld` (`dir` and `dir2` side by side).
    pub lanes: Option<(String, String)>,
}

impl Calls {
    pub fn of(f: &Function) -> Calls {
        let name = &f.name;
        // Dual numbers are not `Differentiable`: with structs, they run the copy in `mod plain`.
        let reference = if !f.uses_structs() {
            name.clone()
        } else {
            format!("plain::{name}")
        };
        let (v, x) = (arguments(f, "v", 0), arguments(f, "x", 0));
        let (vd, d, vn) = (
            arguments(f, "v", 1),
            arguments(f, "d", 1),
            arguments(f, "v", 2),
        );
        let dir = tangents(f);
        let vjp = |seed: &str| spread(f, &format!("{name}_vjp::<f64>({x}, {seed}).1"));
        let jvp = format!("{name}_jvp::<f64>({x}, {dir})");
        let mut calls = match f.returns {
            Returns::Scalar => Calls {
                value: format!("|v: &[f64]| {name}::<f64>({v})"),
                dual: format!("|v: &[Dual<f64>]| {reference}::<Dual<f64>>({vd})"),
                grad: spread(f, &format!("{name}_grad::<f64>({x})")),
                vjp: Some(vjp("seed[0]")),
                outputs: format!("[{name}::<f64>({x})]"),
                along: format!("[{reference}::<Dual<f64>>({d})]"),
                jvp,
                weights: "[1.0]",
                grad_at: Some(format!(
                    "|v: &[f64]| {}",
                    spread(f, &format!("{name}_grad::<f64>({v})"))
                )),
                nested: Some(format!(
                    "|v: &[Dual<Dual<f64>>]| {reference}::<Dual<Dual<f64>>>({vn})"
                )),
                hvp: Some(spread(f, &format!("{name}_hvp::<f64>({x}, {dir})"))),
                grad_and_hvp: Some(format!(
                    "{{ let both = {name}_grad_and_hvp::<f64>({x}, {dir}); ({}, {}) }}",
                    spread(f, "both.0"),
                    spread(f, "both.1")
                )),
                bindings: Vec::new(),
                invariants: Vec::new(),
                lanes: None,
            },
            Returns::Inner => Calls {
                value: format!("|v: &[f64]| weigh_inner(seed, &{name}::<f64>({v}))"),
                dual: format!("|v: &[Dual<f64>]| weigh_inner(seed, &{reference}::<Dual<f64>>({vd}))"),
                grad: vjp("inner_seed(seed)"),
                vjp: None,
                outputs: format!("inner_flat(&{name}::<f64>({x}))"),
                along: format!("inner_flat(&{reference}::<Dual<f64>>({d}))"),
                jvp: format!("{{ let (value, tangent) = {jvp}; (inner_flat(&value), inner_flat(&tangent)) }}"),
                weights: "inner_flat(&inner_seed(seed))",
                grad_at: None,
                nested: None,
                hvp: None,
                grad_and_hvp: None,
                bindings: Vec::new(),
                invariants: Vec::new(),
                lanes: None,
            },
            Returns::Vec3 | Returns::Array3 => Calls {
                value: format!("|v: &[f64]| weigh(seed, {name}::<f64>({v}))"),
                dual: format!("|v: &[Dual<f64>]| weigh(seed, {reference}::<Dual<f64>>({vd}))"),
                grad: vjp(if f.returns == Returns::Vec3 {
                    "seed.to_vec()"
                } else {
                    "seed"
                }),
                vjp: None,
                outputs: format!("{name}::<f64>({x})"),
                along: format!("{reference}::<Dual<f64>>({d})"),
                jvp,
                weights: "seed",
                grad_at: None,
                nested: None,
                hvp: None,
                grad_and_hvp: None,
                bindings: Vec::new(),
                invariants: Vec::new(),
                lanes: None,
            },
        };
        calls.bindings = bindings(f);
        calls.invariants = invariants(f);
        calls
    }

    /// [`Calls::of`], with the lanes check.
    pub fn with_lanes(f: &Function) -> Calls {
        let mut calls = Calls::of(f);
        let name = &f.name;
        let x = arguments(f, "x", 0);
        let tangents = |d: &str| tangents_of(f, d);
        let jvp2 = format!("{name}_jvp::<f64>({x}, {})", tangents("dir2"));
        let lanes = format!("{name}_jvp_lanes::<f64, 2>({x}, {})", tangents("ld"));
        calls.lanes = Some((jvp2, lanes));
        calls
    }

    /// `(value, tangent)` of [`Calls::jvp`] as slices of the outputs.
    pub fn jvp_outputs(&self) -> &'static str {
        if self.hvp.is_some() {
            "(&[value], &[tangent])"
        } else {
            "(&value, &tangent)"
        }
    }
}

/// The float type of dual numbers nested `level` deep: `f64`, `Dual<f64>`, ...
fn float_type(level: usize) -> String {
    (0..level).fold("f64".to_string(), |t, _| format!("Dual<{t}>"))
}

/// `e` as a constant dual number nested `level` deep.
fn lift(e: &str, level: usize) -> String {
    (0..level).fold(e.to_string(), |e, _| format!("Dual::constant({e})"))
}

/// The coordinates of `w` in the point of `f`: the last four of `x`, or those after `x0`,
/// `x1`, `x2` when the floats of structs follow.
fn w_range(f: &Function) -> &'static str {
    if f.structs.is_empty() {
        "3.."
    } else {
        "3..7"
    }
}

/// The coordinates of the floats of the struct parameter `s` in the flat point of `f`: after
/// `x` and `w`, in parameter order.
fn coordinates(f: &Function, s: Struct) -> String {
    let before: usize = f
        .structs
        .iter()
        .take_while(|&&t| t != s)
        .map(|t| t.flat_len())
        .sum();
    let start = 7 + before;
    format!("{start}..{}", start + s.flat_len())
}

/// The arguments of `f` at the point `v` (`[f64; 7]`, or dual numbers nested `level` deep):
/// `v[0], v[1], v[2], &v[3..], n`, its structs (see [`struct_argument`]), and `&data` when `f`
/// takes `d`. A parameter outside `f`'s `wrt` is data: it takes its value at the checked point
/// `x` (or `data`) whatever `v` is, as a constant, so that every reference (dual numbers,
/// differences) sees no derivative with respect to it.
fn arguments(f: &Function, v: &str, level: usize) -> String {
    let scalar = |i: usize| {
        if f.differentiates(&format!("x{i}")) {
            format!("{v}[{i}]")
        } else {
            lift(&format!("x[{i}]"), level)
        }
    };
    let range = w_range(f);
    let w = if f.differentiates("w") {
        format!("&{v}[{range}]")
    } else if level == 0 {
        format!("&x[{range}]")
    } else {
        format!(
            "&x[{range}].iter().map(|&a| {}).collect::<Vec<{}>>()",
            lift("a", level),
            float_type(level)
        )
    };
    let structs: String = f
        .structs
        .iter()
        .map(|&s| format!(", {}", struct_argument(f, s, v, level)))
        .collect();
    let d = match (f.data, level) {
        (false, _) => String::new(),
        (true, 0) => ", &data".to_string(),
        (true, _) => format!(
            ", &Data {{ scale: {}, shift: {}, k: data.k }}",
            lift("data.scale", level),
            lift("data.shift", level)
        ),
    };
    format!(
        "{}, {}, {}, {w}, n{structs}{d}",
        scalar(0),
        scalar(1),
        scalar(2)
    )
}

/// The argument of the struct parameter `s` of `f` at `v`: its value at the point (`&sp`)
/// when `v` is the point, else built from its coordinates in `v`, by `from_flat` on `f64`, by
/// the functions of [`STRUCTS`] on dual numbers (with `p.fixed` a constant and `p.n` that of
/// the point).
fn struct_argument(f: &Function, s: Struct, v: &str, level: usize) -> String {
    assert!(
        f.differentiates(s.name()),
        "struct parameters are differentiated"
    );
    let value = format!("s{}", s.name());
    if v == "x" && level == 0 {
        return format!("&{value}");
    }
    let range = coordinates(f, s);
    match (level, s) {
        (0, _) => format!("&{value}.from_flat(&{v}[{range}])"),
        (_, Struct::P) => format!("&params_at(&{v}[{range}], {}, pn)", lift("fixed", level)),
        (_, Struct::Q) => format!("&inner_at(&{v}[{range}])"),
        (_, Struct::Qs) => format!("&inners_at(&{v}[{range}])"),
        (_, Struct::Ar) => {
            let start = range.split("..").next().expect("a range");
            format!("&[{v}[{start}], {v}[{start} + 1]]")
        }
    }
}

/// For a function that takes structs, the statements that bind, from the struct coordinates
/// of the point (`s`, `sdir`, `fixed`, `tfixed`, `pn`), each struct's value (`sp`, `sq`, `sqs`)
/// and tangent (`tp`, ..., whose `fixed` is `tfixed`: not a direction), then the flat point
/// `x` and direction `dir`: `x` and `w`, then the floats of each struct in parameter order.
pub fn bindings(f: &Function) -> Vec<String> {
    if f.structs.is_empty() {
        return Vec::new();
    }
    let mut lines = Vec::new();
    let (mut point, mut direction) = (String::new(), String::new());
    for &s in &f.structs {
        let range = format!("{}..{}", s.offset(), s.offset() + s.flat_len());
        let build = |from: &str, fixed: &str| match s {
            Struct::P => format!("params_at(&{from}[{range}], {fixed}, pn)"),
            Struct::Q => format!("inner_at(&{from}[{range}])"),
            Struct::Qs => format!("inners_at(&{from}[{range}])"),
            Struct::Ar => format!("[{from}[{}], {from}[{}]]", s.offset(), s.offset() + 1),
        };
        lines.push(format!("let s{} = {};", s.name(), build("s", "fixed")));
        lines.push(format!("let t{} = {};", s.name(), build("sdir", "tfixed")));
        point.push_str(&format!(", &s[{range}]"));
        direction.push_str(&format!(", &sdir[{range}]"));
    }
    lines.push(format!("let x: Vec<f64> = [&x[..]{point}].concat();"));
    lines.push(format!(
        "let dir: Vec<f64> = [&dir[..]{direction}].concat();"
    ));
    lines
}

/// For a function that takes structs, after [`bindings`]: each struct's `to_flat` lists its
/// floats in field order, as the point's coordinates do (`flat`); and the gradient of `p`
/// from `_grad` (or `_vjp` with `seed`), `_vjp` and `_hvp` holds the point's `fixed`
/// (`#[no_derivative]`) and `n` (`kept`, `hvp-kept`).
pub fn invariants(f: &Function) -> Vec<(&'static str, String)> {
    let mut holds: Vec<(&'static str, String)> = f
        .structs
        .iter()
        .map(|&s| {
            let range = format!("{}..{}", s.offset(), s.offset() + s.flat_len());
            ("flat", format!("s{}.to_flat()[..] == s[{range}]", s.name()))
        })
        .collect();
    if !f.takes(Struct::P) {
        return holds;
    }
    let name = &f.name;
    let x = arguments(f, "x", 0);
    let kept = |call: String| {
        format!(
            "{{ let {} = {call}; gp.fixed == sp.fixed && gp.n == sp.n }}",
            pattern(f)
        )
    };
    match f.returns {
        Returns::Scalar => {
            holds.push(("kept", kept(format!("{name}_grad::<f64>({x})"))));
            holds.push(("kept", kept(format!("{name}_vjp::<f64>({x}, seed[0]).1"))));
            let hvp = format!("{name}_hvp::<f64>({x}, {})", tangents(f));
            holds.push(("hvp-kept", kept(hvp)));
        }
        Returns::Vec3 => holds.push((
            "kept",
            kept(format!("{name}_vjp::<f64>({x}, seed.to_vec()).1")),
        )),
        Returns::Array3 => holds.push(("kept", kept(format!("{name}_vjp::<f64>({x}, seed).1")))),
        Returns::Inner => holds.push((
            "kept",
            kept(format!("{name}_vjp::<f64>({x}, inner_seed(seed)).1")),
        )),
    }
    holds
}

/// What a failed invariant of [`invariants`] means.
fn invariant_detail(kind: &str) -> &'static str {
    if kind == "flat" {
        "to_flat does not list the struct's floats in field order"
    } else {
        "a field of p without a derivative (fixed, n) does not hold the point's in the gradient"
    }
}

/// The tangents `_jvp` and `_hvp` take, one per parameter of `f`'s `wrt`, from `dir`, and the
/// tangents of its structs.
fn tangents(f: &Function) -> String {
    tangents_of(f, "dir")
}

/// [`tangents`] from the array `dir` of seven tangents (the floats', then `w`'s).
fn tangents_of(f: &Function, dir: &str) -> String {
    let w = format!("&{dir}[{}]", w_range(f));
    let mut all = vec![
        ("x0", format!("{dir}[0]")),
        ("x1", format!("{dir}[1]")),
        ("x2", format!("{dir}[2]")),
        ("w", w),
    ];
    all.extend(
        f.structs
            .iter()
            .map(|s| (s.name(), format!("&t{}", s.name()))),
    );
    let taken: Vec<String> = all
        .into_iter()
        .filter(|(p, _)| f.differentiates(p))
        .map(|(_, t)| t)
        .collect();
    taken.join(", ")
}

/// The parameters of `f` it is differentiated with respect to, in order.
fn differentiated(f: &Function) -> Vec<&str> {
    let mut all = vec!["x0", "x1", "x2", "w"];
    all.extend(f.structs.iter().map(|s| s.name()));
    all.retain(|p| f.differentiates(p));
    all
}

/// The pattern that binds a gradient of `f`: `g0`, `gw`, `gp`, ... for its parameters in
/// `wrt` (all of them without), as a tuple unless there is one.
fn pattern(f: &Function) -> String {
    let names: Vec<String> = differentiated(f)
        .iter()
        .map(|p| format!("g{}", p.trim_start_matches('x')))
        .collect();
    match names.as_slice() {
        [one] => one.clone(),
        _ => format!("({})", names.join(", ")),
    }
}

/// `call`, a gradient of `f` (its tuple, or its value when `wrt` names one parameter), as
/// `[f64; 7]`: `flat`, or zeros for the parameters outside `wrt`. For a function that takes
/// structs, a `Vec<f64>`, with each struct's gradient flattened by its `to_flat` after those.
fn spread(f: &Function, call: &str) -> String {
    if f.wrt.is_empty() && f.structs.is_empty() {
        return format!("flat({call})");
    }
    let of = |param: &str, e: &str| {
        if f.differentiates(param) {
            e.to_string()
        } else {
            "0.0".to_string()
        }
    };
    let floats = [of("x0", "g0"), of("x1", "g1"), of("x2", "g2")];
    if f.structs.is_empty() {
        let elements = [
            of("w", "gw[0]"),
            of("w", "gw[1]"),
            of("w", "gw[2]"),
            of("w", "gw[3]"),
        ];
        return format!(
            "{{ let {} = {call}; [{}, {}] }}",
            pattern(f),
            floats.join(", "),
            elements.join(", ")
        );
    }
    let w = if f.differentiates("w") {
        "&gw[..]"
    } else {
        "&[0.0; 4][..]"
    };
    let structs: String = f
        .structs
        .iter()
        .map(|s| format!(", &g{}.to_flat()[..]", s.name()))
        .collect();
    format!(
        "{{ let {} = {call}; [&[{}][..], {w}{structs}].concat() }}",
        pattern(f),
        floats.join(", ")
    )
}

/// `check_NAME(p, inject, t)`: every check of one function at one point.
fn check_function(f: &Function, lanes: bool) -> String {
    let c = if lanes {
        Calls::with_lanes(f)
    } else {
        Calls::of(f)
    };
    let mut prologue = vec!["let (x, n, seed, dir) = (p.x, p.n, p.seed, p.dir);".to_string()];
    if f.data {
        prologue.push("let data = Data { scale: p.scale, shift: p.shift, k: p.k };".into());
    }
    if !f.structs.is_empty() {
        prologue.push(
            "let (s, sdir, fixed, tfixed, pn) = (&p.s, &p.sdir, p.fixed, p.tfixed, p.pn);".into(),
        );
        prologue.extend(c.bindings.iter().cloned());
        for (kind, holds) in &c.invariants {
            prologue.push(format!(
                "t.record({holds}, {:?}, {kind:?}, 0, p, || {:?}.to_string());",
                f.name,
                invariant_detail(kind)
            ));
        }
    }
    check_source(&f.name, "Point", prologue, &c)
}

/// `check_NAME(p: &POINT, inject, t)`: `prologue`, which binds `x`, `dir` and `seed` (and
/// what `c` reads besides) from `p`, then every check of `c`'s function at that point: the
/// gradient (with `_vjp`), `_jvp`, and for a function of one output `_hvp` and
/// `_grad_and_hvp`. Scalar and array programs share it.
pub fn check_source(name: &str, point: &str, prologue: Vec<String>, c: &Calls) -> String {
    let mut body = prologue;
    body.push(format!("let grad = {};", c.grad));
    body.push(match &c.vjp {
        Some(vjp) => format!(
            "check_scalar({name:?}, p, inject, seed[0], &x, {}, {}, &grad, &{vjp}, t);",
            c.value, c.dual
        ),
        None => format!(
            "check_gradient({name:?}, p, inject, &x, {}, {}, &grad, t);",
            c.value, c.dual
        ),
    });
    body.extend([
        format!("let (value, tangent) = {};", c.jvp),
        "let d = duals_along(&x, &dir);".into(),
        format!("let mut along = {};", c.along),
        "if inject == \"jvp\" {".into(),
        "    along[0].tangent += 1.0; // difftest --inject-bug-in jvp: a wrong reference".into(),
        "}".into(),
        format!(
            "check_jvp({name:?}, p, &dir, &{}, {}, &along, &{}, &grad, t);",
            c.outputs,
            c.jvp_outputs(),
            c.weights
        ),
    ]);
    if let Some((jvp2, lanes)) = &c.lanes {
        let outputs = |v: &str, t: &str| c.jvp_outputs().replace("value", v).replace("tangent", t);
        body.extend([
            "let dir2 = second_direction(&dir);".into(),
            "let ld = lanes_of(&dir, &dir2);".into(),
            format!("let (value2, tangent2) = {jvp2};"),
            format!("let (lvalue, ltangent) = {lanes};"),
            format!(
                "check_lanes({name:?}, p, {}, {}, {}, t);",
                c.jvp_outputs(),
                outputs("value2", "tangent2"),
                outputs("lvalue", "ltangent")
            ),
        ]);
    }
    if let (Some(nested), Some(grad_at), Some(hvp)) = (&c.nested, &c.grad_at, &c.hvp) {
        body.push(format!(
            "check_hvp({name:?}, p, inject, &x, &dir, {nested}, {grad_at}, &{hvp}, t);"
        ));
    }
    if let (Some(both), Some(hvp)) = (&c.grad_and_hvp, &c.hvp) {
        body.push(format!(
            "check_grad_and_hvp({name:?}, p, {both}, &grad, &{hvp}, t);"
        ));
    }
    format!(
        "fn check_{name}(p: &{point}, inject: &str, t: &mut Tally) {{\n    {}\n}}\n",
        body.join("\n    ")
    )
}

/// The functions' source and their checks, and the copies of those that take structs that
/// dual numbers run.
fn functions_and_checks(functions: &[Function]) -> String {
    let mut s =
        format!("{PRELUDE}{DATA_STRUCT}\n{STRUCTS}\n{HELPERS}\n{FORWARD_HELPERS}{CHECKS}{POINTS}");
    let lanes = lanes_checked(functions);
    for (f, lanes) in functions.iter().zip(lanes) {
        s.push_str(&f.source());
        s.push('\n');
        s.push_str(&check_function(f, lanes));
        s.push('\n');
    }
    s.push_str(&plain_module(functions));
    s
}

/// Which of `functions` get the lanes check: those whose `_jvp_lanes` is generated and
/// reaches no callee without one, that is, which take no struct, return no `Inner`, call no
/// generated derivative, and call only such functions.
fn lanes_checked(functions: &[Function]) -> Vec<bool> {
    let mut ok: Vec<bool> = functions
        .iter()
        .map(|f| {
            let source = f.source();
            !f.uses_structs()
                && ![
                    "_grad(",
                    "_jvp(",
                    "_value_and_grad(",
                    "_grad::<",
                    "_jvp::<",
                    "_value_and_grad::<",
                ]
                .iter()
                .any(|d| source.contains(d))
        })
        .collect();
    loop {
        let mut changed = false;
        for i in 0..functions.len() {
            let callees_ok = functions[i].calls().iter().all(|c| {
                functions
                    .iter()
                    .position(|g| &g.name == c)
                    .is_some_and(|j| ok[j])
            });
            if ok[i] && !callees_ok {
                ok[i] = false;
                changed = true;
            }
        }
        if !changed {
            return ok;
        }
    }
}

/// The reference `--inject-bug` corrupts, for the programs with `.cos()` in a `while` loop: the
/// gradient from dual numbers, the tangent of `_jvp` from dual numbers, or `H·dir` from nested
/// dual numbers (its first component is moved by 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inject {
    Gradient,
    Jvp,
    Hvp,
}

impl Inject {
    /// `grad`, `jvp` or `hvp`: the name `--inject-bug-in` takes, and the generated checks'.
    pub fn name(self) -> &'static str {
        match self {
            Inject::Gradient => "grad",
            Inject::Jvp => "jvp",
            Inject::Hvp => "hvp",
        }
    }

    pub fn parse(name: &str) -> Option<Inject> {
        [Inject::Gradient, Inject::Jvp, Inject::Hvp]
            .into_iter()
            .find(|i| i.name() == name)
    }
}

/// `inject` as the generated checks take it: its name, or `""`.
pub fn inject_literal(inject: Option<Inject>) -> String {
    format!("{:?}", inject.map_or("", Inject::name))
}

/// A batch crate's source: the functions of `functions` that `check` selects checked at
/// `points` random points each (the others are their callees), drawn from `seed` and the
/// program's number, so that a program has the same points whatever else the crate holds; a
/// reference is corrupted for the functions `inject` selects.
pub fn batch_source(
    functions: &[Function],
    check: impl Fn(&Function) -> bool,
    seed: u64,
    points: usize,
    inject: impl Fn(&Function) -> Option<Inject>,
) -> String {
    let mut s = functions_and_checks(functions);
    s.push_str("fn main() {\n    quiet_panics();\n    let mut t = Tally::default();\n");
    let checked: Vec<&Function> = functions.iter().filter(|f| check(f)).collect();
    for f in &checked {
        s.push_str(&format!(
            "    let mut points = Points::new({});\n    for _ in 0..{points} {{ let p = points.next({}); checked(\"{}\", &p, &mut t, |t| check_{}(&p, {}, t)); }}\n",
            program_seed(seed, &f.name),
            !f.structs.is_empty(),
            f.name,
            f.name,
            inject_literal(inject(f))
        ));
    }
    s.push_str(&format!(
        "    println!(\"difftest: {} programs, seed {seed}\");\n    t.report();\n}}\n",
        checked.len()
    ));
    s
}

/// The seed of the points of program `name` (`pK`, or `aK` for an array program) of the
/// batch of `seed`.
pub fn program_seed(seed: u64, name: &str) -> u64 {
    let k: u64 = name[1..].parse().expect("programs are named pK");
    seed.wrapping_mul(1_000_003).wrapping_add(k)
}

/// A shrink candidate's source: the program's checked function at `point`.
pub fn point_source(program: &Program, point: &Point, inject: Option<Inject>) -> String {
    let mut s = functions_and_checks(&program.functions);
    let name = &program.checked().name;
    s.push_str(&format!(
        "fn main() {{\n    quiet_panics();\n    let mut t = Tally::default();\n    let p = {};\n    checked(\"{name}\", &p, &mut t, |t| check_{name}(&p, {}, t));\n    t.report();\n}}\n",
        point.literal(),
        inject_literal(inject)
    ));
    s
}

/// Where a function is checked; the generated `Point`.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: [f64; 7],
    pub n: usize,
    pub seed: [f64; 3],
    pub dir: [f64; 7],
    /// The fields of the `Data` a function that takes `d` gets.
    pub scale: f64,
    pub shift: f64,
    pub k: usize,
    /// For a function that takes structs (else empty): the floats of `p`, `q` and `qs` in
    /// field order and `ar`'s (35, see [`Struct::offset`]), and their direction.
    pub s: Vec<f64>,
    pub sdir: Vec<f64>,
    /// `p.fixed`, the `fixed` of `p`'s tangent (not a direction), and `p.n`.
    pub fixed: f64,
    pub tfixed: f64,
    pub pn: usize,
}

impl Point {
    /// The point as a `Point { .. }` expression (`{:?}` of a float reads back exactly).
    fn literal(&self) -> String {
        format!(
            "Point {{ x: {:?}, n: {}, seed: {:?}, dir: {:?}, scale: {:?}, shift: {:?}, k: {}, s: vec!{:?}, sdir: vec!{:?}, fixed: {:?}, tfixed: {:?}, pn: {} }}",
            self.x, self.n, self.seed, self.dir, self.scale, self.shift, self.k, self.s, self.sdir, self.fixed, self.tfixed, self.pn
        )
    }

    /// `let (s, sdir, fixed, tfixed, pn) = (..);` at this point, for a function that takes
    /// structs: what [`Calls::bindings`] read.
    pub fn struct_binding(&self) -> String {
        format!(
            "let (s, sdir, fixed, tfixed, pn) = ({:?}, {:?}, {:?}, {:?}, {});",
            self.s, self.sdir, self.fixed, self.tfixed, self.pn
        )
    }

    /// `let data = Data { .. };` at this point, for a function that takes `d`.
    pub fn data_binding(&self) -> String {
        format!(
            "let data = Data {{ scale: {:?}, shift: {:?}, k: {} }};",
            self.scale, self.shift, self.k
        )
    }
}

/// What a failed check was about: the gradient (`dual`, `fd`, `vjp`, and for structs `shape`,
/// `flat`, `kept`), `_jvp` (`jvp-…`) or `_hvp` (`hvp-…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checked {
    Gradient,
    Jvp,
    Hvp,
}

impl Checked {
    /// What a check of kind `kind` is about.
    pub fn of(kind: &str) -> Checked {
        if kind.starts_with("jvp") {
            Checked::Jvp
        } else if kind.starts_with("hvp") {
            Checked::Hvp
        } else {
            Checked::Gradient
        }
    }
}

/// A point as a mismatch line shows it (`p.at()` in the generated checks), read back.
pub trait Located: Sized {
    /// The point from `at`, the text between ` at ` and the detail of a mismatch line.
    fn parse(at: &str) -> Option<Self>;
}

impl Located for Point {
    /// Reads `x = [..], n = N, seed = [..], dir = [..], scale = S, shift = H, k = K`, where a
    /// function that takes structs has `, s = [..], sdir = [..], fixed = F, tfixed = G,
    /// pn = P` after `k`.
    fn parse(at: &str) -> Option<Point> {
        let at = format!(", {at},");
        let structs = at.contains(", s = [");
        let list = |name: &str| -> Option<Vec<f64>> {
            if !structs {
                return Some(Vec::new());
            }
            between(&at, &format!(", {name} = ["), "]")?
                .split(',')
                .map(|v| v.trim().parse().ok())
                .collect()
        };
        let number = |name: &str| between(&at, &format!(", {name} = "), ",");
        Some(Point {
            x: floats(between(&at, "x = [", "]")?)?,
            n: number("n")?.parse().ok()?,
            seed: floats(between(&at, "seed = [", "]")?)?,
            dir: floats(between(&at, "dir = [", "]")?)?,
            scale: number("scale")?.parse().ok()?,
            shift: number("shift")?.parse().ok()?,
            k: number("k")?.parse().ok()?,
            s: list("s")?,
            sdir: list("sdir")?,
            fixed: if structs {
                number("fixed")?.parse().ok()?
            } else {
                0.0
            },
            tfixed: if structs {
                number("tfixed")?.parse().ok()?
            } else {
                0.0
            },
            pn: if structs {
                number("pn")?.parse().ok()?
            } else {
                0
            },
        })
    }
}

/// A failed check, as a `MISMATCH` line reports it, at a point of type `P`: a scalar
/// program's [`Point`], or an array program's
/// ([`crate::arrays::check::ArrayPoint`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure<P = Point> {
    /// The function's name.
    pub program: String,
    /// The reference it failed against: `dual`, `fd` or `vjp` (the gradient); `jvp-value`,
    /// `jvp-dual` or `jvp-grad`; `hvp-dual` or `hvp-fd`; `grad-and-hvp`; `panic`; or, for a
    /// function that takes structs, the invariant it broke (`shape`, `flat`, `kept`;
    /// `hvp-shape`, `hvp-kept`).
    pub kind: String,
    pub point: P,
    /// The whole line.
    pub line: String,
}

impl<P> Failure<P> {
    /// What the failed check was about.
    pub fn checked(&self) -> Checked {
        Checked::of(&self.kind)
    }
}

impl<P: Located> Failure<P> {
    /// Reads `MISMATCH NAME KIND component K at POINT: DETAIL` (see [`Located::parse`]).
    pub fn parse(line: &str) -> Option<Failure<P>> {
        let rest = line.strip_prefix("MISMATCH ")?;
        let mut words = rest.split_whitespace();
        let (program, kind) = (words.next()?, words.next()?);
        // The point, up to the detail (its coordinates hold no `: `).
        let (head, _) = rest.split_once(": ")?;
        let (_, at) = head.split_once(" at ")?;
        Some(Failure {
            program: program.to_string(),
            kind: kind.to_string(),
            point: P::parse(at)?,
            line: line.to_string(),
        })
    }

    /// Whether a candidate's output shows this failure again: its function failing against
    /// the same reference (at whatever component).
    pub fn shown_in(&self, output: &str) -> bool {
        output
            .lines()
            .filter_map(Failure::<P>::parse)
            .any(|f| f.program == self.program && f.kind == self.kind)
    }
}

/// The text between the first `open` and the next `close` after it.
fn between<'s>(s: &'s str, open: &str, close: &str) -> Option<&'s str> {
    let start = s.find(open)? + open.len();
    let len = s[start..].find(close)?;
    Some(&s[start..start + len])
}

/// A comma-separated list of exactly `N` floats.
fn floats<const N: usize>(s: &str) -> Option<[f64; N]> {
    let values: Vec<f64> = s
        .split(',')
        .map(|v| v.trim().parse().ok())
        .collect::<Option<_>>()?;
    values.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The point at zero but for the data parameter's `scale` and `k`.
    fn zero_point(scale: f64, k: usize) -> Point {
        Point {
            x: [0.0; 7],
            n: 0,
            seed: [0.0; 3],
            dir: [0.0; 7],
            scale,
            shift: 0.0,
            k,
            s: Vec::new(),
            sdir: Vec::new(),
            fixed: 0.0,
            tfixed: 0.0,
            pn: 0,
        }
    }

    #[test]
    fn reads_back_a_mismatch_line() {
        let line = "MISMATCH p12 dual component 3 at x = [0.1, -1.5, 1e-7, 0.0, -0.25, 0.5, 0.75], n = 2, seed = [1.0, -2.0, 0.3], dir = [0.5, -0.5, 0.25, -0.25, 1e-3, 0.0, -1.0], scale = -0.5, shift = 0.125, k = 3: reverse 1 but dual numbers 2";
        let f = Failure::<Point>::parse(line).expect("a mismatch line");
        assert_eq!((f.program.as_str(), f.kind.as_str()), ("p12", "dual"));
        assert_eq!(f.point.x, [0.1, -1.5, 1e-7, 0.0, -0.25, 0.5, 0.75]);
        assert_eq!((f.point.n, f.point.seed), (2, [1.0, -2.0, 0.3]));
        assert_eq!(f.point.dir, [0.5, -0.5, 0.25, -0.25, 1e-3, 0.0, -1.0]);
        assert_eq!((f.point.scale, f.point.shift, f.point.k), (-0.5, 0.125, 3));
        assert_eq!(f.checked(), Checked::Gradient);
        assert!(f.shown_in(&format!("difftest: 1 passed\n{line}")));
        assert!(!f.shown_in(&line.replace("dual", "fd")));
        assert_eq!(
            Failure::<Point>::parse("difftest: 3 passed, 0 failed"),
            None
        );
    }

    #[test]
    fn an_hvp_mismatch_reproduces_only_as_itself() {
        let line = "MISMATCH p3 hvp-dual component 0 at x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], n = 1, seed = [1.0, 1.0, 1.0], dir = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], scale = 0.5, shift = 0.5, k = 0: hvp vs nested duals: hvp 1 but nested dual numbers 2";
        let f = Failure::<Point>::parse(line).expect("a mismatch line");
        assert_eq!((f.kind.as_str(), f.checked()), ("hvp-dual", Checked::Hvp));
        assert!(f.shown_in(&line.replace("component 0", "component 5")));
        for other in ["hvp-fd", "jvp-dual", "dual"] {
            assert!(!f.shown_in(&line.replace("hvp-dual", other)), "{other}");
        }
        assert!(!f.shown_in(&line.replace("p3 ", "p4 ")));
        let jvp = Failure::<Point>::parse(&line.replace("hvp-dual", "jvp-grad")).unwrap();
        assert_eq!(jvp.checked(), Checked::Jvp);
    }

    #[test]
    fn a_point_reads_back_from_its_literal() {
        let point = Point {
            x: [0.1, -1.5, 1e-7, 0.0, -0.25, 0.5, 1.0 / 3.0],
            n: 3,
            seed: [1.0, -2.0, 0.3],
            dir: [0.5, -0.5, 0.25, -0.25, 1e-3, 0.0, -1.0],
            scale: 0.1 + 0.2,
            shift: -1e-9,
            k: 2,
            s: Vec::new(),
            sdir: Vec::new(),
            fixed: 0.0,
            tfixed: 0.0,
            pn: 0,
        };
        let literal = point.literal();
        let line = format!(
            "MISMATCH p0 jvp-dual component 0 at x = {:?}, n = {}, seed = {:?}, dir = {:?}, scale = {:?}, shift = {:?}, k = {}: d",
            point.x, point.n, point.seed, point.dir, point.scale, point.shift, point.k
        );
        assert_eq!(Failure::<Point>::parse(&line).unwrap().point, point);
        assert!(literal.contains(&format!("dir: {:?}", point.dir)));
        assert!(literal.contains(", scale: 0.30000000000000004, shift: -1e-9, k: 2, s: vec![], "));
        assert_eq!(
            point.data_binding(),
            "let data = Data { scale: 0.30000000000000004, shift: -1e-9, k: 2 };"
        );
    }

    fn function(returns: Returns, result: &[&str]) -> Function {
        Function {
            name: "p7".into(),
            returns,
            wrt: Vec::new(),
            data: false,
            structs: Vec::new(),
            body: vec![],
            result: result.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn a_function_of_one_output_has_its_jvp_and_hvp_checked() {
        let check = check_function(&function(Returns::Scalar, &["x0"]), false);
        assert!(check.contains(
            "p7_jvp::<f64>(x[0], x[1], x[2], &x[3..], n, dir[0], dir[1], dir[2], &dir[3..])"
        ));
        assert!(check.contains("check_jvp(\"p7\", p, &dir, &[p7::<f64>("));
        assert!(check.contains("(&[value], &[tangent]), &along, &[1.0], &grad, t);"));
        assert!(check.contains(
            "check_hvp(\"p7\", p, inject, &x, &dir, |v: &[Dual<Dual<f64>>]| p7::<Dual<Dual<f64>>>("
        ));
        assert!(check.contains("flat(p7_hvp::<f64>("));
        // `_grad_and_hvp` against `_grad` and `_hvp`.
        assert!(
            check.contains("check_grad_and_hvp(\"p7\", p, { let both = p7_grad_and_hvp::<f64>(")
        );
        assert!(check.contains("(flat(both.0), flat(both.1)) }, &grad, &flat(p7_hvp::<f64>("));
    }

    #[test]
    fn a_function_of_three_outputs_has_its_jvp_checked_output_by_output() {
        for returns in [Returns::Vec3, Returns::Array3] {
            let check = check_function(&function(returns, &["x0", "x1", "x2"]), false);
            assert!(
                check.contains("let mut along = p7::<Dual<f64>>(d[0], d[1], d[2], &d[3..], n);")
            );
            assert!(check.contains("(&value, &tangent), &along, &seed, &grad, t);"));
            assert!(!check.contains("_hvp"), "{check}");
        }
    }

    #[test]
    fn parameters_outside_wrt_are_data_at_the_checked_point() {
        let mut f = function(Returns::Scalar, &["x0"]);
        f.wrt = vec!["x0".into(), "x2".into()];
        let c = Calls::of(&f);
        // The gradient (x0̄, x2̄) goes to its places, zeros elsewhere.
        assert_eq!(
            c.grad,
            "{ let (g0, g2) = p7_grad::<f64>(x[0], x[1], x[2], &x[3..], n); [g0, 0.0, g2, 0.0, 0.0, 0.0, 0.0] }"
        );
        // Every reference sees x1 and w at the point, as constants.
        assert_eq!(
            c.value,
            "|v: &[f64]| p7::<f64>(v[0], x[1], v[2], &x[3..], n)"
        );
        assert!(c.dual.contains("(v[0], Dual::constant(x[1]), v[2], &x[3..].iter().map(|&a| Dual::constant(a)).collect::<Vec<Dual<f64>>>(), n)"));
        let nested = c.nested.unwrap();
        assert!(
            nested.contains("Dual::constant(Dual::constant(x[1]))"),
            "{nested}"
        );
        assert!(c.jvp.ends_with("n, dir[0], dir[2])"), "{}", c.jvp);
        // One parameter: the gradient is a float.
        f.wrt = vec!["x1".into()];
        let hvp = Calls::of(&f).hvp.unwrap();
        assert!(
            hvp.starts_with("{ let g1 = p7_hvp::<f64>(")
                && hvp.ends_with("n, dir[1]); [0.0, g1, 0.0, 0.0, 0.0, 0.0, 0.0] }"),
            "{hvp}"
        );
        // A function of three outputs spreads its vjp the same way.
        f.returns = Returns::Array3;
        f.result = vec!["x0".into(); 3];
        assert!(Calls::of(&f)
            .grad
            .contains("p7_vjp::<f64>(x[0], x[1], x[2], &x[3..], n, seed).1; [0.0, g1, "));
    }

    #[test]
    fn data_goes_to_every_call_and_gets_no_direction() {
        let mut f = function(Returns::Scalar, &["x0 * d.scale"]);
        f.wrt = vec!["x0".into()];
        f.data = true;
        let c = Calls::of(&f);
        assert_eq!(
            c.grad,
            "{ let g0 = p7_grad::<f64>(x[0], x[1], x[2], &x[3..], n, &data); [g0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0] }"
        );
        assert_eq!(
            c.value,
            "|v: &[f64]| p7::<f64>(v[0], x[1], x[2], &x[3..], n, &data)"
        );
        assert!(c
            .dual
            .ends_with(", n, &Data { scale: Dual::constant(data.scale), shift: Dual::constant(data.shift), k: data.k })"));
        let nested = c.nested.unwrap();
        assert!(
            nested.contains("&Data { scale: Dual::constant(Dual::constant(data.scale)), "),
            "{nested}"
        );
        assert!(c.jvp.ends_with("n, &data, dir[0])"), "{}", c.jvp);
        assert!(c.hvp.unwrap().contains("n, &data, dir[0]);"));
        assert!(c.vjp.unwrap().contains("n, &data, seed[0]).1;"));
        assert!(check_function(&f, false)
            .contains("let data = Data { scale: p.scale, shift: p.shift, k: p.k };"));
        let program = Program { functions: vec![f] };
        let point = zero_point(0.5, 1);
        let source = point_source(&program, &point, None);
        assert!(source.contains("pub struct Data<T> {"));
        assert!(source.contains("scale: 0.5, shift: 0.0, k: 1, s: vec![]"));
    }

    #[test]
    fn structs_are_coordinates_after_x_and_w() {
        let mut f = function(Returns::Scalar, &["x0 * p.s"]);
        f.structs = vec![Struct::P, Struct::Qs];
        let c = Calls::of(&f);
        assert_eq!(
            c.bindings,
            [
                "let sp = params_at(&s[0..17], fixed, pn);",
                "let tp = params_at(&sdir[0..17], tfixed, pn);",
                "let sqs = inners_at(&s[21..33]);",
                "let tqs = inners_at(&sdir[21..33]);",
                "let x: Vec<f64> = [&x[..], &s[0..17], &s[21..33]].concat();",
                "let dir: Vec<f64> = [&dir[..], &sdir[0..17], &sdir[21..33]].concat();",
            ]
        );
        // Differences through `from_flat`, dual numbers through the plain copy.
        assert_eq!(
            c.value,
            "|v: &[f64]| p7::<f64>(v[0], v[1], v[2], &v[3..7], n, &sp.from_flat(&v[7..24]), &sqs.from_flat(&v[24..36]))"
        );
        assert_eq!(
            c.dual,
            "|v: &[Dual<f64>]| plain::p7::<Dual<f64>>(v[0], v[1], v[2], &v[3..7], n, &params_at(&v[7..24], Dual::constant(fixed), pn), &inners_at(&v[24..36]))"
        );
        assert!(c.nested.unwrap().contains(
            "plain::p7::<Dual<Dual<f64>>>(v[0], v[1], v[2], &v[3..7], n, &params_at(&v[7..24], Dual::constant(Dual::constant(fixed)), pn)"
        ));
        assert_eq!(
            c.grad,
            "{ let (g0, g1, g2, gw, gp, gqs) = p7_grad::<f64>(x[0], x[1], x[2], &x[3..7], n, &sp, &sqs); [&[g0, g1, g2][..], &gw[..], &gp.to_flat()[..], &gqs.to_flat()[..]].concat() }"
        );
        assert!(c
            .jvp
            .ends_with("n, &sp, &sqs, dir[0], dir[1], dir[2], &dir[3..7], &tp, &tqs)"));
        let kinds: Vec<&str> = c.invariants.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, ["flat", "flat", "kept", "kept", "hvp-kept"]);
        assert_eq!(c.invariants[0].1, "sp.to_flat()[..] == s[0..17]");
        assert!(
            c.invariants[4].1.contains("= p7_hvp::<f64>(")
                && c.invariants[4]
                    .1
                    .ends_with("; gp.fixed == sp.fixed && gp.n == sp.n }")
        );
        let check = check_function(&f, false);
        assert!(check.contains(
            "let (s, sdir, fixed, tfixed, pn) = (&p.s, &p.sdir, p.fixed, p.tfixed, p.pn);"
        ));
        assert!(check.contains("\"p7\", \"kept\", 0, p, "));
        // With `wrt`: the floats outside it are constants, `w` too, at its four coordinates.
        f.wrt = vec!["x1".into(), "p".into(), "q".into(), "qs".into()];
        f.structs = vec![Struct::P, Struct::Q, Struct::Qs];
        let c = Calls::of(&f);
        assert!(c.grad.starts_with("{ let (g1, gp, gq, gqs) = p7_grad::<f64>(x[0], x[1], x[2], &x[3..7], n, &sp, &sq, &sqs); [&[0.0, g1, 0.0][..], &[0.0; 4][..], &gp.to_flat()[..], &gq.to_flat()[..], &gqs.to_flat()[..]].concat() }"), "{}", c.grad);
        assert!(c.dual.contains("&x[3..7].iter().map(|&a| Dual::constant(a)).collect::<Vec<Dual<f64>>>(), n, &params_at(&v[7..24], "));
        assert!(
            c.dual
                .ends_with("&inner_at(&v[24..28]), &inners_at(&v[28..40]))"),
            "{}",
            c.dual
        );
        assert!(
            c.jvp
                .ends_with("n, &sp, &sq, &sqs, dir[1], &tp, &tq, &tqs)"),
            "{}",
            c.jvp
        );
    }

    #[test]
    fn a_mismatch_of_a_function_with_structs_reads_back_with_them() {
        let mut point = zero_point(0.5, 1);
        point.s = (0..35).map(|i| i as f64 / 7.0).collect();
        point.sdir = (0..35).map(|i| -(i as f64) / 3.0).collect();
        (point.fixed, point.tfixed, point.pn) = (0.25, -7.5, 3);
        let line = format!(
            "MISMATCH p2 kept component 0 at x = {:?}, n = 0, seed = {:?}, dir = {:?}, scale = 0.5, shift = 0.0, k = 1, s = {:?}, sdir = {:?}, fixed = 0.25, tfixed = -7.5, pn = 3: a field",
            point.x, point.seed, point.dir, point.s, point.sdir
        );
        let f = Failure::<Point>::parse(&line).expect("a mismatch line");
        assert_eq!(f.point, point);
        assert_eq!((f.kind.as_str(), f.checked()), ("kept", Checked::Gradient));
        assert!(point
            .literal()
            .contains(", s: vec![0.0, 0.14285714285714285, "));
        assert!(point.struct_binding().ends_with("], 0.25, -7.5, 3);"));
        let mut f = function(Returns::Scalar, &["q.a"]);
        f.structs = vec![Struct::Q];
        let source = point_source(&Program { functions: vec![f] }, &point, None);
        assert!(source.contains("pub struct Params<T: Float> {"));
        assert!(source.contains("mod plain {"));
        assert!(source.contains("tfixed: -7.5, pn: 3 };"));
        assert!(source.contains("checked(\"p7\", &p, &mut t, |t| check_p7(&p, \"\", t));"));
        assert_eq!(Checked::of("hvp-kept"), Checked::Hvp);
    }

    #[test]
    fn an_inner_output_is_weighed_by_a_seed_of_its_type() {
        let mut f = function(Returns::Inner, &["x0", "x1", "x2", "w[0]"]);
        f.structs = vec![Struct::Ar];
        let c = Calls::of(&f);
        // Dual numbers run the plain copy; `ar` is two coordinates after `x` and `w`.
        assert_eq!(
            c.dual,
            "|v: &[Dual<f64>]| weigh_inner(seed, &plain::p7::<Dual<f64>>(v[0], v[1], v[2], &v[3..7], n, &[v[7], v[7 + 1]]))"
        );
        assert!(c
            .grad
            .contains("p7_vjp::<f64>(x[0], x[1], x[2], &x[3..7], n, &sar, inner_seed(seed)).1"));
        assert!(
            c.grad.ends_with("&gar.to_flat()[..]].concat() }"),
            "{}",
            c.grad
        );
        assert_eq!(
            c.outputs,
            "inner_flat(&p7::<f64>(x[0], x[1], x[2], &x[3..7], n, &sar))"
        );
        assert!(c.jvp.contains("(inner_flat(&value), inner_flat(&tangent))"));
        assert_eq!(c.weights, "inner_flat(&inner_seed(seed))");
        assert!(c.vjp.is_none() && c.hvp.is_none());
        assert_eq!(c.bindings[0], "let sar = [s[33], s[34]];");
        assert_eq!(c.jvp_outputs(), "(&value, &tangent)");
        // Without struct parameters, a function returning `Inner` runs its plain copy too.
        f.structs.clear();
        assert!(Calls::of(&f)
            .along
            .starts_with("inner_flat(&plain::p7::<Dual<f64>>(d[0]"));
    }

    #[test]
    fn injection_is_named_in_the_checks() {
        let program = Program {
            functions: vec![function(Returns::Scalar, &["x0"])],
        };
        let point = zero_point(0.0, 0);
        let source = point_source(&program, &point, Some(Inject::Hvp));
        assert!(source.contains("let p = Point {"));
        assert!(source.contains("|t| check_p7(&p, \"hvp\", t));"));
        assert!(point_source(&program, &point, None).contains("|t| check_p7(&p, \"\", t));"));
        assert_eq!(Inject::parse("jvp"), Some(Inject::Jvp));
        assert_eq!(Inject::parse("dual"), None);
    }

    #[test]
    fn floats_read_back_exactly() {
        let x = [0.1, 1.0 / 3.0, -2.0, -0.0, 1e-300, 0.5, -0.75];
        let printed = format!("{x:?}");
        assert_eq!(floats(&printed[1..printed.len() - 1]), Some(x));
        assert_eq!(floats::<3>("1.0, 2.0"), None);
    }
}
