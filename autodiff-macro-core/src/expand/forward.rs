//! Forward mode and second order as a stage of the driver: for each set of tangents, lower
//! the body, transform it (`tangent`), analyse and sweep the tangent body, and hand the
//! bodies to `emit::forward`, which writes the functions:
//!
//! | generated | from |
//! |---|---|
//! | `NAME_jvp(<params>, <tangents>) -> (R, R)` | the tangent body, swept forward |
//! | the rule `tangent` (and `__NAME_tangent` when `wrt` leaves a float out) | the same with a tangent for every float parameter, for callers' tangent bodies |
//! | `NAME_hvp(<params>, <directions>) -> G` | the reverse sweep of the tangent body with respect to the primal parameters |
//! | the rule `tangent_pullback` (`__NAME_tangent_vjp_into`) | the reverse sweep of the rule `tangent`, for callers' `_hvp` |
//!
//! Every error found on the way goes to the driver's `Ctxt`, saying which function it stops
//! (`report`): a compile error through the fallback, never a function that panics.

use crate::ctxt::Ctxt;
use crate::emit::forward::{
    hvp_not_generated, hvp_wrapper, method, plain_fn, slotted_rule, NoHvp, TangentReverse,
};
use crate::emit::{pullback, sweeps_body, Generated, Sig};
use crate::ir::Output;
use crate::names::Namer;
use crate::parse::{Diff, Function, Param, ParamKind, RetShape};
use crate::{analyse, lower, sweep, tangent};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The forward-mode functions of `f`, or `None` when they cannot be generated: then `cx`
/// holds the errors saying why, and the driver emits its fallback.
pub fn functions(cx: &Ctxt, f: &Function) -> Option<Generated> {
    let wrt: Vec<bool> = f.params.iter().map(|p| is_float(p, true)).collect();
    let floats: Vec<bool> = f.params.iter().map(|p| is_float(p, false)).collect();
    // Lowered and transformed once for each set of tangents, then cloned for each use.
    let with_wrt = tangent_body(cx, f, &wrt)?;
    let with_floats = if wrt == floats {
        with_wrt.clone()
    } else {
        tangent_body(cx, f, &floats)?
    };
    let jvp = jvp(cx, f, &wrt, with_wrt.clone())?;
    let (lanes, lanes_rules) = super::lanes::items(cx, f, &wrt, &floats, &with_wrt, &with_floats);
    let jvp = quote!(#jvp #lanes);
    if !matches!(f.ret_shape, RetShape::Scalar) {
        // A call has a float value, so only those need rules for callers.
        return Some(Generated {
            items: jvp,
            rules: TokenStream::new(),
        });
    }
    let generated = functions_after_jvp(cx, f, &wrt, &floats, with_wrt, with_floats, jvp)?;
    let rules = generated.rules;
    Some(Generated {
        items: generated.items,
        rules: quote!(#rules #lanes_rules),
    })
}

/// The rest of `functions`, for a float value: the rule `tangent` and second order.
fn functions_after_jvp(
    cx: &Ctxt,
    f: &Function,
    wrt: &[bool],
    floats: &[bool],
    with_wrt: Made,
    with_floats: Made,
    jvp: TokenStream,
) -> Option<Generated> {
    let (wrt, floats) = (wrt.to_vec(), floats.to_vec());
    let nested = crate::ir::walk::calls_derivatives(&with_wrt.0.body.block);
    let (tangent_items, tangent) = tangent_fn(cx, f, &wrt, &floats, with_floats.clone())?;
    if !crate::SECOND_ORDER {
        let hvp = hvp_not_generated(f, &wrt, &with_wrt.0.tangent_names, NoHvp::Feature);
        return Some(Generated {
            items: quote!(#jvp #tangent_items #hvp),
            rules: tangent,
        });
    }
    if nested {
        // Nested differentiation: second order of this function would be third order of
        // the one whose derivative it calls.
        let hvp = hvp_not_generated(f, &wrt, &with_wrt.0.tangent_names, NoHvp::Nested);
        let (stub, tangent_pullback) = third_order_stub(f, &floats, &with_floats.0.tangent_names);
        return Some(Generated {
            items: quote!(#jvp #tangent_items #hvp #stub),
            rules: quote!(#tangent #tangent_pullback),
        });
    }
    let (core, tangent_pullback, all_floats, all_core) =
        tangent_derivative(cx, f, &floats, with_floats)?;
    // With every float differentiable, `NAME_hvp` is the tangent's reverse sweep itself,
    // its destinations for the tangents thrown away; otherwise a sweep of its own.
    let hvp = if wrt == floats {
        hvp_wrapper(f, &all_floats, &all_core)
    } else {
        hvp(cx, f, &wrt, with_wrt)?
    };
    let nested_rules = crate::emit::nested::rules(f);
    Some(Generated {
        items: quote!(#jvp #tangent_items #hvp #core),
        rules: quote!(#tangent #tangent_pullback #nested_rules),
    })
}

/// The rule `tangent_pullback` of a function that calls a generated derivative: its
/// signature, so that callers' `_hvp` compile, and a panic that says why it has no body. A
/// caller's `NAME_hvp` reaches it only through a call of this function, and then needs third
/// derivatives of the function whose derivative this one calls.
fn third_order_stub(
    f: &Function,
    floats: &[bool],
    tangent_names: &[Ident],
) -> (TokenStream, TokenStream) {
    let name = f.name();
    let core = format_ident!("__{}_tangent_vjp_into", name);
    let fs = f.synthetic(
        floats,
        tangent_names,
        core.clone(),
        f.ret.clone(),
        Diff::AllFloats,
    );
    let mut namer = Namer::new(&fs.item);
    let seed = namer.fresh("seed");
    let dests = crate::emit::destination_names(&fs, &mut namer);
    let message = format!(
        "the Hessian-vector product through a call of `{name}` is not generated: `{name}` calls a generated derivative, and this would need third derivatives"
    );
    let tr = TangentReverse {
        fs,
        code: quote!(::core::panic!(#message)),
        seed,
        dests,
    };
    tangent_pullback_items(f, floats, &tr, &core, format!(" Not generated: {message}."))
}

/// The core function of the rule `tangent_pullback` made of `tr` (doc `doc`), and the rule:
/// its form with one tangent per float and its slotted form.
fn tangent_pullback_items(
    f: &Function,
    floats: &[bool],
    tr: &TangentReverse,
    core: &Ident,
    doc: String,
) -> (TokenStream, TokenStream) {
    let core_item = tr.core_item(core, doc);
    let inner = pullback(
        &tr.fs,
        &tr.seed,
        &tr.dests,
        core,
        crate::symbol::TANGENT_PULLBACK_FLOATS,
    );
    let tangent_names: Vec<Ident> = tr.fs.params[f.params.len()..]
        .iter()
        .map(|p| p.ident.clone())
        .collect();
    let slotted = slotted_rule(
        f,
        floats,
        &tangent_names,
        crate::symbol::TANGENT_PULLBACK,
        crate::symbol::TANGENT_PULLBACK_FLOATS,
        true,
        None,
    );
    (quote!(#[doc(hidden)] #core_item), quote!(#inner #slotted))
}

fn is_float(p: &Param, only_diff: bool) -> bool {
    matches!(p.kind, ParamKind::Float { diff, .. } if diff || !only_diff)
}

/// A tangent body and the namer that made it (which knows every name in it).
pub(super) type Made = (tangent::TangentBody, Namer);

/// The tangent body of `f` with tangents for `with`, and the namer that made it; None when
/// the body cannot be lowered (reported into `cx`; reverse mode lowers the same body first,
/// so this does not happen).
fn tangent_body(cx: &Ctxt, f: &Function, with: &[bool]) -> Option<Made> {
    let mut namer = Namer::new(&f.item);
    let local = Ctxt::new();
    let body = lower::body(&local, f, &mut namer);
    if !report(cx, local, f, "forward mode (`_jvp`)") {
        return None;
    }
    let tb = tangent::transform(&body, with, f, &mut namer);
    Some((tb, namer))
}

/// Moves the errors of `local`, found generating `what` for `f`, into the driver's `cx`,
/// each saying what it was found in; whether there were none.
fn report(cx: &Ctxt, local: Ctxt, f: &Function, what: &str) -> bool {
    let Err(errors) = local.check() else {
        return true;
    };
    for err in errors {
        cx.error_at(
            err.span(),
            format!("{what} of `{}` cannot be generated: {err}", f.name()),
        );
    }
    false
}

/// `<decls> <forward sweep> <value>`: a synthetic function that nothing is differentiated in,
/// run forward; None when its analysis fails (reported into `cx`).
fn forward_body(
    cx: &Ctxt,
    f: &Function,
    fs: &Function,
    body: &crate::ir::Body,
    namer: Namer,
) -> Option<TokenStream> {
    forward_body_with(cx, f, fs, body, namer, None)
}

/// `forward_body`, with the tangents of `lanes` (if any) as `Lanes`.
pub(super) fn forward_body_with(
    cx: &Ctxt,
    f: &Function,
    fs: &Function,
    body: &crate::ir::Body,
    namer: Namer,
    lanes: Option<&crate::sweep::LaneMode>,
) -> Option<TokenStream> {
    let local = Ctxt::new();
    let an = analyse::body(&local, fs, body);
    if !report(cx, local, f, "forward mode (`_jvp`)") {
        return None;
    }
    let mut namer = namer;
    let seed = namer.fresh("seed");
    let sweeps = sweep::build_with_lanes(fs, body, &an, namer, &seed, &[], lanes);
    let (decls, forward, value, items) = (sweeps.decls, sweeps.forward, sweeps.value, &body.items);
    let require = crate::emit::require_differentiable(fs);
    Some(quote! {
        #(#items)*
        #require
        #decls
        #forward
        #value
    })
}

// `fn f_jvp(x: f64, w: &[f64], tan_x: f64, tan_w: &[f64]) -> (f64, f64)`: the value and the
// tangent of the value, in one forward sweep.
fn jvp(cx: &Ctxt, f: &Function, wrt: &[bool], (tb, namer): Made) -> Option<TokenStream> {
    let name = f.name();
    let jvp = format_ident!("{}_jvp", name);
    let r = &f.ret;
    let fs = f.synthetic(
        wrt,
        &tb.tangent_names,
        jvp.clone(),
        syn::parse_quote!((#r, #r)),
        Diff::Nothing,
    );
    let mut body = tb.body;
    body.output = Output::Tuple(vec![tb.value, tb.tangent]);
    let code = forward_body(cx, f, &fs, &body, namer)?;
    Some(plain_fn(
        &fs,
        format!(" Forward mode of [`{name}`]: its value and its directional derivative along the tangents, one per differentiable parameter (a Jacobian-vector product, from one forward sweep; generated by `#[differentiable]`)."),
        true,
        code,
    ))
}

// The rule `tangent(self, <params>, <a tangent per float parameter>) -> R`: what callers'
// tangent bodies call. With no float parameter left out by `wrt`, it is `f_jvp`'s tangent;
// otherwise its body is a function of its own (the first part returned).
fn tangent_fn(
    cx: &Ctxt,
    f: &Function,
    wrt: &[bool],
    floats: &[bool],
    (tb, namer): Made,
) -> Option<(TokenStream, TokenStream)> {
    let name = f.name();
    let member = format_ident!("{}", crate::symbol::TANGENT_FLOATS);
    let slotted = slotted_rule(
        f,
        floats,
        &tb.tangent_names,
        crate::symbol::TANGENT,
        crate::symbol::TANGENT_FLOATS,
        false,
        None,
    );
    let fs = f.synthetic(
        floats,
        &tb.tangent_names,
        member,
        f.ret.clone(),
        Diff::Nothing,
    );
    let doc =
        format!(" The tangent of [`{name}`]'s value along a tangent of every float parameter.");
    let rule = TangentRule {
        fs,
        doc,
        jvp: format_ident!("{}_jvp", name),
        all: format_ident!("__{}_tangent", name),
    };
    let (item, inner) = tangent_rule(cx, f, wrt == floats, (tb, namer), rule, None)?;
    Some((item, quote!(#inner #slotted)))
}

/// A rule with a tangent for every float parameter (`tangent_floats`, `tangent_lanes_floats`),
/// of the synthetic function `fs`.
pub(super) struct TangentRule {
    pub(super) fs: Function,
    pub(super) doc: String,
    /// What the rule's value is the tangent of when every float is differentiable.
    pub(super) jvp: Ident,
    /// The hidden function it calls otherwise.
    pub(super) all: Ident,
}

/// The rule `rule` (and the hidden function it calls, if any): `jvp(..).1` when `same` (`wrt`
/// leaves no float out), else a function of its own, the forward sweep of `made` (the tangent
/// body with every float's tangent), with the tangents of `lanes` as lanes.
pub(super) fn tangent_rule(
    cx: &Ctxt,
    f: &Function,
    same: bool,
    (tb, namer): Made,
    rule: TangentRule,
    lanes: Option<&crate::sweep::LaneMode>,
) -> Option<(TokenStream, TokenStream)> {
    let TangentRule { fs, doc, jvp, all } = rule;
    let args = Sig::of(&fs).args;
    if same {
        return Some((
            TokenStream::new(),
            method(&fs, doc, quote!(#jvp(#(#args),*).1)),
        ));
    }
    let mut fa = fs.clone();
    fa.item.sig.ident = all.clone();
    let mut body = tb.body;
    body.output = tb.tangent;
    let code = forward_body_with(cx, f, &fa, &body, namer, lanes)?;
    let item = plain_fn(&fa, doc.clone(), true, code);
    let inner = method(&fs, doc, quote!(#all(#(#args),*)));
    Some((quote!(#[doc(hidden)] #item), inner))
}

/// None when the analysis refuses the tangent body: the errors, saying `what` they stop, are
/// reported into `cx` (compile errors, never a function that panics).
fn reverse_of_tangent(
    cx: &Ctxt,
    f: &Function,
    with: &[bool],
    (tb, mut namer): Made,
    name: Ident,
    diff: Diff,
    what: &str,
) -> Option<TangentReverse> {
    let fs = f.synthetic(with, &tb.tangent_names, name, f.ret.clone(), diff);
    let mut body = tb.body;
    body.output = tb.tangent;
    let seed = namer.fresh("seed");
    let dests = crate::emit::destination_names(&fs, &mut namer);
    let local = Ctxt::new();
    let an = analyse::body(&local, &fs, &body);
    if !report(cx, local, f, what) {
        return None;
    }
    let sweeps = sweep::build(&fs, &body, &an, namer, &seed, &dests);
    let code = sweeps_body(&fs, sweeps, &body.items);
    Some(TangentReverse {
        fs,
        code,
        seed,
        dests,
    })
}

// `fn f_hvp(x: f64, w: &[f64], tan_x: f64, tan_w: &[f64]) -> (f64, Vec<f64>)`: the Hessian
// times the direction, as the gradient of the tangent `∇f·v` (reverse over forward).
fn hvp(cx: &Ctxt, f: &Function, wrt: &[bool], made: Made) -> Option<TokenStream> {
    let core = format_ident!("__{}_hvp_core", f.name());
    let what = "the Hessian-vector product (`_hvp`)";
    let tr = reverse_of_tangent(cx, f, wrt, made, core.clone(), Diff::Primal, what)?;
    let core_item = tr.core_item(&core, format!(" The core of [`{}_hvp`].", f.name()));
    let wrapper = hvp_wrapper(f, &tr, &core);
    Some(quote!(#[doc(hidden)] #core_item #wrapper))
}

// The rule `tangent_pullback`: the reverse sweep of the rule `tangent`, for callers' `_hvp`;
// its core, the rule, and the sweep (which `NAME_hvp` shares when `wrt` leaves no float out).
fn tangent_derivative(
    cx: &Ctxt,
    f: &Function,
    floats: &[bool],
    made: Made,
) -> Option<(TokenStream, TokenStream, TangentReverse, Ident)> {
    let name = f.name();
    let core = format_ident!("__{}_tangent_vjp_into", name);
    let what = "the second derivative (`_hvp`)";
    let tr = reverse_of_tangent(cx, f, floats, made, core.clone(), Diff::AllFloats, what)?;
    let doc = format!(" Reverse mode of the tangent of [`{name}`].");
    let (core_item, rule) = tangent_pullback_items(f, floats, &tr, &core, doc);
    Some((core_item, rule, tr, core))
}
