//! A generated program as the shrinker sees it: functions made of statement chunks and a
//! result, and their Rust source.
//!
//! Every function has the signature
//! `fn NAME<T: Float + Sum + Product>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> R`, with `R`
//! one of [`Returns`] (`Sum` and `Product` for the iterator chains' `sum::<T>()` and
//! `product::<T>()`), and is differentiated with respect to every float parameter or, with
//! `#[differentiable(wrt(..))]`, some of them (the others are data). It may also take, after
//! `n`, parameters of the derived structs of [`STRUCTS`] and an array ([`Struct`]:
//! `p: &Params<T>`, `q: &Inner<T>`, `qs: &[Inner<T>]`, `ar: &[T; 2]`), always differentiated
//! (named in its `wrt` when it has one); it is then bound by `Differentiable<Scalar = T>` too,
//! as is a function that returns an `Inner<T>` or builds one (see
//! [`Function::uses_structs`]). A function with `wrt` may
//! also take `d: &Data<T>` last, a user struct ([`DATA_STRUCT`]) the transform cannot see
//! into: left out by `wrt`, it is data that the body reads (`d.scale`, `d.shift`, `d.k`). Lines
//! write constants as `k(0.5)`; the source spells them `T::from(0.5).unwrap()`.

/// The user struct a function may take as `d: &Data<T>`, outside `wrt`: two floats and an
/// integer (below 4) that the body reads as data. Every crate or module that holds such a
/// function defines it.
pub const DATA_STRUCT: &str = r#"/// Data a generated function may take besides its floats, outside `wrt`: read, not
/// differentiated.
pub struct Data<T> {
    pub scale: T,
    pub shift: T,
    pub k: usize,
}
"#;

/// The derived structs a function may take as differentiable parameters ([`Struct`]), build
/// and return, the functions that build them from their floats in field order, for any float
/// type (dual numbers included, which are not `Differentiable`, so `from_flat` cannot build a
/// `Params<Dual<f64>>`), and those that weigh an `Inner` output by a cotangent seed. Every
/// crate or module that holds such a function defines them.
pub const STRUCTS: &str = r#"/// A struct a generated function may take, differentiated: `q: &Inner<T>`,
/// `qs: &[Inner<T>]` (three of them), and in `Params` (`inner`, `layers`).
#[derive(Clone, Debug, Differentiable)]
pub struct Inner<T: Float> {
    pub a: T,
    /// Three elements.
    pub v: Vec<T>,
}

/// A struct a generated function may take as `p: &Params<T>`, differentiated but for `n` (an
/// integer below 4, a bound of ranges) and `fixed` (its gradient holds the value's own, its
/// tangent is zero).
#[derive(Clone, Debug, Differentiable)]
pub struct Params<T: Float> {
    pub s: T,
    /// Four elements.
    pub w: Vec<T>,
    pub inner: Inner<T>,
    /// Two elements.
    pub layers: Vec<Inner<T>>,
    pub n: usize,
    #[no_derivative]
    pub fixed: T,
}

/// An `Inner` from its 4 floats, in field order.
pub fn inner_at<T: Float>(v: &[T]) -> Inner<T> {
    Inner {
        a: v[0],
        v: v[1..4].to_vec(),
    }
}

/// `Inner`s from 4 floats each.
pub fn inners_at<T: Float>(v: &[T]) -> Vec<Inner<T>> {
    v.chunks(4).map(inner_at).collect()
}

/// An `Inner`'s floats in field order: `a`, then `v`.
pub fn inner_flat<T: Float>(s: &Inner<T>) -> Vec<T> {
    let mut flat = vec![s.a];
    flat.extend(s.v.iter().copied());
    flat
}

/// The cotangent seed of a function that returns an `Inner`, from the point's three seeds
/// (its fourth float is a combination of them, so that a point keeps three).
pub fn inner_seed(seed: [f64; 3]) -> Inner<f64> {
    Inner {
        a: seed[0],
        v: vec![seed[1], seed[2], seed[0] - seed[2]],
    }
}

/// `seed·y` for an `Inner` output `y` and the seed of [`inner_seed`].
pub fn weigh_inner<T: Float>(seed: [f64; 3], y: &Inner<T>) -> T {
    let weights = inner_flat(&inner_seed(seed));
    let terms = inner_flat(y).into_iter().zip(weights);
    terms.fold(T::zero(), |s, (yi, si)| s + yi * T::from(si).unwrap())
}

/// A `Params` from its 17 floats with a derivative, in field order, and its other fields.
pub fn params_at<T: Float>(v: &[T], fixed: T, n: usize) -> Params<T> {
    Params {
        s: v[0],
        w: v[1..5].to_vec(),
        inner: inner_at(&v[5..9]),
        layers: inners_at(&v[9..17]),
        n,
        fixed,
    }
}
"#;

/// A struct parameter of a generated function, after `n` in this order; or an array, `ar`,
/// which the harness takes apart into coordinates the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Struct {
    /// `p: &Params<T>`.
    P,
    /// `q: &Inner<T>`.
    Q,
    /// `qs: &[Inner<T>]`, three of them.
    Qs,
    /// `ar: &[T; 2]`, read by array patterns (`let [u1, u2] = *ar;`).
    Ar,
}

impl Struct {
    pub const ALL: [Struct; 4] = [Struct::P, Struct::Q, Struct::Qs, Struct::Ar];

    /// The parameter's name.
    pub fn name(self) -> &'static str {
        match self {
            Struct::P => "p",
            Struct::Q => "q",
            Struct::Qs => "qs",
            Struct::Ar => "ar",
        }
    }

    fn rust_type(self) -> &'static str {
        match self {
            Struct::P => "&Params<T>",
            Struct::Q => "&Inner<T>",
            Struct::Qs => "&[Inner<T>]",
            Struct::Ar => "&[T; 2]",
        }
    }

    /// How many floats with a derivative it holds (its `to_flat`'s length).
    pub fn flat_len(self) -> usize {
        match self {
            Struct::P => 17,
            Struct::Q => 4,
            Struct::Qs => 12,
            Struct::Ar => 2,
        }
    }

    /// Where its floats start in a point's struct coordinates: `p`'s, `q`'s, `qs`'s and
    /// `ar`'s one after the other, 35 in all.
    pub fn offset(self) -> usize {
        match self {
            Struct::P => 0,
            Struct::Q => 17,
            Struct::Qs => 21,
            Struct::Ar => 33,
        }
    }
}

/// What a function returns: a float, three floats in a `Vec` or an array, or an `Inner<T>`
/// (four floats).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    Scalar,
    Vec3,
    Array3,
    Inner,
}

impl Returns {
    fn rust_type(self) -> &'static str {
        match self {
            Returns::Scalar => "T",
            Returns::Vec3 => "Vec<T>",
            Returns::Array3 => "[T; 3]",
            Returns::Inner => "Inner<T>",
        }
    }
}

/// One statement of a body, the unit the shrinker deletes.
#[derive(Clone, Debug, PartialEq)]
pub enum Chunk {
    /// A statement's lines (a binding, an `if`, a `match`, a buffer and its reduction),
    /// indented relative to the first: kept or deleted whole.
    Lines(Vec<String>),
    /// A loop: its `head` lines (the counter, `while ... {`, the counter's increment) and
    /// `tail` lines stay with it; each statement of its body can be deleted on its own.
    Loop {
        head: Vec<String>,
        body: Vec<Chunk>,
        tail: Vec<String>,
    },
}

impl Chunk {
    /// A chunk of one line.
    pub fn line(s: impl Into<String>) -> Chunk {
        Chunk::Lines(vec![s.into()])
    }

    /// Appends the chunk's lines, indented by `depth` levels of four spaces.
    fn render(&self, depth: usize, out: &mut Vec<String>) {
        let pad = "    ".repeat(depth);
        let indent = |lines: &[String], out: &mut Vec<String>| {
            out.extend(lines.iter().map(|l| format!("{pad}{}", constants(l))));
        };
        match self {
            Chunk::Lines(lines) => indent(lines, out),
            Chunk::Loop { head, body, tail } => {
                indent(head, out);
                for chunk in body {
                    chunk.render(depth + 1, out);
                }
                indent(tail, out);
            }
        }
    }

    /// Whether a line containing `needle` is in a loop whose head contains `loop_head`
    /// (`inside`: this chunk already is).
    fn has_in_loop(&self, loop_head: &str, needle: &str, inside: bool) -> bool {
        match self {
            Chunk::Lines(lines) => inside && lines.iter().any(|l| l.contains(needle)),
            Chunk::Loop { head, body, .. } => {
                let inside = inside || head.iter().any(|l| l.contains(loop_head));
                body.iter()
                    .any(|c| c.has_in_loop(loop_head, needle, inside))
            }
        }
    }

    /// Whether some line of the chunk contains `s`.
    pub fn mentions(&self, s: &str) -> bool {
        match self {
            Chunk::Lines(lines) => lines.iter().any(|l| l.contains(s)),
            Chunk::Loop { head, body, tail } => {
                head.iter().chain(tail).any(|l| l.contains(s)) || body.iter().any(|c| c.mentions(s))
            }
        }
    }

    /// The number of chunks in this one, itself included.
    #[cfg(test)]
    fn count(&self) -> usize {
        match self {
            Chunk::Lines(_) => 1,
            Chunk::Loop { body, .. } => 1 + body.iter().map(Chunk::count).sum::<usize>(),
        }
    }
}

/// One generated function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub returns: Returns,
    /// The parameters it is differentiated with respect to (of `x0`, `x1`, `x2`, `w`), in
    /// parameter order; empty for all of them.
    pub wrt: Vec<String>,
    /// Whether it takes `d: &Data<T>` last (only with `wrt`, which leaves it out).
    pub data: bool,
    /// The struct parameters it takes after `n`, in [`Struct::ALL`]'s order.
    pub structs: Vec<Struct>,
    pub body: Vec<Chunk>,
    /// The result: one float expression, or one per element of a `Vec3` or `Array3`; for an
    /// `Inner`, its four floats (`a` and `v`), or `a` and a buffer of three for `v`, or one
    /// `Inner` the body built (see [`Function::result_lines`]).
    pub result: Vec<String>,
}

impl Function {
    /// The function as Rust source, with its `#[differentiable]`.
    pub fn source(&self) -> String {
        let wrt = if self.wrt.is_empty() {
            String::new()
        } else {
            format!("(wrt({}))", self.wrt.join(", "))
        };
        let bound = if self.uses_structs() {
            "Float + Sum + Product + Differentiable<Scalar = T>"
        } else {
            "Float + Sum + Product"
        };
        format!("#[differentiable{wrt}]\n{}", self.render(bound))
    }

    /// The function without `#[differentiable]`, bound by `T: Float + Sum + Product` alone:
    /// what the dual-number references of a function that uses structs run, since dual
    /// numbers are not `Differentiable` (see [`plain_module`]).
    pub fn plain_source(&self) -> String {
        self.render("Float + Sum + Product")
    }

    /// Whether it takes a struct parameter (or `ar`), returns an `Inner` or builds one
    /// (`Inner { .. }`): its `T` must then be `Differentiable`, and dual numbers run its
    /// plain copy.
    pub fn uses_structs(&self) -> bool {
        !self.structs.is_empty()
            || self.returns == Returns::Inner
            || self.body.iter().any(|c| c.mentions("Inner {"))
    }

    /// `pub fn ...` with `T: BOUND`.
    fn render(&self, bound: &str) -> String {
        let mut lines = Vec::new();
        for chunk in &self.body {
            chunk.render(1, &mut lines);
        }
        lines.extend(self.result_lines().iter().map(|l| format!("    {l}")));
        let structs: String = self
            .structs
            .iter()
            .map(|s| format!(", {}: {}", s.name(), s.rust_type()))
            .collect();
        let data = if self.data { ", d: &Data<T>" } else { "" };
        format!(
            "pub fn {}<T: {bound}>(x0: T, x1: T, x2: T, w: &[T], n: usize{structs}{data}) -> {} {{\n{}\n}}\n",
            self.name,
            self.returns.rust_type(),
            lines.join("\n")
        )
    }

    /// The lines that compute and return the result.
    fn result_lines(&self) -> Vec<String> {
        let result: Vec<String> = self.result.iter().map(|e| constants(e)).collect();
        match self.returns {
            Returns::Scalar => result,
            Returns::Array3 => vec![format!("[{}]", result.join(", "))],
            Returns::Vec3 => {
                let mut lines = vec![format!("let mut out = vec![T::zero(); {}];", result.len())];
                for (i, e) in result.iter().enumerate() {
                    lines.push(format!("out[{i}] = {e};"));
                }
                lines.push("out".to_string());
                lines
            }
            Returns::Inner => match result.as_slice() {
                [a, v0, v1, v2] => vec![format!("Inner {{ a: {a}, v: vec![{v0}, {v1}, {v2}] }}")],
                [a, buffer] => vec![format!("Inner {{ a: {a}, v: {buffer} }}")],
                _ => result,
            },
        }
    }

    /// Whether it is differentiated with respect to the parameter `param`.
    pub fn differentiates(&self, param: &str) -> bool {
        self.wrt.is_empty() || self.wrt.iter().any(|p| p == param)
    }

    /// Whether it takes the struct parameter `s`.
    pub fn takes(&self, s: Struct) -> bool {
        self.structs.contains(&s)
    }

    /// The names of the functions `pN` it calls, each once.
    pub fn calls(&self) -> Vec<String> {
        let mut names = Vec::new();
        for name in called_names(&self.source()) {
            if name != self.name && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Whether a statement containing `needle` is in a loop whose head contains `loop_head`
    /// (`"for "`, `"while "`, `"loop {"`).
    pub fn has_in_loop(&self, loop_head: &str, needle: &str) -> bool {
        self.body
            .iter()
            .any(|c| c.has_in_loop(loop_head, needle, false))
    }

    /// The number of chunks in its body, nested ones included.
    #[cfg(test)]
    pub fn chunk_count(&self) -> usize {
        self.body.iter().map(Chunk::count).sum()
    }
}

/// A function to check with the functions it calls: what the shrinker works on.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// Callees first (each before its callers); the last function is the one checked.
    pub functions: Vec<Function>,
}

impl Program {
    /// `name` from `all` (a batch in order) with everything it calls, directly or not.
    pub fn for_checking(all: &[Function], name: &str) -> Program {
        let mut wanted = vec![name.to_string()];
        let mut functions = Vec::new();
        for f in all.iter().rev() {
            if wanted.contains(&f.name) {
                wanted.extend(f.calls());
                functions.push(f.clone());
            }
        }
        functions.reverse();
        Program { functions }
    }

    /// The function checked.
    pub fn checked(&self) -> &Function {
        self.functions.last().expect("a program has a function")
    }

    /// Every function's source.
    pub fn source(&self) -> String {
        let sources: Vec<String> = self.functions.iter().map(Function::source).collect();
        sources.join("\n")
    }

    /// Whether one of its functions takes `d: &Data<T>`, so that its source needs
    /// [`DATA_STRUCT`].
    pub fn takes_data(&self) -> bool {
        self.functions.iter().any(|f| f.data)
    }

    /// Whether one of its functions uses structs ([`Function::uses_structs`]), so that its
    /// source needs [`STRUCTS`] and [`plain_module`].
    pub fn uses_structs(&self) -> bool {
        self.functions.iter().any(Function::uses_structs)
    }

    /// The number of lines of its source: the size the shrinker reduces.
    pub fn line_count(&self) -> usize {
        self.source().lines().count()
    }
}

/// `mod plain`, with a copy of each of `functions` that uses structs, bound by
/// `T: Float + Sum + Product` alone and without `#[differentiable]`
/// ([`Function::plain_source`]), for dual numbers to run; empty when none does. Its copies
/// call each other, and the other functions (generic over `T: Float + Sum + Product`) through
/// `use super::*`.
pub fn plain_module<'f>(functions: impl IntoIterator<Item = &'f Function>) -> String {
    let copies: Vec<String> = functions
        .into_iter()
        .filter(|f| f.uses_structs())
        .map(Function::plain_source)
        .collect();
    if copies.is_empty() {
        return String::new();
    }
    format!(
        "/// The functions that use structs, for dual numbers: see `Function::plain_source`.\nmod plain {{\n    use super::*;\n\n{}}}\n",
        copies.join("\n")
    )
}

/// The identifiers `pN` followed by `(`: calls of generated functions.
fn called_names(source: &str) -> Vec<String> {
    let bytes = source.as_bytes();
    let mut names = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
        let word = &source[start..end];
        let is_program = word.len() > 1
            && word.starts_with('p')
            && word[1..].bytes().all(|b| b.is_ascii_digit());
        if is_program && bytes.get(end) == Some(&b'(') {
            names.push(word.to_string());
        }
        start = end.max(start + 1);
    }
    names
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

#[cfg(test)]
mod tests {
    use super::*;

    fn function(name: &str, body: Vec<Chunk>, result: &str) -> Function {
        Function {
            name: name.into(),
            returns: Returns::Scalar,
            wrt: Vec::new(),
            data: false,
            structs: Vec::new(),
            body,
            result: vec![result.into()],
        }
    }

    #[test]
    fn renders_loops_indented_and_constants_spelled_out() {
        let f = function(
            "p0",
            vec![
                Chunk::line("let mut v1 = x0 * k(0.5);"),
                Chunk::Loop {
                    head: vec!["for i in 0..n {".into()],
                    body: vec![Chunk::line("v1 = v1 + w[i % 4];")],
                    tail: vec!["}".into()],
                },
            ],
            "v1",
        );
        assert_eq!(
            f.source(),
            "#[differentiable]\npub fn p0<T: Float + Sum + Product>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> T {\n    let mut v1 = x0 * T::from(0.5).unwrap();\n    for i in 0..n {\n        v1 = v1 + w[i % 4];\n    }\n    v1\n}\n"
        );
    }

    #[test]
    fn wrt_names_the_differentiated_parameters() {
        let mut f = function("p0", vec![], "x0 * x1");
        assert!(f.source().starts_with("#[differentiable]\npub fn p0"));
        assert!(f.differentiates("w"));
        f.wrt = vec!["x0".into(), "x2".into()];
        assert!(f
            .source()
            .starts_with("#[differentiable(wrt(x0, x2))]\npub fn p0"));
        assert!(f.differentiates("x2") && !f.differentiates("x1") && !f.differentiates("w"));
    }

    #[test]
    fn structs_come_after_n_with_the_bound_and_a_plain_copy() {
        let mut f = function("p0", vec![], "x0 * p.s + qs[0].a");
        f.structs = vec![Struct::P, Struct::Qs];
        assert!(f.source().starts_with(
            "#[differentiable]\npub fn p0<T: Float + Sum + Product + Differentiable<Scalar = T>>(x0: T, x1: T, x2: T, w: &[T], n: usize, p: &Params<T>, qs: &[Inner<T>]) -> T {\n"
        ));
        assert!(f.plain_source().starts_with(
            "pub fn p0<T: Float + Sum + Product>(x0: T, x1: T, x2: T, w: &[T], n: usize, p: &Params<T>, qs: &[Inner<T>]) -> T {\n"
        ));
        f.wrt = vec!["x1".into(), "p".into(), "qs".into()];
        f.data = true;
        assert!(f
            .source()
            .contains("#[differentiable(wrt(x1, p, qs))]\npub fn p0<"));
        assert!(f.source().contains("qs: &[Inner<T>], d: &Data<T>) -> T {"));
        assert!(f.differentiates("p") && f.takes(Struct::Qs) && !f.takes(Struct::Q));
        let program = Program {
            functions: vec![function("p1", vec![], "x0"), f],
        };
        assert!(program.uses_structs());
        let plain = plain_module(&program.functions);
        assert!(plain
            .contains("mod plain {\n    use super::*;\n\npub fn p0<T: Float + Sum + Product>("));
        assert!(!plain.contains("p1") && !plain.contains("#[differentiable"));
        assert_eq!(plain_module(&program.functions[..1]), "");
        // The layout of the point's struct coordinates.
        let ends: Vec<usize> = Struct::ALL
            .iter()
            .map(|s| s.offset() + s.flat_len())
            .collect();
        assert_eq!(
            ends,
            [
                Struct::Q.offset(),
                Struct::Qs.offset(),
                Struct::Ar.offset(),
                35
            ]
        );
    }

    #[test]
    fn data_is_the_last_parameter() {
        let mut f = function("p0", vec![], "x0 * d.scale");
        f.wrt = vec!["x0".into()];
        f.data = true;
        assert!(f.source().starts_with(
            "#[differentiable(wrt(x0))]\npub fn p0<T: Float + Sum + Product>(x0: T, x1: T, x2: T, w: &[T], n: usize, d: &Data<T>) -> T {\n"
        ));
        assert!(!f.differentiates("d"));
        let program = Program {
            functions: vec![function("p1", vec![], "x0"), f],
        };
        assert!(program.takes_data());
        assert!(!Program::for_checking(&program.functions, "p1").takes_data());
    }

    #[test]
    fn vector_results_fill_a_buffer_or_an_array() {
        let mut f = function("p0", vec![], "x0");
        f.result = vec!["x0".into(), "x1".into(), "k(2.0)".into()];
        f.returns = Returns::Array3;
        assert!(f
            .source()
            .contains("-> [T; 3] {\n    [x0, x1, T::from(2.0).unwrap()]\n}"));
        f.returns = Returns::Vec3;
        assert!(f
            .source()
            .contains("out[2] = T::from(2.0).unwrap();\n    out\n}"));
    }

    #[test]
    fn a_program_takes_its_callees_transitively_in_batch_order() {
        let all = vec![
            function("p0", vec![], "x0"),
            function("p1", vec![], "p0(x0, x1, x2, w, n)"),
            function("p2", vec![], "x1"),
            function(
                "p3",
                vec![Chunk::line("let mut v1 = p1(x0, x0, x0, w, n);")],
                "v1",
            ),
        ];
        let p = Program::for_checking(&all, "p3");
        let names: Vec<&str> = p.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["p0", "p1", "p3"]);
        assert_eq!(p.checked().name, "p3");
    }

    #[test]
    fn finds_a_statement_by_its_loop() {
        let f = function(
            "p0",
            vec![
                Chunk::line("let mut v1 = x0.sin();"),
                Chunk::Loop {
                    head: vec!["let mut c1 = 0;".into(), "while c1 < 4 {".into()],
                    body: vec![Chunk::line("v1 = v1.tanh();")],
                    tail: vec!["}".into()],
                },
            ],
            "v1",
        );
        assert!(f.has_in_loop("while ", ".tanh()"));
        assert!(!f.has_in_loop("for ", ".tanh()"));
        assert!(!f.has_in_loop("while ", ".sin()"));
        assert_eq!(f.chunk_count(), 3);
    }
}
