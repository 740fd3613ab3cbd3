//! The tangent (forward-mode) transform: IR in, IR out.
//!
//! Takes a lowered body and which parameters get a tangent; guarantees a body in the same
//! normal forms as `lower`'s (so `analyse` and `sweep` take it unchanged), with the tangents
//! as parameters after the function's own, in parameter order. Depends on `ir`, `parse`,
//! `symbol` and `names` only.
//!
//! Every float slot `x` that depends on a parameter with a tangent gets a tangent slot
//! `__tan_x`, every such array a tangent array, and every statement that writes one is
//! followed (or preceded, where it overwrites what the tangent reads) by the statements that
//! write its tangent: `y = f(a, b)` gets `ẏ = ∂f/∂a·ȧ + ∂f/∂b·ḃ`, each partial `f`'s reverse rule
//! with a seed of one (`symbol::tangent_term`; the runtime derives the rules of those calls
//! for the reverse sweep over this body). Control flow is kept as it is: a tangent sweep runs alongside the
//! primal, so branches and loops need no recording.
//!
//! The result is an ordinary body, with the tangents as extra parameters and the tangent of
//! the value as its output. Emitted as it is, it is `NAME_jvp`; swept in reverse with
//! respect to the primal parameters, it gives the gradient of `∇f·v`, which is the
//! Hessian-vector product `H·v` (reverse over forward: exact, and a small multiple of the
//! gradient's cost).

mod arrays;
mod lanes;
mod tensor;

pub use lanes::{lane_values, LaneValues};

use crate::ir::{
    Array, ArrayId, ArrayOrigin, ArrayRef, Assign, Block, Body, Call, CallArg, CallKind, LoopId,
    Op, Operand, Origin, Output, ParamVar, Slot, SlotId, SlotTy, Stmt,
};
use crate::names::Namer;
use crate::parse::FloatTy;
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// A tangent body and what it was made from.
#[derive(Clone)]
pub struct TangentBody {
    /// The body: the primal statements and their tangents; its `params` are the primal
    /// parameters followed by one tangent per parameter in `with_tangent`.
    pub body: Body,
    /// The name of each tangent parameter, in order.
    pub tangent_names: Vec<syn::Ident>,
    /// Where the primal value is, in the shape of the return type.
    pub value: Output,
    /// Where its tangent is.
    pub tangent: Output,
    /// Per slot of `body`: whether the transform made it for a tangent.
    pub tangent_slots: Vec<bool>,
    /// Per array of `body`: for a tangent array, the array it is the tangent of.
    pub tangent_arrays: Vec<Option<ArrayId>>,
}

/// The tangent body of `src`, with tangents for the float parameters at the positions where
/// `with_tangent` is true.
pub fn transform(
    src: &Body,
    with_tangent: &[bool],
    f: &crate::parse::Function,
    namer: &mut Namer,
) -> TangentBody {
    let float = &f.float;
    let seeds: Vec<ParamVar> = src
        .params
        .iter()
        .zip(with_tangent)
        .filter(|(_, t)| **t)
        .filter_map(|(v, _)| *v)
        .collect();
    // A value the output does not depend on (the plain pass of `lower/selected.rs`, a
    // float only compared) needs no tangent.
    let (mut varied, mut varied_arrays) = crate::ir::deps::varied_and_useful(src, &seeds);
    // A call's results have tangents together (`let (_, gy) = f_grad(x, y);`): one call of
    // the callee's tangent writes them all.
    crate::ir::walk::for_each_stmt(&src.block, &mut |stmt| {
        if let Stmt::Call(c) = stmt {
            if c.outs.iter().any(|o| varied[o.0]) {
                c.outs.iter().for_each(|o| varied[o.0] = true);
            }
        }
    });
    // The value's tangent always exists, zero where the value does not depend on a tangent.
    let (mut out_slots, mut out_arrays) = (Vec::new(), Vec::new());
    src.output.leaves(&mut out_slots, &mut out_arrays);
    out_slots.iter().for_each(|s| varied[s.0] = true);
    out_arrays.iter().for_each(|a| varied_arrays[a.0] = true);

    let mut tx = Tangents {
        float,
        namer,
        slots: src.slots.clone(),
        arrays: src.arrays.clone(),
        slot_tan: vec![None; src.slots.len()],
        array_tan: vec![None; src.arrays.len()],
        next_loop: next_ids(&src.block).0,
        next_branch: next_ids(&src.block).1,
    };
    let n_params = src.params.len();
    let mut params = src.params.clone();
    let mut tangent_names = Vec::new();
    let mut prologue = Block::new();
    // Tangent parameters first, in parameter order, then the other tangents.
    for (k, var) in src.params.iter().enumerate() {
        if !with_tangent.get(k).copied().unwrap_or(false) {
            continue;
        }
        let Some(var) = var else {
            // A parameter of a type the transform cannot see into: the body never reads it,
            // so neither does anything read its tangent.
            tangent_names.push(tx.namer.fresh(&format!("tan_{}", f.params[k].ident)));
            params.push(None);
            continue;
        };
        let position = n_params + tangent_names.len();
        let base = match var {
            ParamVar::Scalar(s) => src.slot(*s).name.to_string(),
            ParamVar::Array(a) => src.array(*a).name.to_string(),
            ParamVar::Struct(_) => f.params[k].ident.to_string(),
        };
        let name = tx.namer.fresh(&format!("tan_{base}"));
        tangent_names.push(name.clone());
        match var {
            ParamVar::Scalar(s) => {
                let t = tx.new_slot(name, src.slot(*s).ty, Origin::Param(position));
                tx.slot_tan[s.0] = Some(t);
                params.push(Some(ParamVar::Scalar(t)));
            }
            ParamVar::Array(a) => {
                let rank = src.array(*a).rank;
                let t = tx.new_array(name, rank, ArrayOrigin::Param(position), None);
                tx.array_tan[a.0] = Some(t);
                params.push(Some(ParamVar::Array(t)));
            }
            // Each place the body reads has its tangent at the same place in the tangent.
            ParamVar::Struct(_) => {
                for a in src.fields_of(k) {
                    let array = src.array(a);
                    let mut field = array.field().expect("a field of the parameter").clone();
                    field.param = position;
                    field.tangent = true;
                    let origin = ArrayOrigin::Field(field);
                    let t = tx.new_array(name.clone(), array.rank, origin, None);
                    tx.arrays[t.0].span = array.span;
                    tx.array_tan[a.0] = Some(t);
                }
                params.push(Some(ParamVar::Struct(position)));
            }
        }
    }
    for (i, v) in varied.iter().enumerate() {
        if *v
            && tx.slot_tan[i].is_none()
            && matches!(src.slots[i].ty, SlotTy::Float | SlotTy::Value)
        {
            let name = tx.namer.fresh(&format!(
                "__tan_{}",
                src.slots[i].name.to_string().trim_start_matches('_')
            ));
            let ty = src.slots[i].ty;
            tx.slot_tan[i] = Some(tx.new_slot(name, ty, Origin::Temp));
        }
    }
    for (i, v) in varied_arrays.iter().enumerate() {
        if *v && tx.array_tan[i].is_none() {
            tx.array_tan[i] = Some(tx.local_tangent_array(src, ArrayId(i), &mut prologue));
        }
    }
    let mut block = prologue;
    tx.block(&src.block, &mut block);
    let tangent = tx.output(&src.output);
    let mut tangent_slots = vec![false; tx.slots.len()];
    tx.slot_tan
        .iter()
        .flatten()
        .for_each(|t| tangent_slots[t.0] = true);
    let mut tangent_arrays = vec![None; tx.arrays.len()];
    for (primal, t) in tx.array_tan.iter().enumerate() {
        if let Some(t) = t {
            tangent_arrays[t.0] = Some(ArrayId(primal));
        }
    }
    TangentBody {
        body: Body {
            slots: tx.slots,
            arrays: tx.arrays,
            params,
            block,
            output: src.output.clone(),
            items: src.items.clone(),
            opaque_reads: src.opaque_reads.clone(),
            opaque_array_reads: src.opaque_array_reads.clone(),
        },
        tangent_names,
        value: src.output.clone(),
        tangent,
        tangent_slots,
        tangent_arrays,
    }
}

/// The state of the transform: the body's slots and arrays, growing, and the tangent of each.
pub struct Tangents<'a> {
    float: &'a FloatTy,
    namer: &'a mut Namer,
    slots: Vec<Slot>,
    arrays: Vec<Array>,
    slot_tan: Vec<Option<SlotId>>,
    array_tan: Vec<Option<ArrayId>>,
    next_loop: usize,
    next_branch: usize,
}

/// The first loop number and the first branch number the body does not use.
fn next_ids(block: &Block) -> (usize, usize) {
    let (mut loops, mut branches) = (0, 0);
    crate::ir::walk::for_each_stmt(block, &mut |s| match s {
        Stmt::Loop(l) => loops = loops.max(l.id.0 + 1),
        Stmt::If(i) => branches = branches.max(i.id + 1),
        Stmt::Match(m) => branches = branches.max(m.id + 1),
        _ => {}
    });
    (loops, branches)
}

impl Tangents<'_> {
    fn new_slot(&mut self, name: syn::Ident, ty: SlotTy, origin: Origin) -> SlotId {
        crate::ir::push_slot(&mut self.slots, name, ty, origin)
    }

    fn new_array(
        &mut self,
        name: syn::Ident,
        rank: usize,
        origin: ArrayOrigin,
        decl: Option<(TokenStream, TokenStream)>,
    ) -> ArrayId {
        let array = Array {
            name,
            rank,
            origin,
            decl,
            span: Span::call_site(),
        };
        crate::ir::push_array(&mut self.arrays, array)
    }

    fn temp(&mut self, ty: SlotTy) -> SlotId {
        crate::ir::push_temp(&mut self.slots, self.namer, ty)
    }

    fn new_loop_id(&mut self) -> LoopId {
        self.next_loop += 1;
        LoopId(self.next_loop - 1)
    }

    fn new_branch_id(&mut self) -> usize {
        self.next_branch += 1;
        self.next_branch - 1
    }

    fn assign(
        &mut self,
        out: &mut Block,
        dst: SlotId,
        op: Op,
        args: Vec<Operand>,
        first_def: bool,
        span: Span,
    ) {
        out.push(Stmt::Assign(Assign {
            dst,
            op,
            args,
            first_def,
            span,
        }));
    }

    /// A float constant, spelled for the function's float type.
    fn lit(&self, value: f64) -> Operand {
        let lit = proc_macro2::Literal::f64_unsuffixed(value);
        Operand::Lit(match self.float {
            FloatTy::Generic(t) => quote!(::autodiff::__private::constant::<#t>(#lit)),
            _ => quote!(#lit),
        })
    }

    fn zero(&self) -> Operand {
        Operand::Lit(self.float.zero())
    }

    fn operand_tokens(&self, op: &Operand) -> TokenStream {
        crate::ir::walk::operand_tokens(&self.slots, op)
    }

    /// The tangent of an operand: `None` for a literal or a value no tangent reaches.
    fn tangent_of(&self, op: &Operand) -> Option<Operand> {
        match op {
            Operand::Slot(s) => self.slot_tan[s.0].map(Operand::Slot),
            Operand::Lit(_) => None,
        }
    }

    pub(super) fn tangent_ref(&self, r: &ArrayRef) -> Option<ArrayRef> {
        self.array_tan[r.array.0].map(|array| ArrayRef {
            array,
            index: r.index.clone(),
            view: r.view,
        })
    }

    fn block(&mut self, src: &Block, out: &mut Block) {
        for stmt in src {
            self.stmt(stmt, out);
        }
    }

    fn stmt(&mut self, stmt: &Stmt, out: &mut Block) {
        match stmt {
            Stmt::Assign(a) => self.assign_stmt(a, out),
            Stmt::If(i) => {
                let (mut then, mut els) = (Block::new(), Block::new());
                self.block(&i.then, &mut then);
                self.block(&i.els, &mut els);
                out.push(Stmt::If(crate::ir::If {
                    id: i.id,
                    cond: i.cond.clone(),
                    then,
                    els,
                }));
            }
            Stmt::Match(m) => {
                let arms = m
                    .arms
                    .iter()
                    .map(|arm| {
                        let mut body = Block::new();
                        self.block(&arm.body, &mut body);
                        crate::ir::Arm {
                            pat: arm.pat.clone(),
                            body,
                        }
                    })
                    .collect();
                out.push(Stmt::Match(crate::ir::Match {
                    id: m.id,
                    scrutinee: m.scrutinee.clone(),
                    arms,
                }));
            }
            Stmt::Loop(l) => {
                let mut body = Block::new();
                self.block(&l.body, &mut body);
                out.push(Stmt::Loop(crate::ir::Loop {
                    id: l.id,
                    label: l.label.clone(),
                    kind: l.kind.clone(),
                    body,
                }));
            }
            Stmt::Opaque(_) | Stmt::Exit(_) => out.push(stmt.clone()),
            Stmt::Write(w) => self.write(w, out),
            Stmt::Push(p) => self.push(p, out),
            Stmt::ArrayInit(init) => self.array_init(init, out),
            Stmt::Map(m) => self.map(m, out),
            Stmt::Call(c) => self.call(c, out),
        }
    }

    /// `dst = op(args)` and, when `dst` has a tangent, the statements that write it.
    fn assign_stmt(&mut self, a: &Assign, out: &mut Block) {
        let Some(tan) = self.slot_tan[a.dst.0] else {
            out.push(Stmt::Assign(a.clone()));
            return;
        };
        if matches!(a.op, Op::Tensor(_)) || self.slots[a.dst.0].ty == SlotTy::Value {
            return self.tensor_assign(a, tan, out);
        }
        match &a.op {
            // ẏ = ȧ
            Op::Copy => {
                let t = self.tangent_of(&a.args[0]);
                self.set_tangent(out, tan, t.map(|t| (Op::Copy, vec![t])), a);
                out.push(Stmt::Assign(a.clone()));
            }
            // A constant's tangent is zero.
            Op::Const(_) => {
                out.push(Stmt::Assign(a.clone()));
                self.set_tangent(out, tan, None, a);
            }
            // ẏ = ẋ[i]
            Op::Read(r) => {
                let t = self.tangent_ref(r).map(|r| (Op::Read(r), vec![]));
                self.set_tangent(out, tan, t, a);
                out.push(Stmt::Assign(a.clone()));
            }
            Op::Prim(prim) => self.prim(a, prim, tan, out),
            Op::Reduce(prim, refs) => self.reduce(a, prim, refs, tan, out),
            Op::Tensor(_) => unreachable!("handled by `tensor_assign`"),
        }
    }

    // Input:  y = f(a, b);
    // Output: __p0 = rules::f(<what f's rule reads>, 1.0).0;
    //         __t0 = __p0 * __tan_a;
    //         __p1 = rules::f(<what f's rule reads>, 1.0).1;
    //         __t1 = __p1 * __tan_b;
    //         __tan_y = __t0 + __t1;
    //         y = f(a, b);
    // Each partial is f's reverse rule with a seed of one (`symbol::tangent_term`: a rule is
    // linear in its seed), times the tangent; a linear f (`+`, `-`, `to_degrees`) is its own
    // tangent, and a product's partials are its factors. The partials do not read the
    // tangents, so they are computed beside the primal and not after it: `a / b` shares
    // `1 / b` between its two partials, and a loop's primal does not wait for its tangent.
    // When the rule reads y, y is computed into a temporary first and copied last.
    fn prim(
        &mut self,
        a: &Assign,
        prim: &'static crate::symbol::Prim,
        tan: SlotId,
        out: &mut Block,
    ) {
        use crate::symbol::{self, RuleArg};
        let reads_out = prim.rule_args.contains(&RuleArg::Out);
        let (result, finish) = self.result_first(out, a, reads_out);
        let read: Vec<Operand> = prim
            .rule_args
            .iter()
            .map(|r| match r {
                RuleArg::In(i) => a.args[*i].clone(),
                RuleArg::Out => result.clone(),
            })
            .collect();
        let mut terms = Vec::new();
        for &k in prim.grads {
            let Some(t) = a.args.get(k).and_then(|op| self.tangent_of(op)) else {
                continue;
            };
            terms.push(match (prim.name, k) {
                ("add", _) | ("sub", 0) | ("mul_add", 2) => (Op::Copy, vec![t]),
                ("sub", _) | ("neg", _) => (Op::Prim(&symbol::NEG), vec![t]),
                // A product is linear in each factor: its term is the other factor times the
                // tangent, a product again (whose second-order rule is `mul`'s own).
                ("mul" | "mul_add", 0) => (Op::Prim(&symbol::MUL), vec![a.args[1].clone(), t]),
                ("mul" | "mul_add", 1) => (Op::Prim(&symbol::MUL), vec![a.args[0].clone(), t]),
                _ if prim.rule_args.is_empty() => (Op::Prim(prim), vec![t]),
                _ => {
                    let mut args = read.clone();
                    args.push(self.lit(1.0));
                    let partial = self.temp(SlotTy::Float);
                    let term = Op::Prim(symbol::tangent_term(prim, k));
                    self.assign(out, partial, term, args, true, a.span);
                    (Op::Prim(&symbol::MUL), vec![Operand::Slot(partial), t])
                }
            });
        }
        let sum = self.sum_terms(out, terms, a.span);
        self.set_tangent(out, tan, sum, a);
        out.push(Stmt::Assign(finish));
    }

    /// Where the tangent statements read `a`'s result, and the assignment that stores it last.
    /// When they read it (`reads_out`), `a` computes into a temporary first, so that an
    /// operand its result overwrites (`x = x.exp()`) is still there for the rule.
    fn result_first(&mut self, out: &mut Block, a: &Assign, reads_out: bool) -> (Operand, Assign) {
        if !reads_out {
            return (Operand::Slot(a.dst), a.clone());
        }
        let y = self.temp(SlotTy::Float);
        self.assign(out, y, a.op.clone(), a.args.clone(), true, a.span);
        let copy = Assign {
            op: Op::Copy,
            args: vec![Operand::Slot(y)],
            ..a.clone()
        };
        (Operand::Slot(y), copy)
    }

    /// The sum of the terms, as one operation whose result is still to be stored: all but
    /// the last term go to temporaries.
    fn sum_terms(
        &mut self,
        out: &mut Block,
        terms: Vec<(Op, Vec<Operand>)>,
        span: Span,
    ) -> Option<(Op, Vec<Operand>)> {
        let mut terms = terms.into_iter();
        let mut acc = terms.next()?;
        for term in terms {
            let left = self.materialise(out, acc, span);
            let right = self.materialise(out, term, span);
            acc = (Op::Prim(&crate::symbol::ADD), vec![left, right]);
        }
        Some(acc)
    }

    fn materialise(
        &mut self,
        out: &mut Block,
        (op, args): (Op, Vec<Operand>),
        span: Span,
    ) -> Operand {
        if let (Op::Copy, [operand]) = (&op, args.as_slice()) {
            return operand.clone();
        }
        let t = self.temp(SlotTy::Float);
        self.assign(out, t, op, args, true, span);
        Operand::Slot(t)
    }

    /// `tan = op(args)`, or `tan = 0` for `None`; declared where `a` declares its slot.
    fn set_tangent(
        &mut self,
        out: &mut Block,
        tan: SlotId,
        value: Option<(Op, Vec<Operand>)>,
        a: &Assign,
    ) {
        let (op, args) = value.unwrap_or_else(|| (Op::Const(self.float.zero()), vec![]));
        self.assign(out, tan, op, args, a.first_def, a.span);
    }

    /// `ẏ = g_tangent(args, tangents)` before `y = g(args)`: the callee's generated tangent
    /// function, with a tangent for each float or array argument (zero where none reaches).
    /// A call of a generated derivative (`f_grad`) gets the tangent rule of that derivative.
    /// Every result of a call depends on the same arguments, so all have tangents or none.
    fn call(&mut self, c: &Call, out: &mut Block) {
        let tangents: Option<Vec<SlotId>> = c.outs.iter().map(|o| self.slot_tan[o.0]).collect();
        if let Some(tangents) = tangents {
            let mut args = c.args.clone();
            for arg in &c.args {
                match arg {
                    CallArg::Float(op) => args.push(CallArg::Float(
                        self.tangent_of(op).unwrap_or_else(|| self.zero()),
                    )),
                    CallArg::Array { r, by_ref } => args.push(match self.tangent_ref(r) {
                        Some(t) => CallArg::Array {
                            r: t,
                            by_ref: *by_ref,
                        },
                        None => no_tangent(),
                    }),
                    // A value the transform does not differentiate: an integer, data (`d.k`,
                    // `d.shift`), a constant. The callee's slot takes it as zero.
                    CallArg::Stable(_) | CallArg::Opaque(_) | CallArg::OpaqueRef(_) => {
                        args.push(no_tangent())
                    }
                }
            }
            // Tangent bodies are emitted or swept in reverse, never transformed again, so
            // their tangent calls are not seen here.
            let kind = match c.kind {
                CallKind::Derivative(nested) => CallKind::DerivativeTangent(nested),
                _ => CallKind::Tangent,
            };
            out.push(Stmt::Call(Call {
                outs: tangents,
                shape: c.shape.clone(),
                path: c.path.clone(),
                args,
                kind,
                span: c.span,
            }));
        }
        out.push(Stmt::Call(c.clone()));
    }

    /// The tangent of the output, in its shape.
    fn output(&self, o: &Output) -> Output {
        match o {
            Output::Scalar(s) => Output::Scalar(self.slot_tan[s.0].expect("outputs have tangents")),
            Output::Array(a) => {
                Output::Array(a.map(|a| self.array_tan[a.0].expect("outputs have tangents")))
            }
            Output::Tuple(parts) => Output::Tuple(parts.iter().map(|p| self.output(p)).collect()),
            Output::Struct(st) => Output::Struct(st.as_ref().map(|st| {
                crate::ir::StructOut {
                    path: st.path.clone(),
                    fields: st
                        .fields
                        .iter()
                        .map(|(m, p)| (m.clone(), self.output(p)))
                        .collect(),
                }
            })),
            // A field without a float: the tangent holds the value, as a gradient does.
            Output::Opaque(s) => Output::Opaque(*s),
        }
    }
}

/// The tangent slot of an argument without a tangent (`symbol::TANGENT`).
fn no_tangent() -> CallArg {
    CallArg::Stable(quote!(::autodiff::__private::NoTangent))
}
