//! How a primitive is spelled in generated code: its primal, and the call of its runtime
//! rule. No derivative is written here; the rule in `autodiff_runtime::rules` owns the math.

use crate::symbol::{Form, Prim, RuleArg};
use proc_macro2::{Ident, Punct, Spacing, TokenStream};
use quote::{format_ident, quote, ToTokens};

/// The primal `prim(args)`: `a + b`, `-a`, `a.exp()`, or `f64::exp(2.0)` when the receiver
/// is a literal (a method call on an untyped literal does not type-check).
pub fn primal(
    prim: &Prim,
    args: &[TokenStream],
    receiver_is_lit: bool,
    float: &syn::Type,
) -> TokenStream {
    match prim.form {
        Form::Infix(op) => {
            let (a, b) = (&args[0], &args[1]);
            let op = punct(op);
            quote!(#a #op #b)
        }
        Form::Prefix(op) => {
            let a = &args[0];
            let op = punct(op);
            quote!(#op #a)
        }
        Form::Term(of, k) => {
            let name = format_ident!("{}", of.name);
            let pick = (of.grads.len() > 1).then(|| {
                let k = syn::Index::from(k);
                quote!(.#k)
            });
            quote!(::autodiff::__private::rules::#name(#(#args),*) #pick)
        }
        Form::Method => {
            let name = format_ident!("{}", prim.name);
            if receiver_is_lit {
                quote!(<#float>::#name(#(#args),*))
            } else {
                let recv = &args[0];
                let rest = &args[1..];
                quote!(#recv.#name(#(#rest),*))
            }
        }
    }
}

fn punct(op: &str) -> TokenStream {
    let chars: Vec<char> = op.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let spacing = if i + 1 < chars.len() {
                Spacing::Joint
            } else {
                Spacing::Alone
            };
            Punct::new(*c, spacing).to_token_stream()
        })
        .collect()
}

/// `::autodiff::__private::rules::<name>(<rule args>, seed)`.
pub fn call(prim: &Prim, args: &[TokenStream], out: &TokenStream, seed: &Ident) -> TokenStream {
    let name = format_ident!("{}", prim.name);
    let rule_args = prim.rule_args.iter().map(|a| match a {
        RuleArg::In(i) => args[*i].clone(),
        RuleArg::Out => out.clone(),
    });
    match prim.form {
        Form::Term(_, k) => {
            let k = proc_macro2::Literal::usize_unsuffixed(k);
            quote!(::autodiff::__private::rules::tangent::#name::<#k, _>(#(#rule_args,)* #seed))
        }
        _ => quote!(::autodiff::__private::rules::#name(#(#rule_args,)* #seed)),
    }
}
