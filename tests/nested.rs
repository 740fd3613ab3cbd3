//! Nested differentiation (API.md, "Differentiating through generated derivatives"): a
//! `#[differentiable]` function calls another's `_grad`, `_value_and_grad` or `_jvp`, and its
//! own `_grad`, `_vjp` and `_jvp` differentiate through the call. Each against a closed form
//! worked by hand and against central differences of the function itself.

use autodiff::prelude::*;
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

/// `f = x²y + sin y`: `∇f = (2xy, x² + cos y)`.
#[differentiable]
fn f(x: f64, y: f64) -> f64 {
    x * x * y + y.sin()
}

/// `|∇f|²`-like: `a² + b` with `(a, b) = ∇f`, so `g = 4x²y² + x² + cos y`.
#[differentiable]
fn g(x: f64, y: f64) -> f64 {
    let (a, b) = f_grad(x, y);
    a * a + b
}

/// The inner derivative in forward mode: `(v, t) = (f, ∂f/∂x)`, `h = v·t = (x²y + sin y)·2xy`.
#[differentiable]
fn h(x: f64, y: f64) -> f64 {
    let (v, t) = f_jvp(x, y, 1.0, 0.0);
    v * t
}

/// `k = f + (∂f/∂x)(∂f/∂y) = x²y + sin y + 2xy(x² + cos y)`.
#[differentiable]
fn k(x: f64, y: f64) -> f64 {
    let (v, (a, b)) = f_value_and_grad(x, y);
    v + a * b
}

/// A gradient with respect to `x` only, differentiated with respect to both.
#[differentiable(wrt(x))]
fn p(x: f64, w: f64) -> f64 {
    (x - w).powi(2) * w
}

/// `gx = 2(x − w)w`, so `q = 4(x − w)²w²`.
#[differentiable]
fn q(x: f64, w: f64) -> f64 {
    let gx = p_grad(x, w);
    gx * gx
}

/// Gradient ascent inside: ten steps `y += η ∂f/∂y`, then `f` there. Differentiated through
/// every step, checked against central differences.
#[differentiable]
fn ascent(x: f64, y0: f64) -> f64 {
    let mut y = y0;
    for _ in 0..10 {
        let (_, gy) = f_grad(x, y);
        y += 0.05 * gy;
    }
    f(x, y)
}

/// The same with the inner derivative by forward mode, and an expression-position call.
#[differentiable]
fn ascent_forward(x: f64, y0: f64) -> f64 {
    let mut y = y0;
    let mut i = 0;
    while i < 10 {
        y += 0.05 * f_jvp(x, y, 0.0, 1.0).1;
        i += 1;
    }
    f(x, y)
}

proptest! {
    #[test]
    fn grad_inside(x in -2.0..2.0f64, y in -2.0..2.0f64) {
        let (gx, gy) = g_grad(x, y);
        let ex = 8.0 * x * y * y + 2.0 * x;
        let ey = 8.0 * x * x * y - y.sin();
        prop_assert!(close(gx, ex) && close(gy, ey), "{gx} {gy} vs {ex} {ey}");
        check_grad(|v| g(v[0], v[1]), &[x, y], &[gx, gy]).assert_within(1e-6);
        let (value, tangent) = g_jvp(x, y, 0.3, -0.7);
        prop_assert!(close(value, g(x, y)));
        prop_assert!(close(tangent, 0.3 * ex - 0.7 * ey), "{tangent}");
        let (_, (vx, vy)) = g_vjp(x, y, 2.0);
        prop_assert!(close(vx, 2.0 * ex) && close(vy, 2.0 * ey));
    }

    #[test]
    fn jvp_inside(x in -2.0..2.0f64, y in -2.0..2.0f64) {
        let (gx, gy) = h_grad(x, y);
        // h = 2x³y² + 2xy·sin y
        let ex = 6.0 * x * x * y * y + 2.0 * y * y.sin();
        let ey = 4.0 * x.powi(3) * y + 2.0 * x * y.sin() + 2.0 * x * y * y.cos();
        prop_assert!(close(gx, ex) && close(gy, ey), "{gx} {gy} vs {ex} {ey}");
        check_grad(|v| h(v[0], v[1]), &[x, y], &[gx, gy]).assert_within(1e-6);
        let (_, tangent) = h_jvp(x, y, -0.4, 1.1);
        prop_assert!(close(tangent, -0.4 * ex + 1.1 * ey), "{tangent}");
    }

    #[test]
    fn value_and_grad_inside(x in -2.0..2.0f64, y in -2.0..2.0f64) {
        let (gx, gy) = k_grad(x, y);
        // k = x²y + sin y + 2x³y + 2xy·cos y
        let ex = 2.0 * x * y + 6.0 * x * x * y + 2.0 * y * y.cos();
        let ey = x * x + y.cos() + 2.0 * x.powi(3) + 2.0 * x * y.cos() - 2.0 * x * y * y.sin();
        prop_assert!(close(gx, ex) && close(gy, ey), "{gx} {gy} vs {ex} {ey}");
        check_grad(|v| k(v[0], v[1]), &[x, y], &[gx, gy]).assert_within(1e-6);
        let (_, tangent) = k_jvp(x, y, 0.5, 0.25);
        prop_assert!(close(tangent, 0.5 * ex + 0.25 * ey));
    }

    #[test]
    fn grad_with_wrt_inside(x in -2.0..2.0f64, w in 0.1..2.0f64) {
        let (gx, gw) = q_grad(x, w);
        let ex = 8.0 * (x - w) * w * w;
        let ew = -8.0 * (x - w) * w * w + 8.0 * (x - w).powi(2) * w;
        prop_assert!(close(gx, ex) && close(gw, ew), "{gx} {gw} vs {ex} {ew}");
        check_grad(|v| q(v[0], v[1]), &[x, w], &[gx, gw]).assert_within(1e-6);
        let (_, tangent) = q_jvp(x, w, 1.0, 1.0);
        prop_assert!(close(tangent, ex + ew));
    }

    #[test]
    fn through_a_gradient_ascent(x in -1.0..1.0f64, y in -1.0..1.0f64) {
        let (gx, gy) = ascent_grad(x, y);
        check_grad(|v| ascent(v[0], v[1]), &[x, y], &[gx, gy]).assert_within(1e-6);
        let (_, t) = ascent_jvp(x, y, 1.0, 0.0);
        prop_assert!(close(t, gx), "{t} {gx}");
        let (fx, fy) = ascent_forward_grad(x, y);
        prop_assert!(close(fx, gx) && close(fy, gy), "{fx} {fy} vs {gx} {gy}");
        let (_, t) = ascent_forward_jvp(x, y, 0.0, 1.0);
        prop_assert!(close(t, gy), "{t} {gy}");
    }
}

/// The README's example.
#[differentiable]
fn saddle_f(x1: f64, x2: f64, y1: f64, y2: f64) -> f64 {
    (x1 * x1 + x2 * x2) - (y1 * y1 + y2 * y2)
}

#[differentiable(wrt(x1, x2))]
fn best_response(x1: f64, x2: f64, mut y1: f64, mut y2: f64) -> f64 {
    for _ in 0..10 {
        let (_, _, g1, g2) = saddle_f_grad(x1, x2, y1, y2);
        y1 += 0.1 * g1;
        y2 += 0.1 * g2;
    }
    saddle_f(x1, x2, y1, y2)
}

#[test]
fn readme_best_response() {
    let (x1, x2, y1, y2) = (0.3, -0.8, 1.0, 0.5);
    let (g1, g2) = best_response_grad(x1, x2, y1, y2);
    // y does not depend on x (∂f/∂y = −2y), so the gradient is ∂f/∂x = 2x.
    assert!(close(g1, 2.0 * x1) && close(g2, 2.0 * x2), "{g1} {g2}");
    check_grad(|v| best_response(v[0], v[1], y1, y2), &[x1, x2], &[g1, g2]).assert_within(1e-6);
    let (_, t) = best_response_jvp(x1, x2, y1, y2, 1.0, 0.0);
    assert!(close(t, g1));
}
