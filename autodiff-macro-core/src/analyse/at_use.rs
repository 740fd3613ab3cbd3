//! Recomputing a temporary where the reverse sweep reads it, instead of recording it.
//!
//! In `t4 = -cur; t5 = t4 * x; t6 = t5 * x;` inside a loop, the rules of `t5` and `t6` read
//! `t4` and `t5`, which every iteration overwrites, so `record.rs` would save both. But when
//! the reverse sweep reaches `t6`'s rule, `cur` already holds the value it had then (it is
//! restored by the usual discipline, being read by a rule of its own) and `x` never changes:
//! `t4` and `t5` can be computed again right there, for two operations instead of two pushes
//! and two pops.
//!
//! A float slot `t` is recomputed at its use when, inside a loop:
//!
//! - one assignment writes it, a float primitive or a copy, at position `k` of its block;
//! - the only rule that reads it is that of the statement at `k + 1` of the same block;
//! - each operand is a literal, a parameter the body never assigns, another slot recomputed
//!   at its use (computed first), or a slot the reverse sweep restores (it is needed) that no
//!   statement between `t`'s assignment and the point of recomputation assigns.

use crate::ir::walk::slot_of;
use crate::ir::{Assign, Block, Body, Op, Operand, SlotTy, Stmt};
use crate::symbol::{RuleArg, ADD, MUL, NEG, SUB};

/// For each slot, the assignment to replay where its one reader's rule runs.
pub fn plan(body: &Body, needed: &[bool], replayed: &[bool]) -> Vec<Option<Assign>> {
    let n = body.slots.len();
    let (mut defs, mut rule_reads) = (vec![0usize; n], vec![0usize; n]);
    crate::ir::walk::for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Assign(a) => {
            defs[a.dst.0] += 1;
            for s in rule_operands(a) {
                rule_reads[s] += 1;
            }
        }
        Stmt::Call(c) => {
            for o in &c.outs {
                defs[o.0] += 1;
            }
            for s in c.args.iter().flat_map(crate::ir::walk::call_arg_slots) {
                rule_reads[s.0] += 2; // never recomputed for a call
            }
        }
        _ => {}
    });
    let stable = super::unassigned_params(body, &defs);
    let (mut outputs, mut arrays) = (Vec::new(), Vec::new());
    body.output.leaves(&mut outputs, &mut arrays);
    let cx = Context {
        body,
        needed,
        defs: &defs,
        rule_reads: &rule_reads,
        stable: &stable,
        replayed,
        outputs: outputs.iter().map(|s| s.0).collect(),
    };
    let mut plan = vec![None; n];
    cx.walk(&body.block, false, &mut plan);
    plan
}

/// The slots whose values the rule of `a` reads.
fn rule_operands(a: &Assign) -> Vec<usize> {
    match &a.op {
        Op::Prim(prim) => prim
            .rule_args
            .iter()
            .filter_map(|arg| match arg {
                RuleArg::In(i) => a.args.get(*i).and_then(slot_of).map(|s| s.0),
                RuleArg::Out => None,
            })
            .collect(),
        // A whole-array rule reads every operand (`record::needed`).
        Op::Tensor(_) => a.args.iter().filter_map(slot_of).map(|s| s.0).collect(),
        _ => Vec::new(),
    }
}

struct Context<'a> {
    body: &'a Body,
    needed: &'a [bool],
    defs: &'a [usize],
    rule_reads: &'a [usize],
    stable: &'a [bool],
    /// Slots a loop replays at the start of each reverse iteration (`recompute.rs`).
    replayed: &'a [bool],
    outputs: Vec<usize>,
}

/// A block, with where each slot is assigned in it.
struct Located<'b> {
    stmts: &'b [Stmt],
    at: Positions,
}

type Positions = std::collections::HashMap<usize, usize>;

/// How many operations no rule reads a recomputed temporary may be computed again from.
const INTERIOR_BUDGET: usize = 8;

impl Context<'_> {
    fn walk(&self, block: &Block, in_loop: bool, plan: &mut Vec<Option<Assign>>) {
        // Where each slot is assigned in this block (the last time), found once.
        let at: Positions = block
            .iter()
            .enumerate()
            .filter_map(|(i, st)| match st {
                Stmt::Assign(b) => Some((b.dst.0, i)),
                _ => None,
            })
            .collect();
        let block = &Located { stmts: block, at };
        for (k, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                // Valid where its reader runs, with what it is computed from.
                Stmt::Assign(a)
                    if in_loop && self.candidate(block.stmts, k, a) && {
                        let mut budget = INTERIOR_BUDGET;
                        self.valid(block, k, a, k + 1, plan, &mut budget)
                    } =>
                {
                    plan[a.dst.0] = Some(a.clone());
                }
                Stmt::If(i) => {
                    self.walk(&i.then, in_loop, plan);
                    self.walk(&i.els, in_loop, plan);
                }
                Stmt::Match(m) => m
                    .arms
                    .iter()
                    .for_each(|arm| self.walk(&arm.body, in_loop, plan)),
                Stmt::Loop(l) => self.walk(&l.body, true, plan),
                _ => {}
            }
        }
    }

    /// `a`, at `k` in `block`: a float primitive or copy, the only write of its slot, whose
    /// only reader is the statement after it.
    fn candidate(&self, block: &[Stmt], k: usize, a: &Assign) -> bool {
        let t = a.dst.0;
        // The sweep replays it where a float primitive's rule runs (`recompute_at_use`).
        let reader_reads_it = matches!(block.get(k + 1), Some(Stmt::Assign(next))
            if matches!(next.op, Op::Prim(_)) && rule_operands(next).contains(&t));
        self.body.slots[t].ty == SlotTy::Float
            && matches!(a.op, Op::Prim(_) | Op::Copy)
            && self.defs[t] == 1
            && self.rule_reads[t] == 1
            && self.needed[t]
            && !self.outputs.contains(&t)
            && reader_reads_it
            && !a.args.iter().filter_map(slot_of).any(|s| s.0 == t)
    }

    /// Whether `a` (at `k`) computes, at the reverse of position `u`, the value it computed:
    /// no statement in `k + 1 ..= u` assigns an operand the reverse sweep restores, and the
    /// operands recomputed at their use are valid there too. An operand no rule reads (so
    /// nothing restores it) is recomputed as well when it is a cheap operation computed once,
    /// earlier in the block, from valid operands (`budget` of them at most per temporary):
    /// `t16 = p * y + (1 - p) * (1 - y)` from `p = 0.5 * (t5 + 1)` and the restored `t5`.
    fn valid(
        &self,
        block: &Located,
        k: usize,
        a: &Assign,
        u: usize,
        plan: &mut Vec<Option<Assign>>,
        budget: &mut usize,
    ) -> bool {
        a.args.iter().all(|op| match op {
            Operand::Lit(_) => true,
            Operand::Slot(s) if self.stable[s.0] || self.replayed[s.0] => true,
            Operand::Slot(s) => match plan[s.0].clone() {
                Some(inner) => {
                    let at = block.at.get(&inner.dst.0).copied();
                    at.is_some_and(|at| self.valid(block, at, &inner, u, plan, budget))
                }
                None if self.needed[s.0] => {
                    let stmts = block.stmts;
                    !assigned_in(&stmts[k + 1..=u.min(stmts.len() - 1)], s.0)
                }
                None => self.interior(block, k, s.0, u, plan, budget),
            },
        })
    }

    /// Whether the slot `s`, which no rule reads, can be recomputed for an operation at `k`
    /// (and is then planned): one cheap float operation before `k` in the block assigns it,
    /// from operands valid at `u`.
    fn interior(
        &self,
        block: &Located,
        k: usize,
        s: usize,
        u: usize,
        plan: &mut Vec<Option<Assign>>,
        budget: &mut usize,
    ) -> bool {
        let cheap = |a: &Assign| match a.op {
            Op::Copy => true,
            Op::Prim(p) => [&ADD, &SUB, &MUL, &NEG].iter().any(|c| std::ptr::eq(p, *c)),
            _ => false,
        };
        let def = block.at.get(&s).and_then(|&at| match &block.stmts[at] {
            Stmt::Assign(b) if at < k => Some((at, b.clone())),
            _ => None,
        });
        let Some((at, def)) = def else {
            return false;
        };
        if *budget == 0
            || self.defs[s] != 1
            || self.outputs.contains(&s)
            || self.body.slots[s].ty != SlotTy::Float
            || !cheap(&def)
        {
            return false;
        }
        *budget -= 1;
        let ok = self.valid(block, at, &def, u, plan, budget);
        if ok {
            plan[s] = Some(def);
        }
        ok
    }
}

/// Whether a statement of `stmts` (nested ones included) assigns the slot `slot`.
fn assigned_in(stmts: &[Stmt], slot: usize) -> bool {
    let mut found = false;
    crate::ir::walk::for_each_stmt(stmts, &mut |s| match s {
        Stmt::Assign(a) => found |= a.dst.0 == slot,
        Stmt::Call(c) => found |= c.outs.iter().any(|o| o.0 == slot),
        _ => {}
    });
    found
}
