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

/// Sub-slices read, passed to slice functions and to callees, looped over, and split.
#[differentiable]
fn partial_sums(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let head = &x[..n - 1];
    let tail = &x[1..];
    let mut s = dot(head, &w[1..]) + sum(&x[1..=1]);
    for v in tail.iter() {
        s += v * v;
    }
    s += tail[0] * head[n - 2];
    let (a, b) = x.split_at(2);
    s + weighted(a, b[0]) + sum(&x[2..][..1])
}

#[differentiable]
fn weighted(v: &[f64], k: f64) -> f64 {
    k * (v[0] + 2.0 * v[1])
}

proptest! {
    #[test]
    fn sub_slices(x in prop::collection::vec(-2.0..2.0f64, 4), w in prop::collection::vec(-2.0..2.0f64, 4)) {
        let (gx, gw) = partial_sums_grad(&x, &w);
        // By hand: head = x[0..3], tail = x[1..4].
        let mut ex = vec![0.0; 4];
        let mut ew = vec![0.0; 4];
        for i in 0..3 {
            ex[i] += w[i + 1];
            ew[i + 1] += x[i];
        }
        ex[1] += 1.0;
        for i in 1..4 {
            ex[i] += 2.0 * x[i];
        }
        ex[1] += x[2];
        ex[2] += x[1];
        // weighted(x[0..2], x[2]) = x[2]·(x[0] + 2·x[1])
        ex[2] += x[0] + 2.0 * x[1];
        ex[0] += x[2];
        ex[1] += 2.0 * x[2];
        ex[2] += 1.0;
        prop_assert!(close_all(&gx, &ex), "{:?} {:?}", &gx, &ex);
        prop_assert!(close_all(&gw, &ew));
        check_grad(|f| partial_sums(f, &w), &x, &gx).assert_within(1e-6);
        let (_, dy) = partial_sums_jvp(&x, &w, &gx, &gw);
        prop_assert!(close(dy, gx.iter().map(|g| g * g).sum::<f64>() + gw.iter().map(|g| g * g).sum::<f64>()));
    }
}

#[test]
#[should_panic(expected = "range end index 9 out of range for slice of length 4")]
fn a_sub_slice_out_of_range_panics_as_rust_does() {
    let _ = partial_sums_grad(&[1.0, 2.0, 3.0, 4.0], &[1.0, 2.0, 3.0, 4.0]);
    let x = [1.0, 2.0, 3.0, 4.0];
    let _ = out_of_range_grad(&x);
}

#[differentiable]
fn out_of_range(x: &[f64]) -> f64 {
    sum(&x[2..9])
}

/// The Huber loss, with the closure defined in the body and capturing `delta`.
#[differentiable]
fn huber_loss(r: &[f64], delta: f64) -> f64 {
    let huber = |x: f64| {
        if x.abs() <= delta {
            0.5 * x * x
        } else {
            delta * (x.abs() - 0.5 * delta)
        }
    };
    let mut total = 0.0;
    for &x in r {
        total += huber(x);
    }
    total
}

/// A `move` closure keeps the value it captured; a later `let` does not change what a
/// closure sees.
#[differentiable]
fn captures(x: f64, y: f64) -> f64 {
    let mut k = x * 2.0;
    let scaled = move |v: f64| v * k;
    k = y;
    let plain = |v: f64| v + k;
    let k = 100.0;
    scaled(y) + plain(x) + k
}

proptest! {
    #[test]
    fn closures(r in prop::collection::vec(-3.0..3.0f64, 1..6), delta in 0.5..2.0f64, x in -2.0..2.0f64, y in -2.0..2.0f64) {
        let (gr, gd) = huber_loss_grad(&r, delta);
        let er: Vec<f64> = r.iter().map(|x| if x.abs() <= delta { *x } else { delta * x.signum() }).collect();
        let ed: f64 = r.iter().map(|x| if x.abs() <= delta { 0.0 } else { x.abs() - delta }).sum();
        prop_assert!(close_all(&gr, &er) && close(gd, ed));
        check_grad(|f| huber_loss(f, delta), &r, &gr).assert_within(1e-6);
        // captures = y·2x + (x + y) + 100
        let (gx, gy) = captures_grad(x, y);
        prop_assert!(close(captures(x, y), 2.0 * x * y + x + y + 100.0));
        prop_assert!(close(gx, 2.0 * y + 1.0) && close(gy, 2.0 * x + 1.0));
    }
}
