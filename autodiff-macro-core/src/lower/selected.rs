//! Loops that keep the running minimum or maximum of a value computed in each iteration,
//! differentiated through the iteration that wins, and no other:
//!
//! ```text
//! for c in centroids.iter() {            let mut best = NaN; let mut lo = 0; let mut n = 0;
//!     let mut d = 0.0;                   for c in centroids.iter() {      // the plain pass
//!     for (&a, &b) in p.iter().zip(c) {      let mut d = 0.0; for .. { d += .. }
//!         d += (a - b) * (a - b);   →        lo = if (d < best) | best.is_nan() { n } else { lo };
//!     }                                      best = best.min(d); n += 1;
//!     m = m.min(d);                      }
//! }                                      let hi = if best.is_nan() { lo } else { lo + 1 };
//!                                        for w in lo..hi {                  // the winner
//!                                            let c = &centroids[w];
//!                                            let mut d = 0.0; for .. { d += .. }
//!                                            m = m.min(d);
//!                                        }
//! ```
//!
//! The loop's value is `m` folded with `min` over every iteration's value, which `min` takes
//! past NaNs; that is `m.min(value of the winner)`, the same float. Its derivative is the
//! winner's: a loser's value reaches `m` through no `min`. So the loop runs once as plain
//! code, and only the winner's iteration is recorded and reversed: a nearest-centroid cost
//! (`kmeans`) records one distance per point instead of `k`, and its reverse sweep and
//! `_hvp` touch one centroid per point. At a tie between iterations the first one wins
//! (`min_by` and `argmin` in NumPy do the same); the derivative is not defined there.
//!
//! The branch that keeps the winner's index too, `if d < best { best = d; j = i; }` (`<` or
//! `>`, plain assignments only), is the same loop: its assignments happen last in the
//! iteration where the extremum is first reached, which is the winner, so the winner's
//! iteration run alone leaves every name as the loop does.
//!
//! The rewrite applies when nothing else of the iteration outlives it: the body's other
//! statements write only names they declare, take no `&mut` and call no mutating method of
//! an outer value, and neither exit the loop nor read `m`. Otherwise the loop is lowered as
//! written, which is correct and slower.

use super::opaque::collect_pat_idents;
use super::running::{ident_of, plain};
use super::{Binding, Lowerer};
use crate::ir::Block;
use quote::quote;
use std::collections::HashSet;
use syn::visit::Visit;
use syn::{parse_quote, Expr, Pat};

impl Lowerer<'_> {
    /// Lowers `f` as its plain pass and the winner's iteration, and answers true; false
    /// (and nothing lowered) for a loop the rewrite does not apply to.
    pub(super) fn selected_extremum(&mut self, f: &syn::ExprForLoop, out: &mut Block) -> bool {
        // The winner's loop this rewrite wrote, met again.
        let from = match &*f.expr {
            Expr::Range(r) => r.start.as_deref().and_then(ident_of),
            _ => None,
        };
        if matches!((&self.chosen_loop, from), (Some(lo), Some(from)) if from == lo) {
            self.chosen_loop = None;
            return false;
        }
        let Some((last, stmts)) = f.body.stmts.split_last() else {
            return false;
        };
        let Some(update) = self.update(last) else {
            return false;
        };
        if !matches!(self.lookup(&update.acc.to_string()), Some(Binding::Float(s)) if self.slots[s.0].ty == crate::ir::SlotTy::Float)
        {
            return false;
        }
        let (value, is_max) = (update.value, update.is_max);
        let mut forbidden = update.outer;
        forbidden.push(update.acc);
        if f.label.is_some() || !iteration_is_local(stmts, &value, &update.also, &forbidden) {
            return false;
        }
        let Some(source) = Source::of(&f.pat, &f.expr) else {
            return false;
        };
        // An array of floats (a slice, a `Vec`, rows of one), which `v[w]` indexes as the loop
        // walked it: not other code's collections, nor an ndarray or nalgebra value, whose
        // `iter` walks every element of every row.
        if let Source::Array { array, .. } = &source {
            if !matches!(self.lookup(&array.to_string()), Some(Binding::Array(_))) {
                return false;
            }
        }
        let float = self.f.float.ty();
        let nan = match &self.f.float {
            crate::parse::FloatTy::Generic(t) => quote!(#t::nan()),
            _ => quote!(#float::NAN),
        };
        let [best, lo, hi, e, n, w] =
            ["__best", "__lo", "__hi", "__e", "__n", "__w"].map(|b| self.namer.fresh(b));
        let (better, fold) = if is_max {
            (quote!(#e > #best), quote!(max))
        } else {
            (quote!(#e < #best), quote!(min))
        };
        let (pat, iter) = (&f.pat, &f.expr);
        let (key, start, count, step) = match &source {
            Source::Range(i, start) => (quote!(#i), quote!(#start), quote!(), quote!()),
            Source::Array { .. } => (
                quote!(#n),
                quote!(0usize),
                quote!(let mut #n: usize = 0;),
                quote!(#n += 1;),
            ),
        };
        let (bound, binds) = match &source {
            Source::Range(i, _) => (i.clone(), Vec::new()),
            Source::Array { .. } => (w.clone(), source.binds(&w)),
        };
        // The plain pass is ordinary code that no output depends on but through the
        // integers `lo` and `hi`, so activity analysis leaves it without adjoint or record.
        // It is branch-free, as the loop's own `min` is: `lo` moves where the value strictly
        // improves on the best so far, or on NaN, the start, which `min` passes over. Then a
        // loop of one iteration (none if every value is NaN), which the reverse sweep replays
        // as any counted loop.
        let rewritten: Expr = parse_quote!({
            let mut #best: #float = #nan;
            let mut #lo = #start;
            #count
            for #pat in #iter {
                #(#stmts)*
                let #e: #float = #value;
                #lo = if (#better) | #best.is_nan() { #key } else { #lo };
                #best = #best.#fold(#e);
                #step
            }
            let #hi = if #best.is_nan() { #lo } else { #lo + 1 };
            for #bound in #lo..#hi {
                #(#binds)*
                #(#stmts)*
                #last
            }
        });
        self.chosen_loop = Some(lo.to_string());
        // The body is lowered twice: every name it binds gets a fresh name each time, as in
        // an inlined closure, so that no two slots share one.
        self.inlining += 1;
        self.stmt_expr(&rewritten, out);
        self.inlining -= 1;
        true
    }

    /// The loop's last statement as an update of a running extremum: `m = m.min(E);` (or
    /// the forms of [`extremum_operand`](Self::extremum_operand)), or `if E < m { m = E; j =
    /// i; }` with `<` or `>` and only plain assignments in the branch, which happen last in
    /// the iteration where the extremum is first reached.
    fn update(&self, last: &syn::Stmt) -> Option<Update> {
        match last {
            syn::Stmt::Expr(Expr::Assign(assign), _) => {
                let acc = ident_of(&assign.left)?;
                let (value, is_max) = self.extremum_operand(&assign.right, &acc)?;
                Some(Update {
                    acc,
                    value,
                    is_max,
                    outer: Vec::new(),
                    also: Vec::new(),
                })
            }
            syn::Stmt::Expr(Expr::If(i), _) if i.else_branch.is_none() => {
                let mut cond = &*i.cond;
                while let Expr::Paren(p) = cond {
                    cond = &p.expr;
                }
                let Expr::Binary(b) = cond else { return None };
                let less = match b.op {
                    syn::BinOp::Lt(_) => true,
                    syn::BinOp::Gt(_) => false,
                    _ => return None,
                };
                // `E < m` keeps a minimum, `m < E` a maximum: `m` is the side the branch
                // assigns the other to.
                let sides = [
                    (ident_of(&b.right), &*b.left, !less),
                    (ident_of(&b.left), &*b.right, less),
                ];
                sides.into_iter().find_map(|(acc, value, is_max)| {
                    let acc = acc?;
                    if mentions(value, &acc) {
                        return None;
                    }
                    let (outer, also) = branch_assignments(&i.then_branch, &acc, value)?;
                    Some(Update {
                        acc,
                        value: value.clone(),
                        is_max,
                        outer,
                        also,
                    })
                })
            }
            _ => None,
        }
    }

    /// `(E, is_max)` for `acc.min(E)`, `E.min(acc)`, `f64::min(acc, E)`, `min(acc, E)` (or
    /// `max`), with `E` not reading `acc`.
    fn extremum_operand(&self, rhs: &Expr, acc: &syn::Ident) -> Option<(Expr, bool)> {
        let (name, a, b) = match rhs {
            Expr::MethodCall(m) if m.args.len() == 1 => {
                (m.method.to_string(), &*m.receiver, &m.args[0])
            }
            Expr::Call(c) if c.args.len() == 2 => {
                let Expr::Path(p) = &*c.func else { return None };
                let kind = self.path_kind(&p.path);
                if !kind.qualifier_is_float && !kind.runtime_path {
                    return None;
                }
                (
                    p.path.segments.last()?.ident.to_string(),
                    &c.args[0],
                    &c.args[1],
                )
            }
            _ => return None,
        };
        let is_max = match name.as_str() {
            "max" => true,
            "min" => false,
            _ => return None,
        };
        let value = match (ident_of(a), ident_of(b)) {
            (Some(x), _) if x == *acc => b,
            (_, Some(x)) if x == *acc => a,
            _ => return None,
        };
        (!mentions(value, acc)).then(|| (value.clone(), is_max))
    }
}

/// The names a branch `{ acc = value; j = i; .. }` assigns besides `acc`, and their values;
/// `None` unless it is plain assignments only, one of them `acc = value` and no name twice.
fn branch_assignments(
    then: &syn::Block,
    acc: &syn::Ident,
    value: &Expr,
) -> Option<(Vec<syn::Ident>, Vec<Expr>)> {
    let written = quote!(#value).to_string();
    let (mut outer, mut also, mut writes_acc) = (Vec::new(), Vec::new(), false);
    for s in &then.stmts {
        let syn::Stmt::Expr(Expr::Assign(a), Some(_)) = s else {
            return None;
        };
        let target = ident_of(&a.left)?;
        let right = &a.right;
        if target == *acc && !writes_acc && quote!(#right).to_string() == written {
            writes_acc = true;
        } else if target == *acc || outer.contains(&target) {
            return None;
        } else {
            outer.push(target);
            also.push((**right).clone());
        }
    }
    writes_acc.then_some((outer, also))
}

/// The update that ends the loop's body.
struct Update {
    /// The running extremum.
    acc: syn::Ident,
    /// The value each iteration offers it.
    value: Expr,
    is_max: bool,
    /// Names declared outside the loop that the branch form also assigns (`j = i`), and
    /// what it assigns them.
    outer: Vec<syn::Ident>,
    also: Vec<Expr>,
}

/// What the loop walks, and how the winner's iteration binds its pattern again.
enum Source {
    /// `for i in a..b`: the winner is `i` itself; `a` starts the search.
    Range(syn::Ident, Expr),
    /// `for x in v.iter()` and the like: the winner is an index into `v`.
    Array {
        array: syn::Ident,
        /// The pattern's names and whether each takes the element (`&x`, or `x` of
        /// `copied`) or a reference to it (`x` of `iter`).
        element: Element,
        /// The index's name, for `enumerate`.
        index: Option<syn::Ident>,
    },
}

enum Element {
    Value(syn::Ident),
    Ref(syn::Ident),
}

impl Source {
    fn of(pat: &Pat, iter: &Expr) -> Option<Source> {
        if let Expr::Range(r) = iter {
            let Pat::Ident(i) = pat else { return None };
            let half_open = matches!(r.limits, syn::RangeLimits::HalfOpen(_));
            let (Some(start), Some(_)) = (&r.start, &r.end) else {
                return None;
            };
            return (half_open && plain(i))
                .then(|| Source::Range(i.ident.clone(), (**start).clone()));
        }
        let (iter, pat, index) = match (iter, pat) {
            (Expr::MethodCall(m), Pat::Tuple(t))
                if m.method == "enumerate" && m.args.is_empty() && t.elems.len() == 2 =>
            {
                let Pat::Ident(j) = &t.elems[0] else {
                    return None;
                };
                if !plain(j) {
                    return None;
                }
                (&*m.receiver, &t.elems[1], Some(j.ident.clone()))
            }
            _ => (iter, pat, None),
        };
        let (array, by_ref) = match iter {
            Expr::MethodCall(m) if m.args.is_empty() && m.method == "iter" => {
                (ident_of(&m.receiver)?, true)
            }
            Expr::MethodCall(m) if m.args.is_empty() && m.method == "copied" => {
                let Expr::MethodCall(inner) = &*m.receiver else {
                    return None;
                };
                if inner.method != "iter" || !inner.args.is_empty() {
                    return None;
                }
                (ident_of(&inner.receiver)?, false)
            }
            Expr::Reference(r) if r.mutability.is_none() => (ident_of(&r.expr)?, true),
            _ => return None,
        };
        let element = match (pat, by_ref) {
            (Pat::Reference(r), true) if r.mutability.is_none() => match &*r.pat {
                Pat::Ident(x) if plain(x) => Element::Value(x.ident.clone()),
                _ => return None,
            },
            (Pat::Ident(x), true) if plain(x) => Element::Ref(x.ident.clone()),
            (Pat::Ident(x), false) if plain(x) => Element::Value(x.ident.clone()),
            _ => return None,
        };
        Some(Source::Array {
            array,
            element,
            index,
        })
    }

    /// The winner's pattern bound again from its index `w`.
    fn binds(&self, w: &syn::Ident) -> Vec<syn::Stmt> {
        let Source::Array {
            array,
            element,
            index,
        } = self
        else {
            return Vec::new();
        };
        let mut binds: Vec<syn::Stmt> = Vec::new();
        if let Some(j) = index {
            binds.push(parse_quote!(let #j = #w;));
        }
        binds.push(match element {
            Element::Value(x) => parse_quote!(let #x = #array[#w];),
            Element::Ref(x) => parse_quote!(let #x = &#array[#w];),
        });
        binds
    }
}

/// Whether the statements and the values write only names they declare themselves, take
/// no `&mut`, call no mutating method, run no macro, neither leave the loop nor mention a
/// `forbidden` name (the running extremum, what the branch form also assigns).
fn iteration_is_local(
    stmts: &[syn::Stmt],
    value: &Expr,
    also: &[Expr],
    forbidden: &[syn::Ident],
) -> bool {
    let mut check = Local {
        forbidden,
        scopes: vec![HashSet::new()],
        loops: 0,
        ok: true,
    };
    for s in stmts {
        check.visit_stmt(s);
    }
    check.visit_expr(value);
    for e in also {
        check.visit_expr(e);
    }
    check.ok
}

/// Methods that write their receiver, refused on a value the iteration did not declare.
const MUTATING: &[&str] = &[
    "push",
    "pop",
    "insert",
    "remove",
    "clear",
    "extend",
    "append",
    "truncate",
    "resize",
    "retain",
    "drain",
    "swap",
    "sort",
    "sort_by",
    "sort_unstable",
    "sort_unstable_by",
    "reverse",
    "fill",
    "copy_from_slice",
    "clone_from_slice",
    "iter_mut",
    "get_mut",
    "as_mut",
    "as_mut_slice",
    "last_mut",
    "first_mut",
    "set",
    "replace",
    "take",
];

struct Local<'a> {
    forbidden: &'a [syn::Ident],
    scopes: Vec<HashSet<String>>,
    loops: usize,
    ok: bool,
}

impl Local<'_> {
    fn declared(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.contains(name))
    }

    fn declare(&mut self, pat: &Pat) {
        let scope = self.scopes.last_mut().expect("a scope is open");
        collect_pat_idents(pat, scope);
    }

    /// The target of an assignment must be rooted in a name the iteration declared.
    fn target(&mut self, e: &Expr) {
        let mut root = e;
        loop {
            root = match root {
                Expr::Index(i) => {
                    self.visit_expr(&i.index);
                    &i.expr
                }
                Expr::Field(f) => &f.base,
                Expr::Paren(p) => &p.expr,
                Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &u.expr,
                _ => break,
            };
        }
        match ident_of(root) {
            Some(name) if !self.forbidden.contains(&name) && self.declared(&name.to_string()) => {}
            _ => self.ok = false,
        }
    }
}

impl<'ast> Visit<'ast> for Local<'_> {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.scopes.push(HashSet::new());
        for s in &b.stmts {
            self.visit_stmt(s);
        }
        self.scopes.pop();
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.declare(&l.pat);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.scopes.push(HashSet::new());
        self.declare(&f.pat);
        self.loops += 1;
        self.visit_block(&f.body);
        self.loops -= 1;
        self.scopes.pop();
        self.ok &= f.label.is_none();
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.visit_expr(&w.cond);
        self.loops += 1;
        self.visit_block(&w.body);
        self.loops -= 1;
        self.ok &= w.label.is_none();
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.loops += 1;
        self.visit_block(&l.body);
        self.loops -= 1;
        self.ok &= l.label.is_none();
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.scopes.push(HashSet::new());
        for p in &c.inputs {
            self.declare(p);
        }
        // A closure's own `return` leaves only the closure.
        let loops = std::mem::replace(&mut self.loops, 1);
        self.visit_expr(&c.body);
        self.loops = loops;
        self.scopes.pop();
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        self.target(&a.left);
        self.visit_expr(&a.right);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if is_compound_assign(&b.op) {
            self.target(&b.left);
        } else {
            self.visit_expr(&b.left);
        }
        self.visit_expr(&b.right);
    }

    fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
        self.ok &= r.mutability.is_none();
        self.visit_expr(&r.expr);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if MUTATING.iter().any(|n| m.method == n) {
            let mut root = &*m.receiver;
            while let Expr::Field(f) = root {
                root = &f.base;
            }
            self.ok &= ident_of(root).is_some_and(|n| self.declared(&n.to_string()));
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        self.ok &= self.loops > 0 && b.label.is_none();
        syn::visit::visit_expr_break(self, b);
    }

    fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
        self.ok &= self.loops > 0 && c.label.is_none();
    }

    fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
        self.ok = false;
    }

    fn visit_expr_try(&mut self, _: &'ast syn::ExprTry) {
        self.ok = false;
    }

    fn visit_macro(&mut self, _: &'ast syn::Macro) {
        self.ok = false;
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        self.ok = false;
    }

    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        self.ok &= !self.forbidden.contains(i);
    }
}

fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Whether `e` names `x` anywhere.
fn mentions(e: &Expr, x: &syn::Ident) -> bool {
    struct Finds<'a>(&'a syn::Ident, bool);
    impl<'ast> Visit<'ast> for Finds<'_> {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.1 |= i == self.0;
        }
    }
    let mut f = Finds(x, false);
    f.visit_expr(e);
    f.1
}
