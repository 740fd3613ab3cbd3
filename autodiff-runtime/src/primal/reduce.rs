//! Primal slice primitives: reductions and the softmax.
//!
//! Like the scalar primal functions they never panic on values: NaN and
//! infinity propagate. The only runtime error is a length mismatch between
//! two slices, reported at the caller's location.

use num_traits::Float;

/// Dot product `Σᵢ aᵢ·bᵢ` (0 for empty slices).
///
/// # Panics
/// If `a` and `b` have different lengths.
#[inline]
#[track_caller]
pub fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    check_len("dot", "a", a.len(), "b", b.len());
    a.iter().zip(b).fold(F::zero(), |acc, (&x, &y)| acc + x * y)
}

/// Sum `Σᵢ vᵢ` (0 for an empty slice).
#[inline]
pub fn sum<F: Float>(v: &[F]) -> F {
    v.iter().fold(F::zero(), |acc, &x| acc + x)
}

/// Arithmetic mean `(Σᵢ vᵢ)/n` (NaN for an empty slice, like `0/0`).
#[inline]
pub fn mean<F: Float>(v: &[F]) -> F {
    sum(v) / len_as::<F>(v.len())
}

/// Euclidean norm `‖v‖ = √(Σᵢ vᵢ²)` (0 for an empty slice), rescaled so that
/// it neither overflows nor underflows where the result is representable.
#[inline]
pub fn norm<F: Float>(v: &[F]) -> F {
    let s = norm_squared(v);
    if s.is_nan() || (s.is_finite() && s >= F::min_positive_value()) {
        return s.sqrt();
    }
    // Σᵢ vᵢ² overflowed or underflowed: divide by the largest magnitude.
    let scale = v.iter().fold(F::zero(), |m, &x| m.max(x.abs()));
    if scale == F::zero() || scale.is_infinite() {
        return scale;
    }
    let t = v.iter().fold(F::zero(), |acc, &x| {
        let y = x / scale;
        acc + y * y
    });
    scale * t.sqrt()
}

/// Squared Euclidean norm `‖v‖² = Σᵢ vᵢ²` (0 for an empty slice).
#[inline]
pub fn norm_squared<F: Float>(v: &[F]) -> F {
    v.iter().fold(F::zero(), |acc, &x| acc + x * x)
}

/// Log-sum-exp `ln Σᵢ e^vᵢ`, computed stably as `m + ln Σᵢ e^(vᵢ − m)` with
/// `m = max_of(v)`: −∞ for an empty slice or when every element is −∞, +∞
/// when an element is +∞, NaN when an element is NaN.
#[inline]
pub fn logsumexp<F: Float>(v: &[F]) -> F {
    let m = max_of(v);
    if !m.is_finite() {
        return m;
    }
    m + v.iter().fold(F::zero(), |acc, &x| acc + (x - m).exp()).ln()
}

/// Softmax `e^vᵢ / Σⱼ e^vⱼ`, computed stably from `e^(vᵢ − m)` with
/// `m = max_of(v)` (all NaN when an element is NaN or +∞, or when every
/// element is −∞; empty for an empty slice).
#[inline]
pub fn softmax<F: Float>(v: &[F]) -> Vec<F> {
    let m = max_of(v);
    let mut out: Vec<F> = v.iter().map(|&x| (x - m).exp()).collect();
    let total = sum(&out);
    for y in &mut out {
        *y = *y / total;
    }
    out
}

/// Largest element `maxᵢ vᵢ` (NaN if an element is NaN, −∞ for an empty
/// slice).
#[inline]
pub fn max_of<F: Float>(v: &[F]) -> F {
    extremum(v, F::neg_infinity(), |x, best| x > best)
}

/// Smallest element `minᵢ vᵢ` (NaN if an element is NaN, +∞ for an empty
/// slice).
#[inline]
pub fn min_of<F: Float>(v: &[F]) -> F {
    extremum(v, F::infinity(), |x, best| x < best)
}

/// The running maximum of the loop `for &x in v { m = m.max(x) }` started from NaN:
/// `F::max` folded over `v`, which passes over NaN elements (NaN when `v` is empty or every
/// element is NaN). `#[differentiable]` differentiates such a loop as `m.max(fold_max(v))`,
/// which has the loop's value for every start `m`.
#[inline]
pub fn fold_max<F: Float>(v: &[F]) -> F {
    v.iter().fold(F::nan(), |m, &x| m.max(x))
}

/// The running minimum, as [`fold_max`]: `F::min` folded over `v` from NaN.
#[inline]
pub fn fold_min<F: Float>(v: &[F]) -> F {
    v.iter().fold(F::nan(), |m, &x| m.min(x))
}

/// The first element that `better` prefers to all others, or the first NaN.
#[inline]
fn extremum<F: Float>(v: &[F], empty: F, better: impl Fn(F, F) -> bool) -> F {
    let mut best = empty;
    for &x in v {
        if x.is_nan() {
            return x;
        }
        if better(x, best) {
            best = x;
        }
    }
    best
}

/// `n` as a float (every float type represents every slice length, possibly
/// rounded; the NaN fallback only exists so that this never panics).
#[inline]
pub(crate) fn len_as<F: Float>(n: usize) -> F {
    F::from(n).unwrap_or_else(F::nan)
}

/// Panics unless two slices an operation combines have the same length.
#[inline]
#[track_caller]
pub(crate) fn check_len(op: &str, a: &str, a_len: usize, b: &str, b_len: usize) {
    if a_len != b_len {
        length_mismatch(op, a, a_len, b, b_len);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn length_mismatch(op: &str, a: &str, a_len: usize, b: &str, b_len: usize) -> ! {
    panic!("{op}: the slices have different lengths ({a}: {a_len}, {b}: {b_len})")
}
