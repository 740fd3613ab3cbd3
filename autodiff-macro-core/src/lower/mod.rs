//! Stage 2: lower the body into the IR of `crate::ir`.
//!
//! Normal forms guaranteed afterwards (later passes assume exactly these):
//!
//! 1. Every float operation is one `Assign` whose operands are slots or literals; a nested
//!    float expression has become a chain of temporaries, evaluated in Rust's order.
//! 2. Every user binding of a float is its own slot; shadowing makes a new slot, and a name
//!    bound several times gets a fresh version per binding (`y`, `y_1`, ...).
//! 3. Non-float code is opaque tokens with every reference to a renamed binding rewritten, so
//!    it runs unchanged in the forward sweep. A non-float value used as a float (`i as f64`,
//!    `PI`, `T::one()`) is materialised into a slot by an `Op::Const` assignment, so the
//!    reverse sweep never evaluates user code.
//! 4. Blocks are flattened into their parent (names are unique, so scopes need no braces);
//!    `if`, `match` and loops keep their structure; the value of an `if` or `match` is
//!    written to a temporary in each arm.
//! 5. `return e` is `output = e` followed by `Exit(Return)`; `break`/`continue` know the loop
//!    they leave. Exit sites are numbered in preorder.
//! 6. Element reads, writes and pushes of float arrays are explicit statements with index
//!    slots; a loop over an array's elements is a loop over indices that reads them.
//! 7. A call with a float or array argument is a `Call` of another differentiable function;
//!    its non-float arguments are literals, parameters, constants, or kept in slots.

mod array;
mod call;
mod closure;
mod tensor;

mod control;
mod desugar;
mod expr;
mod iter;
mod opaque;
mod place;
mod running;
mod selected;
mod slices;
mod stmt;
mod structs;

use crate::ctxt::Ctxt;
use crate::ir::{
    Array, ArrayId, ArrayOrigin, ArrayRef, Assign, Block, Body, LoopId, Op, Operand, Origin,
    Output, ParamVar, Slot, SlotId, SlotTy, Stmt,
};
use crate::names::Namer;
use crate::parse::{Function, ParamKind, Shape};
use proc_macro2::{Span, TokenStream};
use std::collections::HashMap;
use syn::Ident;

/// What a name is bound to.
#[derive(Clone, Debug)]
enum Binding {
    Float(SlotId),
    /// An array, or a row of one.
    Array(ArrayRef),
    Tuple(Vec<Binding>),
    /// A non-float binding, under this (possibly renamed) name.
    Opaque(Ident),
    /// A parameter of a `Differentiable` type, or a place inside one (`let layer =
    /// &m.layers[l];`, the element of `for p in points.iter()`): read where it is used.
    Place(PlaceRef),
    /// A struct the body built (`let p = Point { x, y };`), field by field.
    Struct(structs::StructBinding),
    /// A closure, lowered where it is called.
    Closure(closure::ClosureDef),
    /// A binding whose value was an error already reported: its uses report nothing more.
    Error,
}

/// The value of a lowered expression.
#[derive(Clone, Debug)]
enum Val {
    Float(Operand),
    Array(ArrayRef),
    Tuple(Vec<Val>),
    /// A non-float expression, not yet renamed; see `Lowerer::opaque_tokens`.
    Opaque(syn::Expr),
    /// A place inside a parameter of a `Differentiable` type: a float, an array or a struct,
    /// as its use says (`place.rs`).
    Place(PlaceRef),
    /// A struct literal, field by field.
    Struct(structs::StructVal),
    /// The expression never completes (`return`, `break`, `continue`).
    Never,
}

/// A place inside the parameter at `param`: the fields and indices after its name, with the
/// index operands in order (`m.layers[l].b` is `[.layers, [], .b]` with `[l]`).
#[derive(Clone, Debug)]
struct PlaceRef {
    param: usize,
    path: Vec<crate::ir::Seg>,
    index: Vec<Operand>,
    /// Bound to a name as a reference (`let layer = &m.layers[l];`, `for p in points`): the
    /// name passed to a call is a reference.
    reference: bool,
    /// Its last step as written, for what rustc reports about the place.
    span: Span,
}

struct LoopFrame {
    id: LoopId,
    label: Option<String>,
}

struct Lowerer<'a> {
    cx: &'a Ctxt,
    f: &'a Function,
    namer: &'a mut Namer,
    slots: Vec<Slot>,
    arrays: Vec<Array>,
    scopes: Vec<HashMap<String, Binding>>,
    loops: Vec<LoopFrame>,
    output: Output,
    opaque_reads: Vec<(SlotId, Span)>,
    opaque_array_reads: Vec<(ArrayId, Span)>,
    items: Vec<TokenStream>,
    n_branches: usize,
    n_loops: usize,
    n_sites: usize,
    /// How many closure bodies (or bodies of a selected extremum, `selected.rs`) are being
    /// inlined around the current expression: inside one, every name bound gets a fresh name
    /// (`local_name`), since the body is lowered more than once and the copies must not share
    /// slots.
    inlining: usize,
    /// The name of the start of the winner's loop of a selected extremum while it is
    /// lowered (`for w in lo..hi`), so that it is not rewritten again (`selected.rs`).
    chosen_loop: Option<String>,
}

/// Lowers the body of `f`. Errors go to `cx`; the returned body is meaningful only when
/// `cx` has none.
pub fn body(cx: &Ctxt, f: &Function, namer: &mut Namer) -> Body {
    let out_name = namer.fresh("__out");
    let mut lw = Lowerer {
        cx,
        f,
        slots: Vec::new(),
        arrays: Vec::new(),
        scopes: vec![HashMap::new()],
        loops: Vec::new(),
        output: Output::Tuple(Vec::new()),
        opaque_reads: Vec::new(),
        opaque_array_reads: Vec::new(),
        items: Vec::new(),
        n_branches: 0,
        n_loops: 0,
        n_sites: 0,
        inlining: 0,
        chosen_loop: None,
        namer,
    };
    let mut params = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        match &p.kind {
            ParamKind::Float {
                shape: Shape::Scalar,
                ..
            } => {
                let id = lw.new_slot(p.ident.clone(), SlotTy::Float, Origin::Param(i));
                lw.bind(&p.ident, Binding::Float(id));
                params.push(Some(ParamVar::Scalar(id)));
            }
            ParamKind::Float {
                shape: Shape::Array { rank, .. },
                ..
            } => {
                let id = lw.new_array(p.ident.clone(), *rank, ArrayOrigin::Param(i), None);
                lw.bind(
                    &p.ident,
                    Binding::Array(ArrayRef {
                        array: id,
                        index: Vec::new(),
                        view: false,
                    }),
                );
                params.push(Some(ParamVar::Array(id)));
            }
            ParamKind::Float {
                shape: Shape::Opaque { .. },
                ..
            } if crate::symbol::tensor::is_tensor_type(&p.ty) => {
                // An ndarray or nalgebra value: a slot, operated on whole.
                let id = lw.new_slot(p.ident.clone(), SlotTy::Value, Origin::Param(i));
                lw.bind(&p.ident, Binding::Float(id));
                params.push(Some(ParamVar::Scalar(id)));
            }
            ParamKind::Float {
                shape: Shape::Opaque { .. },
                ..
            } => {
                let place = PlaceRef {
                    param: i,
                    path: Vec::new(),
                    index: Vec::new(),
                    // The name of a parameter is passed as it is (`f(m)` for `m: &S`).
                    reference: false,
                    span: p.ident.span(),
                };
                lw.bind(&p.ident, Binding::Place(place));
                params.push(Some(ParamVar::Struct(i)));
            }
            ParamKind::PassThrough if crate::symbol::tensor::is_tensor_type(&p.ty) => {
                // Data of an ndarray or nalgebra type: a value without a gradient.
                let id = lw.new_slot(p.ident.clone(), SlotTy::Value, Origin::Param(i));
                lw.bind(&p.ident, Binding::Float(id));
                params.push(None);
            }
            ParamKind::PassThrough => {
                lw.bind(&p.ident, Binding::Opaque(p.ident.clone()));
                params.push(None);
            }
        }
    }
    lw.output = lw.output_like(&f.ret_shape, &out_name);
    let mut block = Block::new();
    let tail = lw.block_stmts(&f.item.block.stmts, &mut block);
    match tail {
        // `loop { .. }` as the tail leaves only through `return`.
        Some(tail_expr @ syn::Expr::Loop(_)) => lw.stmt_expr(&tail_expr, &mut block),
        Some(tail_expr) => {
            let val = lw.expr(&tail_expr, &mut block);
            lw.write_output(val, &tail_expr, &mut block);
        }
        None => {
            // A body that ends in `return e;` (or loops forever) needs no tail; one that
            // falls off the end without a value does not type-check in rustc already.
        }
    }
    if has_unfilled(&lw.output) {
        cx.error_spanned_by(&f.ret, "this function never returns its array or struct; fill a buffer and return it, as in `let mut out = vec![0.0; n]; ...; out`, or build the struct with a literal (`Point { x, y }`)");
    }
    let mut opaque_array_reads = lw.opaque_array_reads;
    opaque_array_reads.sort_by_key(|(s, sp)| (s.0, format!("{sp:?}")));
    opaque_array_reads.dedup_by_key(|(s, sp)| (s.0, format!("{sp:?}")));
    let mut opaque_reads = lw.opaque_reads;
    opaque_reads.sort_by_key(|(s, sp)| (s.0, format!("{sp:?}")));
    opaque_reads.dedup_by_key(|(s, sp)| (s.0, format!("{sp:?}")));
    Body {
        slots: lw.slots,
        arrays: lw.arrays,
        opaque_array_reads,
        params,
        block,
        output: lw.output,
        items: lw.items,
        opaque_reads,
    }
}

fn has_unfilled(output: &Output) -> bool {
    match output {
        Output::Scalar(_) | Output::Opaque(_) => false,
        Output::Array(a) => a.is_none(),
        Output::Tuple(parts) => parts.iter().any(has_unfilled),
        Output::Struct(None) => true,
        Output::Struct(Some(st)) => st.fields.iter().any(|(_, p)| has_unfilled(p)),
    }
}

impl Lowerer<'_> {
    fn new_slot(&mut self, name: Ident, ty: SlotTy, origin: Origin) -> SlotId {
        crate::ir::push_slot(&mut self.slots, name, ty, origin)
    }

    fn new_array(
        &mut self,
        name: Ident,
        rank: usize,
        origin: ArrayOrigin,
        decl: Option<(TokenStream, TokenStream)>,
    ) -> ArrayId {
        let array = Array {
            name,
            rank,
            origin,
            decl,
            span: Span::call_site(),
        };
        crate::ir::push_array(&mut self.arrays, array)
    }

    fn temp(&mut self, ty: SlotTy) -> SlotId {
        crate::ir::push_temp(&mut self.slots, self.namer, ty)
    }

    /// A new float slot for a user binding named `user`.
    fn user_slot(&mut self, user: &Ident) -> SlotId {
        let name = self.local_name(user);
        self.new_slot(name, SlotTy::Float, Origin::User)
    }

    /// The generated name of a binding of `user`: the user's own where it is bound once in
    /// the function, a fresh one otherwise, and always a fresh one inside an inlined closure.
    fn local_name(&mut self, user: &Ident) -> Ident {
        if self.inlining > 0 {
            self.namer.fresh(&user.to_string())
        } else {
            self.namer.binding(user)
        }
    }

    fn bind(&mut self, name: &Ident, b: Binding) {
        self.scopes
            .last_mut()
            .expect("scope stack is never empty")
            .insert(name.to_string(), b);
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn push_scope(&mut self) {
        self.scopes.push(HashMap::new());
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    fn float_ty(&self) -> syn::Type {
        self.f.float.ty()
    }

    /// `dst = op(args)`.
    fn assign(
        &mut self,
        out: &mut Block,
        dst: SlotId,
        op: Op,
        args: Vec<Operand>,
        first_def: bool,
        span: Span,
    ) {
        out.push(Stmt::Assign(Assign {
            dst,
            op,
            args,
            first_def,
            span,
        }));
    }

    /// Writes `val` into `dst`. When `val` is the temporary the last statement just
    /// computed, that statement is retargeted to write `dst` directly, so `let y = a * b;`
    /// is one assignment, not two.
    fn write_slot(
        &mut self,
        out: &mut Block,
        dst: SlotId,
        val: Operand,
        first_def: bool,
        span: Span,
    ) {
        if let Operand::Slot(src) = &val {
            let (src_ty, dst_ty) = (self.slots[src.0].ty, self.slots[dst.0].ty);
            if src_ty == SlotTy::Value || dst_ty == SlotTy::Value {
                // A value is copied by the runtime; a value that is a float (a vector's
                // `dot`) stored in a float converted.
                let op = if dst_ty == SlotTy::Float {
                    &crate::symbol::tensor::TO_SCALAR
                } else {
                    &crate::symbol::tensor::COPY
                };
                if self.slots[src.0].origin == Origin::Temp && *src != dst && src_ty == dst_ty {
                    if let Some(Stmt::Assign(last)) = out.last_mut() {
                        if last.dst == *src && last.first_def {
                            last.dst = dst;
                            last.first_def = first_def;
                            return;
                        }
                    }
                }
                self.assign(out, dst, Op::Tensor(op), vec![val], first_def, span);
                return;
            }
        }
        if let Operand::Slot(src) = val {
            if self.slots[src.0].origin == Origin::Temp && src != dst {
                if let Some(Stmt::Assign(last)) = out.last_mut() {
                    if last.dst == src && last.first_def {
                        last.dst = dst;
                        last.first_def = first_def;
                        return;
                    }
                }
            }
        }
        self.assign(out, dst, Op::Copy, vec![val], first_def, span);
    }

    /// The float operand of `val`, materialising a non-float (constant) value into a slot.
    fn operand(&mut self, val: Val, span: Span, out: &mut Block) -> Operand {
        match val {
            Val::Float(op) => op,
            Val::Opaque(e) => {
                let tokens = self.opaque_tokens(&e);
                let t = self.temp(SlotTy::Float);
                self.assign(out, t, Op::Const(tokens), vec![], true, span);
                Operand::Slot(t)
            }
            Val::Tuple(_) => {
                self.cx.error_at(
                    span,
                    "a tuple cannot be used as a number here; take one of its fields, as in `t.0`",
                );
                Operand::Lit(quote::quote!(0.0))
            }
            Val::Array(_) => {
                self.cx.error_at(
                    span,
                    "an array cannot be used as a number here; index it, as in `x[i]`, or reduce it, as in `sum(&x)`",
                );
                Operand::Lit(quote::quote!(0.0))
            }
            Val::Place(p) => self.place_read(p, span, out),
            Val::Struct(_) => {
                self.cx.error_at(
                    span,
                    "a struct cannot be used as a number here; take one of its fields, as in `p.x`",
                );
                Operand::Lit(quote::quote!(0.0))
            }
            Val::Never => Operand::Lit(quote::quote!(0.0)),
        }
    }

    /// An index operand: a literal, or the value of `e` in a new `usize` slot.
    fn index_operand(&mut self, e: &syn::Expr, out: &mut Block) -> Operand {
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) = e
        {
            return Operand::Lit(quote::quote!(#i));
        }
        let span = syn::spanned::Spanned::span(e);
        match self.expr(e, &mut Block::new()) {
            Val::Opaque(_) | Val::Never => {}
            _ => self
                .cx
                .error_at(span, "an index must be an integer (`usize`)"),
        }
        let tokens = self.opaque_tokens(e);
        let t = self.temp(SlotTy::Usize);
        self.assign(out, t, Op::Const(tokens), vec![], true, span);
        Operand::Slot(t)
    }

    /// The output slots for a return value of shape `shape`.
    fn output_like(&mut self, shape: &crate::parse::RetShape, name: &Ident) -> Output {
        match shape {
            crate::parse::RetShape::Scalar => {
                let fresh = if self.slots.iter().any(|s| s.origin == Origin::Output) {
                    self.namer.fresh(&name.to_string())
                } else {
                    name.clone()
                };
                Output::Scalar(self.new_slot(fresh, SlotTy::Float, Origin::Output))
            }
            crate::parse::RetShape::Array => Output::Array(None),
            crate::parse::RetShape::Tuple(parts) => {
                Output::Tuple(parts.iter().map(|p| self.output_like(p, name)).collect())
            }
            crate::parse::RetShape::Struct => Output::Struct(None),
        }
    }

    /// `return`: write the value to the output.
    fn write_output(&mut self, val: Val, e: &syn::Expr, out: &mut Block) {
        let span = syn::spanned::Spanned::span(e);
        let mut output = std::mem::replace(&mut self.output, Output::Tuple(Vec::new()));
        self.write_output_part(&mut output, val, span, out);
        self.output = output;
    }

    fn write_output_part(&mut self, output: &mut Output, val: Val, span: Span, out: &mut Block) {
        match (output, val) {
            (_, Val::Never) => {}
            (Output::Scalar(dst), val) => {
                let dst = *dst;
                let op = self.operand(val, span, out);
                self.write_slot(out, dst, op, true, span);
            }
            (Output::Array(slot), Val::Array(r)) if r.index.is_empty() => match slot {
                None => *slot = Some(r.array),
                Some(a) if *a == r.array => {}
                Some(_) => self.cx.error_at(span, "every `return` of an array must return the same buffer; fill one buffer and return it"),
            },
            (Output::Array(_), _) => self.cx.error_at(span, "return a buffer of floats here (`let mut out = vec![0.0; n]; ...; out`), or an array literal such as `[a, b]`"),
            (Output::Tuple(parts), Val::Tuple(vals)) if parts.len() == vals.len() => {
                for (p, v) in parts.iter_mut().zip(vals) {
                    self.write_output_part(p, v, span, out);
                }
            }
            (Output::Tuple(_), _) => self.cx.error_at(span, "return a tuple of the function's return type here"),
            (Output::Struct(layout), Val::Struct(sv)) => self.write_struct_output(layout, sv, span, out),
            (Output::Struct(_), _) => self.cx.error_at(span, "return a struct built with a struct literal here (`Point { x, y }`), or a variable bound to one"),
            (Output::Opaque(slot), Val::Opaque(e)) => {
                let slot = *slot;
                self.write_opaque_output(slot, &e, span, out);
            }
            (Output::Opaque(_), _) => self.cx.error_at(span, "this field holds no float in another `return`; every `return` must give it the same kind of value"),
        }
    }
}
