//! Which values of a tangent body are tangents, for `NAME_jvp_lanes`: emitted with
//! `Lanes<F, N>` for their floats (several tangents side by side, `autodiff_runtime::lanes`)
//! while the primal values and the partials stay floats.
//!
//! The tangents are the slots and arrays the transform made for tangents, and every value
//! computed from one. The body is accepted only where every statement that writes a tangent
//! is linear arithmetic the lanes implement: a copy, a constant (zero), an element read or
//! write, a sum or difference of tangents, a negation, a tangent scaled by a partial or
//! divided by a float, `dot` of a tangent array with a float array, `sum` or `mean` of one,
//! or a call of a callee's tangent rule: everything the tangent transform writes for the
//! primitives and reductions. What remains (an ndarray or nalgebra value, a generated
//! derivative, a struct parameter) is refused with a reason, and `NAME_jvp_lanes` is then a
//! stub whose call is a compile error.

use crate::ir::deps::{edges, Flags, Node};
use crate::ir::walk::{for_each_stmt, slot_of};
use crate::ir::{ArrayId, ArrayOrigin, Body, CallArg, CallKind, Op, Operand, SlotTy, Stmt};

/// The tangents of a tangent body.
pub struct LaneValues {
    /// Per slot: whether it holds a tangent (declared `Lanes<F, N>`).
    pub slots: Vec<bool>,
    /// Per array: whether its elements are tangents.
    pub arrays: Vec<bool>,
    /// For a tangent array the body makes: the array whose shape it has (its primal).
    pub shape_of: Vec<Option<ArrayId>>,
}

impl LaneValues {
    fn slot(&self, op: &Operand) -> bool {
        slot_of(op).is_some_and(|s| self.slots[s.0])
    }
}

/// The tangents of `body`, from the transform's tangent slots and arrays (`tangent_slots`,
/// and `tangent_arrays` with the array each is the tangent of), or why lanes cannot carry
/// them.
pub fn lane_values(
    body: &Body,
    tangent_slots: &[bool],
    tangent_arrays: &[Option<ArrayId>],
) -> Result<LaneValues, &'static str> {
    let mut flags = Flags::new(body);
    for (i, t) in tangent_slots.iter().enumerate() {
        if *t {
            flags.set(Node::Slot(crate::ir::SlotId(i)));
        }
    }
    // A callee's tangent rule returns a tangent, whatever its arguments.
    for_each_stmt(&body.block, &mut |s| {
        if let Stmt::Call(c) = s {
            if c.kind == CallKind::Tangent {
                c.outs.iter().for_each(|o| {
                    flags.set(Node::Slot(*o));
                });
            }
        }
    });
    for (i, t) in tangent_arrays.iter().enumerate() {
        if t.is_some() {
            flags.set(Node::Array(ArrayId(i)));
        }
    }
    let edges = edges(body);
    loop {
        let mut changed = false;
        for (dst, srcs) in &edges {
            if srcs.iter().any(|s| flags.get(*s)) {
                changed |= flags.set(*dst);
            }
        }
        if !changed {
            break;
        }
    }
    let lanes = LaneValues {
        slots: flags.slots,
        arrays: flags.arrays,
        shape_of: tangent_arrays.to_vec(),
    };
    for (i, array) in body.arrays.iter().enumerate() {
        if lanes.arrays[i] && matches!(array.origin, ArrayOrigin::Field(_)) {
            return Err("a parameter of a struct type has a tangent");
        }
    }
    for (i, slot) in body.slots.iter().enumerate() {
        if lanes.slots[i] && slot.ty != SlotTy::Float {
            return Err("a tangent is not a float (an ndarray or nalgebra value)");
        }
    }
    let mut why = None;
    for_each_stmt(&body.block, &mut |s| {
        if why.is_none() {
            why = refusal(&lanes, s);
        }
    });
    match why {
        Some(why) => Err(why),
        None => Ok(lanes),
    }
}

/// Why lanes cannot carry the tangents `s` writes or reads, if they cannot.
fn refusal(lanes: &LaneValues, s: &Stmt) -> Option<&'static str> {
    match s {
        Stmt::Assign(a) => {
            let reads_lane = a.args.iter().any(|o| lanes.slot(o))
                || matches!(&a.op, Op::Read(r) if lanes.arrays[r.array.0])
                || matches!(&a.op, Op::Reduce(_, rs) if rs.iter().any(|r| lanes.arrays[r.array.0]));
            if !lanes.slots[a.dst.0] {
                return reads_lane.then_some("a value that is not a tangent is computed from one");
            }
            match &a.op {
                Op::Copy | Op::Const(_) => None,
                Op::Read(r) => (!lanes.arrays[r.array.0])
                    .then_some("a tangent is read from an array of floats"),
                Op::Prim(p) => {
                    let lane_args = a.args.iter().filter(|o| lanes.slot(o)).count();
                    let linear = match p.name {
                        "add" | "sub" => lane_args == 2,
                        "neg" | "mul" | "to_degrees" | "to_radians" => lane_args == 1,
                        // A tangent divided by a float without one.
                        "div" => lane_args == 1 && lanes.slot(&a.args[0]),
                        _ => false,
                    };
                    (!linear).then_some("a tangent goes through an operation other than a sum, a difference, a negation, a product with a partial derivative, a division by a float or `to_degrees`/`to_radians`")
                }
                // `dot` of a tangent array with a float array, `sum` and `mean` of one.
                Op::Reduce(p, refs) => {
                    let lane_refs = refs.iter().filter(|r| lanes.arrays[r.array.0]).count();
                    let linear = match p.name {
                        "dot" => refs.len() == 2 && lane_refs == 1,
                        "sum" | "mean" => lane_refs == 1,
                        _ => false,
                    };
                    (!linear).then_some(
                        "a reduction other than `dot`, `sum` or `mean` of a tangent array",
                    )
                }
                Op::Tensor(_) => Some("an ndarray or nalgebra value has a tangent"),
            }
        }
        Stmt::Write(w) => {
            let value_lane = lanes.slot(&w.value);
            let is_lit = matches!(w.value, Operand::Lit(_));
            (lanes.arrays[w.target.array.0] != value_lane && !is_lit)
                .then_some("an array mixes tangents and other floats")
        }
        Stmt::Push(p) => {
            let value_lane = lanes.slot(&p.value);
            let is_lit = matches!(p.value, Operand::Lit(_));
            (lanes.arrays[p.array.0] != value_lane && !is_lit)
                .then_some("an array mixes tangents and other floats")
        }
        Stmt::Map(m) => (lanes.arrays[m.dst.0] || lanes.arrays[m.src.array.0])
            .then_some("an elementwise map of a tangent array"),
        Stmt::Call(c) => match c.kind {
            CallKind::Value | CallKind::Derivative(_) => {
                let lane_arg = c.args.iter().any(|a| match a {
                    CallArg::Float(op) => lanes.slot(op),
                    CallArg::Array { r, .. } => lanes.arrays[r.array.0],
                    _ => false,
                });
                lane_arg.then_some("a tangent is passed to a function")
            }
            CallKind::Tangent => None,
            CallKind::DerivativeTangent(_) => Some("the body calls a generated derivative"),
        },
        Stmt::Opaque(_)
        | Stmt::If(_)
        | Stmt::Match(_)
        | Stmt::Loop(_)
        | Stmt::Exit(_)
        | Stmt::ArrayInit(_) => None,
    }
}
