//! The sweeps of element writes, `push`, and how array elements and rows are spelled.

use super::Sweeper;
use crate::ir::walk::slot_of;
use crate::ir::{ArrayRef, Push, SlotTy, Write};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

impl Sweeper<'_> {
    fn indices(&self, r: &ArrayRef) -> Vec<TokenStream> {
        r.dims()
            .iter()
            .map(|op| crate::ir::walk::operand_tokens(&self.body.slots, op))
            .collect()
    }

    /// `[a..b]` for a view, nothing otherwise.
    fn bounds(&self, r: &ArrayRef) -> TokenStream {
        match r.bounds() {
            Some((a, b)) => {
                let (a, b) = (
                    crate::ir::walk::operand_tokens(&self.body.slots, a),
                    crate::ir::walk::operand_tokens(&self.body.slots, b),
                );
                quote!([#a..#b])
            }
            None => quote!(),
        }
    }

    /// `x[i][j]`, `m.w[i][j]`: the place, as written.
    pub(super) fn place(&self, r: &ArrayRef) -> TokenStream {
        let array = self.body.array(r.array);
        let name = &array.name;
        let bounds = self.bounds(r);
        let place = array.element_with(&quote!(#name), &self.indices(r), false);
        quote!(#place #bounds)
    }

    /// For a place in a tangent (`_jvp`'s direction `&Mlp`), whether a derivative flows
    /// into it; `None` for any other array.
    pub(super) fn tangent_guard(&self, r: &ArrayRef) -> Option<TokenStream> {
        let array = self.body.array(r.array);
        array.field().filter(|f| f.tangent)?;
        array.guard()
    }

    /// The value of element `x[i][j]`; for a place in a tangent that no derivative flows
    /// into, zero.
    pub(super) fn element(&self, r: &ArrayRef) -> TokenStream {
        let place = self.place(r);
        match self.tangent_guard(r) {
            Some(guard) => {
                let zero = self.f.float.zero();
                quote!((if #guard { #place } else { #zero }))
            }
            None => place,
        }
    }

    /// A copy of a field read whole as an ndarray or nalgebra value (`pose.r`); for a
    /// tangent's field the derivative does not flow into, a zero of its shape.
    pub(super) fn value_copy(&self, r: &ArrayRef) -> TokenStream {
        let place = self.place(r);
        let copy = quote!(::core::clone::Clone::clone(&#place));
        match self.tangent_guard(r) {
            Some(guard) => quote!(if #guard {
                #copy
            } else {
                ::autodiff::__private::tensor::zeros_like(&#place)
            }),
            None => copy,
        }
    }

    /// `__d_x[i][j]`; for a place inside a parameter, the same place in its destination.
    pub(super) fn adjoint_element(&self, r: &ArrayRef) -> TokenStream {
        let name = &self.names.array_adjoint[r.array.0];
        let bounds = self.bounds(r);
        let place = self
            .body
            .array(r.array)
            .element_with(&quote!(#name), &self.indices(r), true);
        quote!(#place #bounds)
    }

    /// `&x[i][..]`: the array or row as a slice.
    pub(super) fn slice(&self, r: &ArrayRef) -> TokenStream {
        let place = self.place(r);
        match self.tangent_guard(r) {
            Some(guard) => {
                quote!(&*::autodiff::__private::tangent_slice_or_zero(#guard, &#place[..]))
            }
            None => quote!(&#place[..]),
        }
    }

    /// `&mut __d_x[i][..]`; `&mut` the place itself for a whole place inside a parameter
    /// (a struct or a float passed to a call).
    pub(super) fn adjoint_slice(&self, r: &ArrayRef) -> TokenStream {
        let element = self.adjoint_element(r);
        let array = self.body.array(r.array);
        if array.field().is_some_and(|f| f.path.is_empty()) {
            // The whole parameter: its destination, reborrowed.
            quote!(&mut *#element)
        } else if array.field().is_some() && r.index.len() == array.rank {
            quote!(&mut #element)
        } else {
            quote!(&mut #element[..])
        }
    }

    /// `Some(d)` for the adjoint `d` of `r` in a rule's or a callee's list of destinations;
    /// `None` for a place that no derivative flows into (`#[no_derivative]`).
    pub(super) fn sink(&self, r: &ArrayRef, d: TokenStream) -> TokenStream {
        match self.body.array(r.array).guard() {
            Some(guard) => quote!(if #guard {
                ::core::option::Option::Some(#d)
            } else {
                ::core::option::Option::None
            }),
            None => quote!(::core::option::Option::Some(#d)),
        }
    }

    /// Whether the arrays `a` and `b` may share an adjoint buffer: the same array, or two
    /// places inside one parameter (`m` and `m.w`) not told apart by their fields.
    pub(super) fn same_buffer(&self, a: crate::ir::ArrayId, b: crate::ir::ArrayId) -> bool {
        let (Some(fa), Some(fb)) = (self.body.array(a).field(), self.body.array(b).field()) else {
            return a == b;
        };
        if a == b || fa.param != fb.param {
            return a == b;
        }
        // Two places of one parameter are disjoint, and their `&mut` can coexist, when their
        // paths start with the same fields and then two distinct ones (`p.mu[i]` and
        // `p.l[j]`). After an index the borrow checker sees one `IndexMut` borrow of the
        // container (`p.layers[i].w` and `p.layers[j].b` cannot coexist), and a path that
        // extends the other lies inside it.
        for (x, y) in fa.path.iter().zip(&fb.path) {
            match (x, y) {
                (crate::ir::Seg::Field(_), crate::ir::Seg::Field(_)) if x != y => return false,
                (crate::ir::Seg::Field(_), crate::ir::Seg::Field(_)) => continue,
                _ => return true,
            }
        }
        true
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
        let mut value = crate::ir::walk::operand_tokens(&self.body.slots, &w.value);
        if self
            .lanes
            .is_some_and(|l| l.values.arrays[w.target.array.0])
        {
            value = self.lane_operand(&w.value, value);
        }
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
            self.sink(&m.src, self.adjoint_slice(&m.src))
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
        let mut value = crate::ir::walk::operand_tokens(&self.body.slots, &p.value);
        if self.lanes.is_some_and(|l| l.values.arrays[p.array.0]) {
            value = self.lane_operand(&p.value, value);
        }
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
