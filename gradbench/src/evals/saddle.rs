//! `saddle`: the saddle point of `f(x, y) = (x₁² + x₂²) − (y₁² + y₂²)` by gradient descent
//! over `x` of the maximum over `y`, itself found by gradient ascent: the outer descent
//! differentiates the inner ascent, which takes derivatives of `f` (nested
//! differentiation, each of the two in either mode). Then the ascent over `y` once more at
//! the `x` found, in the outer mode.
//!
//! | function | outer (descent over `x`) | inner (ascent over `y`) |
//! |---|---|---|
//! | `rr` | `max_over_y_grad` | `f_grad` |
//! | `rf` | `max_over_y_grad` | `f_jvp`, one per coordinate |
//! | `fr` | `max_over_y_jvp`, one per coordinate | `f_grad` |
//! | `ff` | `max_over_y_jvp`, one per coordinate | `f_jvp`, one per coordinate |

use super::gd;
use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    start: [f64; 2],
}

/// The eval's `(x₁² + y₁²) − (x₂² + y₂²)` of `(x₁, y₁, x₂, y₂)`, called as GradBench's C++
/// calls it (`objective(p1[0], p1[1], p2[0], p2[1])`): the first point is `x`, the second `y`.
#[differentiable]
pub fn f(x1: f64, x2: f64, y1: f64, y2: f64) -> f64 {
    (x1 * x1 + x2 * x2) - (y1 * y1 + y2 * y2)
}

/// `max_y f(x, y)`, the ascent from `(s1, s2)` written out as `gd::argmax` runs it, with
/// `∇_y f` by forward mode when `forward_inner`, else by reverse mode.
#[differentiable(wrt(x1, x2))]
pub fn max_over_y(x1: f64, x2: f64, s1: f64, s2: f64, forward_inner: bool) -> f64 {
    let (mut y1, mut y2) = (s1, s2);
    // The ascent is a descent of −f; its gradient is taken again after each step taken.
    let mut fy = -f(x1, x2, y1, y2);
    let (mut g1, mut g2) = (0.0, 0.0);
    let mut moved = true;
    let mut i = 0;
    let mut eta = 1e-5;
    loop {
        if moved {
            if forward_inner {
                g1 = -f_jvp(x1, x2, y1, y2, 0.0, 0.0, 1.0, 0.0).1;
                g2 = -f_jvp(x1, x2, y1, y2, 0.0, 0.0, 0.0, 1.0).1;
            } else {
                let (_, _, h1, h2) = f_grad(x1, x2, y1, y2);
                g1 = -h1;
                g2 = -h2;
            }
            moved = false;
        }
        if (g1 * g1 + g2 * g2).sqrt() <= 1e-5 {
            break;
        } else if i == 10 {
            eta *= 2.0;
            i = 0;
        } else {
            let p1 = y1 - eta * g1;
            let p2 = y2 - eta * g2;
            if ((y1 - p1) * (y1 - p1) + (y2 - p2) * (y2 - p2)).sqrt() <= 1e-5 {
                break;
            }
            let fp = -f(x1, x2, p1, p2);
            if fp < fy {
                y1 = p1;
                y2 = p2;
                fy = fp;
                moved = true;
                i += 1;
            } else {
                eta /= 2.0;
                i = 0;
            }
        }
    }
    f(x1, x2, y1, y2)
}

/// The saddle point `(x, y)` from `start`, the outer derivative by forward mode when
/// `forward_outer`, the inner one when `forward_inner`.
pub fn solve(start: [f64; 2], forward_outer: bool, forward_inner: bool) -> [f64; 4] {
    let [s1, s2] = start;
    let outer = |x: &[f64]| {
        if forward_outer {
            vec![
                max_over_y_jvp(x[0], x[1], s1, s2, forward_inner, 1.0, 0.0).1,
                max_over_y_jvp(x[0], x[1], s1, s2, forward_inner, 0.0, 1.0).1,
            ]
        } else {
            let (g1, g2) = max_over_y_grad(x[0], x[1], s1, s2, forward_inner);
            vec![g1, g2]
        }
    };
    let x = gd::argmin(
        &start,
        |x| max_over_y(x[0], x[1], s1, s2, forward_inner),
        outer,
    );
    // The ascent over `y` at that `x`, in the outer mode.
    let inner = |y: &[f64]| {
        if forward_outer {
            vec![
                f_jvp(x[0], x[1], y[0], y[1], 0.0, 0.0, 1.0, 0.0).1,
                f_jvp(x[0], x[1], y[0], y[1], 0.0, 0.0, 0.0, 1.0).1,
            ]
        } else {
            let (_, _, g1, g2) = f_grad(x[0], x[1], y[0], y[1]);
            vec![g1, g2]
        }
    };
    let y = gd::argmax(&start, |y| f(x[0], x[1], y[0], y[1]), inner);
    [x[0], x[1], y[0], y[1]]
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { start } = parse(input)?;
    let (outer, inner) = match function {
        "rr" => (false, false),
        "rf" => (false, true),
        "fr" => (true, false),
        "ff" => (true, true),
        _ => return Err(super::unknown("saddle", function)),
    };
    measure(input, || solve(start, outer, inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outer derivative against central differences of `max_over_y`, in both inner modes,
    /// by both outer modes.
    #[test]
    fn derivatives_against_central_differences() {
        let (x1, x2, s1, s2) = (0.7, -0.4, 1.0, 1.0);
        for inner in [false, true] {
            let (g1, g2) = max_over_y_grad(x1, x2, s1, s2, inner);
            check_grad(
                |v| max_over_y(v[0], v[1], s1, s2, inner),
                &[x1, x2],
                &[g1, g2],
            )
            .assert_within(1e-5);
            let (_, t) = max_over_y_jvp(x1, x2, s1, s2, inner, 0.3, 0.6);
            let expected = 0.3 * g1 + 0.6 * g2;
            assert!((t - expected).abs() <= 1e-9 * (1.0 + expected.abs()), "{t}");
        }
    }

    #[test]
    fn every_variant_finds_the_reference() {
        for (outer, inner) in [(false, false), (false, true), (true, false), (true, true)] {
            let p = solve([1.0, 1.0], outer, inner);
            for v in p {
                // GradBench's expected answer for the start (1, 1).
                assert!(
                    (v - 8.246324826140356e-06).abs() < 1e-6,
                    "{outer} {inner}: {p:?}"
                );
            }
        }
    }
}
