//! Statements: `let`, assignment, compound assignment, expression statements.

use super::expr::is_side_effect_macro;
use super::{Binding, Lowerer, Val};
use crate::ir::{Block, Op, Operand, SlotTy, Stmt};
use crate::parse::signature::{generic_floats, scalar_float};
use crate::symbol;
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Pat, Type};

/// What a `let`'s type annotation says.
pub(super) enum Declared {
    Float,
    /// `Vec<F>`, `[F; N]`, `Vec<Vec<F>>`, `[[F; N]; M]`.
    Array {
        is_vec: bool,
    },
    Tuple(Vec<Declared>),
    Other,
}

impl Lowerer<'_> {
    /// Lowers all statements of a block but its tail expression, which is returned for the
    /// caller to lower as a value or as a statement.
    pub(super) fn block_stmts(&mut self, stmts: &[syn::Stmt], out: &mut Block) -> Option<Expr> {
        if let Some(stmts) = super::desugar::let_else(stmts) {
            return self.block_stmts(&stmts, out);
        }
        let (tail, body) = match stmts.split_last() {
            Some((syn::Stmt::Expr(e, None), body)) => (Some(e.clone()), body),
            _ => (None, stmts),
        };
        for stmt in body {
            self.stmt(stmt, out);
        }
        tail
    }

    /// A block in statement context: its tail is a statement too.
    pub(super) fn block_as_stmt(&mut self, stmts: &[syn::Stmt], out: &mut Block) {
        self.push_scope();
        if let Some(tail) = self.block_stmts(stmts, out) {
            self.stmt_expr(&tail, out);
        }
        self.pop_scope();
    }

    fn stmt(&mut self, stmt: &syn::Stmt, out: &mut Block) {
        match stmt {
            syn::Stmt::Local(local) => self.let_stmt(local, out),
            syn::Stmt::Item(item) => self.items.push(item.to_token_stream()),
            syn::Stmt::Expr(e, _) => self.stmt_expr(e, out),
            syn::Stmt::Macro(m) => {
                if is_side_effect_macro(&m.mac) {
                    let tokens = self.opaque_macro(&m.mac);
                    out.push(Stmt::Opaque(quote!(#tokens;)));
                } else {
                    self.unsupported_macro(&m.mac);
                }
            }
        }
    }

    /// An expression whose value is not used.
    pub(super) fn stmt_expr(&mut self, e: &Expr, out: &mut Block) {
        match e {
            Expr::Assign(_) => self.assign_stmt(e, out),
            Expr::Binary(b)
                if matches!(
                    b.op,
                    BinOp::AddAssign(_)
                        | BinOp::SubAssign(_)
                        | BinOp::MulAssign(_)
                        | BinOp::DivAssign(_)
                ) =>
            {
                self.compound_assign_stmt(e, b, out)
            }
            Expr::If(i) => self.if_stmt(e, i, out),
            Expr::Match(m) => self.match_stmt(e, m, out),
            Expr::Block(b) if b.label.is_none() => self.block_as_stmt(&b.block.stmts, out),
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => self.loop_stmt(e, out),
            Expr::MethodCall(m) if self.push_stmt(m, out) => {}
            _ => {
                if let Val::Opaque(e) = self.expr(e, out) {
                    let tokens = self.opaque_tokens(&e);
                    out.push(Stmt::Opaque(quote!(#tokens;)));
                }
            }
        }
    }

    fn declared(&self, ty: &Type) -> Option<Declared> {
        let generics = generic_floats(&self.f.item.sig);
        if scalar_float(ty, &generics).is_some() {
            return Some(Declared::Float);
        }
        if crate::parse::signature::array_shape(ty, &generics).is_some() {
            let is_vec = !matches!(ty, Type::Array(_));
            return Some(Declared::Array { is_vec });
        }
        if let Type::Tuple(t) = ty {
            let parts: Option<Vec<Declared>> = t.elems.iter().map(|el| self.declared(el)).collect();
            let parts = parts?;
            if parts.iter().any(|p| !matches!(p, Declared::Other)) {
                return Some(Declared::Tuple(parts));
            }
            return Some(Declared::Other);
        }
        let mut mentions = false;
        for tt in ty.to_token_stream() {
            let s = tt.to_string();
            mentions |= s.contains("f64")
                || s.contains("f32")
                || generics.iter().any(|g| s.contains(&g.to_string()));
        }
        if mentions {
            self.cx.error_spanned_by(ty, format!(
                "variables of type `{}` are not supported yet; use float scalars (`f64`) and tuples of them",
                ty.to_token_stream().to_string().replace(' ', "")
            ));
            return None;
        }
        Some(Declared::Other)
    }

    pub(super) fn let_stmt(&mut self, local: &syn::Local, out: &mut Block) {
        if let Some(init) = &local.init {
            if let Some((else_token, _)) = &init.diverge {
                // `block_stmts` takes every `let ... else` apart (`desugar::let_else`).
                return self.cx.error_spanned_by(
                    else_token,
                    "this `let ... else` could not be read; write it as a `match`",
                );
            }
        }
        let (pat, ty) = match &local.pat {
            Pat::Type(pt) => (&*pt.pat, Some(&*pt.ty)),
            p => (p, None),
        };
        let declared = match ty {
            Some(ty) => match self.declared(ty) {
                Some(d) => Some(d),
                None => return,
            },
            None => None,
        };
        let span = local.span();
        let Some(init) = &local.init else {
            match declared {
                Some(Declared::Other) => self.opaque_let(local, None, out),
                Some(d) => self.declare_pat(pat, &d),
                None => {
                    self.cx.error_spanned_by(pat, "add a type annotation to this `let` without a value (`let y: f64;`), so the transform knows whether it holds a float");
                    self.bind_error(pat);
                }
            }
            return;
        };
        if let (Some(Declared::Other), Expr::Struct(_)) = (&declared, &*init.expr) {
            // `let p: Point = Point { .. };`: the annotation names the literal's type.
            let val = self.expr(&init.expr, out);
            if matches!(val, Val::Struct(_)) {
                self.bind_pat(pat, val, None, span, out);
                return;
            }
        }
        if matches!(declared, Some(Declared::Other)) {
            // A non-float by annotation: its value must not carry a gradient.
            match self.expr(&init.expr, out) {
                Val::Float(_) | Val::Tuple(_) => {
                    self.cx.error_spanned_by(&init.expr, "this value is a float, but the `let` declares another type; the gradient cannot follow it");
                    self.opaque_let(local, Some(&init.expr), out);
                }
                // As computed (an iterator chain over floats is its result's name by now).
                Val::Opaque(v) => self.opaque_let(local, Some(&v), out),
                _ => self.opaque_let(local, Some(&init.expr), out),
            }
            return;
        }
        if let (Expr::Closure(c), Pat::Ident(p)) = (&*init.expr, pat) {
            let b = self.define_closure(c, out).unwrap_or(Binding::Error);
            self.bind(&p.ident, b);
            return;
        }
        let declared_vec = matches!(declared, Some(Declared::Array { is_vec: true }));
        if let Pat::Ident(p) = pat {
            if self.creates_buffer(&init.expr, declared_vec) {
                let val = self.buffer(&p.ident, &init.expr, declared_vec, out);
                let b = match val {
                    Val::Array(r) => Binding::Array(r),
                    _ => Binding::Error,
                };
                self.bind(&p.ident, b);
                return;
            }
        }
        let val = match self.let_derivative_call(pat, &init.expr, out) {
            Some(val) => val,
            None => self.expr(&init.expr, out),
        };
        match (&val, &declared) {
            // As computed: an iterator chain over floats is its result's name by now.
            (Val::Opaque(v), None) => self.opaque_let(local, Some(v), out),
            // `let layer = &m.layers[l];`, `let b = m.b2;`: a name for the place, read where
            // it is used (the parameter is never written, so the place keeps its value).
            (Val::Place(p), None) if matches!(pat, Pat::Ident(id) if id.mutability.is_none() && id.by_ref.is_none() && id.subpat.is_none()) =>
            {
                let Pat::Ident(id) = pat else {
                    unreachable!("matched above")
                };
                self.bind(&id.ident, Binding::Place(p.clone()));
            }
            (Val::Array(r), _) => match pat {
                Pat::Ident(p) if p.mutability.is_none() => {
                    let b = Binding::Array(r.clone());
                    self.bind(&p.ident, b);
                }
                Pat::Slice(_) => self.bind_pat(pat, val, None, span, out),
                _ => {
                    self.cx.error_spanned_by(pat, "an array can be bound by `let` only to a plain immutable name (`let row = &x[i];`); to modify a copy, create a buffer and assign its elements");
                    self.bind_error(pat);
                }
            },
            (_, Some(Declared::Array { .. })) => {
                self.cx.error_spanned_by(&init.expr, "create a float buffer with `vec![0.0; n]`, `[0.0; N]`, `vec![a, b]` or `Vec::with_capacity(n)`");
                self.bind_error(pat);
            }
            _ => self.bind_pat(pat, val, declared.as_ref(), span, out),
        }
    }

    /// `let <pat>: <ty> = <init>;` for a non-float, as written but renamed.
    fn opaque_let(&mut self, local: &syn::Local, init: Option<&Expr>, out: &mut Block) {
        let init_tokens = init.map(|e| self.opaque_tokens(e));
        let pat = self.opaque_pat(&local.pat);
        let tokens = match init_tokens {
            Some(init) => quote!(let #pat = #init;),
            None => quote!(let #pat;),
        };
        out.push(Stmt::Opaque(tokens));
    }

    /// Declares float slots for `pat` without assigning them (`let y: f64;`).
    fn declare_pat(&mut self, pat: &Pat, d: &Declared) {
        let b = self.declare_binding(pat, d);
        self.bind_declared(pat, b);
    }

    fn declare_binding(&mut self, pat: &Pat, d: &Declared) -> Binding {
        match (pat, d) {
            (Pat::Ident(p), Declared::Float) => Binding::Float(self.user_slot(&p.ident)),
            (Pat::Tuple(t), Declared::Tuple(parts)) if t.elems.len() == parts.len() => {
                Binding::Tuple(
                    t.elems
                        .iter()
                        .zip(parts)
                        .map(|(p, d)| self.declare_binding(p, d))
                        .collect(),
                )
            }
            (Pat::Ident(p), Declared::Tuple(parts)) => {
                let slots = parts
                    .iter()
                    .enumerate()
                    .map(|(i, _)| {
                        let name = self.namer.fresh(&format!("{}_{i}", p.ident));
                        Binding::Float(self.new_slot(name, SlotTy::Float, crate::ir::Origin::User))
                    })
                    .collect();
                Binding::Tuple(slots)
            }
            _ => {
                self.cx.error_spanned_by(
                    pat,
                    "this pattern does not match its float type; bind a name, or a tuple of names",
                );
                Binding::Tuple(Vec::new())
            }
        }
    }

    fn bind_declared(&mut self, pat: &Pat, b: Binding) {
        match (pat, b) {
            (Pat::Ident(p), b) => self.bind(&p.ident, b),
            (Pat::Tuple(t), Binding::Tuple(parts)) => {
                for (p, b) in t.elems.iter().zip(parts) {
                    self.bind_declared(p, b);
                }
            }
            _ => {}
        }
    }

    /// Binds every name of `pat` to an error already reported, so that its uses report
    /// nothing more.
    fn bind_error(&mut self, pat: &Pat) {
        struct Names<'a>(&'a mut Vec<syn::Ident>);
        impl<'ast> syn::visit::Visit<'ast> for Names<'_> {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.0.push(p.ident.clone());
            }
        }
        let mut names = Vec::new();
        syn::visit::Visit::visit_pat(&mut Names(&mut names), pat);
        for name in names {
            self.bind(&name, Binding::Error);
        }
    }

    /// Binds `pat` to `val`, each float in a new slot of its own; `declared` is what the
    /// `let`'s annotation says, if it has one.
    pub(super) fn bind_pat(
        &mut self,
        pat: &Pat,
        val: Val,
        declared: Option<&Declared>,
        span: proc_macro2::Span,
        out: &mut Block,
    ) {
        match pat {
            Pat::Type(pt) => self.bind_pat(&pt.pat, val, declared, span, out),
            Pat::Wild(_) => {}
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                let b = self.binding_of(&p.ident, false, val, declared, span, out);
                self.bind(&p.ident, b);
            }
            Pat::Tuple(t) => match val {
                Val::Tuple(vals) if vals.len() == t.elems.len() => {
                    for (k, (p, v)) in t.elems.iter().zip(vals).enumerate() {
                        let d = match declared {
                            Some(Declared::Tuple(ds)) => ds.get(k),
                            _ => None,
                        };
                        self.bind_pat(p, v, d, span, out);
                    }
                }
                Val::Never => {
                    for p in &t.elems {
                        self.bind_pat(p, Val::Never, None, span, out);
                    }
                }
                _ => self
                    .cx
                    .error_spanned_by(pat, "this tuple pattern does not match the value's shape"),
            },
            Pat::Paren(p) => self.bind_pat(&p.pat, val, declared, span, out),
            // `&x` for a float, a row or a place: the value itself (references to floats
            // are their values to the transform).
            Pat::Reference(r) => self.bind_pat(&r.pat, val, declared, span, out),
            // `let [a, b] = *x;`, `let [first, .., last] = x;`: the elements of an array.
            Pat::Slice(sp) => self.bind_elements(sp, val, span, out),
            _ => self.cx.error_spanned_by(
                pat,
                "this pattern is not supported for floats; bind a name, a tuple or an array of names",
            ),
        }
    }

    /// `[a, b, c]` (or `[a, b, ..]`) bound to the elements of an array or a place.
    fn bind_elements(
        &mut self,
        sp: &syn::PatSlice,
        val: Val,
        span: proc_macro2::Span,
        out: &mut Block,
    ) {
        if !matches!(val, Val::Array(_) | Val::Place(_) | Val::Never) {
            self.cx
                .error_spanned_by(sp, "an array pattern needs an array of floats");
            return;
        }
        for (k, p) in sp.elems.iter().enumerate() {
            if matches!(p, Pat::Rest(_)) {
                if k + 1 != sp.elems.len() {
                    self.cx.error_spanned_by(p, "bind the first elements only (`[a, b, ..]`), or index the array (`x[x.len() - 1]`)");
                }
                return;
            }
            let k = proc_macro2::Literal::usize_unsuffixed(k);
            let index: syn::Expr = syn::parse_quote!(#k);
            let element = self.index_val(&index, val.clone(), &index, out);
            self.bind_pat(p, element, None, span, out);
        }
    }

    /// A binding for the name `name` (made up by the transform when `synthetic`, for the
    /// parts of a tuple) holding `val`.
    pub(super) fn binding_of(
        &mut self,
        name: &syn::Ident,
        synthetic: bool,
        val: Val,
        declared: Option<&Declared>,
        span: proc_macro2::Span,
        out: &mut Block,
    ) -> Binding {
        match val {
            Val::Tuple(vals) => {
                let parts = vals
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let d = match declared {
                            Some(Declared::Tuple(ds)) => ds.get(i),
                            _ => None,
                        };
                        let part = syn::Ident::new(&format!("{name}_{i}"), name.span());
                        self.binding_of(&part, true, v, d, span, out)
                    })
                    .collect();
                Binding::Tuple(parts)
            }
            Val::Never => Binding::Error,
            Val::Struct(sv) => self.struct_binding(name, sv, span, out),
            // A part of a tuple that is an array (`let (a, b) = x.split_at(k);`).
            Val::Array(r) => Binding::Array(r),
            Val::Opaque(e) if !matches!(declared, Some(Declared::Float)) => {
                // A non-float part of a tuple: an ordinary `let` of its own.
                let tokens = self.opaque_tokens(&e);
                let new = if synthetic {
                    self.namer.fresh(&name.to_string())
                } else {
                    self.local_name(name)
                };
                out.push(Stmt::Opaque(quote!(let #new = #tokens;)));
                Binding::Opaque(new)
            }
            val => {
                let ty = self.slot_ty_of(&val);
                let slot = if synthetic {
                    let fresh = self.namer.fresh(&name.to_string());
                    self.new_slot(fresh, ty, crate::ir::Origin::User)
                } else {
                    let fresh = self.local_name(name);
                    self.new_slot(fresh, ty, crate::ir::Origin::User)
                };
                let op = self.operand(val, span, out);
                self.write_slot(out, slot, op, true, span);
                Binding::Float(slot)
            }
        }
    }

    /// `lhs = rhs`.
    pub(super) fn assign_stmt(&mut self, e: &Expr, out: &mut Block) {
        let Expr::Assign(a) = e else {
            unreachable!("called on assignments")
        };
        match &*a.left {
            Expr::Infer(_) => {
                self.expr(&a.right, out);
            }
            Expr::Tuple(t) => {
                let val = self.expr(&a.right, out);
                let Val::Tuple(vals) = val else {
                    self.cx.error_spanned_by(
                        &a.right,
                        "assign a tuple of the same length to this tuple",
                    );
                    return;
                };
                if vals.len() != t.elems.len() {
                    self.cx.error_spanned_by(
                        &a.right,
                        "assign a tuple of the same length to this tuple",
                    );
                    return;
                }
                // Read every value before writing any, so `(a, b) = (b, a)` swaps.
                let mut staged = Vec::new();
                for (v, lhs) in vals.into_iter().zip(&t.elems) {
                    let op = self.operand(v, lhs.span(), out);
                    let t = self.temp(SlotTy::Float);
                    self.assign(out, t, Op::Copy, vec![op], true, lhs.span());
                    staged.push(Val::Float(Operand::Slot(t)));
                }
                for (v, lhs) in staged.into_iter().zip(&t.elems) {
                    self.write_place(lhs, v, e, out);
                }
            }
            lhs if self.is_float_element(lhs) => {
                let val = self.expr(&a.right, out);
                if !self.write_element(lhs, val, e, out) {
                    // Never dropped silently.
                    self.cx.error_spanned_by(lhs, "this element cannot be written in a #[differentiable] function; write to a local buffer (`let mut v = vec![..];`)");
                }
            }
            lhs => {
                if let Some(Binding::Error) = self.place_binding(lhs) {
                    self.expr(&a.right, out);
                    return;
                }
                if let Some(Binding::Opaque(_)) | None = self.place_binding(lhs) {
                    if !matches!(self.expr(&a.right, &mut Block::new()), Val::Opaque(_)) {
                        self.not_a_float_place(lhs);
                        return;
                    }
                    let tokens = self.opaque_tokens(e);
                    out.push(Stmt::Opaque(quote!(#tokens;)));
                    return;
                }
                let val = self.expr(&a.right, out);
                self.write_place(lhs, val, e, out);
            }
        }
    }

    /// Whether `lhs` is an element of a float array (`x[i]`, `m[i][j]`).
    fn is_float_element(&self, lhs: &Expr) -> bool {
        let mut base = lhs;
        while let Expr::Index(i) = base {
            base = &i.expr;
        }
        !std::ptr::eq(base, lhs) && matches!(self.place_binding(base), Some(Binding::Array(_)))
    }

    fn read_only_place(&mut self, lhs: &Expr) {
        self.cx.error_spanned_by(
            lhs,
            "a parameter with a gradient is read-only in a #[differentiable] function; compute the new value in a local (`let mut w = m.w;`) and return it",
        );
    }

    fn not_a_float_place(&mut self, lhs: &Expr) {
        if matches!(lhs, Expr::Index(i) if self.chain_root_is_value(&i.expr)) {
            return self.cx.error_spanned_by(
                lhs,
                "writing an element of an ndarray or nalgebra value is not supported; build the value with array operations (`&a * &mask`, `Array1::zeros(n)` plus a sum), or use a `vec![..]` buffer of floats",
            );
        }
        self.cx.error_spanned_by(
            lhs,
            "a float is assigned here to a variable the transform does not know as a float; declare it with a float value or annotation (`let mut y: f64 = 0.0;`)",
        );
    }

    /// The binding an assignment target refers to.
    pub(super) fn place_binding(&self, lhs: &Expr) -> Option<Binding> {
        match lhs {
            Expr::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.to_string()))
                .cloned(),
            Expr::Field(f) => match (self.place_binding(&f.base)?, &f.member) {
                (Binding::Tuple(parts), syn::Member::Unnamed(i)) => {
                    parts.get(i.index as usize).cloned()
                }
                (Binding::Struct(sb), m) => {
                    let name = crate::ir::member_name(m);
                    sb.fields
                        .into_iter()
                        .find(|(n, _)| crate::ir::member_name(n) == name)
                        .map(|(_, b)| b)
                }
                (b @ (Binding::Opaque(_) | Binding::Place(_) | Binding::Error), _) => Some(b),
                _ => None,
            },
            Expr::Paren(p) => self.place_binding(&p.expr),
            Expr::Index(i) => match self.place_binding(&i.expr)? {
                b @ (Binding::Opaque(_) | Binding::Place(_) | Binding::Error) => Some(b),
                _ => None,
            },
            _ => None,
        }
    }

    fn write_place(&mut self, lhs: &Expr, val: Val, whole: &Expr, out: &mut Block) {
        match self.place_binding(lhs) {
            Some(Binding::Float(slot)) => {
                let op = self.operand(val, whole.span(), out);
                self.write_slot(out, slot, op, false, whole.span());
            }
            Some(Binding::Array(_)) => self.cx.error_spanned_by(
                lhs,
                "a whole array cannot be assigned; assign its elements, as in `x[i] = ..`",
            ),
            Some(Binding::Tuple(parts)) => match val {
                Val::Tuple(vals) if vals.len() == parts.len() => {
                    for (b, v) in parts.into_iter().zip(vals) {
                        if let Binding::Float(slot) = b {
                            let op = self.operand(v, whole.span(), out);
                            self.write_slot(out, slot, op, false, whole.span());
                        }
                    }
                }
                _ => self.cx.error_spanned_by(
                    whole,
                    "assign a tuple of the same shape to this tuple variable",
                ),
            },
            Some(Binding::Error) => {}
            Some(Binding::Place(_)) => self.read_only_place(lhs),
            Some(Binding::Struct(_)) => self.cx.error_spanned_by(
                lhs,
                "a struct variable cannot be assigned whole; assign its fields (`p.x = ..`)",
            ),
            Some(Binding::Closure(_)) => self.cx.error_spanned_by(
                lhs,
                "a closure variable cannot be assigned in a #[differentiable] function; bind a new name",
            ),
            Some(Binding::Opaque(_)) | None => {
                if matches!(lhs, Expr::Index(i) if self.chain_root_is_value(&i.expr)) {
                    self.cx.error_spanned_by(
                        lhs,
                        "writing an element of an ndarray or nalgebra value is not supported; build the value with array operations (`&a * &mask`, `Array1::zeros(n)` plus a sum), or use a `vec![..]` buffer of floats",
                    );
                } else if matches!(lhs, Expr::Index(_)) {
                    self.cx.error_spanned_by(
                        lhs,
                        "writing floats into elements is not supported yet; use separate variables",
                    );
                } else {
                    self.not_a_float_place(lhs);
                }
            }
        }
    }

    /// `lhs op= rhs`.
    pub(super) fn compound_assign_stmt(&mut self, e: &Expr, b: &syn::ExprBinary, out: &mut Block) {
        let prim = match b.op {
            BinOp::AddAssign(_) => &symbol::ADD,
            BinOp::SubAssign(_) => &symbol::SUB,
            BinOp::MulAssign(_) => &symbol::MUL,
            _ => &symbol::DIV,
        };
        if self.is_float_element(&b.left) {
            // x[i] op= r  is  x[i] = x[i] op r, with `r` evaluated first (as Rust does for
            // primitive operands): the read, the operation and the write are then adjacent,
            // and so are their reverses, which lets the compiler fold the adjoint of `x[i]`
            // read back right after it was reset (`x̄[i] = 0; x̄[i] += ..`).
            let rhs = self.expr(&b.right, out);
            let rhs = self.operand(rhs, b.right.span(), out);
            let Some((r, span)) = self.element_place(&b.left, out) else {
                // Never dropped silently.
                return self.cx.error_spanned_by(&b.left, "this element cannot be written in a #[differentiable] function; write to a local buffer (`let mut v = vec![..];`)");
            };
            let old = self.temp(SlotTy::Float);
            self.assign(out, old, Op::Read(r.clone()), vec![], true, span);
            let new = self.temp(SlotTy::Float);
            self.assign(
                out,
                new,
                Op::Prim(prim),
                vec![Operand::Slot(old), rhs],
                true,
                e.span(),
            );
            out.push(Stmt::Write(crate::ir::Write {
                target: r,
                value: Operand::Slot(new),
                span,
            }));
            return;
        }
        match self.place_binding(&b.left) {
            Some(Binding::Float(slot)) => {
                let rhs = self.expr(&b.right, out);
                if self.slots[slot.0].ty == SlotTy::Value || self.is_value(&rhs) {
                    // An ndarray or nalgebra value: `h += &x` is `h = h + x`.
                    return self.tensor_compound(e, b, slot, rhs, out);
                }
                let rhs = self.operand(rhs, b.right.span(), out);
                // y op= r  is  y = y op r.
                self.assign(
                    out,
                    slot,
                    Op::Prim(prim),
                    vec![Operand::Slot(slot), rhs],
                    false,
                    e.span(),
                );
            }
            Some(Binding::Array(_)) => self.cx.error_spanned_by(
                &b.left,
                "compound assignment to a whole array is not supported; update its elements, as in `x[i] += ..`",
            ),
            Some(Binding::Tuple(_)) => self.cx.error_spanned_by(
                &b.left,
                "compound assignment to a whole tuple is not supported; update its fields",
            ),
            Some(Binding::Error) => {}
            Some(Binding::Place(_)) => self.read_only_place(&b.left),
            Some(Binding::Struct(_)) => self.cx.error_spanned_by(
                &b.left,
                "compound assignment to a whole struct is not supported; update its fields",
            ),
            Some(Binding::Closure(_)) => self.cx.error_spanned_by(
                &b.left,
                "a closure variable cannot be assigned in a #[differentiable] function",
            ),
            Some(Binding::Opaque(_)) | None => {
                if !matches!(self.expr(&b.right, &mut Block::new()), Val::Opaque(_)) {
                    self.not_a_float_place(&b.left);
                    return;
                }
                let tokens = self.opaque_tokens(e);
                out.push(Stmt::Opaque(quote!(#tokens;)));
            }
        }
    }
}
