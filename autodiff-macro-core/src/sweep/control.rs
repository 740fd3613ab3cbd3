//! The sweeps of `if`, `match`, loops and exits: the forward sweep records the path taken,
//! the reverse sweep replays it backwards.

use super::{exit_mode, ExitMode, Frame, LoopInfo, Sweeper};
use crate::ir::{Exit, ExitKind, If, Loop, LoopKind, Match};
use proc_macro2::TokenStream;
use quote::quote;

impl Sweeper<'_> {
    /// Where the record of a branch goes: `(record, replay)`, pushed to the tape in a loop,
    /// kept in the local `var` outside loops.
    fn branch_record(
        &mut self,
        var: &proc_macro2::Ident,
        flag: bool,
    ) -> (TokenStream, TokenStream) {
        if !self.in_loop() {
            return (quote!(), quote!());
        }
        self.uses_tape = true;
        let tape = &self.names.tape;
        if flag {
            (
                quote!(#tape.push_flag(#var);),
                quote!(#var = #tape.pop_flag();),
            )
        } else {
            (
                quote!(#tape.push_index(#var);),
                quote!(#var = #tape.pop_index();),
            )
        }
    }

    // Input:  if x > 0.0 { y = x * x; } else { y = x; }
    // Output: forward:  __c0 = x > 0.0; if __c0 { .. } else { .. }   (+ push_flag in a loop)
    //         reverse:  if __c0 { reverse of then } else { reverse of else }
    pub(super) fn if_(&mut self, i: &If) -> (TokenStream, TokenStream) {
        let cond = &i.cond;
        let code = self.current_code();
        if !self.has_reverse(&i.then, self.in_loop()) && !self.has_reverse(&i.els, self.in_loop()) {
            let (then, _) = self.block(&i.then, &code);
            let (els, _) = self.block(&i.els, &code);
            return (quote!(if #cond { #then } else { #els }), quote!());
        }
        let flag = self.record_local(&format!("__c{}", i.id), quote!(bool), quote!(false));
        let (record, replay) = self.branch_record(&flag, true);
        self.frames.push(Frame::Branch {
            record: record.clone(),
        });
        let (then_f, then_r) = self.block(&i.then, &code);
        let (els_f, els_r) = self.block(&i.els, &code);
        self.frames.pop();
        (
            quote!(#flag = #cond; if #flag { #then_f } else { #els_f } #record),
            quote!(#replay if #flag { #then_r } else { #els_r }),
        )
    }

    // Input:  match k { 0 => a, _ => b }
    // Output: forward:  match k { 0 => { __m0 = 0; a } _ => { __m0 = 1; b } }
    //         reverse:  match __m0 { 0 => reverse of a, _ => reverse of b }
    pub(super) fn match_(&mut self, m: &Match) -> (TokenStream, TokenStream) {
        let scrutinee = &m.scrutinee;
        let code = self.current_code();
        let needs = m
            .arms
            .iter()
            .any(|a| self.has_reverse(&a.body, self.in_loop()));
        if !needs {
            let arms: Vec<TokenStream> = m
                .arms
                .iter()
                .map(|a| {
                    let pat = &a.pat;
                    let (body, _) = self.block(&a.body, &code);
                    quote!(#pat => { #body })
                })
                .collect();
            return (quote!(match #scrutinee { #(#arms)* }), quote!());
        }
        let arm_var = self.record_local(&format!("__m{}", m.id), quote!(usize), quote!(0));
        let (record, replay) = self.branch_record(&arm_var, false);
        self.frames.push(Frame::Branch {
            record: record.clone(),
        });
        let mut fwd_arms = Vec::new();
        let mut rev_arms = Vec::new();
        for (k, arm) in m.arms.iter().enumerate() {
            let pat = &arm.pat;
            let (f, r) = self.block(&arm.body, &code);
            let k = proc_macro2::Literal::usize_unsuffixed(k);
            fwd_arms.push(quote!(#pat => { #arm_var = #k; #f }));
            rev_arms.push(quote!(#k => { #r }));
        }
        self.frames.pop();
        (
            quote!(match #scrutinee { #(#fwd_arms)* } #record),
            quote!(#replay match #arm_var { #(#rev_arms)* _ => {} }),
        )
    }

    /// The exit code of the iteration the current statement is in (`__ret` outside loops).
    fn current_code(&self) -> TokenStream {
        for frame in self.frames.iter().rev() {
            if let Frame::Loop { id } = frame {
                let exit = &self.loops[&id.0].exit;
                return quote!(#exit);
            }
        }
        let ret = &self.names.ret;
        quote!(#ret)
    }

    // Input:  for i in 0..n { s = s * x; }
    // Output: forward:  __n0 = 0; for i in 0..n { __n0 += 1; __tape.push_float(s); s = s * x; }
    //         reverse:  for _ in 0..__n0 { { s = __tape.pop_float(); .. } }
    pub(super) fn loop_(&mut self, l: &Loop) -> (TokenStream, TokenStream) {
        let label = l.label.as_ref().map(|l| quote!(#l:));
        let head = match &l.kind {
            LoopKind::For { pat, iter } => quote!(for #pat in #iter),
            LoopKind::While { cond } => quote!(while #cond),
            LoopKind::Loop => quote!(loop),
        };
        let nested = self.in_loop();
        if !self.has_reverse(&l.body, true) {
            // Still register the loop: exits inside it look it up.
            let count = self.names.namer.fresh(&format!("__n{}", l.id.0));
            let exit = self.names.namer.fresh(&format!("__e{}", l.id.0));
            self.loops.insert(
                l.id.0,
                LoopInfo {
                    count,
                    exit,
                    mode: ExitMode::None,
                    nested,
                    recorded: false,
                    label: l.label.clone(),
                },
            );
            self.frames.push(Frame::Loop { id: l.id });
            let code = self.current_code();
            let (body, _) = self.block(&l.body, &code);
            self.frames.pop();
            return (quote!(#label #head { #body }), quote!());
        }
        let mode = exit_mode(l);
        let count = self.record_local(&format!("__n{}", l.id.0), quote!(usize), quote!(0));
        let exit = self.record_local(&format!("__e{}", l.id.0), quote!(usize), quote!(0));
        self.loops.insert(
            l.id.0,
            LoopInfo {
                count: count.clone(),
                exit: exit.clone(),
                mode,
                nested,
                recorded: true,
                label: l.label.clone(),
            },
        );
        self.frames.push(Frame::Loop { id: l.id });
        let (body_f, body_r) = self.block(&l.body, &quote!(#exit));
        self.frames.pop();

        if nested || mode == ExitMode::Continue {
            self.uses_tape = true;
        }
        let tape = self.names.tape.clone();
        let (after, before_rev) = self.after_loop(l.id.0);
        let (iter_end, iter_start_rev, iter_end_rev) = match mode {
            ExitMode::None => (quote!(), quote!(), quote!()),
            ExitMode::Break => (quote!(), quote!(), quote!(#exit = 0;)),
            ExitMode::Continue => (
                quote!(#tape.push_index(0);),
                quote!(#exit = #tape.pop_index();),
                quote!(),
            ),
        };
        let reset_exit = if mode == ExitMode::Break {
            quote!(#exit = 0;)
        } else {
            quote!()
        };
        let (record_counter, replay) = self.replay(l);
        (
            quote!(
                #count = 0;
                #reset_exit
                #label #head {
                    #count += 1;
                    #record_counter
                    #body_f
                    #iter_end
                }
                #after
            ),
            quote!(
                #before_rev
                for _ in 0..#count {
                    #iter_start_rev
                    #replay
                    #body_r
                    #iter_end_rev
                }
            ),
        )
    }

    // Input:  for i in 0..n { let a = x[2 * i]; ... }      (a read by a rule)
    // Output: forward:  for i in 0..n { __k0 = __tape.push_counter(0, i); .. }
    //         reverse:  for _ in 0..__n0 { let i = __tape.pop_counter(0, __k0);
    //                                      __t2 = 2 * i; a = x[__t2]; .. }
    // See `analyse::recompute`: the counter is recorded instead of what depends on it.
    fn replay(&mut self, l: &Loop) -> (TokenStream, TokenStream) {
        let Some(plan) = self.an.recompute.loops.get(&l.id.0) else {
            return (quote!(), quote!());
        };
        self.uses_tape = true;
        let marker = self.record_local(
            &format!("__k{}", l.id.0),
            quote!(_),
            quote!(::core::marker::PhantomData),
        );
        let (tape, counter) = (&self.names.tape, &plan.counter);
        let lane = proc_macro2::Literal::usize_unsuffixed(l.id.0);
        let items = plan.items.iter().map(|item| match item {
            crate::analyse::recompute::Item::Assign(a) => self.replay_assign(a),
            crate::analyse::recompute::Item::Let(tokens) => tokens.clone(),
        });
        (
            quote!(#marker = #tape.push_counter(#lane, #counter);),
            quote!(let #counter = #tape.pop_counter(#lane, #marker); #(#items)*),
        )
    }

    /// What a loop records when it is done (its trip count and exit code, on the tape when
    /// it is nested in another loop), and the reads that mirror it.
    fn after_loop(&self, id: usize) -> (TokenStream, TokenStream) {
        let info = &self.loops[&id];
        if !info.nested || !info.recorded {
            return (quote!(), quote!());
        }
        let (tape, count, exit) = (&self.names.tape, &info.count, &info.exit);
        if info.mode == ExitMode::Break {
            (
                quote!(#tape.push_index(#exit); #tape.push_index(#count);),
                quote!(#count = #tape.pop_index(); #exit = #tape.pop_index();),
            )
        } else {
            (
                quote!(#tape.push_index(#count);),
                quote!(#count = #tape.pop_index();),
            )
        }
    }

    // Input:  if c { break; }            (in a loop whose later iterations never run)
    // Output: forward:  __tape.push_flag(__c0); __e0 = 3; break;
    // Every construct the jump leaves gets the record it would have made at its end.
    pub(super) fn exit(&mut self, e: &Exit) -> TokenStream {
        let site = proc_macro2::Literal::usize_unsuffixed(e.site);
        let mut out = TokenStream::new();
        for frame in self.frames.clone().iter().rev() {
            match frame {
                Frame::Branch { record } => out.extend(record.clone()),
                Frame::Loop { id } => {
                    let info = &self.loops[&id.0];
                    let is_target = e.target == Some(*id);
                    let (exit, mode, label) = (info.exit.clone(), info.mode, info.label.clone());
                    let tape = self.names.tape.clone();
                    match mode {
                        ExitMode::None => {}
                        ExitMode::Break => out.extend(quote!(#exit = #site;)),
                        ExitMode::Continue => out.extend(quote!(#tape.push_index(#site);)),
                    }
                    if is_target {
                        let jump = match e.kind {
                            ExitKind::Continue => quote!(continue),
                            _ => quote!(break),
                        };
                        out.extend(quote!(#jump #label;));
                        return out;
                    }
                    // Leaving this loop for an outer one: it will not reach its own end.
                    let (after, _) = self.after_loop(id.0);
                    out.extend(after);
                }
            }
        }
        let ret = &self.names.ret;
        let label = &self.names.fwd_label;
        out.extend(quote!(#ret = #site; break #label;));
        out
    }
}
