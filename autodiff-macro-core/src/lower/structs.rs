//! Struct values the body builds: `let p = Point { x: a * 2.0, y: b };`, their fields read
//! and written (`p.x += 1.0`), and returned (`-> Point`).
//!
//! A struct literal with a float field is taken apart: each field is a binding of its own
//! (a float slot, an array, a non-float value, a nested struct), exactly as a tuple is, so
//! the transform differentiates through the fields and never sees the struct whole. The
//! literal itself is kept, in a branch that never runs, so that rustc checks it (field
//! names and types) and that its type is `Differentiable`. Returned, the struct is built
//! again from the output's parts.

use super::{Binding, Lowerer, Val};
use crate::ir::{Block, Op, Output, SlotTy, Stmt, StructOut};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;

/// A struct value: its path as written (`Point`, `Self`, `Layer`), and its fields' values.
#[derive(Clone, Debug)]
pub(super) struct StructVal {
    pub path: syn::Path,
    pub fields: Vec<(syn::Member, Val)>,
}

/// A struct bound to a name: each field bound as a `let` of its own would bind it.
#[derive(Clone, Debug)]
pub(super) struct StructBinding {
    pub path: syn::Path,
    pub fields: Vec<(syn::Member, Binding)>,
}

impl Lowerer<'_> {
    /// `Path { field: value, .. }`: opaque when no field holds a float.
    pub(super) fn struct_literal(
        &mut self,
        e: &syn::Expr,
        s: &syn::ExprStruct,
        out: &mut Block,
    ) -> Val {
        let mut fields = Vec::new();
        for fv in &s.fields {
            let val = self.expr(&fv.expr, out);
            if matches!(val, Val::Never) {
                return Val::Never;
            }
            fields.push((fv.member.clone(), val));
        }
        if fields.iter().all(|(_, v)| matches!(v, Val::Opaque(_))) {
            return Val::Opaque(e.clone());
        }
        if let Some(rest) = &s.rest {
            return self.unsupported(
                rest,
                "`..base` is not supported in a struct literal with floats; write every field",
            );
        }
        if s.qself.is_some() {
            return self.unsupported(e, "write the struct's path plainly (`Point { .. }`)");
        }
        // rustc checks the literal (and that its type is `Differentiable`) in a branch that
        // never runs, where it only clones.
        let parts = fields.iter().map(|(m, v)| {
            let value = self.value_tokens(v);
            quote!(#m: #value)
        });
        let path = &s.path;
        let parts: Vec<TokenStream> = parts.collect();
        out.push(Stmt::Opaque(quote::quote_spanned! {e.span()=>
            if false {
                ::autodiff::__private::differentiable_value(&#path { #(#parts),* });
            }
        }));
        Val::Struct(StructVal {
            path: s.path.clone(),
            fields,
        })
    }

    /// The forward-sweep tokens of a value, cloned (for the literal rustc checks).
    fn value_tokens(&mut self, v: &Val) -> TokenStream {
        match v {
            Val::Float(op) => crate::ir::walk::operand_tokens(&self.slots, op),
            Val::Array(r) => {
                let name = &self.arrays[r.array.0].name;
                let idx: Vec<TokenStream> = r
                    .index
                    .iter()
                    .map(|op| crate::ir::walk::operand_tokens(&self.slots, op))
                    .collect();
                quote!(::core::clone::Clone::clone(&#name #([#idx])*))
            }
            Val::Opaque(e) => {
                let tokens = self.opaque_tokens(e);
                quote!(::core::clone::Clone::clone(&(#tokens)))
            }
            Val::Struct(sv) => {
                let path = &sv.path;
                let parts: Vec<TokenStream> = sv
                    .fields
                    .clone()
                    .iter()
                    .map(|(m, v)| {
                        let value = self.value_tokens(v);
                        quote!(#m: #value)
                    })
                    .collect();
                quote!(#path { #(#parts),* })
            }
            Val::Place(p) => {
                let place = self.place_tokens(p);
                quote!(::core::clone::Clone::clone(&#place))
            }
            Val::Tuple(_) | Val::Never => quote!(::core::unreachable!()),
        }
    }

    /// The binding of a struct value bound to `name`: each field as `let name_field = ..`.
    pub(super) fn struct_binding(
        &mut self,
        name: &syn::Ident,
        sv: StructVal,
        span: Span,
        out: &mut Block,
    ) -> Binding {
        let fields = sv
            .fields
            .into_iter()
            .map(|(m, v)| {
                let part = syn::Ident::new(
                    &format!("{name}_{}", crate::ir::member_name(&m)),
                    name.span(),
                );
                let b = match v {
                    Val::Array(r) => Binding::Array(r),
                    Val::Place(p) => Binding::Place(p),
                    v => self.binding_of(&part, true, v, None, span, out),
                };
                (m, b)
            })
            .collect();
        Binding::Struct(StructBinding {
            path: sv.path,
            fields,
        })
    }

    /// Writes a returned struct into the output: its parts are made at the first `return`,
    /// and every later one must give the same fields.
    pub(super) fn write_struct_output(
        &mut self,
        output: &mut Option<StructOut>,
        sv: StructVal,
        span: Span,
        out: &mut Block,
    ) {
        if output.is_none() {
            let fields = sv
                .fields
                .iter()
                .map(|(m, v)| (m.clone(), self.output_part_like(v)))
                .collect();
            *output = Some(StructOut {
                path: sv.path.clone(),
                fields,
            });
        }
        let layout = output.as_mut().expect("made above");
        let same = layout.fields.len() == sv.fields.len()
            && sv.fields.iter().all(|(m, _)| {
                layout
                    .fields
                    .iter()
                    .any(|(n, _)| crate::ir::member_name(n) == crate::ir::member_name(m))
            });
        if !same {
            self.cx
                .error_at(span, "every `return` of a struct must give the same fields");
            return;
        }
        for (m, v) in sv.fields {
            let part = layout
                .fields
                .iter_mut()
                .find(|(n, _)| crate::ir::member_name(n) == crate::ir::member_name(&m))
                .map(|(_, p)| p)
                .expect("checked above");
            self.write_output_part(part, v, span, out);
        }
    }

    /// An empty output part for a field whose value is `v`.
    fn output_part_like(&mut self, v: &Val) -> Output {
        match v {
            Val::Float(_) | Val::Place(_) => {
                let name = self.namer.fresh("__out_field");
                Output::Scalar(self.new_slot(name, SlotTy::Float, crate::ir::Origin::Output))
            }
            Val::Array(_) => Output::Array(None),
            Val::Tuple(parts) => {
                Output::Tuple(parts.iter().map(|p| self.output_part_like(p)).collect())
            }
            Val::Struct(_) => Output::Struct(None),
            Val::Opaque(_) | Val::Never => Output::Opaque(self.temp(SlotTy::Opaque)),
        }
    }

    /// A field that holds no float, into its opaque output slot.
    pub(super) fn write_opaque_output(
        &mut self,
        slot: crate::ir::SlotId,
        e: &syn::Expr,
        span: Span,
        out: &mut Block,
    ) {
        let tokens = self.opaque_tokens(e);
        self.assign(out, slot, Op::Const(tokens), vec![], true, span);
    }
}
