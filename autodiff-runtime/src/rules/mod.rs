//! Derivative rules: one vector–Jacobian product per primitive.
//!
//! Every rule follows the crate-wide calling convention (see the
//! [crate documentation](crate)): primal values first (inputs and/or the
//! primal output `out`), the output cotangent `seed` last, and the input
//! cotangents returned — one `F`, or a tuple in input order.
//!
//! All rules live flat in this module, so generated code calls them as
//! `autodiff_runtime::rules::mul(a, b, seed)` whatever file defines them.
//! Scalar primitives are defined in `scalar.rs`; further families (such as
//! reductions) are added as sibling files re-exported the same way.
//!
//! # Slice primitives
//!
//! The rules of the slice primitives ([`dot`], [`sum`], [`mean`], [`norm`],
//! [`norm_squared`], [`logsumexp`], [`softmax`], [`max_of`], [`min_of`],
//! [`fold_max`], [`fold_min`],
//! defined in `reduce.rs`) extend the convention so that they never allocate:
//!
//! 1. After the primal values and the `seed` (an `F` for a scalar output; a
//!    slice for [`softmax`], whose output is a vector) come the cotangent
//!    buffers: one `Option<&mut [F]>` per slice input, in input order.
//! 2. The rule **adds** each input's cotangent into its buffer, element by
//!    element, and returns nothing; it never overwrites, so several uses of
//!    a variable accumulate into one buffer. `None` means that input needs no
//!    gradient, and its work is skipped.
//! 3. The slices a rule is given (inputs and `Some` buffers) must have the
//!    same length; otherwise the rule panics at the caller's location, naming
//!    the rule and both lengths, e.g.
//!    `rules::dot: the slices have different lengths (a: 3, da: 2)`. This is
//!    the only way a rule panics; NaN and infinity still propagate.
//!
//! Buffers come from [`ZeroGrad`](crate::ZeroGrad), which gives a zero
//! gradient of the right shape for any parameter type; `Some(&mut x_bar)`
//! coerces a `&mut Vec<F>` or `&mut [F; N]` to the `&mut [F]` expected
//! (`Some(&mut x_bar[..])` spells it out):
//!
//! ```
//! use autodiff_runtime::{rules, ZeroGrad};
//!
//! // y = dot(x, w) + sum(x), gradient with respect to `x` only
//! fn f_grad(x: &[f64], w: &[f64], seed: f64) -> (f64, Vec<f64>) {
//!     let t0 = autodiff_runtime::dot(x, w);
//!     let t1 = autodiff_runtime::sum(x);
//!     let y = t0 + t1;
//!     let mut x_bar = ZeroGrad::zero_grad(&x);
//!     let (t0_bar, t1_bar) = rules::add(seed);
//!     rules::sum(t1_bar, Some(&mut x_bar));
//!     rules::dot(x, w, t0_bar, Some(&mut x_bar), None);
//!     (y, x_bar)
//! }
//!
//! let (y, x_bar) = f_grad(&[1.0, 2.0], &[3.0, -1.0], 1.0);
//! assert_eq!(y, 1.0 + 3.0);
//! assert_eq!(x_bar, [1.0 + 3.0, 1.0 - 1.0]);
//! ```

mod reduce;
mod scalar;
pub mod tangent;

pub use reduce::*;
pub use scalar::*;
