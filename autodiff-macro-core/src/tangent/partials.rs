//! The partial derivatives of every primitive, written as IR over the primitive's operands and
//! result, so that a tangent body is itself differentiable (the reverse sweep over it gives
//! Hessian-vector products).
//!
//! Each is the same math as the primitive's reverse rule in `autodiff_runtime::rules`. The
//! piecewise-linear primitives (`abs`, `max`, `min`) take their partials from that rule with a
//! seed of one, so ties and zeros get the same subgradient in both modes; those partials are
//! constant almost everywhere, so they carry no second derivative.

use super::Tangents;
use crate::ir::{Block, Op, Operand, SlotTy};
use crate::symbol::{self, Prim};
use proc_macro2::Span;
use quote::quote;

/// The derivative of a primitive with respect to one operand.
pub enum Partial {
    One,
    MinusOne,
    Value(Operand),
    /// The operand carries no derivative (the exponent of `powi`).
    Zero,
}

/// What a partial reads: the operands, and the primal result `out`.
pub struct At<'a> {
    pub args: &'a [Operand],
    pub out: &'a Operand,
    pub span: Span,
}

impl Tangents<'_> {
    /// Whether the partials of `prim` read its result (which then goes to a temporary
    /// first, so that an operand the result overwrites is still there to read).
    pub fn reads_out(prim: &Prim) -> bool {
        matches!(
            prim.name,
            "exp"
                | "exp2"
                | "exp_m1"
                | "sqrt"
                | "cbrt"
                | "recip"
                | "tan"
                | "tanh"
                | "hypot"
                | "div"
                | "powf"
        )
    }

    /// The partial derivatives of `prim` at `at`, one per operand, appending the statements
    /// that compute them to `out`.
    pub fn partials(&mut self, out: &mut Block, prim: &'static Prim, at: &At) -> Vec<Partial> {
        use Partial::*;
        let a = || at.args[0].clone();
        let b = || at.args[1].clone();
        let y = || at.out.clone();
        let s = at.span;
        match prim.name {
            "add" => vec![One, One],
            "sub" => vec![One, MinusOne],
            "neg" => vec![MinusOne],
            "mul" => vec![Value(b()), Value(a())],
            "mul_add" => vec![Value(b()), Value(a()), One],
            // y = a/b: 1/b and −y/b, with one division
            "div" => {
                let inv = self.recip(out, b(), s);
                let ratio = self.op(out, &symbol::MUL, vec![y(), inv.clone()], s);
                let minus = self.op(out, &symbol::NEG, vec![ratio], s);
                vec![Value(inv), Value(minus)]
            }
            "exp" => vec![Value(y())],
            // 2^a·ln 2
            "exp2" => vec![Value(self.op(
                out,
                &symbol::MUL,
                vec![y(), self.lit(std::f64::consts::LN_2)],
                s,
            ))],
            // eᵃ = y + 1
            "exp_m1" => vec![Value(self.op(
                out,
                &symbol::ADD,
                vec![y(), self.lit(1.0)],
                s,
            ))],
            "ln" => vec![Value(self.recip(out, a(), s))],
            "log10" => {
                let scaled = self.op(
                    out,
                    &symbol::MUL,
                    vec![a(), self.lit(std::f64::consts::LN_10)],
                    s,
                );
                vec![Value(self.recip(out, scaled, s))]
            }
            "log2" => {
                let scaled = self.op(
                    out,
                    &symbol::MUL,
                    vec![a(), self.lit(std::f64::consts::LN_2)],
                    s,
                );
                vec![Value(self.recip(out, scaled, s))]
            }
            "ln_1p" => {
                let one_plus = self.op(out, &symbol::ADD, vec![self.lit(1.0), a()], s);
                vec![Value(self.recip(out, one_plus, s))]
            }
            // log_b a = ln a / ln b: 1/(a ln b) and −ln a/(b (ln b)²)
            "log" => {
                let ln_b = self.op(out, &symbol::LN, vec![b()], s);
                let a_ln_b = self.op(out, &symbol::MUL, vec![a(), ln_b.clone()], s);
                let da = self.recip(out, a_ln_b, s);
                let ln_a = self.op(out, &symbol::LN, vec![a()], s);
                let b_ln_b = self.op(out, &symbol::MUL, vec![b(), ln_b.clone()], s);
                let denom = self.op(out, &symbol::MUL, vec![b_ln_b, ln_b], s);
                let ratio = self.op(out, &symbol::DIV, vec![ln_a, denom], s);
                vec![Value(da), Value(self.op(out, &symbol::NEG, vec![ratio], s))]
            }
            // 1/(2y)
            "sqrt" => {
                let twice = self.op(out, &symbol::MUL, vec![self.lit(2.0), y()], s);
                vec![Value(self.recip(out, twice, s))]
            }
            // 1/(3y²)
            "cbrt" => {
                let sq = self.op(out, &symbol::MUL, vec![y(), y()], s);
                let thrice = self.op(out, &symbol::MUL, vec![self.lit(3.0), sq], s);
                vec![Value(self.recip(out, thrice, s))]
            }
            // −y²
            "recip" => {
                let sq = self.op(out, &symbol::MUL, vec![y(), y()], s);
                vec![Value(self.op(out, &symbol::NEG, vec![sq], s))]
            }
            // n·a^(n−1), with a^(n−1) as aⁿ/a for n = i32::MIN, as the rule has it
            "powi" => {
                let n = self.operand_tokens(&b());
                let da = self.zero_if(out, zero_lit_or(&b(), quote!(#n == 0)), s, |t, els| {
                    let is_min = match &b() {
                        Operand::Lit(_) => quote!(false),
                        Operand::Slot(_) => quote!(#n == i32::MIN),
                    };
                    let pow = t.select(
                        els,
                        is_min,
                        s,
                        |t, then| {
                            let pow_n = t.op(then, &symbol::POWI, vec![a(), b()], s);
                            t.op(then, &symbol::DIV, vec![pow_n, a()], s)
                        },
                        |t, els| {
                            let m =
                                t.constant(els, SlotTy::I32, quote!(i32::wrapping_sub(#n, 1)), s);
                            t.op(els, &symbol::POWI, vec![a(), m], s)
                        },
                    );
                    let n_f = match t.float {
                        crate::parse::FloatTy::Generic(ty) => {
                            quote!(::autodiff::__private::constant::<#ty>((#n) as f64))
                        }
                        float => {
                            let float = float.ty();
                            quote!((#n) as #float)
                        }
                    };
                    let n_f = t.constant(els, SlotTy::Float, n_f, s);
                    t.op(els, &symbol::MUL, vec![n_f, pow], s)
                });
                vec![Value(da), Zero]
            }
            // b·a^(b−1) and y·ln a; 0 where the rule says so (b = 0, y = 0)
            "powf" => {
                let zero = self.float.zero();
                let (b_tokens, y_tokens) = (self.operand_tokens(&b()), self.operand_tokens(&y()));
                let b_is_zero = zero_lit_or(&b(), quote!(#b_tokens == #zero));
                let da = self.zero_if(out, b_is_zero, s, |t, els| {
                    let b_minus = t.op(els, &symbol::SUB, vec![b(), t.lit(1.0)], s);
                    let pow = t.op(els, &symbol::POWF, vec![a(), b_minus], s);
                    t.op(els, &symbol::MUL, vec![b(), pow], s)
                });
                let db = self.zero_if(out, quote!(#y_tokens == #zero), s, |t, els| {
                    let ln_a = t.op(els, &symbol::LN, vec![a()], s);
                    t.op(els, &symbol::MUL, vec![y(), ln_a], s)
                });
                vec![Value(da), Value(db)]
            }
            "sin" => vec![Value(self.op(out, &symbol::COS, vec![a()], s))],
            "cos" => {
                let sin = self.op(out, &symbol::SIN, vec![a()], s);
                vec![Value(self.op(out, &symbol::NEG, vec![sin], s))]
            }
            // 1 + y²
            "tan" => {
                let sq = self.op(out, &symbol::MUL, vec![y(), y()], s);
                vec![Value(self.op(
                    out,
                    &symbol::ADD,
                    vec![self.lit(1.0), sq],
                    s,
                ))]
            }
            // ±1/√(1 − a²)
            "asin" | "acos" => {
                let sq = self.op(out, &symbol::MUL, vec![a(), a()], s);
                let rest = self.op(out, &symbol::SUB, vec![self.lit(1.0), sq], s);
                let root = self.op(out, &symbol::SQRT, vec![rest], s);
                let d = self.recip(out, root, s);
                if prim.name == "asin" {
                    vec![Value(d)]
                } else {
                    vec![Value(self.op(out, &symbol::NEG, vec![d], s))]
                }
            }
            // 1/(1 + a²)
            "atan" => {
                let sq = self.op(out, &symbol::MUL, vec![a(), a()], s);
                let sum = self.op(out, &symbol::ADD, vec![self.lit(1.0), sq], s);
                vec![Value(self.recip(out, sum, s))]
            }
            // atan2(a, b): b/(a² + b²) and −a/(a² + b²)
            "atan2" => {
                let aa = self.op(out, &symbol::MUL, vec![a(), a()], s);
                let bb = self.op(out, &symbol::MUL, vec![b(), b()], s);
                let r2 = self.op(out, &symbol::ADD, vec![aa, bb], s);
                let inv = self.recip(out, r2, s);
                let da = self.op(out, &symbol::MUL, vec![b(), inv.clone()], s);
                let ratio = self.op(out, &symbol::MUL, vec![a(), inv], s);
                vec![Value(da), Value(self.op(out, &symbol::NEG, vec![ratio], s))]
            }
            "sinh" => vec![Value(self.op(out, &symbol::COSH, vec![a()], s))],
            "cosh" => vec![Value(self.op(out, &symbol::SINH, vec![a()], s))],
            // 1 − y²
            "tanh" => {
                let sq = self.op(out, &symbol::MUL, vec![y(), y()], s);
                vec![Value(self.op(
                    out,
                    &symbol::SUB,
                    vec![self.lit(1.0), sq],
                    s,
                ))]
            }
            // 1/√(a² + 1), as hypot(a, 1): no overflow for large a
            "asinh" => {
                let root = self.op(out, &symbol::HYPOT, vec![a(), self.lit(1.0)], s);
                vec![Value(self.recip(out, root, s))]
            }
            // 1/√(a² − 1), as √(a − 1)·√(a + 1): NaN below −1, where the value is NaN
            "acosh" => {
                let below = self.op(out, &symbol::SUB, vec![a(), self.lit(1.0)], s);
                let above = self.op(out, &symbol::ADD, vec![a(), self.lit(1.0)], s);
                let root_below = self.op(out, &symbol::SQRT, vec![below], s);
                let root_above = self.op(out, &symbol::SQRT, vec![above], s);
                let root = self.op(out, &symbol::MUL, vec![root_below, root_above], s);
                vec![Value(self.recip(out, root, s))]
            }
            // 1/(1 − a²), as 1/((1 − a)(1 + a))
            "atanh" => {
                let below = self.op(out, &symbol::SUB, vec![self.lit(1.0), a()], s);
                let above = self.op(out, &symbol::ADD, vec![self.lit(1.0), a()], s);
                let rest = self.op(out, &symbol::MUL, vec![below, above], s);
                vec![Value(self.recip(out, rest, s))]
            }
            // a/y and b/y; 0 at the origin, as the rule has it
            "hypot" => {
                let zero = self.float.zero();
                let y_tokens = self.operand_tokens(&y());
                let inv = self.zero_if(out, quote!(#y_tokens == #zero), s, |t, els| {
                    t.recip(els, y(), s)
                });
                vec![
                    Value(self.op(out, &symbol::MUL, vec![a(), inv.clone()], s)),
                    Value(self.op(out, &symbol::MUL, vec![b(), inv], s)),
                ]
            }
            "to_degrees" => vec![Value(self.lit(180.0 / std::f64::consts::PI))],
            "to_radians" => vec![Value(self.lit(std::f64::consts::PI / 180.0))],
            "abs" | "max" | "min" => self.rule_partials(out, prim, at),
            other => {
                unreachable!("every primitive of symbol::ALL has partials; `{other}` has none")
            }
        }
    }

    /// The partials of a piecewise-linear primitive: its reverse rule with a seed of one, kept
    /// as constants (their derivative is zero wherever they are defined).
    fn rule_partials(&mut self, out: &mut Block, prim: &'static Prim, at: &At) -> Vec<Partial> {
        let name = quote::format_ident!("{}", prim.name);
        let args: Vec<_> = at.args.iter().map(|a| self.operand_tokens(a)).collect();
        let one = self.float.one();
        let call = quote!(::autodiff::__private::rules::#name(#(#args,)* #one));
        if prim.arity == 1 {
            return vec![Partial::Value(self.constant(
                out,
                crate::ir::SlotTy::Float,
                call,
                at.span,
            ))];
        }
        (0..prim.arity)
            .map(|k| {
                let k = syn::Index::from(k);
                Partial::Value(self.constant(
                    out,
                    crate::ir::SlotTy::Float,
                    quote!(#call.#k),
                    at.span,
                ))
            })
            .collect()
    }

    /// `t = if cond { 0 } else { value }`, `value` computed in the `else` branch by `value`:
    /// the reverse rule's value where the formula would be `0·∞` (hypot at the origin, `powf`
    /// with a zero exponent or value, `powi` with `n = 0`).
    pub(super) fn zero_if(
        &mut self,
        out: &mut Block,
        cond: proc_macro2::TokenStream,
        span: Span,
        value: impl FnOnce(&mut Self, &mut Block) -> Operand,
    ) -> Operand {
        let zero = self.float.zero();
        self.branch(
            out,
            cond,
            span,
            |t, then, dst| t.assign(then, dst, Op::Const(zero), vec![], true, span),
            value,
        )
    }

    /// `t = if cond { then(..) } else { els(..) }`, each value computed in its branch; the
    /// `else` value alone when `cond` is `false` (a literal operand that rules the case out).
    pub(super) fn select(
        &mut self,
        out: &mut Block,
        cond: proc_macro2::TokenStream,
        span: Span,
        then_value: impl FnOnce(&mut Self, &mut Block) -> Operand,
        else_value: impl FnOnce(&mut Self, &mut Block) -> Operand,
    ) -> Operand {
        self.branch(
            out,
            cond,
            span,
            |t, then, dst| {
                let v = then_value(t, then);
                t.assign(then, dst, Op::Copy, vec![v], true, span);
            },
            else_value,
        )
    }

    /// The `if` of [`zero_if`](Self::zero_if) and [`select`](Self::select): `then` writes the
    /// new temporary itself, `else_value` gives the value it is copied from.
    fn branch(
        &mut self,
        out: &mut Block,
        cond: proc_macro2::TokenStream,
        span: Span,
        then: impl FnOnce(&mut Self, &mut Block, crate::ir::SlotId),
        else_value: impl FnOnce(&mut Self, &mut Block) -> Operand,
    ) -> Operand {
        if cond.to_string() == "false" {
            return else_value(self, out);
        }
        let t = self.temp(SlotTy::Float);
        let mut then_block = Block::new();
        then(self, &mut then_block, t);
        let mut els = Block::new();
        let v = else_value(self, &mut els);
        self.assign(&mut els, t, Op::Copy, vec![v], true, span);
        let id = self.new_branch_id();
        out.push(crate::ir::Stmt::If(crate::ir::If {
            id,
            cond,
            then: then_block,
            els,
        }));
        Operand::Slot(t)
    }

    fn recip(&mut self, out: &mut Block, x: Operand, span: Span) -> Operand {
        self.op(out, &symbol::DIV, vec![self.lit(1.0), x], span)
    }

    /// `t = prim(args)` into a new temporary.
    pub fn op(
        &mut self,
        out: &mut Block,
        prim: &'static Prim,
        args: Vec<Operand>,
        span: Span,
    ) -> Operand {
        let t = self.temp(crate::ir::SlotTy::Float);
        self.assign(out, t, Op::Prim(prim), args, true, span);
        Operand::Slot(t)
    }
}

/// `cond`, or `false` when `op` is a literal other than zero (the usual `powi(2)`), so that
/// no branch is written for it.
fn zero_lit_or(op: &Operand, cond: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    match op {
        Operand::Lit(t) if !matches!(t.to_string().as_str(), "0" | "0.0" | "-0" | "-0.0") => {
            quote!(false)
        }
        _ => cond,
    }
}
