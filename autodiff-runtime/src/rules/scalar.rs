//! Rules for scalar primitives: arithmetic and the methods of [`Float`].
//!
//! Notation in the docs: `y` is the primal output (the `out` argument), `ȳ`
//! the output cotangent (`seed`), `x̄`, `ā`, … the returned input cotangents.
//! Each rule multiplies the seed by the local derivative, so a NaN or
//! infinite seed propagates, except where a rule routes the seed by selection
//! ([`max`], [`min`]), where the unselected input gets an exact zero.

use num_traits::Float;

use crate::consts::{ln_10, ln_2, two};

/// Addition.
///
/// `y = a + b  ⇒  ā = ȳ,  b̄ = ȳ`
///
/// Domain: all of ℝ².
#[inline]
pub fn add<F: Float>(seed: F) -> (F, F) {
    (seed, seed)
}

/// Subtraction.
///
/// `y = a − b  ⇒  ā = ȳ,  b̄ = −ȳ`
///
/// Domain: all of ℝ².
#[inline]
pub fn sub<F: Float>(seed: F) -> (F, F) {
    (seed, -seed)
}

/// Negation.
///
/// `y = −x  ⇒  x̄ = −ȳ`
///
/// Domain: all of ℝ.
#[inline]
pub fn neg<F: Float>(seed: F) -> F {
    -seed
}

/// Multiplication.
///
/// `y = a·b  ⇒  ā = ȳ·b,  b̄ = ȳ·a`
///
/// Domain: all of ℝ².
#[inline]
pub fn mul<F: Float>(a: F, b: F, seed: F) -> (F, F) {
    (seed * b, seed * a)
}

/// Division; takes the divisor `b` and the primal output `out = a/b`.
///
/// `y = a/b  ⇒  ā = ȳ/b,  b̄ = −ȳ·y/b`
///
/// Domain: `b ≠ 0` (at `b = 0` the result is infinite or NaN).
#[inline]
pub fn div<F: Float>(b: F, out: F, seed: F) -> (F, F) {
    let a_bar = seed / b;
    (a_bar, -(a_bar * out))
}

/// Natural exponential; takes the primal output `out = eˣ`.
///
/// `y = eˣ  ⇒  x̄ = ȳ·y`
///
/// Domain: all of ℝ.
#[inline]
pub fn exp<F: Float>(out: F, seed: F) -> F {
    seed * out
}

/// Base-2 exponential; takes the primal output `out = 2ˣ`.
///
/// `y = 2ˣ  ⇒  x̄ = ȳ·y·ln 2`
///
/// Domain: all of ℝ.
#[inline]
pub fn exp2<F: Float>(out: F, seed: F) -> F {
    seed * (out * ln_2())
}

/// `eˣ − 1`; takes the primal output `out = eˣ − 1`.
///
/// `y = eˣ − 1  ⇒  x̄ = ȳ·(y + 1)`
///
/// Domain: all of ℝ.
#[inline]
pub fn exp_m1<F: Float>(out: F, seed: F) -> F {
    seed * (out + F::one())
}

/// Natural logarithm.
///
/// `y = ln x  ⇒  x̄ = ȳ/x`
///
/// Domain: `x > 0`.
#[inline]
pub fn ln<F: Float>(x: F, seed: F) -> F {
    seed / x
}

/// Base-10 logarithm.
///
/// `y = log₁₀ x  ⇒  x̄ = ȳ/(x·ln 10)`
///
/// Domain: `x > 0`.
#[inline]
pub fn log10<F: Float>(x: F, seed: F) -> F {
    seed / (x * ln_10())
}

/// Base-2 logarithm.
///
/// `y = log₂ x  ⇒  x̄ = ȳ/(x·ln 2)`
///
/// Domain: `x > 0`.
#[inline]
pub fn log2<F: Float>(x: F, seed: F) -> F {
    seed / (x * ln_2())
}

/// `ln(1 + x)`.
///
/// `y = ln(1 + x)  ⇒  x̄ = ȳ/(1 + x)`
///
/// Domain: `x > −1`.
#[inline]
pub fn ln_1p<F: Float>(x: F, seed: F) -> F {
    seed / (F::one() + x)
}

/// Logarithm to an arbitrary base, `x.log(base)`; both arguments are
/// differentiable.
///
/// `y = log_b x = ln x / ln b  ⇒  x̄ = ȳ/(x·ln b),  b̄ = −ȳ·ln x/(b·(ln b)²)`
///
/// Domain: `x > 0`, `b > 0`, `b ≠ 1`.
#[inline]
pub fn log<F: Float>(x: F, base: F, seed: F) -> (F, F) {
    let ln_b = base.ln();
    let x_bar = seed / (x * ln_b);
    let base_bar = -(seed * (x.ln() / ln_b)) / (base * ln_b);
    (x_bar, base_bar)
}

/// Square root; takes the primal output `out = √x`.
///
/// `y = √x  ⇒  x̄ = ȳ/(2y)`
///
/// Domain: `x > 0` (at `x = 0` the derivative is infinite: `ȳ/0`).
#[inline]
pub fn sqrt<F: Float>(out: F, seed: F) -> F {
    seed / (two::<F>() * out)
}

/// Cube root; takes the primal output `out = ∛x`.
///
/// `y = ∛x  ⇒  x̄ = ȳ/(3y²)`
///
/// Domain: `x ≠ 0` (at `x = 0` the derivative is infinite).
#[inline]
pub fn cbrt<F: Float>(out: F, seed: F) -> F {
    seed / ((two::<F>() + F::one()) * (out * out))
}

/// Reciprocal; takes the primal output `out = 1/x`.
///
/// `y = 1/x  ⇒  x̄ = −ȳ·y²`
///
/// Domain: `x ≠ 0`.
#[inline]
pub fn recip<F: Float>(out: F, seed: F) -> F {
    -(seed * (out * out))
}

/// Integer power, `x.powi(n)`; the exponent is not differentiable.
///
/// `y = xⁿ  ⇒  x̄ = ȳ·n·xⁿ⁻¹`
///
/// Domain: all of ℝ for `n ≥ 0`, `x ≠ 0` for `n < 0`.
///
/// Convention: for `n = 0` the function is the constant 1 and the local
/// derivative is exactly 0, so `x̄ = ȳ·0` — zero for any finite seed, never NaN
/// (no `0·0⁻¹` at `x = 0`). `n = i32::MIN` is handled without overflow.
#[inline]
pub fn powi<F: Float>(x: F, n: i32, seed: F) -> F {
    if n == 0 {
        return seed * F::zero();
    }
    // Every float type represents every i32 (possibly rounded); the NaN
    // fallback only exists so that this never panics.
    let n_f = F::from(n).unwrap_or_else(F::nan);
    let x_pow = match n.checked_sub(1) {
        Some(m) => x.powi(m),
        None => x.powi(n) / x,
    };
    seed * (n_f * x_pow)
}

/// Real power, `x.powf(p)`; base and exponent are both differentiable. Takes
/// the primal output `out = xᵖ`.
///
/// `y = xᵖ  ⇒  x̄ = ȳ·p·xᵖ⁻¹,  p̄ = ȳ·y·ln x`
///
/// Domain: `x > 0` (for `x < 0` with integral `p`, `x̄` is still right but
/// `p̄` is NaN, as the power is not real-valued near such `p`).
///
/// Conventions, never producing NaN from `0·∞`:
/// - `p = 0` (constant 1): the local derivative `x̄/ȳ` is exactly 0, also at
///   `x = 0`.
/// - `y = 0` (`x = 0` with `p > 0`, or underflow): `p̄ = ȳ·0`, the limit of
///   `y·ln x` as `x → 0⁺`; `ln 0 = −∞` is never multiplied by 0.
#[inline]
pub fn powf<F: Float>(x: F, p: F, out: F, seed: F) -> (F, F) {
    let dx = if p == F::zero() {
        F::zero()
    } else {
        p * x.powf(p - F::one())
    };
    let dp = if out == F::zero() {
        F::zero()
    } else {
        out * x.ln()
    };
    (seed * dx, seed * dp)
}

/// Sine.
///
/// `y = sin x  ⇒  x̄ = ȳ·cos x`
///
/// Domain: all of ℝ.
#[inline]
pub fn sin<F: Float>(x: F, seed: F) -> F {
    seed * x.cos()
}

/// Cosine.
///
/// `y = cos x  ⇒  x̄ = −ȳ·sin x`
///
/// Domain: all of ℝ.
#[inline]
pub fn cos<F: Float>(x: F, seed: F) -> F {
    -(seed * x.sin())
}

/// Tangent; takes the primal output `out = tan x`.
///
/// `y = tan x  ⇒  x̄ = ȳ·(1 + y²)`
///
/// Domain: `x ≠ π/2 + kπ`.
#[inline]
pub fn tan<F: Float>(out: F, seed: F) -> F {
    seed * (F::one() + out * out)
}

/// Arcsine.
///
/// `y = asin x  ⇒  x̄ = ȳ/√(1 − x²)`
///
/// Domain: `−1 < x < 1`.
#[inline]
pub fn asin<F: Float>(x: F, seed: F) -> F {
    seed / ((F::one() - x) * (F::one() + x)).sqrt()
}

/// Arccosine.
///
/// `y = acos x  ⇒  x̄ = −ȳ/√(1 − x²)`
///
/// Domain: `−1 < x < 1`.
#[inline]
pub fn acos<F: Float>(x: F, seed: F) -> F {
    -(seed / ((F::one() - x) * (F::one() + x)).sqrt())
}

/// Arctangent.
///
/// `y = atan x  ⇒  x̄ = ȳ/(1 + x²)`
///
/// Domain: all of ℝ.
#[inline]
pub fn atan<F: Float>(x: F, seed: F) -> F {
    seed / (F::one() + x * x)
}

/// Two-argument arctangent, `y.atan2(x)` (the angle of the point `(x, y)`).
/// Returns the cotangents in argument order: `(ȳ_y, x̄)`.
///
/// `θ = atan2(y, x)  ⇒  ∂θ/∂y = x/(x² + y²),  ∂θ/∂x = −y/(x² + y²)`,
/// each multiplied by the seed `θ̄`. The radius is computed with `hypot`, so
/// large arguments do not overflow.
///
/// Domain: `(x, y) ≠ (0, 0)` (at the origin both cotangents are NaN). The
/// branch cut at `x < 0, y = 0` is a jump of the value only; the derivative
/// is continuous there.
#[inline]
pub fn atan2<F: Float>(y: F, x: F, seed: F) -> (F, F) {
    let r = x.hypot(y);
    let y_bar = seed * ((x / r) / r);
    let x_bar = -(seed * ((y / r) / r));
    (y_bar, x_bar)
}

/// Hyperbolic sine.
///
/// `y = sinh x  ⇒  x̄ = ȳ·cosh x`
///
/// Domain: all of ℝ.
#[inline]
pub fn sinh<F: Float>(x: F, seed: F) -> F {
    seed * x.cosh()
}

/// Hyperbolic cosine.
///
/// `y = cosh x  ⇒  x̄ = ȳ·sinh x`
///
/// Domain: all of ℝ.
#[inline]
pub fn cosh<F: Float>(x: F, seed: F) -> F {
    seed * x.sinh()
}

/// Hyperbolic tangent; takes the primal output `out = tanh x`.
///
/// `y = tanh x  ⇒  x̄ = ȳ·(1 − y²)`
///
/// Domain: all of ℝ.
#[inline]
pub fn tanh<F: Float>(out: F, seed: F) -> F {
    seed * ((F::one() - out) * (F::one() + out))
}

/// Inverse hyperbolic sine.
///
/// `y = asinh x  ⇒  x̄ = ȳ/√(x² + 1)` (computed as `hypot(x, 1)`, no
/// overflow for large `x`)
///
/// Domain: all of ℝ.
#[inline]
pub fn asinh<F: Float>(x: F, seed: F) -> F {
    seed / x.hypot(F::one())
}

/// Inverse hyperbolic cosine.
///
/// `y = acosh x  ⇒  x̄ = ȳ/√(x² − 1)` (computed as `√(x − 1)·√(x + 1)`)
///
/// Domain: `x > 1`.
#[inline]
pub fn acosh<F: Float>(x: F, seed: F) -> F {
    seed / ((x - F::one()).sqrt() * (x + F::one()).sqrt())
}

/// Inverse hyperbolic tangent.
///
/// `y = atanh x  ⇒  x̄ = ȳ/(1 − x²)`
///
/// Domain: `−1 < x < 1`.
#[inline]
pub fn atanh<F: Float>(x: F, seed: F) -> F {
    seed / ((F::one() - x) * (F::one() + x))
}

/// Absolute value.
///
/// `y = |x|  ⇒  x̄ = ȳ·sign x`
///
/// Domain: `x ≠ 0`. At `x = 0` (either signed zero) the local derivative is
/// taken to be 0, the subgradient PyTorch and JAX pick, so `x̄ = ȳ·0`.
/// A NaN `x` gives a NaN cotangent.
#[inline]
pub fn abs<F: Float>(x: F, seed: F) -> F {
    let sign = if x > F::zero() {
        F::one()
    } else if x < F::zero() {
        -F::one()
    } else if x == F::zero() {
        F::zero()
    } else {
        x // NaN
    };
    seed * sign
}

/// Maximum, `a.max(b)`. Returns `(ā, b̄)`.
///
/// `y = max(a, b)  ⇒`  the seed goes to the argument `F::max` returned, the
/// other cotangent is exactly 0.
///
/// Domain: `a ≠ b`. Conventions:
/// - tie (`a == b`, including `0.0` vs `−0.0`): the seed is split half and
///   half, `(ȳ/2, ȳ/2)`, as JAX and PyTorch do;
/// - one argument NaN: `F::max` returns the other one, so the whole seed goes
///   to the other one and the NaN argument gets 0;
/// - both NaN: the result is NaN and so are both cotangents.
#[inline]
pub fn max<F: Float>(a: F, b: F, seed: F) -> (F, F) {
    select(a > b, b > a, a, b, seed)
}

/// Minimum, `a.min(b)`. Returns `(ā, b̄)`.
///
/// `y = min(a, b)  ⇒`  the seed goes to the argument `F::min` returned, the
/// other cotangent is exactly 0.
///
/// Domain: `a ≠ b`. Conventions:
/// - tie (`a == b`, including `0.0` vs `−0.0`): the seed is split half and
///   half, `(ȳ/2, ȳ/2)`, as JAX and PyTorch do;
/// - one argument NaN: `F::min` returns the other one, so the whole seed goes
///   to the other one and the NaN argument gets 0;
/// - both NaN: the result is NaN and so are both cotangents.
#[inline]
pub fn min<F: Float>(a: F, b: F, seed: F) -> (F, F) {
    select(a < b, b < a, a, b, seed)
}

/// Shared routing of [`max`] and [`min`]: `a_wins`/`b_wins` are the strict
/// comparisons (both false on a tie or when a NaN is involved).
#[inline]
fn select<F: Float>(a_wins: bool, b_wins: bool, a: F, b: F, seed: F) -> (F, F) {
    if a_wins || (b.is_nan() && !a.is_nan()) {
        (seed, F::zero())
    } else if b_wins || (a.is_nan() && !b.is_nan()) {
        (F::zero(), seed)
    } else if a == b {
        let half = seed / two();
        (half, half)
    } else {
        (F::nan(), F::nan())
    }
}

/// Euclidean norm of two values, `a.hypot(b)`; takes the primal output
/// `out = √(a² + b²)`.
///
/// `y = √(a² + b²)  ⇒  ā = ȳ·a/y,  b̄ = ȳ·b/y`
///
/// Domain: `(a, b) ≠ (0, 0)`. At the origin (`y = 0`) the local derivatives
/// are taken to be 0, the minimum-norm subgradient, consistent with [`abs`]
/// (`hypot(a, 0) = |a|`).
#[inline]
pub fn hypot<F: Float>(a: F, b: F, out: F, seed: F) -> (F, F) {
    if out == F::zero() {
        let zero = seed * F::zero();
        (zero, zero)
    } else {
        (seed * (a / out), seed * (b / out))
    }
}

/// Fused multiply–add, `a.mul_add(b, c)`. Returns `(ā, b̄, c̄)`.
///
/// `y = a·b + c  ⇒  ā = ȳ·b,  b̄ = ȳ·a,  c̄ = ȳ`
///
/// Domain: all of ℝ³.
#[inline]
pub fn mul_add<F: Float>(a: F, b: F, seed: F) -> (F, F, F) {
    (seed * b, seed * a, seed)
}

/// Radians to degrees, `x.to_degrees()`.
///
/// `y = x·180/π  ⇒  x̄ = ȳ·180/π` (computed as `ȳ.to_degrees()`, the same
/// scaling as the primal)
///
/// Domain: all of ℝ.
#[inline]
pub fn to_degrees<F: Float>(seed: F) -> F {
    seed.to_degrees()
}

/// Degrees to radians, `x.to_radians()`.
///
/// `y = x·π/180  ⇒  x̄ = ȳ·π/180` (computed as `ȳ.to_radians()`, the same
/// scaling as the primal)
///
/// Domain: all of ℝ.
#[inline]
pub fn to_radians<F: Float>(seed: F) -> F {
    seed.to_radians()
}
