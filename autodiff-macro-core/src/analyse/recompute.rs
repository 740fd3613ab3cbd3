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

use super::{induction, unchanged};
use crate::ir::walk::{contains_exit, for_each_stmt};
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
    /// Arrays the reverse sweep must restore element by element (saving what each write
    /// overwrites) so that loops can replay their reads; beyond those a rule reads whole.
    pub restored: Vec<bool>,
    /// Nested loops over a range the reverse sweep can evaluate again.
    pub ranges: HashSet<usize>,
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
#[derive(Clone)]
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

pub fn plan(f: &Function, body: &Body, needed: &[bool], array_needed: &[bool]) -> Recompute {
    // Buffers whose reads loops would replay, were they restored: restored when the reads
    // outweigh the writes (see `restorable`).
    let candidates = restorable(body, array_needed);
    let (_, read_weight) = plan_with(f, body, needed, &candidates);
    let write_weight = write_weights(body);
    let restored: Vec<bool> = (0..body.arrays.len())
        .map(|a| array_needed[a] || (candidates[a] && read_weight[a] > write_weight[a]))
        .collect();
    let (mut plan, _) = plan_with(f, body, needed, &restored);
    plan.restored = restored
        .iter()
        .zip(array_needed)
        .map(|(r, n)| *r && !*n)
        .collect();
    plan
}

/// The plan when the arrays `restored` hold, in the reverse sweep of every statement, what
/// they held in its forward sweep; and the weight of the replayed reads that rely on it.
fn plan_with(
    f: &Function,
    body: &Body,
    needed: &[bool],
    restored: &[bool],
) -> (Recompute, Vec<f64>) {
    let mut defs = vec![0usize; body.slots.len()];
    for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Assign(a) => defs[a.dst.0] += 1,
        Stmt::Call(c) => {
            for o in &c.outs {
                defs[o.0] += 1;
            }
        }
        _ => {}
    });
    let (mut outputs, mut output_arrays) = (Vec::new(), Vec::new());
    body.output.leaves(&mut outputs, &mut output_arrays);
    let stable = super::unassigned_params(body, &defs);
    let params = immutable_params(f);
    let mut unchanged = unchanged::Unchanged::new(f, body);
    let single = |slot: usize| defs[slot] == 1 && !outputs.iter().any(|o| o.0 == slot);
    let mut planner = Planner {
        needed,
        plan: Recompute {
            replayed: vec![false; body.slots.len()],
            loops: HashMap::new(),
            restored: Vec::new(),
            ranges: HashSet::new(),
        },
        referenced: HashSet::new(),
        enclosing: Vec::new(),
        depth: 0,
        read_weight: vec![0.0; body.arrays.len()],
        slots: &body.slots,
        pending: Vec::new(),
        outer: Vec::new(),
    };
    // Each top-level statement with what its reverse sweep sees unchanged (`unchanged.rs`).
    // Only loops are planned: the others are passed over at no cost.
    for (p, stmt) in body.block.iter().enumerate() {
        let mut has_loop = false;
        for_each_stmt(std::slice::from_ref(stmt), &mut |s| {
            has_loop |= matches!(s, Stmt::Loop(_));
        });
        if has_loop {
            let names: HashSet<String> = params.union(unchanged.lets()).cloned().collect();
            let written = unchanged.written_from(p);
            let cx = Context {
                counters: HashSet::new(),
                params: &names,
                stable: &stable,
                written: &written,
                restored,
                inside: HashSet::new(),
                single: &single,
                outer: Outer::default(),
            };
            planner.walk(std::slice::from_ref(stmt), &cx);
        }
        unchanged.pass(stmt);
    }
    planner.finish();
    let Planner {
        mut plan,
        referenced,
        read_weight,
        ..
    } = planner;
    // A loop whose counter an inner loop's replay names records it, replaying nothing else
    // when it has nothing of its own.
    for (id, counter) in referenced {
        plan.loops.entry(id).or_insert(Replay {
            counter,
            inductions: Vec::new(),
            items: Vec::new(),
        });
    }
    (plan, read_weight)
}

/// The local buffers the reverse sweep could restore element by element, as it does those a
/// rule reads whole (`record.rs`): written only by `x[i] = v`, created outside loops, not
/// returned. Restoring one costs a save per write; it lets loops replay its reads instead of
/// recording them.
fn restorable(body: &Body, array_needed: &[bool]) -> Vec<bool> {
    let mut ok: Vec<bool> = body
        .arrays
        .iter()
        .map(|a| a.origin == crate::ir::ArrayOrigin::Local)
        .collect();
    let (mut outputs, mut output_arrays) = (Vec::new(), Vec::new());
    body.output.leaves(&mut outputs, &mut output_arrays);
    for a in output_arrays {
        ok[a.0] = false;
    }
    fn walk(block: &[Stmt], in_loop: bool, ok: &mut [bool]) {
        for s in block {
            match s {
                Stmt::Push(p) => ok[p.array.0] = false,
                Stmt::Map(m) => ok[m.dst.0] = false,
                Stmt::ArrayInit(i) if in_loop => ok[i.array.0] = false,
                Stmt::If(i) => {
                    walk(&i.then, in_loop, ok);
                    walk(&i.els, in_loop, ok);
                }
                Stmt::Match(m) => m.arms.iter().for_each(|a| walk(&a.body, in_loop, ok)),
                Stmt::Loop(l) => walk(&l.body, true, ok),
                _ => {}
            }
        }
    }
    walk(&body.block, false, &mut ok);
    ok.iter()
        .zip(array_needed)
        .map(|(ok, needed)| *ok && !*needed)
        .collect()
}

/// How often a statement at loop depth `depth` runs, for weighing records against each other
/// without trip counts: ten times per enclosing loop, as register allocators weigh spills.
pub fn frequency(depth: usize) -> f64 {
    10f64.powi(depth.min(30) as i32)
}

/// For each array, the weight of its element writes (each a save, were it restored).
fn write_weights(body: &Body) -> Vec<f64> {
    fn walk(block: &[Stmt], depth: usize, out: &mut [f64]) {
        for s in block {
            match s {
                Stmt::Write(w) => out[w.target.array.0] += frequency(depth),
                Stmt::If(i) => {
                    walk(&i.then, depth, out);
                    walk(&i.els, depth, out);
                }
                Stmt::Match(m) => m.arms.iter().for_each(|a| walk(&a.body, depth, out)),
                Stmt::Loop(l) => walk(&l.body, depth + 1, out),
                _ => {}
            }
        }
    }
    let mut out = vec![0.0; body.arrays.len()];
    walk(&body.block, 0, &mut out);
    out
}

/// Plans every loop of a block, inside the loops `enclosing` (number and counter, for those
/// over a range), whose counters the reverse sweep has in scope when they record them.
struct Planner<'a> {
    needed: &'a [bool],
    plan: Recompute,
    referenced: HashSet<(usize, Ident)>,
    enclosing: Vec<(usize, Ident)>,
    /// How many loops enclose the block being walked.
    depth: usize,
    /// For each array, the weight of the replayed reads that need it restored.
    read_weight: Vec<f64>,
    slots: &'a [crate::ir::Slot],
    /// Every loop over a range planned so far, decided in `finish` (innermost first), since
    /// loops nested in it may ask it to replay more.
    pending: Vec<Pending>,
    /// What the enclosing loops over a range can replay, for the block being walked: each
    /// loop's index in `pending` and its candidates that precede the statement being walked.
    outer: Vec<(usize, Outer)>,
}

/// A loop's replay before it is decided.
struct Pending {
    id: usize,
    counter: Ident,
    enclosing: Vec<(usize, Ident)>,
    depth: usize,
    inductions: Vec<(Ident, usize)>,
    candidates: Vec<(usize, Assign)>,
    lets: Vec<Positioned<Item>>,
    /// The arrays written at or after the top-level statement, for the replayed reads' weight.
    written: Vec<bool>,
    /// What the enclosing loops could replay, seen from this loop: by slot and by name.
    outer: Outer,
    /// Slots and `let`s the loops nested in it need it to replay.
    asked: HashSet<usize>,
    asked_lets: bool,
}

/// What enclosing loops can replay before a nested loop: which loop (its index in
/// `Planner::pending`) gives each slot, and each name (of a slot or a `let`).
#[derive(Clone, Default)]
struct Outer {
    slots: HashMap<usize, usize>,
    names: HashMap<String, (usize, Option<usize>)>,
}

impl Outer {
    fn merged(&self, other: &Outer) -> Outer {
        let mut out = self.clone();
        out.slots.extend(other.slots.iter().map(|(k, v)| (*k, *v)));
        out.names
            .extend(other.names.iter().map(|(k, v)| (k.clone(), *v)));
        out
    }
}

impl Planner<'_> {
    fn walk(&mut self, block: &[Stmt], cx: &Context) {
        for stmt in block {
            match stmt {
                Stmt::Loop(l) => {
                    let own = match &l.kind {
                        LoopKind::For { pat, iter } if is_range(iter) => counter(pat),
                        _ => None,
                    };
                    if let Some(counter) = &own {
                        self.plan_loop(l, counter, cx);
                    }
                    if let LoopKind::For { iter, .. } = &l.kind {
                        self.plan_range(l, iter, cx);
                    }
                    let pushed = own.is_some();
                    if let Some(counter) = own {
                        self.enclosing.push((l.id.0, counter));
                    }
                    self.depth += 1;
                    let index = pushed.then(|| self.pending.len() - 1);
                    match index {
                        // Nested loops see the candidates before their statement.
                        Some(index) => {
                            for (at, stmt) in l.body.iter().enumerate() {
                                let outer = self.before(index, at);
                                self.outer.push((index, outer));
                                self.walk(std::slice::from_ref(stmt), cx);
                                self.outer.pop();
                            }
                        }
                        None => self.walk(&l.body, cx),
                    }
                    self.depth -= 1;
                    if pushed {
                        self.enclosing.pop();
                    }
                }
                Stmt::If(i) => {
                    self.walk(&i.then, cx);
                    self.walk(&i.els, cx);
                }
                Stmt::Match(m) => {
                    for arm in &m.arms {
                        self.walk(&arm.body, cx);
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether the reverse sweep can evaluate the range of the nested loop `l` again, from
    /// enclosing counters, parameters and `let`s it sees unchanged: then the loop records
    /// neither its trip count nor its first counter (`sweep/control.rs` decides, knowing
    /// whether the loop can be left early).
    fn plan_range(&mut self, l: &crate::ir::Loop, iter: &TokenStream, cx: &Context) {
        let outer = self.outer_here();
        if self.depth == 0
            || !is_range(iter)
            || !cx
                .in_loops(&self.enclosing, &outer)
                .pure(iter.clone(), &HashSet::new())
        {
            return;
        }
        self.plan.ranges.insert(l.id.0);
        for outer in &self.enclosing {
            if induction::names(iter, &outer.1) {
                self.referenced.insert(outer.clone());
            }
        }
        ask_names(&mut self.pending, &outer, iter);
    }

    /// What the enclosing loops can replay before the statement being walked.
    fn outer_here(&self) -> Outer {
        self.outer
            .iter()
            .fold(Outer::default(), |acc, (_, o)| acc.merged(o))
    }

    /// The candidates of the loop `index` of `pending` that precede its statement `at`.
    fn before(&self, index: usize, at: usize) -> Outer {
        let p = &self.pending[index];
        let mut out = Outer::default();
        for (pos, a) in &p.candidates {
            if *pos < at {
                out.slots.insert(a.dst.0, index);
                out.names
                    .insert(self.slots[a.dst.0].name.to_string(), (index, Some(a.dst.0)));
            }
        }
        for (pos, item) in &p.lets {
            if let (true, Item::Let(tokens)) = (*pos < at, item) {
                if let Some(name) = let_name(tokens) {
                    out.names.insert(name, (index, None));
                }
            }
        }
        out
    }

    /// The candidates of the loop `l` over a range with counter `counter`, decided in
    /// `finish`.
    fn plan_loop(&mut self, l: &crate::ir::Loop, counter: &Ident, cx: &Context) {
        let outer = self.outer_here();
        let inner = cx.clone_with(&self.enclosing, &outer, counter, &l.body);
        let inductions = induction::of(&l.body);
        let (candidates, lets) = inner.candidates(&l.body, &inductions);
        self.pending.push(Pending {
            id: l.id.0,
            counter: counter.clone(),
            enclosing: self.enclosing.clone(),
            depth: self.depth,
            inductions,
            candidates,
            lets,
            written: cx.written.to_vec(),
            outer,
            asked: HashSet::new(),
            asked_lets: false,
        });
    }

    /// Decides every loop's replay, innermost first: what the reverse sweep reads, what
    /// nested loops asked for, and what those are computed from.
    fn finish(&mut self) {
        let mut order: Vec<usize> = (0..self.pending.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.pending[i].depth));
        for i in order {
            let p = &self.pending[i];
            let needed = self.needed;
            let asked = p.asked.clone();
            let assigns = keep_needed_by(p.candidates.clone(), |s| needed[s] || asked.contains(&s));
            if assigns.is_empty() && !p.asked_lets {
                continue;
            }
            let outer = p.outer.clone();
            // What the kept items read of the enclosing loops' replays.
            for (_, a) in &assigns {
                let reads = a.args.iter().chain(crate::ir::walk::array_indices(a));
                for s in reads.filter_map(crate::ir::walk::slot_of) {
                    if let Some(&at) = outer.slots.get(&s.0) {
                        self.pending[at].asked.insert(s.0);
                    }
                }
                if let Op::Const(tokens) = &a.op {
                    ask_names(&mut self.pending, &outer, tokens);
                }
            }
            let lets: Vec<TokenStream> = self.pending[i]
                .lets
                .iter()
                .filter_map(|(_, item)| match item {
                    Item::Let(tokens) => Some(tokens.clone()),
                    Item::Assign(_) => None,
                })
                .collect();
            for tokens in &lets {
                ask_names(&mut self.pending, &outer, tokens);
            }
            let p = &self.pending[i];
            for (_, a) in &assigns {
                self.plan.replayed[a.dst.0] = true;
                if let Op::Read(r) = &a.op {
                    if p.written[r.array.0] {
                        self.read_weight[r.array.0] += frequency(p.depth + 1);
                    }
                }
            }
            let mut items: Vec<(usize, Item)> = p
                .lets
                .iter()
                .map(|(at, item)| (*at, item.clone()))
                .collect();
            items.extend(assigns.into_iter().map(|(at, a)| (at, Item::Assign(a))));
            items.sort_by_key(|(at, _)| *at);
            let items: Vec<Item> = items.into_iter().map(|(_, item)| item).collect();
            for outer in p.enclosing.iter() {
                if items.iter().any(|item| item.names(&outer.1)) {
                    self.referenced.insert(outer.clone());
                }
            }
            let inductions = p
                .inductions
                .iter()
                .map(|(v, _)| v.clone())
                .filter(|v| items.iter().any(|item| item.names(v)))
                .collect();
            self.plan.loops.insert(
                p.id,
                Replay {
                    counter: p.counter.clone(),
                    inductions,
                    items,
                },
            );
        }
    }
}

/// Asks the enclosing loops to replay the slots and `let`s that `tokens` name.
fn ask_names(pending: &mut [Pending], outer: &Outer, tokens: &TokenStream) {
    fn walk(tokens: TokenStream, out: &mut Vec<String>) {
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => out.push(i.to_string()),
                TokenTree::Group(g) => walk(g.stream(), out),
                _ => {}
            }
        }
    }
    let mut names = Vec::new();
    walk(tokens.clone(), &mut names);
    for name in names {
        if let Some(&(at, slot)) = outer.names.get(&name) {
            match slot {
                Some(s) => {
                    pending[at].asked.insert(s);
                }
                None => pending[at].asked_lets = true,
            }
        }
    }
}

/// The name a replayable `let name = ...;` binds.
fn let_name(tokens: &TokenStream) -> Option<String> {
    let syn::Stmt::Local(local) = syn::parse2::<syn::Stmt>(tokens.clone()).ok()? else {
        return None;
    };
    match &local.pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string()),
        _ => None,
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
    /// Arrays written at or after the top-level statement being planned.
    written: &'a [bool],
    /// Arrays the reverse sweep restores element by element.
    restored: &'a [bool],
    /// Arrays the body of the loop being planned writes.
    inside: HashSet<usize>,
    /// Whether a slot is assigned once in the body, and not returned.
    single: &'a dyn Fn(usize) -> bool,
    /// Slots and names the enclosing loops can replay before this code.
    outer: Outer,
}

impl<'a> Context<'a> {
    /// The context of a loop with counter `counter` and body `body` inside the loops
    /// `enclosing`.
    fn clone_with(
        &self,
        enclosing: &[(usize, Ident)],
        outer: &Outer,
        counter: &Ident,
        body: &Block,
    ) -> Context<'a> {
        let mut cx = self.in_loops(enclosing, outer);
        cx.counters.insert(counter.to_string());
        for_each_stmt(body, &mut |s| {
            if let Some(a) = crate::ir::walk::array_written(s) {
                cx.inside.insert(a.0);
            }
        });
        cx
    }

    /// The context of code inside the loops `enclosing`, whose counters it may name.
    fn in_loops(&self, enclosing: &[(usize, Ident)], outer: &Outer) -> Context<'a> {
        Context {
            outer: outer.clone(),
            counters: enclosing.iter().map(|(_, c)| c.to_string()).collect(),
            params: self.params,
            stable: self.stable,
            written: self.written,
            restored: self.restored,
            inside: HashSet::new(),
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
            Operand::Slot(s) => {
                here.contains(&s.0) || self.stable[s.0] || self.outer.slots.contains_key(&s.0)
            }
        };
        match &a.op {
            Op::Const(tokens) => self.pure(tokens.clone(), names),
            Op::Read(r) => {
                let a = r.array.0;
                let unchanged = !self.written[a] || (self.restored[a] && !self.inside.contains(&a));
                unchanged && r.index.iter().all(operand)
            }
            Op::Copy | Op::Prim(_) => a.args.iter().all(operand),
            Op::Reduce(..) | Op::Tensor(_) => false,
        }
    }

    /// Whether `tokens` only combine literals, the counter, unchangeable parameters and the
    /// replayed `let`s `names` with operators, indexing and pure methods.
    fn pure(&self, tokens: TokenStream, names: &HashSet<String>) -> bool {
        // `after_dot`: the previous token is a `.` of a method call, not of a range `..`.
        let (mut after_dot, mut joint_dot) = (false, false);
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
                            || self.outer.names.contains_key(&name)
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
            let dot = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '.');
            after_dot = dot
                && !joint_dot
                && matches!(&tt, TokenTree::Punct(p) if p.spacing() == proc_macro2::Spacing::Alone);
            joint_dot = dot
                && matches!(&tt, TokenTree::Punct(p) if p.spacing() == proc_macro2::Spacing::Joint);
        }
        true
    }
}

/// The replayable candidates the reverse sweep needs, with what they are computed from.
fn keep_needed_by(
    candidates: Vec<(usize, Assign)>,
    needed: impl Fn(usize) -> bool,
) -> Vec<(usize, Assign)> {
    let mut keep: HashSet<usize> = candidates
        .iter()
        .filter(|(_, a)| needed(a.dst.0))
        .map(|(_, a)| a.dst.0)
        .collect();
    for (_, a) in candidates.iter().rev() {
        if keep.contains(&a.dst.0) {
            let reads = a.args.iter().chain(crate::ir::walk::array_indices(a));
            keep.extend(reads.filter_map(crate::ir::walk::slot_of).map(|s| s.0));
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

/// The range `a..b` or `a..=b` a loop runs over, whose counters are integers the reverse
/// sweep can compute (both bounds written).
pub fn bounded_range(iter: &TokenStream) -> Option<syn::ExprRange> {
    match syn::parse2::<syn::Expr>(iter.clone()) {
        Ok(syn::Expr::Range(r)) if r.start.is_some() && r.end.is_some() => Some(r),
        _ => None,
    }
}

fn is_range(iter: &TokenStream) -> bool {
    bounded_range(iter).is_some()
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
