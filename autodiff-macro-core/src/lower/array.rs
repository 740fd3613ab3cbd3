//! Arrays: element reads and writes, buffers, `push`, reductions (`dot`, `sum`, ...), and
//! loops over the elements of an array.

use super::{Binding, Lowerer, Val};
use crate::ir::{
    ArrayInit, ArrayOrigin, ArrayRef, Block, LoopKind, Op, Operand, Push, SlotTy, Stmt, Write,
};
use crate::symbol::{self, SlicePrim};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, Pat};

/// A buffer literal: its rank, fill or elements, and how to declare it.
enum Literal {
    /// `vec![fill; n]`, `[fill; N]`, `vec![vec![fill; m]; n]`, `[[fill; N]; M]`.
    Filled {
        rank: usize,
        fill: Box<Expr>,
        init: TokenStream,
        decl: (TokenStream, TokenStream),
    },
    /// `vec![a, b, c]`, `[a, b, c]`.
    Elements { elems: Vec<Expr>, is_vec: bool },
    /// `Vec::new()`, `Vec::with_capacity(n)`, under a `Vec<F>` annotation.
    Empty { init: TokenStream },
}

/// What a `for` loop iterates over: an array of floats, or a place inside a parameter.
enum Source {
    Array(ArrayRef),
    Place(super::PlaceRef),
}

/// The body of `vec![...]` as an array expression: `[fill; n]` or `[a, b, c]`.
fn vec_body(mac: &syn::Macro) -> Option<Expr> {
    let tokens = &mac.tokens;
    syn::parse2::<Expr>(quote!([#tokens])).ok()
}

impl Lowerer<'_> {
    /// `base[index]`: an element read when fully indexed, else a row of a matrix.
    pub(super) fn index_expr(&mut self, e: &Expr, i: &syn::ExprIndex, out: &mut Block) -> Val {
        let mut base = self.expr(&i.expr, out);
        if let (Val::Place(p), Expr::Tuple(_) | Expr::Array(_)) = (&base, &*i.index) {
            // `pose.r[(0, 1)]`, `m.w[[i, j]]`: an element of a field of a nalgebra or ndarray
            // type, read whole.
            let v = self.place_value(p.clone(), i.expr.span(), out);
            base = Val::Float(v);
        }
        if let Val::Float(Operand::Slot(s)) = &base {
            if self.slots[s.0].ty == SlotTy::Value {
                return self.tensor_index(e, Operand::Slot(*s), &i.index, out);
            }
        }
        self.index_val(e, base, &i.index, out)
    }

    /// `base[index]`, `e` being the whole expression.
    pub(super) fn index_val(&mut self, e: &Expr, base: Val, index: &Expr, out: &mut Block) -> Val {
        match base {
            Val::Array(mut r) => {
                if let Expr::Range(range) = index {
                    if range.start.is_none() && range.end.is_none() {
                        // `&x[..]` is `x`.
                        return Val::Array(r);
                    }
                    return self.sub_slice(e, r, range, out);
                }
                let idx = self.index_operand(index, out);
                if r.view {
                    r = self.view_element(&r, idx, e.span(), out);
                } else {
                    r.index.push(idx);
                }
                let rank = self.arrays[r.array.0].rank;
                if r.index.len() < rank {
                    return Val::Array(r);
                }
                if r.index.len() > rank {
                    return self.unsupported(
                        e,
                        "this indexes a float array more times than it has dimensions",
                    );
                }
                let t = self.temp(SlotTy::Float);
                self.assign(out, t, Op::Read(r), vec![], true, e.span());
                Val::Float(Operand::Slot(t))
            }
            Val::Place(p) => {
                if let Expr::Range(range) = index {
                    if range.start.is_none() && range.end.is_none() {
                        return Val::Place(p);
                    }
                    // A sub-slice of a vector inside a parameter.
                    let r = self.field_array(&p, 1);
                    return self.sub_slice(e, r, range, out);
                }
                self.place_index(p, index, out)
            }
            Val::Opaque(_) => match self.expr(index, &mut Block::new()) {
                Val::Opaque(_) | Val::Never => Val::Opaque(e.clone()),
                _ => self.unsupported(index, "an index must be an integer (`usize`)"),
            },
            Val::Never => Val::Never,
            _ => self.unsupported(e, "only arrays of floats can be indexed here"),
        }
    }

    /// A method of an array: `len`, `is_empty`, `iter`, `as_slice`, `sum`.
    pub(super) fn array_method(
        &mut self,
        e: &Expr,
        m: &syn::ExprMethodCall,
        r: ArrayRef,
        out: &mut Block,
    ) -> Val {
        let name = m.method.to_string();
        match name.as_str() {
            "len" | "is_empty" => Val::Opaque(e.clone()),
            "iter" | "as_slice" | "as_ref" => Val::Array(r),
            "sum" => self.reduce(&symbol::SUM, vec![r], e.span(), out),
            "split_at" if m.args.len() == 1 => self.split_at(e, r, &m.args[0], out),
            "rev" | "map" | "filter" | "skip" | "take" | "step_by" | "windows" | "chunks" | "chunks_exact" | "chain" | "cloned" | "copied" | "into_iter" | "skip_while" | "take_while" | "flat_map" | "scan" | "peekable" | "cycle" => self.unsupported(
                &m.method,
                &format!("`{name}` is not supported here: an iterator chain over floats is lowered when it is a `for` loop's iterator or ends in `sum`, `product`, `fold`, `reduce(..).unwrap()`, `max_by(..).unwrap()`, `min_by(..).unwrap()`, `count`, `any`, `all` or `collect`, with the adapters `map`, `filter`, `zip`, `enumerate`, `skip`, `take`, `step_by`, `rev`, `chain`, `copied`, `cloned` over `iter()`, ranges, `windows`, `chunks`, `chunks_exact`"),
            ),
            _ => self.unsupported(
                &m.method,
                &format!("`{name}` is not supported on a float array; use indexing (`x[i]`), `len()`, `push`, loops over `x.iter()`, or the runtime's `dot`, `sum`, `mean`, `norm`, `logsumexp`, `softmax`"),
            ),
        }
    }

    /// `prim(&a, &b)`: a reduction of whole arrays to a float.
    pub(super) fn slice_call(
        &mut self,
        e: &Expr,
        prim: &'static SlicePrim,
        args: &[&Expr],
        out: &mut Block,
    ) -> Val {
        if args.len() != prim.arity {
            return self.unsupported(
                e,
                &format!("`{}` takes {} slice argument(s)", prim.name, prim.arity),
            );
        }
        let mut refs = Vec::new();
        for arg in args {
            let val = match self.expr(arg, out) {
                Val::Place(p) => Val::Array(self.field_array(&p, 1)),
                v => v,
            };
            match val {
                Val::Array(r) => {
                    let rank = self.arrays[r.array.0].rank;
                    if rank - r.dims().len() != 1 {
                        return self.unsupported(
                            arg,
                            &format!("`{}` takes vectors; pass a row, as in `&x[i]`", prim.name),
                        );
                    }
                    refs.push(r);
                }
                Val::Never => return Val::Never,
                _ => {
                    return self.unsupported(
                        arg,
                        &format!(
                            "`{}` takes a slice of floats, as in `{}(&x)`",
                            prim.name, prim.name
                        ),
                    )
                }
            }
        }
        self.reduce(prim, refs, e.span(), out)
    }

    /// `softmax(&v)`: a new vector.
    pub(super) fn softmax(&mut self, e: &Expr, arg: &Expr, out: &mut Block) -> Val {
        let val = match self.expr(arg, out) {
            Val::Place(p) => Val::Array(self.field_array(&p, 1)),
            v => v,
        };
        match val {
            Val::Array(src) if self.arrays[src.array.0].rank == src.dims().len() + 1 => {
                let float = self.float_ty();
                let name = self.namer.fresh("__softmax");
                let decl = (
                    quote!(::std::vec::Vec<#float>),
                    quote!(::std::vec::Vec::new()),
                );
                let dst = self.new_array(name, 1, ArrayOrigin::Local, Some(decl));
                out.push(Stmt::Map(crate::ir::Map {
                    dst,
                    src,
                    span: e.span(),
                }));
                Val::Array(ArrayRef {
                    array: dst,
                    index: Vec::new(),
                    view: false,
                })
            }
            Val::Never => Val::Never,
            _ => self.unsupported(
                arg,
                "`softmax` takes a vector of floats, as in `softmax(&x)`",
            ),
        }
    }

    fn reduce(
        &mut self,
        prim: &'static SlicePrim,
        refs: Vec<ArrayRef>,
        span: Span,
        out: &mut Block,
    ) -> Val {
        let t = self.temp(SlotTy::Float);
        self.assign(out, t, Op::Reduce(prim, refs), vec![], true, span);
        Val::Float(Operand::Slot(t))
    }

    /// Recognises a buffer literal; `declared_vec` when the `let` is annotated `Vec<F>`.
    fn literal(&self, e: &Expr, declared_vec: bool) -> Option<Literal> {
        let float = self.float_ty();
        let zero = self.f.float.zero();
        match e {
            Expr::Macro(m) if m.mac.path.is_ident("vec") => match vec_body(&m.mac)? {
                Expr::Array(a) => Some(Literal::Elements {
                    elems: a.elems.into_iter().collect(),
                    is_vec: true,
                }),
                Expr::Repeat(rep) => {
                    let n = &rep.len;
                    if let Some(Literal::Filled {
                        rank: 1,
                        fill,
                        init: inner,
                        ..
                    }) = self.literal(&rep.expr, false)
                    {
                        return Some(Literal::Filled {
                            rank: 2,
                            fill,
                            init: quote!(::std::vec![#inner; #n]),
                            decl: (
                                quote!(::std::vec::Vec<::std::vec::Vec<#float>>),
                                quote!(::std::vec::Vec::new()),
                            ),
                        });
                    }
                    let f = &rep.expr;
                    Some(Literal::Filled {
                        rank: 1,
                        fill: rep.expr.clone(),
                        init: quote!(::std::vec![#f; #n]),
                        decl: (
                            quote!(::std::vec::Vec<#float>),
                            quote!(::std::vec::Vec::new()),
                        ),
                    })
                }
                _ => None,
            },
            Expr::Repeat(rep) => {
                let n = &rep.len;
                if let Expr::Repeat(inner) = &*rep.expr {
                    let m = &inner.len;
                    let f = &inner.expr;
                    return Some(Literal::Filled {
                        rank: 2,
                        fill: inner.expr.clone(),
                        init: quote!([[#f; #m]; #n]),
                        decl: (quote!([[#float; #m]; #n]), quote!([[#zero; #m]; #n])),
                    });
                }
                let f = &rep.expr;
                Some(Literal::Filled {
                    rank: 1,
                    fill: rep.expr.clone(),
                    init: quote!([#f; #n]),
                    decl: (quote!([#float; #n]), quote!([#zero; #n])),
                })
            }
            Expr::Array(a) => Some(Literal::Elements {
                elems: a.elems.iter().cloned().collect(),
                is_vec: false,
            }),
            Expr::Call(c) if declared_vec => {
                let Expr::Path(p) = &*c.func else { return None };
                let names: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let is_ctor = names.len() >= 2
                    && names[names.len() - 2] == "Vec"
                    && (names[names.len() - 1] == "new"
                        || names[names.len() - 1] == "with_capacity");
                is_ctor.then(|| Literal::Empty { init: quote!(#e) })
            }
            _ => None,
        }
    }

    /// Whether `e` creates a buffer of floats (a literal whose fill or elements are floats).
    pub(super) fn creates_buffer(&mut self, e: &Expr, declared_vec: bool) -> bool {
        match self.literal(e, declared_vec) {
            Some(Literal::Filled { fill, .. }) => {
                !matches!(self.expr(&fill, &mut Block::new()), Val::Opaque(_))
            }
            Some(Literal::Elements { elems, .. }) => elems
                .iter()
                .any(|el| !matches!(self.expr(el, &mut Block::new()), Val::Opaque(_))),
            Some(Literal::Empty { .. }) => true,
            None => false,
        }
    }

    /// Creates the buffer `name` from the literal `e`.
    pub(super) fn buffer(
        &mut self,
        name: &syn::Ident,
        e: &Expr,
        declared_vec: bool,
        out: &mut Block,
    ) -> Val {
        let span = e.span();
        let float = self.float_ty();
        let zero = self.f.float.zero();
        let array_name = self.local_name(name);
        match self.literal(e, declared_vec) {
            Some(Literal::Filled { rank, fill, init, decl }) => {
                let mut scratch = Block::new();
                let fill_val = self.expr(&fill, &mut scratch);
                let constant = match &fill_val {
                    Val::Float(op) => self.is_constant(op, &scratch),
                    Val::Opaque(_) => true,
                    _ => false,
                };
                if !constant {
                    self.cx.error_spanned_by(&fill, "fill a buffer with a constant (`vec![0.0; n]`), then assign its elements");
                }
                let init = self.rename_tokens_of(&init);
                let id = self.new_array(array_name, rank, ArrayOrigin::Local, Some(decl));
                out.push(Stmt::ArrayInit(ArrayInit { array: id, init, span }));
                Val::Array(ArrayRef { array: id, index: Vec::new(), view: false })
            }
            Some(Literal::Elements { elems, is_vec }) => {
                let n = elems.len();
                let (decl, init) = if is_vec {
                    ((quote!(::std::vec::Vec<#float>), quote!(::std::vec::Vec::new())), quote!(::std::vec::Vec::with_capacity(#n)))
                } else {
                    ((quote!([#float; #n]), quote!([#zero; #n])), quote!([#zero; #n]))
                };
                let id = self.new_array(array_name, 1, ArrayOrigin::Local, Some(decl));
                out.push(Stmt::ArrayInit(ArrayInit { array: id, init, span }));
                for (k, el) in elems.iter().enumerate() {
                    let v = self.expr(el, out);
                    let value = self.operand(v, el.span(), out);
                    if is_vec {
                        out.push(Stmt::Push(Push { array: id, value, span: el.span() }));
                    } else {
                        let k = proc_macro2::Literal::usize_unsuffixed(k);
                        let index = vec![Operand::Lit(quote!(#k))];
                        out.push(Stmt::Write(Write { target: ArrayRef { array: id, index, view: false }, value, span: el.span() }));
                    }
                }
                Val::Array(ArrayRef { array: id, index: Vec::new(), view: false })
            }
            Some(Literal::Empty { init }) => {
                let init = self.rename_tokens_of(&init);
                let decl = (quote!(::std::vec::Vec<#float>), quote!(::std::vec::Vec::new()));
                let id = self.new_array(array_name, 1, ArrayOrigin::Local, Some(decl));
                out.push(Stmt::ArrayInit(ArrayInit { array: id, init, span }));
                Val::Array(ArrayRef { array: id, index: Vec::new(), view: false })
            }
            None => self.unsupported(e, "this is not a buffer the transform can create; use `vec![0.0; n]`, `[0.0; N]`, `vec![a, b]` or `Vec::with_capacity(n)`"),
        }
    }

    fn rename_tokens_of(&mut self, tokens: &TokenStream) -> TokenStream {
        match syn::parse2::<Expr>(tokens.clone()) {
            Ok(e) => self.opaque_tokens(&e),
            Err(_) => tokens.clone(),
        }
    }

    /// `x[i][j] = value` (and `x[i] op= value` through `compound`).
    pub(super) fn write_element(
        &mut self,
        lhs: &Expr,
        val: Val,
        whole: &Expr,
        out: &mut Block,
    ) -> bool {
        let Some((r, span)) = self.element_place(lhs, out) else {
            return false;
        };
        let value = self.operand(val, whole.span(), out);
        out.push(Stmt::Write(Write {
            target: r,
            value,
            span,
        }));
        true
    }

    /// The element `lhs` designates, if it is an element of a float array.
    pub(super) fn element_place(
        &mut self,
        lhs: &Expr,
        out: &mut Block,
    ) -> Option<(ArrayRef, Span)> {
        let Expr::Index(i) = lhs else { return None };
        let mut r = match &*i.expr {
            Expr::Index(_) => self.element_place_prefix(&i.expr, out)?,
            base => self.place_array(base)?,
        };
        let idx = self.index_operand(&i.index, out);
        r.index.push(idx);
        if r.index.len() != self.arrays[r.array.0].rank {
            self.cx.error_spanned_by(
                lhs,
                "assign whole elements of a float array, as in `x[i] = ..` or `m[i][j] = ..`",
            );
            return None;
        }
        Some((r, lhs.span()))
    }

    fn element_place_prefix(&mut self, e: &Expr, out: &mut Block) -> Option<ArrayRef> {
        let Expr::Index(i) = e else {
            return self.place_array(e);
        };
        let mut r = self.element_place_prefix(&i.expr, out)?;
        let idx = self.index_operand(&i.index, out);
        r.index.push(idx);
        Some(r)
    }

    fn place_array(&self, e: &Expr) -> Option<ArrayRef> {
        match e {
            Expr::Path(p) => match p
                .path
                .get_ident()
                .and_then(|id| self.lookup(&id.to_string()))
            {
                Some(Binding::Array(r)) => Some(r.clone()),
                _ => None,
            },
            Expr::Paren(p) => self.place_array(&p.expr),
            // A vector field of a struct local (`s.v`).
            Expr::Field(_) => match self.place_binding(e) {
                Some(Binding::Array(r)) => Some(r),
                _ => None,
            },
            _ => None,
        }
    }

    /// `v.push(value)` on a float vector; false when `e` is not one.
    pub(super) fn push_stmt(&mut self, m: &syn::ExprMethodCall, out: &mut Block) -> bool {
        if m.method != "push" || m.args.len() != 1 {
            return false;
        }
        let Some(r) = self.place_array(&m.receiver) else {
            return false;
        };
        if !r.index.is_empty() || self.arrays[r.array.0].rank != 1 {
            self.cx
                .error_spanned_by(&m.method, "`push` is supported on vectors of floats only");
            return true;
        }
        let v = self.expr(&m.args[0], out);
        let value = self.operand(v, m.args[0].span(), out);
        out.push(Stmt::Push(Push {
            array: r.array,
            value,
            span: m.span(),
        }));
        true
    }

    /// The arrays a `for` loop iterates over, if its iterator is one the transform knows:
    /// `v.iter()`, `&v`, `v`, `.enumerate()`, `a.iter().zip(b.iter())`. Returns the sources
    /// and whether it enumerates.
    fn array_sources(&mut self, iter: &Expr, out: &mut Block) -> Option<(Vec<Source>, bool)> {
        match iter {
            Expr::MethodCall(m) if m.method == "enumerate" && m.args.is_empty() => {
                let (sources, enumerated) = self.array_sources(&m.receiver, out)?;
                (!enumerated && sources.len() == 1).then_some((sources, true))
            }
            Expr::MethodCall(m) if m.method == "zip" && m.args.len() == 1 => {
                let (mut a, ea) = self.array_sources(&m.receiver, out)?;
                let (b, eb) = self.array_sources(&m.args[0], out)?;
                if ea || eb || a.len() != 1 || b.len() != 1 {
                    return None;
                }
                a.extend(b);
                Some((a, false))
            }
            Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => {
                self.array_sources(&m.receiver, out)
            }
            Expr::Reference(r) if r.mutability.is_none() => self.array_sources(&r.expr, out),
            Expr::Paren(p) => self.array_sources(&p.expr, out),
            e => match self.expr(e, out) {
                Val::Array(r) => Some((vec![Source::Array(r)], false)),
                Val::Place(p) => Some((vec![Source::Place(p)], false)),
                _ => None,
            },
        }
    }

    /// `for pat in <array iterator> { body }`, lowered to a loop over indices that reads the
    /// elements: `for __i in 0..len { let xi = x[__i]; body }`. None when `iter` is not over
    /// float arrays.
    pub(super) fn array_loop(
        &mut self,
        f: &syn::ExprForLoop,
        out: &mut Block,
    ) -> Option<(LoopKind, Block)> {
        // The indices of the places iterated over are computed before the loop.
        let mut before = Block::new();
        let (sources, enumerated) = self.array_sources(&f.expr, &mut before)?;
        out.extend(before);
        let index = self.namer.fresh("__i");
        let len = |lw: &Self, source: &Source| match source {
            Source::Array(r) => {
                let tokens = lw.array_tokens(r);
                quote!(#tokens.len())
            }
            Source::Place(p) => {
                let place = lw.place_tokens(p);
                quote!(#place.len())
            }
        };
        let mut bound = len(self, &sources[0]);
        for s in &sources[1..] {
            let l = len(self, s);
            bound = quote!(#bound.min(#l));
        }
        let mut prologue = Block::new();
        let index_slot = self.temp(SlotTy::Usize);
        self.assign(
            &mut prologue,
            index_slot,
            Op::Const(quote!(#index)),
            vec![],
            true,
            f.expr.span(),
        );
        // The pattern: `x`, `&x`, `(i, x)`, `(a, b)`, `(i, (a, b))` is not supported.
        let pats: Vec<&Pat> = match (&*f.pat, enumerated, sources.len()) {
            (Pat::Tuple(t), true, 1) if t.elems.len() == 2 => {
                let i_pat = self.opaque_pat(&t.elems[0]);
                prologue.push(Stmt::Opaque(quote!(let #i_pat = #index;)));
                vec![&t.elems[1]]
            }
            (Pat::Tuple(t), false, 2) if t.elems.len() == 2 => t.elems.iter().collect(),
            (p, false, 1) => vec![p],
            _ => {
                self.cx.error_spanned_by(&f.pat, "bind the element as `x` or `&x`, the pair of `enumerate` as `(i, x)`, the pair of `zip` as `(a, b)`");
                return Some((LoopKind::Loop, Block::new()));
            }
        };
        for (pat, source) in pats.into_iter().zip(sources) {
            let mut r = match source {
                // An element of a view is the same element of the array.
                Source::Array(r) if r.view => {
                    let r = self.view_element(
                        &r,
                        Operand::Slot(index_slot),
                        f.expr.span(),
                        &mut prologue,
                    );
                    let val = if r.index.len() == self.arrays[r.array.0].rank {
                        let t = self.temp(SlotTy::Float);
                        self.assign(&mut prologue, t, Op::Read(r), vec![], true, f.expr.span());
                        Val::Float(Operand::Slot(t))
                    } else {
                        Val::Array(r)
                    };
                    let pat = match pat {
                        Pat::Reference(p) => &*p.pat,
                        p => p,
                    };
                    match (pat, val) {
                        (Pat::Ident(p), Val::Array(r)) => self.bind(&p.ident, Binding::Array(r)),
                        (Pat::Wild(_), _) => {}
                        (pat, val) => self.bind_pat(pat, val, None, f.expr.span(), &mut prologue),
                    }
                    continue;
                }
                Source::Array(r) => r,
                Source::Place(mut p) => {
                    // The element is a place too, read as its uses say.
                    p.reference = true;
                    p.path.push(crate::ir::Seg::Index);
                    p.index.push(Operand::Slot(index_slot));
                    let pat = match pat {
                        Pat::Reference(p) => &*p.pat,
                        p => p,
                    };
                    match pat {
                        Pat::Ident(id) if id.mutability.is_none() && id.subpat.is_none() => {
                            self.bind(&id.ident, Binding::Place(p))
                        }
                        Pat::Wild(_) => {}
                        pat => {
                            self.bind_pat(pat, Val::Place(p), None, f.expr.span(), &mut prologue)
                        }
                    }
                    continue;
                }
            };
            r.index.push(Operand::Slot(index_slot));
            let rank = self.arrays[r.array.0].rank;
            let val = if r.index.len() == rank {
                let t = self.temp(SlotTy::Float);
                self.assign(&mut prologue, t, Op::Read(r), vec![], true, f.expr.span());
                Val::Float(Operand::Slot(t))
            } else {
                Val::Array(r)
            };
            let pat = match pat {
                Pat::Reference(p) => &*p.pat,
                p => p,
            };
            match (pat, val) {
                (Pat::Ident(p), Val::Array(r)) => self.bind(&p.ident, Binding::Array(r)),
                (Pat::Wild(_), _) => {}
                (pat, val) => self.bind_pat(pat, val, None, f.expr.span(), &mut prologue),
            }
        }
        Some((
            LoopKind::For {
                pat: quote!(#index),
                iter: quote!(0..#bound),
            },
            prologue,
        ))
    }
}
