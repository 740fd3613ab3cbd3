//! Forward mode and second order: `_jvp` and `_hvp`.

use autodiff::prelude::*;

mod common;
use common::assert_close;

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

#[differentiable]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() / 2 {
        let a = x[2 * i] * x[2 * i] - x[2 * i + 1];
        let b = x[2 * i] - 1.0;
        s += 100.0 * a * a + b * b;
    }
    s
}

#[test]
fn tanh_jvp_is_the_derivative() {
    let (v, t) = tanh_jvp(0.3, 1.0);
    assert_close(v, 0.3f64.tanh(), 1e-14);
    assert_close(t, tanh_grad(0.3), 1e-14);
}

#[test]
fn rosenbrock_hessian_vector_product() {
    let x = [1.2, 0.8, -0.5, 0.3];
    let v = [0.1, -0.2, 0.3, 0.4];
    let hv = rosenbrock_hvp(&x, &v);
    let mut expected = [0.0; 4];
    for i in 0..2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        let h11 = 1200.0 * a * a - 400.0 * b + 2.0;
        let h12 = -400.0 * a;
        let h22 = 200.0;
        expected[2 * i] = h11 * v[2 * i] + h12 * v[2 * i + 1];
        expected[2 * i + 1] = h12 * v[2 * i] + h22 * v[2 * i + 1];
    }
    for k in 0..4 {
        assert_close(hv[k], expected[k], 1e-12);
    }
    let (_, jv) = rosenbrock_jvp(&x, &v);
    let g = rosenbrock_grad(&x);
    assert_close(jv, g.iter().zip(&v).map(|(a, b)| a * b).sum(), 1e-12);
}
