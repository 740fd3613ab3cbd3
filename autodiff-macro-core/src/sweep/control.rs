//! The sweeps of `if`, `match`, loops and exits: the forward sweep records the path taken,
//! the reverse sweep replays it backwards.

use super::{exit_mode, Entry, ExitMode, Frame, LoopInfo, Sweeper};
use crate::analyse::recompute::bounded_range;
use crate::ir::{Exit, ExitKind, If, Loop, LoopKind, Match};
use proc_macro2::{Ident, TokenStream};
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
                    entries: Vec::new(),
                    range: None,
                },
            );
            self.frames.push(Frame::Loop { id: l.id });
            let code = self.current_code();
            let (body, _) = self.block(&l.body, &code);
            self.frames.pop();
            let head = head(l);
            return (quote!(#label #head { #body }), quote!());
        }
        let mode = exit_mode(l);
        let count = self.record_local(&format!("__n{}", l.id.0), quote!(usize), quote!(0));
        let exit = self.record_local(&format!("__e{}", l.id.0), quote!(usize), quote!(0));
        // A nested loop over a range the reverse sweep can evaluate again, never left early,
        // records neither its trip count nor its first counter (`analyse::recompute`).
        let range = match &l.kind {
            LoopKind::For { iter, .. }
                if nested
                    && mode == ExitMode::None
                    && self.an.recompute.ranges.contains(&l.id.0) =>
            {
                Some(iter.clone())
            }
            _ => None,
        };
        let entries = self.entries(l, range.is_some());
        let (head, bind_range, step) = match (entries.split_first(), &l.kind) {
            (Some((first, inductions)), LoopKind::For { pat, iter }) => {
                let range = self.names.namer.fresh(&format!("__r{}", l.id.0));
                let step = self.names.namer.fresh(&format!("__j{}", l.id.0));
                let first_of = first_of_range(iter, &range);
                let first = &first.local;
                let (locals, names) = (
                    inductions.iter().map(|e| &e.local),
                    inductions.iter().map(|e| &e.name),
                );
                (
                    quote!(for #pat in #range),
                    quote!(let #range = #iter; #first = #first_of; #(#locals = #names;)*),
                    Some(step),
                )
            }
            _ => (head(l), quote!(), None),
        };
        self.loops.insert(
            l.id.0,
            LoopInfo {
                count: count.clone(),
                exit: exit.clone(),
                mode,
                nested,
                recorded: true,
                label: l.label.clone(),
                entries,
                range,
            },
        );
        self.frames.push(Frame::Loop { id: l.id });
        let (body_f, body_r) = self.block(&l.body, &quote!(#exit));
        self.frames.pop();

        let tape = self.names.tape.clone();
        let (after, before_rev) = self.after_loop(l.id.0);
        if !after.is_empty() || mode == ExitMode::Continue {
            self.uses_tape = true;
        }
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
        let replay = self.replay(l, step.as_ref());
        let rev_head = match &step {
            Some(step) => quote!(for #step in (0..#count).rev()),
            None => quote!(for _ in 0..#count),
        };
        let windows = match (&step, mode) {
            (Some(step), ExitMode::None) => {
                let first = self.loops[&l.id.0].entries[0].local.clone();
                self.windows(l, &quote!(#replay #body_r), step, &count, &first)
            }
            _ => None,
        };
        let forward = quote!(
            #count = 0;
            #reset_exit
            #bind_range
            #label #head {
                #count += 1;
                #body_f
                #iter_end
            }
            #after
        );
        if let Some(w) = windows {
            let (before, rev_head, body) = (w.before, w.head, w.body);
            return (
                forward,
                quote!(
                    #before_rev
                    #before
                    #rev_head { #body }
                ),
            );
        }
        (
            forward,
            quote!(
                #before_rev
                #rev_head {
                    #iter_start_rev
                    #replay
                    #body_r
                    #iter_end_rev
                }
            ),
        )
    }

    /// The locals that keep, at the entry of a loop over a range whose counter the reverse
    /// sweep replays (see [`Sweeper::replay`]), its first counter and the first value of each
    /// induction variable it replays from.
    fn entries(&mut self, l: &Loop, range_again: bool) -> Vec<Entry> {
        let Some(plan) = self.an.recompute.loops.get(&l.id.0) else {
            return Vec::new();
        };
        let names: Vec<Ident> = std::iter::once(&plan.counter)
            .chain(&plan.inductions)
            .cloned()
            .collect();
        // A first counter written as a literal (`0..n`) is the same on every run of the loop,
        // and one the reverse sweep computes again needs no record either: only the others
        // are recorded when the loop is nested.
        let literal_start =
            range_again || matches!(&l.kind, LoopKind::For { iter, .. } if literal_start(iter));
        let nested = self.in_loop();
        names
            .into_iter()
            .enumerate()
            .map(|(k, name)| {
                let plain = syn::ext::IdentExt::unraw(&name);
                let local = self.record_local(
                    &format!("__s{}_{}", l.id.0, plain),
                    quote!(_),
                    quote!(::core::default::Default::default()),
                );
                let marker = (nested && !(k == 0 && literal_start)).then(|| {
                    self.record_local(
                        &format!("__k{}_{}", l.id.0, plain),
                        quote!(_),
                        quote!(::core::marker::PhantomData),
                    )
                });
                Entry {
                    name,
                    local,
                    marker,
                }
            })
            .collect()
    }

    // Input:  for i in 0..n { let a = x[2 * i]; ... }      (a read by a rule)
    // Output: forward:  let __r0 = 0..n; __s0_i = __r0.start; for i in __r0 { .. }
    //         reverse:  for __j0 in (0..__n0).rev() {
    //                       let i = Counter::advance(__s0_i, __j0); __t2 = 2 * i; a = x[__t2]; .. }
    // See `analyse::recompute`: the first counter and the trip count give every counter (and
    // every value of an induction variable), so the loop records nothing per iteration for
    // what depends only on them.
    fn replay(&self, l: &Loop, step: Option<&Ident>) -> TokenStream {
        let (Some(plan), Some(step)) = (self.an.recompute.loops.get(&l.id.0), step) else {
            return quote!();
        };
        let entries = self.loops[&l.id.0].entries.iter().map(|e| {
            let (name, local) = (&e.name, &e.local);
            quote!(let #name = ::autodiff::__private::Counter::advance(#local, #step);)
        });
        let items = plan.items.iter().map(|item| match item {
            crate::analyse::recompute::Item::Assign(a) => self.replay_assign(a),
            crate::analyse::recompute::Item::Let(tokens) => tokens.clone(),
        });
        quote!(#(#entries)* #(#items)*)
    }

    /// What a loop records when it is done (its trip count, exit code and entry values, on
    /// the tape when it is nested in another loop), and the reads that mirror it.
    fn after_loop(&mut self, id: usize) -> (TokenStream, TokenStream) {
        let info = &self.loops[&id];
        if !info.nested || !info.recorded {
            return (quote!(), quote!());
        }
        let range = if info.range.is_some() {
            Some(self.names.namer.fresh("__range"))
        } else {
            None
        };
        let info = &self.loops[&id];
        let (tape, count, exit) = (&self.names.tape, &info.count, &info.exit);
        let (mut record, mut replay) = if let (Some(iter), Some(range)) = (&info.range, range) {
            let first = info.entries.first().map(|e| {
                let (local, first_of) = (&e.local, first_of_range(iter, &range));
                quote!(#local = #first_of;)
            });
            (
                quote!(),
                quote!({
                    let #range = #iter;
                    #count = ::core::iter::Iterator::size_hint(&#range).0;
                    #first
                }),
            )
        } else if info.mode == ExitMode::Break {
            (
                quote!(#tape.push_index(#exit); #tape.push_index(#count);),
                quote!(#count = #tape.pop_index(); #exit = #tape.pop_index();),
            )
        } else {
            (
                quote!(#tape.push_index(#count);),
                quote!(#count = #tape.pop_index();),
            )
        };
        let lane = proc_macro2::Literal::usize_unsuffixed(id);
        for entry in &info.entries {
            if let Entry {
                local,
                marker: Some(marker),
                ..
            } = entry
            {
                record.extend(quote!(#marker = #tape.push_counter(#lane, #local);));
                replay = quote!(#local = #tape.pop_counter(#lane, #marker); #replay);
            }
        }
        (record, replay)
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

/// The head of `l` as the user wrote it.
fn head(l: &Loop) -> TokenStream {
    match &l.kind {
        LoopKind::For { pat, iter } => quote!(for #pat in #iter),
        LoopKind::While { cond } => quote!(while #cond),
        LoopKind::Loop => quote!(loop),
    }
}

/// The first counter of `range`, a local holding the loop's `iter`: `a..b` or `a..=b` (what
/// `analyse::recompute` plans for).
fn first_of_range(iter: &TokenStream, range: &Ident) -> TokenStream {
    match bounded_range(iter).map(|r| r.limits) {
        Some(syn::RangeLimits::Closed(_)) => quote!(*#range.start()),
        _ => quote!(#range.start),
    }
}

/// Whether the range `iter` starts at a literal.
fn literal_start(iter: &TokenStream) -> bool {
    bounded_range(iter)
        .and_then(|r| r.start)
        .is_some_and(|start| matches!(*start, syn::Expr::Lit(_)))
}
