//! The dependency graph of a body: which values each value is computed from. An array is
//! one node (a write to any element is a write to it). Activity analysis and the tangent
//! transform both ask what depends on some parameters.

use super::walk::{for_each_stmt, slot_of};
use super::{ArrayId, Body, CallArg, Op, Operand, ParamVar, SlotId, SlotTy, Stmt};

/// A parameter's variable, as nodes of the dependency graph: a struct is every place of it
/// the body reads.
pub fn param_nodes(body: &Body, var: ParamVar) -> Vec<Node> {
    match var {
        ParamVar::Scalar(s) => vec![Node::Slot(s)],
        ParamVar::Array(a) => vec![Node::Array(a)],
        ParamVar::Struct(k) => body.fields_of(k).map(Node::Array).collect(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Slot(SlotId),
    Array(ArrayId),
}

/// Every dependency of the body: a value and the values it is computed from.
pub fn edges(body: &Body) -> Vec<(Node, Vec<Node>)> {
    let float_slot = |op: &Operand| {
        slot_of(op).filter(|s| matches!(body.slot(*s).ty, SlotTy::Float | SlotTy::Value))
    };
    let mut out = Vec::new();
    for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Assign(a) => {
            let inputs = match &a.op {
                Op::Const(_) => Vec::new(),
                Op::Copy | Op::Prim(_) | Op::Tensor(_) => a
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
        Stmt::Call(c) => {
            let inputs: Vec<Node> = c
                .args
                .iter()
                .filter_map(|a| match a {
                    CallArg::Float(op) => float_slot(op).map(Node::Slot),
                    CallArg::Array { r, .. } => Some(Node::Array(r.array)),
                    _ => None,
                })
                .collect();
            for dst in &c.outs {
                out.push((Node::Slot(*dst), inputs.clone()));
            }
        }
        _ => {}
    });
    out
}

pub struct Flags {
    pub slots: Vec<bool>,
    pub arrays: Vec<bool>,
}

impl Flags {
    pub fn new(body: &Body) -> Self {
        Flags {
            slots: vec![false; body.slots.len()],
            arrays: vec![false; body.arrays.len()],
        }
    }

    pub fn get(&self, n: Node) -> bool {
        match n {
            Node::Slot(s) => self.slots[s.0],
            Node::Array(a) => self.arrays[a.0],
        }
    }

    /// Sets `n`; whether it changed.
    pub fn set(&mut self, n: Node) -> bool {
        let flag = match n {
            Node::Slot(s) => &mut self.slots[s.0],
            Node::Array(a) => &mut self.arrays[a.0],
        };
        !std::mem::replace(flag, true)
    }
}

/// What depends on the parameters `seeds` (flow-insensitively, to a fixed point, which
/// covers loop-carried dependencies), along `edges`.
pub fn varied_flags(body: &Body, edges: &[(Node, Vec<Node>)], seeds: &[ParamVar]) -> Flags {
    let mut varied = Flags::new(body);
    for p in seeds {
        for n in param_nodes(body, *p) {
            varied.set(n);
        }
    }
    loop {
        let mut changed = false;
        for (dst, srcs) in edges {
            if srcs.iter().any(|s| varied.get(*s)) {
                changed |= varied.set(*dst);
            }
        }
        if !changed {
            break;
        }
    }
    varied
}

/// What the output depends on, along `edges`.
pub fn useful_flags(body: &Body, edges: &[(Node, Vec<Node>)]) -> Flags {
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
    useful
}

/// `(slots, arrays)` that depend on the parameters `seeds` and that the output depends on:
/// those that need a derivative.
pub fn varied_and_useful(body: &Body, seeds: &[ParamVar]) -> (Vec<bool>, Vec<bool>) {
    let edges = edges(body);
    let varied = varied_flags(body, &edges, seeds);
    let useful = useful_flags(body, &edges);
    let both = |a: &[bool], b: &[bool]| a.iter().zip(b).map(|(x, y)| *x && *y).collect();
    (
        both(&varied.slots, &useful.slots),
        both(&varied.arrays, &useful.arrays),
    )
}
