//! The extended Rosenbrock function at n = 1000:
//! f(x) = Σ_{i < n/2} 100 (x_{2i}² − x_{2i+1})² + (x_{2i} − 1)²
//! (0-based; the pairs (x_{2i−1}, x_{2i}) of the 1-based standard form).

use autodiff::prelude::*;
use easy_ml::differentiation::{Record, WengertList};
use nalgebra::DVector;
use num_dual::{Dual64, Gradients};

/// Inputs.
pub const N: usize = 1000;

/// The primal, a plain loop over the pairs; `rosenbrock_grad` and `rosenbrock_grad_into` are
/// generated from it.
#[differentiable]
pub fn rosenbrock(x: &[f64]) -> f64 {
    let mut sum = 0.0;
    for i in 0..x.len() / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        let t = a * a - b;
        let u = a - 1.0;
        sum += 100.0 * t * t + u * u;
    }
    sum
}

/// By hand: with a = x_{2i}, b = x_{2i+1} and t = a² − b,
///
/// ∂f/∂x_{2i} = 400·a·t + 2(a − 1),   ∂f/∂x_{2i+1} = −200·t.
pub fn hand_grad(x: &[f64]) -> Vec<f64> {
    let mut grad = vec![0.0; x.len()];
    for i in 0..x.len() / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        let t = a * a - b;
        grad[2 * i] = 400.0 * a * t + 2.0 * (a - 1.0);
        grad[2 * i + 1] = -200.0 * t;
    }
    grad
}

/// easy-ml's reverse mode: one `Record` variable per input.
pub fn easy_ml_grad(list: &WengertList<f64>, x: &[f64]) -> Vec<f64> {
    list.clear();
    let x: Vec<Record<f64>> = x.iter().map(|&x| Record::variable(x, list)).collect();
    let mut sum = Record::constant(0.0);
    for i in 0..x.len() / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        let t = a * a - b;
        let u = a - 1.0;
        sum = sum + t * t * 100.0 + u * u;
    }
    let derivatives = sum.derivatives();
    x.iter().map(|x| derivatives[x]).collect()
}

/// The same loop on num-dual's `Dual64`.
pub fn rosenbrock_dual(x: &[Dual64]) -> Dual64 {
    let mut sum = Dual64::from(0.0);
    for i in 0..x.len() / 2 {
        let a = x[2 * i];
        let b = x[2 * i + 1];
        let t = a * a - b;
        let u = a - 1.0;
        sum += t * t * 100.0 + u * u;
    }
    sum
}

/// num-dual's forward mode: `Gradients::gradient` on a dynamically sized `DVector`, which
/// num-dual's documentation recommends over `gradient` with `DualDVec64` (a heap-allocated
/// tangent vector in every number). It runs one sweep of `Dual64` per input: n sweeps.
pub fn num_dual_grad(x: &DVector<f64>) -> Vec<f64> {
    let (_, g) = Gradients::gradient(
        |x: DVector<Dual64>, _: &()| rosenbrock_dual(x.as_slice()),
        x,
        &(),
    );
    g.as_slice().to_vec()
}

/// The point: x_i uniform in [−1.2, 1.2), fixed.
pub fn data() -> Vec<f64> {
    let mut rng = crate::Lcg::new(0x9e37_79b9_7f4a_7c15);
    (0..N).map(|_| 1.2 * rng.next_f64()).collect()
}

/// Asserts that every gradient agrees with the hand-written one.
pub fn check() {
    let x = data();
    let hand = hand_grad(&x);
    crate::assert_agree("rosenbrock: generated", &rosenbrock_grad(&x), &hand);
    let mut into = vec![0.0; N];
    let value = rosenbrock_grad_into(&x, &mut into);
    assert_eq!(value, rosenbrock(&x));
    crate::assert_agree("rosenbrock: generated _grad_into", &into, &hand);
    let list = WengertList::new();
    crate::assert_agree("rosenbrock: easy-ml", &easy_ml_grad(&list, &x), &hand);
    let xv = DVector::from_column_slice(&x);
    crate::assert_agree("rosenbrock: num-dual", &num_dual_grad(&xv), &hand);
}
