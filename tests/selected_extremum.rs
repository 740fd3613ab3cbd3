//! Loops that keep the running minimum or maximum of a value computed in each iteration
//! (`m = m.min(dist)` after computing `dist`), which the transform differentiates through
//! the winning iteration only. Each form against closed forms, finite differences, `_jvp`
//! and `_hvp`; the value at NaNs, infinities, ties and empty loops; and loops the rewrite
//! must leave alone, which stay correct.

mod common;

use autodiff::prelude::*;
use common::{assert_all_close, assert_close, fd};
use proptest::prelude::*;

/// GradBench's `kmeans` cost: each point's squared distance to its nearest centroid.
#[differentiable(wrt(centroids))]
fn kmeans(points: &[Vec<f64>], centroids: &[Vec<f64>]) -> f64 {
    let mut total = 0.0;
    for p in points.iter() {
        let mut closest: f64 = f64::INFINITY;
        for c in centroids.iter() {
            let mut dist = 0.0;
            for (&a, &b) in p.iter().zip(c.iter()) {
                dist += (a - b) * (a - b);
            }
            closest = closest.min(dist);
        }
        total += closest;
    }
    total
}

/// The same cost as an iterator chain: the chain is lowered to the same loop.
#[differentiable(wrt(centroids))]
fn kmeans_chain(points: &[Vec<f64>], centroids: &[Vec<f64>]) -> f64 {
    let mut total = 0.0;
    for p in points.iter() {
        total += centroids
            .iter()
            .map(|c| {
                p.iter()
                    .zip(c)
                    .map(|(&a, &b)| (a - b) * (a - b))
                    .sum::<f64>()
            })
            .fold(f64::INFINITY, f64::min);
    }
    total
}

/// The smallest weighted squared distance to `t`, over indices.
#[differentiable]
#[allow(clippy::needless_range_loop)] // the indexed form is the one under test
fn nearest_weighted(x: &[f64], w: &[f64], t: f64) -> f64 {
    let mut best = f64::INFINITY;
    for i in 0..x.len() {
        let d = (x[i] - t) * (x[i] - t);
        best = best.min(d * w[i]);
    }
    best.sqrt()
}

/// The largest of `sin(x·(j + 1))`, from a start that may win, with `enumerate` and a path.
#[differentiable]
fn largest_wave(s: f64, v: &[f64]) -> f64 {
    let mut m = s;
    for (j, &x) in v.iter().enumerate() {
        let k = j as f64 + 1.0;
        m = f64::max(m, (x * k).sin());
    }
    3.0 * m
}

/// The branch that also keeps the winner's index (argmin), and its maximum twin: the value of
/// the nearest element plus its index, and the largest `sin` plus its position.
#[differentiable]
fn nearest_with_index(x: &[f64], t: f64) -> f64 {
    let mut best = f64::INFINITY;
    let mut at = 0;
    for (j, &v) in x.iter().enumerate() {
        let d = (v - t) * (v - t);
        if d < best {
            best = d;
            at = j;
        }
    }
    best + at as f64
}

#[differentiable]
#[allow(clippy::needless_range_loop)]
fn largest_sin_with_position(x: &[f64]) -> f64 {
    let mut top = -2.0;
    let mut where_: f64 = 0.0;
    for i in 0..x.len() {
        let s = (3.0 * x[i]).sin();
        if top < s {
            top = s;
            where_ = x[i];
        }
    }
    top * where_
}

/// A branch that counts its updates is not the winner's alone: lowered as written.
#[differentiable]
fn improvements(x: &[f64]) -> f64 {
    let mut best = f64::INFINITY;
    let mut count = 0.0;
    for &v in x.iter() {
        let d = v * v;
        if d < best {
            best = d;
            count += 1.0;
        }
    }
    best + count
}

/// The same maximum written as a loop the rewrite must leave alone: the body also counts
/// into a float declared outside it.
#[differentiable]
fn largest_wave_counted(s: f64, v: &[f64]) -> f64 {
    let mut m = s;
    let mut count = 0.0;
    for (j, &x) in v.iter().enumerate() {
        let k = j as f64 + 1.0;
        count += x;
        m = f64::max(m, (x * k).sin());
    }
    3.0 * m + count
}

/// A `continue` in the body leaves the loop as written too.
#[differentiable]
fn smallest_positive_square(v: &[f64]) -> f64 {
    let mut m = 100.0;
    for &x in v.iter() {
        if x < 0.0 {
            continue;
        }
        let sq = x * x;
        m = m.min(sq);
    }
    m
}

fn nearest(p: &[f64], centroids: &[Vec<f64>]) -> usize {
    let dist = |c: &Vec<f64>| p.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum::<f64>();
    (1..centroids.len()).fold(0, |best, j| {
        if dist(&centroids[j]) < dist(&centroids[best]) {
            j
        } else {
            best
        }
    })
}

/// No two values within `gap` of each other.
fn separated(values: impl Iterator<Item = f64>, gap: f64) -> bool {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    sorted.windows(2).all(|w| w[1] - w[0] > gap)
}

fn grid(n: usize, d: usize, seed: &[f64]) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| {
            (0..d)
                .map(|j| seed[(i * d + j) % seed.len()] + 0.1 * i as f64)
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn kmeans_gradient_and_hessian_go_to_the_nearest_centroid(
        pts in prop::collection::vec(-2.0f64..2.0, 12),
        cen in prop::collection::vec(-2.0f64..2.0, 6),
    ) {
        let (points, centroids) = (grid(4, 3, &pts), grid(2, 3, &cen));
        // Away from ties: every point's two distances apart.
        for p in &points {
            let d: Vec<f64> = centroids
                .iter()
                .map(|c| p.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum())
                .collect();
            prop_assume!(separated(d.into_iter(), 1e-3));
        }
        // By hand: ∂/∂Cⱼ = Σ over the points nearest to j of 2(Cⱼ − Pᵢ); the Hessian is
        // diagonal, 2 × (how many points are nearest to j).
        let mut expected = vec![vec![0.0; 3]; 2];
        let mut count = [0.0; 2];
        let mut value = 0.0;
        for p in &points {
            let j = nearest(p, &centroids);
            count[j] += 1.0;
            for k in 0..3 {
                expected[j][k] += 2.0 * (centroids[j][k] - p[k]);
                value += (centroids[j][k] - p[k]).powi(2);
            }
        }
        assert_close(kmeans(&points, &centroids), value, 1e-14);
        let g = kmeans_grad(&points, &centroids);
        for j in 0..2 {
            assert_all_close(&g[j], &expected[j], 1e-13);
        }
        let flat: Vec<f64> = centroids.concat();
        let g_flat: Vec<f64> = g.concat();
        let rows = |x: &[f64]| x.chunks(3).map(<[f64]>::to_vec).collect::<Vec<_>>();
        fd(|x| kmeans(&points, &rows(x)), &flat, &g_flat);
        let dir = vec![vec![1.0, -0.5, 2.0], vec![0.25, 3.0, -1.0]];
        let hv = kmeans_hvp(&points, &centroids, &dir);
        let (g2, hv2) = kmeans_grad_and_hvp(&points, &centroids, &dir);
        for j in 0..2 {
            let h: Vec<f64> = dir[j].iter().map(|v| 2.0 * count[j] * v).collect();
            assert_all_close(&hv[j], &h, 1e-13);
            assert_all_close(&hv2[j], &h, 1e-13);
            assert_all_close(&g2[j], &expected[j], 1e-13);
        }
        let chain = kmeans_chain_grad_and_hvp(&points, &centroids, &dir);
        for j in 0..2 {
            assert_all_close(&chain.0[j], &expected[j], 1e-13);
            assert_all_close(&chain.1[j], &hv[j], 1e-13);
        }
        let (v, t) = kmeans_jvp(&points, &centroids, &dir);
        let along: f64 = (0..2).map(|j| (0..3).map(|k| expected[j][k] * dir[j][k]).sum::<f64>()).sum();
        assert_close(v, value, 1e-14);
        assert_close(t, along, 1e-13);
    }

    #[test]
    fn indexed_form_goes_to_the_winner(
        x in prop::collection::vec(-2.0f64..2.0, 1..7),
        t in -1.0f64..1.0,
    ) {
        let w: Vec<f64> = (0..x.len()).map(|i| 0.5 + 0.3 * i as f64).collect();
        let d: Vec<f64> = x.iter().zip(&w).map(|(x, w)| (x - t) * (x - t) * w).collect();
        prop_assume!(separated(d.iter().copied(), 1e-3) && d.iter().all(|&v| v > 1e-3));
        let i = (1..d.len()).fold(0, |b, i| if d[i] < d[b] { i } else { b });
        let value = d[i].sqrt();
        assert_close(nearest_weighted(&x, &w, t), value, 1e-15);
        // √(w (x − t)²) = √w |x − t|.
        let sign = (x[i] - t).signum();
        let mut dx = vec![0.0; x.len()];
        let mut dw = vec![0.0; x.len()];
        dx[i] = w[i].sqrt() * sign;
        dw[i] = (x[i] - t).abs() / (2.0 * w[i].sqrt());
        let dt = -w[i].sqrt() * sign;
        let (gx, gw, gt) = nearest_weighted_grad(&x, &w, t);
        assert_all_close(&gx, &dx, 1e-12);
        assert_all_close(&gw, &dw, 1e-12);
        assert_close(gt, dt, 1e-12);
        let n = x.len();
        let flat: Vec<f64> = x.iter().chain(&w).copied().chain([t]).collect();
        let g: Vec<f64> = gx.iter().chain(&gw).copied().chain([gt]).collect();
        fd(|v| nearest_weighted(&v[..n], &v[n..2 * n], v[2 * n]), &flat, &g);
        // Along x only: the second derivative of √w |x − t| in x is 0.
        let tx: Vec<f64> = (0..n).map(|k| 1.0 + k as f64).collect();
        let zeros = vec![0.0; n];
        let (_, tangent) = nearest_weighted_jvp(&x, &w, t, &tx, &zeros, 0.0);
        assert_close(tangent, dx[i] * tx[i], 1e-12);
        let (hx, _, _) = nearest_weighted_hvp(&x, &w, t, &tx, &zeros, 0.0);
        assert_all_close(&hx, &zeros, 1e-12);
    }

    #[test]
    fn enumerate_form_and_the_loop_left_alone_agree(
        s in -1.0f64..1.0,
        v in prop::collection::vec(-2.0f64..2.0, 1..7),
    ) {
        let waves: Vec<f64> = v.iter().enumerate().map(|(j, x)| (x * (j as f64 + 1.0)).sin()).collect();
        prop_assume!(separated(waves.iter().copied().chain([s]), 1e-3));
        let j = (1..v.len()).fold(0, |b, j| if waves[j] > waves[b] { j } else { b });
        let mut dv = vec![0.0; v.len()];
        let ds = if s > waves[j] {
            3.0
        } else {
            let k = j as f64 + 1.0;
            dv[j] = 3.0 * k * (v[j] * k).cos();
            0.0
        };
        assert_close(largest_wave(s, &v), 3.0 * s.max(waves[j]), 1e-15);
        let (gs, gv) = largest_wave_grad(s, &v);
        assert_close(gs, ds, 1e-14);
        assert_all_close(&gv, &dv, 1e-13);
        let flat: Vec<f64> = std::iter::once(s).chain(v.iter().copied()).collect();
        let g: Vec<f64> = std::iter::once(gs).chain(gv.iter().copied()).collect();
        fd(|x| largest_wave(x[0], &x[1..]), &flat, &g);
        // The same loop, not rewritten, plus Σ v.
        let (cs, cv) = largest_wave_counted_grad(s, &v);
        assert_close(cs, ds, 1e-14);
        let plus_one: Vec<f64> = dv.iter().map(|d| d + 1.0).collect();
        assert_all_close(&cv, &plus_one, 1e-13);
        // Second order along v: −3k² sin(k xⱼ) at the winner.
        let tan: Vec<f64> = (0..v.len()).map(|i| 0.5 - 0.25 * i as f64).collect();
        let (hs, hv) = largest_wave_hvp(s, &v, 0.0, &tan);
        let mut expected = vec![0.0; v.len()];
        if s <= waves[j] {
            let k = j as f64 + 1.0;
            expected[j] = -3.0 * k * k * (v[j] * k).sin() * tan[j];
        }
        assert_close(hs, 0.0, 1e-14);
        assert_all_close(&hv, &expected, 1e-12);
        let (_, t) = largest_wave_jvp(s, &v, 0.0, &tan);
        assert_close(t, dv.iter().zip(&tan).map(|(d, t)| d * t).sum(), 1e-13);
    }
}

#[test]
fn nans_infinities_and_empty_loops_keep_the_loops_value() {
    let w = [1.0, 1.0, 1.0];
    // A NaN value never wins; `min` passes over it, as the loop does.
    let x = [f64::NAN, 3.0, 1.5];
    assert_eq!(nearest_weighted(&x, &w, 1.0), 0.5);
    let (gx, gw, gt) = nearest_weighted_grad(&x, &w, 1.0);
    assert_eq!(
        (gx, gw, gt),
        (vec![0.0, 0.0, 1.0], vec![0.0, 0.0, 0.25], -1.0)
    );
    // All NaN, or nothing to loop over: the start stays, with its gradient (none here).
    let x = [f64::NAN, f64::NAN];
    assert_eq!(nearest_weighted(&x, &w[..2], 1.0), f64::INFINITY.sqrt());
    assert_eq!(
        nearest_weighted_grad(&x, &w[..2], 1.0),
        (vec![0.0, 0.0], vec![0.0, 0.0], 0.0)
    );
    assert_eq!(nearest_weighted(&[], &[], 1.0), f64::INFINITY);
    assert_eq!(largest_wave_grad(0.25, &[]), (3.0, vec![]));
    // A NaN start: the largest value wins.
    let (gs, gv) = largest_wave_grad(f64::NAN, &[0.5]);
    assert_eq!(gs, 0.0);
    assert_close(gv[0], 3.0 * 0.5f64.cos(), 1e-15);
    // Infinite values are values: the first infinite one wins when nothing is smaller.
    let x = [f64::INFINITY, f64::INFINITY];
    assert_eq!(nearest_weighted(&x, &w[..2], 1.0), f64::INFINITY);
}

#[test]
fn a_tie_goes_to_the_first_iteration() {
    // (x − t)² w is 1 at i = 0 and i = 2: the first one gets the gradient.
    let x = [2.0, 5.0, 0.0];
    let w = [1.0, 1.0, 1.0];
    let (gx, gw, _) = nearest_weighted_grad(&x, &w, 1.0);
    assert_eq!(gx, vec![1.0, 0.0, 0.0]);
    assert_eq!(gw, vec![0.5, 0.0, 0.0]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn branch_forms_keep_the_winner_and_its_index(
        x in prop::collection::vec(-2.0f64..2.0, 1..7),
        t in -1.0f64..1.0,
    ) {
        let d: Vec<f64> = x.iter().map(|v| (v - t) * (v - t)).collect();
        prop_assume!(separated(d.iter().copied(), 1e-3));
        let j = (1..d.len()).fold(0, |b, i| if d[i] < d[b] { i } else { b });
        assert_close(nearest_with_index(&x, t), d[j] + j as f64, 1e-15);
        let (gx, gt) = nearest_with_index_grad(&x, t);
        let mut ex = vec![0.0; x.len()];
        ex[j] = 2.0 * (x[j] - t);
        assert_all_close(&gx, &ex, 1e-13);
        assert_close(gt, -2.0 * (x[j] - t), 1e-13);
        let n = x.len();
        let flat: Vec<f64> = x.iter().copied().chain([t]).collect();
        let g: Vec<f64> = gx.iter().copied().chain([gt]).collect();
        fd(|v| nearest_with_index(&v[..n], v[n]), &flat, &g);
        // Second order: ∂²/∂x_j² = 2, along ones.
        let (hx, ht) = nearest_with_index_hvp(&x, t, &vec![1.0; n], 0.0);
        let mut eh = vec![0.0; n];
        eh[j] = 2.0;
        assert_all_close(&hx, &eh, 1e-13);
        assert_close(ht, -2.0, 1e-13);

        let s: Vec<f64> = x.iter().map(|v| (3.0 * v).sin()).collect();
        prop_assume!(separated(s.iter().copied(), 1e-3));
        let k = (1..s.len()).fold(0, |b, i| if s[i] > s[b] { i } else { b });
        assert_close(largest_sin_with_position(&x), s[k] * x[k], 1e-15);
        let g = largest_sin_with_position_grad(&x);
        let mut e = vec![0.0; n];
        e[k] = 3.0 * (3.0 * x[k]).cos() * x[k] + s[k];
        assert_all_close(&g, &e, 1e-13);
        fd(largest_sin_with_position, &x, &g);
        let (_, tangent) = largest_sin_with_position_jvp(&x, &vec![1.0; n]);
        assert_close(tangent, e[k], 1e-13);
    }
}

#[test]
fn a_branch_that_counts_is_left_as_written() {
    let x = [3.0, 2.0, 2.5, 1.0];
    // Three improvements (9, 4, 1); the best is 1 at x = 1.
    assert_eq!(improvements(&x), 4.0);
    let g = improvements_grad(&x);
    assert_eq!(g, vec![0.0, 0.0, 0.0, 2.0]);
    fd(improvements, &x, &g);
}

#[test]
fn a_continue_leaves_the_loop_as_written() {
    let v = [-3.0, 2.0, -0.5, 1.5, 4.0];
    assert_eq!(smallest_positive_square(&v), 2.25);
    let g = smallest_positive_square_grad(&v);
    assert_eq!(g, vec![0.0, 0.0, 0.0, 3.0, 0.0]);
    fd(smallest_positive_square, &v, &g);
    let hv = smallest_positive_square_hvp(&v, &[1.0; 5]);
    assert_all_close(&hv, &[0.0, 0.0, 0.0, 2.0, 0.0], 1e-15);
}

/// `f64::INFINITY` and `std::f64::consts::PI` are floats without an annotation; `f64::DIGITS`
/// stays the integer it is.
#[differentiable]
fn constants(x: f64) -> f64 {
    let mut m = f64::INFINITY;
    let digits = f64::DIGITS;
    m = m.min(x * std::f64::consts::PI);
    m + digits as f64
}

#[test]
fn float_constants_need_no_annotation() {
    let x = 0.5;
    assert_close(constants(x), 0.5 * std::f64::consts::PI + 15.0, 1e-15);
    let g = constants_grad(x);
    assert_close(g, std::f64::consts::PI, 1e-15);
    common::fd1(constants, x, g);
}

/// The element by reference (`for x in v.iter()`, read as `*x` and `x`), and `f64::max` over
/// `enumerate`.
#[differentiable]
fn nearest_by_ref(v: &[f64], t: f64) -> f64 {
    let mut m = f64::INFINITY;
    for x in v.iter() {
        let d = (*x - t) * (x - t);
        m = m.min(d);
    }
    m
}

#[differentiable]
fn largest_ramp(v: &[f64], t: f64) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for (j, x) in v.iter().enumerate() {
        let d = (*x - t) * (j as f64 + 1.0);
        m = f64::max(m, d);
    }
    m
}

#[test]
fn elements_by_reference() {
    let v = [0.3, 2.0, -1.0];
    // (v − 0.5)² = 0.04, 2.25, 2.25: the first element wins.
    assert_close(nearest_by_ref(&v, 0.5), 0.04, 1e-15);
    let (gv, gt) = nearest_by_ref_grad(&v, 0.5);
    assert_all_close(&gv, &[-0.4, 0.0, 0.0], 1e-15);
    assert_close(gt, 0.4, 1e-15);
    fd(
        |x| nearest_by_ref(&x[..3], x[3]),
        &[0.3, 2.0, -1.0, 0.5],
        &[gv[0], gv[1], gv[2], gt],
    );
    // (v − 0.5)(j + 1) = −0.2, 3, −4.5: the second wins.
    let (gv, gt) = largest_ramp_grad(&v, 0.5);
    assert_all_close(&gv, &[0.0, 2.0, 0.0], 1e-15);
    assert_close(gt, -2.0, 1e-15);
    fd(
        |x| largest_ramp(&x[..3], x[3]),
        &[0.3, 2.0, -1.0, 0.5],
        &[gv[0], gv[1], gv[2], gt],
    );
    let (value, tangent) = largest_ramp_jvp(&v, 0.5, &[1.0, 1.0, 1.0], 0.0);
    assert_eq!((value, tangent), (3.0, 2.0));
}
