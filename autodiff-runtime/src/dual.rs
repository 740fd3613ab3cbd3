//! Forward-mode dual numbers: an independent check of reverse-mode gradients.
//!
//! See [`Dual`].

use core::cmp::Ordering;
use core::iter::{Product, Sum};
use core::num::FpCategory;
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::{Float, FloatConst, Num, NumCast, One, ToPrimitive, Zero};

/// A forward-mode dual number `value + tangent·ε` (with `ε² = 0`): a primal
/// `value` and a `tangent`, the derivative of that value along one direction
/// of the inputs. Every operation computes its
/// value exactly as `F` does and pushes the tangent forward with the chain
/// rule, `ẏ = f′(x)·ẋ` (for several inputs, `ẏ = Σᵢ ∂f/∂xᵢ·ẋᵢ`).
///
/// `Dual<F>` implements [`Float`] whenever `F` does, so a function written
/// generically over `T: Float` can be evaluated at duals. Seeding the inputs
/// with tangents `v` gives the directional derivative `∇f·v`; seeding input
/// `i` alone ([`Dual::variable`] there, [`Dual::constant`] elsewhere) gives
/// component `i` of the gradient, which must equal what the reverse sweep
/// computes. The derivatives are worked out here on their own: nothing in
/// `Dual` calls [`rules`](crate::rules), so a rule and its dual would have to
/// be wrong in the same way for a mistake to go unnoticed.
///
/// The arithmetic operators work between duals, with a plain `F` on the right
/// (`x * 2.0`, the float being a constant), with an `f32` or `f64` on the
/// left (`2.0 * x`), and in their assignment forms (`x += y`, `x *= 2.0`).
/// [`Sum`] and [`Product`] fold iterators of duals; [`FloatConst`] gives the
/// constants of `F` as constants.
///
/// ```
/// use autodiff_runtime::{rules, Dual, Float};
///
/// fn f<T: Float>(a: T, b: T) -> T {
///     a * b + a.sin()
/// }
///
/// let (a, b) = (2.0_f64, 3.0);
/// // one forward evaluation per input direction
/// let da = f(Dual::variable(a), Dual::constant(b)).tangent;
/// let db = f(Dual::constant(a), Dual::variable(b)).tangent;
/// // the reverse sweep of the crate documentation
/// let (t0_bar, t1_bar) = rules::add(1.0);
/// let (a_mul, b_bar) = rules::mul(a, b, t0_bar);
/// let a_bar = a_mul + rules::sin(a, t1_bar);
/// assert_eq!((da, db), (a_bar, b_bar));
///
/// // any direction v = (1, −2) at once: ∇f·v, summed in another order, so
/// // equal up to rounding (in general forward and reverse agree to rounding)
/// let y = f(Dual::new(a, 1.0), Dual::new(b, -2.0));
/// assert_eq!(y.value, f(a, b));
/// assert!((y.tangent - (a_bar - 2.0 * b_bar)).abs() < 1e-15);
/// ```
///
/// # Conventions
///
/// - **Strong zeros.** An input whose tangent is exactly zero contributes
///   exactly zero, even where its local derivative is infinite or NaN: a
///   [`Dual::constant`] stays out of the result the way a constant gets no
///   cotangent in reverse mode (`Dual::constant(0.0).sqrt()` has tangent 0,
///   not `0·∞ = NaN`). A NaN or infinite *tangent* still propagates, and so
///   does a NaN value.
/// - **Non-differentiable points** follow the reverse rules: [`abs`] has
///   derivative 0 at 0; [`max`] and [`min`] pass on the tangent of the
///   argument they return, the average of both tangents on a tie, and route
///   around a single NaN argument; [`powi`] with `n = 0`, [`powf`] and
///   [`hypot`] at the origin use the conventions of [`rules::powi`],
///   [`rules::powf`] and [`rules::hypot`]. Piecewise-constant functions
///   ([`floor`], [`ceil`], [`round`], [`trunc`], [`signum`]) have derivative 0,
///   and so tangent `ẋ·0` (NaN for a NaN tangent).
/// - **Comparisons are by value.** [`PartialOrd`], [`Zero::is_zero`],
///   [`One::is_one`] and the classification methods ([`is_nan`], …) look at
///   `value` only, so generic code that branches on them follows the same
///   path for duals as for plain floats. `PartialEq` (`==`) is derived and
///   compares **both** fields: `Dual::variable(0.0) == Dual::zero()` is
///   false although neither is less than the other. Generic code to be
///   evaluated at duals should test `x.is_zero()` rather than
///   `x == T::zero()`.
///
/// [`abs`]: Float::abs
/// [`max`]: Float::max
/// [`min`]: Float::min
/// [`powi`]: Float::powi
/// [`powf`]: Float::powf
/// [`hypot`]: Float::hypot
/// [`floor`]: Float::floor
/// [`ceil`]: Float::ceil
/// [`round`]: Float::round
/// [`trunc`]: Float::trunc
/// [`signum`]: Float::signum
/// [`is_nan`]: Float::is_nan
/// [`rules::powi`]: crate::rules::powi
/// [`rules::powf`]: crate::rules::powf
/// [`rules::hypot`]: crate::rules::hypot
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Dual<F> {
    /// The primal value, computed exactly as `F` computes it.
    pub value: F,
    /// The derivative of `value` along the seeded direction.
    pub tangent: F,
}

impl<F> Dual<F> {
    /// A dual with the given value and tangent.
    #[inline]
    pub const fn new(value: F, tangent: F) -> Self {
        Dual { value, tangent }
    }
}

impl<F: Float> Dual<F> {
    /// A constant: tangent 0, so it contributes nothing to derivatives.
    #[inline]
    pub fn constant(value: F) -> Self {
        Dual::new(value, F::zero())
    }

    /// The variable of differentiation: tangent 1, so the tangent of a result
    /// is its derivative with respect to this input.
    #[inline]
    pub fn variable(value: F) -> Self {
        Dual::new(value, F::one())
    }

    /// A one-input operation with output `value`, whose tangent is
    /// `push(ẋ)`, or exactly 0 if `ẋ` is 0.
    #[inline]
    fn lift(self, value: F, push: impl FnOnce(F) -> F) -> Self {
        Dual::new(value, forward(self.tangent, push))
    }
}

/// `push(t)`, the contribution of an input with tangent `t`, or exactly 0 if
/// `t` is 0 (a strong zero: the local derivative, which `push` multiplies
/// in, is then not even computed).
///
/// The test is `==`, not [`Zero::is_zero`]: for nested duals (`F = Dual<G>`,
/// second derivatives) a tangent with value 0 but a nonzero tangent of its
/// own is not zero. Elsewhere, the tests of the conventions (`x = 0`, ties)
/// use `is_zero` and `partial_cmp`, which compare values at every level.
#[inline]
fn forward<F: Float>(t: F, push: impl FnOnce(F) -> F) -> F {
    if t == F::zero() {
        F::zero()
    } else {
        push(t)
    }
}

use crate::consts::{ln_10, ln_2, two};

impl<F: Float> From<F> for Dual<F> {
    /// A constant (tangent 0).
    #[inline]
    fn from(value: F) -> Self {
        Dual::constant(value)
    }
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

impl<F: Float> Neg for Dual<F> {
    type Output = Self;

    /// `d(−x) = −ẋ`
    #[inline]
    fn neg(self) -> Self {
        Dual::new(-self.value, -self.tangent)
    }
}

impl<F: Float> Add for Dual<F> {
    type Output = Self;

    /// `d(a + b) = ȧ + ḃ`
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Dual::new(self.value + rhs.value, self.tangent + rhs.tangent)
    }
}

impl<F: Float> Sub for Dual<F> {
    type Output = Self;

    /// `d(a − b) = ȧ − ḃ`
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Dual::new(self.value - rhs.value, self.tangent - rhs.tangent)
    }
}

impl<F: Float> Mul for Dual<F> {
    type Output = Self;

    /// `d(a·b) = ȧ·b + a·ḃ`
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        let (a, b) = (self.value, rhs.value);
        let tangent = forward(self.tangent, |t| t * b) + forward(rhs.tangent, |t| a * t);
        Dual::new(a * b, tangent)
    }
}

impl<F: Float> Div for Dual<F> {
    type Output = Self;

    /// `y = a/b  ⇒  ẏ = ȧ/b − y·ḃ/b`
    #[inline]
    fn div(self, rhs: Self) -> Self {
        let b = rhs.value;
        let y = self.value / b;
        let tangent = forward(self.tangent, |t| t / b) - forward(rhs.tangent, |t| (y * t) / b);
        Dual::new(y, tangent)
    }
}

impl<F: Float> Rem for Dual<F> {
    type Output = Self;

    /// Remainder `r = a % b` (truncated, as `F`'s `%`): the value is
    /// `a.value % b.value`.
    ///
    /// `r = a − q·b` with the integer `q = trunc(a/b)`, constant between the
    /// jumps of `r`, so `ṙ = ȧ − q·ḃ`. The quotient is recovered as
    /// `round((a − r)/b)`, which agrees with the remainder actually computed
    /// even where `a/b` rounds across an integer. At the jumps (`a/b`
    /// integral) this is the one-sided derivative from the side where `r`
    /// is continuous (`r = 0` there).
    #[inline]
    fn rem(self, rhs: Self) -> Self {
        let (a, b) = (self.value, rhs.value);
        let r = a % b;
        let tangent = self.tangent
            - forward(rhs.tangent, |t| {
                let q = ((a - r) / b).round();
                q * t
            });
        Dual::new(r, tangent)
    }
}

/// `Dual<F> op F` (the plain float is a constant), the assignment operators
/// for both right-hand sides, and `f32`/`f64 op Dual` on the left.
macro_rules! mixed_ops {
    ($($Op:ident $op:ident $OpAssign:ident $op_assign:ident;)*) => {$(
        impl<F: Float> $Op<F> for Dual<F> {
            type Output = Self;

            /// The same as with `Dual::constant(rhs)` on the right.
            #[inline]
            fn $op(self, rhs: F) -> Self {
                <Self as $Op<Self>>::$op(self, Dual::constant(rhs))
            }
        }

        impl<F: Float> $OpAssign for Dual<F> {
            #[inline]
            fn $op_assign(&mut self, rhs: Self) {
                *self = <Self as $Op<Self>>::$op(*self, rhs);
            }
        }

        impl<F: Float> $OpAssign<F> for Dual<F> {
            #[inline]
            fn $op_assign(&mut self, rhs: F) {
                *self = <Self as $Op<Self>>::$op(*self, Dual::constant(rhs));
            }
        }

        impl $Op<Dual<f64>> for f64 {
            type Output = Dual<f64>;

            /// The same as with `Dual::constant(self)` on the left.
            #[inline]
            fn $op(self, rhs: Dual<f64>) -> Dual<f64> {
                <Dual<f64> as $Op>::$op(Dual::constant(self), rhs)
            }
        }

        impl $Op<Dual<f32>> for f32 {
            type Output = Dual<f32>;

            /// The same as with `Dual::constant(self)` on the left.
            #[inline]
            fn $op(self, rhs: Dual<f32>) -> Dual<f32> {
                <Dual<f32> as $Op>::$op(Dual::constant(self), rhs)
            }
        }
    )*};
}

mixed_ops! {
    Add add AddAssign add_assign;
    Sub sub SubAssign sub_assign;
    Mul mul MulAssign mul_assign;
    Div div DivAssign div_assign;
    Rem rem RemAssign rem_assign;
}

impl<F: Float> Sum for Dual<F> {
    #[inline]
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), Add::add)
    }
}

impl<'a, F: Float> Sum<&'a Dual<F>> for Dual<F> {
    #[inline]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.copied().sum()
    }
}

impl<F: Float> Product for Dual<F> {
    #[inline]
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::one(), Mul::mul)
    }
}

impl<'a, F: Float> Product<&'a Dual<F>> for Dual<F> {
    #[inline]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.copied().product()
    }
}

// ---------------------------------------------------------------------------
// Comparison and the supertraits of `Float`
// ---------------------------------------------------------------------------

/// Compares the values only (unlike the derived `PartialEq`, which also
/// compares the tangents), so that branches follow the primal computation.
impl<F: PartialOrd> PartialOrd for Dual<F> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }

    #[inline]
    fn lt(&self, other: &Self) -> bool {
        self.value < other.value
    }

    #[inline]
    fn le(&self, other: &Self) -> bool {
        self.value <= other.value
    }

    #[inline]
    fn gt(&self, other: &Self) -> bool {
        self.value > other.value
    }

    #[inline]
    fn ge(&self, other: &Self) -> bool {
        self.value >= other.value
    }
}

impl<F: Float> Zero for Dual<F> {
    /// The constant 0.
    #[inline]
    fn zero() -> Self {
        Dual::constant(F::zero())
    }

    /// Whether the value is zero (whatever the tangent).
    #[inline]
    fn is_zero(&self) -> bool {
        self.value.is_zero()
    }
}

impl<F: Float> One for Dual<F> {
    /// The constant 1.
    #[inline]
    fn one() -> Self {
        Dual::constant(F::one())
    }

    /// Whether the value is one (whatever the tangent).
    #[inline]
    fn is_one(&self) -> bool {
        self.value.is_one()
    }
}

impl<F: Float> Num for Dual<F> {
    type FromStrRadixErr = F::FromStrRadixErr;

    /// Parses the value as `F` does; the result is a constant.
    #[inline]
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        F::from_str_radix(s, radix).map(Dual::constant)
    }
}

impl<F: Float> NumCast for Dual<F> {
    /// Converts to `F` as `F` does; the result is a constant.
    #[inline]
    fn from<T: ToPrimitive>(n: T) -> Option<Self> {
        <F as NumCast>::from(n).map(Dual::constant)
    }
}

/// Every conversion converts the value (the tangent is dropped).
macro_rules! to_primitive {
    ($($method:ident -> $T:ty;)*) => {
        impl<F: Float> ToPrimitive for Dual<F> {
            $(
                #[inline]
                fn $method(&self) -> Option<$T> {
                    self.value.$method()
                }
            )*
        }
    };
}

to_primitive! {
    to_isize -> isize;
    to_i8 -> i8;
    to_i16 -> i16;
    to_i32 -> i32;
    to_i64 -> i64;
    to_i128 -> i128;
    to_usize -> usize;
    to_u8 -> u8;
    to_u16 -> u16;
    to_u32 -> u32;
    to_u64 -> u64;
    to_u128 -> u128;
    to_f32 -> f32;
    to_f64 -> f64;
}

/// The mathematical constants of `F`, as constants.
macro_rules! float_const {
    ($($name:ident)*) => {
        #[allow(non_snake_case)]
        impl<F: Float + FloatConst> FloatConst for Dual<F> {
            $(
                #[inline]
                fn $name() -> Self {
                    Dual::constant(F::$name())
                }
            )*
        }
    };
}

float_const! {
    E FRAC_1_PI FRAC_1_SQRT_2 FRAC_2_PI FRAC_2_SQRT_PI FRAC_PI_2 FRAC_PI_3
    FRAC_PI_4 FRAC_PI_6 FRAC_PI_8 LN_10 LN_2 LOG10_E LOG2_E PI SQRT_2 TAU
    LOG10_2 LOG2_10
}

// ---------------------------------------------------------------------------
// Float
// ---------------------------------------------------------------------------

/// `a` and `b` compare equal by value (`0.0` and `−0.0` too).
#[inline]
fn same_value<F: Float>(a: F, b: F) -> bool {
    a.partial_cmp(&b) == Some(Ordering::Equal)
}

/// Tangent routing of `max`/`min`, mirroring the reverse rules: `a_wins` and
/// `b_wins` are the strict comparisons of the values (both false on a tie or
/// when a NaN is involved).
#[inline]
fn select<F: Float>(a_wins: bool, b_wins: bool, a: Dual<F>, b: Dual<F>) -> F {
    if a_wins || (b.value.is_nan() && !a.value.is_nan()) {
        a.tangent
    } else if b_wins || (a.value.is_nan() && !b.value.is_nan()) {
        b.tangent
    } else if same_value(a.value, b.value) {
        // tie: the average, the directional form of the half-and-half split
        (a.tangent + b.tangent) / two()
    } else {
        F::nan()
    }
}

impl<F: Float> Float for Dual<F> {
    #[inline]
    fn nan() -> Self {
        Dual::constant(F::nan())
    }

    #[inline]
    fn infinity() -> Self {
        Dual::constant(F::infinity())
    }

    #[inline]
    fn neg_infinity() -> Self {
        Dual::constant(F::neg_infinity())
    }

    #[inline]
    fn neg_zero() -> Self {
        Dual::constant(F::neg_zero())
    }

    #[inline]
    fn min_value() -> Self {
        Dual::constant(F::min_value())
    }

    #[inline]
    fn min_positive_value() -> Self {
        Dual::constant(F::min_positive_value())
    }

    #[inline]
    fn epsilon() -> Self {
        Dual::constant(F::epsilon())
    }

    #[inline]
    fn max_value() -> Self {
        Dual::constant(F::max_value())
    }

    #[inline]
    fn is_nan(self) -> bool {
        self.value.is_nan()
    }

    #[inline]
    fn is_infinite(self) -> bool {
        self.value.is_infinite()
    }

    #[inline]
    fn is_finite(self) -> bool {
        self.value.is_finite()
    }

    #[inline]
    fn is_normal(self) -> bool {
        self.value.is_normal()
    }

    #[inline]
    fn is_subnormal(self) -> bool {
        self.value.is_subnormal()
    }

    #[inline]
    fn classify(self) -> FpCategory {
        self.value.classify()
    }

    /// Piecewise constant: `ẏ = ẋ·0`.
    #[inline]
    fn floor(self) -> Self {
        self.lift(self.value.floor(), |t| t * F::zero())
    }

    /// Piecewise constant: `ẏ = ẋ·0`.
    #[inline]
    fn ceil(self) -> Self {
        self.lift(self.value.ceil(), |t| t * F::zero())
    }

    /// Piecewise constant: `ẏ = ẋ·0`.
    #[inline]
    fn round(self) -> Self {
        self.lift(self.value.round(), |t| t * F::zero())
    }

    /// Piecewise constant: `ẏ = ẋ·0`.
    #[inline]
    fn trunc(self) -> Self {
        self.lift(self.value.trunc(), |t| t * F::zero())
    }

    /// `y = x − trunc x  ⇒  ẏ = ẋ` (between the jumps).
    #[inline]
    fn fract(self) -> Self {
        self.lift(self.value.fract(), |t| t)
    }

    /// `y = |x|  ⇒  ẏ = sign(x)·ẋ`, with sign 0 at ±0 (as [`rules::abs`]).
    ///
    /// [`rules::abs`]: crate::rules::abs
    #[inline]
    fn abs(self) -> Self {
        let x = self.value;
        let sign = if x > F::zero() {
            F::one()
        } else if x < F::zero() {
            -F::one()
        } else if x.is_zero() {
            F::zero()
        } else {
            x // NaN
        };
        self.lift(x.abs(), |t| t * sign)
    }

    /// Piecewise constant: `ẏ = ẋ·0`.
    #[inline]
    fn signum(self) -> Self {
        self.lift(self.value.signum(), |t| t * F::zero())
    }

    #[inline]
    fn is_sign_positive(self) -> bool {
        self.value.is_sign_positive()
    }

    #[inline]
    fn is_sign_negative(self) -> bool {
        self.value.is_sign_negative()
    }

    /// `y = x·a + b  ⇒  ẏ = ẋ·a + x·ȧ + ḃ`; the value is fused as in `F`.
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        let (x, av) = (self.value, a.value);
        let tangent = forward(self.tangent, |t| t * av) + forward(a.tangent, |t| x * t) + b.tangent;
        Dual::new(x.mul_add(av, b.value), tangent)
    }

    /// `y = 1/x  ⇒  ẏ = −ẋ·y²`
    #[inline]
    fn recip(self) -> Self {
        let y = self.value.recip();
        self.lift(y, |t| -(t * (y * y)))
    }

    /// `y = xⁿ  ⇒  ẏ = n·xⁿ⁻¹·ẋ`; for `n = 0` exactly `ẋ·0` (no `0·0⁻¹` at
    /// `x = 0`), and `n = i32::MIN` does not overflow.
    #[inline]
    fn powi(self, n: i32) -> Self {
        let x = self.value;
        self.lift(x.powi(n), |t| {
            if n == 0 {
                return t * F::zero();
            }
            let n_f = F::from(n).unwrap_or_else(F::nan);
            let x_pow = match n.checked_sub(1) {
                Some(m) => x.powi(m),
                None => x.powi(n) / x,
            };
            t * n_f * x_pow
        })
    }

    /// `y = xᵖ  ⇒  ẏ = p·xᵖ⁻¹·ẋ + y·ln x·ṗ`, with the conventions of
    /// [`rules::powf`]: the base term is `ẋ·0` when `p = 0`, and the exponent
    /// term is `ṗ·0` when `y = 0` (the limit of `y·ln x`, never `0·(−∞)`).
    ///
    /// [`rules::powf`]: crate::rules::powf
    #[inline]
    fn powf(self, p: Self) -> Self {
        let (x, pv) = (self.value, p.value);
        let y = x.powf(pv);
        let through_base = forward(self.tangent, |t| {
            if pv.is_zero() {
                t * F::zero()
            } else {
                t * pv * x.powf(pv - F::one())
            }
        });
        let through_exponent = forward(p.tangent, |t| {
            if y.is_zero() {
                t * F::zero()
            } else {
                t * y * x.ln()
            }
        });
        Dual::new(y, through_base + through_exponent)
    }

    /// `y = √x  ⇒  ẏ = ẋ/(2y)`
    #[inline]
    fn sqrt(self) -> Self {
        let y = self.value.sqrt();
        self.lift(y, |t| t / (two::<F>() * y))
    }

    /// `y = eˣ  ⇒  ẏ = y·ẋ`
    #[inline]
    fn exp(self) -> Self {
        let y = self.value.exp();
        self.lift(y, |t| t * y)
    }

    /// `y = 2ˣ  ⇒  ẏ = y·ln 2·ẋ`
    #[inline]
    fn exp2(self) -> Self {
        let y = self.value.exp2();
        self.lift(y, |t| t * y * ln_2())
    }

    /// `y = ln x  ⇒  ẏ = ẋ/x`
    #[inline]
    fn ln(self) -> Self {
        let x = self.value;
        self.lift(x.ln(), |t| t / x)
    }

    /// `y = ln x / ln b  ⇒  ẏ = ẋ/(x·ln b) − y·ḃ/(b·ln b)`
    #[inline]
    fn log(self, base: Self) -> Self {
        let (x, b) = (self.value, base.value);
        let y = x.log(b);
        let tangent = forward(self.tangent, |t| t / (x * b.ln()))
            - forward(base.tangent, |t| (y * t) / (b * b.ln()));
        Dual::new(y, tangent)
    }

    /// `y = log₂ x  ⇒  ẏ = ẋ/(x·ln 2)`
    #[inline]
    fn log2(self) -> Self {
        let x = self.value;
        self.lift(x.log2(), |t| t / (x * ln_2()))
    }

    /// `y = log₁₀ x  ⇒  ẏ = ẋ/(x·ln 10)`
    #[inline]
    fn log10(self) -> Self {
        let x = self.value;
        self.lift(x.log10(), |t| t / (x * ln_10()))
    }

    /// `y = x·180/π  ⇒  ẏ = ẋ·180/π` (the same scaling as the value).
    #[inline]
    fn to_degrees(self) -> Self {
        self.lift(self.value.to_degrees(), F::to_degrees)
    }

    /// `y = x·π/180  ⇒  ẏ = ẋ·π/180` (the same scaling as the value).
    #[inline]
    fn to_radians(self) -> Self {
        self.lift(self.value.to_radians(), F::to_radians)
    }

    /// The tangent of the argument returned; on a tie the average of both
    /// tangents; around a single NaN argument as `F::max` (see [`rules::max`]).
    ///
    /// [`rules::max`]: crate::rules::max
    #[inline]
    fn max(self, other: Self) -> Self {
        let (a, b) = (self.value, other.value);
        Dual::new(a.max(b), select(a > b, b > a, self, other))
    }

    /// The tangent of the argument returned; on a tie the average of both
    /// tangents; around a single NaN argument as `F::min` (see [`rules::min`]).
    ///
    /// [`rules::min`]: crate::rules::min
    #[inline]
    fn min(self, other: Self) -> Self {
        let (a, b) = (self.value, other.value);
        Dual::new(a.min(b), select(a < b, b < a, self, other))
    }

    /// `y = max(a − b, 0)  ⇒  ẏ = ȧ − ḃ` if `a > b`, `0` if `a < b`, and
    /// `(ȧ − ḃ)/2` on a tie (the convention of `max`); NaN if either value is.
    #[inline]
    fn abs_sub(self, other: Self) -> Self {
        let (a, b) = (self.value, other.value);
        let d = self.tangent - other.tangent;
        let tangent = if a > b {
            d
        } else if a < b {
            F::zero()
        } else if same_value(a, b) {
            d / two()
        } else {
            F::nan()
        };
        Dual::new(a.abs_sub(b), tangent)
    }

    /// `y = ∛x  ⇒  ẏ = ẋ/(3y²)`
    #[inline]
    fn cbrt(self) -> Self {
        let y = self.value.cbrt();
        self.lift(y, |t| t / ((two::<F>() + F::one()) * (y * y)))
    }

    /// `y = √(a² + b²)  ⇒  ẏ = (a·ȧ + b·ḃ)/y`; at the origin the local
    /// derivatives are 0 (as [`rules::hypot`]).
    ///
    /// [`rules::hypot`]: crate::rules::hypot
    #[inline]
    fn hypot(self, other: Self) -> Self {
        let (a, b) = (self.value, other.value);
        let y = a.hypot(b);
        let (da, db) = if y.is_zero() {
            (F::zero(), F::zero())
        } else {
            (a / y, b / y)
        };
        let tangent = forward(self.tangent, |t| t * da) + forward(other.tangent, |t| t * db);
        Dual::new(y, tangent)
    }

    /// `y = sin x  ⇒  ẏ = cos x·ẋ`
    #[inline]
    fn sin(self) -> Self {
        let x = self.value;
        self.lift(x.sin(), |t| t * x.cos())
    }

    /// `y = cos x  ⇒  ẏ = −sin x·ẋ`
    #[inline]
    fn cos(self) -> Self {
        let x = self.value;
        self.lift(x.cos(), |t| -(t * x.sin()))
    }

    /// `y = tan x  ⇒  ẏ = ẋ/cos² x`
    #[inline]
    fn tan(self) -> Self {
        let x = self.value;
        self.lift(x.tan(), |t| {
            let c = x.cos();
            t / (c * c)
        })
    }

    /// `y = asin x  ⇒  ẏ = ẋ/√(1 − x²)`
    #[inline]
    fn asin(self) -> Self {
        let x = self.value;
        self.lift(x.asin(), |t| t / ((F::one() - x) * (F::one() + x)).sqrt())
    }

    /// `y = acos x  ⇒  ẏ = −ẋ/√(1 − x²)`
    #[inline]
    fn acos(self) -> Self {
        let x = self.value;
        self.lift(x.acos(), |t| {
            -(t / ((F::one() - x) * (F::one() + x)).sqrt())
        })
    }

    /// `y = atan x  ⇒  ẏ = ẋ/(1 + x²)`
    #[inline]
    fn atan(self) -> Self {
        let x = self.value;
        self.lift(x.atan(), |t| t / (F::one() + x * x))
    }

    /// `θ = atan2(y, x)` (`self` is `y`)  `⇒  θ̇ = (x·ẏ − y·ẋ)/(x² + y²)`,
    /// with the radius computed by `hypot` (no overflow); NaN at the origin.
    #[inline]
    fn atan2(self, other: Self) -> Self {
        let (y, x) = (self.value, other.value);
        let r = x.hypot(y);
        let tangent = forward(self.tangent, |t| t * ((x / r) / r))
            - forward(other.tangent, |t| t * ((y / r) / r));
        Dual::new(y.atan2(x), tangent)
    }

    /// `(sin x, cos x)  ⇒  (cos x·ẋ, −sin x·ẋ)`
    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.value.sin_cos();
        (self.lift(s, |t| t * c), self.lift(c, |t| -(t * s)))
    }

    /// `y = eˣ − 1  ⇒  ẏ = eˣ·ẋ`
    #[inline]
    fn exp_m1(self) -> Self {
        let x = self.value;
        self.lift(x.exp_m1(), |t| t * x.exp())
    }

    /// `y = ln(1 + x)  ⇒  ẏ = ẋ/(1 + x)`
    #[inline]
    fn ln_1p(self) -> Self {
        let x = self.value;
        self.lift(x.ln_1p(), |t| t / (F::one() + x))
    }

    /// `y = sinh x  ⇒  ẏ = cosh x·ẋ`
    #[inline]
    fn sinh(self) -> Self {
        let x = self.value;
        self.lift(x.sinh(), |t| t * x.cosh())
    }

    /// `y = cosh x  ⇒  ẏ = sinh x·ẋ`
    #[inline]
    fn cosh(self) -> Self {
        let x = self.value;
        self.lift(x.cosh(), |t| t * x.sinh())
    }

    /// `y = tanh x  ⇒  ẏ = ẋ/cosh² x`
    #[inline]
    fn tanh(self) -> Self {
        let x = self.value;
        self.lift(x.tanh(), |t| {
            let c = x.cosh();
            t / (c * c)
        })
    }

    /// `y = asinh x  ⇒  ẏ = ẋ/√(x² + 1)` (as `hypot(x, 1)`, no overflow)
    #[inline]
    fn asinh(self) -> Self {
        let x = self.value;
        self.lift(x.asinh(), |t| t / x.hypot(F::one()))
    }

    /// `y = acosh x  ⇒  ẏ = ẋ/√(x² − 1)` (as `√(x − 1)·√(x + 1)`)
    #[inline]
    fn acosh(self) -> Self {
        let x = self.value;
        self.lift(x.acosh(), |t| {
            t / ((x - F::one()).sqrt() * (x + F::one()).sqrt())
        })
    }

    /// `y = atanh x  ⇒  ẏ = ẋ/(1 − x²)`
    #[inline]
    fn atanh(self) -> Self {
        let x = self.value;
        self.lift(x.atanh(), |t| t / ((F::one() - x) * (F::one() + x)))
    }

    #[inline]
    fn integer_decode(self) -> (u64, i16, i8) {
        self.value.integer_decode()
    }
}
