//! Activity analysis: a slot or array is *varied* when its value depends on a
//! differentiable parameter, *useful* when the output depends on it, and *active* when both.
//! Only active values get an adjoint, and only assignments to active values get a reverse
//! statement.
//!
//! The analysis is flow-insensitive: it looks at every write of a value at once, and
//! iterates to a fixed point, which covers loop-carried dependencies. An array is one node:
//! writing a varied value to any element makes the whole array varied. Being
//! flow-insensitive only ever makes a value active that need not be (its adjoint is then
//! zero), never the reverse, so gradients stay exact.

use super::{for_each_stmt, param_node, slot_of};
use crate::ctxt::Ctxt;
use crate::ir::{ArrayId, Body, Op, ParamVar, SlotId, SlotTy, Stmt};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Slot(SlotId),
    Array(ArrayId),
}

/// Every dependency of the body: a value and the values it is computed from.
fn edges(body: &Body) -> Vec<(Node, Vec<Node>)> {
    let float_slot =
        |op: &crate::ir::Operand| slot_of(op).filter(|s| body.slot(*s).ty == SlotTy::Float);
    let mut out = Vec::new();
    for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Assign(a) => {
            let inputs = match &a.op {
                Op::Const(_) => Vec::new(),
                Op::Copy | Op::Prim(_) => a
                    .args
                    .iter()
                    .filter_map(float_slot)
                    .map(Node::Slot)
                    .collect(),
                Op::Read(r) => vec![Node::Array(r.array)],
                Op::Reduce(_, rs) => rs.iter().map(|r| Node::Array(r.array)).collect(),
            };
            out.push((Node::Slot(a.dst), inputs));
        }
        Stmt::Write(w) => out.push((
            Node::Array(w.target.array),
            float_slot(&w.value).map(Node::Slot).into_iter().collect(),
        )),
        Stmt::Push(p) => out.push((
            Node::Array(p.array),
            float_slot(&p.value).map(Node::Slot).into_iter().collect(),
        )),
        Stmt::Map(m) => out.push((Node::Array(m.dst), vec![Node::Array(m.src.array)])),
        Stmt::Call(c) => out.push((
            Node::Slot(c.dst),
            c.args
                .iter()
                .filter_map(|a| match a {
                    crate::ir::CallArg::Float(op) => float_slot(op).map(Node::Slot),
                    crate::ir::CallArg::Array { r, .. } => Some(Node::Array(r.array)),
                    _ => None,
                })
                .collect(),
        )),
        _ => {}
    });
    out
}

struct Flags {
    slots: Vec<bool>,
    arrays: Vec<bool>,
}

impl Flags {
    fn new(body: &Body) -> Self {
        Flags {
            slots: vec![false; body.slots.len()],
            arrays: vec![false; body.arrays.len()],
        }
    }

    fn get(&self, n: Node) -> bool {
        match n {
            Node::Slot(s) => self.slots[s.0],
            Node::Array(a) => self.arrays[a.0],
        }
    }

    /// Sets `n`; whether it changed.
    fn set(&mut self, n: Node) -> bool {
        let flag = match n {
            Node::Slot(s) => &mut self.slots[s.0],
            Node::Array(a) => &mut self.arrays[a.0],
        };
        !std::mem::replace(flag, true)
    }
}

/// `(active slots, active arrays, varied slots, varied arrays)`.
pub fn active(body: &Body, params: &[ParamVar]) -> (Vec<bool>, Vec<bool>, Vec<bool>, Vec<bool>) {
    let edges = edges(body);
    let mut varied = Flags::new(body);
    for p in params {
        varied.set(param_node(*p));
    }
    loop {
        let mut changed = false;
        for (dst, srcs) in &edges {
            if srcs.iter().any(|s| varied.get(*s)) {
                changed |= varied.set(*dst);
            }
        }
        if !changed {
            break;
        }
    }
    let mut useful = Flags::new(body);
    let (mut slots, mut arrays) = (Vec::new(), Vec::new());
    body.output.leaves(&mut slots, &mut arrays);
    for s in slots {
        useful.set(Node::Slot(s));
    }
    for a in arrays {
        useful.set(Node::Array(a));
    }
    loop {
        let mut changed = false;
        // Backwards: usefulness flows from a value to what it is computed from, so one pass
        // in reverse program order settles straight-line code.
        for (dst, srcs) in edges.iter().rev() {
            if useful.get(*dst) {
                for s in srcs {
                    changed |= useful.set(*s);
                }
            }
        }
        if !changed {
            break;
        }
    }
    let both = |a: &[bool], b: &[bool]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| *x && *y)
            .collect::<Vec<bool>>()
    };
    (
        both(&varied.slots, &useful.slots),
        both(&varied.arrays, &useful.arrays),
        varied.slots,
        varied.arrays,
    )
}

/// The fence: non-float code may read a float that carries a gradient only where the read
/// cuts the gradient by design (lowering has exempted those). Any other read would drop a
/// gradient silently, so it is an error.
pub fn check_opaque_reads(cx: &Ctxt, body: &Body, varied: &[bool], varied_arrays: &[bool]) {
    let reads = body
        .opaque_reads
        .iter()
        .filter(|(s, _)| varied[s.0])
        .map(|(s, span)| (&body.slot(*s).name, span))
        .chain(
            body.opaque_array_reads
                .iter()
                .filter(|(a, _)| varied_arrays[a.0])
                .map(|(a, span)| (&body.array(*a).name, span)),
        );
    for (name, span) in reads {
        cx.error_at(
            *span,
            format!(
                "`{name}` carries a gradient, but this code is not differentiable, so the gradient through it would be lost; use `{name}` in float arithmetic or a float method, or write `stop_gradient({name})` to cut the gradient on purpose"
            ),
        );
    }
}
