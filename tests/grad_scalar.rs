//! Every scalar primitive, in method form and as a runtime free function: the generated
//! gradient against the derivative worked by hand, and against central finite differences,
//! over random inputs in the primitive's domain.

// `x.clone()` is part of the language under test.
#![allow(clippy::clone_on_copy)]

use autodiff::prelude::*;
use proptest::prelude::*;

mod common;
use common::{assert_close, both_modes};

/// A one-argument function `f` with the hand-derived derivative `d`, tested on `range`, in
/// forward mode (`grad`) and reverse mode (`vjp`).
macro_rules! unary {
    ($test:ident: $f:ident, $grad:ident, $vjp:ident, |$x:ident| $body:expr, d = $d:expr, $range:expr) => {
        #[differentiable]
        fn $f($x: f64) -> f64 {
            $body
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn $test($x in $range) {
                // Of one float, `_grad` runs forward mode: `both_modes` checks it against the
                // reverse sweep (`_vjp` with seed 1), which the checks below then judge.
                let g = both_modes($grad($x), $vjp($x, 1.0));
                assert_close(g, $d, 1e-12);
                check_grad(|v| $f(v[0]), &[$x], &[g]).assert_within(1e-6);
            }
        }
    };
}

unary!(neg: f_neg, f_neg_grad, f_neg_vjp, |x| -x, d = -1.0, -5.0..5.0);
unary!(exp_method: f_exp, f_exp_grad, f_exp_vjp, |x| x.exp(), d = x.exp(), -5.0..5.0);
unary!(exp_free: f_exp2, f_exp2_grad, f_exp2_vjp, |x| exp(2.0 * x), d = 2.0 * (2.0 * x).exp(), -3.0..3.0);
unary!(exp2_method: f_pow2, f_pow2_grad, f_pow2_vjp, |x| x.exp2(), d = x.exp2() * std::f64::consts::LN_2, -5.0..5.0);
unary!(exp_m1_method: f_expm1, f_expm1_grad, f_expm1_vjp, |x| x.exp_m1(), d = x.exp(), -5.0..5.0);
unary!(ln_method: f_ln, f_ln_grad, f_ln_vjp, |x| x.ln(), d = 1.0 / x, 0.01..10.0);
unary!(ln_free: f_ln_free, f_ln_free_grad, f_ln_free_vjp, |x| ln(x * x + 1.0), d = 2.0 * x / (x * x + 1.0), -5.0..5.0);
unary!(log_free: f_log_free, f_log_free_grad, f_log_free_vjp, |x| log(x), d = 1.0 / x, 0.01..10.0);
unary!(log10_method: f_log10, f_log10_grad, f_log10_vjp, |x| x.log10(), d = 1.0 / (x * std::f64::consts::LN_10), 0.01..10.0);
unary!(log2_method: f_log2, f_log2_grad, f_log2_vjp, |x| x.log2(), d = 1.0 / (x * std::f64::consts::LN_2), 0.01..10.0);
unary!(ln_1p_method: f_ln1p, f_ln1p_grad, f_ln1p_vjp, |x| x.ln_1p(), d = 1.0 / (1.0 + x), -0.9..10.0);
unary!(log_base_method: f_logb, f_logb_grad, f_logb_vjp, |x| x.log(3.0), d = 1.0 / (x * 3f64.ln()), 0.01..10.0);
unary!(sqrt_method: f_sqrt, f_sqrt_grad, f_sqrt_vjp, |x| x.sqrt(), d = 0.5 / x.sqrt(), 0.01..10.0);
unary!(sqrt_free: f_sqrt_free, f_sqrt_free_grad, f_sqrt_free_vjp, |x| sqrt(x + 1.0), d = 0.5 / (x + 1.0).sqrt(), 0.0..10.0);
unary!(cbrt_method: f_cbrt, f_cbrt_grad, f_cbrt_vjp, |x| x.cbrt(), d = 1.0 / (3.0 * x.cbrt() * x.cbrt()), 0.1..10.0);
unary!(recip_method: f_recip, f_recip_grad, f_recip_vjp, |x| x.recip(), d = -1.0 / (x * x), 0.1..10.0);
unary!(powi_method: f_powi, f_powi_grad, f_powi_vjp, |x| x.powi(3), d = 3.0 * x * x, -5.0..5.0);
unary!(powi_negative: f_powi_neg, f_powi_neg_grad, f_powi_neg_vjp, |x| x.powi(-2), d = -2.0 / (x * x * x), 0.1..5.0);
unary!(powi_free: f_powi_free, f_powi_free_grad, f_powi_free_vjp, |x| powi(x, 4), d = 4.0 * x * x * x, -3.0..3.0);
unary!(powf_method: f_powf, f_powf_grad, f_powf_vjp, |x| x.powf(2.5), d = 2.5 * x.powf(1.5), 0.01..5.0);
unary!(pow_free_exponent: f_pow_exp, f_pow_exp_grad, f_pow_exp_vjp, |x| pow(2.0, x), d = 2f64.powf(x) * 2f64.ln(), -5.0..5.0);
unary!(sin_method: f_sin, f_sin_grad, f_sin_vjp, |x| x.sin(), d = x.cos(), -5.0..5.0);
unary!(sin_free: f_sin_free, f_sin_free_grad, f_sin_free_vjp, |x| sin(x), d = x.cos(), -5.0..5.0);
unary!(cos_method: f_cos, f_cos_grad, f_cos_vjp, |x| x.cos(), d = -x.sin(), -5.0..5.0);
unary!(tan_method: f_tan, f_tan_grad, f_tan_vjp, |x| x.tan(), d = 1.0 / (x.cos() * x.cos()), -1.4..1.4);
unary!(asin_method: f_asin, f_asin_grad, f_asin_vjp, |x| x.asin(), d = 1.0 / (1.0 - x * x).sqrt(), -0.95..0.95);
unary!(acos_method: f_acos, f_acos_grad, f_acos_vjp, |x| x.acos(), d = -1.0 / (1.0 - x * x).sqrt(), -0.95..0.95);
unary!(atan_method: f_atan, f_atan_grad, f_atan_vjp, |x| x.atan(), d = 1.0 / (1.0 + x * x), -5.0..5.0);
unary!(sinh_method: f_sinh, f_sinh_grad, f_sinh_vjp, |x| x.sinh(), d = x.cosh(), -5.0..5.0);
unary!(cosh_method: f_cosh, f_cosh_grad, f_cosh_vjp, |x| x.cosh(), d = x.sinh(), -5.0..5.0);
unary!(tanh_method: f_tanh, f_tanh_grad, f_tanh_vjp, |x| x.tanh(), d = 1.0 - x.tanh() * x.tanh(), -5.0..5.0);
unary!(tanh_free: f_tanh_free, f_tanh_free_grad, f_tanh_free_vjp, |x| tanh(x), d = 1.0 / (x.cosh() * x.cosh()), -5.0..5.0);
unary!(asinh_method: f_asinh, f_asinh_grad, f_asinh_vjp, |x| x.asinh(), d = 1.0 / (x * x + 1.0).sqrt(), -5.0..5.0);
unary!(acosh_method: f_acosh, f_acosh_grad, f_acosh_vjp, |x| x.acosh(), d = 1.0 / (x * x - 1.0).sqrt(), 1.1..5.0);
unary!(atanh_method: f_atanh, f_atanh_grad, f_atanh_vjp, |x| x.atanh(), d = 1.0 / (1.0 - x * x), -0.95..0.95);
unary!(abs_method: f_abs, f_abs_grad, f_abs_vjp, |x| x.abs(), d = x.signum(), prop_oneof![-5.0..-0.01, 0.01..5.0]);
unary!(abs_free: f_abs_free, f_abs_free_grad, f_abs_free_vjp, |x| abs(x - 1.0), d = (x - 1.0).signum(), prop_oneof![-5.0..0.99, 1.01..5.0]);
unary!(to_degrees: f_deg, f_deg_grad, f_deg_vjp, |x| x.to_degrees(), d = 180.0 / std::f64::consts::PI, -5.0..5.0);
unary!(to_radians: f_rad, f_rad_grad, f_rad_vjp, |x| x.to_radians(), d = std::f64::consts::PI / 180.0, -5.0..5.0);
unary!(ufcs_path: f_ufcs, f_ufcs_grad, f_ufcs_vjp, |x| f64::exp(x) + f64::powi(x, 2), d = x.exp() + 2.0 * x, -3.0..3.0);
unary!(step_functions_cut: f_step, f_step_grad, f_step_vjp, |x| x.floor() + x.round() * x + x.signum(), d = x.round(), prop_oneof![-5.0..-0.01, 0.01..5.0]
    .prop_filter("away from the jumps of floor, round and signum", |x: &f64| { let f = x.fract().abs(); (f - 0.5).abs() > 0.01 && f > 0.01 && f < 0.99 }));
unary!(clone_is_identity: f_clone, f_clone_grad, f_clone_vjp, |x| x.clone() * x, d = 2.0 * x, -5.0..5.0);

/// A two-argument function with both partial derivatives worked by hand.
macro_rules! binary {
    ($test:ident: $f:ident, $grad:ident, |$x:ident, $y:ident| $body:expr, dx = $dx:expr, dy = $dy:expr, $rx:expr, $ry:expr) => {
        #[differentiable]
        fn $f($x: f64, $y: f64) -> f64 {
            $body
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn $test($x in $rx, $y in $ry) {
                let (gx, gy) = $grad($x, $y);
                assert_close(gx, $dx, 1e-12);
                assert_close(gy, $dy, 1e-12);
                check_grad(|v| $f(v[0], v[1]), &[$x, $y], &[gx, gy]).assert_within(1e-6);
            }
        }
    };
}

binary!(add: g_add, g_add_grad, |x, y| x + y, dx = 1.0, dy = 1.0, -5.0..5.0, -5.0..5.0);
binary!(sub: g_sub, g_sub_grad, |x, y| x - y, dx = 1.0, dy = -1.0, -5.0..5.0, -5.0..5.0);
binary!(mul: g_mul, g_mul_grad, |x, y| x * y, dx = y, dy = x, -5.0..5.0, -5.0..5.0);
binary!(div: g_div, g_div_grad, |x, y| x / y, dx = 1.0 / y, dy = -x / (y * y), -5.0..5.0, 0.1..5.0);
binary!(powf_both: g_powf, g_powf_grad, |x, y| x.powf(y), dx = y * x.powf(y - 1.0), dy = x.powf(y) * x.ln(), 0.1..4.0, -3.0..3.0);
binary!(pow_free_both: g_pow, g_pow_grad, |x, y| pow(x, y), dx = y * x.powf(y - 1.0), dy = x.powf(y) * x.ln(), 0.1..4.0, -3.0..3.0);
binary!(atan2: g_atan2, g_atan2_grad, |x, y| x.atan2(y), dx = y / (x * x + y * y), dy = -x / (x * x + y * y), -5.0..5.0, 0.1..5.0);
binary!(hypot: g_hypot, g_hypot_grad, |x, y| x.hypot(y), dx = x / x.hypot(y), dy = y / x.hypot(y), 0.1..5.0, -5.0..-0.1);
binary!(max: g_max, g_max_grad, |x, y| x.max(y), dx = if x > y { 1.0 } else { 0.0 }, dy = if x > y { 0.0 } else { 1.0 },
    -5.0..5.0, -5.0..5.0);
binary!(min_free: g_min, g_min_grad, |x, y| min(x, y), dx = if x < y { 1.0 } else { 0.0 }, dy = if x < y { 0.0 } else { 1.0 },
    -5.0..5.0, -5.0..5.0);
binary!(mul_add: g_fma, g_fma_grad, |x, y| x.mul_add(y, x), dx = y + 1.0, dy = x, -5.0..5.0, -5.0..5.0);
binary!(log_base_both: g_log, g_log_grad, |x, y| x.log(y), dx = 1.0 / (x * y.ln()), dy = -x.ln() / (y * y.ln() * y.ln()), 0.1..5.0, 1.5..5.0);

/// Every operation at once, in one expression, against the same expression differentiated
/// by hand.
#[differentiable]
fn mixed(x: f64, y: f64) -> f64 {
    (x * y).sin() + (x / (1.0 + y * y)).exp() - y.powi(3) * x.ln()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn mixed_expression(x in 0.1f64..3.0, y in -2.0f64..2.0) {
        let (gx, gy) = mixed_grad(x, y);
        let q = 1.0 + y * y;
        let e = (x / q).exp();
        assert_close(gx, y * (x * y).cos() + e / q - y.powi(3) / x, 1e-12);
        assert_close(gy, x * (x * y).cos() - e * x * 2.0 * y / (q * q) - 3.0 * y * y * x.ln(), 1e-12);
        check_grad(|v| mixed(v[0], v[1]), &[x, y], &[gx, gy]).assert_within(1e-6);
    }
}

#[differentiable]
fn single_precision(x: f32, y: f32) -> f32 {
    (x * y).tanh() + x.sqrt()
}

#[test]
fn f32_functions() {
    let (x, y) = (0.7f32, 1.3f32);
    let (gx, gy) = single_precision_grad(x, y);
    let s = 1.0 - (x * y).tanh().powi(2);
    assert!((gx - (y * s + 0.5 / x.sqrt())).abs() < 1e-6);
    assert!((gy - x * s).abs() < 1e-6);
    check_grad(|v| single_precision(v[0], v[1]), &[x, y], &[gx, gy]).assert_within(1e-3);
}

#[test]
fn value_and_grad_and_vjp_agree() {
    let (v, g) = mixed_value_and_grad(1.2, 0.4);
    assert_eq!(v, mixed(1.2, 0.4));
    assert_eq!(g, mixed_grad(1.2, 0.4));
    let (v2, (sx, sy)) = mixed_vjp(1.2, 0.4, 3.0);
    assert_eq!(v2, v);
    assert_close(sx, 3.0 * g.0, 1e-15);
    assert_close(sy, 3.0 * g.1, 1e-15);
}
