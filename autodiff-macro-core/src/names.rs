//! `Namer`: hygienic, readable names for generated code.
//!
//! The scheme (Clad's `_d_x`/`_t0`/`_cond0`, with a double underscore):
//!
//! | name        | what it holds                                              |
//! |-------------|------------------------------------------------------------|
//! | `x`         | a user's float variable, kept when bound once in the function |
//! | `x_1`, `x_2`| later bindings of a name that is bound several times (shadowing) |
//! | `__t0`      | a temporary of A-normal form, or a materialised constant   |
//! | `__d_x`     | the adjoint (cotangent) of slot `x`                        |
//! | `__s0`      | the value a reassignment outside loops overwrote, for the reverse sweep |
//! | `__c0`/`__m0` | the branch an `if` took / the arm a `match` took         |
//! | `__n0`/`__e0` | the trip count of a loop / which exit left its last iteration |
//! | `__ret`     | which `return` ended the forward sweep (0: the end of the body) |
//! | `__tape`    | the runtime stack loops record into                        |
//!
//! The `Namer` knows every identifier of the user's function first (Tangent's namer does the
//! same), so no generated name can capture or shadow one of the user's.

use proc_macro2::{Span, TokenStream, TokenTree};
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;
use syn::Ident;

#[derive(Clone)]
pub struct Namer {
    taken: HashSet<String>,
    /// How many times each name is bound (by any pattern) in the function.
    bindings: HashMap<String, usize>,
    /// The next suffix to try for each base, so that naming the 2000th shadowing of a name
    /// does not retry the 1999 before it.
    next_suffix: HashMap<String, usize>,
}

impl Namer {
    pub fn new(item: &syn::ItemFn) -> Self {
        let mut taken = HashSet::new();
        collect_idents(quote::quote!(#item), &mut taken);
        let mut counter = BindingCounter::default();
        counter.visit_item_fn(item);
        Namer {
            taken,
            bindings: counter.counts,
            next_suffix: HashMap::new(),
        }
    }

    /// A fresh name `base`, `base_1`, `base_2`, ... not used anywhere so far.
    pub fn fresh(&mut self, base: &str) -> Ident {
        let name = if self.taken.contains(base) {
            self.suffixed(base)
        } else {
            base.to_string()
        };
        self.taken.insert(name.clone());
        Ident::new(&name, Span::call_site())
    }

    /// Marks `ident`, a name generated elsewhere (a seed, a destination), as taken.
    pub fn reserve(&mut self, ident: &Ident) {
        self.taken.insert(ident.to_string());
    }

    /// The first `base_k` not taken, trying `k` from where the last call for `base` stopped.
    fn suffixed(&mut self, base: &str) -> String {
        let k = self.next_suffix.entry(base.to_string()).or_insert(1);
        while self.taken.contains(&format!("{base}_{k}")) {
            *k += 1;
        }
        let name = format!("{base}_{k}");
        *k += 1;
        name
    }

    /// The name of a binding the user wrote: their own when the name is bound only once in
    /// the function, a fresh version of it otherwise.
    pub fn binding(&mut self, user: &Ident) -> Ident {
        let name = user.to_string();
        if self.bindings.get(&name).copied().unwrap_or(0) <= 1 {
            user.clone()
        } else {
            let fresh = self.suffixed(&name);
            self.taken.insert(fresh.clone());
            Ident::new(&fresh, user.span())
        }
    }
}

fn collect_idents(tokens: TokenStream, out: &mut HashSet<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => collect_idents(g.stream(), out),
            _ => {}
        }
    }
}

#[derive(Default)]
struct BindingCounter {
    counts: HashMap<String, usize>,
}

impl<'ast> Visit<'ast> for BindingCounter {
    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        *self.counts.entry(p.ident.to_string()).or_default() += 1;
        syn::visit::visit_pat_ident(self, p);
    }
}

/// The number that stands for a field named `name` in the runtime's `FieldDerivative<H>`
/// (FNV-1a, 64 bits): `#[derive(Differentiable)]` implements it for every field, and the
/// transform names it for every field it reads, so both must agree on this one function.
pub fn field_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
