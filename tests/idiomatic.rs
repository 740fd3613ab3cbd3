//! Rust as people write it (issue 15): array parameters and patterns, references to floats,
//! iterator chains, closures, sub-slices; snippets as published crates write them, compiled
//! unchanged, each gradient against a closed form and against central differences.

use autodiff::prelude::*;
use autodiff::Float;
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn close_all(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y))
}

/// Rosenbrock in two dimensions, as optimisation-test crates write it.
#[differentiable]
fn rosenbrock2<T: Float>(param: &[T; 2]) -> T {
    let [x1, x2] = *param;
    let a = T::one();
    let b = T::from(100.0).unwrap();
    (a - x1).powi(2) + b * (x2 - x1.powi(2)).powi(2)
}

/// References and derefs of floats, and reference patterns.
#[differentiable]
fn refs(x: &[f64], y: f64) -> f64 {
    let r = &y;
    let &first = &x[0];
    let mut s = *r * first;
    for v in x.iter() {
        if *v > 0.0 {
            s += *v * *r;
        }
    }
    s
}

proptest! {
    #[test]
    fn array_parameters_and_patterns(a in -2.0..2.0f64, b in -2.0..2.0f64) {
        let g: [f64; 2] = rosenbrock2_grad(&[a, b]);
        let expected = [-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)];
        prop_assert!(close_all(&g, &expected), "{:?} {:?}", g, expected);
        check_grad(|f| rosenbrock2(&[f[0], f[1]]), &[a, b], &g).assert_within(1e-6);
        let g32: [f32; 2] = rosenbrock2_grad(&[a as f32, b as f32]);
        prop_assert!((g32[1] as f64 - expected[1]).abs() < 1e-2 * (1.0 + expected[1].abs()));
    }

    #[test]
    fn references_to_floats(x in prop::collection::vec(-2.0..2.0f64, 1..5), y in -2.0..2.0f64) {
        let (gx, gy) = refs_grad(&x, y);
        let mut ex = vec![0.0; x.len()];
        ex[0] += y;
        let mut ey = x[0];
        for (i, v) in x.iter().enumerate() {
            if *v > 0.0 {
                ex[i] += y;
                ey += v;
            }
        }
        prop_assert!(close_all(&gx, &ex) && close(gy, ey));
        check_grad(|f| refs(&f[..x.len()], f[x.len()]), &[x.clone(), vec![y]].concat(), &[gx, vec![gy]].concat())
            .assert_within(1e-6);
    }
}
