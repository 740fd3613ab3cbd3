//! The sweeps of `dst = op(args)`.

use super::{rules, Sweeper};
use crate::ir::walk::slot_of;
use crate::ir::{Assign, Op, Operand, SlotTy};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

impl Sweeper<'_> {
    // Input:  y = a * b;                       (y needed later, in a loop)
    // Output: forward:  __tape.push_float(y); y = a * b;
    //         reverse:  { y = __tape.pop_float();
    //                     let (__g0, __g1) = rules::mul(a, b, __d_y);
    //                     __d_y = 0.0; __d_a += __g0; __d_b += __g1; }
    pub(super) fn assign(&mut self, a: &Assign) -> (TokenStream, TokenStream) {
        let slots = &self.body.slots;
        let dst = &slots[a.dst.0].name;
        let args: Vec<TokenStream> = a
            .args
            .iter()
            .map(|op| crate::ir::walk::operand_tokens(slots, op))
            .collect();
        let value = self.primal_value(a, &args);
        let in_loop = self.in_loop();
        let (save, restore) = if self.an.saves(a, in_loop) {
            self.save(a, in_loop)
        } else {
            (quote!(), quote!())
        };
        let forward = quote_spanned!(a.span=> #save #dst = #value;);
        if !self.an.is_active(a.dst) {
            return (forward, restore);
        }
        let recompute = match &a.op {
            Op::Prim(prim) => self.recompute_at_use(a, Some(prim)),
            _ => TokenStream::new(),
        };
        let (snapshot, put_back) = self.snapshots(a);
        (
            quote!(#forward #snapshot),
            self.adjoint_of(a, &args, quote!(#put_back #restore #recompute)),
        )
    }

    // Input:  n = norm_squared(&q);            (q written often, see `analyse::snapshot`)
    // Output: forward:  n = norm_squared(&q[..]); __tape.push_slice(&q[..]);
    //         reverse:  __tape.pop_slice_into(&mut q[..]); rules::norm_squared(&q[..], ..);
    /// The records of the arrays a reduction reads that are snapshotted where it runs, and
    /// the reverse sweep's copies back.
    fn snapshots(&mut self, a: &Assign) -> (TokenStream, TokenStream) {
        let Op::Reduce(prim, refs) = &a.op else {
            return self.slot_snapshots(a);
        };
        let refs: Vec<_> = refs
            .iter()
            .filter(|r| prim.reads_inputs && self.an.snapshot[r.array.0])
            .collect();
        if refs.is_empty() {
            return (quote!(), quote!());
        }
        self.uses_tape = true;
        let tape = &self.names.tape;
        let push = refs.iter().map(|r| {
            let slice = self.slice(r);
            quote!(#tape.push_slice(#slice);)
        });
        let pop = refs.iter().rev().map(|r| {
            let element = self.place(r);
            quote!(#tape.pop_slice_into(&mut #element[..]);)
        });
        (quote!(#(#push)*), quote!(#(#pop)*))
    }

    // Input:  closest = closest.min(dist);      (dist written often, see `analyse::snapshot`)
    // Output: forward:  closest = closest.min(dist); __tape.push_float(dist);
    //         reverse:  dist = __tape.pop_float(); rules::min(closest, dist, ..);
    /// The records of the float operands `a`'s rule reads that are recorded where it runs,
    /// and the reverse sweep's restores.
    fn slot_snapshots(&mut self, a: &Assign) -> (TokenStream, TokenStream) {
        let in_loop = self.in_loop();
        let (mut push, mut pop) = (TokenStream::new(), Vec::new());
        for s in self.an.snapshot_reads(a) {
            let name = self.body.slots[s.0].name.clone();
            let (save, restore) = self.save_place(quote!(#name), SlotTy::Float, in_loop);
            push.extend(save);
            pop.push(restore);
        }
        pop.reverse();
        (push, quote!(#(#pop)*))
    }

    /// The operands of `a` that are recomputed where they are read (see `analyse::at_use`),
    /// each after what it is computed from: those `prim`'s rule reads, or all of them when
    /// `a` is itself being recomputed (`prim` is `None`).
    fn recompute_at_use(&self, a: &Assign, prim: Option<&crate::symbol::Prim>) -> TokenStream {
        let mut out = TokenStream::new();
        for (k, op) in a.args.iter().enumerate() {
            let read = prim.is_none_or(|p| p.rule_args.contains(&crate::symbol::RuleArg::In(k)));
            if let Some(inner) = slot_of(op).and_then(|s| self.an.at_use[s.0].as_ref()) {
                if read {
                    out.extend(self.recompute_at_use(inner, None));
                    out.extend(self.replay_assign(inner));
                }
            }
        }
        out
    }

    /// `dst = value;` exactly as the forward sweep computes it, for a loop's reverse sweep
    /// to replay (see `analyse::recompute`).
    pub(super) fn replay_assign(&self, a: &Assign) -> TokenStream {
        let slots = &self.body.slots;
        let dst = &slots[a.dst.0].name;
        let args: Vec<TokenStream> = a
            .args
            .iter()
            .map(|op| crate::ir::walk::operand_tokens(slots, op))
            .collect();
        let value = self.primal_value(a, &args);
        quote_spanned!(a.span=> #dst = #value;)
    }

    /// The value `a` assigns, from its operands `args`.
    fn primal_value(&self, a: &Assign, args: &[TokenStream]) -> TokenStream {
        let float = self.float();
        match &a.op {
            Op::Copy => args[0].clone(),
            Op::Const(tokens) if self.is_lane_slot(a.dst) => {
                quote!(::autodiff::__private::Lanes::splat(#tokens))
            }
            Op::Const(tokens) => tokens.clone(),
            // A partial times a tangent in lanes: `Lanes<F, N> * F`, which the runtime can
            // implement for a generic float (`F * Lanes<F, N>` it cannot); the same product.
            Op::Prim(prim)
                if prim.name == "mul"
                    && self.is_lane_slot(a.dst)
                    && !a
                        .args
                        .first()
                        .and_then(slot_of)
                        .is_some_and(|s| self.is_lane_slot(s)) =>
            {
                let (partial, tangent) = (&args[0], &args[1]);
                quote!(#tangent * #partial)
            }
            Op::Prim(prim) => {
                let lit_receiver = matches!(a.args.first(), Some(Operand::Lit(_)));
                rules::primal(prim, args, lit_receiver, &float)
            }
            // A field read whole as a value: a copy.
            Op::Read(r) if self.body.slots[a.dst.0].ty == SlotTy::Value => self.value_copy(r),
            Op::Read(r) => self.element(r),
            Op::Reduce(prim, refs) if self.is_lane_slot(a.dst) => {
                // `dot(float array, tangents)` (`dot` is symmetric), `sum` or `mean` of one.
                let name = quote::format_ident!("lanes_{}", prim.name);
                let mut refs: Vec<_> = refs.iter().collect();
                refs.sort_by_key(|r| self.lanes.is_some_and(|l| l.values.arrays[r.array.0]));
                let slices = refs.iter().map(|r| self.slice(r));
                quote!(::autodiff::__private::#name(#(#slices),*))
            }
            Op::Reduce(prim, refs) => {
                let name = quote::format_ident!("{}", prim.name);
                let slices = refs.iter().map(|r| self.slice(r));
                quote!(::autodiff::__private::#name(#(#slices),*))
            }
            Op::Tensor(op) => self.tensor_primal(op, a),
        }
    }

    /// Saves the value `a` overwrites: on the tape in a loop, else in a local of its own.
    fn save(&mut self, a: &Assign, in_loop: bool) -> (TokenStream, TokenStream) {
        let dst = &self.body.slots[a.dst.0].name;
        let ty = self.body.slots[a.dst.0].ty;
        self.save_place(quote!(#dst), ty, in_loop)
    }

    /// `(save, restore)` of the value at `dst`, of type `ty`.
    pub(super) fn save_place(
        &mut self,
        dst: TokenStream,
        ty: SlotTy,
        in_loop: bool,
    ) -> (TokenStream, TokenStream) {
        if matches!(ty, SlotTy::Opaque | SlotTy::Value) {
            return self.save_opaque(dst, in_loop);
        }
        if in_loop {
            self.uses_tape = true;
            let tape = &self.names.tape;
            match ty {
                SlotTy::Float => (
                    quote!(#tape.push_float(#dst);),
                    quote!(#dst = #tape.pop_float();),
                ),
                SlotTy::I32 => (
                    quote!(#tape.push_i32(#dst);),
                    quote!(#dst = #tape.pop_i32();),
                ),
                SlotTy::Usize => (
                    quote!(#tape.push_index(#dst);),
                    quote!(#dst = #tape.pop_index();),
                ),
                SlotTy::Opaque | SlotTy::Value => unreachable!("handled above"),
            }
        } else {
            let (ty_tokens, zero) = match ty {
                SlotTy::Float => {
                    let f = self.float();
                    (quote!(#f), self.f.float.zero())
                }
                SlotTy::I32 => (quote!(i32), quote!(0)),
                SlotTy::Usize => (quote!(usize), quote!(0)),
                SlotTy::Opaque | SlotTy::Value => unreachable!("handled above"),
            };
            let base = format!("__s{}", self.n_saves);
            self.n_saves += 1;
            let local = self.record_local(&base, ty_tokens, zero);
            (quote!(#local = #dst;), quote!(#dst = #local;))
        }
    }

    /// `(save, restore)` of a non-float value of a type only rustc knows: a stack of its own
    /// in a loop (a `Vec` whose element type is inferred), a local outside loops.
    fn save_opaque(&mut self, dst: TokenStream, in_loop: bool) -> (TokenStream, TokenStream) {
        let base = format!("__s{}", self.n_saves);
        self.n_saves += 1;
        let local = self.names.namer.fresh(&base);
        if in_loop {
            self.decls
                .push(&local, None, quote!(::std::vec::Vec::new()));
            (
                quote!(#local.push(::core::clone::Clone::clone(&#dst));),
                quote!(#dst = match #local.pop() {
                    ::core::option::Option::Some(v) => v,
                    ::core::option::Option::None => ::core::unreachable!("the reverse sweep mirrors the forward sweep"),
                };),
            )
        } else {
            self.decls
                .push(&local, None, quote!(::core::default::Default::default()));
            (
                quote!(#local = ::core::clone::Clone::clone(&#dst);),
                quote!(#dst = #local;),
            )
        }
    }

    /// The reverse of an active assignment: restore, apply the rule, clear the adjoint of
    /// the destination, accumulate into the operands.
    fn adjoint_of(
        &mut self,
        a: &Assign,
        args: &[TokenStream],
        restore: TokenStream,
    ) -> TokenStream {
        if matches!(a.op, Op::Tensor(_)) || self.body.slots[a.dst.0].ty == SlotTy::Value {
            return self.tensor_adjoint(a, restore);
        }
        let d_dst = self.adjoint(a.dst).clone();
        let zero = self.f.float.adjoint_zero();
        // ȳ restarts from zero, unless nothing reads it after this statement's reverse.
        let reset = if self.an.resets_adjoint(a.dst) {
            quote!(#d_dst = #zero;)
        } else {
            quote!()
        };
        let dst = &self.body.slots[a.dst.0].name;
        let g = &self.names.grad;
        let g0 = &g[0];
        // The operands that receive a cotangent, with the name it arrives in.
        match &a.op {
            // y = c  ⇒  nothing flows back, and ȳ restarts from zero: the value y had before
            // this assignment does not reach the output through it.
            Op::Const(_) => quote!({
                #restore
                #reset
            }),
            // y = a  ⇒  ā += ȳ
            Op::Copy => {
                self.finish_adjoint(restore, quote!(#d_dst), vec![a.args.first()], &reset, g)
            }
            Op::Prim(prim) => {
                let reads_out = prim.rule_args.contains(&crate::symbol::RuleArg::Out);
                let (out_value, keep) = if reads_out && !restore.is_empty() {
                    let y = &self.names.out_value;
                    (quote!(#y), quote!(let #y = #dst;))
                } else {
                    (quote!(#dst), quote!())
                };
                let call = rules::call(prim, args, &out_value, &d_dst);
                let receivers = prim.grads.iter().map(|i| a.args.get(*i)).collect();
                self.finish_adjoint(quote!(#keep #restore), call, receivers, &reset, g)
            }
            // y = x[i]  ⇒  x̄[i] += ȳ (nothing to add to when `x` carries no derivative: a
            // parameter left out by `wrt`, or data, copied into a slot that does)
            Op::Read(r) => {
                let add = if self.an.is_array_active(r.array) {
                    let element = self.adjoint_element(r);
                    let add = quote!(#element = #element + #g0;);
                    match self.body.array(r.array).guard() {
                        Some(guard) => quote!(if #guard { #add }),
                        None => add,
                    }
                } else {
                    quote!()
                };
                quote!({
                    #restore
                    let #g0 = #d_dst;
                    #reset
                    #add
                })
            }
            // y = prim(a, b)  ⇒  ā += .., b̄ += .. (the rule adds into the adjoint buffers)
            Op::Reduce(prim, refs) => {
                let (out_value, keep) = if prim.reads_out && !restore.is_empty() {
                    let y = &self.names.out_value;
                    (quote!(#y), quote!(let #y = #dst;))
                } else {
                    (quote!(#dst), quote!())
                };
                let name = quote::format_ident!("{}", prim.name);
                let inputs: Vec<TokenStream> = if prim.reads_inputs {
                    refs.iter().map(|r| self.slice(r)).collect()
                } else {
                    Vec::new()
                };
                let out_arg = if prim.reads_out {
                    quote!(#out_value,)
                } else {
                    quote!()
                };
                // One call adds into every adjoint buffer; when one array is passed twice
                // (`dot(x, x)`), its buffer cannot be borrowed twice, so each operand gets a
                // call of its own (the cotangents of the operands are separate terms).
                let active: Vec<bool> = refs
                    .iter()
                    .map(|r| self.an.is_array_active(r.array))
                    .collect();
                let aliased = refs.iter().enumerate().any(|(i, r)| {
                    active[i]
                        && refs[..i]
                            .iter()
                            .enumerate()
                            .any(|(j, q)| active[j] && self.same_buffer(q.array, r.array))
                });
                let sinks_for = |only: Option<usize>| -> Vec<TokenStream> {
                    refs.iter()
                        .enumerate()
                        .map(|(i, r)| {
                            if active[i] && only.is_none_or(|k| k == i) {
                                self.sink(r, self.adjoint_slice(r))
                            } else {
                                quote!(::core::option::Option::None)
                            }
                        })
                        .collect()
                };
                let calls: Vec<Vec<TokenStream>> = if aliased {
                    (0..refs.len())
                        .filter(|i| active[*i])
                        .map(|i| sinks_for(Some(i)))
                        .collect()
                } else {
                    vec![sinks_for(None)]
                };
                let calls = calls.iter().map(|sinks| {
                    quote!(::autodiff::__private::rules::#name(#(#inputs,)* #out_arg #d_dst, #(#sinks),*);)
                });
                quote!({
                    #keep
                    #restore
                    #(#calls)*
                    #reset
                })
            }
            Op::Tensor(_) => unreachable!("handled by `tensor_adjoint`"),
        }
    }

    /// `{ prelude; let (__g0, ..) = rule; reset; __d_a += __g0; .. }`, with `reset` the
    /// clearing of the destination's adjoint (`__d_y = 0;`, or nothing where it dies).
    fn finish_adjoint(
        &self,
        prelude: TokenStream,
        rule: TokenStream,
        receivers: Vec<Option<&Operand>>,
        reset: &TokenStream,
        g: &[proc_macro2::Ident; 4],
    ) -> TokenStream {
        let mut pattern = Vec::new();
        let mut accumulate = TokenStream::new();
        for (k, op) in receivers.iter().enumerate() {
            match op.and_then(slot_of).filter(|s| self.an.is_active(*s)) {
                Some(s) => {
                    let gk = &g[k];
                    let d = self.adjoint(s);
                    pattern.push(quote!(#gk));
                    accumulate.extend(quote!(#d = #d + #gk;));
                }
                None => pattern.push(quote!(_)),
            }
        }
        let pattern = if pattern.len() == 1 {
            pattern.pop().expect("one")
        } else {
            quote!((#(#pattern),*))
        };
        quote!({
            #prelude
            let #pattern = #rule;
            #reset
            #accumulate
        })
    }
}
