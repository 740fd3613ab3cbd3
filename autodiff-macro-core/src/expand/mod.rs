//! The driver: parse → check → lower → analyse → sweeps → emit, with the fallback on error.
//!
//! Stages depend only on the stages before them and on `ir`, `symbol`, `names` and `ctxt`
//! underneath: parse → lower → tangent → analyse → sweep → emit. Each reports into one
//! `Ctxt`; after each, the driver stops at the first stage that reported, and emits the
//! user's function, stubs of the generated ones and the errors.

mod forward;
mod lanes;

use crate::ctxt::Ctxt;
use crate::names::Namer;
use crate::{analyse, emit, lower, parse, sweep};
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

/// Expands `#[differentiable(args)] input`. Never panics: what it cannot differentiate comes
/// back as compile errors next to the untouched input.
pub fn differentiable(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: syn::ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let message = if syn::parse2::<syn::TraitItemFn>(input.clone()).is_ok() {
                "#[differentiable] needs a function with a body; trait methods are not supported, put it on a free function"
            } else {
                "#[differentiable] applies to a function (`fn`); put it on a free function that computes a float"
            };
            let err = syn::Error::new(item_keyword_span(&input), message);
            let err = err.into_compile_error();
            return quote!(#input #err);
        }
    };
    let cx = Ctxt::new();
    let args = parse::args::parse(args).unwrap_or_else(|err| {
        cx.syn_error(err);
        parse::Args::default()
    });
    let output = transform(&cx, &args, item.clone());
    let output = match cx.check() {
        Ok(()) => output.unwrap_or_default(),
        Err(err) => {
            let errors = err.into_compile_error();
            let stubs = emit::fallback::stubs(&item, args.wrt.as_deref());
            quote!(#item #stubs #errors)
        }
    };
    if parse::signature::in_impl(&item.sig) {
        emit::method::into_impl(output, &item.sig.ident)
    } else {
        output
    }
}

fn transform(cx: &Ctxt, args: &parse::Args, item: syn::ItemFn) -> Option<TokenStream> {
    let f = parse::function(cx, args, item)?;
    if cx.has_errors() {
        return None;
    }
    if let Some(rule) = &args.custom_vjp {
        if let Some(wrt) = &args.wrt {
            cx.error_spanned_by(
                &wrt[0],
                "`wrt(...)` and `custom_vjp` cannot be combined: the rule gives the gradient of every float parameter; leave out `wrt`",
            );
            return None;
        }
        let mut namer = Namer::new(&f.item);
        let seed = namer.fresh("seed");
        let dests = emit::destination_names(&f, &mut namer);
        let body = emit::custom_body(&f, rule, &seed, &dests, &mut namer);
        let reverse = emit::functions(&f, body, &seed, &dests, None, false);
        let mut forward = emit::forward::custom_functions(&f, rule);
        let (items, rules) = lanes::custom_items(&f, rule);
        forward.items.extend(items);
        forward.rules.extend(rules);
        return Some(assemble(&f, reverse, forward));
    }
    let (body, seed, dests) = sweep_function(cx, &f)?;
    // With `wrt(...)` leaving a float parameter out, the derivative function other functions
    // call needs the sweeps with every float parameter differentiable too.
    let mut f_all = f.clone();
    let mut excluded = false;
    for p in &mut f_all.params {
        if let parse::ParamKind::Float { diff, .. } = &mut p.kind {
            excluded |= !*diff;
            *diff = true;
        }
    }
    let all = if excluded {
        Some(sweep_function(cx, &f_all)?)
    } else {
        None
    };
    let all_floats = all
        .as_ref()
        .map(|(body, _, dests)| (&f_all, body.clone(), dests.as_slice()));
    let reverse = emit::functions(&f, body, &seed, &dests, all_floats, true);
    let Some(forward) = forward::functions(cx, &f) else {
        // Every way to `None` reports why; this keeps a missing one from dropping the
        // function silently.
        if !cx.has_errors() {
            cx.error_spanned_by(
                &f.item.sig.ident,
                "#[differentiable] could not generate the forward mode (`_jvp`, `_hvp`) of this function; please report this as a bug, with the function",
            );
        }
        return None;
    };
    Some(assemble(&f, reverse, forward))
}

/// The generated items of both modes, and `f_derivative()` with the rules of both.
fn assemble(
    f: &parse::Function,
    reverse: emit::Generated,
    forward: emit::Generated,
) -> TokenStream {
    let (reverse_items, reverse_rules) = (reverse.items, reverse.rules);
    let (forward_items, forward_rules) = (forward.items, forward.rules);
    let rules = emit::rules(f, quote!(#reverse_rules #forward_rules));
    quote!(#reverse_items #forward_items #rules)
}

/// Lower, analyse and sweep `f`: the body of its core, the seed's name and the destinations'
/// names.
fn sweep_function(
    cx: &Ctxt,
    f: &parse::Function,
) -> Option<(TokenStream, syn::Ident, Vec<syn::Ident>)> {
    let mut namer = Namer::new(&f.item);
    let body = lower::body(cx, f, &mut namer);
    if cx.has_errors() {
        return None;
    }
    let analysis = analyse::body(cx, f, &body);
    if cx.has_errors() {
        return None;
    }
    let seed = namer.fresh("seed");
    let dests = emit::destination_names(f, &mut namer);
    let sweeps = sweep::build(f, &body, &analysis, namer, &seed, &dests);
    Some((emit::sweeps_body(f, sweeps, &body.items), seed, dests))
}

/// The span of the keyword of a non-function item (`struct`, `impl`, ...), for the error.
fn item_keyword_span(input: &TokenStream) -> proc_macro2::Span {
    match syn::parse2::<syn::Item>(input.clone()) {
        Ok(syn::Item::Struct(s)) => s.struct_token.span,
        Ok(syn::Item::Enum(e)) => e.enum_token.span,
        Ok(syn::Item::Impl(i)) => i.impl_token.span,
        Ok(syn::Item::Trait(t)) => t.trait_token.span,
        Ok(syn::Item::Mod(m)) => m.mod_token.span,
        Ok(syn::Item::Const(c)) => c.const_token.span,
        Ok(syn::Item::Static(s)) => s.static_token.span,
        Ok(syn::Item::Type(t)) => t.type_token.span,
        Ok(other) => other.span(),
        Err(_) => proc_macro2::Span::call_site(),
    }
}
