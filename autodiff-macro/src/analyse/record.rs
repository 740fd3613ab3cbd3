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

use super::{for_each_assign, slot_of, Analysis};
use crate::ir::{Assign, Body, Op};
use crate::symbol::RuleArg;

/// Slots whose value a reverse rule reads.
pub fn needed(body: &Body, active: &[bool]) -> Vec<bool> {
    let mut needed = vec![false; body.slots.len()];
    for_each_assign(&body.block, &mut |a| {
        if !active[a.dst.0] {
            return;
        }
        if let Op::Prim(prim) = a.op {
            for arg in prim.rule_args {
                match arg {
                    RuleArg::Out => needed[a.dst.0] = true,
                    RuleArg::In(i) => {
                        if let Some(s) = a.args.get(*i).and_then(slot_of) {
                            needed[s.0] = true;
                        }
                    }
                }
            }
        }
    });
    needed
}

pub fn saves(an: &Analysis, a: &Assign, in_loop: bool) -> bool {
    an.needed[a.dst.0] && (in_loop || !a.first_def)
}
