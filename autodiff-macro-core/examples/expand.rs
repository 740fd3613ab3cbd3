//! Prints the expansion of every `#[differentiable(...)]` function of a Rust file:
//! `cargo run -p autodiff-macro-core --example expand -- FILE [NAME]`.

use proc_macro2::TokenStream;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: expand FILE [NAME]");
    let only = args.next();
    let source = std::fs::read_to_string(path).unwrap();
    let file: syn::File = syn::parse_str(&source).unwrap();
    for item in file.items {
        let syn::Item::Fn(mut f) = item else { continue };
        let Some(at) = f
            .attrs
            .iter()
            .position(|a| a.path().is_ident("differentiable"))
        else {
            continue;
        };
        if only.as_ref().is_some_and(|n| f.sig.ident != n) {
            continue;
        }
        let args = match f.attrs.remove(at).meta {
            syn::Meta::List(list) => list.tokens,
            _ => TokenStream::new(),
        };
        let tokens = autodiff_macro_core::differentiable(args, quote::quote!(#f));
        let out: syn::File = syn::parse2(tokens).unwrap();
        println!("{}", prettyplease::unparse(&out));
    }
}
