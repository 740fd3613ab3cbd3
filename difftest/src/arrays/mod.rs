//! Array programs: functions over ndarray or nalgebra values, described once
//! ([`ArrayProgram`]) and written twice from the description ([`render`]): as the
//! `#[differentiable]` function over `f64` and the libraries' values that is checked, and as a
//! plain function generic over `T: Float` with loops over slices, `mod loops`, which the
//! harness runs on dual numbers as the reference ([`check`]). The array rules of the runtime
//! take `f32` and `f64` only, so the reference shares no code with them.
//!
//! A program takes floats, vectors and matrices of one library ([`Lib`]), computes values of
//! those shapes by the operations the transform accepts (see [`Expr`] and [`Stmt`]), and
//! returns the sum of a few floats ([`ArrayProgram::result`]). Its shapes are fixed: the
//! point of a program is its parameters' elements in one flat vector, matrices by rows.

pub mod check;
pub mod render;
pub mod shrink;

/// The library of a program's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lib {
    /// ndarray: `Array1<f64>`, `Array2<f64>`, their views and references.
    Ndarray,
    /// nalgebra of static sizes: `SVector<f64, N>`, `SMatrix<f64, R, C>` (`Vector3<f64>`,
    /// `Matrix3<f64>`), by value or by reference.
    Static,
    /// nalgebra of dynamic sizes: `DVector<f64>`, `DMatrix<f64>`.
    Dynamic,
}

impl Lib {
    pub fn is_nalgebra(self) -> bool {
        self != Lib::Ndarray
    }
}

/// The shape of a value: a float, a vector or a matrix (rows, columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Scalar,
    Vector(usize),
    Matrix(usize, usize),
}

impl Shape {
    /// How many floats it holds.
    pub fn len(self) -> usize {
        match self {
            Shape::Scalar => 1,
            Shape::Vector(n) => n,
            Shape::Matrix(r, c) => r * c,
        }
    }

    pub fn is_array(self) -> bool {
        self != Shape::Scalar
    }
}

/// How a parameter of an array type is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// `&Array2<f64>`, `&Matrix3<f64>`.
    Ref,
    /// `ArrayView2<f64>` (ndarray only).
    View,
    /// `Array2<f64>`, `Matrix3<f64>`: by value.
    Owned,
}

/// A parameter: a float (`s2: f64`) or an array.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub shape: Shape,
    pub pass: Pass,
}

/// `+ - * /`: of floats, elementwise between arrays (ndarray broadcasts a vector over the
/// rows of a matrix), or between an array and a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }
}

/// A reduction of an array to a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    Sum,
    Mean,
    /// nalgebra only.
    Norm,
    /// nalgebra only.
    NormSquared,
}

/// A function of one float, elementwise on an array. The generator keeps each in its domain:
/// `ln`, `sqrt` and `recip` of `a² + 1`, `exp` of `tanh(a)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fun {
    Exp,
    Ln,
    Tanh,
    Sin,
    Cos,
    Sqrt,
    Recip,
    Abs,
    Powi(i32),
    /// `max` with a constant.
    Max(f64),
    /// `min` with a constant.
    Min(f64),
}

impl Fun {
    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Fun::Exp => "exp",
            Fun::Ln => "ln",
            Fun::Tanh => "tanh",
            Fun::Sin => "sin",
            Fun::Cos => "cos",
            Fun::Sqrt => "sqrt",
            Fun::Recip => "recip",
            Fun::Abs => "abs",
            Fun::Powi(_) => "powi",
            Fun::Max(_) => "max",
            Fun::Min(_) => "min",
        }
    }

    /// Whether it takes no argument, so that it can be given to `mapv`/`map` as a path.
    pub fn is_plain(self) -> bool {
        !matches!(self, Fun::Powi(_) | Fun::Max(_) | Fun::Min(_))
    }
}

/// How an elementwise function of an array is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `a.exp()`, `a.powi(2)` (ndarray).
    Method,
    /// `a.mapv(f64::exp)`, `m.map(f64::exp)`.
    Path,
    /// `a.mapv(|q| q.exp())`, `m.map(|q| q.exp())`.
    Closure,
}

/// An index: a constant or a loop's counter.
#[derive(Clone, Debug, PartialEq)]
pub enum Index {
    Const(usize),
    Var(String),
}

/// An expression of a float or an array. [`Expr::shape`] gives its shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Var(String),
    Const(f64),
    /// An array of one constant: `Array1::<f64>::zeros(3)`, `DMatrix::<f64>::from_element(..)`.
    Filled(Shape, f64),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    /// ndarray's `dot` (vector·vector, matrix·vector, vector·matrix, matrix·matrix); with
    /// nalgebra, `dot` of two vectors and `*` of a matrix and a vector or matrix.
    Dot(Box<Expr>, Box<Expr>),
    /// nalgebra's `cross` of two vectors of three.
    Cross(Box<Expr>, Box<Expr>),
    /// nalgebra's `component_mul`.
    ComponentMul(Box<Expr>, Box<Expr>),
    /// An elementwise function of an array, or a method of a float.
    Fun(Fun, Style, Box<Expr>),
    /// ndarray's `a.mapv(|q| body)`: the body a float expression of `q` and the floats in
    /// scope.
    Closure(Box<Expr>, Box<Expr>),
    Reduce(Reduction, Box<Expr>),
    /// ndarray's `sum_axis(Axis(k))`.
    SumAxis(usize, Box<Expr>),
    /// ndarray's `t()` (of a variable), nalgebra's `transpose()`.
    T(Box<Expr>),
    /// ndarray's `row(i)`.
    Row(Index, Box<Expr>),
    /// ndarray's `column(j)`.
    Column(Index, Box<Expr>),
    /// `a[i]`, `a[[i, j]]`, `m[(i, j)]`.
    Element(Box<Expr>, Vec<Index>),
    /// nalgebra's `Vector3::new(..)` of floats.
    New(Vec<Expr>),
}

/// The name a `mapv` closure binds its element to.
pub const ELEMENT: &str = "q";

impl Expr {
    pub fn var(name: &str) -> Expr {
        Expr::Var(name.to_string())
    }

    pub fn bin(op: Op, a: Expr, b: Expr) -> Expr {
        Expr::Bin(op, Box::new(a), Box::new(b))
    }

    /// Its shape, with `shape_of` giving the variables'.
    pub fn shape(&self, shape_of: &dyn Fn(&str) -> Shape) -> Shape {
        match self {
            Expr::Var(v) => shape_of(v),
            Expr::Const(_) | Expr::Reduce(..) | Expr::Element(..) => Shape::Scalar,
            Expr::Filled(s, _) => *s,
            Expr::Neg(a) | Expr::Fun(_, _, a) | Expr::Closure(a, _) | Expr::ComponentMul(a, _) => {
                a.shape(shape_of)
            }
            Expr::Bin(_, a, b) => match (a.shape(shape_of), b.shape(shape_of)) {
                (Shape::Scalar, s) => s,
                (s @ Shape::Matrix(..), _) | (_, s @ Shape::Matrix(..)) => s,
                (s, _) => s,
            },
            Expr::Dot(a, b) => match (a.shape(shape_of), b.shape(shape_of)) {
                (Shape::Vector(_), Shape::Vector(_)) => Shape::Scalar,
                (Shape::Matrix(r, _), Shape::Vector(_)) => Shape::Vector(r),
                (Shape::Vector(_), Shape::Matrix(_, c)) => Shape::Vector(c),
                (Shape::Matrix(r, _), Shape::Matrix(_, c)) => Shape::Matrix(r, c),
                (a, b) => panic!("no product of {a:?} and {b:?}"),
            },
            Expr::Cross(..) => Shape::Vector(3),
            Expr::SumAxis(axis, a) => match (axis, a.shape(shape_of)) {
                (0, Shape::Matrix(_, c)) => Shape::Vector(c),
                (_, Shape::Matrix(r, _)) => Shape::Vector(r),
                (_, s) => panic!("sum_axis of {s:?}"),
            },
            Expr::T(a) => match a.shape(shape_of) {
                Shape::Matrix(r, c) => Shape::Matrix(c, r),
                s => s,
            },
            Expr::Row(_, a) => match a.shape(shape_of) {
                Shape::Matrix(_, c) => Shape::Vector(c),
                s => panic!("row of {s:?}"),
            },
            Expr::Column(_, a) => match a.shape(shape_of) {
                Shape::Matrix(r, _) => Shape::Vector(r),
                s => panic!("column of {s:?}"),
            },
            Expr::New(elements) => Shape::Vector(elements.len()),
        }
    }

    /// The expressions directly inside it (a closure's body aside: it reads its element and
    /// the floats in scope, not values).
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Var(_) | Expr::Const(_) | Expr::Filled(..) => Vec::new(),
            Expr::Neg(a)
            | Expr::Fun(_, _, a)
            | Expr::Reduce(_, a)
            | Expr::SumAxis(_, a)
            | Expr::T(a)
            | Expr::Row(_, a)
            | Expr::Column(_, a)
            | Expr::Element(a, _) => vec![a],
            Expr::Closure(a, body) => vec![a, body],
            Expr::Bin(_, a, b) | Expr::Dot(a, b) | Expr::Cross(a, b) | Expr::ComponentMul(a, b) => {
                vec![a, b]
            }
            Expr::New(elements) => elements.iter().collect(),
        }
    }

    /// The same, to replace them.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Expr::Var(_) | Expr::Const(_) | Expr::Filled(..) => Vec::new(),
            Expr::Neg(a)
            | Expr::Fun(_, _, a)
            | Expr::Reduce(_, a)
            | Expr::SumAxis(_, a)
            | Expr::T(a)
            | Expr::Row(_, a)
            | Expr::Column(_, a)
            | Expr::Element(a, _) => vec![a],
            Expr::Closure(a, body) => vec![a, body],
            Expr::Bin(_, a, b) | Expr::Dot(a, b) | Expr::Cross(a, b) | Expr::ComponentMul(a, b) => {
                vec![a, b]
            }
            Expr::New(elements) => elements.iter_mut().collect(),
        }
    }

    /// Whether it reads the variable `name`.
    pub fn reads(&self, name: &str) -> bool {
        let index_reads = |i: &Index| matches!(i, Index::Var(v) if v == name);
        match self {
            Expr::Var(v) => v == name,
            Expr::Row(i, _) | Expr::Column(i, _) if index_reads(i) => true,
            Expr::Element(_, indices) if indices.iter().any(index_reads) => true,
            _ => self.children().iter().any(|c| c.reads(name)),
        }
    }

    /// Whether some node of it satisfies `p`.
    pub fn any(&self, p: &dyn Fn(&Expr) -> bool) -> bool {
        p(self) || self.children().iter().any(|c| c.any(p))
    }
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `let mut name = value;`
    Let { name: String, value: Expr },
    /// `name = value;`, or `name op= value;` with `op`.
    Assign {
        name: String,
        op: Option<Op>,
        value: Expr,
    },
    /// `if lhs > rhs { .. } else { .. }` (`<` when not `greater`).
    If {
        lhs: Expr,
        greater: bool,
        rhs: f64,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
    },
    /// ndarray's `for row in matrix.rows() { .. }`, `row` a vector in the body.
    Rows {
        row: String,
        matrix: String,
        body: Vec<Stmt>,
    },
    /// `for index in 0..bound { .. }`.
    For {
        index: String,
        bound: usize,
        body: Vec<Stmt>,
    },
}

impl Stmt {
    /// The blocks inside it.
    pub fn blocks(&self) -> Vec<&Vec<Stmt>> {
        match self {
            Stmt::Let { .. } | Stmt::Assign { .. } => Vec::new(),
            Stmt::If {
                then, otherwise, ..
            } => vec![then, otherwise],
            Stmt::Rows { body, .. } | Stmt::For { body, .. } => vec![body],
        }
    }

    /// Whether it, or a statement inside it, reads the variable `name`.
    pub fn reads(&self, name: &str) -> bool {
        let own = match self {
            Stmt::Let { value, .. } => value.reads(name),
            Stmt::Assign {
                name: target,
                op,
                value,
            } => value.reads(name) || (op.is_some() && target == name),
            Stmt::If { lhs, .. } => lhs.reads(name),
            Stmt::Rows { matrix, .. } => matrix == name,
            Stmt::For { .. } => false,
        };
        own || self
            .blocks()
            .iter()
            .any(|b| b.iter().any(|s| s.reads(name)))
    }
}

/// One array program.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrayProgram {
    /// `aK`.
    pub name: String,
    pub lib: Lib,
    pub params: Vec<Param>,
    /// The parameters it is differentiated with respect to, in parameter order; empty for all.
    pub wrt: Vec<String>,
    pub body: Vec<Stmt>,
    /// Float expressions: the result is their sum.
    pub result: Vec<Expr>,
}

impl ArrayProgram {
    /// Whether it is differentiated with respect to the parameter `name`.
    pub fn differentiates(&self, name: &str) -> bool {
        self.wrt.is_empty() || self.wrt.iter().any(|w| w == name)
    }

    /// The coordinates of parameter `k` in the flat point: the elements of the parameters
    /// before it, then its own.
    pub fn coordinates(&self, k: usize) -> std::ops::Range<usize> {
        let start: usize = self.params[..k].iter().map(|p| p.shape.len()).sum();
        start..start + self.params[k].shape.len()
    }

    /// How many floats its point has.
    pub fn point_len(&self) -> usize {
        self.params.iter().map(|p| p.shape.len()).sum()
    }

    /// The number of statements, nested ones included, and result terms: what the shrinker
    /// reduces.
    #[cfg(test)]
    pub fn size(&self) -> usize {
        fn count(block: &[Stmt]) -> usize {
            block
                .iter()
                .map(|s| 1 + s.blocks().iter().map(|b| count(b)).sum::<usize>())
                .sum()
        }
        count(&self.body) + self.result.len()
    }
}
