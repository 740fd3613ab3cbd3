//! ndarray values inside `#[differentiable]` functions (feature `ndarray`): each operation
//! against a closed form and central finite differences, `_jvp` against the gradient dotted
//! with the tangent, and `_hvp` against central differences of the gradient.
#![cfg(feature = "ndarray")]

use autodiff::prelude::*;
use ndarray::{array, Array1, Array2, ArrayView1, ArrayView2, Axis};

/// Checks a function of flat floats: the gradient against central differences, `_jvp`
/// against the gradient dotted with a tangent, `_hvp` against central differences of the
/// gradient.
fn check(
    x0: &[f64],
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> Vec<f64>,
    jvp: impl Fn(&[f64], &[f64]) -> (f64, f64),
    hvp: impl Fn(&[f64], &[f64]) -> Vec<f64>,
) {
    let g = grad(x0);
    check_grad(&f, x0, &g).assert_within(1e-6);
    let t: Vec<f64> = (0..x0.len())
        .map(|i| ((i as f64) * 0.7 + 0.3).sin())
        .collect();
    let (value, d) = jvp(x0, &t);
    assert!((value - f(x0)).abs() < 1e-12, "value {value} {}", f(x0));
    let expected: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!(
        (d - expected).abs() < 1e-9 * (1.0 + expected.abs()),
        "jvp {d} {expected}"
    );
    let hv = hvp(x0, &t);
    let e = 1e-5;
    let plus: Vec<f64> = x0.iter().zip(&t).map(|(x, v)| x + e * v).collect();
    let minus: Vec<f64> = x0.iter().zip(&t).map(|(x, v)| x - e * v).collect();
    let (gp, gm) = (grad(&plus), grad(&minus));
    for k in 0..x0.len() {
        let fd = (gp[k] - gm[k]) / (2.0 * e);
        assert!(
            (hv[k] - fd).abs() < 1e-5 * (1.0 + fd.abs()),
            "hvp[{k}] {} {fd}",
            hv[k]
        );
    }
}

fn m(flat: &[f64], n: usize) -> Array2<f64> {
    Array2::from_shape_vec((n, flat.len() / n), flat.to_vec()).unwrap()
}

fn v(flat: &[f64]) -> Array1<f64> {
    Array1::from(flat.to_vec())
}

fn flat<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> Vec<f64> {
    a.iter().copied().collect()
}

fn cat(a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.into_iter().chain(b).collect()
}

#[differentiable]
fn vdot(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    a.dot(b)
}

#[test]
fn vector_dot() {
    let a = array![1.0, 2.0, 3.0];
    let b = array![0.5, -1.0, 2.0];
    let (ga, gb) = vdot_grad(&a, &b);
    assert_eq!((ga.clone(), gb.clone()), (b.clone(), a.clone()));
    let x0 = cat(flat(&a), flat(&b));
    check(
        &x0,
        |x| vdot(&v(&x[..3]), &v(&x[3..])),
        |x| {
            let (g, h) = vdot_grad(&v(&x[..3]), &v(&x[3..]));
            cat(flat(&g), flat(&h))
        },
        |x, t| vdot_jvp(&v(&x[..3]), &v(&x[3..]), &v(&t[..3]), &v(&t[3..])),
        |x, t| {
            let (g, h) = vdot_hvp(&v(&x[..3]), &v(&x[3..]), &v(&t[..3]), &v(&t[3..]));
            cat(flat(&g), flat(&h))
        },
    );
}

/// Matrix·vector, vector·matrix and matrix·matrix products.
#[differentiable]
fn products(a: &Array2<f64>, b: &Array2<f64>, x: &Array1<f64>) -> f64 {
    let y = a.dot(x); // 2×3 · 3 = 2
    let z = y.dot(b); // 2 · 2×3 = 3
    let c = a.dot(&b.t()); // 2×3 · 3×2
    z.dot(x) + c.sum() * 0.5
}

#[test]
fn matrix_products() {
    let a = array![[1.0, 2.0, -1.0], [0.5, -0.3, 2.0]];
    let b = array![[0.2, 0.4, 1.0], [-1.0, 0.3, 0.7]];
    let x = array![0.3, -0.8, 1.5];
    // Closed form: f = (a x)ᵀ (b x) + ½ 1ᵀ a bᵀ 1, so ∂f/∂a = (b x) xᵀ + ½ 1 (bᵀ 1)ᵀ,
    // ∂f/∂b = (a x) xᵀ + ½ 1 (aᵀ 1)ᵀ, ∂f/∂x = aᵀ b x + bᵀ a x.
    let (ga, gb, gx) = products_grad(&a, &b, &x);
    let bx = b.dot(&x);
    let ax = a.dot(&x);
    let ones2 = Array1::<f64>::ones(2);
    let b1 = b.t().dot(&ones2);
    let a1 = a.t().dot(&ones2);
    let outer = |u: &Array1<f64>, w: &Array1<f64>| {
        Array2::from_shape_fn((u.len(), w.len()), |(i, j)| u[i] * w[j])
    };
    let ea = outer(&bx, &x) + outer(&ones2, &b1) * 0.5;
    let eb = outer(&ax, &x) + outer(&ones2, &a1) * 0.5;
    let ex = a.t().dot(&bx) + b.t().dot(&ax);
    for (g, e) in [(ga, ea), (gb, eb)] {
        assert!((&g - &e).iter().all(|d| d.abs() < 1e-12), "{g} {e}");
    }
    assert!((&gx - &ex).iter().all(|d| d.abs() < 1e-12), "{gx} {ex}");
    let split = |x: &[f64]| (m(&x[..6], 2), m(&x[6..12], 2), v(&x[12..]));
    let x0 = cat(cat(flat(&a), flat(&b)), flat(&x));
    check(
        &x0,
        |p| {
            let (a, b, x) = split(p);
            products(&a, &b, &x)
        },
        |p| {
            let (a, b, x) = split(p);
            let (g, h, k) = products_grad(&a, &b, &x);
            cat(cat(flat(&g), flat(&h)), flat(&k))
        },
        |p, t| {
            let ((a, b, x), (ta, tb, tx)) = (split(p), split(t));
            products_jvp(&a, &b, &x, &ta, &tb, &tx)
        },
        |p, t| {
            let ((a, b, x), (ta, tb, tx)) = (split(p), split(t));
            let (g, h, k) = products_hvp(&a, &b, &x, &ta, &tb, &tx);
            cat(cat(flat(&g), flat(&h)), flat(&k))
        },
    );
}

/// Elementwise arithmetic between arrays (a row broadcast over a matrix), with floats, and
/// compound assignment.
#[differentiable]
fn elementwise(a: &Array2<f64>, r: &Array1<f64>, s: f64) -> f64 {
    let mut h = a + r; // broadcast
    h = &h * a - 2.0 * a / (r * r + 1.0);
    h += s;
    h *= s;
    let k = -(&h / s) + 1.0;
    (&k * &k).sum() + k.mean().unwrap()
}

#[test]
fn elementwise_ops() {
    let a = array![[1.0, 2.0, -1.0], [0.5, -0.3, 2.0]];
    let r = array![0.2, -0.4, 1.0];
    let s = 1.3;
    let split = |x: &[f64]| (m(&x[..6], 2), v(&x[6..9]), x[9]);
    let x0 = cat(cat(flat(&a), flat(&r)), vec![s]);
    check(
        &x0,
        |p| {
            let (a, r, s) = split(p);
            elementwise(&a, &r, s)
        },
        |p| {
            let (a, r, s) = split(p);
            let (g, h, k) = elementwise_grad(&a, &r, s);
            cat(cat(flat(&g), flat(&h)), vec![k])
        },
        |p, t| {
            let ((a, r, s), (ta, tr, ts)) = (split(p), split(t));
            elementwise_jvp(&a, &r, s, &ta, &tr, ts)
        },
        |p, t| {
            let ((a, r, s), (ta, tr, ts)) = (split(p), split(t));
            let (g, h, k) = elementwise_hvp(&a, &r, s, &ta, &tr, ts);
            cat(cat(flat(&g), flat(&h)), vec![k])
        },
    );
}

#[differentiable]
fn sum_of_tanh(a: &Array2<f64>) -> f64 {
    a.mapv(f64::tanh).sum()
}

#[differentiable]
fn maps(a: &Array1<f64>) -> f64 {
    let e = a.mapv(|x| x.exp());
    let l = a.mapv(f64::ln);
    let t = a.mapv(|x| x.sin()) + a.mapv(f64::cos) * a.mapv(f64::sqrt);
    let q = a.mapv(f64::recip) - a.mapv(|x| x.abs());
    e.dot(&l) + t.sum() + q.mean().unwrap() + a.tanh().sum()
}

/// `mapv` of closures of float arithmetic, capturing a float.
#[differentiable]
fn closures(a: &Array1<f64>, c: f64) -> f64 {
    let sigmoid = a.mapv(|v| 1.0 / (1.0 + (-v).exp()));
    let poly = a.mapv(|v: f64| v.powi(2) * c - 2.0 * v + c.sin() + 0.1 * v.powi(3));
    sigmoid.dot(&poly)
}

#[test]
fn mapv_of_closures() {
    let a = array![0.3, -1.2, 2.0, 0.1];
    let c = 0.7;
    // Closed form against the same formulas written elementwise.
    let (ga, gc) = closures_grad(&a, c);
    let s = a.mapv(|v| 1.0 / (1.0 + (-v).exp()));
    let p = a.mapv(|v| v * v * c - 2.0 * v + c.sin() + 0.1 * v.powi(3));
    let ea = &s.mapv(|v| v * (1.0 - v)) * &p + &s * &a.mapv(|v| 2.0 * v * c - 2.0 + 0.3 * v * v);
    let ec = s.dot(&a.mapv(|v| v * v + c.cos()));
    assert!((&ga - &ea).iter().all(|d| d.abs() < 1e-14), "{ga} {ea}");
    assert!((gc - ec).abs() < 1e-14);
    let x0 = [0.3, -1.2, 2.0, 0.1, 0.7];
    check(
        &x0,
        |p| closures(&v(&p[..4]), p[4]),
        |p| {
            let (g, h) = closures_grad(&v(&p[..4]), p[4]);
            cat(flat(&g), vec![h])
        },
        |p, t| closures_jvp(&v(&p[..4]), p[4], &v(&t[..4]), t[4]),
        |p, t| {
            let (g, h) = closures_hvp(&v(&p[..4]), p[4], &v(&t[..4]), t[4]);
            cat(flat(&g), vec![h])
        },
    );
}

#[test]
fn mapv_and_elementwise_functions() {
    let a = array![[0.3, -1.2], [2.0, 0.1]];
    let g = sum_of_tanh_grad(&a);
    let e = a.mapv(|x| 1.0 - x.tanh().powi(2));
    assert!((&g - &e).iter().all(|d| d.abs() < 1e-15));
    let x0 = [0.3, 1.2, 2.0, 0.1];
    check(
        &x0,
        |p| maps(&v(p)),
        |p| flat(&maps_grad(&v(p))),
        |p, t| maps_jvp(&v(p), &v(t)),
        |p, t| flat(&maps_hvp(&v(p), &v(t))),
    );
}

/// Transposes, rows, columns, indexing, sums along an axis, a buffer made with
/// `Array1::zeros` and a loop over rows.
#[differentiable]
fn structure(a: &Array2<f64>, w: &Array1<f64>) -> f64 {
    let at = a.t();
    let mut acc = Array1::zeros(a.ncols());
    for row in a.rows() {
        acc = acc + &row * &row;
    }
    let mut s = 0.0;
    for i in 0..a.nrows() {
        s += a.row(i).dot(w) * a[[i, 0]];
    }
    let c = a.column(1);
    s + acc.dot(w) + at.sum_axis(Axis(1)).mapv(f64::sin).sum() + c[0] * w[2] + at[[2, 1]]
}

#[test]
fn structural_operations() {
    let a = array![[1.0, 2.0, -1.0], [0.5, -0.3, 2.0]];
    let w = array![0.2, -0.4, 1.0];
    let split = |x: &[f64]| (m(&x[..6], 2), v(&x[6..9]));
    let x0 = cat(flat(&a), flat(&w));
    check(
        &x0,
        |p| {
            let (a, w) = split(p);
            structure(&a, &w)
        },
        |p| {
            let (a, w) = split(p);
            let (g, h) = structure_grad(&a, &w);
            cat(flat(&g), flat(&h))
        },
        |p, t| {
            let ((a, w), (ta, tw)) = (split(p), split(t));
            structure_jvp(&a, &w, &ta, &tw)
        },
        |p, t| {
            let ((a, w), (ta, tw)) = (split(p), split(t));
            let (g, h) = structure_hvp(&a, &w, &ta, &tw);
            cat(flat(&g), flat(&h))
        },
    );
}

#[test]
#[should_panic(expected = "dot: the shapes [2, 3] and [2] do not fit")]
fn mismatched_shapes_panic_with_both() {
    let a = Array2::<f64>::zeros((2, 3));
    let x = Array1::<f64>::zeros(2);
    let b = Array2::<f64>::zeros((2, 3));
    let _ = products_grad(&a, &b, &x);
}

/// The two-layer network of issue 18, with ndarray.
#[differentiable(wrt(w1, w2))]
fn net(x: &Array2<f64>, w1: &Array2<f64>, w2: &Array2<f64>, y: &Array2<f64>) -> f64 {
    let h = x.dot(w1).mapv(f64::tanh);
    let out = h.dot(w2);
    let r = &out - y;
    (&r * &r).sum()
}

/// The same network with loops over slices of rows.
#[differentiable(wrt(w1, w2))]
fn net_loops(x: &[Vec<f64>], w1: &[Vec<f64>], w2: &[Vec<f64>], y: &[Vec<f64>]) -> f64 {
    let mut loss = 0.0;
    for b in 0..x.len() {
        for k in 0..w2[0].len() {
            let mut o = 0.0;
            for j in 0..w1[0].len() {
                let mut a = 0.0;
                for i in 0..x[0].len() {
                    a += x[b][i] * w1[i][j];
                }
                o += a.tanh() * w2[j][k];
            }
            let r = o - y[b][k];
            loss += r * r;
        }
    }
    loss
}

fn rows(a: &Array2<f64>) -> Vec<Vec<f64>> {
    a.outer_iter().map(|r| r.to_vec()).collect()
}

fn data(n: usize, m: usize, seed: f64) -> Array2<f64> {
    Array2::from_shape_fn((n, m), |(i, j)| {
        ((i * m + j) as f64 * 0.37 + seed).sin() * 0.5
    })
}

#[test]
fn network_matches_loops_and_finite_differences() {
    let (x, w1, w2, y) = (
        data(5, 3, 0.1),
        data(3, 4, 0.2),
        data(4, 2, 0.3),
        data(5, 2, 0.4),
    );
    let (g1, g2) = net_grad(&x, &w1, &w2, &y);
    let (l1, l2) = net_loops_grad(&rows(&x), &rows(&w1), &rows(&w2), &rows(&y));
    for (a, b) in g1.iter().zip(l1.iter().flatten()) {
        assert!((a - b).abs() < 1e-12, "{a} {b}");
    }
    for (a, b) in g2.iter().zip(l2.iter().flatten()) {
        assert!((a - b).abs() < 1e-12, "{a} {b}");
    }
    let value = net(&x, &w1, &w2, &y);
    assert!((value - net_loops(&rows(&x), &rows(&w1), &rows(&w2), &rows(&y))).abs() < 1e-12);
    let split = |p: &[f64]| (m(&p[..12], 3), m(&p[12..], 4));
    let x0 = cat(flat(&w1), flat(&w2));
    check(
        &x0,
        |p| {
            let (w1, w2) = split(p);
            net(&x, &w1, &w2, &y)
        },
        |p| {
            let (w1, w2) = split(p);
            let (g, h) = net_grad(&x, &w1, &w2, &y);
            cat(flat(&g), flat(&h))
        },
        |p, t| {
            let ((w1, w2), (t1, t2)) = (split(p), split(t));
            net_jvp(&x, &w1, &w2, &y, &t1, &t2)
        },
        |p, t| {
            let ((w1, w2), (t1, t2)) = (split(p), split(t));
            let (g, h) = net_hvp(&x, &w1, &w2, &y, &t1, &t2);
            cat(flat(&g), flat(&h))
        },
    );
}

/// The same network with its weights in a struct of ndarray fields: the derived
/// `Differentiable` applies ndarray's operations to them, and the body reads them whole.
#[derive(Clone, Debug, Differentiable)]
struct Net {
    w1: Array2<f64>,
    b1: Array1<f64>,
    w2: Array2<f64>,
    #[no_derivative]
    scale: f64,
}

#[differentiable(wrt(params))]
fn net_struct(params: &Net, x: &Array2<f64>, y: &Array2<f64>) -> f64 {
    let h = (x.dot(&params.w1) + &params.b1).mapv(f64::tanh);
    let r = &h.dot(&params.w2) - y;
    (&r * &r).sum() * params.scale + params.w1[[0, 1]] * params.b1[1]
}

#[test]
fn struct_of_arrays_matches_parameters() {
    let (x, y) = (data(5, 3, 0.1), data(5, 2, 0.4));
    let params = Net {
        w1: data(3, 4, 0.2),
        b1: Array1::from_shape_fn(4, |i| 0.1 * i as f64 - 0.15),
        w2: data(4, 2, 0.3),
        scale: 1.0,
    };
    // With a zero bias and no extra term, the struct's gradient is `net`'s.
    let plain = Net {
        b1: Array1::zeros(4),
        ..params.clone()
    };
    let g = net_struct_grad(&plain, &x, &y);
    let (g1, g2) = net_grad(&x, &plain.w1, &plain.w2, &y);
    let (e1, e2) = (&g.w1 - &g1, &g.w2 - &g2);
    assert!(e1.iter().chain(e2.iter()).all(|e| e.abs() < 1e-12));
    assert!((g.w1[[0, 1]] - g1[[0, 1]] - plain.b1[1]).abs() < 1e-12);
    assert_eq!(g.scale, 1.0, "a field without a derivative keeps its value");
    // The derived trait over ndarray's arrays: shapes, flat views, steps.
    assert_eq!(params.to_flat().len(), 12 + 4 + 8);
    assert_eq!(params.from_flat(&params.to_flat()).w2, params.w2);
    let mut stepped = params.clone();
    stepped.add_scaled(-0.5, &params);
    assert_eq!(stepped.w1, &params.w1 * 0.5);
    assert_eq!(params.zeros_like().b1, Array1::<f64>::zeros(4));
    assert!(
        (params.dot(&params) - params.to_flat().iter().map(|v| v * v).sum::<f64>()).abs() < 1e-12
    );
    // Every mode, through the struct's flat view.
    let x0 = params.to_flat();
    check(
        &x0,
        |p| net_struct(&params.from_flat(p), &x, &y),
        |p| net_struct_grad(&params.from_flat(p), &x, &y).to_flat(),
        |p, t| net_struct_jvp(&params.from_flat(p), &x, &y, &params.from_flat(t)),
        |p, t| net_struct_hvp(&params.from_flat(p), &x, &y, &params.from_flat(t)).to_flat(),
    );
}

#[test]
#[should_panic(expected = "Differentiable::add_scaled: the shapes [4, 3] and [3, 4] do not fit")]
fn struct_of_arrays_of_other_shapes_panics() {
    let net = Net {
        w1: Array2::zeros((3, 4)),
        b1: Array1::zeros(4),
        w2: Array2::zeros((4, 2)),
        scale: 1.0,
    };
    let mut other = net.clone();
    other.w1 = Array2::zeros((4, 3));
    other.add_scaled(1.0, &net);
}

/// Broadcasting with one operand that carries a derivative: a float over an array, a row
/// over a matrix of data. Forward mode once gave the tangent the operand's shape, not the
/// result's (found by difftest: `(s + Array1::from_elem(2, 0.5)).sum()` had a tangent of
/// `ṡ`, not `2ṡ`).
#[differentiable(wrt(s, b))]
fn broadcast_one_side(s: f64, b: &Array1<f64>, h: &Array2<f64>) -> f64 {
    let shifted = (s + Array1::<f64>::from_elem(2, 0.5)).sum();
    let biased = (h + b).sum();
    let lowered = (h - b).mapv(f64::tanh).sum();
    let below = (2.0 - (s - h)).sum();
    shifted * biased + lowered + below
}

#[test]
fn one_sided_broadcasts_in_every_mode() {
    let h = data(3, 2, 0.5);
    let (s, b) = (0.3, array![0.2, -0.4]);
    // Closed form: shifted = 2s + 1, biased = Σh + 3Σb, below = Σ (2 − s + h) over 6
    // elements, so ∂/∂s = 2·biased − 6 and ∂/∂bⱼ = 3·shifted − Σᵢ (1 − tanh²(hᵢⱼ − bⱼ)).
    let (gs, gb) = broadcast_one_side_grad(s, &b, &h);
    let shifted = 2.0 * s + 1.0;
    let biased = h.sum() + 3.0 * b.sum();
    assert!((gs - (2.0 * biased - 6.0)).abs() < 1e-12, "{gs}");
    let tanh_part: Array1<f64> = (&h - &b).mapv(|v| 1.0 - v.tanh().powi(2)).sum_axis(Axis(0));
    for j in 0..2 {
        assert!(
            (gb[j] - (3.0 * shifted - tanh_part[j])).abs() < 1e-12,
            "{gb}"
        );
    }
    let x0 = cat(vec![s], flat(&b));
    check(
        &x0,
        |x| broadcast_one_side(x[0], &v(&x[1..]), &h),
        |x| {
            let (gs, gb) = broadcast_one_side_grad(x[0], &v(&x[1..]), &h);
            cat(vec![gs], flat(&gb))
        },
        |x, t| broadcast_one_side_jvp(x[0], &v(&x[1..]), &h, t[0], &v(&t[1..])),
        |x, t| {
            let (hs, hb) = broadcast_one_side_hvp(x[0], &v(&x[1..]), &h, t[0], &v(&t[1..]));
            cat(vec![hs], flat(&hb))
        },
    );
}

/// Views as parameters, and owned arrays by value.
#[differentiable]
fn views<'a>(a: ArrayView2<'a, f64>, x: ArrayView1<'a, f64>, y: Array1<f64>) -> f64 {
    a.dot(&x).dot(&y)
}

#[test]
fn view_parameters() {
    let a = array![[1.0, 2.0], [0.5, -0.3]];
    let x = array![0.3, -0.8];
    let y = array![1.5, 2.0];
    let (ga, gx, gy): (Array2<f64>, Array1<f64>, Array1<f64>) =
        views_grad(a.view(), x.view(), y.clone());
    // f = yᵀ a x: ∂/∂a = y xᵀ, ∂/∂x = aᵀ y, ∂/∂y = a x.
    let ea = Array2::from_shape_fn((2, 2), |(i, j)| y[i] * x[j]);
    assert!((&ga - &ea).iter().all(|d| d.abs() < 1e-15));
    assert!((&gx - &a.t().dot(&y)).iter().all(|d| d.abs() < 1e-15));
    assert!((&gy - &a.dot(&x)).iter().all(|d| d.abs() < 1e-15));
    let (value, d) = views_jvp(a.view(), x.view(), y.clone(), &a, &x, &y);
    assert!((value - y.dot(&a.dot(&x))).abs() < 1e-15);
    let expected = ga.iter().zip(&a).map(|(g, t)| g * t).sum::<f64>() + gx.dot(&x) + gy.dot(&y);
    assert!((d - expected).abs() < 1e-12);
}

/// Views with elided lifetimes.
#[differentiable]
fn view_sum(a: ArrayView2<f64>, x: ArrayView1<f64>) -> f64 {
    a.dot(&x).sum()
}

#[test]
fn elided_view_lifetimes() {
    let a = array![[1.0, 2.0], [0.5, -0.3]];
    let x = array![0.3, -0.8];
    let (ga, gx) = view_sum_grad(a.view(), x.view());
    assert_eq!(ga, array![[0.3, -0.8], [0.3, -0.8]]);
    assert_eq!(gx, array![1.5, 1.7]);
}

fn scale_of(x: &Array2<f64>) -> f64 {
    x.iter().map(|v| v.abs()).sum::<f64>()
}

/// A parameter of an ndarray type left out by `wrt` is data: the body may use it as any
/// Rust code, passed to other functions and looped over element by element.
#[differentiable(wrt(w))]
fn with_data(x: &Array2<f64>, w: &Array1<f64>) -> f64 {
    let s = scale_of(x);
    let mut count = 0.0;
    for v in x.iter() {
        if *v > 0.0 {
            count += 1.0;
        }
    }
    x.dot(w).sum() * count / s
}

#[test]
fn data_parameters_are_free() {
    let x = array![[1.0, -2.0], [0.5, 3.0]];
    let w = array![0.3, -0.7];
    let g = with_data_grad(&x, &w);
    // f = Σᵢ (x w)ᵢ · 3 / 6.5: ∂f/∂w = (3 / 6.5) xᵀ 1.
    let e = x.t().dot(&Array1::<f64>::ones(2)) * (3.0 / 6.5);
    assert!((&g - &e).iter().all(|d| d.abs() < 1e-15), "{g} {e}");
}

#[test]
fn every_generated_function() {
    let (x, w1, w2, y) = (
        data(5, 3, 0.1),
        data(3, 4, 0.2),
        data(4, 2, 0.3),
        data(5, 2, 0.4),
    );
    let (g1, g2) = net_grad(&x, &w1, &w2, &y);
    let value = net(&x, &w1, &w2, &y);
    let (v, (h1, h2)) = net_value_and_grad(&x, &w1, &w2, &y);
    assert_eq!((v, &h1, &h2), (value, &g1, &g2));
    let (v, (s1, s2)) = net_vjp(&x, &w1, &w2, &y, 2.0);
    assert_eq!(v, value);
    assert!((&s1 - &(&g1 * 2.0)).iter().all(|d| d.abs() < 1e-12));
    assert!((&s2 - &(&g2 * 2.0)).iter().all(|d| d.abs() < 1e-12));
    // `_grad_into` adds into the destinations, as PyTorch's `.grad`.
    let (mut d1, mut d2) = (Array2::<f64>::ones((3, 4)), Array2::<f64>::ones((4, 2)));
    let v = net_grad_into(&x, &w1, &w2, &y, &mut d1, &mut d2);
    assert_eq!(v, value);
    assert!((&d1 - &(&g1 + 1.0)).iter().all(|d| d.abs() < 1e-12));
    let v = net_vjp_into(&x, &w1, &w2, &y, 1.0, &mut d1, &mut d2);
    assert_eq!(v, value);
    assert!((&d2 - &(&g2 * 2.0 + 1.0)).iter().all(|d| d.abs() < 1e-12));
}

/// `f32` values.
#[differentiable]
fn single(a: &Array1<f32>, b: &Array2<f32>) -> f32 {
    b.dot(a).mapv(f32::tanh).sum() * 0.5
}

#[test]
fn single_precision() {
    let a = array![0.3f32, -0.8];
    let b = array![[1.0f32, 2.0], [0.5, -0.3]];
    let (ga, gb) = single_grad(&a, &b);
    let y = b.dot(&a);
    let s = y.mapv(|v| 0.5 * (1.0 - v.tanh().powi(2)));
    assert!((&ga - &b.t().dot(&s)).iter().all(|d| d.abs() < 1e-6));
    let eb = Array2::from_shape_fn((2, 2), |(i, j)| s[i] * a[j]);
    assert!((&gb - &eb).iter().all(|d| d.abs() < 1e-6));
}

/// Values through branches and loops that overwrite them.
#[differentiable]
fn control(a: &Array1<f64>, w: &Array2<f64>, steps: usize, flip: bool) -> f64 {
    let mut h = if flip { -a } else { a.mapv(f64::sin) };
    for _ in 0..steps {
        h = w.dot(&h).mapv(f64::tanh);
        if h.sum() > 0.0 {
            h = &h * 0.5;
        }
    }
    let s = if flip { h.dot(&h) } else { h.sum() };
    s + h.mean().unwrap()
}

#[test]
fn values_through_control_flow() {
    let a = array![0.3, -1.2];
    let w = array![[1.0, 2.0], [0.5, -0.3]];
    for (steps, flip) in [(0, false), (1, true), (3, false), (4, true)] {
        let split = |p: &[f64]| (v(&p[..2]), m(&p[2..], 2));
        let x0 = cat(flat(&a), flat(&w));
        check(
            &x0,
            |p| {
                let (a, w) = split(p);
                control(&a, &w, steps, flip)
            },
            |p| {
                let (a, w) = split(p);
                let (g, h) = control_grad(&a, &w, steps, flip);
                cat(flat(&g), flat(&h))
            },
            |p, t| {
                let ((a, w), (ta, tw)) = (split(p), split(t));
                control_jvp(&a, &w, steps, flip, &ta, &tw)
            },
            |p, t| {
                let ((a, w), (ta, tw)) = (split(p), split(t));
                let (g, h) = control_hvp(&a, &w, steps, flip, &ta, &tw);
                cat(flat(&g), flat(&h))
            },
        );
    }
}

/// A ReLU layer (`max` with a float) and `min`, in a closure and as methods of a value.
#[differentiable]
fn relu(x: &Array2<f64>, w: &Array2<f64>, cap: f64) -> f64 {
    let h = x.dot(w).mapv(|v| v.max(0.0));
    let c = h.mapv(|v| v.min(cap));
    (&c * &h).sum() + x.dot(w).sum().max(0.5)
}

#[test]
fn relu_and_min() {
    let x = array![[1.0, -2.0], [0.5, 3.0], [-1.5, 0.2]];
    let w = array![[0.3, -0.7, 1.1], [0.9, 0.2, -0.4]];
    let cap = 1.2;
    // Closed form of the first term's gradient in w, away from the kinks: with
    // z = x w, h = max(z, 0), c = min(h, cap): ∂/∂z (c h) = 2h where 0 < z < cap, cap where
    // z > cap, 0 where z < 0; and the last term adds 1 to every z when Σz > 0.5.
    let z = x.dot(&w);
    let dz = z.mapv(|v| {
        if v < 0.0 {
            0.0
        } else if v < cap {
            2.0 * v
        } else {
            cap
        }
    }) + if z.sum() > 0.5 { 1.0 } else { 0.0 };
    let (_, gw, gcap) = relu_grad(&x, &w, cap);
    let ew = x.t().dot(&dz);
    assert!((&gw - &ew).iter().all(|d| d.abs() < 1e-12), "{gw} {ew}");
    let ecap: f64 = z.iter().map(|&v| if v > cap { v } else { 0.0 }).sum();
    assert!((gcap - ecap).abs() < 1e-12);
    let split = |p: &[f64]| (m(&p[..6], 3), m(&p[6..12], 2), p[12]);
    let x0 = cat(cat(flat(&x), flat(&w)), vec![cap]);
    check(
        &x0,
        |p| {
            let (x, w, c) = split(p);
            relu(&x, &w, c)
        },
        |p| {
            let (x, w, c) = split(p);
            let (g, h, k) = relu_grad(&x, &w, c);
            cat(cat(flat(&g), flat(&h)), vec![k])
        },
        |p, t| {
            let ((x, w, c), (tx, tw, tc)) = (split(p), split(t));
            relu_jvp(&x, &w, c, &tx, &tw, tc)
        },
        |p, t| {
            let ((x, w, c), (tx, tw, tc)) = (split(p), split(t));
            let (g, h, k) = relu_hvp(&x, &w, c, &tx, &tw, tc);
            cat(cat(flat(&g), flat(&h)), vec![k])
        },
    );
}

/// `_grad_and_hvp` of ndarray values: the gradient and `H·v` of the one sweep, against
/// `_grad` and `_hvp` called apart (each checked against closed forms and differences above).
#[test]
fn grad_and_hvp_of_matrix_products() {
    let a = array![[1.0, 2.0, -1.0], [0.5, -0.3, 2.0]];
    let b = array![[0.2, 0.4, 1.0], [-1.0, 0.3, 0.7]];
    let x = array![0.3, -0.8, 1.5];
    let (ta, tb, tx) = (&a * 0.5 - 0.1, &b + 0.3, &x * -2.0);
    let ((ga, gb, gx), (ha, hb, hx)) = products_grad_and_hvp(&a, &b, &x, &ta, &tb, &tx);
    let (ea, eb, ex) = products_grad(&a, &b, &x);
    let (fa, fb, fx) = products_hvp(&a, &b, &x, &ta, &tb, &tx);
    let close = |u: Vec<f64>, w: Vec<f64>| {
        assert!(
            u.iter()
                .zip(&w)
                .all(|(p, q)| (p - q).abs() <= 1e-12 * (1.0 + q.abs())),
            "{u:?} {w:?}"
        );
    };
    close(
        cat(cat(flat(&ga), flat(&gb)), flat(&gx)),
        cat(cat(flat(&ea), flat(&eb)), flat(&ex)),
    );
    close(
        cat(cat(flat(&ha), flat(&hb)), flat(&hx)),
        cat(cat(flat(&fa), flat(&fb)), flat(&fx)),
    );
}
