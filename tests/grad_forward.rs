//! Forward mode and second order: `NAME_jvp` and `NAME_hvp` on every construct.
//!
//! Each `_jvp` is checked against the gradient (`jvp(x, v) = ∇f·v`, so the tangent `eᵢ` gives
//! the i-th entry) and against central finite differences of `t ↦ f(x + t·v)`; each `_hvp`
//! against finite differences of `x ↦ ∇f(x)·v` (whose gradient is `H·v`), and against
//! Hessians worked by hand where there is one.

use autodiff::prelude::*;
use proptest::prelude::*;

mod common;
use common::{assert_all_close, assert_close, both_modes, fd, fd2};

/// Checks a scalar function's `jvp` (as slices) against its gradient and finite differences,
/// and its `hvp` against finite differences of its gradient.
#[track_caller]
fn check_forward(
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> Vec<f64>,
    jvp: impl Fn(&[f64], &[f64]) -> (f64, f64),
    hvp: impl Fn(&[f64], &[f64]) -> Vec<f64>,
    x: &[f64],
    v: &[f64],
) {
    let (value, tangent) = jvp(x, v);
    assert_close(value, f(x), 1e-14);
    let g = grad(x);
    let dot: f64 = g.iter().zip(v).map(|(a, b)| a * b).sum();
    assert_close(tangent, dot, 1e-11);
    for (i, gi) in g.iter().enumerate() {
        let e: Vec<f64> = (0..x.len())
            .map(|k| if k == i { 1.0 } else { 0.0 })
            .collect();
        assert_close(jvp(x, &e).1, *gi, 1e-12);
    }
    let along = |t: &[f64]| {
        let moved: Vec<f64> = x.iter().zip(v).map(|(a, b)| a + t[0] * b).collect();
        f(&moved)
    };
    check_grad(along, &[0.0], &[tangent]).assert_within(1e-6);
    let hv = hvp(x, v);
    let grad_dot_v = |y: &[f64]| grad(y).iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
    check_grad(grad_dot_v, x, &hv).assert_within(1e-6);
}

// --- every primitive --------------------------------------------------------------------

#[differentiable]
fn every_primitive(x: f64, y: f64) -> f64 {
    let a = x.sin() + x.cos() + x.tan() + x.exp() + x.exp2() + x.exp_m1();
    let b = x.ln() + x.log10() + x.log2() + x.ln_1p() + x.log(y + 1.5) + x.sqrt() + x.cbrt();
    let c = x.recip() + x.powi(3) + x.powf(y) + x.asin() + x.acos() + x.atan() + x.atan2(y);
    let d = x.sinh() + x.cosh() + x.tanh() + x.asinh() + (x + 1.0).acosh() + x.atanh();
    let e = (x - y).abs() + x.max(y) + x.min(y) + x.hypot(y) + x.mul_add(y, 2.0);
    let f = x.to_degrees() + y.to_radians() - y / x + pow(x, y) + powi(y, 2) + exp(-y);
    a * b + c * d + e * f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn primitives(x in 0.1f64..0.9, y in 0.1f64..0.9, v in prop::array::uniform2(-1.0f64..1.0)) {
        prop_assume!((x - y).abs() > 1e-3);
        check_forward(
            |p| every_primitive(p[0], p[1]),
            |p| { let g = every_primitive_grad(p[0], p[1]); vec![g.0, g.1] },
            |p, t| every_primitive_jvp(p[0], p[1], t[0], t[1]),
            |p, t| { let h = every_primitive_hvp(p[0], p[1], t[0], t[1]); vec![h.0, h.1] },
            &[x, y],
            &v,
        );
    }
}

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

#[test]
fn seed_tanh_second_derivative() {
    // d²/dx² tanh = −2 tanh·(1 − tanh²)
    let x = 0.3f64;
    let (value, tangent) = tanh_jvp(x, 1.0);
    assert_close(value, x.tanh(), 1e-15);
    assert_close(tangent, 1.0 - x.tanh().powi(2), 1e-15);
    let t = x.tanh();
    assert_close(tanh_hvp(x, 1.0), -2.0 * t * (1.0 - t * t), 1e-14);
    assert_close(tanh_hvp(x, 2.5), 2.5 * -2.0 * t * (1.0 - t * t), 1e-14);
}

// --- control flow -----------------------------------------------------------------------

#[differentiable]
fn taylor_sine(x: f64) -> f64 {
    let mut ans = x;
    let mut cur = x;
    let mut i = 0;
    while cur.abs() > 0.001 {
        cur = -cur * x * x / ((2 * i + 3) * (2 * i + 2)) as f64;
        ans += cur;
        i += 1;
    }
    ans
}

#[differentiable]
fn branches_and_loops(x: f64, y: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        if x * (i as f64) > y {
            s += x * y;
        } else {
            s = s * 0.5 + y.sin();
        }
        let mut t = x;
        let mut k = 0;
        loop {
            t *= 1.3;
            k += 1;
            if k >= 3 || t > 2.0 {
                break;
            }
            if k == 1 {
                continue;
            }
            s += t * y;
        }
        match i % 3 {
            0 => s += x.exp(),
            1 => s -= y * y,
            _ => {}
        }
        if s > 50.0 {
            return s.ln() * x;
        }
    }
    s * x + y
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn while_loop(x in -2.0f64..2.0, v in -1.0f64..1.0) {
        check_forward(
            |p| taylor_sine(p[0]),
            |p| vec![both_modes(taylor_sine_grad(p[0]), taylor_sine_vjp(p[0], 1.0))],
            |p, t| taylor_sine_jvp(p[0], t[0]),
            |p, t| vec![taylor_sine_hvp(p[0], t[0])],
            &[x],
            &[v],
        );
    }

    #[test]
    fn branches_loops_match_return(x in 0.1f64..1.5, y in -1.0f64..1.5, n in 0usize..7, v in prop::array::uniform2(-1.0f64..1.0)) {
        // Away from the jumps of the branches, where finite differences measure the jump.
        prop_assume!((0..n).all(|i| (x * i as f64 - y).abs() > 1e-3));
        prop_assume!((1..4).all(|k| (x * 1.3f64.powi(k) - 2.0).abs() > 1e-3));
        check_forward(
            |p| branches_and_loops(p[0], p[1], n),
            |p| { let g = branches_and_loops_grad(p[0], p[1], n); vec![g.0, g.1] },
            |p, t| branches_and_loops_jvp(p[0], p[1], n, t[0], t[1]),
            |p, t| { let h = branches_and_loops_hvp(p[0], p[1], n, t[0], t[1]); vec![h.0, h.1] },
            &[x, y],
            &v,
        );
    }
}

// --- arrays -----------------------------------------------------------------------------

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

#[differentiable]
fn reductions(x: &[f64], w: [f64; 3]) -> f64 {
    let mut buf = vec![0.0; x.len()];
    for i in 0..x.len() {
        buf[i] = x[i] * w[i % 3] + 0.1;
    }
    let mut pushed: Vec<f64> = Vec::with_capacity(3);
    for k in 0..3 {
        pushed.push(w[k] * x[k]);
    }
    let s = softmax(&buf);
    dot(&buf, x) + sum(&s) * mean(&pushed) + norm(&buf) * norm_squared(&w) + logsumexp(&buf)
        - max_of(&pushed) * min_of(&buf)
        + dot(&s, &buf)
}

#[differentiable]
fn vector_valued(x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for i in 0..x.len() {
        out[i] = x[i].sin() * x[(i + 1) % x.len()];
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn rosenbrock_forward(x in prop::collection::vec(-2.0f64..2.0, 6), v in prop::collection::vec(-1.0f64..1.0, 6)) {
        check_forward(rosenbrock, rosenbrock_grad, rosenbrock_jvp, rosenbrock_hvp, &x, &v);
    }

    #[test]
    fn reductions_forward(x in prop::collection::vec(-1.0f64..1.0, 5), w in prop::array::uniform3(-1.0f64..1.0), v in prop::collection::vec(-1.0f64..1.0, 8)) {
        let all = |p: &[f64]| -> (Vec<f64>, [f64; 3]) { (p[..5].to_vec(), [p[5], p[6], p[7]]) };
        let point: Vec<f64> = x.iter().chain(&w).copied().collect();
        check_forward(
            |p| { let (x, w) = all(p); reductions(&x, w) },
            |p| { let (x, w) = all(p); let (gx, gw) = reductions_grad(&x, w); gx.into_iter().chain(gw).collect() },
            |p, t| { let ((x, w), (tx, tw)) = (all(p), all(t)); reductions_jvp(&x, w, &tx, tw) },
            |p, t| { let ((x, w), (tx, tw)) = (all(p), all(t)); let (hx, hw) = reductions_hvp(&x, w, &tx, tw); hx.into_iter().chain(hw).collect() },
            &point,
            &v,
        );
    }

    #[test]
    fn vector_valued_jvp_is_the_jacobian_times_v(x in prop::collection::vec(-1.0f64..1.0, 4), v in prop::collection::vec(-1.0f64..1.0, 4), s in prop::collection::vec(-1.0f64..1.0, 4)) {
        let (value, tangent) = vector_valued_jvp(&x, &v);
        assert_eq!(value, vector_valued(&x));
        // sᵀ(J v) = (Jᵀ s)·v: the jvp against the vjp.
        let (_, jt_s) = vector_valued_vjp(&x, s.clone());
        let left: f64 = s.iter().zip(&tangent).map(|(a, b)| a * b).sum();
        let right: f64 = jt_s.iter().zip(&v).map(|(a, b)| a * b).sum();
        assert_close(left, right, 1e-12);
        // By hand: ∂out_i = cos(x_i)·x_{i+1}·v_i + sin(x_i)·v_{i+1}.
        for i in 0..4 {
            let j = (i + 1) % 4;
            assert_close(tangent[i], x[i].cos() * x[j] * v[i] + x[i].sin() * v[j], 1e-14);
        }
    }
}

#[test]
fn rosenbrock_hessian_by_hand() {
    let x = [1.2, 0.8, -0.5, 0.3];
    let v = [0.1, -0.2, 0.3, 0.4];
    let hv = rosenbrock_hvp(&x, &v);
    for i in 0..2 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        let h11 = 1200.0 * a * a - 400.0 * b + 2.0;
        let h12 = -400.0 * a;
        let h22 = 200.0;
        assert_close(hv[2 * i], h11 * v[2 * i] + h12 * v[2 * i + 1], 1e-13);
        assert_close(hv[2 * i + 1], h12 * v[2 * i] + h22 * v[2 * i + 1], 1e-13);
    }
}

// --- the logistic loss: H v = Xᵀ diag(p(1 − p)) X v --------------------------------------

#[differentiable(wrt(weights))]
fn logistic_loss(weights: &[f64], inputs: &[[f64; 3]], targets: &[f64]) -> f64 {
    let mut loss = 0.0;
    for (i, row) in inputs.iter().enumerate() {
        let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
        let y = targets[i];
        loss -= (p * y + (1.0 - p) * (1.0 - y)).ln();
    }
    loss
}

#[test]
fn logistic_hessian_vector_product() {
    let inputs = [
        [0.52, 1.12, 0.77],
        [0.88, -1.08, 0.15],
        [0.52, 0.06, -1.30],
        [0.74, -2.49, 1.39],
    ];
    let targets = [1.0, 1.0, 0.0, 1.0];
    let w = [0.3, -0.2, 0.5];
    let v = [1.0, 0.5, -2.0];
    let hv = logistic_loss_hvp(&w, &inputs, &targets, &v);
    let mut expected = [0.0; 3];
    for row in &inputs {
        let t: f64 = row.iter().zip(&w).map(|(a, b)| a * b).sum();
        let p = 1.0 / (1.0 + (-t).exp());
        let xv: f64 = row.iter().zip(&v).map(|(a, b)| a * b).sum();
        for k in 0..3 {
            expected[k] += row[k] * p * (1.0 - p) * xv;
        }
    }
    for k in 0..3 {
        assert_close(hv[k], expected[k], 1e-12);
    }
    // `wrt(weights)`: one tangent, for the weights.
    let (value, tangent) = logistic_loss_jvp(&w, &inputs, &targets, &v);
    let g = logistic_loss_grad(&w, &inputs, &targets);
    assert_close(value, logistic_loss(&w, &inputs, &targets), 1e-15);
    assert_close(tangent, g.iter().zip(&v).map(|(a, b)| a * b).sum(), 1e-12);
}

// --- calls, generic floats, custom rules -------------------------------------------------

mod layers {
    use autodiff::prelude::*;

    #[differentiable]
    pub fn neuron(x: &[f64], w: &[f64], b: f64) -> f64 {
        (dot(x, w) + b).tanh()
    }
}

#[differentiable]
fn network(x: &[f64], w: &[f64], b: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += layers::neuron(x, w, b * k as f64) * (k as f64 + 1.0);
    }
    s * s
}

#[differentiable]
fn generic_poly<T: Float>(x: T, y: T) -> T {
    let two = T::from(2.0).unwrap();
    let mut p = x;
    for _ in 0..3 {
        p = p * y + x.powi(2);
    }
    x * x * y + (x * y).sin() * two + p.powi(3) * T::from(0.01).unwrap()
}

#[differentiable(custom_vjp = softplus_rule)]
fn softplus(x: f64) -> f64 {
    x.exp().ln_1p()
}

fn softplus_rule(x: f64, _value: f64, seed: f64) -> f64 {
    seed / (1.0 + (-x).exp())
}

#[differentiable]
fn uses_softplus(x: f64) -> f64 {
    softplus(x * 3.0) * x
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn calls_forward(p in prop::collection::vec(-1.0f64..1.0, 7), v in prop::collection::vec(-1.0f64..1.0, 7)) {
        let split = |p: &[f64]| (p[..3].to_vec(), p[3..6].to_vec(), p[6]);
        check_forward(
            |p| { let (x, w, b) = split(p); network(&x, &w, b) },
            |p| { let (x, w, b) = split(p); let (gx, gw, gb) = network_grad(&x, &w, b); gx.into_iter().chain(gw).chain([gb]).collect() },
            |p, t| { let ((x, w, b), (tx, tw, tb)) = (split(p), split(t)); network_jvp(&x, &w, b, &tx, &tw, tb) },
            |p, t| { let ((x, w, b), (tx, tw, tb)) = (split(p), split(t)); let (hx, hw, hb) = network_hvp(&x, &w, b, &tx, &tw, tb); hx.into_iter().chain(hw).chain([hb]).collect() },
            &p,
            &v,
        );
    }

    #[test]
    fn generic_f32_and_f64(x in -1.0f64..1.0, y in -1.0f64..1.0, v in prop::array::uniform2(-1.0f64..1.0)) {
        check_forward(
            |p| generic_poly(p[0], p[1]),
            |p| { let g = generic_poly_grad(p[0], p[1]); vec![g.0, g.1] },
            |p, t| generic_poly_jvp(p[0], p[1], t[0], t[1]),
            |p, t| { let h = generic_poly_hvp(p[0], p[1], t[0], t[1]); vec![h.0, h.1] },
            &[x, y],
            &v,
        );
        let (v32, t32) = generic_poly_jvp(x as f32, y as f32, v[0] as f32, v[1] as f32);
        let (v64, t64) = generic_poly_jvp(x, y, v[0], v[1]);
        prop_assert!((v32 as f64 - v64).abs() <= 1e-5 && (t32 as f64 - t64).abs() <= 1e-5);
    }

    #[test]
    fn custom_rules_in_forward_mode(x in -2.0f64..2.0, v in -1.0f64..1.0) {
        let sigmoid = |t: f64| 1.0 / (1.0 + (-t).exp());
        assert_close(softplus_jvp(x, v).1, sigmoid(x) * v, 1e-14);
        let (_, t) = uses_softplus_jvp(x, v);
        assert_close(t, both_modes(uses_softplus_grad(x), uses_softplus_vjp(x, 1.0)) * v, 1e-13);
        check_grad(|p| uses_softplus(x + p[0] * v), &[0.0], &[t]).assert_within(1e-6);
    }
}

#[test]
#[should_panic(expected = "gives first derivatives only")]
fn custom_rules_have_no_second_derivative() {
    let _ = softplus_hvp(0.5, 1.0);
}

#[test]
#[should_panic(expected = "gives first derivatives only")]
fn nor_do_their_callers() {
    let _ = uses_softplus_hvp(0.5, 1.0);
}

// --- dense Jacobians and Hessians from the generated sweeps -------------------------------

#[test]
fn jacobian_and_hessian_from_generated_functions() {
    let x = [0.3, -0.7, 1.1, 0.5];
    let j = jacobian(
        &x,
        4,
        |x, v| vector_valued_jvp(x, v).1,
        |x, s| vector_valued_vjp(x, s.to_vec()).1,
    );
    for (i, row) in j.iter().enumerate() {
        for (k, entry) in row.iter().enumerate() {
            // out_i = sin(x_i)·x_{i+1}
            let next = (i + 1) % 4;
            let expected = if k == i {
                x[i].cos() * x[next]
            } else if k == next {
                x[i].sin()
            } else {
                0.0
            };
            assert_close(*entry, expected, 1e-15);
        }
    }
    // Forward and reverse give the same matrix.
    assert_eq!(
        j,
        jacobian_rev(&x, 4, |x, s| vector_valued_vjp(x, s.to_vec()).1)
    );
    let h = hessian(&x, rosenbrock_hvp);
    let (a, b) = (x[0], x[1]);
    assert_close(h[0][0], 1200.0 * a * a - 400.0 * b + 2.0, 1e-13);
    assert_close(h[0][1], -400.0 * a, 1e-13);
    assert_close(h[1][0], -400.0 * a, 1e-13);
    assert_close(h[1][1], 200.0, 1e-13);
    assert_eq!(h[0][2], 0.0);
}

#[differentiable]
fn pair(x: f64, w: [f64; 2]) -> (f64, [f64; 2]) {
    let s = x * w[0] + w[1].exp();
    let mut out = [0.0; 2];
    out[0] = x.sin() * w[1];
    out[1] = s * s;
    (s, out)
}

#[test]
fn tuple_values_have_tuple_tangents() {
    let (x, w, tx, tw) = (0.7, [1.5, -0.3], 0.2, [0.5, -1.0]);
    let ((s, out), (ts, tout)) = pair_jvp(x, w, tx, tw);
    assert_eq!((s, out), pair(x, w));
    // By hand: ṡ = ẋ w₀ + x ẇ₀ + e^{w₁} ẇ₁, and so on.
    let ds = tx * w[0] + x * tw[0] + w[1].exp() * tw[1];
    assert_close(ts, ds, 1e-15);
    assert_close(tout[0], x.cos() * tx * w[1] + x.sin() * tw[1], 1e-15);
    assert_close(tout[1], 2.0 * s * ds, 1e-14);
}

// --- where a formula would be 0·∞, forward mode takes the reverse rule's value -----------

#[differentiable]
fn singular_points(x: f64, y: f64, p: f64) -> f64 {
    x.hypot(y) + x.powf(p) + y.powi(0) * x
}

#[test]
fn forward_mode_agrees_with_the_gradient_at_singular_points() {
    // hypot at the origin, powf with a zero exponent at 0, powi(·, 0) at 0 (found by
    // difftest: the partials were 0·∞ = NaN where the reverse rules give 0).
    for (x, y, p) in [(0.0, 0.0, 2.0), (0.5, 0.0, 0.0), (0.0, 0.3, 1.5)] {
        let g = singular_points_grad(x, y, p);
        for v in [
            (1.0, 0.0, 0.0),
            (0.0, 1.0, 0.0),
            (0.0, 0.0, 1.0),
            (0.3, -0.7, 0.2),
        ] {
            let (_, t) = singular_points_jvp(x, y, p, v.0, v.1, v.2);
            let expected = g.0 * v.0 + g.1 * v.1 + g.2 * v.2;
            assert!(
                (t - expected).abs() <= 1e-12 * expected.abs().max(1.0),
                "at ({x}, {y}, {p}) along {v:?}: jvp {t}, grad·v {expected}"
            );
        }
    }
    // Away from the origin the function is smooth: the tangent against finite differences.
    let (x, y, p, v) = (0.5, 0.0, 0.0, [0.3, -0.7, 0.2]);
    let (_, t) = singular_points_jvp(x, y, p, v[0], v[1], v[2]);
    check_grad(
        |s| singular_points(x + s[0] * v[0], y + s[0] * v[1], p + s[0] * v[2]),
        &[0.0],
        &[t],
    )
    .assert_within(1e-6);
    // Where the Hessian is finite, so is the product (powf with a zero exponent, powi(·, 0)).
    let h = singular_points_hvp(0.5, 0.0, 0.0, 0.3, -0.7, 0.2);
    assert!([h.0, h.1, h.2].iter().all(|v| v.is_finite()), "{h:?}");
}

// --- the gradient and a Hessian-vector product from one sweep: `_grad_and_hvp` ------------

/// f = x²y + sin x: ∇f = (2xy + cos x, x²), H = [[2y − sin x, 2x], [2x, 0]].
#[differentiable]
fn two_floats(x: f64, y: f64) -> f64 {
    x * x * y + x.sin()
}

/// The same with `y` left out by `wrt`: ∂f/∂x and ∂²f/∂x²·v.
#[differentiable(wrt(x))]
fn two_floats_wrt_x(x: f64, y: f64) -> f64 {
    x * x * y + x.sin()
}

#[test]
fn grad_and_hvp_by_hand_and_against_grad_and_hvp() {
    for &(x, y, vx, vy) in &[
        (0.7, -1.3, 0.4, 2.0),
        (-2.1, 0.5, -1.0, 0.25),
        (3.0, 2.0, 0.0, 1.0),
    ] {
        let ((gx, gy), (hx, hy)) = two_floats_grad_and_hvp(x, y, vx, vy);
        assert_close(gx, 2.0 * x * y + x.cos(), 1e-14);
        assert_close(gy, x * x, 1e-14);
        assert_close(hx, (2.0 * y - x.sin()) * vx + 2.0 * x * vy, 1e-14);
        assert_close(hy, 2.0 * x * vx, 1e-14);
        assert_eq!((gx, gy), two_floats_grad(x, y));
        assert_eq!((hx, hy), two_floats_hvp(x, y, vx, vy));
        fd2(two_floats, x, y, (gx, gy));
        // H·v against central differences of the gradient along v.
        let h = 1e-6;
        let (up, down) = (
            two_floats_grad(x + h * vx, y + h * vy),
            two_floats_grad(x - h * vx, y - h * vy),
        );
        assert_close(hx, (up.0 - down.0) / (2.0 * h), 1e-6);
        assert_close(hy, (up.1 - down.1) / (2.0 * h), 1e-6);

        let (g, hv) = two_floats_wrt_x_grad_and_hvp(x, y, vx);
        assert_close(g, 2.0 * x * y + x.cos(), 1e-14);
        assert_close(hv, (2.0 * y - x.sin()) * vx, 1e-14);
        assert_eq!(hv, two_floats_wrt_x_hvp(x, y, vx));
    }
}

#[test]
fn rosenbrock_grad_and_hvp_is_grad_and_hvp() {
    let x = [1.2, 0.8, -0.5, 0.3];
    let v = [0.1, -0.2, 0.3, 0.4];
    let (g, hv) = rosenbrock_grad_and_hvp(&x, &v);
    assert_all_close(&g, &rosenbrock_grad(&x), 1e-13);
    assert_eq!(hv, rosenbrock_hvp(&x, &v));
    fd(rosenbrock, &x, &g);
}
