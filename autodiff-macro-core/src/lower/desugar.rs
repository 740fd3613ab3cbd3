//! Forms of Rust written as others the lowering already takes, rewritten in syntax before
//! they are lowered: `if let`, `while let` and `let ... else` as `match`es on the same
//! (non-float) value, with the same bindings, the same arms and the same exits.

use syn::{parse_quote, Expr, Pat};

/// `if let P = e { A } else { B }` as `match e { P => { A } _ => B }` (`_ => {}` without an
/// `else`); None when the condition is not a `let`.
pub(super) fn if_let(i: &syn::ExprIf) -> Option<syn::ExprMatch> {
    let Expr::Let(l) = &*i.cond else {
        return None;
    };
    let (pat, scrutinee, then) = (&l.pat, &l.expr, &i.then_branch);
    let els: Expr = match &i.else_branch {
        Some((_, e)) => (**e).clone(),
        None => parse_quote!({}),
    };
    syn::parse2(quote::quote! {
        match #scrutinee {
            #pat => #then,
            _ => #els,
        }
    })
    .ok()
}

/// `'l: while let P = e { body }` as `'l: loop { match e { P => { body } _ => break 'l } }`
/// (the label kept, so that the `break` leaves this loop); None when the condition is not a
/// `let`.
pub(super) fn while_let(w: &syn::ExprWhile) -> Option<syn::ExprLoop> {
    let Expr::Let(l) = &*w.cond else {
        return None;
    };
    let (pat, scrutinee, body) = (&l.pat, &l.expr, &w.body);
    let label = match &w.label {
        Some(label) => label.name.clone(),
        None => parse_quote!('__while_let),
    };
    syn::parse2(quote::quote! {
        #label: loop {
            match #scrutinee {
                #pat => #body,
                _ => break #label,
            }
        }
    })
    .ok()
}

/// The statements of a block with its first `let P = e else { D };` and the statements after
/// it as `match e { P => { <the statements after it> } _ => D }`, the block's tail: the
/// bindings of `P` are in scope where they were, and the block's value is the arm's. None
/// when the block has no `let ... else`, or when the rewrite does not parse (it always
/// does: each part is the user's).
pub(super) fn let_else(stmts: &[syn::Stmt]) -> Option<Vec<syn::Stmt>> {
    let i = stmts.iter().position(|s| {
        matches!(s, syn::Stmt::Local(l) if l.init.as_ref().is_some_and(|i| i.diverge.is_some()))
    })?;
    let syn::Stmt::Local(local) = &stmts[i] else {
        return None;
    };
    let init = local.init.as_ref()?;
    let (_, diverge) = init.diverge.as_ref()?;
    let pat = match &local.pat {
        Pat::Type(t) => &*t.pat,
        p => p,
    };
    let (scrutinee, rest) = (&init.expr, &stmts[i + 1..]);
    let m: Expr = syn::parse2(quote::quote! {
        match #scrutinee {
            #pat => { #(#rest)* }
            _ => #diverge,
        }
    })
    .ok()?;
    let mut out = stmts[..i].to_vec();
    out.push(syn::Stmt::Expr(m, None));
    Some(out)
}
