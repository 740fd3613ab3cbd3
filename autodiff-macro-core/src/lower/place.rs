//! Places inside parameters of a `Differentiable` type: `m.b2`, `m.w1[j][i]`,
//! `m.layers[l].b[k]`, `p.x` for `p` an element of `points`.
//!
//! The transform cannot see the struct's definition, so a place is read as its use says: as
//! a float in float code, as a vector in `dot(&m.w, &x)`, as a value of the callee's type in
//! a call. Each distinct place becomes a read-only array of origin `ArrayOrigin::Field`
//! whose indices are the place's own; rustc checks every type it assumes (a place read as a
//! float that is not one does not compile). Used by non-float code (`0..m.hidden`,
//! `m.w.len()`), a place stays tokens, which `opaque.rs` has rustc check hold no float.

use super::{Lowerer, PlaceRef, Val};
use crate::ir::{Array, ArrayOrigin, ArrayRef, Block, FieldOf, Op, Operand, Seg, SlotTy};
use proc_macro2::{Span, TokenStream};

impl Lowerer<'_> {
    /// The array of `place` followed by `extra` more indices, and the place's index operands:
    /// an element of it when `extra` is 0, a vector when 1.
    pub(super) fn field_array(&mut self, place: &PlaceRef, extra: usize) -> ArrayRef {
        let mut path = place.path.clone();
        path.extend(std::iter::repeat_n(Seg::Index, extra));
        let origin = ArrayOrigin::Field(FieldOf {
            param: place.param,
            path,
            tangent: false,
        });
        let existing = self.arrays.iter().position(|a| a.origin == origin);
        let array = match existing {
            Some(i) => crate::ir::ArrayId(i),
            None => {
                let ArrayOrigin::Field(f) = &origin else {
                    unreachable!("built above")
                };
                let rank = f.path.iter().filter(|s| **s == Seg::Index).count();
                let name = self.f.params[place.param].ident.clone();
                crate::ir::push_array(
                    &mut self.arrays,
                    Array {
                        name,
                        rank,
                        origin,
                        decl: None,
                        span: place.span,
                    },
                )
            }
        };
        ArrayRef {
            array,
            index: place.index.clone(),
            view: false,
        }
    }

    /// `place` read as a float, into a new temporary.
    pub(super) fn place_read(&mut self, place: PlaceRef, span: Span, out: &mut Block) -> Operand {
        let r = self.field_array(&place, 0);
        let t = self.temp(SlotTy::Float);
        self.assign(out, t, Op::Read(r), vec![], true, span);
        Operand::Slot(t)
    }

    /// `place` read whole as an ndarray or nalgebra value (`pose.r` in `pose.r * p`), into a
    /// new value slot: a clone of the field, whose gradient the reverse sweep adds into the
    /// gradient's field. A float field read this way is a value too (a float is one).
    pub(super) fn place_value(&mut self, place: PlaceRef, span: Span, out: &mut Block) -> Operand {
        let r = self.field_array(&place, 0);
        let t = self.temp(SlotTy::Value);
        self.assign(out, t, Op::Read(r), vec![], true, span);
        Operand::Slot(t)
    }

    /// `place.member`.
    pub(super) fn place_field(mut place: PlaceRef, member: &syn::Member) -> Val {
        place.path.push(Seg::Field(member.clone()));
        place.reference = false;
        place.span = syn::spanned::Spanned::span(member);
        Val::Place(place)
    }

    /// `place[index]`.
    pub(super) fn place_index(
        &mut self,
        mut place: PlaceRef,
        index: &syn::Expr,
        out: &mut Block,
    ) -> Val {
        let idx = self.index_operand(index, out);
        place.path.push(Seg::Index);
        place.index.push(idx);
        place.reference = false;
        place.span = syn::spanned::Spanned::span(index);
        Val::Place(place)
    }

    /// The tokens of `place` in the forward sweep: `m.layers[__t3].b`.
    pub(super) fn place_tokens(&self, place: &PlaceRef) -> TokenStream {
        let root = &self.f.params[place.param].ident;
        let idx: Vec<TokenStream> = place
            .index
            .iter()
            .map(|op| crate::ir::walk::operand_tokens(&self.slots, op))
            .collect();
        crate::ir::place_tokens(&quote::quote!(#root), &place.path, &idx, false)
    }

    /// A method of a place: `len`/`is_empty` are non-float, `iter`/`as_slice` the place
    /// itself (for loops over it), and any other one is a float method of a float place.
    /// `self.f(a, b)` on a parameter: the call `Self::f(self, a, b)` (`Type::f(m, a, b)` for a
    /// parameter `m: &Type`), differentiated as a call of another `#[differentiable]`
    /// function, which `f` must be.
    pub(super) fn method_as_call(
        &mut self,
        e: &syn::Expr,
        m: &syn::ExprMethodCall,
        place: &PlaceRef,
        out: &mut Block,
    ) -> Val {
        let param = &self.f.params[place.param];
        let ty = match &param.ty {
            syn::Type::Reference(r) => &*r.elem,
            t => t,
        };
        let method = &m.method;
        // `Self::f`, `Model::f`, or `<Layer<f64>>::f` for a type with generic arguments.
        let path: Option<syn::ExprPath> = match ty {
            _ if param.ident == "self" => Some(syn::parse_quote!(Self::#method)),
            syn::Type::Path(p)
                if p.qself.is_none() && p.path.segments.iter().all(|s| s.arguments.is_none()) =>
            {
                let owner = &p.path;
                Some(syn::parse_quote!(#owner::#method))
            }
            syn::Type::Path(p) if p.qself.is_none() => Some(syn::parse_quote!(<#p>::#method)),
            _ => None,
        };
        if !place.path.is_empty() {
            return self.place_array_method(e, m, place, out);
        }
        let Some(path) = path else {
            return self.unsupported(
                &m.method,
                &format!(
                    "call this method as a function, `Type::{}(&value, ..)`, so the transform knows whose derivative it calls",
                    m.method
                ),
            );
        };
        let mut args: Vec<&syn::Expr> = vec![&m.receiver];
        args.extend(m.args.iter());
        match self.differentiable_call(e, &path, &args, out) {
            Some(val) => val,
            None => Val::Opaque(e.clone()),
        }
    }

    /// `None` for the last case: the caller reads the place as a float.
    pub(super) fn place_method(
        e: &syn::Expr,
        m: &syn::ExprMethodCall,
        place: &PlaceRef,
    ) -> Option<Val> {
        match m.method.to_string().as_str() {
            "len" | "is_empty" => Some(Val::Opaque(e.clone())),
            "iter" | "as_slice" | "as_ref" if m.args.is_empty() => Some(Val::Place(place.clone())),
            // The parameter is never written, so a copy of a place is the place.
            "clone" | "to_owned" if m.args.is_empty() => Some(Val::Place(PlaceRef {
                reference: false,
                ..place.clone()
            })),
            _ => None,
        }
    }

    /// `place.sum()`, and a method the transform does not know on a place inside a
    /// parameter (`m.w.fold(..)`): refused, with what to write instead.
    pub(super) fn place_array_method(
        &mut self,
        e: &syn::Expr,
        m: &syn::ExprMethodCall,
        place: &PlaceRef,
        out: &mut Block,
    ) -> Val {
        if m.method == "sum" && m.args.is_empty() {
            let r = self.field_array(place, 1);
            let t = self.temp(SlotTy::Float);
            let span = syn::spanned::Spanned::span(e);
            self.assign(
                out,
                t,
                Op::Reduce(&crate::symbol::SUM, vec![r]),
                vec![],
                true,
                span,
            );
            return Val::Float(Operand::Slot(t));
        }
        let place = self.place_tokens(place).to_string().replace(' ', "");
        self.unsupported(
            &m.method,
            &format!(
                "`{method}` is not supported on `{place}`, a place inside a differentiable parameter: if it is a struct whose `{method}` is #[differentiable], call it by path, `Type::{method}(&{place}, ..)`; if it holds floats, index them (`{place}[i]`), loop over them (`for v in {place}.iter()`), or use the runtime's `dot`, `sum`, `norm`, `softmax`",
                method = m.method
            ),
        )
    }

    /// The arms of a `match` on a place holding an `Option` (an `Option<F>` or `Option<S>`
    /// parameter, or a field of that type): in an arm `Some(l)`, `l` is the place inside
    /// (`Seg::Some`), whose gradient goes into the destination's `Some`; the arm's pattern
    /// is `Some(_)`, so nothing is moved out of the parameter. Other arms (`None`, `_`) are
    /// kept as written, and bind nothing.
    pub(super) fn option_arms(
        &mut self,
        m: &syn::ExprMatch,
        place: &PlaceRef,
        value_wanted: bool,
    ) -> (TokenStream, Vec<TokenStream>, super::control::Arms) {
        let scrutinee = self.place_tokens(place);
        let mut pats = Vec::new();
        let mut arms = Vec::new();
        for arm in &m.arms {
            self.push_scope();
            let pat = match &arm.pat {
                syn::Pat::Guard(g) => {
                    self.cx.error_spanned_by(&g.guard, "a guard on a `match` of an `Option` parameter is not supported; test inside the arm");
                    quote::quote!(_)
                }
                p => self.option_pat(p, place),
            };
            pats.push(pat);
            arms.push(self.arm_value(&arm.body, value_wanted));
            self.pop_scope();
        }
        (scrutinee, pats, arms)
    }

    /// An arm's pattern on an `Option` place, its binding made (see `option_arms`).
    fn option_pat(&mut self, pat: &syn::Pat, place: &PlaceRef) -> TokenStream {
        use syn::Pat;
        let inner = match pat {
            Pat::TupleStruct(t)
                if t.path.segments.last().is_some_and(|s| s.ident == "Some")
                    && t.elems.len() == 1 =>
            {
                &t.elems[0]
            }
            Pat::Ident(p) if p.ident == "None" => {
                return quote::quote!(::core::option::Option::None)
            }
            Pat::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "None") => {
                return quote::quote!(::core::option::Option::None)
            }
            Pat::Wild(_) => return quote::quote!(_),
            other => {
                self.cx.error_spanned_by(
                    other,
                    "on an `Option` parameter, match `Some(name)`, `None` or `_`",
                );
                return quote::quote!(_);
            }
        };
        let ident = match inner {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
            Pat::Reference(r) => match &*r.pat {
                Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
                _ => None,
            },
            Pat::Wild(_) => None,
            other => {
                self.cx.error_spanned_by(other, "inside `Some(..)` of an `Option` parameter, bind a name (`Some(l)`, `Some(&l)`) or `_`");
                None
            }
        };
        if let Some(ident) = ident {
            let mut inside = place.clone();
            inside.path.push(Seg::Some);
            // `Some(l)` on an `&Option<S>` binds a reference, as Rust's binding modes do.
            let by_ref =
                place.reference || matches!(self.f.params[place.param].ty, syn::Type::Reference(_));
            inside.reference = by_ref && matches!(inner, Pat::Ident(_));
            self.bind(ident, super::Binding::Place(inside));
        }
        quote::quote!(::core::option::Option::Some(_))
    }
}
