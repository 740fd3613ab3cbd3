//! The sweeps of element writes, `push`, and how array elements and rows are spelled.

use super::Sweeper;
use crate::ir::walk::slot_of;
use crate::ir::{ArrayRef, Push, SlotTy, Write};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

impl Sweeper<'_> {
    fn indices(&self, r: &ArrayRef) -> Vec<TokenStream> {
        r.index
            .iter()
            .map(|op| crate::ir::walk::operand_tokens(&self.body.slots, op))
            .collect()
    }

    /// `x[i][j]`.
    pub(super) fn element(&self, r: &ArrayRef) -> TokenStream {
        let name = &self.body.array(r.array).name;
        let idx = self.indices(r);
        quote!(#name #([#idx])*)
    }

    /// `__d_x[i][j]`.
    pub(super) fn adjoint_element(&self, r: &ArrayRef) -> TokenStream {
        let name = &self.names.array_adjoint[r.array.0];
        let idx = self.indices(r);
        quote!(#name #([#idx])*)
    }

    /// `&x[i][..]`: the array or row as a slice.
    pub(super) fn slice(&self, r: &ArrayRef) -> TokenStream {
        let element = self.element(r);
        quote!(&#element[..])
    }

    /// `&mut __d_x[i][..]`.
    pub(super) fn adjoint_slice(&self, r: &ArrayRef) -> TokenStream {
        let element = self.adjoint_element(r);
        quote!(&mut #element[..])
    }

    /// `__d_v = __d_v + g;` when `v` is an active slot; nothing for a literal or an inactive slot.
    fn accumulate(&self, value: &crate::ir::Operand, g: &proc_macro2::Ident) -> TokenStream {
        match slot_of(value).filter(|s| self.an.is_active(*s)) {
            Some(s) => {
                let d = self.adjoint(s);
                quote!(#d = #d + #g;)
            }
            None => quote!(),
        }
    }

    // Input:  x[i] = v;
    // Output: forward:  (save x[i] if a rule reads x whole) x[i] = v;
    //         reverse:  (restore x[i]) { let __g0 = __d_x[i]; __d_x[i] = 0.0; __d_v += __g0; }
    pub(super) fn write(&mut self, w: &Write) -> (TokenStream, TokenStream) {
        let element = self.element(&w.target);
        let value = crate::ir::walk::operand_tokens(&self.body.slots, &w.value);
        let in_loop = self.in_loop();
        let (save, restore) = if self.an.saves_element(w) {
            self.save_place(element.clone(), SlotTy::Float, in_loop)
        } else {
            (quote!(), quote!())
        };
        let forward = quote_spanned!(w.span=> #save #element = #value;);
        if !self.an.is_array_active(w.target.array) {
            return (forward, restore);
        }
        // x[i] = v  ⇒  v̄ += x̄[i], x̄[i] = 0 (the old element is overwritten)
        let d_element = self.adjoint_element(&w.target);
        let zero = self.f.float.adjoint_zero();
        let g0 = &self.names.grad[0];
        let accumulate = self.accumulate(&w.value, g0);
        (
            forward,
            quote!({
                #restore
                let #g0 = #d_element;
                #d_element = #zero;
                #accumulate
            }),
        )
    }

    // Input:  let p = softmax(&v);
    // Output: forward:  p = softmax(&v[..]);
    //         reverse:  rules::softmax(&p[..], &__d_p[..], Some(&mut __d_v[..]));
    pub(super) fn map(&mut self, m: &crate::ir::Map) -> (TokenStream, TokenStream) {
        let dst = &self.body.array(m.dst).name;
        let src = self.slice(&m.src);
        let forward = quote_spanned!(m.span=> #dst = ::autodiff::__private::softmax(#src););
        if !self.an.is_array_active(m.dst) {
            return (forward, quote!());
        }
        let d_dst = &self.names.array_adjoint[m.dst.0];
        let sink = if self.an.is_array_active(m.src.array) {
            let d = self.adjoint_slice(&m.src);
            quote!(::core::option::Option::Some(#d))
        } else {
            quote!(::core::option::Option::None)
        };
        (
            forward,
            quote!(::autodiff::__private::rules::softmax(&#dst[..], &#d_dst[..], #sink);),
        )
    }

    // Input:  v.push(x);
    // Output: forward:  v.push(x);
    //         reverse:  { v.pop(); let __g0 = __d_v.pop(); __d_x += __g0; }
    // Popping the adjoint with the vector keeps both the length they had when the push ran,
    // which rules such as `mean` and `norm` read.
    pub(super) fn push(&mut self, p: &Push) -> (TokenStream, TokenStream) {
        let name = &self.body.array(p.array).name;
        let value = crate::ir::walk::operand_tokens(&self.body.slots, &p.value);
        let forward = quote_spanned!(p.span=> #name.push(#value););
        let active = self.an.is_array_active(p.array);
        if !active && !self.an.array_needed[p.array.0] {
            return (forward, quote!());
        }
        let adjoint = if active {
            let d = &self.names.array_adjoint[p.array.0];
            let zero = self.f.float.adjoint_zero();
            let g0 = &self.names.grad[0];
            let accumulate = self.accumulate(&p.value, g0);
            quote!(let #g0 = #d.pop().unwrap_or(#zero); #accumulate)
        } else {
            quote!()
        };
        (forward, quote!({ #name.pop(); #adjoint }))
    }
}
