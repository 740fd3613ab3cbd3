//! Keeping a shrunk failure: a module appended to `tests/difftest_found.rs` with the minimal
//! program and a `#[test]` that checks it at the failing point: its gradient against dual
//! numbers and `check_grad`; or, for a finding about `_jvp` or `_hvp`, that against the
//! references the batch used (with the helpers those tests call appended to the file once,
//! after its head, so that the head stays what it was). A program that takes
//! `d: &Data<T>` has the struct defined in its module, and its test builds the `Data` of the
//! failing point; one that takes structs has them defined in its module with the copies of
//! its functions that dual numbers run (`mod plain`), and its test builds their values at the
//! failing point and checks the invariants of its kind of failure too.

use std::path::Path;

use crate::arrays::check::{calls as array_calls, loops_module, ArrayPoint, ARRAY_HELPERS};
use crate::arrays::render::{array_source, IMPORTS};
use crate::arrays::ArrayProgram;
use crate::harness::{Calls, Checked, Failure, Inject, Point, FORWARD_HELPERS, HELPERS};
use crate::program::{plain_module, Program, DATA_STRUCT, STRUCTS};

/// The file the entries go to, from the repository's root.
pub const FILE: &str = "tests/difftest_found.rs";

/// The file's head: what it holds, and the helpers the entries call.
fn header() -> String {
    format!("{DOC}{HELPERS}\n{ASSERTS}")
}

/// The file's doc comment, its attribute and imports.
const DOC: &str = r#"//! Mismatches found by the differential tester, `difftest`: each entry is the smallest program
//! that still showed one, and a test at the point where it did.
//!
//! Entries are written by difftest itself. When a batch (`cargo run -p difftest --release --
//! --programs 200 --seed 1`) finds a generated gradient that disagrees with dual numbers,
//! finite differences or the scaled gradient, difftest deletes statements of the program and
//! of its callees, and simplifies results, for as long as the mismatch persists at the same
//! point, then appends here a module with what is left and a test that checks the gradient
//! there against `autodiff::Dual` and `check_grad`. The test is marked `#[ignore]` because it
//! fails until the macro is fixed: fix the bug, remove the `ignore`. An entry made with
//! `--inject-bug` corrupts the reference on purpose and must not be committed.
//!
//! No entry means no mismatch has been found since this file was added.
// The helpers are unused while there is no entry.
#![allow(dead_code)]

use autodiff::{check_grad, Dual, Float};

"#;

/// The assertions of an entry's test.
const ASSERTS: &str = r#"/// `grad`, a gradient of `f` at `x` from the reverse sweep, agrees with `forward` (from dual
/// numbers) and with central finite differences.
#[track_caller]
pub fn assert_gradient(grad: &[f64], forward: &[f64], f: impl Fn(&[f64]) -> f64, x: &[f64]) {
    assert_eq!(grad.len(), x.len(), "the gradient's components");
    for k in 0..x.len() {
        assert!(
            close(grad[k], forward[k], 1e-9),
            "component {k}: reverse {} but dual numbers {}",
            grad[k],
            forward[k]
        );
    }
    check_grad(f, x, grad).assert_within(1e-6);
}

/// `vjp`, from the reverse sweep with `seed`, is `seed` times `grad`.
#[track_caller]
pub fn assert_scaled(vjp: &[f64], seed: f64, grad: &[f64]) {
    for k in 0..grad.len() {
        let scaled = seed * grad[k];
        assert!(
            close(vjp[k], scaled, 1e-12),
            "component {k}: vjp {} but the seed times the gradient is {scaled}",
            vjp[k]
        );
    }
}
"#;

/// The helpers of the tests of entries about `_jvp` and `_hvp`, after [`FORWARD_HELPERS`]:
/// appended to the file with the first such entry.
const FORWARD_ASSERTS: &str = r#"
/// `(value, tangent)`, from `_jvp` along `dir`, output by output: `value` is `primal` (to
/// 1e-12), `tangent` the tangent of `along` (dual numbers at `x + ε·dir`, to 1e-9), and
/// `weights·tangent` is `grad·dir`, `grad` being the gradient of `weights·f`.
#[track_caller]
pub fn assert_jvp(
    (value, tangent): (&[f64], &[f64]),
    primal: &[f64],
    along: &[Dual<f64>],
    weights: &[f64],
    grad: &[f64],
    dir: &[f64],
) {
    for i in 0..primal.len() {
        assert!(
            agree(value[i], primal[i], 1e-12, 0.0),
            "output {i}: jvp value {} but the primal gives {}",
            value[i],
            primal[i]
        );
        assert!(
            agree(tangent[i], along[i].tangent, 1e-9, 0.0),
            "output {i}: jvp tangent {} but dual numbers {}",
            tangent[i],
            along[i].tangent
        );
    }
    let (weighed, weighed_size) = dot_and_size(weights, tangent);
    let (dot, size) = dot_and_size(grad, dir);
    assert!(
        agree(weighed, dot, 1e-9, size.max(weighed_size)),
        "jvp tangent {weighed} but grad·dir {dot}"
    );
}

/// `hvp`, from `_hvp` along `dir`, agrees with `nested` (from nested dual numbers, to 1e-9;
/// except where they overflowed and `hvp` did not) and with central differences of
/// `x ↦ grad_at(x)·dir`, whose gradient is `H·dir`.
#[track_caller]
pub fn assert_hvp<G: AsRef<[f64]>>(
    hvp: &[f64],
    nested: &[f64],
    grad_at: impl Fn(&[f64]) -> G,
    x: &[f64],
    dir: &[f64],
) {
    for k in 0..x.len() {
        if !nested[k].is_finite() && hvp[k].is_finite() {
            continue;
        }
        assert!(
            agree(hvp[k], nested[k], 1e-9, 0.0),
            "component {k}: hvp {} but nested dual numbers {}",
            hvp[k],
            nested[k]
        );
    }
    check_grad(|y| dot_and_size(grad_at(y).as_ref(), dir).0, x, hvp).assert_within(1e-6);
}
"#;

/// The line that marks the helpers of [`FORWARD_ASSERTS`] in the file.
const FORWARD_MARK: &str =
    "// Helpers of the entries about `_jvp` and `_hvp`, written with the first of them.";

/// The helpers an entry about `_jvp` or `_hvp` (`checked`) needs, when `text` (the file)
/// lacks them.
fn forward_helpers(text: &str, checked: Checked) -> Option<String> {
    let needed = checked != Checked::Gradient && !text.contains(FORWARD_MARK);
    needed.then(|| format!("\n{FORWARD_MARK}\n\n{FORWARD_HELPERS}{FORWARD_ASSERTS}"))
}

/// What produced a failure: the command's arguments, and the reference corrupted, if any; at
/// a point of a scalar program ([`Point`]) or of an array program ([`ArrayPoint`]).
pub struct Origin<'a, P = Point> {
    pub seed: u64,
    pub programs: usize,
    /// How many array programs the batch had (`--arrays`).
    pub arrays: usize,
    pub injected: Option<Inject>,
    /// Made with `--known-bugs`: a construct the transform has a known bug in.
    pub known_bugs: bool,
    pub failure: &'a Failure<P>,
}

impl<P> Origin<'_, P> {
    /// The entry's module name: `seed1_p45`, `injected_seed1_p45`, `known_seed1_p45` (with
    /// `--known-bugs`); `seed1_p45_jvp` and `seed1_p45_hvp` for findings about `_jvp` and
    /// `_hvp`, which a program may have besides one about its gradient.
    fn module(&self) -> String {
        let prefix = if self.injected.is_some() {
            "injected_"
        } else if self.known_bugs {
            "known_"
        } else {
            ""
        };
        let suffix = match self.failure.checked() {
            Checked::Gradient => "",
            Checked::Jvp => "_jvp",
            Checked::Hvp => "_hvp",
        };
        format!("{prefix}seed{}_{}{suffix}", self.seed, self.failure.program)
    }

    /// Whether the failure's reference is the one `--inject-bug` corrupted.
    fn corrupted(&self, reference: Inject) -> bool {
        self.injected == Some(reference)
    }

    /// The option that corrupted the reference.
    fn option(&self) -> String {
        match self.injected {
            Some(Inject::Gradient) | None => "--inject-bug".to_string(),
            Some(i) => format!("--inject-bug-in {}", i.name()),
        }
    }

    /// The doc comment of an entry: the command that found the failure in `program`, and the
    /// failure's line; a warning for an injected one.
    fn doc(&self, program: &str) -> String {
        let arrays = if self.arrays > 0 {
            format!(" --arrays {}", self.arrays)
        } else {
            String::new()
        };
        let known = if self.known_bugs { " --known-bugs" } else { "" };
        let mut s = format!(
            "/// Found by `cargo run -p difftest --release -- --programs {}{arrays} --seed {}{known}` in `{program}`, shrunk:\n/// {}\n",
            self.programs, self.seed, self.failure.line
        );
        if self.injected.is_some() {
            s.push_str(&format!(
                "/// INJECTED with `{}`: not a real finding; delete this entry.\n",
                self.option()
            ));
        }
        s
    }

    /// The `ignore` reason of an entry's test.
    fn ignore(&self) -> String {
        if self.injected.is_some() {
            format!(
                "{} corrupted the reference: this test fails on purpose",
                self.option()
            )
        } else {
            "difftest found this mismatch; it fails until the macro is fixed".to_string()
        }
    }

    /// The checks of an entry's test at the failing point, `c` the program's calls.
    fn checks(&self, c: &Calls, body: &mut Vec<String>) {
        match self.failure.checked() {
            Checked::Gradient => gradient_test(c, self, body),
            Checked::Jvp => jvp_test(c, self, body),
            Checked::Hvp => hvp_test(c, self, body),
        }
    }
}

/// Appends `program`'s entry to [`FILE`] under `repo` (creating the file with its header),
/// unless the file has it already, and formats the file; the entry's module name, or `None`
/// when it was there.
pub fn keep(repo: &Path, program: &Program, origin: &Origin) -> std::io::Result<Option<String>> {
    append(repo, &origin.module(), origin.failure.checked(), || {
        entry(program, origin)
    })
}

/// Appends the entry of the array program `program` to [`FILE`], as [`keep`] does.
pub fn keep_array(
    repo: &Path,
    program: &ArrayProgram,
    origin: &Origin<ArrayPoint>,
) -> std::io::Result<Option<String>> {
    append(repo, &origin.module(), origin.failure.checked(), || {
        array_entry(program, origin)
    })
}

/// Appends the entry `module` (of `entry()`) to [`FILE`] under `repo`, with the helpers of
/// the entries about `_jvp` and `_hvp` if it is one (`checked`) and the file lacks them.
fn append(
    repo: &Path,
    module: &str,
    checked: Checked,
    entry: impl FnOnce() -> String,
) -> std::io::Result<Option<String>> {
    let path = repo.join(FILE);
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => header(),
        Err(e) => return Err(e),
    };
    if text.contains(&format!("mod {module} {{")) {
        return Ok(None);
    }
    if let Some(helpers) = forward_helpers(&text, checked) {
        text.push_str(&helpers);
    }
    text.push('\n');
    text.push_str(&entry());
    std::fs::write(&path, text)?;
    let formatted = std::process::Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(&path)
        .status()?;
    if !formatted.success() {
        eprintln!("difftest: rustfmt failed on {}", path.display());
    }
    Ok(Some(module.to_string()))
}

/// The module of one entry: the program and its test.
fn entry(program: &Program, origin: &Origin) -> String {
    let mut s = origin.doc(&program.checked().name);
    s.push_str(&format!(
        "#[allow(warnings, clippy::all)]\nmod {} {{\n    use super::*;\n    use autodiff::prelude::*;\n    use std::iter::{{Product, Sum}};\n\n",
        origin.module()
    ));
    if program.takes_data() {
        s.push_str(DATA_STRUCT);
        s.push('\n');
    }
    if program.uses_structs() {
        s.push_str(STRUCTS);
        s.push('\n');
    }
    for function in &program.functions {
        s.push_str(&function.source());
        s.push('\n');
    }
    let plain = plain_module(&program.functions);
    if !plain.is_empty() {
        s.push_str(&plain);
        s.push('\n');
    }
    s.push_str(&test(program, origin));
    s.push_str("}\n");
    s
}

/// The `#[test]` of an entry: the checked function at the failing point, checked for what the
/// failure is about.
fn test(program: &Program, origin: &Origin) -> String {
    let c = Calls::of(program.checked());
    let p = &origin.failure.point;
    let mut body = vec![format!(
        "let (x, n, seed, dir) = ({:?}, {}, {:?}, {:?});",
        p.x, p.n, p.seed, p.dir
    )];
    if program.checked().data {
        body.push(p.data_binding());
    }
    if !program.checked().structs.is_empty() {
        body.push(p.struct_binding());
        body.extend(c.bindings.iter().cloned());
        // The invariants about what failed: the gradient's (`flat`, `kept`) or `_hvp`'s.
        let about = |kind: &str| Checked::of(kind) == origin.failure.checked();
        for (kind, holds) in c.invariants.iter().filter(|(kind, _)| about(kind)) {
            body.push(format!("assert!({holds}, {kind:?});"));
        }
    }
    origin.checks(&c, &mut body);
    format!(
        "#[test]\n#[ignore = {:?}]\nfn at_the_failing_point() {{\n{}\n}}\n",
        origin.ignore(),
        body.join("\n")
    )
}

/// The module of one array program's entry: the program, its reference (`mod loops`), the
/// helpers they need and the test; compiled with the features `ndarray` and `nalgebra` only.
fn array_entry(program: &ArrayProgram, origin: &Origin<ArrayPoint>) -> String {
    let mut s = origin.doc(&program.name);
    s.push_str(&format!(
        "#[cfg(all(feature = \"ndarray\", feature = \"nalgebra\"))]\n#[allow(warnings, clippy::all)]\nmod {} {{\n    use super::*;\n    use autodiff::prelude::*;\n{IMPORTS}\n{ARRAY_HELPERS}\n{}\n{}\n",
        origin.module(),
        array_source(program),
        loops_module(&[program])
    ));
    let mut body = vec![origin.failure.point.binding()];
    origin.checks(&array_calls(program), &mut body);
    s.push_str(&format!(
        "#[test]\n#[ignore = {:?}]\nfn at_the_failing_point() {{\n{}\n}}\n}}\n",
        origin.ignore(),
        body.join("\n")
    ));
    s
}

/// The gradient against dual numbers and `check_grad`, and `_vjp` against the scaled gradient.
fn gradient_test<P>(c: &Calls, origin: &Origin<P>, body: &mut Vec<String>) {
    if origin.corrupted(Inject::Gradient) {
        body.push(format!(
            "let mut forward = forward_gradient({}, &x);",
            c.dual
        ));
        body.push("forward[0] += 1.0; // the reference difftest --inject-bug corrupted".into());
    } else {
        body.push(format!("let forward = forward_gradient({}, &x);", c.dual));
    }
    body.push(format!("let grad = {};", c.grad));
    body.push(format!(
        "assert_gradient(&grad, &forward, {}, &x);",
        c.value
    ));
    if let Some(vjp) = &c.vjp {
        body.push(format!("assert_scaled(&{vjp}, seed[0], &grad);"));
    }
}

/// `_jvp` along `dir` against the primal, dual numbers along `dir` and the gradient.
fn jvp_test<P>(c: &Calls, origin: &Origin<P>, body: &mut Vec<String>) {
    body.push(format!("let grad = {};", c.grad));
    body.push(format!("let (value, tangent) = {};", c.jvp));
    body.push("let d = duals_along(&x, &dir);".into());
    if origin.corrupted(Inject::Jvp) {
        body.push(format!("let mut along = {};", c.along));
        body.push(
            "along[0].tangent += 1.0; // the reference difftest --inject-bug-in jvp corrupted"
                .into(),
        );
    } else {
        body.push(format!("let along = {};", c.along));
    }
    body.push(format!(
        "assert_jvp({}, &{}, &along, &{}, &grad, &dir);",
        c.jvp_outputs(),
        c.outputs,
        c.weights
    ));
}

/// `_hvp` along `dir` against nested dual numbers and differences of the gradient.
fn hvp_test<P>(c: &Calls, origin: &Origin<P>, body: &mut Vec<String>) {
    let (Some(nested), Some(grad_at), Some(hvp)) = (&c.nested, &c.grad_at, &c.hvp) else {
        unreachable!("only functions of one output have their _hvp checked");
    };
    body.push(format!("let hvp = {hvp};"));
    if origin.corrupted(Inject::Hvp) {
        body.push(format!("let mut nested = nested_hvp({nested}, &x, &dir);"));
        body.push(
            "nested[0] += 1.0; // the reference difftest --inject-bug-in hvp corrupted".into(),
        );
    } else {
        body.push(format!("let nested = nested_hvp({nested}, &x, &dir);"));
    }
    body.push(format!("assert_hvp(&hvp, &nested, {grad_at}, &x, &dir);"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::Point;
    use crate::program::{Chunk, Function, Returns, Struct};

    /// The file in the repository starts with the head difftest writes, as rustfmt left it.
    #[test]
    fn the_regression_file_starts_with_the_header() {
        let file = include_str!("../../tests/difftest_found.rs");
        assert!(file.starts_with(&header()));
    }

    fn program(returns: Returns) -> Program {
        let result = if returns == Returns::Scalar { 1 } else { 3 };
        let f = Function {
            name: "p9".into(),
            returns,
            wrt: Vec::new(),
            data: false,
            structs: Vec::new(),
            body: vec![Chunk::line("let mut v1 = x0.sin();")],
            result: vec!["v1".into(); result],
        };
        Program { functions: vec![f] }
    }

    fn failure(kind: &str) -> Failure {
        let line = format!("MISMATCH p9 {kind} component 0 at x = [0.5, 0.25, -1.0, 0.1, 0.2, 0.3, 0.4], n = 2, seed = [1.5, -0.5, 2.0], dir = [1.0, -1.0, 0.5, 0.0, 0.25, 0.75, -0.5], scale = 0.75, shift = -0.25, k = 1: detail");
        Failure::<Point>::parse(&line).expect("a mismatch line")
    }

    fn origin(failure: &Failure, injected: Option<Inject>) -> Origin<'_> {
        Origin {
            seed: 4,
            programs: 100,
            arrays: 0,
            injected,
            known_bugs: false,
            failure,
        }
    }

    #[test]
    fn a_gradient_finding_is_tested_as_before() {
        let failure = failure("fd");
        let entry = entry(&program(Returns::Scalar), &origin(&failure, None));
        assert!(entry.contains("mod seed4_p9 {"));
        assert!(entry.contains("let (x, n, seed, dir) = ([0.5, 0.25, -1.0, 0.1, 0.2, 0.3, 0.4], 2, [1.5, -0.5, 2.0], [1.0, -1.0, 0.5, 0.0, 0.25, 0.75, -0.5]);"));
        assert!(entry.contains("assert_gradient(&grad, &forward, "));
        assert!(entry.contains("assert_scaled(&flat(p9_vjp::<f64>("));
        assert!(!entry.contains("jvp") && !entry.contains("hvp"));
        assert!(!entry.contains("Data"));
        assert_eq!(forward_helpers(&header(), failure.checked()), None);
    }

    #[test]
    fn a_program_that_takes_data_defines_it_and_builds_it_at_the_point() {
        let mut p = program(Returns::Scalar);
        let f = &mut p.functions[0];
        f.wrt = vec!["x0".into()];
        f.data = true;
        f.result = vec!["v1 * d.scale".into()];
        for kind in ["fd", "jvp-dual", "hvp-dual"] {
            let failure = failure(kind);
            let entry = entry(&p, &origin(&failure, None));
            assert!(entry.contains("pub struct Data<T> {"), "{entry}");
            assert!(entry.contains("w: &[T], n: usize, d: &Data<T>) -> T {"));
            assert!(entry.contains("let data = Data { scale: 0.75, shift: -0.25, k: 1 };"));
            assert!(entry.contains("n, &data"));
        }
    }

    #[test]
    fn a_program_that_takes_structs_defines_them_and_checks_their_invariants() {
        let mut p = program(Returns::Scalar);
        p.functions[0].structs = vec![Struct::P];
        p.functions[0].result = vec!["v1 * p.s".into()];
        let line = failure("fd").line.replace(
            ": detail",
            &format!(
                ", s = {:?}, sdir = {:?}, fixed = 0.5, tfixed = 2.0, pn = 1: detail",
                [0.25; 35], [-0.5; 35]
            ),
        );
        let failure = Failure::<Point>::parse(&line).expect("a mismatch line");
        let kept = entry(&p, &origin(&failure, None));
        assert!(kept.contains("pub struct Params<T: Float> {"), "{kept}");
        assert!(kept.contains("pub fn params_at<T: Float>("));
        assert!(kept.contains("mod plain {"));
        assert!(kept.contains("let (s, sdir, fixed, tfixed, pn) = ([0.25, "));
        assert!(kept.contains("let x: Vec<f64> = [&x[..], &s[0..17]].concat();"));
        assert!(kept.contains("assert!(sp.to_flat()[..] == s[0..17], \"flat\");"));
        assert!(kept.contains("gp.fixed == sp.fixed && gp.n == sp.n }, \"kept\");"));
        assert!(!kept.contains("hvp-kept"));
        assert!(kept.contains("forward_gradient(|v: &[Dual<f64>]| plain::p9::<Dual<f64>>("));
        let failure = Failure::<Point>::parse(&line.replace(" fd ", " hvp-fd ")).unwrap();
        let hvp = entry(&p, &origin(&failure, None));
        assert!(hvp.contains("\"hvp-kept\");") && !hvp.contains("\"kept\");"));
    }

    #[test]
    fn a_jvp_finding_checks_the_jvp_output_by_output() {
        let failure = failure("jvp-dual");
        for returns in [Returns::Scalar, Returns::Vec3, Returns::Array3] {
            let entry = entry(&program(returns), &origin(&failure, None));
            assert!(entry.contains("let (value, tangent) = p9_jvp::<f64>(x[0], x[1], x[2], &x[3..], n, dir[0], dir[1], dir[2], &dir[3..]);"));
            assert!(entry.contains("let along = "));
            assert!(entry.contains("assert_jvp("), "{entry}");
            assert!(!entry.contains("assert_gradient") && !entry.contains("hvp"));
        }
        let injected = entry(
            &program(Returns::Scalar),
            &origin(&failure, Some(Inject::Jvp)),
        );
        assert!(injected.contains("mod injected_seed4_p9_jvp {"));
        assert!(injected.contains("INJECTED with `--inject-bug-in jvp`"));
        assert!(injected.contains("along[0].tangent += 1.0;"));
    }

    #[test]
    fn an_hvp_finding_checks_against_nested_duals_and_differences() {
        let failure = failure("hvp-fd");
        let kept = entry(&program(Returns::Scalar), &origin(&failure, None));
        assert!(kept.contains("mod seed4_p9_hvp {"));
        assert!(kept.contains("let hvp = flat(p9_hvp::<f64>("));
        assert!(
            kept.contains("let nested = nested_hvp(|v: &[Dual<Dual<f64>>]| p9::<Dual<Dual<f64>>>(")
        );
        assert!(kept.contains("assert_hvp(&hvp, &nested, |v: &[f64]| flat(p9_grad::<f64>("));
        let injected = entry(
            &program(Returns::Scalar),
            &origin(&failure, Some(Inject::Hvp)),
        );
        assert!(injected.contains("nested[0] += 1.0;"));
        assert!(injected.contains("--inject-bug-in hvp corrupted the reference"));
    }

    #[test]
    fn the_forward_helpers_are_written_once() {
        let failure = failure("hvp-dual");
        let helpers = forward_helpers(&header(), failure.checked()).expect("not there yet");
        assert!(helpers.contains("pub fn nested_hvp(") && helpers.contains("pub fn assert_jvp("));
        let text = format!("{}{helpers}", header());
        assert_eq!(forward_helpers(&text, failure.checked()), None);
    }
}
