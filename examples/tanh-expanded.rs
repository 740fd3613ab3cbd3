//! A hand-simplified rendering of what `#[differentiable]` generates for the seed's `tanh`
//! (`examples/tanh.rs`), with a comment on each step. The full, unedited expansion is the
//! `expand_tanh` snapshot, `autodiff-macro-core/src/snapshots/
//! autodiff_macro_core__tests__expand_tanh.snap`; copy from it again when the macro changes
//! (nothing checks the two against each other, but `main` checks that this file computes what
//! the generated functions compute, bit for bit).
//!
//! The macro emits, next to `tanh` as written:
//!
//! - `tanh_vjp_into(x, seed, d_x: &mut f64) -> f64`, the reverse-mode core: a forward sweep
//!   and a reverse sweep that adds `seed · tanh'(x)` into `*d_x`;
//! - `tanh_vjp(x, seed) -> (f64, f64)`, a wrapper that calls the core with a zeroed `d_x`;
//! - `tanh_jvp(x, tan_x) -> (f64, f64)`, forward mode: the value and `tanh'(x) · tan_x`;
//! - `tanh_grad`, `tanh_value_and_grad` and `tanh_grad_into`, one-line wrappers around
//!   `tanh_jvp(x, 1.0)`: `tanh` has one float parameter, so its gradient is taken in
//!   forward mode;
//! - `tanh_hvp(x, tan_x) -> f64`, which calls `__tanh_tangent_vjp_into`, the reverse sweep of
//!   `tanh_jvp`'s body (reverse over forward);
//! - `tanh_derivative()` (hidden), returning a unit struct `__tanh_rules` whose methods
//!   `pullback`, `tangent` and `tangent_pullback` wrap the above for other
//!   `#[differentiable]` functions that call `tanh`.
//!
//! Kept here: the bodies of `tanh_vjp_into` and `tanh_jvp`, statement for statement and with
//! the generated names. Changed: the core is renamed `tanh_vjp_expanded` and returns
//! `(value, gradient)` like `tanh_vjp` instead of adding into a destination (the last
//! statement, `*d_x = *d_x + __d_x`, became the returned `__d_x`); `tanh_jvp` is renamed
//! `tanh_jvp_expanded`; the `let _ = tanh;` that marks `tanh` as used is gone. Dropped: the
//! doc comments, the `#[inline]` and lint attributes (one `allow` per function remains), and the other
//! generated items listed above. Generated code reaches the runtime only through
//! `::autodiff::__private`, which is hidden and not public API: call `tanh_vjp` and
//! `tanh_jvp`, not this file's copies.

use autodiff::prelude::*;

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

// The body of `tanh_vjp_into`: the value of tanh and seed · d tanh/dx.
#[allow(unused_assignments, clippy::all)]
fn tanh_vjp_expanded(x: f64, seed: f64) -> (f64, f64) {
    // Every value the function computes gets a named slot (A-normal form); user variables
    // keep their names, temporaries are `__tN`, the result is `__out`.
    let mut __out: f64 = 0.0;
    let mut __t2: f64 = 0.0;
    let mut y: f64 = 0.0;
    let mut __t5: f64 = 0.0;
    let mut __t6: f64 = 0.0;

    // Forward sweep: the function, one operation per line. Nothing is overwritten, so
    // nothing is saved, and nothing is allocated.
    __t2 = -2.0 * x;
    y = __t2.exp();
    __t5 = 1.0 - y;
    __t6 = 1.0 + y;
    __out = __t5 / __t6;

    // Reverse sweep: the same lines backwards, each adjoint `__d_*` from its runtime rule.
    // Adjoints start at -0.0: the additive identity of floats (-0.0 + g is g for every g,
    // 0.0 + -0.0 is not -0.0). An adjoint that something reads again after its statement's
    // reverse (a variable assigned twice, or in a loop) is reset to -0.0 there; here every
    // variable is assigned once, so none is.
    let mut __d_x: f64 = -0.0;
    let mut __d_out: f64 = -0.0;
    let mut __d_t2: f64 = -0.0;
    let mut __d_y: f64 = -0.0;
    let mut __d_t5: f64 = -0.0;
    let mut __d_t6: f64 = -0.0;
    __d_out = seed;
    {
        // out = t5 / t6  ⇒  t̄5 += ōut / t6,  t̄6 += −ōut · out / t6
        let (__g0, __g1) = ::autodiff::__private::rules::div(__t6, __out, __d_out);
        __d_t5 = __d_t5 + __g0;
        __d_t6 = __d_t6 + __g1;
    }
    {
        // t6 = 1 + y  ⇒  ȳ += t̄6  (the literal gets nothing)
        let (_, __g1) = ::autodiff::__private::rules::add(__d_t6);
        __d_y = __d_y + __g1;
    }
    {
        // t5 = 1 − y  ⇒  ȳ −= t̄5: y is used twice, and accumulates once per use
        let (_, __g1) = ::autodiff::__private::rules::sub(__d_t5);
        __d_y = __d_y + __g1;
    }
    {
        // y = exp(t2)  ⇒  t̄2 += ȳ · y
        let __g0 = ::autodiff::__private::rules::exp(y, __d_y);
        __d_t2 = __d_t2 + __g0;
    }
    {
        // t2 = −2 · x  ⇒  x̄ += t̄2 · (−2)
        let (_, __g1) = ::autodiff::__private::rules::mul(-2.0, x, __d_t2);
        __d_x = __d_x + __g1;
    }
    // `tanh_vjp_into` ends with `*d_x = *d_x + __d_x; __out`.
    (__out, __d_x)
}

// The body of `tanh_jvp`: the value of tanh and tan_x · d tanh/dx, in one forward sweep.
#[allow(unused_assignments, clippy::all)]
fn tanh_jvp_expanded(x: f64, tan_x: f64) -> (f64, f64) {
    let mut __out: f64 = 0.0;
    let mut __t2: f64 = 0.0;
    let mut y: f64 = 0.0;
    let mut __t5: f64 = 0.0;
    let mut __t6: f64 = 0.0;
    // Each value's tangent, `__tan_*`, and the temporaries of the partials (`__t14`..).
    let mut __tan_out: f64 = 0.0;
    let mut __tan_t2: f64 = 0.0;
    let mut __tan_y: f64 = 0.0;
    let mut __tan_t5: f64 = 0.0;
    let mut __tan_t6: f64 = 0.0;
    let mut __t14: f64 = 0.0;
    let mut __t15: f64 = 0.0;
    let mut __t16: f64 = 0.0;
    let mut __t17: f64 = 0.0;
    let mut __t18: f64 = 0.0;
    let mut __t19: f64 = 0.0;
    let mut __t20: f64 = 0.0;
    // t2 = −2 · x  ⇒  ṫ2 = −2 · ẋ
    __tan_t2 = -2.0 * tan_x;
    __t2 = -2.0 * x;
    // y = exp(t2)  ⇒  ẏ = exp(t2) · ṫ2, reusing the value
    __t14 = __t2.exp();
    __tan_y = __t14 * __tan_t2;
    y = __t14;
    // t5 = 1 − y  ⇒  ṫ5 = −ẏ;  t6 = 1 + y  ⇒  ṫ6 = ẏ
    __tan_t5 = -__tan_y;
    __t5 = 1.0 - y;
    __tan_t6 = __tan_y;
    __t6 = 1.0 + y;
    // out = t5 / t6  ⇒  ȯut = ṫ5 / t6 − (t5 / t6) · (1 / t6) · ṫ6
    __t15 = __t5 / __t6;
    __t16 = 1.0 / __t6;
    __t17 = __t15 * __t16;
    __t18 = -__t17;
    __t19 = __t16 * __tan_t5;
    __t20 = __t18 * __tan_t6;
    __tan_out = __t19 + __t20;
    __out = __t15;
    (__out, __tan_out)
}

fn main() {
    let bits = |(a, b): (f64, f64)| (a.to_bits(), b.to_bits());
    for x in [-2.0, -0.5, 0.0, 1.0, 3.0] {
        let reverse = tanh_vjp_expanded(x, 1.0);
        assert_eq!(bits(reverse), bits(tanh_vjp(x, 1.0)));
        let forward = tanh_jvp_expanded(x, 1.0);
        assert_eq!(bits(forward), bits(tanh_jvp(x, 1.0)));
        assert_eq!(bits(forward), bits(tanh_value_and_grad(x)));
        println!(
            "x = {x:5}: tanh = {:.15}, d/dx = {:.15} (reverse), {:.15} (forward)",
            reverse.0, reverse.1, forward.1
        );
    }
}
