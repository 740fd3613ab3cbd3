//! `Decls`: the `let mut` declarations at the top of a generated function.
//!
//! Every `let` opens a lexical scope that lasts to the end of the function, and rustc's debug
//! information nests those scopes: a function with a few thousand `let`s in a row overflows
//! LLVM's stack when built with debug info (seen with rustc 1.95 at ≈ 3,000). Generated code
//! declares several locals per statement of the user's (a slot, its adjoint, a record), so a
//! long function would reach that where the user's own code does not. Up to `ONE_PER_LINE`
//! declarations are written one per line, as a person would; beyond that they are grouped,
//! `GROUP` to a tuple pattern, which keeps the nesting shallow.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

const ONE_PER_LINE: usize = 100;
const GROUP: usize = 32;

#[derive(Default)]
pub struct Decls {
    items: Vec<Decl>,
}

struct Decl {
    name: Ident,
    /// `None`: inferred from the initial value (or, for `Default::default()`, from the
    /// local's uses).
    ty: Option<TokenStream>,
    init: TokenStream,
}

impl Decls {
    /// `let mut name: ty = init;`
    pub fn push(&mut self, name: &Ident, ty: Option<TokenStream>, init: TokenStream) {
        self.items.push(Decl {
            name: name.clone(),
            ty,
            init,
        });
    }

    pub fn into_tokens(self) -> TokenStream {
        if self.items.len() <= ONE_PER_LINE {
            return self.items.iter().map(one).collect();
        }
        self.items.chunks(GROUP).map(group).collect()
    }
}

fn one(d: &Decl) -> TokenStream {
    let Decl { name, ty, init } = d;
    match ty {
        Some(ty) => quote!(let mut #name: #ty = #init;),
        None => quote!(let mut #name = #init;),
    }
}

/// `let (mut a, mut b): (f64, _) = (0.0, x);`
fn group(ds: &[Decl]) -> TokenStream {
    let names = ds.iter().map(|d| &d.name);
    let tys = ds.iter().map(|d| d.ty.clone().unwrap_or_else(|| quote!(_)));
    let inits = ds.iter().map(|d| &d.init);
    quote!(let (#(mut #names,)*): (#(#tys,)*) = (#(#inits,)*);)
}
