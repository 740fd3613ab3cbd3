//! Recomputing instead of recording, in loops over a range.
//!
//! A loop that overwrites a value the reverse sweep reads records the old value on every
//! iteration (`record.rs`). Much of what loops compute needs no record: an index like `2 * i`
//! depends only on the loop counter, an element `x[2 * i]` of a slice the body never writes
//! only on that index, and `x[2 * i] * x[2 * i] - 1.0` only on those. For a loop
//! `for i in a..b`, the forward sweep records the counter `i` alone (one lane of the tape per
//! loop), and each iteration of the reverse sweep starts by taking it back and replaying those
//! assignments, which then hold exactly the values they had in that iteration. This is the
//! recomputation Tapenade and Enzyme weigh against storing; here it is chosen when it costs no
//! more than the forward statement itself.
//!
//! An assignment is replayed when, in the loop's body:
//!
//! - it is the only assignment of its slot (a `let` in the body, or a temporary), so every
//!   read of the slot in an iteration follows it and sees this iteration's value;
//! - it stands at the top level of the body, before any statement that can leave the
//!   iteration, so it ran in every iteration the reverse sweep replays;
//! - it computes from literals, the counter, parameters the body cannot change, elements of
//!   arrays the body never writes, and slots replayed before it: a constant whose tokens
//!   name nothing else (`2 * i + 1`, `n - i`, `idx[i]`, `x.len()`), an element, a copy, or a
//!   float primitive (not a reduction, which would cost a pass over its slices).
//!
//! Only what the reverse sweep reads is replayed, with what it is computed from.

use super::{for_each_stmt, induction, unchanged};
use crate::ir::{Assign, Block, Body, LoopKind, Op, Operand, Stmt};
use crate::parse::Function;
use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use std::collections::{HashMap, HashSet};

/// What each loop replays.
#[derive(Default)]
pub struct Recompute {
    /// For each slot, whether it is replayed (and never recorded).
    pub replayed: Vec<bool>,
    /// By loop number: its counter and the assignments each reverse iteration replays, in
    /// program order.
    pub loops: HashMap<usize, Replay>,
}

pub struct Replay {
    pub counter: Ident,
    /// Integers the body steps by one, which the items name (see `induction.rs`): like the
    /// counter, computed from their value at the loop's entry.
    pub inductions: Vec<Ident>,
    pub items: Vec<Item>,
}

/// An item and its position in the loop's body.
type Positioned<T> = (usize, T);

/// What a reverse iteration replays, in program order.
pub enum Item {
    Assign(Assign),
    /// A `let` of a non-float value computed like a replayed constant (`let i = __i;`, which
    /// lowering writes for `enumerate`): replayed as written, so later constants may name it.
    Let(TokenStream),
}

/// Methods a replayed constant may call: pure, and cheap.
const PURE_METHODS: &[&str] = &[
    "len",
    "min",
    "max",
    "pow",
    "abs",
    "saturating_sub",
    "saturating_add",
    "wrapping_add",
    "wrapping_sub",
    "wrapping_mul",
    "rem_euclid",
    "div_euclid",
];

pub fn plan(f: &Function, body: &Body, needed: &[bool]) -> Recompute {
    let mut defs = vec![0usize; body.slots.len()];
    for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Assign(a) => defs[a.dst.0] += 1,
        Stmt::Call(c) => defs[c.dst.0] += 1,
        _ => {}
    });
    let (mut outputs, mut output_arrays) = (Vec::new(), Vec::new());
    body.output.leaves(&mut outputs, &mut output_arrays);
    let stable = super::unassigned_params(body, &defs);
    let params = immutable_params(f);
    let written = unchanged::written_from(body);
    let lets = unchanged::lets_before(f, body);
    let single = |slot: usize| defs[slot] == 1 && !outputs.iter().any(|o| o.0 == slot);
    let mut plan = Recompute {
        replayed: vec![false; body.slots.len()],
        loops: HashMap::new(),
    };
    let mut referenced = HashSet::new();
    // Each top-level statement with what its reverse sweep sees unchanged (`unchanged.rs`).
    for (p, stmt) in body.block.iter().enumerate() {
        let names: HashSet<String> = params.union(&lets[p]).cloned().collect();
        let cx = Context {
            counters: HashSet::new(),
            params: &names,
            stable: &stable,
            written: &written[p],
            single: &single,
        };
        walk(
            std::slice::from_ref(stmt),
            &cx,
            &mut Vec::new(),
            needed,
            &mut plan,
            &mut referenced,
        );
    }
    // A loop whose counter an inner loop's replay names records it, replaying nothing else
    // when it has nothing of its own.
    for (id, counter) in referenced {
        plan.loops.entry(id).or_insert(Replay {
            counter,
            inductions: Vec::new(),
            items: Vec::new(),
        });
    }
    plan
}

/// Plans every loop of `block`, inside the loops `enclosing` (number and counter, for those
/// over a range), whose counters the reverse sweep has in scope when they record them.
fn walk(
    block: &[Stmt],
    cx: &Context,
    enclosing: &mut Vec<(usize, Ident)>,
    needed: &[bool],
    plan: &mut Recompute,
    referenced: &mut HashSet<(usize, Ident)>,
) {
    for stmt in block {
        match stmt {
            Stmt::Loop(l) => {
                let own = match &l.kind {
                    LoopKind::For { pat, iter } if is_range(iter) => counter(pat),
                    _ => None,
                };
                if let Some(counter) = &own {
                    let inner = cx.clone_with(enclosing, counter);
                    let inductions = induction::of(&l.body);
                    let (candidates, lets) = inner.candidates(&l.body, &inductions);
                    let assigns = keep_needed(candidates, needed);
                    if !assigns.is_empty() {
                        for (_, a) in &assigns {
                            plan.replayed[a.dst.0] = true;
                        }
                        let mut items: Vec<(usize, Item)> = lets;
                        items.extend(assigns.into_iter().map(|(at, a)| (at, Item::Assign(a))));
                        items.sort_by_key(|(at, _)| *at);
                        let items: Vec<Item> = items.into_iter().map(|(_, item)| item).collect();
                        for outer in enclosing.iter() {
                            if items.iter().any(|item| item.names(&outer.1)) {
                                referenced.insert(outer.clone());
                            }
                        }
                        let counter = counter.clone();
                        let inductions = inductions
                            .into_iter()
                            .map(|(v, _)| v)
                            .filter(|v| items.iter().any(|item| item.names(v)))
                            .collect();
                        plan.loops.insert(
                            l.id.0,
                            Replay {
                                counter,
                                inductions,
                                items,
                            },
                        );
                    }
                }
                let pushed = own.is_some();
                if let Some(counter) = own {
                    enclosing.push((l.id.0, counter));
                }
                walk(&l.body, cx, enclosing, needed, plan, referenced);
                if pushed {
                    enclosing.pop();
                }
            }
            Stmt::If(i) => {
                walk(&i.then, cx, enclosing, needed, plan, referenced);
                walk(&i.els, cx, enclosing, needed, plan, referenced);
            }
            Stmt::Match(m) => {
                for arm in &m.arms {
                    walk(&arm.body, cx, enclosing, needed, plan, referenced);
                }
            }
            _ => {}
        }
    }
}

impl Item {
    /// Whether the item's tokens name `ident`.
    fn names(&self, ident: &Ident) -> bool {
        fn walk(tokens: TokenStream, ident: &Ident) -> bool {
            tokens.into_iter().any(|tt| match tt {
                TokenTree::Ident(i) => i == *ident,
                TokenTree::Group(g) => walk(g.stream(), ident),
                _ => false,
            })
        }
        match self {
            Item::Let(tokens) => walk(tokens.clone(), ident),
            Item::Assign(a) => match &a.op {
                Op::Const(tokens) => walk(tokens.clone(), ident),
                _ => false,
            },
        }
    }
}

struct Context<'a> {
    /// The counters a replayed constant may name: its loop's and the enclosing loops'.
    counters: HashSet<String>,
    params: &'a HashSet<String>,
    stable: &'a [bool],
    written: &'a [bool],
    /// Whether a slot is assigned once in the body, and not returned.
    single: &'a dyn Fn(usize) -> bool,
}

impl<'a> Context<'a> {
    /// The context of a loop with counter `counter` inside the loops `enclosing`.
    fn clone_with(&self, enclosing: &[(usize, Ident)], counter: &Ident) -> Context<'a> {
        let mut counters: HashSet<String> = enclosing.iter().map(|(_, c)| c.to_string()).collect();
        counters.insert(counter.to_string());
        Context {
            counters,
            params: self.params,
            stable: self.stable,
            written: self.written,
            single: self.single,
        }
    }

    /// The assignments at the top of `body`, before anything that can leave the iteration,
    /// that can be replayed, and the `let`s of non-floats they may name; each with its
    /// position in the body.
    fn candidates(
        &self,
        body: &Block,
        inductions: &[(Ident, usize)],
    ) -> (Vec<(usize, Assign)>, Vec<Positioned<Item>>) {
        let mut here: HashSet<usize> = HashSet::new();
        // Induction variables hold a computable value up to their increment.
        let mut names: HashSet<String> = inductions.iter().map(|(v, _)| v.to_string()).collect();
        let (mut assigns, mut lets) = (Vec::new(), Vec::new());
        for (at, stmt) in body.iter().enumerate() {
            if contains_exit(stmt) {
                break;
            }
            for (v, _) in inductions.iter().filter(|(_, inc)| *inc == at) {
                names.remove(&v.to_string());
            }
            match stmt {
                Stmt::Assign(a) if (self.single)(a.dst.0) && self.computable(a, &here, &names) => {
                    here.insert(a.dst.0);
                    assigns.push((at, a.clone()));
                }
                Stmt::Opaque(tokens) => {
                    if let Some(name) = self.pure_let(tokens, &names) {
                        names.insert(name);
                        lets.push((at, Item::Let(tokens.clone())));
                    }
                }
                _ => {}
            }
        }
        (assigns, lets)
    }

    /// The name a `let name = <pure expression>;` binds.
    fn pure_let(&self, tokens: &TokenStream, names: &HashSet<String>) -> Option<String> {
        let syn::Stmt::Local(local) = syn::parse2::<syn::Stmt>(tokens.clone()).ok()? else {
            return None;
        };
        let syn::Pat::Ident(p) = &local.pat else {
            return None;
        };
        let init = local.init.as_ref()?;
        let plain = p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none();
        let expr = &init.expr;
        (plain && init.diverge.is_none() && self.pure(quote::quote!(#expr), names))
            .then(|| p.ident.to_string())
    }

    fn computable(&self, a: &Assign, here: &HashSet<usize>, names: &HashSet<String>) -> bool {
        let operand = |op: &Operand| match op {
            Operand::Lit(_) => true,
            Operand::Slot(s) => here.contains(&s.0) || self.stable[s.0],
        };
        match &a.op {
            Op::Const(tokens) => self.pure(tokens.clone(), names),
            Op::Read(r) => !self.written[r.array.0] && r.index.iter().all(operand),
            Op::Copy | Op::Prim(_) => a.args.iter().all(operand),
            Op::Reduce(..) => false,
        }
    }

    /// Whether `tokens` only combine literals, the counter, unchangeable parameters and the
    /// replayed `let`s `names` with operators, indexing and pure methods.
    fn pure(&self, tokens: TokenStream, names: &HashSet<String>) -> bool {
        let mut after_dot = false;
        for tt in tokens {
            let ok = match &tt {
                TokenTree::Literal(_) => true,
                TokenTree::Ident(i) => {
                    let name = i.to_string();
                    if after_dot {
                        PURE_METHODS.contains(&name.as_str())
                    } else {
                        self.counters.contains(&name)
                            || self.params.contains(&name)
                            || names.contains(&name)
                            || name == "as"
                            || is_number_type(&name)
                    }
                }
                TokenTree::Punct(p) => {
                    !matches!(p.as_char(), '=' | '!' | '|' | '&' | ';' | '?' | '#')
                }
                TokenTree::Group(g) => {
                    g.delimiter() != Delimiter::Brace && self.pure(g.stream(), names)
                }
            };
            if !ok {
                return false;
            }
            after_dot = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '.');
        }
        true
    }
}

/// The replayable candidates the reverse sweep needs, with what they are computed from.
fn keep_needed(candidates: Vec<(usize, Assign)>, needed: &[bool]) -> Vec<(usize, Assign)> {
    let mut keep: HashSet<usize> = candidates
        .iter()
        .filter(|(_, a)| needed[a.dst.0])
        .map(|(_, a)| a.dst.0)
        .collect();
    for (_, a) in candidates.iter().rev() {
        if keep.contains(&a.dst.0) {
            let reads = a.args.iter().chain(super::array_indices(a));
            keep.extend(reads.filter_map(super::slot_of).map(|s| s.0));
        }
    }
    candidates
        .into_iter()
        .filter(|(_, a)| keep.contains(&a.dst.0))
        .collect()
}

/// The counter of `for i in ...`: a plain, immutable binding.
fn counter(pat: &TokenStream) -> Option<Ident> {
    match syn::parse::Parser::parse2(syn::Pat::parse_single, pat.clone()).ok()? {
        syn::Pat::Ident(p)
            if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() =>
        {
            Some(p.ident)
        }
        _ => None,
    }
}

/// Whether the loop runs over `a..b` or `a..=b`, whose counters are integers the tape records.
fn is_range(iter: &TokenStream) -> bool {
    matches!(
        syn::parse2::<syn::Expr>(iter.clone()),
        Ok(syn::Expr::Range(syn::ExprRange {
            start: Some(_),
            end: Some(_),
            ..
        }))
    )
}

/// The parameters bound by a plain immutable name: the body cannot change them.
fn immutable_params(f: &Function) -> HashSet<String> {
    f.item
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(p) if p.mutability.is_none() && p.by_ref.is_none() => {
                    let mutable_ref =
                        matches!(&*t.ty, syn::Type::Reference(r) if r.mutability.is_some());
                    (!mutable_ref).then(|| p.ident.to_string())
                }
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

fn is_number_type(name: &str) -> bool {
    matches!(
        name,
        "usize"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "f32"
            | "f64"
    )
}

pub fn contains_exit(stmt: &Stmt) -> bool {
    let mut found = false;
    for_each_stmt(std::slice::from_ref(stmt), &mut |s| {
        found |= matches!(s, Stmt::Exit(_));
    });
    found
}
