//! Closures defined in the body: `let huber = |r: f64| if r.abs() < d { .. } else { .. };`,
//! called as `huber(x)` or passed to an iterator adapter.
//!
//! A closure is not a value of the IR: each call is lowered in place, its parameters bound to
//! the arguments and its body lowered in the scope the closure was defined in (the bindings
//! it captures, not those a later `let` shadows). A `move` closure keeps copies of the floats
//! it captures, taken where it is defined, as Rust's does. Its captures carry their gradient
//! like any variable.

use super::{Binding, Lowerer, Val};
use crate::ir::{Block, Op, Operand, SlotTy};
use std::collections::HashMap;
use std::rc::Rc;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// A closure bound to a name, with the scope it was defined in.
#[derive(Clone, Debug)]
pub(super) struct ClosureDef {
    pub closure: syn::ExprClosure,
    pub scopes: Rc<Vec<HashMap<String, Binding>>>,
}

impl Lowerer<'_> {
    /// `let name = |params| body;`: the closure's definition, checked.
    pub(super) fn define_closure(
        &mut self,
        c: &syn::ExprClosure,
        out: &mut Block,
    ) -> Option<Binding> {
        if let Some(span) = exit_in(&c.body) {
            self.cx.error_at(span, "a `return` or `?` inside a closure is not supported in a #[differentiable] function; compute the value with `if`/`else`, or make it a function of its own");
            return None;
        }
        if c.asyncness.is_some() {
            self.cx.error_spanned_by(
                c,
                "`async` closures are not supported in a #[differentiable] function",
            );
            return None;
        }
        let mut scopes = self.scopes.clone();
        if c.capture.is_some() {
            // `move`: a copy of each float it captures, as of now.
            let mut names = Vec::new();
            CollectPaths(&mut names).visit_expr(&c.body);
            let mut copies = HashMap::new();
            for name in names {
                match self.lookup(&name).cloned() {
                    Some(Binding::Float(slot)) => {
                        let fresh = self.namer.fresh(&format!("{name}_moved"));
                        let copy = self.new_slot(fresh, SlotTy::Float, crate::ir::Origin::User);
                        self.assign(
                            out,
                            copy,
                            Op::Copy,
                            vec![Operand::Slot(slot)],
                            true,
                            c.span(),
                        );
                        copies.insert(name, Binding::Float(copy));
                    }
                    // An integer (a counter the body steps later, say) is copied too: the
                    // closure reads it as it was here.
                    Some(Binding::Opaque(ident)) => {
                        let fresh = self.namer.fresh(&format!("{name}_moved"));
                        out.push(crate::ir::Stmt::Opaque(quote::quote!(let #fresh = #ident;)));
                        copies.insert(name, Binding::Opaque(fresh));
                    }
                    _ => {}
                }
            }
            scopes.push(copies);
        }
        Some(Binding::Closure(ClosureDef {
            closure: c.clone(),
            scopes: Rc::new(scopes),
        }))
    }

    /// A call of a closure bound to a name: its body with the parameters bound to `args`.
    pub(super) fn call_closure(
        &mut self,
        e: &syn::Expr,
        def: &ClosureDef,
        args: &[&syn::Expr],
        out: &mut Block,
    ) -> Val {
        let c = &def.closure;
        if c.inputs.len() != args.len() {
            return self.unsupported(
                e,
                &format!("this closure takes {} argument(s)", c.inputs.len()),
            );
        }
        // The arguments, in the caller's scope.
        let vals: Vec<Val> = args.iter().map(|a| self.expr(a, out)).collect();
        self.inline_closure(c, &def.scopes, vals, e.span(), out)
    }

    /// The body of `c` lowered in `scopes` with its parameters bound to `vals`.
    pub(super) fn inline_closure(
        &mut self,
        c: &syn::ExprClosure,
        scopes: &Rc<Vec<HashMap<String, Binding>>>,
        vals: Vec<Val>,
        span: proc_macro2::Span,
        out: &mut Block,
    ) -> Val {
        let saved = std::mem::replace(&mut self.scopes, (**scopes).clone());
        self.push_scope();
        self.inlining += 1;
        for (pat, val) in c.inputs.iter().zip(vals) {
            match (pat, val) {
                // A parameter that is not a float: an ordinary `let`.
                (pat, Val::Opaque(arg)) if !matches!(pat, syn::Pat::Wild(_)) => {
                    let stmt: syn::Stmt = syn::parse_quote!(let #pat = #arg;);
                    if let syn::Stmt::Local(local) = stmt {
                        self.let_stmt(&local, out);
                    }
                }
                (pat, val) => self.bind_param(pat, val, span, out),
            }
        }
        let val = self.expr(&c.body, out);
        self.inlining -= 1;
        // Bindings made inside the body are the closure's; what it wrote to captured
        // variables stays written (they are the same slots).
        let inner = std::mem::replace(&mut self.scopes, saved);
        drop(inner);
        val
    }

    /// A parameter of a closure bound to an argument at one call: each float in a slot of a
    /// fresh name. A closure is lowered once per call, and the names its parameters bind are
    /// written once in the function, so the user's name would be given to the slot of every
    /// call: the later call's declaration would shadow the earlier's, whose reverse sweep
    /// would then read the later argument (`g(x) * g(y)` with `g = |t| t * t`).
    fn bind_param(&mut self, pat: &syn::Pat, val: Val, span: proc_macro2::Span, out: &mut Block) {
        match (pat, val) {
            (syn::Pat::Type(pt), val) => self.bind_param(&pt.pat, val, span, out),
            (syn::Pat::Paren(p), val) => self.bind_param(&p.pat, val, span, out),
            (syn::Pat::Reference(r), val) => self.bind_param(&r.pat, val, span, out),
            // A float, or a place of a parameter read as one (`h(p.s)`).
            (syn::Pat::Ident(p), val @ (Val::Float(_) | Val::Place(_)))
                if p.by_ref.is_none() && p.subpat.is_none() =>
            {
                let b = self.binding_of(&p.ident, true, val, None, span, out);
                self.bind(&p.ident, b);
            }
            (syn::Pat::Tuple(t), Val::Tuple(vals)) if vals.len() == t.elems.len() => {
                for (p, v) in t.elems.iter().zip(vals) {
                    self.bind_param(p, v, span, out);
                }
            }
            (pat, val) => self.bind_pat(pat, val, None, span, out),
        }
    }
}

/// The span of a `return` or `?` in `body` outside nested closures, which would leave the
/// closure, not the function.
fn exit_in(body: &syn::Expr) -> Option<proc_macro2::Span> {
    struct Find(Option<proc_macro2::Span>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
            self.0.get_or_insert(r.span());
        }
        fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
            self.0.get_or_insert(t.span());
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut f = Find(None);
    f.visit_expr(body);
    f.0
}

/// Every single-identifier path in an expression.
struct CollectPaths<'a>(&'a mut Vec<String>);

impl<'ast> Visit<'ast> for CollectPaths<'_> {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(i) = p.path.get_ident() {
            self.0.push(i.to_string());
        }
    }
}
