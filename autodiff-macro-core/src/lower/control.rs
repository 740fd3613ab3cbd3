//! Control flow: `if`/`else`, `match`, `for`/`while`/`loop`, `break`, `continue`, `return`.

use super::{LoopFrame, Lowerer, Val};
use crate::ir::{
    Arm, Block, Exit, ExitKind, If, Loop, LoopId, LoopKind, Match, Operand, SlotId, Stmt,
};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, Pat};

/// The arms of a branch, lowered: each its block and the value of its tail.
pub(super) type Arms = Vec<(Block, Val)>;

/// Where a branch's value goes.
enum Result_ {
    Float(SlotId),
    Tuple(Vec<Result_>),
}

impl Lowerer<'_> {
    /// A condition: a non-float expression.
    fn cond(&mut self, cond: &Expr) -> TokenStream {
        self.cond_in(cond, &mut Block::new())
    }

    /// The tokens of a condition evaluated once, before its branch: what it computes
    /// (an iterator chain over floats, `x.iter().any(..)`) goes into `out`.
    fn cond_in(&mut self, cond: &Expr, out: &mut Block) -> TokenStream {
        if let Expr::Let(l) = cond {
            // `if let` is a `match` (`desugar::if_let`); this is a `let` chain.
            self.cx.error_spanned_by(
                l.let_token,
                "`let` inside a condition is not supported in a #[differentiable] function; use `if let` alone, or `match`",
            );
            return quote!(false);
        }
        let v = self.expr(cond, out);
        match v {
            Val::Opaque(e) => self.opaque_tokens(&e),
            Val::Never => quote!(false),
            _ => {
                self.cx.error_spanned_by(
                    cond,
                    "a condition must be a `bool`, such as a comparison `x > 0.0`",
                );
                quote!(false)
            }
        }
    }

    fn next_branch(&mut self) -> usize {
        self.n_branches += 1;
        self.n_branches - 1
    }

    /// An arm: a block lowered in its own scope, with the value of its tail.
    pub(super) fn arm_value(&mut self, body: &Expr, value_wanted: bool) -> (Block, Val) {
        let mut block = Block::new();
        self.push_scope();
        let val = match body {
            Expr::Block(b) if b.label.is_none() => {
                match self.block_stmts(&b.block.stmts, &mut block) {
                    Some(tail) if value_wanted => self.expr(&tail, &mut block),
                    Some(tail) => {
                        self.stmt_expr(&tail, &mut block);
                        unit()
                    }
                    // A block that ends in a jump (`{ return y; }`) has no value.
                    None if matches!(block.last(), Some(Stmt::Exit(_))) => Val::Never,
                    None => unit(),
                }
            }
            e if value_wanted => self.expr(e, &mut block),
            e => {
                self.stmt_expr(e, &mut block);
                unit()
            }
        };
        self.pop_scope();
        (block, val)
    }

    /// The `else` of an `if`: a block, or an `else if` lowered as a nested `if`.
    fn else_arm(&mut self, els: Option<&Expr>, value_wanted: bool) -> (Block, Val) {
        match els {
            None => (Block::new(), unit()),
            Some(Expr::If(i)) => {
                let mut block = Block::new();
                let e = Expr::If(i.clone());
                let val = if value_wanted {
                    self.if_expr(&e, i, &mut block)
                } else {
                    self.if_stmt(&e, i, &mut block);
                    unit()
                };
                (block, val)
            }
            Some(e) => self.arm_value(e, value_wanted),
        }
    }

    pub(super) fn if_stmt(&mut self, e: &Expr, i: &syn::ExprIf, out: &mut Block) {
        if let Some(m) = super::desugar::if_let(i) {
            return self.match_stmt(&Expr::Match(m.clone()), &m, out);
        }
        let before = out.len();
        let cond = self.cond_in(&i.cond, out);
        let id = self.next_branch();
        let (then, _) = self.arm_value(&Expr::Block(block_expr(&i.then_branch)), false);
        let (els, _) = self.else_arm(i.else_branch.as_ref().map(|(_, e)| &**e), false);
        if all_opaque(&then) && all_opaque(&els) {
            // Ordinary code, its condition as computed above (which wrote nothing, unless it
            // holds an iterator chain over floats).
            let tokens = if out.len() == before {
                self.opaque_tokens(e)
            } else {
                let then = self.opaque_tokens(&Expr::Block(block_expr(&i.then_branch)));
                let els = i.else_branch.as_ref().map(|(_, e)| {
                    let tokens = self.opaque_tokens(e);
                    quote!(else #tokens)
                });
                quote!(if #cond #then #els)
            };
            out.push(Stmt::Opaque(tokens));
            return;
        }
        out.push(Stmt::If(If {
            id,
            cond,
            then,
            els,
        }));
    }

    pub(super) fn if_expr(&mut self, e: &Expr, i: &syn::ExprIf, out: &mut Block) -> Val {
        if let Some(m) = super::desugar::if_let(i) {
            return self.match_expr(&Expr::Match(m.clone()), &m, out);
        }
        let cond = self.cond_in(&i.cond, out);
        let id = self.next_branch();
        let then = self.arm_value(&Expr::Block(block_expr(&i.then_branch)), true);
        let els = self.else_arm(i.else_branch.as_ref().map(|(_, e)| &**e), true);
        let mut arms = vec![then, els];
        let val = match self.join(e, &mut arms) {
            Joined::Value(v) => v,
            Joined::Opaque => return Val::Opaque(e.clone()),
        };
        let els = arms.pop().expect("two arms").0;
        let then = arms.pop().expect("two arms").0;
        out.push(Stmt::If(If {
            id,
            cond,
            then,
            els,
        }));
        val
    }

    fn match_arms(
        &mut self,
        m: &syn::ExprMatch,
        value_wanted: bool,
    ) -> (TokenStream, Vec<TokenStream>, Arms) {
        let v = self.expr(&m.expr, &mut Block::new());
        if let Val::Place(place) = &v {
            // `match ridge { Some(l) => .., None => .. }` on an `Option` parameter.
            return self.option_arms(m, place, value_wanted);
        }
        if !matches!(v, Val::Opaque(_) | Val::Never) {
            self.cx.error_spanned_by(
                &m.expr,
                "`match` on a float is not supported; use `if`/`else` with comparisons",
            );
        }
        let scrutinee = self.opaque_tokens(&m.expr);
        let mut pats = Vec::new();
        let mut arms = Vec::new();
        for arm in &m.arms {
            self.push_scope();
            let pat = match &arm.pat {
                Pat::Guard(g) => {
                    let pat = self.opaque_pat(&g.pat);
                    let guard = self.cond(&g.guard);
                    quote!(#pat if #guard)
                }
                p => {
                    let pat = self.opaque_pat(p);
                    quote!(#pat)
                }
            };
            pats.push(pat);
            arms.push(self.arm_value(&arm.body, value_wanted));
            self.pop_scope();
        }
        (scrutinee, pats, arms)
    }

    pub(super) fn match_stmt(&mut self, e: &Expr, m: &syn::ExprMatch, out: &mut Block) {
        let (scrutinee, pats, arms) = self.match_arms(m, false);
        let id = self.next_branch();
        if arms.iter().all(|(b, _)| all_opaque(b)) {
            let tokens = self.opaque_tokens(e);
            out.push(Stmt::Opaque(tokens));
            return;
        }
        out.push(match_stmt(id, scrutinee, pats, arms));
    }

    pub(super) fn match_expr(&mut self, e: &Expr, m: &syn::ExprMatch, out: &mut Block) -> Val {
        let (scrutinee, pats, mut arms) = self.match_arms(m, true);
        let id = self.next_branch();
        let val = match self.join(e, &mut arms) {
            Joined::Value(v) => v,
            Joined::Opaque => return Val::Opaque(e.clone()),
        };
        out.push(match_stmt(id, scrutinee, pats, arms));
        val
    }

    /// Joins the values of the arms of a branch: when one is a float, every arm writes its
    /// value into one result slot.
    fn join(&mut self, e: &Expr, arms: &mut Arms) -> Joined {
        // An arm that is an ndarray or nalgebra value makes the result one.
        let model = arms
            .iter()
            .find(|(_, v)| self.is_value(v))
            .or_else(|| {
                arms.iter()
                    .find(|(_, v)| matches!(v, Val::Float(_) | Val::Tuple(_) | Val::Place(_)))
            })
            .map(|(_, v)| v.clone());
        let Some(model) = model else {
            if arms.iter().all(|(b, _)| all_opaque(b)) {
                return Joined::Opaque;
            }
            if arms.iter().all(|(_, v)| matches!(v, Val::Never)) {
                return Joined::Value(Val::Never);
            }
            self.cx.error_spanned_by(e, "this branch computes floats but its value is not a float; compute the floats in `let` statements before it, or make every arm end in a float");
            return Joined::Value(Val::Never);
        };
        let result = self.result_like(&model);
        let span = e.span();
        for (block, val) in arms.iter_mut() {
            let val = std::mem::replace(val, Val::Never);
            self.write_result(&result, val, span, block);
        }
        Joined::Value(result_val(&result))
    }

    fn result_like(&mut self, model: &Val) -> Result_ {
        match model {
            Val::Tuple(parts) => {
                Result_::Tuple(parts.iter().map(|p| self.result_like(p)).collect())
            }
            _ => Result_::Float(self.temp(self.slot_ty_of(model))),
        }
    }

    fn write_result(&mut self, result: &Result_, val: Val, span: Span, block: &mut Block) {
        match (result, val) {
            (_, Val::Never) => {}
            (Result_::Float(slot), val) => {
                let op = self.operand(val, span, block);
                self.write_slot(block, *slot, op, true, span);
            }
            (Result_::Tuple(parts), Val::Tuple(vals)) if parts.len() == vals.len() => {
                for (p, v) in parts.iter().zip(vals) {
                    self.write_result(p, v, span, block);
                }
            }
            _ => self.cx.error_at(
                span,
                "the arms of this branch have values of different shapes",
            ),
        }
    }

    pub(super) fn loop_stmt(&mut self, e: &Expr, out: &mut Block) {
        if let Expr::While(w) = e {
            if let Some(l) = super::desugar::while_let(w) {
                return self.loop_stmt(&Expr::Loop(l), out);
            }
        }
        if let Expr::ForLoop(f) = e {
            if let Some(fold) = self.running_extremum(f) {
                return self.stmt_expr(&fold, out);
            }
            if self.selected_extremum(f, out) {
                return;
            }
            if let Some(rows) = self.rows_loop(f) {
                return self.stmt_expr(&rows, out);
            }
            match self.desugar_for(f) {
                Some(Ok(block)) => return self.stmt_expr(&block, out),
                Some(Err((span, message))) => return self.cx.error_at(span, message),
                None => {}
            }
        }
        let id = LoopId(self.n_loops);
        self.n_loops += 1;
        self.push_scope();
        let mut block = Block::new();
        let over_arrays = match e {
            Expr::ForLoop(f) => self.array_loop(f, out),
            _ => None,
        };
        let (label, kind, body) = match (e, over_arrays) {
            (Expr::ForLoop(f), Some((kind, prologue))) => {
                block = prologue;
                (&f.label, kind, &f.body)
            }
            (e, _) => match e {
                Expr::ForLoop(f) => {
                    let v = match &*f.expr {
                        Expr::Array(a) => {
                            let vals: Vec<Val> = a
                                .elems
                                .iter()
                                .map(|e| self.expr(e, &mut Block::new()))
                                .collect();
                            vals.into_iter()
                                .find(|v| !matches!(v, Val::Opaque(_)))
                                .unwrap_or(Val::Opaque(syn::parse_quote!(())))
                        }
                        e => self.expr(e, &mut Block::new()),
                    };
                    if !matches!(v, Val::Opaque(_) | Val::Never) {
                        self.cx.error_spanned_by(&f.expr, "iterating over floats is not supported yet; loop over indices, as in `for i in 0..n`");
                    }
                    let iter = self.opaque_tokens(&f.expr);
                    let pat = self.opaque_pat(&f.pat);
                    (
                        &f.label,
                        LoopKind::For {
                            pat: quote!(#pat),
                            iter,
                        },
                        &f.body,
                    )
                }
                Expr::While(w) => {
                    let cond = self.cond(&w.cond);
                    (&w.label, LoopKind::While { cond }, &w.body)
                }
                Expr::Loop(l) => (&l.label, LoopKind::Loop, &l.body),
                _ => unreachable!("called on loops"),
            },
        };
        let label = label.as_ref().map(|l| l.name.clone());
        self.loops.push(LoopFrame {
            id,
            label: label.as_ref().map(|l| l.ident.to_string()),
        });
        self.block_as_stmt(&body.stmts, &mut block);
        self.loops.pop();
        self.pop_scope();
        out.push(Stmt::Loop(Loop {
            id,
            label,
            kind,
            body: block,
        }));
    }

    fn next_site(&mut self) -> usize {
        self.n_sites += 1;
        self.n_sites
    }

    pub(super) fn return_stmt(&mut self, r: &syn::ExprReturn, out: &mut Block) {
        let Some(value) = &r.expr else {
            self.cx.error_spanned_by(
                r,
                "`return` needs the float the function returns, as in `return 0.0`",
            );
            return;
        };
        let val = self.expr(value, out);
        self.write_output(val, value, out);
        let site = self.next_site();
        out.push(Stmt::Exit(Exit {
            kind: ExitKind::Return,
            target: None,
            site,
        }));
    }

    fn loop_target(&mut self, label: Option<&syn::Lifetime>, span: Span) -> Option<LoopId> {
        let frame = match label {
            Some(l) => self
                .loops
                .iter()
                .rev()
                .find(|f| f.label.as_deref() == Some(&l.ident.to_string())),
            None => self.loops.last(),
        };
        if frame.is_none() {
            self.cx.error_at(
                span,
                "`break` and `continue` are supported only inside loops",
            );
        }
        frame.map(|f| f.id)
    }

    pub(super) fn break_stmt(&mut self, b: &syn::ExprBreak, out: &mut Block) {
        if let Some(value) = &b.expr {
            self.cx.error_spanned_by(value, "`break` with a value is not supported; assign the value to a variable declared before the loop, then `break`");
        }
        if let Some(target) = self.loop_target(b.label.as_ref(), b.span()) {
            let site = self.next_site();
            out.push(Stmt::Exit(Exit {
                kind: ExitKind::Break,
                target: Some(target),
                site,
            }));
        }
    }

    pub(super) fn continue_stmt(&mut self, c: &syn::ExprContinue, out: &mut Block) {
        if let Some(target) = self.loop_target(c.label.as_ref(), c.span()) {
            let site = self.next_site();
            out.push(Stmt::Exit(Exit {
                kind: ExitKind::Continue,
                target: Some(target),
                site,
            }));
        }
    }
}

/// The `match` statement of lowered arms.
fn match_stmt(id: usize, scrutinee: TokenStream, pats: Vec<TokenStream>, arms: Arms) -> Stmt {
    let arms = pats
        .into_iter()
        .zip(arms)
        .map(|(pat, (body, _))| Arm { pat, body })
        .collect();
    Stmt::Match(Match {
        id,
        scrutinee,
        arms,
    })
}

enum Joined {
    Value(Val),
    /// Every arm is non-float code: the whole branch is one opaque expression.
    Opaque,
}

fn result_val(r: &Result_) -> Val {
    match r {
        Result_::Float(s) => Val::Float(Operand::Slot(*s)),
        Result_::Tuple(parts) => Val::Tuple(parts.iter().map(result_val).collect()),
    }
}

fn unit() -> Val {
    Val::Opaque(syn::parse_quote!(()))
}

fn block_expr(b: &syn::Block) -> syn::ExprBlock {
    syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: b.clone(),
    }
}

/// Whether a block is only non-float code, so it can run as written.
fn all_opaque(block: &Block) -> bool {
    block.iter().all(|s| matches!(s, Stmt::Opaque(_)))
}
