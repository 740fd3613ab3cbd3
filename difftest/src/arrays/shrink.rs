//! Shrinking an array program: the smallest program that still fails, by the greedy search of
//! [`crate::shrink::greedy`] over the candidates of [`candidates`], each one edit smaller and
//! still well scoped (a binding is only deleted when nothing after it names it): a result
//! term dropped; a statement deleted; a branch replaced by one of its arms, a loop by its
//! body once (at index 0, or on row 0); an operation replaced by one of its operands of the
//! same shape.

use super::{ArrayProgram, Expr, Fun, Index, Shape, Stmt, ELEMENT};

/// The smallest program reached from `p` by candidates that keep `reproduces` true.
pub fn shrink(p: &ArrayProgram, reproduces: impl FnMut(&ArrayProgram) -> bool) -> ArrayProgram {
    crate::shrink::greedy(p, candidates, |_, c: &ArrayProgram| c.clone(), reproduces)
}

/// Whether `p` has a `cos` in a loop over rows: the programs `--inject-bug` corrupts a
/// reference of.
pub fn has_cos_in_rows_loop(p: &ArrayProgram) -> bool {
    fn in_block(block: &[Stmt], in_loop: bool) -> bool {
        block.iter().any(|s| {
            let in_loop = in_loop || matches!(s, Stmt::Rows { .. });
            let own = match s {
                Stmt::Let { value, .. } | Stmt::Assign { value, .. } => {
                    in_loop && value.any(&|e| matches!(e, Expr::Fun(Fun::Cos, ..)))
                }
                _ => false,
            };
            own || s.blocks().iter().any(|b| in_block(b, in_loop))
        })
    }
    in_block(&p.body, false)
}

/// Every program one edit smaller than `p`, in the order they are tried: result terms
/// dropped, then the body's edits (see [`block_candidates`]), then the result terms
/// simplified.
pub fn candidates(p: &ArrayProgram) -> Vec<ArrayProgram> {
    let mut out = Vec::new();
    if p.result.len() > 1 {
        for i in 0..p.result.len() {
            let mut c = p.clone();
            c.result.remove(i);
            out.push(c);
        }
    }
    let mut scope: Vec<(String, Shape)> =
        p.params.iter().map(|q| (q.name.clone(), q.shape)).collect();
    let result_mentions = |name: &str| p.result.iter().any(|e| e.reads(name));
    for body in block_candidates(&p.body, &mut scope, &result_mentions) {
        let mut c = p.clone();
        c.body = body;
        out.push(c);
    }
    // The scope after the body, for the result's shapes.
    bind_all(&p.body, &mut scope);
    for (i, term) in p.result.iter().enumerate() {
        for simpler in simplifications(term, &scope) {
            let mut c = p.clone();
            c.result[i] = simpler;
            out.push(c);
        }
    }
    out
}

/// Adds the bindings of `block`'s `let`s to `scope`.
fn bind_all(block: &[Stmt], scope: &mut Vec<(String, Shape)>) {
    for s in block {
        if let Stmt::Let { name, value } = s {
            let shape = shape_in(value, scope);
            scope.push((name.clone(), shape));
        }
    }
}

/// The shape of `e` with the variables of `scope`.
fn shape_in(e: &Expr, scope: &[(String, Shape)]) -> Shape {
    e.shape(&|v| {
        if v == ELEMENT {
            return Shape::Scalar;
        }
        scope
            .iter()
            .rev()
            .find(|(n, _)| n == v)
            .map(|(_, s)| *s)
            .unwrap_or_else(|| panic!("{v} is not in scope"))
    })
}

/// Whether `s` (or a statement inside it) reads or assigns the variable `name`.
fn mentions(s: &Stmt, name: &str) -> bool {
    let assigns = matches!(s, Stmt::Assign { name: target, .. } if target == name);
    assigns
        || s.reads(name)
        || s.blocks()
            .iter()
            .any(|b| b.iter().any(|t| mentions(t, name)))
}

/// Every version of `block` one edit smaller, `scope` holding the variables in scope at its
/// start (restored on return) and `later` telling whether what follows the block mentions a
/// name: each statement deleted (a `let` only if nothing after it mentions its name), a
/// branch replaced by an arm, a loop by its body once, then the edits inside each statement's
/// blocks, then its expressions simplified.
fn block_candidates(
    block: &[Stmt],
    scope: &mut Vec<(String, Shape)>,
    later: &dyn Fn(&str) -> bool,
) -> Vec<Vec<Stmt>> {
    let depth = scope.len();
    let mut out = Vec::new();
    for (i, s) in block.iter().enumerate() {
        let rest = &block[i + 1..];
        let after = |name: &str| rest.iter().any(|t| mentions(t, name)) || later(name);
        let replaced = |by: Vec<Stmt>| {
            let mut b = block.to_vec();
            b.splice(i..=i, by);
            b
        };
        let deletable = match s {
            Stmt::Let { name, .. } => !after(name),
            _ => true,
        };
        if deletable {
            out.push(replaced(Vec::new()));
        }
        out.extend(unwrapped(s, scope).into_iter().map(&replaced));
        out.extend(
            inner_candidates(s, scope, &after)
                .into_iter()
                .map(|t| replaced(vec![t])),
        );
        bind_all(std::slice::from_ref(s), scope);
    }
    scope.truncate(depth);
    out
}

/// `s` replaced by the statements it runs once: a branch by either arm, a `for` loop by its
/// body at index 0, a loop over rows by its body on row 0.
fn unwrapped(s: &Stmt, scope: &[(String, Shape)]) -> Vec<Vec<Stmt>> {
    match s {
        Stmt::If {
            then, otherwise, ..
        } => vec![then.clone(), otherwise.clone()],
        Stmt::For { index, body, .. } => {
            let zero = |e: &Expr| at_index_zero(e, index);
            vec![body.iter().map(|t| map_exprs(t, &zero)).collect()]
        }
        Stmt::Rows { row, matrix, body } => {
            let _ = scope;
            let first = Expr::Row(Index::Const(0), Box::new(Expr::Var(matrix.clone())));
            let on_first = |e: &Expr| substitute(e, row, &first);
            vec![body.iter().map(|t| map_exprs(t, &on_first)).collect()]
        }
        Stmt::Let { .. } | Stmt::Assign { .. } => Vec::new(),
    }
}

/// The statements `s` becomes by one edit inside its blocks or of its expressions.
fn inner_candidates(
    s: &Stmt,
    scope: &mut Vec<(String, Shape)>,
    after: &dyn Fn(&str) -> bool,
) -> Vec<Stmt> {
    let mut out = Vec::new();
    match s {
        Stmt::Let { name, value } => {
            for v in simplifications(value, scope) {
                out.push(Stmt::Let {
                    name: name.clone(),
                    value: v,
                });
            }
        }
        Stmt::Assign { name, op, value } => {
            for v in simplifications(value, scope) {
                out.push(Stmt::Assign {
                    name: name.clone(),
                    op: *op,
                    value: v,
                });
            }
        }
        Stmt::If {
            lhs,
            greater,
            rhs,
            then,
            otherwise,
        } => {
            let with = |lhs: Expr, then: Vec<Stmt>, otherwise: Vec<Stmt>| Stmt::If {
                lhs,
                greater: *greater,
                rhs: *rhs,
                then,
                otherwise,
            };
            for t in block_candidates(then, scope, after) {
                out.push(with(lhs.clone(), t, otherwise.clone()));
            }
            for o in block_candidates(otherwise, scope, after) {
                out.push(with(lhs.clone(), then.clone(), o));
            }
            for l in simplifications(lhs, scope) {
                out.push(with(l, then.clone(), otherwise.clone()));
            }
        }
        Stmt::For { index, bound, body } => {
            for b in block_candidates(body, scope, after) {
                out.push(Stmt::For {
                    index: index.clone(),
                    bound: *bound,
                    body: b,
                });
            }
        }
        Stmt::Rows { row, matrix, body } => {
            let shape = match shape_in(&Expr::Var(matrix.clone()), scope) {
                Shape::Matrix(_, c) => Shape::Vector(c),
                s => s,
            };
            scope.push((row.clone(), shape));
            for b in block_candidates(body, scope, after) {
                out.push(Stmt::Rows {
                    row: row.clone(),
                    matrix: matrix.clone(),
                    body: b,
                });
            }
            scope.pop();
        }
    }
    out
}

/// `s` with `f` applied to each of its expressions, nested statements included.
fn map_exprs(s: &Stmt, f: &dyn Fn(&Expr) -> Expr) -> Stmt {
    let block = |b: &Vec<Stmt>| b.iter().map(|t| map_exprs(t, f)).collect();
    match s {
        Stmt::Let { name, value } => Stmt::Let {
            name: name.clone(),
            value: f(value),
        },
        Stmt::Assign { name, op, value } => Stmt::Assign {
            name: name.clone(),
            op: *op,
            value: f(value),
        },
        Stmt::If {
            lhs,
            greater,
            rhs,
            then,
            otherwise,
        } => Stmt::If {
            lhs: f(lhs),
            greater: *greater,
            rhs: *rhs,
            then: block(then),
            otherwise: block(otherwise),
        },
        Stmt::For { index, bound, body } => Stmt::For {
            index: index.clone(),
            bound: *bound,
            body: block(body),
        },
        Stmt::Rows { row, matrix, body } => Stmt::Rows {
            row: row.clone(),
            matrix: matrix.clone(),
            body: block(body),
        },
    }
}

/// `e` with the counter `index` replaced by 0.
fn at_index_zero(e: &Expr, index: &str) -> Expr {
    let zero = |i: &Index| match i {
        Index::Var(v) if v == index => Index::Const(0),
        i => i.clone(),
    };
    let mut e = e.clone();
    match &mut e {
        Expr::Row(i, _) | Expr::Column(i, _) => *i = zero(i),
        Expr::Element(_, at) => at.iter_mut().for_each(|i| *i = zero(i)),
        _ => {}
    }
    for c in e.children_mut() {
        *c = at_index_zero(c, index);
    }
    e
}

/// `e` with the variable `name` replaced by `by`.
fn substitute(e: &Expr, name: &str, by: &Expr) -> Expr {
    if matches!(e, Expr::Var(v) if v == name) {
        return by.clone();
    }
    let mut e = e.clone();
    for c in e.children_mut() {
        *c = substitute(c, name, by);
    }
    e
}

/// Every expression one edit simpler than `e`: `e` replaced by one of its operands of its
/// shape, or one of its operands simplified so.
fn simplifications(e: &Expr, scope: &[(String, Shape)]) -> Vec<Expr> {
    let shape = shape_in(e, scope);
    let mut out: Vec<Expr> = e
        .children()
        .into_iter()
        .filter(|c| shape_in(c, scope) == shape && !matches!(e, Expr::Closure(..)))
        .cloned()
        .collect();
    // A closure's receiver has its shape; its body is a float of the element.
    if let Expr::Closure(receiver, _) = e {
        out.push((**receiver).clone());
    }
    for k in 0..e.children().len() {
        for simpler in simplifications(e.children()[k], scope) {
            let mut c = e.clone();
            *c.children_mut()[k] = simpler;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrays::{Lib, Op, Param, Pass, Reduction};

    fn program() -> ArrayProgram {
        let var = Expr::var;
        ArrayProgram {
            name: "a1".into(),
            lib: Lib::Ndarray,
            params: vec![
                Param {
                    name: "m0".into(),
                    shape: Shape::Matrix(2, 3),
                    pass: Pass::Ref,
                },
                Param {
                    name: "s1".into(),
                    shape: Shape::Scalar,
                    pass: Pass::Owned,
                },
            ],
            wrt: Vec::new(),
            body: vec![
                Stmt::Let {
                    name: "v2".into(),
                    value: Expr::bin(Op::Mul, var("m0"), var("s1")),
                },
                Stmt::For {
                    index: "i3".into(),
                    bound: 2,
                    body: vec![Stmt::Assign {
                        name: "v2".into(),
                        op: None,
                        value: Expr::bin(
                            Op::Add,
                            var("v2"),
                            Expr::Row(Index::Var("i3".into()), Box::new(var("m0"))),
                        ),
                    }],
                },
            ],
            result: vec![
                Expr::Reduce(Reduction::Sum, Box::new(var("v2"))),
                Expr::Fun(Fun::Tanh, crate::arrays::Style::Method, Box::new(var("s1"))),
            ],
        }
    }

    #[test]
    fn candidates_stay_in_scope_and_shrink() {
        let p = program();
        let all = candidates(&p);
        // `v2` is read after its `let`: never deleted alone.
        assert!(all
            .iter()
            .all(|c| matches!(&c.body[0], Stmt::Let { name, .. } if name == "v2")));
        // The loop's body once, at index 0.
        assert!(all.iter().any(|c| c.body.len() == 2
            && matches!(&c.body[1], Stmt::Assign { value, .. }
                if value.any(&|e| matches!(e, Expr::Row(Index::Const(0), _))))));
        // `m0 * s1` replaced by `m0` (its shape), not by `s1`.
        assert!(all
            .iter()
            .any(|c| matches!(&c.body[0], Stmt::Let { value: Expr::Var(v), .. } if v == "m0")));
        assert!(!all
            .iter()
            .any(|c| matches!(&c.body[0], Stmt::Let { value: Expr::Var(v), .. } if v == "s1")));
        // A result term dropped, and `s1.tanh()` simplified to `s1`.
        assert!(all.iter().any(|c| c.result.len() == 1));
        assert!(all
            .iter()
            .any(|c| c.result.get(1) == Some(&Expr::var("s1"))));
        assert!(all.iter().all(|c| c.size() <= p.size() && c != &p));
        // Shrinking to what still reads `m0` in a sum ends at one statement and one term.
        let minimal = shrink(&p, |c| {
            c.result
                .iter()
                .any(|e| matches!(e, Expr::Reduce(Reduction::Sum, _)))
        });
        assert_eq!(minimal.result.len(), 1);
        assert_eq!(minimal.body.len(), 1);
    }
}
