//! The checks of array programs, written next to them: the harness's checks
//! ([`crate::harness::CHECKS`], the same as for scalar programs, with the same tolerances and
//! skipping) given [`Calls`] that build the program's values from a flat point.
//!
//! A point ([`ArrayPoint`]) is the elements of the parameters in one vector (floats as they
//! are, vectors in order, matrices by rows, each in [-1, 1)), a direction of the same length
//! and a cotangent seed. The array function gets values built from it (`nd2(&x[0..6], 2, 3)`,
//! `SMatrix::<f64, 2, 3>::from_row_slice(..)`); its gradients are flattened the same way
//! (`flat_nd`, `flat_na`); the reference, `loops::NAME`, gets the slices as they are, on
//! `Dual<f64>` for the gradient and `_jvp` and on `Dual<Dual<f64>>` for `_hvp`. A parameter
//! outside `wrt` is data: every call takes it at the checked point, the references as
//! constants, and its components of the gradient are zero.

use super::render::{array_source, loops_source, IMPORTS, LOOP_HELPERS};
use super::{ArrayProgram, Lib, Pass, Shape};
use crate::harness::{
    check_source, inject_literal, program_seed, Calls, Inject, Located, CHECKS, FORWARD_HELPERS,
    HELPERS, PRELUDE,
};

/// The helpers that build a program's values from a flat point and flatten its gradients.
pub const ARRAY_HELPERS: &str = r#"/// An ndarray vector of `v`.
pub fn nd1(v: &[f64]) -> Array1<f64> {
    Array1::from(v.to_vec())
}

/// An ndarray matrix of `r` rows from `v`, by rows.
pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
}

/// An ndarray array's elements by rows.
pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
    a.iter().copied().collect()
}

/// A nalgebra vector's or matrix's elements by rows.
pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
    m: &nalgebra::Matrix<f64, R, C, S>,
) -> Vec<f64> {
    let (r, c) = m.shape();
    (0..r).flat_map(|i| (0..c).map(move |j| m[(i, j)])).collect()
}

/// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
    v.iter().map(|&a| T::from(a).unwrap()).collect()
}
"#;

/// The points of array programs, after [`CHECKS`].
const ARRAY_POINTS: &str = r#"
/// Where an array program is checked: its parameters' elements in one vector (matrices by
/// rows), a cotangent seed, and a direction for `_jvp` and `_hvp`.
struct ArrayPoint {
    x: Vec<f64>,
    seed: f64,
    dir: Vec<f64>,
}

impl At for ArrayPoint {
    fn at(&self) -> String {
        format!("x = {:?}, seed = {:?}, dir = {:?}", self.x, self.seed, self.dir)
    }
}

/// Random points, from fixed linear congruential generators: one for the point and the seed,
/// one for the direction.
struct ArrayPoints(u64, u64);

impl ArrayPoints {
    fn new(seed: u64) -> ArrayPoints {
        ArrayPoints(seed.wrapping_mul(7919).wrapping_add(17), seed.wrapping_mul(104729).wrapping_add(31))
    }

    /// The next point of `len` coordinates.
    fn next(&mut self, len: usize) -> ArrayPoint {
        let x = (0..len).map(|_| uniform(&mut self.0, -1.0, 1.0)).collect();
        let seed = uniform(&mut self.0, -2.0, 2.0);
        let dir = (0..len).map(|_| uniform(&mut self.1, -1.0, 1.0)).collect();
        ArrayPoint { x, seed, dir }
    }
}
"#;

/// Where an array program is checked; the generated `ArrayPoint`.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrayPoint {
    pub x: Vec<f64>,
    pub seed: f64,
    pub dir: Vec<f64>,
}

impl ArrayPoint {
    /// The point as an `ArrayPoint { .. }` expression (`{:?}` of a float reads back exactly).
    pub fn literal(&self) -> String {
        format!(
            "ArrayPoint {{ x: vec!{:?}, seed: {:?}, dir: vec!{:?} }}",
            self.x, self.seed, self.dir
        )
    }

    /// `let (x, seed, dir) = (..);` at this point, as the checks bind them.
    pub fn binding(&self) -> String {
        format!(
            "let (x, seed, dir) = (vec!{:?}, [{:?}], vec!{:?});",
            self.x, self.seed, self.dir
        )
    }
}

impl Located for ArrayPoint {
    /// Reads `x = [..], seed = S, dir = [..]`.
    fn parse(at: &str) -> Option<ArrayPoint> {
        let list = |s: &str| -> Option<Vec<f64>> {
            let s = s.strip_prefix('[')?.strip_suffix(']')?;
            if s.is_empty() {
                return Some(Vec::new());
            }
            s.split(',').map(|v| v.trim().parse().ok()).collect()
        };
        let rest = at.strip_prefix("x = ")?;
        let (x, rest) = rest.split_once(", seed = ")?;
        let (seed, dir) = rest.split_once(", dir = ")?;
        Some(ArrayPoint {
            x: list(x)?,
            seed: seed.parse().ok()?,
            dir: list(dir)?,
        })
    }
}

/// The value of parameter `k` of `p` built from the coordinates `range` of `v` (an owned
/// value: `nd2(&v[0..6], 2, 3)`), or its float `v[3]`.
fn value(p: &ArrayProgram, k: usize, v: &str) -> String {
    let range = p.coordinates(k);
    let src = format!("&{v}[{}..{}]", range.start, range.end);
    match (p.lib, p.params[k].shape) {
        (_, Shape::Scalar) => format!("{v}[{}]", range.start),
        (Lib::Ndarray, Shape::Vector(_)) => format!("nd1({src})"),
        (Lib::Ndarray, Shape::Matrix(r, c)) => format!("nd2({src}, {r}, {c})"),
        (Lib::Static, Shape::Vector(n)) => format!("SVector::<f64, {n}>::from_column_slice({src})"),
        (Lib::Static, Shape::Matrix(r, c)) => {
            format!("SMatrix::<f64, {r}, {c}>::from_row_slice({src})")
        }
        (Lib::Dynamic, Shape::Vector(_)) => format!("DVector::<f64>::from_column_slice({src})"),
        (Lib::Dynamic, Shape::Matrix(r, c)) => {
            format!("DMatrix::<f64>::from_row_slice({r}, {c}, {src})")
        }
    }
}

/// The arguments of `p` at the point `v`: each parameter passed as it takes it; one outside
/// `wrt` at the checked point `x` whatever `v` is.
fn arguments(p: &ArrayProgram, v: &str) -> String {
    let args: Vec<String> = p
        .params
        .iter()
        .enumerate()
        .map(|(k, q)| {
            let at = if p.differentiates(&q.name) { v } else { "x" };
            let built = value(p, k, at);
            match (q.shape, q.pass) {
                (Shape::Scalar, _) => built,
                (_, Pass::Ref) => format!("&{built}"),
                (_, Pass::View) => format!("{built}.view()"),
                (_, Pass::Owned) => built,
            }
        })
        .collect();
    args.join(", ")
}

/// The arguments of the reference at `v` (dual numbers nested `level` deep): the slices of the
/// differentiated parameters, constants at the point `x` for the others.
fn reference_arguments(p: &ArrayProgram, v: &str, level: usize) -> String {
    let float = (0..level).fold("f64".to_string(), |t, _| format!("Dual<{t}>"));
    let args: Vec<String> = p
        .params
        .iter()
        .enumerate()
        .map(|(k, q)| {
            let range = p.coordinates(k);
            match (q.shape, p.differentiates(&q.name)) {
                (Shape::Scalar, true) => format!("{v}[{}]", range.start),
                (_, true) => format!("&{v}[{}..{}]", range.start, range.end),
                (Shape::Scalar, false) => format!("loops::k::<{float}>(x[{}])", range.start),
                (_, false) => {
                    format!("&constants::<{float}>(&x[{}..{}])", range.start, range.end)
                }
            }
        })
        .collect();
    format!("loops::{}::<{float}>({})", p.name, args.join(", "))
}

/// The tangents `_jvp` and `_hvp` take from `dir`, one per differentiated parameter: an owned
/// value by reference, or a float.
fn tangents(p: &ArrayProgram) -> String {
    let tangents: Vec<String> = p
        .params
        .iter()
        .enumerate()
        .filter(|(_, q)| p.differentiates(&q.name))
        .map(|(k, q)| match q.shape {
            Shape::Scalar => value(p, k, "dir"),
            _ => format!("&{}", value(p, k, "dir")),
        })
        .collect();
    tangents.join(", ")
}

/// `call`, a gradient of `p` (a tuple, or one value), flattened in the order of the point,
/// with zeros for the parameters outside `wrt`.
fn spread(p: &ArrayProgram, call: &str) -> String {
    let names: Vec<String> = p
        .params
        .iter()
        .enumerate()
        .filter(|(_, q)| p.differentiates(&q.name))
        .map(|(k, _)| format!("g{k}"))
        .collect();
    let pattern = match names.as_slice() {
        [one] => one.clone(),
        _ => format!("({})", names.join(", ")),
    };
    let flatten = if p.lib == Lib::Ndarray {
        "flat_nd"
    } else {
        "flat_na"
    };
    let parts: Vec<String> = p
        .params
        .iter()
        .enumerate()
        .map(|(k, q)| match (q.shape, p.differentiates(&q.name)) {
            (_, false) => format!("vec![0.0; {}]", q.shape.len()),
            (Shape::Scalar, true) => format!("vec![g{k}]"),
            (_, true) => format!("{flatten}(&g{k})"),
        })
        .collect();
    format!(
        "{{ let {pattern} = {call}; [{}].concat() }}",
        parts.join(", ")
    )
}

/// The expressions that check `p`, for [`check_source`]: `x`, `dir` (`Vec<f64>`) and `seed`
/// (`[f64; 1]`) in scope.
pub fn calls(p: &ArrayProgram) -> Calls {
    let name = &p.name;
    let (x, t) = (arguments(p, "x"), tangents(p));
    Calls {
        value: format!("|v: &[f64]| {name}({})", arguments(p, "v")),
        dual: format!("|v: &[Dual<f64>]| {}", reference_arguments(p, "v", 1)),
        grad: spread(p, &format!("{name}_grad({x})")),
        vjp: Some(spread(p, &format!("{name}_vjp({x}, seed[0]).1"))),
        outputs: format!("[{name}({x})]"),
        along: format!("[{}]", reference_arguments(p, "d", 1)),
        jvp: format!("{name}_jvp({x}, {t})"),
        weights: "[1.0]",
        grad_at: Some(format!(
            "|v: &[f64]| {}",
            spread(p, &format!("{name}_grad({})", arguments(p, "v")))
        )),
        nested: Some(format!(
            "|v: &[Dual<Dual<f64>>]| {}",
            reference_arguments(p, "v", 2)
        )),
        hvp: Some(spread(p, &format!("{name}_hvp({x}, {t})"))),
        grad_and_hvp: Some(format!(
            "{{ let both = {name}_grad_and_hvp({x}, {t}); ({}, {}) }}",
            spread(p, "both.0"),
            spread(p, "both.1")
        )),
        bindings: Vec::new(),
        invariants: Vec::new(),
        lanes: None,
    }
}

/// `check_NAME(p: &ArrayPoint, inject, t)`: the value against the reference's (see
/// [`reference_check`]), then the checks of [`check_source`].
fn check_program(p: &ArrayProgram) -> String {
    let prologue = vec![
        "let (x, seed, dir) = (p.x.clone(), [p.seed], p.dir.clone());".to_string(),
        reference_check(p),
    ];
    check_source(&p.name, "ArrayPoint", prologue, &calls(p))
}

/// The kind of the check that the array function and its loop reference agree in value.
pub const REFERENCE: &str = "reference";

/// The check that the array function and its reference on `f64` agree in value at `x`, to
/// 1e-9 (their summation orders differ): the two renderings of one description compute one
/// function. A mismatch is a bug of the generator, not of the transform.
fn reference_check(p: &ArrayProgram) -> String {
    format!(
        "{{ let (value, reference) = ({}({}), {}); t.record(agree(value, reference, 1e-9, 0.0), {:?}, {REFERENCE:?}, 0, p, || format!(\"the array function gives {{value}} but its loop reference {{reference}}\")); }}",
        p.name,
        arguments(p, "x"),
        reference_arguments(p, "x", 0),
        p.name
    )
}

/// `mod loops`: the references of `programs` and their helpers.
pub fn loops_module(programs: &[&ArrayProgram]) -> String {
    let sources: Vec<String> = programs.iter().map(|p| loops_source(p)).collect();
    format!(
        "/// The references: each program with loops over slices, for dual numbers.\nmod loops {{\n    use super::*;\n\n{LOOP_HELPERS}\n{}}}\n",
        sources.join("\n")
    )
}

/// The programs, their checks and references, after the harness's helpers.
fn programs_and_checks(programs: &[&ArrayProgram]) -> String {
    let mut s = format!(
        "{PRELUDE}{IMPORTS}\n{HELPERS}\n{FORWARD_HELPERS}{CHECKS}{ARRAY_POINTS}\n{ARRAY_HELPERS}\n"
    );
    for p in programs {
        s.push_str(&array_source(p));
        s.push('\n');
        s.push_str(&check_program(p));
        s.push('\n');
    }
    s.push_str(&loops_module(programs));
    s
}

/// A batch crate's source: every program checked at `points` random points, drawn from
/// `seed` and its number; a reference is corrupted for the programs `inject` selects.
pub fn batch_source(
    programs: &[ArrayProgram],
    seed: u64,
    points: usize,
    inject: impl Fn(&ArrayProgram) -> Option<Inject>,
) -> String {
    let all: Vec<&ArrayProgram> = programs.iter().collect();
    let mut s = programs_and_checks(&all);
    s.push_str("fn main() {\n    quiet_panics();\n    let mut t = Tally::default();\n");
    for p in programs {
        s.push_str(&format!(
            "    let mut points = ArrayPoints::new({});\n    for _ in 0..{points} {{ let p = points.next({}); checked(\"{}\", &p, &mut t, |t| check_{}(&p, {}, t)); }}\n",
            program_seed(seed, &p.name),
            p.point_len(),
            p.name,
            p.name,
            inject_literal(inject(p))
        ));
    }
    s.push_str(&format!(
        "    println!(\"difftest: {} array programs, seed {seed}\");\n    t.report();\n}}\n",
        programs.len()
    ));
    s
}

/// A shrink candidate's source: `p` checked at `point`.
pub fn point_source(p: &ArrayProgram, point: &ArrayPoint, inject: Option<Inject>) -> String {
    let mut s = programs_and_checks(&[p]);
    s.push_str(&format!(
        "fn main() {{\n    quiet_panics();\n    let mut t = Tally::default();\n    let p = {};\n    checked(\"{}\", &p, &mut t, |t| check_{}(&p, {}, t));\n    t.report();\n}}\n",
        point.literal(),
        p.name,
        p.name,
        inject_literal(inject)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrays::{Expr, Param, Reduction, Stmt};
    use crate::harness::Failure;

    fn program(lib: Lib) -> ArrayProgram {
        let param = |name: &str, shape, pass| Param {
            name: name.into(),
            shape,
            pass,
        };
        ArrayProgram {
            name: "a4".into(),
            lib,
            params: vec![
                param("m0", Shape::Matrix(2, 3), Pass::Ref),
                // A view with ndarray; nalgebra has none.
                param(
                    "u1",
                    Shape::Vector(3),
                    if lib == Lib::Ndarray {
                        Pass::View
                    } else {
                        Pass::Owned
                    },
                ),
                param("s2", Shape::Scalar, Pass::Owned),
            ],
            wrt: Vec::new(),
            body: vec![Stmt::Let {
                name: "v3".into(),
                value: Expr::Dot(Box::new(Expr::var("m0")), Box::new(Expr::var("u1"))),
            }],
            result: vec![Expr::Reduce(Reduction::Sum, Box::new(Expr::var("v3")))],
        }
    }

    #[test]
    fn values_come_from_the_flat_point_and_gradients_go_back_to_it() {
        let p = program(Lib::Ndarray);
        let c = calls(&p);
        assert_eq!(
            c.value,
            "|v: &[f64]| a4(&nd2(&v[0..6], 2, 3), nd1(&v[6..9]).view(), v[9])"
        );
        assert_eq!(
            c.dual,
            "|v: &[Dual<f64>]| loops::a4::<Dual<f64>>(&v[0..6], &v[6..9], v[9])"
        );
        assert_eq!(
            c.grad,
            "{ let (g0, g1, g2) = a4_grad(&nd2(&x[0..6], 2, 3), nd1(&x[6..9]).view(), x[9]); [flat_nd(&g0), flat_nd(&g1), vec![g2]].concat() }"
        );
        assert!(c
            .jvp
            .ends_with("x[9], &nd2(&dir[0..6], 2, 3), &nd1(&dir[6..9]), dir[9])"));
        let check = check_program(&p);
        assert!(check.starts_with("fn check_a4(p: &ArrayPoint, inject: &str, t: &mut Tally) {"));
        assert!(check.contains("{ let (value, reference) = (a4(&nd2(&x[0..6], 2, 3), nd1(&x[6..9]).view(), x[9]), loops::a4::<f64>(&x[0..6], &x[6..9], x[9])); t.record(agree(value, reference, 1e-9, 0.0), \"a4\", \"reference\", 0, p, "));
        assert!(check.contains("check_scalar(\"a4\", p, inject, seed[0], &x, "));
        assert!(check.contains("check_hvp(\"a4\", p, inject, &x, &dir, |v: &[Dual<Dual<f64>>]| loops::a4::<Dual<Dual<f64>>>(&v[0..6], &v[6..9], v[9]), "));
        assert!(check.contains("check_grad_and_hvp(\"a4\", p, { let both = a4_grad_and_hvp("));
    }

    #[test]
    fn parameters_outside_wrt_are_constants_at_the_point() {
        let mut p = program(Lib::Static);
        p.wrt = vec!["u1".into()];
        let c = calls(&p);
        assert_eq!(
            c.value,
            "|v: &[f64]| a4(&SMatrix::<f64, 2, 3>::from_row_slice(&x[0..6]), SVector::<f64, 3>::from_column_slice(&v[6..9]), x[9])"
        );
        assert_eq!(c.dual, "|v: &[Dual<f64>]| loops::a4::<Dual<f64>>(&constants::<Dual<f64>>(&x[0..6]), &v[6..9], loops::k::<Dual<f64>>(x[9]))");
        assert!(c.grad.starts_with("{ let g1 = a4_grad("));
        assert!(c
            .grad
            .ends_with("[vec![0.0; 6], flat_na(&g1), vec![0.0; 1]].concat() }"));
        assert!(c
            .hvp
            .unwrap()
            .contains(", x[9], &SVector::<f64, 3>::from_column_slice(&dir[6..9]))"));
    }

    #[test]
    fn a_mismatch_reads_back_with_its_point() {
        let point = ArrayPoint {
            x: vec![0.1, -1.0 / 3.0, 1e-300],
            seed: -0.5,
            dir: vec![0.25, 0.0, -1.5],
        };
        let line = format!(
            "MISMATCH a4 hvp-fd component 2 at x = {:?}, seed = {:?}, dir = {:?}: hvp 1 but differences 2",
            point.x, point.seed, point.dir
        );
        let f = Failure::<ArrayPoint>::parse(&line).expect("a mismatch line");
        assert_eq!((f.program.as_str(), f.kind.as_str()), ("a4", "hvp-fd"));
        assert_eq!(f.point, point);
        assert!(f.shown_in(&line.replace("component 2", "component 0")));
        assert!(!f.shown_in(&line.replace("hvp-fd", "hvp-dual")));
        let source = point_source(&program(Lib::Dynamic), &point, None);
        assert!(source.contains("let p = ArrayPoint { x: vec![0.1, -0.3333333333333333, 1e-300], seed: -0.5, dir: vec![0.25, 0.0, -1.5] };"));
        assert!(source.contains("mod loops {"));
        assert!(source.contains("pub fn a4(m0: &DMatrix<f64>, u1: DVector<f64>, s2: f64) -> f64 {"));
    }
}
