//! Stage 3: what the sweeps need to know about the body.
//!
//! Takes a body in `lower`'s normal forms (from `lower` or `tangent`) and the function's
//! parameters; guarantees an `Analysis` whose sets are indexed by the body's slot and array
//! ids, and reports the one error found here (a gradient flowing into non-float code, or a
//! buffer with a gradient created in a loop). Never changes the body. Depends on `ir`,
//! `parse`, `symbol` and `ctxt` only.
//!
//! - activity (`activity.rs`): which slots and arrays carry a derivative;
//! - recording (`record.rs`): which primal values the reverse sweep reads, and so must be
//!   restored when an assignment overwrites them;
//! - recomputing instead of recording: what loops replay (`recompute.rs`), from their
//!   counters, induction variables (`induction.rs`) and what the reverse sweep sees unchanged
//!   (`unchanged.rs`); and temporaries computed again where they are read (`at_use.rs`);
//! - buffers recorded whole where reductions read them (`snapshot.rs`).

use crate::ir::walk::{array_indices, call_arg_slots, for_each_stmt, slot_of};

mod activity;
mod at_use;
mod induction;
pub mod recompute;
mod record;
mod snapshot;
mod unchanged;

use crate::ctxt::Ctxt;
use crate::ir::{ArrayId, Assign, Body, SlotId, Stmt, Write};
use crate::parse::{Function, ParamKind};

pub struct Analysis {
    /// Slots that carry a derivative: varied (depend on a differentiable parameter) and
    /// useful (the output depends on them). Only they get an adjoint.
    pub active: Vec<bool>,
    pub array_active: Vec<bool>,
    /// Slots the reverse sweep reads.
    pub needed: Vec<bool>,
    /// Arrays the reverse sweep reads (the inputs of `dot`, `norm`, ...).
    pub array_needed: Vec<bool>,
    /// Slots that appear in the body at all (are declared in generated code).
    pub used: Vec<bool>,
    /// What loops replay in their reverse sweep instead of recording (`recompute.rs`).
    pub recompute: recompute::Recompute,
    /// For each slot, the assignment the reverse sweep replays where its one reader's rule
    /// runs, instead of recording it (`at_use.rs`).
    pub at_use: Vec<Option<Assign>>,
    /// Arrays recorded whole where reductions read them, instead of saved at every write
    /// (`snapshot.rs`).
    pub snapshot: Vec<bool>,
    /// Float slots recorded where rules read them, instead of saved at every write
    /// (`snapshot::plan_slots`).
    pub slot_snapshot: Vec<bool>,
    /// Slots whose adjoint nothing reads after the reverse of their assignment: not a
    /// parameter, assigned by one statement, outside every loop. The reverse of that
    /// statement need not reset the adjoint to zero (an assignment or a call).
    pub adjoint_dies: Vec<bool>,
}

impl Analysis {
    pub fn is_active(&self, slot: SlotId) -> bool {
        self.active[slot.0]
    }

    pub fn is_array_active(&self, array: ArrayId) -> bool {
        self.array_active[array.0]
    }

    /// Whether `a`, in a loop or not, must save the value it overwrites for the reverse
    /// sweep (see `record.rs`).
    pub fn saves(&self, a: &Assign, in_loop: bool) -> bool {
        record::saves(self, a, in_loop)
            && !self.recompute.replayed[a.dst.0]
            && self.at_use[a.dst.0].is_none()
            && (!self.slot_snapshot[a.dst.0]
                || record::rule_reads(a, &self.active).0.contains(&a.dst.0))
    }

    /// The slots `a`'s rule reads that are recorded where it runs (`snapshot::plan_slots`),
    /// other than the one it assigns (whose save restores it).
    pub fn snapshot_reads(&self, a: &Assign) -> Vec<SlotId> {
        record::rule_reads(a, &self.active)
            .0
            .into_iter()
            .filter(|&s| s != a.dst.0 && self.slot_snapshot[s])
            .map(SlotId)
            .collect()
    }

    /// Whether the call `c` must save the value it overwrites (its result is read later by a
    /// rule, and the call runs in a loop).
    pub fn saves_call(&self, c: &crate::ir::Call, in_loop: bool) -> bool {
        c.outs.iter().any(|o| self.needed[o.0]) && in_loop
    }

    /// Whether `w` must save the element it overwrites.
    pub fn saves_element(&self, w: &Write) -> bool {
        self.array_needed[w.target.array.0]
    }

    /// Whether the reverse of the statement that assigns `slot` must reset its adjoint to
    /// zero, because something reads the adjoint after it (an earlier assignment of the same
    /// slot, in program order or in an earlier iteration).
    pub fn resets_adjoint(&self, slot: SlotId) -> bool {
        !self.adjoint_dies[slot.0]
    }
}

/// For each slot, whether it is assigned by exactly one statement (an assignment or a call),
/// outside every loop, and is not a parameter (whose argument is a first value).
fn assigned_once_outside_loops(body: &Body) -> Vec<bool> {
    fn walk(block: &[Stmt], in_loop: bool, defs: &mut [usize], looped: &mut [bool]) {
        for stmt in block {
            let dsts = match stmt {
                Stmt::Assign(a) => std::slice::from_ref(&a.dst),
                Stmt::Call(c) => c.outs.as_slice(),
                _ => &[],
            };
            for dst in dsts {
                defs[dst.0] += 1;
                looped[dst.0] |= in_loop;
            }
            match stmt {
                Stmt::If(i) => {
                    walk(&i.then, in_loop, defs, looped);
                    walk(&i.els, in_loop, defs, looped);
                }
                Stmt::Match(m) => {
                    for arm in &m.arms {
                        walk(&arm.body, in_loop, defs, looped);
                    }
                }
                Stmt::Loop(l) => walk(&l.body, true, defs, looped),
                _ => {}
            }
        }
    }
    let mut defs = vec![0; body.slots.len()];
    let mut looped = vec![false; body.slots.len()];
    walk(&body.block, false, &mut defs, &mut looped);
    body.slots
        .iter()
        .enumerate()
        .map(|(i, s)| {
            !matches!(s.origin, crate::ir::Origin::Param(_)) && defs[i] == 1 && !looped[i]
        })
        .collect()
}

pub fn body(cx: &Ctxt, f: &Function, body: &Body) -> Analysis {
    let mut seeds = Vec::new();
    for (param, var) in f.params.iter().zip(&body.params) {
        if let (ParamKind::Float { diff: true, .. }, Some(var)) = (&param.kind, var) {
            seeds.push(*var);
        }
    }
    let (active, array_active, varied, varied_arrays) = activity::active(body, &seeds);
    activity::check_opaque_reads(cx, body, &varied, &varied_arrays);
    let (needed, array_needed) = record::needed(body, &active, &array_active);
    let mut an = Analysis {
        active,
        array_active,
        needed,
        array_needed,
        used: vec![false; body.slots.len()],
        recompute: Default::default(),
        at_use: Vec::new(),
        snapshot: Vec::new(),
        slot_snapshot: Vec::new(),
        adjoint_dies: assigned_once_outside_loops(body),
    };
    record::check_array_inits(cx, body, &an);
    let mut used = vec![false; body.slots.len()];
    for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Assign(a) => {
            used[a.dst.0] = true;
            for s in a.args.iter().chain(array_indices(a)).filter_map(slot_of) {
                used[s.0] = true;
            }
        }
        Stmt::Write(w) => {
            for s in w.target.index.iter().chain([&w.value]).filter_map(slot_of) {
                used[s.0] = true;
            }
        }
        Stmt::Push(p) => {
            if let Some(s) = slot_of(&p.value) {
                used[s.0] = true;
            }
        }
        Stmt::Map(m) => {
            for s in m.src.index.iter().filter_map(slot_of) {
                used[s.0] = true;
            }
        }
        Stmt::Call(c) => {
            for o in &c.outs {
                used[o.0] = true;
            }
            for s in c.args.iter().flat_map(call_arg_slots) {
                used[s.0] = true;
            }
        }
        _ => {}
    });
    let mut output_slots = Vec::new();
    body.output.leaves(&mut output_slots, &mut Vec::new());
    for s in output_slots {
        used[s.0] = true;
    }
    an.used = used;
    an.recompute = recompute::plan(f, body, &an.needed, &an.array_needed);
    for (needed, restored) in an.array_needed.iter_mut().zip(&an.recompute.restored) {
        *needed |= restored;
    }
    an.snapshot = snapshot::plan(body, &an.active, &an.array_needed, &an.recompute);
    for (needed, snapshot) in an.array_needed.iter_mut().zip(&an.snapshot) {
        *needed &= !snapshot;
    }
    // A write that saves the element it overwrites restores it through its index, in the
    // reverse sweep: the index is read there (`record.rs` marks it for active arrays only,
    // and a restored buffer may carry no derivative).
    for_each_stmt(&body.block, &mut |s| {
        if let Stmt::Write(w) = s {
            if an.array_needed[w.target.array.0] {
                for op in &w.target.index {
                    if let Some(slot) = slot_of(op) {
                        an.needed[slot.0] = true;
                    }
                }
            }
        }
    });
    an.at_use = at_use::plan(body, &an.needed, &an.recompute.replayed);
    // What a loop replays is there already; replaying it at its use too would be wasted.
    for (slot, replayed) in an.recompute.replayed.iter().enumerate() {
        if *replayed {
            an.at_use[slot] = None;
        }
    }
    an.slot_snapshot = snapshot::plan_slots(
        body,
        &an.active,
        &an.needed,
        &an.recompute.replayed,
        &an.at_use,
    );
    an
}

/// For each slot, whether it is a parameter the body never assigns (`defs`: how many
/// statements assign each slot): its value is the argument throughout both sweeps.
pub fn unassigned_params(body: &Body, defs: &[usize]) -> Vec<bool> {
    body.slots
        .iter()
        .zip(defs)
        .map(|(s, d)| matches!(s.origin, crate::ir::Origin::Param(_)) && *d == 0)
        .collect()
}
