//! Lowering of ndarray and nalgebra values (`SlotTy::Value`): parameters of those types,
//! their operations (`x.dot(&w)`, `h + &b`, `h.mapv(f64::tanh)`, `m * v`, `v.norm()`,
//! `a[[i, j]]`) and constructors (`Array2::zeros((n, m))`), each an `Op::Tensor` the
//! runtime's `tensor` module spells and differentiates.

use super::{Lowerer, Val};
use crate::ir::{Block, Op, Operand, SlotTy};
use crate::symbol::tensor::{self as t, TensorOp};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::Expr;

/// Methods of a value that read its shape, without a gradient.
pub(super) const SHAPE_METHODS: &[&str] =
    &["len", "nrows", "ncols", "shape", "dim", "is_empty", "ndim"];

impl Lowerer<'_> {
    /// `for row in x.rows()` (or `outer_iter()`) over a value: a loop over the row indices,
    /// `for __r in 0..x.nrows() { let row = x.row(__r); .. }`.
    pub(super) fn rows_loop(&mut self, f: &syn::ExprForLoop) -> Option<Expr> {
        if !self.chain_root_is_value(&f.expr) {
            return None;
        }
        // A loop over data (a parameter without a gradient) is opaque code as any other.
        let mut root = &*f.expr;
        while let Expr::MethodCall(m) = root {
            root = &m.receiver;
        }
        let over_rows = matches!(&*f.expr, Expr::MethodCall(m)
            if m.args.is_empty() && matches!(m.method.to_string().as_str(), "rows" | "outer_iter"));
        if self.is_data_value(root) && !over_rows {
            return None;
        }
        let Expr::MethodCall(m) = &*f.expr else {
            self.cx.error_spanned_by(&f.expr, "a loop directly over an ndarray or nalgebra value is not supported; loop over its rows (`for row in x.rows()`) or over indices (`for i in 0..x.len()`)");
            return Some(syn::parse_quote!({}));
        };
        if !m.args.is_empty() || !matches!(m.method.to_string().as_str(), "rows" | "outer_iter") {
            self.cx.error_spanned_by(&f.expr, "a loop over an ndarray or nalgebra value can only take its rows (`for row in x.rows()`, `x.outer_iter()`); loop over indices for anything else (`for i in 0..x.len()`)");
            return Some(syn::parse_quote!({}));
        }
        let Expr::Path(p) = &*m.receiver else {
            return None;
        };
        let ident = p.path.get_ident()?;
        match self.lookup(&ident.to_string()) {
            Some(super::Binding::Float(s)) if self.slots[s.0].ty == SlotTy::Value => {}
            _ => return None,
        }
        let i = self.namer.fresh("__row");
        let (label, pat, body) = (&f.label, &f.pat, &f.body);
        let stmts = &body.stmts;
        Some(
            syn::parse_quote!(#label for #i in 0..#ident.nrows() { let #pat = #ident.row(#i); #(#stmts)* }),
        )
    }

    /// Whether `v` is a whole ndarray or nalgebra value.
    pub(super) fn is_value(&self, v: &Val) -> bool {
        matches!(v, Val::Float(Operand::Slot(s)) if self.slots[s.0].ty == SlotTy::Value)
    }

    /// The type a slot needs to hold `v`.
    pub(super) fn slot_ty_of(&self, v: &Val) -> SlotTy {
        if self.is_value(v) {
            SlotTy::Value
        } else {
            SlotTy::Float
        }
    }

    /// `op(args)` in a new temporary.
    pub(super) fn tensor(
        &mut self,
        op: &'static TensorOp,
        args: Vec<Operand>,
        span: Span,
        out: &mut Block,
    ) -> Val {
        let t = self.temp(SlotTy::of_tensor(op));
        self.assign(out, t, Op::Tensor(op), args, true, span);
        Val::Float(Operand::Slot(t))
    }

    /// `a ∘ b` where one side is a value.
    pub(super) fn tensor_binary(
        &mut self,
        e: &Expr,
        op: &syn::BinOp,
        l: Val,
        r: Val,
        out: &mut Block,
    ) -> Val {
        let op = match op {
            syn::BinOp::Add(_) => &t::ADD,
            syn::BinOp::Sub(_) => &t::SUB,
            syn::BinOp::Mul(_) => &t::MUL,
            _ => &t::DIV,
        };
        let lo = self.value_operand(l, e.span(), out);
        let ro = self.value_operand(r, e.span(), out);
        self.tensor(op, vec![lo, ro], e.span(), out)
    }

    /// An operand of an operation on values: a place inside a parameter is read whole (a
    /// nalgebra or ndarray field, or a float one), anything else as `operand` has it.
    pub(super) fn value_operand(&mut self, v: Val, span: Span, out: &mut Block) -> Operand {
        match v {
            Val::Place(p) => self.place_value(p, span, out),
            v => self.operand(v, span, out),
        }
    }

    /// Whether `e` names a parameter of an ndarray or nalgebra type that has no gradient (left
    /// out by `wrt`): data, which code the transform does not differentiate may use freely.
    pub(super) fn is_data_value(&self, e: &Expr) -> bool {
        let Expr::Path(p) = e else { return false };
        p.path
            .get_ident()
            .is_some_and(|i| match self.lookup(&i.to_string()) {
                Some(super::Binding::Float(s)) => {
                    let slot = &self.slots[s.0];
                    slot.ty == SlotTy::Value
                        && matches!(slot.origin, crate::ir::Origin::Param(k)
                        if matches!(self.f.params[k].kind, crate::parse::ParamKind::PassThrough))
                }
                _ => false,
            })
    }

    /// Whether the innermost receiver of a chain of method calls (`x` in `x.dot(&w).sum()`)
    /// is a value: its methods are whole-array operations, not an iterator chain.
    pub(super) fn chain_root_is_value(&self, e: &Expr) -> bool {
        match e {
            Expr::MethodCall(m) => self.chain_root_is_value(&m.receiver),
            Expr::Paren(p) => self.chain_root_is_value(&p.expr),
            Expr::Reference(r) => self.chain_root_is_value(&r.expr),
            Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
                matches!(self.lookup(&i.to_string()), Some(super::Binding::Float(s)) if self.slots[s.0].ty == SlotTy::Value)
            }),
            _ => false,
        }
    }

    /// `y op= r` where `y` or `r` is a value: `y = y op r`.
    pub(super) fn tensor_compound(
        &mut self,
        e: &Expr,
        b: &syn::ExprBinary,
        slot: crate::ir::SlotId,
        rhs: Val,
        out: &mut Block,
    ) {
        let op = match b.op {
            syn::BinOp::AddAssign(_) => &t::ADD,
            syn::BinOp::SubAssign(_) => &t::SUB,
            syn::BinOp::MulAssign(_) => &t::MUL,
            _ => &t::DIV,
        };
        let rhs = self.operand(rhs, b.right.span(), out);
        if self.slots[slot.0].ty == SlotTy::Value {
            self.assign(
                out,
                slot,
                Op::Tensor(op),
                vec![Operand::Slot(slot), rhs],
                false,
                e.span(),
            );
        } else {
            let v = self.tensor(op, vec![Operand::Slot(slot), rhs], e.span(), out);
            let v = self.operand(v, e.span(), out);
            self.write_slot(out, slot, v, false, e.span());
        }
    }

    /// A data argument (an index, an axis) in an opaque slot, as a call argument is.
    fn data_operand(&mut self, arg: &Expr, out: &mut Block) -> Option<Operand> {
        match self.expr(arg, out) {
            // A constant (`Axis(1)`, `0`, `(0, 1)`): the same in both sweeps.
            Val::Opaque(x) if is_constant(&x) => {
                let x = usize_literals(&x);
                Some(Operand::Lit(quote::quote!(#x)))
            }
            Val::Opaque(x) => {
                let tokens = self.opaque_tokens(&x);
                let slot = self.temp(SlotTy::Opaque);
                self.assign(out, slot, Op::Const(tokens), vec![], true, arg.span());
                Some(Operand::Slot(slot))
            }
            _ => {
                self.cx.error_spanned_by(
                    arg,
                    "this argument carries a gradient, but only an index or an axis (no gradient) can be passed here",
                );
                None
            }
        }
    }

    /// A method of a value.
    pub(super) fn tensor_method(
        &mut self,
        e: &Expr,
        m: &syn::ExprMethodCall,
        recv: Operand,
        out: &mut Block,
    ) -> Val {
        let name = m.method.to_string();
        let span = e.span();
        if name == "mapv" || name == "map" {
            let f = match m.args.first() {
                Some(Expr::Path(p)) => p.path.segments.last().map(|s| s.ident.to_string()),
                Some(Expr::Closure(c)) if c.inputs.len() == 1 => match (&c.inputs[0], &*c.body) {
                    (syn::Pat::Ident(v), Expr::MethodCall(inner))
                        if inner.args.is_empty()
                            && matches!(&*inner.receiver, Expr::Path(r) if r.path.is_ident(&v.ident)) =>
                    {
                        Some(inner.method.to_string())
                    }
                    _ => None,
                },
                _ => None,
            };
            return match f.as_deref().and_then(t::elementwise) {
                Some(op) if m.args.len() == 1 => self.tensor(op, vec![recv], span, out),
                // ndarray's `mapv(|v| ..)` of float arithmetic: the body computed on the whole
                // array, where `+ - * /` and the float methods are elementwise.
                _ if name == "mapv" && m.args.len() == 1 => match &m.args[0] {
                    Expr::Closure(c) if c.inputs.len() == 1 => {
                        let param = match &c.inputs[0] {
                            syn::Pat::Ident(p) => Some(p.ident.clone()),
                            syn::Pat::Type(t) => match &*t.pat {
                                syn::Pat::Ident(p) => Some(p.ident.clone()),
                                _ => None,
                            },
                            _ => None,
                        };
                        let Some(param) = param else {
                            self.cx.error_spanned_by(&c.inputs[0], "the closure given to `mapv` takes its element by a plain name (`|v| ..`)");
                            return Val::Never;
                        };
                        self.push_scope();
                        self.bind(
                            &param,
                            super::Binding::Float(match recv {
                                Operand::Slot(s) => s,
                                Operand::Lit(_) => unreachable!("a value is a slot"),
                            }),
                        );
                        let v = self.expr(&c.body, out);
                        self.pop_scope();
                        match v {
                            v if self.is_value(&v) => v,
                            Val::Never => Val::Never,
                            _ => {
                                self.cx.error_spanned_by(&c.body, "the closure given to `mapv` must compute from its element with float arithmetic and float methods (`|v| 1.0 / (1.0 + (-v).exp())`)");
                                Val::Never
                            }
                        }
                    }
                    _ => {
                        self.cx.error_spanned_by(&m.args, format!("`mapv` takes a closure of float arithmetic (`|v| v * v + 1.0`) or an elementwise float function as a path (`f64::tanh`): one of {}", t::ELEMENTWISE));
                        Val::Never
                    }
                },
                _ => {
                    self.cx.error_spanned_by(
                        &m.args,
                        format!("`{name}` on an ndarray or nalgebra value takes one elementwise float function, as a path (`f64::tanh`) or a closure calling one method (`|v| v.tanh()`): one of {}; write other functions with array arithmetic (`&h * &h`, `1.0 / (h + 1.0)`)", t::ELEMENTWISE),
                    );
                    Val::Never
                }
            };
        }
        if t::elementwise(&name).is_some() {
            // `a.exp()`: elementwise on floats and ndarray's arrays; on a nalgebra matrix it
            // is the matrix exponential, which rustc reports through this check.
            if let Operand::Slot(s) = &recv {
                let span = m.method.span();
                let name = syn::Ident::new(&self.slots[s.0].name.to_string(), span);
                out.push(crate::ir::Stmt::Opaque(quote::quote_spanned!(span=>
                    ::autodiff::__private::tensor::assert_elementwise_methods(&#name);
                )));
            }
        }
        let Some(op) = t::method(&name) else {
            if SHAPE_METHODS.contains(&name.as_str()) || self.is_data_value(&m.receiver) {
                return Val::Opaque(e.clone());
            }
            self.cx.error_spanned_by(
                &m.method,
                format!("`{name}` is not an operation the transform can differentiate on an ndarray or nalgebra value; use one of: {}", t::METHODS),
            );
            return Val::Never;
        };
        if m.args.len() + 1 != op.diff + op.data {
            self.cx.error_spanned_by(
                &m.method,
                format!("`{name}` takes {} argument(s) here", op.diff + op.data - 1),
            );
            return Val::Never;
        }
        let mut args = vec![recv];
        for (i, arg) in m.args.iter().enumerate() {
            if i + 1 < op.diff {
                let v = self.expr(arg, out);
                args.push(self.value_operand(v, arg.span(), out));
            } else if std::ptr::eq(op, &t::POWI) {
                args.push(self.int_operand(arg, out));
            } else {
                match self.data_operand(arg, out) {
                    Some(o) => args.push(o),
                    None => return Val::Never,
                }
            }
        }
        self.tensor(op, args, span, out)
    }

    /// `a[i]`, `a[[i, j]]`, `m[(i, j)]` of a value.
    pub(super) fn tensor_index(
        &mut self,
        e: &Expr,
        recv: Operand,
        index: &Expr,
        out: &mut Block,
    ) -> Val {
        match self.data_operand(index, out) {
            Some(i) => self.tensor(&t::INDEX, vec![recv, i], e.span(), out),
            None => Val::Never,
        }
    }

    /// `Array2::zeros((n, m))`, `Vector3::new(1.0, 2.0, 3.0)`: a value without a gradient,
    /// when the call is a function of a type of ndarray or nalgebra and no argument carries
    /// one.
    pub(super) fn tensor_constructor(
        &mut self,
        e: &Expr,
        c: &syn::ExprCall,
        out: &mut Block,
    ) -> Option<Val> {
        let Expr::Path(func) = &*c.func else {
            return None;
        };
        let segs = &func.path.segments;
        let is_ctor = segs.len() >= 2
            && t::is_tensor_type_name(&segs[segs.len() - 2].ident.to_string())
            || (segs.len() == 1 && matches!(segs[0].ident.to_string().as_str(), "arr1" | "arr2"));
        if !is_ctor {
            return None;
        }
        let constant = |v: &Val| matches!(v, Val::Opaque(_) | Val::Float(Operand::Lit(_)));
        let vals: Vec<Val> = c
            .args
            .iter()
            .map(|a| self.expr(a, &mut Block::new()))
            .collect();
        if let Some(k) = vals.iter().position(|v| !constant(v)) {
            // `Vector3::new(x, y, 1.0)`: nalgebra's `new` puts each float in one element, so
            // the value is Σₖ argₖ · eₖ, with eₖ the same constructor of 0s and one 1.
            let last = segs.last().map(|s| s.ident.to_string());
            let nalgebra = !segs[segs.len() - 2].ident.to_string().starts_with("Array");
            if last.as_deref() != Some("new") || !nalgebra || segs.len() < 2 {
                self.cx.error_spanned_by(
                    &c.args[k],
                    "a value built from floats that carry a gradient can only be a nalgebra vector or matrix built with `::new(..)` (`Vector3::new(x, y, 1.0)`); build this one from constants and combine it with array operations",
                );
                return Some(Val::Never);
            }
            let n = c.args.len();
            let mut acc: Option<Operand> = None;
            for (k, arg) in c.args.iter().enumerate() {
                let v = self.expr(arg, out);
                let x = self.operand(v, arg.span(), out);
                let ones = (0..n).map(|j| {
                    let lit = proc_macro2::Literal::f64_unsuffixed(if j == k { 1.0 } else { 0.0 });
                    quote::quote!(#lit)
                });
                let basis = self.temp(SlotTy::Value);
                self.assign(
                    out,
                    basis,
                    Op::Const(quote::quote!(#func(#(#ones),*))),
                    vec![],
                    true,
                    arg.span(),
                );
                let term =
                    match self.tensor(&t::MUL, vec![x, Operand::Slot(basis)], arg.span(), out) {
                        Val::Float(op) => op,
                        _ => unreachable!("a tensor operation's value"),
                    };
                acc = Some(match acc {
                    None => term,
                    Some(a) => match self.tensor(&t::ADD, vec![a, term], e.span(), out) {
                        Val::Float(op) => op,
                        _ => unreachable!("a tensor operation's value"),
                    },
                });
            }
            return acc.map(Val::Float);
        }
        let tokens = self.opaque_tokens(e);
        let slot = self.temp(SlotTy::Value);
        self.assign(out, slot, Op::Const(tokens), vec![], true, e.span());
        Some(Val::Float(Operand::Slot(slot)))
    }
}

/// Whether `e` is built of literals only (`0`, `(0, 1)`, `[1, 2]`, `Axis(1)`).
fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) => true,
        Expr::Paren(p) => is_constant(&p.expr),
        Expr::Tuple(t) => t.elems.iter().all(is_constant),
        Expr::Array(a) => a.elems.iter().all(is_constant),
        Expr::Call(c) => {
            matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Axis") || p.path.segments.last().is_some_and(|s| s.ident == "Axis"))
                && c.args.iter().all(is_constant)
        }
        _ => false,
    }
}

/// `e` with its unsuffixed integer literals made `usize`, as indices are (`(0, 1)` is a
/// `(usize, usize)`, which rustc would otherwise take for `(i32, i32)`).
fn usize_literals(e: &Expr) -> Expr {
    let mut e = e.clone();
    struct Suffix;
    impl syn::visit_mut::VisitMut for Suffix {
        fn visit_lit_int_mut(&mut self, lit: &mut syn::LitInt) {
            if lit.suffix().is_empty() {
                *lit = syn::LitInt::new(&format!("{}usize", lit.base10_digits()), lit.span());
            }
        }
    }
    syn::visit_mut::VisitMut::visit_expr_mut(&mut Suffix, &mut e);
    e
}
