//! The program generator: random functions in the language `#[differentiable]` supports,
//! generic over `T: Float` so that the harness can run them on `f64` (for the generated
//! gradient and finite differences) and on dual numbers (for forward mode).
//!
//! The statements: new bindings, reassignment, shadowing, `if`/`else` (nested too) on float
//! conditions, `match` on an integer, buffers written in a loop and reduced by every slice
//! function of the runtime, early `return`, and loops: `for` over ranges and over the
//! elements of `w`, `while` and `loop`, nested two deep, with loop-carried values, `break`
//! and `continue` (also to the outer loop's label) and calls of earlier functions in their
//! bodies. Expressions use every float primitive of the runtime, as methods and as free
//! functions, elements of `w` and of the buffers at indices computed from the integers in
//! scope, and call the functions written before.
//!
//! What the reverse sweep replays rather than records, each also where a loop can be left
//! early (the macro must then record):
//!
//! - induction variables: `let mut l = 0;` before a `for` loop over a range that reads
//!   through it (`w[(l + i) % 4]`) and steps it by a top-level `l += 1;`, also declared
//!   before an outer loop and stepped in an inner one (GMM's packed index);
//! - nested loops over ranges computed from the enclosing counters, `let`s and `n`
//!   (`for j in i + 1..n`, `for j in 0..i`, `for j in 0..m2`);
//! - ADBench GMM's buffers ([`Writer::centered`]): created before a loop, rewritten element
//!   by element in an inner loop of each iteration, then read element by element two loops
//!   deeper (`b[j] * b[k]`) and/or reduced whole (`norm_squared(&b)`, `dot(&b, w)`);
//! - immutable integer `let`s (`let m2 = n / 2 + 1;`) in indices and ranges, sometimes bound
//!   twice;
//! - products with a factor that carries no derivative: constants, integer casts
//!   (`T::from(i).unwrap()`), constants computed from integers, and data: one function in
//!   four is differentiated with respect to some of `x0`, `x1`, `x2` only (`wrt`), so `w` and
//!   the other floats are data.
//!
//! Every function takes `x0, x1, x2: T`, `w: &[T]` of length 4 and `n: usize` (below 4), and
//! returns `T`, `Vec<T>` or `[T; 3]`. About one in three also takes parameters of the derived
//! structs of [`crate::program::STRUCTS`] after `n` ([`pick_structs`]), differentiated: its
//! expressions read their fields at any depth (`p.s`, `p.w[i % 4]`, `p.inner.v[j % 3]`,
//! `qs[(i + 1) % 3].a`, `p.fixed`, which is `#[no_derivative]`, as a float that carries no
//! derivative), reduce their `Vec` fields (`dot(&p.w, w)`, `norm(&q.v)`, ...), bound ranges by
//! `p.n` (`0..p.n`) and add it to indices (`(i + p.n) % 4`), loop over `qs` and `p.layers`
//! (`for qe1 in qs.iter()`, `for qe1 in qs`, `for qe1 in &p.layers`,
//! `for (i, qe1) in qs.iter().enumerate()`, `for i in 0..qs.len()`), bind places
//! (`let r3 = &p.layers[i % 2];`) and pass `&p.inner`, `&qs[i]`, `&p.layers[j]`, a loop's
//! element or a bound place to the callees that take `q: &Inner<T>` alone. Half of those with `wrt` also take `d: &Data<T>` last
//! (see [`crate::program::DATA_STRUCT`]), a user struct that `wrt` leaves out: their bodies
//! read `d.scale` and `d.shift` as data floats (in expressions, conditions and the products
//! above) and `d.k` (below 4) as an integer (in indices, ranges and casts), and pass `d` on
//! to the callees that take it; a function without `d` calls only functions without it.
//! Values are kept in the domains of the primitives (see [`UNARY`] and [`BINARY`]), so no
//! input makes a primitive undefined; indices are taken modulo the length they index, and
//! ranges are at most six long.
//!
//! And Rust as people write it ([`idioms`]): iterator chains over float slices (every source,
//! adapter and consumer the transform takes, and `for` loops over chains), closures (called,
//! `move`, passed to adapters by name), array, tuple and reference patterns (`ar: &[T; 2]` is
//! a parameter of one function in eight or so, taken apart by `let [u1, u2] = *ar;`),
//! sub-slices bound, read, reduced, iterated and passed to callees as their `w`, and struct
//! values: `Inner` locals whose `a` is written, and one function in ten returning `Inner<T>`.
//! Functions are bound by `T: Float + Sum + Product` (`+ Differentiable<Scalar = T>` when they
//! use structs, [`Function::uses_structs`]).

use crate::program::{Chunk, Function, Returns, Struct};

pub mod arrays;
mod idioms;
use idioms::{Bound, Closure, Slice};

/// A small deterministic generator (SplitMix64), so a seed reproduces a batch.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A float in [lo, hi).
    pub fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }

    fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        items[self.below(items.len())]
    }
}

/// Primitives of one operand `{a}`, each applied where it is defined and differentiable:
/// `tan` of less than π/2 in size, `asin`, `acos` and `atanh` of less than 1, `acosh` of more
/// than 1, logarithms, roots and `recip` of `a² + 1`, `exp` and `sinh` of `tanh(a)`. The
/// methods, then the runtime's free functions and `T::` paths, then piecewise-constant ones.
pub const UNARY: &[&str] = &[
    "(-{a})",
    "{a}.sin()",
    "{a}.cos()",
    "({a}.tanh() * k(1.5)).tan()",
    "({a}.tanh() * k(0.9)).asin()",
    "({a}.tanh() * k(0.9)).acos()",
    "{a}.atan()",
    "{a}.tanh().sinh()",
    "{a}.tanh().cosh()",
    "{a}.tanh()",
    "{a}.asinh()",
    "({a} * {a} + k(1.1)).acosh()",
    "({a}.tanh() * k(0.9)).atanh()",
    "{a}.tanh().exp()",
    "{a}.tanh().exp2()",
    "{a}.tanh().exp_m1()",
    "({a} * {a} + k(1.0)).ln()",
    "({a} * {a} + k(1.0)).log10()",
    "({a} * {a} + k(1.0)).log2()",
    "({a} * {a}).ln_1p()",
    "({a} * {a} + k(1.0)).sqrt()",
    "({a} * {a} + k(1.0)).cbrt()",
    "({a} * {a} + k(1.0)).recip()",
    "({a} * {a} + k(1.0)).powi(-2)",
    "{a}.powi(0)",
    "{a}.powi(2)",
    "{a}.powi(3)",
    "{a}.abs()",
    "{a}.to_degrees().tanh()",
    "{a}.to_radians()",
    "exp({a}.tanh())",
    "ln({a} * {a} + k(1.0))",
    "log({a} * {a} + k(1.0))",
    "log10({a} * {a} + k(1.0))",
    "log2({a} * {a} + k(1.0))",
    "sqrt({a} * {a} + k(1.0))",
    "sin({a})",
    "cos({a})",
    "tan({a}.tanh())",
    "sinh({a}.tanh())",
    "cosh({a}.tanh())",
    "tanh({a})",
    "abs({a})",
    "powi({a}, 2)",
    "T::sin({a})",
    "T::exp({a}.tanh())",
    "({a} + {a}.floor())",
    "({a} * {a}.signum())",
];

/// Primitives of two operands `{a}` and `{b}`, in their domains: division by `b² + 1`, powers
/// and logarithms of `a² + 1` (bases `b² + 2`), `atan2` with a positive second argument.
pub const BINARY: &[&str] = &[
    "({a} / ({b} * {b} + k(1.0)))",
    "{a}.max({b})",
    "{a}.min({b})",
    "max({a}, {b})",
    "min({a}, {b})",
    "{a}.hypot({b})",
    "({a} * {a} + k(1.0)).powf({b}.tanh())",
    "pow({a} * {a} + k(1.0), {b}.tanh())",
    "({a} * {a} + k(1.0)).log({b} * {b} + k(2.0))",
    "{a}.atan2({b} * {b} + k(0.5))",
    "{a}.mul_add({b}, {a}.tanh())",
];

/// The reductions of a buffer `{b}` to a float, and whether they need four elements (`dot`
/// with `w`).
const REDUCTIONS: &[(&str, bool)] = &[
    ("sum(&{b})", false),
    ("dot(&{b}, w)", true),
    ("mean(&{b})", false),
    ("norm(&{b})", false),
    ("norm_squared(&{b})", false),
    ("logsumexp(&{b})", false),
    ("max_of(&{b})", false),
    ("min_of(&{b})", false),
];

/// How deep loops nest, but for those of [`Writer::centered`], three deep.
const MAX_LOOP_DEPTH: usize = 2;

/// The counters of `for` loops, by depth.
const INDICES: [&str; 3] = ["i", "j", "k"];

/// The largest cost (statements run, see [`Writer::cost`]) a single call may add.
const CALL_BUDGET: u64 = 300;

/// A function that may be called, with its cost and whether it takes `d` and `q`.
#[derive(Clone)]
struct Callee {
    name: String,
    cost: u64,
    data: bool,
    /// It takes `q: &Inner<T>` (and no other struct).
    inner: bool,
}

/// An enclosing loop: an integer expression that counts its iterations, and at most how many.
struct Frame {
    index: String,
    trips: u64,
}

/// The head of a loop: its lines (the last opens the loop), its frame, the element variable it
/// binds and the induction variable its body steps.
struct Head {
    lines: Vec<String>,
    frame: Frame,
    element: Option<Element>,
    steps: Option<String>,
}

/// What a loop over elements binds: an element of `w` (a float, `wi`), of `qs` (an
/// `&Inner<T>`, `qe1`), or what the pattern of a loop over a chain binds.
enum Element {
    Float(String),
    Inner(String),
    Bound(Bound),
}

/// What a statement does; [`Writer::kinds`] weighs them.
#[derive(Clone, Copy)]
enum Kind {
    Binding,
    Shadowing,
    Reassign,
    Branch,
    NestedBranch,
    Match,
    Loop,
    Return,
    Buffer,
    Exit,
    Carried,
    Call,
    IntLet,
    Write,
    Centered,
    BindPlace,
    Closure,
    Chain,
    Pattern,
    BindSlice,
    StructLocal,
    FieldWrite,
}

/// The lengths of a [`Writer`]'s scoped lists when a block starts.
#[derive(Clone, Copy)]
struct Scope {
    vars: usize,
    ints: usize,
    inductions: usize,
    inactive: usize,
    inners: usize,
    closures: usize,
    slices: usize,
    locals: usize,
    collected: usize,
}

/// The state of one function being written.
struct Writer<'a> {
    rng: &'a mut Rng,
    /// The float variables in scope.
    vars: Vec<String>,
    /// The statements of the block being written.
    block: Vec<Chunk>,
    next_var: usize,
    /// The loops around the block being written, innermost last.
    loops: Vec<Frame>,
    returns: Returns,
    callees: &'a [Callee],
    /// About how many statements one call runs, callees included.
    cost: u64,
    /// The integers in scope that indices and ranges may use besides `n`: loop counters,
    /// induction variables (`lN`) and immutable `let`s (`mN`), each at most 4 but the
    /// induction variables.
    ints: Vec<String>,
    /// The induction variables in scope, which loops may step.
    inductions: Vec<String>,
    /// The local buffers in scope, with their lengths.
    arrays: Vec<(String, usize)>,
    /// The floats in scope that carry no derivative: parameters outside `wrt` and constants
    /// computed from integers (`qN`).
    inactive: Vec<String>,
    /// Whether `w` is outside `wrt`: its elements are data.
    w_is_data: bool,
    /// Whether the function takes `d: &Data<T>`, which it may pass to callees.
    data: bool,
    /// The struct parameters the function takes.
    structs: Vec<Struct>,
    /// The `Inner`s in scope, to read and pass on: `p.inner`, `q`, the elements of loops over
    /// `qs` (`qe1`) and bound places (`r3`); besides the elements of `qs`.
    inners: Vec<String>,
    /// The closures in scope (`h3`).
    closures: Vec<Closure>,
    /// The bound sub-slices in scope (`s4`, the halves of `split_at`), and in a closure of a
    /// chain the windows it takes (`c5`): slices of data the body never writes.
    slices: Vec<Slice>,
    /// The struct locals in scope (`s6`, an `Inner<T>`).
    locals: Vec<String>,
    /// The buffers collected from chains (`b7`), read only, with their lengths.
    collected: Vec<(String, usize)>,
    /// How many chains the expression being written is in.
    chain_depth: usize,
    /// Whether to write what the transform has a known bug in (`--known-bugs`). None at the
    /// moment: element writes of a struct local's `Vec` field were behind it until the
    /// transform stopped dropping them; they are written always now.
    #[allow(dead_code)]
    known_bugs: bool,
    /// What was in scope where the block being written starts.
    block_start: Scope,
}

impl Writer<'_> {
    fn var(&mut self) -> String {
        let i = self.rng.below(self.vars.len());
        self.vars[i].clone()
    }

    fn constant(&mut self) -> String {
        format!("k({:.3})", self.rng.float(-2.0, 2.0))
    }

    /// How many times a statement of the block being written runs per call.
    fn multiplier(&self) -> u64 {
        self.loops.iter().map(|f| f.trips).product()
    }

    fn scope(&self) -> Scope {
        Scope {
            vars: self.vars.len(),
            ints: self.ints.len(),
            inductions: self.inductions.len(),
            inactive: self.inactive.len(),
            inners: self.inners.len(),
            closures: self.closures.len(),
            slices: self.slices.len(),
            locals: self.locals.len(),
            collected: self.collected.len(),
        }
    }

    /// Leaves a block: what it bound goes out of scope.
    fn end_scope(&mut self, scope: Scope) {
        self.vars.truncate(scope.vars);
        self.ints.truncate(scope.ints);
        self.inductions.truncate(scope.inductions);
        self.inactive.truncate(scope.inactive);
        self.inners.truncate(scope.inners);
        self.closures.truncate(scope.closures);
        self.slices.truncate(scope.slices);
        self.locals.truncate(scope.locals);
        self.collected.truncate(scope.collected);
    }

    /// `write`'s result, written with only what was in scope at the start of the block in
    /// scope: for a statement that goes before the block's own bindings.
    fn at_block_start<R>(&mut self, write: impl FnOnce(&mut Self) -> R) -> R {
        let start = self.block_start;
        let vars = self.vars.split_off(start.vars);
        let ints = self.ints.split_off(start.ints);
        let inductions = self.inductions.split_off(start.inductions);
        let inactive = self.inactive.split_off(start.inactive);
        let inners = self.inners.split_off(start.inners);
        let closures = self.closures.split_off(start.closures);
        let slices = self.slices.split_off(start.slices);
        let locals = self.locals.split_off(start.locals);
        let collected = self.collected.split_off(start.collected);
        let r = write(self);
        self.vars.extend(vars);
        self.ints.extend(ints);
        self.inductions.extend(inductions);
        self.inactive.extend(inactive);
        self.inners.extend(inners);
        self.closures.extend(closures);
        self.slices.extend(slices);
        self.locals.extend(locals);
        self.collected.extend(collected);
        r
    }

    /// A float expression of bounded depth over the variables in scope, elements of `w` and
    /// of the buffers, and (in loops) integers cast to floats.
    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.rng.chance(30) {
            // One leaf in six, when there is one, of the constructs of `idioms`.
            if self.rng.chance(17) {
                if let Some(leaf) = self.idiom_leaf() {
                    return leaf;
                }
            }
            let structs = self.has_fields();
            return match self.rng.below(20) {
                0..=13 if self.data && self.rng.chance(15) => self.data_read(),
                0..=13 if structs && self.rng.chance(30) => self.field(),
                0..=13 => self.var(),
                14 | 15 => self.element(),
                16 if !self.loops.is_empty() => format!("T::from({}).unwrap()", self.small_int()),
                17 | 18 if structs => self.field_reduction(),
                _ => self.constant(),
            };
        }
        let roll = self.rng.below(20);
        // `floor` and `signum` read their receiver as code the transform does not
        // differentiate: no closure call nor chain there (see `Writer::plain_expr`).
        let unary = self.rng.pick(UNARY);
        let a = if (6..=14).contains(&roll)
            && (unary.contains(".floor()") || unary.contains(".signum()"))
        {
            self.plain_expr(depth - 1)
        } else {
            self.expr(depth - 1)
        };
        if self.rng.chance(15) {
            if let Some(call) = self.closure_call(&a) {
                return call;
            }
        }
        match roll {
            0..=5 => {
                let op = self.rng.pick(&["+", "-", "*"]);
                format!("({a} {op} {})", self.expr(depth - 1))
            }
            6..=14 => unary.replace("{a}", &a),
            15..=17 => {
                let b = self.expr(depth - 1);
                self.rng.pick(BINARY).replace("{a}", &a).replace("{b}", &b)
            }
            _ => match self.affordable_callee().filter(|_| self.rng.chance(50)) {
                Some(callee) => {
                    let (b, c) = (self.expr(depth - 1), self.expr(depth - 1));
                    // Now and then a float of `d` straight into a float parameter.
                    let b = if self.data && self.rng.chance(30) {
                        self.data_float()
                    } else {
                        b
                    };
                    self.call(&callee, &a, &b, &c)
                }
                None => format!("{a}.mul_add({}, {})", self.expr(0), self.expr(0)),
            },
        }
    }

    /// `d.scale` or `d.shift`, in a function that takes `d`.
    fn data_float(&mut self) -> String {
        self.rng.pick(&["d.scale", "d.shift"]).to_string()
    }

    /// A read of a float of `d` in an operation with a variable: `(v2 * d.scale)`,
    /// `(d.shift + x0)`, ... Not alone in an expression: the transform cannot see into
    /// `Data<T>`, so it does not know `d.scale` as a float; bound to a variable later
    /// assigned a float, or as the receiver of a method with a float argument, it is refused
    /// (see docs/difftest.md). As an argument of a callee it is fine (`Writer::expr`).
    fn data_read(&mut self) -> String {
        // Not next to a name bound to an element of a field (`t` of `p.w.iter()`, `u` of
        // `let &u = &p.w[j];`): `d.scale * p.w[1]` does not compile (see docs/difftest.md).
        let plain: Vec<String> = self
            .vars
            .iter()
            .filter(|v| !v.starts_with(['t', 'u', '(']))
            .cloned()
            .collect();
        let v = plain[self.rng.below(plain.len())].clone();
        let field = self.data_float();
        match self.rng.below(4) {
            0 => format!("({v} * {field})"),
            1 => format!("({field} * {v})"),
            2 => format!("({v} + {field})"),
            _ => format!("({field} - {v})"),
        }
    }

    /// The left side of a condition: a variable or, in a function that takes `d`, now and
    /// then a float of `d`, or in one that takes structs, a field.
    fn compared(&mut self) -> String {
        if self.data && self.rng.chance(25) {
            self.data_float()
        } else if self.has_fields() && self.rng.chance(25) {
            self.field()
        } else {
            self.var()
        }
    }

    /// Whether the function takes the struct parameter `s`.
    fn has(&self, s: Struct) -> bool {
        self.structs.contains(&s)
    }

    /// Whether it takes a struct with fields to read (`p`, `q` or `qs`; not `ar` alone).
    fn has_fields(&self) -> bool {
        self.has(Struct::P) || self.has(Struct::Q) || self.has(Struct::Qs)
    }

    /// The slices of `Inner`s the function can read, with their lengths: `qs` (3) and the
    /// field `p.layers` (2).
    fn inner_slices(&self) -> Vec<(&'static str, usize)> {
        let mut slices = Vec::new();
        if self.has(Struct::Qs) {
            slices.push(("qs", 3));
        }
        if self.has(Struct::P) {
            slices.push(("p.layers", 2));
        }
        slices
    }

    /// An element of a slice of `Inner`s, at an index of the integers in scope:
    /// `qs[i % 3]`, `p.layers[(j + 1) % 2]`; the function must have one.
    fn inner_element(&mut self) -> String {
        let slices = self.inner_slices();
        let (slice, len) = slices[self.rng.below(slices.len())];
        format!("{slice}[{}]", self.index(len))
    }

    /// An `Inner` to read: one in scope (more often the latest bound, as the element of the
    /// loop around) or an element of a slice.
    fn inner(&mut self) -> String {
        let latest = self
            .inners
            .last()
            .filter(|i| i.starts_with('r') || i.starts_with("qe"));
        if let Some(latest) = latest.filter(|_| self.rng.chance(40)) {
            return latest.clone();
        }
        let slices = usize::from(!self.inner_slices().is_empty());
        let k = self.rng.below(self.inners.len() + slices);
        match self.inners.get(k) {
            Some(inner) => inner.clone(),
            None => self.inner_element(),
        }
    }

    /// Whether an `Inner` can be passed to a callee here: there is one in scope besides `q`
    /// (the parameter itself, which does not compile passed on: see docs/difftest.md).
    fn can_pass_inner(&self) -> bool {
        !self.inner_slices().is_empty() || self.inners.iter().any(|i| i != "q")
    }

    /// An `Inner` passed to a callee that takes `q`: `&p.inner`, `&qs[..]`, `&p.layers[..]`,
    /// the element of a loop over a slice or a bound place.
    fn inner_argument(&mut self) -> String {
        // More often the element of the loop around, or the place bound last.
        let latest = self
            .inners
            .last()
            .filter(|i| i.starts_with('r') || i.starts_with("qe"))
            .cloned();
        if let Some(latest) = latest.filter(|_| self.rng.chance(40)) {
            return latest;
        }
        let passable: Vec<String> = self.inners.iter().filter(|i| *i != "q").cloned().collect();
        let slices = usize::from(!self.inner_slices().is_empty());
        match passable.get(self.rng.below(passable.len() + slices)) {
            Some(place) if place.contains('.') => format!("&{place}"),
            Some(reference) => reference.clone(),
            None => format!("&{}", self.inner_element()),
        }
    }

    /// A float field of a struct parameter, at any depth: `p.s`, `p.w[i % 4]`, `p.fixed`
    /// (`#[no_derivative]`), `p.inner.a`, `p.layers[j % 2].v[..]`, `q.v[(j + 1) % 3]`,
    /// `qs[i % 3].v[..]`, `qe1.a`, `r3.v[..]`.
    fn field(&mut self) -> String {
        if self.has(Struct::P) && self.rng.chance(40) {
            return match self.rng.below(7) {
                0..=2 => "p.s".into(),
                3..=5 => format!("p.w[{}]", self.index(4)),
                _ => "p.fixed".into(),
            };
        }
        let inner = self.inner();
        if self.rng.chance(35) {
            format!("{inner}.a")
        } else {
            format!("{inner}.v[{}]", self.index(3))
        }
    }

    /// A slice function of a `Vec` field: `dot` with a slice of its length (`dot(&p.w, w)`,
    /// `dot(&q.v, &qe1.v)`, `dot(&r2.v, &b3)`), `sum`, `mean`, `norm`, `norm_squared`. Not
    /// `logsumexp`, `max_of` nor `min_of`, whose code does not compile on a field (see
    /// docs/difftest.md).
    fn field_reduction(&mut self) -> String {
        let (v, len) = if self.has(Struct::P) && self.rng.chance(40) {
            ("p.w".to_string(), 4)
        } else {
            (format!("{}.v", self.inner()), 3)
        };
        match self.rng.below(6) {
            0 | 1 => {
                let buffers: Vec<String> = self
                    .arrays
                    .iter()
                    .filter(|(_, l)| *l == len)
                    .map(|(b, _)| format!("&{b}"))
                    .collect();
                let other = match buffers.get(self.rng.below(buffers.len() + 2)) {
                    Some(b) => b.clone(),
                    None if len == 4 => "w".to_string(),
                    None => format!("&{}.v", self.inner()),
                };
                format!("dot(&{v}, {other})")
            }
            2 => format!("sum(&{v})"),
            3 => format!("mean(&{v})"),
            4 => format!("norm(&{v})"),
            _ => format!("norm_squared(&{v})"),
        }
    }

    /// `let r3 = &p.inner;`, `let r3 = &qs[..];` or `let r3 = &p.layers[..];`: a place bound
    /// to a name, which reads and calls then use as an `Inner`.
    fn bind_place(&mut self) -> Chunk {
        let place = if self.has(Struct::P) && self.rng.chance(30) {
            "p.inner".to_string()
        } else {
            self.inner_element()
        };
        let r = self.new_name("r");
        self.inners.push(r.clone());
        Chunk::line(format!("let {r} = &{place};"))
    }

    /// An integer in scope: a loop counter, an induction variable, a `let`, or `n`.
    fn int(&mut self) -> String {
        let k = self.rng.below(self.ints.len() + 1);
        self.ints.get(k).cloned().unwrap_or_else(|| "n".into())
    }

    /// An integer in scope of at most 4: induction variables are taken modulo 4 (`l2 % 4`,
    /// which binds tighter than the `+`, `/`, `..` it goes into).
    fn small_int(&mut self) -> String {
        let v = self.int();
        if v.starts_with('l') {
            format!("{v} % 4")
        } else {
            v
        }
    }

    /// `write`'s result, written with `v` out of scope: for a value that must not depend on
    /// `v` (a buffer's elements on the value its products are added to, which would grow
    /// without bound).
    fn without<R>(&mut self, v: &str, write: impl FnOnce(&mut Self) -> R) -> R {
        let saved = self.vars.clone();
        self.vars.retain(|u| u != v);
        let r = write(self);
        self.vars = saved;
        r
    }

    /// An index below `len` computed from the integers in scope: `i % 4`, `(l2 + j) % 4`,
    /// `(i * m3 + j) % 4`, ...
    fn index(&mut self, len: usize) -> String {
        let a = self.int();
        let p = usize::from(self.has(Struct::P));
        match self.rng.below(6 + p) {
            // `p.n` only next to an integer the transform knows: alone (`p.n % 4`), it is taken
            // for a float (see docs/difftest.md).
            6 if a.starts_with("d.") => format!("(n + p.n) % {len}"),
            6 => format!("({a} + p.n) % {len}"),
            0 | 1 => format!("{a} % {len}"),
            2 => format!("({a} + {}) % {len}", self.int()),
            3 => {
                let (b, c) = (self.int(), self.int());
                format!("({a} * {b} + {c}) % {len}")
            }
            4 => format!("({a} + {}) % {len}", 1 + self.rng.below(3)),
            _ => format!("(2 * {a} + 1) % {len}"),
        }
    }

    /// An element of `w` or of a buffer in scope (where `w` is data too: a copy of such an
    /// element into a float that has a derivative, `y = w[0];`, once did not compile).
    fn element(&mut self) -> String {
        let k = self.rng.below(self.arrays.len() + 2);
        match self.arrays.get(k).cloned() {
            Some((b, len)) => format!("{b}[{}]", self.index(len)),
            None => format!("w[{}]", self.index(4)),
        }
    }

    /// A float that carries no derivative and is at most about 1 in size, to multiply a
    /// loop-carried value by: a constant, an integer cast, data (a parameter outside `wrt`, an
    /// element of `w` when `w` is) or a constant computed from integers; or an element of `w`.
    fn inactive_factor(&mut self) -> String {
        let p = 2 * usize::from(self.has(Struct::P));
        match self.rng.below(6 + p) {
            0 | 1 => format!("k({:.3})", self.rng.float(0.5, 0.95)),
            2 => format!("(T::from({}).unwrap() * k(0.3))", self.small_int()),
            3 | 4 if !self.inactive.is_empty() => {
                let i = self.rng.below(self.inactive.len());
                self.inactive[i].clone()
            }
            6 => "p.fixed".to_string(),
            7 => "(T::from(p.n).unwrap() * k(0.3))".to_string(),
            _ => format!("w[{}]", self.index(4)),
        }
    }

    /// A call of `callee`, whose cost is counted; an `Inner` is passed when it takes `q`, and
    /// `d` is passed on when it takes it.
    fn call(&mut self, callee: &str, a: &str, b: &str, c: &str) -> String {
        let (cost, data, inner) = self
            .callees
            .iter()
            .find(|f| f.name == callee)
            .map_or((0, false, false), |f| (f.cost, f.data, f.inner));
        self.cost += cost * self.multiplier();
        let q = if inner {
            format!(", {}", self.inner_argument())
        } else {
            String::new()
        };
        let d = if data { ", d" } else { "" };
        let w = self.w_argument();
        format!("{callee}({a}, {b}, {c}, {w}, n{q}{d})")
    }

    /// One of the callees cheap enough to call here, if there is one (also where `w` is data:
    /// the zero tangent of `w` once went to the callee's `tangent` as a `Vec`); one that takes
    /// `d` only if this function has it, one that takes `q` only if it has an `Inner` to pass.
    fn affordable_callee(&mut self) -> Option<String> {
        let multiplier = self.multiplier();
        let inner = self.can_pass_inner();
        let affordable: Vec<&Callee> = self
            .callees
            .iter()
            .filter(|f| f.cost * multiplier <= CALL_BUDGET && (self.data || !f.data))
            .filter(|f| inner || !f.inner)
            .collect();
        if affordable.is_empty() {
            return None;
        }
        Some(affordable[self.rng.below(affordable.len())].name.clone())
    }

    fn new_var(&mut self) -> String {
        self.new_name("v")
    }

    /// A fresh name: `v3` for a float, `l4` for an induction variable, `b5` for a buffer, ...
    fn new_name(&mut self, prefix: &str) -> String {
        self.next_var += 1;
        format!("{prefix}{}", self.next_var)
    }

    /// A variable that may be assigned (a `let mut` one); binds one first if there is none.
    fn mutable_var(&mut self) -> String {
        let candidates = named(&self.vars, 'v');
        if candidates.is_empty() {
            let chunk = self.binding(1);
            self.block.push(chunk);
            return self.vars.last().expect("just bound").clone();
        }
        candidates[self.rng.below(candidates.len())].clone()
    }

    /// The statements that fit here, with their weights.
    fn kinds(&self) -> Vec<(usize, Kind)> {
        let in_loop = !self.loops.is_empty();
        let mut kinds = vec![
            (if in_loop { 1 } else { 3 }, Kind::Binding),
            (1, Kind::Shadowing),
            (1, Kind::Reassign),
            (1, Kind::Branch),
            (1, Kind::NestedBranch),
            (1, Kind::Match),
            (if in_loop { 1 } else { 2 }, Kind::IntLet),
        ];
        if self.loops.len() < MAX_LOOP_DEPTH {
            kinds.push((4, Kind::Loop));
        }
        if self.returns == Returns::Scalar {
            kinds.push((1, Kind::Return));
        }
        if in_loop {
            kinds.extend([(2, Kind::Exit), (3, Kind::Carried), (2, Kind::Call)]);
            if !self.arrays.is_empty() {
                kinds.push((1, Kind::Write));
            }
        } else {
            kinds.extend([(1, Kind::Buffer), (1, Kind::Centered)]);
        }
        if self.has(Struct::P) || self.has(Struct::Qs) {
            kinds.push((2, Kind::BindPlace));
        }
        kinds.extend([
            (1, Kind::Closure),
            (2, Kind::Chain),
            (1, Kind::Pattern),
            (1, Kind::BindSlice),
        ]);
        if !in_loop {
            kinds.push((1, Kind::StructLocal));
        }
        if !self.locals.is_empty() {
            kinds.push((1, Kind::FieldWrite));
        }
        kinds
    }

    /// One of the statements that fit here, by weight.
    fn pick_kind(&mut self) -> Kind {
        let kinds = self.kinds();
        let mut roll = self.rng.below(kinds.iter().map(|(w, _)| w).sum());
        for (weight, kind) in kinds {
            if roll < weight {
                return kind;
            }
            roll -= weight;
        }
        unreachable!("the roll is below the total weight")
    }

    /// One statement, added to the block; a new variable it binds stays in scope after it.
    fn stmt(&mut self) {
        let kind = self.pick_kind();
        self.cost += self.multiplier();
        let chunk = match kind {
            Kind::Binding => self.binding(3),
            Kind::Shadowing => self.shadowing(),
            Kind::Reassign => self.reassign(),
            Kind::Branch => self.branch(),
            Kind::NestedBranch => self.nested_branch(),
            Kind::Match => self.match_on_n(),
            Kind::Loop => self.a_loop(),
            Kind::Return => self.early_return(),
            Kind::Buffer => self.buffer(),
            Kind::Exit => self.exit(),
            Kind::Carried => self.carried(),
            Kind::Call => self.call_in_loop(),
            Kind::IntLet => self.int_let(),
            Kind::Write => self.write(),
            Kind::Centered => self.centered(),
            Kind::BindPlace => self.bind_place(),
            Kind::Closure => self.closure(),
            Kind::Chain => self.chain_statement(),
            Kind::Pattern => self.pattern(),
            Kind::BindSlice => self.bind_slice(),
            Kind::StructLocal => self.struct_local(),
            Kind::FieldWrite => self.field_write(),
        };
        self.block.push(chunk);
    }

    /// `let mut vN = e;` with `e` of depth `depth`.
    fn binding(&mut self, depth: usize) -> Chunk {
        let v = self.new_var();
        let e = self.expr(depth);
        self.vars.push(v.clone());
        Chunk::line(format!("let mut {v} = {e};"))
    }

    /// A new binding of an existing variable's name.
    fn shadowing(&mut self) -> Chunk {
        let v = self.mutable_var();
        let e = self.expr(2);
        Chunk::line(format!("let mut {v} = {v} * {e};"))
    }

    /// An assignment, possibly from itself.
    fn reassign(&mut self) -> Chunk {
        let v = self.mutable_var();
        let e = self.expr(2);
        Chunk::line(format!("{v} = {v} * k(0.5) + {e};"))
    }

    fn branch(&mut self) -> Chunk {
        let (a, b) = (self.compared(), self.var());
        let v = self.mutable_var();
        let (e1, e2) = (self.expr(2), self.expr(2));
        Chunk::Lines(vec![
            format!("if {a} > {b} {{"),
            format!("    {v} = {e1};"),
            "} else {".into(),
            format!("    {v} = {v} + {e2};"),
            "}".into(),
        ])
    }

    fn nested_branch(&mut self) -> Chunk {
        let (a, b, c) = (self.var(), self.var(), self.compared());
        let v = self.mutable_var();
        let (e1, e2, e3) = (self.expr(2), self.expr(2), self.expr(2));
        Chunk::Lines(vec![
            format!("if {a} > {b} {{"),
            format!("    if {c} < k(0.0) {{"),
            format!("        {v} = {e1};"),
            "    } else {".into(),
            format!("        {v} = {v} * {e2};"),
            "    }".into(),
            "} else {".into(),
            format!("    {v} = {v} - {e3};"),
            "}".into(),
        ])
    }

    fn match_on_n(&mut self) -> Chunk {
        let v = self.mutable_var();
        let (e1, e2) = (self.expr(2), self.expr(2));
        Chunk::Lines(vec![
            "match n {".into(),
            format!("    0 => {{ {v} = {e1}; }}"),
            format!("    1 | 2 => {{ {v} = {v} + {e2}; }}"),
            "    _ => {}".into(),
            "}".into(),
        ])
    }

    fn early_return(&mut self) -> Chunk {
        let (a, b) = (self.var(), self.expr(2));
        Chunk::Lines(vec![
            format!("if {a} > k(2.5) {{"),
            format!("    return {b};"),
            "}".into(),
        ])
    }

    /// An immutable `let` of an integer of at most 4 (`let m3 = n / 2 + 1;`, in a loop
    /// `let m4 = (i + j) % 4;`), which indices and ranges then use; now and then one that
    /// shadows another, so that the name is bound twice. Or (three in ten) a float computed
    /// from integers, which carries no derivative (`let q5 = T::from(n + 1).unwrap().recip();`).
    fn int_let(&mut self) -> Chunk {
        if self.rng.chance(30) {
            let q = self.new_name("q");
            let a = self.small_int();
            let e = match self.rng.below(3) {
                0 => format!("T::from({a} + 1).unwrap().recip()"),
                1 => format!("T::from({a}).unwrap() * k(0.25)"),
                _ => format!("k(0.5).powi(({a}) as i32)"),
            };
            self.vars.push(q.clone());
            self.inactive.push(q.clone());
            return Chunk::line(format!("let {q} = {e};"));
        }
        let lets = named(&self.ints, 'm');
        let e = if !self.loops.is_empty() {
            let (a, b) = (self.small_int(), self.small_int());
            match self.rng.below(4) {
                0 => format!("{a} % 4 + 1"),
                1 => format!("({a} + {b}) % 4"),
                2 => format!("{a} / 2 + 1"),
                _ => format!("{a} % 3"),
            }
        } else if !lets.is_empty() && self.rng.chance(25) {
            format!("{} % 3 + 1", lets[self.rng.below(lets.len())])
        } else {
            let forms = [
                "n / 2 + 1",
                "n + 1",
                "(n + 2) % 4 + 1",
                "n.min(2) + 2",
                "3 - n % 3",
            ];
            self.rng.pick(&forms).to_string()
        };
        let name = if !lets.is_empty() && self.rng.chance(15) {
            lets[self.rng.below(lets.len())].clone()
        } else {
            self.new_name("m")
        };
        self.ints.push(name.clone());
        Chunk::line(format!("let {name} = {e};"))
    }

    /// A write of an element of a buffer in scope, in a loop.
    fn write(&mut self) -> Chunk {
        let (b, len) = self.arrays[self.rng.below(self.arrays.len())].clone();
        let at = self.index(len);
        let e = self.expr(2);
        // `T: Float` has no `+=` nor `*=`: compound updates are spelled out.
        Chunk::line(match self.rng.below(4) {
            0 => format!("{b}[{at}] = {e};"),
            1 => format!("{b}[{at}] = {b}[{at}] + {e} * k(0.5);"),
            2 => format!("{b}[{at}] = {b}[{at}] * {};", self.inactive_factor()),
            _ => format!("{b}[{at}] = {b}[{at}] * k(0.5) + {e};"),
        })
    }

    /// One of the reductions of the buffer `b` of `len` elements.
    fn reduction(&mut self, b: &str, len: usize) -> String {
        let fitting: Vec<&str> = REDUCTIONS
            .iter()
            .filter(|(_, four)| !four || len == 4)
            .map(|(r, _)| *r)
            .collect();
        self.rng.pick(&fitting).replace("{b}", b)
    }

    /// A buffer filled in a loop, reduced to a new variable by one of the slice functions.
    fn buffer(&mut self) -> Chunk {
        let e = self.expr(2);
        let v = self.new_var();
        let b = self.new_name("b");
        // Now and then eight long, for callees to take four of (`&b[m..m + 4]`).
        if self.rng.chance(20) {
            let reduce = self.reduction(&b, 8);
            self.vars.push(v.clone());
            self.arrays.push((b.clone(), 8));
            return Chunk::Lines(vec![
                format!("let mut {b} = vec![T::zero(); 8];"),
                "for i in 0..8 {".into(),
                format!("    {b}[i] = w[i % 4] * {e};"),
                "}".into(),
                format!("let mut {v} = {reduce};"),
            ]);
        }
        let mut lines = vec![
            format!("let mut {b} = vec![T::zero(); 4];"),
            "for i in 0..4 {".into(),
            format!("    {b}[i] = w[i] * {e};"),
            "}".into(),
        ];
        if self.rng.chance(10) {
            lines.push(format!("let sm = softmax(&{b});"));
            lines.push(format!("let mut {v} = dot(&sm, w);"));
        } else {
            let reduce = self.reduction(&b, 4);
            lines.push(format!("let mut {v} = {reduce};"));
        }
        self.vars.push(v);
        self.arrays.push((b, 4));
        Chunk::Lines(lines)
    }

    /// A loop with `head` around the statements `fill` writes, in the frame of its counter;
    /// what they bind goes out of scope after it. An outer loop keeps its label `'l1` only
    /// when a loop in it exits to it.
    fn scoped_loop(
        &mut self,
        head: Vec<String>,
        frame: Frame,
        element: Option<Element>,
        fill: impl FnOnce(&mut Self),
    ) -> Chunk {
        let outer = std::mem::take(&mut self.block);
        let scope = self.scope();
        match element {
            Some(Element::Float(e)) => {
                if self.w_is_data {
                    self.inactive.push(e.clone());
                }
                self.vars.push(e);
            }
            Some(Element::Inner(e)) => self.inners.push(e),
            Some(Element::Bound(b)) => {
                self.vars.extend(b.floats);
                self.ints.extend(b.ints);
                self.slices.extend(b.windows);
            }
            None => {}
        }
        self.ints.push(frame.index.clone());
        self.loops.push(frame);
        let inner_start = self.scope();
        let outer_start = std::mem::replace(&mut self.block_start, inner_start);
        fill(self);
        self.block_start = outer_start;
        self.loops.pop();
        self.end_scope(scope);
        let body = std::mem::replace(&mut self.block, outer);
        let labelled = body.iter().any(|c| c.mentions("'l1"));
        let head = if labelled {
            head
        } else {
            head.into_iter().map(|l| l.replace("'l1: ", "")).collect()
        };
        Chunk::Loop {
            head,
            body,
            tail: vec!["}".into()],
        }
    }

    /// A loop of one of the forms, whose body starts with an update of a loop-carried value
    /// and may step an induction variable.
    fn a_loop(&mut self) -> Chunk {
        let Head {
            lines,
            frame,
            element,
            steps,
        } = self.loop_head();
        self.scoped_loop(lines, frame, element, |w| {
            // A loop that steps `l` reads through it first: `w[l % 4]`, `w[(l + i) % 4]`.
            let carried = match &steps {
                Some(l) => {
                    let i = w.loops.last().expect("in the loop").index.clone();
                    let at = match w.rng.below(3) {
                        0 => format!("{l} % 4"),
                        1 => format!("({l} + {i}) % 4"),
                        _ => format!("(2 * {i} + {l}) % 4"),
                    };
                    w.carried_at(format!("w[{at}]"))
                }
                None => w.carried(),
            };
            w.block.push(carried);
            for _ in 0..w.rng.below(3) {
                w.stmt();
            }
            if let Some(l) = steps {
                w.step(&l);
            }
        })
    }

    /// `l += 1;` in the body being written: last, or anywhere (after an exit, say, or before
    /// the reads of `l`).
    fn step(&mut self, l: &str) {
        let at = if self.rng.chance(60) {
            self.block.len()
        } else {
            self.rng.below(self.block.len() + 1)
        };
        self.block.insert(at, Chunk::line(format!("{l} += 1;")));
    }

    /// The head of a loop at the next depth: `for` over a range (see [`Writer::range`]) or over
    /// the elements of `w`, `while` or `loop` with a counter; maybe stepping an induction
    /// variable.
    fn loop_head(&mut self) -> Head {
        let depth = self.loops.len() + 1;
        let index = INDICES[depth - 1].to_string();
        let counter = format!("c{depth}");
        let label = if depth == 1 { "'l1: " } else { "" };
        let by_index = |index: String, trips| Frame { index, trips };
        // Nested loops are over ranges more often: those the reverse sweep may evaluate again.
        let ranges = if depth > 1 { 6 } else { 4 };
        let slices = 5 * usize::from(!self.inner_slices().is_empty());
        let chains = 3;
        let (mut lines, frame, element, over_range) =
            match self.rng.below(ranges + 3 + slices + chains) {
                r if r >= ranges + 3 + slices => {
                    let head = self.chain_loop(&counter, label);
                    (head.lines, head.frame, head.element, false)
                }
                r if r >= ranges + 3 => {
                    let (head, frame, element) = self.inner_loop(depth, &index, &counter, label);
                    (head, frame, Some(element), false)
                }
                r if r < ranges => {
                    let range = self.range();
                    let head = vec![format!("{label}for {index} in {range} {{")];
                    (head, by_index(index, 4), None, true)
                }
                r if r == ranges => {
                    let element = format!("w{index}");
                    let head = vec![format!(
                        "{label}for ({index}, &{element}) in w.iter().enumerate() {{"
                    )];
                    (
                        head,
                        by_index(index, 4),
                        Some(Element::Float(element)),
                        false,
                    )
                }
                r if r == ranges + 1 => {
                    let v = self.var();
                    let head = vec![
                        format!("let mut {counter} = 0;"),
                        format!("{label}while {counter} < 4 && {v} < k(1.5) {{"),
                        format!("    {counter} += 1;"),
                    ];
                    (head, by_index(counter, 4), None, false)
                }
                _ => {
                    let head = vec![
                        format!("let mut {counter} = 0;"),
                        format!("{label}loop {{"),
                        format!("    {counter} += 1;"),
                        format!("    if {counter} > 3 {{"),
                        "        break;".into(),
                        "    }".into(),
                    ];
                    (head, by_index(counter, 3), None, false)
                }
            };
        let steps = self.induction(&mut lines, if over_range { 35 } else { 10 });
        Head {
            lines,
            frame,
            element,
            steps,
        }
    }

    /// A loop over the elements of a slice of `Inner`s (`qs`, `p.layers`), binding `qeD` at
    /// depth `D`: with its index (`for (i, qe1) in qs.iter().enumerate()`) or with a counter
    /// (`for qe1 in qs.iter()`, `for qe1 in qs`, `for qe1 in &p.layers`).
    fn inner_loop(
        &mut self,
        depth: usize,
        index: &str,
        counter: &str,
        label: &str,
    ) -> (Vec<String>, Frame, Element) {
        let element = format!("qe{depth}");
        let slices = self.inner_slices();
        let (slice, len) = slices[self.rng.below(slices.len())];
        let frame = |index: &str| Frame {
            index: index.to_string(),
            trips: len as u64,
        };
        let over = match self.rng.below(3) {
            0 => {
                let head =
                    format!("{label}for ({index}, {element}) in {slice}.iter().enumerate() {{");
                return (vec![head], frame(index), Element::Inner(element));
            }
            1 => format!("{slice}.iter()"),
            // A slice parameter is iterated as it is, a `Vec` field by reference.
            _ if slice == "qs" => slice.to_string(),
            _ => format!("&{slice}"),
        };
        let head = vec![
            format!("let mut {counter} = 0;"),
            format!("{label}for {element} in {over} {{"),
            format!("    {counter} += 1;"),
        ];
        (head, frame(counter), Element::Inner(element))
    }

    /// With `percent` chance, an induction variable for a loop to step by one: one in scope, or
    /// a new one declared in `lines`, before the loop.
    fn induction(&mut self, lines: &mut Vec<String>, percent: usize) -> Option<String> {
        if !self.rng.chance(percent) {
            return None;
        }
        if !self.inductions.is_empty() && self.rng.chance(40) {
            return Some(self.inductions[self.rng.below(self.inductions.len())].clone());
        }
        let l = self.new_name("l");
        let init = match self.rng.below(4) {
            0 | 1 => "0".to_string(),
            2 => "n".to_string(),
            _ => format!("{} % 2 + 1", self.int()),
        };
        lines.insert(0, format!("let mut {l} = {init};"));
        self.ints.push(l.clone());
        self.inductions.push(l.clone());
        Some(l)
    }

    /// The range of a `for` loop: a fixed one, or (more often in a nested loop) one computed
    /// from the enclosing counters, `let`s and `n`: `i + 1..n`, `0..i`, `0..m2`, ..., of at
    /// most six iterations.
    fn range(&mut self) -> String {
        let nested = !self.loops.is_empty();
        if !self.rng.chance(if nested { 80 } else { 30 }) {
            if self.has(Struct::P) && self.rng.chance(30) {
                let ranges = ["0..p.n", "(0..p.n).rev()", "0..p.layers.len()"];
                return self.rng.pick(&ranges).to_string();
            }
            if self.has(Struct::Qs) && self.rng.chance(15) {
                return "0..qs.len()".to_string();
            }
            let fixed = ["0..n", "0..3", "(0..n).rev()", "(0..4).step_by(2)"];
            return self.rng.pick(&fixed).to_string();
        }
        let lets = named(&self.ints, 'm');
        let p = if !lets.is_empty() && self.rng.chance(60) {
            lets[self.rng.below(lets.len())].clone()
        } else {
            self.small_int()
        };
        let (o, forms): (String, &[&str]) = match self.loops.last() {
            // Mostly from the enclosing loop's counter.
            Some(frame) if self.rng.chance(80) => (
                frame.index.clone(),
                &[
                    "{o} + 1..n",
                    "{o} + 1..4",
                    "0..{o}",
                    "{o}..n",
                    "{o}..4",
                    "0..{o} + 1",
                    "({o}..4).rev()",
                    "(0..{o}).rev()",
                    "{o}..{p}",
                    "{o} + 1..{p}",
                    "0..{p}",
                ],
            ),
            _ => (
                self.small_int(),
                &[
                    "{o} / 2..{o} + 1",
                    "0..={o} % 3",
                    "({o} % 2..4).step_by(2)",
                    "{o}..{p}",
                    "0..{p}",
                    "0..{p} % 3 + 1",
                ],
            ),
        };
        self.rng.pick(forms).replace("{o}", &o).replace("{p}", &p)
    }

    /// An element of `w` at the innermost loop's counter, or at an index of the integers in
    /// scope.
    fn w_at_index(&mut self) -> String {
        let index = self.loops.last().expect("in a loop").index.clone();
        if self.rng.chance(60) {
            format!("w[{index} % 4]")
        } else {
            format!("w[{}]", self.index(4))
        }
    }

    /// An update of a value that lives across iterations; two in five multiply it by a factor
    /// that carries no derivative (`acc = acc * c + e`).
    fn carried(&mut self) -> Chunk {
        let w = if self.has_fields() && self.rng.chance(30) {
            self.field()
        } else {
            self.w_at_index()
        };
        self.carried_at(w)
    }

    /// [`Writer::carried`] with `w`, an element of `w`, in it.
    fn carried_at(&mut self, w: String) -> Chunk {
        let acc = self.mutable_var();
        let e = self.expr(2);
        Chunk::line(match self.rng.below(5) {
            0 => format!("{acc} = ({acc} * k(0.7) + {w} * {e}).tanh();"),
            1 => format!("{acc} = {acc} + {e} * k(0.3);"),
            2 => format!("{acc} = {acc} * ({w} + {e}).tanh();"),
            3 => format!("{acc} = {acc} * {} + {e};", self.inactive_factor()),
            _ => format!("{acc} = ({acc} + {e}) * {};", self.inactive_factor()),
        })
    }

    /// `break` or `continue`, of this loop or (two deep or more) of the outer one, on a
    /// condition.
    fn exit(&mut self) -> Chunk {
        let (a, b) = (self.compared(), self.condition_expr(1));
        let mut exits = vec!["break;", "continue;"];
        if self.loops.len() >= 2 {
            exits.extend(["break 'l1;", "continue 'l1;"]);
        }
        let exit = self.rng.pick(&exits);
        Chunk::Lines(vec![
            format!("if {a} > {b} {{"),
            format!("    {exit}"),
            "}".into(),
        ])
    }

    /// With `percent` chance, an exit at a random place of the block being written.
    fn maybe_exit(&mut self, percent: usize) {
        if self.rng.chance(percent) {
            let at = self.rng.below(self.block.len() + 1);
            let exit = if at == self.block.len() {
                self.exit()
            } else {
                self.at_block_start(Self::exit)
            };
            self.block.insert(at, exit);
        }
    }

    /// A loop-carried value updated by a call of an earlier function.
    fn call_in_loop(&mut self) -> Chunk {
        let Some(callee) = self.affordable_callee() else {
            return self.carried();
        };
        let acc = self.mutable_var();
        let (e, w) = (self.expr(1), self.w_at_index());
        let call = self.call(&callee, &acc, &e, &w);
        Chunk::line(format!("{acc} = {acc} * k(0.5) + {call};"))
    }

    /// ADBench GMM's pattern: a buffer created before a loop and, in each iteration, rewritten
    /// element by element in an inner loop (`xcentered`), maybe added to in a triangle
    /// (`Qxcentered`, stepping GMM's packed index `l` there), then read element by element in
    /// a deeper loop (`b[j] * b[k]`) and/or reduced whole (`norm_squared(&b)`), into a
    /// loop-carried value; with exits here and there.
    fn centered(&mut self) -> Chunk {
        let len = if self.rng.chance(65) { 4 } else { 3 };
        let acc = self.mutable_var();
        let b = self.new_name("b");
        let mut head = vec![format!("let mut {b} = vec![T::zero(); {len}];")];
        let packed = self.induction(&mut head, 40);
        let range = self.range();
        head.push(format!("'l1: for i in {range} {{"));
        // Other statements of the loop may read and write the buffer too, now and then.
        let shared = self.rng.chance(40);
        if shared {
            self.arrays.push((b.clone(), len));
        }
        let frame = Frame {
            index: "i".into(),
            trips: 4,
        };
        let chunk = self.scoped_loop(head, frame, None, |w| {
            w.centered_body(&b, len, &acc, packed)
        });
        if !shared {
            self.arrays.push((b, len));
        }
        chunk
    }

    /// The body of [`Writer::centered`]'s loop.
    fn centered_body(&mut self, b: &str, len: usize, acc: &str, packed: Option<String>) {
        let carried = self.carried();
        self.block.push(carried);
        if self.rng.chance(30) {
            self.stmt();
        }
        let triangle = self.rng.chance(50);
        let deep = self.rng.chance(60);
        let whole = !deep || self.rng.chance(50);
        let steps_in_fill = if triangle { None } else { packed.clone() };
        let fill = self.centering(b, len, acc, steps_in_fill);
        self.block.push(fill);
        if triangle {
            let chunk = self.triangle(b, len, acc, packed);
            self.block.push(chunk);
        }
        if self.rng.chance(30) {
            self.stmt();
        }
        if deep {
            let chunk = self.quadratic(b, len, acc);
            self.block.push(chunk);
        }
        if whole {
            let chunk = self.reduced(b, len, acc);
            self.block.push(chunk);
        }
        self.maybe_exit(25);
    }

    /// A loop at the next depth over `range`, whose counter runs at most `trips` times.
    fn inner_for(&mut self, range: &str, trips: u64, fill: impl FnOnce(&mut Self)) -> Chunk {
        let index = INDICES[self.loops.len()];
        let head = vec![format!("for {index} in {range} {{")];
        let frame = Frame {
            index: index.into(),
            trips,
        };
        self.scoped_loop(head, frame, None, fill)
    }

    /// `for j in 0..len { b[j] = x - w[..]; }`: the rewrite of the buffer in each iteration.
    fn centering(&mut self, b: &str, len: usize, acc: &str, steps: Option<String>) -> Chunk {
        let ranges = ["0..{len}", "0..{len}", "(0..{len}).rev()", "0..n"];
        let range = self.rng.pick(&ranges).replace("{len}", &len.to_string());
        self.inner_for(&range, len as u64, |w| {
            let at = match &steps {
                Some(l) => format!("({l} + j) % 4"),
                None if w.rng.chance(50) => format!("(i * {len} + j) % 4"),
                None => w.index(4),
            };
            let value = w.without(acc, |w| match w.rng.below(3) {
                0 => format!("{} - w[{at}]", w.var()),
                1 => format!("w[{at}] * {}", w.expr(1)),
                _ => w.expr(2),
            });
            let write = if w.rng.chance(75) {
                format!("{b}[j] = {value};")
            } else {
                format!("{b}[j] = {b}[j] + {value};")
            };
            w.block.push(Chunk::line(write));
            if w.rng.chance(20) {
                w.stmt();
            }
            w.maybe_exit(20);
            if let Some(l) = steps {
                w.step(&l);
            }
        })
    }

    /// Adds to the buffer in a triangle, `for j in i + 1..len` or
    /// `for j in 0..len { for k in j + 1..len { .. } }`, stepping `packed` in its body.
    fn triangle(&mut self, b: &str, len: usize, acc: &str, packed: Option<String>) -> Chunk {
        if self.rng.chance(40) {
            let range = format!("i % {len} + 1..{len}");
            return self.inner_for(&range, len as u64, |w| {
                w.triangle_body(b, len, acc, ["j", "i"], packed)
            });
        }
        self.inner_for(&format!("0..{len}"), len as u64, |w| {
            let range = format!("j + 1..{len}");
            let inner = w.inner_for(&range, len as u64, |w| {
                w.triangle_body(b, len, acc, ["k", "j"], packed)
            });
            w.block.push(inner);
        })
    }

    /// `b[at] = b[at] + w[l % 4] * e;`, with `e` (not reading `acc`) reading `b[from]` now and
    /// then, then `l += 1;`.
    fn triangle_body(
        &mut self,
        b: &str,
        len: usize,
        acc: &str,
        [at, from]: [&str; 2],
        packed: Option<String>,
    ) {
        let factor = match &packed {
            Some(l) if self.rng.chance(50) => format!("w[{l} % 4]"),
            Some(l) => format!("w[({l} + {from}) % 4]"),
            None => format!("w[{}]", self.index(4)),
        };
        let e = if self.rng.chance(30) {
            format!("{b}[{from} % {len}]")
        } else {
            self.without(acc, |w| w.expr(1))
        };
        let add = format!("{b}[{at}] = {b}[{at}] + {factor} * {e};");
        self.block.push(Chunk::line(add));
        self.maybe_exit(15);
        if let Some(l) = packed {
            self.step(&l);
        }
    }

    /// Reads the buffer element by element in a deeper loop: `acc = acc + b[j] * b[k] * c;`
    /// two deep, or `acc = acc + b[j] * b[..] * c;` one deep.
    fn quadratic(&mut self, b: &str, len: usize, acc: &str) -> Chunk {
        let two_deep = self.rng.chance(75);
        let inner = ["0..{len}", "j..{len}", "j + 1..{len}", "0..j + 1"];
        let inner = self.rng.pick(&inner).replace("{len}", &len.to_string());
        self.inner_for(&format!("0..{len}"), len as u64, |w| {
            if two_deep {
                let chunk = w.inner_for(&inner, len as u64, |w| {
                    let factor = match w.rng.below(3) {
                        0 => format!("w[(j * {len} + k) % 4]"),
                        1 => w.inactive_factor(),
                        _ => w.without(acc, |w| w.expr(1)),
                    };
                    let read = format!("{acc} = {acc} + {b}[j] * {b}[k] * {factor};");
                    w.block.push(Chunk::line(read));
                    if w.rng.chance(25) {
                        w.stmt();
                    }
                    w.maybe_exit(15);
                });
                w.block.push(chunk);
            } else {
                let other = w.index(len);
                let factor = w.inactive_factor();
                let read = format!("{acc} = {acc} + {b}[j] * {b}[{other}] * {factor};");
                w.block.push(Chunk::line(read));
            }
            if w.rng.chance(20) {
                w.stmt();
            }
            w.maybe_exit(10);
        })
    }

    /// The buffer reduced whole into `acc`: by one reduction or the sum of two.
    fn reduced(&mut self, b: &str, len: usize, acc: &str) -> Chunk {
        let mut r = self.reduction(b, len);
        if self.rng.chance(30) {
            r = format!("({r} + {})", self.reduction(b, len));
        }
        Chunk::line(if self.rng.chance(50) {
            format!("{acc} = {acc} + {r} * k(0.3);")
        } else {
            format!("{acc} = ({acc} * k(0.5) + {r}).tanh();")
        })
    }
}

/// The names of `names` that start with `prefix` (what [`Writer::new_name`] gave them).
fn named(names: &[String], prefix: char) -> Vec<String> {
    names
        .iter()
        .filter(|v| v.starts_with(prefix))
        .cloned()
        .collect()
}

/// The parameters a function is differentiated with respect to: all of them (`wrt` empty),
/// or, one in four, some of the floats `x0`, `x1`, `x2`, so that `w` and the other floats are
/// data. Not `w` with some floats left out: the macro's `_hvp` of such a function does not
/// compile when a variable is overwritten by an element of `w` (`y = w[0];`: its reverse
/// sweep adds to `__d_tan_w`, which it never declares).
fn pick_wrt(rng: &mut Rng) -> Vec<String> {
    if !rng.chance(25) {
        return Vec::new();
    }
    loop {
        let chosen: Vec<String> = ["x0", "x1", "x2"]
            .iter()
            .filter(|_| rng.chance(50))
            .map(|p| p.to_string())
            .collect();
        if !chosen.is_empty() {
            return chosen;
        }
    }
}

/// The struct parameters of a function: none (three in five), or `q` alone (a quarter of the
/// others: such a function may be called, with `&p.inner`, `&qs[i]`, ...), or `ar` alone, or
/// some of `p`, `q`, `qs`, `ar`, `p` or `qs` among them. A function that takes `p` or `qs` is not called: passing
/// a struct parameter on (`f(x, p)`, `f(x, qs)`, `f(x, q)`) does not compile (see
/// docs/difftest.md).
fn pick_structs(rng: &mut Rng) -> Vec<Struct> {
    if !rng.chance(40) {
        return Vec::new();
    }
    if rng.chance(25) {
        return vec![Struct::Q];
    }
    if rng.chance(20) {
        return vec![Struct::Ar];
    }
    loop {
        let chosen: Vec<Struct> = Struct::ALL
            .into_iter()
            .filter(|s| {
                rng.chance(match s {
                    Struct::P => 70,
                    Struct::Q => 30,
                    Struct::Qs => 60,
                    Struct::Ar => 25,
                })
            })
            .collect();
        if chosen.contains(&Struct::P) || chosen.contains(&Struct::Qs) {
            return chosen;
        }
    }
}

/// A random differentiable function named `name` returning `returns`, which may call
/// `callees`; with its cost. Half of those with `wrt` take `d: &Data<T>`: its floats are
/// data (`d.scale`, `d.shift`: factors without derivative, see [`Writer::data_read`] for
/// where else), its integer one of the integers (`d.k`). Its struct parameters
/// ([`pick_structs`]) are differentiated: named in its `wrt` when it has one.
fn function(
    rng: &mut Rng,
    name: &str,
    returns: Returns,
    callees: &[Callee],
    known_bugs: bool,
) -> (Function, u64) {
    let structs = pick_structs(rng);
    let mut wrt = pick_wrt(rng);
    if !wrt.is_empty() {
        wrt.extend(structs.iter().map(|s| s.name().to_string()));
    }
    let data = !wrt.is_empty() && rng.chance(50);
    let differentiates = |p: &str| wrt.is_empty() || wrt.iter().any(|q| q == p);
    let mut inactive: Vec<String> = ["x0", "x1", "x2"]
        .iter()
        .filter(|p| !differentiates(p))
        .map(|p| p.to_string())
        .collect();
    let vars: Vec<String> = vec!["x0".into(), "x1".into(), "x2".into()];
    let mut ints = Vec::new();
    if data {
        inactive.extend(["d.scale".to_string(), "d.shift".to_string()]);
        ints.push("d.k".to_string());
    }
    let inners: Vec<String> = structs
        .iter()
        .filter_map(|s| match s {
            Struct::P => Some("p.inner".to_string()),
            Struct::Q => Some("q".to_string()),
            Struct::Qs | Struct::Ar => None,
        })
        .collect();
    let block_start = Scope {
        vars: vars.len(),
        ints: ints.len(),
        inductions: 0,
        inactive: inactive.len(),
        inners: inners.len(),
        closures: 0,
        slices: 0,
        locals: 0,
        collected: 0,
    };
    let mut w = Writer {
        rng,
        vars,
        block: Vec::new(),
        next_var: 0,
        loops: Vec::new(),
        returns,
        callees,
        cost: 1,
        ints,
        inductions: Vec::new(),
        arrays: Vec::new(),
        inactive,
        w_is_data: !differentiates("w"),
        data,
        structs: structs.clone(),
        inners,
        closures: Vec::new(),
        slices: Vec::new(),
        locals: Vec::new(),
        collected: Vec::new(),
        chain_depth: 0,
        known_bugs,
        block_start,
    };
    let statements = 2 + w.rng.below(6);
    for _ in 0..statements {
        w.stmt();
    }
    let result = match returns {
        Returns::Scalar => vec![w.expr(2)],
        Returns::Vec3 | Returns::Array3 => (0..3).map(|_| w.expr(2)).collect(),
        Returns::Inner => w.inner_result(),
    };
    let function = Function {
        name: name.to_string(),
        returns,
        wrt,
        data,
        structs,
        body: w.block,
        result,
    };
    (function, w.cost)
}

/// A batch of `programs` functions `p0`, `p1`, ... from `seed`. One in five returns three
/// floats; each of the others may be called by the functions written after it: one that takes
/// no struct by the next three functions, one that takes `q` alone by the next two that have an
/// `Inner` to pass; one that takes `p` or `qs` by none (see [`pick_structs`]).
#[cfg(test)]
pub fn batch(seed: u64, programs: usize) -> Vec<Function> {
    batch_of(seed, programs, false)
}

/// [`batch`], with the constructs the transform has known bugs in when `known_bugs` (see
/// [`Writer::known_bugs`]).
pub fn batch_of(seed: u64, programs: usize, known_bugs: bool) -> Vec<Function> {
    let mut rng = Rng::new(seed);
    let (mut plain, mut inner): (Vec<Callee>, Vec<Callee>) = (Vec::new(), Vec::new());
    let mut functions = Vec::new();
    for k in 0..programs {
        let returns = match rng.below(20) {
            0 | 1 => Returns::Vec3,
            2 | 3 => Returns::Array3,
            4 | 5 => Returns::Inner,
            _ => Returns::Scalar,
        };
        let mut recent = plain[plain.len().saturating_sub(3)..].to_vec();
        recent.extend_from_slice(&inner[inner.len().saturating_sub(2)..]);
        let (f, cost) = function(&mut rng, &format!("p{k}"), returns, &recent, known_bugs);
        if returns == Returns::Scalar {
            let callee = Callee {
                name: f.name.clone(),
                cost,
                data: f.data,
                inner: f.structs == [Struct::Q],
            };
            // One that uses structs otherwise (builds an `Inner`) runs as a plain copy on dual
            // numbers: only callers that have plain copies could call it.
            match f.structs.as_slice() {
                [] if !f.uses_structs() => plain.push(callee),
                [Struct::Q] => inner.push(callee),
                _ => {}
            }
        }
        functions.push(f);
    }
    functions
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every primitive of the runtime, as `autodiff-macro-core/src/symbol.rs` lists them (the
    /// arithmetic aside), and its slice functions.
    const PRIMITIVES: &[&str] = &[
        ".exp()",
        ".exp2()",
        ".exp_m1()",
        ".ln()",
        ".log10()",
        ".log2()",
        ".ln_1p()",
        ".log(",
        ".sqrt()",
        ".cbrt()",
        ".recip()",
        ".powi(",
        ".powf(",
        ".sin()",
        ".cos()",
        ".tan()",
        ".asin()",
        ".acos()",
        ".atan()",
        ".atan2(",
        ".sinh()",
        ".cosh()",
        ".tanh()",
        ".asinh()",
        ".acosh()",
        ".atanh()",
        ".abs()",
        ".max(",
        ".min(",
        ".hypot(",
        ".mul_add(",
        ".to_degrees()",
        ".to_radians()",
        "dot(",
        "sum(",
        "mean(",
        "norm(",
        "norm_squared(",
        "logsumexp(",
        "max_of(",
        "min_of(",
        "softmax(",
    ];

    fn sources(seed: u64, programs: usize) -> Vec<String> {
        batch(seed, programs).iter().map(Function::source).collect()
    }

    #[test]
    fn a_seed_gives_the_same_batch() {
        assert_eq!(sources(7, 20), sources(7, 20));
        assert_ne!(sources(7, 20), sources(8, 20));
    }

    #[test]
    fn a_batch_uses_every_primitive() {
        let all = sources(1, 400).join("\n");
        for p in PRIMITIVES {
            assert!(all.contains(p), "no program uses {p}");
        }
    }

    #[test]
    fn a_batch_has_every_construct() {
        // Two seeds: a call passing the data parameter on is rare (a few in a thousand).
        let mut functions = batch(1, 400);
        functions.extend(batch(2, 400));
        let all: String = functions.iter().map(Function::source).collect();
        for construct in [
            "while c1 < 4",
            "loop {",
            ".iter().enumerate()",
            "break;",
            "continue;",
            "break 'l1;",
            "continue 'l1;",
            "return ",
            "match n",
            "-> Vec<T>",
            "-> [T; 3]",
            "#[differentiable(wrt(",
            "n: usize, d: &Data<T>) -> ",
            "d.scale",
            "d.shift",
            "d.k",
            ", w, n, d)",
        ] {
            assert!(all.contains(construct), "no program has {construct}");
        }
        let nested = |inner: &str| {
            functions
                .iter()
                .any(|f| f.body.iter().any(|c| nested_loop(c, inner)))
        };
        assert!(nested("for "), "no for loop in a for loop");
        assert!(nested("while "), "no while loop in a loop");
        let calls_in_loops = functions.iter().any(|f| {
            f.calls()
                .iter()
                .any(|c| f.has_in_loop("", &format!("{c}(")))
        });
        assert!(calls_in_loops, "no call in a loop");
    }

    /// Whether `chunk` is a loop with a loop whose head contains `inner` in its body.
    fn nested_loop(chunk: &Chunk, inner: &str) -> bool {
        let Chunk::Loop { body, .. } = chunk else {
            return false;
        };
        body.iter().any(|c| match c {
            Chunk::Loop { head, .. } => head.iter().any(|l| l.contains(inner)),
            Chunk::Lines(_) => false,
        })
    }

    /// Every loop in `chunks`, nested ones included, with the loops around it, outermost first.
    fn loops_in<'c>(
        chunks: &'c [Chunk],
        around: &mut Vec<&'c Chunk>,
        out: &mut Vec<(Vec<&'c Chunk>, &'c Chunk)>,
    ) {
        for chunk in chunks {
            if let Chunk::Loop { body, .. } = chunk {
                out.push((around.clone(), chunk));
                around.push(chunk);
                loops_in(body, around, out);
                around.pop();
            }
        }
    }

    /// The loops of a batch, each with the loops around it and its function.
    fn all_loops(functions: &[Function]) -> Vec<(Vec<&Chunk>, &Chunk, &Function)> {
        let mut all = Vec::new();
        for f in functions {
            let mut loops = Vec::new();
            loops_in(&f.body, &mut Vec::new(), &mut loops);
            all.extend(loops.into_iter().map(|(around, l)| (around, l, f)));
        }
        all
    }

    fn parts(chunk: &Chunk) -> (&[String], &[Chunk]) {
        match chunk {
            Chunk::Loop { head, body, .. } => (head, body),
            Chunk::Lines(_) => panic!("not a loop"),
        }
    }

    /// The counter of a loop `for i in a..b` over a range, if it is one.
    fn range_counter(chunk: &Chunk) -> Option<String> {
        let line = parts(chunk).0.last()?;
        let rest = &line[line.find("for ")? + 4..];
        let (counter, range) = rest.split_once(" in ")?;
        let plain = counter.bytes().all(|b| b.is_ascii_alphanumeric());
        (plain && range.contains("..")).then(|| counter.to_string())
    }

    /// Whether `word` is one of the identifiers of `text`.
    fn names(text: &str, word: &str) -> bool {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w == word)
    }

    /// The lines of `chunk`, those of nested chunks included.
    fn lines_of(chunk: &Chunk) -> Vec<&String> {
        match chunk {
            Chunk::Lines(lines) => lines.iter().collect(),
            Chunk::Loop { head, body, tail } => {
                let nested = body.iter().flat_map(lines_of);
                head.iter().chain(nested).chain(tail).collect()
            }
        }
    }

    /// Whether a line of `chunk` indexes with an expression that names `word`.
    fn indexes_with(chunk: &Chunk, word: &str) -> bool {
        lines_of(chunk).iter().any(|l| {
            l.split('[')
                .skip(1)
                .any(|s| names(s.split(']').next().unwrap_or(""), word))
        })
    }

    /// Whether some line of `chunk` contains `s`.
    fn has(chunk: &Chunk, s: &str) -> bool {
        chunk.mentions(s)
    }

    /// Whether `chunk` (a statement) can leave an iteration.
    fn exits(chunk: &Chunk) -> bool {
        has(chunk, "break") || has(chunk, "continue") || has(chunk, "return ")
    }

    /// The induction variable `l` a loop's body steps by a top-level `l += 1;`, with its
    /// position in the body.
    fn stepped(chunk: &Chunk) -> Option<(String, usize)> {
        parts(chunk)
            .1
            .iter()
            .enumerate()
            .find_map(|(at, c)| match c {
                Chunk::Lines(lines) if lines.len() == 1 => {
                    let l = lines[0].strip_suffix(" += 1;")?;
                    l.starts_with('l').then(|| (l.to_string(), at))
                }
                _ => None,
            })
    }

    /// Induction variables (1): a `for` loop over a range that reads through `l` in an index
    /// before its top-level `l += 1;`, also with an exit before the increment (the macro then
    /// records) and one after it; and `l` declared before an outer loop and stepped in an
    /// inner one (GMM's packed index).
    #[test]
    fn a_batch_steps_induction_variables() {
        let functions = batch(1, 400);
        let loops = all_loops(&functions);
        let steps_after_reading = |exit_before: bool| {
            loops.iter().any(|(_, l, _)| {
                let Some((v, at)) = stepped(l).filter(|_| range_counter(l).is_some()) else {
                    return false;
                };
                let before = &parts(l).1[..at];
                before.iter().any(|c| indexes_with(c, &v))
                    && before.iter().any(exits) == exit_before
            })
        };
        assert!(
            steps_after_reading(false),
            "no loop reads through l, then steps it"
        );
        assert!(steps_after_reading(true), "no loop exits before it steps l");
        let exits_after = loops.iter().any(|(_, l, _)| {
            stepped(l).is_some_and(|(_, at)| parts(l).1[at + 1..].iter().any(exits))
        });
        assert!(exits_after, "no loop exits after it steps l");
        let packed = loops.iter().any(|(around, l, _)| {
            let Some((v, _)) = stepped(l) else {
                return false;
            };
            let declared = format!("let mut {v} = ");
            !around.is_empty() && around.iter().any(|o| parts(o).0[0].starts_with(&declared))
        });
        assert!(
            packed,
            "no l declared before an outer loop and stepped in an inner one"
        );
    }

    /// Nested loops over ranges computed from the enclosing counters (2): `for j in i + 1..n`,
    /// `for j in 0..i`, `for k in j + 1..4`, ..., also with an exit in them.
    #[test]
    fn a_batch_nests_ranges_computed_from_counters() {
        // Two batches: rare constructs need more than one of 400 programs.
        let mut functions = batch(1, 400);
        functions.extend(batch(4, 400));
        functions.extend(batch(5, 400));
        let loops = all_loops(&functions);
        let computed = |form: &dyn Fn(&str) -> String, exit: bool| {
            loops.iter().any(|(around, l, _)| {
                let Some(outer) = around.last().and_then(|o| range_counter(o)) else {
                    return false;
                };
                let head = parts(l).0.last().expect("a head");
                head.contains(&form(&outer)) && parts(l).1.iter().any(exits) == exit
            })
        };
        for form in [
            |i: &str| format!(" in {i} + 1.."),
            |i: &str| format!(" in 0..{i} {{"),
            |i: &str| format!(" in {i}.."),
            |i: &str| format!(" in 0..{i} + 1 {{"),
        ] {
            assert!(computed(&form, false), "no loop in {}", form("i"));
        }
        assert!(
            computed(&|i| format!(" in {i} + 1.."), true),
            "no exit in such a loop"
        );
        // A handful in 400 programs (none in seed 1's since the struct parameters): three
        // batches.
        let mut more = batch(3, 400);
        more.extend(batch(2, 400));
        let from_a_let = loops.iter().chain(&all_loops(&more)).any(|(around, l, _)| {
            let head = parts(l).0.last().expect("a head");
            let range = head.split(" in ").nth(1).unwrap_or("");
            let is_let =
                |w: &str| w.len() > 1 && w.starts_with('m') && w[1..].parse::<u32>().is_ok();
            !around.is_empty()
                && range
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(is_let)
        });
        assert!(from_a_let, "no nested loop over a range from a let");
    }

    /// Local buffers (3), ADBench GMM's pattern: a loop that rewrites a buffer element by
    /// element in an inner loop, then reads it element by element two loops deeper
    /// (`b[j] * b[k]`), or reduces it whole (`norm_squared`, `dot`, `sum`), with exits in it.
    #[test]
    fn a_batch_rewrites_buffers_then_reads_them() {
        // Two batches: some of the forms are a handful per 400 programs.
        let (functions, more) = (batch(1, 400), batch(3, 400));
        let mut loops = all_loops(&functions);
        loops.extend(all_loops(&more));
        // The buffers an outer loop rewrites in an inner loop, with the rest of its body.
        let rewritten = |l: &Chunk| -> Vec<(String, usize)> {
            let body = parts(l).1;
            body.iter()
                .enumerate()
                .filter(|(_, c)| matches!(c, Chunk::Loop { .. }))
                .filter_map(|(at, c)| {
                    let line = parts(c).1.iter().find_map(|c| match c {
                        Chunk::Lines(lines) => lines.iter().find(|l| l.contains("[j] = ")),
                        Chunk::Loop { .. } => None,
                    })?;
                    let b = line.split('[').next()?;
                    b.starts_with('b').then(|| (b.to_string(), at))
                })
                .collect()
        };
        let pattern = |read: &dyn Fn(&str, &[Chunk]) -> bool, exit: bool| {
            loops.iter().any(|(around, l, _)| {
                around.is_empty()
                    && rewritten(l)
                        .iter()
                        .any(|(b, at)| read(b, &parts(l).1[at + 1..]))
                    && has(l, "break") == exit
            })
        };
        let deeper = |b: &str, after: &[Chunk]| {
            after.iter().any(|c| {
                let product = format!("{b}[j] * {b}[k]");
                matches!(c, Chunk::Loop { body, .. }
                    if body.iter().any(|d| matches!(d, Chunk::Loop { .. }) && has(d, &product)))
            })
        };
        assert!(
            pattern(&deeper, false),
            "no buffer read b[j] * b[k] two loops deeper"
        );
        assert!(pattern(&deeper, true), "no such loop with a break");
        for reduction in ["norm_squared(&{b})", "dot(&{b}, w)", "sum(&{b})"] {
            let reduced = |b: &str, after: &[Chunk]| {
                let r = reduction.replace("{b}", b);
                after
                    .iter()
                    .any(|c| matches!(c, Chunk::Lines(_)) && has(c, &r))
            };
            assert!(
                pattern(&reduced, false),
                "no rewritten buffer reduced by {reduction}"
            );
        }
        let both = |b: &str, after: &[Chunk]| {
            deeper(b, after) && after.iter().any(|c| has(c, &format!("(&{b}")))
        };
        assert!(
            pattern(&both, false),
            "no buffer both read deeper and reduced"
        );
    }

    /// Immutable top-level `let`s (4) in the indices and ranges of loops.
    #[test]
    fn a_batch_indexes_with_immutable_lets() {
        let functions = batch(1, 400);
        let lets = |f: &Function| -> Vec<String> {
            f.body
                .iter()
                .filter_map(|c| match c {
                    Chunk::Lines(lines) if lines.len() == 1 => {
                        let rest = lines[0].strip_prefix("let m")?;
                        let name = rest.split(' ').next()?;
                        Some(format!("m{name}"))
                    }
                    _ => None,
                })
                .collect()
        };
        let loops = all_loops(&functions);
        let used = |nested: bool| {
            loops.iter().any(|(around, l, f)| {
                around.len() >= usize::from(nested)
                    && lets(f).iter().any(|m| {
                        parts(l).1.iter().any(|c| {
                            matches!(c, Chunk::Lines(_)) && indexes_with(c, m) && has(c, " * ")
                        })
                    })
            })
        };
        assert!(used(false), "no loop indexes with a let");
        assert!(used(true), "no nested loop indexes with a let");
    }

    /// Products with a factor that carries no derivative (5), in loops: constants, integer
    /// casts, data (a parameter outside `wrt`, `w` then) and constants from integers.
    #[test]
    fn a_batch_multiplies_by_what_has_no_derivative() {
        let functions = batch(1, 400);
        let in_loop = |s: &str| functions.iter().any(|f| f.has_in_loop("for ", s));
        assert!(
            in_loop(".unwrap() * k(0.3)) + "),
            "no integer cast as a factor"
        );
        assert!(in_loop("let q"), "no constant from integers in a loop");
        let data = functions.iter().any(|f| {
            let outside = ["x0", "x1", "x2"]
                .into_iter()
                .find(|x| !f.differentiates(x));
            outside.is_some_and(|x| f.has_in_loop("for ", &format!(" * {x} + ")))
        });
        assert!(data, "no product with a parameter outside wrt");
        let w_data = functions
            .iter()
            .any(|f| !f.differentiates("w") && f.has_in_loop("for ", "] * w["));
        assert!(w_data, "no product with elements of w as data");
    }

    /// `d: &Data<T>` (6): taken by functions with `wrt` only, its floats read as data (in
    /// products with a loop-carried value, in conditions, as a callee's argument) and `d.k`
    /// in indices and ranges;
    /// passed on to the callees that take it, which only functions that have it call.
    #[test]
    fn a_batch_reads_data_of_a_user_type() {
        let functions = batch(1, 400);
        let with: Vec<&Function> = functions.iter().filter(|f| f.data).collect();
        assert!(with.len() > 20, "{} functions take d", with.len());
        for f in &functions {
            let source = f.source();
            assert_eq!(f.data, source.contains("d: &Data<T>"), "{source}");
            assert!(!f.data || !f.wrt.is_empty(), "{source}");
            let reads_d = ["d.scale", "d.shift", "d.k"]
                .iter()
                .any(|r| source.contains(r));
            assert!(f.data || !reads_d, "{source}");
        }
        let in_loop = |s: &str| with.iter().any(|f| f.has_in_loop("for ", s));
        assert!(in_loop(" * d.scale"), "no product with d.scale in a loop");
        assert!(in_loop(" * d.shift"), "no product with d.shift in a loop");
        let condition = |field: &str| {
            let (left, right) = (format!("if {field} "), format!(" {field} {{"));
            with.iter().any(|f| {
                f.body
                    .iter()
                    .flat_map(lines_of)
                    .any(|l| l.contains("if ") && (l.contains(&left) || l.contains(&right)))
            })
        };
        assert!(condition("d.scale"), "no condition on d.scale");
        assert!(condition("d.shift"), "no condition on d.shift");
        assert!(
            with.iter()
                .any(|f| f.body.iter().any(|c| indexes_with(c, "d"))),
            "no index with d.k"
        );
        let range = with.iter().any(|f| {
            f.body
                .iter()
                .flat_map(lines_of)
                .any(|l| l.contains(" in ") && l.contains("d.k"))
        });
        assert!(range, "no range bounded by d.k");
        let straight_to_a_callee = with.iter().any(|f| {
            let source = f.source();
            source.contains(", d.scale, ") || source.contains(", d.shift, ")
        });
        assert!(straight_to_a_callee, "no float of d passed to a callee");
        for f in &functions {
            for callee in f.calls() {
                let callee = functions.iter().find(|g| g.name == callee).unwrap();
                assert!(f.data || !callee.data, "{} calls {}", f.name, callee.name);
                let passed = f.source().contains(&format!("{}(", callee.name))
                    && f.source().contains(", d)");
                assert!(!callee.data || passed, "{} calls {}", f.name, callee.name);
            }
        }
    }

    /// Struct parameters (7): `p: &Params<T>`, `q: &Inner<T>`, `qs: &[Inner<T>]`, with the
    /// bound the transform needs and in `wrt` when there is one; fields read at any depth,
    /// `p.n` in ranges and indices (next to another integer), loops over `qs` in its three
    /// forms, bound places, slice functions of `Vec` fields, and `Inner`s passed to the callees
    /// that take `q` alone; none of what does not compile (see docs/difftest.md).
    #[test]
    fn a_batch_takes_struct_parameters() {
        let functions = batch(1, 400);
        for s in Struct::ALL {
            let taking = functions.iter().filter(|f| f.takes(s)).count();
            assert!(taking > 20, "{taking} functions take {}", s.name());
        }
        let with: Vec<&Function> = functions.iter().filter(|f| !f.structs.is_empty()).collect();
        // The constructs, in two batches (some are a handful per 400 programs).
        let mut all: String = with.iter().map(|f| f.source()).collect();
        let more = batch(3, 400);
        all.extend(
            more.iter()
                .filter(|f| !f.structs.is_empty())
                .map(Function::source),
        );
        for f in &functions {
            let source = f.source();
            let bound = source.contains("<T: Float + Sum + Product + Differentiable<Scalar = T>>(");
            assert_eq!(bound, f.uses_structs(), "{source}");
            for s in &f.structs {
                assert!(f.differentiates(s.name()), "{source}");
            }
            // What does not compile: `p.n` alone in `%` or an index, slice functions but for
            // `dot`, `sum`, `mean`, `norm`, `norm_squared` of a field.
            let known = ["+ p.n) % ", "..p.n", "T::from(p.n)"];
            let next_to_an_integer: usize = known.iter().map(|k| source.matches(k).count()).sum();
            assert_eq!(
                source.matches("p.n").count(),
                next_to_an_integer,
                "{source}"
            );
            for r in ["logsumexp(&", "max_of(&", "min_of(&", "softmax(&"] {
                for field in ["p.", "q.", "qs[", "qe", "r"] {
                    let read = format!("{r}{field}");
                    assert!(!source.contains(&read), "{read} in {source}");
                }
            }
        }
        for construct in [
            "p.s",
            "p.w[",
            "p.fixed",
            "p.inner.a",
            "p.inner.v[",
            "q.a",
            "q.v[",
            "qs[",
            "].v[",
            "0..p.n",
            "(0..p.n).rev()",
            " + p.n) % ",
            "T::from(p.n).unwrap()",
            "for qe1 in qs.iter() {",
            "for qe1 in qs {",
            "for (i, qe1) in qs.iter().enumerate() {",
            "qe1.a",
            "qe1.v[",
            "qe2 in ",
            "p.layers[",
            "].a",
            "in p.layers.iter() {",
            "in &p.layers {",
            "in p.layers.iter().enumerate() {",
            "0..p.layers.len()",
            "0..qs.len()",
            " = &p.layers[",
            " = &p.inner;",
            " = &qs[",
            "dot(&p.w, w)",
            "dot(&q.v, &",
            "sum(&p.w)",
            "norm(&",
            "mean(&",
            "norm_squared(&",
        ] {
            assert!(all.contains(construct), "no program has {construct}");
        }
        let with_a_buffer = ["dot(&p.w, &b", ".v, &b"].iter().any(|d| all.contains(d));
        assert!(with_a_buffer, "no field dotted with a buffer");
        let bound_place = with.iter().any(|f| {
            let source = f.source();
            (1..40).any(|k| {
                source.contains(&format!("let r{k} = ")) && source.contains(&format!("r{k}."))
            })
        });
        assert!(bound_place, "no field read through a bound place");
        // Calls: `q` callees take `q` alone and get an `Inner` other than `q` itself; callees
        // that take `p` or `qs` are not called. (Two batches: a loop's element passed is a
        // handful per 400 programs.)
        let mut passed = calls_with_inners(&functions);
        passed.extend(calls_with_inners(&batch(3, 400)));
        for argument in ["&p.inner", "&qs[", "&p.layers[", "qe1", "r"] {
            assert!(
                passed.iter().any(|a| a.starts_with(argument)),
                "no call passes {argument}: {passed:?}"
            );
        }
    }

    /// The `Inner`s the calls of `functions` pass to callees that take `q`, checking that only
    /// such callees take structs and only functions with `p` or `qs` call them.
    fn calls_with_inners(functions: &[Function]) -> Vec<String> {
        let mut passed = Vec::new();
        for f in functions {
            for callee in f.calls() {
                let callee = functions.iter().find(|g| g.name == callee).unwrap();
                assert!(callee.structs.is_empty() || callee.structs == [Struct::Q]);
                if callee.structs.is_empty() {
                    continue;
                }
                assert!(
                    f.takes(Struct::P) || f.takes(Struct::Qs),
                    "{} calls {}",
                    f.name,
                    callee.name
                );
                let source = f.source();
                // (A call with an argument that is a call of the same callee leaves a piece
                // without its `n`: the nested call's piece has the arguments.)
                let opening = format!("{}(", callee.name);
                let calls = source.split(&opening).skip(1);
                for call in calls.filter(|c| c.contains(", n, ")) {
                    let argument = call.split(", n, ").nth(1).unwrap_or_default();
                    let argument = argument
                        .split([',', ')'])
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    assert_ne!(argument, "q", "{source}");
                    passed.push(argument);
                }
            }
        }
        passed
    }

    /// Issue 15's constructs (`idioms`): iterator chains (every source, adapter and consumer,
    /// `for` loops over chains), closures (`move`, of two floats, called, passed by name),
    /// patterns, sub-slices (every range form, `split_at`, a callee's `w`), struct values
    /// built, written and returned; and none of what the transform refuses or gets wrong
    /// (see docs/difftest.md).
    #[test]
    fn a_batch_writes_idiomatic_rust() {
        // Two batches: rare constructs need more than one of 400 programs.
        let mut functions = batch(1, 400);
        functions.extend(batch(4, 400));
        let all: String = functions.iter().map(Function::source).collect();
        for construct in [
            // Chains: sources, adapters, consumers.
            ".iter().map(|",
            ".iter().copied()",
            "(0..n).",
            "(1..=3).",
            ".windows(",
            ".chunks(",
            ".chunks_exact(",
            ".rev()",
            ".zip(",
            ".enumerate()",
            ".filter(|",
            ".skip(",
            ".take(",
            ".step_by(",
            ".chain(",
            ".sum::<T>()",
            ".product::<T>()",
            ".fold(",
            ".reduce(|",
            ".max_by(|",
            ".min_by(|",
            ".partial_cmp(",
            ".count();",
            ".any(|",
            ".all(|",
            ": Vec<T> = ",
            ".collect::<Vec<T>>()",
            // Closures.
            "let h",
            " = move |t",
            ": T, t",
            // Patterns.
            " = *ar;",
            ", _] = *ar;",
            "let (u",
            "let (mut v",
            "let &u",
            "|&t",
            "|(e",
            "|(&t",
            "|&&t",
            // Sub-slices.
            "..=",
            ".split_at(",
            " = &w[",
            "&w[0..4]",
            "&w[..4]",
            "&w[..]",
            "&w[0..=3]",
            "% 5 + 4]",
            "sum(&w[",
            "&p.w[",
            ".v[",
            // Struct values.
            "-> Inner<T>",
            "Inner { a: ",
            "vec![T::zero(); 8]",
            ".a = ",
        ] {
            assert!(all.contains(construct), "no program has {construct}");
        }
        let chain_loop = all
            .lines()
            .any(|l| l.contains("for ") && l.contains(" in ") && l.contains(".map(|"));
        assert!(chain_loop, "no for loop over a chain with a map");
        let calls = |by_name: &str| {
            (1..400).any(|k| {
                all.contains(&format!("{by_name}h{k})")) || all.contains(&format!("h{k}("))
            })
        };
        assert!(
            calls("(") && calls(".map("),
            "no closure called, or passed by name"
        );
        let returns = |len: usize| {
            functions
                .iter()
                .any(|f| f.returns == Returns::Inner && f.result.len() == len)
        };
        assert!(
            returns(4) && returns(2) && returns(1),
            "not every form of an Inner result"
        );
        // What the transform refuses or gets wrong stays out.
        for line in all.lines() {
            assert!(!line.contains("!w.iter()"), "{line}");
            let in_vec = line.split("vec![").skip(1).any(|rest| rest.contains('|'));
            assert!(!in_vec, "a closure in vec![..]: {line}");
        }
        // Element writes of a struct local's vector field are written (the transform
        // dropped them once); iterating over such a field is refused, so it stays out.
        let element_write = all.lines().any(|l| {
            let l = l.trim_start();
            let local = l.strip_prefix('s').and_then(|rest| rest.split_once(".v["));
            local.is_some_and(|(k, _)| k.parse::<u32>().is_ok()) && l.contains("] = ")
        });
        assert!(element_write, "no element write of a struct local's field");
        for f in functions.iter().filter(|f| f.uses_structs()) {
            let source = f.source();
            for local in (1..400).map(|k| format!("s{k}.v")) {
                for l in source.lines() {
                    let iterated =
                        l.contains(&format!("{local}.")) || l.contains(&format!("{local}[..]."));
                    assert!(!iterated, "{} iterates over {local}: {l}", f.name);
                }
            }
        }
    }

    #[test]
    fn only_scalar_functions_are_called() {
        let functions = batch(3, 300);
        for f in &functions {
            for callee in f.calls() {
                let callee = functions.iter().find(|g| g.name == callee).unwrap();
                assert_eq!(
                    callee.returns,
                    Returns::Scalar,
                    "{} calls {}",
                    f.name,
                    callee.name
                );
            }
        }
    }
}
