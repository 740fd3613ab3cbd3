//! Tangents of arrays: element writes and pushes, buffers, reductions (`dot`, `sum`, ...) and
//! `softmax`. An array's tangent is an array of its shape, written wherever it is written.

use super::Tangents;
use crate::ir::{
    ArrayId, ArrayInit, ArrayOrigin, ArrayRef, Assign, Block, Body, If, Loop, LoopKind, Map, Op,
    Operand, Push, SlotTy, Stmt, Write,
};
use crate::symbol::{self, SlicePrim};
use proc_macro2::{Span, TokenStream};
use quote::quote;

impl Tangents<'_> {
    /// The tangent of an array that is not a parameter with a tangent: a local buffer of the
    /// same type, made zero wherever the array is made (or, for a parameter without one, at
    /// the top of the body).
    pub(super) fn local_tangent_array(
        &mut self,
        src: &Body,
        a: ArrayId,
        prologue: &mut Block,
    ) -> ArrayId {
        let array = src.array(a);
        let name = self.namer.fresh(&format!(
            "__tan_{}",
            array.name.to_string().trim_start_matches('_')
        ));
        match (&array.origin, &array.decl) {
            (ArrayOrigin::Local, Some(decl)) => {
                self.new_array(name, array.rank, ArrayOrigin::Local, Some(decl.clone()))
            }
            _ => {
                let source = &array.name;
                let zero = quote!(::autodiff::__private::ZeroGrad::zero_grad(&#source));
                let t = self.new_array(
                    name,
                    array.rank,
                    ArrayOrigin::Local,
                    Some((quote!(_), zero)),
                );
                prologue.push(Stmt::ArrayInit(ArrayInit {
                    array: t,
                    init: self.zero_like(t, &array.name),
                    span: Span::call_site(),
                }));
                t
            }
        }
    }

    /// Zeros of the shape of the array `of`, for the tangent array `t`.
    fn zero_like(&self, t: ArrayId, of: &syn::Ident) -> TokenStream {
        let ty = match &self.arrays[t.0].decl {
            Some((ty, _)) => syn::parse2(ty.clone()).unwrap_or(syn::Type::Verbatim(ty.clone())),
            None => syn::Type::Verbatim(TokenStream::new()),
        };
        self.float.zero_like(&quote!(#of), &ty)
    }

    pub(super) fn array_init(&mut self, init: &ArrayInit, out: &mut Block) {
        out.push(Stmt::ArrayInit(init.clone()));
        if let Some(t) = self.array_tan[init.array.0] {
            let of = self.arrays[init.array.0].name.clone();
            out.push(Stmt::ArrayInit(ArrayInit {
                array: t,
                init: self.zero_like(t, &of),
                span: init.span,
            }));
        }
    }

    /// `x[i] = v` and `ẋ[i] = v̇`.
    pub(super) fn write(&mut self, w: &Write, out: &mut Block) {
        out.push(Stmt::Write(w.clone()));
        if let Some(target) = self.tangent_ref(&w.target) {
            let value = self.tangent_of(&w.value).unwrap_or_else(|| self.zero());
            out.push(Stmt::Write(Write {
                target,
                value,
                span: w.span,
            }));
        }
    }

    /// `v.push(x)` and `v̇.push(ẋ)`.
    pub(super) fn push(&mut self, p: &Push, out: &mut Block) {
        out.push(Stmt::Push(p.clone()));
        if let Some(array) = self.array_tan[p.array.0] {
            let value = self.tangent_of(&p.value).unwrap_or_else(|| self.zero());
            out.push(Stmt::Push(Push {
                array,
                value,
                span: p.span,
            }));
        }
    }

    // Input:  s = softmax(x);
    // Output: s = softmax(x);
    //         ṡ = zeros like s;  c = dot(s, ẋ);
    //         for i in 0..s.len() { ṡ[i] = s[i]·(ẋ[i] − c) }
    pub(super) fn map(&mut self, m: &Map, out: &mut Block) {
        out.push(Stmt::Map(m.clone()));
        let Some(t) = self.array_tan[m.dst.0] else {
            return;
        };
        let of = self.arrays[m.dst.0].name.clone();
        out.push(Stmt::ArrayInit(ArrayInit {
            array: t,
            init: self.zero_like(t, &of),
            span: m.span,
        }));
        let Some(tx) = self.tangent_ref(&m.src) else {
            return;
        };
        let s = ArrayRef {
            array: m.dst,
            index: vec![],
            view: false,
        };
        let c = self.reduce_into(out, &symbol::DOT, vec![s.clone(), tx.clone()], m.span);
        let span = m.span;
        self.index_loop(out, &s, span, |tx_, body, i| {
            let dx = tx_.read(body, &tx, i.clone(), span);
            let si = tx_.read(body, &s, i.clone(), span);
            let centred = tx_.op(body, &symbol::SUB, vec![dx, c.clone()], span);
            let value = tx_.op(body, &symbol::MUL, vec![si, centred], span);
            body.push(Stmt::Write(Write {
                target: ArrayRef {
                    array: t,
                    index: vec![i],
                    view: false,
                },
                value,
                span,
            }));
        });
    }

    /// `y = prim(arrays)` and its tangent.
    pub(super) fn reduce(
        &mut self,
        a: &Assign,
        prim: &'static SlicePrim,
        refs: &[ArrayRef],
        tan: crate::ir::SlotId,
        out: &mut Block,
    ) {
        let span = a.span;
        let (y, finish) = self.result_first(out, a, prim.reads_out);
        let tangents: Vec<Option<ArrayRef>> = refs.iter().map(|r| self.tangent_ref(r)).collect();
        let mut terms: Vec<(Op, Vec<Operand>)> = Vec::new();
        match (prim.name, &tangents[..]) {
            // d(a·b) = ȧ·b + a·ḃ
            ("dot", [ta, tb]) => {
                if let Some(ta) = ta {
                    terms.push((
                        Op::Reduce(&symbol::DOT, vec![ta.clone(), refs[1].clone()]),
                        vec![],
                    ));
                }
                if let Some(tb) = tb {
                    terms.push((
                        Op::Reduce(&symbol::DOT, vec![refs[0].clone(), tb.clone()]),
                        vec![],
                    ));
                }
            }
            ("sum" | "mean", [Some(t)]) => terms.push((Op::Reduce(prim, vec![t.clone()]), vec![])),
            // d‖x‖² = 2 x·ẋ
            ("norm_squared", [Some(t)]) => {
                let d = self.reduce_into(out, &symbol::DOT, vec![refs[0].clone(), t.clone()], span);
                terms.push((Op::Prim(&symbol::MUL), vec![self.lit(2.0), d]));
            }
            // d‖x‖ = x·ẋ / ‖x‖, and 0 at x = 0 as the reverse rule has it (not 0/0).
            ("norm", [Some(t)]) => {
                let (zero, y_tokens) = (self.float.zero(), self.operand_tokens(&y));
                let d = self.zero_if(out, quote::quote!(#y_tokens == #zero), span, |tr, els| {
                    let d =
                        tr.reduce_into(els, &symbol::DOT, vec![refs[0].clone(), t.clone()], span);
                    tr.op(els, &symbol::DIV, vec![d, y.clone()], span)
                });
                terms.push((Op::Copy, vec![d]));
            }
            // d logΣeˣ = Σ e^(xᵢ−y) ẋᵢ
            // 0 where every element is −∞, as the rule has it (not the NaN of e^(−∞ + ∞)).
            ("logsumexp", [Some(t)]) => {
                let y_tokens = self.operand_tokens(&y);
                let float = self.float.ty();
                let cond =
                    quote!(#y_tokens == <#float as ::autodiff::__private::Float>::neg_infinity());
                let acc = self.zero_if(out, cond, span, |t2, els| {
                    t2.weighted_sum(els, &refs[0], t, &y, span)
                });
                terms.push((Op::Copy, vec![acc]));
            }
            // The tangent of the elements equal to the extremum, averaged over ties.
            ("max_of" | "min_of" | "fold_max" | "fold_min", [Some(t)]) => {
                // A fold is NaN when no element counts, and gives them nothing then; an
                // extremum is NaN from a NaN element, and gives them all NaN.
                let fold = prim.name.starts_with("fold");
                let acc = self.tie_average(out, &refs[0], t, &y, fold, span);
                terms.push((Op::Copy, vec![acc]));
            }
            _ => {}
        }
        let sum = self.sum_terms(out, terms, span);
        self.set_tangent(out, tan, sum, a);
        out.push(Stmt::Assign(finish));
    }

    /// `Σᵢ e^(xᵢ − y)·ẋᵢ` by a loop.
    fn weighted_sum(
        &mut self,
        out: &mut Block,
        x: &ArrayRef,
        tx: &ArrayRef,
        y: &Operand,
        span: Span,
    ) -> Operand {
        let acc = self.temp(SlotTy::Float);
        self.assign(out, acc, Op::Const(self.float.zero()), vec![], true, span);
        self.index_loop(out, x, span, |t, body, i| {
            let xi = t.read(body, x, i.clone(), span);
            let shifted = t.op(body, &symbol::SUB, vec![xi, y.clone()], span);
            let weight = t.op(body, &symbol::EXP, vec![shifted], span);
            let dxi = t.read(body, tx, i, span);
            let term = t.op(body, &symbol::MUL, vec![weight, dxi], span);
            t.assign(
                body,
                acc,
                Op::Prim(&symbol::ADD),
                vec![Operand::Slot(acc), term],
                false,
                span,
            );
        });
        Operand::Slot(acc)
    }

    /// The mean of `ẋᵢ` over the `i` with `xᵢ = y`, by a loop (the reverse rule splits the
    /// seed among ties the same way); with no such `i`, 0 if `none_is_zero`, else NaN.
    fn tie_average(
        &mut self,
        out: &mut Block,
        x: &ArrayRef,
        tx: &ArrayRef,
        y: &Operand,
        none_is_zero: bool,
        span: Span,
    ) -> Operand {
        let acc = self.temp(SlotTy::Float);
        let count = self.temp(SlotTy::Float);
        self.assign(out, acc, Op::Const(self.float.zero()), vec![], true, span);
        self.assign(out, count, Op::Const(self.float.zero()), vec![], true, span);
        let y_tokens = self.operand_tokens(y);
        self.index_loop(out, x, span, |t, body, i| {
            let xi = t.read(body, x, i.clone(), span);
            let xi_tokens = t.operand_tokens(&xi);
            let mut then = Block::new();
            let dxi = t.read(&mut then, tx, i, span);
            t.assign(
                &mut then,
                acc,
                Op::Prim(&symbol::ADD),
                vec![Operand::Slot(acc), dxi],
                false,
                span,
            );
            let one = t.lit(1.0);
            t.assign(
                &mut then,
                count,
                Op::Prim(&symbol::ADD),
                vec![Operand::Slot(count), one],
                false,
                span,
            );
            let id = t.new_branch_id();
            body.push(Stmt::If(If {
                id,
                cond: quote!(#xi_tokens == #y_tokens),
                then,
                els: Block::new(),
            }));
        });
        let count = if none_is_zero {
            // No element equals `y`: no tangent, not 0 / 0.
            let one = self.lit(1.0);
            self.op(out, &symbol::MAX, vec![Operand::Slot(count), one], span)
        } else {
            Operand::Slot(count)
        };
        self.op(out, &symbol::DIV, vec![Operand::Slot(acc), count], span)
    }

    /// `for i in 0..x.len() { body(i) }`, with `i` in a `usize` slot; for a view `x[a..b]`,
    /// `0..b - a`.
    fn index_loop(
        &mut self,
        out: &mut Block,
        x: &ArrayRef,
        span: Span,
        body: impl FnOnce(&mut Self, &mut Block, Operand),
    ) {
        let index = self.namer.fresh("__i");
        let name = &self.arrays[x.array.0].name;
        let len = match view_bounds(x) {
            Some((lo, hi)) => {
                let (lo, hi) = (self.operand_tokens(lo), self.operand_tokens(hi));
                quote!((#hi - #lo))
            }
            None => {
                let idx: Vec<TokenStream> =
                    x.index.iter().map(|op| self.operand_tokens(op)).collect();
                quote!(#name #([#idx])*.len())
            }
        };
        let slot = self.temp(SlotTy::Usize);
        let mut block = Block::new();
        self.assign(
            &mut block,
            slot,
            Op::Const(quote!(#index)),
            vec![],
            true,
            span,
        );
        body(self, &mut block, Operand::Slot(slot));
        let id = self.new_loop_id();
        out.push(Stmt::Loop(Loop {
            id,
            label: None,
            kind: LoopKind::For {
                pat: quote!(#index),
                iter: quote!(0..#len),
            },
            body: block,
        }));
    }

    /// `t = x[i]` into a new temporary; for a view `x[a..b]`, the element `a + i` of the
    /// array it is a view of.
    fn read(&mut self, out: &mut Block, x: &ArrayRef, i: Operand, span: Span) -> Operand {
        let mut r = x.clone();
        let i = match view_bounds(x) {
            Some((lo, _)) => {
                let (lo, i_tokens) = (self.operand_tokens(lo), self.operand_tokens(&i));
                let at = self.temp(SlotTy::Usize);
                self.assign(
                    out,
                    at,
                    Op::Const(quote!(#lo + #i_tokens)),
                    vec![],
                    true,
                    span,
                );
                r = ArrayRef {
                    array: x.array,
                    index: x.dims().to_vec(),
                    view: false,
                };
                Operand::Slot(at)
            }
            None => i,
        };
        r.index.push(i);
        let t = self.temp(SlotTy::Float);
        self.assign(out, t, Op::Read(r), vec![], true, span);
        Operand::Slot(t)
    }

    /// `t = prim(arrays)` into a new temporary.
    fn reduce_into(
        &mut self,
        out: &mut Block,
        prim: &'static SlicePrim,
        refs: Vec<ArrayRef>,
        span: Span,
    ) -> Operand {
        let t = self.temp(SlotTy::Float);
        self.assign(out, t, Op::Reduce(prim, refs), vec![], true, span);
        Operand::Slot(t)
    }
}

/// Statements the tangents of reductions are built from.
impl Tangents<'_> {
    /// `t = if cond { 0 } else { value }`, `value` computed in the `else` branch by `value`:
    /// the reverse rule's value where the formula would be `0/0` (`norm` at the origin).
    pub(super) fn zero_if(
        &mut self,
        out: &mut Block,
        cond: proc_macro2::TokenStream,
        span: Span,
        value: impl FnOnce(&mut Self, &mut Block) -> Operand,
    ) -> Operand {
        let zero = self.float.zero();
        self.branch(
            out,
            cond,
            span,
            |t, then, dst| t.assign(then, dst, Op::Const(zero), vec![], true, span),
            value,
        )
    }

    /// The `if` of [`zero_if`](Self::zero_if): `then` writes the new temporary itself,
    /// `else_value` gives the value it is copied from.
    fn branch(
        &mut self,
        out: &mut Block,
        cond: proc_macro2::TokenStream,
        span: Span,
        then: impl FnOnce(&mut Self, &mut Block, crate::ir::SlotId),
        else_value: impl FnOnce(&mut Self, &mut Block) -> Operand,
    ) -> Operand {
        if cond.to_string() == "false" {
            return else_value(self, out);
        }
        let t = self.temp(SlotTy::Float);
        let mut then_block = Block::new();
        then(self, &mut then_block, t);
        let mut els = Block::new();
        let v = else_value(self, &mut els);
        self.assign(&mut els, t, Op::Copy, vec![v], true, span);
        let id = self.new_branch_id();
        out.push(crate::ir::Stmt::If(crate::ir::If {
            id,
            cond,
            then: then_block,
            els,
        }));
        Operand::Slot(t)
    }

    /// `t = prim(args)` into a new temporary.
    pub(super) fn op(
        &mut self,
        out: &mut Block,
        prim: &'static symbol::Prim,
        args: Vec<Operand>,
        span: Span,
    ) -> Operand {
        let t = self.temp(crate::ir::SlotTy::Float);
        self.assign(out, t, Op::Prim(prim), args, true, span);
        Operand::Slot(t)
    }
}

/// The bounds `(a, b)` of a view `x[a..b]`; `None` for a whole array or row.
fn view_bounds(x: &ArrayRef) -> Option<(&Operand, &Operand)> {
    match x.index.as_slice() {
        [.., lo, hi] if x.view => Some((lo, hi)),
        _ => None,
    }
}
