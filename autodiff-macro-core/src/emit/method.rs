//! The expansion of a method (or an associated function, one that names `Self`), made into
//! items of the `impl` block it sits in.
//!
//! Everything else emits free-standing items for a free function; an attribute on a method
//! can only emit associated items, so this pass rewrites that output, in one place:
//!
//! - every generated function becomes an associated function, and a call of a sibling
//!   (`f_vjp_into(..)`) becomes `Self::f_vjp_into(..)`;
//! - the rules, methods of a unit struct `__f_rules` that `f_derivative()` returns, become
//!   associated functions `__f_derivative_<member>` (the struct itself cannot be declared in
//!   an `impl`), as `symbol::rule_call` names them for a callee written `Self::f` or
//!   `Type::f`.
//!
//! A receiver `self` is the parameter `self: &Self` throughout, so the generated functions
//! are methods too (`model.loss_grad(&xs)`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::HashSet;
use syn::visit_mut::{self, VisitMut};

/// `tokens` (the expansion of `name` as free items) as items of an `impl` block.
pub fn into_impl(tokens: TokenStream, name: &syn::Ident) -> TokenStream {
    let file: syn::File = match syn::parse2(tokens.clone()) {
        Ok(file) => file,
        // Not items (cannot happen for what this crate emits): leave it to rustc to report.
        Err(_) => return tokens,
    };
    let rules_type = crate::symbol::rules_type_name(name).to_string();
    let derivative = crate::symbol::rule_name(name).to_string();
    let mut fns = Vec::new();
    let mut others = Vec::new();
    let mut members = HashSet::new();
    for item in file.items {
        match item {
            syn::Item::Struct(s) if s.ident == rules_type => {}
            syn::Item::Fn(f) if f.sig.ident == derivative => {}
            syn::Item::Impl(i) if is_type(&i.self_ty, &rules_type) => {
                for it in i.items {
                    if let syn::ImplItem::Fn(mut m) = it {
                        members.insert(m.sig.ident.to_string());
                        // Written without the unit receiver (`emit::rules_receiver`): a
                        // method's first parameter is its own `self: &Self`.
                        m.sig.ident = member_fn(name, &m.sig.ident);
                        m.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                        if let Ok(f) = syn::parse2::<syn::ItemFn>(quote!(#m)) {
                            fns.push(f);
                        }
                    }
                }
            }
            syn::Item::Fn(f) => fns.push(f),
            other => others.push(other),
        }
    }
    let mut siblings: HashSet<String> = fns.iter().map(|f| f.sig.ident.to_string()).collect();
    siblings.insert(name.to_string());
    let mut rewrite = Rewrite {
        name,
        siblings,
        members,
        derivative,
    };
    let fns = fns.into_iter().map(|mut f| {
        // The user's own function is kept as written.
        if f.sig.ident != *name {
            rewrite.visit_block_mut(&mut f.block);
        }
        quote!(#f)
    });
    let others = others.iter().map(|item| match item {
        // `compile_error! { .. }`: a macro in item position is an associated item too.
        syn::Item::Macro(m) => quote!(#m),
        other => quote!(#other),
    });
    quote!(#(#fns)* #(#others)*)
}

/// The associated function a rules member `member` of `f` becomes: `__f_derivative_member`.
pub fn member_fn(f: &syn::Ident, member: &syn::Ident) -> syn::Ident {
    format_ident!(
        "__{}{}_{}",
        f,
        crate::symbol::RULE_SUFFIX,
        member,
        span = member.span()
    )
}

fn is_type(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

struct Rewrite<'a> {
    name: &'a syn::Ident,
    siblings: HashSet<String>,
    /// The rules' members (`pullback`, `tangent`, ...).
    members: HashSet<String>,
    derivative: String,
}

impl Rewrite<'_> {
    /// `f_derivative().member(args)` and, inside a member, `self.member(args)` (the unit
    /// receiver): the associated function of that member.
    fn member_call(&self, m: &syn::ExprMethodCall) -> Option<syn::Expr> {
        let is_rules = match &*m.receiver {
            syn::Expr::Call(c) => {
                c.args.is_empty()
                    && matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident(&self.derivative))
            }
            syn::Expr::Path(p) => p.path.is_ident("self"),
            _ => false,
        };
        if !is_rules || !self.members.contains(&m.method.to_string()) {
            return None;
        }
        let f = member_fn(self.name, &m.method);
        let turbofish = &m.turbofish;
        let args = &m.args;
        Some(syn::parse_quote!(Self::#f #turbofish(#args)))
    }
}

impl VisitMut for Rewrite<'_> {
    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        if let syn::Expr::MethodCall(m) = e {
            if let Some(call) = self.member_call(m) {
                *e = call;
            }
        }
        if let syn::Expr::Path(p) = e {
            if p.qself.is_none() && p.path.segments.len() == 1 {
                let segment = &p.path.segments[0];
                if self.siblings.contains(&segment.ident.to_string()) {
                    let segment = segment.clone();
                    *e = syn::parse_quote!(Self::#segment);
                    return;
                }
            }
        }
        visit_mut::visit_expr_mut(self, e);
    }
}
