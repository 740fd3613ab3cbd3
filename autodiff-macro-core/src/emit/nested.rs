//! The rules of `f`'s generated derivatives, for bodies that call them (nested
//! differentiation): `grad` and `jvp`, each with a `_pullback` and a `_tangent`
//! (`symbol::nested_names`), methods of `f_derivative()` like `f`'s own rules. A call of
//! `f_value_and_grad` is lowered as calls of `f` and `f_grad`, and needs none of its own.
//!
//! They are written with `f`'s second-order rule `tangent_pullback` (the reverse sweep of
//! its tangent, `∂(∇f·v)/∂x = H·v` and `∂(∇f·v)/∂v = ∇f`) and its `pullback`: no derivative
//! is spelled here. With `x` the float parameters, `W` those `wrt` names, `v` a tangent of
//! `W`, `δ` a tangent of the arguments and `s` a seed:
//!
//! | call | pullback (cotangents of the arguments) | tangent |
//! |---|---|---|
//! | `f_grad(x) = ∇_W f` | `x̄ += H·s` | `(H·δx)_W` |
//! | `f_jvp(x, v) = (f, ∇f·v)` | `x̄ += s₀·∇f + s₁·H·v`, `v̄ += s₁·∇_W f` | `(∇f·δx, vᵀH·δx + ∇_W f·δv)` |
//!
//! (`H` is symmetric, so `H·s` is the reverse of `∇f` as well as its tangent.) Generated for
//! free functions of scalar float parameters (and data that is `Copy` by its syntax) with a
//! float value, when second order is on; a function whose own body calls generated
//! derivatives has no second-order rule, so it has none of these either. For any other
//! callee, rustc reports the missing rule (`no method named grad_pullback`) on the call.

use super::{generated, rules_receiver, Sig};
use crate::parse::{Function, ParamKind, RetShape, Shape};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The nested rules of `f`, or nothing when it does not qualify (see the module doc).
pub fn rules(f: &Function) -> TokenStream {
    // Data is passed to two rules, so it must be `Copy` by its syntax.
    let scalar_params = f.params.iter().all(|p| match &p.kind {
        ParamKind::PassThrough => is_copy(&p.ty),
        ParamKind::Float { shape, .. } => matches!(shape, Shape::Scalar),
    });
    if !crate::SECOND_ORDER
        || !matches!(f.ret_shape, RetShape::Scalar)
        || !scalar_params
        || crate::parse::signature::in_impl(&f.item.sig)
    {
        return TokenStream::new();
    }
    let n = Nest::new(f);
    let mut out = TokenStream::new();
    out.extend(n.grad_pullback());
    out.extend(n.grad_tangent());
    out.extend(n.jvp_pullback());
    out.extend(n.jvp_tangent());
    out
}

/// Whether `ty` is `Copy` by its syntax: a shared reference, a primitive, a tuple of those.
fn is_copy(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => r.mutability.is_none(),
        syn::Type::Paren(p) => is_copy(&p.elem),
        syn::Type::Tuple(t) => t.elems.iter().all(is_copy),
        syn::Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
            const PRIMITIVES: [&str; 16] = [
                "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
                "i64", "i128", "isize", "f32", "f64",
            ];
            PRIMITIVES.contains(&i.to_string().as_str())
        }),
        _ => false,
    }
}

struct Nest<'a> {
    f: &'a Function,
    sig: Sig<'a>,
    /// Per parameter: whether it is a float, and whether `wrt` names it.
    float: Vec<bool>,
    wrt: Vec<bool>,
    float_ty: syn::Type,
}

impl<'a> Nest<'a> {
    fn new(f: &'a Function) -> Self {
        let kind = |p: &crate::parse::Param| match p.kind {
            ParamKind::Float { diff, .. } => (true, diff),
            _ => (false, false),
        };
        Nest {
            f,
            sig: Sig::of(f),
            float: f.params.iter().map(|p| kind(p).0).collect(),
            wrt: f.params.iter().map(|p| kind(p).1).collect(),
            float_ty: f.float.ty(),
        }
    }

    /// `fn name(self, <params>, rest) -> ret { body }`, with `f`'s generics.
    fn method(
        &self,
        name: &str,
        rest: TokenStream,
        ret: TokenStream,
        body: TokenStream,
    ) -> TokenStream {
        let Sig {
            generics,
            where_clause,
            params,
            ..
        } = &self.sig;
        let name = format_ident!("{}", name);
        let receiver = rules_receiver(self.f);
        let f = self.f.name();
        generated(
            format!(" The rule `{name}` of [`{f}`]'s generated derivative, for `#[differentiable]` bodies that call it."),
            true,
            quote! {
                pub fn #name #generics (#receiver #params #rest) -> #ret #where_clause {
                    #body
                }
            },
        )
    }

    fn names(&self, prefix: &str, which: &[bool]) -> Vec<Option<Ident>> {
        self.f
            .params
            .iter()
            .zip(which)
            .map(|(p, w)| w.then(|| format_ident!("__{}_{}", prefix, p.ident)))
            .collect()
    }

    /// The gradient's type `G`: a float for one `wrt` parameter, else a tuple.
    fn grad_ty(&self) -> TokenStream {
        let ty = &self.float_ty;
        let k = self.wrt.iter().filter(|w| **w).count();
        if k == 1 {
            quote!(#ty)
        } else {
            let tys = (0..k).map(|_| quote!(#ty));
            quote!((#(#tys,)*))
        }
    }

    /// `names` (of the `wrt` parameters) in the gradient's shape, as a pattern or a value.
    fn grad_tuple(&self, names: &[Option<Ident>]) -> TokenStream {
        let names: Vec<&Ident> = names
            .iter()
            .zip(&self.wrt)
            .filter_map(|(n, w)| n.as_ref().filter(|_| *w))
            .collect();
        match names.as_slice() {
            [one] => quote!(#one),
            many => quote!((#(#many,)*)),
        }
    }

    /// `let mut name = 0;` for each name.
    fn zeros(&self, names: &[Option<Ident>]) -> TokenStream {
        let (ty, zero) = (&self.float_ty, self.f.float.zero());
        let names = names.iter().flatten();
        quote!(#(let mut #names: #ty = #zero;)*)
    }

    /// One float per float parameter: the name where there is one, else zero.
    fn per_float(&self, names: &[Option<Ident>]) -> Vec<TokenStream> {
        let zero = self.f.float.zero();
        names
            .iter()
            .zip(&self.float)
            .filter(|(_, f)| **f)
            .map(|(n, _)| match n {
                Some(n) => quote!(#n),
                None => zero.clone(),
            })
            .collect()
    }

    /// `Some(&mut name)` per parameter where there is a name, else `None`.
    fn sinks(names: &[Option<Ident>], only: &[bool]) -> Vec<TokenStream> {
        names
            .iter()
            .zip(only)
            .filter(|(_, o)| **o)
            .map(|(n, _)| match n {
                Some(n) => quote!(::core::option::Option::Some(&mut #n)),
                None => quote!(::core::option::Option::None),
            })
            .collect()
    }

    /// The destination parameters `__pullback_<x>: Option<&mut ..>`, one per parameter.
    fn options(&self) -> (Vec<Ident>, TokenStream) {
        let names: Vec<Ident> = self
            .f
            .params
            .iter()
            .map(|p| format_ident!("__pullback_{}", p.ident))
            .collect();
        let types = self.f.params.iter().map(|p| super::option_type(self.f, p));
        let params = quote!(#(, #names: #types)*);
        (names, params)
    }

    /// The tangent slots `__slot_<prefix>_<x>: impl TangentArg<F>` of the parameters `which`
    /// marks, read into floats `__<prefix>_<x>` (zero for `NoTangent`); for the others, a slot
    /// `impl TangentArg<()>` when `unit_slots` (a tangent slot per parameter of `f`, as
    /// callers pass them), else none (`f_jvp`'s tangent arguments, one per `wrt` parameter).
    fn slots(
        &self,
        prefix: &str,
        which: &[bool],
        unit_slots: bool,
    ) -> (Vec<Option<Ident>>, TokenStream, TokenStream) {
        let (ty, zero) = (&self.float_ty, self.f.float.zero());
        let mut params = TokenStream::new();
        let mut read = TokenStream::new();
        let mut names = Vec::new();
        for (p, w) in self.f.params.iter().zip(which) {
            let slot = format_ident!("__slot_{}_{}", prefix, p.ident);
            if *w {
                let d = format_ident!("__{}_{}", prefix, p.ident);
                params.extend(quote!(, #slot: impl ::autodiff::__private::TangentArg<#ty>));
                read.extend(quote! {
                    let #d: #ty = match ::autodiff::__private::TangentArg::tangent(#slot) {
                        ::core::option::Option::Some(t) => t,
                        ::core::option::Option::None => #zero,
                    };
                });
                names.push(Some(d));
            } else {
                if unit_slots {
                    params.extend(quote!(, #slot: impl ::autodiff::__private::TangentArg<()>));
                }
                names.push(None);
            }
        }
        (names, params, read)
    }

    /// `self.tangent_pullback_floats(<args>, tangents, seed, param sinks, tangent sinks);`
    fn tangent_pullback(
        &self,
        tangents: &[TokenStream],
        seed: TokenStream,
        param_sinks: &[TokenStream],
        tangent_sinks: &[TokenStream],
    ) -> TokenStream {
        let args = &self.sig.args;
        let rule = format_ident!("{}_floats", crate::symbol::TANGENT_PULLBACK);
        quote!(self.#rule(#(#args,)* #(#tangents,)* #seed, #(#param_sinks,)* #(#tangent_sinks),*);)
    }

    /// `Σ a·b` over the pairs (zero for none).
    fn dot(&self, a: &[Option<Ident>], b: &[Option<Ident>]) -> TokenStream {
        let terms: Vec<TokenStream> = a
            .iter()
            .zip(b)
            .filter_map(|(x, y)| Some((x.as_ref()?, y.as_ref()?)))
            .map(|(x, y)| quote!(#x * #y))
            .collect();
        if terms.is_empty() {
            return self.f.float.zero();
        }
        quote!(#(#terms)+*)
    }

    fn none_per_float(&self) -> Vec<TokenStream> {
        let n = self.float.iter().filter(|f| **f).count();
        vec![quote!(::core::option::Option::None); n]
    }

    fn grad_pullback(&self) -> TokenStream {
        let g = self.grad_ty();
        let s = self.names("s", &self.wrt);
        let pattern = self.grad_tuple(&s);
        let (options, option_params) = self.options();
        let options: Vec<TokenStream> = options.iter().map(|o| quote!(#o)).collect();
        let call = self.tangent_pullback(
            &self.per_float(&s),
            self.f.float.one(),
            &options,
            &self.none_per_float(),
        );
        self.method(
            "grad_pullback",
            quote!(, __seed: #g #option_params),
            quote!(()),
            quote!(let #pattern = __seed; #call),
        )
    }

    /// `H·δ` over every float, its `wrt` rows, and `∇f` over every float.
    fn hessian_times(
        &self,
        d: &[Option<Ident>],
    ) -> (TokenStream, Vec<Option<Ident>>, Vec<Option<Ident>>) {
        let h = self.names("h", &self.float);
        let g = self.names("g", &self.float);
        let call = self.tangent_pullback(
            &self.per_float(d),
            self.f.float.one(),
            &Self::sinks(&h, &vec![true; h.len()]),
            &Self::sinks(&g, &self.float),
        );
        let zeros = (self.zeros(&h), self.zeros(&g));
        let (zh, zg) = zeros;
        (quote!(#zh #zg #call), h, g)
    }

    fn grad_tangent(&self) -> TokenStream {
        let (d, slot_params, read) = self.slots("dx", &self.float, true);
        let (compute, h, _) = self.hessian_times(&d);
        let result = self.grad_tuple(&h);
        self.method(
            "grad_tangent",
            slot_params,
            self.grad_ty(),
            quote!(#read #compute #result),
        )
    }

    /// `f_jvp`'s arguments after `f`'s: one tangent per `wrt` parameter, `tan_<x>`.
    fn jvp_tangent_params(&self) -> (Vec<Option<Ident>>, TokenStream) {
        let ty = &self.float_ty;
        let v = self.names("tan", &self.wrt);
        let params = v.iter().flatten().map(|t| quote!(, #t: #ty));
        (v.clone(), quote!(#(#params)*))
    }

    fn jvp_pullback(&self) -> TokenStream {
        let ty = &self.float_ty;
        let (v, v_params) = self.jvp_tangent_params();
        let (options, option_params) = self.options();
        let v_options: Vec<Ident> = v
            .iter()
            .flatten()
            .map(|t| format_ident!("__pullback_{}", t))
            .collect();
        let v_option_params = v_options
            .iter()
            .map(|o| quote!(, #o: ::core::option::Option<&mut #ty>));
        let args = &self.sig.args;
        let first: Vec<TokenStream> = options.iter().map(|o| quote!(#o.as_deref_mut())).collect();
        let then: Vec<TokenStream> = options.iter().map(|o| quote!(#o)).collect();
        // The tangent sinks: the `wrt` parameters' options, `None` for the other floats.
        let mut v_sinks = Vec::new();
        let mut next = v_options.iter();
        for (f, w) in self.float.iter().zip(&self.wrt) {
            match (f, w) {
                (true, true) => {
                    let o = next.next();
                    v_sinks.push(quote!(#o));
                }
                (true, false) => v_sinks.push(quote!(::core::option::Option::None)),
                _ => {}
            }
        }
        let call = self.tangent_pullback(&self.per_float(&v), quote!(__s_tangent), &then, &v_sinks);
        let pullback = format_ident!("{}", crate::symbol::PULLBACK);
        self.method(
            "jvp_pullback",
            quote!(#v_params, __seed: (#ty, #ty) #option_params #(#v_option_params)*),
            quote!(()),
            quote! {
                let (__s_value, __s_tangent) = __seed;
                #(let mut #options = #options;)*
                self.#pullback(#(#args,)* __s_value, #(#first),*);
                #call
            },
        )
    }

    fn jvp_tangent(&self) -> TokenStream {
        let ty = &self.float_ty;
        let (v, v_params) = self.jvp_tangent_params();
        let (dx, slot_params, read) = self.slots("dx", &self.float, true);
        let (dv, v_slot_params, v_read) = self.slots("dv", &self.wrt, false);
        let (compute, hv, grad) = self.hessian_times(&v);
        let value = self.dot(&grad, &dx);
        let second = self.dot(&hv, &dx);
        let grad_wrt: Vec<Option<Ident>> = grad
            .iter()
            .zip(&self.wrt)
            .map(|(g, w)| g.clone().filter(|_| *w))
            .collect();
        let first = self.dot(&grad_wrt, &dv);
        // `vᵀH·δx + ∇_W f·δv`: H·v from the rule, read against δx.
        self.method(
            "jvp_tangent",
            quote!(#v_params #slot_params #v_slot_params),
            quote!((#ty, #ty)),
            quote!(#read #v_read #compute (#value, #second + #first)),
        )
    }
}
