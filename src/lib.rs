//! Automatic differentiation of plain Rust functions, by source transformation: reverse mode,
//! forward mode and Hessian-vector products.
//!
//! Put `#[differentiable]` on a function of floats and call the generated gradient:
//!
//! ```
//! use autodiff::prelude::*;
//!
//! #[differentiable]
//! fn tanh(x: f64) -> f64 {
//!     let y = (-2.0 * x).exp();
//!     (1.0 - y) / (1.0 + y)
//! }
//!
//! let dx = tanh_grad(1.0);
//! assert!((dx - 0.419974341614026).abs() < 1e-14);
//! ```
//!
//! The macro reads the function and writes its adjoint as ordinary Rust next to it: no tape of
//! closures, no graph at run time. The original function is kept exactly as written, and
//! next to it, with the same visibility:
//!
//! | generated | signature | meaning |
//! |---|---|---|
//! | `NAME_grad` | `fn NAME_grad(<same params>) -> G` | the gradient |
//! | `NAME_value_and_grad` | `fn NAME_value_and_grad(<same params>) -> (R, G)` | value and gradient from one forward and one reverse sweep (for a function of one float, one forward-mode sweep: `NAME_jvp` with tangent 1) |
//! | `NAME_vjp` | `fn NAME_vjp(<same params>, seed: R) -> (R, G)` | reverse mode with any cotangent `seed` |
//! | `NAME_grad_into` | `fn NAME_grad_into(<same params>, <&mut destinations>) -> R` | adds the gradient into caller-owned buffers |
//! | `NAME_vjp_into` | `fn NAME_vjp_into(<same params>, seed: R, <&mut destinations>) -> R` | the same with any `seed`: the core the others wrap |
//! | `NAME_jvp` | `fn NAME_jvp(<same params>, <one tangent per differentiable parameter>) -> (R, R)` | forward mode: the value and its directional derivative |
//! | `NAME_hvp` | `fn NAME_hvp(<same params>, <one direction per differentiable parameter>) -> G` | the exact Hessian-vector product (float `R`) |
//!
//! ```
//! use autodiff::prelude::*;
//!
//! #[differentiable]
//! fn f(x: f64, y: f64) -> f64 {
//!     x * x * y
//! }
//!
//! assert_eq!(f_jvp(3.0, 2.0, 1.0, 0.0), (18.0, 12.0)); // ∂f/∂x = 2xy
//! assert_eq!(f_hvp(3.0, 2.0, 1.0, 0.0), (4.0, 6.0)); // the Hessian's first column: 2y, 2x
//! ```
//!
//! `G` is the gradient of the float parameters (a tuple when there are several), with the
//! owned type of each (`&[f64]` has a `Vec<f64>`); `#[differentiable(wrt(a, b))]` restricts
//! it to the parameters named. Other parameters (integers, `bool`, `&[usize]`, ...) pass
//! through. Only `NAME_vjp`, `NAME_vjp_into` and `NAME_jvp` exist when `R` is not a float.
//!
//! **Feature `second-order`** (default): `NAME_hvp`. Without it (`default-features = false`)
//! the attribute expands to about half as much code and the build is faster; a call of
//! `NAME_hvp` is then a compile error that says to turn the feature on.
//! [`differentiable`] documents each generated function, when it exists, the hidden
//! `NAME_derivative()` that lets differentiable functions call each other, and the
//! attribute's arguments, `wrt(...)` and `custom_vjp = path`.
//!
//! The derivative rule of every primitive lives in [`rules`]; [`check_grad`] compares a
//! gradient with central finite differences; [`jacobian`] and [`hessian`] build dense
//! matrices from the generated sweeps. See the README for the supported language and
//! what an error looks like.
//!
//! # Dual numbers
//!
//! [`Dual`] is forward-mode automatic differentiation of the other kind, by operator
//! overloading: a value with a tangent, `value + tangent·ε`, that implements [`Float`]. A
//! function written generically over `T: Float` can be evaluated at duals without any macro,
//! which makes them an independent reference for the generated code (the derivatives of
//! `Dual` are written on their own, not taken from [`rules`]); the differential tester
//! checks every generated gradient against them. Seed one input with
//! [`Dual::variable`] and the others with [`Dual::constant`] for one component of the
//! gradient, or every input with a tangent for a directional derivative:
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::Dual;
//!
//! #[differentiable]
//! fn f<T: Float>(x: T, y: T) -> T {
//!     x * y + x.sin()
//! }
//!
//! let (dx, dy) = f_grad(2.0, 3.0);
//! assert_eq!(f(Dual::variable(2.0), Dual::constant(3.0)).tangent, dx);
//! assert_eq!(f(Dual::constant(2.0), Dual::variable(3.0)).tangent, dy);
//!
//! // along v = (1, -2): the same directional derivative as the generated forward mode
//! let along = f(Dual::new(2.0, 1.0), Dual::new(3.0, -2.0));
//! let (value, slope) = f_jvp(2.0, 3.0, 1.0, -2.0);
//! assert_eq!(along.value, value);
//! assert!((along.tangent - slope).abs() < 1e-15);
//! ```
//!
//! Nest them, `Dual<Dual<f64>>`, for second derivatives.
//!
//! # argmin's solvers
//!
//! With the feature `argmin`, `autodiff::argmin::Objective` makes a function of a vector, its
//! generated gradient and its generated Hessian-vector product an argmin problem, for
//! argmin's L-BFGS, Newton-CG and trust-region solvers (re-exported as `autodiff::argmin::core`
//! and `autodiff::argmin::solver`).

pub use autodiff_macro::{differentiable, Differentiable};

pub use autodiff_runtime::rules;

#[cfg(feature = "argmin")]
pub mod argmin;

pub use autodiff_runtime::{
    abs, cos, cosh, dot, exp, fold_max, fold_min, ln, log, log10, log2, logsumexp, max, max_of,
    mean, min, min_of, norm, norm_squared, pow, powi, sin, sinh, softmax, sqrt, stop_gradient, sum,
    tan, tanh,
};
pub use autodiff_runtime::{check_grad, GradCheck};
pub use autodiff_runtime::{hessian, jacobian, jacobian_fwd, jacobian_fwd_lanes, jacobian_rev};
pub use autodiff_runtime::{Adam, Differentiable, Dual, Float, LaneShape, Lanes};

/// Everything a differentiable function needs: the attribute, the runtime's float functions
/// (`exp`, `ln`, `tanh`, `pow`, `powi`, ...) and slice functions (`dot`, `sum`, `mean`, `norm`,
/// `logsumexp`, `softmax`, ...), `stop_gradient`, `check_grad`, `Float` and the
/// `Differentiable` trait.
pub mod prelude {
    pub use autodiff_macro::{differentiable, Differentiable};
    pub use autodiff_runtime::{
        abs, check_grad, cos, cosh, dot, exp, fold_max, fold_min, hessian, jacobian, jacobian_fwd,
        jacobian_fwd_lanes, jacobian_rev, ln, log, log10, log2, logsumexp, max, max_of, mean, min,
        min_of, norm, norm_squared, pow, powi, sin, sinh, softmax, sqrt, stop_gradient, sum, tan,
        tanh, Adam, Differentiable, Float, GradCheck, Lanes,
    };
}

/// The paths generated code names (the tape, the cotangent traits, constants of a generic
/// float), and the runtime's internals. Not public API: nothing here is stable.
#[doc(hidden)]
pub mod __private {
    #[cfg(any(feature = "ndarray", feature = "nalgebra"))]
    pub use autodiff_runtime::tensor;
    pub use autodiff_runtime::{
        check_flat_len, constant, differentiable_value, dot, field_derivative, fold_max, fold_min,
        logsumexp, max_of, mean, min_of, no_gradient, norm, norm_squared, rules, softmax, sum,
        take_flat, tangent_or_zero, tangent_slice_or_zero, Accumulate, Cotangent, Counter,
        Differentiable, Field, FieldDerivative, Float, NoGradient, NoTangent, Recycle,
        RecycledTape, Reversing, SecondOrder, Tan, TangentArg, Tape, ThirdOrder, ZeroGrad,
    };
    pub use autodiff_runtime::{
        lanes_dot, lanes_mean, lanes_sum, zero_lanes, LaneShape, Lanes, NoLanes,
    };
    pub use num_traits::{One, Zero};
}
