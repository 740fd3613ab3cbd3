//! What `#[differentiable]` writes for the seed's `tanh` (`examples/tanh.rs`), as
//! `cargo expand` shows it, with the lint attributes and doc comments left out and a comment
//! on each step. The code below is the body of the generated core, `tanh_vjp_into`, verbatim
//! otherwise, returning the gradient instead of adding it into a destination; `tanh_vjp`,
//! `tanh_grad`, `tanh_value_and_grad` and `tanh_grad_into` are one-line wrappers around that
//! core. `main` checks that it agrees with the generated function. Regenerate it from the
//! `expand_tanh` snapshot in `autodiff-macro-core/src/snapshots/` when the macro changes.

use autodiff::prelude::*;

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

// `tanh_vjp(x, seed)`: the value of tanh and seed · d tanh/dx.
#[allow(unused_assignments, clippy::all)]
fn tanh_vjp_expanded(x: f64, seed: f64) -> (f64, f64) {
    // Every value the function computes gets a named slot (A-normal form).
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

    // Reverse sweep: the same lines backwards, each adjoint from its runtime rule.
    let mut __d_x: f64 = 0.0;
    let mut __d_out: f64 = 0.0;
    let mut __d_t2: f64 = 0.0;
    let mut __d_y: f64 = 0.0;
    let mut __d_t5: f64 = 0.0;
    let mut __d_t6: f64 = 0.0;
    __d_out = seed;
    {
        // out = t5 / t6  ⇒  t̄5 += ōut / t6,  t̄6 += −ōut · out / t6
        let (__g0, __g1) = ::autodiff::__private::rules::div(__t6, __out, __d_out);
        __d_out = 0.0;
        __d_t5 = __d_t5 + __g0;
        __d_t6 = __d_t6 + __g1;
    }
    {
        // t6 = 1 + y  ⇒  ȳ += t̄6  (the literal gets nothing)
        let (_, __g1) = ::autodiff::__private::rules::add(__d_t6);
        __d_t6 = 0.0;
        __d_y = __d_y + __g1;
    }
    {
        // t5 = 1 − y  ⇒  ȳ −= t̄5: y is used twice, and accumulates once per use
        let (_, __g1) = ::autodiff::__private::rules::sub(__d_t5);
        __d_t5 = 0.0;
        __d_y = __d_y + __g1;
    }
    {
        // y = exp(t2)  ⇒  t̄2 += ȳ · y
        let __g0 = ::autodiff::__private::rules::exp(y, __d_y);
        __d_y = 0.0;
        __d_t2 = __d_t2 + __g0;
    }
    {
        // t2 = −2 · x  ⇒  x̄ += t̄2 · (−2)
        let (_, __g1) = ::autodiff::__private::rules::mul(-2.0, x, __d_t2);
        __d_t2 = 0.0;
        __d_x = __d_x + __g1;
    }
    (__out, __d_x)
}

fn main() {
    for x in [-2.0, -0.5, 0.0, 1.0, 3.0] {
        let expanded = tanh_vjp_expanded(x, 1.0);
        let generated = tanh_vjp(x, 1.0);
        assert_eq!(expanded, generated);
        println!(
            "x = {x:5}: tanh = {:.15}, d/dx = {:.15}",
            expanded.0, expanded.1
        );
    }
}
