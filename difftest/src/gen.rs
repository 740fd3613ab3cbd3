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
//! functions, and call the functions written before.
//!
//! Every function takes `x0, x1, x2: T`, `w: &[T]` of length 4 and `n: usize` (below 4), and
//! returns `T`, `Vec<T>` or `[T; 3]`. Values are kept in the domains of the primitives (see
//! [`UNARY`] and [`BINARY`]), so no input makes a primitive undefined.

use crate::program::{Chunk, Function, Returns};

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

/// The reductions of a buffer `buf` of four elements to a float.
const REDUCTIONS: &[&str] = &[
    "sum(&buf)",
    "dot(&buf, w)",
    "mean(&buf)",
    "norm(&buf)",
    "norm_squared(&buf)",
    "logsumexp(&buf)",
    "max_of(&buf)",
    "min_of(&buf)",
];

/// How deep loops nest.
const MAX_LOOP_DEPTH: usize = 2;

/// The largest cost (statements run, see [`Writer::cost`]) a single call may add.
const CALL_BUDGET: u64 = 300;

/// A function that may be called, with its cost.
struct Callee {
    name: String,
    cost: u64,
}

/// An enclosing loop: an integer expression that counts its iterations, and at most how many.
struct Frame {
    index: String,
    trips: u64,
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

    /// A float expression of bounded depth over the variables in scope.
    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.rng.chance(30) {
            return if self.rng.chance(75) {
                self.var()
            } else {
                self.constant()
            };
        }
        let a = self.expr(depth - 1);
        match self.rng.below(20) {
            0..=5 => {
                let op = self.rng.pick(&["+", "-", "*"]);
                format!("({a} {op} {})", self.expr(depth - 1))
            }
            6..=14 => self.rng.pick(UNARY).replace("{a}", &a),
            15..=17 => {
                let b = self.expr(depth - 1);
                self.rng.pick(BINARY).replace("{a}", &a).replace("{b}", &b)
            }
            _ => match self.affordable_callee().filter(|_| self.rng.chance(50)) {
                Some(callee) => {
                    let (b, c) = (self.expr(depth - 1), self.expr(depth - 1));
                    self.call(&callee, &a, &b, &c)
                }
                None => format!("{a}.mul_add({}, {})", self.expr(0), self.expr(0)),
            },
        }
    }

    /// A call of `callee`, whose cost is counted.
    fn call(&mut self, callee: &str, a: &str, b: &str, c: &str) -> String {
        let cost = self
            .callees
            .iter()
            .find(|f| f.name == callee)
            .map_or(0, |f| f.cost);
        self.cost += cost * self.multiplier();
        format!("{callee}({a}, {b}, {c}, w, n)")
    }

    /// One of the callees cheap enough to call here, if there is one.
    fn affordable_callee(&mut self) -> Option<String> {
        let multiplier = self.multiplier();
        let affordable: Vec<&Callee> = self
            .callees
            .iter()
            .filter(|f| f.cost * multiplier <= CALL_BUDGET)
            .collect();
        if affordable.is_empty() {
            return None;
        }
        Some(affordable[self.rng.below(affordable.len())].name.clone())
    }

    fn new_var(&mut self) -> String {
        self.next_var += 1;
        format!("v{}", self.next_var)
    }

    /// A variable that may be assigned (a `let mut` one); binds one first if there is none.
    fn mutable_var(&mut self) -> String {
        let candidates: Vec<String> = self
            .vars
            .iter()
            .filter(|v| v.starts_with('v'))
            .cloned()
            .collect();
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
        ];
        if self.loops.len() < MAX_LOOP_DEPTH {
            kinds.push((if in_loop { 3 } else { 4 }, Kind::Loop));
        }
        if self.returns == Returns::Scalar {
            kinds.push((1, Kind::Return));
        }
        if in_loop {
            kinds.extend([(2, Kind::Exit), (3, Kind::Carried), (2, Kind::Call)]);
        } else {
            kinds.push((1, Kind::Buffer));
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
        let (a, b) = (self.var(), self.var());
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
        let (a, b, c) = (self.var(), self.var(), self.var());
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

    /// A buffer filled in a loop, reduced to a new variable by one of the slice functions.
    fn buffer(&mut self) -> Chunk {
        let e = self.expr(2);
        let v = self.new_var();
        let mut lines = vec![
            "let mut buf = vec![T::zero(); 4];".into(),
            "for i in 0..4 {".into(),
            format!("    buf[i] = w[i] * {e};"),
            "}".into(),
        ];
        if self.rng.chance(10) {
            lines.push("let sm = softmax(&buf);".into());
            lines.push(format!("let mut {v} = dot(&sm, w);"));
        } else {
            let reduce = self.rng.pick(REDUCTIONS);
            lines.push(format!("let mut {v} = {reduce};"));
        }
        self.vars.push(v);
        Chunk::Lines(lines)
    }

    /// A loop of one of the forms, whose body starts with an update of a loop-carried value.
    /// An outer loop is labelled `'l1` when a loop in it exits to it.
    fn a_loop(&mut self) -> Chunk {
        let (head, frame, element) = self.loop_head();
        let body = self.loop_body(frame, element);
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

    /// The head of a loop at the next depth: `for` over a range or over the elements of `w`,
    /// `while` or `loop` with a counter; its frame, and the element variable it binds.
    fn loop_head(&mut self) -> (Vec<String>, Frame, Option<String>) {
        let depth = self.loops.len() + 1;
        let index = ["i", "j"][depth - 1].to_string();
        let counter = format!("c{depth}");
        let label = if depth == 1 { "'l1: " } else { "" };
        let by_index = |index: String, trips| Frame { index, trips };
        match self.rng.below(5) {
            0 | 1 => {
                let range = ["0..n", "0..3", "(0..n).rev()", "(0..4).step_by(2)"];
                let range = self.rng.pick(&range);
                let head = vec![format!("{label}for {index} in {range} {{")];
                (head, by_index(index, 4), None)
            }
            2 => {
                let element = format!("w{index}");
                let head = vec![format!(
                    "{label}for ({index}, &{element}) in w.iter().enumerate() {{"
                )];
                (head, by_index(index, 4), Some(element))
            }
            3 => {
                let v = self.var();
                let head = vec![
                    format!("let mut {counter} = 0;"),
                    format!("{label}while {counter} < 4 && {v} < k(1.5) {{"),
                    format!("    {counter} += 1;"),
                ];
                (head, by_index(counter, 4), None)
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
                (head, by_index(counter, 3), None)
            }
        }
    }

    /// The statements of a loop's body: a loop-carried update, then up to two more. Variables
    /// bound in it go out of scope after it.
    fn loop_body(&mut self, frame: Frame, element: Option<String>) -> Vec<Chunk> {
        let outer = std::mem::take(&mut self.block);
        let scope = self.vars.len();
        self.vars.extend(element);
        self.loops.push(frame);
        let carried = self.carried();
        self.block.push(carried);
        for _ in 0..self.rng.below(3) {
            self.stmt();
        }
        self.loops.pop();
        self.vars.truncate(scope);
        std::mem::replace(&mut self.block, outer)
    }

    /// The innermost loop's counter, as an index into `w`.
    fn w_at_index(&self) -> String {
        let frame = self.loops.last().expect("in a loop");
        format!("w[{} % 4]", frame.index)
    }

    /// An update of a value that lives across iterations.
    fn carried(&mut self) -> Chunk {
        let acc = self.mutable_var();
        let e = self.expr(2);
        let w = self.w_at_index();
        Chunk::line(match self.rng.below(3) {
            0 => format!("{acc} = ({acc} * k(0.7) + {w} * {e}).tanh();"),
            1 => format!("{acc} = {acc} + {e} * k(0.3);"),
            _ => format!("{acc} = {acc} * ({w} + {e}).tanh();"),
        })
    }

    /// `break` or `continue`, of this loop or (two deep) of the outer one, on a condition.
    fn exit(&mut self) -> Chunk {
        let (a, b) = (self.var(), self.expr(1));
        let mut exits = vec!["break;", "continue;"];
        if self.loops.len() == 2 {
            exits.extend(["break 'l1;", "continue 'l1;"]);
        }
        let exit = self.rng.pick(&exits);
        Chunk::Lines(vec![
            format!("if {a} > {b} {{"),
            format!("    {exit}"),
            "}".into(),
        ])
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
}

/// A random differentiable function named `name` returning `returns`, which may call
/// `callees`; with its cost.
fn function(rng: &mut Rng, name: &str, returns: Returns, callees: &[Callee]) -> (Function, u64) {
    let mut w = Writer {
        rng,
        vars: vec!["x0".into(), "x1".into(), "x2".into()],
        block: Vec::new(),
        next_var: 0,
        loops: Vec::new(),
        returns,
        callees,
        cost: 1,
    };
    let statements = 2 + w.rng.below(6);
    for _ in 0..statements {
        w.stmt();
    }
    let elements = if returns == Returns::Scalar { 1 } else { 3 };
    let result = (0..elements).map(|_| w.expr(2)).collect();
    let function = Function {
        name: name.to_string(),
        returns,
        body: w.block,
        result,
    };
    (function, w.cost)
}

/// A batch of `programs` functions `p0`, `p1`, ... from `seed`. One in five returns three
/// floats; each of the others may be called by the three scalar functions written after it.
pub fn batch(seed: u64, programs: usize) -> Vec<Function> {
    let mut rng = Rng::new(seed);
    let mut callees: Vec<Callee> = Vec::new();
    let mut functions = Vec::new();
    for k in 0..programs {
        let returns = match rng.below(10) {
            0 => Returns::Vec3,
            1 => Returns::Array3,
            _ => Returns::Scalar,
        };
        let recent = &callees[callees.len().saturating_sub(3)..];
        let (f, cost) = function(&mut rng, &format!("p{k}"), returns, recent);
        if returns == Returns::Scalar {
            callees.push(Callee {
                name: f.name.clone(),
                cost,
            });
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
        let functions = batch(1, 400);
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
