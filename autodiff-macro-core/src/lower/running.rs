//! Loops that only keep a running maximum or minimum of an array's elements, rewritten in
//! syntax as one reduction before they are lowered:
//!
//! ```text
//! for &x in v.iter() { m = m.max(x); }      →   m = m.max(fold_max(&v));
//! for i in 0..v.len() { m = f64::min(m, v[i]); }  →   m = f64::min(m, fold_min(&v));
//! ```
//!
//! `fold_max` is `F::max` folded over `v` from NaN, which `F::max` passes over, so the
//! rewritten statement has the loop's value for every `m` and every `v` (empty, or holding
//! NaNs). Lowered as a loop, each step would record the `m` it overwrites and its reverse
//! would route the cotangent back one step at a time; as a reduction, nothing is recorded
//! and `rules::fold_max` routes it to the largest element in one pass (log-sum-exp's `max`,
//! 1.5× faster for its gradient). The cotangent of ties is split equally among them, as
//! `rules::max_of` does; the loop would have halved it at each tie.

use super::{Binding, Lowerer};
use syn::{parse_quote, Expr, Pat};

impl Lowerer<'_> {
    /// `m = m.max(fold_max(&v));` for a `for` loop whose whole body is `m = m.max(x);` (or
    /// `min`, `x.max(m)`, `f64::max(m, x)`, `max(m, x)`) over the elements `x` of an array
    /// `v`: `for &x in v.iter()`, `for &x in v`, `for x in v.iter().copied()`, or
    /// `for i in 0..v.len()` with `x` written `v[i]`. None for any other loop.
    pub(super) fn running_extremum(&self, f: &syn::ExprForLoop) -> Option<Expr> {
        let [stmt] = f.body.stmts.as_slice() else {
            return None;
        };
        let syn::Stmt::Expr(Expr::Assign(assign), _) = stmt else {
            return None;
        };
        let acc = ident_of(&assign.left)?;
        if !matches!(self.lookup(&acc.to_string()), Some(Binding::Float(_))) {
            return None;
        }
        let (array, element) = loop_elements(f)?;
        if array == acc || !matches!(self.lookup(&array.to_string()), Some(Binding::Array(_))) {
            return None;
        }
        let mut right = (*assign.right).clone();
        let (fold, operands): (&str, Vec<&mut Expr>) = match &mut right {
            Expr::MethodCall(m) if m.args.len() == 1 => {
                let fold = fold_of(&m.method.to_string())?;
                let arg = m.args.first_mut()?;
                (fold, vec![&mut *m.receiver, arg])
            }
            Expr::Call(c) if c.args.len() == 2 => {
                let Expr::Path(p) = &*c.func else { return None };
                let kind = self.path_kind(&p.path);
                if !kind.qualifier_is_float && !kind.runtime_path {
                    return None;
                }
                let fold = fold_of(&p.path.segments.last()?.ident.to_string())?;
                (fold, c.args.iter_mut().collect())
            }
            _ => return None,
        };
        // One operand is the accumulator, the other the element.
        let [a, b] = <[&mut Expr; 2]>::try_from(operands).ok()?;
        let slot = match (ident_of(a), ident_of(b)) {
            (Some(x), _) if x == acc && element.is(b) => b,
            (_, Some(x)) if x == acc && element.is(a) => a,
            _ => return None,
        };
        let fold = syn::Ident::new(fold, proc_macro2::Span::call_site());
        *slot = parse_quote!(#fold(&#array));
        let left = &assign.left;
        Some(parse_quote!(#left = #right))
    }
}

/// The element a loop reads: its pattern's name, or `v[i]` over `0..v.len()`.
enum Element {
    Name(syn::Ident),
    Index(syn::Ident, syn::Ident),
}

impl Element {
    fn is(&self, e: &Expr) -> bool {
        match (self, e) {
            (Element::Name(n), e) => ident_of(e).is_some_and(|x| x == *n),
            (Element::Index(v, i), Expr::Index(ix)) => {
                ident_of(&ix.expr).is_some_and(|x| x == *v)
                    && ident_of(&ix.index).is_some_and(|x| x == *i)
            }
            _ => false,
        }
    }
}

/// The array a `for` loop walks and how its body names the element.
fn loop_elements(f: &syn::ExprForLoop) -> Option<(syn::Ident, Element)> {
    match (&*f.pat, &*f.expr) {
        // `for &x in v.iter()`, `for &x in v`
        (Pat::Reference(r), source) if r.mutability.is_none() => {
            let Pat::Ident(x) = &*r.pat else { return None };
            let array = match source {
                Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => {
                    ident_of(&m.receiver)?
                }
                source => ident_of(source)?,
            };
            plain(x).then(|| (array, Element::Name(x.ident.clone())))
        }
        // `for x in v.iter().copied()`
        (Pat::Ident(x), Expr::MethodCall(m))
            if plain(x) && m.args.is_empty() && (m.method == "copied" || m.method == "cloned") =>
        {
            let Expr::MethodCall(iter) = &*m.receiver else {
                return None;
            };
            if iter.method != "iter" || !iter.args.is_empty() {
                return None;
            }
            Some((ident_of(&iter.receiver)?, Element::Name(x.ident.clone())))
        }
        // `for i in 0..v.len()`
        (Pat::Ident(i), Expr::Range(r)) if plain(i) => {
            let start = r.start.as_deref()?;
            if !matches!(start, Expr::Lit(l) if matches!(&l.lit, syn::Lit::Int(n) if n.base10_digits() == "0"))
                || !matches!(r.limits, syn::RangeLimits::HalfOpen(_))
            {
                return None;
            }
            let Expr::MethodCall(len) = r.end.as_deref()? else {
                return None;
            };
            if len.method != "len" || !len.args.is_empty() {
                return None;
            }
            let array = ident_of(&len.receiver)?;
            Some((array.clone(), Element::Index(array, i.ident.clone())))
        }
        _ => None,
    }
}

/// A binding by plain name: no `mut`, `ref` or sub-pattern.
fn plain(p: &syn::PatIdent) -> bool {
    p.mutability.is_none() && p.by_ref.is_none() && p.subpat.is_none()
}

/// The single identifier `e` is, through parentheses.
fn ident_of(e: &Expr) -> Option<syn::Ident> {
    match e {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().cloned(),
        Expr::Paren(p) => ident_of(&p.expr),
        _ => None,
    }
}

/// The runtime fold a method or function name takes.
fn fold_of(name: &str) -> Option<&'static str> {
    match name {
        "max" => Some("fold_max"),
        "min" => Some("fold_min"),
        _ => None,
    }
}
