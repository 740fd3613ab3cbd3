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
use crate::ir::{Block, Call, CallArg, CallKind, CallShape, Nested, Op, Operand, SlotTy, Stmt};
use syn::spanned::Spanned;
use syn::{Expr, Pat};

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
        self.call_of(e, path, args, None, out)
    }

    /// `let <pat> = f_grad(args);`: a call of a generated derivative, whose result has the
    /// shape of the pattern (the gradient of several floats is a tuple); None when `init` is
    /// not such a call.
    pub(super) fn let_derivative_call(
        &mut self,
        pat: &Pat,
        init: &Expr,
        out: &mut Block,
    ) -> Option<Val> {
        let Expr::Call(c) = init else { return None };
        let Expr::Path(path) = &*c.func else {
            return None;
        };
        let name = path.path.get_ident().map(|i| i.to_string());
        if name.is_some_and(|n| self.lookup(&n).is_some()) {
            return None;
        }
        crate::symbol::nested_call(path)?;
        let args: Vec<&Expr> = c.args.iter().collect();
        // Ordinary code when no argument carries a derivative, as in `call`.
        let val = self.call_of(init, path, &args, Some(pat), out);
        Some(val.unwrap_or_else(|| Val::Opaque(init.clone())))
    }

    /// A call of `path` with some argument carrying a derivative, or of one of the generated
    /// derivatives of a `#[differentiable]` function (`f_grad`, `f_value_and_grad`,
    /// `f_jvp`: nested differentiation), the shape of whose result is read from `pat`.
    fn call_of(
        &mut self,
        e: &Expr,
        path: &syn::ExprPath,
        args: &[&Expr],
        pat: Option<&Pat>,
        out: &mut Block,
    ) -> Option<Val> {
        let mut lowered = Vec::new();
        let mut carries = false;
        for arg in args {
            let val = self.expr(arg, out);
            // Data of an ndarray or nalgebra type (`&x`, `x` for a parameter without a
            // gradient) is passed as opaque code, as before the features existed.
            let inner = match arg {
                Expr::Reference(r) => &*r.expr,
                arg => arg,
            };
            let val = if self.is_data_value(inner) {
                Val::Opaque((*arg).clone())
            } else {
                val
            };
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
                Val::Float(Operand::Slot(s)) if self.slots[s.0].ty == SlotTy::Value => {
                    self.cx.error_spanned_by(
                        arg,
                        "an ndarray or nalgebra value cannot be passed to another function in a #[differentiable] function yet; compute with its operations in this function, or pass the floats the callee needs",
                    );
                    return Some(Val::Never);
                }
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
        let Some((callee, nested)) = crate::symbol::nested_call(path) else {
            let (kind, shape) = (CallKind::Value, CallShape::Float);
            return Some(self.push_call(path.clone(), kind, shape, call_args, e, out));
        };
        let shape = nested_shape(nested, pat);
        match (nested, shape) {
            // `f_value_and_grad(x)` is `(f(x), f_grad(x))`: two calls, and no rules of its own.
            (Nested::ValueAndGrad, CallShape::Tuple(mut parts)) if parts.len() == 2 => {
                let grad = parts.pop().unwrap_or(CallShape::Float);
                let (value_kind, grad_kind) = (CallKind::Value, CallKind::Derivative(Nested::Grad));
                let args = call_args.clone();
                let value =
                    self.push_call(callee.clone(), value_kind, CallShape::Float, args, e, out);
                let grad = self.push_call(callee, grad_kind, grad, call_args, e, out);
                Some(Val::Tuple(vec![value, grad]))
            }
            (nested, shape) => {
                let kind = CallKind::Derivative(nested);
                Some(self.push_call(callee, kind, shape, call_args, e, out))
            }
        }
    }

    /// `outs = callee(args)`, the results in new slots; their value, in the result's shape.
    fn push_call(
        &mut self,
        callee: syn::ExprPath,
        kind: CallKind,
        shape: CallShape,
        args: Vec<CallArg>,
        e: &Expr,
        out: &mut Block,
    ) -> Val {
        let outs: Vec<_> = (0..shape.len()).map(|_| self.temp(SlotTy::Float)).collect();
        let val = shape_val(&shape, &mut outs.iter().copied());
        out.push(Stmt::Call(Call {
            outs,
            shape,
            path: callee,
            args,
            kind,
            span: e.span(),
        }));
        val
    }

    /// A non-float argument: as written when it is the same in the reverse sweep (a literal,
    /// a parameter, a constant), else kept in a slot.
    fn opaque_arg(&mut self, arg: &Expr, out: &mut Block) -> CallArg {
        // `&v`: keep an owned copy of `v` (`ToOwned`: a `Vec` of a sub-slice `&v[..n]`, a
        // clone of a `Vec` local, which must not be moved out of), and pass a reference to
        // it in both sweeps.
        if let Expr::Reference(r) = arg {
            if r.mutability.is_none() && !self.is_stable(&r.expr) {
                let value = self.opaque_tokens(&r.expr);
                let slot = self.temp(SlotTy::Opaque);
                let owned = quote::quote!(::std::borrow::ToOwned::to_owned(&#value));
                self.assign(out, slot, Op::Const(owned), vec![], true, arg.span());
                return CallArg::OpaqueRef(slot);
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

/// The shape of the result of the generated derivative `kind`, bound to `pat`: `f_jvp` gives
/// `(R, R)`; `f_grad` a float, or a tuple as the pattern destructures it; `f_value_and_grad`
/// the value and that.
fn nested_shape(kind: Nested, pat: Option<&Pat>) -> CallShape {
    fn of(pat: Option<&Pat>) -> CallShape {
        match pat {
            Some(Pat::Type(t)) => of(Some(&t.pat)),
            Some(Pat::Paren(p)) => of(Some(&p.pat)),
            Some(Pat::Tuple(t)) => CallShape::Tuple(t.elems.iter().map(|p| of(Some(p))).collect()),
            _ => CallShape::Float,
        }
    }
    let pat = match pat {
        Some(Pat::Type(t)) => Some(&*t.pat),
        p => p,
    };
    match kind {
        Nested::Grad => of(pat),
        Nested::Jvp => CallShape::Tuple(vec![CallShape::Float, CallShape::Float]),
        Nested::ValueAndGrad => {
            let grad = match pat {
                Some(Pat::Tuple(t)) if t.elems.len() == 2 => of(t.elems.iter().nth(1)),
                _ => CallShape::Float,
            };
            CallShape::Tuple(vec![CallShape::Float, grad])
        }
    }
}

/// The value of a call's result: its slots, in the shape of the result.
fn shape_val(shape: &CallShape, outs: &mut dyn Iterator<Item = crate::ir::SlotId>) -> Val {
    match shape {
        CallShape::Float => match outs.next() {
            Some(s) => Val::Float(Operand::Slot(s)),
            None => Val::Never,
        },
        CallShape::Tuple(parts) => Val::Tuple(parts.iter().map(|p| shape_val(p, outs)).collect()),
    }
}
