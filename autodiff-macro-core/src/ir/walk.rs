//! Walks over the IR that every stage uses: the statements of a block, nested ones included,
//! and what one statement or operand reads and writes.

use super::{ArrayId, Assign, Block, CallArg, Op, Operand, Slot, SlotId, Stmt};
use proc_macro2::TokenStream;
use quote::ToTokens;

/// The slots a call argument reads: a float, an array's indices, a kept non-float value.
pub fn call_arg_slots(arg: &crate::ir::CallArg) -> Vec<SlotId> {
    match arg {
        CallArg::Float(op) => slot_of(op).into_iter().collect(),
        CallArg::Array { r, .. } => r.index.iter().filter_map(slot_of).collect(),
        CallArg::Stable(_) => Vec::new(),
        CallArg::Opaque(s) | CallArg::OpaqueRef(s) => vec![*s],
    }
}

/// The index operands of the arrays an assignment reads.
pub fn array_indices(a: &Assign) -> impl Iterator<Item = &Operand> {
    let refs: Vec<&super::ArrayRef> = match &a.op {
        Op::Read(r) => vec![r],
        Op::Reduce(_, rs) => rs.iter().collect(),
        _ => Vec::new(),
    };
    refs.into_iter().flat_map(|r| r.index.iter())
}

pub fn slot_of(op: &Operand) -> Option<SlotId> {
    match op {
        Operand::Slot(s) => Some(*s),
        Operand::Lit(_) => None,
    }
}

/// The array a statement writes: an element, a push, a whole new buffer.
pub fn array_written(s: &Stmt) -> Option<ArrayId> {
    match s {
        Stmt::Write(w) => Some(w.target.array),
        Stmt::Push(p) => Some(p.array),
        Stmt::Map(m) => Some(m.dst),
        Stmt::ArrayInit(i) => Some(i.array),
        _ => None,
    }
}

/// Calls `f` on every statement of `block`, in program order, nested ones included.
/// Whether the body calls a generated derivative of another function (`f_grad`): nested
/// differentiation, whose tangent bodies cannot be swept in reverse (third order).
pub fn calls_derivatives(block: &[Stmt]) -> bool {
    let mut found = false;
    for_each_stmt(block, &mut |s| {
        found |= matches!(s, Stmt::Call(c) if !matches!(c.kind, super::CallKind::Value | super::CallKind::Tangent));
    });
    found
}

pub fn for_each_stmt(block: &[Stmt], f: &mut dyn FnMut(&Stmt)) {
    for_each_stmt_at_depth(block, 0, &mut |stmt, _| f(stmt));
}

/// Calls `f` on every statement of `block`, in program order, with the number of loops
/// around it (`depth` for the statements of `block` itself).
pub fn for_each_stmt_at_depth(block: &[Stmt], depth: usize, f: &mut dyn FnMut(&Stmt, usize)) {
    for stmt in block {
        f(stmt, depth);
        match stmt {
            Stmt::If(i) => {
                for_each_stmt_at_depth(&i.then, depth, f);
                for_each_stmt_at_depth(&i.els, depth, f);
            }
            Stmt::Match(m) => {
                for arm in &m.arms {
                    for_each_stmt_at_depth(&arm.body, depth, f);
                }
            }
            Stmt::Loop(l) => for_each_stmt_at_depth(&l.body, depth + 1, f),
            _ => {}
        }
    }
}

/// Calls `f` on every assignment of `block`, in program order.
pub fn for_each_assign(block: &Block, f: &mut dyn FnMut(&Assign)) {
    for_each_stmt(block, &mut |s| {
        if let Stmt::Assign(a) = s {
            f(a)
        }
    });
}

/// Whether `stmt` is or holds an exit (`break`, `continue`, `return`).
pub fn contains_exit(stmt: &Stmt) -> bool {
    let mut found = false;
    for_each_stmt(std::slice::from_ref(stmt), &mut |s| {
        found |= matches!(s, Stmt::Exit(_));
    });
    found
}

/// An operand as generated code spells it: its slot's name, or the literal.
pub fn operand_tokens(slots: &[Slot], op: &Operand) -> TokenStream {
    match op {
        Operand::Slot(s) => slots[s.0].name.to_token_stream(),
        Operand::Lit(t) => t.clone(),
    }
}
