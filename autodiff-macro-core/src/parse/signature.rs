//! Classifies the signature: which parameters are differentiable, which pass through, the
//! float type `F` of the function, and the shape of the return value.

use crate::ctxt::Ctxt;
use crate::parse::args::Args;
use quote::ToTokens;
use syn::{
    FnArg, GenericParam, Ident, Pat, ReturnType, Signature, Type, TypeParamBound, WherePredicate,
};

/// The float type of a differentiable function.
#[derive(Clone, Debug)]
pub enum FloatTy {
    F64,
    F32,
    /// A type parameter bounded by `Float`.
    Generic(Ident),
}

impl FloatTy {
    pub fn ty(&self) -> Type {
        match self {
            FloatTy::F64 => syn::parse_quote!(f64),
            FloatTy::F32 => syn::parse_quote!(f32),
            FloatTy::Generic(t) => syn::parse_quote!(#t),
        }
    }

    /// The zero of the type, spelled for generated code.
    pub fn zero(&self) -> proc_macro2::TokenStream {
        match self {
            FloatTy::F64 | FloatTy::F32 => quote::quote!(0.0),
            FloatTy::Generic(t) => quote::quote!(<#t as ::autodiff::__private::Zero>::zero()),
        }
    }

    /// The zero an adjoint starts from and is reset to: `-0.0`. Adding to it is exact for
    /// every value (`-0.0 + g = g`, also for `g = +0.0`), so the compiler may drop the first
    /// `+` of an accumulation, which it may not do for `+0.0 + g` (that is `+0.0` when `g`
    /// is `-0.0`). A gradient that nothing reaches still comes out `+0.0`, since it is added
    /// into a zeroed destination.
    pub fn adjoint_zero(&self) -> proc_macro2::TokenStream {
        match self {
            FloatTy::F64 | FloatTy::F32 => quote::quote!(-0.0),
            FloatTy::Generic(t) => quote::quote!(<#t as ::autodiff::__private::Float>::neg_zero()),
        }
    }

    /// The one of the type, spelled for generated code.
    pub fn one(&self) -> proc_macro2::TokenStream {
        match self {
            FloatTy::F64 | FloatTy::F32 => quote::quote!(1.0),
            FloatTy::Generic(t) => quote::quote!(<#t as ::autodiff::__private::One>::one()),
        }
    }

    /// A zero of the shape of `value`, an array of type `ty`. For `f64` and `f32` the runtime's
    /// `ZeroGrad` makes it; for a generic float (which `ZeroGrad` cannot cover without
    /// overlapping impls) the zero is built from the type's syntax.
    pub fn zero_like(
        &self,
        value: &proc_macro2::TokenStream,
        ty: &syn::Type,
    ) -> proc_macro2::TokenStream {
        if !matches!(self, FloatTy::Generic(_)) {
            return quote::quote!(::autodiff::__private::ZeroGrad::zero_grad(&#value));
        }
        let zero = self.zero();
        let vec_elem = |t: &syn::Type| -> Option<syn::Type> {
            let syn::Type::Path(p) = t else { return None };
            let last = p.path.segments.last()?;
            match &last.arguments {
                syn::PathArguments::AngleBracketed(args) if last.ident == "Vec" => {
                    match args.args.first()? {
                        syn::GenericArgument::Type(t) => Some(t.clone()),
                        _ => None,
                    }
                }
                _ => None,
            }
        };
        // The zero of one element: a float, or an array of floats.
        let element = |t: &syn::Type| -> proc_macro2::TokenStream {
            match t {
                syn::Type::Array(a) => {
                    let n = &a.len;
                    quote::quote!([#zero; #n])
                }
                _ => zero.clone(),
            }
        };
        let ty = match ty {
            syn::Type::Reference(r) => &*r.elem,
            t => t,
        };
        let items = match ty {
            syn::Type::Slice(s) => Some((*s.elem).clone()),
            syn::Type::Array(_) => None,
            t => vec_elem(t),
        };
        match (ty, items) {
            (_, Some(item)) if vec_elem(&item).is_some() => {
                quote::quote!(#value.iter().map(|row| ::std::vec![#zero; row.len()]).collect::<::std::vec::Vec<_>>())
            }
            (_, Some(item)) => {
                let e = element(&item);
                quote::quote!(::std::vec![#e; #value.len()])
            }
            (syn::Type::Array(a), None) => {
                let (e, n) = (element(&a.elem), &a.len);
                quote::quote!([#e; #n])
            }
            _ => quote::quote!(::autodiff::__private::ZeroGrad::zero_grad(&#value)),
        }
    }

    fn same(&self, other: &FloatTy) -> bool {
        match (self, other) {
            (FloatTy::F64, FloatTy::F64) | (FloatTy::F32, FloatTy::F32) => true,
            (FloatTy::Generic(a), FloatTy::Generic(b)) => a == b,
            _ => false,
        }
    }

    fn name(&self) -> String {
        self.ty().to_token_stream().to_string()
    }
}

/// The shape of a float parameter.
#[derive(Clone, Debug)]
pub enum Shape {
    Scalar,
    /// A vector (`rank` 1) or a matrix of rows (`rank` 2) of floats; `grad` is the owned
    /// type of its gradient (`&[f64]` has a `Vec<f64>`).
    Array {
        rank: usize,
        grad: Box<Type>,
    },
    /// A value of a type the transform cannot see into (a struct, a type from another crate),
    /// differentiable through the runtime's `Differentiable` trait, which generated code
    /// requires of it; `grad` is its owned type (`&S` has an `S`, `&[S]` a `Vec<S>`). The body
    /// may not read it yet: its gradient is the trait's zero.
    Opaque {
        grad: Box<Type>,
    },
}

#[derive(Clone, Debug)]
pub enum ParamKind {
    /// A float parameter; `diff` tells whether its gradient is asked for.
    Float { diff: bool, shape: Shape },
    /// Any other parameter: passed through, no gradient.
    PassThrough,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub ident: Ident,
    pub ty: Type,
    pub kind: ParamKind,
}

impl Param {
    /// The type of its tangent (`_jvp`) or direction (`_hvp`): its own, but a reference for a
    /// value of a `Differentiable` type (`struct_tangent`).
    pub fn tangent_ty(&self) -> Type {
        match &self.kind {
            // An ndarray or nalgebra value: a reference to its gradient type (an owned array
            // for a view), as a struct's tangent is a reference to the struct.
            ParamKind::Float {
                shape: Shape::Opaque { grad },
                ..
            } if crate::symbol::tensor::is_tensor_type(&self.ty) => syn::parse_quote!(&#grad),
            ParamKind::Float {
                shape: Shape::Opaque { .. },
                ..
            } => struct_tangent(&self.ty),
            _ => self.ty.clone(),
        }
    }
}

/// The shape of the return value.
#[derive(Clone, Debug)]
pub enum RetShape {
    Scalar,
    /// An owned array: `[F; N]`, `Vec<F>`, `[[F; N]; M]`, `Vec<Vec<F>>`.
    Array,
    Tuple(Vec<RetShape>),
    /// A `Differentiable` struct (`Point`, `Self`, `Layer<T>`), which the body builds with a
    /// struct literal; a `_vjp` seed has its type.
    Struct,
}

impl RetShape {
    /// Whether it holds a struct.
    pub fn has_struct(&self) -> bool {
        match self {
            RetShape::Struct => true,
            RetShape::Tuple(parts) => parts.iter().any(RetShape::has_struct),
            RetShape::Scalar | RetShape::Array => false,
        }
    }
}

/// The float type and shape of a return type made of floats.
fn ret_shape(ty: &Type, generic_floats: &[Ident]) -> Option<(FloatTy, RetShape)> {
    if let Some(f) = scalar_float(ty, generic_floats) {
        return Some((f, RetShape::Scalar));
    }
    if let Type::Tuple(t) = ty {
        let parts: Option<Vec<(FloatTy, RetShape)>> = t
            .elems
            .iter()
            .map(|el| ret_shape(el, generic_floats))
            .collect();
        let parts = parts?;
        let first = parts.first()?.0.clone();
        if parts.iter().any(|(f, _)| !f.same(&first)) {
            return None;
        }
        return Some((
            first,
            RetShape::Tuple(parts.into_iter().map(|(_, s)| s).collect()),
        ));
    }
    if matches!(ty, Type::Reference(_)) {
        return None;
    }
    let (f, _, _) = array_shape(ty, generic_floats)?;
    Some((f, RetShape::Array))
}

pub struct Classified {
    pub params: Vec<Param>,
    pub float: FloatTy,
    pub ret: Type,
    pub ret_shape: RetShape,
}

/// Which float type `ty` is, if it is a scalar float.
pub fn scalar_float(ty: &Type, generic_floats: &[Ident]) -> Option<FloatTy> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let ident = path.path.get_ident()?;
    if ident == "f64" {
        Some(FloatTy::F64)
    } else if ident == "f32" {
        Some(FloatTy::F32)
    } else if generic_floats.iter().any(|g| g == ident) {
        Some(FloatTy::Generic(ident.clone()))
    } else {
        None
    }
}

/// `Vec<T>`'s `T`.
fn vec_elem(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The float type, rank and gradient type of an array parameter type: `&[F]`, `&Vec<F>`,
/// `Vec<F>`, `[F; N]` (rank 1); `&[[F; N]]`, `[[F; N]; M]`, `&[Vec<F>]`, `Vec<Vec<F>>` (rank 2).
pub fn array_shape(ty: &Type, generic_floats: &[Ident]) -> Option<(FloatTy, usize, Type)> {
    let float = |t: &Type| scalar_float(t, generic_floats);
    match ty {
        Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
            Type::Slice(s) => {
                let elem = &*s.elem;
                if let Some(f) = float(elem) {
                    return Some((f, 1, syn::parse_quote!(Vec<#elem>)));
                }
                if let Type::Array(a) = elem {
                    let f = float(&a.elem)?;
                    return Some((f, 2, syn::parse_quote!(Vec<#elem>)));
                }
                let inner = vec_elem(elem)?;
                let f = float(inner)?;
                Some((f, 2, syn::parse_quote!(Vec<Vec<#inner>>)))
            }
            // `&[F; N]`, `&[[F; N]; M]`: the array's own shape and gradient.
            elem @ Type::Array(_) => array_shape(elem, generic_floats),
            elem => {
                let inner = vec_elem(elem)?;
                let f = float(inner)?;
                Some((f, 1, syn::parse_quote!(Vec<#inner>)))
            }
        },
        Type::Array(a) => {
            if let Some(f) = float(&a.elem) {
                return Some((f, 1, ty.clone()));
            }
            let Type::Array(inner) = &*a.elem else {
                return None;
            };
            let f = float(&inner.elem)?;
            Some((f, 2, ty.clone()))
        }
        _ => {
            let elem = vec_elem(ty)?;
            if let Some(f) = float(elem) {
                return Some((f, 1, ty.clone()));
            }
            let inner = vec_elem(elem)?;
            let f = float(inner)?;
            Some((f, 2, ty.clone()))
        }
    }
}

/// Whether `ty` visibly holds no float: integers, `bool`, `char`, `str`, `String`, and
/// references, slices, arrays, tuples, `Vec`s, `Option`s and `Box`es of those. Such a
/// parameter is passed through; any other one needs a gradient.
pub fn holds_no_float(ty: &Type) -> bool {
    const NO_FLOAT: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
        "bool", "char", "str", "String",
    ];
    match ty {
        Type::Reference(r) => holds_no_float(&r.elem),
        Type::Slice(s) => holds_no_float(&s.elem),
        Type::Array(a) => holds_no_float(&a.elem),
        Type::Paren(p) => holds_no_float(&p.elem),
        Type::Group(g) => holds_no_float(&g.elem),
        Type::Tuple(t) => t.elems.iter().all(holds_no_float),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            match &last.arguments {
                syn::PathArguments::None => NO_FLOAT.iter().any(|n| last.ident == n),
                syn::PathArguments::AngleBracketed(args)
                    if ["Vec", "Option", "Box"].iter().any(|n| last.ident == n)
                        && args.args.len() == 1 =>
                {
                    matches!(&args.args[0], syn::GenericArgument::Type(t) if holds_no_float(t))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The owned gradient type of a parameter of a type the transform cannot see into: `S` for
/// `S` and `&S`, `Vec<S>` for `&[S]`; `None` for a type that cannot be named (`impl Trait`).
pub fn opaque_gradient(ty: &Type) -> Option<Type> {
    if crate::symbol::tensor::is_tensor_type(ty) {
        return Some(crate::symbol::tensor::gradient_type(ty));
    }
    match ty {
        Type::Reference(r) => match &*r.elem {
            Type::Slice(s) => {
                let elem = &s.elem;
                Some(syn::parse_quote!(::std::vec::Vec<#elem>))
            }
            elem => opaque_gradient(elem),
        },
        Type::ImplTrait(_) | Type::Infer(_) | Type::Macro(_) | Type::Never(_) => None,
        Type::Verbatim(_) | Type::Slice(_) | Type::TraitObject(_) => None,
        ty => Some(ty.clone()),
    }
}

/// The type of the tangent (`_jvp`) or direction (`_hvp`) of a parameter of a
/// `Differentiable` type `ty`: `&S` for `S`, `&S`, `&[S]` as it is; a value is passed by
/// reference, as API.md states.
pub fn struct_tangent(ty: &Type) -> Type {
    match ty {
        Type::Reference(_) => ty.clone(),
        ty => syn::parse_quote!(&#ty),
    }
}

/// Whether `ty` mentions a float anywhere (`&[f64]`, `Vec<f32>`, `(f64, usize)`).
fn mentions_float(ty: &Type, generic_floats: &[Ident]) -> bool {
    let mut found = false;
    let tokens = ty.to_token_stream();
    visit_idents(tokens, &mut |ident| {
        found |= ident == "f64" || ident == "f32" || generic_floats.iter().any(|g| g == ident)
    });
    found
}

fn visit_idents(tokens: proc_macro2::TokenStream, f: &mut dyn FnMut(&Ident)) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => f(&i),
            proc_macro2::TokenTree::Group(g) => visit_idents(g.stream(), f),
            _ => {}
        }
    }
}

/// Type parameters bounded by `Float` (`T: Float`, `T: num_traits::Float + Copy`, or in `where`).
pub fn generic_floats(sig: &Signature) -> Vec<Ident> {
    generic_floats_of(&sig.generics)
}

/// The type parameters of `generics` bounded by `Float`.
pub fn generic_floats_of(generics: &syn::Generics) -> Vec<Ident> {
    let is_float_bound = |b: &TypeParamBound| match b {
        TypeParamBound::Trait(t) => t.path.segments.last().is_some_and(|s| s.ident == "Float"),
        _ => false,
    };
    let mut out = Vec::new();
    for param in &generics.params {
        if let GenericParam::Type(tp) = param {
            if tp.bounds.iter().any(is_float_bound) {
                out.push(tp.ident.clone());
            }
        }
    }
    if let Some(wc) = &generics.where_clause {
        for pred in &wc.predicates {
            if let WherePredicate::Type(pt) = pred {
                if let Type::Path(p) = &pt.bounded_ty {
                    if let Some(id) = p.path.get_ident() {
                        if pt.bounds.iter().any(is_float_bound) && !out.contains(id) {
                            out.push(id.clone());
                        }
                    }
                }
            }
        }
    }
    out
}

/// `&self` as the parameter `self: &Self`; `&mut self` and `self` by value are refused.
fn receiver(cx: &Ctxt, r: &syn::Receiver) -> Option<syn::PatType> {
    let ty: Type = match &r.kind {
        syn::ReceiverKind::Reference(_, _, Some(m)) => {
            cx.error_spanned_by(m, "a #[differentiable] method cannot take `&mut self`: the transform does not differentiate writes to a parameter; take `&self` and return the new value (or a tuple of values)");
            return None;
        }
        syn::ReceiverKind::Reference(_, lifetime, None) => {
            syn::parse_quote_spanned!(r.self_token.span=> &#lifetime Self)
        }
        syn::ReceiverKind::Typed(_, ty) if matches!(&**ty, Type::Reference(t) if t.mutability.is_none()) => {
            (**ty).clone()
        }
        _ => {
            cx.error_spanned_by(r, "a #[differentiable] method takes `&self`: `self` by value would be moved into each generated function; write `&self`");
            return None;
        }
    };
    let self_token = syn::Ident::new("self", r.self_token.span);
    Some(syn::parse_quote!(#self_token: #ty))
}

/// Whether `sig` is a method's or an associated function's: it takes `self` or names `Self`.
/// Its generated functions are then associated functions of the same type.
pub fn in_impl(sig: &Signature) -> bool {
    let mut found = sig.receiver().is_some();
    visit_idents(sig.to_token_stream(), &mut |ident| found |= ident == "Self");
    found
}

pub fn classify(cx: &Ctxt, args: &Args, sig: &Signature) -> Option<Classified> {
    let name = &sig.ident;
    if let Some(t) = &sig.constness {
        cx.error_spanned_by(
            t,
            "a `const fn` cannot be #[differentiable]; remove `const`",
        );
    }
    if let Some(t) = &sig.asyncness {
        cx.error_spanned_by(
            t,
            "an `async fn` cannot be #[differentiable]; make it a plain `fn`",
        );
    }
    if let syn::Safety::Unsafe(t) = &sig.safety {
        cx.error_spanned_by(t, "an `unsafe fn` cannot be #[differentiable]; move the unsafe code into a function with a `custom_vjp` rule");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            "an `extern` function cannot be #[differentiable]; wrap it in a plain Rust function",
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, "a variadic function cannot be #[differentiable]");
    }

    let generic_floats = generic_floats(sig);
    let mut params = Vec::new();
    let mut float: Option<(FloatTy, Type)> = None;
    let mut saw_mismatch = false;
    for input in &sig.inputs {
        let typed = match input {
            FnArg::Receiver(r) => match receiver(cx, r) {
                Some(typed) => typed,
                None => continue,
            },
            FnArg::Typed(t) => t.clone(),
        };
        let typed = &typed;
        let ty = &*typed.ty;
        if let Type::Reference(r) = ty {
            if let Some(m) = &r.mutability {
                cx.error_spanned_by(m, "a `&mut` parameter cannot be differentiated; take the value and return the result instead");
                continue;
            }
        }
        let scalar = scalar_float(ty, &generic_floats)
            .map(|f| (f, Shape::Scalar))
            .or_else(|| {
                array_shape(ty, &generic_floats).map(|(f, rank, grad)| {
                    (
                        f,
                        Shape::Array {
                            rank,
                            grad: Box::new(grad),
                        },
                    )
                })
            });
        let ident = match &*typed.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.clone()),
            _ => None,
        };
        let Some(ident) = ident else {
            if scalar.is_some() || mentions_float(ty, &generic_floats) {
                cx.error_spanned_by(&typed.pat, "a float parameter must be bound to a plain name, as in `x: f64` (or `_x: f64` if it is unused)");
            } else {
                cx.error_spanned_by(&typed.pat, "#[differentiable] needs every parameter bound to a plain name, as in `n: usize`");
            }
            continue;
        };
        let kind = if let Some((f, shape)) = scalar {
            match &float {
                Some((first, first_ty)) if !first.same(&f) => {
                    if !saw_mismatch {
                        cx.error_spanned_by(ty, format!(
                            "all float parameters of a #[differentiable] function must have one type; this is `{}` but an earlier one is `{}`: convert with `as`",
                            f.name(), first_ty.to_token_stream()
                        ));
                        saw_mismatch = true;
                    }
                }
                Some(_) => {}
                None => float = Some((f, ty.clone())),
            }
            ParamKind::Float { diff: true, shape }
        } else if holds_no_float(ty) || args.wrt.as_ref().is_some_and(|wrt| !wrt.contains(&ident)) {
            ParamKind::PassThrough
        } else if let Some(grad) = opaque_gradient(ty) {
            ParamKind::Float {
                diff: true,
                shape: Shape::Opaque {
                    grad: Box::new(grad),
                },
            }
        } else {
            cx.error_spanned_by(ty, format!(
                "a parameter of type `{}` cannot be differentiated; name the differentiable parameters in `#[differentiable(wrt(...))]` to pass this one through as data",
                ty.to_token_stream().to_string().replace(' ', "")
            ));
            continue;
        };
        params.push(Param {
            ident,
            ty: ty.clone(),
            kind,
        });
    }

    if let Some(wrt) = &args.wrt {
        for p in &mut params {
            if let ParamKind::Float { diff, .. } = &mut p.kind {
                *diff = wrt.contains(&p.ident);
            }
        }
        for (i, w) in wrt.iter().enumerate() {
            if wrt[..i].contains(w) {
                cx.error_spanned_by(w, format!("`{w}` is named twice in `wrt(...)`"));
                continue;
            }
            match params.iter().find(|p| p.ident == *w) {
                None => cx.error_spanned_by(w, format!("`wrt({w})` names no parameter of `{name}`")),
                Some(p) if matches!(p.kind, ParamKind::PassThrough) => cx.error_spanned_by(
                    w,
                    format!(
                        "`{w}` has type `{}`, which has no gradient; `wrt(...)` can name only float parameters",
                        p.ty.to_token_stream().to_string().replace(' ', "")
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    let ret = match &sig.output {
        ReturnType::Default => {
            cx.error_spanned_by(name, format!(
                "`{name}` has no return type; a #[differentiable] function returns the float it computes, as in `fn {name}(x: f64) -> f64`"
            ));
            None
        }
        ReturnType::Type(_, ty) if crate::symbol::tensor::is_tensor_type(ty) => {
            cx.error_spanned_by(ty, "returning an ndarray or nalgebra value from a #[differentiable] function is not supported yet; return a float computed from it (a loss, `v.sum()`, `v.norm()`), or its elements as `[F; N]` or `Vec<F>`");
            None
        }
        ReturnType::Type(_, ty) => {
            let f = ret_shape(ty, &generic_floats).or_else(|| {
                // A struct, in the float type of the parameters.
                let is_struct =
                    matches!(&**ty, Type::Path(p) if p.qself.is_none()) && !holds_no_float(ty);
                float
                    .as_ref()
                    .filter(|_| is_struct)
                    .map(|(f, _)| (f.clone(), RetShape::Struct))
            });
            match (&f, &float) {
                (None, _) => {
                    cx.error_spanned_by(ty, "a #[differentiable] function must return floats: a float `F` (`f64`, `f32` or a type parameter bounded by `Float`), `[F; N]`, `Vec<F>`, `[[F; N]; M]`, `Vec<Vec<F>>`, a tuple of those, or a struct that derives `Differentiable`");
                    None
                }
                (Some((f, _)), Some((p, _))) if !f.same(p) => {
                    cx.error_spanned_by(
                        ty,
                        format!(
                            "the return type must be the float type of the parameters, `{}`",
                            p.name()
                        ),
                    );
                    None
                }
                (Some((f, shape)), _) => {
                    // With no float parameter (only values the transform cannot see
                    // into), the return type says which float the function computes in.
                    float.get_or_insert_with(|| (f.clone(), (**ty).clone()));
                    Some(((**ty).clone(), shape.clone()))
                }
            }
        }
    };

    let has_diff = params
        .iter()
        .any(|p| matches!(p.kind, ParamKind::Float { diff: true, .. }));
    if !has_diff && ret.is_some() && !cx.has_errors() {
        cx.error_at(sig.paren_token.span.join(), format!(
            "`{name}` has no float parameter to differentiate; give it a parameter of type `f64`, `f32` or a `Float` type parameter"
        ));
    }
    let (float, _) = float?;
    let (ret, ret_shape) = ret?;
    Some(Classified {
        params,
        float,
        ret,
        ret_shape,
    })
}
