//! Keeping a shrunk failure: a module appended to `tests/difftest_found.rs` with the minimal
//! program and a `#[test]` that checks it at the failing point against dual numbers and
//! `check_grad`.

use std::path::Path;

use crate::harness::{Calls, Failure, HELPERS};
use crate::program::Program;

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
pub fn assert_gradient(
    grad: &[f64; 7],
    forward: &[f64; 7],
    f: impl Fn(&[f64]) -> f64,
    x: &[f64; 7],
) {
    for k in 0..7 {
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
pub fn assert_scaled(vjp: &[f64; 7], seed: f64, grad: &[f64; 7]) {
    for k in 0..7 {
        let scaled = seed * grad[k];
        assert!(
            close(vjp[k], scaled, 1e-12),
            "component {k}: vjp {} but the seed times the gradient is {scaled}",
            vjp[k]
        );
    }
}
"#;

/// What produced a failure: the command's arguments, and whether the reference was corrupted.
pub struct Origin<'a> {
    pub seed: u64,
    pub programs: usize,
    pub injected: bool,
    pub failure: &'a Failure,
}

impl Origin<'_> {
    /// The entry's module name: `seed1_p45`, `injected_seed1_p45`.
    fn module(&self) -> String {
        let prefix = if self.injected { "injected_" } else { "" };
        format!("{prefix}seed{}_{}", self.seed, self.failure.program)
    }
}

/// Appends `program`'s entry to [`FILE`] under `repo` (creating the file with its header),
/// unless the file has it already, and formats the file; the entry's module name, or `None`
/// when it was there.
pub fn keep(repo: &Path, program: &Program, origin: &Origin) -> std::io::Result<Option<String>> {
    let path = repo.join(FILE);
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => header(),
        Err(e) => return Err(e),
    };
    let module = origin.module();
    if text.contains(&format!("mod {module} {{")) {
        return Ok(None);
    }
    text.push('\n');
    text.push_str(&entry(program, origin));
    std::fs::write(&path, text)?;
    let formatted = std::process::Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(&path)
        .status()?;
    if !formatted.success() {
        eprintln!("difftest: rustfmt failed on {}", path.display());
    }
    Ok(Some(module))
}

/// The module of one entry: the program and its test.
fn entry(program: &Program, origin: &Origin) -> String {
    let f = program.checked();
    let failure = origin.failure;
    let mut s = format!(
        "/// Found by `cargo run -p difftest --release -- --programs {} --seed {}` in `{}`, shrunk:\n/// {}\n",
        origin.programs, origin.seed, f.name, failure.line
    );
    if origin.injected {
        s.push_str("/// INJECTED with `--inject-bug`: not a real finding; delete this entry.\n");
    }
    s.push_str(&format!(
        "#[allow(warnings, clippy::all)]\nmod {} {{\n    use super::*;\n    use autodiff::prelude::*;\n\n",
        origin.module()
    ));
    for function in &program.functions {
        s.push_str(&function.source());
        s.push('\n');
    }
    s.push_str(&test(program, origin));
    s.push_str("}\n");
    s
}

/// The `#[test]` of an entry: the checked function at the failing point.
fn test(program: &Program, origin: &Origin) -> String {
    let c = Calls::of(program.checked());
    let p = &origin.failure.point;
    let mut body = vec![format!(
        "let (x, n, seed) = ({:?}, {}, {:?});",
        p.x, p.n, p.seed
    )];
    if origin.injected {
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
    if let Some(vjp) = c.vjp {
        body.push(format!("assert_scaled(&{vjp}, seed[0], &grad);"));
    }
    let ignore = if origin.injected {
        "--inject-bug corrupted the reference: this test fails on purpose"
    } else {
        "difftest found this mismatch; it fails until the macro is fixed"
    };
    format!(
        "#[test]\n#[ignore = {ignore:?}]\nfn at_the_failing_point() {{\n{}\n}}\n",
        body.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file in the repository starts with the head difftest writes, as rustfmt left it.
    #[test]
    fn the_regression_file_starts_with_the_header() {
        let file = include_str!("../../tests/difftest_found.rs");
        assert!(file.starts_with(&header()));
    }
}
