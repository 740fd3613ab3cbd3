//! Stage 3: what the sweeps need to know about the body.
//!
//! - activity (`activity.rs`): which slots carry a derivative;
//! - recording (`record.rs`): which primal values the reverse sweep reads, and so must be
//!   restored when an assignment overwrites them.

mod activity;
mod record;

use crate::ctxt::Ctxt;
use crate::ir::{Assign, Block, Body, SlotId, Stmt};
use crate::parse::{Function, ParamKind};

pub struct Analysis {
    /// Varied and reaches the output: has an adjoint.
    pub active: Vec<bool>,
    /// Read by the reverse sweep.
    pub needed: Vec<bool>,
    /// Appears in the body at all (is declared in generated code).
    pub used: Vec<bool>,
}

impl Analysis {
    pub fn is_active(&self, slot: SlotId) -> bool {
        self.active[slot.0]
    }

    /// Whether `a`, in a loop or not, must save the value it overwrites for the reverse
    /// sweep (see `record.rs`).
    pub fn saves(&self, a: &Assign, in_loop: bool) -> bool {
        record::saves(self, a, in_loop)
    }
}

pub fn body(cx: &Ctxt, f: &Function, body: &Body) -> Analysis {
    let n = body.slots.len();
    let mut varied = vec![false; n];
    for (param, slot) in f.params.iter().zip(&body.params) {
        if let (ParamKind::Float { diff: true }, Some(slot)) = (&param.kind, slot) {
            varied[slot.0] = true;
        }
    }
    let varied = activity::varied(body, varied);
    let useful = activity::useful(body);
    let active: Vec<bool> = varied.iter().zip(&useful).map(|(v, u)| *v && *u).collect();
    activity::check_opaque_reads(cx, body, &varied);
    let needed = record::needed(body, &active);
    let mut used = vec![false; n];
    for_each_assign(&body.block, &mut |a| {
        used[a.dst.0] = true;
        for s in a.args.iter().filter_map(slot_of) {
            used[s.0] = true;
        }
    });
    for s in &body.output {
        used[s.0] = true;
    }
    Analysis {
        active,
        needed,
        used,
    }
}

pub fn slot_of(op: &crate::ir::Operand) -> Option<SlotId> {
    match op {
        crate::ir::Operand::Slot(s) => Some(*s),
        crate::ir::Operand::Lit(_) => None,
    }
}

/// Calls `f` on every assignment of `block`, in program order.
pub fn for_each_assign(block: &Block, f: &mut dyn FnMut(&Assign)) {
    for stmt in block {
        match stmt {
            Stmt::Assign(a) => f(a),
            Stmt::If(i) => {
                for_each_assign(&i.then, f);
                for_each_assign(&i.els, f);
            }
            Stmt::Match(m) => {
                for arm in &m.arms {
                    for_each_assign(&arm.body, f);
                }
            }
            Stmt::Loop(l) => for_each_assign(&l.body, f),
            Stmt::Opaque(_) | Stmt::Exit(_) => {}
        }
    }
}
