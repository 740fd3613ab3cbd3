//! Sub-slices of float arrays: `&x[a..b]`, `&x[a..]`, `&x[..b]`, `&m[i][a..=b]`,
//! `x.split_at(k)`.
//!
//! A sub-slice is a view (`ArrayRef::view`): the array, its leading indices, and the bounds
//! as two more index operands, which the analyses read like any index. A view is passed
//! whole as `&x[a..b]` (to a rule, a callee) and its adjoint as `&mut __d_x[a..b]`, so the
//! gradient lands in the right range; an element of it, `w[j]`, is read as `x[a + j]`.

use super::{Lowerer, Val};
use crate::ir::{ArrayRef, Block, Op, Operand, SlotTy};
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::Expr;

impl Lowerer<'_> {
    /// `r[range]` for a vector or a row `r` (or a view of one).
    pub(super) fn sub_slice(
        &mut self,
        e: &Expr,
        mut r: ArrayRef,
        range: &syn::ExprRange,
        out: &mut Block,
    ) -> Val {
        let rank = self.arrays[r.array.0].rank;
        if r.dims().len() + 1 != rank {
            return self.unsupported(
                e,
                "sub-slices are taken of vectors and rows (`&x[a..b]`, `&m[i][a..b]`)",
            );
        }
        let start = match &range.start {
            Some(a) => {
                let a_tokens = self.opaque_tokens_of(a);
                self.usize_of(&a_tokens, a.span(), out)
            }
            None => Operand::Lit(quote!(0)),
        };
        let end = match (&range.end, &range.limits) {
            (Some(b), syn::RangeLimits::HalfOpen(_)) => {
                let b_tokens = self.opaque_tokens_of(b);
                self.usize_of(&b_tokens, b.span(), out)
            }
            (Some(b), syn::RangeLimits::Closed(_)) => {
                let b = self.opaque_tokens_of(b);
                self.usize_of(&quote!((#b) + 1), e.span(), out)
            }
            (None, _) => {
                let whole = self.array_tokens(&r);
                self.usize_of(&quote!(#whole.len()), e.span(), out)
            }
        };
        // A view of a view: the bounds in the array.
        let (start, end) = match r.bounds() {
            Some((s0, _)) => {
                let s0 = crate::ir::walk::operand_tokens(&self.slots, s0);
                let (a, b) = (
                    crate::ir::walk::operand_tokens(&self.slots, &start),
                    crate::ir::walk::operand_tokens(&self.slots, &end),
                );
                let start = self.usize_of(&quote!(#s0 + #a), e.span(), out);
                let end = self.usize_of(&quote!(#s0 + #b), e.span(), out);
                r.index.truncate(r.index.len() - 2);
                r.view = false;
                (start, end)
            }
            None => (start, end),
        };
        // Rust's own check, with its message, before anything reads the view.
        let whole = self.array_tokens(&r);
        let (a, b) = (
            crate::ir::walk::operand_tokens(&self.slots, &start),
            crate::ir::walk::operand_tokens(&self.slots, &end),
        );
        out.push(crate::ir::Stmt::Opaque(quote!(let _ = &#whole[#a..#b];)));
        r.index.push(start);
        r.index.push(end);
        r.view = true;
        Val::Array(r)
    }

    /// The element `j` of the view `r`: the same element of the array, `x[a + j]`.
    pub(super) fn view_element(
        &mut self,
        r: &ArrayRef,
        j: Operand,
        span: proc_macro2::Span,
        out: &mut Block,
    ) -> ArrayRef {
        let (start, end) = r.bounds().expect("a view");
        let (start, end, j) = (
            crate::ir::walk::operand_tokens(&self.slots, start),
            crate::ir::walk::operand_tokens(&self.slots, end),
            crate::ir::walk::operand_tokens(&self.slots, &j),
        );
        // Out of the view is out of bounds, as for the slice itself.
        let at = self.usize_of(
            &quote!({
                let __j: usize = #j;
                ::core::assert!(__j < #end - #start, "index out of bounds: the len is {} but the index is {}", #end - #start, __j);
                #start + __j
            }),
            span,
            out,
        );
        let mut index = r.dims().to_vec();
        index.push(at);
        ArrayRef {
            array: r.array,
            index,
            view: false,
        }
    }

    /// `x.split_at(k)`: the views `x[..k]` and `x[k..]`.
    pub(super) fn split_at(&mut self, e: &Expr, r: ArrayRef, k: &Expr, out: &mut Block) -> Val {
        let k = self.opaque_tokens_of(k);
        let k = self.usize_of(&k, e.span(), out);
        let kt = crate::ir::walk::operand_tokens(&self.slots, &k);
        let head: syn::ExprRange = syn::parse_quote!(..#kt);
        let tail: syn::ExprRange = syn::parse_quote!(#kt..);
        let a = self.sub_slice(e, r.clone(), &head, out);
        let b = self.sub_slice(e, r, &tail, out);
        Val::Tuple(vec![a, b])
    }

    /// `x[i][a..b]`: the forward-sweep tokens of an array, a row or a view; `p.w[a..b]` for a
    /// vector inside a parameter (its array is named after the parameter).
    pub(super) fn array_tokens(&self, r: &ArrayRef) -> TokenStream {
        let array = &self.arrays[r.array.0];
        let name = &array.name;
        let dims: Vec<TokenStream> = r
            .dims()
            .iter()
            .map(|op| crate::ir::walk::operand_tokens(&self.slots, op))
            .collect();
        let mut tokens = array.element_with(&quote!(#name), &dims, false);
        if let Some((a, b)) = r.bounds() {
            let (a, b) = (
                crate::ir::walk::operand_tokens(&self.slots, a),
                crate::ir::walk::operand_tokens(&self.slots, b),
            );
            tokens.extend(quote!([#a..#b]));
        }
        tokens
    }

    /// The value of the non-float expression `tokens` in a new `usize` slot.
    fn usize_of(
        &mut self,
        tokens: &TokenStream,
        span: proc_macro2::Span,
        out: &mut Block,
    ) -> Operand {
        let t = self.temp(SlotTy::Usize);
        self.assign(out, t, Op::Const(tokens.clone()), vec![], true, span);
        Operand::Slot(t)
    }

    fn opaque_tokens_of(&mut self, e: &Expr) -> TokenStream {
        self.opaque_tokens(e)
    }
}
