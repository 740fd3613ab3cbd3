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
    /// Delete line `line`, a statement ending in `;`, of the chunk at `path`: an assignment
    /// in a branch, say.
    DeleteLine {
        function: usize,
        path: Vec<usize>,
        line: usize,
    },
    /// Replace line `line` of the chunk at `path`, an assignment or a binding, by `by`: the
    /// same with one variable of its right-hand side as the whole right-hand side.
    Assign {
        function: usize,
        path: Vec<usize>,
        line: usize,
        by: String,
    },
    /// Replace line `line` of the chunk at `path` (of its head when `head`: a loop's) by
    /// `by`: the same with an iterator chain replaced by a variable, an adapter removed, or a
    /// closure call replaced by its argument (see [`simplified_lines`]).
    Line {
        function: usize,
        path: Vec<usize>,
        head: bool,
        line: usize,
        by: String,
    },
    /// Drop function `function`, a callee.
    Drop(usize),
}

/// The smallest program reached from `program` by edits that keep `reproduces` true, which
/// `program` itself must satisfy. Edits are tried in order (results first, replaced by one of
/// their variables or by `x0`; then deletions of statements, outer ones before those they
/// contain; then deletions of lines in branches; then right-hand sides replaced by one of
/// their variables; then callees), each kept when the predicate still holds; passes repeat
/// until one keeps nothing, so no single edit of the result reproduces.
pub fn shrink(program: &Program, reproduces: impl FnMut(&Program) -> bool) -> Program {
    greedy(program, edits, apply, reproduces)
}

/// The greedy search of [`shrink`] for any kind of program `P`: the edits of `edits` in order,
/// each made by `apply` and kept when `reproduces` still holds, in passes until one keeps
/// nothing. Array programs are shrunk by it too ([`crate::arrays::shrink`]).
pub fn greedy<P: Clone, E>(
    program: &P,
    edits: impl Fn(&P) -> Vec<E>,
    apply: impl Fn(&P, &E) -> P,
    mut reproduces: impl FnMut(&P) -> bool,
) -> P {
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
    let sites = sites(p);
    let mut edits = result_edits(p);
    edits.extend(sites.iter().map(|s| Edit::Delete {
        function: s.function,
        path: s.path.clone(),
    }));
    edits.extend(sites.iter().flat_map(line_deletions));
    edits.extend(sites.iter().flat_map(right_hand_sides));
    edits.extend(sites.iter().flat_map(line_simplifications));
    edits.extend((0..p.functions.len() - 1).map(Edit::Drop));
    edits
}

/// A chunk of a program and where it is.
struct Site<'p> {
    function: usize,
    path: Vec<usize>,
    chunk: &'p Chunk,
}

/// Every chunk of every function, each before those inside it.
fn sites(p: &Program) -> Vec<Site<'_>> {
    let mut sites = Vec::new();
    for (function, f) in p.functions.iter().enumerate() {
        let mut chunks = Vec::new();
        chunk_paths(&f.body, &mut Vec::new(), &mut chunks);
        sites.extend(chunks.into_iter().map(|(path, chunk)| Site {
            function,
            path,
            chunk,
        }));
    }
    sites
}

/// Each result replaced by one of its variables, or by `x0` (so that the statements that
/// bind a variable result can go too).
fn result_edits(p: &Program) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (function, f) in p.functions.iter().enumerate() {
        for (element, e) in f.result.iter().enumerate() {
            let mut candidates = simpler(e);
            if !candidates.iter().any(|v| v == "x0") {
                candidates.push("x0".to_string());
            }
            edits.extend(
                candidates
                    .into_iter()
                    .filter(|by| by != e)
                    .map(|by| Edit::Result {
                        function,
                        element,
                        by,
                    }),
            );
        }
    }
    edits
}

/// The deletion of each statement (a line ending in `;`) of a chunk of several lines.
fn line_deletions(site: &Site) -> Vec<Edit> {
    let Chunk::Lines(lines) = site.chunk else {
        return Vec::new();
    };
    if lines.len() < 2 {
        return Vec::new();
    }
    let statements = lines.iter().enumerate().filter(|(_, l)| l.ends_with(';'));
    statements
        .map(|(line, _)| Edit::DeleteLine {
            function: site.function,
            path: site.path.clone(),
            line,
        })
        .collect()
}

/// Each assignment or binding (`v = e;`, `let mut v = e;`) of a chunk with one variable of
/// its right-hand side as the whole right-hand side.
fn right_hand_sides(site: &Site) -> Vec<Edit> {
    let Chunk::Lines(lines) = site.chunk else {
        return Vec::new();
    };
    let mut edits = Vec::new();
    for (line, text) in lines.iter().enumerate() {
        let Some((left, right)) = text.strip_suffix(';').and_then(|t| t.split_once(" = ")) else {
            continue;
        };
        // Not a pattern, a closure, a struct or a sub-slice: replaced by a variable, they do
        // not compile.
        let name = left.trim_start_matches("let ").trim_start_matches("mut ");
        let plain = !name.starts_with(['(', '[', '&']) && !name.contains(':');
        let value = !right.starts_with(['|', '&']) && !right.starts_with("move ");
        if !plain || !value || right.starts_with("Inner {") {
            continue;
        }
        edits.extend(
            variables(right)
                .into_iter()
                .filter(|by| by != right)
                .map(|by| Edit::Assign {
                    function: site.function,
                    path: site.path.clone(),
                    line,
                    by: format!("{left} = {by};"),
                }),
        );
    }
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
        Edit::Delete { function, path } => {
            let (block, i) = block_of(&mut p.functions[*function].body, path);
            block.remove(i);
        }
        Edit::DeleteLine {
            function,
            path,
            line,
        } => {
            lines_at(&mut p.functions[*function].body, path).remove(*line);
        }
        Edit::Assign {
            function,
            path,
            line,
            by,
        } => lines_at(&mut p.functions[*function].body, path)[*line] = by.clone(),
        Edit::Line {
            function,
            path,
            head,
            line,
            by,
        } => {
            let body = &mut p.functions[*function].body;
            if *head {
                let (block, i) = block_of(body, path);
                match &mut block[i] {
                    Chunk::Loop { head, .. } => head[*line] = by.clone(),
                    Chunk::Lines(_) => unreachable!("a head is a loop's"),
                }
            } else {
                lines_at(body, path)[*line] = by.clone();
            }
        }
        Edit::Drop(function) => {
            p.functions.remove(*function);
        }
    }
    p
}

/// The rewrites of each line of a chunk (and of a loop's head) by [`simplified_lines`].
fn line_simplifications(site: &Site) -> Vec<Edit> {
    let (lines, head) = match site.chunk {
        Chunk::Lines(lines) => (lines, false),
        Chunk::Loop { head, .. } => (head, true),
    };
    let mut edits = Vec::new();
    for (line, text) in lines.iter().enumerate() {
        edits.extend(simplified_lines(text).into_iter().map(|by| Edit::Line {
            function: site.function,
            path: site.path.clone(),
            head,
            line,
            by,
        }));
    }
    edits
}

/// The consumers of a chain that give a float, and whether `unwrap()` follows them.
const CONSUMERS: &[(&str, bool)] = &[
    (".sum::<T>()", false),
    (".product::<T>()", false),
    (".fold(", false),
    (".reduce(", true),
    (".max_by(", true),
    (".min_by(", true),
];

/// The adapters a chain keeps its items' type without.
const ADAPTERS: &[&str] = &[
    ".rev()",
    ".skip(",
    ".take(",
    ".step_by(",
    ".filter(",
    ".chain(",
];

/// Simpler versions of `line`: each iterator chain with a float consumer replaced by `x0` or
/// by one of the variables it reads; each adapter of [`ADAPTERS`] removed; each call of a
/// closure of one argument (`h3(e)`) replaced by its argument.
pub fn simplified_lines(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (consumer, unwrapped) in CONSUMERS {
        for (at, _) in line.match_indices(consumer) {
            let mut end = if consumer.ends_with('(') {
                match closing(line, at + consumer.len() - 1) {
                    Some(end) => end + 1,
                    None => continue,
                }
            } else {
                at + consumer.len()
            };
            if *unwrapped {
                if !line[end..].starts_with(".unwrap()") {
                    continue;
                }
                end += ".unwrap()".len();
            }
            let start = chain_start(line, at);
            let chain = &line[start..end];
            let mut by = variables(chain);
            by.truncate(2);
            if !by.iter().any(|v| v == "x0") {
                by.push("x0".into());
            }
            out.extend(
                by.into_iter()
                    .map(|v| format!("{}{v}{}", &line[..start], &line[end..])),
            );
        }
    }
    for adapter in ADAPTERS {
        for (at, _) in line.match_indices(adapter) {
            let end = if adapter.ends_with("()") {
                at + adapter.len()
            } else {
                match closing(line, at + adapter.len() - 1) {
                    Some(end) => end + 1,
                    None => continue,
                }
            };
            out.push(format!("{}{}", &line[..at], &line[end..]));
        }
    }
    for (at, _) in line.match_indices('h') {
        let name_end = at
            + 1
            + line[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
        let boundary = at == 0 || !line.as_bytes()[at - 1].is_ascii_alphanumeric();
        if !boundary || name_end == at + 1 || !line[name_end..].starts_with('(') {
            continue;
        }
        let Some(end) = closing(line, name_end) else {
            continue;
        };
        let argument = &line[name_end + 1..end];
        if !argument.contains(", ") {
            out.push(format!("{}({argument}){}", &line[..at], &line[end + 1..]));
        }
    }
    out.retain(|l| l != line);
    out
}

/// The position of the bracket that closes the one at `open`.
fn closing(line: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in line.bytes().enumerate().skip(open) {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the postfix expression that ends at `at` (a method call's `.`) starts: back over
/// identifiers, paths, `.` and bracketed groups, to an operator, a space or an opening
/// bracket.
fn chain_start(line: &str, at: usize) -> usize {
    let bytes = line.as_bytes();
    let (mut i, mut depth) = (at, 0usize);
    while i > 0 {
        let b = bytes[i - 1];
        match b {
            b')' | b']' => depth += 1,
            b'(' | b'[' if depth == 0 => break,
            b'(' | b'[' => depth -= 1,
            _ if depth > 0 => {}
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b':' => {}
            _ => break,
        }
        i -= 1;
    }
    i
}

/// The paths of all chunks, with the chunks, each before those inside it.
fn chunk_paths<'c>(
    chunks: &'c [Chunk],
    prefix: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, &'c Chunk)>,
) {
    for (i, chunk) in chunks.iter().enumerate() {
        prefix.push(i);
        out.push((prefix.clone(), chunk));
        if let Chunk::Loop { body, .. } = chunk {
            chunk_paths(body, prefix, out);
        }
        prefix.pop();
    }
}

/// The block that holds the chunk at `path`, and the chunk's index in it.
fn block_of<'c>(chunks: &'c mut Vec<Chunk>, path: &[usize]) -> (&'c mut Vec<Chunk>, usize) {
    match path {
        [i] => (chunks, *i),
        [i, rest @ ..] => match &mut chunks[*i] {
            Chunk::Loop { body, .. } => block_of(body, rest),
            Chunk::Lines(_) => unreachable!("a path goes through loops only"),
        },
        [] => unreachable!("a path is not empty"),
    }
}

/// The lines of the chunk at `path`, which is a [`Chunk::Lines`].
fn lines_at<'c>(chunks: &'c mut Vec<Chunk>, path: &[usize]) -> &'c mut Vec<String> {
    let (block, i) = block_of(chunks, path);
    match &mut block[i] {
        Chunk::Lines(lines) => lines,
        Chunk::Loop { .. } => unreachable!("line edits are made in statements"),
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

/// The variables an expression reads (`x0`, `v3`, `u4`), each once, in order.
fn variables(expr: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let words = expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    for word in words {
        let is_variable = word.starts_with(['x', 'v', 'u'])
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
            wrt: Vec::new(),
            data: false,
            structs: Vec::new(),
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
            "x0",
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
    fn a_right_hand_side_becomes_one_of_its_variables() {
        let program = Program {
            functions: vec![function(
                "p0",
                lines(&[
                    "let mut v1 = (x0 * x1).sin();",
                    "v1 = v1 * k(0.5) + x2.tanh();",
                ]),
                "v1",
            )],
        };
        let minimal = shrink(&program, |p| {
            let body = format!("{:?}", p.checked().body);
            body.contains("x1") && body.contains("x2")
        });
        assert_eq!(
            minimal.checked().body,
            lines(&["let mut v1 = x1;", "v1 = x2;"])
        );
    }

    #[test]
    fn a_branch_keeps_only_the_lines_the_failure_needs() {
        let branch = [
            "if x0 > x1 {",
            "    v1 = x1.sin();",
            "} else {",
            "    v1 = v1 * x2.cos();",
            "}",
        ];
        let program = Program {
            functions: vec![function(
                "p0",
                vec![
                    Chunk::line("let mut v1 = x0;"),
                    Chunk::Lines(branch.map(String::from).to_vec()),
                ],
                "v1",
            )],
        };
        let minimal = shrink(&program, |p| {
            format!("{:?}", p.checked().body).contains(".cos()")
        });
        let expected = ["if x0 > x1 {", "} else {", "    v1 = v1 * x2.cos();", "}"];
        assert_eq!(
            minimal.checked().body,
            [Chunk::Lines(expected.map(String::from).to_vec())]
        );
    }

    #[test]
    fn a_line_loses_a_chain_an_adapter_or_a_closure() {
        let line = "v1 = v1 * w.iter().rev().map(|&t2| t2 * x1).sum::<T>() + h3(v1.sin());";
        let simpler = simplified_lines(line);
        for expected in [
            "v1 = v1 * x1 + h3(v1.sin());",
            "v1 = v1 * x0 + h3(v1.sin());",
            "v1 = v1 * w.iter().map(|&t2| t2 * x1).sum::<T>() + h3(v1.sin());",
            "v1 = v1 * w.iter().rev().map(|&t2| t2 * x1).sum::<T>() + (v1.sin());",
        ] {
            assert!(
                simpler.iter().any(|l| l == expected),
                "{expected}: {simpler:?}"
            );
        }
        let head = "for (e4, &t5) in (0..4).zip(w[1..].iter()).skip(1) {";
        assert_eq!(
            simplified_lines(head),
            ["for (e4, &t5) in (0..4).zip(w[1..].iter()) {"]
        );
        let reduce =
            "let mut v6 = (x0 - b2[1..].iter().copied().reduce(|a7, t8| a7 * t8).unwrap());";
        assert!(simplified_lines(reduce).contains(&"let mut v6 = (x0 - x0);".to_string()));
        // A pattern or a closure keeps its right-hand side.
        let program = Program {
            functions: vec![function(
                "p0",
                lines(&["let (u1, u2) = (x0, x1 * x2);", "let h3 = |t4: T| t4 * x1;"]),
                "u1",
            )],
        };
        assert!(!edits(&program)
            .iter()
            .any(|e| matches!(e, Edit::Assign { .. })));
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
