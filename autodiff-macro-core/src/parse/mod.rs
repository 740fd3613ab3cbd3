//! Stage 1: read the attribute and the function, classify the signature, and reject what the
//! transform does not take, with every error collected in the `Ctxt`.
//!
//! Takes the attribute's tokens and the `syn::ItemFn`. Guarantees, when it reports no error:
//! every parameter is bound to a plain name and classified (`ParamKind`): a float shape the
//! transform reads, a type it cannot see into (`Shape::Opaque`, which generated code requires
//! to be `Differentiable`), or data passed through; `wrt(...)` names only parameters with a
//! gradient; the function has one float type and a return value made of it. Depends on
//! `ctxt` and `symbol` only.

pub mod args;
pub mod signature;

use crate::ctxt::Ctxt;
pub use args::Args;
pub use signature::{FloatTy, Param, ParamKind, RetShape, Shape};
use syn::ItemFn;

/// A function accepted for differentiation.
#[derive(Clone)]
pub struct Function {
    pub item: ItemFn,
    pub params: Vec<Param>,
    pub float: FloatTy,
    pub ret: syn::Type,
    pub ret_shape: RetShape,
}

impl Function {
    pub fn name(&self) -> &syn::Ident {
        &self.item.sig.ident
    }
}

/// Parses `item` as a function and classifies its signature.
pub fn function(cx: &Ctxt, args: &Args, item: ItemFn) -> Option<Function> {
    let sig = signature::classify(cx, args, &item.sig)?;
    Some(Function {
        item,
        params: sig.params,
        float: sig.float,
        ret: sig.ret,
        ret_shape: sig.ret_shape,
    })
}
