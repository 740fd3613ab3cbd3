//! Activity analysis: a slot is *varied* when its value depends on a differentiable
//! parameter, *useful* when the output depends on it, and *active* when both. Only active
//! slots get an adjoint, and only assignments to active slots get a reverse statement.
//!
//! The analysis is flow-insensitive: it looks at every assignment of a slot at once, and
//! iterates to a fixed point, which covers loop-carried dependencies. Being flow-insensitive
//! only ever makes a slot active that need not be (its adjoint is then zero), never the
//! reverse, so gradients stay exact.

use super::{for_each_assign, slot_of};
use crate::ctxt::Ctxt;
use crate::ir::{Assign, Body, Op, SlotTy};

/// The float operand slots through which a derivative can flow into `a.dst`.
fn float_inputs(body: &Body, a: &Assign) -> Vec<usize> {
    match a.op {
        Op::Const(_) => Vec::new(),
        Op::Copy | Op::Prim(_) => a
            .args
            .iter()
            .filter_map(slot_of)
            .filter(|s| body.slot(*s).ty == SlotTy::Float)
            .map(|s| s.0)
            .collect(),
    }
}

pub fn varied(body: &Body, mut varied: Vec<bool>) -> Vec<bool> {
    loop {
        let mut changed = false;
        for_each_assign(&body.block, &mut |a| {
            if !varied[a.dst.0] && float_inputs(body, a).iter().any(|s| varied[*s]) {
                varied[a.dst.0] = true;
                changed = true;
            }
        });
        if !changed {
            return varied;
        }
    }
}

pub fn useful(body: &Body) -> Vec<bool> {
    let mut useful = vec![false; body.slots.len()];
    for s in &body.output {
        useful[s.0] = true;
    }
    loop {
        let mut changed = false;
        for_each_assign(&body.block, &mut |a| {
            if useful[a.dst.0] {
                for s in float_inputs(body, a) {
                    if !useful[s] {
                        useful[s] = true;
                        changed = true;
                    }
                }
            }
        });
        if !changed {
            return useful;
        }
    }
}

/// The fence: non-float code may read a float that carries a gradient only where the read
/// cuts the gradient by design (lowering has exempted those). Any other read would drop a
/// gradient silently, so it is an error.
pub fn check_opaque_reads(cx: &Ctxt, body: &Body, varied: &[bool]) {
    for (slot, span) in &body.opaque_reads {
        if varied[slot.0] {
            let name = &body.slot(*slot).name;
            cx.error_at(
                *span,
                format!(
                    "`{name}` carries a gradient, but this code is not differentiable, so the gradient through it would be lost; use `{name}` in float arithmetic or a float method, or write `stop_gradient({name})` to cut the gradient on purpose"
                ),
            );
        }
    }
}
