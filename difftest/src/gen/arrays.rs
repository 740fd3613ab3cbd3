//! The generator of array programs ([`crate::arrays`]): random functions over the values of
//! one library, in the operations the transform accepts on them (README, "ndarray and
//! nalgebra").
//!
//! A program takes two to four parameters, floats, vectors and matrices of sizes 1 to 4
//! (nalgebra's static sizes 2 to 4, three more often, for `cross`), each passed by reference,
//! by value or (ndarray) as a view; one in five is differentiated with respect to some of
//! them only (`wrt`), the others being data. Its body binds values (`let mut v3 = ..;`),
//! reassigns them (`v3 = &v3 * 0.5 + ..;`, also from themselves), updates them in place
//! (`v3 += &u1;`, `v3 *= s2;`), branches on floats, and loops: ndarray's `for r5 in m0.rows()`
//! into an accumulator made by `Array1::zeros`, and `for i6 in 0..n` whose body reads elements,
//! rows and columns at the counter. Its result is the sum of a float of each value it bound.
//!
//! Expressions, by library:
//!
//! - ndarray: `dot` (vector·vector, matrix·vector, vector·matrix, matrix·matrix), `+ - * /`
//!   between arrays of one shape, between a matrix and a vector of its columns' length on
//!   either side (broadcast), and with floats on either side, unary `-`, the elementwise
//!   `exp ln tanh sin cos sqrt recip abs powi` as methods, `mapv(f64::tanh)` paths and
//!   `mapv(|q| q.tanh())` closures (and `max`, `min` with a constant, in closures),
//!   `mapv(|q| ..)` of float arithmetic of `q` and the floats in scope, `sum()`,
//!   `mean().unwrap()`, `sum_axis(Axis(k))`, `t()` of a variable, `row(i)`, `column(j)`,
//!   `a[i]`, `a[[i, j]]`, constant arrays (`Array2::<f64>::from_elem((2, 3), 0.5)`);
//! - nalgebra: `*` of a matrix and a vector or a matrix, `dot`, `cross` (static vectors of
//!   three), `+ -` of one shape, `*` by a float on either side, `/` by a float,
//!   `component_mul`, unary `-`, `map(f64::tanh)` and `map(|q| q.tanh())` of the elementwise
//!   functions, `sum()`, `mean()`, `norm()`,
//!   `norm_squared()`, `transpose()`, `v[i]`, `m[(i, j)]`, `Vector3::new(..)` of floats
//!   (static; it and what is computed from it are kept out of loops and conditions, where
//!   they do not compile), constant values;
//! - floats: `+ - * /`, `tanh sin cos abs powi`, `exp` of `tanh`, `ln sqrt recip` of `a² + 1`,
//!   reductions and elements of arrays, parameters and constants.
//!
//! Every function is kept in its domain as [`crate::gen`] does for floats: `ln`, `sqrt`,
//! `recip` and divisors are `a² + 1` (elementwise, `a.component_mul(&a) + 1` with nalgebra),
//! `exp` is of `tanh(a)`, and `max`/`min` compare with a constant that is not 0. See
//! docs/difftest.md for what the first batches found.

use super::Rng;
use crate::arrays::{
    ArrayProgram, Expr, Fun, Index, Lib, Op, Param, Pass, Reduction, Shape, Stmt, Style, ELEMENT,
};

/// `count` array programs `a0`, `a1`, ... from `seed`; with `known_bugs`, also in what the
/// transform has a known bug in (nothing at the moment).
pub fn array_batch(seed: u64, count: usize, known_bugs: bool) -> Vec<ArrayProgram> {
    let mut rng = Rng::new(seed ^ 0xa77a_75ee_d000_0000);
    (0..count)
        .map(|k| program(&mut rng, &format!("a{k}"), known_bugs))
        .collect()
}

/// A variable in scope: its name, shape, whether the body may assign it (a local), and
/// whether its value comes from nalgebra's `::new(..)` of floats, which the transform does not
/// take in a condition nor in a loop (see docs/difftest.md).
struct Var {
    name: String,
    shape: Shape,
    local: bool,
    built: bool,
}

/// The state of one program being written.
struct Writer<'a> {
    rng: &'a mut Rng,
    lib: Lib,
    /// The sizes its shapes take.
    dims: Vec<usize>,
    vars: Vec<Var>,
    /// The loop counters in scope, with their bounds.
    counters: Vec<(String, usize)>,
    /// Whether the expression being written is the body of a `mapv` closure: floats only,
    /// of its element and the floats in scope.
    in_closure: bool,
    /// Whether the expression being written is a condition.
    in_condition: bool,
    /// How many loops are around the statement being written.
    loops: usize,
    /// The matrices the loops over rows around iterate, which their bodies cannot assign.
    iterated: Vec<String>,
    /// `--known-bugs`: write what the transform has a known bug in. Nothing at the moment:
    /// the bugs the first array batches found are fixed (see docs/difftest.md).
    #[allow(dead_code)]
    known_bugs: bool,
    next: usize,
}

fn program(rng: &mut Rng, name: &str, known_bugs: bool) -> ArrayProgram {
    let lib = match rng.below(4) {
        0 | 1 => Lib::Ndarray,
        2 => Lib::Static,
        _ => Lib::Dynamic,
    };
    let dims: Vec<usize> = (0..3)
        .map(|_| match lib {
            Lib::Static if rng.chance(50) => 3,
            Lib::Static => 2 + rng.below(3),
            _ => 1 + rng.below(4),
        })
        .collect();
    let mut w = Writer {
        rng,
        lib,
        dims,
        vars: Vec::new(),
        counters: Vec::new(),
        in_closure: false,
        in_condition: false,
        loops: 0,
        iterated: Vec::new(),
        known_bugs,
        next: 0,
    };
    let params = w.params();
    let wrt = w.wrt(&params);
    let statements = 3 + w.rng.below(5);
    let body: Vec<Stmt> = (0..statements).flat_map(|_| w.statement(0)).collect();
    let result = w.result();
    ArrayProgram {
        name: name.to_string(),
        lib,
        params,
        wrt,
        body,
        result,
    }
}

impl Writer<'_> {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn dim(&mut self) -> usize {
        self.dims[self.rng.below(self.dims.len())]
    }

    /// A vector or a matrix of the program's sizes.
    fn array_shape(&mut self) -> Shape {
        if self.rng.chance(50) {
            Shape::Vector(self.dim())
        } else {
            Shape::Matrix(self.dim(), self.dim())
        }
    }

    /// Two to four parameters, at least one an array.
    fn params(&mut self) -> Vec<Param> {
        let count = 2 + self.rng.below(3);
        let mut params = Vec::new();
        for k in 0..count {
            let shape = if k == 0 || self.rng.chance(70) {
                self.array_shape()
            } else {
                Shape::Scalar
            };
            let prefix = match shape {
                Shape::Scalar => "s",
                Shape::Vector(_) => "u",
                Shape::Matrix(..) => "m",
            };
            let pass = match (self.lib, self.rng.below(4)) {
                (_, 0 | 1) => Pass::Ref,
                (Lib::Ndarray, 2) => Pass::View,
                _ => Pass::Owned,
            };
            let name = format!("{prefix}{k}");
            self.vars.push(Var {
                name: name.clone(),
                shape,
                local: false,
                built: false,
            });
            params.push(Param { name, shape, pass });
        }
        self.next = count;
        params
    }

    /// One program in five is differentiated with respect to some of its parameters only.
    fn wrt(&mut self, params: &[Param]) -> Vec<String> {
        if !self.rng.chance(20) {
            return Vec::new();
        }
        let mut wrt: Vec<String> = params
            .iter()
            .filter(|_| self.rng.chance(50))
            .map(|p| p.name.clone())
            .collect();
        if wrt.is_empty() || wrt.len() == params.len() {
            wrt = vec![params[self.rng.below(params.len())].name.clone()];
        }
        wrt
    }

    /// The variables of shape `shape` in scope (the element of a closure aside); in a
    /// condition or a loop, not those built by `::new(..)`.
    fn of_shape(&self, shape: Shape) -> Vec<String> {
        let fenced = self.in_condition || self.loops > 0;
        self.vars
            .iter()
            .filter(|v| v.shape == shape && !(fenced && v.built))
            .map(|v| v.name.clone())
            .collect()
    }

    /// The locals the body may assign; in a loop, not those built by `::new(..)`, nor the
    /// matrix a loop over rows iterates.
    fn locals(&self) -> Vec<(String, Shape)> {
        self.vars
            .iter()
            .filter(|v| v.local && !(self.loops > 0 && v.built) && !self.iterated.contains(&v.name))
            .map(|v| (v.name.clone(), v.shape))
            .collect()
    }

    /// Whether `e` builds a value by `::new(..)` or reads one built so.
    fn builds(&self, e: &Expr) -> bool {
        e.any(&|e| match e {
            Expr::New(_) => true,
            Expr::Var(v) => self.vars.iter().any(|w| w.built && &w.name == v),
            _ => false,
        })
    }

    /// Marks the local `name` built by `::new(..)` when `value`, assigned to it, is.
    fn assigned(&mut self, name: &str, value: &Expr) {
        let built = self.builds(value);
        if let Some(v) = self.vars.iter_mut().find(|v| v.name == name) {
            v.built |= built;
        }
    }

    fn constant(&mut self) -> f64 {
        let v = (self.rng.float(-2.0, 2.0) * 100.0).round() / 100.0;
        if v == 0.0 {
            0.25
        } else {
            v
        }
    }

    /// A statement (with the accumulator a loop over rows starts from, two), at nesting
    /// `depth`: bindings at the top only, assignments, updates, branches and loops.
    fn statement(&mut self, depth: usize) -> Vec<Stmt> {
        let has_locals = !self.locals().is_empty();
        let roll = self.rng.below(100);
        match roll {
            0..=39 if depth == 0 => vec![self.binding()],
            40..=54 if has_locals => vec![self.assignment()],
            55..=66 if has_locals => vec![self.update()],
            67..=76 if has_locals && depth < 2 => vec![self.branch(depth)],
            77..=86 if depth == 0 && self.lib == Lib::Ndarray => self.rows_loop(),
            87..=99 if depth == 0 && has_locals => vec![self.counted_loop()],
            _ if depth == 0 => vec![self.binding()],
            _ if has_locals => vec![self.assignment()],
            _ => Vec::new(),
        }
    }

    /// `let mut vK = ..;` of a random shape.
    fn binding(&mut self) -> Stmt {
        let shape = if self.rng.chance(75) {
            self.array_shape()
        } else {
            Shape::Scalar
        };
        let depth = 2 + self.rng.below(2);
        let value = self.expr(shape, depth);
        let name = self.fresh("v");
        let built = self.builds(&value);
        self.vars.push(Var {
            name: name.clone(),
            shape,
            local: true,
            built,
        });
        Stmt::Let { name, value }
    }

    /// A local and a value of its shape, which reads it half of the time
    /// (`v3 = (&v3 * 0.5) + ..`). In a loop, a value that reads its local goes through `tanh`:
    /// a matrix multiplied by itself at each of four iterations grows to a polynomial of
    /// degree 16 (entries of 1e9 and more), whose derivatives two summation orders (ndarray's
    /// products and the reference's loops) round apart.
    fn assignment(&mut self) -> Stmt {
        let locals = self.locals();
        let (name, shape) = locals[self.rng.below(locals.len())].clone();
        let fresh = self.expr(shape, 2);
        let mut value = if self.rng.chance(50) {
            let carried = Expr::bin(Op::Mul, Expr::Var(name.clone()), Expr::Const(0.5));
            Expr::bin(Op::Add, carried, fresh)
        } else {
            fresh
        };
        if self.loops > 0 && value.reads(&name) {
            let style = self.style(Fun::Tanh);
            value = Expr::Fun(Fun::Tanh, style, Box::new(value));
        }
        self.assigned(&name, &value);
        Stmt::Assign {
            name,
            op: None,
            value,
        }
    }

    /// `v op= ..;`: with an array of its shape, a vector broadcast over a matrix's rows
    /// (ndarray) or a float; divisors are kept positive. nalgebra takes `+=`, `-=` of its
    /// shape and `*=`, `/=` by a float. The right-hand side does not read `v` (`v *= &v`
    /// borrows it twice).
    fn update(&mut self) -> Stmt {
        let locals = self.locals();
        let (name, shape) = locals[self.rng.below(locals.len())].clone();
        let op = [Op::Add, Op::Sub, Op::Mul, Op::Div][self.rng.below(4)];
        let rhs_shape = match (shape, self.lib, op) {
            (Shape::Scalar, _, _) => Shape::Scalar,
            (_, Lib::Static | Lib::Dynamic, Op::Add | Op::Sub) => shape,
            (_, Lib::Static | Lib::Dynamic, _) => Shape::Scalar,
            _ if self.rng.chance(30) => Shape::Scalar,
            (Shape::Matrix(_, c), _, _) if self.rng.chance(30) => Shape::Vector(c),
            _ => shape,
        };
        let position = self
            .vars
            .iter()
            .position(|v| v.name == name)
            .expect("in scope");
        let hidden = self.vars.remove(position);
        let value = if op == Op::Div {
            let a = self.expr(rhs_shape, 1);
            self.positive(a, rhs_shape)
        } else {
            self.expr(rhs_shape, 2)
        };
        self.vars.insert(position, hidden);
        self.assigned(&name, &value);
        Stmt::Assign {
            name,
            op: Some(op),
            value,
        }
    }

    /// `if f > k { .. } else { .. }` with assignments and updates in its arms.
    fn branch(&mut self, depth: usize) -> Stmt {
        self.in_condition = true;
        let lhs = self.expr(Shape::Scalar, 2);
        self.in_condition = false;
        let rhs = self.constant() / 2.0;
        let greater = self.rng.chance(50);
        let count = 1 + self.rng.below(2);
        let then = self.block(depth + 1, count);
        let otherwise = if self.rng.chance(50) {
            self.block(depth + 1, 1)
        } else {
            Vec::new()
        };
        Stmt::If {
            lhs,
            greater,
            rhs,
            then,
            otherwise,
        }
    }

    /// `count` statements of a block at nesting `depth` (never empty: an assignment at least).
    fn block(&mut self, depth: usize, count: usize) -> Vec<Stmt> {
        let mut block: Vec<Stmt> = (0..count).flat_map(|_| self.statement(depth)).collect();
        if block.is_empty() {
            block.push(self.assignment());
        }
        block
    }

    /// ndarray's `for rK in m.rows()` over a matrix in scope (or a parameter), into a vector
    /// accumulator made before it by `Array1::zeros` or of the matrix's first row.
    fn rows_loop(&mut self) -> Vec<Stmt> {
        let matrices: Vec<(String, usize)> = self
            .vars
            .iter()
            .filter_map(|v| match v.shape {
                Shape::Matrix(_, c) => Some((v.name.clone(), c)),
                _ => None,
            })
            .collect();
        if matrices.is_empty() {
            return vec![self.binding()];
        }
        let (matrix, c) = matrices[self.rng.below(matrices.len())].clone();
        let accumulator = self.fresh("v");
        let start = if self.rng.chance(70) {
            Expr::Filled(Shape::Vector(c), 0.0)
        } else {
            Expr::Row(Index::Const(0), Box::new(Expr::Var(matrix.clone())))
        };
        let row = self.fresh("r");
        self.vars.push(Var {
            name: row.clone(),
            shape: Shape::Vector(c),
            local: false,
            built: false,
        });
        self.loops += 1;
        self.iterated.push(matrix.clone());
        let term = self.expr(Shape::Vector(c), 2);
        let op = [Op::Add, Op::Sub][self.rng.below(2)];
        let update = Stmt::Assign {
            name: accumulator.clone(),
            op: None,
            value: Expr::bin(op, Expr::Var(accumulator.clone()), term),
        };
        let mut body = vec![update];
        if self.rng.chance(40) {
            body.extend(self.statement(1));
        }
        self.loops -= 1;
        self.iterated.pop();
        self.vars.retain(|v| v.name != row);
        self.vars.push(Var {
            name: accumulator.clone(),
            shape: Shape::Vector(c),
            local: true,
            built: false,
        });
        vec![
            Stmt::Let {
                name: accumulator,
                value: start,
            },
            Stmt::Rows { row, matrix, body },
        ]
    }

    /// `for iK in 0..n { .. }`, `n` one of the sizes, whose body may read at `iK` the axes of
    /// that length.
    fn counted_loop(&mut self) -> Stmt {
        self.loops += 1;
        if self.locals().is_empty() {
            // Only values built by `::new(..)`, which a loop cannot overwrite.
            self.loops -= 1;
            return self.binding();
        }
        let bound = self.dim();
        let index = self.fresh("i");
        self.counters.push((index.clone(), bound));
        let count = 1 + self.rng.below(2);
        let body = self.block(1, count);
        self.loops -= 1;
        self.counters.pop();
        Stmt::For { index, bound, body }
    }

    /// The result: a float of each local (a reduction, a dot product, an element), and now
    /// and then a float parameter.
    fn result(&mut self) -> Vec<Expr> {
        let mut terms: Vec<Expr> = Vec::new();
        let vars: Vec<(String, Shape, bool)> = self
            .vars
            .iter()
            .map(|v| (v.name.clone(), v.shape, v.local))
            .collect();
        for (name, shape, local) in vars {
            let param_float = !local && shape == Shape::Scalar && self.rng.chance(50);
            if !local && !param_float {
                continue;
            }
            let v = Expr::Var(name);
            terms.push(match shape {
                Shape::Scalar => v,
                _ => self.float_of(v, shape),
            });
        }
        if terms.is_empty() {
            terms.push(self.expr(Shape::Scalar, 2));
        }
        terms
    }

    /// A float of the array `a`: a reduction, a dot product with itself (vectors), or an
    /// element.
    fn float_of(&mut self, a: Expr, shape: Shape) -> Expr {
        match self.rng.below(6) {
            0 if matches!(shape, Shape::Vector(_)) => Expr::Dot(Box::new(a.clone()), Box::new(a)),
            1 => {
                let at = self.indices(shape);
                Expr::Element(Box::new(a), at)
            }
            _ => self.reduce(a),
        }
    }

    /// A reduction of `a`: `sum`, `mean`, and with nalgebra `norm_squared` and `norm` (at the
    /// origin too, which values like `v - v` and `v.cross(&v)` reach).
    fn reduce(&mut self, a: Expr) -> Expr {
        let r = match self.rng.below(4) {
            2 if self.lib.is_nalgebra() => Reduction::Norm,
            3 if self.lib.is_nalgebra() => Reduction::NormSquared,
            1 | 2 => Reduction::Mean,
            _ => Reduction::Sum,
        };
        Expr::Reduce(r, Box::new(a))
    }

    /// An index into each axis of `shape`: the counter of the loop around when its bound is
    /// the axis' length, else a constant.
    fn indices(&mut self, shape: Shape) -> Vec<Index> {
        match shape {
            Shape::Vector(n) => vec![self.index(n)],
            Shape::Matrix(r, c) => vec![self.index(r), self.index(c)],
            Shape::Scalar => Vec::new(),
        }
    }

    fn index(&mut self, len: usize) -> Index {
        let counters: Vec<String> = self
            .counters
            .iter()
            .filter(|(_, bound)| *bound == len)
            .map(|(c, _)| c.clone())
            .collect();
        if !counters.is_empty() && self.rng.chance(70) {
            return Index::Var(counters[self.rng.below(counters.len())].clone());
        }
        Index::Const(self.rng.below(len))
    }

    /// A leaf of `shape`: a variable of it, or a constant.
    fn leaf(&mut self, shape: Shape) -> Expr {
        if self.in_closure && shape == Shape::Scalar && self.rng.chance(60) {
            return Expr::var(ELEMENT);
        }
        let vars = self.of_shape(shape);
        if !vars.is_empty() && self.rng.chance(85) {
            return Expr::Var(vars[self.rng.below(vars.len())].clone());
        }
        match shape {
            Shape::Scalar => Expr::Const(self.constant()),
            _ => Expr::Filled(shape, self.constant().abs()),
        }
    }

    /// An expression of `shape`, at most `depth` operations deep.
    fn expr(&mut self, shape: Shape, depth: usize) -> Expr {
        if depth == 0 || self.rng.chance(20) {
            return self.leaf(shape);
        }
        match shape {
            Shape::Scalar => self.float(depth),
            Shape::Vector(n) => self.vector(n, depth),
            Shape::Matrix(r, c) => self.matrix(r, c, depth),
        }
    }

    /// An operation common to every array shape: elementwise arithmetic, a function, `-`.
    fn elementwise(&mut self, shape: Shape, depth: usize) -> Expr {
        let nd = self.lib == Lib::Ndarray;
        match self.rng.below(10) {
            0..=2 => {
                let ops: &[Op] = if nd {
                    &[Op::Add, Op::Sub, Op::Mul, Op::Div]
                } else {
                    &[Op::Add, Op::Sub]
                };
                let op = ops[self.rng.below(ops.len())];
                let a = self.expr(shape, depth - 1);
                let b = self.divisor_if(op, shape, depth);
                Expr::bin(op, a, b)
            }
            3 | 4 => self.scaled(shape, depth),
            5 if !nd => {
                let (a, b) = (self.expr(shape, depth - 1), self.expr(shape, depth - 1));
                Expr::ComponentMul(Box::new(a), Box::new(b))
            }
            5 | 6 => Expr::Neg(Box::new(self.expr(shape, depth - 1))),
            7 if nd => self.closure(shape, depth),
            _ => self.function(shape, depth),
        }
    }

    /// The right operand of `op` at `shape`: kept positive (`b² + 1`) for a division.
    fn divisor_if(&mut self, op: Op, shape: Shape, depth: usize) -> Expr {
        if op == Op::Div {
            let b = self.expr(shape, depth.saturating_sub(2));
            self.positive(b, shape)
        } else {
            self.expr(shape, depth - 1)
        }
    }

    /// An array and a float: `&a * s`, `s * &a`, and (ndarray) `+ -` either side, `/` by
    /// a positive float or of a float by a positive array; (nalgebra) `a / s`.
    fn scaled(&mut self, shape: Shape, depth: usize) -> Expr {
        let nd = self.lib == Lib::Ndarray;
        let op = if nd {
            [Op::Add, Op::Sub, Op::Mul, Op::Div][self.rng.below(4)]
        } else {
            [Op::Mul, Op::Mul, Op::Div][self.rng.below(3)]
        };
        let array_left = !nd && op == Op::Div || self.rng.chance(50);
        if array_left {
            let a = self.expr(shape, depth - 1);
            let s = self.divisor_if(op, Shape::Scalar, depth);
            Expr::bin(op, a, s)
        } else {
            let s = self.expr(Shape::Scalar, depth - 1);
            let a = self.divisor_if(op, shape, depth);
            Expr::bin(op, s, a)
        }
    }

    /// A function of `a`, kept in its domain: `exp` of `tanh`, `ln`, `sqrt`, `recip` of
    /// `a² + 1`.
    fn apply(&mut self, f: Fun, a: Expr, shape: Shape) -> Expr {
        let style = self.style(f);
        let a = match f {
            Fun::Exp => Expr::Fun(Fun::Tanh, self.style(Fun::Tanh), Box::new(a)),
            Fun::Ln | Fun::Sqrt | Fun::Recip => self.positive(a, shape),
            _ => a,
        };
        Expr::Fun(f, style, Box::new(a))
    }

    /// How to write `f` of an array: ndarray's method (not `max`, `min`: ndarray has none),
    /// `mapv` path or closure; nalgebra's `map` path or closure, of the functions without
    /// arguments.
    fn style(&mut self, f: Fun) -> Style {
        let method = f.is_plain() || matches!(f, Fun::Powi(_));
        match (self.lib, f.is_plain(), self.rng.below(3)) {
            (Lib::Ndarray, true, 0) | (_, true, 1) => Style::Path,
            (Lib::Ndarray, _, 0 | 1) if method => Style::Method,
            _ => Style::Closure,
        }
    }

    /// A function of the library's (or, for a float, any of [`Fun`]).
    fn function(&mut self, shape: Shape, depth: usize) -> Expr {
        let every = self.lib == Lib::Ndarray || shape == Shape::Scalar;
        let choices = [
            Fun::Exp,
            Fun::Tanh,
            Fun::Sin,
            Fun::Cos,
            Fun::Recip,
            Fun::Abs,
            Fun::Ln,
            Fun::Sqrt,
        ];
        // nalgebra has no elementwise `powi`, `max` or `min`.
        let f = match self.rng.below(choices.len() + 3) {
            k if k < choices.len() => choices[k],
            _ if !every => Fun::Tanh,
            k if k == choices.len() => Fun::Powi(2 + self.rng.below(2) as i32),
            k if k == choices.len() + 1 => Fun::Max(self.constant() / 2.0),
            _ => Fun::Min(self.constant() / 2.0),
        };
        let inner = if matches!(f, Fun::Ln | Fun::Sqrt | Fun::Recip) {
            depth.saturating_sub(2)
        } else {
            depth - 1
        };
        let a = self.expr(shape, inner);
        self.apply(f, a, shape)
    }

    /// `a² + 1` (elementwise), positive: the argument of `ln`, `sqrt`, `recip` and divisors.
    fn positive(&mut self, a: Expr, shape: Shape) -> Expr {
        let square = if self.lib.is_nalgebra() && shape.is_array() {
            Expr::ComponentMul(Box::new(a.clone()), Box::new(a))
        } else {
            Expr::bin(Op::Mul, a.clone(), a)
        };
        let one = if self.lib.is_nalgebra() && shape.is_array() {
            Expr::Filled(shape, 1.0)
        } else {
            Expr::Const(1.0)
        };
        Expr::bin(Op::Add, square, one)
    }

    /// ndarray's `a.mapv(|q| ..)`, of float arithmetic and methods of `q` and the floats in
    /// scope (no value inside: the transform computes the body on the whole array).
    fn closure(&mut self, shape: Shape, depth: usize) -> Expr {
        let a = self.expr(shape, depth - 1);
        self.in_closure = true;
        let mut body = self.float(2);
        self.in_closure = false;
        if !body.reads(ELEMENT) {
            body = Expr::bin(Op::Mul, Expr::var(ELEMENT), body);
        }
        Expr::Closure(Box::new(a), Box::new(body))
    }

    /// A float expression.
    fn float(&mut self, depth: usize) -> Expr {
        if depth == 0 {
            return self.leaf(Shape::Scalar);
        }
        let values = !self.in_closure;
        match self.rng.below(12) {
            0..=2 => {
                let op = [Op::Add, Op::Sub, Op::Mul, Op::Div][self.rng.below(4)];
                let a = self.expr(Shape::Scalar, depth - 1);
                let b = self.divisor_if(op, Shape::Scalar, depth);
                Expr::bin(op, a, b)
            }
            3 => Expr::Neg(Box::new(self.expr(Shape::Scalar, depth - 1))),
            4 | 5 => self.function(Shape::Scalar, depth),
            6..=8 if values => {
                let shape = self.array_shape();
                let a = self.expr(shape, depth - 1);
                self.float_of(a, shape)
            }
            9 if values => {
                let n = self.dim();
                let a = self.expr(Shape::Vector(n), depth - 1);
                let b = self.expr(Shape::Vector(n), depth - 1);
                Expr::Dot(Box::new(a), Box::new(b))
            }
            _ => self.leaf(Shape::Scalar),
        }
    }

    /// A vector expression of length `n`.
    fn vector(&mut self, n: usize, depth: usize) -> Expr {
        let nd = self.lib == Lib::Ndarray;
        let shape = Shape::Vector(n);
        let k = self.dim();
        match self.rng.below(14) {
            0 | 1 => {
                let m = self.expr(Shape::Matrix(n, k), depth - 1);
                let x = self.expr(Shape::Vector(k), depth - 1);
                Expr::Dot(Box::new(m), Box::new(x))
            }
            2 if nd => {
                let x = self.expr(Shape::Vector(k), depth - 1);
                let m = self.expr(Shape::Matrix(k, n), depth - 1);
                Expr::Dot(Box::new(x), Box::new(m))
            }
            3 if nd => {
                let (axis, m) = if self.rng.chance(50) {
                    (0, Shape::Matrix(k, n))
                } else {
                    (1, Shape::Matrix(n, k))
                };
                Expr::SumAxis(axis, Box::new(self.expr(m, depth - 1)))
            }
            4 if nd => {
                let m = self.expr(Shape::Matrix(k, n), depth - 1);
                Expr::Row(self.index(k), Box::new(m))
            }
            5 if nd => {
                let m = self.expr(Shape::Matrix(n, k), depth - 1);
                Expr::Column(self.index(k), Box::new(m))
            }
            2 | 3 if self.lib == Lib::Static && n == 3 => {
                let (a, b) = (self.expr(shape, depth - 1), self.expr(shape, depth - 1));
                Expr::Cross(Box::new(a), Box::new(b))
            }
            4 | 5 if self.lib == Lib::Static && n <= 4 && self.loops == 0 && !self.in_condition => {
                self.new_vector(n)
            }
            _ => self.elementwise(shape, depth),
        }
    }

    /// nalgebra's `VectorN::new(..)` of `n` floats, one of which reads a variable: of literals
    /// alone, Rust cannot tell the element type (`Vector3::new(1.0, 2.0, 3.0).norm()`, E0282).
    fn new_vector(&mut self, n: usize) -> Expr {
        let mut elements: Vec<Expr> = (0..n).map(|_| self.expr(Shape::Scalar, 1)).collect();
        if !elements
            .iter()
            .any(|e| e.any(&|e| matches!(e, Expr::Var(_))))
        {
            // The first parameter is an array.
            let first = self.vars[0].name.clone();
            elements[0] = Expr::Reduce(Reduction::Sum, Box::new(Expr::Var(first)));
        }
        Expr::New(elements)
    }

    /// A matrix expression of `r` rows and `c` columns.
    fn matrix(&mut self, r: usize, c: usize, depth: usize) -> Expr {
        let nd = self.lib == Lib::Ndarray;
        let shape = Shape::Matrix(r, c);
        match self.rng.below(12) {
            0 | 1 => {
                let k = self.dim();
                let a = self.expr(Shape::Matrix(r, k), depth - 1);
                let b = self.expr(Shape::Matrix(k, c), depth - 1);
                Expr::Dot(Box::new(a), Box::new(b))
            }
            2 => {
                // ndarray's `t()` is a view of a variable; nalgebra's `transpose()` of anything.
                let transposed = Shape::Matrix(c, r);
                let vars = self.of_shape(transposed);
                if nd && vars.is_empty() {
                    return self.elementwise(shape, depth);
                }
                let a = if nd {
                    Expr::Var(vars[self.rng.below(vars.len())].clone())
                } else {
                    self.expr(transposed, depth - 1)
                };
                Expr::T(Box::new(a))
            }
            3 | 4 if nd => {
                let op = [Op::Add, Op::Sub, Op::Mul, Op::Div][self.rng.below(4)];
                let m = self.expr(shape, depth - 1);
                let v = self.divisor_if(op, Shape::Vector(c), depth);
                if self.rng.chance(60) || op == Op::Div {
                    Expr::bin(op, m, v)
                } else {
                    Expr::bin(op, v, m)
                }
            }
            _ => self.elementwise(shape, depth),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrays::render::{array_source, loops_source};

    #[test]
    fn a_batch_is_reproducible_and_uses_every_library() {
        let batch = array_batch(3, 40, false);
        assert_eq!(batch, array_batch(3, 40, false));
        for lib in [Lib::Ndarray, Lib::Static, Lib::Dynamic] {
            assert!(batch.iter().any(|p| p.lib == lib), "{lib:?}");
        }
        assert!(batch.iter().any(|p| !p.wrt.is_empty()));
        for p in &batch {
            assert!(array_source(p).starts_with("#[differentiable"));
            assert!(loops_source(p).starts_with(&format!("pub fn {}<T: Float>(", p.name)));
        }
    }

    #[test]
    fn the_operations_of_the_readme_are_generated() {
        let sources: String = array_batch(1, 300, false)
            .iter()
            .map(array_source)
            .collect();
        for needle in [
            ".dot(",
            ".mapv(f64::",
            ".mapv(|q| ",
            ".sum_axis(Axis(",
            ".t()",
            ".row(",
            ".column(",
            "[[",
            ".rows() {",
            "Array1::<f64>::zeros(",
            ".mean().unwrap()",
            " += ",
            " *= ",
            ".cross(",
            ".component_mul(",
            ".norm()",
            ".norm_squared()",
            ".transpose()",
            ".map(f64::",
            "Vector3::new(",
            ")]",
            "if ",
            "for i",
            "ArrayView1<f64>",
            "&Array2<f64>",
            "DMatrix<f64>",
            "#[differentiable(wrt(",
            ".max(",
            ".powi(",
            ".exp()",
        ] {
            assert!(sources.contains(needle), "{needle}");
        }
    }
}
