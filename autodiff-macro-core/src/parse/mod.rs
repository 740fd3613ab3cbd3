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
use quote::quote;
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

    /// The synthetic function `name(<f's params>, <tangents>) -> ret`: the parameters of
    /// `f`, then a tangent (of the same type) for each parameter `with` marks, named
    /// `tangent_names`, differentiated as `diff` says. Forward mode's functions are such
    /// functions, so the sweeps and emitters of reverse mode apply to them unchanged.
    pub fn synthetic(
        &self,
        with: &[bool],
        tangent_names: &[syn::Ident],
        name: syn::Ident,
        ret: syn::Type,
        diff: Diff,
    ) -> Function {
        let mut item = self.item.clone();
        item.attrs.clear();
        item.sig.ident = name;
        item.sig.output = syn::parse_quote!(-> #ret);
        let mut params = self.params.clone();
        for p in &mut params {
            if let ParamKind::Float { diff: d, .. } = &mut p.kind {
                *d = match diff {
                    Diff::Nothing => false,
                    Diff::Primal => *d,
                    Diff::AllFloats => true,
                };
            }
        }
        let tangent_params = self
            .params
            .iter()
            .zip(with)
            .filter_map(|(p, w)| match &p.kind {
                ParamKind::Float { shape, .. } if *w => Some((p, shape)),
                _ => None,
            })
            .zip(tangent_names);
        for ((p, shape), ident) in tangent_params {
            let ty = p.tangent_ty();
            item.sig.inputs.push(syn::parse_quote!(#ident: #ty));
            params.push(Param {
                ident: ident.clone(),
                ty: ty.clone(),
                kind: ParamKind::Float {
                    diff: matches!(diff, Diff::AllFloats | Diff::Primal),
                    shape: shape.clone(),
                },
            });
        }
        let ret_shape = if quote!(#ret).to_string() == {
            let r = &self.ret;
            quote!(#r).to_string()
        } {
            self.ret_shape.clone()
        } else {
            RetShape::Tuple(vec![self.ret_shape.clone(), self.ret_shape.clone()])
        };
        Function {
            item,
            params,
            float: self.float.clone(),
            ret,
            ret_shape,
        }
    }
}

/// Which parameters a synthetic function differentiates.
#[derive(Clone, Copy)]
pub enum Diff {
    /// None: the function is only run forward.
    Nothing,
    /// The user's differentiable parameters (`wrt`) and their tangents, not the floats
    /// `wrt` leaves out (the reverse sweep of a tangent body gives `H·v` for the first and
    /// `∇f` for the second).
    Primal,
    /// Every float parameter, the tangents included.
    AllFloats,
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
