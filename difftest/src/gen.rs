//! The program generator: random functions in the language `#[differentiable]` supports,
//! generic over `T: Float` so that the harness can run them on `f64` (for the generated
//! gradient and finite differences) and on dual numbers (for forward mode).
//!
//! The statements: new bindings, reassignment, shadowing, `if`/`else` (nested too) on float
//! conditions, `match` on an integer, `for` and `while` loops with loop-carried values,
//! buffers written in a loop and reduced with `sum` or `dot`, early `return`, and calls of the
//! functions written before.
//!
//! Every function takes `x0, x1, x2: T`, `w: &[T]` of length 4 and `n: usize` (small). Values
//! are kept in the domains of the primitives: `ln` and `sqrt` only of `e·e + 1`, division only
//! by `e·e + 1`, `exp` only of `tanh(e)`, so no input makes a primitive undefined.

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
}

/// The state of one function being written: its float variables and its lines.
struct Writer<'a> {
    rng: &'a mut Rng,
    vars: Vec<String>,
    lines: Vec<String>,
    next_var: usize,
    depth: usize,
    callees: &'a [String],
}

impl Writer<'_> {
    fn var(&mut self) -> String {
        let i = self.rng.below(self.vars.len());
        self.vars[i].clone()
    }

    fn constant(&mut self) -> String {
        format!("k({:.3})", self.rng.float(-2.0, 2.0))
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
        match self.rng.below(30) {
            0 => format!("({a} + {})", self.expr(depth - 1)),
            1 => format!("({a} - {})", self.expr(depth - 1)),
            2 => format!("({a} * {})", self.expr(depth - 1)),
            3 => {
                let b = self.expr(depth - 1);
                format!("({a} / ({b} * {b} + k(1.0)))")
            }
            4 => format!("{a}.sin()"),
            5 => format!("{a}.cos()"),
            6 => format!("{a}.tanh()"),
            7 => format!("{a}.tanh().exp()"),
            8 => format!("({a} * {a} + k(1.0)).ln()"),
            9 => format!("({a} * {a} + k(1.0)).sqrt()"),
            10 => format!("{a}.powi({})", self.rng.below(4)),
            11 => format!("{a}.max({})", self.expr(depth - 1)),
            12 => format!("(-{a})"),
            14 => format!("{a}.tanh().sinh()"),
            15 => format!("{a}.tanh().cosh()"),
            16 => format!("{a}.asinh()"),
            17 => format!("{a}.abs()"),
            18 => format!("{a}.min({})", self.expr(depth - 1)),
            19 => format!("{a}.hypot({})", self.expr(depth - 1)),
            20 => format!("{a}.tanh().exp2()"),
            21 => format!("({a} * {a}).ln_1p()"),
            22 => format!("({a} * {a} + k(1.0)).powf({}.tanh())", self.expr(depth - 1)),
            23 => format!(
                "{a}.mul_add({}, {})",
                self.expr(depth - 1),
                self.expr(depth - 1)
            ),
            24 => format!("({a} * {a} + k(1.0)).cbrt()"),
            25 => format!("({a} * {a} + k(1.0)).recip()"),
            26 => format!("({a} * {a} + k(1.0)).log2()"),
            27 => format!(
                "{a}.atan2({} * {} + k(0.5))",
                self.expr(depth - 1),
                self.expr(depth - 1)
            ),
            28 => format!("{a}.tanh().exp_m1()"),
            _ => {
                if let Some(callee) = self.pick_callee() {
                    let b = self.expr(depth - 1);
                    let c = self.expr(depth - 1);
                    format!("{callee}({a}, {b}, {c}, w, n)")
                } else {
                    format!("{a}.atan()")
                }
            }
        }
    }

    fn pick_callee(&mut self) -> Option<String> {
        if self.callees.is_empty() || !self.rng.chance(50) {
            return None;
        }
        let i = self.rng.below(self.callees.len());
        Some(self.callees[i].clone())
    }

    fn new_var(&mut self) -> String {
        self.next_var += 1;
        format!("v{}", self.next_var)
    }

    fn indent(&self) -> String {
        "    ".repeat(self.depth + 1)
    }

    fn line(&mut self, s: String) {
        let pad = self.indent();
        self.lines.push(format!("{pad}{s}"));
    }

    /// One statement; a new variable it binds stays in scope after it.
    fn stmt(&mut self) {
        match self.rng.below(12) {
            9 => {
                // Shadowing: a new binding of an existing variable's name.
                let v = self.mutable_var();
                let e = self.expr(2);
                self.line(format!("let mut {v} = {v} * {e};"));
            }
            10 => {
                let (a, b, c) = (self.var(), self.var(), self.var());
                let v = self.mutable_var();
                let (e1, e2, e3) = (self.expr(2), self.expr(2), self.expr(2));
                self.line(format!("if {a} > {b} {{"));
                self.line(format!("    if {c} < k(0.0) {{"));
                self.line(format!("        {v} = {e1};"));
                self.line("    } else {".to_string());
                self.line(format!("        {v} = {v} * {e2};"));
                self.line("    }".to_string());
                self.line("} else {".to_string());
                self.line(format!("    {v} = {v} - {e3};"));
                self.line("}".to_string());
            }
            11 => {
                let v = self.mutable_var();
                let (e1, e2) = (self.expr(2), self.expr(2));
                self.line("match n {".to_string());
                self.line(format!("    0 => {{ {v} = {e1}; }}"));
                self.line(format!("    1 | 2 => {{ {v} = {v} + {e2}; }}"));
                self.line("    _ => {}".to_string());
                self.line("}".to_string());
            }
            0..=2 => {
                let v = self.new_var();
                let e = self.expr(3);
                self.line(format!("let mut {v} = {e};"));
                self.vars.push(v);
            }
            3 => {
                // Reassign, possibly from itself.
                let v = self.mutable_var();
                let e = self.expr(2);
                self.line(format!("{v} = {v} * k(0.5) + {e};"));
            }
            4 => {
                let (a, b) = (self.var(), self.var());
                let v = self.mutable_var();
                let (e1, e2) = (self.expr(2), self.expr(2));
                self.line(format!("if {a} > {b} {{"));
                self.line(format!("    {v} = {e1};"));
                self.line("} else {".to_string());
                self.line(format!("    {v} = {v} + {e2};"));
                self.line("}".to_string());
            }
            5 => {
                let acc = self.mutable_var();
                let e = self.expr(2);
                self.line("for i in 0..n {".to_string());
                self.line(format!(
                    "    {acc} = ({acc} * k(0.7) + w[i % 4] * {e}).tanh();"
                ));
                self.line("}".to_string());
            }
            6 => {
                let v = self.mutable_var();
                self.line("let mut k = 0;".to_string());
                self.line(format!("while k < 4 && {v} < k(1.5) {{"));
                self.line(format!("    {v} = {v} * k(1.1) + k(0.2);"));
                self.line("    k += 1;".to_string());
                self.line("}".to_string());
            }
            7 => {
                let (a, b) = (self.var(), self.expr(2));
                self.line(format!("if {a} > k(2.5) {{"));
                self.line(format!("    return {b};"));
                self.line("}".to_string());
            }
            _ => {
                let v = self.new_var();
                let e = self.expr(2);
                self.line("let mut buf = vec![T::zero(); 4];".to_string());
                self.line("for i in 0..4 {".to_string());
                self.line(format!("    buf[i] = w[i] * {e};"));
                self.line("}".to_string());
                let reduce = if self.rng.chance(50) {
                    "sum(&buf)"
                } else {
                    "dot(&buf, w)"
                };
                self.line(format!("let mut {v} = {reduce};"));
                self.vars.push(v);
            }
        }
    }

    /// A variable that may be assigned (`let mut` ones; parameters are rebound first).
    fn mutable_var(&mut self) -> String {
        let candidates: Vec<String> = self
            .vars
            .iter()
            .filter(|v| v.starts_with('v'))
            .cloned()
            .collect();
        if candidates.is_empty() {
            let v = self.new_var();
            let e = self.expr(1);
            self.line(format!("let mut {v} = {e};"));
            self.vars.push(v.clone());
            return v;
        }
        let i = self.rng.below(candidates.len());
        candidates[i].clone()
    }
}

/// A random differentiable function named `name`, which may call the functions `callees`.
pub fn function(rng: &mut Rng, name: &str, callees: &[String]) -> String {
    let mut w = Writer {
        rng,
        vars: vec!["x0".into(), "x1".into(), "x2".into()],
        lines: Vec::new(),
        next_var: 0,
        depth: 0,
        callees,
    };
    let statements = 2 + w.rng.below(6);
    for _ in 0..statements {
        w.stmt();
    }
    let result = w.expr(2);
    let body = constants(&w.lines.join("\n"));
    let result = constants(&result);
    format!(
        "#[differentiable]\npub fn {name}<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> T {{\n{body}\n    {result}\n}}\n"
    )
}

/// `k(0.5)` as `T::from(0.5).unwrap()`.
fn constants(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("k(") {
        let boundary = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric();
        let end = rest[i..].find(')').map(|j| i + j);
        match (boundary, end) {
            (true, Some(end)) => {
                out.push_str(&rest[..i]);
                out.push_str(&format!("T::from({}).unwrap()", &rest[i + 2..end]));
                rest = &rest[end + 1..];
            }
            _ => {
                out.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}
