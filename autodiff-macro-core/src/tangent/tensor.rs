//! Tangents of operations on ndarray and nalgebra values (`Op::Tensor`), written with the
//! same operations, so that `_hvp` (the reverse sweep of the tangent body) differentiates
//! them with the runtime's rules again: `d(a·b) = ȧ·b + a·ḃ`, `d tanh(a) = ȧ ⊙ (1 − y²)`,
//! `d Σa = Σȧ`, ...

use super::Tangents;
use crate::ir::{Assign, Op, Operand, SlotId, SlotTy, Stmt};
use crate::symbol::tensor::{self as t, TensorOp};
use proc_macro2::Span;

impl Tangents<'_> {
    /// `y = op(args)` with its tangent, or a constant assigned to a value with a zero one.
    pub(super) fn tensor_assign(&mut self, a: &Assign, tan: SlotId, out: &mut Block) {
        let span = a.span;
        if let Op::Read(r) = &a.op {
            // A field read whole (`pose.r`): the tangent's field, or a zero of its shape.
            out.push(Stmt::Assign(a.clone()));
            match self.tangent_ref(r) {
                Some(t) => self.assign(out, tan, Op::Read(t), vec![], a.first_def, span),
                None => {
                    let dst = Operand::Slot(a.dst);
                    self.tensor_set(out, tan, &t::ZEROS_LIKE, vec![dst], a.first_def, span);
                }
            }
            return;
        }
        let Op::Tensor(op) = &a.op else {
            // A constant (`Array2::zeros(..)`) or a copy: a zero of its shape.
            out.push(Stmt::Assign(a.clone()));
            let dst = Operand::Slot(a.dst);
            self.tensor_set(out, tan, &t::ZEROS_LIKE, vec![dst], a.first_def, span);
            return;
        };
        // When the result overwrites an operand (`h = h.tanh()`), it goes to a temporary
        // first, so that the tangent reads the operand as it was.
        let overwrites = a
            .args
            .iter()
            .any(|o| matches!(o, Operand::Slot(s) if *s == a.dst));
        let (y, finish) = if overwrites {
            let ty = self.slots[a.dst.0].ty;
            let y = self.temp(ty);
            self.assign(out, y, a.op.clone(), a.args.clone(), true, span);
            let copy = Assign {
                op: Op::Tensor(if ty == SlotTy::Value {
                    &t::COPY
                } else {
                    &t::TO_SCALAR
                }),
                args: vec![Operand::Slot(y)],
                ..a.clone()
            };
            (Operand::Slot(y), Some(copy))
        } else {
            out.push(Stmt::Assign(a.clone()));
            (Operand::Slot(a.dst), None)
        };
        let ta: Vec<Option<Operand>> = a.args[..op.diff]
            .iter()
            .map(|o| self.tangent_of(o))
            .collect();
        let args = &a.args;
        let data: Vec<Operand> = args[op.diff..].to_vec();
        let value = self.tensor_tangent(out, op, args, &data, &ta, &y, span);
        match value {
            Some((op, args)) => self.tensor_set(out, tan, op, args, a.first_def, span),
            None if self.slots[tan.0].ty == SlotTy::Value => {
                self.tensor_set(out, tan, &t::ZEROS_LIKE, vec![y.clone()], a.first_def, span)
            }
            None => {
                let zero = self.float.zero();
                self.assign(out, tan, Op::Const(zero), vec![], a.first_def, span);
            }
        }
        if let Some(finish) = finish {
            out.push(Stmt::Assign(finish));
        }
    }

    /// `tan = op(args)`: a value's tangent, or a float's (converted when the operation
    /// gives a value that is a float).
    fn tensor_set(
        &mut self,
        out: &mut Block,
        tan: SlotId,
        op: &'static TensorOp,
        args: Vec<Operand>,
        first_def: bool,
        span: Span,
    ) {
        let float_tan = self.slots[tan.0].ty == SlotTy::Float;
        if float_tan && !op.float_out {
            let v = self.tensor_tmp(out, op, args, span);
            self.assign(
                out,
                tan,
                Op::Tensor(&t::TO_SCALAR),
                vec![v],
                first_def,
                span,
            );
        } else {
            self.assign(out, tan, Op::Tensor(op), args, first_def, span);
        }
    }

    /// `op(args)` in a new temporary.
    fn tensor_tmp(
        &mut self,
        out: &mut Block,
        op: &'static TensorOp,
        args: Vec<Operand>,
        span: Span,
    ) -> Operand {
        let t = self.temp(SlotTy::of_tensor(op));
        self.assign(out, t, Op::Tensor(op), args, true, span);
        Operand::Slot(t)
    }

    /// The tangent of `op(args)` (value `y`), as one operation still to be stored, its
    /// parts in temporaries; `None` when no operand has a tangent.
    #[allow(clippy::too_many_arguments)]
    fn tensor_tangent(
        &mut self,
        out: &mut Block,
        op: &'static TensorOp,
        args: &[Operand],
        data: &[Operand],
        ta: &[Option<Operand>],
        y: &Operand,
        span: Span,
    ) -> Option<(&'static TensorOp, Vec<Operand>)> {
        let with_data = |first: Operand| {
            let mut v = vec![first];
            v.extend(data.iter().cloned());
            v
        };
        let a = args[0].clone();
        let name = op.name;
        // Linear in its one operand: the same operation of the tangent.
        if [
            &t::COPY,
            &t::NEG,
            &t::T,
            &t::ROW,
            &t::COLUMN,
            &t::SUM_AXIS,
            &t::SUM,
            &t::MEAN,
            &t::TO_SCALAR,
            &t::INDEX,
        ]
        .iter()
        .any(|o| std::ptr::eq(*o, op))
        {
            return ta[0].clone().map(|ta| (op, with_data(ta)));
        }
        // ẏ = ȧ ⊙ n·aⁿ⁻¹
        if std::ptr::eq(op, &t::POWI) {
            let ta = ta[0].clone()?;
            let p = self.tensor_tmp(out, &t::POWI_PARTIAL, with_data(a), span);
            return Some((&t::COMPONENT_MUL, vec![ta, p]));
        }
        // Only in tangent bodies, which are not transformed again.
        if [
            &t::ZEROS_LIKE,
            &t::SIGN,
            &t::MAX_WEIGHT,
            &t::MIN_WEIGHT,
            &t::POWI_PARTIAL,
        ]
        .iter()
        .any(|o| std::ptr::eq(*o, op))
        {
            return None;
        }
        // ẏ = ȧ ⊙ w + ḃ·(1 − w), w the share of `a` (½ at a tie).
        if std::ptr::eq(op, &t::MAXIMUM) || std::ptr::eq(op, &t::MINIMUM) {
            let weight = if std::ptr::eq(op, &t::MAXIMUM) {
                &t::MAX_WEIGHT
            } else {
                &t::MIN_WEIGHT
            };
            let b = args[1].clone();
            let w = self.tensor_tmp(out, weight, vec![a.clone(), b], span);
            let left = ta[0]
                .clone()
                .map(|x| self.tensor_tmp(out, &t::COMPONENT_MUL, vec![x, w.clone()], span));
            let right = ta[1].clone().map(|z| {
                let one = self.lit(1.0);
                let rest = self.tensor_tmp(out, &t::SUB, vec![one, w.clone()], span);
                self.tensor_tmp(out, &t::MUL, vec![z, rest], span)
            });
            return match (left, right) {
                (Some(l), Some(r)) => Some((&t::ADD, vec![l, r])),
                (Some(x), None) | (None, Some(x)) => Some((&t::COPY, vec![x])),
                (None, None) => None,
            };
        }
        if op.diff == 2 {
            let b = args[1].clone();
            let (ta, tb) = (ta[0].clone(), ta[1].clone());
            // With one tangent, a zero of the result's shape beside it: an operand broadcast
            // (a float, a row over a matrix) has a tangent of its own shape, and `s + a`
            // moves every element by ṡ.
            let zero = |s: &mut Self, out: &mut Block| {
                s.tensor_tmp(out, &t::ZEROS_LIKE, vec![y.clone()], span)
            };
            return match name {
                "add" => match (ta, tb) {
                    (Some(x), Some(z)) => Some((&t::ADD, vec![x, z])),
                    (Some(x), None) | (None, Some(x)) => Some((&t::ADD, vec![x, zero(self, out)])),
                    (None, None) => None,
                },
                "sub" => match (ta, tb) {
                    (Some(x), Some(z)) => Some((&t::SUB, vec![x, z])),
                    (Some(x), None) => Some((&t::ADD, vec![x, zero(self, out)])),
                    (None, Some(z)) => Some((&t::SUB, vec![zero(self, out), z])),
                    (None, None) => None,
                },
                // ẏ = ȧ / b − y ⊙ ḃ / b
                "div" => {
                    let left = ta.map(|x| self.tensor_tmp(out, &t::DIV, vec![x, b.clone()], span));
                    let right = tb.map(|z| {
                        let yz = self.tensor_tmp(out, &t::MUL, vec![y.clone(), z], span);
                        self.tensor_tmp(out, &t::DIV, vec![yz, b.clone()], span)
                    });
                    match (left, right) {
                        (Some(l), Some(r)) => Some((&t::SUB, vec![l, r])),
                        (Some(l), None) => Some((&t::COPY, vec![l])),
                        (None, Some(r)) => Some((&t::NEG, vec![r])),
                        (None, None) => None,
                    }
                }
                // Bilinear (`*`, `dot`, `cross`, `component_mul`): ȧ∘b + a∘ḃ.
                _ => {
                    let left = ta.map(|x| (op, vec![x, b.clone()]));
                    let right = tb.map(|z| (op, vec![a.clone(), z]));
                    match (left, right) {
                        (Some((o, l)), Some((p, r))) => {
                            let l = self.tensor_tmp(out, o, l, span);
                            let r = self.tensor_tmp(out, p, r, span);
                            Some((&t::ADD, vec![l, r]))
                        }
                        (Some(x), None) | (None, Some(x)) => Some(x),
                        (None, None) => None,
                    }
                }
            };
        }
        let ta = ta[0].clone()?;
        let mul =
            |s: &mut Self, out: &mut Block, f: Operand| -> (&'static TensorOp, Vec<Operand>) {
                let _ = s;
                let _ = out;
                (&t::COMPONENT_MUL, vec![ta.clone(), f])
            };
        Some(match name {
            "exp" => mul(self, out, y.clone()),
            // Division by a value written as a product with its reciprocal: nalgebra
            // divides a matrix by a float only.
            "ln" => {
                let r = self.tensor_tmp(out, &t::RECIP, vec![a], span);
                mul(self, out, r)
            }
            "tanh" => {
                let d = self.tensor_tmp(out, &t::ONE_MINUS_SQUARE, vec![y.clone()], span);
                mul(self, out, d)
            }
            "sin" => {
                let d = self.tensor_tmp(out, &t::COS, vec![a], span);
                mul(self, out, d)
            }
            "cos" => {
                let s = self.tensor_tmp(out, &t::SIN, vec![a], span);
                let p = self.tensor_tmp(out, &t::COMPONENT_MUL, vec![ta.clone(), s], span);
                (&t::NEG, vec![p])
            }
            "sqrt" => {
                let twice = self.tensor_tmp(out, &t::ADD, vec![y.clone(), y.clone()], span);
                let r = self.tensor_tmp(out, &t::RECIP, vec![twice], span);
                mul(self, out, r)
            }
            "recip" => {
                let sq = self.tensor_tmp(out, &t::SQUARE, vec![y.clone()], span);
                let p = self.tensor_tmp(out, &t::COMPONENT_MUL, vec![ta.clone(), sq], span);
                (&t::NEG, vec![p])
            }
            "abs" => {
                let s = self.tensor_tmp(out, &t::SIGN, vec![a], span);
                mul(self, out, s)
            }
            "square" => {
                let twice = self.tensor_tmp(out, &t::ADD, vec![a.clone(), a], span);
                mul(self, out, twice)
            }
            "one_minus_square" => {
                let twice = self.tensor_tmp(out, &t::ADD, vec![a.clone(), a], span);
                let p = self.tensor_tmp(out, &t::COMPONENT_MUL, vec![ta.clone(), twice], span);
                (&t::NEG, vec![p])
            }
            // ẏ = 2 Σ a ⊙ ȧ
            "norm_squared" => {
                let p = self.tensor_tmp(out, &t::COMPONENT_MUL, vec![a, ta.clone()], span);
                let s = self.tensor_tmp(out, &t::SUM, vec![p], span);
                (&t::ADD, vec![s.clone(), s])
            }
            // ẏ = Σ a ⊙ ȧ / y
            // ẏ = Σ a ⊙ ȧ / y, and 0 at a = 0 as the reverse rule has it (not 0/0).
            "norm" => {
                let p = self.tensor_tmp(out, &t::COMPONENT_MUL, vec![a, ta.clone()], span);
                let s = self.tensor_tmp(out, &t::SUM, vec![p], span);
                let (zero, y_tokens) = (self.float.zero(), self.operand_tokens(y));
                let d = self.zero_if(out, quote::quote!(#y_tokens == #zero), span, |tr, els| {
                    tr.op(els, &crate::symbol::DIV, vec![s, y.clone()], span)
                });
                (&t::TO_SCALAR, vec![d])
            }
            _ => unreachable!("every tensor operation has a tangent: {name}"),
        })
    }
}

type Block = crate::ir::Block;
