//! Rust as people write it (issue 15): array parameters and patterns, references to floats,
//! iterator chains, closures, sub-slices; snippets as published crates write them, compiled
//! unchanged, each gradient against a closed form and against central differences.

#![allow(clippy::needless_range_loop)]

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
        // Central differences only away from the kink of `v > 0`.
        if x.iter().all(|v| v.abs() > 1e-3) {
            check_grad(|f| refs(&f[..x.len()], f[x.len()]), &[x.clone(), vec![y]].concat(), &[gx, vec![gy]].concat())
                .assert_within(1e-6);
        }
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

// Iterator chains, as the snippets write them.

/// Mean squared error.
#[differentiable]
fn mse(pred: &[f64], target: &[f64]) -> f64 {
    pred.iter()
        .zip(target)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        / pred.len() as f64
}

/// Softmax cross-entropy, with a fold for the maximum.
#[differentiable]
fn cross_entropy(logits: &[f64], label: usize) -> f64 {
    let m = logits.iter().fold(f64::NEG_INFINITY, |m, &z| m.max(z));
    let lse = logits.iter().map(|z| (z - m).exp()).sum::<f64>().ln() + m;
    lse - logits[label]
}

/// Rosenbrock with `windows`.
#[differentiable]
fn rosenbrock_windows(x: &[f64]) -> f64 {
    x.windows(2)
        .map(|w| 100.0 * (w[1] - w[0].powi(2)).powi(2) + (1.0 - w[0]).powi(2))
        .sum()
}

/// Rosenbrock with `zip`, `skip`, `map` and `sum`, generic, with its constants as parameters.
#[differentiable]
fn rosenbrock_ab<T: Float + std::iter::Sum>(param: &[T], a: T, b: T) -> T {
    param
        .iter()
        .zip(param.iter().skip(1))
        .map(|(&x, &y)| (a - x).powi(2) + b * (y - x.powi(2)).powi(2))
        .sum()
}

fn rosenbrock_by_hand(x: &[f64], a: f64, b: f64) -> (Vec<f64>, f64, f64) {
    let mut g = vec![0.0; x.len()];
    let (mut ga, mut gb) = (0.0, 0.0);
    for i in 0..x.len() - 1 {
        let (u, v) = (x[i], x[i + 1]);
        g[i] += -2.0 * (a - u) - 4.0 * b * u * (v - u * u);
        g[i + 1] += 2.0 * b * (v - u * u);
        ga += 2.0 * (a - u);
        gb += (v - u * u).powi(2);
    }
    (g, ga, gb)
}

proptest! {
    #[test]
    fn iterator_chains(x in prop::collection::vec(-1.5..1.5f64, 2..6), y in prop::collection::vec(-1.5..1.5f64, 2..6), label in 0usize..2) {
        let n = x.len().min(y.len());
        // mse: zip stops at the shorter side; the mean divides by pred.len().
        let (gp, gt) = mse_grad(&x, &y);
        for i in 0..x.len() {
            let e = if i < n { 2.0 * (x[i] - y[i]) / x.len() as f64 } else { 0.0 };
            prop_assert!(close(gp[i], e));
        }
        for i in 0..y.len() {
            let e = if i < n { -2.0 * (x[i] - y[i]) / x.len() as f64 } else { 0.0 };
            prop_assert!(close(gt[i], e));
        }
        check_grad(|f| mse(f, &y), &x, &gp).assert_within(1e-6);
        // cross-entropy: softmax minus the one-hot label.
        let g = cross_entropy_grad(&x, label);
        let z: f64 = x.iter().map(|v| v.exp()).sum();
        for i in 0..x.len() {
            let e = x[i].exp() / z - if i == label { 1.0 } else { 0.0 };
            prop_assert!(close(g[i], e), "{} {}", g[i], e);
        }
        check_grad(|f| cross_entropy(f, label), &x, &g).assert_within(1e-6);
        // Rosenbrock, both spellings, against the hand-written gradient.
        let (h, ha, hb) = rosenbrock_by_hand(&x, 1.0, 100.0);
        let gw = rosenbrock_windows_grad(&x);
        prop_assert!(close_all(&gw, &h), "{:?} {:?}", gw, h);
        let (gz, ga, gb) = rosenbrock_ab_grad(&x, 1.0, 100.0);
        prop_assert!(close_all(&gz, &h) && close(ga, ha) && close(gb, hb));
        check_grad(rosenbrock_windows, &x, &gw).assert_within(1e-6);
        // Along the gradient's direction, of unit length, so that the step stays small.
        let norm = h.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-300);
        let dir: Vec<f64> = h.iter().map(|v| v / norm).collect();
        let hv = rosenbrock_windows_hvp(&x, &dir);
        let step = 1e-5;
        let plus: Vec<f64> = x.iter().zip(&dir).map(|(a, b)| a + step * b).collect();
        let minus: Vec<f64> = x.iter().zip(&dir).map(|(a, b)| a - step * b).collect();
        let (gp2, gm2) = (rosenbrock_windows_grad(&plus), rosenbrock_windows_grad(&minus));
        for i in 0..x.len() {
            let fd = (gp2[i] - gm2[i]) / (2.0 * step);
            prop_assert!((hv[i] - fd).abs() < 1e-4 * (1.0 + fd.abs()), "{} {}", hv[i], fd);
        }
    }
}

#[test]
fn float_sum_starts_from_negative_zero() {
    // Rust's float `sum` of nothing is -0.0; of [-0.0] too.
    assert!(mse(&[], &[]).is_nan());
    let empty: [f64; 0] = [];
    assert_eq!(
        rosenbrock_windows(&empty[..]).to_bits(),
        (-0.0f64).to_bits()
    );
}

/// Every adapter and consumer once, in one function whose gradient is worked by hand below.
#[differentiable]
fn adapters(x: &[f64], y: &[f64]) -> f64 {
    let sq = |v: f64| v * v;
    // Σ x_i² over even i (filter after map, a closure by name).
    let a: f64 = x
        .iter()
        .copied()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, v)| sq(v))
        .sum();
    // Backwards, every second element, the first three: x[n-1], x[n-3], x[n-5].
    let b = x
        .iter()
        .rev()
        .step_by(2)
        .take(3)
        .map(|v| 3.0 * v)
        .sum::<f64>();
    // x then y: Σ (x_i + 1) over both.
    let c: f64 = x.iter().chain(y.iter()).map(|v| v + 1.0).product();
    // chunks of 2: Σ over chunks of chunk[0]·(last element of the chunk)
    let d: f64 = x.chunks(2).map(|ch| ch[0] * ch[ch.len() - 1]).sum();
    // reduce, max_by, min_by
    let e = x.iter().copied().reduce(|p, q| p * 0.5 + q).unwrap();
    let f = y
        .iter()
        .copied()
        .max_by(|p, q| p.partial_cmp(q).unwrap())
        .unwrap();
    let g = y.iter().copied().min_by(|p, q| p.total_cmp(q)).unwrap();
    // count, any, all: no gradient, but they read floats.
    let n = x.iter().filter(|v| **v > 0.0).count() as f64;
    let any = y.iter().any(|v| *v > 1.0);
    let all = x.iter().all(|v| v.abs() < 10.0);
    // collect into a buffer, then read it.
    let doubled: Vec<f64> = y.iter().map(|v| 2.0 * v).collect();
    let mut h = 0.0;
    // a `for` over a chain, and a sub-slice in a chain
    for (i, v) in doubled.iter().enumerate().skip(1) {
        h += v * i as f64;
    }
    let k: f64 = x[1..].iter().map(|v| v.sin()).sum();
    let flags = if any && all { 1.0 } else { 2.0 };
    a + b + c + d + e + f + g + n * flags + h + k
}

fn adapters_by_hand(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let (nx, ny) = (x.len(), y.len());
    let mut gx = vec![0.0; nx];
    let mut gy = vec![0.0; ny];
    for i in (0..nx).step_by(2) {
        gx[i] += 2.0 * x[i];
    }
    for t in 0..3 {
        if 2 * t < nx {
            gx[nx - 1 - 2 * t] += 3.0;
        }
    }
    let c: f64 = x.iter().chain(y).map(|v| v + 1.0).product();
    for i in 0..nx {
        gx[i] += c / (x[i] + 1.0);
    }
    for j in 0..ny {
        gy[j] += c / (y[j] + 1.0);
    }
    for start in (0..nx).step_by(2) {
        let last = (start + 1).min(nx - 1);
        gx[start] += x[last];
        gx[last] += x[start];
    }
    // e = (((x0·½ + x1)·½ + x2)·½ + ...): x_i has weight ½^(n-1-i), x0 too.
    for i in 0..nx {
        gx[i] += 0.5f64.powi((nx - 1 - i) as i32);
    }
    // max_by keeps the last of equal maxima, min_by the first of equal minima.
    let fmax = y
        .iter()
        .copied()
        .max_by(|p, q| p.partial_cmp(q).unwrap())
        .unwrap();
    let imax = (0..ny).rev().find(|&j| y[j] == fmax).unwrap();
    gy[imax] += 1.0;
    let fmin = y.iter().copied().min_by(|p, q| p.total_cmp(q)).unwrap();
    let imin = (0..ny).find(|&j| y[j] == fmin).unwrap();
    gy[imin] += 1.0;
    for j in 1..ny {
        gy[j] += 2.0 * j as f64;
    }
    for i in 1..nx {
        gx[i] += x[i].cos();
    }
    (gx, gy)
}

proptest! {
    #[test]
    fn every_adapter_and_consumer(x in prop::collection::vec(-1.5..1.5f64, 1..7), y in prop::collection::vec(-1.5..1.5f64, 1..5)) {
        let (gx, gy) = adapters_grad(&x, &y);
        let (hx, hy) = adapters_by_hand(&x, &y);
        prop_assert!(close_all(&gx, &hx), "x {:?}\n{:?}\n{:?}", &x, &gx, &hx);
        prop_assert!(close_all(&gy, &hy), "y {:?}\n{:?}\n{:?}", &y, &gy, &hy);
        // Central differences only away from the kinks: the count of x > 0, y's ties for
        // max and min, any y > 1.
        let near = |a: f64, b: f64| (a - b).abs() < 1e-3;
        let x_smooth = x.iter().all(|v| !near(*v, 0.0));
        let y_smooth = y.iter().all(|v| !near(*v, 1.0))
            && y.iter().enumerate().all(|(i, a)| y[..i].iter().all(|b| !near(*a, *b)));
        if x_smooth {
            check_grad(|f| adapters(f, &y), &x, &gx).assert_within(1e-5);
        }
        if x_smooth && y_smooth {
            check_grad(|f| adapters(&x, f), &y, &gy).assert_within(1e-5);
        }
    }
}

/// `if let`, `let ... else` and `while let` on values without a float, with floats computed
/// in their arms: lowered as the `match`es they stand for.
#[differentiable]
fn option_patterns(x: f64, k: Option<usize>, steps: &[usize]) -> f64 {
    let mut y = if let Some(n) = k {
        x * n as f64
    } else {
        x.sin()
    };
    if let Some(&first) = steps.first() {
        y += x * first as f64;
    }
    let Some(&last) = steps.last() else {
        return y * x;
    };
    let mut stack = steps.to_vec();
    while let Some(s) = stack.pop() {
        if s > last {
            break;
        }
        y = y * x + s as f64;
    }
    y
}

fn option_patterns_by_hand(x: f64, k: Option<usize>, steps: &[usize]) -> (f64, f64) {
    // The value and its derivative, by dual-number arithmetic written out.
    let (mut y, mut dy) = match k {
        Some(n) => (x * n as f64, n as f64),
        None => (x.sin(), x.cos()),
    };
    if let Some(&first) = steps.first() {
        y += x * first as f64;
        dy += first as f64;
    }
    let Some(&last) = steps.last() else {
        return (y * x, dy * x + y);
    };
    for &s in steps.iter().rev() {
        if s > last {
            break;
        }
        dy = dy * x + y;
        y = y * x + s as f64;
    }
    (y, dy)
}

proptest! {
    #[test]
    fn if_let_let_else_while_let(
        x in -1.5..1.5f64,
        k in prop::option::of(0usize..4),
        steps in prop::collection::vec(0usize..5, 0..5),
    ) {
        let g = option_patterns_grad(x, k, &steps);
        let (value, expected) = option_patterns_by_hand(x, k, &steps);
        prop_assert!(close(option_patterns(x, k, &steps), value));
        prop_assert!(close(g, expected), "{g} vs {expected}");
        check_grad(|v| option_patterns(v[0], k, &steps), &[x], &[g]).assert_within(1e-6);
        let (_, t) = option_patterns_jvp(x, k, &steps, 1.0);
        prop_assert!(close(t, expected), "{t} vs {expected}");
        let h = option_patterns_hvp(x, k, &steps, 1.0);
        let (_, h_fd) = {
            let e = 1e-5;
            let (a, b) = (option_patterns_grad(x + e, k, &steps), option_patterns_grad(x - e, k, &steps));
            (0.0, (a - b) / (2.0 * e))
        };
        prop_assert!((h - h_fd).abs() <= 1e-4 * (1.0 + h.abs()), "{h} vs {h_fd}");
    }
}

/// Test functions as the optimisation-test crates publish them: generic over `T: Float +
/// FromPrimitive + Sum`, constants by `T::from_f64(..).unwrap()`, sums by iterator chains.
mod test_functions {
    use autodiff::prelude::*;
    use autodiff::Float;
    use num_traits::FromPrimitive;
    use std::f64::consts::PI;
    use std::iter::Sum;

    #[differentiable]
    pub fn rastrigin<T>(param: &[T]) -> T
    where
        T: Float + FromPrimitive + Sum,
    {
        rastrigin_a(param, T::from_f64(10.0).unwrap())
    }

    #[differentiable]
    pub fn rastrigin_a<T>(param: &[T], a: T) -> T
    where
        T: Float + FromPrimitive + Sum,
    {
        a * T::from_usize(param.len()).unwrap()
            + param
                .iter()
                .map(|&x| x.powi(2) - a * (T::from_f64(2.0 * PI).unwrap() * x).cos())
                .sum()
    }

    #[differentiable]
    pub fn ackley_param<T>(param: &[T], a: T, b: T, c: T) -> T
    where
        T: Float + FromPrimitive + Sum,
    {
        let num1 = T::from_f64(1.0).unwrap();
        let n = T::from_usize(param.len()).unwrap();
        -a * (-b * ((num1 / n) * param.iter().map(|x| x.powi(2)).sum()).sqrt()).exp()
            - ((num1 / n) * param.iter().map(|x| (c * *x).cos()).sum()).exp()
            + a
            + num1.exp()
    }
}

proptest! {
    #[test]
    fn published_test_functions(x in prop::collection::vec(-2.0..2.0f64, 1..5)) {
        use std::f64::consts::PI;
        use test_functions::*;
        let g = rastrigin_grad(&x);
        let expected: Vec<f64> = x
            .iter()
            .map(|&v| 2.0 * v + 10.0 * 2.0 * PI * (2.0 * PI * v).sin())
            .collect();
        prop_assert!(close_all(&g, &expected), "{g:?} {expected:?}");
        check_grad(rastrigin, &x, &g).assert_within(1e-6);
        let (a, b, c) = (20.0, 0.2, 2.0 * PI);
        let (ga, ..) = ackley_param_grad(&x, a, b, c);
        let n = x.len() as f64;
        let r = (x.iter().map(|v| v * v).sum::<f64>() / n).sqrt();
        let s = x.iter().map(|v| (c * v).cos()).sum::<f64>() / n;
        let expected: Vec<f64> = x
            .iter()
            .map(|&v| {
                let first = if r > 0.0 { a * b * (-b * r).exp() * v / (n * r) } else { 0.0 };
                first + s.exp() * c * (c * v).sin() / n
            })
            .collect();
        prop_assert!(close_all(&ga, &expected), "{ga:?} {expected:?}");
        check_grad(|v| ackley_param(v, a, b, c), &x, &ga).assert_within(1e-6);
    }
}

/// `_jvp` against the gradient (`∇f·v`), and `_hvp` against central differences of the
/// gradient, for a function of a flat vector.
fn check_forward_and_second_order(
    name: &str,
    x: &[f64],
    v: &[f64],
    grad: impl Fn(&[f64]) -> Vec<f64>,
    jvp: impl Fn(&[f64], &[f64]) -> f64,
    hvp: impl Fn(&[f64], &[f64]) -> Vec<f64>,
) -> Result<(), TestCaseError> {
    let g = grad(x);
    let expected: f64 = g.iter().zip(v).map(|(a, b)| a * b).sum();
    let t = jvp(x, v);
    prop_assert!(close(t, expected), "{name}: _jvp {t} vs ∇f·v {expected}");
    let h = hvp(x, v);
    let e = 1e-5;
    let plus: Vec<f64> = x.iter().zip(v).map(|(a, b)| a + e * b).collect();
    let minus: Vec<f64> = x.iter().zip(v).map(|(a, b)| a - e * b).collect();
    let (gp, gm) = (grad(&plus), grad(&minus));
    for k in 0..x.len() {
        let fd = (gp[k] - gm[k]) / (2.0 * e);
        prop_assert!(
            (h[k] - fd).abs() <= 1e-5 * (1.0 + fd.abs()),
            "{name}: _hvp[{k}] {} vs central differences {fd}",
            h[k]
        );
    }
    Ok(())
}

proptest! {
    /// Forward mode and Hessian-vector products through every construct of this file.
    #[test]
    fn forward_mode_and_hvp_of_every_construct(
        x in prop::collection::vec(-1.5..1.5f64, 4),
        y in prop::collection::vec(-1.5..1.5f64, 4),
        v in prop::collection::vec(-1.0..1.0f64, 8),
    ) {
        use test_functions::*;
        // Away from the kinks (refs' and adapters' v > 0, the Huber loss at |r| = 0.7,
        // adapters' ties and y > 1), where central differences of the gradient are not a
        // Hessian.
        let near = |a: f64, b: f64| (a - b).abs() < 1e-3;
        prop_assume!(x.iter().all(|v| !near(*v, 0.0) && !near(v.abs(), 0.7)));
        prop_assume!(y.iter().all(|v| !near(*v, 1.0)));
        prop_assume!(y.iter().enumerate().all(|(i, a)| y[..i].iter().all(|b| !near(*a, *b))));
        let xy = [x.clone(), y.clone()].concat();
        let split = |f: &[f64]| (f[..4].to_vec(), f[4..].to_vec());
        // Sub-slices and split_at.
        check_forward_and_second_order("partial_sums", &xy, &v,
            |f| { let (a, b) = split(f); let (ga, gb) = partial_sums_grad(&a, &b); [ga, gb].concat() },
            |f, t| { let (a, b) = split(f); let (ta, tb) = split(t); partial_sums_jvp(&a, &b, &ta, &tb).1 },
            |f, t| { let (a, b) = split(f); let (ta, tb) = split(t); let (ha, hb) = partial_sums_hvp(&a, &b, &ta, &tb); [ha, hb].concat() })?;
        // Closures: the Huber loss, captures.
        check_forward_and_second_order("huber_loss", &x, &v[..4],
            |f| huber_loss_grad(f, 0.7).0,
            |f, t| huber_loss_jvp(f, 0.7, t, 0.0).1,
            |f, t| huber_loss_hvp(f, 0.7, t, 0.0).0)?;
        check_forward_and_second_order("captures", &x[..2], &v[..2],
            |f| { let (a, b) = captures_grad(f[0], f[1]); vec![a, b] },
            |f, t| captures_jvp(f[0], f[1], t[0], t[1]).1,
            |f, t| { let (a, b) = captures_hvp(f[0], f[1], t[0], t[1]); vec![a, b] })?;
        // Iterator chains: zip/map/sum, fold with max, windows, zip/skip, every adapter.
        check_forward_and_second_order("mse", &xy, &v,
            |f| { let (a, b) = split(f); let (ga, gb) = mse_grad(&a, &b); [ga, gb].concat() },
            |f, t| { let (a, b) = split(f); let (ta, tb) = split(t); mse_jvp(&a, &b, &ta, &tb).1 },
            |f, t| { let (a, b) = split(f); let (ta, tb) = split(t); let (ha, hb) = mse_hvp(&a, &b, &ta, &tb); [ha, hb].concat() })?;
        check_forward_and_second_order("cross_entropy", &x, &v[..4],
            |f| cross_entropy_grad(f, 2),
            |f, t| cross_entropy_jvp(f, 2, t).1,
            |f, t| cross_entropy_hvp(f, 2, t))?;
        check_forward_and_second_order("rosenbrock_windows", &x, &v[..4],
            rosenbrock_windows_grad,
            |f, t| rosenbrock_windows_jvp(f, t).1,
            rosenbrock_windows_hvp)?;
        check_forward_and_second_order("rosenbrock_ab", &x, &v[..4],
            |f| rosenbrock_ab_grad(f, 1.0, 100.0).0,
            |f, t| rosenbrock_ab_jvp(f, 1.0, 100.0, t, 0.0, 0.0).1,
            |f, t| rosenbrock_ab_hvp(f, 1.0, 100.0, t, 0.0, 0.0).0)?;
        check_forward_and_second_order("adapters", &xy, &v,
            |f| { let (a, b) = split(f); let (ga, gb) = adapters_grad(&a, &b); [ga, gb].concat() },
            |f, t| { let (a, b) = split(f); let (ta, tb) = split(t); adapters_jvp(&a, &b, &ta, &tb).1 },
            |f, t| { let (a, b) = split(f); let (ta, tb) = split(t); let (ha, hb) = adapters_hvp(&a, &b, &ta, &tb); [ha, hb].concat() })?;
        check_forward_and_second_order("rastrigin", &x, &v[..4],
            rastrigin_grad,
            |f, t| rastrigin_jvp(f, t).1,
            rastrigin_hvp)?;
        // Array patterns and references.
        check_forward_and_second_order("rosenbrock2", &x[..2], &v[..2],
            |f| rosenbrock2_grad(&[f[0], f[1]]).to_vec(),
            |f, t| rosenbrock2_jvp(&[f[0], f[1]], &[t[0], t[1]]).1,
            |f, t| rosenbrock2_hvp(&[f[0], f[1]], &[t[0], t[1]]).to_vec())?;
        check_forward_and_second_order("refs", &xy[..5], &v[..5],
            |f| { let (g, gy) = refs_grad(&f[..4], f[4]); [g, vec![gy]].concat() },
            |f, t| refs_jvp(&f[..4], f[4], &t[..4], t[4]).1,
            |f, t| { let (h, hy) = refs_hvp(&f[..4], f[4], &t[..4], t[4]); [h, vec![hy]].concat() })?;
    }
}
