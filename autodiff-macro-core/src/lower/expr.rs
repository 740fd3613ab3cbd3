//! Float expressions → one `Assign` per operation; everything else stays an opaque value.
//!
//! Types are decided locally, as rustc would: a float literal is a float, a float variable
//! is a float, arithmetic with a float operand is float arithmetic (Rust has no mixed
//! arithmetic, so the other operand is a float constant), a known float method of a float is
//! a float, `as f64` gives a float, and everything else is opaque.

#![cfg_attr(all(test, exhaustive), deny(non_exhaustive_omitted_patterns))]

use super::{Binding, Lowerer, Val};
use crate::ir::{Block, Op, Operand, SlotTy};
use crate::parse::signature::scalar_float;
use crate::symbol::{self, Prim, CUT_METHODS, IDENTITY_METHODS, SIDE_EFFECT_MACROS, STEP_METHODS};
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Lit, UnOp};

/// What a called path may name; see [`Lowerer::path_kind`].
pub(super) struct PathKind {
    pub qualifier_is_float: bool,
    pub runtime_path: bool,
}

impl Lowerer<'_> {
    /// Whether a called path is a function of the float type (`f64::max`, `T::exp`) or may
    /// be the runtime's (`max`, `autodiff::dot`).
    pub(super) fn path_kind(&self, path: &syn::Path) -> PathKind {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let generics = crate::parse::signature::generic_floats(&self.f.item.sig);
        PathKind {
            qualifier_is_float: segments.len() == 2
                && (segments[0] == "f64"
                    || segments[0] == "f32"
                    || segments[0] == "Float"
                    || generics.iter().any(|g| *g == segments[0])),
            runtime_path: segments.len() == 1 || (segments.len() >= 2 && segments[0] == "autodiff"),
        }
    }

    pub(super) fn expr(&mut self, e: &Expr, out: &mut Block) -> Val {
        match e {
            Expr::Lit(lit) => self.lit(e, &lit.lit),
            Expr::Path(_) => self.path(e),
            Expr::Paren(p) => self.reopaque(e, |lw| lw.expr(&p.expr, out)),
            Expr::Group(g) => self.reopaque(e, |lw| lw.expr(&g.expr, out)),
            Expr::Binary(b) => self.binary(e, b, out),
            Expr::Unary(u) => self.unary(e, u, out),
            Expr::Cast(c) => self.cast(e, c, out),
            Expr::MethodCall(m) => self.method_call(e, m, out),
            Expr::Call(c) => self.call(e, c, out),
            Expr::Tuple(t) => {
                let vals: Vec<Val> = t.elems.iter().map(|el| self.expr(el, out)).collect();
                if vals.iter().all(|v| matches!(v, Val::Opaque(_))) {
                    Val::Opaque(e.clone())
                } else {
                    Val::Tuple(vals)
                }
            }
            Expr::Field(f) => self.field(e, f, out),
            Expr::Block(b) if b.label.is_none() => {
                self.push_scope();
                let val = match self.block_stmts(&b.block.stmts, out) {
                    // A non-float tail is spelled while the block's names are in scope.
                    Some(tail) => match self.expr(&tail, out) {
                        Val::Opaque(t) => {
                            let tokens = self.opaque_tokens(&t);
                            Val::Opaque(syn::parse_quote!((#tokens)))
                        }
                        v => v,
                    },
                    None => Val::Opaque(syn::parse_quote!(())),
                };
                self.pop_scope();
                val
            }
            Expr::If(i) => self.if_expr(e, i, out),
            Expr::Match(m) => self.match_expr(e, m, out),
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => {
                self.loop_stmt(e, out);
                Val::Opaque(syn::parse_quote!(()))
            }
            Expr::Return(r) => {
                self.return_stmt(r, out);
                Val::Never
            }
            Expr::Break(b) => {
                self.break_stmt(b, out);
                Val::Never
            }
            Expr::Continue(c) => {
                self.continue_stmt(c, out);
                Val::Never
            }
            Expr::Assign(_) => {
                self.assign_stmt(e, out);
                Val::Opaque(syn::parse_quote!(()))
            }
            Expr::Macro(m) if m.mac.path.is_ident("vec") => self.buffer_value(e, out),
            Expr::Macro(m) => {
                if is_side_effect_macro(&m.mac) {
                    Val::Opaque(e.clone())
                } else {
                    self.unsupported_macro(&m.mac);
                    Val::Never
                }
            }
            Expr::Struct(s) => self.struct_literal(e, s, out),
            Expr::Range(_) | Expr::Const(_) => Val::Opaque(e.clone()),
            Expr::Array(_) | Expr::Repeat(_) => self.buffer_value(e, out),
            Expr::Index(i) => self.index_expr(e, i, out),
            Expr::Reference(r) => match self.expr(&r.expr, out) {
                Val::Array(a) => Val::Array(a),
                Val::Place(p) => Val::Place(super::PlaceRef {
                    reference: true,
                    ..p
                }),
                Val::Struct(sv) => Val::Struct(sv),
                Val::Tuple(parts) => Val::Tuple(parts),
                Val::Opaque(_) => Val::Opaque(e.clone()),
                Val::Never => Val::Never,
                // A reference to a float is its value to the transform (`&x`, `*x` and
                // `x.iter()`'s `&f64` elements are all the float).
                Val::Float(op) => Val::Float(op),
            },
            Expr::Closure(_) => self.unsupported(e, "a closure in a #[differentiable] function is bound with `let` and called (`let f = |x| ..; f(y)`), or passed to an iterator adapter over floats (`.map(|x| ..)`); it cannot be passed to other functions"),
            Expr::Block(b) => {
                let label = b.label.as_ref().map(|l| l.name.clone());
                self.cx.error_spanned_by(label, "labeled blocks are not supported in a #[differentiable] function; use a loop with `break`");
                Val::Never
            }
            Expr::Let(_) => self.unsupported(e, "`let` in a condition (`if let`, `while let`) is not supported; use `match`"),
            Expr::Unsafe(u) => {
                self.cx.error_spanned_by(u.unsafe_token, "`unsafe` blocks are not supported in a #[differentiable] function; move the unsafe code into a function of its own and cut the gradient with `stop_gradient(...)`");
                Val::Never
            }
            Expr::Async(_) | Expr::Await(_) => self.unsupported(e, "`async` code is not supported in a #[differentiable] function; compute the inputs first and call it with plain values"),
            Expr::Try(_) | Expr::TryBlock(_) => self.unsupported(e, "the `?` operator is not supported in a #[differentiable] function; handle the error before calling it"),
            Expr::RawAddr(_) => self.unsupported(e, "raw pointers are not supported in a #[differentiable] function"),
            Expr::Infer(_) => self.unsupported(e, "`_` is not supported as an expression here"),
            _ => self.unsupported(e, "this expression is not supported in a #[differentiable] function; the README lists the supported constructs"),
        }
    }

    /// An array literal used as a value: a buffer of floats, or opaque when it holds none.
    fn buffer_value(&mut self, e: &Expr, out: &mut Block) -> Val {
        if self.creates_buffer(e, false) {
            let name = self.namer.fresh("__a");
            self.buffer(&name, e, false, out)
        } else {
            Val::Opaque(e.clone())
        }
    }

    pub(super) fn unsupported(&mut self, e: &impl quote::ToTokens, message: &str) -> Val {
        self.cx.error_spanned_by(e, message);
        Val::Never
    }

    pub(super) fn unsupported_macro(&mut self, mac: &syn::Macro) {
        let name = mac.path.to_token_stream().to_string().replace(' ', "");
        self.cx.error_spanned_by(
            mac,
            format!(
                "the macro `{name}!` is not supported in a #[differentiable] function; only printing and assertion macros (`println!`, `assert!`, ...) may appear, write the computation out"
            ),
        );
    }

    /// The value of `inner`, but when it is opaque, the opaque value is `e` itself (so that
    /// parentheses and groups survive).
    fn reopaque(&mut self, e: &Expr, inner: impl FnOnce(&mut Self) -> Val) -> Val {
        match inner(self) {
            Val::Opaque(_) => Val::Opaque(e.clone()),
            other => other,
        }
    }

    /// An opaque expression whose parts must all be non-float.
    fn all_opaque<'e>(
        &mut self,
        e: &Expr,
        parts: impl Iterator<Item = &'e Expr>,
        out: &mut Block,
        message: &str,
    ) -> Val {
        let mut ok = true;
        for part in parts {
            match self.expr(part, out) {
                Val::Opaque(_) => {}
                // Already reported.
                Val::Never => return Val::Never,
                _ => ok = false,
            }
        }
        if ok {
            Val::Opaque(e.clone())
        } else {
            self.unsupported(e, message)
        }
    }

    fn lit(&mut self, e: &Expr, lit: &Lit) -> Val {
        let is_float = match lit {
            Lit::Float(_) => true,
            Lit::Int(i) => matches!(i.suffix(), "f32" | "f64"),
            _ => false,
        };
        if is_float {
            Val::Float(Operand::Lit(lit.to_token_stream()))
        } else {
            Val::Opaque(e.clone())
        }
    }

    fn path(&mut self, e: &Expr) -> Val {
        let Expr::Path(p) = e else {
            unreachable!("called on paths")
        };
        let binding = p
            .path
            .get_ident()
            .filter(|_| p.qself.is_none())
            .and_then(|i| self.lookup(&i.to_string()))
            .cloned();
        match binding {
            Some(Binding::Closure(_)) => self.unsupported(e, "a closure can be called (`f(x)`) or passed to an iterator adapter (`.map(f)`), not used as a value, in a #[differentiable] function"),
            Some(b) => binding_val(&b, e),
            // `f64::INFINITY`, `std::f64::consts::PI`: a constant of the float type.
            None if float_constant(&p.path) => Val::Float(Operand::Lit(e.to_token_stream())),
            None => Val::Opaque(e.clone()),
        }
    }

    fn field(&mut self, e: &Expr, f: &syn::ExprField, out: &mut Block) -> Val {
        match self.expr(&f.base, out) {
            Val::Tuple(parts) => match &f.member {
                syn::Member::Unnamed(i) if (i.index as usize) < parts.len() => {
                    parts[i.index as usize].clone()
                }
                _ => self.unsupported(e, "this tuple has no such field"),
            },
            Val::Opaque(_) => Val::Opaque(e.clone()),
            Val::Place(p) => Self::place_field(p, &f.member),
            Val::Struct(sv) => {
                let name = crate::ir::member_name(&f.member);
                match sv
                    .fields
                    .into_iter()
                    .find(|(m, _)| crate::ir::member_name(m) == name)
                {
                    Some((_, v)) => v,
                    None => self.unsupported(e, "this struct literal has no such field"),
                }
            }
            Val::Float(_) => self.unsupported(e, "a float has no fields"),
            Val::Array(_) => self.unsupported(e, "an array has no fields"),
            Val::Never => Val::Never,
        }
    }

    /// Applies `prim` to `args`, into a new temporary.
    pub(super) fn prim(
        &mut self,
        prim: &'static Prim,
        args: Vec<Operand>,
        span: proc_macro2::Span,
        out: &mut Block,
    ) -> Val {
        let t = self.temp(SlotTy::Float);
        self.assign(out, t, Op::Prim(prim), args, true, span);
        Val::Float(Operand::Slot(t))
    }

    fn binary(&mut self, e: &Expr, b: &syn::ExprBinary, out: &mut Block) -> Val {
        let prim = match b.op {
            BinOp::Add(_) => &symbol::ADD,
            BinOp::Sub(_) => &symbol::SUB,
            BinOp::Mul(_) => &symbol::MUL,
            BinOp::Div(_) => &symbol::DIV,
            BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_) => {
                self.compound_assign_stmt(e, b, out);
                return Val::Opaque(syn::parse_quote!(()));
            }
            BinOp::Rem(_) | BinOp::RemAssign(_) => {
                let l = self.expr(&b.left, out);
                let r = self.expr(&b.right, out);
                return if matches!((&l, &r), (Val::Opaque(_), Val::Opaque(_))) {
                    if matches!(b.op, BinOp::RemAssign(_)) {
                        self.opaque_assign(e, out)
                    } else {
                        Val::Opaque(e.clone())
                    }
                } else {
                    self.unsupported(e, "the remainder `%` of floats is not supported; use `x - (x / y).trunc() * y`")
                };
            }
            // Comparisons and integer/boolean operators: no gradient flows through them.
            _ => {
                if is_assign_op(&b.op) {
                    return self.opaque_assign(e, out);
                }
                return Val::Opaque(e.clone());
            }
        };
        let l = self.expr(&b.left, out);
        let r = self.expr(&b.right, out);
        // A place with a non-float (`m.hidden + 1`) is integer arithmetic: Rust has no mixed
        // arithmetic, so with a float literal or value it is float arithmetic.
        if let (Val::Opaque(lo), Val::Opaque(ro)) = (&l, &r) {
            // As computed: an iterator chain is its result's name by now.
            if same(lo, &b.left) && same(ro, &b.right) {
                return Val::Opaque(e.clone());
            }
            let op = &b.op;
            return Val::Opaque(syn::parse_quote!((#lo) #op (#ro)));
        }
        if matches!(
            (&l, &r),
            (Val::Place(_), Val::Opaque(_)) | (Val::Opaque(_), Val::Place(_))
        ) {
            return Val::Opaque(e.clone());
        }
        if self.is_value(&l) || self.is_value(&r) {
            return self.tensor_binary(e, &b.op, l, r, out);
        }
        let lo = self.operand(l, b.left.span(), out);
        let ro = self.operand(r, b.right.span(), out);
        self.prim(prim, vec![lo, ro], e.span(), out)
    }

    /// `n += 1` on a non-float variable, as an opaque statement.
    fn opaque_assign(&mut self, e: &Expr, out: &mut Block) -> Val {
        let tokens = self.opaque_tokens(e);
        out.push(crate::ir::Stmt::Opaque(quote!(#tokens;)));
        Val::Opaque(syn::parse_quote!(()))
    }

    fn unary(&mut self, e: &Expr, u: &syn::ExprUnary, out: &mut Block) -> Val {
        match u.op {
            UnOp::Neg(_) => match self.expr(&u.expr, out) {
                Val::Opaque(_) => Val::Opaque(e.clone()),
                Val::Never => Val::Never,
                // A negative literal is a literal.
                Val::Float(Operand::Lit(lit)) => Val::Float(Operand::Lit(quote!(-#lit))),
                v if self.is_value(&v) => {
                    let a = self.operand(v, u.expr.span(), out);
                    self.tensor(&symbol::tensor::NEG, vec![a], e.span(), out)
                }
                v => {
                    let a = self.operand(v, u.expr.span(), out);
                    self.prim(&symbol::NEG, vec![a], e.span(), out)
                }
            },
            UnOp::Deref(_) => self.reopaque(e, |lw| lw.expr(&u.expr, out)),
            _ => Val::Opaque(e.clone()),
        }
    }

    fn is_float_type(&self, ty: &syn::Type) -> bool {
        let generics = crate::parse::signature::generic_floats(&self.f.item.sig);
        scalar_float(ty, &generics).is_some()
    }

    fn cast(&mut self, e: &Expr, c: &syn::ExprCast, out: &mut Block) -> Val {
        if !self.is_float_type(&c.ty) {
            // A float cast to an integer cuts the gradient, as the integer has none.
            return Val::Opaque(e.clone());
        }
        match self.expr(&c.expr, out) {
            // An integer cast to a float is a constant (a place cast to a float is one too:
            // its tokens ask rustc that it holds no float).
            Val::Opaque(inner) => {
                let ty = &c.ty;
                let cast: Expr = if same(&inner, &c.expr) {
                    e.clone()
                } else {
                    syn::parse_quote!((#inner) as #ty)
                };
                let op = self.operand(Val::Opaque(cast), e.span(), out);
                Val::Float(op)
            }
            Val::Place(_) => {
                let op = self.operand(Val::Opaque(e.clone()), e.span(), out);
                Val::Float(op)
            }
            v => v,
        }
    }

    fn method_call(&mut self, e: &Expr, m: &syn::ExprMethodCall, out: &mut Block) -> Val {
        let chain = if self.chain_root_is_value(e) {
            None
        } else {
            self.desugar_chain(e)
        };
        match chain {
            Some(Ok(block)) => return self.expr(&block, out),
            Some(Err((span, message))) => {
                self.cx.error_at(span, message);
                return Val::Never;
            }
            None => {}
        }
        let name = m.method.to_string();
        // `T::from(2.0 * PI).unwrap()`: a constant of the float type, its argument never a
        // differentiable call. Its tokens record their float reads, so converting a float that
        // carries a gradient is refused (`analyse::activity::check_opaque_reads`).
        if (name == "unwrap" || name == "expect") && self.converts_to_float(&m.receiver) {
            let op = self.operand(Val::Opaque(e.clone()), e.span(), out);
            return Val::Float(op);
        }
        if name == "unwrap" {
            if let Expr::MethodCall(inner) = &*m.receiver {
                if inner.method == "mean" {
                    let v = self.expr(&m.receiver, out);
                    if matches!(v, Val::Float(_)) {
                        return v;
                    }
                }
            }
        }
        let receiver = match self.expr(&m.receiver, out) {
            Val::Place(p) => match Self::place_method(e, m, &p) {
                Some(val) => return val,
                // `pose.r.transpose()`: a field of a nalgebra or ndarray type, read whole.
                None if crate::symbol::tensor::VALUE_METHODS.contains(&name.as_str()) => {
                    let v = self.place_value(p, m.receiver.span(), out);
                    return self.tensor_method(e, m, v, out);
                }
                None if !is_float_method(&name) => return self.method_as_call(e, m, &p, out),
                None => Val::Float(self.place_read(p, m.receiver.span(), out)),
            },
            v => v,
        };
        match receiver {
            Val::Array(r) => self.array_method(e, m, r, out),
            Val::Opaque(_) => {
                if STEP_METHODS.contains(&name.as_str()) || CUT_METHODS.contains(&name.as_str()) {
                    return Val::Opaque(e.clone());
                }
                for arg in &m.args {
                    if !matches!(self.expr(arg, out), Val::Opaque(_)) {
                        self.cx.error_spanned_by(
                            arg,
                            format!("the gradient cannot flow through `{name}`, a method of a value that is not a float; pass `stop_gradient(...)` if no gradient should flow here, or compute with float arithmetic and float methods"),
                        );
                    }
                }
                Val::Opaque(e.clone())
            }
            Val::Never => Val::Never,
            Val::Place(_) => unreachable!("read above"),
            Val::Struct(_) => self.unsupported(
                e,
                "methods of a struct built in this function are not supported; use its fields",
            ),
            Val::Tuple(_) => {
                self.unsupported(e, "methods on tuples are not supported; take a field first")
            }
            Val::Float(Operand::Slot(s)) if self.slots[s.0].ty == SlotTy::Value => {
                self.tensor_method(e, m, Operand::Slot(s), out)
            }
            Val::Float(recv) => {
                if let Some(prim) = symbol::method(&name) {
                    if m.args.len() + 1 != prim.arity {
                        return self.unsupported(
                            e,
                            &format!("`{name}` takes {} argument(s)", prim.arity - 1),
                        );
                    }
                    let mut args = vec![recv];
                    for (i, arg) in m.args.iter().enumerate() {
                        args.push(self.prim_arg(prim, i + 1, arg, out));
                    }
                    self.prim(prim, args, e.span(), out)
                } else if STEP_METHODS.contains(&name.as_str()) {
                    // Piecewise constant: the derivative is zero almost everywhere.
                    let op = self.operand(Val::Opaque(e.clone()), e.span(), out);
                    Val::Float(op)
                } else if IDENTITY_METHODS.contains(&name.as_str()) && m.args.is_empty() {
                    Val::Float(recv)
                } else if CUT_METHODS.contains(&name.as_str()) {
                    Val::Opaque(e.clone())
                } else {
                    self.cx.error_spanned_by(
                        &m.method,
                        format!(
                            "`{name}` is not a float method the transform can differentiate; write it with the supported ones ({}), or cut the gradient with `stop_gradient(...)`",
                            symbol::known_methods()
                        ),
                    );
                    Val::Never
                }
            }
        }
    }

    /// Operand `index` of `prim`, written `arg`: a float, or an `i32` for `powi`.
    fn prim_arg(
        &mut self,
        prim: &'static Prim,
        index: usize,
        arg: &Expr,
        out: &mut Block,
    ) -> Operand {
        if prim.int_args.contains(&index) {
            return self.int_operand(arg, out);
        }
        let v = self.expr(arg, out);
        self.operand(v, arg.span(), out)
    }

    /// An integer operand, materialised into an `i32` slot unless it is a literal.
    pub(super) fn int_operand(&mut self, arg: &Expr, out: &mut Block) -> Operand {
        if let Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) = arg
        {
            return Operand::Lit(i.to_token_stream());
        }
        if let Expr::Unary(syn::ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) = arg
        {
            if let Expr::Lit(syn::ExprLit {
                lit: Lit::Int(i), ..
            }) = &**expr
            {
                return Operand::Lit(quote!(-#i));
            }
        }
        let v = self.expr(arg, out);
        if !matches!(v, Val::Opaque(_)) {
            self.cx
                .error_spanned_by(arg, "this argument must be an integer (`i32`)");
        }
        let tokens = self.opaque_tokens(arg);
        let t = self.temp(SlotTy::I32);
        self.assign(out, t, Op::Const(tokens), vec![], true, arg.span());
        Operand::Slot(t)
    }

    fn call(&mut self, e: &Expr, c: &syn::ExprCall, out: &mut Block) -> Val {
        if let Expr::Path(p) = &*c.func {
            if let Some(Binding::Closure(def)) = p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.to_string()))
                .cloned()
            {
                let args: Vec<&Expr> = c.args.iter().collect();
                return self.call_closure(e, &def, &args, out);
            }
        }
        if let Some(v) = self.tensor_constructor(e, c, out) {
            return v;
        }
        let Expr::Path(func) = &*c.func else {
            return self.all_opaque(
                e,
                c.args.iter(),
                out,
                "calls through expressions are not supported in a #[differentiable] function",
            );
        };
        let last = func
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let PathKind {
            qualifier_is_float,
            runtime_path,
        } = self.path_kind(&func.path);

        if let Some(conversion) = self.conversion(func) {
            // `f64::from(i)`, `T::from_usize(n)`, `NumCast::from(c)`: ordinary code, never a
            // differentiable call, whose float reads are recorded (and refused when they carry
            // a gradient) as in any opaque code.
            return match conversion {
                Conversion::Float => {
                    let op = self.operand(Val::Opaque(e.clone()), e.span(), out);
                    Val::Float(op)
                }
                Conversion::Option | Conversion::Other => Val::Opaque(e.clone()),
            };
        }
        if last == "stop_gradient" && runtime_path && c.args.len() == 1 {
            // The value, with no gradient through it.
            let arg = &c.args[0];
            let tokens = self.opaque_cut(arg);
            let t = self.temp(SlotTy::Float);
            self.assign(out, t, Op::Const(tokens), vec![], true, e.span());
            return Val::Float(Operand::Slot(t));
        }
        if runtime_path && last == "softmax" && c.args.len() == 1 {
            return self.softmax(e, &c.args[0], out);
        }
        if runtime_path {
            if let Some(prim) = symbol::slice_function(&last) {
                let args: Vec<&Expr> = c.args.iter().collect();
                return self.slice_call(e, prim, &args, out);
            }
        }
        let prim = if qualifier_is_float {
            symbol::method(&last)
        } else if runtime_path {
            symbol::free_function(&last)
        } else {
            None
        };
        if let Some(prim) = prim {
            if c.args.len() != prim.arity {
                return self.unsupported(e, &format!("`{last}` takes {} argument(s)", prim.arity));
            }
            let mut args = Vec::new();
            for (i, arg) in c.args.iter().enumerate() {
                args.push(self.prim_arg(prim, i, arg, out));
            }
            return self.prim(prim, args, e.span(), out);
        }
        if qualifier_is_float
            && (STEP_METHODS.contains(&last.as_str())
                || symbol::FLOAT_CONSTANTS.contains(&last.as_str()))
        {
            // `x.floor()` in path form, or a constant of the float type (`T::zero()`).
            let op = self.operand(Val::Opaque(e.clone()), e.span(), out);
            return Val::Float(op);
        }
        // Any other function: ordinary code on non-float arguments, a differentiable call
        // when a float or an array goes in.
        let args: Vec<&Expr> = c.args.iter().collect();
        if let Some(val) = self.differentiable_call(e, func, &args, out) {
            return val;
        }
        Val::Opaque(e.clone())
    }

    /// Whether `op` is a literal or a constant just materialised (`stop_gradient(x)`,
    /// `i as f64`): a value that carries no gradient by construction.
    pub(super) fn is_constant(&self, op: &Operand, out: &Block) -> bool {
        match op {
            Operand::Lit(_) => true,
            Operand::Slot(s) => matches!(
                out.last(),
                Some(crate::ir::Stmt::Assign(a)) if a.dst == *s && matches!(a.op, Op::Const(_))
            ),
        }
    }

    /// Whether `e` is a conversion to the function's float type `F` that gives an
    /// `Option<F>`: `F::from(..)`, `F::from_f64(..)` and the other `FromPrimitive` methods,
    /// `NumCast::from(..)`, `<F as NumCast>::from(..)`, `num_traits::cast(..)`.
    fn converts_to_float(&self, e: &Expr) -> bool {
        let Expr::Call(c) = e else { return false };
        let Expr::Path(p) = &*c.func else {
            return false;
        };
        // Followed by `.unwrap()`, a bare `cast(..)` is num-traits' (it gives an `Option`).
        let bare_cast =
            p.qself.is_none() && p.path.segments.len() == 1 && p.path.segments[0].ident == "cast";
        bare_cast || matches!(self.conversion(p), Some(Conversion::Option))
    }

    /// What the call of `func` gives when it is a conversion of a number to a float (see
    /// [`Conversion`]), None when it is not one.
    fn conversion(&self, func: &syn::ExprPath) -> Option<Conversion> {
        let segments: Vec<String> = func
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let last = segments.last()?.as_str();
        let float = quote::ToTokens::to_token_stream(&self.f.float.ty()).to_string();
        let generics = crate::parse::signature::generic_floats(&self.f.item.sig);
        let is_float =
            |name: &str| name == "f64" || name == "f32" || generics.iter().any(|g| *g == name);
        let is_from = last == "from"
            || last
                .strip_prefix("from_")
                .is_some_and(|t| PRIMITIVE_NUMBERS.contains(&t));
        // The type converted to, when the path names it, and whether the conversion is
        // `From`'s (a value) rather than `NumCast`'s or `FromPrimitive`'s (an `Option`).
        let (target, from_trait) = if let Some(qself) = &func.qself {
            // `<T as NumCast>::from`, `<f64 as From<i32>>::from`.
            let ty = quote::ToTokens::to_token_stream(&qself.ty).to_string();
            let trait_name = segments.len().checked_sub(2).map(|i| segments[i].as_str());
            if !is_from || !is_float(&ty) {
                return None;
            }
            (Some(ty), trait_name == Some("From"))
        } else if last == "cast" {
            // `num_traits::cast(c)`, `num_traits::cast::cast(c)`.
            if segments.first().map(String::as_str) != Some("num_traits") {
                return None;
            }
            (None, false)
        } else {
            let qualifier = segments
                .len()
                .checked_sub(2)
                .map(|i| segments[i].as_str())?;
            if !is_from {
                return None;
            }
            if qualifier == "NumCast" || qualifier == "FromPrimitive" {
                (None, false)
            } else if is_float(qualifier) {
                // `f64::from` is `From`'s; a generic float's `T::from` is `NumCast`'s.
                let concrete = qualifier == "f64" || qualifier == "f32";
                (Some(qualifier.to_string()), concrete && last == "from")
            } else {
                return None;
            }
        };
        let of_float_type = target.is_none_or(|t| t == float);
        Some(match (of_float_type, from_trait) {
            (true, true) => Conversion::Float,
            (true, false) => Conversion::Option,
            (false, _) => Conversion::Other,
        })
    }

    /// Tokens of `e` evaluated as a constant: every float read in it is a deliberate cut.
    fn opaque_cut(&mut self, e: &Expr) -> proc_macro2::TokenStream {
        let before = (self.opaque_reads.len(), self.opaque_array_reads.len());
        let tokens = self.opaque_tokens(e);
        self.opaque_reads.truncate(before.0);
        self.opaque_array_reads.truncate(before.1);
        tokens
    }
}

/// A conversion of a number to a float: a constant of the function's float type, never a
/// differentiable call.
enum Conversion {
    /// `From`'s, to the function's float type (`f64::from(i)`): the float itself.
    Float,
    /// To the function's float type or one inference picks, as an `Option` (`T::from(c)`,
    /// `T::from_usize(n)`, `NumCast::from(c)`, `num_traits::cast(c)`): the float once unwrapped.
    Option,
    /// To another float type: ordinary code.
    Other,
}

/// The number types of `FromPrimitive`'s methods (`from_f64`, `from_usize`, ...).
const PRIMITIVE_NUMBERS: &[&str] = &[
    "f64", "f32", "usize", "isize", "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64",
    "u128",
];

fn binding_val(b: &Binding, e: &Expr) -> Val {
    match b {
        Binding::Float(s) => Val::Float(Operand::Slot(*s)),
        Binding::Array(r) => Val::Array(r.clone()),
        Binding::Tuple(parts) => Val::Tuple(parts.iter().map(|p| binding_val(p, e)).collect()),
        // By its emitted name: a tuple's non-float part has no name of the user's.
        Binding::Opaque(name) => {
            let name = syn::Ident::new(&name.to_string(), e.span());
            Val::Opaque(syn::parse_quote!(#name))
        }
        Binding::Place(p) => Val::Place(p.clone()),
        Binding::Struct(sb) => Val::Struct(super::structs::StructVal {
            path: sb.path.clone(),
            fields: sb
                .fields
                .iter()
                .map(|(m, b)| (m.clone(), binding_val(b, e)))
                .collect(),
        }),
        Binding::Error | Binding::Closure(_) => Val::Never,
    }
}

/// Whether the opaque value `v` is the expression `e` as written (nothing was computed for
/// it), so a parent may keep its own tokens.
fn same(v: &Expr, e: &Expr) -> bool {
    v.to_token_stream().to_string() == e.to_token_stream().to_string()
}

/// Whether `name` is a method the transform knows on floats.
fn is_float_method(name: &str) -> bool {
    symbol::method(name).is_some()
        || STEP_METHODS.contains(&name)
        || IDENTITY_METHODS.contains(&name)
        || CUT_METHODS.contains(&name)
}

fn is_assign_op(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

pub(super) fn is_side_effect_macro(mac: &syn::Macro) -> bool {
    // `assert!`, or `::core::assert!` / `std::assert!`.
    let segments: Vec<String> = mac
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let name = match &segments[..] {
        [name] => name,
        [krate, name] if krate == "core" || krate == "std" => name,
        _ => return false,
    };
    SIDE_EFFECT_MACROS.iter().any(|m| name == m)
}

/// Whether `path` names an associated or module constant of `f64` or `f32`
/// (`f64::NEG_INFINITY`, `f32::EPSILON`, `std::f64::consts::PI`).
fn float_constant(path: &syn::Path) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let Some((last, qualifier)) = segments.split_last() else {
        return false;
    };
    let uppercase = last
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let float = |s: &String| s == "f64" || s == "f32";
    // Not `f64::DIGITS`, `f64::MAX_EXP` and the like, which are integers.
    const FLOAT_VALUED: &[&str] = &[
        "INFINITY",
        "NEG_INFINITY",
        "NAN",
        "MAX",
        "MIN",
        "MIN_POSITIVE",
        "EPSILON",
    ];
    uppercase
        && match qualifier {
            [ty] => float(ty) && FLOAT_VALUED.contains(&last.as_str()),
            [.., ty, consts] => float(ty) && consts == "consts",
            _ => false,
        }
}
