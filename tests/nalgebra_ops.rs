//! nalgebra values inside `#[differentiable]` functions (feature `nalgebra`): geometry with
//! `Vector3`/`Matrix3` (a pinhole camera), dynamic `DMatrix`/`DVector`, each against closed
//! forms or central finite differences, `_jvp` against the gradient dotted with the tangent,
//! `_hvp` against central differences of the gradient.
#![cfg(feature = "nalgebra")]

use autodiff::prelude::*;
use nalgebra::{DMatrix, DVector, Matrix3, Vector3};

/// The squared reprojection error of point `p` seen by a pinhole camera of rotation `r`,
/// translation `t` and focal length `f`, against the observed pixel `(u0, v0)`.
#[differentiable(wrt(r, t, p, f))]
fn reprojection(
    r: &Matrix3<f64>,
    t: &Vector3<f64>,
    p: &Vector3<f64>,
    f: f64,
    u0: f64,
    v0: f64,
) -> f64 {
    let q = r * p + t; // rotate, translate
    let u = f * q[0] / q[2]; // divide by depth
    let v = f * q[1] / q[2];
    (u - u0) * (u - u0) + (v - v0) * (v - v0)
}

fn flat3(m: &Matrix3<f64>) -> Vec<f64> {
    m.iter().copied().collect()
}

fn unflat(x: &[f64]) -> (Matrix3<f64>, Vector3<f64>, Vector3<f64>, f64) {
    (
        Matrix3::from_column_slice(&x[..9]),
        Vector3::from_column_slice(&x[9..12]),
        Vector3::from_column_slice(&x[12..15]),
        x[15],
    )
}

fn pack(r: &Matrix3<f64>, t: &Vector3<f64>, p: &Vector3<f64>, f: f64) -> Vec<f64> {
    let mut out = flat3(r);
    out.extend(t.iter());
    out.extend(p.iter());
    out.push(f);
    out
}

/// `hv`, a Hessian-vector product along `dir`, against central differences of `grad`.
fn assert_hvp_matches(grad: impl Fn(&[f64]) -> Vec<f64>, x0: &[f64], dir: &[f64], hv: &[f64]) {
    let e = 1e-5;
    let shifted = |k: f64| {
        grad(
            &x0.iter()
                .zip(dir)
                .map(|(x, d)| x + k * d)
                .collect::<Vec<_>>(),
        )
    };
    let (up, down) = (shifted(e), shifted(-e));
    for k in 0..x0.len() {
        let fd = (up[k] - down[k]) / (2.0 * e);
        assert!(
            (hv[k] - fd).abs() < 1e-5 * (1.0 + fd.abs()),
            "hvp[{k}] {} {fd}",
            hv[k]
        );
    }
}

#[test]
fn camera_projection() {
    let angle: f64 = 0.3;
    let r = Matrix3::new(
        angle.cos(),
        -angle.sin(),
        0.0,
        angle.sin(),
        angle.cos(),
        0.0,
        0.0,
        0.0,
        1.0,
    );
    let t = Vector3::new(0.1, -0.2, 4.0);
    let p = Vector3::new(0.5, 0.3, 1.0);
    let (f, u0, v0) = (800.0, 100.0, 50.0);
    let (gr, gt, gp, gf) = reprojection_grad(&r, &t, &p, f, u0, v0);
    // Closed form: q = R p + t, e = (u − u0, v − v0), ∂L/∂q = 2 f (e₀/q₂, e₁/q₂,
    // −(e₀ q₀ + e₁ q₁)/q₂²), ∂L/∂t = ∂L/∂q, ∂L/∂p = Rᵀ ∂L/∂q, ∂L/∂R = ∂L/∂q pᵀ.
    let q = r * p + t;
    let (u, v) = (f * q[0] / q[2], f * q[1] / q[2]);
    let (e0, e1) = (u - u0, v - v0);
    let dq = Vector3::new(
        2.0 * f * e0 / q[2],
        2.0 * f * e1 / q[2],
        -2.0 * f * (e0 * q[0] + e1 * q[1]) / (q[2] * q[2]),
    );
    let df = 2.0 * (e0 * q[0] + e1 * q[1]) / q[2];
    assert!((gt - dq).norm() < 1e-9 * dq.norm());
    assert!((gp - r.transpose() * dq).norm() < 1e-9 * dq.norm());
    assert!((gr - dq * p.transpose()).norm() < 1e-9 * dq.norm());
    assert!((gf - df).abs() < 1e-9 * df.abs());
    let x0 = pack(&r, &t, &p, f);
    let fx = |x: &[f64]| {
        let (r, t, p, f) = unflat(x);
        reprojection(&r, &t, &p, f, u0, v0)
    };
    let g = pack(&gr, &gt, &gp, gf);
    check_grad(fx, &x0, &g).assert_within(1e-6);
    // Forward mode and second order.
    let tan: Vec<f64> = (0..16).map(|i| ((i as f64) * 0.7 + 0.3).sin()).collect();
    let (tr, tt, tp, tf) = unflat(&tan);
    let (value, d) = reprojection_jvp(&r, &t, &p, f, u0, v0, &tr, &tt, &tp, tf);
    assert!((value - fx(&x0)).abs() < 1e-9);
    let expected: f64 = g.iter().zip(&tan).map(|(a, b)| a * b).sum();
    assert!(
        (d - expected).abs() < 1e-9 * expected.abs(),
        "{d} {expected}"
    );
    let (hr, ht, hp, hf) = reprojection_hvp(&r, &t, &p, f, u0, v0, &tr, &tt, &tp, tf);
    let hv = pack(&hr, &ht, &hp, hf);
    let e = 1e-6;
    let at = |s: f64| {
        let x: Vec<f64> = x0.iter().zip(&tan).map(|(x, v)| x + s * v).collect();
        let (r, t, p, f) = unflat(&x);
        let (a, b, c, d) = reprojection_grad(&r, &t, &p, f, u0, v0);
        pack(&a, &b, &c, d)
    };
    let (gp_, gm_) = (at(e), at(-e));
    for k in 0..16 {
        let fd = (gp_[k] - gm_[k]) / (2.0 * e);
        assert!(
            (hv[k] - fd).abs() < 1e-4 * (1.0 + fd.abs()),
            "hvp[{k}] {} {fd}",
            hv[k]
        );
    }
}

/// `dot`, `cross`, `norm`, `norm_squared`, `transpose`, `component_mul`, `+ -`, products with
/// floats and indexing of static vectors and matrices.
#[differentiable]
fn geometry(a: &Vector3<f64>, b: &Vector3<f64>, m: &Matrix3<f64>, s: f64) -> f64 {
    let c = a.cross(b);
    let d = m.transpose() * c - a * s + b / s;
    let e = d.component_mul(a);
    c.dot(b) + d.norm() + e.norm_squared() + m[(0, 1)] * a[2] + (m * m).sum()
}

#[test]
fn vector_operations() {
    let a = Vector3::new(0.3, -1.2, 0.8);
    let b = Vector3::new(1.1, 0.4, -0.5);
    let m = Matrix3::new(1.0, 2.0, -1.0, 0.5, -0.3, 2.0, 0.1, 0.7, 1.5);
    let s = 1.7;
    let pack = |a: &Vector3<f64>, b: &Vector3<f64>, m: &Matrix3<f64>, s: f64| {
        let mut out: Vec<f64> = a.iter().chain(b.iter()).copied().collect();
        out.extend(m.iter());
        out.push(s);
        out
    };
    let unpack = |x: &[f64]| {
        (
            Vector3::from_column_slice(&x[..3]),
            Vector3::from_column_slice(&x[3..6]),
            Matrix3::from_column_slice(&x[6..15]),
            x[15],
        )
    };
    let x0 = pack(&a, &b, &m, s);
    let f = |x: &[f64]| {
        let (a, b, m, s) = unpack(x);
        geometry(&a, &b, &m, s)
    };
    let grad = |x: &[f64]| {
        let (a, b, m, s) = unpack(x);
        let (ga, gb, gm, gs) = geometry_grad(&a, &b, &m, s);
        pack(&ga, &gb, &gm, gs)
    };
    let g = grad(&x0);
    check_grad(f, &x0, &g).assert_within(1e-6);
    let tan: Vec<f64> = (0..16).map(|i| ((i as f64) * 0.7 + 0.3).sin()).collect();
    let (ta, tb, tm, ts) = unpack(&tan);
    let (value, d) = geometry_jvp(&a, &b, &m, s, &ta, &tb, &tm, ts);
    assert!((value - f(&x0)).abs() < 1e-12);
    let expected: f64 = g.iter().zip(&tan).map(|(a, b)| a * b).sum();
    assert!(
        (d - expected).abs() < 1e-9 * (1.0 + expected.abs()),
        "{d} {expected}"
    );
    let (ha, hb, hm, hs) = geometry_hvp(&a, &b, &m, s, &ta, &tb, &tm, ts);
    assert_hvp_matches(grad, &x0, &tan, &pack(&ha, &hb, &hm, hs));
    // Closed forms: (a × b)·b is 0 for every a and b, so is its gradient; (a × b)·c has
    // the gradients b × c, c × a and a × b.
    let (ga, gb) = cross_dot_grad(&a, &b);
    assert!(ga.norm() < 1e-15 && gb.norm() < 1e-15, "{ga} {gb}");
    let c = Vector3::new(0.2, 0.9, -1.4);
    let (ga, gb, gc) = triple_grad(&a, &b, &c);
    assert!((ga - b.cross(&c)).norm() < 1e-15);
    assert!((gb - c.cross(&a)).norm() < 1e-15);
    assert!((gc - a.cross(&b)).norm() < 1e-15);
}

/// A point built from floats with `Vector3::new`, projected.
#[differentiable]
fn built(x: f64, y: f64, m: &Matrix3<f64>) -> f64 {
    let p = Vector3::new(x, 2.0 * y, 1.0);
    let q = m * p + Vector3::new(0.0, 0.0, 3.0);
    q[0] / q[2] + (q * x).norm()
}

#[test]
fn vectors_built_from_floats() {
    let m = Matrix3::new(1.0, 2.0, -1.0, 0.5, -0.3, 2.0, 0.1, 0.7, 1.5);
    let (x, y) = (0.4, -0.6);
    let (gx, gy, gm) = built_grad(x, y, &m);
    let mut g = vec![gx, gy];
    g.extend(gm.iter());
    let pack = |p: &[f64]| (p[0], p[1], Matrix3::from_column_slice(&p[2..]));
    let mut x0 = vec![x, y];
    x0.extend(m.iter());
    check_grad(
        |p| {
            let (x, y, m) = pack(p);
            built(x, y, &m)
        },
        &x0,
        &g,
    )
    .assert_within(1e-6);
    let (value, d) = built_jvp(x, y, &m, 1.0, 0.5, &m);
    assert!((value - built(x, y, &m)).abs() < 1e-12);
    let expected = gx + 0.5 * gy + gm.dot(&m);
    assert!((d - expected).abs() < 1e-9 * (1.0 + expected.abs()));
}

#[differentiable]
fn triple(a: &Vector3<f64>, b: &Vector3<f64>, c: &Vector3<f64>) -> f64 {
    a.cross(b).dot(c)
}

#[differentiable]
fn cross_dot(a: &Vector3<f64>, b: &Vector3<f64>) -> f64 {
    a.cross(b).dot(b)
}

/// Dynamic matrices: a least-squares residual.
#[differentiable(wrt(w))]
fn least_squares(x: &DMatrix<f64>, w: &DVector<f64>, y: &DVector<f64>) -> f64 {
    let r = x * w - y;
    r.norm_squared() / 2.0
}

#[test]
fn dynamic_least_squares() {
    let x = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, -0.5, 0.3, 2.0, 1.1]);
    let w = DVector::from_vec(vec![0.4, -0.7]);
    let y = DVector::from_vec(vec![1.0, 0.2, -0.3]);
    // ∇ = Xᵀ (X w − y)
    let g = least_squares_grad(&x, &w, &y);
    let e = x.transpose() * (&x * &w - &y);
    assert!((g - &e).norm() < 1e-12);
    // H = XᵀX
    let t = DVector::from_vec(vec![0.3, 1.0]);
    let hv = least_squares_hvp(&x, &w, &y, &t);
    assert!((hv - x.transpose() * &x * &t).norm() < 1e-12);
    let (_, d) = least_squares_jvp(&x, &w, &y, &t);
    assert!((d - e.dot(&t)).abs() < 1e-12);
}

#[test]
#[should_panic(expected = "mul: the shapes [3, 2] and [3, 1] do not fit")]
fn dynamic_shapes_mismatch_panics() {
    let x = DMatrix::<f64>::zeros(3, 2);
    let w = DVector::<f64>::zeros(3);
    let y = DVector::<f64>::zeros(3);
    let _ = least_squares_grad(&x, &w, &y);
}

/// A rigid transform as a struct of nalgebra fields: `Differentiable` is implemented for
/// nalgebra's matrices, so the struct derives it, and the body reads the fields whole or
/// element by element.
#[derive(Clone, Debug, Differentiable)]
struct Pose {
    r: Matrix3<f64>,
    t: Vector3<f64>,
}

/// `|R·p + t|²`, the fields used whole.
#[differentiable]
fn moved_norm(pose: &Pose, p: &Vector3<f64>) -> f64 {
    (pose.r * p + pose.t).norm_squared()
}

/// A camera as a struct, with a float field, a field the derivative does not flow into, and
/// the fields in products, methods, arguments and indexing.
#[derive(Clone, Debug, Differentiable)]
struct Camera {
    r: Matrix3<f64>,
    t: Vector3<f64>,
    focal: f64,
    #[no_derivative]
    offset: Vector3<f64>,
}

#[differentiable(wrt(cam, p))]
fn camera_mix(cam: &Camera, p: &Vector3<f64>) -> f64 {
    let q = cam.r * p + cam.t - cam.offset;
    let back = cam.r.transpose() * q;
    let u = q[0] / q[2] * cam.focal;
    u * u + back.dot(&cam.t) + (q * cam.focal).norm() + cam.r[(0, 1)] * cam.t.norm_squared()
}

/// The squared depth of `p` seen from `pose`, `zᵀz` with `z = (r·p + t)₂`, element by element
/// (a matrix field's elements by nalgebra's linear index, column by column).
#[differentiable(wrt(pose))]
fn squared_depth(pose: &Pose, p: &Vector3<f64>) -> f64 {
    let mut z = pose.t[2];
    for j in 0..3 {
        z += pose.r[2 + 3 * j] * p[j];
    }
    z * z
}

#[test]
fn nalgebra_values_are_differentiable() {
    let mut a = Matrix3::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    let b = Matrix3::from_element(0.5);
    assert_eq!(a.dot(&b), 22.5);
    assert_eq!(Differentiable::dot(&a, &b), 22.5);
    a.add_scaled(2.0, &b);
    assert_eq!(a[(1, 2)], 7.0);
    assert_eq!(a.zeros_like(), Matrix3::zeros());
    // Storage order: column by column.
    let v = Vector3::new(1.0, 2.0, 3.0);
    assert_eq!(v.to_flat(), [1.0, 2.0, 3.0]);
    let m = Matrix3::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    assert_eq!(m.to_flat()[..3], [1.0, 4.0, 7.0]);
    assert_eq!(m.from_flat(&m.to_flat()), m);
    let d = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(d.from_flat(&[0.0; 6]), d.zeros_like());
    assert_eq!(
        DVector::from_vec(vec![3.0, 4.0]).dot(&DVector::from_vec(vec![1.0, 2.0])),
        11.0
    );
}

#[test]
#[should_panic(expected = "Differentiable::add_scaled: the shapes [2, 3] and [3, 2] do not fit")]
fn differentiable_of_other_shapes_panics() {
    let mut a = DMatrix::<f64>::zeros(2, 3);
    a.add_scaled(1.0, &DMatrix::zeros(3, 2));
}

#[test]
fn struct_of_nalgebra_fields() {
    let pose = Pose {
        r: Matrix3::new(0.8, -0.6, 0.1, 0.6, 0.8, -0.2, 0.3, -0.4, 0.9),
        t: Vector3::new(0.5, -1.0, 2.0),
    };
    let p = Vector3::new(1.5, -0.7, 2.5);
    let g = squared_depth_grad(&pose, &p);
    // Closed form: z = r₂·p + t₂, ∂(z²)/∂t₂ = 2z, ∂(z²)/∂r₂ⱼ = 2z·pⱼ, every other entry 0.
    let z = pose.r.row(2).dot(&p.transpose()) + pose.t[2];
    let mut expected = pose.zeros_like();
    expected.t[2] = 2.0 * z;
    for j in 0..3 {
        expected.r[(2, j)] = 2.0 * z * p[j];
    }
    assert!(
        (g.r - expected.r).norm() < 1e-12 && (g.t - expected.t).norm() < 1e-12,
        "{g:?}"
    );
    // Against central differences, through the struct's flat view.
    let x0 = pose.to_flat();
    let f = |x: &[f64]| squared_depth(&pose.from_flat(x), &p);
    check_grad(f, &x0, &g.to_flat()).assert_within(1e-7);
    // `_jvp` is the gradient dotted with the tangent; `_hvp` is 2·∇z·(∇z·v), ∇z = g / 2z.
    let v = pose.from_flat(&(0..12).map(|i| (i as f64 * 0.9).cos()).collect::<Vec<_>>());
    let (value, tangent) = squared_depth_jvp(&pose, &p, &v);
    assert!((value - z * z).abs() < 1e-12);
    assert!((tangent - g.dot(&v)).abs() < 1e-12);
    let hv = squared_depth_hvp(&pose, &p, &v);
    // With ∇z = g / 2z: 2·∇z·(∇z·v) = g·(g·v) / 2z².
    let mut expected_hv = g.zeros_like();
    expected_hv.add_scaled(g.dot(&v) / (2.0 * z * z), &g);
    assert!(
        (hv.to_flat().iter().zip(expected_hv.to_flat()))
            .all(|(a, b)| (a - b).abs() < 1e-12 * (1.0 + b.abs())),
        "{hv:?} {expected_hv:?}"
    );
}

#[test]
fn struct_fields_used_whole() {
    let pose = Pose {
        r: Matrix3::new(0.8, -0.6, 0.1, 0.6, 0.8, -0.2, 0.3, -0.4, 0.9),
        t: Vector3::new(0.5, -1.0, 2.0),
    };
    let p = Vector3::new(1.5, -0.7, 2.5);
    // Closed form: q = R·p + t, ∂/∂t = 2q, ∂/∂R = 2q·pᵀ, ∂/∂p = 2Rᵀq.
    let q = pose.r * p + pose.t;
    let (g, gp) = moved_norm_grad(&pose, &p);
    assert!((g.t - 2.0 * q).norm() < 1e-12, "{g:?}");
    assert!((g.r - 2.0 * q * p.transpose()).norm() < 1e-12, "{g:?}");
    assert!((gp - 2.0 * pose.r.transpose() * q).norm() < 1e-12, "{gp}");
    let x0: Vec<f64> = pose
        .to_flat()
        .into_iter()
        .chain(p.iter().copied())
        .collect();
    let g: Vec<f64> = g.to_flat().into_iter().chain(gp.iter().copied()).collect();
    let f = |x: &[f64]| {
        moved_norm(
            &pose.from_flat(&x[..12]),
            &Vector3::from_column_slice(&x[12..]),
        )
    };
    check_grad(f, &x0, &g).assert_within(1e-7);
}

#[test]
fn camera_struct_in_every_mode() {
    let cam = Camera {
        r: Matrix3::new(0.8, -0.6, 0.1, 0.6, 0.8, -0.2, 0.3, -0.4, 0.9),
        t: Vector3::new(0.5, -1.0, 4.0),
        focal: 1.3,
        offset: Vector3::new(0.1, 0.2, -0.3),
    };
    let p = Vector3::new(1.5, -0.7, 2.5);
    let flat = |c: &Camera, p: &Vector3<f64>| -> Vec<f64> {
        c.to_flat().into_iter().chain(p.iter().copied()).collect()
    };
    let n = cam.to_flat().len();
    assert_eq!(n, 13, "the offset holds no derivative");
    let unflat = |x: &[f64]| (cam.from_flat(&x[..n]), Vector3::from_column_slice(&x[n..]));
    let f = |x: &[f64]| {
        let (c, p) = unflat(x);
        camera_mix(&c, &p)
    };
    let grad = |x: &[f64]| {
        let (c, p) = unflat(x);
        let (gc, gp) = camera_mix_grad(&c, &p);
        // The field without a derivative holds the primal's value in a gradient.
        assert_eq!(gc.offset, c.offset);
        flat(&gc, &gp)
    };
    let x0 = flat(&cam, &p);
    let g = grad(&x0);
    check_grad(f, &x0, &g).assert_within(1e-7);
    let v: Vec<f64> = (0..16).map(|i| (i as f64 * 0.9).cos()).collect();
    let (vc, vp) = unflat(&v);
    let (value, tangent) = camera_mix_jvp(&cam, &p, &vc, &vp);
    assert!((value - f(&x0)).abs() < 1e-12);
    let expected: f64 = g.iter().zip(&v).map(|(a, b)| a * b).sum();
    assert!(
        (tangent - expected).abs() < 1e-10 * (1.0 + expected.abs()),
        "{tangent} {expected}"
    );
    let (hc, hp) = camera_mix_hvp(&cam, &p, &vc, &vp);
    assert_hvp_matches(grad, &x0, &v, &flat(&hc, &hp));
}

/// The norm of a vector that is zero: `_jvp` and `_hvp` once gave NaN (0/0) where the
/// gradient takes the reverse rule's convention, 0 (found by the array difftest, seed 3).
#[differentiable]
fn norm_of_a_difference(a: &Vector3<f64>, b: &Vector3<f64>) -> f64 {
    (a - b).norm() + a.dot(b)
}

#[test]
fn norm_at_the_origin_in_every_mode() {
    let a = Vector3::new(0.5, -1.0, 2.0);
    let (ga, gb) = norm_of_a_difference_grad(&a, &a);
    assert_eq!((ga, gb), (a, a), "the norm's part is 0 at the origin");
    let (t1, t2) = (Vector3::new(0.3, 0.2, -0.1), Vector3::new(-0.4, 0.1, 0.6));
    let (value, tangent) = norm_of_a_difference_jvp(&a, &a, &t1, &t2);
    assert_eq!(value, a.dot(&a));
    assert!(
        (tangent - (t1.dot(&a) + a.dot(&t2))).abs() < 1e-15,
        "{tangent}"
    );
    let (ha, hb) = norm_of_a_difference_hvp(&a, &a, &t1, &t2);
    assert!(
        ha.iter().chain(hb.iter()).all(|h| h.is_finite()),
        "{ha} {hb}"
    );
    assert!(
        (ha - t2).norm() < 1e-15 && (hb - t1).norm() < 1e-15,
        "{ha} {hb}"
    );
}

/// A float overwritten twice, the second time by an operation on a value that reads it: the
/// reverse sweep of `_hvp` once read the float's last value where the value's rule needed
/// the one before (found by the array difftest, seed 2: a slot read only by a value's rule
/// was taken for one nothing reads, and not restored).
#[differentiable]
fn overwritten_float(u: &Vector3<f64>, s: f64) -> f64 {
    let mut v = s;
    v /= s;
    v = (v * u).sum();
    v * s
}

#[test]
fn float_overwritten_by_a_value_operation() {
    let (u, s) = (Vector3::new(1.0, 2.0, -0.5), 0.7);
    // f = (s/s)·Σu·s = s·Σu: ∇ = (s, s, s; Σu), H·(t, τ) = (τ, τ, τ; Σt).
    let (gu, gs) = overwritten_float_grad(&u, s);
    assert!((gu - Vector3::repeat(s)).norm() < 1e-15 && (gs - u.sum()).abs() < 1e-15);
    let f = |x: &[f64]| overwritten_float(&Vector3::from_column_slice(&x[..3]), x[3]);
    let x0 = [u[0], u[1], u[2], s];
    check_grad(f, &x0, &[gu[0], gu[1], gu[2], gs]).assert_within(1e-7);
    let (t, tau) = (Vector3::new(0.3, -0.2, 0.5), 1.5);
    let (hu, hs) = overwritten_float_hvp(&u, s, &t, tau);
    assert!((hu - Vector3::repeat(tau)).norm() < 1e-15, "{hu}");
    assert!((hs - t.sum()).abs() < 1e-15, "{hs}");
    let (value, tangent) = overwritten_float_jvp(&u, s, &t, tau);
    assert!((value - s * u.sum()).abs() < 1e-15);
    assert!((tangent - (s * t.sum() + tau * u.sum())).abs() < 1e-15);
}

/// nalgebra's elementwise `ln` and `sqrt` through `map`: their tangents divide by a value,
/// which nalgebra does not do (found by the array difftest: `_jvp` did not compile).
#[differentiable]
fn logs_and_roots(m: &Matrix3<f64>, v: &Vector3<f64>) -> f64 {
    m.map(f64::ln).sum() + v.map(|x| x.sqrt()).dot(v)
}

#[test]
fn elementwise_ln_and_sqrt_in_every_mode() {
    let m = Matrix3::from_fn(|i, j| 0.5 + (i * 3 + j) as f64 * 0.25);
    let v = Vector3::new(0.4, 1.3, 2.2);
    // Closed form: ∂/∂m = 1/m elementwise, ∂/∂v = 1.5·√v.
    let (gm, gv) = logs_and_roots_grad(&m, &v);
    assert!((gm - m.map(|x| 1.0 / x)).norm() < 1e-14, "{gm}");
    assert!((gv - v.map(|x| 1.5 * x.sqrt())).norm() < 1e-14, "{gv}");
    let x0: Vec<f64> = m.iter().chain(v.iter()).copied().collect();
    let unpack = |x: &[f64]| {
        (
            Matrix3::from_column_slice(&x[..9]),
            Vector3::from_column_slice(&x[9..]),
        )
    };
    let grad = |x: &[f64]| {
        let (m, v) = unpack(x);
        let (gm, gv) = logs_and_roots_grad(&m, &v);
        gm.iter().chain(gv.iter()).copied().collect::<Vec<f64>>()
    };
    let f = |x: &[f64]| {
        let (m, v) = unpack(x);
        logs_and_roots(&m, &v)
    };
    check_grad(f, &x0, &grad(&x0)).assert_within(1e-7);
    let dir: Vec<f64> = (0..12).map(|i| (i as f64 * 0.7).sin()).collect();
    let (tm, tv) = unpack(&dir);
    let (value, tangent) = logs_and_roots_jvp(&m, &v, &tm, &tv);
    assert!((value - logs_and_roots(&m, &v)).abs() < 1e-14);
    let expected: f64 = grad(&x0).iter().zip(&dir).map(|(g, d)| g * d).sum();
    assert!((tangent - expected).abs() < 1e-12, "{tangent} {expected}");
    let (hm, hv) = logs_and_roots_hvp(&m, &v, &tm, &tv);
    let hv: Vec<f64> = hm.iter().chain(hv.iter()).copied().collect();
    assert_hvp_matches(grad, &x0, &dir, &hv);
}
