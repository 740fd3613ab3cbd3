//! The transform behind `#[differentiable]`, as a library on `proc_macro2` token streams, so
//! that it can be tested, fuzzed and snapshotted outside a proc-macro crate.
//!
//! The pipeline (see `docs/ARCHITECTURE.md` at the repository's root): `parse` → `lower` (to
//! the IR of `ir`) → `analyse` → `sweep` (forward and reverse) → `emit`, with `tangent` (IR
//! to IR) for forward mode, driven by `expand`.

mod analyse;
mod ctxt;
mod derive;
mod emit;
mod expand;
mod ir;
mod lower;
mod names;
mod parse;
mod sweep;
mod symbol;
mod tangent;
#[cfg(test)]
mod tests;

/// Whether `NAME_hvp` and the second-order rules callers need are generated (the
/// `second-order` feature, on by default); without it `NAME_hvp` is a stub whose call does
/// not compile.
const SECOND_ORDER: bool = cfg!(feature = "second-order");

/// Whether `NAME_jvp_lanes` and the lanes rules callers need are generated (the `lanes`
/// feature, off by default); without it nothing of them is.
fn lanes() -> bool {
    #[cfg(test)]
    if let Some(on) = tests::LANES.with(std::cell::Cell::get) {
        // The snapshots are of the default build, whatever features the workspace unifies.
        return on;
    }
    cfg!(feature = "lanes")
}

/// Expands `#[derive(Differentiable)]` on a struct: the runtime's `Differentiable` trait,
/// field by field, or a compile error. Never panics.
pub fn derive_differentiable(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    derive::differentiable(input)
}

/// Expands `#[differentiable(args)] item`: the item unchanged and the generated functions, or
/// the item, stubs of the generated functions and compile errors. Never panics.
pub fn differentiable(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    expand::differentiable(args, item)
}
