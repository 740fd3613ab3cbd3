//! What the macro emits when it reports errors (thiserror's fallback): the original function
//! unchanged, and stubs of the generated functions with the types they would have had, so
//! the user sees our errors and not a cascade of "cannot find function `f_grad`".

use crate::parse::signature::{
    array_shape, generic_floats, holds_no_float, opaque_gradient, scalar_float,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, ItemFn, ReturnType};

pub fn stubs(item: &ItemFn, wrt: Option<&[syn::Ident]>) -> TokenStream {
    let sig = &item.sig;
    let vis = &item.vis;
    let name = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &generics.where_clause;
    let floats = generic_floats(sig);
    // A method's `&self` stays as written; it is the parameter `self: &Self`.
    let params: Vec<&FnArg> = sig.inputs.iter().collect();
    let self_ident = syn::Ident::new("self", proc_macro2::Span::call_site());
    let self_ty: syn::Type = syn::parse_quote!(&Self);
    // Each parameter with a gradient, as the signature's classification would give it: its
    // name, the type of its tangent, its gradient type and its destination type.
    let with_gradient: Vec<(&syn::Ident, syn::Type, TokenStream, TokenStream)> = params
        .iter()
        .filter_map(|a| {
            let (ident, ty) = match a {
                FnArg::Typed(t) => match &*t.pat {
                    syn::Pat::Ident(p) => (&p.ident, &*t.ty),
                    _ => return None,
                },
                FnArg::Receiver(_) => (&self_ident, &self_ty),
            };
            let (grad, dest, tangent) = if let Some(f) = scalar_float(ty, &floats) {
                let f = f.ty();
                (quote!(#f), quote!(&mut #f), ty.clone())
            } else if let Some((_, _, grad)) = array_shape(ty, &floats) {
                (quote!(#grad), super::destination_type(&grad), ty.clone())
            } else if holds_no_float(ty) {
                return None;
            } else {
                let grad = opaque_gradient(ty)?;
                (
                    quote!(#grad),
                    quote!(&mut #grad),
                    crate::parse::signature::struct_tangent(ty),
                )
            };
            Some((ident, tangent, grad, dest))
        })
        .collect();
    // `wrt(...)` as the signature takes it; names of no such parameter are errors reported
    // already, and are left out here.
    let wrt: Option<Vec<&syn::Ident>> = wrt
        .map(|wrt| {
            wrt.iter()
                .filter(|w| with_gradient.iter().any(|(p, ..)| p == w))
                .collect::<Vec<_>>()
        })
        .filter(|named| !named.is_empty());
    let named: Vec<&(&syn::Ident, syn::Type, TokenStream, TokenStream)> = with_gradient
        .iter()
        .filter(|(p, ..)| wrt.as_ref().is_none_or(|wrt| wrt.contains(p)))
        .collect();
    // The tangent of each differentiable parameter, of its type (a reference for a struct).
    let tangents: Vec<TokenStream> = named
        .iter()
        .map(|(p, ty, ..)| {
            let ident = format_ident!("tan_{}", p);
            quote!(#ident: #ty)
        })
        .collect();
    // The gradient type and the destination type of each differentiable parameter.
    let grads: Vec<(TokenStream, TokenStream)> = named
        .iter()
        .map(|(_, _, grad, dest)| (grad.clone(), dest.clone()))
        .collect();
    let ret = match &sig.output {
        ReturnType::Type(_, ty) => quote!(#ty),
        ReturnType::Default => quote!(f64),
    };
    let dests: Vec<TokenStream> = grads
        .iter()
        .enumerate()
        .map(|(i, (_, dest))| {
            let d = format_ident!("__d{}", i);
            quote!(#d: #dest)
        })
        .collect();
    let grads: Vec<&TokenStream> = grads.iter().map(|(g, _)| g).collect();
    let grad_ty = if grads.len() == 1 {
        quote!(#(#grads)*)
    } else {
        quote!((#(#grads),*))
    };
    let lints = super::allow_lints();
    let stub = quote!(::core::unreachable!("#[differentiable] reported an error"));
    let [vjp, vjp_into, grad, grad_into, vag] =
        ["vjp", "vjp_into", "grad", "grad_into", "value_and_grad"]
            .map(|suffix| format_ident!("{}_{}", name, suffix));
    let scalar_return = match &sig.output {
        ReturnType::Type(_, ty) => scalar_float(ty, &floats).is_some(),
        ReturnType::Default => true,
    };
    let (jvp, hvp) = (format_ident!("{}_jvp", name), format_ident!("{}_hvp", name));
    let grad_and_hvp = format_ident!("{}_grad_and_hvp", name);
    let scalar_only = if scalar_return {
        quote! {
            #lints #vis fn #hvp #generics (#(#params,)* #(#tangents),*) -> #grad_ty #where_clause { #stub }
            #lints #vis fn #grad_and_hvp #generics (#(#params,)* #(#tangents),*) -> (#grad_ty, #grad_ty) #where_clause { #stub }
            #lints #vis fn #grad #generics (#(#params),*) -> #grad_ty #where_clause { #stub }
            #lints #vis fn #vag #generics (#(#params),*) -> (#ret, #grad_ty) #where_clause { #stub }
            #lints #vis fn #grad_into #generics (#(#params,)* #(#dests),*) -> #ret #where_clause { #stub }
        }
    } else {
        quote!()
    };
    quote! {
        #lints #vis fn #vjp #generics (#(#params,)* seed: #ret) -> (#ret, #grad_ty) #where_clause { #stub }
        #lints #vis fn #vjp_into #generics (#(#params,)* seed: #ret, #(#dests),*) -> #ret #where_clause { #stub }
        #lints #vis fn #jvp #generics (#(#params,)* #(#tangents),*) -> (#ret, #ret) #where_clause { #stub }
        #scalar_only
    }
}
