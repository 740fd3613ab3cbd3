//! Runtime support for the `autodiff` crate: derivative rules, the record
//! tape, gradient checking and cotangent accumulation.
//!
//! The `#[differentiable]` attribute (in `autodiff-macro`) rewrites a plain
//! Rust function into a *forward sweep*, which computes the primal values
//! exactly as the original code did, followed by a *reverse sweep*, which walks
//! the operations backwards and propagates cotangents (adjoints, "bar"
//! values) from the output to the inputs. The reverse sweep does no calculus of
//! its own: for every primitive operation it calls one function of
//! [`rules`].
//!
//! # What a rule is
//!
//! A rule is the vector–Jacobian product of one primitive. For a primitive
//! `y = f(x₁, …, xₖ)` and an output cotangent `ȳ` (the *seed*), the rule
//! returns the input cotangents `x̄ᵢ = ȳ · ∂f/∂xᵢ`. Rules are pure, `#[inline]`,
//! allocation-free functions, generic over [`Float`].
//!
//! # Calling convention
//!
//! This is a fixed contract between the macro and this crate:
//!
//! 1. Every rule is named after its primitive (`rules::mul`, `rules::sin`,
//!    `rules::powf`, …) and is generic `<F: Float>`.
//! 2. Its arguments are the primal values the derivative needs — some of the
//!    inputs, and/or the primal output, always named `out` — in the order
//!    given by the signature, followed by the output cotangent `seed`, which
//!    is always **last**. Rules that need no primal value (such as
//!    [`rules::add`]) take only the seed. Integer arguments (the exponent of
//!    [`rules::powi`]) are passed through unchanged.
//! 3. The result is the cotangent of each differentiable input: a single `F`
//!    for a one-input primitive, a tuple in input order otherwise (for
//!    `a.mul_add(b, c)` that is `(ā, b̄, c̄)`).
//! 4. Rules never panic. NaN and infinity propagate; the documented
//!    conventions at non-differentiable points (e.g. [`rules::abs`] at 0,
//!    ties in [`rules::max`]) match those of JAX and PyTorch.
//!
//! # How generated code calls the rules
//!
//! For `fn f(a: f64, b: f64) -> f64 { a * b + a.sin() }` the generated
//! gradient code is, in essence:
//!
//! ```
//! use autodiff_runtime::rules;
//!
//! fn f_grad(a: f64, b: f64, seed: f64) -> (f64, (f64, f64)) {
//!     // forward sweep: the primal computation, keeping what the rules need
//!     let t0 = a * b;
//!     let t1 = a.sin();
//!     let y = t0 + t1;
//!     // reverse sweep: one rule call per operation, in reverse order
//!     let (mut a_bar, mut b_bar) = (0.0, 0.0);
//!     let (t0_bar, t1_bar) = rules::add(seed);
//!     a_bar += rules::sin(a, t1_bar);
//!     let (da, db) = rules::mul(a, b, t0_bar);
//!     a_bar += da;
//!     b_bar += db;
//!     (y, (a_bar, b_bar))
//! }
//!
//! let (y, (da, db)) = f_grad(2.0, 3.0, 1.0);
//! assert_eq!(y, 6.0 + 2.0_f64.sin());
//! assert_eq!((da, db), (3.0 + 2.0_f64.cos(), 2.0));
//! ```
//!
//! Loops and branches record what the reverse sweep needs on a [`Tape`];
//! gradients of aggregates are zeroed and accumulated through [`Cotangent`];
//! [`check_grad`] compares any gradient with central finite differences.
//!
//! The free functions re-exported at the crate root ([`exp`], [`pow`],
//! [`stop_gradient`], …) are the primal spellings users may call inside
//! differentiable code.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod rules;

mod calls;
mod check;
mod consts;
mod cotangent;
mod dense;
mod differentiable;
mod dual;
mod field;
mod fields;
mod lanes;
mod optim;
mod primal;
mod tape;
#[cfg(any(feature = "ndarray", feature = "nalgebra"))]
pub mod tensor;

#[doc(hidden)]
pub use calls::{IntoTangent, NoTangent, Tan, TangentArg};
pub use check::{check_grad, GradCheck};
pub use consts::constant;
pub use cotangent::{Accumulate, Cotangent, ZeroGrad};
pub use dense::{hessian, jacobian, jacobian_fwd, jacobian_fwd_lanes, jacobian_rev};
pub use differentiable::{
    check_flat_len, take_flat, Differentiable, NoLanes, SecondOrder, ThirdOrder,
};
pub use dual::Dual;
#[doc(hidden)]
pub use field::Field;
#[doc(hidden)]
pub use fields::{
    differentiable_value, field_derivative, no_gradient, tangent_or_zero, tangent_slice_or_zero,
    FieldDerivative, NoGradient,
};
#[doc(hidden)]
pub use lanes::{lanes_dot, lanes_mean, lanes_sum, zero_lanes};
pub use lanes::{LaneShape, Lanes};
pub use num_traits::Float;
pub use optim::Adam;
pub use primal::*;
pub use tape::{Counter, Recycle, RecycledTape, Reversing, Tape};
