//! Calls of other `#[differentiable]` functions.
//!
//! The transform cannot see the callee, so it relies on a naming convention: every
//! `#[differentiable] fn f` comes with a generated derivative-rule function (named after `f`,
//! see `symbol::RULE_SUFFIX`) taking one optional gradient destination per parameter. The forward sweep calls `f` itself; the reverse sweep calls
//! that function with the same arguments and the call's cotangent, and gets the arguments'
//! cotangents added into the destinations it passes. Arguments must therefore be available
//! again in the reverse sweep: floats and arrays are restored like any value the reverse
//! sweep reads, and a non-float argument computed in the body is kept in a slot of its own.

use super::{Binding, Lowerer, Val};
use crate::ir::{Block, Call, CallArg, Op, Operand, SlotTy, Stmt};
use syn::spanned::Spanned;
use syn::Expr;

impl Lowerer<'_> {
    /// `path(args)` where some argument is a float or an array: a differentiable call. None
    /// when every argument is non-float or a constant, so the call is ordinary code.
    pub(super) fn differentiable_call(
        &mut self,
        e: &Expr,
        path: &syn::ExprPath,
        args: &[&Expr],
        out: &mut Block,
    ) -> Option<Val> {
        let mut lowered = Vec::new();
        let mut carries = false;
        for arg in args {
            let val = self.expr(arg, out);
            match &val {
                Val::Float(op) if !self.is_constant(op, out) => carries = true,
                Val::Array(_) | Val::Tuple(_) | Val::Place(_) | Val::Struct(_) => carries = true,
                Val::Never => return Some(Val::Never),
                _ => {}
            }
            lowered.push((arg, val));
        }
        if !carries {
            return None;
        }
        let mut call_args = Vec::new();
        for (arg, val) in lowered {
            call_args.push(match val {
                Val::Float(op) => CallArg::Float(op),
                // A row bound by name (`for row in xs.iter()`, `let row = &xs[i]`) is a
                // reference to the row, as the user's code has it.
                Val::Array(r) => {
                    let row_by_name = matches!(arg, Expr::Path(_)) && !r.index.is_empty();
                    let by_ref = matches!(arg, Expr::Reference(_)) || row_by_name;
                    CallArg::Array { r, by_ref }
                }
                // A place is passed as written (`&m.layer`, `m.b2`, `p` for an element of
                // `points`); its gradient goes to the same place in the destination.
                Val::Place(p) => {
                    let by_ref = matches!(arg, Expr::Reference(_))
                        || (matches!(arg, Expr::Path(_)) && p.reference);
                    let r = self.field_array(&p, 0);
                    CallArg::Array { r, by_ref }
                }
                Val::Opaque(opaque) => self.opaque_arg(&opaque, out),
                Val::Tuple(_) => {
                    self.cx.error_spanned_by(
                        arg,
                        "a tuple cannot be passed to a differentiable function; pass its fields",
                    );
                    return Some(Val::Never);
                }
                Val::Struct(_) => {
                    self.cx.error_spanned_by(
                        arg,
                        "a struct built in this function cannot be passed to another differentiable function yet; pass its fields",
                    );
                    return Some(Val::Never);
                }
                Val::Never => return Some(Val::Never),
            });
        }
        let dst = self.temp(SlotTy::Float);
        out.push(Stmt::Call(Call {
            dst,
            path: path.clone(),
            args: call_args,
            tangent: false,
            span: e.span(),
        }));
        Some(Val::Float(Operand::Slot(dst)))
    }

    /// A non-float argument: as written when it is the same in the reverse sweep (a literal,
    /// a parameter, a constant), else kept in a slot.
    fn opaque_arg(&mut self, arg: &Expr, out: &mut Block) -> CallArg {
        // `&v`: keep (a copy of) `v`, and pass a reference to it in both sweeps.
        if let Expr::Reference(r) = arg {
            if r.mutability.is_none() && !self.is_stable(&r.expr) {
                return match self.opaque_arg(&r.expr, out) {
                    CallArg::Opaque(slot) => CallArg::OpaqueRef(slot),
                    other => other,
                };
            }
        }
        let tokens = self.opaque_tokens(arg);
        if self.is_stable(arg) {
            return CallArg::Stable(tokens);
        }
        let slot = self.temp(SlotTy::Opaque);
        self.assign(out, slot, Op::Const(tokens), vec![], true, arg.span());
        CallArg::Opaque(slot)
    }

    /// Whether `arg` has the same value in the reverse sweep as in the forward sweep:
    /// a literal, a parameter, a name the body does not bind (a constant), a field of one of
    /// those, or a reference to one of those.
    fn is_stable(&self, arg: &Expr) -> bool {
        match arg {
            Expr::Lit(_) => true,
            Expr::Path(p) => match p.path.get_ident().and_then(|i| self.lookup(&i.to_string())) {
                // A name the body does not bind: a constant, a static, a function.
                None => true,
                Some(Binding::Opaque(name)) => {
                    self.f.params.iter().any(|param| param.ident == *name)
                }
                Some(_) => false,
            },
            Expr::Reference(r) => r.mutability.is_none() && self.is_stable(&r.expr),
            Expr::Paren(p) => self.is_stable(&p.expr),
            // A field of one of those: `d.shift`, `&d.w` with `d` a data parameter.
            Expr::Field(f) => self.is_stable(&f.base),
            _ => false,
        }
    }
}
