//! Stages 4 and 5: the forward and reverse sweeps, built side by side.
//!
//! Takes a body and its `Analysis`; guarantees token streams (declarations, forward sweep,
//! reverse sweep, delivery of the gradients, value) that type-check for every body the
//! analysis accepted, naming only `::autodiff::__private` paths and the runtime's rules.
//! Reports nothing: every refusal happened before. Depends on `ir`, `analyse`, `parse`,
//! `symbol` and `names`.
//!
//! Every IR statement yields a pair `(forward, reverse)` of token streams (Tangent's
//! (primal, adjoint) pairs, Clad's `StmtDiff`). A block concatenates the forward parts in
//! order and the reverse parts in reverse order. Every record the forward part makes (a
//! saved value, a branch flag, a trip count) is created in the same function as the read
//! that mirrors it in the reverse part, so the two cannot drift apart.
//!
//! Partial iterations. A `break`, `continue` or `return` leaves the rest of its block
//! unexecuted, so the reverse sweep must skip the reverse of those statements. Each exit
//! site has a number, in preorder; when an exit leaves an iteration, the forward sweep
//! records its number as the iteration's *exit code* (`__e0`; `__ret` for the function
//! body). In the reverse of a block, the statements that follow the first statement
//! containing an exit run only if the code is 0 (no exit) or at least the number of the
//! first site after them: sites inside earlier statements have smaller numbers, and a site
//! that fired in an earlier statement is exactly a code in that range.

mod array;
mod assign;
mod bounds;
mod call;
mod control;
mod decls;
mod rules;
mod tensor;

use crate::analyse::Analysis;
use crate::ir::{ArrayId, Block, Body, ExitKind, LoopId, ParamVar, SlotId, SlotTy, Stmt};
use crate::names::Namer;
use crate::parse::Function;
use decls::Decls;
use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use std::collections::HashMap;

/// The generated body of the `_vjp` function, in parts.
#[derive(Clone)]
pub struct Sweeps {
    /// Declarations of every slot, record and adjoint.
    pub decls: TokenStream,
    pub forward: TokenStream,
    pub reverse: TokenStream,
    /// The value returned by the function.
    pub value: TokenStream,
    /// Adds each differentiable parameter's gradient into its destination.
    pub deliver: TokenStream,
}

/// How a loop records the way its iterations ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ExitMode {
    /// Every iteration runs to its end.
    None,
    /// Only the last iteration can end early: one exit code per execution of the loop.
    Break,
    /// Any iteration can end early (`continue`): one exit code per iteration.
    Continue,
}

#[derive(Clone)]
enum Frame {
    Branch { record: TokenStream },
    Loop { id: LoopId },
}

struct LoopInfo {
    count: Ident,
    exit: Ident,
    mode: ExitMode,
    nested: bool,
    /// False for a loop the reverse sweep has nothing to do in: it records nothing.
    recorded: bool,
    label: Option<syn::Lifetime>,
    /// For a loop over a range whose counter the reverse sweep replays: the values it keeps
    /// at its entry, the first counter first.
    entries: Vec<Entry>,
    /// For a nested loop whose range the reverse sweep evaluates again: the range.
    range: Option<TokenStream>,
}

/// A value a loop over a range keeps at its entry, from which the reverse sweep computes
/// the one of every iteration: the first counter, or an induction variable's first value.
/// Kept in `local`, and recorded on the loop's counter lane when the loop is nested in
/// another (`marker` keeps its type for the pop).
struct Entry {
    /// The counter or induction variable.
    name: Ident,
    local: Ident,
    marker: Option<Ident>,
}

struct Sweeper<'a> {
    f: &'a Function,
    body: &'a Body,
    an: &'a Analysis,
    names: Names,
    decls: Decls,
    uses_tape: bool,
    frames: Vec<Frame>,
    loops: HashMap<usize, LoopInfo>,
    n_saves: usize,
    /// For each returned array the reverse sweep changes (restoring elements, undoing
    /// pushes), the local holding a copy of its final value.
    output_copies: Vec<Option<Ident>>,
    /// For `NAME_jvp_lanes`: the tangents, declared and written as `Lanes`.
    lanes: Option<&'a LaneMode>,
    /// Declarations after all the others: the tangent arrays of `lanes`, each made from the
    /// array whose shape it has.
    late_decls: TokenStream,
}

/// How `NAME_jvp_lanes` is emitted: which values are tangents, carried `n` to a
/// `Lanes<F, n>` (`autodiff_runtime::lanes`); everything else is emitted as for `NAME_jvp`.
pub struct LaneMode {
    pub values: crate::tangent::LaneValues,
    /// The const parameter that counts the lanes.
    pub n: Ident,
}

/// Generated names, fixed once per function.
struct Names {
    adjoint: Vec<Ident>,
    array_adjoint: Vec<Ident>,
    tape: Ident,
    ret: Ident,
    fwd_label: syn::Lifetime,
    grad: [Ident; 4],
    out_value: Ident,
    namer: Namer,
}

/// The sweeps of `body`; `dests` names the destination of each differentiable parameter's
/// gradient (`&mut F` for a scalar, `&mut [F]`-like for an array), in order.
pub fn build(
    f: &Function,
    body: &Body,
    an: &Analysis,
    namer: Namer,
    seed: &Ident,
    dests: &[Ident],
) -> Sweeps {
    build_with_lanes(f, body, an, namer, seed, dests, None)
}

/// `build`, with the tangents of `lanes` (if any) emitted as `Lanes`: the forward sweep of
/// `NAME_jvp_lanes`.
pub fn build_with_lanes(
    f: &Function,
    body: &Body,
    an: &Analysis,
    mut namer: Namer,
    seed: &Ident,
    dests: &[Ident],
    lanes: Option<&LaneMode>,
) -> Sweeps {
    let adjoint = body
        .slots
        .iter()
        .map(|s| {
            let name = s.name.to_string();
            namer.fresh(&format!("__d_{}", name.trim_start_matches('_')))
        })
        .collect();
    let mut array_adjoint: Vec<Ident> = body
        .arrays
        .iter()
        .map(|a| {
            namer.fresh(&format!(
                "__d_{}",
                a.name.to_string().trim_start_matches('_')
            ))
        })
        .collect();
    // A place inside a parameter adds into the same place of the parameter's destination.
    let diff_positions = f
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.kind, crate::parse::ParamKind::Float { diff: true, .. }))
        .map(|(k, _)| k);
    for (k, dest) in diff_positions.zip(dests) {
        for a in body.fields_of(k) {
            array_adjoint[a.0] = dest.clone();
        }
    }
    let names = Names {
        adjoint,
        array_adjoint,
        tape: namer.fresh("__tape"),
        ret: namer.fresh("__ret"),
        fwd_label: syn::Lifetime::new(
            &format!("'{}", namer.fresh("__forward")),
            proc_macro2::Span::call_site(),
        ),
        grad: [
            namer.fresh("__g0"),
            namer.fresh("__g1"),
            namer.fresh("__g2"),
            namer.fresh("__g3"),
        ],
        out_value: namer.fresh("__y"),
        namer,
    };
    let mut sw = Sweeper {
        f,
        body,
        an,
        names,
        decls: Decls::default(),
        uses_tape: false,
        frames: Vec::new(),
        loops: HashMap::new(),
        n_saves: 0,
        output_copies: vec![None; body.arrays.len()],
        lanes,
        late_decls: TokenStream::new(),
    };
    sw.declare_slots();
    let (forward, reverse_body) = sw.top_block(&body.block);
    let snapshots = sw.copy_outputs();
    let float = f.float.ty();
    let zero = f.float.adjoint_zero();

    // The differentiable parameters, each with its destination.
    let diff_params: Vec<(ParamVar, &Ident)> = body
        .params
        .iter()
        .zip(&f.params)
        .filter(|(_, p)| matches!(p.kind, crate::parse::ParamKind::Float { diff: true, .. }))
        .zip(dests)
        // A parameter the body cannot read has no variable; its destination stays as given.
        .filter_map(|((var, _), dest)| var.map(|v| (v, dest)))
        .collect();
    let written = written_arrays(body);
    let mut float_adjoints = Decls::default();
    for (i, active) in an.active.iter().enumerate() {
        if *active && body.slots[i].ty == SlotTy::Value {
            // The accumulator of a value's gradient, of a type only rustc knows (see
            // `sweep::tensor`); declared after the forward sweep, from the value.
            let name = &body.slots[i].name;
            float_adjoints.push(
                &sw.names.adjoint[i],
                None,
                quote!(::autodiff::__private::tensor::acc_of(&#name)),
            );
        } else if *active {
            float_adjoints.push(&sw.names.adjoint[i], Some(quote!(#float)), quote!(#zero));
        }
    }
    let mut adjoint_decls = float_adjoints.into_tokens();
    // An array's adjoint is a zero of its shape at the end of the forward sweep, or the
    // caller's destination itself for a parameter the body never writes (the adjoint only
    // accumulates then, so adding into the destination directly is the same).
    let vjp_into = format!("{}_vjp_into", f.name());
    let mut deliver = TokenStream::new();
    for (i, active) in an.array_active.iter().enumerate() {
        if !*active || body.arrays[i].field().is_some() {
            continue;
        }
        let d = &sw.names.array_adjoint[i];
        let name = &body.arrays[i].name;
        let array_ty: syn::Type = match (&body.arrays[i].origin, &body.arrays[i].decl) {
            (crate::ir::ArrayOrigin::Param(k), _) => f.params[*k].ty.clone(),
            (_, Some((ty, _))) => {
                syn::parse2(ty.clone()).unwrap_or(syn::Type::Verbatim(ty.clone()))
            }
            (_, None) => syn::Type::Verbatim(TokenStream::new()),
        };
        let zero_of_array = f.float.zero_like(&quote!(#name), &array_ty);
        let dest = diff_params
            .iter()
            .find(|(v, _)| *v == ParamVar::Array(ArrayId(i)))
            .map(|(_, dest)| *dest);
        match dest {
            Some(dest) => {
                let message = format!("{vjp_into}: the destination of `{name}` has {{}} elements but `{name}` has {{}}");
                adjoint_decls.extend(quote!(
                    if #dest.len() != #name.len() {
                        ::core::panic!(#message, #dest.len(), #name.len());
                    }
                ));
                if written[i] {
                    adjoint_decls.extend(quote!(let mut #d = #zero_of_array;));
                    deliver.extend(add_into(dest, d, body.arrays[i].rank));
                } else {
                    adjoint_decls.extend(quote!(let #d = &mut *#dest;));
                }
            }
            None => adjoint_decls.extend(quote!(let mut #d = #zero_of_array;)),
        }
    }
    for (var, dest) in &diff_params {
        if let ParamVar::Scalar(slot) = var {
            if an.is_active(*slot) && body.slots[slot.0].ty == SlotTy::Value {
                let d = sw.adjoint(*slot);
                deliver.extend(quote!(::autodiff::__private::tensor::deliver(#dest, &mut #d);));
            } else if an.is_active(*slot) {
                let d = sw.adjoint(*slot);
                deliver.extend(quote!(*#dest = *#dest + #d;));
            }
        }
    }
    let (seed_in, value) = sw.seed_and_value(&body.output, quote!(#seed));
    let tape = &sw.names.tape;
    let mut tape_ref = TokenStream::new();
    let mut reverse_tape = TokenStream::new();
    if sw.uses_tape {
        // Concrete floats take their tape from a per-thread pool, so repeated calls do not
        // allocate; a generic float gets a fresh one.
        let (tape_ty, borrow) = match f.float {
            crate::parse::FloatTy::Generic(_) => {
                (quote!(::autodiff::__private::Tape::<#float>), quote!(&mut))
            }
            _ => (
                quote!(::autodiff::__private::RecycledTape::<#float>),
                quote!(&mut *),
            ),
        };
        let owner = sw.names.namer.fresh("__tape_owner");
        sw.decls.push(&owner, None, quote!(#tape_ty::new()));
        // Pushes and pops go through one `&mut Tape`, taken once.
        tape_ref = quote!(let #tape = #borrow #owner;);
        // The reverse sweep pops from a local copy (see `Reversing`).
        let rev = sw.names.namer.fresh("__tape_rev");
        reverse_tape = quote!(
            let mut #rev = ::autodiff::__private::Reversing::new(#tape);
            let #tape = &mut *#rev;
        );
    }
    let mut decls = sw.decls.into_tokens();
    decls.extend(sw.late_decls);
    decls.extend(tape_ref);
    Sweeps {
        decls,
        forward,
        reverse: quote!(#reverse_tape #snapshots #adjoint_decls #seed_in #reverse_body),
        value,
        deliver,
    }
}

/// Arrays the body writes or pushes to.
fn written_arrays(body: &Body) -> Vec<bool> {
    let mut written = vec![false; body.arrays.len()];
    crate::ir::walk::for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Write(w) => written[w.target.array.0] = true,
        Stmt::Push(p) => written[p.array.0] = true,
        _ => {}
    });
    written
}

/// `dest += local`, element by element, for an array of rank 1 or 2.
fn add_into(dest: &Ident, local: &Ident, rank: usize) -> TokenStream {
    if rank == 1 {
        quote!(for (d, g) in #dest.iter_mut().zip(#local.iter()) { *d = *d + *g; })
    } else {
        quote!(for (dr, gr) in #dest.iter_mut().zip(#local.iter()) {
            for (d, g) in dr.iter_mut().zip(gr.iter()) { *d = *d + *g; }
        })
    }
}

impl Sweeper<'_> {
    /// The seed's entry into the reverse sweep (`__d_out = seed;`, part by part for a
    /// tuple), and the value the function returns.
    fn seed_and_value(
        &mut self,
        output: &crate::ir::Output,
        seed: TokenStream,
    ) -> (TokenStream, TokenStream) {
        match output {
            crate::ir::Output::Scalar(s) => {
                let name = &self.body.slot(*s).name;
                let seed_in = if self.an.is_active(*s) {
                    let d = self.adjoint(*s);
                    quote!(#d = #seed;)
                } else {
                    quote!()
                };
                (seed_in, quote!(#name))
            }
            crate::ir::Output::Array(Some(a)) => {
                let name = &self.body.array(*a).name;
                let value = match &self.output_copies[a.0] {
                    Some(copy) => quote!(#copy),
                    None => quote!(#name),
                };
                let seed_in = if self.an.is_array_active(*a) {
                    let d = &self.names.array_adjoint[a.0];
                    let vjp = format!("{}_vjp", self.f.name());
                    quote!(
                        if #seed.len() != #name.len() {
                            ::core::panic!("{}: the seed has {} elements but the value has {}", #vjp, #seed.len(), #name.len());
                        }
                        #d = #seed;
                    )
                } else {
                    quote!()
                };
                (seed_in, value)
            }
            crate::ir::Output::Array(None) => (quote!(), quote!(::core::unreachable!())),
            crate::ir::Output::Struct(Some(st)) => {
                // `seed.x` for each field, into a local; zero for a field no derivative flows
                // into. Whether one does is asked of the whole seed before any field moves.
                let whole = self.names.namer.fresh("__seed");
                let mut seeds = quote!(let #whole = #seed;);
                let mut values = Vec::new();
                let mut takes = TokenStream::new();
                for (m, part) in &st.fields {
                    let h = crate::names::field_hash(&crate::ir::member_name(m));
                    let (keep, field_seed) = (
                        self.names.namer.fresh("__keep"),
                        self.names.namer.fresh("__seed"),
                    );
                    seeds.extend(quote!(
                        let #keep = ::autodiff::__private::field_derivative::<#h, _, _>(|| &#whole);
                    ));
                    if !matches!(part, crate::ir::Output::Opaque(_)) {
                        takes.extend(quote!(
                            let #field_seed = if #keep {
                                #whole.#m
                            } else {
                                ::autodiff::__private::Differentiable::zeros_like(&#whole.#m)
                            };
                        ));
                    }
                    let (s, v) = self.seed_and_value(part, quote!(#field_seed));
                    takes.extend(s);
                    values.push(quote!(#m: #v));
                }
                seeds.extend(takes);
                let path = &st.path;
                (seeds, quote!(#path { #(#values),* }))
            }
            crate::ir::Output::Struct(None) => (quote!(), quote!(::core::unreachable!())),
            crate::ir::Output::Opaque(slot) => {
                let name = &self.body.slot(*slot).name;
                (quote!(), quote!(#name))
            }
            crate::ir::Output::Tuple(parts) => {
                let mut seeds = TokenStream::new();
                let mut values = Vec::new();
                for (i, p) in parts.iter().enumerate() {
                    let i = syn::Index::from(i);
                    let (s, v) = self.seed_and_value(p, quote!(#seed.#i));
                    seeds.extend(s);
                    values.push(v);
                }
                (seeds, quote!((#(#values),*)))
            }
        }
    }

    /// Copies of the returned arrays that the reverse sweep changes, taken at the end of the
    /// forward sweep: the function returns the copy.
    fn copy_outputs(&mut self) -> TokenStream {
        let mut arrays = Vec::new();
        self.body.output.leaves(&mut Vec::new(), &mut arrays);
        let mut pushed = vec![false; self.body.arrays.len()];
        crate::ir::walk::for_each_stmt(&self.body.block, &mut |s| {
            if let Stmt::Push(p) = s {
                pushed[p.array.0] = true;
            }
        });
        let mut out = TokenStream::new();
        for a in arrays {
            let reversed_pushes =
                pushed[a.0] && (self.an.is_array_active(a) || self.an.array_needed[a.0]);
            if self.an.array_needed[a.0] || reversed_pushes {
                let name = &self.body.array(a).name;
                let copy = self.names.namer.fresh(&format!(
                    "__value_{}",
                    name.to_string().trim_start_matches('_')
                ));
                out.extend(quote!(let #copy = ::core::clone::Clone::clone(&#name);));
                self.output_copies[a.0] = Some(copy);
            }
        }
        out
    }

    fn adjoint(&self, slot: SlotId) -> &Ident {
        &self.names.adjoint[slot.0]
    }

    fn in_loop(&self) -> bool {
        self.frames.iter().any(|f| matches!(f, Frame::Loop { .. }))
    }

    fn float(&self) -> syn::Type {
        self.f.float.ty()
    }

    /// `let mut` for every slot the body uses, at the top of the function; a parameter
    /// slot is rebound mutably only when the body assigns to it.
    fn declare_slots(&mut self) {
        let mut assigned = vec![false; self.body.slots.len()];
        crate::ir::walk::for_each_assign(&self.body.block, &mut |a| assigned[a.dst.0] = true);
        let float = self.float();
        let zero = self.f.float.zero();
        for (i, slot) in self.body.slots.iter().enumerate() {
            let name = &slot.name;
            match slot.origin {
                crate::ir::Origin::Param(_) => {
                    if assigned[i] {
                        self.decls.push(name, None, quote!(#name));
                    }
                }
                _ if !self.an.used[i] => {}
                _ => {
                    let (ty, init) = match slot.ty {
                        SlotTy::Float if self.is_lane_slot(SlotId(i)) => {
                            let lanes = self.lanes_ty();
                            (Some(lanes), quote!(::autodiff::__private::Lanes::zero()))
                        }
                        SlotTy::Float => (Some(quote!(#float)), quote!(#zero)),
                        SlotTy::I32 => (Some(quote!(i32)), quote!(0)),
                        SlotTy::Usize => (Some(quote!(usize)), quote!(0)),
                        // Its type is inferred from its one assignment.
                        SlotTy::Opaque | SlotTy::Value => {
                            (None, quote!(::core::default::Default::default()))
                        }
                    };
                    self.decls.push(name, ty, init);
                }
            }
        }
        for (i, array) in self.body.arrays.iter().enumerate() {
            if let Some((ty, empty)) = &array.decl {
                let name = &array.name;
                match self.zero_lanes(ArrayId(i)) {
                    Some(zero) => self.late_decls.extend(quote!(let mut #name = #zero;)),
                    None => self.decls.push(name, Some(ty.clone()), empty.clone()),
                }
            }
        }
    }

    /// Whether `slot` is a tangent carried as `Lanes`.
    fn is_lane_slot(&self, slot: SlotId) -> bool {
        self.lanes.is_some_and(|l| l.values.slots[slot.0])
    }

    /// `Lanes<F, N>`.
    fn lanes_ty(&self) -> TokenStream {
        let float = self.float();
        let n = self.lanes.map(|l| l.n.clone());
        quote!(::autodiff::__private::Lanes<#float, #n>)
    }

    /// For a tangent array carried as `Lanes`: zeros of its lanes, of the shape of the array
    /// it is the tangent of.
    fn zero_lanes(&self, array: ArrayId) -> Option<TokenStream> {
        let lanes = self.lanes?;
        if !lanes.values.arrays[array.0] {
            return None;
        }
        let of = lanes.values.shape_of[array.0]?;
        let (of, n) = (&self.body.array(of).name, &lanes.n);
        Some(quote!(::autodiff::__private::zero_lanes::<_, #n>(&#of)))
    }

    /// `value` as written into a tangent carried as `Lanes`: a literal (a zero tangent)
    /// becomes every lane of it.
    fn lane_operand(&self, value: &crate::ir::Operand, tokens: TokenStream) -> TokenStream {
        match value {
            crate::ir::Operand::Lit(_) => quote!(::autodiff::__private::Lanes::splat(#tokens)),
            crate::ir::Operand::Slot(_) => tokens,
        }
    }

    /// A new local of type `ty` holding records outside loops (`__s0`, `__c0`, ...).
    fn record_local(&mut self, base: &str, ty: TokenStream, init: TokenStream) -> Ident {
        let name = self.names.namer.fresh(base);
        self.decls.push(&name, Some(ty), init);
        name
    }

    fn top_block(&mut self, block: &Block) -> (TokenStream, TokenStream) {
        let has_return = exits_in(block).iter().any(|(k, _)| *k == ExitKind::Return);
        let ret = self.names.ret.clone();
        if has_return {
            self.decls.push(&ret, Some(quote!(usize)), quote!(0));
        }
        let (fwd, rev) = self.block(block, &quote!(#ret));
        let label = &self.names.fwd_label;
        let fwd = if has_return {
            quote!(#label: { #fwd })
        } else {
            fwd
        };
        (fwd, rev)
    }

    /// A block: forward parts in order, reverse parts in reverse order, each guarded by the
    /// exit code `code` of the enclosing iteration (see the module doc).
    fn block(&mut self, block: &Block, code: &TokenStream) -> (TokenStream, TokenStream) {
        let mut fwd = TokenStream::new();
        let mut revs = Vec::new();
        let mut last_site_before: Option<usize> = None;
        for stmt in block {
            let (f, r) = self.stmt(stmt);
            fwd.extend(f);
            if !r.is_empty() {
                revs.push(match last_site_before {
                    Some(site) => {
                        let first_after = proc_macro2::Literal::usize_unsuffixed(site + 1);
                        quote!(if #code == 0 || #code >= #first_after { #r })
                    }
                    None => r,
                });
            }
            if let Some(max) = leaving_sites(stmt).into_iter().max() {
                last_site_before = Some(last_site_before.map_or(max, |s| s.max(max)));
            }
        }
        revs.reverse();
        (fwd, revs.into_iter().collect())
    }

    fn stmt(&mut self, stmt: &Stmt) -> (TokenStream, TokenStream) {
        match stmt {
            Stmt::Assign(a) => self.assign(a),
            Stmt::Opaque(tokens) => (tokens.clone(), TokenStream::new()),
            Stmt::If(i) => self.if_(i),
            Stmt::Match(m) => self.match_(m),
            Stmt::Loop(l) => self.loop_(l),
            Stmt::Exit(e) => (self.exit(e), TokenStream::new()),
            Stmt::Write(w) => self.write(w),
            Stmt::Push(p) => self.push(p),
            Stmt::Map(m) => self.map(m),
            Stmt::Call(c) => self.call(c),
            Stmt::ArrayInit(init) => {
                let name = &self.body.array(init.array).name;
                let value = self
                    .zero_lanes(init.array)
                    .unwrap_or_else(|| init.init.clone());
                (
                    quote_spanned!(init.span=> #name = #value;),
                    TokenStream::new(),
                )
            }
        }
    }

    /// Whether the reverse sweep has anything to do for `block` when run in the current
    /// frames (plus one loop when `in_loop`).
    fn has_reverse(&self, block: &Block, in_loop: bool) -> bool {
        block.iter().any(|s| match s {
            Stmt::Assign(a) => self.an.is_active(a.dst) || self.an.saves(a, in_loop),
            Stmt::If(i) => self.has_reverse(&i.then, in_loop) || self.has_reverse(&i.els, in_loop),
            Stmt::Match(m) => m
                .arms
                .iter()
                .any(|arm| self.has_reverse(&arm.body, in_loop)),
            Stmt::Loop(l) => self.has_reverse(&l.body, true),
            Stmt::Write(w) => self.an.is_array_active(w.target.array) || self.an.saves_element(w),
            Stmt::Push(p) => self.an.is_array_active(p.array) || self.an.array_needed[p.array.0],
            Stmt::Map(m) => self.an.is_array_active(m.dst),
            Stmt::Call(c) => {
                c.outs.iter().any(|o| self.an.is_active(*o)) || self.an.saves_call(c, in_loop)
            }
            Stmt::Opaque(_) | Stmt::Exit(_) | Stmt::ArrayInit(_) => false,
        })
    }
}

/// Every exit in `block`: its kind and site.
fn exits_in(block: &Block) -> Vec<(ExitKind, usize)> {
    let mut out = Vec::new();
    walk_exits(block, &mut |e| out.push((e.kind, e.site)));
    out
}

fn walk_exits(block: &Block, f: &mut dyn FnMut(&crate::ir::Exit)) {
    for s in block {
        match s {
            Stmt::Exit(e) => f(e),
            Stmt::If(i) => {
                walk_exits(&i.then, f);
                walk_exits(&i.els, f);
            }
            Stmt::Match(m) => m.arms.iter().for_each(|a| walk_exits(&a.body, f)),
            Stmt::Loop(l) => walk_exits(&l.body, f),
            _ => {}
        }
    }
}

/// The sites of the exits inside `stmt` that jump out of it.
fn leaving_sites(stmt: &Stmt) -> Vec<usize> {
    let mut inner_loops = Vec::new();
    let mut out = Vec::new();
    collect_leaving(std::slice::from_ref(stmt), &mut inner_loops, &mut out);
    out
}

fn collect_leaving(block: &[Stmt], inner: &mut Vec<LoopId>, out: &mut Vec<usize>) {
    for s in block {
        match s {
            Stmt::Exit(e) if !e.target.is_some_and(|t| inner.contains(&t)) => out.push(e.site),
            Stmt::If(i) => {
                collect_leaving(&i.then, inner, out);
                collect_leaving(&i.els, inner, out);
            }
            Stmt::Match(m) => m
                .arms
                .iter()
                .for_each(|a| collect_leaving(&a.body, inner, out)),
            Stmt::Loop(l) => {
                inner.push(l.id);
                collect_leaving(&l.body, inner, out);
                inner.pop();
            }
            _ => {}
        }
    }
}

/// How loop `l`'s iterations can end early.
fn exit_mode(l: &crate::ir::Loop) -> ExitMode {
    let mut inner = Vec::new();
    let mut sites = Vec::new();
    collect_leaving(&l.body, &mut inner, &mut sites);
    if sites.is_empty() {
        return ExitMode::None;
    }
    let mut continues = false;
    walk_exits(&l.body, &mut |e| {
        continues |= e.kind == ExitKind::Continue && e.target == Some(l.id)
    });
    if continues {
        ExitMode::Continue
    } else {
        ExitMode::Break
    }
}
