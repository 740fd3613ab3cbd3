//! The slice primitives and their rules: every rule against central finite
//! differences of its primal (proptest over random lengths and values), one
//! value worked out by hand per rule, the buffer contract (`None` skipped,
//! `Some` added to, lengths checked), the conventions at non-differentiable
//! points, NaN and infinity, stability on large inputs, and the shapes of
//! `ZeroGrad`.

mod common;
use autodiff_runtime::{self as ad, check_grad, rules, ZeroGrad};
use common::{close, fd};
use proptest::collection::vec;
use proptest::prelude::*;
use std::f64::consts::LN_2;

#[track_caller]
fn close_all(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (&g, &w) in got.iter().zip(want) {
        close(g, w);
    }
}

fn any() -> impl Strategy<Value = f64> {
    -10.0..10.0_f64
}

fn seed() -> impl Strategy<Value = f64> {
    -3.0..3.0_f64
}

/// A vector with a length in `len`.
fn vector(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    vec(any(), len)
}

/// Two vectors of the same length in `len`.
fn pair(len: std::ops::Range<usize>) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    len.prop_flat_map(|n| (vec(any(), n), vec(any(), n)))
}

/// The gap between the largest and the second largest element (`+∞` for one
/// element).
fn top_gap(v: &[f64]) -> f64 {
    let mut sorted = v.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    match sorted[..] {
        [first, second, ..] => first - second,
        _ => f64::INFINITY,
    }
}

fn negated(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| -x).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn dot_fd((a, b) in pair(0..8), s in seed()) {
        let n = a.len();
        let (mut da, mut db) = (vec![0.0; n], vec![0.0; n]);
        rules::dot(&a, &b, s, Some(&mut da), Some(&mut db));
        let x = [&a[..], &b[..]].concat();
        let grad = [&da[..], &db[..]].concat();
        fd(|x| s * ad::dot(&x[..n], &x[n..]), &x, &grad)?;
    }

    #[test]
    fn sum_fd(v in vector(0..8), s in seed()) {
        let mut dv = vec![0.0; v.len()];
        rules::sum(s, Some(&mut dv));
        fd(|x| s * ad::sum(x), &v, &dv)?;
    }

    #[test]
    fn mean_fd(v in vector(1..8), s in seed()) {
        let mut dv = vec![0.0; v.len()];
        rules::mean(s, Some(&mut dv));
        fd(|x| s * ad::mean(x), &v, &dv)?;
    }

    #[test]
    fn norm_fd(v in vector(1..8), s in seed()) {
        let out = ad::norm(&v);
        prop_assume!(out > 0.5);
        let mut dv = vec![0.0; v.len()];
        rules::norm(&v, out, s, Some(&mut dv));
        fd(|x| s * ad::norm(x), &v, &dv)?;
    }

    #[test]
    fn norm_squared_fd(v in vector(0..8), s in seed()) {
        let mut dv = vec![0.0; v.len()];
        rules::norm_squared(&v, s, Some(&mut dv));
        fd(|x| s * ad::norm_squared(x), &v, &dv)?;
    }

    #[test]
    fn logsumexp_fd(v in vector(1..8), s in seed()) {
        let mut dv = vec![0.0; v.len()];
        rules::logsumexp(&v, ad::logsumexp(&v), s, Some(&mut dv));
        fd(|x| s * ad::logsumexp(x), &v, &dv)?;
    }

    #[test]
    fn softmax_vjp_fd((v, s) in pair(0..8)) {
        // A random seed vector: the rule is the VJP, the gradient of ⟨s, softmax(v)⟩.
        let s: Vec<f64> = s.iter().map(|x| x * 0.3).collect();
        let mut dv = vec![0.0; v.len()];
        rules::softmax(&ad::softmax(&v), &s, Some(&mut dv));
        fd(|x| ad::dot(&s, &ad::softmax(x)), &v, &dv)?;
    }

    #[test]
    fn max_of_fd(v in vector(1..8), s in seed()) {
        prop_assume!(top_gap(&v) > 0.1);
        let mut dv = vec![0.0; v.len()];
        rules::max_of(&v, ad::max_of(&v), s, Some(&mut dv));
        fd(|x| s * ad::max_of(x), &v, &dv)?;
    }

    #[test]
    fn min_of_fd(v in vector(1..8), s in seed()) {
        prop_assume!(top_gap(&negated(&v)) > 0.1);
        let mut dv = vec![0.0; v.len()];
        rules::min_of(&v, ad::min_of(&v), s, Some(&mut dv));
        fd(|x| s * ad::min_of(x), &v, &dv)?;
    }

    /// Every rule adds into a `Some` buffer: starting from `prior` gives
    /// exactly `prior + (what it adds to zeros)`, element by element.
    #[test]
    fn rules_add_into_buffers((v, prior) in pair(1..8), w in vector(8..9), s in seed()) {
        let n = v.len();
        let w = &w[..n];
        type Rule<'a> = Box<dyn Fn(&mut [f64]) + 'a>;
        let sm = ad::softmax(&v);
        let cases: Vec<(&str, Rule)> = vec![
            ("dot a", Box::new(|d| rules::dot(&v, w, s, Some(d), None))),
            ("dot b", Box::new(|d| rules::dot(w, &v, s, None, Some(d)))),
            ("sum", Box::new(|d| rules::sum(s, Some(d)))),
            ("mean", Box::new(|d| rules::mean(s, Some(d)))),
            ("norm", Box::new(|d| rules::norm(&v, ad::norm(&v), s, Some(d)))),
            ("norm_squared", Box::new(|d| rules::norm_squared(&v, s, Some(d)))),
            ("logsumexp", Box::new(|d| rules::logsumexp(&v, ad::logsumexp(&v), s, Some(d)))),
            ("softmax", Box::new(|d| rules::softmax(&sm, w, Some(d)))),
            ("max_of", Box::new(|d| rules::max_of(&v, ad::max_of(&v), s, Some(d)))),
            ("min_of", Box::new(|d| rules::min_of(&v, ad::min_of(&v), s, Some(d)))),
        ];
        for (name, rule) in &cases {
            let mut fresh = vec![0.0; n];
            rule(&mut fresh);
            let mut acc = prior.clone();
            rule(&mut acc);
            let want: Vec<f64> = prior.iter().zip(&fresh).map(|(p, g)| p + g).collect();
            prop_assert_eq!(&acc, &want, "{}", name);
            // a second call adds again
            rule(&mut acc);
            let want: Vec<f64> = want.iter().zip(&fresh).map(|(p, g)| p + g).collect();
            prop_assert_eq!(&acc, &want, "{} (second call)", name);
        }
    }
}

// ---------------------------------------------------------------------------
// The primal functions, worked by hand.
// ---------------------------------------------------------------------------

#[test]
fn primal_by_hand() {
    assert_eq!(ad::dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
    assert_eq!(ad::dot::<f64>(&[], &[]), 0.0);
    assert_eq!(ad::sum(&[1.0, 2.0, 3.5]), 6.5);
    assert_eq!(ad::sum::<f64>(&[]), 0.0);
    assert_eq!(ad::mean(&[1.0, 2.0, 6.0]), 3.0);
    assert_eq!(ad::norm(&[3.0, 4.0]), 5.0);
    assert_eq!(ad::norm(&[-3.0, 0.0, 4.0]), 5.0);
    assert_eq!(ad::norm::<f64>(&[]), 0.0);
    assert_eq!(ad::norm(&[0.0, -0.0]), 0.0);
    assert_eq!(ad::norm_squared(&[3.0, -4.0]), 25.0);
    // ln(1 + 3) with v = (0, ln 3)
    close(ad::logsumexp(&[0.0, 3.0_f64.ln()]), 4.0_f64.ln());
    close(ad::logsumexp(&[2.0]), 2.0);
    close_all(&ad::softmax(&[0.0, 3.0_f64.ln()]), &[0.25, 0.75]);
    assert_eq!(ad::softmax(&[5.0]), [1.0]);
    assert_eq!(ad::max_of(&[1.0, 3.0, 2.0]), 3.0);
    assert_eq!(ad::min_of(&[1.0, -3.0, 2.0]), -3.0);
    assert_eq!(ad::max_of(&[f64::NEG_INFINITY]), f64::NEG_INFINITY);
    assert_eq!(ad::min_of(&[f64::INFINITY, 1.0]), 1.0);
}

#[test]
fn primal_in_f32() {
    assert_eq!(ad::dot(&[1.0_f32, 2.0], &[3.0, 4.0]), 11.0);
    assert_eq!(ad::mean(&[1.0_f32, 2.0]), 1.5);
    assert_eq!(ad::norm(&[3.0_f32, 4.0]), 5.0);
    assert_eq!(ad::norm(&[3e30_f32, 4e30]), 5e30); // Σvᵢ² overflows f32
    assert!((ad::logsumexp(&[100.0_f32, 100.0]) - (100.0 + std::f32::consts::LN_2)).abs() < 1e-4);
    assert_eq!(ad::softmax(&[100.0_f32, 100.0]), [0.5, 0.5]);
    assert_eq!(ad::max_of(&[1.0_f32, 2.0]), 2.0);
}

// ---------------------------------------------------------------------------
// One value per rule, worked by hand.
// ---------------------------------------------------------------------------

#[test]
fn dot_by_hand() {
    // y = ⟨(1, 2, 3), (4, 5, 6)⟩, ȳ = 2: ā = 2·b, b̄ = 2·a
    let (mut da, mut db) = ([0.0; 3], [0.0; 3]);
    rules::dot(
        &[1.0, 2.0, 3.0],
        &[4.0, 5.0, 6.0],
        2.0,
        Some(&mut da),
        Some(&mut db),
    );
    assert_eq!(da, [8.0, 10.0, 12.0]);
    assert_eq!(db, [2.0, 4.0, 6.0]);
}

#[test]
fn sum_by_hand() {
    let mut dv = [0.0; 3];
    rules::sum(3.0, Some(&mut dv));
    assert_eq!(dv, [3.0; 3]);
}

#[test]
fn mean_by_hand() {
    // n = 3, ȳ = 6: v̄ᵢ = 6/3
    let mut dv = [0.0; 3];
    rules::mean(6.0, Some(&mut dv));
    assert_eq!(dv, [2.0; 3]);
}

#[test]
fn norm_by_hand() {
    // y = ‖(3, 4)‖ = 5, ȳ = 10: v̄ = 10·(3, 4)/5
    let mut dv = [0.0; 2];
    rules::norm(&[3.0, 4.0], 5.0, 10.0, Some(&mut dv));
    assert_eq!(dv, [6.0, 8.0]);
}

#[test]
fn norm_squared_by_hand() {
    // y = 1 + 4, ȳ = 3: v̄ = 2·3·(1, −2)
    let mut dv = [0.0; 2];
    rules::norm_squared(&[1.0, -2.0], 3.0, Some(&mut dv));
    assert_eq!(dv, [6.0, -12.0]);
}

#[test]
fn logsumexp_by_hand() {
    // v = (0, ln 3), y = ln 4, ȳ = 4: v̄ = 4·(1/4, 3/4)
    let mut dv = [0.0; 2];
    rules::logsumexp(&[0.0, 3.0_f64.ln()], 4.0_f64.ln(), 4.0, Some(&mut dv));
    close_all(&dv, &[1.0, 3.0]);
}

#[test]
fn softmax_by_hand() {
    // y = (1/4, 3/4), ȳ = (1, 0): ⟨ȳ, y⟩ = 1/4,
    // v̄ = (1/4·(1 − 1/4), 3/4·(0 − 1/4)) = (3/16, −3/16)
    let mut dv = [0.0; 2];
    rules::softmax(&[0.25, 0.75], &[1.0, 0.0], Some(&mut dv));
    assert_eq!(dv, [0.1875, -0.1875]);
}

#[test]
fn max_of_by_hand() {
    let mut dv = [0.0; 3];
    rules::max_of(&[1.0, 3.0, 2.0], 3.0, 4.0, Some(&mut dv));
    assert_eq!(dv, [0.0, 4.0, 0.0]);
}

#[test]
fn ties_split_the_seed_however_many() {
    // A few ties (found in the first pass) and many (added in a second one).
    for ties in [1, 2, 4, 5, 9] {
        let mut v = vec![0.5; 12];
        for k in 0..ties {
            v[11 - k] = 3.0;
        }
        let mut dv = vec![1.0; 12];
        rules::max_of(&v, 3.0, 6.0, Some(&mut dv));
        let share = 6.0 / ties as f64;
        let expected: Vec<f64> = v
            .iter()
            .map(|&x| if x == 3.0 { 1.0 + share } else { 1.0 })
            .collect();
        assert_eq!(dv, expected, "{ties} ties");
    }
}

#[test]
fn folds_pass_over_nan() {
    assert_eq!(ad::fold_max(&[1.0, f64::NAN, 3.0]), 3.0);
    assert_eq!(ad::fold_min(&[f64::NAN, 1.0, -3.0]), -3.0);
    assert!(ad::fold_max::<f64>(&[]).is_nan());
    let mut dv = [0.0; 3];
    rules::fold_max(&[1.0, f64::NAN, 3.0], 3.0, 2.0, Some(&mut dv));
    assert_eq!(dv, [0.0, 0.0, 2.0]);
    // Nothing counted (only NaNs): nothing added, where `max_of` adds NaN.
    let mut dv = [0.0; 2];
    rules::fold_min(&[f64::NAN; 2], f64::NAN, 2.0, Some(&mut dv));
    assert_eq!(dv, [0.0; 2]);
    rules::max_of(&[f64::NAN; 2], f64::NAN, 2.0, Some(&mut dv));
    assert!(dv.iter().all(|d| d.is_nan()));
}

#[test]
fn min_of_by_hand() {
    let mut dv = [0.0; 3];
    rules::min_of(&[1.0, 3.0, -2.0], -2.0, 4.0, Some(&mut dv));
    assert_eq!(dv, [0.0, 0.0, 4.0]);
}

#[test]
fn rules_work_in_f32() {
    let (mut da, mut db) = ([0.0_f32; 2], [0.0_f32; 2]);
    rules::dot(&[1.0, 2.0], &[3.0, 4.0], 2.0, Some(&mut da), Some(&mut db));
    assert_eq!((da, db), ([6.0, 8.0], [2.0, 4.0]));
    let mut dv = [0.0_f32; 2];
    rules::norm(&[3.0, 4.0], 5.0, 10.0, Some(&mut dv));
    assert_eq!(dv, [6.0, 8.0]);
    let mut dv = [0.0_f32; 2];
    rules::softmax(&[0.25, 0.75], &[1.0, 0.0], Some(&mut dv));
    assert_eq!(dv, [0.1875, -0.1875]);
    let v = [0.3_f32, -0.2];
    let mut dv = [0.0_f32; 2];
    rules::logsumexp(&v, ad::logsumexp(&v), 1.0, Some(&mut dv));
    let report = check_grad(|x: &[f32]| ad::logsumexp(x), &v, &dv);
    assert!(report.is_within(1e-3), "{report}");
}

// ---------------------------------------------------------------------------
// The buffer contract: `None` is skipped, `Some` is added to.
// ---------------------------------------------------------------------------

#[test]
fn none_buffers_are_skipped() {
    let (a, b) = ([1.0, 2.0], [3.0, 4.0]);
    let mut db = [10.0; 2];
    rules::dot(&a, &b, 1.0, None, Some(&mut db));
    assert_eq!(db, [11.0, 12.0]);
    let mut da = [10.0; 2];
    rules::dot(&a, &b, 1.0, Some(&mut da), None);
    assert_eq!(da, [13.0, 14.0]);
    // with no buffer there is nothing to do, and nothing is checked
    rules::dot(&a, &b, 1.0, None, None);
    rules::sum(1.0, None::<&mut [f64]>);
    rules::mean(1.0, None::<&mut [f64]>);
    rules::norm(&a, 5.0, 1.0, None);
    rules::norm_squared(&a, 1.0, None);
    rules::logsumexp(&a, 2.0, 1.0, None);
    rules::softmax(&[0.5, 0.5], &a, None);
    rules::max_of(&a, 2.0, 1.0, None);
    rules::min_of(&a, 1.0, 1.0, None);
    // NaN inputs with no buffer: no work, no effect
    rules::max_of(&[f64::NAN], f64::NAN, f64::NAN, None);
}

#[test]
fn some_buffers_are_added_to_not_overwritten() {
    let mut dv = [1.0, -1.0];
    rules::sum(2.0, Some(&mut dv));
    assert_eq!(dv, [3.0, 1.0]);
    rules::mean(2.0, Some(&mut dv));
    assert_eq!(dv, [4.0, 2.0]);
    rules::norm_squared(&[1.0, 0.5], 1.0, Some(&mut dv));
    assert_eq!(dv, [6.0, 3.0]);
    rules::max_of(&[1.0, 0.5], 1.0, 1.0, Some(&mut dv));
    assert_eq!(dv, [7.0, 3.0]); // the unselected element is left alone
    rules::min_of(&[1.0, 0.5], 0.5, 1.0, Some(&mut dv));
    assert_eq!(dv, [7.0, 4.0]);
    rules::norm(&[0.0, 0.0], 0.0, 1.0, Some(&mut dv));
    assert_eq!(dv, [7.0, 4.0]);
    rules::softmax(&[0.5, 0.5], &[1.0, 1.0], Some(&mut dv));
    assert_eq!(dv, [7.0, 4.0]);
}

#[test]
fn buffers_accept_vecs_and_arrays() {
    let mut as_vec = vec![0.0; 2];
    let mut as_array = [0.0; 2];
    rules::dot(
        &[1.0, 2.0],
        &[3.0, 4.0],
        1.0,
        Some(&mut as_vec),
        Some(&mut as_array),
    );
    assert_eq!(as_vec, [3.0, 4.0]);
    assert_eq!(as_array, [1.0, 2.0]);
}

// ---------------------------------------------------------------------------
// Length mismatches.
// ---------------------------------------------------------------------------

#[test]
#[should_panic(expected = "dot: the slices have different lengths (a: 3, b: 2)")]
fn primal_dot_length_mismatch() {
    ad::dot(&[1.0, 2.0, 3.0], &[1.0, 2.0]);
}

#[test]
#[should_panic(expected = "rules::dot: the slices have different lengths (a: 3, b: 2)")]
fn rule_dot_input_length_mismatch() {
    rules::dot(&[1.0, 2.0, 3.0], &[1.0, 2.0], 1.0, None, None);
}

#[test]
#[should_panic(expected = "rules::dot: the slices have different lengths (a: 2, da: 3)")]
fn rule_dot_da_length_mismatch() {
    rules::dot(&[1.0, 2.0], &[1.0, 2.0], 1.0, Some(&mut [0.0; 3]), None);
}

#[test]
#[should_panic(expected = "rules::dot: the slices have different lengths (b: 2, db: 1)")]
fn rule_dot_db_length_mismatch() {
    rules::dot(
        &[1.0, 2.0],
        &[1.0, 2.0],
        1.0,
        Some(&mut [0.0; 2]),
        Some(&mut [0.0]),
    );
}

#[test]
#[should_panic(expected = "rules::norm: the slices have different lengths (v: 2, dv: 3)")]
fn rule_norm_length_mismatch() {
    rules::norm(&[3.0, 4.0], 5.0, 1.0, Some(&mut [0.0; 3]));
}

#[test]
#[should_panic(expected = "rules::norm_squared: the slices have different lengths (v: 2, dv: 0)")]
fn rule_norm_squared_length_mismatch() {
    rules::norm_squared(&[3.0, 4.0], 1.0, Some(&mut []));
}

#[test]
#[should_panic(expected = "rules::logsumexp: the slices have different lengths (v: 1, dv: 2)")]
fn rule_logsumexp_length_mismatch() {
    rules::logsumexp(&[0.0], 0.0, 1.0, Some(&mut [0.0; 2]));
}

#[test]
#[should_panic(expected = "rules::softmax: the slices have different lengths (out: 2, seed: 3)")]
fn rule_softmax_seed_length_mismatch() {
    rules::softmax(&[0.5, 0.5], &[1.0, 2.0, 3.0], None);
}

#[test]
#[should_panic(expected = "rules::softmax: the slices have different lengths (out: 2, dv: 1)")]
fn rule_softmax_dv_length_mismatch() {
    rules::softmax(&[0.5, 0.5], &[1.0, 2.0], Some(&mut [0.0]));
}

#[test]
#[should_panic(expected = "rules::max_of: the slices have different lengths (v: 3, dv: 2)")]
fn rule_max_of_length_mismatch() {
    rules::max_of(&[1.0, 2.0, 3.0], 3.0, 1.0, Some(&mut [0.0; 2]));
}

#[test]
#[should_panic(expected = "rules::min_of: the slices have different lengths (v: 3, dv: 4)")]
fn rule_min_of_length_mismatch() {
    rules::min_of(&[1.0, 2.0, 3.0], 1.0, 1.0, Some(&mut [0.0; 4]));
}

// ---------------------------------------------------------------------------
// Conventions at non-differentiable points.
// ---------------------------------------------------------------------------

#[test]
fn norm_at_zero_is_zero() {
    let mut dv = [0.0; 3];
    rules::norm(&[0.0, -0.0, 0.0], 0.0, 5.0, Some(&mut dv));
    assert_eq!(dv, [0.0; 3]);
    rules::norm(&[], 0.0, 5.0, Some(&mut []));
    // the infinite seed is not hidden: ∞·0 is NaN
    rules::norm(&[0.0], 0.0, f64::INFINITY, Some(&mut dv[..1]));
    assert!(dv[0].is_nan());
}

#[test]
fn max_min_of_ties_split_the_seed() {
    let mut dv = [0.0; 4];
    rules::max_of(&[3.0, 1.0, 3.0, 3.0], 3.0, 6.0, Some(&mut dv));
    assert_eq!(dv, [2.0, 0.0, 2.0, 2.0]);
    let mut dv = [0.0; 3];
    rules::min_of(&[-1.0, 1.0, -1.0], -1.0, 4.0, Some(&mut dv));
    assert_eq!(dv, [2.0, 0.0, 2.0]);
    // 0.0 and −0.0 tie
    let mut dv = [0.0; 3];
    rules::max_of(&[0.0, -0.0, -1.0], 0.0, 1.0, Some(&mut dv));
    assert_eq!(dv, [0.5, 0.5, 0.0]);
    // infinite extremes are ordinary elements
    let inf = f64::INFINITY;
    let mut dv = [0.0; 3];
    rules::max_of(
        &[inf, 1.0, inf],
        ad::max_of(&[inf, 1.0, inf]),
        1.0,
        Some(&mut dv),
    );
    assert_eq!(dv, [0.5, 0.0, 0.5]);
    let mut dv = [0.0; 2];
    rules::min_of(&[inf, inf], inf, 1.0, Some(&mut dv));
    assert_eq!(dv, [0.5, 0.5]);
}

#[test]
fn logsumexp_of_all_minus_infinity_has_zero_cotangent() {
    let ninf = f64::NEG_INFINITY;
    let v = [ninf, ninf];
    let out = ad::logsumexp(&v);
    assert_eq!(out, ninf);
    let mut dv = [1.0; 2];
    rules::logsumexp(&v, out, 3.0, Some(&mut dv));
    assert_eq!(dv, [1.0; 2]);
    // a −∞ element next to finite ones gets 0, the others the softmax
    let v = [ninf, 0.0, 0.0];
    let mut dv = [0.0; 3];
    rules::logsumexp(&v, ad::logsumexp(&v), 2.0, Some(&mut dv));
    close_all(&dv, &[0.0, 1.0, 1.0]);
}

#[test]
fn empty_slices() {
    assert!(ad::mean::<f64>(&[]).is_nan());
    assert_eq!(ad::logsumexp::<f64>(&[]), f64::NEG_INFINITY);
    assert!(ad::softmax::<f64>(&[]).is_empty());
    assert_eq!(ad::max_of::<f64>(&[]), f64::NEG_INFINITY);
    assert_eq!(ad::min_of::<f64>(&[]), f64::INFINITY);
    // every rule accepts empty slices and adds nothing
    let e: &[f64] = &[];
    rules::dot(e, e, 1.0, Some(&mut []), Some(&mut []));
    rules::sum(1.0, Some(&mut []));
    rules::mean(1.0, Some(&mut []));
    rules::norm(e, 0.0, 1.0, Some(&mut []));
    rules::norm_squared(e, 1.0, Some(&mut []));
    rules::logsumexp(e, f64::NEG_INFINITY, 1.0, Some(&mut []));
    rules::softmax(e, e, Some(&mut []));
    rules::max_of(e, f64::NEG_INFINITY, 1.0, Some(&mut []));
    rules::min_of(e, f64::INFINITY, 1.0, Some(&mut []));
}

// ---------------------------------------------------------------------------
// NaN and infinity propagate; large inputs do not overflow.
// ---------------------------------------------------------------------------

#[test]
fn nan_and_infinity_propagate_through_the_primal() {
    let (nan, inf, ninf) = (f64::NAN, f64::INFINITY, f64::NEG_INFINITY);
    assert!(ad::dot(&[1.0, nan], &[1.0, 1.0]).is_nan());
    assert_eq!(ad::dot(&[1.0, inf], &[1.0, 1.0]), inf);
    assert!(ad::sum(&[1.0, nan]).is_nan());
    assert_eq!(ad::sum(&[1.0, ninf]), ninf);
    assert!(ad::sum(&[inf, ninf]).is_nan());
    assert!(ad::mean(&[nan, 1.0]).is_nan());
    assert_eq!(ad::mean(&[inf, 1.0]), inf);
    assert!(ad::norm(&[nan, 1.0]).is_nan());
    assert!(ad::norm(&[inf, nan]).is_nan());
    assert_eq!(ad::norm(&[ninf, 1.0]), inf);
    assert!(ad::norm_squared(&[nan]).is_nan());
    assert_eq!(ad::norm_squared(&[ninf]), inf);
    assert!(ad::logsumexp(&[nan, 1.0]).is_nan());
    assert!(ad::logsumexp(&[inf, nan]).is_nan());
    assert_eq!(ad::logsumexp(&[ninf, ninf]), ninf);
    assert_eq!(ad::logsumexp(&[ninf, 0.0]), 0.0);
    assert_eq!(ad::logsumexp(&[inf, 1.0]), inf);
    assert_eq!(ad::logsumexp(&[inf, ninf]), inf);
    assert!(ad::softmax(&[nan, 1.0]).iter().all(|y| y.is_nan()));
    assert!(ad::softmax(&[inf, 1.0]).iter().all(|y| y.is_nan()));
    assert!(ad::softmax(&[ninf, ninf]).iter().all(|y| y.is_nan()));
    assert_eq!(ad::softmax(&[ninf, 0.0]), [0.0, 1.0]);
    // NaN wins wherever it is, unlike f64::max
    assert!(ad::max_of(&[1.0, nan, 3.0]).is_nan());
    assert!(ad::max_of(&[nan, 1.0]).is_nan());
    assert!(ad::max_of(&[1.0, nan]).is_nan());
    assert!(ad::min_of(&[1.0, nan, -3.0]).is_nan());
    assert!(ad::min_of(&[nan]).is_nan());
    assert_eq!(ad::max_of(&[ninf, inf]), inf);
    assert_eq!(ad::min_of(&[ninf, inf]), ninf);
}

#[test]
fn nan_propagates_through_every_rule() {
    let nan = f64::NAN;
    let v = [1.0, 2.0];
    let all_nan = |dv: &[f64]| dv.iter().all(|x| x.is_nan());

    // a NaN seed
    let (mut da, mut db) = ([0.0; 2], [0.0; 2]);
    rules::dot(&v, &v, nan, Some(&mut da), Some(&mut db));
    assert!(all_nan(&da) && all_nan(&db));
    let mut dv = [0.0; 2];
    rules::sum(nan, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::mean(nan, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::norm(&v, ad::norm(&v), nan, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::norm_squared(&v, nan, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::logsumexp(&v, ad::logsumexp(&v), nan, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::softmax(&ad::softmax(&v), &[nan, 1.0], Some(&mut dv));
    assert!(all_nan(&dv));
    // selection: the maximum gets the NaN seed, the other element exactly 0
    let mut dv = [0.0; 2];
    rules::max_of(&v, 2.0, nan, Some(&mut dv));
    assert!(dv[0] == 0.0 && dv[1].is_nan());
    let mut dv = [0.0; 2];
    rules::min_of(&v, 1.0, nan, Some(&mut dv));
    assert!(dv[0].is_nan() && dv[1] == 0.0);

    // a NaN element, through the primal output
    let w = [1.0, nan];
    let mut dv = [0.0; 2];
    rules::dot(&w, &v, 1.0, None, Some(&mut dv));
    assert!(dv[1].is_nan());
    let mut dv = [0.0; 2];
    rules::norm(&w, ad::norm(&w), 1.0, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::logsumexp(&w, ad::logsumexp(&w), 1.0, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::softmax(&ad::softmax(&w), &[1.0, 0.0], Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::max_of(&w, ad::max_of(&w), 1.0, Some(&mut dv));
    assert!(all_nan(&dv));
    let mut dv = [0.0; 2];
    rules::min_of(&w, ad::min_of(&w), 1.0, Some(&mut dv));
    assert!(all_nan(&dv));
}

#[test]
fn logsumexp_and_softmax_are_stable_on_large_inputs() {
    // naively e^1000 overflows and e^−1000 underflows
    close(ad::logsumexp(&[1000.0, 1000.0]), 1000.0 + LN_2);
    close(ad::logsumexp(&[-1000.0, -1000.0]), -1000.0 + LN_2);
    assert_eq!(ad::logsumexp(&[1000.0, 0.0]), 1000.0);
    assert_eq!(ad::softmax(&[1000.0, 1000.0]), [0.5, 0.5]);
    assert_eq!(ad::softmax(&[-1000.0, -1000.0]), [0.5, 0.5]);
    let y = ad::softmax(&[1000.0, 999.0]);
    close_all(
        &y,
        &[1.0 / (1.0 + (-1.0_f64).exp()), 1.0 / (1.0 + 1.0_f64.exp())],
    );

    let v = [1000.0, 1000.0, 0.0];
    let mut dv = [0.0; 3];
    rules::logsumexp(&v, ad::logsumexp(&v), 2.0, Some(&mut dv));
    // `out = 1000 + ln 2` carries an absolute rounding error of up to half
    // an ulp of 1000 (6e-14), which e^(vᵢ − out) turns into a relative one
    for (&g, w) in dv.iter().zip([1.0_f64, 1.0, 0.0]) {
        assert!((g - w).abs() < 1e-12, "got {g:e}, want {w:e}");
    }
    let mut dv = [0.0; 3];
    rules::softmax(&ad::softmax(&v), &[1.0, 0.0, 0.0], Some(&mut dv));
    close_all(&dv, &[0.25, -0.25, 0.0]);
}

#[test]
fn norm_does_not_overflow_or_underflow() {
    close(ad::norm(&[3e200, 4e200]) / 5e200, 1.0);
    close(ad::norm(&[3e-200, -4e-200]) / 5e-200, 1.0);
    close(ad::norm(&[1e308, -1e308]) / 1e308, std::f64::consts::SQRT_2);
    assert_eq!(ad::norm(&[f64::MAX, 0.0]), f64::MAX);
    assert_eq!(ad::norm(&[f64::MAX, f64::MAX]), f64::INFINITY); // √2·MAX is not representable
    assert_eq!(ad::norm(&[f64::MIN_POSITIVE * f64::EPSILON]), 5e-324);
    let mut dv = [0.0; 2];
    rules::norm(
        &[3e200, 4e200],
        ad::norm(&[3e200, 4e200]),
        10.0,
        Some(&mut dv),
    );
    close_all(&dv, &[6.0, 8.0]);
}

// ---------------------------------------------------------------------------
// ZeroGrad: the gradient type and shape of every parameter type.
// ---------------------------------------------------------------------------

#[test]
fn zero_grad_scalars() {
    let g: f64 = ZeroGrad::zero_grad(&3.5_f64);
    assert_eq!(g, 0.0);
    let g: f32 = ZeroGrad::zero_grad(&-1.5_f32);
    assert_eq!(g, 0.0);
    let g: f64 = ZeroGrad::zero_grad(&f64::NAN);
    assert_eq!(g, 0.0);
}

#[test]
fn zero_grad_slices_and_vecs() {
    let x: &[f64] = &[1.0, 2.0, 3.0];
    // `x` is `&[f64]`: `&x` goes through the blanket impl for references
    let g: Vec<f64> = ZeroGrad::zero_grad(&x);
    assert_eq!(g, [0.0; 3]);
    let g: Vec<f64> = x.zero_grad(); // `[f64]` itself
    assert_eq!(g, [0.0; 3]);
    let v = vec![1.0_f32, 2.0];
    let g: Vec<f32> = ZeroGrad::zero_grad(&v);
    assert_eq!(g, [0.0; 2]);
    let g: Vec<f32> = ZeroGrad::zero_grad(&&v);
    assert_eq!(g, [0.0; 2]);
    let e: &[f64] = &[];
    assert!(ZeroGrad::zero_grad(&e).is_empty());
}

#[test]
fn zero_grad_arrays() {
    let a = [1.0_f64, 2.0, 3.0];
    let g: [f64; 3] = ZeroGrad::zero_grad(&a);
    assert_eq!(g, [0.0; 3]);
    let m = [[1.0_f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
    let g: [[f32; 2]; 3] = ZeroGrad::zero_grad(&m);
    assert_eq!(g, [[0.0; 2]; 3]);
    let r: &[f64; 3] = &a;
    let g: [f64; 3] = ZeroGrad::zero_grad(&r);
    assert_eq!(g, [0.0; 3]);
}

#[test]
fn zero_grad_slices_of_arrays_and_rows() {
    let rows: &[[f64; 2]] = &[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
    let g: Vec<[f64; 2]> = ZeroGrad::zero_grad(&rows);
    assert_eq!(g, [[0.0; 2]; 3]);
    let ragged: &[Vec<f64>] = &[vec![1.0], vec![2.0, 3.0], vec![]];
    let g: Vec<Vec<f64>> = ZeroGrad::zero_grad(&ragged);
    assert_eq!(g, [vec![0.0], vec![0.0, 0.0], vec![]]);
    let owned: Vec<Vec<f32>> = vec![vec![1.0, 2.0, 3.0], vec![4.0]];
    let g: Vec<Vec<f32>> = ZeroGrad::zero_grad(&owned);
    assert_eq!(g, [vec![0.0; 3], vec![0.0]]);
}

#[test]
fn zero_grad_feeds_the_rules() {
    // the pattern generated code uses: zero, then let the rules add
    let x = vec![3.0, 4.0];
    let mut x_bar = ZeroGrad::zero_grad(&x);
    rules::norm(&x, ad::norm(&x), 10.0, Some(&mut x_bar));
    rules::sum(1.0, Some(&mut x_bar));
    assert_eq!(x_bar, [7.0, 9.0]);
    let a = [1.0_f64, 2.0];
    let mut a_bar = ZeroGrad::zero_grad(&a);
    rules::norm_squared(&a, 1.0, Some(&mut a_bar));
    assert_eq!(a_bar, [2.0, 4.0]);
}
