//! Mismatches found by the differential tester, `difftest`: each entry is the smallest program
//! that still showed one, and a test at the point where it did.
//!
//! Entries are written by difftest itself. When a batch (`cargo run -p difftest --release --
//! --programs 200 --seed 1`) finds a generated gradient that disagrees with dual numbers,
//! finite differences or the scaled gradient, difftest deletes statements of the program and
//! of its callees, and simplifies results, for as long as the mismatch persists at the same
//! point, then appends here a module with what is left and a test that checks the gradient
//! there against `autodiff::Dual` and `check_grad`. The test is marked `#[ignore]` because it
//! fails until the macro is fixed: fix the bug, remove the `ignore`. An entry made with
//! `--inject-bug` corrupts the reference on purpose and must not be committed.
//!
//! No entry means no mismatch has been found since this file was added.
// The helpers are unused while there is no entry.
#![allow(dead_code)]

use autodiff::{check_grad, Dual, Float};

/// `(x0̄, x1̄, x2̄, w̄)` as one array, in the order of the point `x`.
pub fn flat((g0, g1, g2, gw): (f64, f64, f64, Vec<f64>)) -> [f64; 7] {
    [g0, g1, g2, gw[0], gw[1], gw[2], gw[3]]
}

/// `Σ seedᵢ·yᵢ`: the outputs of a function of three outputs weighed by a cotangent seed.
pub fn weigh<T: Float>(seed: [f64; 3], y: impl AsRef<[T]>) -> T {
    let terms = y.as_ref().iter().zip(seed);
    terms.fold(T::zero(), |s, (&yi, si)| s + yi * T::from(si).unwrap())
}

/// The gradient of `f` at `x` by forward mode, one dual evaluation per component.
pub fn forward_gradient(f: impl Fn(&[Dual<f64>]) -> Dual<f64>, x: &[f64]) -> Vec<f64> {
    let seeded = |k: usize| -> Vec<Dual<f64>> {
        let unit = |i: usize| if i == k { 1.0 } else { 0.0 };
        x.iter()
            .enumerate()
            .map(|(i, &a)| Dual::new(a, unit(i)))
            .collect()
    };
    (0..x.len()).map(|k| f(&seeded(k)).tangent).collect()
}

/// `a` and `b` agree to `tol` relative to their size (absolute below 1), or are both NaN.
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0) || (a.is_nan() && b.is_nan())
}

/// `grad`, a gradient of `f` at `x` from the reverse sweep, agrees with `forward` (from dual
/// numbers) and with central finite differences.
#[track_caller]
pub fn assert_gradient(grad: &[f64], forward: &[f64], f: impl Fn(&[f64]) -> f64, x: &[f64]) {
    assert_eq!(grad.len(), x.len(), "the gradient's components");
    for k in 0..x.len() {
        assert!(
            close(grad[k], forward[k], 1e-9),
            "component {k}: reverse {} but dual numbers {}",
            grad[k],
            forward[k]
        );
    }
    check_grad(f, x, grad).assert_within(1e-6);
}

/// `vjp`, from the reverse sweep with `seed`, is `seed` times `grad`.
#[track_caller]
pub fn assert_scaled(vjp: &[f64], seed: f64, grad: &[f64]) {
    for k in 0..grad.len() {
        let scaled = seed * grad[k];
        assert!(
            close(vjp[k], scaled, 1e-12),
            "component {k}: vjp {} but the seed times the gradient is {scaled}",
            vjp[k]
        );
    }
}

// Helpers of the entries about `_jvp` and `_hvp`, written with the first of them.

/// `a` and `b` are equal, or agree to `tol` relative to the larger of their sizes, `size`
/// and 1 (as [`close`] does with `size` 0), or are both NaN.
fn agree(a: f64, b: f64, tol: f64, size: f64) -> bool {
    a == b
        || (a - b).abs() <= tol * a.abs().max(b.abs()).max(size).max(1.0)
        || (a.is_nan() && b.is_nan())
}

/// The point `x` moved along `dir` in dual numbers: `x + ε·dir`.
pub fn duals_along(x: &[f64], dir: &[f64]) -> Vec<Dual<f64>> {
    x.iter().zip(dir).map(|(&a, &t)| Dual::new(a, t)).collect()
}

/// `H·dir`, the Hessian of `f` at `x` times `dir`, from nested dual numbers, one sweep per
/// component: the inner duals carry `dir`, the outer ones the unit vector `e_k`, so the
/// coefficient of `ε₁ε₂` in `f(x + ε₁·dir + ε₂·e_k)` is component `k`.
pub fn nested_hvp(
    f: impl Fn(&[Dual<Dual<f64>>]) -> Dual<Dual<f64>>,
    x: &[f64],
    dir: &[f64],
) -> Vec<f64> {
    let seeded = |k: usize| -> Vec<Dual<Dual<f64>>> {
        let unit = |i: usize| Dual::constant(if i == k { 1.0 } else { 0.0 });
        (0..x.len())
            .map(|i| Dual::new(Dual::new(x[i], dir[i]), unit(i)))
            .collect()
    };
    (0..x.len())
        .map(|k| f(&seeded(k)).tangent.tangent)
        .collect()
}

/// `Σ aᵢ·bᵢ`, and `Σ |aᵢ·bᵢ|`, the size its rounding error is relative to.
fn dot_and_size(a: &[f64], b: &[f64]) -> (f64, f64) {
    let terms = a.iter().zip(b).map(|(a, b)| a * b);
    terms.fold((0.0, 0.0), |(dot, size), t| (dot + t, size + t.abs()))
}

/// `(value, tangent)`, from `_jvp` along `dir`, output by output: `value` is `primal` (to
/// 1e-12), `tangent` the tangent of `along` (dual numbers at `x + ε·dir`, to 1e-9), and
/// `weights·tangent` is `grad·dir`, `grad` being the gradient of `weights·f`.
#[track_caller]
pub fn assert_jvp(
    (value, tangent): (&[f64], &[f64]),
    primal: &[f64],
    along: &[Dual<f64>],
    weights: &[f64],
    grad: &[f64],
    dir: &[f64],
) {
    for i in 0..primal.len() {
        assert!(
            agree(value[i], primal[i], 1e-12, 0.0),
            "output {i}: jvp value {} but the primal gives {}",
            value[i],
            primal[i]
        );
        assert!(
            agree(tangent[i], along[i].tangent, 1e-9, 0.0),
            "output {i}: jvp tangent {} but dual numbers {}",
            tangent[i],
            along[i].tangent
        );
    }
    let (weighed, weighed_size) = dot_and_size(weights, tangent);
    let (dot, size) = dot_and_size(grad, dir);
    assert!(
        agree(weighed, dot, 1e-9, size.max(weighed_size)),
        "jvp tangent {weighed} but grad·dir {dot}"
    );
}

/// `hvp`, from `_hvp` along `dir`, agrees with `nested` (from nested dual numbers, to 1e-9;
/// except where they overflowed and `hvp` did not) and with central differences of
/// `x ↦ grad_at(x)·dir`, whose gradient is `H·dir`.
#[track_caller]
pub fn assert_hvp<G: AsRef<[f64]>>(
    hvp: &[f64],
    nested: &[f64],
    grad_at: impl Fn(&[f64]) -> G,
    x: &[f64],
    dir: &[f64],
) {
    for k in 0..x.len() {
        if !nested[k].is_finite() && hvp[k].is_finite() {
            continue;
        }
        assert!(
            agree(hvp[k], nested[k], 1e-9, 0.0),
            "component {k}: hvp {} but nested dual numbers {}",
            hvp[k],
            nested[k]
        );
    }
    check_grad(|y| dot_and_size(grad_at(y).as_ref(), dir).0, x, hvp).assert_within(1e-6);
}

// The three `seed6_*_jvp` entries are the first real findings: `_jvp` and `_hvp` through
// `hypot` at the origin gave NaN (the partials `a/y`, `b/y` at `y = 0`) where the reverse
// rule and dual numbers give 0. Fixed; their `ignore`s are removed and they now guard it.

/// Found by `cargo run -p difftest --release -- --programs 500 --seed 6` in `p193`, shrunk:
/// MISMATCH p193 jvp-dual component 2 at x = [-1.6267904967805307, -1.3164826155327698, -0.3564548433893955, 0.6201381850821079, 0.17853999523458342, 0.6937859339379158, 0.835286935170644], n = 1, seed = [-0.8388249143373261, -1.4838771612384343, -0.9237431381744683], dir = [0.08079149015830023, -0.09992476296270403, -0.15516558504727818, 0.8015493479506133, -0.35233028967711655, 0.9638939950794894, -0.6806720149911194]: jvp vs dual numbers: tangent NaN but dual numbers -0.02437253010929237
#[allow(warnings, clippy::all)]
mod seed6_p193_jvp {
    use super::*;
    use autodiff::prelude::*;

    #[differentiable]
    pub fn p190<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> T {
        let mut v1 = x2;
        if v1 > x2 {
            if x1 < T::from(0.0).unwrap() {
            } else {
            }
        } else {
            v1 = v1 - v1;
        }
        let mut c1 = 0;
        loop {
            c1 += 1;
            if c1 > 3 {
                break;
            }
            v1 = v1 * T::from(0.5).unwrap() + v1.hypot((v1.tanh() * T::from(0.9).unwrap()).atanh());
        }
        v1
    }

    #[differentiable]
    pub fn p193<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> [T; 3] {
        let mut v2 = x1;
        if x0 > v2 {
            if x0 < T::from(0.0).unwrap() {
            } else {
            }
        } else {
            v2 = v2
                - ((x1 * x1 + T::from(1.0).unwrap()).recip()
                    * p190(T::from(1.718).unwrap(), x1, T::from(0.661).unwrap(), w, n));
        }
        [x0, x0, v2]
    }

    #[test]
    fn at_the_failing_point() {
        let (x, n, seed, dir) = (
            [
                -1.6267904967805307,
                -1.3164826155327698,
                -0.3564548433893955,
                0.6201381850821079,
                0.17853999523458342,
                0.6937859339379158,
                0.835286935170644,
            ],
            1,
            [
                -0.8388249143373261,
                -1.4838771612384343,
                -0.9237431381744683,
            ],
            [
                0.08079149015830023,
                -0.09992476296270403,
                -0.15516558504727818,
                0.8015493479506133,
                -0.35233028967711655,
                0.9638939950794894,
                -0.6806720149911194,
            ],
        );
        let grad = flat(p193_vjp::<f64>(x[0], x[1], x[2], &x[3..], n, seed).1);
        let (value, tangent) = p193_jvp::<f64>(
            x[0],
            x[1],
            x[2],
            &x[3..],
            n,
            dir[0],
            dir[1],
            dir[2],
            &dir[3..],
        );
        let d = duals_along(&x, &dir);
        let along = p193::<Dual<f64>>(d[0], d[1], d[2], &d[3..], n);
        assert_jvp(
            (&value, &tangent),
            &p193::<f64>(x[0], x[1], x[2], &x[3..], n),
            &along,
            &seed,
            &grad,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 500 --seed 6` in `p194`, shrunk:
/// MISMATCH p194 jvp-dual component 0 at x = [0.3388821251994951, -0.1637172914384335, 1.3958640609113457, 0.808858547089335, 0.1422429412443471, -0.5649401374000604, -0.2971869946355028], n = 2, seed = [0.7163801685806188, -0.05597876483220565, 0.9990607256231527], dir = [0.06969259900937175, 0.1354365816430001, -0.7770079856520273, 0.8609438560414169, -0.3385301005489296, 0.4879209872898025, 0.3598732749490601]: jvp vs dual numbers: tangent NaN but dual numbers 0
#[allow(warnings, clippy::all)]
mod seed6_p194_jvp {
    use super::*;
    use autodiff::prelude::*;

    #[differentiable]
    pub fn p190<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> T {
        let mut v1 = x2;
        if v1 > x2 {
            if x1 < T::from(0.0).unwrap() {
            } else {
            }
        } else {
            v1 = v1 - v1;
        }
        let mut c1 = 0;
        loop {
            c1 += 1;
            if c1 > 3 {
                break;
            }
            v1 = v1 * T::from(0.5).unwrap() + v1.hypot((v1.tanh() * T::from(0.9).unwrap()).atanh());
        }
        v1
    }

    #[differentiable]
    pub fn p194<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> [T; 3] {
        let mut v1 = x1;
        let mut v1 = v1 * (p190(x2, v1, T::from(0.874).unwrap(), w, n) + (x1 - x1));
        [v1, x0, x0]
    }

    #[test]
    fn at_the_failing_point() {
        let (x, n, seed, dir) = (
            [
                0.3388821251994951,
                -0.1637172914384335,
                1.3958640609113457,
                0.808858547089335,
                0.1422429412443471,
                -0.5649401374000604,
                -0.2971869946355028,
            ],
            2,
            [0.7163801685806188, -0.05597876483220565, 0.9990607256231527],
            [
                0.06969259900937175,
                0.1354365816430001,
                -0.7770079856520273,
                0.8609438560414169,
                -0.3385301005489296,
                0.4879209872898025,
                0.3598732749490601,
            ],
        );
        let grad = flat(p194_vjp::<f64>(x[0], x[1], x[2], &x[3..], n, seed).1);
        let (value, tangent) = p194_jvp::<f64>(
            x[0],
            x[1],
            x[2],
            &x[3..],
            n,
            dir[0],
            dir[1],
            dir[2],
            &dir[3..],
        );
        let d = duals_along(&x, &dir);
        let along = p194::<Dual<f64>>(d[0], d[1], d[2], &d[3..], n);
        assert_jvp(
            (&value, &tangent),
            &p194::<f64>(x[0], x[1], x[2], &x[3..], n),
            &along,
            &seed,
            &grad,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 500 --seed 6` in `p196`, shrunk:
/// MISMATCH p196 jvp-dual component 0 at x = [0.6772927116560252, -1.5957724426536735, -0.6592127174887619, 0.5079641493019424, -0.103560537397682, -0.32395405465411375, -0.4877487272382772], n = 2, seed = [-1.4192302740839984, 0.691506430520592, 0.8915369402672173], dir = [-0.748045942984543, 0.6040113014725759, -0.5492859479514736, -0.6610020334789142, 0.35219745629271904, 0.9088632257355977, -0.3375771136938055]: jvp vs dual numbers: tangent NaN but dual numbers 1.7730590583845458
#[allow(warnings, clippy::all)]
mod seed6_p196_jvp {
    use super::*;
    use autodiff::prelude::*;

    #[differentiable]
    pub fn p190<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> T {
        let mut v1 = x2;
        if v1 > x2 {
            if x1 < T::from(0.0).unwrap() {
            } else {
            }
        } else {
            v1 = v1 - v1;
        }
        let mut c1 = 0;
        loop {
            c1 += 1;
            if c1 > 3 {
                break;
            }
            v1 = v1 * T::from(0.5).unwrap() + v1.hypot((v1.tanh() * T::from(0.9).unwrap()).atanh());
        }
        v1
    }

    #[differentiable]
    pub fn p196<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> [T; 3] {
        let mut v2 = x1;
        if x1 > x0 {
        } else {
            v2 = v2
                + (p190(T::from(-0.061).unwrap(), T::from(-1.504).unwrap(), x0, w, n)
                    - pow(
                        v2 * v2 + T::from(1.0).unwrap(),
                        T::from(-0.700).unwrap().tanh(),
                    ));
        }
        [x0, x0, v2]
    }

    #[test]
    fn at_the_failing_point() {
        let (x, n, seed, dir) = (
            [
                0.6772927116560252,
                -1.5957724426536735,
                -0.6592127174887619,
                0.5079641493019424,
                -0.103560537397682,
                -0.32395405465411375,
                -0.4877487272382772,
            ],
            2,
            [-1.4192302740839984, 0.691506430520592, 0.8915369402672173],
            [
                -0.748045942984543,
                0.6040113014725759,
                -0.5492859479514736,
                -0.6610020334789142,
                0.35219745629271904,
                0.9088632257355977,
                -0.3375771136938055,
            ],
        );
        let grad = flat(p196_vjp::<f64>(x[0], x[1], x[2], &x[3..], n, seed).1);
        let (value, tangent) = p196_jvp::<f64>(
            x[0],
            x[1],
            x[2],
            &x[3..],
            n,
            dir[0],
            dir[1],
            dir[2],
            &dir[3..],
        );
        let d = duals_along(&x, &dir);
        let along = p196::<Dual<f64>>(d[0], d[1], d[2], &d[3..], n);
        assert_jvp(
            (&value, &tangent),
            &p196::<f64>(x[0], x[1], x[2], &x[3..], n),
            &along,
            &seed,
            &grad,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 300 --seed 4` in `p241`, shrunk:
/// MISMATCH p241 dual component 0 at x = [-1.2832492383116962, 1.2595375986923916, -0.9999425408055624, -0.18832445102301287, -0.9740791060446179, 0.6898541180521534, -0.6411586444721822], n = 3, seed = [-0.8638582166776021, 0.29516830895364476, 1.868556991131634], dir = [-0.26044001292793584, -0.3274655077054356, 0.10384626798728247, -0.17583865635997298, -0.11502142103569124, -0.9549198183791063, -0.27901004474331725]: reverse NaN but dual numbers 0.9502804651693776
#[allow(warnings, clippy::all)]
mod seed4_p241 {
    use super::*;
    use autodiff::prelude::*;

    #[differentiable]
    pub fn p241<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> T {
        let mut v2 = x0;
        let m3 = 3 - n % 3;
        let mut b5 = vec![T::zero(); 4];
        'l1: for i in m3 / 2..m3 + 1 {
            if x2 > T::from(2.5).unwrap() {
                return (v2 - T::from(m3).unwrap().mul_add(x0, b5[(n * i + n) % 4]));
            }
            for j in 0..4 {
                for k in j..4 {
                    v2 = v2 * T::from(0.5).unwrap()
                        + (x0.min(x0) - pow(v2 * v2 + T::from(1.0).unwrap(), x1.tanh()));
                }
            }
        }
        x0
    }

    #[test]
    #[ignore = "difftest found this mismatch; it fails until the macro is fixed"]
    fn at_the_failing_point() {
        let (x, n, seed, dir) = (
            [
                -1.2832492383116962,
                1.2595375986923916,
                -0.9999425408055624,
                -0.18832445102301287,
                -0.9740791060446179,
                0.6898541180521534,
                -0.6411586444721822,
            ],
            3,
            [-0.8638582166776021, 0.29516830895364476, 1.868556991131634],
            [
                -0.26044001292793584,
                -0.3274655077054356,
                0.10384626798728247,
                -0.17583865635997298,
                -0.11502142103569124,
                -0.9549198183791063,
                -0.27901004474331725,
            ],
        );
        let forward = forward_gradient(
            |v: &[Dual<f64>]| p241::<Dual<f64>>(v[0], v[1], v[2], &v[3..], n),
            &x,
        );
        let grad = flat(p241_grad::<f64>(x[0], x[1], x[2], &x[3..], n));
        assert_gradient(
            &grad,
            &forward,
            |v: &[f64]| p241::<f64>(v[0], v[1], v[2], &v[3..], n),
            &x,
        );
        assert_scaled(
            &flat(p241_vjp::<f64>(x[0], x[1], x[2], &x[3..], n, seed[0]).1),
            seed[0],
            &grad,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 300 --seed 10` in `p166`, shrunk:
/// MISMATCH p166 vjp component 0 at x = [-1.1515890548135332, -0.9960019984539814, -1.6598598869554446, -0.7825997407682539, -0.9621772880716462, 0.156205129870568, 0.2444505561655863], n = 2, seed = [1.1305460580527469, -1.6185927414310113, -0.44544216923277125], dir = [0.07807972204568303, 0.16055002002948582, 0.1564181749342919, 0.919049118910445, -0.2797778135690385, 0.9837615296333313, -0.5996015245338981]: vjp gives -2.834836560893468 but the seed times the gradient is -1.735437277001732
#[allow(warnings, clippy::all)]
mod seed10_p166 {
    use super::*;
    use autodiff::prelude::*;

    #[differentiable(wrt(x0))]
    pub fn p166<T: Float>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> T {
        let mut v2 = w[(n + 3) % 4];
        let mut b5 = vec![T::zero(); 4];
        'l1: for i in 0..n {
            for j in (0..4).rev() {
                b5[j] = w[(i * 4 + j) % 4] * w[(i + 3) % 4];
            }
            for j in 0..4 {
                for k in 0..4 {
                    v2 = v2 + b5[j] * b5[k] * x2.mul_add(x0, x2);
                }
            }
        }
        v2
    }

    #[test]
    fn at_the_failing_point() {
        let (x, n, seed, dir) = (
            [
                -1.1515890548135332,
                -0.9960019984539814,
                -1.6598598869554446,
                -0.7825997407682539,
                -0.9621772880716462,
                0.156205129870568,
                0.2444505561655863,
            ],
            2,
            [
                1.1305460580527469,
                -1.6185927414310113,
                -0.44544216923277125,
            ],
            [
                0.07807972204568303,
                0.16055002002948582,
                0.1564181749342919,
                0.919049118910445,
                -0.2797778135690385,
                0.9837615296333313,
                -0.5996015245338981,
            ],
        );
        let forward = forward_gradient(
            |v: &[Dual<f64>]| {
                p166::<Dual<f64>>(
                    v[0],
                    Dual::constant(x[1]),
                    Dual::constant(x[2]),
                    &x[3..]
                        .iter()
                        .map(|&a| Dual::constant(a))
                        .collect::<Vec<Dual<f64>>>(),
                    n,
                )
            },
            &x,
        );
        let grad = {
            let g0 = p166_grad::<f64>(x[0], x[1], x[2], &x[3..], n);
            [g0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        };
        assert_gradient(
            &grad,
            &forward,
            |v: &[f64]| p166::<f64>(v[0], x[1], x[2], &x[3..], n),
            &x,
        );
        assert_scaled(
            &{
                let g0 = p166_vjp::<f64>(x[0], x[1], x[2], &x[3..], n, seed[0]).1;
                [g0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
            },
            seed[0],
            &grad,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 100 --seed 1 --known-bugs` in `p99`, shrunk:
/// MISMATCH p99 jvp-value component 2 at x = [0.15466923918025444, 0.4260627637846435, -0.8674230356817234, 0.3463086224433818, -0.5082947947050214, -0.9486062563351476, -0.7742289170133632], n = 0, seed = [1.6107372535823266, -0.39095434095796344, 0.31842550177841433], dir = [-0.33486310851534107, 0.23978307042946012, -0.5883065236249512, -0.11111228527636219, 0.7493416434327893, 0.46371830395177405, 0.5591259537001172], scale = 0.2645339872156056, shift = -0.33477876414486296, k = 3: jvp vs the primal: value -0.8674230356817234 but the primal gives -1.3011345535225851
#[allow(warnings, clippy::all)]
mod known_seed1_p99_jvp {
    use super::*;
    use autodiff::prelude::*;
    use std::iter::{Product, Sum};

    /// A struct a generated function may take, differentiated: `q: &Inner<T>`,
    /// `qs: &[Inner<T>]` (three of them), and in `Params` (`inner`, `layers`).
    #[derive(Clone, Debug, Differentiable)]
    pub struct Inner<T: Float> {
        pub a: T,
        /// Three elements.
        pub v: Vec<T>,
    }

    /// A struct a generated function may take as `p: &Params<T>`, differentiated but for `n` (an
    /// integer below 4, a bound of ranges) and `fixed` (its gradient holds the value's own, its
    /// tangent is zero).
    #[derive(Clone, Debug, Differentiable)]
    pub struct Params<T: Float> {
        pub s: T,
        /// Four elements.
        pub w: Vec<T>,
        pub inner: Inner<T>,
        /// Two elements.
        pub layers: Vec<Inner<T>>,
        pub n: usize,
        #[no_derivative]
        pub fixed: T,
    }

    /// An `Inner` from its 4 floats, in field order.
    pub fn inner_at<T: Float>(v: &[T]) -> Inner<T> {
        Inner {
            a: v[0],
            v: v[1..4].to_vec(),
        }
    }

    /// `Inner`s from 4 floats each.
    pub fn inners_at<T: Float>(v: &[T]) -> Vec<Inner<T>> {
        v.chunks(4).map(inner_at).collect()
    }

    /// An `Inner`'s floats in field order: `a`, then `v`.
    pub fn inner_flat<T: Float>(s: &Inner<T>) -> Vec<T> {
        let mut flat = vec![s.a];
        flat.extend(s.v.iter().copied());
        flat
    }

    /// The cotangent seed of a function that returns an `Inner`, from the point's three seeds
    /// (its fourth float is a combination of them, so that a point keeps three).
    pub fn inner_seed(seed: [f64; 3]) -> Inner<f64> {
        Inner {
            a: seed[0],
            v: vec![seed[1], seed[2], seed[0] - seed[2]],
        }
    }

    /// `seed·y` for an `Inner` output `y` and the seed of [`inner_seed`].
    pub fn weigh_inner<T: Float>(seed: [f64; 3], y: &Inner<T>) -> T {
        let weights = inner_flat(&inner_seed(seed));
        let terms = inner_flat(y).into_iter().zip(weights);
        terms.fold(T::zero(), |s, (yi, si)| s + yi * T::from(si).unwrap())
    }

    /// A `Params` from its 17 floats with a derivative, in field order, and its other fields.
    pub fn params_at<T: Float>(v: &[T], fixed: T, n: usize) -> Params<T> {
        Params {
            s: v[0],
            w: v[1..5].to_vec(),
            inner: inner_at(&v[5..9]),
            layers: inners_at(&v[9..17]),
            n,
            fixed,
        }
    }

    #[differentiable(wrt(x0))]
    pub fn p99<T: Float + Sum + Product + Differentiable<Scalar = T>>(
        x0: T,
        x1: T,
        x2: T,
        w: &[T],
        n: usize,
    ) -> Inner<T> {
        let m1 = w.chunks(1).count();
        let q2 = T::from(m1).unwrap() * T::from(0.25).unwrap();
        let mut l9 = m1 % 2 + 1;
        let mut b8 = vec![T::zero(); 4];
        for i in (0..n) {}
        let mut v10 = ((T::from(1.508).unwrap().tanh().sinh()) - (w[(m1 + 2) % 4]));
        let mut s15 = Inner {
            a: sinh(q2.tanh()),
            v: vec![v10, x2, w[(2 * l9 + 1) % 4]],
        };
        s15.v[m1 % 3] = s15.v[m1 % 3] * T::from(0.5).unwrap() + x2;
        s15
    }

    /// The functions that use structs, for dual numbers: see `Function::plain_source`.
    mod plain {
        use super::*;

        pub fn p99<T: Float + Sum + Product>(x0: T, x1: T, x2: T, w: &[T], n: usize) -> Inner<T> {
            let m1 = w.chunks(1).count();
            let q2 = T::from(m1).unwrap() * T::from(0.25).unwrap();
            let mut l9 = m1 % 2 + 1;
            let mut b8 = vec![T::zero(); 4];
            for i in (0..n) {}
            let mut v10 = ((T::from(1.508).unwrap().tanh().sinh()) - (w[(m1 + 2) % 4]));
            let mut s15 = Inner {
                a: sinh(q2.tanh()),
                v: vec![v10, x2, w[(2 * l9 + 1) % 4]],
            };
            s15.v[m1 % 3] = s15.v[m1 % 3] * T::from(0.5).unwrap() + x2;
            s15
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, n, seed, dir) = (
            [
                0.15466923918025444,
                0.4260627637846435,
                -0.8674230356817234,
                0.3463086224433818,
                -0.5082947947050214,
                -0.9486062563351476,
                -0.7742289170133632,
            ],
            0,
            [
                1.6107372535823266,
                -0.39095434095796344,
                0.31842550177841433,
            ],
            [
                -0.33486310851534107,
                0.23978307042946012,
                -0.5883065236249512,
                -0.11111228527636219,
                0.7493416434327893,
                0.46371830395177405,
                0.5591259537001172,
            ],
        );
        let grad = {
            let g0 = p99_vjp::<f64>(x[0], x[1], x[2], &x[3..], n, inner_seed(seed)).1;
            [g0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        };
        let (value, tangent) = {
            let (value, tangent) = p99_jvp::<f64>(x[0], x[1], x[2], &x[3..], n, dir[0]);
            (inner_flat(&value), inner_flat(&tangent))
        };
        let d = duals_along(&x, &dir);
        let along = inner_flat(&plain::p99::<Dual<f64>>(
            d[0],
            Dual::constant(x[1]),
            Dual::constant(x[2]),
            &x[3..]
                .iter()
                .map(|&a| Dual::constant(a))
                .collect::<Vec<Dual<f64>>>(),
            n,
        ));
        assert_jvp(
            (&value, &tangent),
            &inner_flat(&p99::<f64>(x[0], x[1], x[2], &x[3..], n)),
            &along,
            &inner_flat(&inner_seed(seed)),
            &grad,
            &dir,
        );
    }
}

// The entries of array programs (`aK`, `--arrays`, each with its loop reference `mod loops`)
// build with the features `ndarray` and `nalgebra` only
// (`cargo test --features ndarray,nalgebra --test difftest_found`). The bugs they found are
// fixed, their `ignore`s removed, and they now guard the fixes:
// - a float variable overwritten near an array operation that reads it: `_grad` read the
//   value after the overwrite (`seed1_a87`, `seed7_a126`: overwritten by a value without
//   derivative; `seed6_a42`, `seed1_a136`: overwritten by the operation itself, then read by a
//   nonlinear function), or `_hvp` was wrong (`seed2_a40_hvp`, `seed1_a81_hvp`,
//   `seed2_a56_hvp`, `seed3_a124_hvp`, `seed5_a168_hvp`: overwritten twice): an array
//   operation's rule now counts as reading its float operands (598a003);
// - `_jvp` and `_hvp` of a value's `norm()` at the origin gave NaN where `_grad` gives 0
//   (`seed3_a165_jvp`; 542f145);
// - a float `+` a value without derivative had the derivative of a float, and the tangent of a
//   vector `+` a matrix without derivative was not broadcast (`known_seed5_a25_jvp`,
//   `known_seed5_a7_jvp`, written with `--known-bugs` while the batches kept them out;
//   2169a15).

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 100 --seed 2` in `a40`, shrunk:
/// MISMATCH a40 hvp-dual component 0 at x = [0.8542957636604989, -0.9412002317523236, -0.6377460636038206, -0.425733241268758, 0.7600100438259101, -0.5930970420403894, 0.507354731969639, 0.3772994430374599, 0.21798850033648254], seed = -1.569054064361033, dir = [0.019583627913228874, 0.9171346117469779, -0.8392653082544681, 0.652584927046997, 0.41360463449466023, -0.7159379947506264, 0.7573574735139375, 0.4382893268733583, 0.5481590384386983]: hvp vs nested duals: hvp 0.0000000031197705804703324 but nested dual numbers 0.0000000072428506851953955
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed2_a40_hvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a40(u0: &Vector4<f64>, u1: &Vector4<f64>, s2: f64) -> f64 {
        let mut v4 = s2;
        v4 /= s2;
        v4 = (v4 * u0).sum();
        v4
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a40<T: Float>(u0: &[T], u1: &[T], s2: T) -> T {
            let mut v4 = s2;
            v4 = v4 / s2;
            v4 = sum(&with(&u0, v4, |p, q| q * p));
            v4
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                0.8542957636604989,
                -0.9412002317523236,
                -0.6377460636038206,
                -0.425733241268758,
                0.7600100438259101,
                -0.5930970420403894,
                0.507354731969639,
                0.3772994430374599,
                0.21798850033648254,
            ],
            [-1.569054064361033],
            vec![
                0.019583627913228874,
                0.9171346117469779,
                -0.8392653082544681,
                0.652584927046997,
                0.41360463449466023,
                -0.7159379947506264,
                0.7573574735139375,
                0.4382893268733583,
                0.5481590384386983,
            ],
        );
        let hvp = {
            let (g0, g1, g2) = a40_hvp(
                &SVector::<f64, 4>::from_column_slice(&x[0..4]),
                &SVector::<f64, 4>::from_column_slice(&x[4..8]),
                x[8],
                &SVector::<f64, 4>::from_column_slice(&dir[0..4]),
                &SVector::<f64, 4>::from_column_slice(&dir[4..8]),
                dir[8],
            );
            [flat_na(&g0), flat_na(&g1), vec![g2]].concat()
        };
        let nested = nested_hvp(
            |v: &[Dual<Dual<f64>>]| loops::a40::<Dual<Dual<f64>>>(&v[0..4], &v[4..8], v[8]),
            &x,
            &dir,
        );
        assert_hvp(
            &hvp,
            &nested,
            |v: &[f64]| {
                let (g0, g1, g2) = a40_grad(
                    &SVector::<f64, 4>::from_column_slice(&v[0..4]),
                    &SVector::<f64, 4>::from_column_slice(&v[4..8]),
                    v[8],
                );
                [flat_na(&g0), flat_na(&g1), vec![g2]].concat()
            },
            &x,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 3` in `a165`, shrunk:
/// MISMATCH a165 jvp-dual component 0 at x = [0.4072607132668771, -0.019253105775418167, 0.5587969203581258, 0.5065777280296873, -0.9062710767920159, -0.14420694261231248, -0.012918700114183057, 0.9621239323848656, -0.4474467371047284], seed = 0.911944066678684, dir = [0.5695041644645751, -0.569345619172853, -0.6519680688318881, 0.09439452751856914, -0.30115104355589306, -0.5496201323177512, 0.8473386402040954, 0.1895788509699603, 0.8347583206498872]: jvp vs dual numbers: tangent NaN but dual numbers -0.9339506674920557
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed3_a165_jvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a165(u0: &Vector3<f64>, m1: Matrix3x2<f64>) -> f64 {
        let mut v5 = u0.clone();
        v5 = &v5 - &v5;
        v5.norm()
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a165<T: Float>(u0: &[T], m1: &[T]) -> T {
            let mut v5 = u0.to_vec();
            v5 = zip(&v5, &v5, |p, q| p - q);
            norm(&v5)
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                0.4072607132668771,
                -0.019253105775418167,
                0.5587969203581258,
                0.5065777280296873,
                -0.9062710767920159,
                -0.14420694261231248,
                -0.012918700114183057,
                0.9621239323848656,
                -0.4474467371047284,
            ],
            [0.911944066678684],
            vec![
                0.5695041644645751,
                -0.569345619172853,
                -0.6519680688318881,
                0.09439452751856914,
                -0.30115104355589306,
                -0.5496201323177512,
                0.8473386402040954,
                0.1895788509699603,
                0.8347583206498872,
            ],
        );
        let grad = {
            let (g0, g1) = a165_grad(
                &SVector::<f64, 3>::from_column_slice(&x[0..3]),
                SMatrix::<f64, 3, 2>::from_row_slice(&x[3..9]),
            );
            [flat_na(&g0), flat_na(&g1)].concat()
        };
        let (value, tangent) = a165_jvp(
            &SVector::<f64, 3>::from_column_slice(&x[0..3]),
            SMatrix::<f64, 3, 2>::from_row_slice(&x[3..9]),
            &SVector::<f64, 3>::from_column_slice(&dir[0..3]),
            &SMatrix::<f64, 3, 2>::from_row_slice(&dir[3..9]),
        );
        let d = duals_along(&x, &dir);
        let along = [loops::a165::<Dual<f64>>(&d[0..3], &d[3..9])];
        assert_jvp(
            (&[value], &[tangent]),
            &[a165(
                &SVector::<f64, 3>::from_column_slice(&x[0..3]),
                SMatrix::<f64, 3, 2>::from_row_slice(&x[3..9]),
            )],
            &along,
            &[1.0],
            &grad,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 60 --seed 5 --known-bugs` in `a25`, shrunk:
/// MISMATCH a25 jvp-dual component 0 at x = [-0.6072953326471651, 0.6364660183368795, 0.6187793261723638, 0.9186518924107803, -0.5458551295978094], seed = 0.2545795834401483, dir = [0.5703693553460607, 0.29522419193334826, 0.351843177930945, -0.6972063289955273, 0.9596419780126124]: jvp vs dual numbers: tangent 0.08965276809205447 but dual numbers -0.869989209920558
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod known_seed5_a25_jvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a25(m0: &Array2<f64>, s1: f64) -> f64 {
        let mut v4 = s1;
        v4 = (s1 + Array1::<f64>::from_elem(2, 0.5)).sum();
        v4
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a25<T: Float>(m0: &[T], s1: T) -> T {
            let mut v4 = s1;
            v4 = sum(&with(&vec![k::<T>(0.5); 2], s1, |p, q| q + p));
            v4
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                -0.6072953326471651,
                0.6364660183368795,
                0.6187793261723638,
                0.9186518924107803,
                -0.5458551295978094,
            ],
            [0.2545795834401483],
            vec![
                0.5703693553460607,
                0.29522419193334826,
                0.351843177930945,
                -0.6972063289955273,
                0.9596419780126124,
            ],
        );
        let grad = {
            let (g0, g1) = a25_grad(&nd2(&x[0..4], 2, 2), x[4]);
            [flat_nd(&g0), vec![g1]].concat()
        };
        let (value, tangent) = a25_jvp(&nd2(&x[0..4], 2, 2), x[4], &nd2(&dir[0..4], 2, 2), dir[4]);
        let d = duals_along(&x, &dir);
        let along = [loops::a25::<Dual<f64>>(&d[0..4], d[4])];
        assert_jvp(
            (&[value], &[tangent]),
            &[a25(&nd2(&x[0..4], 2, 2), x[4])],
            &along,
            &[1.0],
            &grad,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 60 --seed 5 --known-bugs` in `a7`, shrunk:
/// MISMATCH a7 jvp-dual component 0 at x = [-0.9157037035071542, -0.4931865467299317, 0.2622545167484598, 0.11588040866409077, 0.43908440996686937, -0.6438046464143445, -0.8666037285769506, -0.18268912120112435, 0.3099780006599997, -0.0813377995760447, -0.9682614693419465, -0.963665450085057, 0.228562886291807, -0.6108662971192824, -0.16925636470007133, 0.3140412371354837, 0.9607888221425862, -0.5287288738182867, -0.7794350651308894, 0.4568171189111838, -0.2488019880464718, 0.5952369858556172, -0.27127886767167597, -0.9681772742065009], seed = 1.6324135071734491, dir = [0.9396594360484194, -0.4600610299223473, 0.14679574129101858, 0.8508865644121724, 0.07992418977802451, 0.705542398117528, 0.5890258045080234, -0.41998375655714404, -0.9133998607666818, 0.06237387516664139, -0.6729646897718673, 0.7838771192744032, 0.7022151202544198, 0.12690453532971646, -0.3395359319986606, -0.8092323410526596, 0.9676537964011298, 0.5288169869403128, -0.21316376072293353, 0.28858157768177417, -0.11749796875697172, 0.5095786589401705, 0.47368077577229206, 0.4511763977816534]: jvp vs dual numbers: tangent -2.1365471374849214 but dual numbers 3.022181698203669
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod known_seed5_a7_jvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable(wrt(u0, s1, m3))]
    pub fn a7(u0: ArrayView1<f64>, s1: f64, u2: ArrayView1<f64>, m3: &Array2<f64>) -> f64 {
        let mut v5 = -1.83;
        v5 *= (&u0 + Array2::<f64>::from_elem((3, 4), 0.5)).sum();
        v5
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a7<T: Float>(u0: &[T], s1: T, u2: &[T], m3: &[T]) -> T {
            let mut v5 = k::<T>(-1.83);
            v5 = v5 * sum(&zip(&u0, &vec![k::<T>(0.5); 12], |p, q| p + q));
            v5
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                -0.9157037035071542,
                -0.4931865467299317,
                0.2622545167484598,
                0.11588040866409077,
                0.43908440996686937,
                -0.6438046464143445,
                -0.8666037285769506,
                -0.18268912120112435,
                0.3099780006599997,
                -0.0813377995760447,
                -0.9682614693419465,
                -0.963665450085057,
                0.228562886291807,
                -0.6108662971192824,
                -0.16925636470007133,
                0.3140412371354837,
                0.9607888221425862,
                -0.5287288738182867,
                -0.7794350651308894,
                0.4568171189111838,
                -0.2488019880464718,
                0.5952369858556172,
                -0.27127886767167597,
                -0.9681772742065009,
            ],
            [1.6324135071734491],
            vec![
                0.9396594360484194,
                -0.4600610299223473,
                0.14679574129101858,
                0.8508865644121724,
                0.07992418977802451,
                0.705542398117528,
                0.5890258045080234,
                -0.41998375655714404,
                -0.9133998607666818,
                0.06237387516664139,
                -0.6729646897718673,
                0.7838771192744032,
                0.7022151202544198,
                0.12690453532971646,
                -0.3395359319986606,
                -0.8092323410526596,
                0.9676537964011298,
                0.5288169869403128,
                -0.21316376072293353,
                0.28858157768177417,
                -0.11749796875697172,
                0.5095786589401705,
                0.47368077577229206,
                0.4511763977816534,
            ],
        );
        let grad = {
            let (g0, g1, g3) = a7_grad(
                nd1(&x[0..4]).view(),
                x[4],
                nd1(&x[5..8]).view(),
                &nd2(&x[8..24], 4, 4),
            );
            [flat_nd(&g0), vec![g1], vec![0.0; 3], flat_nd(&g3)].concat()
        };
        let (value, tangent) = a7_jvp(
            nd1(&x[0..4]).view(),
            x[4],
            nd1(&x[5..8]).view(),
            &nd2(&x[8..24], 4, 4),
            &nd1(&dir[0..4]),
            dir[4],
            &nd2(&dir[8..24], 4, 4),
        );
        let d = duals_along(&x, &dir);
        let along = [loops::a7::<Dual<f64>>(
            &d[0..4],
            d[4],
            &constants::<Dual<f64>>(&x[5..8]),
            &d[8..24],
        )];
        assert_jvp(
            (&[value], &[tangent]),
            &[a7(
                nd1(&x[0..4]).view(),
                x[4],
                nd1(&x[5..8]).view(),
                &nd2(&x[8..24], 4, 4),
            )],
            &along,
            &[1.0],
            &grad,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 1` in `a87`, shrunk:
/// MISMATCH a87 dual component 0 at x = [-0.15844229888251027, -0.012415239938581069, 0.005045693655513883, -0.5448844544431708, 0.8321210493202396, 0.48888785949823976], seed = -1.7802569696477155, dir = [0.33266734676117893, -0.1546312800863363, -0.3162959159512009, -0.78558816072489, 0.31484453361425424, -0.8302887103912422]: reverse 3.6923172494809373 but dual numbers 2.987104826825039
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed1_a87 {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a87(u0: Array1<f64>, m1: &Array2<f64>) -> f64 {
        let mut v3 = Array2::<f64>::from_elem((4, 2), 0.2);
        let mut v4 = 1.93;
        v3 *= &u0;
        v3 *= v4;
        v4 += Array2::<f64>::from_elem((2, 4), 0.15).sum();
        v4 = u0.mean().unwrap() * v4;
        v3.mean().unwrap()
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a87<T: Float>(u0: &[T], m1: &[T]) -> T {
            let mut v3 = vec![k::<T>(0.2); 8];
            let mut v4 = k::<T>(1.93);
            v3 = zip(&v3, &u0, |p, q| p * q);
            v3 = with(&v3, v4, |p, q| p * q);
            v4 = v4 + sum(&vec![k::<T>(0.15); 8]);
            v4 = mean(&u0) * v4;
            mean(&v3)
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                -0.15844229888251027,
                -0.012415239938581069,
                0.005045693655513883,
                -0.5448844544431708,
                0.8321210493202396,
                0.48888785949823976,
            ],
            [-1.7802569696477155],
            vec![
                0.33266734676117893,
                -0.1546312800863363,
                -0.3162959159512009,
                -0.78558816072489,
                0.31484453361425424,
                -0.8302887103912422,
            ],
        );
        let forward = forward_gradient(
            |v: &[Dual<f64>]| loops::a87::<Dual<f64>>(&v[0..2], &v[2..6]),
            &x,
        );
        let grad = {
            let (g0, g1) = a87_grad(nd1(&x[0..2]), &nd2(&x[2..6], 2, 2));
            [flat_nd(&g0), flat_nd(&g1)].concat()
        };
        assert_gradient(
            &grad,
            &forward,
            |v: &[f64]| a87(nd1(&v[0..2]), &nd2(&v[2..6], 2, 2)),
            &x,
        );
        assert_scaled(
            &{
                let (g0, g1) = a87_vjp(nd1(&x[0..2]), &nd2(&x[2..6], 2, 2), seed[0]).1;
                [flat_nd(&g0), flat_nd(&g1)].concat()
            },
            seed[0],
            &grad,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 6` in `a42`, shrunk:
/// MISMATCH a42 dual component 3 at x = [-0.1055414758887896, -0.6570647266842433, -0.8820612873631541, -0.6709674747069116, 0.8255450861119475, -0.7716487068203237], seed = 0.9158364016855214, dir = [0.5857612085252097, 0.951632629828242, -0.018761759505196318, 0.8650560330872941, 0.16170726238793498, 0.6251053982112531]: reverse -73.03978970252741 but dual numbers -22.217310509731497
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed6_a42 {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a42(m0: &Array2<f64>, u1: &Array1<f64>) -> f64 {
        let mut v4 =
            Array2::<f64>::from_elem((2, 3), 0.31).dot(&Array2::<f64>::from_elem((3, 2), 1.44));
        let mut v6 = 1.85;
        for i7 in 0..3 {
            v6 *= u1.dot(u1);
        }
        v4 = v6.abs() * &v4;
        v4.mean().unwrap()
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a42<T: Float>(m0: &[T], u1: &[T]) -> T {
            let mut v4 = matmul(&vec![k::<T>(0.31); 6], &vec![k::<T>(1.44); 6], 2, 3, 2);
            let mut v6 = k::<T>(1.85);
            for i7 in 0..3 {
                v6 = v6 * vdot(&u1, &u1);
            }
            v4 = with(&v4, v6.abs(), |p, q| q * p);
            mean(&v4)
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                -0.1055414758887896,
                -0.6570647266842433,
                -0.8820612873631541,
                -0.6709674747069116,
                0.8255450861119475,
                -0.7716487068203237,
            ],
            [0.9158364016855214],
            vec![
                0.5857612085252097,
                0.951632629828242,
                -0.018761759505196318,
                0.8650560330872941,
                0.16170726238793498,
                0.6251053982112531,
            ],
        );
        let forward = forward_gradient(
            |v: &[Dual<f64>]| loops::a42::<Dual<f64>>(&v[0..3], &v[3..6]),
            &x,
        );
        let grad = {
            let (g0, g1) = a42_grad(&nd2(&x[0..3], 3, 1), &nd1(&x[3..6]));
            [flat_nd(&g0), flat_nd(&g1)].concat()
        };
        assert_gradient(
            &grad,
            &forward,
            |v: &[f64]| a42(&nd2(&v[0..3], 3, 1), &nd1(&v[3..6])),
            &x,
        );
        assert_scaled(
            &{
                let (g0, g1) = a42_vjp(&nd2(&x[0..3], 3, 1), &nd1(&x[3..6]), seed[0]).1;
                [flat_nd(&g0), flat_nd(&g1)].concat()
            },
            seed[0],
            &grad,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 1` in `a81`, shrunk:
/// MISMATCH a81 hvp-dual component 9 at x = [-0.867476216567004, 0.24689588950757968, 0.37325856746113395, -0.513752916354318, 0.2156061581220483, -0.7280571295278149, -0.5612529292265469, -0.2881765202761355, -0.8721838390023999, -0.28761646752885595, 0.2203112104722369, 0.024039652449838078, 0.2870376814993678, -0.3846008021153593, -0.052882859529157944, 0.47319453942648315, -0.6839313681457735, 0.6941046717284554, 0.34744651270947347, 0.3422405668629851, 0.7058171871626888, 0.6379247902499616, -0.8970858950487051, -0.9147666801814387, -0.7738897521344055], seed = 1.7260611193923276, dir = [-0.3758076078011825, 0.7739449638544353, 0.18712194751499234, 0.0756790261051985, -0.10048417459326964, -0.16144564380577298, 0.005503120478274726, 0.26576067863330577, 0.8627552969548189, 0.902965033642465, 0.04404859274607853, -0.9154071737705474, -0.961883020004118, -0.9640717209822083, -0.06681452487091644, 0.3449495247932919, 0.8456812230068089, 0.2207142456301432, 0.33958036929895785, 0.7859312784702814, -0.8943243861732899, -0.631139731460725, -0.5797532651632915, 0.988572293936562, -0.17051116281992895]: hvp vs nested duals: hvp 8.618838664327187 but nested dual numbers 6.349901767091711
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed1_a81_hvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a81(m0: Matrix3<f64>, s1: f64, m2: &Matrix3x2<f64>, m3: &Matrix3<f64>) -> f64 {
        let mut v5 = s1;
        v5 *= SVector::<f64, 2>::from_element(1.28)
            .dot(&(SVector::<f64, 2>::from_element(1.28) / s1));
        v5 /= s1;
        v5
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a81<T: Float>(m0: &[T], s1: T, m2: &[T], m3: &[T]) -> T {
            let mut v5 = s1;
            v5 = v5
                * vdot(
                    &vec![k::<T>(1.28); 2],
                    &with(&vec![k::<T>(1.28); 2], s1, |p, q| p / q),
                );
            v5 = v5 / s1;
            v5
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                -0.867476216567004,
                0.24689588950757968,
                0.37325856746113395,
                -0.513752916354318,
                0.2156061581220483,
                -0.7280571295278149,
                -0.5612529292265469,
                -0.2881765202761355,
                -0.8721838390023999,
                -0.28761646752885595,
                0.2203112104722369,
                0.024039652449838078,
                0.2870376814993678,
                -0.3846008021153593,
                -0.052882859529157944,
                0.47319453942648315,
                -0.6839313681457735,
                0.6941046717284554,
                0.34744651270947347,
                0.3422405668629851,
                0.7058171871626888,
                0.6379247902499616,
                -0.8970858950487051,
                -0.9147666801814387,
                -0.7738897521344055,
            ],
            [1.7260611193923276],
            vec![
                -0.3758076078011825,
                0.7739449638544353,
                0.18712194751499234,
                0.0756790261051985,
                -0.10048417459326964,
                -0.16144564380577298,
                0.005503120478274726,
                0.26576067863330577,
                0.8627552969548189,
                0.902965033642465,
                0.04404859274607853,
                -0.9154071737705474,
                -0.961883020004118,
                -0.9640717209822083,
                -0.06681452487091644,
                0.3449495247932919,
                0.8456812230068089,
                0.2207142456301432,
                0.33958036929895785,
                0.7859312784702814,
                -0.8943243861732899,
                -0.631139731460725,
                -0.5797532651632915,
                0.988572293936562,
                -0.17051116281992895,
            ],
        );
        let hvp = {
            let (g0, g1, g2, g3) = a81_hvp(
                SMatrix::<f64, 3, 3>::from_row_slice(&x[0..9]),
                x[9],
                &SMatrix::<f64, 3, 2>::from_row_slice(&x[10..16]),
                &SMatrix::<f64, 3, 3>::from_row_slice(&x[16..25]),
                &SMatrix::<f64, 3, 3>::from_row_slice(&dir[0..9]),
                dir[9],
                &SMatrix::<f64, 3, 2>::from_row_slice(&dir[10..16]),
                &SMatrix::<f64, 3, 3>::from_row_slice(&dir[16..25]),
            );
            [flat_na(&g0), vec![g1], flat_na(&g2), flat_na(&g3)].concat()
        };
        let nested = nested_hvp(
            |v: &[Dual<Dual<f64>>]| {
                loops::a81::<Dual<Dual<f64>>>(&v[0..9], v[9], &v[10..16], &v[16..25])
            },
            &x,
            &dir,
        );
        assert_hvp(
            &hvp,
            &nested,
            |v: &[f64]| {
                let (g0, g1, g2, g3) = a81_grad(
                    SMatrix::<f64, 3, 3>::from_row_slice(&v[0..9]),
                    v[9],
                    &SMatrix::<f64, 3, 2>::from_row_slice(&v[10..16]),
                    &SMatrix::<f64, 3, 3>::from_row_slice(&v[16..25]),
                );
                [flat_na(&g0), vec![g1], flat_na(&g2), flat_na(&g3)].concat()
            },
            &x,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 1` in `a136`, shrunk:
/// MISMATCH a136 dual component 1 at x = [-0.36799863779247843, -0.7967894637488939], seed = 1.329281115152567, dir = [-0.8814538576462021, 0.26199606106402773]: reverse 8.88075327908385 but dual numbers 9.944682195331362
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed1_a136 {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a136(u0: &DVector<f64>, m1: DMatrix<f64>) -> f64 {
        let mut v3 = 0.17;
        v3 = (&m1 * v3).norm_squared();
        v3 = v3;
        let mut v5 = v3 * v3;
        v5
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a136<T: Float>(u0: &[T], m1: &[T]) -> T {
            let mut v3 = k::<T>(0.17);
            v3 = norm_squared(&with(&m1, v3, |p, q| p * q));
            v3 = v3;
            let mut v5 = v3 * v3;
            v5
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![-0.36799863779247843, -0.7967894637488939],
            [1.329281115152567],
            vec![-0.8814538576462021, 0.26199606106402773],
        );
        let forward = forward_gradient(
            |v: &[Dual<f64>]| loops::a136::<Dual<f64>>(&v[0..1], &v[1..2]),
            &x,
        );
        let grad = {
            let (g0, g1) = a136_grad(
                &DVector::<f64>::from_column_slice(&x[0..1]),
                DMatrix::<f64>::from_row_slice(1, 1, &x[1..2]),
            );
            [flat_na(&g0), flat_na(&g1)].concat()
        };
        assert_gradient(
            &grad,
            &forward,
            |v: &[f64]| {
                a136(
                    &DVector::<f64>::from_column_slice(&v[0..1]),
                    DMatrix::<f64>::from_row_slice(1, 1, &v[1..2]),
                )
            },
            &x,
        );
        assert_scaled(
            &{
                let (g0, g1) = a136_vjp(
                    &DVector::<f64>::from_column_slice(&x[0..1]),
                    DMatrix::<f64>::from_row_slice(1, 1, &x[1..2]),
                    seed[0],
                )
                .1;
                [flat_na(&g0), flat_na(&g1)].concat()
            },
            seed[0],
            &grad,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 2` in `a56`, shrunk:
/// MISMATCH a56 hvp-dual component 0 at x = [0.8523468342064235, 0.676129004014876, 0.9110715014057205, -0.9892854188367919, 0.43691792228521287, 0.9746489198056603, 0.05202455616627222], seed = 0.05847133840171859, dir = [0.18554461905199293, -0.5285989369872577, -0.944256918619292, 0.7025203630812042, -0.17198818405859684, 0.4465480221426439, 0.3201814596252066]: hvp vs nested duals: hvp -1.513329744273401 but nested dual numbers -0.7933820775910978
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed2_a56_hvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a56(u0: &Array1<f64>, s1: f64, s2: f64, u3: ArrayView1<f64>) -> f64 {
        let mut v5 = Array2::<f64>::from_elem((1, 1), 1.61);
        let mut v7 = v5.sum();
        v7 /= s1;
        v7 = u0.dot(u0) * v7;
        v7
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a56<T: Float>(u0: &[T], s1: T, s2: T, u3: &[T]) -> T {
            let mut v5 = vec![k::<T>(1.61); 1];
            let mut v7 = sum(&v5);
            v7 = v7 / s1;
            v7 = vdot(&u0, &u0) * v7;
            v7
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                0.8523468342064235,
                0.676129004014876,
                0.9110715014057205,
                -0.9892854188367919,
                0.43691792228521287,
                0.9746489198056603,
                0.05202455616627222,
            ],
            [0.05847133840171859],
            vec![
                0.18554461905199293,
                -0.5285989369872577,
                -0.944256918619292,
                0.7025203630812042,
                -0.17198818405859684,
                0.4465480221426439,
                0.3201814596252066,
            ],
        );
        let hvp = {
            let (g0, g1, g2, g3) = a56_hvp(
                &nd1(&x[0..1]),
                x[1],
                x[2],
                nd1(&x[3..7]).view(),
                &nd1(&dir[0..1]),
                dir[1],
                dir[2],
                &nd1(&dir[3..7]),
            );
            [flat_nd(&g0), vec![g1], vec![g2], flat_nd(&g3)].concat()
        };
        let nested = nested_hvp(
            |v: &[Dual<Dual<f64>>]| loops::a56::<Dual<Dual<f64>>>(&v[0..1], v[1], v[2], &v[3..7]),
            &x,
            &dir,
        );
        assert_hvp(
            &hvp,
            &nested,
            |v: &[f64]| {
                let (g0, g1, g2, g3) = a56_grad(&nd1(&v[0..1]), v[1], v[2], nd1(&v[3..7]).view());
                [flat_nd(&g0), vec![g1], vec![g2], flat_nd(&g3)].concat()
            },
            &x,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 3` in `a124`, shrunk:
/// MISMATCH a124 hvp-dual component 0 at x = [-0.4378043909104965, -0.9139603878933196, 0.7415848913631962, 0.05264323830351514, -0.7857894999796566, -0.45999770095701886, 0.567730929800774], seed = 0.9804490733967839, dir = [0.7282586416217716, -0.22407461891091263, -0.8786126684795688, -0.020279695809160003, 0.1941027836926945, -0.3125258439837115, -0.9340914530698616]: hvp vs nested duals: hvp 0.7154550766410848 but nested dual numbers 0.99519144353394
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed3_a124_hvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a124(u0: ArrayView1<f64>, s1: f64, u2: ArrayView1<f64>, s3: f64) -> f64 {
        let mut v6 = s1;
        v6 = (v6 / &u0).mean().unwrap();
        v6 /= s3;
        v6
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a124<T: Float>(u0: &[T], s1: T, u2: &[T], s3: T) -> T {
            let mut v6 = s1;
            v6 = mean(&with(&u0, v6, |p, q| q / p));
            v6 = v6 / s3;
            v6
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                -0.4378043909104965,
                -0.9139603878933196,
                0.7415848913631962,
                0.05264323830351514,
                -0.7857894999796566,
                -0.45999770095701886,
                0.567730929800774,
            ],
            [0.9804490733967839],
            vec![
                0.7282586416217716,
                -0.22407461891091263,
                -0.8786126684795688,
                -0.020279695809160003,
                0.1941027836926945,
                -0.3125258439837115,
                -0.9340914530698616,
            ],
        );
        let hvp = {
            let (g0, g1, g2, g3) = a124_hvp(
                nd1(&x[0..4]).view(),
                x[4],
                nd1(&x[5..6]).view(),
                x[6],
                &nd1(&dir[0..4]),
                dir[4],
                &nd1(&dir[5..6]),
                dir[6],
            );
            [flat_nd(&g0), vec![g1], flat_nd(&g2), vec![g3]].concat()
        };
        let nested = nested_hvp(
            |v: &[Dual<Dual<f64>>]| loops::a124::<Dual<Dual<f64>>>(&v[0..4], v[4], &v[5..6], v[6]),
            &x,
            &dir,
        );
        assert_hvp(
            &hvp,
            &nested,
            |v: &[f64]| {
                let (g0, g1, g2, g3) =
                    a124_grad(nd1(&v[0..4]).view(), v[4], nd1(&v[5..6]).view(), v[6]);
                [flat_nd(&g0), vec![g1], flat_nd(&g2), vec![g3]].concat()
            },
            &x,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 5` in `a168`, shrunk:
/// MISMATCH a168 hvp-dual component 5 at x = [0.11003975436009328, -0.7847018535352459, 0.7152090696309883, -0.052815863386794115, 0.6489006571183371, 0.010885892451452994, -0.024764470438123354, -0.6223036893591181, -0.9444133603920504, -0.5597484122241558], seed = 1.315009779972521, dir = [0.9504040501384527, 0.6231430910002773, 0.30508307161483805, -0.2597829488618666, -0.1087554733200875, -0.9084132219258951, 0.02342202443746455, -0.6849659649948914, 0.10703796577453129, -0.49217405412039117]: hvp vs nested duals: hvp -0.0000010863388787988263 but nested dual numbers -0.0000005759391060963734
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed5_a168_hvp {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable(wrt(u2))]
    pub fn a168(m0: &DMatrix<f64>, s1: f64, u2: &DVector<f64>, u3: DVector<f64>) -> f64 {
        let mut v5 = DMatrix::<f64>::from_element(1, 1, 0.5).norm();
        v5 /= u2.dot(&DVector::<f64>::from_element(4, 0.2));
        v5 = v5;
        v5 = v5 * v5;
        v5
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a168<T: Float>(m0: &[T], s1: T, u2: &[T], u3: &[T]) -> T {
            let mut v5 = norm(&vec![k::<T>(0.5); 1]);
            v5 = v5 / vdot(&u2, &vec![k::<T>(0.2); 4]);
            v5 = v5;
            v5 = v5 * v5;
            v5
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                0.11003975436009328,
                -0.7847018535352459,
                0.7152090696309883,
                -0.052815863386794115,
                0.6489006571183371,
                0.010885892451452994,
                -0.024764470438123354,
                -0.6223036893591181,
                -0.9444133603920504,
                -0.5597484122241558,
            ],
            [1.315009779972521],
            vec![
                0.9504040501384527,
                0.6231430910002773,
                0.30508307161483805,
                -0.2597829488618666,
                -0.1087554733200875,
                -0.9084132219258951,
                0.02342202443746455,
                -0.6849659649948914,
                0.10703796577453129,
                -0.49217405412039117,
            ],
        );
        let hvp = {
            let g2 = a168_hvp(
                &DMatrix::<f64>::from_row_slice(1, 4, &x[0..4]),
                x[4],
                &DVector::<f64>::from_column_slice(&x[5..9]),
                DVector::<f64>::from_column_slice(&x[9..10]),
                &DVector::<f64>::from_column_slice(&dir[5..9]),
            );
            [vec![0.0; 4], vec![0.0; 1], flat_na(&g2), vec![0.0; 1]].concat()
        };
        let nested = nested_hvp(
            |v: &[Dual<Dual<f64>>]| {
                loops::a168::<Dual<Dual<f64>>>(
                    &constants::<Dual<Dual<f64>>>(&x[0..4]),
                    loops::k::<Dual<Dual<f64>>>(x[4]),
                    &v[5..9],
                    &constants::<Dual<Dual<f64>>>(&x[9..10]),
                )
            },
            &x,
            &dir,
        );
        assert_hvp(
            &hvp,
            &nested,
            |v: &[f64]| {
                let g2 = a168_grad(
                    &DMatrix::<f64>::from_row_slice(1, 4, &x[0..4]),
                    x[4],
                    &DVector::<f64>::from_column_slice(&v[5..9]),
                    DVector::<f64>::from_column_slice(&x[9..10]),
                );
                [vec![0.0; 4], vec![0.0; 1], flat_na(&g2), vec![0.0; 1]].concat()
            },
            &x,
            &dir,
        );
    }
}

/// Found by `cargo run -p difftest --release -- --programs 0 --arrays 200 --seed 7` in `a126`, shrunk:
/// MISMATCH a126 dual component 7 at x = [0.49506441281960667, 0.3946828695511324, 0.6332177724460013, -0.37872291913687905, 0.5802107070422549, -0.9611086901801906, -0.5700435737822329, 0.8850864253385735], seed = -1.6846529953420708, dir = [-0.9822582234053809, 0.7799536307291957, 0.037768188058012075, -0.15445652401663934, 0.9686747853592899, 0.7491166878569797, -0.17035688882497313, 0.6636208922060871]: reverse 155.89486571155598 but dual numbers -45.252654036890966
#[cfg(all(feature = "ndarray", feature = "nalgebra"))]
#[allow(warnings, clippy::all)]
mod seed7_a126 {
    use super::*;
    use autodiff::prelude::*;
    use nalgebra::{
        DMatrix, DVector, Matrix2, Matrix2x3, Matrix3, Matrix3x2, Matrix3x4, Matrix4, Matrix4x3,
        SMatrix, SVector, Vector1, Vector2, Vector3, Vector4,
    };
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

    /// An ndarray vector of `v`.
    pub fn nd1(v: &[f64]) -> Array1<f64> {
        Array1::from(v.to_vec())
    }

    /// An ndarray matrix of `r` rows from `v`, by rows.
    pub fn nd2(v: &[f64], r: usize, c: usize) -> Array2<f64> {
        Array2::from_shape_vec((r, c), v.to_vec()).unwrap()
    }

    /// An ndarray array's elements by rows.
    pub fn flat_nd<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
        a.iter().copied().collect()
    }

    /// A nalgebra vector's or matrix's elements by rows.
    pub fn flat_na<R: nalgebra::Dim, C: nalgebra::Dim, S: nalgebra::RawStorage<f64, R, C>>(
        m: &nalgebra::Matrix<f64, R, C, S>,
    ) -> Vec<f64> {
        let (r, c) = m.shape();
        (0..r)
            .flat_map(|i| (0..c).map(move |j| m[(i, j)]))
            .collect()
    }

    /// The elements of `v` as constants of `T`: a parameter outside `wrt`, for dual numbers.
    pub fn constants<T: Float>(v: &[f64]) -> Vec<T> {
        v.iter().map(|&a| T::from(a).unwrap()).collect()
    }

    #[differentiable]
    pub fn a126(u0: Vector3<f64>, m1: Matrix2<f64>, s2: f64) -> f64 {
        let mut v5 = s2;
        let mut v6 = SMatrix::<f64, 3, 4>::from_element(0.27);
        for i7 in 0..3 {
            v5 = s2;
            v6 = &v6 * v5;
            v5 = SVector::<f64, 2>::from_element(0.66).norm();
        }
        let mut v8 = Vector3::new(
            SMatrix::<f64, 3, 2>::from_element(1.1)[(0, 0)],
            v5 * v5,
            0.41,
        )
        .dot(&(SMatrix::<f64, 3, 2>::from_element(1.24) * SVector::<f64, 2>::from_element(1.24)));
        v6.sum() + v8
    }

    /// The references: each program with loops over slices, for dual numbers.
    mod loops {
        use super::*;

        /// The constant `v` as a `T`.
        pub fn k<T: Float>(v: f64) -> T {
            T::from(v).unwrap()
        }

        /// `f` of each element.
        pub fn map<T: Float>(a: &[T], f: impl Fn(T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x));
            }
            out
        }

        /// `f` of the elements of `a` and `b` pairwise, the shorter repeated: a vector of `c` over the
        /// rows of a matrix of `c` columns, as ndarray broadcasts it.
        pub fn zip<T: Float>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> Vec<T> {
            let n = a.len().max(b.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(f(a[i % a.len()], b[i % b.len()]));
            }
            out
        }

        /// `f(x, s)` of each element `x`.
        pub fn with<T: Float>(a: &[T], s: T, f: impl Fn(T, T) -> T) -> Vec<T> {
            let mut out = Vec::with_capacity(a.len());
            for &x in a {
                out.push(f(x, s));
            }
            out
        }

        pub fn sum<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x;
            }
            s
        }

        pub fn mean<T: Float>(a: &[T]) -> T {
            sum(a) / T::from(a.len()).unwrap()
        }

        pub fn norm_squared<T: Float>(a: &[T]) -> T {
            let mut s = T::zero();
            for &x in a {
                s = s + x * x;
            }
            s
        }

        pub fn norm<T: Float>(a: &[T]) -> T {
            norm_squared(a).sqrt()
        }

        pub fn vdot<T: Float>(a: &[T], b: &[T]) -> T {
            assert_eq!(a.len(), b.len());
            let mut s = T::zero();
            for i in 0..a.len() {
                s = s + a[i] * b[i];
            }
            s
        }

        /// The product of `a` (`r` × `c`) and the vector `x`.
        pub fn matvec<T: Float>(a: &[T], x: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j] * x[j];
                }
            }
            out
        }

        /// The product of the vector `x` and `a` (`r` × `c`).
        pub fn vecmat<T: Float>(x: &[T], a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for j in 0..c {
                for i in 0..r {
                    out[j] = out[j] + x[i] * a[i * c + j];
                }
            }
            out
        }

        /// The product of `a` (`r` × `m`) and `b` (`m` × `c`).
        pub fn matmul<T: Float>(a: &[T], b: &[T], r: usize, m: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    for l in 0..m {
                        out[i * c + j] = out[i * c + j] + a[i * m + l] * b[l * c + j];
                    }
                }
            }
            out
        }

        pub fn transpose<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r * c];
            for i in 0..r {
                for j in 0..c {
                    out[j * r + i] = a[i * c + j];
                }
            }
            out
        }

        pub fn row<T: Float>(a: &[T], c: usize, i: usize) -> Vec<T> {
            a[i * c..(i + 1) * c].to_vec()
        }

        pub fn column<T: Float>(a: &[T], r: usize, c: usize, j: usize) -> Vec<T> {
            let mut out = Vec::with_capacity(r);
            for i in 0..r {
                out.push(a[i * c + j]);
            }
            out
        }

        /// The sums of the columns: `sum_axis(Axis(0))`.
        pub fn sum_rows<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); c];
            for i in 0..r {
                for j in 0..c {
                    out[j] = out[j] + a[i * c + j];
                }
            }
            out
        }

        /// The sums of the rows: `sum_axis(Axis(1))`.
        pub fn sum_columns<T: Float>(a: &[T], r: usize, c: usize) -> Vec<T> {
            let mut out = vec![T::zero(); r];
            for i in 0..r {
                for j in 0..c {
                    out[i] = out[i] + a[i * c + j];
                }
            }
            out
        }

        pub fn cross<T: Float>(a: &[T], b: &[T]) -> Vec<T> {
            vec![
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            ]
        }

        pub fn a126<T: Float>(u0: &[T], m1: &[T], s2: T) -> T {
            let mut v5 = s2;
            let mut v6 = vec![k::<T>(0.27); 12];
            for i7 in 0..3 {
                v5 = s2;
                v6 = with(&v6, v5, |p, q| p * q);
                v5 = norm(&vec![k::<T>(0.66); 2]);
            }
            let mut v8 = vdot(
                &vec![vec![k::<T>(1.1); 6][0], v5 * v5, k::<T>(0.41)],
                &matvec(&vec![k::<T>(1.24); 6], &vec![k::<T>(1.24); 2], 3, 2),
            );
            sum(&v6) + v8
        }
    }

    #[test]
    fn at_the_failing_point() {
        let (x, seed, dir) = (
            vec![
                0.49506441281960667,
                0.3946828695511324,
                0.6332177724460013,
                -0.37872291913687905,
                0.5802107070422549,
                -0.9611086901801906,
                -0.5700435737822329,
                0.8850864253385735,
            ],
            [-1.6846529953420708],
            vec![
                -0.9822582234053809,
                0.7799536307291957,
                0.037768188058012075,
                -0.15445652401663934,
                0.9686747853592899,
                0.7491166878569797,
                -0.17035688882497313,
                0.6636208922060871,
            ],
        );
        let forward = forward_gradient(
            |v: &[Dual<f64>]| loops::a126::<Dual<f64>>(&v[0..3], &v[3..7], v[7]),
            &x,
        );
        let grad = {
            let (g0, g1, g2) = a126_grad(
                SVector::<f64, 3>::from_column_slice(&x[0..3]),
                SMatrix::<f64, 2, 2>::from_row_slice(&x[3..7]),
                x[7],
            );
            [flat_na(&g0), flat_na(&g1), vec![g2]].concat()
        };
        assert_gradient(
            &grad,
            &forward,
            |v: &[f64]| {
                a126(
                    SVector::<f64, 3>::from_column_slice(&v[0..3]),
                    SMatrix::<f64, 2, 2>::from_row_slice(&v[3..7]),
                    v[7],
                )
            },
            &x,
        );
        assert_scaled(
            &{
                let (g0, g1, g2) = a126_vjp(
                    SVector::<f64, 3>::from_column_slice(&x[0..3]),
                    SMatrix::<f64, 2, 2>::from_row_slice(&x[3..7]),
                    x[7],
                    seed[0],
                )
                .1;
                [flat_na(&g0), flat_na(&g1), vec![g2]].concat()
            },
            seed[0],
            &grad,
        );
    }
}
