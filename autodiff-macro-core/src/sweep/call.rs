//! The sweeps of a call of another `#[differentiable]` function.

use super::Sweeper;
use crate::ir::walk::slot_of;
use crate::ir::{Call, CallArg, SlotTy};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

impl Sweeper<'_> {
    /// An argument as the callee receives it, in either sweep.
    fn call_arg(&self, arg: &CallArg) -> TokenStream {
        match arg {
            CallArg::Float(op) => crate::ir::walk::operand_tokens(&self.body.slots, op),
            CallArg::Array { r, by_ref } => {
                let element = match self.tangent_guard(r) {
                    Some(guard) => {
                        let place = self.place(r);
                        quote!((*::autodiff::__private::tangent_or_zero(#guard, &#place)))
                    }
                    None => self.element(r),
                };
                if *by_ref {
                    quote!(&#element)
                } else {
                    // By value: the callee gets a copy, as the reverse sweep passes it again.
                    quote!(::core::clone::Clone::clone(&#element))
                }
            }
            CallArg::Stable(tokens) => tokens.clone(),
            CallArg::Opaque(slot) => {
                let name = &self.body.slot(*slot).name;
                quote!(::core::clone::Clone::clone(&#name))
            }
            CallArg::OpaqueRef(slot) => {
                let name = &self.body.slot(*slot).name;
                quote!(&#name)
            }
        }
    }

    // Input:  y = f(x, &w, n);
    // Output: forward:  y = f(x, &w, n);
    //         reverse:  { let mut __g0 = 0.0;
    //                     f_derivative().pullback(x, &w, n, __d_y, Some(&mut __g0), Some(&mut __d_w[..]), None);
    //                     __d_y = 0.0; __d_x += __g0; }
    pub(super) fn call(&mut self, c: &Call) -> (TokenStream, TokenStream) {
        let dst = &self.body.slot(c.dst).name;
        let path = &c.path;
        // A call of the callee's tangent passes one tangent slot per parameter after the
        // arguments: `Tan(t)` for a tangent the body computes (a `Stable` slot is written
        // whole by the tangent transform: `NoTangent`).
        let slots = if c.tangent {
            c.args.len() / 2
        } else {
            c.args.len()
        };
        let args: Vec<TokenStream> = c
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let arg = self.call_arg(a);
                match a {
                    CallArg::Float(_) | CallArg::Array { .. } if i >= slots => {
                        quote!(::autodiff::__private::Tan(#arg))
                    }
                    _ => arg,
                }
            })
            .collect();
        let in_loop = self.in_loop();
        let (save, restore) = if self.an.saves_call(c, in_loop) {
            self.save_place(quote!(#dst), SlotTy::Float, in_loop)
        } else {
            (quote!(), quote!())
        };
        let (callee, rule) = if c.tangent {
            let tangent = crate::symbol::rule_call(path, crate::symbol::TANGENT);
            (tangent, crate::symbol::TANGENT_PULLBACK)
        } else {
            (quote!(#path), crate::symbol::PULLBACK)
        };
        let forward = quote_spanned!(c.span=> #save #dst = #callee(#(#args),*););
        if !self.an.is_active(c.dst) {
            return (forward, restore);
        }
        let pullback = crate::symbol::rule_call(path, rule);
        let d_dst = self.adjoint(c.dst).clone();
        let zero = self.f.float.adjoint_zero();
        let float = self.float();
        // Scalar cotangents arrive in locals, then go to the operands' adjoints; arrays add
        // into their adjoint buffers directly. An array passed twice gets one call per
        // occurrence, as two `&mut` to its buffer cannot coexist.
        let mut locals = TokenStream::new();
        let mut accumulate = TokenStream::new();
        let mut sinks: Vec<Option<TokenStream>> = Vec::new();
        let mut array_args: Vec<(usize, crate::ir::ArrayId)> = Vec::new();
        for (i, arg) in c.args.iter().enumerate() {
            sinks.push(match arg {
                CallArg::Float(op) => match slot_of(op).filter(|s| self.an.is_active(*s)) {
                    Some(s) => {
                        let g = self.names.namer.fresh(&format!("__g_arg{i}"));
                        let d = self.adjoint(s);
                        locals.extend(quote!(let mut #g: #float = #zero;));
                        accumulate.extend(quote!(#d = #d + #g;));
                        Some(quote!(::core::option::Option::Some(&mut #g)))
                    }
                    None => None,
                },
                CallArg::Array { r, .. } if self.an.is_array_active(r.array) => {
                    array_args.push((i, r.array));
                    Some(self.sink(r, self.adjoint_slice(r)))
                }
                _ => None,
            });
        }
        let aliased = array_args.iter().enumerate().any(|(k, (_, a))| {
            array_args[..k]
                .iter()
                .any(|(_, b)| self.same_buffer(*a, *b))
        });
        let groups: Vec<Vec<usize>> = if aliased {
            // The scalar sinks and the first array go in the first call, each other array alone.
            let mut groups = vec![(0..c.args.len())
                .filter(|i| !array_args.iter().any(|(j, _)| j == i))
                .collect::<Vec<_>>()];
            groups[0].extend(array_args.first().map(|(i, _)| *i));
            groups.extend(array_args.iter().skip(1).map(|(i, _)| vec![*i]));
            groups
        } else {
            vec![(0..c.args.len()).collect()]
        };
        // Each call adds the cotangents of the operands it is given a destination for.
        let calls = groups.iter().map(|group| {
            let options = sinks.iter().enumerate().map(|(i, sink)| match sink {
                Some(sink) if group.contains(&i) => sink.clone(),
                _ => quote!(::core::option::Option::None),
            });
            quote!(#pullback(#(#args,)* #d_dst, #(#options),*);)
        });
        let reset = if self.an.resets_adjoint(c.dst) {
            quote!(#d_dst = #zero;)
        } else {
            quote!()
        };
        (
            forward,
            quote!({
                #restore
                #locals
                #(#calls)*
                #reset
                #accumulate
            }),
        )
    }
}
