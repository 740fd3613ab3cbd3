//! `NAME_jvp_lanes` (the `lanes` feature): `N` directional derivatives from one forward sweep.
//! Each lane must be, bit for bit, `NAME_jvp` along that lane's direction; and a Jacobian's
//! columns from unit directions must be the derivatives worked by hand and agree with
//! central differences. Without the feature this file is empty (`cargo test --workspace`
//! builds with it: the GradBench tool asks for it).
#![cfg(feature = "lanes")]

use autodiff::prelude::*;
use autodiff::Lanes;
use proptest::prelude::*;

mod common;

/// `f(x, w) = x²·w₀ + sin w₁ + Σ w`.
#[differentiable]
fn f(x: f64, w: &[f64]) -> f64 {
    x * x * w[0] + w[1].sin() + sum(w)
}

/// The unit directions `e_0 .. e_{N-1}` of `n + 1` coordinates (`x`, then `w`), as lanes: `x`'s
/// and `w`'s.
fn units<const N: usize>(n: usize) -> (Lanes<f64, N>, Vec<Lanes<f64, N>>) {
    let unit = |i: usize| Lanes::from_fn(|k| if k == i { 1.0 } else { 0.0 });
    (unit(0), (1..=n).map(unit).collect())
}

#[test]
fn unit_directions_give_the_gradient_by_hand() {
    let (x, w) = (1.5, [0.5, 2.0, -1.0]);
    let (tx, tw) = units::<4>(w.len());
    let (value, slopes) = f_jvp_lanes::<4>(x, &w, tx, &tw);
    assert_eq!(value, f(x, &w));
    // ∂f/∂x = 2x·w₀, ∂f/∂w₀ = x² + 1, ∂f/∂w₁ = cos w₁ + 1, ∂f/∂w₂ = 1.
    let exact = [2.0 * x * w[0], x * x + 1.0, w[1].cos() + 1.0, 1.0];
    common::assert_all_close(&slopes.0, &exact, 1e-15);
    let at = [x, w[0], w[1], w[2]];
    let report = check_grad(|v: &[f64]| f(v[0], &v[1..]), &at, &slopes.0);
    assert!(report.max_rel_error < 1e-6, "{report:?}");
}

/// A callee, read by the caller's lanes through its rule `tangent_lanes`.
#[differentiable]
fn pair(a: &[f64], b: &[f64], r: usize) -> f64 {
    a[r] * b[0] + a[r + 1] * b[1]
}

/// Residuals of a model `exp(x₀·dᵢ) + pair(x, x, 1)·x₂`, through a branch, a loop and a call;
/// `data` carries no derivative.
#[differentiable(wrt(x))]
fn residuals(x: &[f64], data: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; data.len()];
    for i in 0..data.len() {
        let t = (x[0] * data[i]).exp() + pair(x, x, 1) * x[2];
        out[i] = if t > 1.0 { t.ln() } else { t - 1.0 };
    }
    out
}

#[test]
fn a_jacobian_in_one_sweep_is_its_columns_one_by_one() {
    let (x, data) = ([0.3, -0.4, 0.9], [0.5, -2.0, 1.0, 3.0]);
    let unit = |i: usize| Lanes::<f64, 3>::from_fn(|k| if k == i { 1.0 } else { 0.0 });
    let (value, columns) = residuals_jvp_lanes::<3>(&x, &data, &[unit(0), unit(1), unit(2)]);
    assert_eq!(value, residuals(&x, &data));
    for k in 0..3 {
        let mut e = [0.0; 3];
        e[k] = 1.0;
        let (_, column) = residuals_jvp(&x, &data, &e);
        let lane: Vec<f64> = columns.iter().map(|c| c[k]).collect();
        assert_eq!(lane, column, "column {k}");
        // Against central differences of each residual.
        for (r, &slope) in lane.iter().enumerate() {
            let report = check_grad(
                |v: &[f64]| {
                    let mut y = x;
                    y[k] = v[0];
                    residuals(&y, &data)[r]
                },
                &[x[k]],
                &[slope],
            );
            assert!(
                report.max_rel_error < 1e-6,
                "row {r}, column {k}: {report:?}"
            );
        }
    }
}

#[test]
fn jacobian_fwd_lanes_is_jacobian_fwd_in_fewer_sweeps() {
    let (x, data) = ([0.3, -0.4, 0.9], [0.5, -2.0, 1.0, 3.0]);
    let one_by_one = jacobian_fwd(&x, data.len(), |x, v| residuals_jvp(x, &data, v).1);
    let mut sweeps = 0;
    let in_lanes = jacobian_fwd_lanes::<_, 2>(&x, data.len(), |x, v| {
        sweeps += 1;
        residuals_jvp_lanes(x, &data, v).1
    });
    assert_eq!(in_lanes, one_by_one);
    assert_eq!(sweeps, 2);
}

/// Reductions of tangent arrays (`dot`, `sum`, `mean`, `norm`, `logsumexp`, `softmax`,
/// `max_of`) over a buffer and a sub-slice.
#[differentiable]
fn reductions(x: f64, w: &[f64]) -> f64 {
    let mut v = vec![0.0; w.len()];
    for i in 0..w.len() {
        v[i] = (w[i] * x).sin();
    }
    let s = softmax(&v);
    dot(&s, w) + norm(&v) + sum(&v[1..]) * mean(w) + logsumexp(&v) + max_of(&w[..2])
}

/// A generic float, instantiated with `f32`.
#[differentiable]
fn generic<T: Float>(x: T, w: &[T]) -> T {
    let mut acc = x;
    for &wi in w {
        acc = (acc * wi).tanh() + acc.to_degrees() * T::from(0.01).unwrap();
    }
    acc
}

proptest! {
    #[test]
    fn each_lane_is_the_jvp_along_its_direction(
        x in -2.0..2.0f64,
        w in prop::collection::vec(-2.0..2.0f64, 3),
        d in prop::collection::vec(-1.0..1.0f64, 8),
    ) {
        let tx = Lanes([d[0], d[1]]);
        let tw: Vec<Lanes<f64, 2>> = (0..3).map(|i| Lanes([d[2 + 2 * i], d[3 + 2 * i]])).collect();
        let (value, lanes) = reductions_jvp_lanes::<2>(x, &w, tx, &tw);
        prop_assert_eq!(value, reductions(x, &w));
        for k in 0..2 {
            let dw: Vec<f64> = tw.iter().map(|t| t[k]).collect();
            let (_, slope) = reductions_jvp(x, &w, tx[k], &dw);
            prop_assert_eq!(lanes[k], slope);
            // and against the gradient: ∇f·d
            let (gx, gw) = reductions_grad(x, &w);
            let along = gx * tx[k] + gw.iter().zip(&dw).map(|(g, t)| g * t).sum::<f64>();
            prop_assert!((lanes[k] - along).abs() <= 1e-12 * (1.0 + along.abs()));
            // and against central differences along the direction
            let h = 1e-6;
            let at = |s: f64| {
                let ws: Vec<f64> = w.iter().zip(&dw).map(|(a, t)| a + s * t).collect();
                reductions(x + s * tx[k], &ws)
            };
            let fd = (at(h) - at(-h)) / (2.0 * h);
            prop_assert!((lanes[k] - fd).abs() <= 1e-5 * (1.0 + fd.abs()), "lane {} {} vs differences {}", k, lanes[k], fd);
        }
        let w32: Vec<f32> = w.iter().map(|&v| v as f32).collect();
        let tw32: Vec<Lanes<f32, 2>> = tw.iter().map(|t| Lanes([t[0] as f32, t[1] as f32])).collect();
        let tx32 = Lanes([tx[0] as f32, tx[1] as f32]);
        let (_, lanes32) = generic_jvp_lanes::<f32, 2>(x as f32, &w32, tx32, &tw32);
        for k in 0..2 {
            let dw: Vec<f32> = tw32.iter().map(|t| t[k]).collect();
            prop_assert_eq!(lanes32[k], generic_jvp(x as f32, &w32, tx32[k], &dw).1);
        }
    }
}

#[test]
fn a_struct_parameter_has_no_lanes_and_says_so() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui-lanes/*.rs");
}

/// Associated functions: `Self::square` is reached through the rule
/// `__square_derivative_tangent_lanes`.
struct Model;

impl Model {
    #[differentiable]
    fn square(x: f64) -> f64
    where
        Self: Sized,
    {
        x * x
    }

    #[differentiable]
    fn scaled_square(x: f64, w: &[f64]) -> f64
    where
        Self: Sized,
    {
        Self::square(x) * w[0] + Self::square(w[1])
    }
}

#[test]
fn associated_functions_have_lanes() {
    let (x, w) = (1.5, [2.0, -3.0]);
    let unit = |i: usize| Lanes::<f64, 3>::from_fn(|k| if k == i { 1.0 } else { 0.0 });
    let (value, slopes) = Model::scaled_square_jvp_lanes::<3>(x, &w, unit(0), &[unit(1), unit(2)]);
    assert_eq!(value, x * x * w[0] + w[1] * w[1]);
    // ∂/∂x = 2x·w₀, ∂/∂w₀ = x², ∂/∂w₁ = 2w₁.
    assert_eq!(slopes.0, [2.0 * x * w[0], x * x, 2.0 * w[1]]);
    let report = check_grad(
        |v: &[f64]| Model::scaled_square(v[0], &v[1..]),
        &[x, w[0], w[1]],
        &slopes.0,
    );
    assert!(report.max_rel_error < 1e-6, "{report:?}");
}

/// `softplus` with its derivative from a rule, `σ(x)`.
#[differentiable(custom_vjp = softplus_rule)]
fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn softplus_rule(x: f64, _value: f64, seed: f64) -> f64 {
    seed / (1.0 + (-x).exp())
}

/// The Euclidean norm with its rule, over a slice.
#[differentiable(custom_vjp = norm_rule)]
fn euclid(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn norm_rule(v: &[f64], value: f64, seed: f64) -> Vec<f64> {
    v.iter().map(|x| seed * x / value).collect()
}

#[differentiable]
fn through_rules(x: f64, w: &[f64]) -> f64 {
    softplus(x * w[0]) * w[1] + euclid(w)
}

#[test]
fn custom_rules_carry_lanes() {
    let (x, w) = (0.7, [1.5, -2.0, 0.5]);
    let unit = |i: usize| Lanes::<f64, 4>::from_fn(|k| if k == i { 1.0 } else { 0.0 });
    let tw: Vec<Lanes<f64, 4>> = (1..4).map(unit).collect();
    let (value, slopes) = through_rules_jvp_lanes::<4>(x, &w, unit(0), &tw);
    assert_eq!(value, through_rules(x, &w));
    // σ(x·w₀)·w₁ + ‖w‖: ∂/∂x = σ·w₀·w₁, ∂/∂w₀ = σ·x·w₁ + w₀/‖w‖, ∂/∂w₁ = softplus + w₁/‖w‖,
    // ∂/∂w₂ = w₂/‖w‖.
    let s = 1.0 / (1.0 + (-x * w[0]).exp());
    let norm = (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]).sqrt();
    let exact = [
        s * w[0] * w[1],
        s * x * w[1] + w[0] / norm,
        softplus(x * w[0]) + w[1] / norm,
        w[2] / norm,
    ];
    common::assert_all_close(&slopes.0, &exact, 1e-14);
    let report = check_grad(
        |v: &[f64]| through_rules(v[0], &v[1..]),
        &[x, w[0], w[1], w[2]],
        &slopes.0,
    );
    assert!(report.max_rel_error < 1e-6, "{report:?}");
    // The rule's own lanes, lane by lane its `_jvp`.
    let (_, ls) = softplus_jvp_lanes::<2>(x, Lanes([1.0, -3.0]));
    assert_eq!(ls.0, [softplus_jvp(x, 1.0).1, softplus_jvp(x, -3.0).1]);
}
