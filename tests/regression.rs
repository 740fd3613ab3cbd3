//! Regressions found by the differential tester (`difftest`), each as the smallest program
//! that showed it.

use autodiff::prelude::*;

mod common;
use common::fd2;

/// Found by `cargo run -p difftest --release -- --programs 200 --seed 1` (program p45): an
/// active variable overwritten by a constant kept its adjoint, so the gradient of its earlier
/// value leaked through the constant. The reverse of `v = c` now clears `v̄`.
mod constant_overwrite_clears_the_adjoint {
    use super::*;

    #[differentiable]
    pub fn overwritten(x: f64, y: f64) -> f64 {
        let mut v = x * y;
        if y > x {
            v = T_CONST;
        }
        v + y
    }

    const T_CONST: f64 = 0.353;

    #[test]
    fn both_branches() {
        // y > x: v = 0.353, f = 0.353 + y, ∇f = (0, 1).
        assert_eq!(overwritten_grad(1.0, 2.0), (0.0, 1.0));
        // y ≤ x: f = xy + y, ∇f = (y, x + 1).
        assert_eq!(overwritten_grad(2.0, 1.0), (1.0, 3.0));
        fd2(overwritten, 1.0, 2.0, overwritten_grad(1.0, 2.0));
        fd2(overwritten, 2.0, 1.0, overwritten_grad(2.0, 1.0));
    }
}
