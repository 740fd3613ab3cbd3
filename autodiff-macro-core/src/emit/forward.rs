//! The items of forward mode and second order, from the bodies the driver's forward stage
//! (`expand::forward`) made: plain functions and rules of a synthetic [`Function`] (the
//! user's parameters followed by the tangents), `NAME_hvp` around its core (or its stub
//! without the `second-order` feature), and the functions of a `custom_vjp` rule, which need
//! no sweep.

use super::{
    core_fn, diff_params, generated, gradient_type, option_type, param_zero, pullback, Generated,
    Sig,
};
use crate::names::Namer;
use crate::parse::{Diff, Function, ParamKind, RetShape};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// `pub fn <fs's name>(self, <fs's params>) -> <fs's return type> { code }`: a rule.
pub(crate) fn method(fs: &Function, doc: String, code: TokenStream) -> TokenStream {
    function(fs, doc, true, true, code)
}

/// `fn <fs's name>(<fs's params>) -> <fs's return type> { code }`.
pub(crate) fn plain_fn(fs: &Function, doc: String, inline: bool, code: TokenStream) -> TokenStream {
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
        (quote!(pub), super::rules_receiver(fs))
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
pub(crate) struct TangentReverse {
    pub(crate) fs: Function,
    pub(crate) code: TokenStream,
    pub(crate) seed: Ident,
    pub(crate) dests: Vec<Ident>,
}

impl TangentReverse {
    /// The core function `name` of this sweep, `#[inline]`: compiled only where it is used.
    pub(crate) fn core_item(&self, name: &Ident, doc: String) -> TokenStream {
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

/// Why `NAME_hvp` is not generated.
pub(crate) enum NoHvp {
    /// The `second-order` feature is off.
    Feature,
    /// The body calls a generated derivative: the Hessian would need third derivatives.
    Nested,
}

/// `NAME_hvp` and `NAME_grad_and_hvp` when they are not generated: stubs of their signatures
/// whose first parameter's type must implement a trait which nothing implements
/// (`SecondOrder`, `ThirdOrder`), so that a call is a compile error with that trait's
/// message, and nothing more is compiled.
pub(crate) fn hvp_not_generated(
    f: &Function,
    wrt: &[bool],
    tangent_names: &[Ident],
    why: NoHvp,
) -> TokenStream {
    let name = f.name();
    let fs = f.synthetic(
        wrt,
        tangent_names,
        name.clone(),
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
    let (bound, doc, panic): (syn::Path, String, &str) = match why {
        NoHvp::Feature => (
            syn::parse_quote!(::autodiff::__private::SecondOrder),
            format!(" Not generated: [`{name}`]'s Hessian-vector product needs the `second-order` feature of `autodiff` (on by default); a call is a compile error that says so."),
            "`_hvp` needs the `second-order` feature of `autodiff`",
        ),
        NoHvp::Nested => (
            syn::parse_quote!(::autodiff::__private::ThirdOrder),
            format!(" Not generated: [`{name}`] calls a generated derivative, so its Hessian-vector product would need third derivatives; a call is a compile error that says so."),
            "`_hvp` of a function that calls a generated derivative is not generated",
        ),
    };
    let mut generics = generics.clone();
    generics
        .params
        .push(syn::parse_quote!(__NotGenerated: #bound));
    if let Some(syn::FnArg::Typed(first)) = params.first_mut() {
        *first.ty = syn::parse_quote!(__NotGenerated);
    }
    second_order_names(f)
        .into_iter()
        .map(|(function, ret)| {
            generated(
                doc.clone(),
                true,
                quote! {
                    #vis fn #function #generics (#params) -> #ret #where_clause {
                        ::core::unreachable!(#panic)
                    }
                },
            )
        })
        .collect()
}

/// The second-order functions of `f` and what they return: `NAME_hvp -> G` and
/// `NAME_grad_and_hvp -> (G, G)`.
pub(crate) fn second_order_names(f: &Function) -> [(Ident, TokenStream); 2] {
    let name = f.name();
    let g = gradient_type(f);
    [
        (format_ident!("{}_hvp", name), quote!(#g)),
        (format_ident!("{}_grad_and_hvp", name), quote!((#g, #g))),
    ]
}

/// `NAME_hvp` and `NAME_grad_and_hvp`: zeros for every destination of the core `core` of
/// `tr`, the core with a seed of one, and the destinations of the user's differentiable
/// parameters (the first ones: `H·v`), and for the second also the tangents' (the next ones:
/// `∇f`).
pub(crate) fn hvp_wrapper(f: &Function, tr: &TangentReverse, core: &Ident) -> TokenStream {
    let name = f.name();
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
    let zeros: Vec<_> = diff_params(&tr.fs).into_iter().map(|p| p.zero).collect();
    let n = diff_params(f).len();
    let tuple = |ds: &[Ident]| {
        if ds.len() == 1 {
            quote!(#(#ds)*)
        } else {
            quote!((#(#ds),*))
        }
    };
    // The first destinations are the primal parameters' (`H·v`), the next ones the
    // tangents' (`∇f`, the derivative of `∇f·v` with respect to `v`).
    let (hv, grad) = (tuple(&dests[..n]), tuple(&dests[n..2 * n]));
    let [(hvp, grad_ty), (both, both_ty)] = second_order_names(f);
    let body = quote! {
        #(let mut #dests = #zeros;)*
        #core(#(#args,)* #one, #(&mut #dests),*);
    };
    let hvp_fn = generated(
        format!(" The Hessian of [`{name}`] times the directions, one per differentiable parameter: exact, from the reverse sweep of its forward sweep (generated by `#[differentiable]`)."),
        true,
        quote! {
            #vis fn #hvp #generics (#params) -> #grad_ty #where_clause {
                #body
                #hv
            }
        },
    );
    let both_fn = generated(
        format!(" The gradient of [`{name}`] and its Hessian times the directions, `(∇f, H·v)`, from the one sweep of [`{name}_hvp`] (as JAX's `jvp(grad(f), x, v)`; generated by `#[differentiable]`)."),
        true,
        quote! {
            #vis fn #both #generics (#params) -> #both_ty #where_clause {
                #body
                (#grad, #hv)
            }
        },
    );
    quote!(#hvp_fn #both_fn)
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
    let (floats, names, mut namer) = custom_tangents(f);
    let r = &f.ret;
    let jvp = format_ident!("{}_jvp", name);
    let fs = f.synthetic(
        &floats,
        &names,
        jvp,
        syn::parse_quote!((#r, #r)),
        Diff::Nothing,
    );
    let body = custom_jvp_body(f, rule, &names, &mut namer, None);
    let jvp_fn = plain_fn(
        &fs,
        format!(" Forward mode of [`{name}`]: its value and its directional derivative, from its `custom_vjp` rule (generated by `#[differentiable]`)."),
        false,
        body,
    );
    let tangent = format_ident!("{}", crate::symbol::TANGENT_FLOATS);
    let ft = f.synthetic(&floats, &names, tangent, r.clone(), Diff::Nothing);
    let jvp = format_ident!("{}_jvp", name);
    let all_args = Sig::of(&ft).args;
    let tangent_fn = method(
        &ft,
        format!(" The tangent of [`{name}`]'s value."),
        quote!(#jvp(#(#all_args),*).1),
    );
    // No second derivative: the hvp and the tangent's pullback say so when called.
    let message = format!("`{name}` has a `custom_vjp` rule, which gives first derivatives only: its Hessian-vector products (and those of functions that call it) are not available");
    let fh = f.synthetic(&floats, &names, name.clone(), r.clone(), Diff::Primal);
    let Sig {
        vis,
        generics,
        where_clause,
        params,
        ..
    } = Sig::of(&fh);
    let hvp_fn: TokenStream = second_order_names(f)
        .into_iter()
        .map(|(function, ret)| {
            generated(
                format!(" Not available: [`{name}`] has a `custom_vjp` rule, which gives no second derivative; calling this panics (generated by `#[differentiable]`)."),
                false,
                quote!(#vis fn #function #generics (#params) -> #ret #where_clause { ::core::panic!(#message) }),
            )
        })
        .collect();
    let core = format_ident!("__{}_tangent_vjp_into", name);
    let fd = f.synthetic(&floats, &names, core.clone(), r.clone(), Diff::AllFloats);
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
    let tangent_pullback = pullback(
        &fd,
        &seed,
        &dests,
        &core,
        crate::symbol::TANGENT_PULLBACK_FLOATS,
    );
    let slotted = [
        (crate::symbol::TANGENT, crate::symbol::TANGENT_FLOATS, false),
        (
            crate::symbol::TANGENT_PULLBACK,
            crate::symbol::TANGENT_PULLBACK_FLOATS,
            true,
        ),
    ]
    .map(|(outer, inner, pullback)| slotted_rule(f, &floats, &names, outer, inner, pullback, None));
    Generated {
        items: quote!(#jvp_fn #hvp_fn #[doc(hidden)] #core_item),
        rules: quote!(#tangent_fn #tangent_pullback #(#slotted)*),
    }
}

/// A slotted rule whose tangents are `Lanes<F, N>` (`NAME_jvp_lanes`'s callees).
#[derive(Clone, Copy)]
pub(crate) struct LaneRule<'a> {
    /// The const parameter counting the lanes.
    pub(crate) n: &'a Ident,
    /// For a function without lanes: the panic that is the rule's body.
    pub(crate) stub: Option<&'a str>,
}

/// The rule `outer` (`symbol::TANGENT` or `symbol::TANGENT_PULLBACK`) as callers call it:
/// one tangent slot per parameter of `f` (`impl TangentArg<type>`, `()` for a parameter
/// without a derivative), and for a pullback the seed and one destination option per
/// parameter and per slot. It reads the slots of the float parameters (`floats`), taking
/// a zero of the parameter's shape for `NoTangent`, and calls `inner`, the same rule with
/// the tangents of those parameters only, named `tangent_names`. A caller fills every slot
/// without knowing which of its arguments are floats (`d.shift` may be, `d.k` is not).
/// With `lanes`, the tangents are `Lanes<F, N>` (`tangent_lanes`, for callers' `NAME_jvp_lanes`).
pub(crate) fn slotted_rule(
    f: &Function,
    floats: &[bool],
    tangent_names: &[Ident],
    outer: &str,
    inner: &str,
    pullback: bool,
    lanes: Option<LaneRule>,
) -> TokenStream {
    let name = f.name();
    let Sig {
        generics,
        where_clause,
        params,
        args,
        ret,
        ..
    } = Sig::of(f);
    let mut namer = Namer::new(&f.item);
    for t in tangent_names {
        namer.reserve(t);
    }
    let (outer, inner) = (format_ident!("{}", outer), format_ident!("{}", inner));
    let lifetime: syn::Lifetime = syn::parse_quote!('__tangent);
    let mut generics = generics.clone();
    generics.params.insert(
        0,
        syn::GenericParam::Lifetime(syn::LifetimeParam::new(lifetime.clone())),
    );
    if let Some(LaneRule { n, .. }) = lanes {
        generics.params.push(syn::parse_quote!(const #n: usize));
    }
    let lanes_bound = lanes.and_then(|l| lanes_bound(f, l.n));
    // `&'__tangent [T]` needs `T: '__tangent`, which a type inside `impl Trait` does not imply.
    let mut where_clause = where_clause
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(where));
    // A method's float type may be a parameter of its `impl`, named in its `where` clause.
    let mut outlive: Vec<Ident> = generics.type_params().map(|t| t.ident.clone()).collect();
    for t in crate::parse::signature::generic_floats(&f.item.sig) {
        if !outlive.contains(&t) {
            outlive.push(t);
        }
    }
    for t in outlive {
        where_clause
            .predicates
            .push(syn::parse_quote!(#t: #lifetime));
    }
    where_clause.predicates.extend(lanes_bound);
    let mut names = tangent_names.iter();
    let mut slots = Vec::new();
    let receiver = super::rules_receiver(f);
    let mut read = TokenStream::new();
    let mut tangents = Vec::new();
    let mut param_options = Vec::new();
    let mut param_option_names = Vec::new();
    let mut slot_options = Vec::new();
    let mut float_slot_options = Vec::new();
    for (i, (p, float)) in f.params.iter().zip(floats).enumerate() {
        let ty = &match lanes {
            Some(LaneRule { n, .. }) => lanes_tangent_type(p, f, n),
            None => p.tangent_ty(),
        };
        let option = option_type(f, p);
        let param_option = namer.fresh(&format!("__pullback_{i}"));
        param_options.push(quote!(#param_option: #option));
        param_option_names.push(param_option);
        let slot_option = namer.fresh(&format!("__pullback_tan_{i}"));
        let name = if *float { names.next() } else { None };
        let (slot, slot_ty) = match name {
            Some(t) => {
                let zero = match lanes {
                    Some(LaneRule { n, .. }) => {
                        let ident = &p.ident;
                        quote!(::autodiff::__private::zero_lanes::<_, #n>(&#ident))
                    }
                    None => param_zero(f, p),
                };
                let read_one = if matches!(ty, syn::Type::Reference(_)) {
                    let scratch = namer.fresh(&format!("__zero_{i}"));
                    quote! {
                        let #scratch;
                        let #t: #ty = match ::autodiff::__private::TangentArg::tangent(#t) {
                            ::core::option::Option::Some(t) => t,
                            ::core::option::Option::None => {
                                #scratch = #zero;
                                &#scratch
                            }
                        };
                    }
                } else {
                    quote! {
                        let #t: #ty = match ::autodiff::__private::TangentArg::tangent(#t) {
                            ::core::option::Option::Some(t) => t,
                            ::core::option::Option::None => #zero,
                        };
                    }
                };
                read.extend(read_one);
                tangents.push(t.clone());
                float_slot_options.push(slot_option.clone());
                slot_options.push(quote!(#slot_option: #option));
                (t.clone(), quote!(#ty))
            }
            _ => {
                slot_options.push(quote!(#slot_option: ::core::option::Option<&mut ()>));
                (namer.fresh(&format!("__no_tangent_{i}")), quote!(()))
            }
        };
        // A slot's type names its lifetimes: elided ones are not allowed in `impl Trait`.
        let slot_ty = named_lifetimes(slot_ty, &lifetime);
        slots.push(quote!(#slot: impl ::autodiff::__private::TangentArg<#slot_ty>));
    }
    let mut call: Vec<TokenStream> = args.iter().map(|a| quote!(#a)).collect();
    call.extend(tangents.iter().map(|t| quote!(#t)));
    let signature_rest = if pullback {
        let seed = namer.fresh("seed");
        call.push(quote!(#seed));
        call.extend(param_option_names.iter().map(|o| quote!(#o)));
        call.extend(float_slot_options.iter().map(|o| quote!(#o)));
        quote!(, #seed: #ret, #(#param_options,)* #(#slot_options),*)
    } else {
        quote!()
    };
    let body = match lanes.and_then(|l| l.stub) {
        Some(message) => quote!(::core::panic!(#message)),
        None => quote! {
            #read
            self.#inner(#(#call),*)
        },
    };
    let ret = match lanes {
        Some(LaneRule { n, .. }) => {
            let r = lanes_ret(f, n);
            quote!(#r)
        }
        None => quote!(#ret),
    };
    generated(
        format!(" The rule `{outer}` of [`{name}`], with a tangent slot for every parameter, as other `#[differentiable]` functions call it."),
        true,
        quote! {
            pub fn #outer #generics (#receiver #params, #(#slots),* #signature_rest) -> #ret #where_clause {
                #body
            }
        },
    )
}

/// `ty` with every elided lifetime of a reference (`&[F]`, `&'_ S`) named `lifetime`.
fn named_lifetimes(ty: TokenStream, lifetime: &syn::Lifetime) -> TokenStream {
    struct Name<'a>(&'a syn::Lifetime);
    impl syn::visit_mut::VisitMut for Name<'_> {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            if r.lifetime.as_ref().is_none_or(|l| l.ident == "_") {
                r.lifetime = Some(self.0.clone());
            }
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
    }
    match syn::parse2::<syn::Type>(ty.clone()) {
        Ok(mut parsed) => {
            syn::visit_mut::VisitMut::visit_type_mut(&mut Name(lifetime), &mut parsed);
            quote!(#parsed)
        }
        Err(_) => ty,
    }
}

/// `ty` with every float `F` in it a `Lanes<F, N>`.
pub(crate) fn lanes_type(ty: &syn::Type, f: &Function, n: &Ident) -> syn::Type {
    struct Swap {
        float: syn::Type,
        lanes: syn::Type,
    }
    impl syn::visit_mut::VisitMut for Swap {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if *ty == self.float {
                *ty = self.lanes.clone();
            } else {
                syn::visit_mut::visit_type_mut(self, ty);
            }
        }
    }
    let float = f.float.ty();
    let mut swap = Swap {
        lanes: syn::parse_quote!(::autodiff::__private::Lanes<#float, #n>),
        float,
    };
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut swap, &mut ty);
    ty
}

/// The tangent of parameter `p` in lanes: its type with every float a `Lanes<F, N>`; for a
/// parameter lanes do not carry (a struct's), its tangent type as it is, for the signatures
/// of stubs.
pub(crate) fn lanes_tangent_type(p: &crate::parse::Param, f: &Function, n: &Ident) -> syn::Type {
    match &p.kind {
        ParamKind::Float {
            shape: crate::parse::Shape::Scalar | crate::parse::Shape::Array { .. },
            ..
        } => lanes_type(&p.tangent_ty(), f, n),
        _ => p.tangent_ty(),
    }
}

/// The return type in lanes; for one that holds a struct, the type as it is, for the
/// signatures of stubs.
pub(crate) fn lanes_ret(f: &Function, n: &Ident) -> syn::Type {
    if f.ret_shape.has_struct() {
        f.ret.clone()
    } else {
        lanes_type(&f.ret, f, n)
    }
}

/// For a generic float `T`: `T: LaneShape<N, Lanes = Lanes<T, N>>`, which every float the
/// runtime has lanes of satisfies, so that its tangents' zeros have the lanes' shape.
pub(crate) fn lanes_bound(f: &Function, n: &Ident) -> Option<syn::WherePredicate> {
    match &f.float {
        crate::parse::FloatTy::Generic(t) => Some(syn::parse_quote!(
            #t: ::autodiff::__private::LaneShape<#n, Lanes = ::autodiff::__private::Lanes<#t, #n>>
        )),
        _ => None,
    }
}

/// Which parameters of a `custom_vjp` function have a tangent in its forward mode (every
/// float parameter), their names, and the namer that made them.
pub(crate) fn custom_tangents(f: &Function) -> (Vec<bool>, Vec<Ident>, Namer) {
    let floats: Vec<bool> = f
        .params
        .iter()
        .map(|p| matches!(p.kind, ParamKind::Float { .. }))
        .collect();
    let mut namer = Namer::new(&f.item);
    let names = f
        .params
        .iter()
        .zip(&floats)
        .filter(|(_, w)| **w)
        .map(|(p, _)| namer.fresh(&format!("tan_{}", p.ident)))
        .collect();
    (floats, names, namer)
}

/// The body of a `custom_vjp` function's forward mode: its value, then its rule's gradient
/// (one reverse sweep) times the tangents `names` of its float parameters; with `lanes`, the
/// tangents are `Lanes<F, lanes>` (`NAME_jvp_lanes`).
pub(crate) fn custom_jvp_body(
    f: &Function,
    rule: &syn::Path,
    names: &[Ident],
    namer: &mut Namer,
    lanes: Option<&Ident>,
) -> TokenStream {
    let name = f.name();
    let r = &f.ret;
    let args: Vec<&Ident> = f.params.iter().map(|p| &p.ident).collect();
    let types = f.params.iter().map(|p| &p.ty);
    let grad_ty = gradient_type(f);
    let clone_args = args
        .iter()
        .map(|a| quote!(::core::clone::Clone::clone(&#a)));
    let one = f.float.one();
    let (zero, dot) = match lanes {
        Some(_) => (
            quote!(::autodiff::__private::Lanes::zero()),
            quote!(::autodiff::__private::lanes_dot),
        ),
        None => (f.float.zero(), quote!(::autodiff::__private::dot)),
    };
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
    let terms = diff_shapes
        .zip(&grads)
        .zip(names)
        .map(|(((shape, ty), g), t)| match shape {
            // `tangent * partial`, which lanes implement for any float.
            crate::parse::Shape::Scalar => quote!(#t * #g),
            crate::parse::Shape::Array { rank: 1, .. } => quote!(#dot(&#g[..], &#t[..])),
            crate::parse::Shape::Array { .. } => quote!(
                #g.iter().zip(#t.iter()).fold(#zero, |acc, (a, b)| acc + #dot(&a[..], &b[..]))
            ),
            crate::parse::Shape::Opaque { grad } => {
                let t = super::as_gradient(&quote!(#t), ty);
                quote!(<#grad as ::autodiff::__private::Differentiable>::dot(&#g, #t))
            }
        });
    quote! {
        // Through a typed pointer, so a rule of the wrong signature is reported once.
        let #rule_fn: fn(#(#types,)* #r, #r) -> #grad_ty = #rule;
        let #value: #r = #name(#(#clone_args),*);
        let #pattern = #rule_fn(#(#args,)* ::core::clone::Clone::clone(&#value), #one);
        let #tangent = #zero #(+ #terms)*;
        (#value, #tangent)
    }
}
