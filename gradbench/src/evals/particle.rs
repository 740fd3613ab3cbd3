//! `particle`: a charged particle pushed by the field of two charges, one of them placed by a
//! control `w`; gradient descent on `w` until the particle's path crosses the x-axis at the
//! origin. The field is the gradient of a potential (the inner derivative, taken inside the
//! simulation) and the descent differentiates the simulation (the outer one): nested
//! differentiation, each of the two in either mode.
//!
//! | function | outer (the descent on `w`) | inner (the force) |
//! |---|---|---|
//! | `rr` | `landing_grad` | `potential_grad` |
//! | `rf` | `landing_grad` | `potential_jvp`, one per coordinate |
//! | `fr` | `landing_jvp` | `potential_grad` |
//! | `ff` | `landing_jvp` | `potential_jvp` |

use super::gd;
use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    w: f64,
}

/// The potential at `(x1, x2)` of unit charges at `(10, 10 − w)` and `(10, 0)`: the sum of
/// the inverse distances.
#[differentiable(wrt(x1, x2))]
pub fn potential(x1: f64, x2: f64, w: f64) -> f64 {
    let first = ((10.0 - x1) * (10.0 - x1) + (10.0 - w - x2) * (10.0 - w - x2)).sqrt();
    let second = ((10.0 - x1) * (10.0 - x1) + (0.0 - x2) * (0.0 - x2)).sqrt();
    1.0 / first + 1.0 / second
}

/// The square of where the particle crosses the x-axis: Euler steps of `0.1` from `(0, 8)`
/// at velocity `(0.75, 0)`, accelerated by `−∇potential`, the last step interpolated to
/// the axis. `forward_inner` takes the force by forward mode, one tangent per coordinate.
#[differentiable(wrt(w))]
pub fn landing(w: f64, forward_inner: bool) -> f64 {
    let (mut x1, mut x2) = (0.0, 8.0);
    let (mut v1, mut v2) = (0.75, 0.0);
    let dt = 0.1;
    loop {
        let a1: f64;
        let a2: f64;
        if forward_inner {
            a1 = -potential_jvp(x1, x2, w, 1.0, 0.0).1;
            a2 = -potential_jvp(x1, x2, w, 0.0, 1.0).1;
        } else {
            let (g1, g2) = potential_grad(x1, x2, w);
            a1 = -g1;
            a2 = -g2;
        }
        x1 += dt * v1;
        x2 += dt * v2;
        if x2 <= 0.0 {
            let dt_f = -x2 / v2;
            let at = x1 + dt_f * v1;
            return at * at;
        }
        v1 += dt * a1;
        v2 += dt * a2;
    }
}

/// The control that lands the particle at the origin, from `w0`.
pub fn solve(w0: f64, forward_outer: bool, forward_inner: bool) -> f64 {
    let gradient = |w: &[f64]| {
        let g = if forward_outer {
            landing_jvp(w[0], forward_inner, 1.0).1
        } else {
            landing_grad(w[0], forward_inner)
        };
        vec![g]
    };
    gd::argmin(&[w0], |w| landing(w[0], forward_inner), gradient)[0]
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { w } = parse(input)?;
    let (outer, inner) = match function {
        "rr" => (false, false),
        "rf" => (false, true),
        "fr" => (true, false),
        "ff" => (true, true),
        _ => return Err(super::unknown("particle", function)),
    };
    measure(input, || solve(w, outer, inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The force against central differences of the potential, and the landing's derivative
    /// against central differences of the landing, in every combination of modes.
    #[test]
    fn derivatives_against_central_differences() {
        let (x1, x2, w) = (1.3, 6.2, 0.4);
        let (g1, g2) = potential_grad(x1, x2, w);
        check_grad(|v| potential(v[0], v[1], w), &[x1, x2], &[g1, g2]).assert_within(1e-6);
        for inner in [false, true] {
            let g = landing_grad(w, inner);
            check_grad(|v| landing(v[0], inner), &[w], &[g]).assert_within(1e-5);
            let (_, t) = landing_jvp(w, inner, 1.0);
            assert!((t - g).abs() <= 1e-9 * (1.0 + g.abs()), "{t} {g}");
        }
    }

    #[test]
    fn every_variant_lands_at_the_reference() {
        for (outer, inner) in [(false, false), (false, true), (true, false), (true, true)] {
            let w = solve(0.0, outer, inner);
            // GradBench's expected answer for w0 = 0.
            assert!(
                (w - 0.2071918746486116).abs() < 1e-6,
                "{outer} {inner}: {w}"
            );
        }
    }
}
