//! The forward-mode and second-order functions, from the tangent body of `crate::tangent`:
//!
//! | generated | from |
//! |---|---|
//! | `NAME_jvp(<params>, <tangents>) -> (R, R)` | the tangent body, emitted as plain code |
//! | `NAME_tangent` (hidden) | the same with a tangent for every float parameter, for callers' tangent bodies |
//! | `NAME_hvp(<params>, <directions>) -> G` | the reverse sweep of the tangent body with respect to the primal parameters |
//! | `NAME_tangent_derivative` (hidden) | the reverse sweep of `NAME_tangent`, for callers' `_hvp` |
//!
//! Each synthetic function is an ordinary [`Function`]: the user's parameters followed by the
//! tangents, so the sweeps and emitters of reverse mode apply to it unchanged.

use super::{
    core_fn, diff_params, generated, gradient_type, pullback, sweeps_body, Generated, Sig,
};
use crate::ctxt::Ctxt;
use crate::ir::Output;
use crate::names::Namer;
use crate::parse::{Function, Param, ParamKind, RetShape};
use crate::{analyse, lower, sweep, tangent};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Which parameters a synthetic function differentiates.
#[derive(Clone, Copy)]
enum Diff {
    /// None: the function is only run forward.
    Nothing,
    /// The user's differentiable parameters (`wrt`), not the tangents.
    Primal,
    /// Every float parameter, the tangents included.
    AllFloats,
}

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
    if !matches!(f.ret_shape, RetShape::Scalar) {
        // A call has a float value, so only those need rules for callers.
        return Some(Generated {
            items: jvp,
            rules: TokenStream::new(),
        });
    }
    let (tangent_items, tangent) = tangent_fn(cx, f, &wrt, &floats, with_floats.clone())?;
    if !crate::SECOND_ORDER {
        let hvp = hvp_not_generated(f, &wrt, &with_wrt.0.tangent_names);
        return Some(Generated {
            items: quote!(#jvp #tangent_items #hvp),
            rules: tangent,
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
    Some(Generated {
        items: quote!(#jvp #tangent_items #hvp #core),
        rules: quote!(#tangent #tangent_pullback),
    })
}

fn is_float(p: &Param, only_diff: bool) -> bool {
    matches!(p.kind, ParamKind::Float { diff, .. } if diff || !only_diff)
}

/// A tangent body and the namer that made it (which knows every name in it).
type Made = (tangent::TangentBody, Namer);

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

/// The synthetic function `name(<f's params>, <tangents>) -> ret`.
fn synthetic(
    f: &Function,
    with: &[bool],
    tangent_names: &[Ident],
    name: Ident,
    ret: syn::Type,
    diff: Diff,
) -> Function {
    let mut item = f.item.clone();
    item.attrs.clear();
    item.sig.ident = name;
    item.sig.output = syn::parse_quote!(-> #ret);
    let mut params = f.params.clone();
    for p in &mut params {
        if let ParamKind::Float { diff: d, .. } = &mut p.kind {
            *d = match diff {
                Diff::Nothing => false,
                Diff::Primal => *d,
                Diff::AllFloats => true,
            };
        }
    }
    let tangent_params = f
        .params
        .iter()
        .zip(with)
        .filter(|(_, w)| **w)
        .zip(tangent_names);
    for ((p, _), ident) in tangent_params {
        let ty = &p.ty;
        item.sig.inputs.push(syn::parse_quote!(#ident: #ty));
        let ParamKind::Float { shape, .. } = &p.kind else {
            unreachable!("only float parameters have tangents")
        };
        params.push(Param {
            ident: ident.clone(),
            ty: ty.clone(),
            kind: ParamKind::Float {
                diff: matches!(diff, Diff::AllFloats),
                shape: shape.clone(),
            },
        });
    }
    let ret_shape = if quote!(#ret).to_string() == {
        let r = &f.ret;
        quote!(#r).to_string()
    } {
        f.ret_shape.clone()
    } else {
        RetShape::Tuple(vec![f.ret_shape.clone(), f.ret_shape.clone()])
    };
    Function {
        item,
        params,
        float: f.float.clone(),
        ret,
        ret_shape,
    }
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
    let local = Ctxt::new();
    let an = analyse::body(&local, fs, body);
    if !report(cx, local, f, "forward mode (`_jvp`)") {
        return None;
    }
    let mut namer = namer;
    let seed = namer.fresh("seed");
    let sweeps = sweep::build(fs, body, &an, namer, &seed, &[]);
    let (decls, forward, value, items) = (sweeps.decls, sweeps.forward, sweeps.value, &body.items);
    let require = super::require_differentiable(fs);
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
    let fs = synthetic(
        f,
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
    let member = format_ident!("{}", crate::symbol::TANGENT);
    let fs = synthetic(
        f,
        floats,
        &tb.tangent_names,
        member,
        f.ret.clone(),
        Diff::Nothing,
    );
    let args = Sig::of(&fs).args;
    let doc =
        format!(" The tangent of [`{name}`]'s value along a tangent of every float parameter.");
    if wrt == floats {
        let jvp = format_ident!("{}_jvp", name);
        return Some((
            TokenStream::new(),
            method(&fs, doc, quote!(#jvp(#(#args),*).1)),
        ));
    }
    let all = format_ident!("__{}_tangent", name);
    let mut fa = fs.clone();
    fa.item.sig.ident = all.clone();
    let mut body = tb.body;
    body.output = tb.tangent;
    let code = forward_body(cx, f, &fa, &body, namer)?;
    let item = plain_fn(&fa, doc.clone(), true, code);
    Some((
        quote!(#[doc(hidden)] #item),
        method(&fs, doc, quote!(#all(#(#args),*))),
    ))
}

/// `pub fn <fs's name>(self, <fs's params>) -> <fs's return type> { code }`: a rule.
fn method(fs: &Function, doc: String, code: TokenStream) -> TokenStream {
    function(fs, doc, true, true, code)
}

/// `fn <fs's name>(<fs's params>) -> <fs's return type> { code }`.
fn plain_fn(fs: &Function, doc: String, inline: bool, code: TokenStream) -> TokenStream {
    function(fs, doc, inline, false, code)
}

fn function(
    fs: &Function,
    doc: String,
    inline: bool,
    method: bool,
    code: TokenStream,
) -> TokenStream {
    let Sig {
        vis,
        name,
        generics,
        where_clause,
        params,
        ret,
        ..
    } = Sig::of(fs);
    let (vis, receiver) = if method {
        (quote!(pub), quote!(self,))
    } else {
        (quote!(#vis), quote!())
    };
    generated(
        doc,
        inline,
        quote!(#vis fn #name #generics (#receiver #params) -> #ret #where_clause { #code }),
    )
}

/// The reverse sweep of the tangent body of `f` with tangents for `with`, differentiated as
/// `diff` says: the synthetic function, the core's body, its seed and destinations.
struct TangentReverse {
    fs: Function,
    code: TokenStream,
    seed: Ident,
    dests: Vec<Ident>,
}

impl TangentReverse {
    /// The core function `name` of this sweep, `#[inline]`: compiled only where it is used.
    fn core_item(&self, name: &Ident, doc: String) -> TokenStream {
        core_fn(
            &self.fs,
            self.code.clone(),
            &self.seed,
            &self.dests,
            name,
            doc,
            true,
        )
    }
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
    let fs = synthetic(f, with, &tb.tangent_names, name, f.ret.clone(), diff);
    let mut body = tb.body;
    body.output = tb.tangent;
    let seed = namer.fresh("seed");
    let dests = super::destination_names(&fs, &mut namer);
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

/// `NAME_hvp` without the `second-order` feature: a stub of its signature whose first
/// parameter's type must implement `SecondOrder`, which nothing does, so that a call is a
/// compile error with that trait's message (turn the feature on), and nothing more is compiled.
fn hvp_not_generated(f: &Function, wrt: &[bool], tangent_names: &[Ident]) -> TokenStream {
    let name = f.name();
    let hvp = format_ident!("{}_hvp", name);
    let fs = synthetic(
        f,
        wrt,
        tangent_names,
        hvp.clone(),
        f.ret.clone(),
        Diff::Nothing,
    );
    let Sig {
        vis,
        generics,
        where_clause,
        mut params,
        ..
    } = Sig::of(&fs);
    let mut generics = generics.clone();
    generics.params.push(syn::parse_quote!(
        __NotGenerated: ::autodiff::__private::SecondOrder
    ));
    if let Some(syn::FnArg::Typed(first)) = params.first_mut() {
        *first.ty = syn::parse_quote!(__NotGenerated);
    }
    let grad_ty = gradient_type(f);
    generated(
        format!(" Not generated: [`{name}`]'s Hessian-vector product needs the `second-order` feature of `autodiff` (on by default); a call is a compile error that says so."),
        true,
        quote! {
            #vis fn #hvp #generics (#params) -> #grad_ty #where_clause {
                ::core::unreachable!("`_hvp` needs the `second-order` feature of `autodiff`")
            }
        },
    )
}

/// `NAME_hvp`: zeros for every destination of the core `core` of `tr`, the core with a seed
/// of one, and the destinations of the user's differentiable parameters (the first ones; the
/// others, when the core also differentiates the tangents, are scratch).
fn hvp_wrapper(f: &Function, tr: &TangentReverse, core: &Ident) -> TokenStream {
    let name = f.name();
    let hvp = format_ident!("{}_hvp", name);
    let one = f.float.one();
    let Sig {
        vis,
        generics,
        where_clause,
        params,
        args,
        ..
    } = Sig::of(&tr.fs);
    let dests = &tr.dests;
    let zeros = diff_params(&tr.fs).into_iter().map(|p| p.zero);
    let wanted = &dests[..diff_params(f).len()];
    let grads = if wanted.len() == 1 {
        quote!(#(#wanted)*)
    } else {
        quote!((#(#wanted),*))
    };
    let grad_ty = gradient_type(f);
    generated(
        format!(" The Hessian of [`{name}`] times the directions, one per differentiable parameter: exact, from the reverse sweep of its forward sweep (generated by `#[differentiable]`)."),
        true,
        quote! {
            #vis fn #hvp #generics (#params) -> #grad_ty #where_clause {
                #(let mut #dests = #zeros;)*
                #core(#(#args,)* #one, #(&mut #dests),*);
                #grads
            }
        },
    )
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
    let core_item = tr.core_item(
        &core,
        format!(" Reverse mode of the tangent of [`{name}`]."),
    );
    let rule = pullback(
        &tr.fs,
        &tr.seed,
        &tr.dests,
        &core,
        crate::symbol::TANGENT_PULLBACK,
    );
    Some((quote!(#[doc(hidden)] #core_item), rule, tr, core))
}

/// The forward-mode functions of a function with `custom_vjp = rule` and a float value: the
/// tangent is the rule's gradient times the tangents (one reverse sweep), and there is no
/// second derivative, which `_hvp` and `_tangent_derivative` say when called.
pub fn custom_functions(f: &Function, rule: &syn::Path) -> Generated {
    if !matches!(f.ret_shape, RetShape::Scalar) {
        return Generated {
            items: TokenStream::new(),
            rules: TokenStream::new(),
        };
    }
    let name = f.name();
    let floats: Vec<bool> = f.params.iter().map(|p| is_float(p, false)).collect();
    let mut namer = Namer::new(&f.item);
    let names: Vec<Ident> = f
        .params
        .iter()
        .zip(&floats)
        .filter(|(_, w)| **w)
        .map(|(p, _)| namer.fresh(&format!("tan_{}", p.ident)))
        .collect();
    let r = &f.ret;
    let jvp = format_ident!("{}_jvp", name);
    let fs = synthetic(
        f,
        &floats,
        &names,
        jvp,
        syn::parse_quote!((#r, #r)),
        Diff::Nothing,
    );
    let args: Vec<&Ident> = f.params.iter().map(|p| &p.ident).collect();
    let types = f.params.iter().map(|p| &p.ty);
    let grad_ty = gradient_type(f);
    let clone_args = args
        .iter()
        .map(|a| quote!(::core::clone::Clone::clone(&#a)));
    let one = f.float.one();
    let zero = f.float.zero();
    let grads: Vec<Ident> = (0..names.len())
        .map(|i| namer.fresh(&format!("__rule_grad_{i}")))
        .collect();
    // Fresh names: a parameter may be called `value`, `rule` or `tangent`.
    let (value, rule_fn, tangent) = (
        namer.fresh("value"),
        namer.fresh("rule"),
        namer.fresh("tangent"),
    );
    let pattern = if grads.len() == 1 {
        quote!(#(#grads)*)
    } else {
        quote!((#(#grads),*))
    };
    let diff_shapes = f.params.iter().filter_map(|p| match &p.kind {
        ParamKind::Float { shape, .. } => Some((shape, &p.ty)),
        _ => None,
    });
    let terms = diff_shapes.zip(&grads).zip(&names).map(|(((shape, ty), g), t)| match shape {
        crate::parse::Shape::Scalar => quote!(#g * #t),
        crate::parse::Shape::Array { rank: 1, .. } => quote!(::autodiff::__private::dot(&#g[..], &#t[..])),
        crate::parse::Shape::Array { .. } => quote!(
            #g.iter().zip(#t.iter()).fold(#zero, |acc, (a, b)| acc + ::autodiff::__private::dot(&a[..], &b[..]))
        ),
        crate::parse::Shape::Opaque { grad } => {
            let t = super::as_gradient(&quote!(#t), ty);
            quote!(<#grad as ::autodiff::__private::Differentiable>::dot(&#g, #t))
        }
    });
    let jvp_fn = plain_fn(
        &fs,
        format!(" Forward mode of [`{name}`]: its value and its directional derivative, from its `custom_vjp` rule (generated by `#[differentiable]`)."),
        false,
        quote! {
            // Through a typed pointer, so a rule of the wrong signature is reported once.
            let #rule_fn: fn(#(#types,)* #r, #r) -> #grad_ty = #rule;
            let #value: #r = #name(#(#clone_args),*);
            let #pattern = #rule_fn(#(#args,)* ::core::clone::Clone::clone(&#value), #one);
            let #tangent = #zero #(+ #terms)*;
            (#value, #tangent)
        },
    );
    let tangent = format_ident!("{}", crate::symbol::TANGENT);
    let ft = synthetic(f, &floats, &names, tangent, r.clone(), Diff::Nothing);
    let jvp = format_ident!("{}_jvp", name);
    let all_args = Sig::of(&ft).args;
    let tangent_fn = method(
        &ft,
        format!(" The tangent of [`{name}`]'s value."),
        quote!(#jvp(#(#all_args),*).1),
    );
    // No second derivative: the hvp and the tangent's pullback say so when called.
    let message = format!("`{name}` has a `custom_vjp` rule, which gives first derivatives only: its Hessian-vector products (and those of functions that call it) are not available");
    let hvp = format_ident!("{}_hvp", name);
    let fh = synthetic(f, &floats, &names, hvp, r.clone(), Diff::Primal);
    let Sig {
        vis,
        name: hvp,
        generics,
        where_clause,
        params,
        ..
    } = Sig::of(&fh);
    let grad_ty = gradient_type(f);
    let hvp_fn = generated(
        format!(" Not available: [`{name}`] has a `custom_vjp` rule, which gives no second derivative; calling this panics (generated by `#[differentiable]`)."),
        false,
        quote!(#vis fn #hvp #generics (#params) -> #grad_ty #where_clause { ::core::panic!(#message) }),
    );
    let core = format_ident!("__{}_tangent_vjp_into", name);
    let fd = synthetic(f, &floats, &names, core.clone(), r.clone(), Diff::AllFloats);
    let seed = namer.fresh("seed");
    let dests = super::destination_names(&fd, &mut namer);
    let core_item = core_fn(
        &fd,
        quote!(::core::panic!(#message)),
        &seed,
        &dests,
        &core,
        String::new(),
        true,
    );
    let tangent_pullback = pullback(&fd, &seed, &dests, &core, crate::symbol::TANGENT_PULLBACK);
    Generated {
        items: quote!(#jvp_fn #hvp_fn #[doc(hidden)] #core_item),
        rules: quote!(#tangent_fn #tangent_pullback),
    }
}
