//! Which parameters get a gradient: floats and float shapes; types that visibly hold no float
//! pass through; every other type must implement `Differentiable` (or be left out with
//! `wrt(...)`), so that no gradient is dropped without a word.

// Loops over indices are the form the transform reads best, as a user would write them.
#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;
use proptest::prelude::*;

mod common;
use common::{assert_all_close, fd, fd2};

/// A model whose `Differentiable` is written by hand (until the derive exists).
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub w: Vec<f64>,
    pub b: f64,
}

impl Differentiable for Model {
    type Scalar = f64;
    fn zeros_like(&self) -> Self {
        Model {
            w: self.w.zeros_like(),
            b: 0.0,
        }
    }
    fn add_scaled(&mut self, alpha: f64, other: &Self) {
        self.w.add_scaled(alpha, &other.w);
        self.b.add_scaled(alpha, &other.b);
    }
    fn dot(&self, other: &Self) -> f64 {
        self.w.dot(&other.w) + self.b * other.b
    }
    fn to_flat(&self) -> Vec<f64> {
        let mut flat = self.w.to_flat();
        flat.push(self.b);
        flat
    }
    fn from_flat(&self, flat: &[f64]) -> Self {
        let n = self.w.len();
        Model {
            w: flat[..n].to_vec(),
            b: flat[n],
        }
    }
}

/// Every parameter here visibly holds no float, but `x` and `y`.
#[differentiable]
#[allow(clippy::too_many_arguments)]
fn data_of_every_kind(
    x: f64,
    n: usize,
    flags: &[bool],
    name: &str,
    pair: (usize, i32),
    opt: Option<u8>,
    label: String,
    c: char,
    idx: Vec<usize>,
    y: f64,
) -> f64 {
    let mut s = x * y;
    if flags[0] && !name.is_empty() && label.len() > 1 && c == 'a' {
        s *= x;
    }
    let k = pair.0 + idx[0] + n + opt.unwrap_or(0) as usize;
    s * k as f64
}

/// `f` called with `x`, `y` and the same data of every kind.
macro_rules! with_data {
    ($f:ident, $x:expr, $y:expr) => {
        $f(
            $x,
            1,
            &[true],
            "a",
            (2, 0),
            Some(3),
            "ab".into(),
            'a',
            vec![4],
            $y,
        )
    };
}

#[test]
fn parameters_that_hold_no_float_pass_through() {
    let call = |x: f64, y: f64| with_data!(data_of_every_kind, x, y);
    let g: (f64, f64) = with_data!(data_of_every_kind_grad, 1.5, 2.0);
    // f = 10·x²y: ∇f = (20xy, 10x²).
    assert_eq!(g, (60.0, 22.5));
    fd2(call, 1.5, 2.0, g);
}

/// `m` implements `Differentiable`; the body does not read it, so its gradient is zero.
#[differentiable]
fn unread_model(_m: &Model, x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * x[i];
    }
    s
}

#[test]
fn a_differentiable_parameter_the_body_does_not_read_has_a_zero_gradient() {
    let m = Model {
        w: vec![1.0, 2.0],
        b: 0.5,
    };
    let x = [1.0, -2.0];
    let (gm, gx) = unread_model_grad(&m, &x);
    assert_eq!(
        gm,
        Model {
            w: vec![0.0, 0.0],
            b: 0.0
        }
    );
    // ∂/∂xᵢ Σ xᵢ³ = 3xᵢ².
    assert_eq!(gx, [3.0, 12.0]);
    fd(|x| unread_model(&m, x), &x, &gx);
    // The destinations are added into, the model's left as it was.
    let mut dm = m.clone();
    let mut dx = vec![1.0, 1.0];
    unread_model_grad_into(&m, &x, &mut dm, &mut dx);
    assert_eq!((dm, dx), (m.clone(), vec![4.0, 13.0]));
    // Forward mode and second order take the model's tangent and give it no part.
    let (value, slope) = unread_model_jvp(&m, &x, &m, &[1.0, 1.0]);
    assert_eq!((value, slope), (-7.0, 15.0));
    let (hm, hx) = unread_model_hvp(&m, &x, &m, &[1.0, 0.0]);
    // H = diag(6xᵢ).
    assert_eq!(
        (hm.b, hm.w.clone(), hx),
        (0.0, vec![0.0, 0.0], vec![6.0, 0.0])
    );
}

/// With `wrt(x)`, the model is data: read freely, no gradient.
#[differentiable(wrt(x))]
fn predict(m: &Model, x: &[f64]) -> f64 {
    let mut s: f64 = m.b;
    for i in 0..x.len() {
        s += m.w[i] * x[i] * x[i];
    }
    s.tanh()
}

proptest! {
    #[test]
    fn a_parameter_left_out_by_wrt_is_data(
        w in prop::collection::vec(-2.0..2.0f64, 3),
        x in prop::collection::vec(-1.5..1.5f64, 3),
        b in -1.0..1.0f64,
    ) {
        let m = Model { w, b };
        let g = predict_grad(&m, &x);
        // ∂/∂xᵢ tanh(b + Σ wᵢxᵢ²) = (1 − tanh²)·2wᵢxᵢ.
        let s: f64 = m.b + (0..3).map(|i| m.w[i] * x[i] * x[i]).sum::<f64>();
        let exact: Vec<f64> = (0..3).map(|i| (1.0 - s.tanh().powi(2)) * 2.0 * m.w[i] * x[i]).collect();
        assert_all_close(&g, &exact, 1e-12);
        fd(|x| predict(&m, x), &x, &g);
    }
}

/// The only parameter with a gradient is the model: the float type comes from the return.
#[differentiable]
fn constant_of_model(_m: Model, k: usize) -> f64 {
    k as f64 * 0.5
}

#[test]
fn a_function_of_a_model_alone_takes_its_float_from_the_return_type() {
    let m = Model {
        w: vec![3.0],
        b: 1.0,
    };
    assert_eq!(constant_of_model_grad(m.clone(), 4), m.zeros_like());
    let (value, g) = constant_of_model_vjp(m.clone(), 4, 2.0);
    assert_eq!((value, g), (2.0, m.zeros_like()));
}

/// A custom rule gives the model's gradient, added through `Differentiable`.
#[differentiable(custom_vjp = affine_rule)]
fn affine(m: &Model, x: f64) -> f64 {
    m.w[0] * x + m.b
}

fn affine_rule(m: &Model, x: f64, _value: f64, seed: f64) -> (Model, f64) {
    (
        Model {
            w: vec![seed * x],
            b: seed,
        },
        seed * m.w[0],
    )
}

#[test]
fn a_custom_rule_gives_the_gradient_of_a_model() {
    let m = Model {
        w: vec![3.0],
        b: 1.0,
    };
    let (gm, gx) = affine_grad(&m, 2.0);
    assert_eq!(
        (gm.clone(), gx),
        (
            Model {
                w: vec![2.0],
                b: 1.0
            },
            3.0
        )
    );
    let flat = m.to_flat();
    check_grad(|v| affine(&m.from_flat(v), 2.0), &flat, &gm.to_flat()).assert_within(1e-6);
    let mut dm = Model {
        w: vec![1.0],
        b: 1.0,
    };
    let mut dx = 0.0;
    affine_vjp_into(&m, 2.0, 0.5, &mut dm, &mut dx);
    assert_eq!(
        (dm, dx),
        (
            Model {
                w: vec![2.0],
                b: 1.5
            },
            1.5
        )
    );
}
