//! `#[derive(Differentiable)]`: the runtime's `Differentiable` trait for a struct, field by
//! field. Not a stage of the transform: it writes a trait impl from the struct's fields.
//!
//! A field has a derivative unless it is marked `#[no_derivative]` or its type visibly holds
//! no float (integers, `bool`, `String`, and containers of those, as for parameters). A field
//! with a derivative must itself be `Differentiable` (or an ndarray array: the runtime's
//! `Field` is both), with the struct's scalar; the impl
//! requires it in its `where` clause, spanned on the field, so a field that is not is
//! reported there. The fields without one are copied from `self` by `zeros_like` and
//! `from_flat`, and left alone by the other methods, as the trait's contract says.

use crate::parse::signature::{generic_floats_of, holds_no_float, scalar_float};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// The attribute that marks a float field the derivative does not flow into.
pub const NO_DERIVATIVE: &str = "no_derivative";

/// Expands `#[derive(Differentiable)]` on `input`; never panics: what it cannot derive is a
/// compile error spanned on the struct or the field.
pub fn differentiable(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(input) => expand(&input).unwrap_or_else(syn::Error::into_compile_error),
        Err(err) => err.into_compile_error(),
    }
}

/// One field: how the generated code names it, its type, and whether it has a derivative.
struct Field {
    member: syn::Member,
    ty: syn::Type,
    derivative: bool,
}

fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let data = match &input.data {
        syn::Data::Struct(data) => data,
        syn::Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span,
                "`Differentiable` can be derived for structs only; an enum's variants have no common shape for a gradient",
            ))
        }
        syn::Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span,
                "`Differentiable` can be derived for structs only",
            ))
        }
    };
    let fields = fields(&data.fields)?;
    let floats = generic_floats_of(&input.generics);
    let with: Vec<&Field> = fields.iter().filter(|f| f.derivative).collect();
    let Some(first) = with.first() else {
        return Err(syn::Error::new(
            name.span(),
            format!("`{name}` has no field a derivative flows into; a `Differentiable` struct holds at least one float (a field of a float type, a `Vec` or array of floats, or another `Differentiable` struct)"),
        ));
    };
    // The scalar: the float of the first field made of floats (`f64`, `Vec<Vec<f64>>`,
    // `[T; 3]`) when there is one, else the first field's scalar (that field is then bound by
    // `Differentiable` alone, the others by its scalar: bounding two fields of one type by
    // that type's own scalar overflows rustc).
    let float_field = with
        .iter()
        .find_map(|f| inner_float(&f.ty, &floats).map(|s| s.ty()));
    let scalar = match &float_field {
        Some(ty) => quote!(#ty),
        None => {
            let ty = &first.ty;
            quote!(<#ty as ::autodiff::__private::Field>::Scalar)
        }
    };
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut where_clause = where_clause
        .cloned()
        .unwrap_or_else(|| syn::parse_quote!(where));
    for (i, f) in with.iter().enumerate() {
        let ty = &f.ty;
        where_clause
            .predicates
            .push(if i == 0 && float_field.is_none() {
                syn::parse_quote_spanned!(ty.span()=> #ty: ::autodiff::__private::Field)
            } else {
                syn::parse_quote_spanned!(ty.span()=>
                    #ty: ::autodiff::__private::Field<Scalar = #scalar>
                )
            });
    }
    let trait_path = quote!(::autodiff::__private::Differentiable);
    // The fields' operations: `Differentiable`'s, or an ndarray array's (see the runtime's
    // `Field`).
    let field_path = quote!(::autodiff::__private::Field);
    let construct = |each: &dyn Fn(&Field) -> TokenStream| -> TokenStream {
        let parts = fields.iter().map(|f| {
            let value = each(f);
            match &f.member {
                syn::Member::Named(ident) => quote!(#ident: #value),
                syn::Member::Unnamed(_) => value,
            }
        });
        match &data.fields {
            syn::Fields::Named(_) => quote!(Self { #(#parts),* }),
            syn::Fields::Unnamed(_) => quote!(Self(#(#parts),*)),
            syn::Fields::Unit => quote!(Self),
        }
    };
    let copy = |f: &Field| {
        let m = &f.member;
        quote!(::core::clone::Clone::clone(&self.#m))
    };
    let zeros = construct(&|f| {
        let m = &f.member;
        if f.derivative {
            quote_spanned!(f.ty.span()=> #field_path::zeros_like(&self.#m))
        } else {
            copy(f)
        }
    });
    let rest = format_ident!("__rest");
    let from_flat = construct(&|f| {
        let m = &f.member;
        if f.derivative {
            quote!(::autodiff::__private::take_flat(&self.#m, &mut #rest))
        } else {
            copy(f)
        }
    });
    let members: Vec<&syn::Member> = with.iter().map(|f| &f.member).collect();
    let plain_where = &input.generics.where_clause;
    let field_impls = fields.iter().map(|f| {
        let h = crate::names::field_hash(&crate::ir::member_name(&f.member));
        let derivative = f.derivative;
        quote! {
            #[automatically_derived]
            #[doc(hidden)]
            impl #impl_generics ::autodiff::__private::FieldDerivative<#h> for #name #ty_generics #plain_where {
                const DERIVATIVE: bool = #derivative;
            }
        }
    });
    Ok(quote! {
        #(#field_impls)*

        #[automatically_derived]
        impl #impl_generics #trait_path for #name #ty_generics #where_clause {
            type Scalar = #scalar;

            fn zeros_like(&self) -> Self {
                #zeros
            }

            fn add_scaled(&mut self, alpha: Self::Scalar, other: &Self) {
                #(#field_path::add_scaled(&mut self.#members, alpha, &other.#members);)*
            }

            fn dot(&self, other: &Self) -> Self::Scalar {
                <Self::Scalar as ::autodiff::__private::Zero>::zero()
                    #(+ #field_path::dot(&self.#members, &other.#members))*
            }

            fn to_flat(&self) -> ::std::vec::Vec<Self::Scalar> {
                let mut flat = ::std::vec::Vec::with_capacity(#trait_path::flat_len(self));
                #(flat.extend(#field_path::to_flat(&self.#members));)*
                flat
            }

            #[track_caller]
            fn from_flat(&self, flat: &[Self::Scalar]) -> Self {
                ::autodiff::__private::check_flat_len(#trait_path::flat_len(self), flat.len());
                let mut #rest = flat;
                #from_flat
            }

            fn flat_len(&self) -> usize {
                0 #(+ #field_path::flat_len(&self.#members))*
            }
        }
    })
}

/// The struct's fields, classified; an error for a malformed `#[no_derivative]`.
fn fields(fields: &syn::Fields) -> syn::Result<Vec<Field>> {
    let mut out = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let mut marked = false;
        for attr in &field.attrs {
            if attr.path().is_ident(NO_DERIVATIVE) {
                if !matches!(attr.meta, syn::Meta::Path(_)) {
                    return Err(syn::Error::new(
                        attr.span(),
                        "`#[no_derivative]` takes no arguments",
                    ));
                }
                marked = true;
            }
        }
        let member = match &field.ident {
            Some(ident) => syn::Member::Named(ident.clone()),
            None => syn::Member::Unnamed(syn::Index {
                index: i as u32,
                span: Span::call_site(),
            }),
        };
        out.push(Field {
            member,
            ty: field.ty.clone(),
            derivative: !marked && !holds_no_float(&field.ty),
        });
    }
    Ok(out)
}

/// The float a field's type is made of, seen through `Vec`s, arrays, `Option`s and `Box`es:
/// `f64` for `Vec<Vec<f64>>`, `T` for `[T; 3]`; None for another type (a struct).
fn inner_float(ty: &syn::Type, floats: &[syn::Ident]) -> Option<crate::parse::FloatTy> {
    if let Some(f) = scalar_float(ty, floats) {
        return Some(f);
    }
    match ty {
        syn::Type::Array(a) => inner_float(&a.elem, floats),
        syn::Type::Paren(p) => inner_float(&p.elem, floats),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            if !["Vec", "Option", "Box"].iter().any(|n| last.ident == n) {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(t) => inner_float(t, floats),
                _ => None,
            }
        }
        _ => None,
    }
}
