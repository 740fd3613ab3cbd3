//! Every rule against central finite differences of its primal (proptest over
//! the rule's domain), plus one value worked out by hand per rule, plus the
//! documented conventions at non-differentiable points.

mod common;
use autodiff_runtime::{check_grad, rules};
use common::{close, fd};
use proptest::prelude::*;
use std::f64::consts::{LN_10, LN_2, PI};

fn any() -> impl Strategy<Value = f64> {
    -10.0..10.0_f64
}

fn seed() -> impl Strategy<Value = f64> {
    -3.0..3.0_f64
}

/// `lo ≤ |x| < hi`, either sign.
fn nonzero(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    prop_oneof![-hi..-lo, lo..hi]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn add_fd(a in any(), b in any(), s in seed()) {
        let (da, db) = rules::add(s);
        fd(|v| s * (v[0] + v[1]), &[a, b], &[da, db])?;
    }

    #[test]
    fn sub_fd(a in any(), b in any(), s in seed()) {
        let (da, db) = rules::sub(s);
        fd(|v| s * (v[0] - v[1]), &[a, b], &[da, db])?;
    }

    #[test]
    fn neg_fd(x in any(), s in seed()) {
        fd(|v| s * -v[0], &[x], &[rules::neg(s)])?;
    }

    #[test]
    fn mul_fd(a in any(), b in any(), s in seed()) {
        let (da, db) = rules::mul(a, b, s);
        fd(|v| s * (v[0] * v[1]), &[a, b], &[da, db])?;
    }

    #[test]
    fn div_fd(a in any(), b in nonzero(0.5, 10.0), s in seed()) {
        let (da, db) = rules::div(b, a / b, s);
        fd(|v| s * (v[0] / v[1]), &[a, b], &[da, db])?;
    }

    #[test]
    fn exp_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].exp(), &[x], &[rules::exp(x.exp(), s)])?;
    }

    #[test]
    fn exp2_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].exp2(), &[x], &[rules::exp2(x.exp2(), s)])?;
    }

    #[test]
    fn exp_m1_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].exp_m1(), &[x], &[rules::exp_m1(x.exp_m1(), s)])?;
    }

    #[test]
    fn ln_fd(x in 0.1..100.0_f64, s in seed()) {
        fd(|v| s * v[0].ln(), &[x], &[rules::ln(x, s)])?;
    }

    #[test]
    fn log10_fd(x in 0.1..100.0_f64, s in seed()) {
        fd(|v| s * v[0].log10(), &[x], &[rules::log10(x, s)])?;
    }

    #[test]
    fn log2_fd(x in 0.1..100.0_f64, s in seed()) {
        fd(|v| s * v[0].log2(), &[x], &[rules::log2(x, s)])?;
    }

    #[test]
    fn ln_1p_fd(x in -0.9..100.0_f64, s in seed()) {
        fd(|v| s * v[0].ln_1p(), &[x], &[rules::ln_1p(x, s)])?;
    }

    #[test]
    fn log_fd(
        x in 0.1..100.0_f64,
        base in prop_oneof![0.1..0.7_f64, 1.5..10.0_f64],
        s in seed(),
    ) {
        let (dx, db) = rules::log(x, base, s);
        fd(|v| s * v[0].log(v[1]), &[x, base], &[dx, db])?;
    }

    #[test]
    fn sqrt_fd(x in 0.1..100.0_f64, s in seed()) {
        fd(|v| s * v[0].sqrt(), &[x], &[rules::sqrt(x.sqrt(), s)])?;
    }

    #[test]
    fn cbrt_fd(x in nonzero(0.1, 100.0), s in seed()) {
        fd(|v| s * v[0].cbrt(), &[x], &[rules::cbrt(x.cbrt(), s)])?;
    }

    #[test]
    fn recip_fd(x in nonzero(0.2, 100.0), s in seed()) {
        fd(|v| s * v[0].recip(), &[x], &[rules::recip(x.recip(), s)])?;
    }

    #[test]
    fn powi_fd(x in nonzero(0.2, 3.0), n in -5..=5_i32, s in seed()) {
        fd(|v| s * v[0].powi(n), &[x], &[rules::powi(x, n, s)])?;
    }

    #[test]
    fn powf_fd(x in 0.1..10.0_f64, p in -3.0..3.0_f64, s in seed()) {
        let (dx, dp) = rules::powf(x, p, x.powf(p), s);
        fd(|v| s * v[0].powf(v[1]), &[x, p], &[dx, dp])?;
    }

    #[test]
    fn sin_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].sin(), &[x], &[rules::sin(x, s)])?;
    }

    #[test]
    fn cos_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].cos(), &[x], &[rules::cos(x, s)])?;
    }

    #[test]
    fn tan_fd(x in -1.4..1.4_f64, s in seed()) {
        fd(|v| s * v[0].tan(), &[x], &[rules::tan(x.tan(), s)])?;
    }

    #[test]
    fn asin_fd(x in -0.95..0.95_f64, s in seed()) {
        fd(|v| s * v[0].asin(), &[x], &[rules::asin(x, s)])?;
    }

    #[test]
    fn acos_fd(x in -0.95..0.95_f64, s in seed()) {
        fd(|v| s * v[0].acos(), &[x], &[rules::acos(x, s)])?;
    }

    #[test]
    fn atan_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].atan(), &[x], &[rules::atan(x, s)])?;
    }

    #[test]
    fn atan2_fd(y in any(), x in any(), s in seed()) {
        prop_assume!(x.hypot(y) > 0.5);
        // Away from the branch cut (x < 0, y = 0) where the value jumps.
        prop_assume!(x > 0.0 || y.abs() > 0.01);
        let (dy, dx) = rules::atan2(y, x, s);
        fd(|v| s * v[0].atan2(v[1]), &[y, x], &[dy, dx])?;
    }

    #[test]
    fn sinh_fd(x in -5.0..5.0_f64, s in seed()) {
        fd(|v| s * v[0].sinh(), &[x], &[rules::sinh(x, s)])?;
    }

    #[test]
    fn cosh_fd(x in -5.0..5.0_f64, s in seed()) {
        fd(|v| s * v[0].cosh(), &[x], &[rules::cosh(x, s)])?;
    }

    #[test]
    fn tanh_fd(x in -5.0..5.0_f64, s in seed()) {
        fd(|v| s * v[0].tanh(), &[x], &[rules::tanh(x.tanh(), s)])?;
    }

    #[test]
    fn asinh_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].asinh(), &[x], &[rules::asinh(x, s)])?;
    }

    #[test]
    fn acosh_fd(x in 1.1..10.0_f64, s in seed()) {
        fd(|v| s * v[0].acosh(), &[x], &[rules::acosh(x, s)])?;
    }

    #[test]
    fn atanh_fd(x in -0.95..0.95_f64, s in seed()) {
        fd(|v| s * v[0].atanh(), &[x], &[rules::atanh(x, s)])?;
    }

    #[test]
    fn abs_fd(x in nonzero(0.1, 10.0), s in seed()) {
        fd(|v| s * v[0].abs(), &[x], &[rules::abs(x, s)])?;
    }

    #[test]
    fn max_fd(a in any(), b in any(), s in seed()) {
        prop_assume!((a - b).abs() > 0.1);
        let (da, db) = rules::max(a, b, s);
        fd(|v| s * v[0].max(v[1]), &[a, b], &[da, db])?;
    }

    #[test]
    fn min_fd(a in any(), b in any(), s in seed()) {
        prop_assume!((a - b).abs() > 0.1);
        let (da, db) = rules::min(a, b, s);
        fd(|v| s * v[0].min(v[1]), &[a, b], &[da, db])?;
    }

    #[test]
    fn hypot_fd(a in any(), b in any(), s in seed()) {
        prop_assume!(a.hypot(b) > 0.5);
        let (da, db) = rules::hypot(a, b, a.hypot(b), s);
        fd(|v| s * v[0].hypot(v[1]), &[a, b], &[da, db])?;
    }

    #[test]
    fn mul_add_fd(a in any(), b in any(), c in any(), s in seed()) {
        let (da, db, dc) = rules::mul_add(a, b, s);
        fd(|v| s * v[0].mul_add(v[1], v[2]), &[a, b, c], &[da, db, dc])?;
    }

    #[test]
    fn to_degrees_fd(x in any(), s in seed()) {
        fd(|v| s * v[0].to_degrees(), &[x], &[rules::to_degrees(s)])?;
    }

    #[test]
    fn to_radians_fd(x in -500.0..500.0_f64, s in seed()) {
        fd(|v| s * v[0].to_radians(), &[x], &[rules::to_radians(s)])?;
    }
}

// ---------------------------------------------------------------------------
// One value per rule, worked by hand.
// ---------------------------------------------------------------------------

#[test]
fn add_by_hand() {
    assert_eq!(rules::add(3.0), (3.0, 3.0));
}

#[test]
fn sub_by_hand() {
    assert_eq!(rules::sub(3.0), (3.0, -3.0));
}

#[test]
fn neg_by_hand() {
    assert_eq!(rules::neg(3.0), -3.0);
}

#[test]
fn mul_by_hand() {
    // y = 3·4, ȳ = 2: ā = 2·4, b̄ = 2·3
    assert_eq!(rules::mul(3.0, 4.0, 2.0), (8.0, 6.0));
}

#[test]
fn div_by_hand() {
    // y = 12/4 = 3, ȳ = 2: ā = 2/4, b̄ = −2·3/4
    assert_eq!(rules::div(4.0, 3.0, 2.0), (0.5, -1.5));
}

#[test]
fn exp_by_hand() {
    // y = e^x = 2 (x = ln 2), ȳ = 3: x̄ = 3·2
    assert_eq!(rules::exp(2.0, 3.0), 6.0);
}

#[test]
fn exp2_by_hand() {
    // y = 2² = 4, ȳ = 1: x̄ = 4·ln 2
    close(rules::exp2(4.0, 1.0), 4.0 * LN_2);
}

#[test]
fn exp_m1_by_hand() {
    // y = e^x − 1 = 1 (x = ln 2), ȳ = 2: x̄ = 2·(1 + 1)
    assert_eq!(rules::exp_m1(1.0, 2.0), 4.0);
}

#[test]
fn ln_by_hand() {
    // x = 4, ȳ = 2: x̄ = 2/4
    assert_eq!(rules::ln(4.0, 2.0), 0.5);
}

#[test]
fn log10_by_hand() {
    // x = 10, ȳ = 1: x̄ = 1/(10·ln 10) = log₁₀(e)/10
    close(rules::log10(10.0, 1.0), 1.0 / (10.0 * LN_10));
    close(rules::log10(0.1, 1.0), 1.0 / (0.1 * LN_10));
}

#[test]
fn log2_by_hand() {
    // x = 2, ȳ = 1: x̄ = 1/(2·ln 2)
    close(rules::log2(2.0, 1.0), 1.0 / (2.0 * LN_2));
}

#[test]
fn ln_1p_by_hand() {
    // x = 1, ȳ = 4: x̄ = 4/2
    assert_eq!(rules::ln_1p(1.0, 4.0), 2.0);
}

#[test]
fn log_by_hand() {
    // y = log₂ 8 = 3, ȳ = 1: x̄ = 1/(8·ln 2), b̄ = −ln 8/(2·ln² 2) = −3/(2·ln 2)
    let (dx, db) = rules::log(8.0, 2.0, 1.0);
    close(dx, 1.0 / (8.0 * LN_2));
    close(db, -3.0 / (2.0 * LN_2));
}

#[test]
fn sqrt_by_hand() {
    // y = √9 = 3, ȳ = 6: x̄ = 6/(2·3)
    assert_eq!(rules::sqrt(3.0, 6.0), 1.0);
}

#[test]
fn cbrt_by_hand() {
    // y = ∛8 = 2, ȳ = 12: x̄ = 12/(3·4)
    assert_eq!(rules::cbrt(2.0, 12.0), 1.0);
}

#[test]
fn recip_by_hand() {
    // y = 1/2, ȳ = 1: x̄ = −(1/2)²
    assert_eq!(rules::recip(0.5, 1.0), -0.25);
}

#[test]
fn powi_by_hand() {
    // y = x³ at x = 2, ȳ = 1: x̄ = 3·2² = 12
    assert_eq!(rules::powi(2.0, 3, 1.0), 12.0);
    // y = x⁻¹ at x = 2: x̄ = −1·2⁻² = −1/4
    assert_eq!(rules::powi(2.0, -1, 1.0), -0.25);
}

#[test]
fn powf_by_hand() {
    // y = 4^0.5 = 2, ȳ = 1: x̄ = 0.5·4^(−0.5) = 1/4, p̄ = 2·ln 4
    let (dx, dp) = rules::powf(4.0, 0.5, 2.0, 1.0);
    assert_eq!(dx, 0.25);
    close(dp, 2.0 * 4.0_f64.ln());
}

#[test]
fn sin_by_hand() {
    // x = 0, ȳ = 2: x̄ = 2·cos 0
    assert_eq!(rules::sin(0.0, 2.0), 2.0);
}

#[test]
fn cos_by_hand() {
    // x = π/2, ȳ = 2: x̄ = −2·sin(π/2) = −2
    close(rules::cos(PI / 2.0, 2.0), -2.0);
}

#[test]
fn tan_by_hand() {
    // y = tan(π/4) = 1, ȳ = 1: x̄ = 1 + 1²
    assert_eq!(rules::tan(1.0, 1.0), 2.0);
}

#[test]
fn asin_by_hand() {
    // x = 0.6, ȳ = 1: x̄ = 1/√(1 − 0.36) = 1/0.8
    close(rules::asin(0.6, 1.0), 1.25);
}

#[test]
fn acos_by_hand() {
    close(rules::acos(0.6, 1.0), -1.25);
}

#[test]
fn atan_by_hand() {
    // x = 1, ȳ = 2: x̄ = 2/(1 + 1)
    assert_eq!(rules::atan(1.0, 2.0), 1.0);
}

#[test]
fn atan2_by_hand() {
    // θ = atan2(3, 4), θ̄ = 25: ȳ = 25·4/25, x̄ = −25·3/25
    let (dy, dx) = rules::atan2(3.0, 4.0, 25.0);
    close(dy, 4.0);
    close(dx, -3.0);
}

#[test]
fn sinh_by_hand() {
    // x = 0, ȳ = 3: x̄ = 3·cosh 0
    assert_eq!(rules::sinh(0.0, 3.0), 3.0);
}

#[test]
fn cosh_by_hand() {
    // x = ln 2: sinh x = (2 − 1/2)/2 = 3/4, ȳ = 4: x̄ = 3
    close(rules::cosh(LN_2, 4.0), 3.0);
}

#[test]
fn tanh_by_hand() {
    // y = 0.5, ȳ = 4: x̄ = 4·(1 − 0.25)
    assert_eq!(rules::tanh(0.5, 4.0), 3.0);
}

#[test]
fn asinh_by_hand() {
    // x = 0.75: √(0.5625 + 1) = 1.25, x̄ = 1/1.25
    close(rules::asinh(0.75, 1.0), 0.8);
}

#[test]
fn acosh_by_hand() {
    // x = 1.25: √(1.5625 − 1) = 0.75, x̄ = 1/0.75
    close(rules::acosh(1.25, 1.0), 4.0 / 3.0);
}

#[test]
fn atanh_by_hand() {
    // x = 0.5: x̄ = 1/(1 − 0.25)
    close(rules::atanh(0.5, 1.0), 4.0 / 3.0);
}

#[test]
fn abs_by_hand() {
    assert_eq!(rules::abs(-2.0, 3.0), -3.0);
    assert_eq!(rules::abs(5.0, 3.0), 3.0);
}

#[test]
fn max_by_hand() {
    assert_eq!(rules::max(1.0, 2.0, 4.0), (0.0, 4.0));
    assert_eq!(rules::max(3.0, 2.0, 4.0), (4.0, 0.0));
}

#[test]
fn min_by_hand() {
    assert_eq!(rules::min(1.0, 2.0, 4.0), (4.0, 0.0));
    assert_eq!(rules::min(3.0, 2.0, 4.0), (0.0, 4.0));
}

#[test]
fn hypot_by_hand() {
    // y = hypot(3, 4) = 5, ȳ = 10: ā = 10·3/5, b̄ = 10·4/5
    assert_eq!(rules::hypot(3.0, 4.0, 5.0, 10.0), (6.0, 8.0));
}

#[test]
fn mul_add_by_hand() {
    // y = 2·3 + c, ȳ = 5: ā = 5·3, b̄ = 5·2, c̄ = 5
    assert_eq!(rules::mul_add(2.0, 3.0, 5.0), (15.0, 10.0, 5.0));
}

#[test]
fn to_degrees_by_hand() {
    close(rules::to_degrees(PI), 180.0);
}

#[test]
fn to_radians_by_hand() {
    close(rules::to_radians(180.0), PI);
}

// ---------------------------------------------------------------------------
// Conventions at non-differentiable points, NaN and infinity, f32.
// ---------------------------------------------------------------------------

#[test]
fn powi_zero_exponent_is_exactly_zero() {
    assert_eq!(rules::powi(0.0, 0, 1.0), 0.0);
    assert_eq!(rules::powi(0.0, 0, -2.5), 0.0);
    assert_eq!(rules::powi(f64::INFINITY, 0, 1.0), 0.0);
    assert_eq!(rules::powi(3.0_f32, 0, 1.0), 0.0);
    // n = 1 at 0 is 1, n = 2 at 0 is 0: no NaN from 0⁰ or 0·0⁻¹
    assert_eq!(rules::powi(0.0, 1, 1.0), 1.0);
    assert_eq!(rules::powi(0.0, 2, 1.0), 0.0);
}

#[test]
fn powi_extreme_exponents_do_not_overflow() {
    // i32::MIN − 1 would overflow; the rule must not panic
    assert_eq!(rules::powi(1.0, i32::MIN, 1.0), f64::from(i32::MIN));
    assert_eq!(rules::powi(1.0, i32::MAX, 1.0), f64::from(i32::MAX));
    assert_eq!(rules::powi(2.0, i32::MIN, 1.0), -0.0);
}

#[test]
fn powf_conventions() {
    // p = 0: constant 1, x̄ = 0 even at x = 0 (no 0·0⁻¹)
    let (dx, dp) = rules::powf(0.0, 0.0, 1.0, 1.0);
    assert_eq!(dx, 0.0);
    assert_eq!(dp, f64::NEG_INFINITY); // ȳ·1·ln 0, honestly infinite
    assert_eq!(rules::powf(5.0, 0.0, 1.0, 2.0).0, 0.0);
    // x = 0, p > 0: y = 0, p̄ = 0 (limit of y·ln x as x → 0⁺), never 0·(−∞)
    assert_eq!(rules::powf(0.0, 2.0, 0.0, 1.0), (0.0, 0.0));
    assert_eq!(rules::powf(0.0, 1.0, 0.0, 1.0), (1.0, 0.0));
    let (dx, dp) = rules::powf(0.0, 0.5, 0.0, 1.0);
    assert_eq!((dx, dp), (f64::INFINITY, 0.0));
    // x = ∞, p < 0: y = 0, p̄ = 0 rather than 0·∞
    assert_eq!(rules::powf(f64::INFINITY, -1.0, 0.0, 1.0).1, 0.0);
    // negative base, integral exponent: x̄ fine, p̄ NaN
    let (dx, dp) = rules::powf(-2.0_f64, 3.0, -8.0, 1.0);
    assert_eq!(dx, 12.0);
    assert!(dp.is_nan());
}

#[test]
fn abs_at_zero_is_zero() {
    assert_eq!(rules::abs(0.0, 3.0), 0.0);
    assert_eq!(rules::abs(-0.0, 3.0), 0.0);
    assert!(rules::abs(f64::NAN, 3.0).is_nan());
}

#[test]
fn max_min_ties_split_the_seed() {
    assert_eq!(rules::max(2.0, 2.0, 4.0), (2.0, 2.0));
    assert_eq!(rules::min(2.0, 2.0, 4.0), (2.0, 2.0));
    assert_eq!(rules::max(0.0, -0.0, 1.0), (0.5, 0.5));
    assert_eq!(rules::min(f64::INFINITY, f64::INFINITY, 1.0), (0.5, 0.5));
}

#[test]
fn max_min_route_around_a_nan_argument() {
    let nan = f64::NAN;
    // F::max / F::min return the non-NaN argument, which gets the seed
    assert_eq!(nan.max(1.0), 1.0);
    assert_eq!(rules::max(nan, 1.0, 4.0), (0.0, 4.0));
    assert_eq!(rules::max(1.0, nan, 4.0), (4.0, 0.0));
    assert_eq!(rules::min(nan, 1.0, 4.0), (0.0, 4.0));
    assert_eq!(rules::min(1.0, nan, 4.0), (4.0, 0.0));
    let (da, db) = rules::max(nan, nan, 4.0);
    assert!(da.is_nan() && db.is_nan());
    let (da, db) = rules::min(nan, nan, 4.0);
    assert!(da.is_nan() && db.is_nan());
}

#[test]
fn hypot_at_origin_is_zero() {
    assert_eq!(rules::hypot(0.0, 0.0, 0.0, 1.0), (0.0, 0.0));
    // hypot(a, 0) = |a|: same cotangent as abs
    assert_eq!(rules::hypot(-2.0, 0.0, 2.0, 3.0).0, rules::abs(-2.0, 3.0));
}

#[test]
fn large_arguments_do_not_overflow() {
    // asinh: 1/√(x² + 1) ≈ 1/x even when x² overflows
    close(rules::asinh(1e200, 1.0) * 1e200, 1.0);
    // acosh: 1/√(x² − 1) ≈ 1/x
    close(rules::acosh(1e200, 1.0) * 1e200, 1.0);
    // atan2 with a radius whose square overflows
    let (dy, dx) = rules::atan2(0.0, 1e200, 1.0);
    close(dy * 1e200, 1.0);
    assert_eq!(dx, 0.0);
}

#[test]
fn singular_points_give_infinity_or_nan_without_panicking() {
    assert_eq!(rules::ln(0.0, 1.0), f64::INFINITY);
    assert_eq!(rules::sqrt(0.0, 1.0), f64::INFINITY);
    assert_eq!(rules::div(0.0, f64::INFINITY, 1.0).0, f64::INFINITY);
    assert_eq!(rules::asin(1.0, 1.0), f64::INFINITY);
    assert_eq!(rules::atanh(-1.0, 1.0), f64::INFINITY);
    let (dy, dx) = rules::atan2(0.0_f64, 0.0, 1.0);
    assert!(dy.is_nan() && dx.is_nan());
    assert!(rules::asin(2.0_f64, 1.0).is_nan());
}

#[test]
fn nan_propagates_through_every_rule() {
    let n = f64::NAN;
    let one = 1.0;
    let singles = [
        rules::neg(n),
        rules::exp(n, one),
        rules::exp2(n, one),
        rules::exp_m1(n, one),
        rules::ln(n, one),
        rules::log10(n, one),
        rules::log2(n, one),
        rules::ln_1p(n, one),
        rules::sqrt(n, one),
        rules::cbrt(n, one),
        rules::recip(n, one),
        rules::powi(n, 3, one),
        rules::sin(n, one),
        rules::cos(n, one),
        rules::tan(n, one),
        rules::asin(n, one),
        rules::acos(n, one),
        rules::atan(n, one),
        rules::sinh(n, one),
        rules::cosh(n, one),
        rules::tanh(n, one),
        rules::asinh(n, one),
        rules::acosh(n, one),
        rules::atanh(n, one),
        rules::abs(n, one),
        rules::to_degrees(n),
        rules::to_radians(n),
        rules::exp(one, n),
        rules::sin(one, n),
    ];
    for (i, v) in singles.iter().enumerate() {
        assert!(v.is_nan(), "single-input case {i} gave {v}");
    }
    let pairs = [
        rules::add(n),
        rules::sub(n),
        rules::mul(n, n, one),
        rules::div(n, one, one),
        rules::log(n, n, one),
        rules::powf(n, 2.0, n, one),
        rules::atan2(n, one, one),
        rules::hypot(n, n, n, one),
        rules::mul(one, one, n),
    ];
    for (i, (a, b)) in pairs.iter().enumerate() {
        assert!(a.is_nan() || b.is_nan(), "pair case {i} gave ({a}, {b})");
    }
    let (a, b, c) = rules::mul_add(one, one, n);
    assert!(a.is_nan() && b.is_nan() && c.is_nan());
}

#[test]
fn rules_work_in_f32() {
    assert_eq!(rules::mul(3.0_f32, 4.0, 2.0), (8.0, 6.0));
    assert!((rules::log10(10.0_f32, 1.0) - 0.043_429_45).abs() < 1e-7);
    assert!((rules::exp2(4.0_f32, 1.0) - 4.0 * std::f32::consts::LN_2).abs() < 1e-6);
    let (dx, dp) = rules::powf(4.0_f32, 0.5, 2.0, 1.0);
    assert_eq!(dx, 0.25);
    assert!((dp - 2.0 * 4.0_f32.ln()).abs() < 1e-6);
    let report = check_grad(
        |v: &[f32]| v[0].tanh(),
        &[0.3],
        &[rules::tanh(0.3_f32.tanh(), 1.0)],
    );
    assert!(report.is_within(1e-3), "{report}");
}
