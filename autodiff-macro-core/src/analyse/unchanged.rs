//! What the reverse sweep of a statement sees exactly as its forward sweep saw it, beyond the
//! parameters: the names and arrays a loop's replay (`recompute.rs`) may read.
//!
//! The reverse sweep runs the top-level statements backwards, after the whole forward sweep.
//! So when it reaches the top-level statement at position `p`:
//!
//! - an array no statement at or after `p` writes holds what it held when `p` ran forward
//!   (`vec![..]` buffers filled by earlier loops, like ADBench GMM's `Qdiags`);
//! - an immutable `let` at the top level before `p`, which nothing else binds, still names the
//!   same value (`let icf_sz = d * (d + 1) / 2;`). With a `return` in the body the forward
//!   sweep sits in a labelled block of its own, so its `let`s are out of the reverse sweep's
//!   scope: then there are none.

use super::for_each_stmt;
use crate::ir::{Body, ExitKind, LoopKind, Stmt};
use crate::parse::Function;
use proc_macro2::{TokenStream, TokenTree};
use std::collections::{HashMap, HashSet};

/// For the top-level statement at position `p`: `written[p][array]`, whether a statement at
/// or after `p` writes the array.
pub fn written_from(body: &Body) -> Vec<Vec<bool>> {
    let mut last = vec![None::<usize>; body.arrays.len()];
    for (p, stmt) in body.block.iter().enumerate() {
        for_each_stmt(std::slice::from_ref(stmt), &mut |s| {
            if let Some(a) = super::array_written(s) {
                last[a.0] = Some(p);
            }
        });
    }
    (0..body.block.len())
        .map(|p| last.iter().map(|w| w.is_some_and(|w| w >= p)).collect())
        .collect()
}

/// For the top-level statement at position `p`: the names of the immutable top-level `let`s
/// before it that nothing else in the function binds.
pub fn lets_before(f: &Function, body: &Body) -> Vec<HashSet<String>> {
    let has_return = {
        let mut found = false;
        for_each_stmt(&body.block, &mut |s| {
            found |= matches!(s, Stmt::Exit(e) if e.kind == ExitKind::Return);
        });
        found
    };
    let bindings = bindings(f, body);
    let mut names = HashSet::new();
    let mut out = Vec::with_capacity(body.block.len());
    for stmt in &body.block {
        out.push(names.clone());
        if let Stmt::Opaque(tokens) = stmt {
            if let Some(name) = immutable_let(tokens) {
                if !has_return && bindings.get(&name) == Some(&1) {
                    names.insert(name);
                }
            }
        }
    }
    out
}

/// The name `let name = ..;` binds, without `mut` or `ref`.
fn immutable_let(tokens: &TokenStream) -> Option<String> {
    let syn::Stmt::Local(local) = syn::parse2::<syn::Stmt>(tokens.clone()).ok()? else {
        return None;
    };
    match &local.pat {
        syn::Pat::Ident(p)
            if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() =>
        {
            Some(p.ident.to_string())
        }
        syn::Pat::Type(t) => match &*t.pat {
            syn::Pat::Ident(p)
                if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() =>
            {
                Some(p.ident.to_string())
            }
            _ => None,
        },
        _ => None,
    }
}

/// How many times each name may be bound in `f`: parameters, `let`s, loop and match
/// patterns. Over-counts (every identifier of a pattern, of code with a `let` inside), which
/// only makes [`lets_before`] keep fewer names.
fn bindings(f: &Function, body: &Body) -> HashMap<String, usize> {
    let mut count = HashMap::new();
    let mut add = |tokens: &TokenStream| {
        let mut idents = Vec::new();
        collect_idents(tokens, &mut idents);
        for i in idents {
            *count.entry(i).or_insert(0) += 1;
        }
    };
    for p in &f.params {
        let ident = &p.ident;
        add(&quote::quote!(#ident));
    }
    for_each_stmt(&body.block, &mut |s| match s {
        Stmt::Opaque(tokens) if has_let(tokens) => add(tokens),
        Stmt::If(i) if has_let(&i.cond) => add(&i.cond),
        Stmt::Match(m) => m.arms.iter().for_each(|a| add(&a.pat)),
        Stmt::Loop(l) => match &l.kind {
            LoopKind::For { pat, .. } => add(pat),
            LoopKind::While { cond } if has_let(cond) => add(cond),
            _ => {}
        },
        _ => {}
    });
    count
}

fn has_let(tokens: &TokenStream) -> bool {
    let mut idents = Vec::new();
    collect_idents(tokens, &mut idents);
    idents.iter().any(|i| i == "let")
}

fn collect_idents(tokens: &TokenStream, out: &mut Vec<String>) {
    for tt in tokens.clone() {
        match tt {
            TokenTree::Ident(i) => out.push(i.to_string()),
            TokenTree::Group(g) => collect_idents(&g.stream(), out),
            _ => {}
        }
    }
}
