//! The `#[differentiable]` attribute of the `autodiff` crate. Use it through `autodiff`,
//! which re-exports it with the runtime the generated code calls. The transform itself is
//! `autodiff-macro-core`, a library on `proc_macro2` token streams.

use proc_macro::TokenStream;

/// Generates the reverse-mode derivative of a float function: `NAME_grad`,
/// `NAME_value_and_grad`, `NAME_vjp`, `NAME_grad_into` and `NAME_vjp_into`, next to the
/// function itself, which is kept as written. See the `autodiff` crate for the contract and
/// examples.
#[proc_macro_attribute]
pub fn differentiable(args: TokenStream, input: TokenStream) -> TokenStream {
    autodiff_macro_core::differentiable(args.into(), input.into()).into()
}
