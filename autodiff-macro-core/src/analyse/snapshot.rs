//! Snapshots of a buffer where a reduction reads it, instead of a save at every write.
//!
//! A rule that reads an array whole (`norm_squared(&q)`, `dot(&q, w)`) needs the array as it
//! was when the reduction ran. `record.rs` keeps it so by saving each element a write
//! overwrites and restoring it in the reverse sweep. When a loop writes the buffer many times
//! for each reduction, as ADBench GMM's `Qxcentered` (d + d(d − 1)/2 writes, then one
//! `norm_squared`), it is cheaper to record the buffer once where the reduction reads it
//! (`Tape::push_slice`, one copy) and to put it back just before the reduction's rule
//! (`Tape::pop_slice_into`). Enzyme's cache placement makes the same choice.
//!
//! An array is snapshotted instead of restored when:
//!
//! - every reverse read of it is the rule of an active reduction inside a loop (no call's
//!   pullback, no `softmax`, no replayed element read, no reduction outside loops);
//! - it is a local buffer written only element by element, not returned;
//! - its writes outweigh its reductions, each reduction counting as ten writes (the length of
//!   a slice is not known when the macro runs), statements weighed by loop depth as in
//!   `recompute.rs`.

use super::recompute::{frequency, Item, Recompute};
use crate::ir::walk::for_each_stmt_at_depth;
use crate::ir::{ArrayOrigin, Body, Op, Stmt};

/// How many element writes one snapshot is taken to cost.
const SNAPSHOT_COST: f64 = 10.0;

/// For each array, whether its reductions snapshot it (and its writes save nothing).
pub fn plan(
    body: &Body,
    active: &[bool],
    array_needed: &[bool],
    recompute: &Recompute,
) -> Vec<bool> {
    let n = body.arrays.len();
    let mut ok: Vec<bool> = body
        .arrays
        .iter()
        .enumerate()
        .map(|(a, array)| array.origin == ArrayOrigin::Local && array_needed[a])
        .collect();
    let (mut outputs, mut output_arrays) = (Vec::new(), Vec::new());
    body.output.leaves(&mut outputs, &mut output_arrays);
    for a in output_arrays {
        ok[a.0] = false;
    }
    for replay in recompute.loops.values() {
        for item in &replay.items {
            if let Item::Assign(a) = item {
                if let Op::Read(r) = &a.op {
                    ok[r.array.0] = false;
                }
            }
        }
    }
    let (mut writes, mut reads) = (vec![0.0; n], vec![0.0; n]);
    for_each_stmt_at_depth(&body.block, 0, &mut |s: &Stmt, depth: usize| match s {
        Stmt::Write(w) => writes[w.target.array.0] += frequency(depth),
        Stmt::Push(p) => ok[p.array.0] = false,
        Stmt::Map(m) => {
            ok[m.dst.0] = false;
            ok[m.src.array.0] = false;
        }
        Stmt::ArrayInit(i) if depth > 0 => ok[i.array.0] = false,
        Stmt::Call(c) => {
            for arg in &c.args {
                if let crate::ir::CallArg::Array { r, .. } = arg {
                    ok[r.array.0] = false;
                }
            }
        }
        Stmt::Assign(a) => {
            if let Op::Reduce(prim, refs) = &a.op {
                if prim.reads_inputs && active[a.dst.0] {
                    for r in refs {
                        if depth == 0 {
                            ok[r.array.0] = false;
                        }
                        reads[r.array.0] += frequency(depth) * SNAPSHOT_COST;
                    }
                }
            }
        }
        _ => {}
    });
    (0..n)
        .map(|a| ok[a] && reads[a] > 0.0 && reads[a] < writes[a])
        .collect()
}

/// Float slots recorded where a rule reads them instead of saved at every write: a loop's
/// accumulator (`dist += d * d`, then `closest.min(dist)` once per run of the loop) would
/// save its old value on every iteration so that the reverse sweep can restore it; recording
/// it where `min`'s rule reads it costs one record per run of the loop.
///
/// A slot qualifies when every reverse read of its value is the rule of an assignment (no
/// call, no rule reading its own result, no recomputation at a use, not replayed by a loop),
/// and its saving writes outweigh those rules (statements weighed by loop depth, as in
/// `recompute.rs`). An assignment whose rule reads the slot it overwrites keeps its save,
/// which restores the value that rule reads; the others record the slot after they run and
/// put it back before their rule.
pub fn plan_slots(
    body: &Body,
    active: &[bool],
    needed: &[bool],
    replayed: &[bool],
    at_use: &[Option<crate::ir::Assign>],
) -> Vec<bool> {
    let n = body.slots.len();
    let mut ok: Vec<bool> = (0..n)
        .map(|s| {
            needed[s]
                && !replayed[s]
                && at_use[s].is_none()
                && body.slots[s].ty == crate::ir::SlotTy::Float
        })
        .collect();
    for a in at_use.iter().flatten() {
        for s in a.args.iter().filter_map(crate::ir::walk::slot_of) {
            ok[s.0] = false;
        }
    }
    let (mut writes, mut reads) = (vec![0.0; n], vec![0.0; n]);
    for_each_stmt_at_depth(&body.block, 0, &mut |s: &Stmt, depth: usize| match s {
        Stmt::Assign(a) => {
            let (slots, out) = super::record::rule_reads(a, active);
            if out {
                ok[a.dst.0] = false;
            }
            if depth > 0 || !a.first_def {
                writes[a.dst.0] += frequency(depth);
            }
            for r in slots {
                reads[r] += frequency(depth);
            }
        }
        Stmt::Call(c) => {
            for o in &c.outs {
                ok[o.0] = false;
            }
            for arg in &c.args {
                for s in crate::ir::walk::call_arg_slots(arg) {
                    ok[s.0] = false;
                }
            }
        }
        _ => {}
    });
    (0..n)
        .map(|s| ok[s] && reads[s] > 0.0 && reads[s] < writes[s])
        .collect()
}
