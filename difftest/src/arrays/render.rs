//! An array program written twice: [`array_source`], the `#[differentiable]` function over
//! ndarray's or nalgebra's values, and [`loops_source`], the same computation over slices with
//! loops, generic over `T: Float`, for dual numbers (it lives in `mod loops`, with the helpers
//! of [`LOOP_HELPERS`]). Every compound expression is written delimited (in parentheses or as a
//! call), so that each can be an operand or a receiver as it is.

use super::{
    ArrayProgram, Expr, Fun, Index, Lib, Op, Pass, Reduction, Shape, Stmt, Style, ELEMENT,
};

/// The imports of a crate or module that holds array programs.
pub const IMPORTS: &str = "use nalgebra::{DMatrix, DVector, SMatrix, SVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3, Vector1, Vector2, Vector3, Vector4};\nuse ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};\n";

/// The helpers of the reference functions in `mod loops`: plain loops over slices, matrices
/// stored by rows. They shadow the prelude's slice functions of the same names there.
pub const LOOP_HELPERS: &str = r#"/// The constant `v` as a `T`.
pub fn k<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// `f` of each element.
pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len());
    for &x in a {
        out.push(f(x));
    }
    out
}

/// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
/// rows of a matrix of `c` columns, as ndarray broadcasts it.
pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
    let n = a.len().max(b.len());
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(f(a[i % a.len()], b[i % b.len()]));
    }
    out
}

/// `f(x, s)` of each element `x`.
pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len());
    for &x in a {
        out.push(f(x, s));
    }
    out
}

pub fn sum<T: Float>(a: &[T]) -> T {
    let mut s = T::zero();
    for &x in a {
        s = s + x;
    }
    s
}

pub fn mean<T: Float>(a: &[T]) -> T {
    sum(a) / T::from(a.len()).unwrap()
}

pub fn norm_squared<T: Float>(a: &[T]) -> T {
    let mut s = T::zero();
    for &x in a {
        s = s + x * x;
    }
    s
}

pub fn norm<T: Float>(a: &[T]) -> T {
    norm_squared(a).sqrt()
}

pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
    assert_eq!(a.len(), b.len());
    let mut s = T::zero();
    for i in 0..a.len() {
        s = s + a[i] * b[i];
    }
    s
}

/// The product of `a` (`r` × `c`) and the vector `x`.
pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
    let mut out = vec![T::zero(); r];
    for i in 0..r {
        for j in 0..c {
            out[i] = out[i] + a[i * c + j] * x[j];
        }
    }
    out
}

/// The product of the vector `x` and `a` (`r` × `c`).
pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
    let mut out = vec![T::zero(); c];
    for j in 0..c {
        for i in 0..r {
            out[j] = out[j] + x[i] * a[i * c + j];
        }
    }
    out
}

/// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
    let mut out = vec![T::zero(); r * c];
    for i in 0..r {
        for j in 0..c {
            for l in 0..m {
                out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
            }
        }
    }
    out
}

pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
    let mut out = vec![T::zero(); r * c];
    for i in 0..r {
        for j in 0..c {
            out[j * r + i] = a[i * c + j];
        }
    }
    out
}

pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
    a[i * c..(i + 1) * c].to_vec()
}

pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(r);
    for i in 0..r {
        out.push(a[i * c + j]);
    }
    out
}

/// The sums of the columns: `sum_axis(Axis(0))`.
pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
    let mut out = vec![T::zero(); c];
    for i in 0..r {
        for j in 0..c {
            out[j] = out[j] + a[i * c + j];
        }
    }
    out
}

/// The sums of the rows: `sum_axis(Axis(1))`.
pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
    let mut out = vec![T::zero(); r];
    for i in 0..r {
        for j in 0..c {
            out[i] = out[i] + a[i * c + j];
        }
    }
    out
}

pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
    vec![
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
"#;

/// The variables in scope while writing: each name's shape and whether it is a parameter
/// passed by reference (`m0`, not `&m0`, as an operand).
#[derive(Default)]
struct Scope {
    vars: Vec<(String, Shape, bool)>,
}

impl Scope {
    fn of(p: &ArrayProgram) -> Scope {
        let vars = p
            .params
            .iter()
            .map(|q| (q.name.clone(), q.shape, q.pass == Pass::Ref));
        Scope {
            vars: vars.collect(),
        }
    }

    fn shape(&self, name: &str) -> Shape {
        if name == ELEMENT {
            return Shape::Scalar;
        }
        match self.vars.iter().rev().find(|(n, _, _)| n == name) {
            Some((_, s, _)) => *s,
            None => panic!("{name} is not in scope"),
        }
    }

    fn by_ref(&self, name: &str) -> bool {
        self.vars.iter().rev().any(|(n, _, r)| n == name && *r)
    }

    fn shape_of(&self, e: &Expr) -> Shape {
        e.shape(&|v| self.shape(v))
    }

    /// Binds the names a statement binds (for the statements after it).
    fn bind(&mut self, s: &Stmt) {
        if let Stmt::Let { name, value } = s {
            let shape = self.shape_of(value);
            self.vars.push((name.clone(), shape, false));
        }
    }
}

/// A float constant, delimited: `0.25`, `(-0.25)`.
fn float(v: f64) -> String {
    if v < 0.0 {
        format!("({v:?})")
    } else {
        format!("{v:?}")
    }
}

/// `body` without its outer parentheses, if it has a pair around all of it.
fn bare(body: String) -> String {
    let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) else {
        return body;
    };
    let mut depth = 0;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return body,
            ')' => depth -= 1,
            _ => {}
        }
    }
    inner.to_string()
}

/// The lines of a function: `head`, the body indented, the result, `}`.
fn function(head: String, body: Vec<String>, result: String) -> String {
    let mut s = head;
    for line in body {
        s.push_str(&format!("\n    {line}"));
    }
    s.push_str(&format!("\n    {result}\n}}\n"));
    s
}

/// The `#[differentiable]` function over the library's values.
pub fn array_source(p: &ArrayProgram) -> String {
    let mut w = ArrayWriter {
        lib: p.lib,
        scope: Scope::of(p),
    };
    let params: Vec<String> = p
        .params
        .iter()
        .map(|q| format!("{}: {}", q.name, param_type(p.lib, q.shape, q.pass)))
        .collect();
    let wrt = if p.wrt.is_empty() {
        String::new()
    } else {
        format!("(wrt({}))", p.wrt.join(", "))
    };
    let head = format!(
        "#[differentiable{wrt}]\npub fn {}({}) -> f64 {{",
        p.name,
        params.join(", ")
    );
    let body = w.statements(&p.body);
    let terms: Vec<String> = p.result.iter().map(|e| w.expr(e)).collect();
    function(head, body, terms.join(" + "))
}

/// The type of a parameter of shape `shape` passed as `pass`.
pub fn param_type(lib: Lib, shape: Shape, pass: Pass) -> String {
    let owned = match (lib, shape) {
        (_, Shape::Scalar) => return "f64".to_string(),
        (Lib::Ndarray, Shape::Vector(_)) if pass == Pass::View => "ArrayView1<f64>".to_string(),
        (Lib::Ndarray, Shape::Matrix(..)) if pass == Pass::View => "ArrayView2<f64>".to_string(),
        (Lib::Ndarray, Shape::Vector(_)) => "Array1<f64>".to_string(),
        (Lib::Ndarray, Shape::Matrix(..)) => "Array2<f64>".to_string(),
        (Lib::Dynamic, Shape::Vector(_)) => "DVector<f64>".to_string(),
        (Lib::Dynamic, Shape::Matrix(..)) => "DMatrix<f64>".to_string(),
        (Lib::Static, shape) => static_type(shape),
    };
    match pass {
        Pass::Ref => format!("&{owned}"),
        Pass::View | Pass::Owned => owned,
    }
}

/// A static nalgebra type: nalgebra's alias where it has one the transform knows
/// (`Vector3<f64>`, `Matrix2x3<f64>`), else `SVector<f64, N>`, `SMatrix<f64, R, C>`.
pub fn static_type(shape: Shape) -> String {
    match shape {
        Shape::Vector(n) if n <= 4 => format!("Vector{n}<f64>"),
        Shape::Vector(n) => format!("SVector<f64, {n}>"),
        Shape::Matrix(r, c) if r == c && (2..=4).contains(&r) => format!("Matrix{r}<f64>"),
        Shape::Matrix(r, c) if matches!((r, c), (2, 3) | (3, 2) | (3, 4) | (4, 3)) => {
            format!("Matrix{r}x{c}<f64>")
        }
        Shape::Matrix(r, c) => format!("SMatrix<f64, {r}, {c}>"),
        Shape::Scalar => "f64".to_string(),
    }
}

/// Writes the array version.
struct ArrayWriter {
    lib: Lib,
    scope: Scope,
}

impl ArrayWriter {
    /// The lines of `block`, whose bindings stay in scope (for the result, after the body).
    fn statements(&mut self, block: &[Stmt]) -> Vec<String> {
        let mut lines = Vec::new();
        for s in block {
            lines.extend(self.stmt(s));
            self.scope.bind(s);
        }
        lines
    }

    /// The lines of a nested block.
    fn block(&mut self, block: &[Stmt]) -> Vec<String> {
        let depth = self.scope.vars.len();
        let lines = self.statements(block);
        self.scope.vars.truncate(depth);
        lines
    }

    fn indented(&mut self, block: &[Stmt]) -> Vec<String> {
        self.block(block)
            .into_iter()
            .map(|l| format!("    {l}"))
            .collect()
    }

    fn stmt(&mut self, s: &Stmt) -> Vec<String> {
        match s {
            Stmt::Let { name, value } => vec![format!("let mut {name} = {};", self.owned(value))],
            Stmt::Assign {
                name,
                op: None,
                value,
            } => vec![format!("{name} = {};", self.owned(value))],
            Stmt::Assign {
                name,
                op: Some(op),
                value,
            } => {
                let rhs = if self.scope.shape_of(value).is_array() {
                    self.borrowed(value)
                } else {
                    bare(self.expr(value))
                };
                vec![format!("{name} {}= {rhs};", op.symbol())]
            }
            Stmt::If {
                lhs,
                greater,
                rhs,
                then,
                otherwise,
            } => {
                let cmp = if *greater { ">" } else { "<" };
                let mut lines = vec![format!(
                    "if {} {cmp} {} {{",
                    bare(self.expr(lhs)),
                    float(*rhs)
                )];
                lines.extend(self.indented(then));
                if !otherwise.is_empty() {
                    lines.push("} else {".to_string());
                    lines.extend(self.indented(otherwise));
                }
                lines.push("}".to_string());
                lines
            }
            Stmt::Rows { row, matrix, body } => {
                let shape = match self.scope.shape(matrix) {
                    Shape::Matrix(_, c) => Shape::Vector(c),
                    s => panic!("rows of {s:?}"),
                };
                let mut lines = vec![format!("for {row} in {matrix}.rows() {{")];
                self.scope.vars.push((row.clone(), shape, false));
                lines.extend(self.indented(body));
                self.scope.vars.pop();
                lines.push("}".to_string());
                lines
            }
            Stmt::For { index, bound, body } => {
                let mut lines = vec![format!("for {index} in 0..{bound} {{")];
                lines.extend(self.indented(body));
                lines.push("}".to_string());
                lines
            }
        }
    }

    /// `e` as an owned value, for a binding: a copy of a variable, an ndarray view made owned.
    fn owned(&self, e: &Expr) -> String {
        let copy = if self.lib == Lib::Ndarray {
            "to_owned"
        } else {
            "clone"
        };
        match e {
            Expr::Var(v) if self.scope.shape(v).is_array() => format!("{v}.{copy}()"),
            Expr::Row(..) | Expr::Column(..) | Expr::T(..) if self.lib == Lib::Ndarray => {
                format!("{}.to_owned()", self.expr(e))
            }
            _ => bare(self.expr(e)),
        }
    }

    /// Whether `e` is an ndarray view made in place (`m.row(1)`, `m.t()`).
    fn is_view(&self, e: &Expr) -> bool {
        self.lib == Lib::Ndarray && matches!(e, Expr::Row(..) | Expr::Column(..) | Expr::T(..))
    }

    /// `e` as an operand of `+ - * /`: an array variable borrowed (unless a reference
    /// parameter), a view borrowed, a temporary by value.
    fn operand(&self, e: &Expr) -> String {
        match e {
            Expr::Var(v) if self.scope.shape(v).is_array() && !self.scope.by_ref(v) => {
                format!("&{v}")
            }
            _ if self.is_view(e) => format!("&{}", self.expr(e)),
            _ => self.expr(e),
        }
    }

    /// `e` as the argument of `dot`, `cross`, `component_mul` or `+=`: a reference.
    fn borrowed(&self, e: &Expr) -> String {
        match e {
            Expr::Var(v) if self.scope.by_ref(v) => v.clone(),
            _ => format!("&{}", self.expr(e)),
        }
    }

    /// `e`, delimited.
    fn expr(&self, e: &Expr) -> String {
        let nd = self.lib == Lib::Ndarray;
        match e {
            Expr::Var(v) => v.clone(),
            Expr::Const(v) => float(*v),
            Expr::Filled(shape, v) => self.filled(*shape, *v),
            Expr::Neg(a) => format!("(-{})", self.operand(a)),
            Expr::Bin(op, a, b) => {
                format!("({} {} {})", self.operand(a), op.symbol(), self.operand(b))
            }
            Expr::Dot(a, b) => {
                let vectors = matches!(
                    (self.scope.shape_of(a), self.scope.shape_of(b)),
                    (Shape::Vector(_), Shape::Vector(_))
                );
                if nd || vectors {
                    format!("{}.dot({})", self.expr(a), self.borrowed(b))
                } else {
                    format!("({} * {})", self.operand(a), self.operand(b))
                }
            }
            Expr::Cross(a, b) => format!("{}.cross({})", self.expr(a), self.borrowed(b)),
            Expr::ComponentMul(a, b) => {
                format!("{}.component_mul({})", self.expr(a), self.borrowed(b))
            }
            Expr::Fun(f, style, a) => self.fun(*f, *style, a),
            Expr::Closure(a, body) => {
                format!(
                    "{}.mapv(|{ELEMENT}| {})",
                    self.expr(a),
                    bare(self.expr(body))
                )
            }
            Expr::Reduce(r, a) => {
                let method = match (r, nd) {
                    (Reduction::Sum, _) => "sum()",
                    (Reduction::Mean, true) => "mean().unwrap()",
                    (Reduction::Mean, false) => "mean()",
                    (Reduction::Norm, _) => "norm()",
                    (Reduction::NormSquared, _) => "norm_squared()",
                };
                format!("{}.{method}", self.expr(a))
            }
            Expr::SumAxis(axis, a) => format!("{}.sum_axis(Axis({axis}))", self.expr(a)),
            Expr::T(a) if nd => format!("{}.t()", self.expr(a)),
            Expr::T(a) => format!("{}.transpose()", self.expr(a)),
            Expr::Row(i, a) => format!("{}.row({})", self.expr(a), index(i)),
            Expr::Column(j, a) => format!("{}.column({})", self.expr(a), index(j)),
            Expr::Element(a, at) => {
                let at: Vec<String> = at.iter().map(index).collect();
                match (at.as_slice(), nd) {
                    ([i], _) => format!("{}[{i}]", self.expr(a)),
                    ([i, j], true) => format!("{}[[{i}, {j}]]", self.expr(a)),
                    (at, _) => format!("{}[({})]", self.expr(a), at.join(", ")),
                }
            }
            Expr::New(elements) => {
                let elements: Vec<String> = elements.iter().map(|e| bare(self.expr(e))).collect();
                format!("Vector{}::new({})", elements.len(), elements.join(", "))
            }
        }
    }

    /// An elementwise function of an array, or a method of a float.
    fn fun(&self, f: Fun, style: Style, a: &Expr) -> String {
        let call = |on: &str| match f {
            Fun::Powi(n) => format!("{on}.powi({n})"),
            Fun::Max(v) | Fun::Min(v) => format!("{on}.{}({})", f.name(), float(v)),
            _ => format!("{on}.{}()", f.name()),
        };
        let receiver = self.expr(a);
        let map = if self.lib == Lib::Ndarray {
            "mapv"
        } else {
            "map"
        };
        if !self.scope.shape_of(a).is_array() {
            return call(&receiver);
        }
        match style {
            Style::Method => call(&receiver),
            Style::Path => format!("{receiver}.{map}(f64::{})", f.name()),
            Style::Closure => format!("{receiver}.{map}(|{ELEMENT}| {})", call(ELEMENT)),
        }
    }

    /// A constant array of `shape`.
    fn filled(&self, shape: Shape, v: f64) -> String {
        let zero = v == 0.0;
        let v = float(v);
        match (self.lib, shape, zero) {
            (Lib::Ndarray, Shape::Vector(n), true) => format!("Array1::<f64>::zeros({n})"),
            (Lib::Ndarray, Shape::Vector(n), false) => {
                format!("Array1::<f64>::from_elem({n}, {v})")
            }
            (Lib::Ndarray, Shape::Matrix(r, c), true) => {
                format!("Array2::<f64>::zeros(({r}, {c}))")
            }
            (Lib::Ndarray, Shape::Matrix(r, c), false) => {
                format!("Array2::<f64>::from_elem(({r}, {c}), {v})")
            }
            (Lib::Static, Shape::Vector(n), true) => format!("SVector::<f64, {n}>::zeros()"),
            (Lib::Static, Shape::Vector(n), false) => {
                format!("SVector::<f64, {n}>::from_element({v})")
            }
            (Lib::Static, Shape::Matrix(r, c), true) => {
                format!("SMatrix::<f64, {r}, {c}>::zeros()")
            }
            (Lib::Static, Shape::Matrix(r, c), false) => {
                format!("SMatrix::<f64, {r}, {c}>::from_element({v})")
            }
            (Lib::Dynamic, Shape::Vector(n), true) => format!("DVector::<f64>::zeros({n})"),
            (Lib::Dynamic, Shape::Vector(n), false) => {
                format!("DVector::<f64>::from_element({n}, {v})")
            }
            (Lib::Dynamic, Shape::Matrix(r, c), true) => format!("DMatrix::<f64>::zeros({r}, {c})"),
            (Lib::Dynamic, Shape::Matrix(r, c), false) => {
                format!("DMatrix::<f64>::from_element({r}, {c}, {v})")
            }
            (_, Shape::Scalar, _) => v,
        }
    }
}

fn index(i: &Index) -> String {
    match i {
        Index::Const(k) => k.to_string(),
        Index::Var(v) => v.clone(),
    }
}

/// The reference: the same computation over slices (matrices by rows) with loops, generic
/// over `T: Float`, for `mod loops`.
pub fn loops_source(p: &ArrayProgram) -> String {
    let mut w = LoopsWriter {
        scope: Scope::of(p),
    };
    let params: Vec<String> = p
        .params
        .iter()
        .map(|q| match q.shape {
            Shape::Scalar => format!("{}: T", q.name),
            _ => format!("{}: &[T]", q.name),
        })
        .collect();
    let head = format!("pub fn {}<T: Float>({}) -> T {{", p.name, params.join(", "));
    let body = w.statements(&p.body);
    let terms: Vec<String> = p.result.iter().map(|e| w.expr(e)).collect();
    function(head, body, terms.join(" + "))
}

/// Writes the reference version.
struct LoopsWriter {
    scope: Scope,
}

impl LoopsWriter {
    /// The lines of `block`, whose bindings stay in scope (for the result, after the body).
    fn statements(&mut self, block: &[Stmt]) -> Vec<String> {
        let mut lines = Vec::new();
        for s in block {
            lines.extend(self.stmt(s));
            self.scope.bind(s);
        }
        lines
    }

    /// The lines of a nested block.
    fn block(&mut self, block: &[Stmt]) -> Vec<String> {
        let depth = self.scope.vars.len();
        let lines = self.statements(block);
        self.scope.vars.truncate(depth);
        lines
    }

    fn indented(&mut self, block: &[Stmt]) -> Vec<String> {
        self.block(block)
            .into_iter()
            .map(|l| format!("    {l}"))
            .collect()
    }

    fn stmt(&mut self, s: &Stmt) -> Vec<String> {
        match s {
            Stmt::Let { name, value } => vec![format!("let mut {name} = {};", self.owned(value))],
            Stmt::Assign { name, op, value } => {
                let value = match op {
                    None => self.owned(value),
                    Some(op) => bare(self.expr(&Expr::bin(*op, Expr::var(name), value.clone()))),
                };
                vec![format!("{name} = {value};")]
            }
            Stmt::If {
                lhs,
                greater,
                rhs,
                then,
                otherwise,
            } => {
                let cmp = if *greater { ">" } else { "<" };
                let mut lines = vec![format!(
                    "if {} {cmp} {} {{",
                    bare(self.expr(lhs)),
                    constant(*rhs)
                )];
                lines.extend(self.indented(then));
                if !otherwise.is_empty() {
                    lines.push("} else {".to_string());
                    lines.extend(self.indented(otherwise));
                }
                lines.push("}".to_string());
                lines
            }
            Stmt::Rows { row, matrix, body } => {
                let (r, c) = match self.scope.shape(matrix) {
                    Shape::Matrix(r, c) => (r, c),
                    s => panic!("rows of {s:?}"),
                };
                let counter = format!("i_{row}");
                let mut lines = vec![
                    format!("for {counter} in 0..{r} {{"),
                    format!("    let {row} = row(&{matrix}, {c}, {counter});"),
                ];
                self.scope.vars.push((row.clone(), Shape::Vector(c), false));
                lines.extend(self.indented(body));
                self.scope.vars.pop();
                lines.push("}".to_string());
                lines
            }
            Stmt::For { index, bound, body } => {
                let mut lines = vec![format!("for {index} in 0..{bound} {{")];
                lines.extend(self.indented(body));
                lines.push("}".to_string());
                lines
            }
        }
    }

    /// `e` as an owned value: a copy of an array variable.
    fn owned(&self, e: &Expr) -> String {
        match e {
            Expr::Var(v) if self.scope.shape(v).is_array() => format!("{v}.to_vec()"),
            _ => bare(self.expr(e)),
        }
    }

    fn shape(&self, e: &Expr) -> Shape {
        self.scope.shape_of(e)
    }

    /// `e`, delimited: a `T` for a float, a `Vec<T>` or a slice for an array.
    fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::Var(v) => v.clone(),
            Expr::Const(v) => constant(*v),
            Expr::Filled(shape, v) => format!("vec![{}; {}]", constant(*v), shape.len()),
            Expr::Neg(a) if self.shape(a).is_array() => format!("map(&{}, |q| -q)", self.expr(a)),
            Expr::Neg(a) => format!("(-{})", self.expr(a)),
            Expr::Bin(op, a, b) => self.bin(*op, a, b),
            Expr::Dot(a, b) => {
                let (x, y) = (self.expr(a), self.expr(b));
                match (self.shape(a), self.shape(b)) {
                    (Shape::Vector(_), Shape::Vector(_)) => format!("vdot(&{x}, &{y})"),
                    (Shape::Matrix(r, c), Shape::Vector(_)) => {
                        format!("matvec(&{x}, &{y}, {r}, {c})")
                    }
                    (Shape::Vector(_), Shape::Matrix(r, c)) => {
                        format!("vecmat(&{x}, &{y}, {r}, {c})")
                    }
                    (Shape::Matrix(r, m), Shape::Matrix(_, c)) => {
                        format!("matmul(&{x}, &{y}, {r}, {m}, {c})")
                    }
                    (a, b) => panic!("no product of {a:?} and {b:?}"),
                }
            }
            Expr::Cross(a, b) => format!("cross(&{}, &{})", self.expr(a), self.expr(b)),
            Expr::ComponentMul(a, b) => {
                format!("zip(&{}, &{}, |p, q| p * q)", self.expr(a), self.expr(b))
            }
            Expr::Fun(f, _, a) => {
                if self.shape(a).is_array() {
                    format!("map(&{}, |q| {})", self.expr(a), method(*f, "q"))
                } else {
                    method(*f, &self.expr(a))
                }
            }
            Expr::Closure(a, body) => {
                format!(
                    "map(&{}, |{ELEMENT}| {})",
                    self.expr(a),
                    bare(self.expr(body))
                )
            }
            Expr::Reduce(r, a) => {
                let f = match r {
                    Reduction::Sum => "sum",
                    Reduction::Mean => "mean",
                    Reduction::Norm => "norm",
                    Reduction::NormSquared => "norm_squared",
                };
                format!("{f}(&{})", self.expr(a))
            }
            Expr::SumAxis(axis, a) => {
                let Shape::Matrix(r, c) = self.shape(a) else {
                    panic!("sum_axis of a matrix")
                };
                let f = if *axis == 0 {
                    "sum_rows"
                } else {
                    "sum_columns"
                };
                format!("{f}(&{}, {r}, {c})", self.expr(a))
            }
            Expr::T(a) => match self.shape(a) {
                Shape::Matrix(r, c) => format!("transpose(&{}, {r}, {c})", self.expr(a)),
                _ => self.expr(a),
            },
            Expr::Row(i, a) => {
                let Shape::Matrix(_, c) = self.shape(a) else {
                    panic!("row of a matrix")
                };
                format!("row(&{}, {c}, {})", self.expr(a), index(i))
            }
            Expr::Column(j, a) => {
                let Shape::Matrix(r, c) = self.shape(a) else {
                    panic!("column of a matrix")
                };
                format!("column(&{}, {r}, {c}, {})", self.expr(a), index(j))
            }
            Expr::Element(a, at) => {
                let flat = match (self.shape(a), at.as_slice()) {
                    (Shape::Matrix(_, c), [i, j]) => match (i, j) {
                        (Index::Const(i), Index::Const(j)) => (i * c + j).to_string(),
                        _ => format!("{} * {c} + {}", index(i), index(j)),
                    },
                    (_, [i]) => index(i),
                    (s, at) => panic!("{at:?} into {s:?}"),
                };
                format!("{}[{flat}]", self.expr(a))
            }
            Expr::New(elements) => {
                let elements: Vec<String> = elements.iter().map(|e| bare(self.expr(e))).collect();
                format!("vec![{}]", elements.join(", "))
            }
        }
    }

    /// `a op b` by the shapes: of floats, elementwise (broadcast), with a float on either side.
    fn bin(&self, op: Op, a: &Expr, b: &Expr) -> String {
        let (x, y, o) = (self.expr(a), self.expr(b), op.symbol());
        match (self.shape(a).is_array(), self.shape(b).is_array()) {
            (false, false) => format!("({x} {o} {y})"),
            (true, true) => format!("zip(&{x}, &{y}, |p, q| p {o} q)"),
            (true, false) => format!("with(&{x}, {y}, |p, q| p {o} q)"),
            (false, true) => format!("with(&{y}, {x}, |p, q| q {o} p)"),
        }
    }
}

/// A constant of `T`.
fn constant(v: f64) -> String {
    format!("k::<T>({v:?})")
}

/// The method `f` of the float `on`.
fn method(f: Fun, on: &str) -> String {
    match f {
        Fun::Powi(n) => format!("{on}.powi({n})"),
        Fun::Max(v) | Fun::Min(v) => format!("{on}.{}({})", f.name(), constant(v)),
        _ => format!("{on}.{}()", f.name()),
    }
}
