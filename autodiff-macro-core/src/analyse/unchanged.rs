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

use crate::ir::walk::for_each_stmt;
use crate::ir::{Body, ExitKind, LoopKind, Stmt};
use crate::parse::Function;
use proc_macro2::{TokenStream, TokenTree};
use std::collections::{HashMap, HashSet};

/// What the reverse sweep sees unchanged, for each top-level statement in turn: visit them in
/// order, asking before [`Unchanged::pass`]ing each. Linear in the body, whatever the number
/// of statements or `let`s (a function of thousands of statements is expanded in a time
/// proportional to it).
pub struct Unchanged {
    /// For each array, the last top-level position that writes it.
    last_write: Vec<Option<usize>>,
    /// How many times each name may be bound (see [`bindings`]).
    bindings: HashMap<String, usize>,
    has_return: bool,
    /// The immutable top-level `let`s passed so far that nothing else binds.
    lets: HashSet<String>,
}

impl Unchanged {
    pub fn new(f: &Function, body: &Body) -> Self {
        let mut last_write = vec![None::<usize>; body.arrays.len()];
        let mut has_return = false;
        for (p, stmt) in body.block.iter().enumerate() {
            for_each_stmt(std::slice::from_ref(stmt), &mut |s| {
                if let Some(a) = crate::ir::walk::array_written(s) {
                    last_write[a.0] = Some(p);
                }
                has_return |= matches!(s, Stmt::Exit(e) if e.kind == ExitKind::Return);
            });
        }
        Unchanged {
            last_write,
            bindings: bindings(f, body),
            has_return,
            lets: HashSet::new(),
        }
    }

    /// For each array, whether a top-level statement at or after position `p` writes it.
    pub fn written_from(&self, p: usize) -> Vec<bool> {
        self.last_write
            .iter()
            .map(|w| w.is_some_and(|w| w >= p))
            .collect()
    }

    /// The immutable top-level `let`s before the statement being visited.
    pub fn lets(&self) -> &HashSet<String> {
        &self.lets
    }

    /// Moves past the top-level statement `stmt`.
    pub fn pass(&mut self, stmt: &Stmt) {
        if let Stmt::Opaque(tokens) = stmt {
            if let Some(name) = immutable_let(tokens) {
                if !self.has_return && self.bindings.get(&name) == Some(&1) {
                    self.lets.insert(name);
                }
            }
        }
    }
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
/// only makes [`Unchanged`] keep fewer names.
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
