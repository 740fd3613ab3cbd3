//! `Dual` against the derivative worked by hand and the reverse rule of every
//! method (proptest over each method's domain), against central finite
//! differences, plus the conventions at non-differentiable points and the
//! `Float` implementation as a whole, used by generic code.

mod common;
use autodiff_runtime::{check_grad, rules, Dual, Float};
use common::{fd, TOL};
use num_traits::{FloatConst, Num, NumAssign, NumCast, One, ToPrimitive, Zero};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::cmp::Ordering;
use std::f64::consts::{LN_10, LN_2, PI};
use std::num::FpCategory;

type D = Dual<f64>;

fn any() -> impl Strategy<Value = f64> {
    -10.0..10.0_f64
}

/// A tangent (or seed) to scale with.
fn tangent() -> impl Strategy<Value = f64> {
    -3.0..3.0_f64
}

/// `lo ≤ |x| < hi`, either sign.
fn nonzero(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    prop_oneof![-hi..-lo, lo..hi]
}

/// Two derivatives computed by different formulas agree to rounding:
/// `|got − want| ≤ 1e-12·max(1, |got|, |want|, scale)`.
fn near_scaled(got: f64, want: f64, scale: f64) -> Result<(), TestCaseError> {
    let tol = 1e-12 * 1.0_f64.max(got.abs()).max(want.abs()).max(scale);
    prop_assert!(
        (got - want).abs() <= tol,
        "got {got:e}, want {want:e} (difference {:e})",
        got - want
    );
    Ok(())
}

fn near(got: f64, want: f64) -> Result<(), TestCaseError> {
    near_scaled(got, want, 0.0)
}

/// The checks shared by every one-input method `f` at `x`: the value is
/// exactly `f64`'s, the tangent of the variable is `hand` and agrees with
/// finite differences, a tangent `t` scales it, a constant has tangent 0.
/// Returns the tangent of the variable.
fn unary_core(
    f: &impl Fn(D) -> D,
    primal: &impl Fn(f64) -> f64,
    x: f64,
    t: f64,
    hand: f64,
) -> Result<f64, TestCaseError> {
    let y = f(D::variable(x));
    prop_assert_eq!(y.value.to_bits(), primal(x).to_bits());
    near(y.tangent, hand)?;
    near(f(D::new(x, t)).tangent, t * hand)?;
    prop_assert_eq!(f(D::constant(x)).tangent, 0.0);
    fd(|v| primal(v[0]), &[x], &[y.tangent])?;
    Ok(y.tangent)
}

/// [`unary_core`], and the tangent for `ẋ = 1` and `ẋ = t` equals the reverse
/// rule with seed 1 and `t` (for a scalar function the forward and reverse
/// products are the same number).
fn unary(
    f: impl Fn(D) -> D,
    primal: impl Fn(f64) -> f64,
    x: f64,
    t: f64,
    hand: f64,
    rule: impl Fn(f64) -> f64,
) -> Result<(), TestCaseError> {
    let dx = unary_core(&f, &primal, x, t, hand)?;
    near(dx, rule(1.0))?;
    near(f(D::new(x, t)).tangent, rule(t))?;
    Ok(())
}

/// The two-input analogue: each argument as the variable (the other
/// constant) against the hand partials `hand`, the reverse rule's `(ā, b̄)`
/// for seed 1 (if there is a rule) and finite differences; the direction
/// `(ta, tb)` gives `ta·∂a + tb·∂b`; two constants give 0.
fn binary(
    f: impl Fn(D, D) -> D,
    primal: impl Fn(f64, f64) -> f64,
    (a, b): (f64, f64),
    (ta, tb): (f64, f64),
    hand: (f64, f64),
    rule: Option<(f64, f64)>,
) -> Result<(), TestCaseError> {
    let ya = f(D::variable(a), D::constant(b));
    let yb = f(D::constant(a), D::variable(b));
    prop_assert_eq!(ya.value.to_bits(), primal(a, b).to_bits());
    prop_assert_eq!(yb.value.to_bits(), primal(a, b).to_bits());
    near(ya.tangent, hand.0)?;
    near(yb.tangent, hand.1)?;
    if let Some((ra, rb)) = rule {
        near(ya.tangent, ra)?;
        near(yb.tangent, rb)?;
    }
    let (ca, cb) = (ta * hand.0, tb * hand.1);
    let y = f(D::new(a, ta), D::new(b, tb));
    near_scaled(y.tangent, ca + cb, ca.abs().max(cb.abs()))?;
    prop_assert_eq!(f(D::constant(a), D::constant(b)).tangent, 0.0);
    fd(|v| primal(v[0], v[1]), &[a, b], &[ya.tangent, yb.tangent])?;
    Ok(())
}

/// Whether `x` is at least `gap` away from every multiple of `step`.
fn away_from_multiples(x: f64, step: f64, gap: f64) -> bool {
    let q = x / step;
    (q - q.round()).abs() * step > gap
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // -- one input, with a reverse rule -------------------------------------

    #[test]
    fn neg(x in any(), t in tangent()) {
        unary(|d| -d, |x| -x, x, t, -1.0, rules::neg)?;
    }

    #[test]
    fn exp(x in any(), t in tangent()) {
        unary(D::exp, f64::exp, x, t, x.exp(), |s| rules::exp(x.exp(), s))?;
    }

    #[test]
    fn exp2(x in any(), t in tangent()) {
        unary(D::exp2, f64::exp2, x, t, x.exp2() * LN_2, |s| rules::exp2(x.exp2(), s))?;
    }

    #[test]
    fn exp_m1(x in any(), t in tangent()) {
        unary(D::exp_m1, f64::exp_m1, x, t, x.exp(), |s| rules::exp_m1(x.exp_m1(), s))?;
    }

    #[test]
    fn ln(x in 0.1..100.0_f64, t in tangent()) {
        unary(D::ln, f64::ln, x, t, 1.0 / x, |s| rules::ln(x, s))?;
    }

    #[test]
    fn log10(x in 0.1..100.0_f64, t in tangent()) {
        unary(D::log10, f64::log10, x, t, 1.0 / (x * LN_10), |s| rules::log10(x, s))?;
    }

    #[test]
    fn log2(x in 0.1..100.0_f64, t in tangent()) {
        unary(D::log2, f64::log2, x, t, 1.0 / (x * LN_2), |s| rules::log2(x, s))?;
    }

    #[test]
    fn ln_1p(x in -0.9..100.0_f64, t in tangent()) {
        unary(D::ln_1p, f64::ln_1p, x, t, 1.0 / (1.0 + x), |s| rules::ln_1p(x, s))?;
    }

    #[test]
    fn sqrt(x in 0.1..100.0_f64, t in tangent()) {
        unary(D::sqrt, f64::sqrt, x, t, 0.5 / x.sqrt(), |s| rules::sqrt(x.sqrt(), s))?;
    }

    #[test]
    fn cbrt(x in nonzero(0.1, 100.0), t in tangent()) {
        let hand = 1.0 / (3.0 * x.abs().powf(2.0 / 3.0));
        unary(D::cbrt, f64::cbrt, x, t, hand, |s| rules::cbrt(x.cbrt(), s))?;
    }

    #[test]
    fn recip(x in nonzero(0.2, 100.0), t in tangent()) {
        unary(D::recip, f64::recip, x, t, -1.0 / (x * x), |s| rules::recip(x.recip(), s))?;
    }

    #[test]
    fn powi(x in nonzero(0.2, 3.0), n in -5..=5_i32, t in tangent()) {
        let hand = <f64 as From<i32>>::from(n) * x.powi(n - 1);
        unary(|d| d.powi(n), |x| x.powi(n), x, t, hand, |s| rules::powi(x, n, s))?;
    }

    #[test]
    fn sin(x in any(), t in tangent()) {
        unary(D::sin, f64::sin, x, t, x.cos(), |s| rules::sin(x, s))?;
    }

    #[test]
    fn cos(x in any(), t in tangent()) {
        unary(D::cos, f64::cos, x, t, -x.sin(), |s| rules::cos(x, s))?;
    }

    #[test]
    fn sin_cos(x in any(), t in tangent()) {
        let sin = |d: D| d.sin_cos().0;
        let cos = |d: D| d.sin_cos().1;
        unary(sin, f64::sin, x, t, x.cos(), |s| rules::sin(x, s))?;
        unary(cos, f64::cos, x, t, -x.sin(), |s| rules::cos(x, s))?;
    }

    #[test]
    fn tan(x in -1.4..1.4_f64, t in tangent()) {
        let hand = 1.0 + x.tan() * x.tan();
        unary(D::tan, f64::tan, x, t, hand, |s| rules::tan(x.tan(), s))?;
    }

    #[test]
    fn asin(x in -0.95..0.95_f64, t in tangent()) {
        let hand = 1.0 / (1.0 - x * x).sqrt();
        unary(D::asin, f64::asin, x, t, hand, |s| rules::asin(x, s))?;
    }

    #[test]
    fn acos(x in -0.95..0.95_f64, t in tangent()) {
        let hand = -1.0 / (1.0 - x * x).sqrt();
        unary(D::acos, f64::acos, x, t, hand, |s| rules::acos(x, s))?;
    }

    #[test]
    fn atan(x in any(), t in tangent()) {
        unary(D::atan, f64::atan, x, t, 1.0 / (1.0 + x * x), |s| rules::atan(x, s))?;
    }

    #[test]
    fn sinh(x in -5.0..5.0_f64, t in tangent()) {
        unary(D::sinh, f64::sinh, x, t, x.cosh(), |s| rules::sinh(x, s))?;
    }

    #[test]
    fn cosh(x in -5.0..5.0_f64, t in tangent()) {
        unary(D::cosh, f64::cosh, x, t, x.sinh(), |s| rules::cosh(x, s))?;
    }

    #[test]
    fn tanh(x in -5.0..5.0_f64, t in tangent()) {
        let hand = 1.0 - x.tanh() * x.tanh();
        unary(D::tanh, f64::tanh, x, t, hand, |s| rules::tanh(x.tanh(), s))?;
    }

    #[test]
    fn asinh(x in any(), t in tangent()) {
        let hand = 1.0 / (x * x + 1.0).sqrt();
        unary(D::asinh, f64::asinh, x, t, hand, |s| rules::asinh(x, s))?;
    }

    #[test]
    fn acosh(x in 1.1..10.0_f64, t in tangent()) {
        let hand = 1.0 / (x * x - 1.0).sqrt();
        unary(D::acosh, f64::acosh, x, t, hand, |s| rules::acosh(x, s))?;
    }

    #[test]
    fn atanh(x in -0.95..0.95_f64, t in tangent()) {
        unary(D::atanh, f64::atanh, x, t, 1.0 / (1.0 - x * x), |s| rules::atanh(x, s))?;
    }

    #[test]
    fn abs(x in nonzero(0.1, 10.0), t in tangent()) {
        unary(D::abs, f64::abs, x, t, x.signum(), |s| rules::abs(x, s))?;
    }

    #[test]
    fn to_degrees(x in any(), t in tangent()) {
        unary(D::to_degrees, f64::to_degrees, x, t, 180.0 / PI, rules::to_degrees)?;
    }

    #[test]
    fn to_radians(x in -500.0..500.0_f64, t in tangent()) {
        unary(D::to_radians, f64::to_radians, x, t, PI / 180.0, rules::to_radians)?;
    }

    // -- one input, no reverse rule (piecewise) -----------------------------

    #[test]
    fn piecewise_constant(x in any(), t in tangent()) {
        // away from the jumps of round (half-integers) and the others (integers)
        prop_assume!(away_from_multiples(x, 0.5, 1e-3));
        unary_core(&D::floor, &f64::floor, x, t, 0.0)?;
        unary_core(&D::ceil, &f64::ceil, x, t, 0.0)?;
        unary_core(&D::round, &f64::round, x, t, 0.0)?;
        unary_core(&D::trunc, &f64::trunc, x, t, 0.0)?;
        unary_core(&D::signum, &f64::signum, x, t, 0.0)?;
    }

    #[test]
    fn fract(x in any(), t in tangent()) {
        prop_assume!(away_from_multiples(x, 1.0, 1e-3));
        unary_core(&D::fract, &f64::fract, x, t, 1.0)?;
    }

    // -- two inputs ---------------------------------------------------------

    #[test]
    fn add(a in any(), b in any(), ta in tangent(), tb in tangent()) {
        binary(|a, b| a + b, |a, b| a + b, (a, b), (ta, tb), (1.0, 1.0), Some(rules::add(1.0)))?;
    }

    #[test]
    fn sub(a in any(), b in any(), ta in tangent(), tb in tangent()) {
        binary(|a, b| a - b, |a, b| a - b, (a, b), (ta, tb), (1.0, -1.0), Some(rules::sub(1.0)))?;
    }

    #[test]
    fn mul(a in any(), b in any(), ta in tangent(), tb in tangent()) {
        let rule = rules::mul(a, b, 1.0);
        binary(|a, b| a * b, |a, b| a * b, (a, b), (ta, tb), (b, a), Some(rule))?;
    }

    #[test]
    fn div(a in any(), b in nonzero(0.5, 10.0), ta in tangent(), tb in tangent()) {
        let hand = (1.0 / b, -a / (b * b));
        let rule = rules::div(b, a / b, 1.0);
        binary(|a, b| a / b, |a, b| a / b, (a, b), (ta, tb), hand, Some(rule))?;
    }

    #[test]
    fn rem(a in any(), b in nonzero(0.5, 10.0), ta in tangent(), tb in tangent()) {
        // away from the jumps, where a/b is an integer
        prop_assume!(away_from_multiples(a / b, 1.0, 1e-3));
        let hand = (1.0, -(a / b).trunc());
        binary(|a, b| a % b, |a, b| a % b, (a, b), (ta, tb), hand, None)?;
    }

    #[test]
    fn log(
        x in 0.1..100.0_f64,
        base in prop_oneof![0.1..0.7_f64, 1.5..10.0_f64],
        tx in tangent(),
        tb in tangent(),
    ) {
        let (ln_x, ln_b) = (x.ln(), base.ln());
        let hand = (1.0 / (x * ln_b), -ln_x / (base * ln_b * ln_b));
        let rule = rules::log(x, base, 1.0);
        binary(D::log, f64::log, (x, base), (tx, tb), hand, Some(rule))?;
    }

    #[test]
    fn powf(x in 0.1..10.0_f64, p in -3.0..3.0_f64, tx in tangent(), tp in tangent()) {
        let hand = (p * x.powf(p - 1.0), x.powf(p) * x.ln());
        let rule = rules::powf(x, p, x.powf(p), 1.0);
        binary(D::powf, f64::powf, (x, p), (tx, tp), hand, Some(rule))?;
    }

    #[test]
    fn atan2(y in any(), x in any(), ty in tangent(), tx in tangent()) {
        prop_assume!(x.hypot(y) > 0.5);
        // Away from the branch cut (x < 0, y = 0) where the value jumps.
        prop_assume!(x > 0.0 || y.abs() > 0.01);
        let r2 = x * x + y * y;
        let rule = rules::atan2(y, x, 1.0);
        binary(D::atan2, f64::atan2, (y, x), (ty, tx), (x / r2, -y / r2), Some(rule))?;
    }

    #[test]
    fn hypot(a in any(), b in any(), ta in tangent(), tb in tangent()) {
        prop_assume!(a.hypot(b) > 0.5);
        let h = (a * a + b * b).sqrt();
        let rule = rules::hypot(a, b, a.hypot(b), 1.0);
        binary(D::hypot, f64::hypot, (a, b), (ta, tb), (a / h, b / h), Some(rule))?;
    }

    #[test]
    fn max(a in any(), b in any(), ta in tangent(), tb in tangent()) {
        prop_assume!((a - b).abs() > 0.1);
        let hand = if a > b { (1.0, 0.0) } else { (0.0, 1.0) };
        let rule = rules::max(a, b, 1.0);
        binary(D::max, f64::max, (a, b), (ta, tb), hand, Some(rule))?;
    }

    #[test]
    fn min(a in any(), b in any(), ta in tangent(), tb in tangent()) {
        prop_assume!((a - b).abs() > 0.1);
        let hand = if a < b { (1.0, 0.0) } else { (0.0, 1.0) };
        let rule = rules::min(a, b, 1.0);
        binary(D::min, f64::min, (a, b), (ta, tb), hand, Some(rule))?;
    }

    #[test]
    #[allow(deprecated)] // f64::abs_sub, the primal
    fn abs_sub(a in any(), b in any(), ta in tangent(), tb in tangent()) {
        prop_assume!((a - b).abs() > 0.1);
        let hand = if a > b { (1.0, -1.0) } else { (0.0, 0.0) };
        binary(D::abs_sub, f64::abs_sub, (a, b), (ta, tb), hand, None)?;
    }

    // -- three inputs -------------------------------------------------------

    #[test]
    fn mul_add(
        a in any(), b in any(), c in any(),
        ta in tangent(), tb in tangent(), tc in tangent(),
    ) {
        let (ra, rb, rc) = rules::mul_add(a, b, 1.0);
        let var = |i: usize| {
            let arg = |j: usize, v: f64| if i == j { D::variable(v) } else { D::constant(v) };
            arg(0, a).mul_add(arg(1, b), arg(2, c))
        };
        let grad = [var(0).tangent, var(1).tangent, var(2).tangent];
        prop_assert_eq!(var(0).value.to_bits(), a.mul_add(b, c).to_bits());
        for (got, (hand, rule)) in grad.iter().zip([(b, ra), (a, rb), (1.0, rc)]) {
            near(*got, hand)?;
            near(*got, rule)?;
        }
        let y = D::new(a, ta).mul_add(D::new(b, tb), D::new(c, tc));
        let terms = [ta * b, tb * a, tc];
        let scale = terms.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
        near_scaled(y.tangent, terms.iter().sum(), scale)?;
        fd(|v| v[0].mul_add(v[1], v[2]), &[a, b, c], &grad)?;
    }

    // -- generic code -------------------------------------------------------

    #[test]
    fn composite_matches_finite_differences(
        x in 0.2..3.0_f64,
        y in -2.0..2.0_f64,
        tx in tangent(),
        ty in tangent(),
    ) {
        let dx = composite(D::variable(x), D::constant(y)).tangent;
        let dy = composite(D::constant(x), D::variable(y)).tangent;
        let report = check_grad(|v| composite(v[0], v[1]), &[x, y], &[dx, dy]);
        prop_assert!(report.is_within(TOL), "{}", report);
        // one evaluation in the direction (tx, ty) is the directional derivative
        let both = composite(D::new(x, tx), D::new(y, ty));
        prop_assert_eq!(both.value.to_bits(), composite(x, y).to_bits());
        near_scaled(both.tangent, tx * dx + ty * dy, (tx * dx).abs().max((ty * dy).abs()))?;
    }

    #[test]
    fn kitchen_sink_matches_f64_and_finite_differences(
        x in 0.2..0.9_f64,
        y in 1.2..1.96_f64,
    ) {
        let dx = kitchen_sink(D::variable(x), D::constant(y));
        let dy = kitchen_sink(D::constant(x), D::variable(y));
        // the values are computed exactly as in f64
        prop_assert_eq!(dx.value.to_bits(), kitchen_sink(x, y).to_bits());
        prop_assert_eq!(dy.value.to_bits(), kitchen_sink(x, y).to_bits());
        let report = check_grad(
            |v| kitchen_sink(v[0], v[1]),
            &[x, y],
            &[dx.tangent, dy.tangent],
        );
        prop_assert!(report.is_within(TOL), "{}", report);
    }
}

/// A smooth function of two variables, written once for any `Float`.
fn composite<T: Float>(x: T, y: T) -> T {
    let one = T::one();
    let two = one + one;
    let r = x.hypot(y);
    (x * y).sin() + x.powf(y) / (one + y * y).sqrt() - x.ln() * y.tanh()
        + y.atan2(x) * r
        + (x / y.exp()).powi(3)
        + (y * y + one).ln_1p().cbrt() / (two + x.cos())
}

/// Uses most of `Float` (and the operators and assignments), so that it only
/// compiles if `T = Dual<f64>` provides them. Valid for `0 < x < 1 < y < 2`,
/// away from jumps for `0.2 ≤ x < 0.9`, `1.2 ≤ y < 1.96`.
fn kitchen_sink<T: Float + NumAssign>(x: T, y: T) -> T {
    let one = T::one();
    let two = one + one;
    let half = one / two;
    let ten: T = T::from(10.0).unwrap();
    let mut acc = T::zero();
    acc += x.sin() * y.cos() + x.tan().atan() + x.asin() * y + x.acos() / y;
    acc += y.acosh() + x.atanh() + (x - y).asinh();
    acc += x.sinh() * y.cosh() + (x * y).tanh();
    acc += x.exp() + y.exp2() - x.exp_m1() * y.ln_1p();
    acc += y.ln() + y.log2() * x.log10() + y.log(x + two);
    acc += x.sqrt() + y.cbrt() + x.recip() + x.powi(3) + x.powi(-2) + y.powf(x);
    acc += x.hypot(y) + y.atan2(x - one) + x.mul_add(y, x * x);
    acc += x.to_degrees() / ten + y.to_radians() * ten;
    acc += x.abs() + (-y).abs() + x.copysign(-one) + x.clamp(T::zero(), one);
    let (s, c) = (x * y).sin_cos();
    acc += s * c;
    // piecewise constant in the domain: y/4 ∈ (0.3, 0.49)
    let q = y / (two + two);
    acc += (q.floor() + q.ceil() + q.round() + q.trunc() + q.signum()) * x;
    acc += x.fract() + y.fract();
    // y > x: max is y, min is x; abs_sub(x, y) = 0, abs_sub(y, x) = y − x
    acc += x.max(y) * two + x.min(y) + x.abs_sub(y) + y.abs_sub(x) * half;
    // (2y + x) % y = x (quotient 2)
    acc += (y * two + x) % y;
    acc += T::epsilon() * x + T::min_positive_value() * y;
    acc += x;
    acc -= half;
    acc *= y;
    acc /= x + two;
    acc *= T::from(0.5).unwrap();
    if acc.is_nan() || acc.is_infinite() || !acc.is_finite() || x.is_sign_negative() {
        return T::nan();
    }
    if x.is_zero() || x <= T::zero() || x >= y || x.classify() == FpCategory::Zero {
        return T::nan();
    }
    acc
}

// ---------------------------------------------------------------------------
// `Float` and the other traits
// ---------------------------------------------------------------------------

fn is_float<T: Float + NumAssign + FloatConst>() {}

#[test]
fn dual_is_float() {
    is_float::<Dual<f64>>();
    is_float::<Dual<f32>>();
    // and nests: a dual of duals (second derivatives)
    is_float::<Dual<Dual<f64>>>();
}

#[test]
fn constructors() {
    assert_eq!(
        D::new(1.5, -2.0),
        D {
            value: 1.5,
            tangent: -2.0
        }
    );
    assert_eq!(D::constant(1.5), D::new(1.5, 0.0));
    assert_eq!(D::variable(1.5), D::new(1.5, 1.0));
    assert_eq!(D::default(), D::new(0.0, 0.0));
    let from: D = 2.5.into();
    assert_eq!(from, D::constant(2.5));
    assert_eq!(D::zero(), D::constant(0.0));
    assert_eq!(D::one(), D::constant(1.0));
}

#[test]
fn constants_have_zero_tangent() {
    let cases = [
        (D::infinity(), f64::INFINITY),
        (D::neg_infinity(), f64::NEG_INFINITY),
        (D::neg_zero(), -0.0),
        (D::min_value(), f64::MIN),
        (D::min_positive_value(), f64::MIN_POSITIVE),
        (D::max_value(), f64::MAX),
        (D::epsilon(), f64::EPSILON),
        (<D as FloatConst>::PI(), PI),
        (<D as FloatConst>::TAU(), std::f64::consts::TAU),
        (<D as FloatConst>::LOG2_10(), std::f64::consts::LOG2_10),
    ];
    for (d, v) in cases {
        assert_eq!(d.value.to_bits(), v.to_bits());
        assert_eq!(d.tangent, 0.0);
    }
    assert!(D::nan().value.is_nan());
    assert_eq!(D::nan().tangent, 0.0);
}

#[test]
fn equality_compares_both_fields_ordering_only_values() {
    let (a, b) = (D::new(1.0, 0.0), D::new(1.0, 9.0));
    assert_ne!(a, b);
    assert_eq!(a.partial_cmp(&b), Some(Ordering::Equal));
    assert!(a <= b);
    assert!(a >= b);
    assert!(!a.lt(&b) && !a.gt(&b));
    assert!(D::new(1.0, 5.0) < D::new(2.0, -5.0));
    assert!(D::new(3.0, 0.0) > D::new(2.0, 7.0));
    assert_eq!(D::nan().partial_cmp(&D::zero()), None);
    // is_zero / is_one look at the value, so generic branches follow it
    assert!(D::variable(0.0).is_zero());
    assert_ne!(D::variable(0.0), D::zero());
    assert!(D::variable(1.0).is_one());
}

#[test]
fn classification_is_by_value() {
    let d = |v: f64| D::new(v, f64::NAN);
    for v in [
        0.0,
        -0.0,
        1.5,
        -1.5,
        f64::MIN_POSITIVE / 2.0,
        f64::INFINITY,
        f64::NAN,
    ] {
        assert_eq!(d(v).is_nan(), v.is_nan());
        assert_eq!(d(v).is_infinite(), v.is_infinite());
        assert_eq!(d(v).is_finite(), v.is_finite());
        assert_eq!(d(v).is_normal(), v.is_normal());
        assert_eq!(Float::is_subnormal(d(v)), v.is_subnormal());
        assert_eq!(d(v).classify(), v.classify());
        assert_eq!(d(v).is_sign_positive(), v.is_sign_positive());
        assert_eq!(d(v).is_sign_negative(), v.is_sign_negative());
        assert_eq!(d(v).integer_decode(), Float::integer_decode(v));
    }
}

#[test]
fn conversions_use_the_value_and_give_constants() {
    assert_eq!(D::from_str_radix("1.5", 10).ok(), Some(D::constant(1.5)));
    assert!(D::from_str_radix("x", 10).is_err());
    assert_eq!(<D as NumCast>::from(3_i32), Some(D::constant(3.0)));
    assert_eq!(<D as NumCast>::from(0.25_f32), Some(D::constant(0.25)));
    assert_eq!(
        <D as NumCast>::from(D::variable(2.0)),
        Some(D::constant(2.0))
    );
    let d = D::new(2.7, 100.0);
    assert_eq!(d.to_f64(), Some(2.7));
    assert_eq!(d.to_f32(), Some(2.7_f32));
    assert_eq!(d.to_i32(), Some(2));
    assert_eq!(d.to_u64(), Some(2));
    assert_eq!(d.to_i128(), Some(2));
    assert_eq!(D::new(-1.0, 0.0).to_u8(), None);
    assert_eq!(D::new(300.0, 0.0).to_u8(), None);
    assert_eq!(D::nan().to_i64(), None);
}

#[test]
fn mixed_and_assignment_operators() {
    let x = D::new(3.0, 2.0);
    let c = 4.0;
    assert_eq!(x + c, x + D::constant(c));
    assert_eq!(x - c, x - D::constant(c));
    assert_eq!(x * c, D::new(12.0, 8.0));
    assert_eq!(x / c, D::new(0.75, 0.5));
    assert_eq!(x % 2.0, D::new(1.0, 2.0));
    assert_eq!(c + x, D::new(7.0, 2.0));
    assert_eq!(c - x, D::new(1.0, -2.0));
    assert_eq!(c * x, D::new(12.0, 8.0));
    // d(4/x) = −4·ẋ/x² = −8/9
    assert_eq!((c / x).tangent, -(4.0 / 3.0) * 2.0 / 3.0);
    assert_eq!(c % x, D::constant(4.0) % x);
    assert_eq!(2.0_f32 * Dual::new(3.0_f32, 1.0), Dual::new(6.0_f32, 2.0));

    let mut y = x;
    y += D::new(1.0, 1.0);
    assert_eq!(y, D::new(4.0, 3.0));
    y -= 1.0;
    assert_eq!(y, D::new(3.0, 3.0));
    y *= D::new(2.0, 1.0); // ẏ = 3·2 + 3·1
    assert_eq!(y, D::new(6.0, 9.0));
    y /= 3.0;
    assert_eq!(y, D::new(2.0, 3.0));
    y %= D::constant(1.5);
    assert_eq!(y, D::new(0.5, 3.0));
    y *= 2.0;
    y += 1.0;
    y -= D::variable(0.0);
    y /= D::constant(2.0);
    y %= 10.0;
    assert_eq!(y, D::new(1.0, 2.5));
}

#[test]
fn sum_and_product() {
    let xs = [D::new(1.0, 1.0), D::new(2.0, 0.0), D::new(3.0, 2.0)];
    assert_eq!(xs.iter().sum::<D>(), D::new(6.0, 3.0));
    assert_eq!(xs.into_iter().sum::<D>(), D::new(6.0, 3.0));
    // d(x·2·z) = ẋ·2·3 + 1·2·ż = 6 + 4
    assert_eq!(xs.iter().product::<D>(), D::new(6.0, 10.0));
    assert_eq!(xs.into_iter().product::<D>(), D::new(6.0, 10.0));
}

#[test]
fn nested_duals_give_second_derivatives() {
    // f(x) = x³, f″(x) = 6x
    let x = Dual::new(D::variable(2.0), D::one());
    let y = x.powi(3) + x.sin();
    assert_eq!(y.tangent.tangent, 6.0 * 2.0 - 2.0_f64.sin());
}

// ---------------------------------------------------------------------------
// Conventions at non-differentiable points, strong zeros, NaN.
// ---------------------------------------------------------------------------

#[test]
fn abs_at_zero_is_zero() {
    assert_eq!(D::variable(0.0).abs(), D::new(0.0, 0.0));
    assert_eq!(D::variable(-0.0).abs().tangent, rules::abs(-0.0, 1.0));
    assert!(D::variable(f64::NAN).abs().tangent.is_nan());
    assert_eq!(D::variable(-2.0).abs().tangent, rules::abs(-2.0, 1.0));
}

#[test]
fn max_min_ties_average_the_tangents() {
    assert_eq!(D::new(2.0, 1.0).max(D::new(2.0, 3.0)).tangent, 2.0);
    assert_eq!(D::new(2.0, 1.0).min(D::new(2.0, 3.0)).tangent, 2.0);
    // the variable against a constant: half, as the reverse rule's split
    assert_eq!(D::variable(2.0).max(D::constant(2.0)).tangent, 0.5);
    assert_eq!(rules::max(2.0, 2.0, 1.0).0, 0.5);
    assert_eq!(
        D::constant(0.0).min(D::variable(-0.0)).tangent,
        rules::min(0.0, -0.0, 1.0).1
    );
    let inf = f64::INFINITY;
    assert_eq!(D::new(inf, 4.0).max(D::new(inf, 0.0)).tangent, 2.0);
}

#[test]
fn max_min_route_around_a_nan_argument() {
    let nan = D::new(f64::NAN, 7.0);
    let one = D::new(1.0, 3.0);
    assert_eq!(nan.max(one), one);
    assert_eq!(one.max(nan), one);
    assert_eq!(nan.min(one), one);
    assert_eq!(one.min(nan), one);
    assert!(nan.max(nan).tangent.is_nan());
    assert!(nan.min(nan).tangent.is_nan());
}

#[test]
fn powi_conventions() {
    assert_eq!(D::variable(0.0).powi(0), D::new(1.0, 0.0));
    assert_eq!(D::variable(0.0).powi(1).tangent, 1.0);
    assert_eq!(D::variable(0.0).powi(2).tangent, 0.0);
    for x in [1.0, 2.0, -0.5] {
        for n in [i32::MIN, i32::MAX, -1, 0, 7] {
            let got = D::variable(x).powi(n).tangent;
            assert_eq!(got, rules::powi(x, n, 1.0), "x = {x}, n = {n}");
        }
    }
}

#[test]
fn powf_conventions_match_the_rule() {
    let inf = f64::INFINITY;
    for (x, p) in [
        (0.0, 0.0),
        (5.0, 0.0),
        (0.0, 2.0),
        (0.0, 1.0),
        (0.0, 0.5),
        (inf, -1.0),
    ] {
        let (dx, dp) = rules::powf(x, p, x.powf(p), 1.0);
        assert_eq!(
            D::variable(x).powf(D::constant(p)).tangent,
            dx,
            "x = {x}, p = {p}"
        );
        assert_eq!(
            D::constant(x).powf(D::variable(p)).tangent,
            dp,
            "x = {x}, p = {p}"
        );
    }
    // negative base, integral exponent: the base term is fine, the exponent's NaN
    assert_eq!(D::variable(-2.0).powf(D::constant(3.0)).tangent, 12.0);
    assert!(D::constant(-2.0).powf(D::variable(3.0)).tangent.is_nan());
    assert!(rules::powf(-2.0, 3.0, -8.0, 1.0).1.is_nan());
}

#[test]
fn hypot_at_origin_is_zero() {
    let y = D::new(0.0, 1.0).hypot(D::new(0.0, -2.0));
    assert_eq!(y, D::new(0.0, 0.0));
    assert_eq!((y.tangent, 0.0), rules::hypot(0.0, 0.0, 0.0, 1.0));
    assert_eq!(
        D::variable(-2.0).hypot(D::constant(0.0)).tangent,
        rules::abs(-2.0, 1.0)
    );
}

#[test]
#[allow(deprecated)] // f64::abs_sub
fn abs_sub_tie_and_nan() {
    let y = D::new(2.0, 3.0).abs_sub(D::new(2.0, 1.0));
    assert_eq!(y, D::new(2.0_f64.abs_sub(2.0), 1.0));
    assert!(D::nan().abs_sub(D::variable(1.0)).tangent.is_nan());
    assert_eq!(D::new(1.0, 5.0).abs_sub(D::new(2.0, 1.0)), D::new(0.0, 0.0));
}

#[test]
fn rem_by_hand() {
    // 7.5 = 3·2 + 1.5: ṙ = ȧ − 3·ḃ
    assert_eq!(D::variable(7.5) % D::constant(2.0), D::new(1.5, 1.0));
    assert_eq!(D::constant(7.5) % D::variable(2.0), D::new(1.5, -3.0));
    // truncated: −7.5 = −3·2 − 1.5
    assert_eq!(D::constant(-7.5) % D::variable(2.0), D::new(-1.5, 3.0));
    assert_eq!(D::constant(7.5) % D::variable(-2.0), D::new(1.5, 3.0));
    // 7.7/1.1 rounds to 7.0 but 7.7 % 1.1 = 1.0999…96: the quotient is 6
    assert_eq!(7.7_f64 / 1.1, 7.0);
    let r = D::constant(7.7) % D::variable(1.1);
    assert_eq!(r.value, 7.7 % 1.1);
    assert!((r.value - 1.1).abs() < 1e-15);
    assert_eq!(r.tangent, -6.0);
    // b infinite: r = a, quotient 0
    assert_eq!(
        D::variable(3.0) % D::variable(f64::INFINITY),
        D::new(3.0, 1.0)
    );
}

#[test]
fn strong_zeros_keep_constants_out() {
    let inf = f64::INFINITY;
    // the local derivative is infinite but the tangent is 0
    assert_eq!(D::constant(0.0).sqrt().tangent, 0.0);
    assert_eq!(D::constant(0.0).ln().tangent, 0.0);
    assert_eq!(D::constant(1.0).asin().tangent, 0.0);
    assert_eq!(D::constant(0.0).powf(D::constant(0.0)).tangent, 0.0);
    // a constant infinite factor does not turn ẋ·inf into NaN, nor x·0
    assert_eq!((D::variable(inf) * D::constant(2.0)).tangent, 2.0);
    assert_eq!((D::variable(2.0) * D::constant(inf)).tangent, inf);
    // so one direction of f(x, y) = x·√y at y = 0 is finite, as x̄ = √0
    let f = |x: D, y: D| x * y.sqrt();
    assert_eq!(f(D::variable(3.0), D::constant(0.0)).tangent, 0.0);
    assert_eq!(f(D::constant(3.0), D::variable(0.0)).tangent, inf);
    // x.powf(0) at x = 0 with a constant exponent: 0, as the rule's x̄
    let y = D::variable(0.0).powf(D::constant(0.0));
    assert_eq!(y.tangent, rules::powf(0.0, 0.0, 1.0, 1.0).0);
}

#[test]
fn nan_tangents_and_values_propagate() {
    let t_nan = D::new(1.0, f64::NAN);
    for y in [
        t_nan.sin(),
        t_nan.exp(),
        t_nan.floor(),
        t_nan.signum(),
        t_nan * D::constant(2.0),
        t_nan.powi(0),
        t_nan.powf(D::constant(0.0)),
    ] {
        assert!(y.tangent.is_nan(), "{y:?}");
    }
    let v_nan = D::variable(f64::NAN);
    for y in [
        v_nan.sin(),
        v_nan.ln(),
        v_nan * D::variable(1.0),
        v_nan.abs(),
    ] {
        assert!(y.value.is_nan() && y.tangent.is_nan(), "{y:?}");
    }
    // outside the domain: NaN value, NaN tangent for a variable
    let y = D::variable(-1.0).sqrt();
    assert!(y.value.is_nan() && y.tangent.is_nan());
    let (dy, dx) = (
        D::variable(0.0).atan2(D::constant(0.0)),
        D::constant(0.0).atan2(D::variable(0.0)),
    );
    assert!(dy.tangent.is_nan() && dx.tangent.is_nan());
}

#[test]
fn large_arguments_do_not_overflow() {
    let big = 1e200;
    assert!((D::variable(big).asinh().tangent * big - 1.0).abs() < 1e-15);
    assert!((D::variable(big).acosh().tangent * big - 1.0).abs() < 1e-15);
    let y = D::variable(0.0).atan2(D::constant(big));
    assert!((y.tangent * big - 1.0).abs() < 1e-15);
    assert_eq!(D::variable(1000.0).tanh().tangent, 0.0);
}

#[test]
fn works_in_f32() {
    let x = 0.3_f32;
    let y = Dual::variable(x).tanh();
    assert_eq!(y.value, x.tanh());
    assert!((y.tangent - rules::tanh(x.tanh(), 1.0)).abs() < 1e-6);
    let y = Dual::variable(4.0_f32).powf(Dual::constant(0.5));
    assert_eq!(y.tangent, 0.25);
    let g = |v: &[f32]| composite(v[0], v[1]);
    let dx = composite(Dual::variable(1.5_f32), Dual::constant(0.5)).tangent;
    let dy = composite(Dual::constant(1.5_f32), Dual::variable(0.5)).tangent;
    let report = check_grad(g, &[1.5, 0.5], &[dx, dy]);
    assert!(report.is_within(1e-2), "{report}");
}
