//! `Option<F>` and `Option<S>` parameters (issue 15): the gradient has the argument's
//! `Option` shape, `None` where it was `None`; `if let Some(l) = ridge` and `match` read the
//! value inside. Each against a closed form and central differences.

use autodiff::prelude::*;
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

/// Least squares of a line, with an optional ridge penalty.
#[differentiable(wrt(w, ridge))]
fn ridge_loss(w: &[f64], ridge: Option<f64>, xs: &[f64], ys: &[f64]) -> f64 {
    let mut loss = 0.0;
    for i in 0..xs.len() {
        let r = w[0] * xs[i] + w[1] - ys[i];
        loss += r * r;
    }
    if let Some(l) = ridge {
        loss += l * (w[0] * w[0] + w[1] * w[1]);
    }
    loss
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
struct Affine {
    a: f64,
    b: f64,
}

/// An optional layer, by reference, read in a `match`.
#[differentiable]
fn maybe_affine(x: f64, layer: &Option<Affine>) -> f64 {
    match layer {
        Some(l) => (x * l.a + l.b).tanh(),
        None => x.tanh(),
    }
}

proptest! {
    #[test]
    fn option_of_a_float(
        w0 in -2.0..2.0f64, w1 in -2.0..2.0f64,
        ridge in prop::option::of(0.0..1.0f64),
        xs in prop::collection::vec(-2.0..2.0f64, 3),
        ys in prop::collection::vec(-2.0..2.0f64, 3),
    ) {
        let w = [w0, w1];
        let (gw, gl) = ridge_loss_grad(&w, ridge, &xs, &ys);
        let l = ridge.unwrap_or(0.0);
        let mut ew = [2.0 * l * w0, 2.0 * l * w1];
        for i in 0..3 {
            let r = w0 * xs[i] + w1 - ys[i];
            ew[0] += 2.0 * r * xs[i];
            ew[1] += 2.0 * r;
        }
        prop_assert!(close(gw[0], ew[0]) && close(gw[1], ew[1]), "{gw:?} {ew:?}");
        match ridge {
            Some(l) => {
                let expected = w0 * w0 + w1 * w1;
                prop_assert!(gl.is_some_and(|g| close(g, expected)), "{gl:?}");
                let mut all = vec![gw[0], gw[1]];
                all.push(gl.unwrap());
                check_grad(|v| ridge_loss(&v[..2], Some(v[2]), &xs, &ys), &[w0, w1, l], &all)
                    .assert_within(1e-6);
                let (_, t) = ridge_loss_jvp(&w, ridge, &xs, &ys, &[0.0, 0.0], &Some(1.0));
                prop_assert!(close(t, expected));
            }
            None => prop_assert_eq!(gl, None),
        }
        check_grad(|v| ridge_loss(v, ridge, &xs, &ys), &w, &gw).assert_within(1e-6);
    }

    #[test]
    fn option_of_a_struct(x in -2.0..2.0f64, a in -2.0..2.0f64, b in -2.0..2.0f64, some: bool) {
        let layer = some.then_some(Affine { a, b });
        let (gx, gl) = maybe_affine_grad(x, &layer);
        match &layer {
            Some(_) => {
                let d = 1.0 - (x * a + b).tanh().powi(2);
                prop_assert!(close(gx, d * a));
                let g = gl.clone().unwrap();
                prop_assert!(close(g.a, d * x) && close(g.b, d), "{g:?}");
                check_grad(|v| maybe_affine(v[0], &Some(Affine { a: v[1], b: v[2] })), &[x, a, b], &[gx, g.a, g.b])
                    .assert_within(1e-6);
                let (_, t) = maybe_affine_jvp(x, &layer, 0.0, &Some(Affine { a: 1.0, b: 0.0 }));
                prop_assert!(close(t, d * x));
                let h = maybe_affine_hvp(x, &layer, 1.0, &Some(Affine { a: 0.0, b: 0.0 }));
                // ∂²/∂x² tanh(ax + b) = −2 a² tanh·(1 − tanh²); ∂²/∂x∂a = d − 2ax tanh·d.
                let th = (x * a + b).tanh();
                prop_assert!(close(h.0, -2.0 * a * a * th * d), "{h:?}");
                let ha = h.1.unwrap();
                prop_assert!(close(ha.a, d - 2.0 * a * x * th * d), "{ha:?}");
            }
            None => {
                prop_assert!(close(gx, 1.0 - x.tanh().powi(2)));
                prop_assert_eq!(gl, None);
            }
        }
    }
}

#[test]
#[should_panic(
    expected = "an Option parameter's tangent, direction or gradient destination is None where the argument is Some"
)]
fn a_tangent_of_another_shape_panics_with_what_is_wrong() {
    let layer = Some(Affine { a: 1.0, b: 0.5 });
    let _ = maybe_affine_jvp(0.3, &layer, 1.0, &None);
}
