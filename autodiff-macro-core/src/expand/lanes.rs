//! `NAME_jvp_lanes` and the rules its callers call, with the `lanes` feature: the forward
//! sweep of `NAME_jvp` with every tangent float a `Lanes<F, N>`, `N` tangents side by side
//! (`tangent::lanes` says which values are tangents and when lanes cannot carry them).
//!
//! | generated | from |
//! |---|---|
//! | `NAME_jvp_lanes::<N>(<params>, <tangents as lanes>) -> (R, R as lanes)` | the tangent body of `NAME_jvp`, swept forward with `Lanes` tangents |
//! | the rules `tangent_lanes` and `tangent_lanes_floats` (float values only) | the same with a tangent for every float parameter, for callers' `NAME_jvp_lanes` |
//!
//! Without the feature nothing is generated. Where lanes cannot carry the tangents,
//! `NAME_jvp_lanes` is a stub whose call is a compile error (`NoLanes`), and the rules panic
//! with the reason (a caller's `NAME_jvp_lanes` reaches them).

use super::forward::{forward_body_with, tangent_rule, Made, TangentRule};
use crate::ctxt::Ctxt;
use crate::emit::forward::{
    lanes_bound, lanes_ret, lanes_tangent_type, method, plain_fn, slotted_rule_with, LaneRule,
};
use crate::emit::{generated, Sig};
use crate::ir::Output;
use crate::parse::{Diff, Function, ParamKind, RetShape, Shape};
use crate::sweep::LaneMode;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The lanes items of `f` (public functions) and its lanes rules.
pub(super) fn items(
    cx: &Ctxt,
    f: &Function,
    wrt: &[bool],
    floats: &[bool],
    with_wrt: Made,
    with_floats: Made,
) -> (TokenStream, TokenStream) {
    if !crate::lanes() {
        // Nothing to compile for builds that never call it.
        return (TokenStream::new(), TokenStream::new());
    }
    let scalar = matches!(f.ret_shape, RetShape::Scalar);
    let why = refusal(f).or_else(|| {
        crate::tangent::lane_values(
            &with_wrt.0.body,
            &with_wrt.0.tangent_slots,
            &with_wrt.0.tangent_arrays,
        )
        .err()
    });
    if let Some(why) = why {
        let rules = if scalar {
            rule_stubs(f, floats, &with_floats.0.tangent_names, why)
        } else {
            TokenStream::new()
        };
        return (stub(f, wrt, &with_wrt.0.tangent_names, why), rules);
    }
    let tangent_names = with_wrt.0.tangent_names.clone();
    let Some(jvp) = jvp_lanes(cx, f, wrt, with_wrt) else {
        return (
            stub(
                f,
                wrt,
                &tangent_names,
                "its forward sweep cannot be generated",
            ),
            TokenStream::new(),
        );
    };
    if !scalar {
        return (jvp, TokenStream::new());
    }
    let float_names = with_floats.0.tangent_names.clone();
    match tangent_lanes(cx, f, wrt, floats, with_floats) {
        Some((items, rules)) => (quote!(#jvp #items), rules),
        None => (
            jvp,
            rule_stubs(
                f,
                floats,
                &float_names,
                "its forward sweep cannot be generated",
            ),
        ),
    }
}

/// The lanes items of a function with a `custom_vjp` rule: none are generated (its rule
/// gives a gradient, not lanes), so stubs: `NAME_jvp_lanes`, a compile error, and for a float
/// value the rules, which panic when a caller's `NAME_jvp_lanes` reaches them.
pub(super) fn custom_items(f: &Function) -> (TokenStream, TokenStream) {
    if !crate::lanes() {
        return (TokenStream::new(), TokenStream::new());
    }
    let why = "it has a `custom_vjp` rule";
    let wrt: Vec<bool> = f
        .params
        .iter()
        .map(|p| matches!(p.kind, ParamKind::Float { diff: true, .. }))
        .collect();
    let floats: Vec<bool> = f
        .params
        .iter()
        .map(|p| matches!(p.kind, ParamKind::Float { .. }))
        .collect();
    let mut namer = crate::names::Namer::new(&f.item);
    let names = |with: &[bool], namer: &mut crate::names::Namer| -> Vec<Ident> {
        f.params
            .iter()
            .zip(with)
            .filter(|(_, w)| **w)
            .map(|(p, _)| namer.fresh(&format!("tan_{}", p.ident)))
            .collect()
    };
    let (wrt_names, float_names) = (names(&wrt, &mut namer), names(&floats, &mut namer));
    let rules = if matches!(f.ret_shape, RetShape::Scalar) {
        rule_stubs(f, &floats, &float_names, why)
    } else {
        TokenStream::new()
    };
    (stub(f, &wrt, &wrt_names, why), rules)
}

/// Why lanes are not generated for `f` at all, whatever its body.
fn refusal(f: &Function) -> Option<&'static str> {
    let opaque = f.params.iter().any(|p| {
        matches!(
            p.kind,
            ParamKind::Float {
                shape: Shape::Opaque { .. },
                ..
            }
        )
    });
    if opaque {
        return Some("a parameter of a struct, ndarray or nalgebra type has a derivative");
    }
    f.ret_shape.has_struct().then_some("it returns a struct")
}

/// The name of the const parameter counting the lanes.
fn lanes_param(f: &Function) -> Ident {
    let mut namer = crate::names::Namer::new(&f.item);
    namer.fresh("__N")
}

/// The synthetic function `name<const N: usize>(<f's params>, <a tangent as lanes for each
/// parameter `with` marks>) -> ret(R as lanes)`.
fn lanes_function(
    f: &Function,
    with: &[bool],
    tangent_names: &[Ident],
    name: Ident,
    n: &Ident,
    ret: impl FnOnce(syn::Type) -> syn::Type,
) -> Function {
    let mut fs = f.synthetic(
        with,
        tangent_names,
        name,
        ret(lanes_ret(f, n)),
        Diff::Nothing,
    );
    let n_params = f.params.len();
    let tangents = fs.params[n_params..].iter_mut();
    let inputs = fs.item.sig.inputs.iter_mut().skip(n_params);
    for (p, input) in tangents.zip(inputs) {
        p.ty = lanes_tangent_type(p, f, n);
        if let syn::FnArg::Typed(t) = input {
            *t.ty = p.ty.clone();
        }
    }
    fs.item
        .sig
        .generics
        .params
        .push(syn::parse_quote!(const #n: usize));
    if let Some(bound) = lanes_bound(f, n) {
        fs.item
            .sig
            .generics
            .make_where_clause()
            .predicates
            .push(bound);
    }
    fs
}

/// `fn f_jvp_lanes<const N: usize>(x: f64, w: &[f64], tan_x: Lanes<f64, N>,
/// tan_w: &[Lanes<f64, N>]) -> (f64, Lanes<f64, N>)`.
fn jvp_lanes(cx: &Ctxt, f: &Function, wrt: &[bool], made: Made) -> Option<TokenStream> {
    let name = f.name();
    let n = lanes_param(f);
    let r = f.ret.clone();
    let tangent_names = made.0.tangent_names.clone();
    let fs = lanes_function(
        f,
        wrt,
        &tangent_names,
        format_ident!("{}_jvp_lanes", name),
        &n,
        |lanes| syn::parse_quote!((#r, #lanes)),
    );
    let (tb, namer) = made;
    let mode = lane_mode(&tb, n)?;
    let mut body = tb.body;
    body.output = Output::Tuple(vec![tb.value, tb.tangent]);
    let code = forward_body_with(cx, f, &fs, &body, namer, Some(&mode))?;
    Some(plain_fn(
        &fs,
        format!(" Forward mode of [`{name}`] along `N` directions at once: its value and its `N` directional derivatives (Jacobian-vector products), lane `k` of each tangent being direction `k`; one forward sweep, the primal computed once (`lanes` feature; generated by `#[differentiable]`). Lane `k` equals [`{name}_jvp`] along the directions' lane `k`."),
        true,
        code,
    ))
}

fn lane_mode(tb: &crate::tangent::TangentBody, n: Ident) -> Option<LaneMode> {
    let values =
        crate::tangent::lane_values(&tb.body, &tb.tangent_slots, &tb.tangent_arrays).ok()?;
    Some(LaneMode { values, n })
}

/// The rules `tangent_lanes_floats` (a tangent as lanes per float parameter) and
/// `tangent_lanes` (slotted), and the function the first calls when `wrt` leaves a float out.
fn tangent_lanes(
    cx: &Ctxt,
    f: &Function,
    wrt: &[bool],
    floats: &[bool],
    made: Made,
) -> Option<(TokenStream, TokenStream)> {
    let name = f.name();
    let n = lanes_param(f);
    let float_names = made.0.tangent_names.clone();
    let member = format_ident!("{}", crate::symbol::TANGENT_LANES_FLOATS);
    let fs = lanes_function(f, floats, &float_names, member, &n, |lanes| lanes);
    let slotted = slotted_rule_with(
        f,
        floats,
        &float_names,
        crate::symbol::TANGENT_LANES,
        crate::symbol::TANGENT_LANES_FLOATS,
        false,
        Some(LaneRule { n: &n, stub: None }),
    );
    let doc = format!(
        " The tangents of [`{name}`]'s value along tangents as lanes of every float parameter."
    );
    let mode = lane_mode(&made.0, n)?;
    let rule = TangentRule {
        fs,
        doc,
        jvp: format_ident!("{}_jvp_lanes", name),
        all: format_ident!("__{}_tangent_lanes", name),
    };
    let (item, inner) = tangent_rule(cx, f, wrt == floats, made, rule, Some(&mode))?;
    Some((item, quote!(#inner #slotted)))
}

/// `NAME_jvp_lanes` when it is not generated: its signature, bound by `Lanes<F, N>:
/// NoLanes`, which nothing satisfies, so that a call is a compile error.
fn stub(f: &Function, wrt: &[bool], tangent_names: &[Ident], why: &str) -> TokenStream {
    let name = f.name();
    let n = lanes_param(f);
    let r = f.ret.clone();
    let fs = lanes_function(
        f,
        wrt,
        tangent_names,
        format_ident!("{}_jvp_lanes", name),
        &n,
        |lanes| syn::parse_quote!((#r, #lanes)),
    );
    let Sig {
        vis,
        name: fn_name,
        generics,
        where_clause,
        params,
        ret,
        ..
    } = Sig::of(&fs);
    // A bound on the lanes, which nothing satisfies: checked where it is called, with `N`
    // known, so `f_jvp_lanes::<4>(..)` is the error `NoLanes` says.
    let float = f.float.ty();
    let mut where_clause = where_clause
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(where));
    where_clause.predicates.push(syn::parse_quote!(
        ::autodiff::__private::Lanes<#float, #n>: ::autodiff::__private::NoLanes
    ));
    generated(
        format!(" Not generated: [`{name}`] has no forward mode in lanes, because {why}; a call is a compile error that says so. [`{name}_jvp`] gives the same derivatives one direction at a time."),
        true,
        quote! {
            #vis fn #fn_name #generics (#params) -> #ret #where_clause {
                ::core::unreachable!("`_jvp_lanes` is not generated")
            }
        },
    )
}

/// The lanes rules of a function without lanes: their signatures, so that callers'
/// `NAME_jvp_lanes` compile, and a panic that says why, which a call reaches only through
/// a caller's `NAME_jvp_lanes`.
fn rule_stubs(f: &Function, floats: &[bool], tangent_names: &[Ident], why: &str) -> TokenStream {
    let name = f.name();
    let n = lanes_param(f);
    let member = format_ident!("{}", crate::symbol::TANGENT_LANES_FLOATS);
    let fs = lanes_function(f, floats, tangent_names, member, &n, |lanes| lanes);
    let message =
        format!("the forward mode in lanes through a call of `{name}` is not generated: {why}");
    let inner = method(
        &fs,
        format!(" Not generated: {message}."),
        quote!(::core::panic!(#message)),
    );
    let slotted = slotted_rule_with(
        f,
        floats,
        tangent_names,
        crate::symbol::TANGENT_LANES,
        crate::symbol::TANGENT_LANES_FLOATS,
        false,
        Some(LaneRule {
            n: &n,
            stub: Some(&message),
        }),
    );
    quote!(#inner #slotted)
}
