//! What the reverse sweep reads, and when an overwritten value must be saved.
//!
//! The reverse sweep applies each assignment's rule with the primal values the rule reads
//! (its operands, or its result) *as they were when the assignment ran*. Slots are mutable,
//! so by the time the reverse sweep gets there a later assignment may have overwritten them.
//! The discipline is Tapenade's: an assignment that overwrites a slot the reverse sweep
//! reads saves the old value first (forward sweep), and its reverse restores that value
//! before anything earlier is reversed. Since the reverse sweep undoes assignments in exact
//! reverse order, when it reaches an assignment every slot holds the value it had right
//! after that assignment ran, which is what the rule needs.
//!
//! An assignment must save when its slot is needed (read by some rule) and either it runs in
//! a loop (the previous iteration's value is still needed) or it is not the slot's first
//! definition (the previous definition's value may be needed). A first definition outside
//! loops overwrites nothing anyone needs. Saves inside loops go to the tape; saves outside
//! loops go to a local of their own, so straight-line code allocates nothing.
//!
//! Arrays follow the same discipline element by element: a write to an array that a rule
//! reads whole (the inputs of `dot`, `norm`, ...) saves the element it overwrites. Indices
//! are `usize` slots, recorded like any other slot when the reverse sweep needs them.

use super::Analysis;
use crate::ctxt::Ctxt;
use crate::ir::walk::{for_each_stmt, slot_of};
use crate::ir::{Assign, Block, Body, Op, Stmt};
use crate::symbol::RuleArg;

/// `(needed slots, needed arrays)`: what the reverse sweep reads.
pub fn needed(body: &Body, active: &[bool], array_active: &[bool]) -> (Vec<bool>, Vec<bool>) {
    let mut needed = vec![false; body.slots.len()];
    let mut arrays = vec![false; body.arrays.len()];
    let need = |op: &crate::ir::Operand, needed: &mut Vec<bool>| {
        if let Some(s) = slot_of(op) {
            needed[s.0] = true;
        }
    };
    for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Assign(a) if active[a.dst.0] => {
            let (slots, out) = rule_reads(a, active);
            for s in slots {
                needed[s] = true;
            }
            if out {
                needed[a.dst.0] = true;
            }
            // The indices of the element or slices the rule adds into, and a reduction's
            // inputs.
            match &a.op {
                Op::Read(r) => r.index.iter().for_each(|op| need(op, &mut needed)),
                Op::Reduce(prim, refs) => {
                    for r in refs {
                        r.index.iter().for_each(|op| need(op, &mut needed));
                        if prim.reads_inputs {
                            arrays[r.array.0] = true;
                        }
                    }
                }
                _ => {}
            }
        }
        // A callee's pullback reads every argument again.
        Stmt::Call(c) if c.outs.iter().any(|o| active[o.0]) => {
            for arg in &c.args {
                for s in crate::ir::walk::call_arg_slots(arg) {
                    needed[s.0] = true;
                }
                if let crate::ir::CallArg::Array { r, .. } = arg {
                    arrays[r.array.0] = true;
                }
            }
        }
        // softmax's rule reads its output.
        Stmt::Map(m) if array_active[m.dst.0] => {
            arrays[m.dst.0] = true;
            m.src.index.iter().for_each(|op| need(op, &mut needed));
        }
        Stmt::Write(w) if array_active[w.target.array.0] => {
            w.target.index.iter().for_each(|op| need(op, &mut needed));
        }
        _ => {}
    });
    (needed, arrays)
}

/// The slots the rule of an active `a` reads, and whether it reads its own result: for a
/// float primitive, what the partials of its active operands read (`Prim::reads_for`); for a
/// reduction, its result when the rule takes it; for an operation on values, every operand
/// and its result. The one definition `needed`, the snapshots and `Analysis::saves` use.
pub fn rule_reads(a: &Assign, active: &[bool]) -> (Vec<usize>, bool) {
    let (mut slots, mut out) = (Vec::new(), false);
    if !active[a.dst.0] {
        return (slots, out);
    }
    match &a.op {
        Op::Prim(prim) => {
            for &operand in prim.grads {
                let receives = a.args.get(operand).and_then(slot_of);
                if !receives.is_some_and(|s| active[s.0]) {
                    continue;
                }
                for arg in prim.reads_for(operand) {
                    match arg {
                        RuleArg::Out => out = true,
                        RuleArg::In(i) => {
                            if let Some(s) = a.args.get(*i).and_then(slot_of) {
                                if !slots.contains(&s.0) {
                                    slots.push(s.0);
                                }
                            }
                        }
                    }
                }
            }
        }
        Op::Reduce(prim, _) => out = prim.reads_out,
        // A whole-array rule reads every operand and its value (`record::needed`).
        Op::Tensor(_) => {
            out = true;
            for s in a.args.iter().filter_map(slot_of) {
                if !slots.contains(&s.0) {
                    slots.push(s.0);
                }
            }
        }
        _ => {}
    }
    (slots, out)
}

pub fn saves(an: &Analysis, a: &Assign, in_loop: bool) -> bool {
    an.needed[a.dst.0] && (in_loop || !a.first_def)
}

/// A buffer created inside a loop would need its whole contents saved per iteration; that
/// is not supported when the reverse sweep uses the buffer.
pub fn check_array_inits(cx: &Ctxt, body: &Body, an: &Analysis) {
    fn walk(cx: &Ctxt, block: &Block, in_loop: bool, an: &Analysis) {
        for s in block {
            match s {
                Stmt::ArrayInit(crate::ir::ArrayInit { array, span, .. })
                | Stmt::Map(crate::ir::Map {
                    dst: array, span, ..
                }) if in_loop && (an.array_active[array.0] || an.array_needed[array.0]) => {
                    cx.error_at(
                        *span,
                        "a buffer that carries a gradient must be created before the loop, not in it; create it once before the loop and overwrite its elements in the loop",
                    );
                }
                Stmt::If(i) => {
                    walk(cx, &i.then, in_loop, an);
                    walk(cx, &i.els, in_loop, an);
                }
                Stmt::Match(m) => m
                    .arms
                    .iter()
                    .for_each(|arm| walk(cx, &arm.body, in_loop, an)),
                Stmt::Loop(l) => walk(cx, &l.body, true, an),
                _ => {}
            }
        }
    }
    walk(cx, &body.block, false, an);
}
