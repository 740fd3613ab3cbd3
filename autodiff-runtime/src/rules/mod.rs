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

mod scalar;

pub use scalar::*;
