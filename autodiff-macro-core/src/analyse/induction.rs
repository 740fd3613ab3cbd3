//! Induction variables: integers a loop steps by one each iteration.
//!
//! In `for j in i + 1..d { .. icf[base + l] ..; l += 1; }` the integer `l` is not the loop's
//! counter, but it is as predictable: in iteration `k` it holds its value at the loop's entry
//! plus `k`, until the increment. The reverse sweep can compute it like the counter (from one
//! value kept per run of the loop) and replay what depends on it (`recompute.rs`), instead of
//! recording every index built from it. Compilers call these basic induction variables.
//!
//! A name `v` is one for a loop when, in the loop's body:
//!
//! - a top-level statement is exactly `v += 1;`, and nothing before it can leave the
//!   iteration (so every iteration but the last, which may break, runs it);
//! - no other code names `v` except to read it (no assignment, no `mut`, no block, no
//!   pattern binding it, no `let` shadowing it).
//!
//! Only what precedes the increment sees the value the reverse sweep computes.

use crate::ir::walk::for_each_stmt;
use crate::ir::{Block, LoopKind, Op, Stmt};
use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};

/// The induction variables of a loop body, each with the position of its increment.
pub fn of(body: &Block) -> Vec<(Ident, usize)> {
    body.iter()
        .enumerate()
        .filter_map(|(at, stmt)| match stmt {
            Stmt::Opaque(tokens) => increment(tokens).map(|v| (v, at)),
            _ => None,
        })
        .filter(|(v, at)| {
            !body[..*at].iter().any(crate::ir::walk::contains_exit)
                && only_read_elsewhere(body, v, *at)
        })
        .collect()
}

/// `v` of a statement `v += 1;`.
fn increment(tokens: &TokenStream) -> Option<Ident> {
    let syn::Stmt::Expr(syn::Expr::Binary(b), Some(_)) = syn::parse2(tokens.clone()).ok()? else {
        return None;
    };
    let one = matches!(&*b.right, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })
        if i.base10_digits() == "1");
    match (&b.op, &*b.left) {
        (syn::BinOp::AddAssign(_), syn::Expr::Path(p)) if one && p.qself.is_none() => {
            p.path.get_ident().cloned()
        }
        _ => None,
    }
}

/// Whether every statement of `body` but the increment at `at` names `v` only to read it.
fn only_read_elsewhere(body: &Block, v: &Ident, at: usize) -> bool {
    let mut ok = true;
    for (k, stmt) in body.iter().enumerate() {
        if k == at {
            continue;
        }
        for_each_stmt(std::slice::from_ref(stmt), &mut |s| {
            ok &= match s {
                Stmt::Opaque(tokens) => !names(tokens, v),
                Stmt::Assign(a) => match &a.op {
                    Op::Const(tokens) => reads_at_most(tokens, v),
                    _ => true,
                },
                Stmt::If(i) => reads_at_most(&i.cond, v),
                Stmt::Match(m) => {
                    reads_at_most(&m.scrutinee, v) && m.arms.iter().all(|a| !names(&a.pat, v))
                }
                Stmt::Loop(l) => match &l.kind {
                    LoopKind::For { pat, iter } => !names(pat, v) && reads_at_most(iter, v),
                    LoopKind::While { cond } => reads_at_most(cond, v),
                    LoopKind::Loop => true,
                },
                Stmt::ArrayInit(i) => reads_at_most(&i.init, v),
                Stmt::Call(c) => c.args.iter().all(|arg| match arg {
                    crate::ir::CallArg::Stable(tokens) => reads_at_most(tokens, v),
                    _ => true,
                }),
                _ => true,
            };
        });
    }
    ok
}

/// Whether `tokens` name `ident`, at any depth.
pub fn names(tokens: &TokenStream, ident: &Ident) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == *ident,
        TokenTree::Group(g) => names(&g.stream(), ident),
        _ => false,
    })
}

/// Whether `tokens` leave `v` unchanged: they do not name it, or they have no `=` (of any
/// compound assignment), `mut`, `let` or block that could change or shadow it.
fn reads_at_most(tokens: &TokenStream, v: &Ident) -> bool {
    fn harmless(tokens: TokenStream) -> bool {
        tokens.into_iter().all(|tt| match tt {
            TokenTree::Punct(p) => p.as_char() != '=',
            TokenTree::Ident(i) => i != "mut" && i != "let",
            TokenTree::Group(g) => g.delimiter() != Delimiter::Brace && harmless(g.stream()),
            TokenTree::Literal(_) => true,
        })
    }
    !names(tokens, v) || harmless(tokens.clone())
}
