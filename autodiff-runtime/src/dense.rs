//! Dense derivative matrices from the generated sweeps, for functions small enough to want
//! them (as JAX's `jacfwd`/`jacrev`/`hessian` and autograd's `jacobian`/`hessian` are used).
//!
//! Each takes the generated functions as closures over flat slices, so one helper serves any
//! `#[differentiable]` function:
//!
//! ```
//! use autodiff_runtime::{hessian, jacobian};
//!
//! // f(x) = (x₀x₁, sin x₀ + x₂), as `#[differentiable]` would give its `_jvp` and `_vjp`.
//! let jvp = |x: &[f64], v: &[f64]| vec![x[1] * v[0] + x[0] * v[1], x[0].cos() * v[0] + v[2]];
//! let vjp = |x: &[f64], s: &[f64]| vec![x[1] * s[0] + x[0].cos() * s[1], x[0] * s[0], s[1]];
//! let j = jacobian(&[1.0, 2.0, 3.0], 2, jvp, vjp);
//! assert_eq!(j, vec![vec![2.0, 1.0, 0.0], vec![1f64.cos(), 0.0, 1.0]]);
//!
//! // g(x) = x₀²x₁: its Hessian from two Hessian-vector products.
//! let hvp = |x: &[f64], v: &[f64]| vec![2.0 * x[1] * v[0] + 2.0 * x[0] * v[1], 2.0 * x[0] * v[0]];
//! assert_eq!(hessian(&[1.0, 3.0], hvp), vec![vec![6.0, 2.0], vec![2.0, 0.0]]);
//! ```
//!
//! With generated functions: `jacobian(&x, m, |x, v| f_jvp(x, v).1, |x, s| f_vjp(x, s.to_vec()).1)`
//! and `hessian(&x, |x, v| f_hvp(x, v))`.

use crate::Lanes;
use num_traits::Float;

/// The m × n Jacobian of `f: Fⁿ → Fᵐ` at `x`, as rows: by forward mode (`jvp(x, v) = J·v`,
/// one sweep per column) when `n ≤ m`, else by reverse mode (`vjp(x, s) = Jᵀ·s`, one sweep
/// per row), so it takes `min(n, m)` sweeps.
///
/// # Panics
///
/// When a sweep returns a vector of the wrong length (`m` for `jvp`, `x.len()` for `vjp`).
pub fn jacobian<F: Float>(
    x: &[F],
    m: usize,
    jvp: impl FnMut(&[F], &[F]) -> Vec<F>,
    vjp: impl FnMut(&[F], &[F]) -> Vec<F>,
) -> Vec<Vec<F>> {
    if x.len() <= m {
        jacobian_fwd(x, m, jvp)
    } else {
        jacobian_rev(x, m, vjp)
    }
}

/// The Jacobian by forward mode: column `i` is `jvp(x, eᵢ)`.
pub fn jacobian_fwd<F: Float>(
    x: &[F],
    m: usize,
    mut jvp: impl FnMut(&[F], &[F]) -> Vec<F>,
) -> Vec<Vec<F>> {
    let n = x.len();
    let mut rows = vec![vec![F::zero(); n]; m];
    for i in 0..n {
        let column = jvp(x, &unit(n, i));
        check_len("jacobian_fwd", "the jvp's value", column.len(), "m", m);
        for (row, c) in rows.iter_mut().zip(column) {
            row[i] = c;
        }
    }
    rows
}

/// The Jacobian by forward mode, `N` columns per sweep: `jvp_lanes(x, V)` is `J·V` for `N`
/// directions side by side (a `NAME_jvp_lanes::<N>`, feature `lanes`), here the unit vectors
/// `e_s .. e_{s+N-1}`, so it takes `⌈n / N⌉` sweeps where [`jacobian_fwd`] takes `n`.
///
/// ```
/// use autodiff_runtime::{jacobian_fwd_lanes, Lanes};
///
/// // f(x) = (x₀x₁, sin x₀ + x₂), as `#[differentiable]` would give its `_jvp_lanes`.
/// let jvp = |x: &[f64], v: &[Lanes<f64, 2>]| {
///     vec![v[0] * x[1] + v[1] * x[0], v[0] * x[0].cos() + v[2]]
/// };
/// let j = jacobian_fwd_lanes(&[1.0, 2.0, 3.0], 2, jvp);
/// assert_eq!(j, vec![vec![2.0, 1.0, 0.0], vec![1f64.cos(), 0.0, 1.0]]);
/// ```
///
/// # Panics
///
/// When `N` is 0, or a sweep returns a vector of a length other than `m`.
pub fn jacobian_fwd_lanes<F: Float, const N: usize>(
    x: &[F],
    m: usize,
    mut jvp_lanes: impl FnMut(&[F], &[Lanes<F, N>]) -> Vec<Lanes<F, N>>,
) -> Vec<Vec<F>> {
    assert!(
        N > 0,
        "jacobian_fwd_lanes: N is 0; it needs at least one lane"
    );
    let n = x.len();
    let mut rows = vec![vec![F::zero(); n]; m];
    for start in (0..n).step_by(N) {
        let directions: Vec<Lanes<F, N>> = (0..n)
            .map(|i| Lanes::from_fn(|k| if start + k == i { F::one() } else { F::zero() }))
            .collect();
        let columns = jvp_lanes(x, &directions);
        check_len(
            "jacobian_fwd_lanes",
            "the jvp's value",
            columns.len(),
            "m",
            m,
        );
        for (row, c) in rows.iter_mut().zip(&columns) {
            for (k, slot) in row[start..].iter_mut().take(N).enumerate() {
                *slot = c[k];
            }
        }
    }
    rows
}

/// The Jacobian by reverse mode: row `k` is `vjp(x, eₖ)`.
pub fn jacobian_rev<F: Float>(
    x: &[F],
    m: usize,
    mut vjp: impl FnMut(&[F], &[F]) -> Vec<F>,
) -> Vec<Vec<F>> {
    (0..m)
        .map(|k| {
            let row = vjp(x, &unit(m, k));
            check_len(
                "jacobian_rev",
                "the vjp's gradient",
                row.len(),
                "x",
                x.len(),
            );
            row
        })
        .collect()
}

/// The n × n Hessian of a scalar function at `x`, from `n` Hessian-vector products
/// (`hvp(x, v) = H·v`, column `i` from `eᵢ`). The columns are exact, so the matrix is
/// symmetric up to rounding.
///
/// # Panics
///
/// When `hvp` returns a vector of a length other than `x.len()`.
pub fn hessian<F: Float>(x: &[F], mut hvp: impl FnMut(&[F], &[F]) -> Vec<F>) -> Vec<Vec<F>> {
    let n = x.len();
    let mut rows = vec![vec![F::zero(); n]; n];
    for i in 0..n {
        let column = hvp(x, &unit(n, i));
        check_len("hessian", "the hvp's value", column.len(), "x", n);
        for (row, c) in rows.iter_mut().zip(column) {
            row[i] = c;
        }
    }
    rows
}

fn unit<F: Float>(n: usize, i: usize) -> Vec<F> {
    let mut e = vec![F::zero(); n];
    e[i] = F::one();
    e
}

#[track_caller]
fn check_len(op: &str, a: &str, la: usize, b: &str, lb: usize) {
    assert!(la == lb, "{op}: {a} has {la} elements but {b} has {lb}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(x) = (x₀x₁, x₀ + x₁ + x₂): J = [[x₁, x₀, 0], [1, 1, 1]].
    fn jvp(x: &[f64], v: &[f64]) -> Vec<f64> {
        vec![x[1] * v[0] + x[0] * v[1], v[0] + v[1] + v[2]]
    }

    fn vjp(x: &[f64], s: &[f64]) -> Vec<f64> {
        vec![x[1] * s[0] + s[1], x[0] * s[0] + s[1], s[1]]
    }

    fn jvp_lanes<const N: usize>(x: &[f64], v: &[Lanes<f64, N>]) -> Vec<Lanes<f64, N>> {
        vec![v[0] * x[1] + v[1] * x[0], v[0] + v[1] + v[2]]
    }

    #[test]
    fn lanes_give_the_columns_whatever_their_number() {
        let x = [2.0, 3.0, 5.0];
        let expected = vec![vec![3.0, 2.0, 0.0], vec![1.0, 1.0, 1.0]];
        assert_eq!(jacobian_fwd_lanes::<_, 1>(&x, 2, jvp_lanes), expected);
        assert_eq!(jacobian_fwd_lanes::<_, 2>(&x, 2, jvp_lanes), expected);
        assert_eq!(jacobian_fwd_lanes::<_, 3>(&x, 2, jvp_lanes), expected);
        assert_eq!(jacobian_fwd_lanes::<_, 8>(&x, 2, jvp_lanes), expected);
        let mut sweeps = 0;
        jacobian_fwd_lanes::<_, 2>(&x, 2, |x, v| {
            sweeps += 1;
            jvp_lanes(x, v)
        });
        assert_eq!(sweeps, 2);
    }

    #[test]
    #[should_panic(expected = "jacobian_fwd_lanes: the jvp's value has 1 elements but m has 2")]
    fn lanes_of_the_wrong_length_panic() {
        jacobian_fwd_lanes::<_, 2>(&[1.0], 2, |_, v| vec![v[0]]);
    }

    #[test]
    fn both_modes_agree_and_the_cheaper_one_is_used() {
        let x = [2.0, 3.0, 5.0];
        let expected = vec![vec![3.0, 2.0, 0.0], vec![1.0, 1.0, 1.0]];
        assert_eq!(jacobian_fwd(&x, 2, jvp), expected);
        assert_eq!(jacobian_rev(&x, 2, vjp), expected);
        // n = 3 > m = 2: two reverse sweeps, no forward one.
        let (mut forward, mut reverse) = (0, 0);
        let j = jacobian(
            &x,
            2,
            |x, v| {
                forward += 1;
                jvp(x, v)
            },
            |x, s| {
                reverse += 1;
                vjp(x, s)
            },
        );
        assert_eq!((j, forward, reverse), (expected, 0, 2));
    }

    #[test]
    fn hessian_of_a_quadratic() {
        // f = x₀² x₁ + 3 x₁²: H = [[2x₁, 2x₀], [2x₀, 6]].
        let hvp = |x: &[f64], v: &[f64]| {
            vec![
                2.0 * x[1] * v[0] + 2.0 * x[0] * v[1],
                2.0 * x[0] * v[0] + 6.0 * v[1],
            ]
        };
        assert_eq!(
            hessian(&[1.5, -2.0], hvp),
            vec![vec![-4.0, 3.0], vec![3.0, 6.0]]
        );
    }

    #[test]
    #[should_panic(expected = "hessian: the hvp's value has 1 elements but x has 2")]
    fn wrong_lengths_are_named() {
        hessian(&[1.0, 2.0], |_, _| vec![0.0]);
    }
}
