//! The attribute's arguments: `#[differentiable]`, `#[differentiable(wrt(a, b))]`,
//! `#[differentiable(custom_vjp = path)]`.

use crate::symbol::{CUSTOM_VJP, WRT};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Ident, Token};

#[derive(Default)]
pub struct Args {
    /// `wrt(a, b)`: the parameters to differentiate, as written.
    pub wrt: Option<Vec<Ident>>,
    /// `custom_vjp = path`: the function giving the gradient instead of the transform.
    pub custom_vjp: Option<syn::Path>,
}

const EXPECTED: &str =
    "expected `#[differentiable]`, `#[differentiable(wrt(a, b))]` or `#[differentiable(custom_vjp = path)]`";

pub fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<Args> {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident(WRT) {
            if args.wrt.is_some() {
                return Err(
                    meta.error("`wrt` is given twice; list every parameter in one `wrt(...)`")
                );
            }
            let content;
            syn::parenthesized!(content in meta.input);
            // `Ident::parse_any` also takes `self`, a method's receiver.
            let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(
                &content,
                syn::ext::IdentExt::parse_any,
            )?;
            if names.is_empty() {
                return Err(meta.error("`wrt()` names no parameter; write `wrt(a, b)` or leave it out to differentiate every float parameter"));
            }
            args.wrt = Some(names.into_iter().collect());
            Ok(())
        } else if meta.path.is_ident(CUSTOM_VJP) {
            if args.custom_vjp.is_some() {
                return Err(meta.error("`custom_vjp` is given twice; give one rule"));
            }
            let path: syn::Path = meta.value()?.parse()?;
            args.custom_vjp = Some(path);
            Ok(())
        } else {
            Err(meta.error(format_args!(
                "unknown argument `{}` of #[differentiable]; {EXPECTED}",
                meta.path.to_token_stream().to_string().replace(' ', "")
            )))
        }
    });
    parser.parse2(tokens).map_err(|err| {
        let message = err.to_string();
        if message.contains("#[differentiable")
            || message.contains("`wrt")
            || message.contains("`custom_vjp")
        {
            err
        } else {
            syn::Error::new(
                err.span(),
                format!("malformed #[differentiable] argument: {message}; {EXPECTED}"),
            )
        }
    })?;
    Ok(args)
}
