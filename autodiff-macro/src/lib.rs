//! The `#[differentiable]` attribute of the `autodiff` crate. Use it through `autodiff`,
//! which re-exports it with the runtime the generated code calls.
//!
//! The pipeline (see `shared/design/ARCHITECTURE.md`): `parse` → `lower` (to the IR of
//! `ir`) → `analyse` → `sweep` (forward and reverse) → `emit`, driven by `expand`.

mod analyse;
mod ctxt;
mod emit;
mod expand;
mod ir;
mod lower;
mod parse;
mod sweep;
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Generates the reverse-mode derivative of a float function: `NAME_grad`,
/// `NAME_value_and_grad` and `NAME_vjp`, next to the function itself, which is kept as
/// written. See the `autodiff` crate for the contract and examples.
#[proc_macro_attribute]
pub fn differentiable(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::differentiable(args.into(), input.into()).into()
}
