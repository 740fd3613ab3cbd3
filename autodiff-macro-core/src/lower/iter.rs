//! Iterator chains over differentiable data, lowered to the loops the transform already
//! differentiates: `x.iter().map(|v| v * v).sum()`, `a.iter().zip(b).map(|(x, y)| ..)`,
//! `x.windows(2).map(|w| ..)`, `z.iter().fold(f64::NEG_INFINITY, |m, &z| m.max(z))`, and
//! `for` loops over any such chain. No iterator runs in the generated code.
//!
//! A chain is read as an *indexed sequence*: a length and the element at index `i`, both
//! Rust expressions. Sources are indexed (`x.iter()`, ranges, `windows`, `chunks`), and so
//! are the adapters that only move indices (`zip`, `enumerate`, `skip`, `take`, `step_by`,
//! `rev`, `chain`); `map` applies its closure to the element; `filter` keeps a predicate
//! the loop's body tests (so only `map` and `filter` may follow it). A consumer is then a
//! block with a `for` loop over `0..len`, which the lowering differentiates as written:
//!
//! ```text
//! x.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>()
//!   ⇒ { let __n = min(x.len(), y.len()); let mut __acc: f64 = -0.0;
//!       for __i in 0..__n { __acc += { let (a, b) = (x[__i], y[__i]); (a - b).powi(2) }; }
//!       __acc }
//! ```
//!
//! Values are Rust's: a float `sum` starts from −0.0, `zip` stops at the shorter side,
//! `max_by` keeps the last of equal elements and `min_by` the first. A chain that touches no
//! float stays ordinary code.

use super::{Binding, Lowerer};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use std::rc::Rc;
use syn::spanned::Spanned;
use syn::Expr;

/// The element at an index, as an expression of the index. The adapters pass it index
/// expressions in parentheses (`(n - 1 - i)`), since it substitutes them into its own
/// (`&x[i * size..]` of `chunks`: `rev` of it must give `(n - 1 - i) * size`).
type Elem = Rc<dyn Fn(&Expr) -> Expr>;

/// An indexed sequence: statements to run first, its length, and its element at `i`.
#[derive(Clone)]
struct Seq {
    setup: Vec<syn::Stmt>,
    len: Expr,
    elem: Elem,
    /// Predicates of `filter`, applied in the loop's body to the element as it is at that
    /// stage; `map`s after the first `filter` are applied there too, in order.
    stages: Vec<Stage>,
}

#[derive(Clone)]
enum Stage {
    Filter(Expr),
    Map(Expr),
}

/// What a chain computes.
enum Consumer {
    Sum,
    Product,
    Fold(Expr, Expr),
    /// `reduce(f).unwrap()`.
    Reduce(Expr),
    /// `max_by(cmp).unwrap()` (true) or `min_by(cmp).unwrap()`.
    Extremum(Expr, bool),
    Count,
    /// `any(p)` (true) or `all(p)`.
    Quantifier(Expr, bool),
    Collect,
}

type Refusal = (Span, String);

impl Lowerer<'_> {
    /// `e` as a block of loops, when it is an iterator chain with a consumer that touches a
    /// float; `None` when it is not one (it is then lowered as before); an error when it is
    /// one the transform cannot take.
    pub(super) fn desugar_chain(&mut self, e: &Expr) -> Option<Result<Expr, Refusal>> {
        let Expr::MethodCall(m) = e else { return None };
        if let Some(reduction) = self.fold_extremum(m) {
            return Some(Ok(reduction));
        }
        let (consumer, receiver) = self.consumer(m)?;
        if !self.touches_floats(e) {
            return None;
        }
        let seq = match self.sequence(receiver) {
            Ok(Some(seq)) => seq,
            Ok(None) => return None,
            Err(refusal) => return Some(Err(refusal)),
        };
        let float_acc = self.float_accumulator(m, &consumer);
        Some(Ok(self.consume(seq, consumer, float_acc)))
    }

    /// `for pat in chain { body }` as a loop over indices; `None` when `iter` is not a chain.
    pub(super) fn desugar_for(&mut self, f: &syn::ExprForLoop) -> Option<Result<Expr, Refusal>> {
        // `for i in 0..n`, `for i in (0..n).rev()`: ordinary loops. A chain over floats the
        // array loops do not take (`map`, `skip`, `windows`, ...) is desugared.
        // So is one the array loops do not take (`zip` with a range, `enumerate` after `zip`).
        let needs = (adapters(&f.expr)
            .iter()
            .any(|a| DESUGARED.contains(&a.as_str()))
            || array_loop_sources(&f.expr).is_none())
            && (self.touches_floats(&f.expr));
        // A closure in the head (`.filter(|(k, _)| ..)`, over floats or not) is applied by
        // the loop's body; the lowering takes no closure passed to an iterator it runs.
        let closure = has_closure(&f.expr);
        if !needs && !closure {
            return None;
        }
        // A range zipped with, or chained to, floats is a chain over them.
        let with_floats = adapters(&f.expr).iter().any(|a| a == "zip" || a == "chain");
        if matches!(range_source(&f.expr), Some(true)) && !closure && !with_floats {
            return None;
        }
        let seq = match self.sequence(&f.expr) {
            Ok(Some(seq)) => seq,
            Ok(None) => return None,
            Err(refusal) => return Some(Err(refusal)),
        };
        let (pat, body, label) = (&f.pat, &f.body, &f.label);
        let (i, item) = (self.namer.fresh("__k"), self.namer.fresh("__item"));
        let (setup, len, element) = self.loop_parts(&seq, &i, &item);
        let stmts = &body.stmts;
        Some(Ok(syn::parse_quote!({
            #(#setup)*
            #label for #i in 0..#len {
                #element
                let #pat = #item;
                #(#stmts)*
            }
        })))
    }

    /// The consumer of a chain, and what it consumes.
    fn consumer<'e>(&self, m: &'e syn::ExprMethodCall) -> Option<(Consumer, &'e Expr)> {
        let name = m.method.to_string();
        let args: Vec<&Expr> = m.args.iter().collect();
        // `reduce`, `max_by`, `min_by` give an `Option`: taken with `unwrap`/`expect`.
        if (name == "unwrap" || name == "expect") && args.len() <= 1 {
            let Expr::MethodCall(inner) = &*m.receiver else {
                return None;
            };
            let inner_args: Vec<&Expr> = inner.args.iter().collect();
            let consumer = match (inner.method.to_string().as_str(), &inner_args[..]) {
                ("reduce", [f]) => Consumer::Reduce((*f).clone()),
                ("max_by", [f]) => Consumer::Extremum((*f).clone(), true),
                ("min_by", [f]) => Consumer::Extremum((*f).clone(), false),
                _ => return None,
            };
            return Some((consumer, &inner.receiver));
        }
        let consumer = match (name.as_str(), &args[..]) {
            ("sum", []) => Consumer::Sum,
            ("product", []) => Consumer::Product,
            ("fold", [init, f]) => Consumer::Fold((*init).clone(), (*f).clone()),
            ("count", []) => Consumer::Count,
            ("any", [p]) => Consumer::Quantifier((*p).clone(), true),
            ("all", [p]) => Consumer::Quantifier((*p).clone(), false),
            ("collect", []) => Consumer::Collect,
            _ => return None,
        };
        // A plain `x.iter().sum()` is a reduction of the runtime already.
        if matches!(consumer, Consumer::Sum) && self.is_plain_iter(&m.receiver) {
            return None;
        }
        Some((consumer, &m.receiver))
    }

    /// `x.iter()`, `x` or `&x`, for a float array `x`.
    fn is_plain_iter(&self, e: &Expr) -> bool {
        let base = match e {
            Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => &*m.receiver,
            e => e,
        };
        matches!(base, Expr::Path(p) if matches!(
            p.path.get_ident().and_then(|i| self.lookup(&i.to_string())),
            Some(Binding::Array(_))
        ))
    }

    /// Whether `e` names a float, an array, a place, a struct or a closure of the body.
    fn touches_floats(&self, e: &Expr) -> bool {
        let mut found = false;
        visit_idents(quote!(#e), &mut |ident| {
            found |= matches!(
                self.lookup(&ident.to_string()),
                Some(
                    Binding::Float(_)
                        | Binding::Array(_)
                        | Binding::Place(_)
                        | Binding::Struct(_)
                        | Binding::Closure(_)
                        | Binding::Tuple(_)
                )
            );
        });
        found
    }

    /// Whether the accumulator of `sum`/`product` is a float: the turbofish says so, or the
    /// source is a float array and the chain maps to no integer.
    fn float_accumulator(&self, m: &syn::ExprMethodCall, consumer: &Consumer) -> bool {
        if !matches!(consumer, Consumer::Sum | Consumer::Product) {
            return false;
        }
        match m.turbofish.as_ref().and_then(|t| t.args.first()) {
            Some(syn::GenericArgument::Type(ty)) => {
                let generics = crate::parse::signature::generic_floats(&self.f.item.sig);
                crate::parse::signature::scalar_float(ty, &generics).is_some()
            }
            _ => true,
        }
    }

    /// The indexed sequence `e` is; `None` when it is not an iterator chain of the forms the
    /// module takes.
    fn sequence(&mut self, e: &Expr) -> Result<Option<Seq>, Refusal> {
        match e {
            Expr::Paren(p) => self.sequence(&p.expr),
            Expr::Reference(r) if r.mutability.is_none() => Ok(self.source(&r.expr)),
            Expr::Range(range) => Ok(self.range(range)),
            Expr::MethodCall(m) => self.adapter(m),
            e => Ok(self.source(e)),
        }
    }

    /// An array, a vector inside a parameter, or any indexable collection: `x[i]`.
    fn source(&mut self, e: &Expr) -> Option<Seq> {
        if !matches!(e, Expr::Path(_) | Expr::Field(_) | Expr::Index(_)) {
            return None;
        }
        let n = self.namer.fresh("__n");
        let base = e.clone();
        Some(Seq {
            setup: vec![syn::parse_quote!(let #n: usize = #base.len();)],
            len: syn::parse_quote!(#n),
            elem: Rc::new(move |i| syn::parse_quote!(#base[#i])),
            stages: Vec::new(),
        })
    }

    /// `a..b`, `a..=b`: the integers, from `a`.
    fn range(&mut self, range: &syn::ExprRange) -> Option<Seq> {
        let (Some(a), Some(b)) = (&range.start, &range.end) else {
            return None;
        };
        let (start, end, n) = (
            self.namer.fresh("__a"),
            self.namer.fresh("__b"),
            self.namer.fresh("__n"),
        );
        let len: Expr = match range.limits {
            syn::RangeLimits::HalfOpen(_) => {
                syn::parse_quote!(if #end > #start { (#end - #start) as usize } else { 0 })
            }
            syn::RangeLimits::Closed(_) => {
                syn::parse_quote!(if #end >= #start { (#end - #start) as usize + 1 } else { 0 })
            }
        };
        // The element at `i` is the range's own `nth` (constant time), of the range's type:
        // `start + i as _` leaves rustc two `Add` impls to choose from (`usize` and `&usize`)
        // and does not compile (`(0..n).map(|i| x[i])`).
        let closed = matches!(range.limits, syn::RangeLimits::Closed(_));
        Some(Seq {
            setup: vec![
                syn::parse_quote!(let #start = #a;),
                syn::parse_quote!(let #end = #b;),
                syn::parse_quote!(let #n: usize = #len;),
            ],
            len: syn::parse_quote!(#n),
            elem: Rc::new(move |i| {
                if closed {
                    syn::parse_quote!(::core::iter::Iterator::nth(&mut (#start..=#end), #i).unwrap())
                } else {
                    syn::parse_quote!(::core::iter::Iterator::nth(&mut (#start..#end), #i).unwrap())
                }
            }),
            stages: Vec::new(),
        })
    }

    /// `inner.method(args)` for an adapter or a source method.
    fn adapter(&mut self, m: &syn::ExprMethodCall) -> Result<Option<Seq>, Refusal> {
        let name = m.method.to_string();
        let args: Vec<&Expr> = m.args.iter().collect();
        let recv = &*m.receiver;
        // Sources.
        match (name.as_str(), &args[..]) {
            ("iter" | "into_iter", []) => return Ok(self.sequence_or_source(recv)),
            ("windows" | "chunks" | "chunks_exact", [k]) => {
                return Ok(self.windows(recv, k, &name));
            }
            _ => {}
        }
        let Some(mut seq) = self.sequence(recv)? else {
            return Ok(None);
        };
        let filtered = seq.stages.iter().any(|s| matches!(s, Stage::Filter(_)));
        let refuse = |what: &str| -> Result<Option<Seq>, Refusal> {
            Err((
                m.method.span(),
                format!("`{what}` after `filter` is not supported: its indices are the filtered sequence's; put `{what}` before `filter`, or loop with a counter"),
            ))
        };
        match (name.as_str(), &args[..]) {
            ("copied" | "cloned" | "by_ref", []) => Ok(Some(seq)),
            ("map", [f]) => {
                let f = (*f).clone();
                if filtered {
                    seq.stages.push(Stage::Map(f));
                } else {
                    let elem = seq.elem.clone();
                    seq.elem = Rc::new(move |i| apply(&f, &[elem(i)]));
                }
                Ok(Some(seq))
            }
            ("filter", [p]) => {
                seq.stages.push(Stage::Filter((*p).clone()));
                Ok(Some(seq))
            }
            _ if filtered => refuse(&name),
            ("enumerate", []) => {
                let elem = seq.elem.clone();
                seq.elem = Rc::new(move |i| {
                    let e = elem(i);
                    syn::parse_quote!((#i, #e))
                });
                Ok(Some(seq))
            }
            ("zip", [other]) => {
                let Some(b) = self.sequence_or_source(other) else {
                    return Err((
                        other.span(),
                        "`zip` takes another array or iterator chain here".into(),
                    ));
                };
                if b.stages.iter().any(|s| matches!(s, Stage::Filter(_))) {
                    return refuse("zip");
                }
                let (la, lb) = (seq.len.clone(), b.len.clone());
                let (ea, eb) = (seq.elem.clone(), b.elem.clone());
                seq.setup.extend(b.setup);
                seq.len = syn::parse_quote!(::core::cmp::min(#la, #lb));
                seq.elem = Rc::new(move |i| {
                    let (a, b) = (ea(i), eb(i));
                    syn::parse_quote!((#a, #b))
                });
                Ok(Some(seq))
            }
            ("chain", [other]) => {
                let Some(b) = self.sequence_or_source(other) else {
                    return Err((
                        other.span(),
                        "`chain` takes another array or iterator chain here".into(),
                    ));
                };
                if b.stages.iter().any(|s| matches!(s, Stage::Filter(_))) {
                    return refuse("chain");
                }
                let (la, lb) = (seq.len.clone(), b.len.clone());
                let (ea, eb) = (seq.elem.clone(), b.elem.clone());
                seq.setup.extend(b.setup);
                let first = self.namer.fresh("__n");
                seq.setup.push(syn::parse_quote!(let #first: usize = #la;));
                seq.len = syn::parse_quote!(#first + #lb);
                seq.elem = Rc::new(move |i| {
                    let (a, b) = (ea(i), eb(&syn::parse_quote!((#i - #first))));
                    syn::parse_quote!(if #i < #first { #a } else { #b })
                });
                Ok(Some(seq))
            }
            ("skip", [n]) => {
                let (len, k) = (seq.len.clone(), self.namer.fresh("__skip"));
                seq.setup.push(syn::parse_quote!(let #k: usize = #n;));
                seq.len = syn::parse_quote!((#len).saturating_sub(#k));
                let elem = seq.elem.clone();
                seq.elem = Rc::new(move |i| elem(&syn::parse_quote!((#i + #k))));
                Ok(Some(seq))
            }
            ("take", [n]) => {
                let len = seq.len.clone();
                seq.len = syn::parse_quote!(::core::cmp::min(#len, #n));
                Ok(Some(seq))
            }
            ("step_by", [s]) => {
                let (len, k) = (seq.len.clone(), self.namer.fresh("__step"));
                seq.setup.push(syn::parse_quote!(let #k: usize = #s;));
                seq.setup
                    .push(syn::parse_quote!(assert!(#k != 0, "assertion failed: step != 0");));
                seq.len = syn::parse_quote!((#len + #k - 1) / #k);
                let elem = seq.elem.clone();
                seq.elem = Rc::new(move |i| elem(&syn::parse_quote!((#i * #k))));
                Ok(Some(seq))
            }
            ("rev", []) => {
                let (len, n) = (seq.len.clone(), self.namer.fresh("__n"));
                seq.setup.push(syn::parse_quote!(let #n: usize = #len;));
                seq.len = syn::parse_quote!(#n);
                let elem = seq.elem.clone();
                seq.elem = Rc::new(move |i| elem(&syn::parse_quote!((#n - 1 - #i))));
                Ok(Some(seq))
            }
            _ => Ok(None),
        }
    }

    /// An argument of `zip`/`chain`, or the receiver of `iter()`: a chain, or a collection.
    fn sequence_or_source(&mut self, e: &Expr) -> Option<Seq> {
        match e {
            Expr::MethodCall(_) | Expr::Range(_) | Expr::Paren(_) | Expr::Reference(_) => {
                self.sequence(e).ok().flatten()
            }
            e => self.source(e),
        }
    }

    /// `x.windows(k)`, `x.chunks(k)`, `x.chunks_exact(k)`: sub-slices of `x`.
    fn windows(&mut self, x: &Expr, k: &Expr, kind: &str) -> Option<Seq> {
        if !matches!(x, Expr::Path(_) | Expr::Field(_) | Expr::Index(_)) {
            return None;
        }
        let (n, size) = (self.namer.fresh("__n"), self.namer.fresh("__size"));
        let x = x.clone();
        let mut setup: Vec<syn::Stmt> = vec![
            syn::parse_quote!(let #size: usize = #k;),
            syn::parse_quote!(assert!(#size != 0, "window size must be non-zero");),
        ];
        let (len, elem): (Expr, Elem) = match kind {
            "windows" => (
                syn::parse_quote!((#x.len() + 1).saturating_sub(#size)),
                Rc::new(move |i| syn::parse_quote!(&#x[#i..#i + #size])),
            ),
            "chunks" => (
                syn::parse_quote!((#x.len() + #size - 1) / #size),
                Rc::new(
                    move |i| syn::parse_quote!(&#x[#i * #size..::core::cmp::min((#i + 1) * #size, #x.len())]),
                ),
            ),
            _ => (
                syn::parse_quote!(#x.len() / #size),
                Rc::new(move |i| syn::parse_quote!(&#x[#i * #size..(#i + 1) * #size])),
            ),
        };
        setup.push(syn::parse_quote!(let #n: usize = #len;));
        Some(Seq {
            setup,
            len: syn::parse_quote!(#n),
            elem,
            stages: Vec::new(),
        })
    }

    /// The setup, the length, and the statements that bind the element at `i` to `item`
    /// (with `continue` for one a filter drops). Each stage's element is a name of its own,
    /// and `item` is bound once: a name the transform made up is not counted among the
    /// user's bindings, so binding it twice (a `map` after a `filter`) would give both slots
    /// the same name.
    fn loop_parts(
        &mut self,
        seq: &Seq,
        i: &syn::Ident,
        item: &syn::Ident,
    ) -> (Vec<syn::Stmt>, Expr, TokenStream) {
        let index: Expr = syn::parse_quote!(#i);
        let first = (seq.elem)(&index);
        let maps = seq
            .stages
            .iter()
            .filter(|s| matches!(s, Stage::Map(_)))
            .count();
        let mut current = if maps == 0 {
            item.clone()
        } else {
            self.namer.fresh("__item")
        };
        let mut element = quote!(let #current = #first;);
        let mut left = maps;
        for stage in &seq.stages {
            match stage {
                Stage::Filter(p) => {
                    // Bound first, so that its patterns bind as `let`s do.
                    let test = apply(p, &[syn::parse_quote!(&#current)]);
                    let keep = self.namer.fresh("__keep");
                    element.extend(quote!(let #keep: bool = #test; if !#keep { continue; }));
                }
                Stage::Map(f) => {
                    let mapped = apply(f, &[syn::parse_quote!(#current)]);
                    left -= 1;
                    let next = if left == 0 {
                        item.clone()
                    } else {
                        self.namer.fresh("__item")
                    };
                    element.extend(quote!(let #next = #mapped;));
                    current = next;
                }
            }
        }
        (seq.setup.clone(), seq.len.clone(), element)
    }

    /// The block computing `consumer` over `seq`.
    fn consume(&mut self, seq: Seq, consumer: Consumer, float_acc: bool) -> Expr {
        let (i, item) = (self.namer.fresh("__k"), self.namer.fresh("__item"));
        let acc = self.namer.fresh("__acc");
        let (setup, len, element) = self.loop_parts(&seq, &i, &item);
        let float = self.f.float.ty();
        let zero = self.f.float.adjoint_zero();
        let one = self.f.float.one();
        let (init, step, result): (TokenStream, TokenStream, TokenStream) = match consumer {
            Consumer::Sum if float_acc => (
                quote!(let mut #acc: #float = #zero;),
                quote!(#acc += #item;),
                quote!(#acc),
            ),
            Consumer::Product if float_acc => (
                quote!(let mut #acc: #float = #one;),
                quote!(#acc *= #item;),
                quote!(#acc),
            ),
            Consumer::Sum => (
                quote!(let mut #acc = 0;),
                quote!(#acc += #item;),
                quote!(#acc),
            ),
            Consumer::Product => (
                quote!(let mut #acc = 1;),
                quote!(#acc *= #item;),
                quote!(#acc),
            ),
            Consumer::Fold(init, f) => {
                let step = apply(&f, &[syn::parse_quote!(#acc), syn::parse_quote!(#item)]);
                // An initial value spelled as a float constant (`f64::NEG_INFINITY`) makes a
                // float accumulator.
                let annotation = if self.names_a_float(&init) {
                    quote!(: #float)
                } else {
                    quote!()
                };
                (
                    quote!(let mut #acc #annotation = #init;),
                    quote!(#acc = #step;),
                    quote!(#acc),
                )
            }
            Consumer::Reduce(f) => {
                let step = apply(&f, &[syn::parse_quote!(#acc), syn::parse_quote!(#item)]);
                self.first_then(&acc, &item, &float, quote!(#step))
            }
            Consumer::Extremum(cmp, max) => {
                // Rust's `max_by` keeps the later of equal elements, `min_by` the earlier.
                let order = apply_substituted(&cmp, &[quote!(&#acc), quote!(&#item)]);
                let greater = self.namer.fresh("__greater");
                let step = if max {
                    quote!(if #greater { #acc } else { #item })
                } else {
                    quote!(if #greater { #item } else { #acc })
                };
                let (init, update, result) = self.first_then(&acc, &item, &float, step);
                (
                    init,
                    quote!(let #greater: bool = ::core::matches!(#order, ::core::cmp::Ordering::Greater); #update),
                    result,
                )
            }
            Consumer::Count => (
                quote!(let mut #acc: usize = 0;),
                quote!(#acc += 1;),
                quote!(#acc),
            ),
            Consumer::Quantifier(p, any) => {
                let test = apply(&p, &[syn::parse_quote!(&#item)]);
                let t = self.namer.fresh("__test");
                let step = if any {
                    quote!(let #t: bool = #test; if #t { #acc = true; break; })
                } else {
                    quote!(let #t: bool = #test; if !#t { #acc = false; break; })
                };
                (quote!(let mut #acc = !#any;), step, quote!(#acc))
            }
            Consumer::Collect => (
                quote!(let mut #acc: ::std::vec::Vec<#float> = ::std::vec::Vec::with_capacity(#len);),
                quote!(#acc.push(#item);),
                quote!(#acc),
            ),
        };
        syn::parse_quote!({
            #(#setup)*
            #init
            for #i in 0..#len {
                #element
                #step
            }
            #result
        })
    }

    /// `reduce`/`max_by`/`min_by`: the first element, then `acc = step` for each other one;
    /// no element panics as `Option::unwrap` does.
    fn first_then(
        &mut self,
        acc: &syn::Ident,
        item: &syn::Ident,
        float: &syn::Type,
        step: TokenStream,
    ) -> (TokenStream, TokenStream, TokenStream) {
        let empty = self.namer.fresh("__empty");
        let zero = self.f.float.zero();
        (
            quote!(let mut #acc: #float = #zero; let mut #empty = true;),
            quote!(if #empty { #acc = #item; #empty = false; } else { #acc = #step; }),
            quote!({
                if #empty {
                    ::core::panic!("called `Option::unwrap()` on a `None` value");
                }
                #acc
            }),
        )
    }

    /// Whether `e` is spelled as a constant of the float type (`f64::NEG_INFINITY`,
    /// `T::neg_infinity()`, `0.0`).
    fn names_a_float(&self, e: &Expr) -> bool {
        let generics = crate::parse::signature::generic_floats(&self.f.item.sig);
        let mut found = false;
        visit_idents(quote!(#e), &mut |ident| {
            found |= ident == "f64" || ident == "f32" || generics.iter().any(|g| g == ident);
        });
        found
            || matches!(
                e,
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Float(_),
                    ..
                })
            )
    }
}

/// The adapters `for` loops over arrays do not take themselves (`array.rs` takes `iter`,
/// `enumerate`, `zip`).
const DESUGARED: &[&str] = &[
    "map",
    "filter",
    "skip",
    "take",
    "step_by",
    "rev",
    "chain",
    "windows",
    "chunks",
    "chunks_exact",
    "copied",
    "cloned",
    "into_iter",
];

/// The shape of the iterators `array.rs` loops over, by their syntax: how many arrays, and
/// whether enumerated (`x`, `&x`, `x.iter()`, `.enumerate()` of one, `.zip(..)` of two);
/// `None` for any other.
fn array_loop_sources(e: &Expr) -> Option<(usize, bool)> {
    match e {
        Expr::MethodCall(m) if m.method == "enumerate" && m.args.is_empty() => {
            let (n, enumerated) = array_loop_sources(&m.receiver)?;
            (!enumerated && n == 1).then_some((1, true))
        }
        Expr::MethodCall(m) if m.method == "zip" && m.args.len() == 1 => {
            let (na, ea) = array_loop_sources(&m.receiver)?;
            let (nb, eb) = array_loop_sources(&m.args[0])?;
            (!ea && !eb && na == 1 && nb == 1).then_some((2, false))
        }
        Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => {
            array_loop_sources(&m.receiver)
        }
        Expr::Reference(r) => array_loop_sources(&r.expr),
        Expr::Paren(p) => array_loop_sources(&p.expr),
        Expr::Path(_) | Expr::Field(_) | Expr::Index(_) => Some((1, false)),
        _ => None,
    }
}

/// The methods of a chain, innermost first.
fn adapters(e: &Expr) -> Vec<String> {
    match e {
        Expr::MethodCall(m) => {
            let mut out = adapters(&m.receiver);
            out.push(m.method.to_string());
            for a in &m.args {
                out.extend(adapters(a));
            }
            out
        }
        Expr::Paren(p) => adapters(&p.expr),
        Expr::Reference(r) => adapters(&r.expr),
        _ => Vec::new(),
    }
}

/// Whether a chain's source is a range (`Some(true)`), something else (`Some(false)`).
fn range_source(e: &Expr) -> Option<bool> {
    match e {
        Expr::MethodCall(m) => range_source(&m.receiver),
        Expr::Paren(p) => range_source(&p.expr),
        Expr::Range(_) => Some(true),
        _ => Some(false),
    }
}

/// Whether a closure is written in `e`.
fn has_closure(e: &Expr) -> bool {
    let mut found = false;
    struct Find<'a>(&'a mut bool);
    impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            *self.0 = true;
        }
    }
    syn::visit::Visit::visit_expr(&mut Find(&mut found), e);
    found
}

/// `f(args)` as an expression: a closure written in place is applied by binding its
/// parameters (`{ let (a, b) = arg; body }`); anything else (a closure's name, a function)
/// is called.
fn apply(f: &Expr, args: &[Expr]) -> Expr {
    match f {
        Expr::Closure(c) if c.inputs.len() == args.len() => {
            let binds = c.inputs.iter().zip(args).map(|(p, a)| quote!(let #p = #a;));
            let body = &c.body;
            syn::parse_quote!({ #(#binds)* #body })
        }
        Expr::Paren(p) => apply(&p.expr, args),
        f => syn::parse_quote!(#f(#(#args),*)),
    }
}

/// `f(args)` for a predicate or comparator, read by non-float code: a closure with plain
/// parameters has them replaced by the arguments in its body, so the body's comparisons read
/// the floats directly (and cut their gradient, as any comparison does).
fn apply_substituted(f: &Expr, args: &[TokenStream]) -> TokenStream {
    if let Expr::Closure(c) = f {
        let names: Option<Vec<syn::Ident>> = c
            .inputs
            .iter()
            .map(|p| match p {
                syn::Pat::Ident(i) if i.by_ref.is_none() && i.subpat.is_none() => {
                    Some(i.ident.clone())
                }
                syn::Pat::Reference(r) => match &*r.pat {
                    syn::Pat::Ident(i) => Some(i.ident.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if let Some(names) = names.filter(|n| n.len() == args.len()) {
            let body = &c.body;
            let mut body: Expr = syn::parse_quote!(#body);
            let map: Vec<(String, TokenStream)> = names
                .iter()
                .map(|n| n.to_string())
                .zip(args.iter().cloned())
                .collect();
            syn::visit_mut::VisitMut::visit_expr_mut(&mut Substitute(&map), &mut body);
            return quote!((#body));
        }
    }
    let args: Vec<Expr> = args.iter().map(|a| syn::parse_quote!(#a)).collect();
    let applied = apply(f, &args);
    quote!(#applied)
}

struct Substitute<'a>(&'a [(String, TokenStream)]);

impl syn::visit_mut::VisitMut for Substitute<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Path(p) = e {
            if let Some(ident) = p.path.get_ident() {
                if let Some((_, arg)) = self.0.iter().find(|(n, _)| ident == n) {
                    *e = syn::parse_quote!((#arg));
                    return;
                }
            }
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
}

fn visit_idents(tokens: TokenStream, f: &mut dyn FnMut(&syn::Ident)) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => f(&i),
            proc_macro2::TokenTree::Group(g) => visit_idents(g.stream(), f),
            _ => {}
        }
    }
}
