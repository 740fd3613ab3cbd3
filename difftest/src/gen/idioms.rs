//! Rust as people write it (issue 15): iterator chains over float slices, closures defined in
//! the body, patterns, sub-slices, and struct values built, written and returned.
//!
//! - **Iterator chains** ([`Writer::chain`]): a source, `x.iter()`, `x.iter().copied()`, a
//!   range (`(0..n)`, `(1..=3)`, ...), `x.windows(k)`, `x.chunks(k)`, `x.chunks_exact(k)`
//!   (now and then reversed), over a float slice ([`Writer::float_slice`]: `w`, a buffer, a
//!   vector field, a bound sub-slice, `ar`, or a sub-slice of one of those); up to two
//!   adapters of `map`, `zip`, `enumerate`, `filter`, `skip`, `take`, `step_by`, `chain`,
//!   `copied`; and a consumer: `sum::<T>()`, `product::<T>()`, `fold`, `reduce(..).unwrap()`,
//!   `max_by`/`min_by(|a, b| a.partial_cmp(b).unwrap()).unwrap()`, `count()` (as a factor
//!   without derivative), `any`/`all` (in a condition), `collect::<Vec<T>>()` (a buffer read
//!   afterwards), or a `for` loop over the chain ([`Writer::chain_loop`]). Lengths are tracked
//!   as bounds, so that `reduce`, `max_by` and `min_by` only see chains that cannot be empty
//!   and indices stay in range.
//! - **Closures** ([`Writer::closure`]): `let h3 = |t4: T| ..;`, of one or two floats, `move`
//!   or not, capturing floats and integers of the body, called in expressions (`h3(v1)`) and
//!   passed by name to `map`, `fold` and `reduce`; and the closures the adapters take, written
//!   in place, whose parameters are patterns of the items: `|&t|`, `|t|` read as `*t`,
//!   `|(e1, &t)|`, `|(&a, &b)|`, `|c|` of a window read as `c[j]` and `sum(c)`.
//! - **Patterns** ([`Writer::pattern`]): `let [u1, u2] = *ar;`, `let [u1, _] = *ar;`,
//!   `let (u1, u2) = (.., ..);`, `let (mut v1, u2) = (.., ..);`, `let &u1 = &w[..];`, and the
//!   patterns of `for` loops over chains (`for (e1, &t2) in w.iter().enumerate()`).
//! - **Sub-slices** ([`Writer::sub_slice`]): `&x[a..b]`, `&x[a..]`, `&x[..b]`, `&x[a..=b]`,
//!   `x.split_at(k)` (of `w` and bound slices), bound to names (`let s1 = &w[1..3];`), read by
//!   element, reduced by slice functions, iterated, and passed to callees as their `w`
//!   (`&w[..]`, `&b5[m..m + 4]` of a buffer of eight).
//! - **Struct values**: `let mut s1 = Inner { a: .., v: vec![.., .., ..] };` (or `v: b2` of a
//!   buffer of three), its `a` written (`s1.a = s1.a * k + ..;`), its fields read and reduced;
//!   a function returning `Inner<T>` returns a literal of four floats, one with a buffer, or
//!   such a local whole.
//!
//! What the transform does not take (each reported, see docs/difftest.md) stays out: chains over
//! a local struct's field (`s1.v.iter()`, refused), `split_at` of a field (refused), and
//! `logsumexp`, `max_of`, `min_of` of a sub-slice (their `_hvp` does not compile). Closure
//! bodies are single expressions (a `let` inside one called twice shared one slot across the
//! calls, a bug fixed since and kept in `tests/regression.rs`).
//!
//! Borrows: a closure that outlives its statement (a `let` closure that is not `move`, those of
//! a `for` loop's chain) captures only what the body never writes afterwards (no `v` float, no
//! counter `c` or induction variable `l`, no buffer, no struct local; see [`Writer::frozen`]);
//! a `move` closure copies floats and integers but takes no buffer nor struct local. Bound
//! sub-slices are of data the body never writes (parameters and collected buffers).

use super::{Chunk, Element, Frame, Head, Writer, BINARY, UNARY};
use crate::program::Struct;

/// A slice of floats: a place (`w`, `b3`, `p.w`, `q.v`, `s4`, `ar`) or a sub-slice of one
/// (`w[1..3]`), with bounds on its length.
#[derive(Clone, Debug)]
pub(super) struct Slice {
    pub text: String,
    pub min: usize,
    pub max: usize,
    /// Passed to a slice function as `&{text}` (a `Vec` or a sub-slice), else as it is (a
    /// slice reference).
    pub by_ref: bool,
    /// A sub-slice (a view), or a window of a chain: not given to `logsumexp`, `max_of` or
    /// `min_of`, and not split.
    pub view: bool,
}

impl Slice {
    fn new(text: impl Into<String>, min: usize, max: usize, by_ref: bool) -> Slice {
        Slice {
            text: text.into(),
            min,
            max,
            by_ref,
            view: false,
        }
    }

    /// The slice as an argument of a slice function.
    pub fn arg(&self) -> String {
        if self.by_ref {
            format!("&{}", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// What an iterator yields.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Item {
    /// A float, `T`.
    F,
    /// A reference to one, `&T`.
    R,
    /// An integer of a range.
    I,
    /// `(usize, item)`, of `enumerate`.
    E(Box<Item>),
    /// `(item, item)`, of `zip`.
    Z(Box<Item>, Box<Item>),
    /// A window or a chunk, `&[T]` of at least this many floats.
    W(usize),
}

/// An iterator chain being written, its items and bounds on its length.
pub(super) struct Chain {
    text: String,
    item: Item,
    min: usize,
    max: usize,
    /// After `filter`: only `map` and `filter` may follow (the transform's rule), and it may
    /// be empty.
    filtered: bool,
    /// Its items are elements of a field of a parameter (`p.w.iter()`), not yet mapped: a
    /// pattern binds them by value (`&t`, not `t` read as `*t`, whose deref the transform
    /// renders as `*p.w[i]` in code it does not differentiate, see docs/difftest.md), and it
    /// is not chained with another such.
    place: bool,
}

/// What a closure's pattern binds: the pattern, and the floats, integers and windows the body
/// may read.
pub(super) struct Bound {
    pub pat: String,
    pub floats: Vec<String>,
    pub ints: Vec<String>,
    pub windows: Vec<Slice>,
}

/// A closure bound to a name: `let h3 = |t4: T| ..;`.
#[derive(Clone, Debug)]
pub(super) struct Closure {
    pub name: String,
    pub arity: usize,
}

/// Whether `item` holds a float (or a window of them).
fn has_floats(item: &Item) -> bool {
    match item {
        Item::F | Item::R | Item::W(_) => true,
        Item::I => false,
        Item::E(i) => has_floats(i),
        Item::Z(a, b) => has_floats(a) || has_floats(b),
    }
}

/// The longest a chain may be (`chain` of two slices of four).
const CHAIN_TRIPS: u64 = 8;

impl Writer<'_> {
    /// `write`'s result, written with only what a closure that outlives its statement may
    /// capture: no `v` float, counter or induction variable (which the body may assign
    /// later), no buffer nor struct local (written later, or moved by a `move` closure); a
    /// `move` closure copies floats and integers, but moves no collected buffer either.
    pub(super) fn frozen<R>(&mut self, moved: bool, write: impl FnOnce(&mut Self) -> R) -> R {
        let (vars, ints) = (self.vars.clone(), self.ints.clone());
        let arrays = std::mem::take(&mut self.arrays);
        let locals = std::mem::take(&mut self.locals);
        let collected = self.collected.clone();
        if moved {
            self.collected.clear();
        } else {
            self.vars.retain(|v| !v.starts_with('v'));
            self.ints
                .retain(|i| !(i.starts_with('c') || i.starts_with('l')));
        }
        let r = write(self);
        (self.vars, self.ints, self.arrays) = (vars, ints, arrays);
        (self.locals, self.collected) = (locals, collected);
        r
    }

    /// `write`'s result, with what `bound` binds in scope.
    fn with_bound<R>(&mut self, bound: &Bound, write: impl FnOnce(&mut Self) -> R) -> R {
        let (v, i, s) = (self.vars.len(), self.ints.len(), self.slices.len());
        self.vars.extend(bound.floats.iter().cloned());
        self.ints.extend(bound.ints.iter().cloned());
        self.slices.extend(bound.windows.iter().cloned());
        let r = write(self);
        self.vars.truncate(v);
        self.ints.truncate(i);
        self.slices.truncate(s);
        r
    }

    /// `write`'s result, costed as run once per element of a chain.
    fn per_element<R>(&mut self, write: impl FnOnce(&mut Self) -> R) -> R {
        self.loops.push(Frame {
            index: "n".into(),
            trips: CHAIN_TRIPS,
        });
        self.chain_depth += 1;
        let r = write(self);
        self.chain_depth -= 1;
        self.loops.pop();
        r
    }

    /// The float slices in scope: `w`, the buffers (`writable`: those the body writes too),
    /// the collected buffers, `p.w` and the `v` of the `Inner`s, the bound sub-slices (and
    /// windows), `ar`.
    fn float_slices(&mut self, writable: bool) -> Vec<Slice> {
        let mut all = vec![Slice::new("w", 4, 4, false)];
        if writable {
            all.extend(self.arrays.iter().map(|(b, l)| Slice::new(b, *l, *l, true)));
        }
        all.extend(
            self.collected
                .iter()
                .map(|(b, l)| Slice::new(b, *l, *l, true)),
        );
        if self.has(Struct::P) {
            all.push(Slice::new("p.w", 4, 4, true));
        }
        if !self.inners.is_empty() || !self.inner_slices().is_empty() {
            let inner = self.inner();
            all.push(Slice::new(format!("{inner}.v"), 3, 3, true));
        }
        all.extend(self.slices.iter().cloned());
        if self.has(Struct::Ar) {
            all.push(Slice::new("ar", 2, 2, false));
        }
        all
    }

    /// A float slice in scope, or (one in three) a sub-slice of one.
    pub(super) fn float_slice(&mut self, writable: bool) -> Slice {
        let all = self.float_slices(writable);
        let s = all[self.rng.below(all.len())].clone();
        if s.min >= 2 && s.text != "ar" && self.rng.chance(35) {
            self.sub_slice(&s)
        } else {
            s
        }
    }

    /// A sub-slice of `base` (of at least two floats), in range whatever its length:
    /// `base[k..]`, `base[..k]`, `base[a..a + len]`, `base[a..=m]`, ... with `a` computed
    /// from the integers in scope.
    pub(super) fn sub_slice(&mut self, base: &Slice) -> Slice {
        let (m, t) = (base.min, base.text.clone());
        let view = |text: String, min: usize, max: usize| Slice {
            text,
            min,
            max,
            by_ref: true,
            view: true,
        };
        match self.rng.below(6) {
            0 => {
                let k = 1 + self.rng.below(m - 1);
                view(format!("{t}[{k}..]"), m - k, base.max - k)
            }
            1 => {
                let k = 1 + self.rng.below(m);
                view(format!("{t}[..{k}]"), k, k)
            }
            2 => {
                let len = 1 + self.rng.below(m);
                let a = if m > len {
                    format!("{} % {}", self.small_int(), m - len + 1)
                } else {
                    "0".to_string()
                };
                view(format!("{t}[{a}..{a} + {len}]"), len, len)
            }
            3 => {
                let a = self.small_int();
                view(format!("{t}[{a} % 2..={}]", m - 1), m - 1, m)
            }
            4 => {
                let a = self.small_int();
                view(format!("{t}[{a} % 2..]"), m - 1, base.max)
            }
            _ if m >= 3 => {
                let a = self.small_int();
                view(format!("{t}[..{a} % {} + 2]", m - 1), 2, m)
            }
            _ => view(format!("{t}[1..]"), m - 1, base.max - 1),
        }
    }

    /// A float read from a slice: an element, or a slice function of it.
    fn slice_read(&mut self, s: &Slice) -> String {
        match self.rng.below(6) {
            0..=2 => format!("{}[{}]", s.text, self.index(s.min)),
            3 => format!("sum({})", s.arg()),
            4 => format!("norm({})", s.arg()),
            _ if s.min == s.max => {
                // `dot` with another slice of that length.
                let others: Vec<Slice> = self
                    .float_slices(true)
                    .into_iter()
                    .filter(|o| o.min == s.min && o.max == s.min)
                    .collect();
                let other = match others.get(self.rng.below(others.len() + 1)) {
                    Some(o) => o.arg(),
                    None => s.arg(),
                };
                format!("dot({}, {other})", s.arg())
            }
            _ => format!("mean({})", s.arg()),
        }
    }

    /// An expression without chains nor closure calls: for a condition (a comparison, a
    /// predicate of `filter`, `any`, `all`) and the receiver of `floor` or `signum`, code the
    /// transform does not differentiate, where both are refused; and for the elements of
    /// `vec![..]`, where the names a chain's closures bind are not counted among the
    /// function's (see docs/difftest.md).
    pub(super) fn plain_expr(&mut self, depth: usize) -> String {
        self.condition_expr(depth)
    }

    /// An expression for a condition: see [`Writer::plain_expr`].
    /// (Nor struct locals: `s1.v[j]` there is refused too; nor bound places passed to a
    /// callee, `p3(.., qe1)`, nor bound sub-slices and windows passed to a slice function,
    /// `sum(s1)`, which there reach it as `Inner<T>` for `&Inner<T>`, `[T]` for `&[T]`.)
    pub(super) fn condition_expr(&mut self, depth: usize) -> String {
        let (closures, chain_depth) = (std::mem::take(&mut self.closures), self.chain_depth);
        let locals = std::mem::take(&mut self.locals);
        let slices = std::mem::take(&mut self.slices);
        let inners = self.inners.clone();
        self.inners
            .retain(|i| !(i.starts_with('r') || i.starts_with("qe")));
        self.chain_depth = usize::MAX / 2;
        let e = self.expr(depth);
        (self.closures, self.chain_depth, self.locals) = (closures, chain_depth, locals);
        (self.inners, self.slices) = (inners, slices);
        e
    }

    /// A float leaf of the constructs of this module, when one is in scope (else `None`): an
    /// element or a reduction of a bound sub-slice or a sub-slice written in place, a field of
    /// a struct local, an element of `ar`, a chain.
    pub(super) fn idiom_leaf(&mut self) -> Option<String> {
        match self.rng.below(8) {
            0 | 1 if !self.slices.is_empty() => {
                let s = self.slices[self.rng.below(self.slices.len())].clone();
                Some(self.slice_read(&s))
            }
            2 => {
                let base = self.float_slice(true);
                let s = if base.min >= 2 && base.text != "ar" {
                    self.sub_slice(&base)
                } else {
                    base
                };
                Some(self.slice_read(&s))
            }
            3 if !self.locals.is_empty() => Some(self.local_read()),
            4 if self.has(Struct::Ar) => Some(format!("ar[{}]", self.index(2))),
            5..=7 if self.chain_depth < 2 => Some(self.chain_expr()),
            _ => None,
        }
    }

    /// A read of a struct local: `s1.a`, `s1.v[j % 3]`, or a reduction of `s1.v` (`sum`,
    /// `norm`, `dot` with another slice of three, of a sub-slice).
    fn local_read(&mut self) -> String {
        let s = self.locals[self.rng.below(self.locals.len())].clone();
        match self.rng.below(6) {
            0 | 1 => format!("{s}.a"),
            2 | 3 => format!("{s}.v[{}]", self.index(3)),
            4 => {
                let v = Slice::new(format!("{s}.v"), 3, 3, true);
                let v = if self.rng.chance(40) {
                    self.sub_slice(&v)
                } else {
                    v
                };
                format!("{}({})", self.rng.pick(&["sum", "norm", "mean"]), v.arg())
            }
            _ => {
                let others: Vec<Slice> = self
                    .float_slices(true)
                    .into_iter()
                    .filter(|o| o.min == 3 && o.max == 3)
                    .collect();
                let other = match others.get(self.rng.below(others.len() + 1)) {
                    Some(o) => o.arg(),
                    None => format!("&{s}.v"),
                };
                format!("dot(&{s}.v, {other})")
            }
        }
    }

    /// A float expression of a chain and a consumer that gives a float: `sum::<T>()`,
    /// `product::<T>()`, `fold`, `reduce`, `max_by`/`min_by`.
    pub(super) fn chain_expr(&mut self) -> String {
        self.per_element(|w| {
            let mut c = w.chain(true);
            let nonempty = c.min >= 1 && !c.filtered;
            match w.rng.below(12) {
                0..=2 => {
                    w.make_floats(&mut c);
                    format!("{}.sum::<T>()", c.text)
                }
                3 => {
                    w.make_floats(&mut c);
                    format!("{}.product::<T>()", c.text)
                }
                4 | 5 => w.fold(c),
                6 | 7 if nonempty => w.reduce(c),
                8 if nonempty => {
                    w.make_floats(&mut c);
                    let (a, b) = (w.new_name("a"), w.new_name("a"));
                    let which = w.rng.pick(&["max_by", "min_by"]);
                    format!(
                        "{}.{which}(|{a}, {b}| {a}.partial_cmp({b}).unwrap()).unwrap()",
                        c.text
                    )
                }
                _ => {
                    w.make_floats(&mut c);
                    format!("{}.sum::<T>()", c.text)
                }
            }
        })
    }

    /// `c.fold(init, |a, item| ..)`, or `c.fold(init, h)` with a closure of two floats.
    fn fold(&mut self, mut c: Chain) -> String {
        let init = self.expr(0);
        if let Some(h) = self.closure_of(2).filter(|_| self.rng.chance(40)) {
            self.make_floats(&mut c);
            return format!("{}.fold({init}, {h})", c.text);
        }
        let a = self.new_name("a");
        let bound = self.pattern_of(&c.item, c.place);
        let step = self.with_bound(&bound, |w| {
            let e = w.element_body(&bound, 1);
            match w.rng.below(4) {
                0 => format!("{a} * k(0.6) + {e}"),
                1 => format!("({a} + {e}).tanh()"),
                2 => format!("{a}.max({e})"),
                _ => format!("({a} * {e}).sin()"),
            }
        });
        format!("{}.fold({init}, |{a}, {}| {step})", c.text, bound.pat)
    }

    /// `c.reduce(|a, b| ..).unwrap()` over floats, or `c.reduce(h).unwrap()`.
    fn reduce(&mut self, mut c: Chain) -> String {
        self.make_floats(&mut c);
        if let Some(h) = self.closure_of(2).filter(|_| self.rng.chance(40)) {
            return format!("{}.reduce({h}).unwrap()", c.text);
        }
        let (a, b) = (self.new_name("a"), self.new_name("t"));
        let e = self.expr(1);
        let step = match self.rng.below(4) {
            0 => format!("{a} * k(0.5) + {b}"),
            1 => format!("{a}.max({b})"),
            2 => format!("({a} + {b} * {e}).tanh()"),
            _ => format!("{a} * {b}"),
        };
        format!("{}.reduce(|{a}, {b}| {step}).unwrap()", c.text)
    }

    /// A chain: a source and up to two adapters.
    fn chain(&mut self, writable: bool) -> Chain {
        let mut c = self.chain_source(writable);
        for _ in 0..self.rng.below(3) {
            self.adapter(&mut c, writable);
        }
        c
    }

    /// A source of a chain, now and then reversed.
    fn chain_source(&mut self, writable: bool) -> Chain {
        let mut c = match self.rng.below(10) {
            0..=2 => self.iter_of(writable, false),
            3 | 4 => self.iter_of(writable, true),
            5 => self.range_source(),
            6..=8 => {
                let s = self.float_slice(writable);
                let kind = self.rng.pick(&["windows", "chunks", "chunks_exact"]);
                let (min, max) = (s.min.max(1), s.max.max(1));
                let k = 1 + self.rng.below(min.min(3));
                let (item, lo, hi) = match kind {
                    "windows" => (Item::W(k), min - k + 1, max - k + 1),
                    "chunks" => (Item::W(1), min.div_ceil(k), max.div_ceil(k)),
                    _ => (Item::W(k), min / k, max / k),
                };
                Chain {
                    text: format!("{}.{kind}({k})", s.text),
                    item,
                    min: lo,
                    max: hi,
                    filtered: false,
                    place: false,
                }
            }
            _ => self.iter_of(writable, false),
        };
        if self.rng.chance(20) {
            c.text.push_str(".rev()");
        }
        c
    }

    /// `s.iter()` (references) or `s.iter().copied()` (floats) of a float slice.
    fn iter_of(&mut self, writable: bool, copied: bool) -> Chain {
        let s = self.float_slice(writable);
        let (text, item) = if copied {
            (format!("{}.iter().copied()", s.text), Item::F)
        } else {
            (format!("{}.iter()", s.text), Item::R)
        };
        Chain {
            text,
            item,
            min: s.min,
            max: s.max,
            filtered: false,
            place: s.text.contains('.'),
        }
    }

    /// A range of integers: `(0..n)`, `(0..4)`, `(1..=3)`, `(0..m % 3 + 1)`, `(m % 2..4)`.
    fn range_source(&mut self) -> Chain {
        let (text, min, max) = match self.rng.below(5) {
            0 => ("(0..n)".to_string(), 0, 3),
            1 => ("(0..4)".to_string(), 4, 4),
            2 => ("(1..=3)".to_string(), 3, 3),
            3 => (format!("(0..{} % 3 + 1)", self.small_int()), 1, 3),
            _ => (format!("({} % 2..4)", self.small_int()), 3, 4),
        };
        Chain {
            text,
            item: Item::I,
            min,
            max,
            filtered: false,
            place: false,
        }
    }

    /// Appends an adapter to `c` (after `filter`, only `map`).
    fn adapter(&mut self, c: &mut Chain, writable: bool) {
        let roll = if c.filtered { 0 } else { self.rng.below(11) };
        // A pair of integers is one value to the transform: not nested in another pair.
        let pair_of_ints = !has_floats(&c.item) && c.item != Item::I;
        if pair_of_ints && (3..=5).contains(&roll) {
            return self.map(c);
        }
        match roll {
            0..=2 => self.map(c),
            3 => {
                c.text.push_str(".enumerate()");
                c.item = Item::E(Box::new(c.item.clone()));
            }
            4 | 5 => {
                // Not two chains of integers: the pair of their items is one value to the
                // transform, which a pattern `((e1, e2), ..)` cannot take apart (see
                // docs/difftest.md).
                let floatless = !has_floats(&c.item);
                let other = match self.rng.below(4) {
                    0 if !floatless => self.range_source(),
                    1 => self.iter_of(writable, true),
                    _ => self.iter_of(writable, false),
                };
                c.text = format!("{}.zip({})", c.text, other.text);
                c.item = Item::Z(Box::new(c.item.clone()), Box::new(other.item));
                (c.min, c.max) = (c.min.min(other.min), c.max.min(other.max));
                c.place |= other.place;
            }
            6 if matches!(c.item, Item::F | Item::R | Item::E(_)) => self.filter(c),
            7 => {
                let k = 1 + self.rng.below(2);
                c.text.push_str(&format!(".skip({k})"));
                (c.min, c.max) = (c.min.saturating_sub(k), c.max.saturating_sub(k));
            }
            8 => {
                let k = 1 + self.rng.below(4);
                c.text.push_str(&format!(".take({k})"));
                (c.min, c.max) = (c.min.min(k), c.max.min(k));
            }
            9 => {
                let k = 1 + self.rng.below(3);
                c.text.push_str(&format!(".step_by({k})"));
                (c.min, c.max) = (c.min.div_ceil(k), c.max.div_ceil(k));
            }
            _ if matches!(c.item, Item::F | Item::R) => {
                let other = self.iter_of(writable, c.item == Item::F);
                // Two fields chained: the transform's `if` of two places does not compile
                // (see docs/difftest.md).
                if c.place && other.place {
                    return self.map(c);
                }
                c.text = format!("{}.chain({})", c.text, other.text);
                (c.min, c.max) = (c.min + other.min, c.max + other.max);
                c.place |= other.place;
            }
            _ => self.map(c),
        }
    }

    /// `.map(|pattern| body)` to floats, or `.map(h)` by a closure's name.
    fn map(&mut self, c: &mut Chain) {
        if c.item == Item::F {
            if let Some(h) = self.closure_of(1).filter(|_| self.rng.chance(30)) {
                c.text.push_str(&format!(".map({h})"));
                c.place = false;
                return;
            }
        }
        let bound = self.pattern_of(&c.item, c.place);
        let body = self.with_bound(&bound, |w| w.element_body(&bound, 1));
        c.text.push_str(&format!(".map(|{}| {body})", bound.pat));
        c.item = Item::F;
        // `|t| t` maps an element of a field to itself: still a place.
        c.place = c.place && bound.floats.contains(&body);
    }

    /// `.filter(..)` of floats, references or enumerated items: a comparison, or a test of
    /// the index.
    fn filter(&mut self, c: &mut Chain) {
        let t = self.new_name("t");
        let e = self.condition_expr(1);
        let by_value = c.place || self.rng.chance(50);
        let test = match &c.item {
            Item::F if by_value => format!("|&{t}| {t} > {e}"),
            Item::F => format!("|{t}| *{t} < {e}"),
            Item::R if by_value => format!("|&&{t}| {t} > {e}"),
            Item::R => format!("|{t}| **{t} < {e}"),
            _ => {
                let i = self.new_name("e");
                let k = 2 + self.rng.below(2);
                format!("|({i}, _)| {i} % {k} == 0")
            }
        };
        c.text.push_str(&format!(".filter({test})"));
        c.filtered = true;
        c.min = 0;
    }

    /// Makes `c` a chain of floats: `.copied()` of references, a `map` of anything else.
    fn make_floats(&mut self, c: &mut Chain) {
        match c.item {
            Item::F => {}
            Item::R if self.rng.chance(70) => {
                c.text.push_str(".copied()");
                c.item = Item::F;
            }
            _ => self.map(c),
        }
    }

    /// A pattern for `item` taken by value, with what it binds; `place`: the items are
    /// elements of a field (see [`Chain::place`]).
    fn pattern_of(&mut self, item: &Item, place: bool) -> Bound {
        match item {
            Item::F => {
                let t = self.new_name("t");
                Bound {
                    pat: t.clone(),
                    floats: vec![t],
                    ints: vec![],
                    windows: vec![],
                }
            }
            Item::R => {
                let t = self.new_name("t");
                if place || self.rng.chance(60) {
                    Bound {
                        pat: format!("&{t}"),
                        floats: vec![t],
                        ints: vec![],
                        windows: vec![],
                    }
                } else {
                    Bound {
                        pat: t.clone(),
                        floats: vec![format!("(*{t})")],
                        ints: vec![],
                        windows: vec![],
                    }
                }
            }
            Item::I => {
                let e = self.new_name("e");
                Bound {
                    pat: e.clone(),
                    floats: vec![],
                    ints: vec![e],
                    windows: vec![],
                }
            }
            Item::W(k) => {
                let c = self.new_name("y");
                let mut window = Slice::new(c.clone(), *k, (*k).max(3), false);
                window.view = true;
                Bound {
                    pat: c,
                    floats: vec![],
                    ints: vec![],
                    windows: vec![window],
                }
            }
            Item::E(inner) => {
                let e = self.new_name("e");
                let mut b = self.pattern_of(inner, place);
                b.pat = format!("({e}, {})", b.pat);
                b.ints.push(e);
                b
            }
            Item::Z(a, b) => {
                let (mut x, y) = (self.pattern_of(a, place), self.pattern_of(b, place));
                x.pat = format!("({}, {})", x.pat, y.pat);
                x.floats.extend(y.floats);
                x.ints.extend(y.ints);
                x.windows.extend(y.windows);
                x
            }
        }
    }

    /// A float of what `bound` binds: one of its floats, an element or a reduction of one of
    /// its windows, or an element of `w` at one of its integers (or its cast).
    fn bound_float(&mut self, bound: &Bound) -> String {
        let choices = bound.floats.len() + bound.windows.len() + bound.ints.len();
        if choices == 0 {
            return self.var();
        }
        let k = self.rng.below(choices);
        if k < bound.floats.len() {
            return bound.floats[k].clone();
        }
        let k = k - bound.floats.len();
        if let Some(window) = bound.windows.get(k).cloned() {
            return match self.rng.below(4) {
                0 => format!("sum({})", window.text),
                1 => format!("{}[{}]", window.text, window.min - 1),
                _ => format!("{}[0]", window.text),
            };
        }
        // A float read: a chain whose closures read no float of the body is not lowered, and
        // is refused (see docs/difftest.md).
        let e = &bound.ints[k - bound.windows.len()];
        if self.rng.chance(50) {
            format!("w[{e} % 4]")
        } else {
            format!("(T::from({e}).unwrap() * {})", self.var())
        }
    }

    /// The body of a closure over what `bound` binds: one of its floats, alone or combined
    /// with an expression of depth `depth` (which may read the others).
    fn element_body(&mut self, bound: &Bound, depth: usize) -> String {
        let f = self.bound_float(bound);
        let e = self.expr(depth);
        match self.rng.below(6) {
            0 => f,
            1 => format!("({f} * {e})"),
            2 => format!("({f} + {e})"),
            3 => {
                // Not `floor` nor `signum` of `sum(y5)`: see [`Writer::plain_expr`].
                let smooth: Vec<&str> = UNARY
                    .iter()
                    .copied()
                    .filter(|u| !u.contains(".floor()") && !u.contains(".signum()"))
                    .collect();
                format!("{} * {e}", self.rng.pick(&smooth).replace("{a}", &f))
            }
            4 => self.rng.pick(BINARY).replace("{a}", &f).replace("{b}", &e),
            _ => format!("({f} - {e}).tanh()"),
        }
    }

    /// A closure in scope taking `arity` floats, if there is one.
    fn closure_of(&mut self, arity: usize) -> Option<String> {
        let fitting: Vec<String> = self
            .closures
            .iter()
            .filter(|c| c.arity == arity)
            .map(|c| c.name.clone())
            .collect();
        (!fitting.is_empty()).then(|| fitting[self.rng.below(fitting.len())].clone())
    }

    /// A call of a closure in scope with `a` (and another expression for two floats).
    pub(super) fn closure_call(&mut self, a: &str) -> Option<String> {
        if self.closures.is_empty() {
            return None;
        }
        let h = self.closures[self.rng.below(self.closures.len())].clone();
        Some(match h.arity {
            1 => format!("{}({a})", h.name),
            _ => format!("{}({a}, {})", h.name, self.expr(0)),
        })
    }

    /// `let h3 = |t4: T| ..;` (or of two floats, or `move`): a closure the body calls later.
    /// It calls no generated function (its calls are not costed).
    pub(super) fn closure(&mut self) -> Chunk {
        let h = self.new_name("h");
        let moved = self.rng.chance(35);
        let arity = if self.rng.chance(70) { 1 } else { 2 };
        let params: Vec<String> = (0..arity).map(|_| self.new_name("t")).collect();
        let bound = Bound {
            pat: String::new(),
            floats: params.clone(),
            ints: vec![],
            windows: vec![],
        };
        let callees = std::mem::take(&mut self.callees);
        // No chain in the body: a closure is lowered once per call, and the names its
        // chain's closures bind would be bound again at each (see docs/difftest.md).
        let chain_depth = std::mem::replace(&mut self.chain_depth, usize::MAX / 2);
        let body = self.frozen(moved, |w| {
            w.with_bound(&bound, |w| {
                let body = w.element_body(&bound, 2);
                match params.as_slice() {
                    [_, b] if !body.contains(b.as_str()) => format!("{body} * {b}"),
                    _ => body,
                }
            })
        });
        (self.callees, self.chain_depth) = (callees, chain_depth);
        let typed: Vec<String> = params.iter().map(|p| format!("{p}: T")).collect();
        let mv = if moved { "move " } else { "" };
        self.closures.push(Closure {
            name: h.clone(),
            arity,
        });
        Chunk::line(format!("let {h} = {mv}|{}| {body};", typed.join(", ")))
    }

    /// A statement of chains: a new variable from a chain; a branch on `any` or `all`; an
    /// integer `count()`; or, outside loops, a buffer collected from a chain of known length
    /// (read afterwards).
    pub(super) fn chain_statement(&mut self) -> Chunk {
        match self.rng.below(6) {
            0 | 1 if self.loops.is_empty() => {
                if let Some(chunk) = self.collect() {
                    return chunk;
                }
                self.chain_binding()
            }
            2 => self.quantified(),
            3 => self.count(),
            4 if self.rng.chance(25) => self.running_extremum(),
            4 if self.rng.chance(35) => self.selected_extremum(),
            _ => self.chain_binding(),
        }
    }

    /// A running maximum or minimum of a float slice's elements, which the transform takes
    /// as one reduction (`lower/running.rs`): `let mut v5 = ..; for &t6 in (w).iter() { v5 =
    /// v5.max(t6); }`, the same over indices (`T::min(v5, w[i6])`), or as a fold (`|a, &t|
    /// a.max(t)`, `.copied().fold(.., T::min)`).
    fn running_extremum(&mut self) -> Chunk {
        let s = self.float_slice(false);
        let init = self.expr(1);
        let v = self.new_var();
        let t = self.new_name("t");
        let (arg, text) = (s.arg(), s.text.clone());
        let f = if self.rng.chance(50) { "max" } else { "min" };
        let lines = match self.rng.below(4) {
            0 => vec![
                format!("let mut {v} = {init};"),
                format!("for &{t} in ({arg}).iter() {{ {v} = {v}.{f}({t}); }}"),
            ],
            1 => vec![
                format!("let mut {v} = {init};"),
                format!("for {t} in 0..{text}.len() {{ {v} = T::{f}({v}, {text}[{t}]); }}"),
            ],
            2 => {
                let a = self.new_name("a");
                vec![format!(
                    "let mut {v} = ({arg}).iter().fold({init}, |{a}, &{t}| {a}.{f}({t}));"
                )]
            }
            _ => vec![format!(
                "let mut {v} = ({arg}).iter().copied().fold({init}, T::{f});"
            )],
        };
        self.vars.push(v);
        Chunk::Lines(lines)
    }

    /// A running maximum or minimum of a value each iteration computes, which the transform
    /// differentiates through the winning iteration only (`lower/selected.rs`): `let mut v5 =
    /// ..; for &t6 in w.iter() { let u7 = <expr of t6>; v5 = v5.max(u7 * t6); }`, the same
    /// over indices or with `enumerate`.
    fn selected_extremum(&mut self) -> Chunk {
        let s = self.float_slice(false);
        let init = self.expr(1);
        let v = self.new_var();
        let (t, u) = (self.new_name("t"), self.new_name("u"));
        let f = if self.rng.chance(50) { "max" } else { "min" };
        let source = if s.text.chars().all(|c| c.is_alphanumeric() || c == '_') {
            format!("{}.iter()", s.text)
        } else {
            format!("({}).iter()", s.arg())
        };
        let (head, bind) = match self.rng.below(3) {
            0 => (format!("for &{t} in {source} {{"), None),
            1 => {
                let i = self.new_name("i");
                (
                    format!("for {i} in 0..{}.len() {{", s.text),
                    Some(format!("let {t} = {}[{i}];", s.text)),
                )
            }
            _ => {
                let j = self.new_name("j");
                (format!("for ({j}, &{t}) in {source}.enumerate() {{"), None)
            }
        };
        // The value reads the element and what is in scope; nothing else is written.
        let scope = self.scope();
        self.vars.push(t.clone());
        let value = self.expr(2);
        self.end_scope(scope);
        let last = match self.rng.below(3) {
            0 => format!("{v} = {v}.{f}({u} * {t});"),
            1 => format!("{v} = T::{f}({v}, {u} + {t});"),
            // The branch form, also keeping a float of the winner: `if u < v { v = u; .. }`.
            _ => {
                let (keep, op) = (self.new_var(), if f == "min" { "<" } else { ">" });
                let first = format!("let mut {keep} = {};", self.expr(1));
                self.vars.push(keep.clone());
                return self.selected_branch(first, v, init, head, bind, u, value, op, keep, t);
            }
        };
        let bind = bind.unwrap_or_default();
        let lines = vec![
            format!("let mut {v} = {init};"),
            format!("{head} {bind} let {u} = {value}; {last} }}"),
        ];
        self.vars.push(v);
        Chunk::Lines(lines)
    }

    /// The branch form of [`selected_extremum`](Self::selected_extremum): `let mut k9 = ..;
    /// let mut v5 = ..; for .. { let u7 = ..; if u7 < v5 { v5 = u7; k9 = t6; } }`.
    #[allow(clippy::too_many_arguments)]
    fn selected_branch(
        &mut self,
        first: String,
        v: String,
        init: String,
        head: String,
        bind: Option<String>,
        u: String,
        value: String,
        op: &str,
        keep: String,
        t: String,
    ) -> Chunk {
        let bind = bind.unwrap_or_default();
        // `u < v`, or the same written `v > u`.
        let cond = if self.rng.chance(50) {
            format!("{u} {op} {v}")
        } else {
            let flipped = if op == "<" { ">" } else { "<" };
            format!("{v} {flipped} {u}")
        };
        let lines = vec![
            first,
            format!("let mut {v} = {init};"),
            format!(
                "{head} {bind} let {u} = {value} * {t}; if {cond} {{ {v} = {u}; {keep} = {t}; }} }}"
            ),
        ];
        self.vars.push(v);
        Chunk::Lines(lines)
    }

    /// `let m5 = <chain>.count();`, an integer of the others (when it is at most 4) and a
    /// factor without derivative (`T::from(m5).unwrap()`). (Inside `T::from(..)` the chain
    /// is not lowered, and is refused: see docs/difftest.md.)
    fn count(&mut self) -> Chunk {
        let c = self.per_element(|w| w.chain(true));
        let m = self.new_name("m");
        if c.max <= 4 {
            self.ints.push(m.clone());
        }
        let q = self.new_name("q");
        self.vars.push(q.clone());
        self.inactive.push(q.clone());
        Chunk::Lines(vec![
            format!("let {m} = {}.count();", c.text),
            format!("let {q} = T::from({m}).unwrap() * k(0.25);"),
        ])
    }

    /// `let mut v5 = <chain>;`.
    fn chain_binding(&mut self) -> Chunk {
        let e = self.chain_expr();
        let v = self.new_var();
        self.vars.push(v.clone());
        Chunk::line(format!("let mut {v} = {e};"))
    }

    /// `let b5: Vec<T> = <chain>.collect::<Vec<T>>();` of a chain of floats whose length is
    /// known; `None` when the chain drawn has none.
    fn collect(&mut self) -> Option<Chunk> {
        let mut c = self.per_element(|w| {
            let mut c = w.chain(true);
            w.make_floats(&mut c);
            c
        });
        if c.min != c.max || c.min == 0 || c.filtered {
            return None;
        }
        let b = self.new_name("b");
        c.text.push_str(".collect::<Vec<T>>()");
        self.collected.push((b.clone(), c.min));
        Some(Chunk::line(format!("let {b}: Vec<T> = {};", c.text)))
    }

    /// `if <chain>.any(|t| ..) { v = ..; }` (or `all`).
    fn quantified(&mut self) -> Chunk {
        let test = self.per_element(|w| {
            let mut c = w.chain(true);
            if !matches!(c.item, Item::F | Item::R) {
                w.map(&mut c);
            }
            let t = w.new_name("t");
            let e = w.condition_expr(1);
            let (pat, f) = match c.item {
                Item::F => (t.clone(), t),
                _ if c.place || w.rng.chance(50) => (format!("&{t}"), t),
                _ => (t.clone(), format!("*{t}")),
            };
            let op = w.rng.pick(&[">", "<"]);
            let which = w.rng.pick(&["any", "all"]);
            format!("{}.{which}(|{pat}| {f} {op} {e})", c.text)
        });
        let v = self.mutable_var();
        let e = self.expr(2);
        // (Not `!x.iter().all(..)`: the negation is not lowered, see docs/difftest.md.)
        Chunk::Lines(vec![
            format!("if {test} {{"),
            format!("    {v} = {v} * k(0.5) + {e};"),
            "}".into(),
        ])
    }

    /// The head of a `for` loop over a chain, with a counter: its element pattern binds floats,
    /// integers or windows for the body. Its closures capture nothing the body writes.
    pub(super) fn chain_loop(&mut self, counter: &str, label: &str) -> Head {
        let (c, bound) = self.frozen(false, |w| {
            w.per_element(|w| {
                let mut c = w.chain(false);
                // Elements of a field bound by a reference pattern (`for &t in q.v.iter()`)
                // reach a callee as `&T` (see docs/difftest.md): such a chain is mapped first.
                if c.place || (c.item == Item::R && w.rng.chance(20)) {
                    w.map(&mut c);
                }
                let bound = w.pattern_of(&c.item, c.place);
                (c, bound)
            })
        });
        let mut bound = bound;
        // Indices of long chains are not small integers.
        if c.max > 5 {
            bound.ints.clear();
        }
        let lines = vec![
            format!("let mut {counter} = 0;"),
            format!("{label}for {} in {} {{", bound.pat, c.text),
            format!("    {counter} += 1;"),
        ];
        Head {
            lines,
            frame: Frame {
                index: counter.to_string(),
                trips: c.max.max(1) as u64,
            },
            element: Some(Element::Bound(bound)),
            steps: None,
        }
    }

    /// A pattern: `let [u1, u2] = *ar;`, `let [u1, _] = *ar;`, `let (u1, u2) = (.., ..);`,
    /// `let (mut v1, u2) = (.., ..);` or `let &u1 = &s[..];`.
    pub(super) fn pattern(&mut self) -> Chunk {
        match self.rng.below(5) {
            0 | 1 if self.has(Struct::Ar) => {
                let u1 = self.new_name("u");
                self.vars.push(u1.clone());
                if self.rng.chance(70) {
                    let u2 = self.new_name("u");
                    self.vars.push(u2.clone());
                    Chunk::line(format!("let [{u1}, {u2}] = *ar;"))
                } else {
                    Chunk::line(format!("let [{u1}, _] = *ar;"))
                }
            }
            2 => {
                let (e1, e2) = (self.expr(2), self.expr(2));
                let (v, u) = (self.new_var(), self.new_name("u"));
                self.vars.extend([v.clone(), u.clone()]);
                Chunk::line(format!("let (mut {v}, {u}) = ({e1}, {e2});"))
            }
            3 => {
                let s = self.float_slice(true);
                let at = self.index(s.min);
                let u = self.new_name("u");
                self.vars.push(u.clone());
                Chunk::line(format!("let &{u} = &{}[{at}];", s.text))
            }
            _ => {
                let (e1, e2) = (self.expr(2), self.expr(2));
                let (u1, u2) = (self.new_name("u"), self.new_name("u"));
                self.vars.extend([u1.clone(), u2.clone()]);
                Chunk::line(format!("let ({u1}, {u2}) = ({e1}, {e2});"))
            }
        }
    }

    /// A sub-slice bound to a name, of data the body never writes: `let s3 = &w[1..3];`, or
    /// the halves of `split_at` of `w`, a bound slice or a collected buffer.
    pub(super) fn bind_slice(&mut self) -> Chunk {
        let whole: Vec<Slice> = self
            .float_slices(false)
            .into_iter()
            .filter(|s| s.min >= 2 && s.text != "ar" && !s.text.contains('.'))
            .filter(|s| !s.view)
            .collect();
        if !whole.is_empty() && self.rng.chance(35) {
            let s = whole[self.rng.below(whole.len())].clone();
            let k = format!("{} % {} + 1", self.small_int(), s.min - 1);
            let (a, b) = (self.new_name("s"), self.new_name("s"));
            self.slices.push(Slice::new(&a, 1, s.max - 1, false));
            self.slices.push(Slice::new(&b, 1, s.max - 1, false));
            return Chunk::line(format!("let ({a}, {b}) = {}.split_at({k});", s.text));
        }
        let bases: Vec<Slice> = self
            .float_slices(false)
            .into_iter()
            .filter(|s| s.min >= 2 && s.text != "ar")
            .collect();
        let base = bases[self.rng.below(bases.len())].clone();
        let view = self.sub_slice(&base);
        let s = self.new_name("s");
        let mut bound = Slice::new(&s, view.min, view.max, false);
        bound.view = true;
        self.slices.push(bound);
        Chunk::line(format!("let {s} = &{};", view.text))
    }

    /// `let mut s3 = Inner { a: .., v: vec![.., .., ..] };`, or with a buffer of three as `v`
    /// (moved: it leaves the buffers).
    pub(super) fn struct_local(&mut self) -> Chunk {
        // Not a parameter's field alone (`a: p.s`): the local's field is then bound to the
        // parameter's place, and a later `s1.a = ..` refused as a write to the parameter (see
        // docs/difftest.md).
        let a = self.expr(2);
        let place = ["p.", "q.", "qs[", "qe", "r", "ar["]
            .iter()
            .any(|prefix| a.starts_with(prefix));
        let a = if place { format!("({a} * k(1.0))") } else { a };
        let threes: Vec<usize> = (0..self.arrays.len())
            .filter(|&i| self.arrays[i].1 == 3)
            .collect();
        let v = match threes.get(self.rng.below(threes.len() + 3)) {
            Some(&i) => self.arrays.remove(i).0,
            None => {
                // No chain in `vec![..]`: see [`Writer::plain_expr`].
                let (e1, e2, e3) = (self.plain_expr(1), self.plain_expr(1), self.plain_expr(1));
                format!("vec![{e1}, {e2}, {e3}]")
            }
        };
        let s = self.new_name("s");
        self.locals.push(s.clone());
        Chunk::line(format!("let mut {s} = Inner {{ a: {a}, v: {v} }};"))
    }

    /// A write of a struct local's `a`: `s3.a = s3.a * k(0.5) + ..;`, ...
    pub(super) fn field_write(&mut self) -> Chunk {
        let s = self.locals[self.rng.below(self.locals.len())].clone();
        let e = self.expr(2);
        if self.rng.chance(50) {
            // An element of its vector field (the transform dropped this write once).
            let at = self.index(3);
            return Chunk::line(format!("{s}.v[{at}] = {s}.v[{at}] * k(0.5) + {e};"));
        }
        Chunk::line(match self.rng.below(3) {
            0 => format!("{s}.a = {s}.a * k(0.5) + {e};"),
            1 => format!("{s}.a = ({s}.a + {e}).tanh();"),
            _ => format!("{s}.a = {e};"),
        })
    }

    /// The result of a function returning `Inner<T>`: a struct local whole (three in ten;
    /// one built here, its `a` then written, when there is none), `a` and a buffer of three
    /// (two in ten; one filled here when there is none), or four floats.
    pub(super) fn inner_result(&mut self) -> Vec<String> {
        match self.rng.below(10) {
            0..=2 => {
                if self.locals.is_empty() {
                    let local = self.struct_local();
                    self.block.push(local);
                    let write = self.field_write();
                    self.block.push(write);
                }
                vec![self.locals[self.rng.below(self.locals.len())].clone()]
            }
            3 | 4 => {
                let threes: Vec<String> = self
                    .arrays
                    .iter()
                    .filter(|(_, l)| *l == 3)
                    .map(|(b, _)| b.clone())
                    .collect();
                let b = match threes.get(self.rng.below(threes.len() + 1)) {
                    Some(b) => b.clone(),
                    None => {
                        let b = self.new_name("b");
                        let e = self.expr(2);
                        self.block.push(Chunk::Lines(vec![
                            format!("let mut {b} = vec![T::zero(); 3];"),
                            "for i in 0..3 {".into(),
                            format!("    {b}[i] = w[i + 1] * {e};"),
                            "}".into(),
                        ]));
                        b
                    }
                };
                vec![self.expr(2), b]
            }
            _ => {
                let a = self.expr(2);
                let mut result = vec![a];
                result.extend((0..3).map(|_| self.plain_expr(2)));
                result
            }
        }
    }

    /// The `w` a call passes to a callee (which reads four floats): `w`, `&w[..]`, `&w[0..4]`,
    /// `&w[..4]`, `&w[0..=3]`, a buffer of four, or four floats of a buffer of eight.
    pub(super) fn w_argument(&mut self) -> String {
        if self.rng.chance(55) {
            return "w".into();
        }
        let mut choices: Vec<String> = ["&w[..]", "&w[0..4]", "&w[..4]", "&w[0..=3]"]
            .map(String::from)
            .to_vec();
        for (b, len) in self.arrays.iter().chain(&self.collected) {
            match len {
                4 => choices.push(format!("&{b}[..]")),
                8 => choices.push(format!("&{b}[{{m}} % 5..{{m}} % 5 + 4]")),
                _ => {}
            }
        }
        // Four of a buffer of eight, when there is one, half of the time.
        let eights = choices.iter().filter(|c| c.contains("{m}")).count();
        let choice = if eights > 0 && self.rng.chance(50) {
            choices[choices.len() - eights + self.rng.below(eights)].clone()
        } else {
            choices[self.rng.below(choices.len())].clone()
        };
        if choice.contains("{m}") {
            let m = self.small_int();
            choice.replace("{m}", &m)
        } else {
            choice
        }
    }
}
