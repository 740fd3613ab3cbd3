//! The sweeps of a call of another `#[differentiable]` function.

use super::Sweeper;
use crate::ir::walk::slot_of;
use crate::ir::{Call, CallArg, CallKind, SlotTy};
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
    // A call of a generated derivative, `(g0, g1) = f_grad(x, y)`, has the reverse
    // `f_derivative().grad_pullback(x, y, (__d_g0, __d_g1), ..)`.
    pub(super) fn call(&mut self, c: &Call) -> (TokenStream, TokenStream) {
        let path = &c.path;
        let outs: Vec<_> = c
            .outs
            .iter()
            .map(|o| self.body.slot(*o).name.clone())
            .collect();
        let pattern = c.shape.tokens(&mut |k| {
            let name = &outs[k];
            quote!(#name)
        });
        // A call of a tangent rule passes one tangent slot per argument after the arguments:
        // `Tan(t)` for a tangent the body computes (a `Stable` slot is written whole by the
        // tangent transform: `NoTangent`).
        let slots = if c.kind.has_tangents() {
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
                    // In lanes, a tangent that is a literal (zero) is every lane of it.
                    CallArg::Float(op)
                        if i >= slots
                            && self.lanes.is_some()
                            && !slot_of(op).is_some_and(|s| self.is_lane_slot(s)) =>
                    {
                        quote!(::autodiff::__private::Tan(::autodiff::__private::Lanes::splat(#arg)))
                    }
                    CallArg::Float(_) | CallArg::Array { .. } if i >= slots => {
                        quote!(::autodiff::__private::Tan(#arg))
                    }
                    _ => arg,
                }
            })
            .collect();
        let in_loop = self.in_loop();
        let (mut save, mut restore) = (TokenStream::new(), TokenStream::new());
        if self.an.saves_call(c, in_loop) {
            for name in &outs {
                let (s, r) = self.save_place(quote!(#name), SlotTy::Float, in_loop);
                save.extend(s);
                restore.extend(r);
            }
        }
        use crate::symbol::{nested_path, nested_rule, rule_call, PULLBACK, TANGENT};
        let (callee, rule) = match c.kind {
            CallKind::Value => (quote!(#path), Some(PULLBACK.to_string())),
            CallKind::Tangent => (
                rule_call(
                    path,
                    if self.lanes.is_some() {
                        crate::symbol::TANGENT_LANES
                    } else {
                        TANGENT
                    },
                ),
                Some(crate::symbol::TANGENT_PULLBACK.to_string()),
            ),
            CallKind::Derivative(k) => {
                let written = nested_path(path, k);
                (quote!(#written), Some(nested_rule(k, false)))
            }
            // Third order: `expand` never sweeps a tangent body with these in reverse.
            CallKind::DerivativeTangent(k) => (rule_call(path, &nested_rule(k, true)), None),
        };
        let forward = quote_spanned!(c.span=> #save #pattern = #callee(#(#args),*););
        if !c.outs.iter().any(|o| self.an.is_active(*o)) {
            return (forward, restore);
        }
        let Some(rule) = rule else {
            let error = quote_spanned!(c.span=> ::core::compile_error!(
                "third derivatives through a call of a generated derivative are not generated"
            ););
            return (forward, error);
        };
        let pullback = rule_call(path, &rule);
        let zero = self.f.float.adjoint_zero();
        // A result nothing reads back has no adjoint: its seed is zero.
        let adjoints: Vec<Option<TokenStream>> = c
            .outs
            .iter()
            .map(|o| {
                self.an.is_active(*o).then(|| {
                    let d = self.adjoint(*o);
                    quote!(#d)
                })
            })
            .collect();
        let d_dst = c
            .shape
            .tokens(&mut |k| adjoints[k].clone().unwrap_or_else(|| zero.clone()));
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
        let mut reset = TokenStream::new();
        for (o, d) in c.outs.iter().zip(&adjoints) {
            let Some(d) = d else { continue };
            if self.an.resets_adjoint(*o) {
                reset.extend(quote!(#d = #zero;));
            }
        }
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
