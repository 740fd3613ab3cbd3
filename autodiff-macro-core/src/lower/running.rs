//! Loops and folds that only keep a running maximum or minimum of an array's elements,
//! rewritten in syntax as one reduction before they are lowered:
//!
//! ```text
//! for &x in v.iter() { m = m.max(x); }              →   m = m.max(fold_max(&v));
//! for i in 0..v.len() { m = f64::min(m, v[i]); }    →   m = f64::min(m, fold_min(&v));
//! v.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x))  →   f64::NEG_INFINITY.max(fold_max(&v))
//! v.iter().copied().fold(s, f64::max)               →   f64::max(s, fold_max(&v))
//! ```
//!
//! `fold_max` is `F::max` folded over `v` from NaN, which `F::max` passes over, so the
//! rewritten form has the loop's value for every start and every `v` (empty, or holding
//! NaNs). Lowered as a loop, each step would record the value it overwrites and its reverse
//! would route the cotangent back one step at a time; as a reduction, nothing is recorded and
//! `rules::fold_max` routes it to the extremum in one pass (log-sum-exp's gradient 1.45×
//! faster). The cotangent of ties is split equally among them, as `rules::max_of` does; the
//! loop would have halved it at each tie.

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
        let (array, element) = match (&*f.pat, &*f.expr) {
            (Pat::Ident(i), Expr::Range(r)) if plain(i) => {
                let array = zero_to_len(r)?;
                (array.clone(), Element::Index(array, i.ident.clone()))
            }
            (pat, source) => {
                let (array, by_ref) = source_array(source)?;
                (array, Element::Name(element_name(pat, by_ref)?))
            }
        };
        let right = self.extremum_of(&assign.right, &acc, &element, &array)?;
        let left = &assign.left;
        Some(parse_quote!(#left = #right))
    }

    /// `init.max(fold_max(&v))` for `v.iter().fold(init, |m, &x| m.max(x))` (or `min`, the
    /// forms of [`running_extremum`](Self::running_extremum), `v.iter().copied()` with `|m,
    /// x|`, or a path such as `f64::max` for the closure). None for any other `fold`.
    pub(super) fn fold_extremum(&self, m: &syn::ExprMethodCall) -> Option<Expr> {
        if m.method != "fold" || m.args.len() != 2 {
            return None;
        }
        let (array, by_ref) = source_array(&m.receiver)?;
        // The start as a float of the function's type (`f64::NEG_INFINITY` is one).
        let init = &m.args[0];
        let float = self.f.float.ty();
        match &m.args[1] {
            Expr::Closure(c) if c.inputs.len() == 2 && c.asyncness.is_none() => {
                let Pat::Ident(acc) = &c.inputs[0] else {
                    return None;
                };
                let element = Element::Name(element_name(&c.inputs[1], by_ref)?);
                if !plain(acc) {
                    return None;
                }
                // The closure's body with the accumulator's value as its name.
                let body = strip_braces(&c.body)?;
                let acc_name = &acc.ident;
                let folded = self.extremum_of(body, acc_name, &element, &array)?;
                Some(parse_quote!({ let #acc_name: #float = #init; #folded }))
            }
            Expr::Path(p) if !by_ref => {
                let kind = self.path_kind(&p.path);
                if !kind.qualifier_is_float {
                    return None;
                }
                let fold = fold_of(&p.path.segments.last()?.ident.to_string())?;
                let fold = syn::Ident::new(fold, proc_macro2::Span::call_site());
                Some(parse_quote!({ let __start: #float = #init; #p(__start, #fold(&#array)) }))
            }
            _ => None,
        }
    }

    /// `e`, a `max` or `min` of the accumulator `acc` and the element, with the element
    /// replaced by the fold of `array`.
    fn extremum_of(
        &self,
        e: &Expr,
        acc: &syn::Ident,
        element: &Element,
        array: &syn::Ident,
    ) -> Option<Expr> {
        // A whole array or a row, not a sub-slice bound to a name (`let s = &w[..4];`):
        // `_hvp` of a reduction over a sub-slice does not compile yet (docs/difftest.md).
        if array == acc
            || !matches!(self.lookup(&array.to_string()), Some(Binding::Array(r)) if !r.view)
        {
            return None;
        }
        let mut e = e.clone();
        let (fold, operands): (&str, Vec<&mut Expr>) = match &mut e {
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
            (Some(x), _) if x == *acc && element.is(b) => b,
            (_, Some(x)) if x == *acc && element.is(a) => a,
            _ => return None,
        };
        let fold = syn::Ident::new(fold, proc_macro2::Span::call_site());
        *slot = parse_quote!(#fold(&#array));
        Some(e)
    }
}

/// How the body names the element: a pattern's name, or `v[i]` over `0..v.len()`.
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

/// The array an iterator walks, and whether it yields references: `v.iter()` and `v` do,
/// `v.iter().copied()` and `v.iter().cloned()` do not.
fn source_array(e: &Expr) -> Option<(syn::Ident, bool)> {
    match e {
        Expr::MethodCall(m) if m.args.is_empty() && m.method == "iter" => {
            Some((ident_of(&m.receiver)?, true))
        }
        Expr::MethodCall(m)
            if m.args.is_empty() && (m.method == "copied" || m.method == "cloned") =>
        {
            let (array, by_ref) = source_array(&m.receiver)?;
            by_ref.then_some((array, false))
        }
        e => Some((ident_of(e)?, true)),
    }
}

/// The name a pattern binds the element to: `&x` for references, `x` for values.
fn element_name(pat: &Pat, by_ref: bool) -> Option<syn::Ident> {
    let pat = match (pat, by_ref) {
        (Pat::Reference(r), true) if r.mutability.is_none() => &*r.pat,
        (pat, false) => pat,
        _ => return None,
    };
    match pat {
        Pat::Ident(x) if plain(x) => Some(x.ident.clone()),
        _ => None,
    }
}

/// `v` for the range `0..v.len()`.
fn zero_to_len(r: &syn::ExprRange) -> Option<syn::Ident> {
    let zero = matches!(r.start.as_deref(), Some(Expr::Lit(l))
        if matches!(&l.lit, syn::Lit::Int(n) if n.base10_digits() == "0"));
    if !zero || !matches!(r.limits, syn::RangeLimits::HalfOpen(_)) {
        return None;
    }
    match r.end.as_deref()? {
        Expr::MethodCall(len) if len.method == "len" && len.args.is_empty() => {
            ident_of(&len.receiver)
        }
        _ => None,
    }
}

/// A closure's body without the braces of a block of one expression.
fn strip_braces(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::Block(b) if b.label.is_none() => match b.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, None)] => strip_braces(e),
            _ => None,
        },
        Expr::Paren(p) => strip_braces(&p.expr),
        e => Some(e),
    }
}

/// A binding by plain name: no `mut`, `ref` or sub-pattern.
pub(super) fn plain(p: &syn::PatIdent) -> bool {
    p.mutability.is_none() && p.by_ref.is_none() && p.subpat.is_none()
}

/// The single identifier `e` is, through parentheses.
pub(super) fn ident_of(e: &Expr) -> Option<syn::Ident> {
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
