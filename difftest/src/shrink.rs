//! Shrinking: the smallest program that still fails, found by deleting statements, simplifying
//! results and dropping callees while a predicate holds. The predicate decides what "still
//! fails" means (difftest builds the candidate and checks it at the failing point), so this
//! module compiles nothing.

use crate::program::{Chunk, Program};

/// One way to make a program smaller.
#[derive(Clone, Debug, PartialEq)]
enum Edit {
    /// Replace element `element` of the result of function `function` by the variable `by`.
    Result {
        function: usize,
        element: usize,
        by: String,
    },
    /// Delete the chunk at `path` (its index in the body, then in nested loops' bodies) of
    /// function `function`.
    Delete { function: usize, path: Vec<usize> },
    /// Drop function `function`, a callee.
    Drop(usize),
}

/// The smallest program reached from `program` by edits that keep `reproduces` true, which
/// `program` itself must satisfy. Edits are tried in order (results first, then statements,
/// outer ones before those they contain, then callees), each kept when the predicate still
/// holds; passes repeat until one keeps nothing, so no single edit of the result reproduces.
pub fn shrink(program: &Program, mut reproduces: impl FnMut(&Program) -> bool) -> Program {
    let mut current = program.clone();
    loop {
        let mut changed = false;
        let mut i = 0;
        // After a kept edit, the edit at `i` of the smaller program is the next one to try.
        while let Some(edit) = edits(&current).get(i) {
            let candidate = apply(&current, edit);
            if reproduces(&candidate) {
                current = candidate;
                changed = true;
            } else {
                i += 1;
            }
        }
        if !changed {
            return current;
        }
    }
}

/// Every edit of `p`, in the order [`shrink`] tries them.
fn edits(p: &Program) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (function, f) in p.functions.iter().enumerate() {
        for (element, e) in f.result.iter().enumerate() {
            for by in simpler(e) {
                if by != *e {
                    edits.push(Edit::Result {
                        function,
                        element,
                        by,
                    });
                }
            }
        }
    }
    for (function, f) in p.functions.iter().enumerate() {
        let mut paths = Vec::new();
        chunk_paths(&f.body, &mut Vec::new(), &mut paths);
        edits.extend(
            paths
                .into_iter()
                .map(|path| Edit::Delete { function, path }),
        );
    }
    let callees = p.functions.len() - 1;
    edits.extend((0..callees).map(Edit::Drop));
    edits
}

/// `p` with `edit` made.
fn apply(p: &Program, edit: &Edit) -> Program {
    let mut p = p.clone();
    match edit {
        Edit::Result {
            function,
            element,
            by,
        } => p.functions[*function].result[*element] = by.clone(),
        Edit::Delete { function, path } => delete(&mut p.functions[*function].body, path),
        Edit::Drop(function) => {
            p.functions.remove(*function);
        }
    }
    p
}

/// The paths of all chunks, each before those inside it.
fn chunk_paths(chunks: &[Chunk], prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, chunk) in chunks.iter().enumerate() {
        prefix.push(i);
        out.push(prefix.clone());
        if let Chunk::Loop { body, .. } = chunk {
            chunk_paths(body, prefix, out);
        }
        prefix.pop();
    }
}

/// Deletes the chunk at `path`.
fn delete(chunks: &mut Vec<Chunk>, path: &[usize]) {
    match path {
        [i] => {
            chunks.remove(*i);
        }
        [i, rest @ ..] => {
            if let Chunk::Loop { body, .. } = &mut chunks[*i] {
                delete(body, rest);
            }
        }
        [] => {}
    }
}

/// What an expression may be replaced by: each variable it reads, or a constant when it reads
/// none.
fn simpler(expr: &str) -> Vec<String> {
    let variables = variables(expr);
    if variables.is_empty() {
        vec!["k(1.0)".to_string()]
    } else {
        variables
    }
}

/// The variables an expression reads (`x0`, `v3`), each once, in order.
fn variables(expr: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let words = expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    for word in words {
        let is_variable = (word.starts_with('x') || word.starts_with('v'))
            && word.len() > 1
            && word[1..].bytes().all(|b| b.is_ascii_digit());
        if is_variable && !found.iter().any(|v| v == word) {
            found.push(word.to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen;
    use crate::program::{Function, Returns};

    /// The fake failure: a statement with `.tanh()` inside a `for` loop.
    fn tanh_in_for(p: &Program) -> bool {
        p.checked().has_in_loop("for ", ".tanh()")
    }

    fn lines(chunks: &[&str]) -> Vec<Chunk> {
        chunks.iter().map(|l| Chunk::line(*l)).collect()
    }

    fn function(name: &str, body: Vec<Chunk>, result: &str) -> Function {
        Function {
            name: name.into(),
            returns: Returns::Scalar,
            body,
            result: vec![result.into()],
        }
    }

    #[test]
    fn keeps_only_what_the_failure_needs() {
        let callee = function("p0", lines(&["let mut v1 = x0.sin();"]), "(v1 * x1)");
        let checked = function(
            "p1",
            vec![
                Chunk::line("let mut v1 = x0 * x1;"),
                Chunk::Loop {
                    head: vec!["let mut c1 = 0;".into(), "while c1 < 4 {".into()],
                    body: lines(&["v1 = v1.tanh();"]),
                    tail: vec!["}".into()],
                },
                Chunk::Loop {
                    head: vec!["for i in 0..n {".into()],
                    body: lines(&["let mut v2 = x1;", "v1 = (v1 + w[i % 4]).tanh();"]),
                    tail: vec!["}".into()],
                },
                Chunk::line("let mut v3 = p0(v1, x1, x2, w, n);"),
            ],
            "(v1 + v3.sin())",
        );
        let program = Program {
            functions: vec![callee, checked],
        };
        let minimal = shrink(&program, tanh_in_for);
        let expected = function(
            "p1",
            vec![Chunk::Loop {
                head: vec!["for i in 0..n {".into()],
                body: lines(&["v1 = (v1 + w[i % 4]).tanh();"]),
                tail: vec!["}".into()],
            }],
            "v1",
        );
        assert_eq!(minimal.functions, [expected]);
    }

    #[test]
    fn shrinks_generated_programs_to_a_single_path_of_chunks() {
        let batch = gen::batch(5, 60);
        let failing: Vec<Program> = batch
            .iter()
            .map(|f| Program::for_checking(&batch, &f.name))
            .filter(tanh_in_for)
            .collect();
        assert!(failing.len() > 5, "the batch has programs to shrink");
        for program in failing {
            let mut tries = 0;
            let minimal = shrink(&program, |p| {
                tries += 1;
                tanh_in_for(p)
            });
            assert!(tanh_in_for(&minimal));
            assert!(minimal.line_count() < program.line_count());
            assert_eq!(minimal.functions.len(), 1, "callees are dropped");
            let f = minimal.checked();
            assert!(f.result.iter().all(|e| simpler(e) == [e.clone()]));
            assert_eq!(f.chunk_count(), depth_of_single_path(&f.body));
            // No single edit of the minimal program still fails.
            for edit in edits(&minimal) {
                assert!(
                    !tanh_in_for(&apply(&minimal, &edit)),
                    "{edit:?} still fails"
                );
            }
            assert!(tries < 20 * program.line_count(), "{tries} tries");
        }
    }

    /// How deep `chunks` nest if every block holds exactly one chunk, else 0.
    fn depth_of_single_path(chunks: &[Chunk]) -> usize {
        match chunks {
            [Chunk::Lines(_)] => 1,
            [Chunk::Loop { body, .. }] => match depth_of_single_path(body) {
                0 => 0,
                d => d + 1,
            },
            _ => 0,
        }
    }

    #[test]
    fn a_program_that_never_fails_again_is_kept_whole() {
        let program = Program {
            functions: gen::batch(2, 12),
        };
        let mut tries = 0;
        let kept = shrink(&program, |_| {
            tries += 1;
            false
        });
        assert_eq!(kept, program);
        assert_eq!(tries, edits(&program).len());
    }

    #[test]
    fn a_result_becomes_one_of_its_variables() {
        assert_eq!(
            variables("(x0 + v12.sin()).max(x0 * k(0.5))"),
            ["x0", "v12"]
        );
        assert_eq!(variables("w[i % 4]"), Vec::<String>::new());
    }
}
