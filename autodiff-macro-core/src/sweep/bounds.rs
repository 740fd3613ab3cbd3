//! Reverse loops without a bounds check per element.
//!
//! A reverse loop replays its counter (`i = __s0_i + __j0`) and indexes the arrays with
//! it, so each of its reads `x[2 * i + 1]` and adjoint updates `__d_x[2 * i + 1]` is checked
//! against the length, and the checks keep LLVM from vectorising the loop: it cannot prove
//! `2 * i + 1 < x.len()` from the counter's bounds (the index arithmetic may wrap). The
//! forward sweep has already proved every such index in range, by reading it.
//!
//! So, for a loop over a range whose counter the reverse sweep replays, never left early:
//! an index slot defined once, at the loop's top level, as `e + c * i + k` (`c`, `k` integer
//! literals, `e` naming nothing the loop changes) into an array of rank 1 whose length nothing
//! changes (a parameter no statement writes; a buffer created once at the function's top
//! level and never pushed to) belongs to the family `(e, c, base)` (`base` = `k` for `c = 1`,
//! one window per constant; 0 otherwise, with `0 ≤ k < c`). When the loop reads or writes
//! the array at its top level at the family's `e + c * i + base + c − 1`, the forward sweep
//! has touched the last element of every chunk of `x[e + c * s + base ..][.. c * n]` (`s` the
//! first counter, `n` the trip count), and the reverse loop cuts that window once and walks
//! its `chunks_exact(c)` backwards, zipped with the step: the element `x[e + c * i + base +
//! at]` is `chunk[at]`, a constant index into a chunk of constant length. The same for the
//! adjoint, whose length is the array's (checked on entry against a caller's destination,
//! with a message naming both). An array of several families gets shared windows only. A
//! window borrowed mutably (an adjoint, a buffer the loop writes) is dropped when the loop
//! names its array any other way (one `&mut` at a time); what the analysis cannot see as such
//! an index keeps its ordinary `x[..]`.
//!
//! Before: `for __j0 in (0..__n0).rev() { let i = ..; a = x[__t2]; .. __d_x[__t2] = .. }`
//! After:  `let __w0 = &x[__b0..__b0 + 2 * __n0]; let __w1 = &mut __d_x[..];`
//!         `for ((__j0, __w2), __w3) in rev(zip(zip(0..__n0, __w0.chunks_exact(2)),`
//!              `__w1.chunks_exact_mut(2))) { .. a = __w2[0]; .. __w3[0] = .. }`
//! (`Iterator`'s methods called by their paths, so that no trait of the user's is picked).

use super::Sweeper;
use crate::analyse::recompute::Item;
use crate::ir::{ArrayId, ArrayOrigin, Loop, LoopKind, Op, SlotTy, Stmt};
use proc_macro2::{Delimiter, Group, Ident, Literal, TokenStream, TokenTree};
use quote::quote;
use std::collections::HashMap;

/// A family of indices `e + c * i + base + at` (`at < c`) that one window serves.
#[derive(Clone, PartialEq, Eq)]
struct Family {
    c: usize,
    base: isize,
    /// `e`, spelled.
    key: String,
}

/// An index slot's family, and its place in a chunk.
struct Index {
    group: Family,
    at: usize,
    offset: TokenStream,
}

/// The windows of one reverse loop.
pub(super) struct Windows {
    /// The lets that cut the windows, before the loop.
    pub before: TokenStream,
    /// The loop's head.
    pub head: TokenStream,
    /// The loop's replay and body, rewritten to read the chunks.
    pub body: TokenStream,
}

impl Sweeper<'_> {
    /// The windows of the reverse loop of `l` (see the module's comment), or `None` when no
    /// array qualifies; `body` is the reverse iteration (replay and reverse body), `step`
    /// the reverse step, `count` the trip count and `first` the first counter's local.
    pub(super) fn windows(
        &mut self,
        l: &Loop,
        body: &TokenStream,
        step: &Ident,
        count: &Ident,
        first: &Ident,
    ) -> Option<Windows> {
        let plan = self.an.recompute.loops.get(&l.id.0)?;
        let counter = plan.counter.clone();
        let LoopKind::For { pat, .. } = &l.kind else {
            return None;
        };
        if counter != pat.to_string() || l.body.iter().any(crate::ir::walk::contains_exit) {
            return None;
        }
        // The counter must mean the same in every statement of the body: no `let` of the
        // loop's top level may name it (`let i = i + 1;`).
        if l.body.iter().any(|s| match s {
            Stmt::Opaque(t) => mentions(t, &counter),
            _ => false,
        }) {
            return None;
        }
        // Index slots `e + c * i + k`: defined once in the whole body, at this loop's top
        // level, replayed at the start of every reverse iteration, with `e` naming nothing
        // the loop changes (so `e` before the reverse loop is `e` in each iteration).
        let mut defs = vec![0usize; self.body.slots.len()];
        crate::ir::walk::for_each_assign(&self.body.block, &mut |a| defs[a.dst.0] += 1);
        let changed = changed_in(&l.body, self.body);
        let mut slots: HashMap<usize, Index> = HashMap::new();
        for item in &plan.items {
            let Item::Assign(a) = item else { continue };
            let Op::Const(tokens) = &a.op else { continue };
            let top = l
                .body
                .iter()
                .any(|s| matches!(s, Stmt::Assign(b) if b.dst == a.dst));
            if !top || defs[a.dst.0] != 1 || self.body.slots[a.dst.0].ty != SlotTy::Usize {
                continue;
            }
            let Some(Affine { c, k, offset }) = affine(tokens, &counter) else {
                continue;
            };
            let offset = offset.map(|e| quote!(#e)).unwrap_or_default();
            // A stride of 1 has a window per constant (`x[i]` and `x[i - 1]`), a larger one
            // a window whose chunks hold every constant (`x[2 * i]` and `x[2 * i + 1]`).
            let base = if c == 1 { k } else { 0 };
            let fits = c == 1 || (0..c as isize).contains(&k);
            if c == 0 || !fits || changed.iter().any(|name| mentions(&offset, name)) {
                continue;
            }
            let group = Family {
                c,
                base,
                key: offset.to_string(),
            };
            slots.insert(
                a.dst.0,
                Index {
                    group,
                    at: (k - base) as usize,
                    offset,
                },
            );
        }
        if slots.is_empty() {
            return None;
        }
        // The arrays whose length no statement changes: parameters never written, and local
        // buffers created once at the function's top level, never pushed to, replaced or
        // named by non-float code.
        let mut written = vec![false; self.body.arrays.len()];
        let mut resized = vec![0usize; self.body.arrays.len()];
        crate::ir::walk::for_each_stmt(&self.body.block, &mut |s| {
            if let Some(a) = crate::ir::walk::array_written(s) {
                written[a.0] = true;
            }
            match s {
                Stmt::Push(p) => resized[p.array.0] += 2,
                Stmt::Map(m) => resized[m.dst.0] += 2,
                Stmt::ArrayInit(i) => resized[i.array.0] += 1,
                _ => {}
            }
        });
        let top_init: Vec<usize> = self
            .body
            .block
            .iter()
            .filter_map(|s| match s {
                Stmt::ArrayInit(i) => Some(i.array.0),
                _ => None,
            })
            .collect();
        let named = changed_in(&self.body.block, self.body);
        let fixed = |id: usize| {
            let array = &self.body.arrays[id];
            let unique = self
                .body
                .arrays
                .iter()
                .filter(|b| b.name == array.name)
                .count()
                == 1;
            let kind = match array.origin {
                ArrayOrigin::Param(_) => !written[id],
                ArrayOrigin::Local => {
                    resized[id] == 1 && top_init.contains(&id) && !named.contains(&array.name)
                }
                ArrayOrigin::Field(_) => false,
            };
            array.rank == 1 && unique && kind
        };
        // The groups each array is read or written at, at the top level, at the last element
        // of a chunk (the proof that every chunk of the window is in range).
        let mut proven: Vec<(usize, Family)> = Vec::new();
        for s in &l.body {
            let r = match s {
                Stmt::Assign(a) => match &a.op {
                    Op::Read(r) => r,
                    _ => continue,
                },
                Stmt::Write(w) => &w.target,
                _ => continue,
            };
            let [crate::ir::Operand::Slot(ix)] = &r.index[..] else {
                continue;
            };
            let Some(index) = slots.get(&ix.0) else {
                continue;
            };
            if index.at + 1 == index.group.c
                && !r.view
                && fixed(r.array.0)
                && !proven.contains(&(r.array.0, index.group.clone()))
            {
                proven.push((r.array.0, index.group.clone()));
            }
        }
        proven.sort_by(|a, b| {
            (a.0, &a.1.key, a.1.c, a.1.base).cmp(&(b.0, &b.1.key, b.1.c, b.1.base))
        });

        // The windows: shared ones of an array never written, one per group; for an array
        // of one group, its window mutable when the array is written, and its adjoint's.
        struct Cut {
            whole: Ident,
            mutable: bool,
            group: Family,
            offset: TokenStream,
            window: Ident,
            chunk: Ident,
        }
        let mut cuts: Vec<Cut> = Vec::new();
        for (id, group) in &proven {
            let groups = proven.iter().filter(|(a, _)| a == id).count();
            if groups > 1 && written[*id] {
                continue;
            }
            let offset = slots
                .values()
                .find(|i| i.group == *group)
                .map(|i| i.offset.clone())
                .unwrap_or_default();
            let mut sides = vec![(self.body.arrays[*id].name.clone(), written[*id])];
            if groups == 1 && self.an.is_array_active(ArrayId(*id)) {
                sides.push((self.names.array_adjoint[*id].clone(), true));
            }
            for (whole, mutable) in sides {
                cuts.push(Cut {
                    whole,
                    mutable,
                    group: group.clone(),
                    offset: offset.clone(),
                    window: self.names.namer.fresh(&format!("__w{}", l.id.0)),
                    chunk: self.names.namer.fresh(&format!("__w{}", l.id.0)),
                });
            }
        }
        // One `&mut` at a time: a window borrowed mutably must be the only way the loop
        // names its array; the windows of an array named otherwise are dropped, until none is.
        let body = loop {
            let mut map: HashMap<(String, String), (Ident, usize)> = HashMap::new();
            for cut in &cuts {
                for (&slot, index) in &slots {
                    if index.group == cut.group {
                        let name = self.body.slots[slot].name.to_string();
                        map.insert((cut.whole.to_string(), name), (cut.chunk.clone(), index.at));
                    }
                }
            }
            let body = rewrite(body.clone(), &map);
            let before = cuts.len();
            cuts.retain(|c| !(c.mutable && mentions(&body, &c.whole)));
            if cuts.len() == before {
                break body;
            }
        };
        let cuts: Vec<&Cut> = cuts.iter().filter(|c| mentions(&body, &c.chunk)).collect();
        if cuts.is_empty() {
            return None;
        }
        let mut before = TokenStream::new();
        let mut iter = quote!(0..#count);
        let mut pattern = quote!(#step);
        let mut starts: HashMap<String, Ident> = HashMap::new();
        for cut in cuts {
            let Cut {
                whole,
                mutable,
                group,
                offset,
                window,
                chunk,
            } = cut;
            let lit = Literal::usize_unsuffixed(group.c);
            let mut start = if group.c == 1 {
                quote!(#first)
            } else {
                quote!(#lit * #first)
            };
            if !offset.is_empty() {
                start = quote!(#offset + #start);
            }
            let base = Literal::usize_unsuffixed(group.base.unsigned_abs());
            match group.base {
                0 => {}
                b if b < 0 => start = quote!(#start - #base),
                _ => start = quote!(#start + #base),
            }
            let len = if group.c == 1 {
                quote!(#count)
            } else {
                quote!(#lit * #count)
            };
            // One start per distinct expression (an array and its adjoint share theirs).
            let from = match starts.get(&start.to_string()) {
                Some(from) => from.clone(),
                None => {
                    let from = self.names.namer.fresh(&format!("__b{}", l.id.0));
                    before.extend(quote!(
                        let #from: usize = if #count == 0 { 0 } else { #start };
                    ));
                    starts.insert(start.to_string(), from.clone());
                    from
                }
            };
            if *mutable {
                before.extend(quote!(let #window = &mut #whole[#from..#from + #len];));
                iter = quote!(::core::iter::Iterator::zip(#iter, #window.chunks_exact_mut(#lit)));
            } else {
                before.extend(quote!(let #window = &#whole[#from..#from + #len];));
                iter = quote!(::core::iter::Iterator::zip(#iter, #window.chunks_exact(#lit)));
            }
            pattern = quote!((#pattern, #chunk));
        }
        Some(Windows {
            before,
            head: quote!(for #pattern in ::core::iter::Iterator::rev(#iter)),
            body,
        })
    }
}

/// The index `e + c * i + k` of the counter `i`, `c` and `k` integer literals and `e` an
/// expression that does not name `i` (`None` for none).
struct Affine {
    c: usize,
    k: isize,
    offset: Option<syn::Expr>,
}

/// The tokens as a sum `e + c * i + k` (its terms in any order, `i * c` or `c * i` or `i`,
/// in parentheses or not) of the counter `i`.
fn affine(tokens: &TokenStream, counter: &Ident) -> Option<Affine> {
    fn lit(e: &syn::Expr) -> Option<usize> {
        match e {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            }) if matches!(n.suffix(), "" | "usize") => n.base10_parse().ok(),
            syn::Expr::Paren(p) => lit(&p.expr),
            _ => None,
        }
    }
    fn is_counter(e: &syn::Expr, counter: &Ident) -> bool {
        match e {
            syn::Expr::Paren(p) => is_counter(&p.expr, counter),
            syn::Expr::Path(p) => p.qself.is_none() && p.path.is_ident(counter),
            _ => false,
        }
    }
    fn terms<'e>(e: &'e syn::Expr, out: &mut Vec<&'e syn::Expr>) {
        match e {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                terms(&b.left, out);
                terms(&b.right, out);
            }
            syn::Expr::Paren(p) => terms(&p.expr, out),
            _ => out.push(e),
        }
    }
    let mut e = syn::parse2::<syn::Expr>(tokens.clone()).ok()?;
    // `.. - 1`: a constant subtracted last.
    let mut k: isize = 0;
    while let syn::Expr::Binary(
        b @ syn::ExprBinary {
            op: syn::BinOp::Sub(_),
            ..
        },
    ) = &e
    {
        let n = isize::try_from(lit(&b.right)?).ok()?;
        k = k.checked_sub(n)?;
        e = (*b.left).clone();
    }
    let mut all = Vec::new();
    terms(&e, &mut all);
    let (mut c, mut offset) = (None, Vec::new());
    for t in all {
        if let Some(n) = lit(t) {
            k = k.checked_add(isize::try_from(n).ok()?)?;
        } else if is_counter(t, counter) {
            c = Some(c.map_or(Some(1), |_| None)?);
        } else if let syn::Expr::Binary(
            b @ syn::ExprBinary {
                op: syn::BinOp::Mul(_),
                ..
            },
        ) = t
        {
            let m = match (lit(&b.left), lit(&b.right)) {
                (Some(m), None) if is_counter(&b.right, counter) => m,
                (None, Some(m)) if is_counter(&b.left, counter) => m,
                _ if !mentions(&quote!(#t), counter) => {
                    offset.push(t);
                    continue;
                }
                _ => return None,
            };
            c = Some(c.map_or(Some(m), |_| None)?);
        } else if !mentions(&quote!(#t), counter) {
            offset.push(t);
        } else {
            return None;
        }
    }
    let offset = match &offset[..] {
        [] => None,
        [first, rest @ ..] => Some(
            rest.iter()
                .fold((*first).clone(), |acc, t| syn::parse_quote!(#acc + #t)),
        ),
    };
    Some(Affine { c: c?, k, offset })
}

/// The names a statement of `block` may change, at any depth: the slots it assigns and
/// every identifier of its non-float code (its opaque statements, conditions, scrutinees,
/// patterns and loop heads), which is more than it changes.
fn changed_in(block: &[Stmt], body: &crate::ir::Body) -> Vec<Ident> {
    fn idents(tokens: &TokenStream, out: &mut Vec<Ident>) {
        for t in tokens.clone() {
            match t {
                TokenTree::Ident(i) => out.push(i),
                TokenTree::Group(g) => idents(&g.stream(), out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    crate::ir::walk::for_each_stmt(block, &mut |s| match s {
        Stmt::Assign(a) => out.push(body.slots[a.dst.0].name.clone()),
        Stmt::Opaque(t) => idents(t, &mut out),
        Stmt::If(i) => idents(&i.cond, &mut out),
        Stmt::Match(m) => {
            idents(&m.scrutinee, &mut out);
            for arm in &m.arms {
                idents(&arm.pat, &mut out);
            }
        }
        Stmt::Loop(l) => match &l.kind {
            LoopKind::For { pat, iter } => {
                idents(pat, &mut out);
                idents(iter, &mut out);
            }
            LoopKind::While { cond } => idents(cond, &mut out),
            LoopKind::Loop => {}
        },
        _ => {}
    });
    out
}

/// Whether the tokens name `ident` anywhere.
fn mentions(tokens: &TokenStream, ident: &Ident) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == *ident,
        TokenTree::Group(g) => mentions(&g.stream(), ident),
        _ => false,
    })
}

/// `x[__t2]` as `__w2[k]`, for each `(x, __t2)` of `map`; `x` not after `.` (a field).
fn rewrite(tokens: TokenStream, map: &HashMap<(String, String), (Ident, usize)>) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let (TokenTree::Ident(name), Some(TokenTree::Group(g))) = (&trees[i], trees.get(i + 1)) {
            let after_dot = matches!(out.last(), Some(TokenTree::Punct(p)) if p.as_char() == '.' || p.as_char() == ':');
            if g.delimiter() == Delimiter::Bracket && !after_dot {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                if let [TokenTree::Ident(index)] = &inner[..] {
                    if let Some((chunk, k)) = map.get(&(name.to_string(), index.to_string())) {
                        out.push(TokenTree::Ident(chunk.clone()));
                        let k = Literal::usize_unsuffixed(*k);
                        let mut group = Group::new(Delimiter::Bracket, quote!(#k));
                        group.set_span(g.span());
                        out.push(TokenTree::Group(group));
                        i += 2;
                        continue;
                    }
                }
            }
        }
        out.push(match &trees[i] {
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), rewrite(g.stream(), map));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            t => t.clone(),
        });
        i += 1;
    }
    out.into_iter().collect()
}
