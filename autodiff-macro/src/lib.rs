//! The `#[differentiable]` attribute of the `autodiff` crate. Use it through `autodiff`,
//! which re-exports it with the runtime the generated code calls. The transform itself is
//! `autodiff-macro-core`, a library on `proc_macro2` token streams.

use proc_macro::TokenStream;

/// Differentiates a function of floats by source transformation: the function is kept
/// exactly as written, and its derivatives are generated next to it as plain Rust, with the
/// same visibility.
///
/// ```
/// use autodiff::prelude::*;
///
/// #[differentiable]
/// fn tanh(x: f64) -> f64 {
///     let y = (-2.0 * x).exp();
///     (1.0 - y) / (1.0 + y)
/// }
///
/// #[differentiable(wrt(w))]
/// fn loss(w: &[f64], xs: &[[f64; 2]], ys: &[f64]) -> f64 {
///     let mut l = 0.0;
///     for (i, x) in xs.iter().enumerate() {
///         let r = dot(x, w) - ys[i];
///         l += r * r;
///     }
///     l
/// }
///
/// assert!((tanh_grad(1.0) - 0.419974341614026).abs() < 1e-14);
/// let g: Vec<f64> = loss_grad(&[1.0, 2.0], &[[1.0, 0.0], [0.0, 1.0]], &[0.0, 0.0]);
/// assert_eq!(g, vec![2.0, 4.0]);
/// ```
///
/// # What is generated
///
/// For `fn NAME(<params>) -> R`, with `G` the gradient of the differentiable parameters (the
/// gradient itself when there is one, else a tuple of them in parameter order; each has the
/// owned type of its parameter: `&[f64]` gives `Vec<f64>`, `[f64; N]` gives `[f64; N]`):
///
/// | generated | signature | exists |
/// |---|---|---|
/// | `NAME_grad` | `fn NAME_grad(<params>) -> G` | `R` is a float |
/// | `NAME_value_and_grad` | `fn NAME_value_and_grad(<params>) -> (R, G)` | `R` is a float |
/// | `NAME_vjp` | `fn NAME_vjp(<params>, seed: R) -> (R, G)` | always |
/// | `NAME_grad_into` | `fn NAME_grad_into(<params>, <one &mut destination per differentiable parameter>) -> R` | `R` is a float |
/// | `NAME_vjp_into` | `fn NAME_vjp_into(<params>, seed: R, <destinations>) -> R` | always |
/// | `NAME_jvp` | `fn NAME_jvp(<params>, <one tangent per differentiable parameter, of its type>) -> (R, R)` | always, except with `custom_vjp` when `R` is not a float |
/// | `NAME_hvp` | `fn NAME_hvp(<params>, <one direction per differentiable parameter>) -> G` | `R` is a float |
/// | `NAME_derivative` (hidden) | `fn NAME_derivative() -> <unnamed type>` | always |
///
/// - `NAME_grad` is the gradient; `NAME_value_and_grad` also returns the value, from the
///   same sweeps. When the function has a single differentiable parameter, a float, and no
///   `custom_vjp`, these two and `NAME_grad_into` are forward mode (`NAME_jvp` with tangent
///   1); otherwise one forward and one reverse sweep.
/// - `NAME_vjp` is reverse mode with any cotangent `seed` of the return type (the
///   vector-Jacobian product); for a return type that is not a float (`[F; N]`, `Vec<F>`,
///   tuples) it and `NAME_vjp_into` are the only reverse-mode functions.
/// - `NAME_grad_into` and `NAME_vjp_into` *add* the gradient into caller-owned
///   destinations and return the value; they never zero them. A destination has the mutable
///   form of the gradient: `&mut F`, `&mut [F]` for a slice or vector, `&mut [F; N]`,
///   `&mut [[F; N]]` or `&mut [Vec<F>]` for a matrix of rows; a wrong length panics with
///   both lengths.
/// - `NAME_jvp` is forward mode: the value and its directional derivative along the
///   tangents (the Jacobian-vector product), in one sweep.
/// - `NAME_hvp` is the exact Hessian-vector product, by reverse mode over the forward sweep.
///   With `custom_vjp` it panics, since the rule gives no second derivative. It needs the
///   `second-order` feature of `autodiff` (on by default); without it, a call of `NAME_hvp`
///   is a compile error that says so, and the build is faster.
/// - `NAME_derivative()` is hidden: its value carries `NAME`'s derivative rules, which
///   other `#[differentiable]` functions that call `NAME` use. Where `NAME` is imported by
///   name into a module that calls it, import `NAME_derivative` with it.
///
/// The float shapes the transform reads are `F` (`f64`, `f32` or a type parameter bounded by
/// `Float`), `[F; N]`, `&[F]`, `Vec<F>`, `&Vec<F>`, `&[[F; N]]`, `[[F; N]; M]`, `&[Vec<F>]`
/// and `Vec<Vec<F>>`. A parameter whose type visibly holds no float (integers, `bool`, `char`,
/// `&str`, `String`, and references, slices, arrays, tuples, `Vec`s, `Option`s and `Box`es of
/// those) is passed through and gets no gradient, and so is one that `wrt(...)` leaves out.
/// Every other parameter (a struct, `Option<f64>`, a type alias) has a gradient of its owned
/// type (`S` for `&S`, `Vec<S>` for `&[S]`) and must implement `autodiff::Differentiable`:
/// one that does not is a compile error on the parameter. The body cannot read into such a
/// parameter yet (a read is a compile error); leave it out with `wrt(...)` to read it as data.
///
/// # Arguments
///
/// - `#[differentiable(wrt(a, b))]`: differentiate with respect to the float parameters
///   named only; `G`, the destinations, tangents and directions are then those of `a` and
///   `b`, in parameter order.
/// - `#[differentiable(custom_vjp = path)]`: keep the body for the value, and take the
///   gradient from `path(<params>, value: R, seed: R) -> G` instead of transforming the body
///   (which may then call anything: another crate, a C library). The rule is used by the
///   generated functions and wherever differentiable code calls `NAME`; its signature is
///   checked. It cannot be combined with `wrt`.
///
/// What cannot be differentiated is a compile error on the offending code, and the
/// function is still emitted, with stubs of the generated ones. See the `autodiff` crate and
/// its README for the supported language.
#[proc_macro_attribute]
pub fn differentiable(args: TokenStream, input: TokenStream) -> TokenStream {
    autodiff_macro_core::differentiable(args.into(), input.into()).into()
}

/// Derives `autodiff::Differentiable` for a struct with named fields or a tuple struct,
/// generic ones included: a gradient of the struct's own shape.
///
/// A field has a derivative unless it is marked `#[no_derivative]` or its type holds no
/// float (integers, `bool`, `String`, and `Vec`s, arrays and tuples of those); a field with a
/// derivative must be `Differentiable` itself (a float, a `Vec` or array of floats, another
/// derived struct, ...), with the struct's scalar. Fields without a derivative are copied
/// into a gradient and left alone by `add_scaled`, `dot`, `to_flat` and `from_flat`.
///
/// ```
/// use autodiff::prelude::*;
///
/// #[derive(Clone, Debug, PartialEq, Differentiable)]
/// struct Layer {
///     w: Vec<f64>,
///     b: f64,
///     width: usize,
///     #[no_derivative]
///     scale: f64,
/// }
///
/// let layer = Layer { w: vec![1.0, 2.0], b: 0.5, width: 2, scale: 3.0 };
/// assert_eq!(layer.to_flat(), [1.0, 2.0, 0.5]);
/// let zero = layer.zeros_like();
/// assert_eq!(zero, Layer { w: vec![0.0, 0.0], b: 0.0, width: 2, scale: 3.0 });
/// ```
#[proc_macro_derive(Differentiable, attributes(no_derivative))]
pub fn derive_differentiable(input: TokenStream) -> TokenStream {
    autodiff_macro_core::derive_differentiable(input.into()).into()
}
