//! Differential testing of `#[differentiable]`: writes a batch of random differentiable
//! programs into one crate, builds it once, and checks every generated gradient at random
//! points against two independent references, forward-mode dual numbers (`autodiff::Dual`)
//! and central finite differences with step control, and its forward mode (`_jvp`) and
//! second order (`_hvp`) along a random direction against dual numbers, nested dual numbers
//! and the gradient.
//!
//! ```sh
//! cargo run -p difftest --release -- --programs 200 --seed 1
//! ```
//!
//! A function of one output has its `_grad` checked, and its `_vjp` with a random seed must
//! be the gradient scaled by the seed. A function of three outputs (`Vec<T>` or `[T; 3]`), or
//! returning an `Inner<T>` (four floats), has its `_vjp` with a random seed vector (an
//! `Inner<f64>`) checked as the gradient of `seed·f`, and its `_jvp` gives a tangent of its
//! type. A program that panics fails a check (`panic`). Every
//! function's `_jvp` along a random direction `dir` must give the primal's value, the tangent
//! of one dual-number sweep along `dir` (output by output) and `grad·dir`; a function of one
//! output has its `_hvp` along `dir` checked against nested dual numbers
//! (`Dual<Dual<f64>>`) and central differences of `_grad` along `dir`.
//!
//! It prints one line per mismatch and ends with `difftest: N passed, M failed` (checks),
//! exiting non-zero when any check failed. Each mismatching program (the first `--shrink`
//! of them, 3 by default) is then shrunk: statements are deleted while the mismatch persists
//! at the same point, each candidate built as a crate of its own, and the minimal program is
//! appended to `tests/difftest_found.rs` as a regression test. `--inject-bug` corrupts the
//! dual-number reference of the gradient of the programs with `.cos()` in a `while` loop, to
//! watch that path end to end; `--inject-bug-in jvp` (or `hvp`, or `grad`) corrupts the
//! dual-number reference of `_jvp` (the nested duals of `_hvp`, the gradient's) instead.
//! `--known-bugs` also writes the constructs the transform has a known bug in (see
//! `gen/idioms.rs`), for whoever fixes it. A batch of more than `--chunk` programs (500) is
//! built and run in crates of that many (with their callees): a program's points depend on
//! the seed and its number only, so chunking changes nothing but the build times.
//!
//! `--arrays N` adds N array programs (`aK`, none by default): functions over ndarray's or
//! nalgebra's values, each also written with loops over slices as its dual-number reference
//! (see `arrays/mod.rs`), checked the same way in crates of their own (`seed-S-arrays`, with
//! autodiff's features `ndarray` and `nalgebra`) and shrunk the same way:
//!
//! ```sh
//! cargo run -p difftest --release -- --programs 0 --arrays 100 --seed 1
//! ```

mod arrays;
mod found;
mod gen;
mod harness;
mod krate;
mod program;
mod shrink;

use std::path::Path;
use std::time::{Duration, Instant};

use arrays::check::ArrayPoint;
use arrays::ArrayProgram;
use harness::{Failure, Inject, Located};
use krate::Crate;
use program::{Function, Program};

struct Options {
    programs: usize,
    seed: u64,
    points: usize,
    /// How many mismatching programs to shrink.
    shrink: usize,
    /// The reference `--inject-bug` or `--inject-bug-in` corrupts.
    inject: Option<Inject>,
    /// `--known-bugs`: write the constructs the transform has known bugs in too.
    known_bugs: bool,
    /// How many programs one crate checks (with their callees): a batch of more is built and
    /// run in chunks of this many.
    chunk: usize,
    /// `--arrays N`: how many array programs (ndarray, nalgebra) to check after the others.
    arrays: usize,
}

const USAGE: &str = "options: --programs N --arrays A (array programs, 0) --seed S --points P --shrink K (programs to shrink) --inject-bug --inject-bug-in grad|jvp|hvp --known-bugs --chunk C (programs per crate, 500)";

fn options() -> Options {
    let mut o = Options {
        programs: 200,
        seed: 1,
        points: 3,
        shrink: 3,
        inject: None,
        known_bugs: false,
        chunk: 500,
        arrays: 0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--inject-bug" {
            o.inject = Some(Inject::Gradient);
            continue;
        }
        if flag == "--known-bugs" {
            o.known_bugs = true;
            continue;
        }
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} takes a value; {USAGE}"));
        if flag == "--inject-bug-in" {
            let inject = Inject::parse(&value);
            o.inject = Some(inject.unwrap_or_else(|| panic!("{flag} takes grad, jvp or hvp")));
            continue;
        }
        let number = || -> u64 {
            value
                .parse()
                .unwrap_or_else(|_| panic!("{flag} takes a number"))
        };
        match flag.as_str() {
            "--programs" => o.programs = number() as usize,
            "--seed" => o.seed = number(),
            "--points" => o.points = number() as usize,
            "--shrink" => o.shrink = number() as usize,
            "--chunk" => o.chunk = (number() as usize).max(1),
            "--arrays" => o.arrays = number() as usize,
            other => panic!("unknown option {other}; {USAGE}"),
        }
    }
    o
}

/// The reference `--inject-bug` corrupts for `f`, if any: `f` must have `.cos()` in a `while`
/// loop.
fn injected(o: &Options, f: &Function) -> Option<Inject> {
    o.inject.filter(|_| f.has_in_loop("while ", ".cos()"))
}

/// The reference `--inject-bug` corrupts for the array program `p`, if any: `p` must have a
/// `cos` in a loop over rows.
fn injected_array(o: &Options, p: &ArrayProgram) -> Option<Inject> {
    o.inject.filter(|_| arrays::shrink::has_cos_in_rows_loop(p))
}

/// How long a shrink candidate may run.
const CANDIDATE_TIME_LIMIT: Duration = Duration::from_secs(30);

fn main() {
    let o = options();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository");
    let functions = gen::batch_of(o.seed, o.programs, o.known_bugs);
    let programs = gen::arrays::array_batch(o.seed, o.arrays, o.known_bugs);
    let mut run = Run::new(&repo);
    let chunks: Vec<&[Function]> = functions.chunks(o.chunk).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        if chunks.len() > 1 {
            run.announce(&chunk[0].name, &chunk[chunk.len() - 1].name, o.programs);
        }
        let with_callees = with_callees(&functions, chunk);
        let checked = |f: &Function| chunk.iter().any(|c| c.name == f.name);
        let source = harness::batch_source(&with_callees, checked, o.seed, o.points, |f| {
            injected(&o, f)
        });
        run.chunk(&chunk_name(o.seed, "", i), &source, false, chunks.len() > 1);
    }
    let array_chunks: Vec<&[ArrayProgram]> = programs.chunks(o.chunk).collect();
    for (i, chunk) in array_chunks.iter().enumerate() {
        if array_chunks.len() > 1 {
            run.announce(&chunk[0].name, &chunk[chunk.len() - 1].name, o.arrays);
        }
        let source =
            arrays::check::batch_source(chunk, o.seed, o.points, |p| injected_array(&o, p));
        let several = array_chunks.len() > 1;
        run.chunk(&chunk_name(o.seed, "-arrays", i), &source, true, several);
    }
    if run.crates > 1 {
        let (passed, failed) = totals(&run.output);
        println!(
            "difftest: {} programs and {} array programs, seed {}, in {} crates ({:.0?}): {passed} passed, {failed} failed",
            o.programs,
            o.arrays,
            o.seed,
            run.crates,
            run.start.elapsed()
        );
    }
    let failures = first_failure_per_program(&run.output);
    keep_shrunk(&repo, &functions, &failures, &o);
    let array_failures = first_failure_per_program(&run.output);
    keep_shrunk_arrays(&repo, &programs, &array_failures, &o);
    std::process::exit(run.code);
}

/// The crates of a batch, built and run one after the other.
struct Run<'r> {
    repo: &'r Path,
    start: Instant,
    /// The highest exit code so far.
    code: i32,
    /// The lines they printed.
    output: Vec<String>,
    crates: usize,
}

impl<'r> Run<'r> {
    fn new(repo: &'r Path) -> Run<'r> {
        Run {
            repo,
            start: Instant::now(),
            code: 0,
            output: Vec::new(),
            crates: 0,
        }
    }

    /// Says which programs the next chunk checks.
    fn announce(&self, first: &str, last: &str, of: usize) {
        println!(
            "difftest: programs {first} to {last} of {of} ({:.0?} so far)",
            self.start.elapsed()
        );
    }

    /// Builds and runs the crate `name` of `source` (of array programs with `arrays`),
    /// showing its output; the binary of one of `several` chunks is deleted once run.
    fn chunk(&mut self, name: &str, source: &str, arrays: bool, several: bool) {
        let krate = Crate::write(self.repo, name, source, arrays);
        let (code, output) = krate.run_showing_output();
        if several {
            krate.remove_binary();
        }
        self.code = self.code.max(code);
        self.output.extend(output);
        self.crates += 1;
    }
}

/// The crate of chunk `i` of the batch of `seed`: `seed-1`, `seed-1-2`, `seed-1-arrays`,
/// `seed-1-arrays-2` (`kind` is `""` or `"-arrays"`).
fn chunk_name(seed: u64, kind: &str, i: usize) -> String {
    if i == 0 {
        format!("seed-{seed}{kind}")
    } else {
        format!("seed-{seed}{kind}-{i}")
    }
}

/// `chunk` and every function of `all` its functions call, directly or not, in batch order.
fn with_callees(all: &[Function], chunk: &[Function]) -> Vec<Function> {
    let mut wanted: Vec<String> = chunk.iter().map(|f| f.name.clone()).collect();
    let mut kept = Vec::new();
    for f in all.iter().rev() {
        if wanted.contains(&f.name) {
            wanted.extend(f.calls());
            kept.push(f.clone());
        }
    }
    kept.reverse();
    kept
}

/// The checks passed and failed, summed over the `difftest: N passed, M failed` lines.
fn totals(output: &[String]) -> (usize, usize) {
    let mut totals = (0, 0);
    for line in output {
        let Some(rest) = line.strip_prefix("difftest: ") else {
            continue;
        };
        let words: Vec<&str> = rest.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        if let [p, "passed", f, "failed"] = words.as_slice() {
            totals.0 += p.parse::<usize>().unwrap_or(0);
            totals.1 += f.parse::<usize>().unwrap_or(0);
        }
    }
    totals
}

/// The first `MISMATCH` line of each program that has one, of those whose points are `P`s
/// (scalar or array programs).
fn first_failure_per_program<P: Located>(output: &[String]) -> Vec<Failure<P>> {
    let mut failures: Vec<Failure<P>> = Vec::new();
    for failure in output.iter().filter_map(|l| Failure::<P>::parse(l)) {
        if !failures.iter().any(|f| f.program == failure.program) {
            failures.push(failure);
        }
    }
    failures
}

/// Shrinks the first `o.shrink` failing programs and keeps each in the regression file.
fn keep_shrunk(repo: &Path, functions: &[Function], failures: &[Failure], o: &Options) {
    for failure in failures.iter().take(o.shrink) {
        let program = Program::for_checking(functions, &failure.program);
        let Some(minimal) = shrink_failure(repo, &program, failure, o) else {
            continue;
        };
        println!("{}", minimal.source());
        let origin = found::Origin {
            seed: o.seed,
            programs: o.programs,
            arrays: o.arrays,
            injected: injected(o, minimal.checked()),
            known_bugs: o.known_bugs,
            failure,
        };
        match found::keep(repo, &minimal, &origin) {
            Ok(Some(module)) => println!("difftest: kept as `{module}` in {}", found::FILE),
            Ok(None) => println!("difftest: {} already has it", found::FILE),
            Err(e) => eprintln!("difftest: could not write {}: {e}", found::FILE),
        }
    }
    if failures.len() > o.shrink {
        println!(
            "difftest: {} more mismatching programs not shrunk (--shrink N to shrink more)",
            failures.len() - o.shrink
        );
    }
}

/// Shrinks the first `o.shrink` failing array programs and keeps each in the regression file.
fn keep_shrunk_arrays(
    repo: &Path,
    programs: &[ArrayProgram],
    failures: &[Failure<ArrayPoint>],
    o: &Options,
) {
    for failure in failures.iter().take(o.shrink) {
        let Some(program) = programs.iter().find(|p| p.name == failure.program) else {
            continue;
        };
        let Some(minimal) = shrink_array_failure(repo, program, failure, o) else {
            continue;
        };
        println!("{}", arrays::render::array_source(&minimal));
        if failure.kind == arrays::check::REFERENCE {
            // The two renderings disagree: a bug of the generator, not a finding.
            println!(
                "{}\ndifftest: the array function and its reference disagree: a bug of difftest's generator, not kept",
                arrays::render::loops_source(&minimal)
            );
            continue;
        }
        let origin = found::Origin {
            seed: o.seed,
            programs: o.programs,
            arrays: o.arrays,
            injected: injected_array(o, &minimal),
            known_bugs: o.known_bugs,
            failure,
        };
        match found::keep_array(repo, &minimal, &origin) {
            Ok(Some(module)) => println!("difftest: kept as `{module}` in {}", found::FILE),
            Ok(None) => println!("difftest: {} already has it", found::FILE),
            Err(e) => eprintln!("difftest: could not write {}: {e}", found::FILE),
        }
    }
    if failures.len() > o.shrink {
        println!(
            "difftest: {} more mismatching array programs not shrunk (--shrink N to shrink more)",
            failures.len() - o.shrink
        );
    }
}

/// The smallest array program that still shows `failure`, as [`shrink_failure`] finds it.
fn shrink_array_failure(
    repo: &Path,
    program: &ArrayProgram,
    failure: &Failure<ArrayPoint>,
    o: &Options,
) -> Option<ArrayProgram> {
    let name = format!("shrink-seed{}-{}", o.seed, failure.program);
    let reproduces = |p: &ArrayProgram| {
        let source = arrays::check::point_source(p, &failure.point, injected_array(o, p));
        Crate::write(repo, &name, &source, true)
            .run_quietly(CANDIDATE_TIME_LIMIT)
            .is_some_and(|output| failure.shown_in(&output))
    };
    let lines = |p: &ArrayProgram| arrays::render::array_source(p).lines().count();
    let shrink =
        |p: &ArrayProgram, r: &mut dyn FnMut(&ArrayProgram) -> bool| arrays::shrink::shrink(p, r);
    shrinking(failure, program, reproduces, shrink, lines)
}

/// The smallest program that still shows `failure`, each candidate built on its own in
/// `target/difftest/shrink-seedS-NAME`; `None` when the program alone does not show it.
fn shrink_failure(
    repo: &Path,
    program: &Program,
    failure: &Failure,
    o: &Options,
) -> Option<Program> {
    let name = format!("shrink-seed{}-{}", o.seed, failure.program);
    let reproduces = |p: &Program| {
        let source = harness::point_source(p, &failure.point, injected(o, p.checked()));
        Crate::write(repo, &name, &source, false)
            .run_quietly(CANDIDATE_TIME_LIMIT)
            .is_some_and(|output| failure.shown_in(&output))
    };
    let shrink = |p: &Program, r: &mut dyn FnMut(&Program) -> bool| shrink::shrink(p, r);
    shrinking(failure, program, reproduces, shrink, Program::line_count)
}

/// `shrink` of `program` while `reproduces` holds (the candidate checked alone at the point
/// of `failure`), with its progress printed and programs measured in lines by `lines`;
/// `None` when `program` alone does not show `failure`.
fn shrinking<P, Q>(
    failure: &Failure<Q>,
    program: &P,
    mut reproduces: impl FnMut(&P) -> bool,
    shrink: impl FnOnce(&P, &mut dyn FnMut(&P) -> bool) -> P,
    lines: impl Fn(&P) -> usize,
) -> Option<P> {
    let start = Instant::now();
    let mut builds = 0;
    let mut counted = |p: &P| {
        builds += 1;
        reproduces(p)
    };
    println!(
        "difftest: shrinking {} ({} mismatch)",
        failure.program, failure.kind
    );
    if !counted(program) {
        println!(
            "difftest: {} does not fail alone at that point; not shrunk",
            failure.program
        );
        return None;
    }
    let minimal = shrink(program, &mut counted);
    println!(
        "difftest: shrank {} from {} to {} lines in {builds} builds ({:.1?})",
        failure.program,
        lines(program),
        lines(&minimal),
        start.elapsed()
    );
    Some(minimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_takes_its_callees_and_the_totals_add_up() {
        let all = gen::batch_of(3, 60, false);
        let chunk = &all[40..50];
        let with = with_callees(&all, chunk);
        for f in chunk {
            assert!(with.iter().any(|g| g.name == f.name));
            for callee in f.calls() {
                assert!(
                    with.iter().any(|g| g.name == callee),
                    "{} needs {callee}",
                    f.name
                );
            }
        }
        let position = |name: &str| with.iter().position(|g| g.name == name);
        assert!(with
            .windows(2)
            .all(|p| position(&p[0].name) < position(&p[1].name)));
        let output = [
            "difftest: 25 programs, seed 7",
            "difftest: 3976 passed, 0 failed",
            "MISMATCH p3 dual component 0 at ...",
            "difftest: 4524 passed, 2 failed",
        ]
        .map(String::from);
        assert_eq!(totals(&output), (8500, 2));
    }
}
