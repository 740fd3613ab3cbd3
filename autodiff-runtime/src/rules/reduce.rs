//! Rules for slice primitives: reductions and the softmax.
//!
//! Notation in the docs: `v`, `a`, `b` are the primal input slices, `y` the
//! primal output (the `out` argument), `ȳ` the output cotangent (`seed`),
//! `v̄`, `ā`, `b̄` the cotangent buffers the rule adds into (`dv`, `da`,
//! `db`), `n` the length of the slices. `v̄ += …` means element by element.
//!
//! Calling convention for slices (see the [module documentation](super)):
//! one `Option<&mut [F]>` per slice input, after the seed, into which the
//! rule *adds* that input's cotangent; `None` skips the work for that input.
//! Every rule checks that the slices it is given — inputs and `Some`
//! buffers — have the same length, and panics (at the caller's location)
//! naming the rule and both lengths if they do not; that is the only panic.

use num_traits::Float;

use crate::primal::{check_len, len_as};

/// Dot product.
///
/// `y = Σᵢ aᵢ·bᵢ  ⇒  ā += ȳ·b,  b̄ += ȳ·a`
///
/// Domain: all of ℝⁿ × ℝⁿ.
///
/// # Panics
/// If `a`, `b` and the `Some` buffers do not all have the same length.
#[inline]
#[track_caller]
pub fn dot<F: Float>(a: &[F], b: &[F], seed: F, da: Option<&mut [F]>, db: Option<&mut [F]>) {
    check_len("rules::dot", "a", a.len(), "b", b.len());
    if let Some(da) = da {
        check_len("rules::dot", "a", a.len(), "da", da.len());
        add_scaled(da, seed, b);
    }
    if let Some(db) = db {
        check_len("rules::dot", "b", b.len(), "db", db.len());
        add_scaled(db, seed, a);
    }
}

/// Sum of the elements; needs no primal value.
///
/// `y = Σᵢ vᵢ  ⇒  v̄ᵢ += ȳ`
///
/// Domain: all of ℝⁿ.
#[inline]
pub fn sum<F: Float>(seed: F, dv: Option<&mut [F]>) {
    if let Some(dv) = dv {
        add_constant(dv, seed);
    }
}

/// Arithmetic mean; needs no primal value (`n` is the length of `dv`).
///
/// `y = (Σᵢ vᵢ)/n  ⇒  v̄ᵢ += ȳ/n`
///
/// Domain: `n ≥ 1` (for `n = 0` there is nothing to add to).
#[inline]
pub fn mean<F: Float>(seed: F, dv: Option<&mut [F]>) {
    if let Some(dv) = dv {
        let share = seed / len_as::<F>(dv.len());
        add_constant(dv, share);
    }
}

/// Euclidean norm; takes the primal output `out = ‖v‖`.
///
/// `y = √(Σᵢ vᵢ²)  ⇒  v̄ += ȳ·v/y`
///
/// Domain: `v ≠ 0`. At `v = 0` (`y = 0`, including the empty slice) the local
/// derivative is taken to be 0, the minimum-norm subgradient PyTorch picks,
/// so `v̄ᵢ += ȳ·0`, consistent with [`abs`](super::abs) and
/// [`hypot`](super::hypot). Each term is computed as `ȳ·(vᵢ/y)`, so large
/// norms do not overflow.
///
/// # Panics
/// If `dv` is `Some` and its length differs from that of `v`.
#[inline]
#[track_caller]
pub fn norm<F: Float>(v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    let Some(dv) = dv else { return };
    check_len("rules::norm", "v", v.len(), "dv", dv.len());
    if out == F::zero() {
        add_constant(dv, seed * F::zero());
    } else {
        for (acc, &x) in dv.iter_mut().zip(v) {
            *acc = *acc + seed * (x / out);
        }
    }
}

/// Squared Euclidean norm.
///
/// `y = Σᵢ vᵢ²  ⇒  v̄ += 2ȳ·v`
///
/// Domain: all of ℝⁿ.
///
/// # Panics
/// If `dv` is `Some` and its length differs from that of `v`.
#[inline]
#[track_caller]
pub fn norm_squared<F: Float>(v: &[F], seed: F, dv: Option<&mut [F]>) {
    let Some(dv) = dv else { return };
    check_len("rules::norm_squared", "v", v.len(), "dv", dv.len());
    add_scaled(dv, seed + seed, v);
}

/// Log-sum-exp; takes the primal output `out = ln Σⱼ e^vⱼ`.
///
/// `y = ln Σⱼ e^vⱼ  ⇒  v̄ᵢ += ȳ·e^(vᵢ − y)` (`ȳ` times the softmax of `v`;
/// every exponent is ≤ 0, so nothing overflows on large inputs)
///
/// Domain: all of ℝⁿ, `n ≥ 1`. Conventions at infinite outputs:
/// - `y = −∞` (every element is −∞): the local derivatives are taken to be 0,
///   so `v̄ᵢ += ȳ·0`, not the NaN of `e^(−∞ + ∞)`. −∞ is the zero of the
///   log semiring and this keeps it absorbing in gradients (PyTorch and JAX
///   return NaN here; both projects have open requests for 0);
/// - `y = +∞` (an element is +∞): finite elements get `ȳ·0`, the +∞ ones
///   NaN.
///
/// # Panics
/// If `dv` is `Some` and its length differs from that of `v`.
#[inline]
#[track_caller]
pub fn logsumexp<F: Float>(v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    let Some(dv) = dv else { return };
    check_len("rules::logsumexp", "v", v.len(), "dv", dv.len());
    if out == F::neg_infinity() {
        add_constant(dv, seed * F::zero());
    } else {
        for (acc, &x) in dv.iter_mut().zip(v) {
            *acc = *acc + seed * (x - out).exp();
        }
    }
}

/// Softmax; takes the primal output vector `out = softmax(v)` and, as `seed`,
/// the cotangent of that whole vector.
///
/// `yᵢ = e^vᵢ / Σⱼ e^vⱼ  ⇒  v̄ += y ⊙ (ȳ − ⟨ȳ, y⟩)`
///
/// Domain: all of ℝⁿ. Where the primal is NaN (an element NaN or +∞, or all
/// −∞) the cotangents are NaN.
///
/// # Panics
/// If `out`, `seed` and `dv` (when `Some`) do not all have the same length.
#[inline]
#[track_caller]
pub fn softmax<F: Float>(out: &[F], seed: &[F], dv: Option<&mut [F]>) {
    check_len("rules::softmax", "out", out.len(), "seed", seed.len());
    let Some(dv) = dv else { return };
    check_len("rules::softmax", "out", out.len(), "dv", dv.len());
    let inner = out
        .iter()
        .zip(seed)
        .fold(F::zero(), |acc, (&y, &s)| acc + y * s);
    for ((acc, &y), &s) in dv.iter_mut().zip(out).zip(seed) {
        *acc = *acc + y * (s - inner);
    }
}

/// Largest element; takes the primal output `out = max_of(v)`.
///
/// `y = maxᵢ vᵢ  ⇒`  the seed goes to the elements equal to `y`; the others
/// get nothing (an exact 0, even for a NaN seed).
///
/// Domain: `v` with a unique largest element. Conventions:
/// - ties (`k` elements equal to `y`, including `0.0` vs `−0.0`): the seed is
///   split equally, `v̄ᵢ += ȳ/k` for each of them, as JAX does (and as
///   [`max`](super::max) does for two arguments);
/// - `y` NaN (an element is NaN): every `v̄ᵢ` becomes NaN;
/// - an empty slice has nothing to add to.
///
/// # Panics
/// If `dv` is `Some` and its length differs from that of `v`.
#[inline]
#[track_caller]
pub fn max_of<F: Float>(v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    route_to_extremum("rules::max_of", v, out, seed, dv);
}

/// Smallest element; takes the primal output `out = min_of(v)`.
///
/// `y = minᵢ vᵢ  ⇒`  the seed goes to the elements equal to `y`; the others
/// get nothing (an exact 0, even for a NaN seed).
///
/// Domain: `v` with a unique smallest element. Conventions:
/// - ties (`k` elements equal to `y`, including `0.0` vs `−0.0`): the seed is
///   split equally, `v̄ᵢ += ȳ/k` for each of them, as JAX does (and as
///   [`min`](super::min) does for two arguments);
/// - `y` NaN (an element is NaN): every `v̄ᵢ` becomes NaN;
/// - an empty slice has nothing to add to.
///
/// # Panics
/// If `dv` is `Some` and its length differs from that of `v`.
#[inline]
#[track_caller]
pub fn min_of<F: Float>(v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    route_to_extremum("rules::min_of", v, out, seed, dv);
}

/// The running maximum; takes the primal output `out = fold_max(v)`.
///
/// `y = F::max` folded over `v`  `⇒`  the seed goes to the elements equal to `y`, as
/// [`max_of`]: split equally among ties (the loop `m = m.max(x)` would halve it at each tie
/// instead; at a tie the derivative is not defined, and this is JAX's convention).
///
/// `F::max` passes over NaN, so NaN elements get nothing; `y` NaN (`v` empty, or every
/// element NaN) gets nothing either: `m.max(y)` then gives the whole seed to `m`.
///
/// # Panics
/// If `dv` is `Some` and its length differs from that of `v`.
#[inline]
#[track_caller]
pub fn fold_max<F: Float>(v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    route_to_fold("rules::fold_max", v, out, seed, dv);
}

/// The running minimum; takes the primal output `out = fold_min(v)`; as [`fold_max`].
///
/// # Panics
/// If `dv` is `Some` and its length differs from that of `v`.
#[inline]
#[track_caller]
pub fn fold_min<F: Float>(v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    route_to_fold("rules::fold_min", v, out, seed, dv);
}

/// [`route_to_extremum`] for a fold, where a NaN result comes from no element.
#[inline]
#[track_caller]
fn route_to_fold<F: Float>(op: &str, v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    if out.is_nan() {
        if let Some(dv) = &dv {
            check_len(op, "v", v.len(), "dv", dv.len());
        }
        return;
    }
    route_to_extremum(op, v, out, seed, dv);
}

/// Shared routing of [`max_of`] and [`min_of`]: the seed is split among the
/// elements equal to `out`.
#[inline]
#[track_caller]
fn route_to_extremum<F: Float>(op: &str, v: &[F], out: F, seed: F, dv: Option<&mut [F]>) {
    let Some(dv) = dv else { return };
    check_len(op, "v", v.len(), "dv", dv.len());
    if out.is_nan() {
        add_constant(dv, F::nan());
        return;
    }
    // One pass finds the ties, remembering the first few; a second one only for more.
    const FEW: usize = 4;
    let mut first = [0; FEW];
    let mut ties = 0;
    for (i, &x) in v.iter().enumerate() {
        if x == out {
            if ties < FEW {
                first[ties] = i;
            }
            ties += 1;
        }
    }
    if ties == 0 {
        return;
    }
    let share = seed / len_as::<F>(ties);
    if ties <= FEW {
        for &i in &first[..ties] {
            dv[i] = dv[i] + share;
        }
        return;
    }
    for (acc, &x) in dv.iter_mut().zip(v) {
        if x == out {
            *acc = *acc + share;
        }
    }
}

/// `acc += c` for every element.
#[inline]
fn add_constant<F: Float>(acc: &mut [F], c: F) {
    for a in acc {
        *a = *a + c;
    }
}

/// `acc += c·x`, element by element (same lengths, checked by the caller).
#[inline]
fn add_scaled<F: Float>(acc: &mut [F], c: F, x: &[F]) {
    for (a, &xi) in acc.iter_mut().zip(x) {
        *a = *a + c * xi;
    }
}
