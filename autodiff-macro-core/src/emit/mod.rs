//! Stage 6: the original function, untouched, and the generated functions next to it.
//!
//! Takes the parsed function and the sweeps' bodies; guarantees the items of the user
//! contract (`NAME_grad`, `_value_and_grad`, `_vjp`, `_grad_into`, `_vjp_into`, `_jvp`,
//! `_hvp`, the hidden `NAME_derivative()`), with the user's visibility, generics and `where`
//! clause, and the fallback stubs of the same signatures when an earlier stage reported.
//! `forward.rs` still drives the stages for forward mode (lower, tangent, analyse, sweep)
//! itself; every error it finds goes to the driver's `Ctxt`.

pub mod fallback;
pub mod forward;
pub mod method;
pub mod nested;

use crate::parse::{Function, ParamKind, Shape};
use crate::sweep::Sweeps;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

/// Lints generated code may trip without the user being able to do anything about them.
pub fn allow_lints() -> TokenStream {
    quote!(#[allow(
        dead_code,
        unused_mut,
        unused_variables,
        unused_assignments,
        unused_parens,
        unused_braces,
        unreachable_code,
        non_snake_case,
        clippy::all,
        clippy::pedantic,
        clippy::nursery
    )])
}

/// The gradient type `G`: one float per differentiable parameter, a tuple when several.
pub fn gradient_type(f: &Function) -> TokenStream {
    let float = f.float.ty();
    let each: Vec<TokenStream> = f
        .params
        .iter()
        .filter_map(|p| match &p.kind {
            ParamKind::Float {
                diff: true,
                shape: Shape::Scalar,
            } => Some(quote!(#float)),
            ParamKind::Float {
                diff: true,
                shape: Shape::Array { grad, .. } | Shape::Opaque { grad },
            } => Some(quote!(#grad)),
            _ => None,
        })
        .collect();
    if each.len() == 1 {
        quote!(#(#each)*)
    } else {
        quote!((#(#each),*))
    }
}

/// A differentiable parameter: its name, the type of its gradient's destination, and a zero
/// of its gradient's shape.
pub(crate) struct DiffParam<'a> {
    ident: &'a Ident,
    dest: TokenStream,
    pub(crate) zero: TokenStream,
    /// Of a type the transform cannot see into: its gradient is added through the
    /// `Differentiable` trait.
    opaque: bool,
}

pub(crate) fn diff_params(f: &Function) -> Vec<DiffParam<'_>> {
    let float = f.float.ty();
    f.params
        .iter()
        .filter_map(|p| match &p.kind {
            ParamKind::Float {
                diff: true,
                shape: Shape::Scalar,
            } => Some(DiffParam {
                ident: &p.ident,
                dest: quote!(&mut #float),
                zero: param_zero(f, p),
                opaque: false,
            }),
            ParamKind::Float {
                diff: true,
                shape: Shape::Array { grad, .. },
            } => {
                let ident = &p.ident;
                Some(DiffParam {
                    ident,
                    dest: destination_type(grad),
                    zero: param_zero(f, p),
                    opaque: false,
                })
            }
            ParamKind::Float {
                diff: true,
                shape: Shape::Opaque { grad },
            } => {
                let ident = &p.ident;
                Some(DiffParam {
                    ident,
                    dest: quote!(&mut #grad),
                    zero: param_zero(f, p),
                    opaque: true,
                })
            }
            _ => None,
        })
        .collect()
}

/// A zero gradient (or tangent) of the shape of parameter `p` of `f`, an owned value:
/// the float's zero, zeros of an array's shape, or the `Differentiable` zero of a value the
/// transform cannot see into.
pub(crate) fn param_zero(f: &Function, p: &crate::parse::Param) -> TokenStream {
    let ident = &p.ident;
    match &p.kind {
        ParamKind::Float {
            shape: Shape::Opaque { grad },
            ..
        } => opaque_zero(&quote!(#ident), &p.ty, grad),
        ParamKind::Float {
            shape: Shape::Array { .. },
            ..
        } => f.float.zero_like(&quote!(#ident), &p.ty),
        _ => f.float.zero(),
    }
}

/// `value`, a parameter of type `ty` the transform cannot see into, borrowed as its
/// gradient type: `&S` as it is, `S` borrowed, `&[S]` copied into the `Vec<S>`.
pub(crate) fn as_gradient(value: &TokenStream, ty: &syn::Type) -> TokenStream {
    match ty {
        syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Slice(_)) => {
            quote!(&::std::borrow::ToOwned::to_owned(#value))
        }
        syn::Type::Reference(_) => quote!(#value),
        _ => quote!(&#value),
    }
}

/// A zero gradient of `value`, a parameter of type `ty` the transform cannot see into, from
/// the runtime's `Differentiable` trait. The call is spanned on the parameter's type, so a
/// type that does not implement the trait is reported there, with the trait's message.
pub(crate) fn opaque_zero(value: &TokenStream, ty: &syn::Type, grad: &syn::Type) -> TokenStream {
    let span = syn::spanned::Spanned::span(ty);
    if crate::symbol::tensor::is_tensor_type(ty) {
        // An ndarray view has an owned gradient: a zero of its shape from the runtime.
        return quote_spanned!(span=> ::autodiff::__private::tensor::zeros_like(&#value));
    }
    let value = as_gradient(value, ty);
    quote_spanned!(span=> <#grad as ::autodiff::__private::Differentiable>::zeros_like(#value))
}

/// The check that each parameter of a type the transform cannot see into is
/// `Differentiable`, spanned on its type. It names the trait's method as the zeros do
/// ([`opaque_zero`]), so rustc reports a type that does not implement it once, on the
/// parameter, with the trait's `on_unimplemented` message.
pub(crate) fn require_differentiable(f: &Function) -> TokenStream {
    f.params
        .iter()
        .filter_map(|p| match &p.kind {
            ParamKind::Float {
                shape: Shape::Opaque { .. },
                ..
            } if crate::symbol::tensor::is_tensor_type(&p.ty) => None,
            ParamKind::Float {
                shape: Shape::Opaque { grad },
                ..
            } => {
                let span = syn::spanned::Spanned::span(&p.ty);
                Some(quote_spanned!(span=> let _ = <#grad as ::autodiff::__private::Differentiable>::zeros_like;))
            }
            _ => None,
        })
        .collect()
}

/// Where an array's gradient is added: `Vec<X>` into `&mut [X]`, an array into `&mut` itself.
pub fn destination_type(grad: &syn::Type) -> TokenStream {
    if let syn::Type::Path(p) = grad {
        if let Some(last) = p.path.segments.last() {
            if last.ident == "Vec" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    let inner = &args.args;
                    return quote!(&mut [#inner]);
                }
            }
        }
    }
    quote!(&mut #grad)
}

/// The names of the gradient destinations of the `_into` functions.
pub fn destination_names(f: &Function, namer: &mut crate::names::Namer) -> Vec<Ident> {
    diff_params(f)
        .iter()
        .map(|p| namer.fresh(&format!("d_{}", p.ident)))
        .collect()
}

/// The parts of the user's signature every generated function repeats.
pub(crate) struct Sig<'a> {
    pub(crate) vis: &'a syn::Visibility,
    pub(crate) name: &'a Ident,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) where_clause: &'a Option<syn::WhereClause>,
    /// The parameters as written, without a trailing comma (generated ones follow them).
    pub(crate) params: syn::punctuated::Punctuated<syn::FnArg, syn::Token![,]>,
    pub(crate) args: Vec<&'a Ident>,
    pub(crate) ret: &'a syn::Type,
}

impl<'a> Sig<'a> {
    pub(crate) fn of(f: &'a Function) -> Self {
        let sig = &f.item.sig;
        Sig {
            vis: &f.item.vis,
            name: &sig.ident,
            generics: &sig.generics,
            where_clause: &sig.generics.where_clause,
            params: {
                let mut params = sig.inputs.clone();
                params.pop_punct();
                params
            },
            args: f.params.iter().map(|p| &p.ident).collect(),
            ret: &f.ret,
        }
    }
}

/// `d_x: &mut [F], ...`: the destination parameters of the `_into` functions.
fn dest_params(f: &Function, dests: &[Ident]) -> Vec<TokenStream> {
    diff_params(f)
        .iter()
        .zip(dests)
        .map(|(p, d)| {
            let ty = &p.dest;
            quote!(#d: #ty)
        })
        .collect()
}

/// One generated item: doc, `#[inline]` for the thin wrappers, the lint allowances.
pub(crate) fn generated(doc: String, inline: bool, item: TokenStream) -> TokenStream {
    let lints = allow_lints();
    let inline = if inline { quote!(#[inline]) } else { quote!() };
    quote! {
        #[doc = #doc]
        #inline
        #lints
        #item
    }
}

/// The slice form of an array parameter's destination in the derivative-rule function: `Vec<X>` and
/// `[X; N]` gradients are both added through `&mut [X]`, so a caller can pass
/// `Some(&mut adjoint[..])` without knowing the parameter's exact type.
fn slice_destination(grad: &syn::Type) -> TokenStream {
    match grad {
        syn::Type::Array(a) => {
            let elem = &a.elem;
            quote!(&mut [#elem])
        }
        _ => destination_type(grad),
    }
}

/// A reverse rule of the rules value (`symbol::PULLBACK`, `symbol::TANGENT_PULLBACK`):
/// `fn member(self, <same params>, seed, <one Option<&mut ..> per parameter>) -> R`, what
/// other differentiable functions call in their reverse sweep. A caller passes a `Some`
/// destination for each argument whose gradient it wants and `None` for the others
/// (integers, constants), without knowing which parameters are differentiable.
pub(crate) fn pullback(
    f: &Function,
    seed: &Ident,
    dests: &[Ident],
    core: &Ident,
    member: &str,
) -> TokenStream {
    let Sig {
        vis,
        name,
        generics,
        where_clause,
        params,
        args,
        ret,
    } = Sig::of(f);
    let float = f.float.ty();
    let zero = f.float.zero();
    let member = format_ident!("{}", member);
    // The options' names must not be those of parameters (`__pullback_0` is a valid one).
    let mut namer = crate::names::Namer::new(&f.item);
    namer.reserve(seed);
    for d in dests {
        namer.reserve(d);
    }
    let mut options = Vec::new();
    let mut prepare = TokenStream::new();
    let mut dest_iter = dests.iter();
    for (i, p) in f.params.iter().enumerate() {
        let opt = namer.fresh(&format!("__pullback_{i}"));
        let scratch = namer.fresh(&format!("__scratch_{i}"));
        let option = option_type(f, p);
        options.push(quote!(#opt: #option));
        match &p.kind {
            ParamKind::PassThrough => {}
            ParamKind::Float {
                diff,
                shape: Shape::Scalar,
            } => {
                if let Some(d) = diff.then(|| dest_iter.next()).flatten() {
                    prepare.extend(quote! {
                        let mut #scratch: #float = #zero;
                        let #d: &mut #float = match #opt {
                            ::core::option::Option::Some(d) => d,
                            ::core::option::Option::None => &mut #scratch,
                        };
                    });
                }
            }
            ParamKind::Float {
                diff,
                shape: Shape::Array { grad, .. },
            } => {
                let slice = slice_destination(grad);
                if let Some(d) = diff.then(|| dest_iter.next()).flatten() {
                    let zero_of_param = param_zero(f, p);
                    prepare.extend(quote! {
                        let mut #scratch;
                        let #d: #slice = match #opt {
                            ::core::option::Option::Some(d) => d,
                            ::core::option::Option::None => {
                                #scratch = #zero_of_param;
                                &mut #scratch[..]
                            }
                        };
                    });
                    if let syn::Type::Array(_) = &**grad {
                        // An array parameter's destination is an array of its length.
                        let dest_ty = destination_type(grad);
                        prepare.extend(quote! {
                            let #d: #dest_ty = match ::core::convert::TryFrom::try_from(#d) {
                                ::core::result::Result::Ok(d) => d,
                                ::core::result::Result::Err(_) => ::core::panic!("the destination of an array parameter has the array's length"),
                            };
                        });
                    }
                }
            }
            ParamKind::Float {
                diff,
                shape: Shape::Opaque { grad },
            } => {
                if let Some(d) = diff.then(|| dest_iter.next()).flatten() {
                    let zero_of_param = param_zero(f, p);
                    prepare.extend(quote! {
                        let mut #scratch;
                        let #d: &mut #grad = match #opt {
                            ::core::option::Option::Some(d) => d,
                            ::core::option::Option::None => {
                                #scratch = #zero_of_param;
                                &mut #scratch
                            }
                        };
                    });
                }
            }
        }
    }
    let _ = vis;
    let receiver = rules_receiver(f);
    generated(
        format!(" The reverse sweep of [`{name}`] as other `#[differentiable]` functions call it."),
        true,
        quote! {
            pub fn #member #generics (#receiver #params, #seed: #ret, #(#options),*) -> #ret #where_clause {
                #prepare
                #core(#(#args,)* #seed, #(#dests),*)
            }
        },
    )
}

/// The receiver of a rule, a method of the unit struct `f_derivative()` returns: `self,`;
/// nothing for a method's, whose rules become associated functions (`method.rs`) and whose
/// first parameter is the user's `self`.
pub(crate) fn rules_receiver(f: &Function) -> TokenStream {
    if crate::parse::signature::in_impl(&f.item.sig) {
        quote!()
    } else {
        quote!(self,)
    }
}

/// The type of the optional gradient destination a rule takes for parameter `p` of `f`
/// (`symbol::PULLBACK`): `Option<&mut ()>` for a parameter without a derivative.
pub(crate) fn option_type(f: &Function, p: &crate::parse::Param) -> TokenStream {
    let float = f.float.ty();
    match &p.kind {
        ParamKind::PassThrough => quote!(::core::option::Option<&mut ()>),
        ParamKind::Float {
            shape: Shape::Scalar,
            ..
        } => quote!(::core::option::Option<&mut #float>),
        ParamKind::Float {
            shape: Shape::Array { grad, .. },
            ..
        } => {
            let slice = slice_destination(grad);
            quote!(::core::option::Option<#slice>)
        }
        ParamKind::Float {
            shape: Shape::Opaque { grad },
            ..
        } => quote!(::core::option::Option<&mut #grad>),
    }
}

/// `f_derivative()` and the type of the value it returns, whose methods are `f`'s derivative
/// rules (see `symbol::PULLBACK`): one name to import, and nothing for callers to name.
pub fn rules(f: &Function, methods: TokenStream) -> TokenStream {
    let name = f.name();
    let vis = &f.item.vis;
    let derivative = crate::symbol::rule_name(name);
    let rules = crate::symbol::rules_type_name(name);
    let doc = format!(" The derivative rules of [`{name}`], for other `#[differentiable]` functions (generated by `#[differentiable]`).");
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy)]
        #vis struct #rules;
        #[allow(clippy::all)]
        impl #rules {
            #methods
        }
        #[doc = #doc]
        #[doc(hidden)]
        #[inline]
        #vis fn #derivative() -> #rules {
            #rules
        }
    }
}

/// The body of the core from the sweeps: the forward sweep, the reverse sweep, the gradients
/// added into the destinations, the value.
pub fn sweeps_body(f: &Function, sweeps: Sweeps, items: &[TokenStream]) -> TokenStream {
    let Sweeps {
        decls,
        forward,
        reverse,
        value,
        deliver,
    } = sweeps;
    let name = f.name();
    // The generated functions use the original, so calling only `NAME_grad` does not leave
    // `NAME` warned about as dead code.
    let type_params: Vec<&Ident> = f
        .item
        .sig
        .generics
        .type_params()
        .map(|t| &t.ident)
        .collect();
    let use_original = if type_params.is_empty() {
        quote!(let _ = #name;)
    } else {
        quote!(let _ = #name::<#(#type_params),*>;)
    };
    let require = require_differentiable(f);
    quote! {
        #(#items)*
        #use_original
        #require
        #decls
        // Forward sweep.
        #forward
        // Reverse sweep.
        #reverse
        #deliver
        #value
    }
}

/// The body of the core of a function with `custom_vjp = rule`: the function itself for the
/// value, `rule(<params>, value, seed)` for the gradient, added into the destinations.
pub fn custom_body(
    f: &Function,
    rule: &syn::Path,
    seed: &Ident,
    dests: &[Ident],
    namer: &mut crate::names::Namer,
) -> TokenStream {
    let name = f.name();
    let float = f.float.ty();
    let ret = &f.ret;
    let grad_ty = gradient_type(f);
    let types: Vec<&syn::Type> = f.params.iter().map(|p| &p.ty).collect();
    let args: Vec<&Ident> = f.params.iter().map(|p| &p.ident).collect();
    // Fresh names: a parameter may be called `value` or `rule`.
    let (value, rule_fn) = (namer.fresh("value"), namer.fresh("rule"));
    // The rule's signature, checked where the attribute names it.
    let check = quote_spanned!(syn::spanned::Spanned::span(rule)=>
        let #rule_fn: fn(#(#types,)* #ret, #ret) -> #grad_ty = #rule;
    );
    let clone_args = args
        .iter()
        .map(|a| quote!(::core::clone::Clone::clone(&#a)));
    let diff = diff_params(f);
    let grads: Vec<Ident> = (0..diff.len())
        .map(|i| namer.fresh(&format!("__rule_grad_{i}")))
        .collect();
    let pattern = if grads.len() == 1 {
        quote!(#(#grads)*)
    } else {
        quote!((#(#grads),*))
    };
    let deliver = diff.iter().zip(dests).zip(&grads).map(|((p, d), g)| {
        if p.opaque {
            let one = f.float.one();
            quote!(::autodiff::__private::Differentiable::add_scaled(#d, #one, &#g);)
        } else if p.dest.to_string() == quote!(&mut #float).to_string() {
            quote!(*#d = *#d + #g;)
        } else {
            let message = format!("{name}: the gradient `{{}}` gives for `{}` has {{}} elements but the parameter has {{}}", p.ident);
            let rule_name = quote!(#rule).to_string().replace(' ', "");
            quote! {
                if #g.len() != #d.len() {
                    ::core::panic!(#message, #rule_name, #g.len(), #d.len());
                }
                ::autodiff::__private::Accumulate::accumulate(&mut *#d, &#g[..]);
            }
        }
    });
    let require = require_differentiable(f);
    quote! {
        #check
        #require
        let #value: #ret = #name(#(#clone_args),*);
        let #pattern = #rule_fn(#(#args,)* ::core::clone::Clone::clone(&#value), #seed);
        #(#deliver)*
        #value
    }
}

/// `fn <core_name>(<same params>, seed: R, <destinations>) -> R` with the given body.
pub(crate) fn core_fn(
    f: &Function,
    body: TokenStream,
    seed: &Ident,
    dests: &[Ident],
    core_name: &Ident,
    doc: String,
    inline: bool,
) -> TokenStream {
    let Sig {
        vis,
        generics,
        where_clause,
        params,
        ret,
        ..
    } = Sig::of(f);
    let dest_params = dest_params(f, dests);
    generated(
        doc,
        inline,
        quote! {
            #vis fn #core_name #generics (#params, #seed: #ret, #(#dest_params),*) -> #ret #where_clause {
                #body
            }
        },
    )
}

/// The sweeps of the function with every float parameter differentiable, when `wrt` leaves
/// some out (for the pullback).
pub type AllFloats<'a> = Option<(&'a Function, TokenStream, &'a [Ident])>;

pub fn functions(
    f: &Function,
    core_body: TokenStream,
    seed: &Ident,
    dests: &[Ident],
    all_floats: AllFloats<'_>,
    jvp_grad: bool,
) -> Generated {
    let original = &f.item;
    let Sig {
        vis,
        name,
        generics,
        where_clause,
        params,
        args,
        ret,
    } = Sig::of(f);
    let grad_ty = gradient_type(f);
    let one = f.float.one();
    let [vjp, vjp_into, grad, grad_into, value_and_grad] =
        ["vjp", "vjp_into", "grad", "grad_into", "value_and_grad"]
            .map(|suffix| format_ident!("{}_{}", name, suffix));
    let diff = diff_params(f);
    let dest_params = dest_params(f, dests);
    let zeros = diff.iter().map(|p| &p.zero);
    let grads_tuple = if dests.len() == 1 {
        quote!(#(#dests)*)
    } else {
        quote!((#(#dests),*))
    };
    // The wrappers' locals, named apart from the parameters, the seed and the destinations.
    let mut namer = crate::names::Namer::new(original);
    namer.reserve(seed);
    for d in dests {
        namer.reserve(d);
    }
    let (value, tangent) = (namer.fresh("value"), namer.fresh("tangent"));

    let core = core_fn(
        f,
        core_body,
        seed,
        dests,
        &vjp_into,
        format!(" Reverse mode of [`{name}`] with any cotangent `{seed}` of its value: adds the vector-Jacobian product into the destinations (it never zeroes them) and returns the value (generated by `#[differentiable]`)."),
        true,
    );
    let vjp_fn = generated(
        format!(" Reverse mode of [`{name}`]: its value and the vector-Jacobian product with `{seed}` (generated by `#[differentiable]`)."),
        true,
        quote! {
            #vis fn #vjp #generics (#params, #seed: #ret) -> (#ret, #grad_ty) #where_clause {
                #(let mut #dests = #zeros;)*
                let #value = #vjp_into(#(#args,)* #seed, #(&mut #dests),*);
                (#value, #grads_tuple)
            }
        },
    );
    // `NAME_grad`, `NAME_value_and_grad` and `NAME_grad_into` exist only for a float value.
    // Of one float, the gradient is one forward sweep (`NAME_jvp` with tangent 1): no tape,
    // however many iterations the reverse sweep would have to record.
    let scalar_only = if matches!(f.ret_shape, crate::parse::RetShape::Scalar) {
        let (value_and_grad_body, grad_into_body, sweeps) = if jvp_grad && one_scalar_input(f) {
            let jvp = format_ident!("{}_jvp", name);
            let dest = &dests[0];
            (
                quote!(#jvp(#(#args,)* #one)),
                quote! {
                    let (#value, #tangent) = #jvp(#(#args,)* #one);
                    *#dest = *#dest + #tangent;
                    #value
                },
                "one forward sweep of [`NAME_jvp`] with tangent 1, since it has one differentiable float",
            )
        } else {
            (
                quote!(#vjp(#(#args,)* #one)),
                quote!(#vjp_into(#(#args,)* #one, #(#dests),*)),
                "one forward and one reverse sweep",
            )
        };
        let sweeps = sweeps.replace("NAME", &name.to_string());
        let grad_fn = generated(
            format!(
                " The gradient of [`{name}`], from {sweeps} (generated by `#[differentiable]`)."
            ),
            true,
            quote!(#vis fn #grad #generics (#params) -> #grad_ty #where_clause { #value_and_grad_body.1 }),
        );
        let vag_fn = generated(
            format!(" The value and the gradient of [`{name}`], from {sweeps} (generated by `#[differentiable]`)."),
            true,
            quote!(#vis fn #value_and_grad #generics (#params) -> (#ret, #grad_ty) #where_clause { #value_and_grad_body }),
        );
        let grad_into_fn = generated(
            format!(" Adds the gradient of [`{name}`] into the destinations (it never zeroes them) and returns the value, as PyTorch's `.grad` accumulates; from {sweeps} (generated by `#[differentiable]`)."),
            true,
            quote! {
                #vis fn #grad_into #generics (#params, #(#dest_params),*) -> #ret #where_clause {
                    #grad_into_body
                }
            },
        );
        quote!(#grad_fn #vag_fn #grad_into_fn)
    } else {
        quote!()
    };
    // The pullback differentiates with respect to every float parameter, `wrt` or not: a
    // caller needs the cotangent of every float it passes.
    let pullback = match all_floats {
        Some((f_all, body_all, dests_all)) => {
            let core_all = format_ident!("__{}_vjp_into_all", name);
            let hidden = core_fn(
                f_all,
                body_all,
                seed,
                dests_all,
                &core_all,
                format!(" Reverse mode of [`{name}`] with respect to every float parameter (generated by `#[differentiable]`)."),
                // `#[inline]`: compiled only where a caller uses it.
                true,
            );
            let pullback = pullback(f_all, seed, dests_all, &core_all, crate::symbol::PULLBACK);
            (quote!(#[doc(hidden)] #hidden), pullback)
        }
        None => (
            quote!(),
            pullback(f, seed, dests, &vjp_into, crate::symbol::PULLBACK),
        ),
    };
    let (all_floats_core, pullback) = pullback;
    Generated {
        items: quote! {
            #original
            #core
            #vjp_fn
            #scalar_only
            #all_floats_core
        },
        rules: pullback,
    }
}

/// Whether `NAME_grad` and its siblings can run forward mode: when `f` has one
/// differentiable parameter, a float. One forward sweep (`NAME_jvp` with tangent 1) then gives
/// the whole gradient, without the tape a reverse sweep of a loop needs (the mode JAX's
/// `jacfwd` picks for a Jacobian with one column).
fn one_scalar_input(f: &Function) -> bool {
    let diff: Vec<&ParamKind> = f
        .params
        .iter()
        .map(|p| &p.kind)
        .filter(|k| matches!(k, ParamKind::Float { diff: true, .. }))
        .collect();
    matches!(
        diff[..],
        [ParamKind::Float {
            shape: Shape::Scalar,
            ..
        }]
    )
}

/// Generated items, and the methods they add to the rules value (see [`rules`]).
pub struct Generated {
    pub items: TokenStream,
    pub rules: TokenStream,
}
