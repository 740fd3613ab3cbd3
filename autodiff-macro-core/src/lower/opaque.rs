//! Non-float code: rewritten to the slots' names and checked for reads that would lose a
//! gradient.
//!
//! Opaque code runs as written in the forward sweep, so the only rewriting it needs is of
//! names: a binding the lowering renamed (`y` bound twice becomes `y_1`) must be referred to
//! by its new name. The check is the fence that keeps gradients from being lost silently: a
//! float variable read inside non-float code is fine where the read cannot carry a gradient
//! by design (a comparison, a cast to an integer, `is_nan()`, `floor()`, a printing macro);
//! any other read is recorded, and `analyse` rejects it if the variable carries a gradient.

use super::{Binding, Lowerer};
use crate::ir::SlotId;
use crate::parse::signature::scalar_float;
use crate::symbol::{CUT_METHODS, STEP_METHODS};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::HashSet;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{BinOp, Expr, Ident, Pat};

impl Lowerer<'_> {
    /// The forward-sweep tokens of the non-float expression `e`.
    pub(super) fn opaque_tokens(&mut self, e: &Expr) -> TokenStream {
        let mut e = e.clone();
        self.rename(|r| r.visit_expr_mut(&mut e));
        e.into_token_stream()
    }

    /// The tokens of a macro that only prints or checks, its identifiers renamed.
    pub(super) fn opaque_macro(&mut self, mac: &syn::Macro) -> TokenStream {
        let mut mac = mac.clone();
        self.rename(|r| {
            r.cut += 1;
            mac.tokens = r.rename_macro(&mac.path, mac.tokens.clone());
            r.cut -= 1;
        });
        mac.into_token_stream()
    }

    /// Binds every name of `pat` as a non-float binding and returns `pat` with them renamed.
    pub(super) fn opaque_pat(&mut self, pat: &Pat) -> Pat {
        let mut pat = pat.clone();
        let mut binder = Binder { lw: self };
        binder.visit_pat_mut(&mut pat);
        pat
    }

    fn rename(&mut self, f: impl FnOnce(&mut Renamer)) {
        let mut r = Renamer {
            lw: self,
            shadows: Vec::new(),
            cut: 0,
            reads: Vec::new(),
            array_reads: Vec::new(),
        };
        f(&mut r);
        let (reads, array_reads) = (r.reads, r.array_reads);
        self.opaque_reads.extend(reads);
        self.opaque_array_reads.extend(array_reads);
    }
}

struct Binder<'a, 'b> {
    lw: &'a mut Lowerer<'b>,
}

impl VisitMut for Binder<'_, '_> {
    fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
        let new = self.lw.local_name(&p.ident);
        self.lw.bind(&p.ident, Binding::Opaque(new.clone()));
        p.ident = new;
        visit_mut::visit_pat_ident_mut(self, p);
    }

    fn visit_expr_mut(&mut self, _: &mut Expr) {
        // Expressions inside patterns (consts, ranges) bind nothing.
    }
}

struct Renamer<'a, 'b> {
    lw: &'a Lowerer<'b>,
    /// Names bound inside the opaque code itself (closure parameters, inner `let`s).
    shadows: Vec<HashSet<String>>,
    /// Depth of enclosing gradient cuts.
    cut: usize,
    reads: Vec<(SlotId, Span)>,
    array_reads: Vec<(crate::ir::ArrayId, Span)>,
}

impl Renamer<'_, '_> {
    fn resolve(&self, ident: &Ident) -> Option<&Binding> {
        let name = ident.to_string();
        if self.shadows.iter().any(|s| s.contains(&name)) {
            return None;
        }
        self.lw.lookup(&name)
    }

    /// The new identifier for a reference to `ident`, recording float reads.
    fn rename_ident(&mut self, ident: &Ident) -> Option<Ident> {
        let binding = self.resolve(ident)?.clone();
        match binding {
            Binding::Float(slot) => {
                if self.cut == 0 {
                    self.reads.push((slot, ident.span()));
                }
                Some(Ident::new(
                    &self.lw.slots[slot.0].name.to_string(),
                    ident.span(),
                ))
            }
            Binding::Opaque(new) => Some(Ident::new(&new.to_string(), ident.span())),
            // The parameter itself keeps its name; a name bound to a place inside it is
            // spelled out where it is used (`place_chain`).
            Binding::Place(_) => None,
            Binding::Closure(_) => {
                self.lw.cx.error_at(ident.span(), format!(
                    "`{ident}` is a closure, which code the transform does not differentiate cannot use; call it in float code (`{ident}(x)`), or pass it to an iterator adapter over floats"
                ));
                None
            }
            // Not a value here: it was taken apart into its fields.
            Binding::Struct(_) => {
                self.lw.cx.error_at(ident.span(), format!(
                    "`{ident}` is a struct built in this function, which code the transform does not differentiate cannot use whole; use its fields (`{ident}.x`)"
                ));
                None
            }
            Binding::Array(r) => {
                if self.cut == 0 {
                    self.array_reads.push((r.array, ident.span()));
                }
                Some(Ident::new(
                    &self.lw.arrays[r.array.0].name.to_string(),
                    ident.span(),
                ))
            }
            Binding::Error => None,
            Binding::Tuple(parts) => {
                if self.cut == 0 {
                    let mut slots = Vec::new();
                    flatten(&parts, &mut slots);
                    self.reads
                        .extend(slots.into_iter().map(|s| (s, ident.span())));
                }
                None
            }
        }
    }

    fn rename_tokens(&mut self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|tt| match tt {
                TokenTree::Ident(i) => match self.resolve(&i) {
                    Some(Binding::Place(p)) => {
                        let place = self.lw.place_tokens(p);
                        TokenTree::Group(proc_macro2::Group::new(
                            proc_macro2::Delimiter::Parenthesis,
                            place,
                        ))
                    }
                    _ => TokenTree::Ident(self.rename_ident(&i).unwrap_or(i)),
                },
                TokenTree::Group(g) => {
                    let mut ng =
                        proc_macro2::Group::new(g.delimiter(), self.rename_tokens(g.stream()));
                    ng.set_span(g.span());
                    TokenTree::Group(ng)
                }
                other => other,
            })
            .collect()
    }

    // Input:  println!("{y} {x:.2}", y = 1)        (`x` bound twice, this one renamed `x_1`)
    // Output: println!("{y} {x:.2}", y = 1, x = x_1)
    /// The tokens of the printing or assertion macro `path!(tokens)`, renamed: the names its
    /// format string captures (`{x}`, `{x:?}`, `{:w$}`) that the lowering renamed, or that are
    /// floats or arrays, become explicit named arguments, since a name inside the string
    /// literal cannot be renamed in place. The names of explicit named arguments (`y = ..`)
    /// are the macro's, not bindings: they are kept.
    fn rename_macro(&mut self, path: &syn::Path, tokens: TokenStream) -> TokenStream {
        let Some(format_at) = format_string_index(path) else {
            return self.rename_tokens(tokens);
        };
        let args = split_args(tokens);
        let trailing_comma = args.last().is_some_and(|a| a.is_empty()) && args.len() > 1;
        let mut named = HashSet::new();
        let mut out: Vec<TokenStream> = Vec::new();
        for (k, arg) in args.iter().enumerate() {
            match &arg[..] {
                [TokenTree::Ident(name), TokenTree::Punct(eq), rest @ ..]
                    if k > format_at
                        && eq.as_char() == '='
                        && eq.spacing() == proc_macro2::Spacing::Alone
                        && !rest.is_empty() =>
                {
                    named.insert(name.to_string());
                    let value = self.rename_tokens(rest.iter().cloned().collect());
                    out.push(quote::quote!(#name #eq #value));
                }
                _ => out.push(self.rename_tokens(arg.iter().cloned().collect())),
            }
        }
        if trailing_comma {
            out.pop();
        }
        let literal = match args.get(format_at).map(|a| &a[..]) {
            Some([TokenTree::Literal(l)]) => syn::parse2::<syn::LitStr>(l.to_token_stream()).ok(),
            _ => None,
        };
        if let Some(literal) = literal {
            for name in format_captures(&literal.value()) {
                if !named.insert(name.clone()) {
                    continue;
                }
                let ident = Ident::new(&name, literal.span());
                let renamed = match self.resolve(&ident) {
                    Some(Binding::Float(_) | Binding::Array(_)) => true,
                    Some(Binding::Opaque(new)) => *new != name,
                    _ => false,
                };
                if renamed {
                    let mut value: Expr = syn::parse_quote!(#ident);
                    self.visit_expr_mut(&mut value);
                    out.push(quote::quote!(#ident = #value));
                }
            }
        }
        let mut tokens = TokenStream::new();
        for (k, arg) in out.into_iter().enumerate() {
            if k > 0 {
                tokens.extend(quote::quote!(,));
            }
            tokens.extend(arg);
        }
        if trailing_comma {
            tokens.extend(quote::quote!(,));
        }
        tokens
    }

    fn with_cut(&mut self, f: impl FnOnce(&mut Self)) {
        self.cut += 1;
        f(self);
        self.cut -= 1;
    }

    fn shadow_pat(&mut self, pat: &Pat) {
        let mut names = HashSet::new();
        collect_pat_idents(pat, &mut names);
        self.shadows
            .last_mut()
            .expect("a shadow frame is open")
            .extend(names);
    }
}

fn flatten(parts: &[Binding], out: &mut Vec<SlotId>) {
    for p in parts {
        match p {
            Binding::Float(s) => out.push(*s),
            Binding::Tuple(inner) => flatten(inner, out),
            Binding::Struct(sb) => {
                let inner: Vec<Binding> = sb.fields.iter().map(|(_, b)| b.clone()).collect();
                flatten(&inner, out)
            }
            Binding::Opaque(_)
            | Binding::Place(_)
            | Binding::Error
            | Binding::Array(_)
            | Binding::Closure(_) => {}
        }
    }
}

/// Every name `pat` binds, into `out`.
pub(super) fn collect_pat_idents(pat: &Pat, out: &mut HashSet<String>) {
    struct C<'a>(&'a mut HashSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for C<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.insert(p.ident.to_string());
        }
    }
    syn::visit::Visit::visit_pat(&mut C(out), pat);
}

fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq(_) | BinOp::Ne(_) | BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_)
    )
}

impl Renamer<'_, '_> {
    /// `p.x` for `p` a struct built in the body: the name of the field's binding, and its slot
    /// when it is a float.
    fn struct_field(&self, f: &syn::ExprField) -> Option<(String, Option<SlotId>)> {
        let Expr::Path(base) = &*f.base else {
            return None;
        };
        let Some(Binding::Struct(sb)) = base.path.get_ident().and_then(|i| self.resolve(i)) else {
            return None;
        };
        let name = crate::ir::member_name(&f.member);
        let (_, b) = sb
            .fields
            .iter()
            .find(|(m, _)| crate::ir::member_name(m) == name)?;
        match b {
            Binding::Float(slot) => Some((self.lw.slots[slot.0].name.to_string(), Some(*slot))),
            Binding::Opaque(new) => Some((new.to_string(), None)),
            _ => None,
        }
    }

    /// When `e` is a place inside a parameter of a `Differentiable` type (`m.hidden`,
    /// `p.w[i]`): spells it out from the parameter (names bound to places become the place)
    /// and renames its indices; false when it is not one.
    fn place_chain(&mut self, e: &mut Expr) -> bool {
        match e {
            Expr::Path(p) if p.qself.is_none() => {
                let Some(Binding::Place(place)) = p.path.get_ident().and_then(|i| self.resolve(i))
                else {
                    return false;
                };
                let tokens = self.lw.place_tokens(place);
                *e = syn::parse_quote!(#tokens);
                true
            }
            Expr::Field(f) => self.place_chain(&mut f.base),
            Expr::Paren(p) => self.place_chain(&mut p.expr),
            Expr::Index(i) => {
                if !self.place_chain(&mut i.expr) {
                    return false;
                }
                self.visit_expr_mut(&mut i.index);
                true
            }
            _ => false,
        }
    }

    /// Whether `e`, under any number of `*`, names a float binding.
    fn derefs_a_float(&self, e: &Expr) -> bool {
        match e {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.derefs_a_float(&u.expr),
            Expr::Paren(p) => self.derefs_a_float(&p.expr),
            Expr::Path(p) => matches!(
                p.path.get_ident().and_then(|i| self.resolve(i)),
                Some(Binding::Float(_))
            ),
            _ => false,
        }
    }

    /// A place read by non-float code: rustc must find that it holds no float
    /// (`NoGradient`), unless the read cuts the gradient on purpose (a comparison, a cast to
    /// an integer, a printing macro).
    fn read_place(&mut self, e: &mut Expr) -> bool {
        if !self.place_chain(e) {
            return false;
        }
        if self.cut == 0 {
            *e = syn::parse_quote!((*::autodiff::__private::no_gradient(&#e)));
        }
        true
    }
}

impl VisitMut for Renamer<'_, '_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if matches!(e, Expr::Path(_) | Expr::Field(_) | Expr::Index(_)) && self.read_place(e) {
            return;
        }
        // The shape of an ndarray or nalgebra value (`x.nrows()`) carries no gradient.
        if let Expr::MethodCall(m) = e {
            let value = match &*m.receiver {
                Expr::Path(p) => p.path.get_ident().and_then(|i| self.resolve(i)).is_some_and(
                    |b| matches!(b, Binding::Float(s) if self.lw.slots[s.0].ty == crate::ir::SlotTy::Value),
                ),
                _ => false,
            };
            if value && super::tensor::SHAPE_METHODS.contains(&m.method.to_string().as_str()) {
                return self.with_cut(|r| visit_mut::visit_expr_mut(r, e));
            }
        }
        // `*x`, `**x` of a float: a float binding is a value here, never a reference.
        if let Expr::Unary(u) = e {
            if matches!(u.op, syn::UnOp::Deref(_)) && self.derefs_a_float(&u.expr) {
                let mut inner = (*u.expr).clone();
                while let Expr::Unary(syn::ExprUnary {
                    op: syn::UnOp::Deref(_),
                    expr,
                    ..
                }) = inner
                {
                    inner = *expr;
                }
                *e = inner;
                self.visit_expr_mut(e);
                return;
            }
        }
        // The length of a place inside a parameter holds no float (`place_chain` changes
        // nothing when it answers false).
        if let Expr::MethodCall(m) = e {
            if (m.method == "len" || m.method == "is_empty")
                && m.args.is_empty()
                && self.place_chain(&mut m.receiver)
            {
                return;
            }
        }
        match e {
            Expr::Path(p)
                if p.qself.is_none()
                    && matches!(p.path.get_ident().and_then(|i| self.resolve(i)), Some(Binding::Array(r)) if !r.index.is_empty()) =>
            {
                let Some(Binding::Array(r)) =
                    p.path.get_ident().and_then(|i| self.resolve(i)).cloned()
                else {
                    return;
                };
                if self.cut == 0 {
                    self.array_reads.push((r.array, p.span()));
                }
                let tokens = self.lw.array_tokens(&r);
                *e = syn::parse_quote!((#tokens));
            }
            Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                let ident = p.path.get_ident().expect("checked").clone();
                if let Some(new) = self.rename_ident(&ident) {
                    p.path.segments[0].ident = new;
                }
            }
            Expr::Field(f) if self.struct_field(f).is_some() => {
                let (name, slot) = self.struct_field(f).expect("checked");
                if let (Some(slot), 0) = (slot, self.cut) {
                    self.reads.push((slot, f.span()));
                }
                let name = Ident::new(&name, f.span());
                *e = syn::parse_quote!(#name);
            }
            Expr::Field(f) => {
                if let (Expr::Path(base), syn::Member::Unnamed(index)) = (&*f.base, &f.member) {
                    if let Some(Binding::Tuple(parts)) =
                        base.path.get_ident().and_then(|i| self.resolve(i))
                    {
                        let name = match parts.get(index.index as usize) {
                            Some(Binding::Float(slot)) => {
                                let slot = *slot;
                                if self.cut == 0 {
                                    self.reads.push((slot, f.span()));
                                }
                                Some(self.lw.slots[slot.0].name.to_string())
                            }
                            Some(Binding::Opaque(new)) => Some(new.to_string()),
                            _ => None,
                        };
                        if let Some(name) = name {
                            let name = Ident::new(&name, f.span());
                            *e = syn::parse_quote!(#name);
                            return;
                        }
                    }
                }
                visit_mut::visit_expr_mut(self, e);
            }
            Expr::Binary(b) if is_comparison(&b.op) => {
                self.with_cut(|r| visit_mut::visit_expr_mut(r, e))
            }
            Expr::Cast(c)
                if scalar_float(&c.ty, &[]).is_none() && !is_generic_float(self.lw, &c.ty) =>
            {
                self.with_cut(|r| visit_mut::visit_expr_mut(r, e))
            }
            Expr::MethodCall(m)
                if CUT_METHODS
                    .iter()
                    .chain(STEP_METHODS)
                    .any(|n| m.method == n) =>
            {
                self.with_cut(|r| visit_mut::visit_expr_mut(r, e))
            }
            Expr::Call(c) if is_stop_gradient(&c.func) => {
                self.with_cut(|r| visit_mut::visit_expr_mut(r, e))
            }
            Expr::Macro(m) => {
                let tokens = m.mac.tokens.clone();
                let path = m.mac.path.clone();
                self.with_cut(|r| m.mac.tokens = r.rename_macro(&path, tokens));
            }
            Expr::Closure(c) => {
                self.shadows.push(HashSet::new());
                for input in &c.inputs {
                    self.shadow_pat(input);
                }
                self.visit_expr_mut(&mut c.body);
                self.shadows.pop();
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                self.shadows.push(HashSet::new());
                self.shadow_pat(&f.pat);
                self.visit_block_mut(&mut f.body);
                self.shadows.pop();
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        self.shadows.push(HashSet::new());
        for stmt in &mut b.stmts {
            self.visit_stmt_mut(stmt);
            if let syn::Stmt::Local(local) = stmt {
                self.shadow_pat(&local.pat);
            }
        }
        self.shadows.pop();
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        // The pattern binds (handled by the block); only the initialiser reads.
        if let Some(init) = &mut local.init {
            self.visit_expr_mut(&mut init.expr);
            if let Some((_, diverge)) = &mut init.diverge {
                self.visit_expr_mut(diverge);
            }
        }
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        self.shadows.push(HashSet::new());
        self.shadow_pat(&arm.pat);
        if let Pat::Guard(g) = &mut arm.pat {
            self.visit_expr_mut(&mut g.guard);
        }
        self.visit_expr_mut(&mut arm.body);
        self.shadows.pop();
    }

    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        let tokens = m.tokens.clone();
        let path = m.path.clone();
        self.with_cut(|r| m.tokens = r.rename_macro(&path, tokens));
    }
}

/// Which argument of the printing or assertion macro `path!` is its format string.
fn format_string_index(path: &syn::Path) -> Option<usize> {
    let name = path.segments.last()?.ident.to_string();
    if !crate::symbol::SIDE_EFFECT_MACROS.contains(&name.as_str()) {
        return None;
    }
    match name.as_str() {
        "println" | "print" | "eprintln" | "eprint" | "format" | "panic" | "unreachable"
        | "todo" | "unimplemented" => Some(0),
        "write" | "writeln" | "assert" | "debug_assert" => Some(1),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => Some(2),
        _ => None,
    }
}

/// The macro's arguments: its tokens split at the commas outside groups (a trailing comma
/// leaves an empty last argument).
fn split_args(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut args = vec![Vec::new()];
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => args.push(Vec::new()),
            _ => args.last_mut().expect("one argument at least").push(tt),
        }
    }
    if args.len() == 1 && args[0].is_empty() {
        args.clear();
    }
    args
}

/// The names a format string captures, each once, in order: `{x}`, `{x:?}`, `{x:.3}`, and
/// widths and precisions `{:w$}`, `{:.p$}`; not `{{` escapes, `{}` or `{0}`.
fn format_captures(format: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        let is_ident = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && name != "_";
        if is_ident && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    let mut rest = format;
    while let Some(open) = rest.find(['{', '}']) {
        let after = &rest[open + 1..];
        if rest[open..].starts_with("{{") || rest[open..].starts_with("}}") {
            rest = &after[1..];
            continue;
        }
        if rest[open..].starts_with('}') {
            rest = after;
            continue;
        }
        let Some(close) = after.find('}') else { break };
        let inner = &after[..close];
        let (arg, spec) = inner.split_once(':').unwrap_or((inner, ""));
        push(arg.trim());
        // `name$` in the spec: a width or precision argument.
        let mut word = String::new();
        for c in spec.chars() {
            if c.is_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                if c == '$' {
                    push(&word);
                }
                word.clear();
            }
        }
        rest = &after[close + 1..];
    }
    names
}

fn is_stop_gradient(func: &Expr) -> bool {
    matches!(func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "stop_gradient"))
}

fn is_generic_float(lw: &Lowerer, ty: &syn::Type) -> bool {
    let float = lw.float_ty();
    ty.to_token_stream().to_string() == float.to_token_stream().to_string()
}
