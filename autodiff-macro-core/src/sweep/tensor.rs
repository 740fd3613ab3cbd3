//! The sweeps of an operation on ndarray or nalgebra values (`Op::Tensor`), and of any
//! assignment to such a value: each is a call of the runtime's `tensor::NAME`, reversed by
//! `tensor::NAME_rev`, which adds into the operands' accumulators (see
//! `autodiff_runtime::tensor`).

use super::Sweeper;
use crate::ir::walk::slot_of;
use crate::ir::{Assign, Op, Operand, SlotTy};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

impl Sweeper<'_> {
    /// An operand as a tensor operation takes it: a reference to a slot, or to a literal
    /// of the function's float type.
    fn tensor_operand(&self, op: &Operand, data: bool) -> TokenStream {
        match op {
            Operand::Lit(lit) if data => quote!(&(#lit)),
            Operand::Slot(s) => {
                let name = &self.body.slot(*s).name;
                quote!(&#name)
            }
            Operand::Lit(lit) => match self.f.float {
                crate::parse::FloatTy::Generic(_) => quote!(&(#lit)),
                _ => {
                    let float = self.float();
                    quote!(&(#lit as #float))
                }
            },
        }
    }

    /// `tensor::NAME(&a, ..)`.
    pub(super) fn tensor_primal(
        &self,
        op: &crate::symbol::tensor::TensorOp,
        a: &Assign,
    ) -> TokenStream {
        let name = format_ident!("{}", op.name);
        let args = a
            .args
            .iter()
            .enumerate()
            .map(|(i, o)| self.tensor_operand(o, i >= op.diff));
        quote_spanned!(a.span=> ::autodiff::__private::tensor::#name(#(#args),*))
    }

    // Input:  h = tensor::dot(&x, &w);
    // Output: reverse:  if let Some(__seed) = tensor::take_seed(&mut __d_h) {
    //                       tensor::dot_rev(&x, &w, &h, &__seed, None, Some(&mut __d_w));
    //                   }
    /// The reverse of an assignment of a tensor operation, or of a constant to a value.
    pub(super) fn tensor_adjoint(&mut self, a: &Assign, restore: TokenStream) -> TokenStream {
        let d_dst = self.adjoint(a.dst).clone();
        let dst = &self.body.slots[a.dst.0].name;
        let value_dst = self.body.slots[a.dst.0].ty == SlotTy::Value;
        let seed = self.names.namer.fresh("__seed");
        if let (Op::Read(r), true) = (&a.op, value_dst) {
            // y = m.w (a field read whole)  ⇒  m̄.w += ȳ
            let add = if self.an.is_array_active(r.array) {
                let field = self.adjoint_element(r);
                let add = quote!(::autodiff::__private::tensor::add_grad(&mut #field, &#seed););
                match self.body.array(r.array).guard() {
                    Some(guard) => quote!(if #guard { #add }),
                    None => add,
                }
            } else {
                quote!()
            };
            return quote!({
                #restore
                if let ::core::option::Option::Some(#seed) = ::autodiff::__private::tensor::take_seed(&mut #d_dst) {
                    #add
                }
            });
        }
        let Op::Tensor(op) = &a.op else {
            // A constant (`Array2::zeros(..)`): nothing flows back; the adjoint restarts.
            let clear = if value_dst {
                quote!(let _ = ::autodiff::__private::tensor::take_seed(&mut #d_dst);)
            } else {
                let zero = self.f.float.adjoint_zero();
                quote!(#d_dst = #zero;)
            };
            return quote!({ #restore #clear });
        };
        // The value this statement computed, before `restore` puts back the one it overwrote.
        let y = &self.names.out_value;
        let (keep, out_value) = if restore.is_empty() {
            (quote!(), quote!(&#dst))
        } else {
            (quote!(let #y = ::core::mem::take(&mut #dst);), quote!(&#y))
        };
        let operands: Vec<TokenStream> = a
            .args
            .iter()
            .enumerate()
            .map(|(i, o)| self.tensor_operand(o, i >= op.diff))
            .collect();
        let sinks: Vec<Option<TokenStream>> = a.args[..op.diff]
            .iter()
            .map(|o| {
                slot_of(o).filter(|s| self.an.is_active(*s)).map(|s| {
                    let d = self.adjoint(s);
                    quote!(::core::option::Option::Some(&mut #d))
                })
            })
            .collect();
        // One operand passed twice (`x * x`) gets one call per occurrence, as two `&mut` to
        // its accumulator cannot coexist.
        let active: Vec<Option<crate::ir::SlotId>> = a.args[..op.diff]
            .iter()
            .map(|o| slot_of(o).filter(|s| self.an.is_active(*s)))
            .collect();
        let aliased = active
            .iter()
            .enumerate()
            .any(|(i, s)| s.is_some() && active[..i].iter().any(|t| t.is_some() && t == s));
        let groups: Vec<Vec<usize>> = if aliased {
            (0..op.diff)
                .filter(|i| active[*i].is_some())
                .map(|i| vec![i])
                .collect()
        } else {
            vec![(0..op.diff).collect()]
        };
        let rev = format_ident!("{}_rev", op.name);
        let calls = groups.iter().map(|group| {
            let sinks = sinks.iter().enumerate().map(|(i, s)| match s {
                Some(s) if group.contains(&i) => s.clone(),
                _ => quote!(::core::option::Option::None),
            });
            quote_spanned!(a.span=> ::autodiff::__private::tensor::#rev(#(#operands,)* #out_value, &#seed, #(#sinks),*);)
        });
        let calls = quote!(#(#calls)*);
        if value_dst {
            quote!({
                #keep
                #restore
                if let ::core::option::Option::Some(#seed) = ::autodiff::__private::tensor::take_seed(&mut #d_dst) {
                    #calls
                }
            })
        } else {
            let zero = self.f.float.adjoint_zero();
            quote!({
                #keep
                #restore
                let #seed = #d_dst;
                #d_dst = #zero;
                #calls
            })
        }
    }
}
