//! Parameters of `Differentiable` struct types: field reads at any depth, loops over
//! slices of structs, calls with struct arguments, `#[no_derivative]` fields, forward mode
//! and `_hvp`; every gradient against a closed form and against central differences.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;
use autodiff::Float;
use proptest::prelude::*;

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Affine {
    pub w: Vec<f64>,
    pub b: f64,
    pub n: usize,
    #[no_derivative]
    pub scale: f64,
}

/// scale · (b + Σ w_i x^i)²
#[differentiable]
fn affine(m: &Affine, x: f64) -> f64 {
    let mut s = m.b;
    for i in 0..m.n {
        s += m.w[i] * x.powi(i as i32);
    }
    m.scale * s * s
}

fn affine_model(w: [f64; 3], b: f64) -> Affine {
    Affine {
        w: w.to_vec(),
        b,
        n: 3,
        scale: 2.0,
    }
}

/// The gradient worked by hand: with s = b + Σ w_i x^i, d/dw_i = 2·scale·s·x^i,
/// d/db = 2·scale·s, d/dx = 2·scale·s·Σ i·w_i·x^(i-1).
fn affine_by_hand(m: &Affine, x: f64) -> (Affine, f64) {
    let s = m.b + (0..3usize).map(|i| m.w[i] * x.powi(i as i32)).sum::<f64>();
    let k = 2.0 * m.scale * s;
    let mut g = m.clone();
    g.b = k;
    g.w = (0..3usize).map(|i| k * x.powi(i as i32)).collect();
    (g, k * (m.w[1] + 2.0 * m.w[2] * x))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * (1.0 + a.abs().max(b.abs()))
}

fn close_all(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y))
}

proptest! {
    #[test]
    fn field_reads(w in prop::array::uniform3(-2.0..2.0f64), b in -2.0..2.0f64, x in -1.5..1.5f64) {
        let m = affine_model(w, b);
        let (dm, dx) = affine_grad(&m, x);
        let (hm, hx) = affine_by_hand(&m, x);
        prop_assert!(close_all(&dm.to_flat(), &hm.to_flat()), "{:?} {:?}", dm, hm);
        prop_assert!(close(dx, hx));
        // Fields without a derivative hold the primal's value.
        prop_assert_eq!(dm.scale, 2.0);
        prop_assert_eq!(dm.n, 3);
        check_grad(|f| affine(&m.from_flat(f), x), &m.to_flat(), &dm.to_flat()).assert_within(1e-6);
        check_grad(|f| affine(&m, f[0]), &[x], &[dx]).assert_within(1e-6);
    }

    #[test]
    fn every_generated_function(w in prop::array::uniform3(-2.0..2.0f64), b in -2.0..2.0f64, x in -1.5..1.5f64, seed in -2.0..2.0f64) {
        let m = affine_model(w, b);
        let (hm, hx) = affine_by_hand(&m, x);
        let (y, (dm, dx)) = affine_value_and_grad(&m, x);
        prop_assert_eq!(y, affine(&m, x));
        prop_assert!(close_all(&dm.to_flat(), &hm.to_flat()) && close(dx, hx));
        // _vjp scales by the seed.
        let (y2, (vm, vx)) = affine_vjp(&m, x, seed);
        prop_assert_eq!(y2, y);
        let scaled: Vec<f64> = hm.to_flat().iter().map(|g| seed * g).collect();
        prop_assert!(close_all(&vm.to_flat(), &scaled) && close(vx, seed * hx));
        // _grad_into adds into the destinations.
        let mut acc = m.zeros_like();
        acc.b = 1.0;
        let mut acc_x = 0.5;
        affine_grad_into(&m, x, &mut acc, &mut acc_x);
        prop_assert!(close(acc.b, 1.0 + hm.b) && close(acc_x, 0.5 + hx));
        prop_assert_eq!(acc.scale, 2.0);
        // _jvp: the directional derivative is the gradient dotted with the direction.
        let mut t = m.zeros_like();
        t.w = vec![0.3, -0.2, 0.1];
        t.b = 0.7;
        let (y3, dy) = affine_jvp(&m, x, &t, 0.4);
        prop_assert_eq!(y3, y);
        prop_assert!(close(dy, hm.dot(&t) + hx * 0.4), "{} {}", dy, hm.dot(&t) + hx * 0.4);
    }
}

#[test]
fn a_no_derivative_field_has_a_zero_tangent() {
    // The tangent's `scale` holds a value (as `zeros_like` leaves it): it is not a
    // direction, and forward mode must not read it as one.
    let m = affine_model([1.0, 2.0, 3.0], 0.5);
    let t = m.zeros_like();
    assert_eq!(t.scale, 2.0);
    let (_, dy) = affine_jvp(&m, 1.5, &t, 0.0);
    assert_eq!(dy, 0.0);
}

#[test]
fn hessian_vector_product_of_a_struct() {
    // f = scale·s², s linear in (w, b): H = 2·scale·∇s∇sᵀ in (w, b), so H·v = 2·scale·(∇s·v)·∇s.
    let m = affine_model([1.0, -1.0, 0.5], 0.25);
    let x = 0.8;
    let mut v = m.zeros_like();
    v.w = vec![0.1, 0.2, -0.3];
    v.b = 0.5;
    let grad_s: Vec<f64> = vec![1.0, x, x * x, 1.0]; // w0, w1, w2, b in field order
    let v_flat = v.to_flat();
    let along: f64 = grad_s.iter().zip(&v_flat).map(|(a, b)| a * b).sum();
    let (hm, hx) = affine_hvp(&m, x, &v, 0.0);
    let expected: Vec<f64> = grad_s.iter().map(|g| 2.0 * 2.0 * along * g).collect();
    assert!(close_all(&hm.to_flat(), &expected), "{hm:?}");
    // ∂²f/∂x∂θ · v: by differences of the x-gradient along v.
    let h = 1e-5;
    let shifted = |e: f64| {
        let mut p = m.clone();
        p.add_scaled(e, &v);
        affine_grad(&p, x).1
    };
    assert!((hx - (shifted(h) - shifted(-h)) / (2.0 * h)).abs() < 1e-6);
}

// Nested structs, a slice of structs, and a loop over it.

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Layer<T: Float> {
    pub w: Vec<Vec<T>>,
    pub b: Vec<T>,
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Net<T: Float> {
    pub layers: Vec<Layer<T>>,
    pub out: Vec<T>,
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Two tanh layers, then a linear read-out.
#[differentiable]
fn net<T: Float + Differentiable<Scalar = T>>(model: &Net<T>, input: &[T]) -> T {
    let first = &model.layers[0];
    let mut h = vec![T::zero(); first.b.len()];
    for j in 0..first.b.len() {
        h[j] = (dot(&first.w[j], input) + first.b[j]).tanh();
    }
    let mut h2 = vec![T::zero(); model.layers[1].b.len()];
    for j in 0..h2.len() {
        let mut u = model.layers[1].b[j];
        for (i, hi) in h.iter().enumerate() {
            u = u + model.layers[1].w[j][i] * *hi;
        }
        h2[j] = u.tanh();
    }
    dot(&model.out, &h2)
}

fn sample_net<T: Float>(v: &[f64]) -> Net<T> {
    let c = |k: usize| T::from(v[k % v.len()] * (1.0 + k as f64 * 0.1).sin()).unwrap();
    Net {
        layers: vec![
            Layer {
                w: vec![vec![c(0), c(1)], vec![c(2), c(3)], vec![c(4), c(5)]],
                b: vec![c(6), c(7), c(8)],
            },
            Layer {
                w: vec![vec![c(9), c(10), c(11)], vec![c(12), c(13), c(14)]],
                b: vec![c(15), c(16)],
            },
        ],
        out: vec![c(17), c(18)],
    }
}

proptest! {
    #[test]
    fn nested_structs_f64(v in prop::collection::vec(-1.0..1.0f64, 5), x in prop::array::uniform2(-1.0..1.0f64)) {
        let n = sample_net::<f64>(&v);
        let (g, gx) = net_grad(&n, &x);
        check_grad(|f| net(&n.from_flat(f), &x), &n.to_flat(), &g.to_flat()).assert_within(1e-6);
        check_grad(|f| net(&n, f), &x, &gx).assert_within(1e-6);
    }

    #[test]
    fn nested_structs_f32(v in prop::collection::vec(-1.0..1.0f64, 5), x in prop::array::uniform2(-1.0..1.0f32)) {
        // The same generic struct and function in f32: against the f64 gradient.
        let n32 = sample_net::<f32>(&v);
        let n64 = sample_net::<f64>(&v);
        let x64 = [x[0] as f64, x[1] as f64];
        let (g32, _) = net_grad(&n32, &x);
        let (g64, _) = net_grad(&n64, &x64);
        for (a, b) in g32.to_flat().iter().zip(g64.to_flat()) {
            prop_assert!((*a as f64 - b).abs() < 1e-4, "{} {}", a, b);
        }
    }
}

#[test]
fn nested_structs_by_hand() {
    // One layer of one unit: y = o·tanh(w·x + b); dy/do = tanh(u), dy/dw_i = o(1-t²)x_i,
    // dy/db = o(1-t²).
    let n = Net {
        layers: vec![
            Layer {
                w: vec![vec![0.5, -0.25]],
                b: vec![0.1],
            },
            // The identity, nearly: tanh of a small multiple, undone by the read-out.
            Layer {
                w: vec![vec![1e-4]],
                b: vec![0.0],
            },
        ],
        out: vec![2.0e4],
    };
    let x = [0.8, 0.4];
    let u: f64 = 0.5 * 0.8 - 0.25 * 0.4 + 0.1;
    let t = u.tanh();
    let (g, _) = net_grad(&n, &x);
    // The second layer: z = tanh(1e-4·t), y = 2e4·z; dy/dt = 2e4·1e-4·(1 - z²).
    let z = (1e-4 * t).tanh();
    let dt = 2.0 * (1.0 - z * z);
    let k = dt * (1.0 - t * t);
    assert!(close(g.out[0], z));
    assert!(close(g.layers[0].b[0], k));
    assert!(close(g.layers[0].w[0][0], k * 0.8) && close(g.layers[0].w[0][1], k * 0.4));
    assert!(close(g.layers[1].w[0][0], 2.0e4 * (1.0 - z * z) * t));
}

/// Σ_p (p.x - c.x)² + (p.y - c.y)², with `points` and `c` both differentiable.
#[differentiable]
fn spread(points: &[Point], c: &Point) -> f64 {
    let mut s = 0.0;
    for p in points.iter() {
        let dx = p.x - c.x;
        s += dx * dx + (p.y - c.y) * (p.y - c.y);
    }
    s
}

proptest! {
    #[test]
    fn a_slice_of_structs(xs in prop::collection::vec((-2.0..2.0f64, -2.0..2.0f64), 1..5), cx in -1.0..1.0f64, cy in -1.0..1.0f64) {
        let points: Vec<Point> = xs.iter().map(|&(x, y)| Point { x, y }).collect();
        let c = Point { x: cx, y: cy };
        let (gp, gc): (Vec<Point>, Point) = spread_grad(&points, &c);
        for (p, g) in points.iter().zip(&gp) {
            prop_assert!(close(g.x, 2.0 * (p.x - cx)) && close(g.y, 2.0 * (p.y - cy)));
        }
        let sx: f64 = points.iter().map(|p| -2.0 * (p.x - cx)).sum();
        prop_assert!(close(gc.x, sx));
        check_grad(|f| spread(&points.from_flat(f), &c), &points.to_flat(), &gp.to_flat()).assert_within(1e-6);
        check_grad(|f| spread(&points, &c.from_flat(f)), &c.to_flat(), &gc.to_flat()).assert_within(1e-6);
    }
}

// Calls with struct arguments: the callee's gradient goes to the caller's struct.

#[differentiable]
fn point_norm2(p: &Point) -> f64 {
    p.x * p.x + p.y * p.y
}

#[differentiable]
fn total_norm2(points: &[Point], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..points.len() {
        s += k * point_norm2(&points[i]);
    }
    s
}

#[test]
fn calls_with_struct_arguments() {
    let points = vec![Point { x: 1.0, y: 2.0 }, Point { x: -0.5, y: 0.25 }];
    let (g, gk) = total_norm2_grad(&points, 3.0);
    assert_eq!(
        g,
        vec![Point { x: 6.0, y: 12.0 }, Point { x: -3.0, y: 1.5 }]
    );
    assert!(close(gk, 5.0 + 0.3125));
    check_grad(
        |f| total_norm2(&points.from_flat(f), 3.0),
        &points.to_flat(),
        &g.to_flat(),
    )
    .assert_within(1e-6);
    let (_, dy) = total_norm2_jvp(&points, 3.0, &g, 0.0);
    assert!(close(dy, g.dot(&g)));
}

// Methods: `&self` is the first parameter; the generated functions are methods too.

impl Affine {
    /// The same function as `affine`, as a method.
    #[differentiable]
    pub fn value(&self, x: f64) -> f64 {
        let mut s = self.b;
        for i in 0..self.n {
            s += self.w[i] * x.powi(i as i32);
        }
        self.scale * s * s
    }

    /// Only `self` is differentiated: `x` is data.
    #[differentiable(wrt(self))]
    pub fn value_at(&self, x: f64) -> f64 {
        self.value(x)
    }

    /// An associated function without `self`, calling a method's rules through `Self::`.
    #[differentiable]
    pub fn twice(m: &Self, x: f64) -> f64 {
        2.0 * Self::value(m, x)
    }
}

proptest! {
    #[test]
    fn methods(w in prop::array::uniform3(-2.0..2.0f64), b in -2.0..2.0f64, x in -1.5..1.5f64) {
        let m = affine_model(w, b);
        let (hm, hx) = affine_by_hand(&m, x);
        let (dm, dx) = m.value_grad(x);
        prop_assert!(close_all(&dm.to_flat(), &hm.to_flat()) && close(dx, hx));
        let dm_only: Affine = m.value_at_grad(x);
        prop_assert!(close_all(&dm_only.to_flat(), &hm.to_flat()));
        prop_assert_eq!(dm_only.scale, 2.0);
        let (d2, dx2) = Affine::twice_grad(&m, x);
        let doubled: Vec<f64> = hm.to_flat().iter().map(|g| 2.0 * g).collect();
        prop_assert!(close_all(&d2.to_flat(), &doubled) && close(dx2, 2.0 * hx));
        let (_, dy) = m.value_jvp(x, &hm, 0.0);
        prop_assert!(close(dy, hm.dot(&hm)));
        check_grad(|f| m.from_flat(f).value(x), &m.to_flat(), &dm.to_flat()).assert_within(1e-6);
        // The gradient and H·v of one sweep, as methods too.
        let ((gm, gx), (hvm, hvx)) = m.value_grad_and_hvp(x, &hm, 0.5);
        prop_assert!(close_all(&gm.to_flat(), &hm.to_flat()) && close(gx, hx));
        let (hvm2, hvx2) = m.value_hvp(x, &hm, 0.5);
        prop_assert!(close_all(&hvm.to_flat(), &hvm2.to_flat()) && close(hvx, hvx2));
    }
}

// Struct values built in the body: literals, fields read and written, and returned.

/// The midpoint of two points, scaled: a struct return value.
#[differentiable]
fn midpoint(a: &Point, b: &Point, s: f64) -> Point {
    let mut m = Point {
        x: (a.x + b.x) / 2.0,
        y: 0.0,
    };
    m.y = (a.y + b.y) / 2.0;
    m.x *= s;
    Point { x: m.x, y: m.y * s }
}

#[test]
fn struct_return_values() {
    let a = Point { x: 1.0, y: 2.0 };
    let b = Point { x: 3.0, y: -1.0 };
    assert_eq!(midpoint(&a, &b, 2.0), Point { x: 4.0, y: 1.0 });
    // _vjp with a seed of the struct's type: seed·∂m/∂a = (s/2)·seed.
    let seed = Point { x: 1.0, y: 10.0 };
    let (value, (ga, gb, gs)) = midpoint_vjp(&a, &b, 2.0, seed.clone());
    assert_eq!(value, Point { x: 4.0, y: 1.0 });
    assert_eq!(ga, Point { x: 1.0, y: 10.0 });
    assert_eq!(gb, Point { x: 1.0, y: 10.0 });
    // ∂m/∂s = (2, 0.5): seed·that = 2 + 5.
    assert!(close(gs, 7.0));
    // Against differences of the seed's dot with the value.
    let f = |flat: &[f64]| {
        let (a2, b2) = (a.from_flat(&flat[0..2]), b.from_flat(&flat[2..4]));
        midpoint(&a2, &b2, flat[4]).dot(&seed)
    };
    let mut g = ga.to_flat();
    g.extend(gb.to_flat());
    g.push(gs);
    check_grad(f, &[1.0, 2.0, 3.0, -1.0, 2.0], &g).assert_within(1e-6);
    // _jvp: the tangent of the value is a Point.
    let (v2, t) = midpoint_jvp(&a, &b, 2.0, &Point { x: 1.0, y: 0.0 }, &b.zeros_like(), 0.5);
    assert_eq!(v2, value);
    assert!(close(t.x, 1.0 + 0.5 * 2.0) && close(t.y, 0.5 * 0.5));
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Stats {
    pub mean: f64,
    pub spread: Vec<f64>,
    pub count: usize,
    #[no_derivative]
    pub scale: f64,
}

/// A struct with a vector field, an integer field and a `#[no_derivative]` field.
#[differentiable]
fn stats(xs: &[f64]) -> Stats {
    let mut mean = 0.0;
    for x in xs.iter() {
        mean += *x;
    }
    mean /= xs.len() as f64;
    let mut spread = vec![0.0; xs.len()];
    for i in 0..xs.len() {
        spread[i] = (xs[i] - mean) * (xs[i] - mean);
    }
    Stats {
        mean,
        spread,
        count: xs.len(),
        scale: mean * 2.0,
    }
}

#[test]
fn struct_return_with_vector_integer_and_fixed_fields() {
    let xs = [1.0, 2.0, 6.0];
    let v = stats(&xs);
    assert_eq!(v.count, 3);
    assert!(close(v.mean, 3.0) && close(v.scale, 6.0));
    // The seed's `scale` is ignored: no derivative flows out of a #[no_derivative] field.
    let mut seed = v.zeros_like();
    seed.mean = 1.0;
    seed.scale = 100.0;
    let (_, g) = stats_vjp(&xs, seed.clone());
    assert!(close_all(&g, &[1.0 / 3.0; 3]), "{g:?}");
    // spread_i = (x_i - mean)²: its seed gives 2(x_i - mean)(δ_ij - 1/3).
    let mut seed2 = v.zeros_like();
    seed2.spread = vec![0.0, 1.0, 0.0];
    let (_, g2) = stats_vjp(&xs, seed2.clone());
    let d = 2.0 * (2.0 - 3.0);
    assert!(
        close_all(&g2, &[-d / 3.0, d * 2.0 / 3.0, -d / 3.0]),
        "{g2:?}"
    );
    check_grad(|f| stats(f).dot(&seed2), &xs, &g2).assert_within(1e-6);
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Outer {
    pub inner: Point,
    pub k: f64,
}

impl Point {
    #[differentiable]
    pub fn weighted(&self, x: f64) -> f64 {
        self.x * x + self.y
    }
}

/// A method of a field called by path, and a clone of a place read as the place.
#[differentiable]
fn outer(m: &Outer, x: f64) -> f64 {
    let c = m.inner.clone();
    Point::weighted(&m.inner, x) * m.k + c.y * c.x
}

#[test]
fn methods_of_fields_by_path() {
    let m = Outer {
        inner: Point { x: 2.0, y: 3.0 },
        k: 0.5,
    };
    // f = (ix·x + iy)·k + iy·ix
    let (g, gx) = outer_grad(&m, 4.0);
    assert_eq!(
        g,
        Outer {
            inner: Point {
                x: 4.0 * 0.5 + 3.0,
                y: 0.5 + 2.0
            },
            k: 11.0
        }
    );
    assert_eq!(gx, 1.0);
    check_grad(|f| outer(&m.from_flat(f), 4.0), &m.to_flat(), &g.to_flat()).assert_within(1e-6);
}

impl<T: Float + Differentiable<Scalar = T>> Layer<T> {
    /// A method of a generic struct: `where T: Float` on the method tells the attribute
    /// that `T` is the float type.
    #[differentiable]
    pub fn response(&self, x: T) -> T
    where
        T: Float,
    {
        let mut s = T::zero();
        for j in 0..self.b.len() {
            s = s + (self.w[j][0] * x + self.b[j]).tanh();
        }
        s
    }
}

/// Method syntax on a parameter of a named type: `l.response(x)` is `Layer::response(l, x)`.
#[differentiable]
fn through_param(l: &Layer<f64>, x: f64) -> f64 {
    l.response(x) * 2.0
}

#[test]
fn generic_methods_and_method_syntax_on_a_parameter() {
    let l = Layer {
        w: vec![vec![0.5], vec![-1.5]],
        b: vec![0.1, 0.2],
    };
    let x = 0.7;
    let (g, gx) = l.response_grad(x);
    // d/db_j = 1 - tanh²(u_j), d/dw_j = that·x, d/dx = Σ that·w_j
    let u: Vec<f64> = vec![0.5 * x + 0.1, -1.5 * x + 0.2];
    let s: Vec<f64> = u.iter().map(|u| 1.0 - u.tanh().powi(2)).collect();
    assert!(close_all(&g.b, &s));
    assert!(close(g.w[1][0], s[1] * x));
    assert!(close(gx, s[0] * 0.5 - s[1] * 1.5));
    let l32 = Layer {
        w: vec![vec![0.5_f32], vec![-1.5]],
        b: vec![0.1_f32, 0.2],
    };
    let (g32, _) = l32.response_grad(0.7_f32);
    assert!((g32.b[0] as f64 - s[0]).abs() < 1e-5);
    let (g2, gx2) = through_param_grad(&l, x);
    assert!(close_all(&g2.b, &[2.0 * s[0], 2.0 * s[1]]) && close(gx2, 2.0 * gx));
    check_grad(
        |f| through_param(&l.from_flat(f), x),
        &l.to_flat(),
        &g2.to_flat(),
    )
    .assert_within(1e-6);
}

/// Every kind of struct parameter: by value, in a `Vec`, in an array.
#[differentiable]
fn kinds(by_value: Point, in_vec: Vec<Point>, in_array: [Point; 2]) -> f64 {
    let mut s = by_value.x * by_value.y;
    for p in in_vec.iter() {
        s += p.x;
    }
    s + in_array[0].y * in_array[1].x
}

#[test]
fn struct_parameters_by_value_in_vecs_and_arrays() {
    let a = Point { x: 2.0, y: 3.0 };
    let v = vec![Point { x: 1.0, y: 1.0 }, Point { x: 5.0, y: -1.0 }];
    let arr = [Point { x: 0.5, y: 4.0 }, Point { x: -2.0, y: 7.0 }];
    let (ga, gv, garr): (Point, Vec<Point>, [Point; 2]) =
        kinds_grad(a.clone(), v.clone(), arr.clone());
    assert_eq!(ga, Point { x: 3.0, y: 2.0 });
    assert_eq!(gv, vec![Point { x: 1.0, y: 0.0 }, Point { x: 1.0, y: 0.0 }]);
    assert_eq!(garr, [Point { x: 0.0, y: -2.0 }, Point { x: 4.0, y: 0.0 }]);
    check_grad(
        |f| kinds(a.from_flat(f), v.clone(), arr.clone()),
        &a.to_flat(),
        &ga.to_flat(),
    )
    .assert_within(1e-6);
    check_grad(
        |f| kinds(a.clone(), v.from_flat(f), arr.clone()),
        &v.to_flat(),
        &gv.to_flat(),
    )
    .assert_within(1e-6);
    check_grad(
        |f| kinds(a.clone(), v.clone(), arr.from_flat(f)),
        &arr.to_flat(),
        &garr.to_flat(),
    )
    .assert_within(1e-6);
    let (_, dy) = kinds_jvp(a.clone(), v.clone(), arr.clone(), &ga, &gv, &garr);
    assert!(close(dy, ga.dot(&ga) + gv.dot(&gv) + garr.dot(&garr)));
}

/// Elements of a struct local's vector field written, assigned and compound-assigned (found by
/// difftest: the write was dropped).
#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Neuron {
    pub w: Vec<f64>,
    pub b: f64,
}

#[differentiable]
fn layer_written(x: f64, y: f64) -> f64 {
    let mut l = Neuron {
        w: vec![x, y, x * y],
        b: 1.0,
    };
    l.w[1] = l.w[1] * 0.5 + x;
    l.w[2] += y;
    l.w[0] *= l.w[2];
    l.w[0] + l.w[1] * l.b
}

proptest! {
    #[test]
    fn elements_of_a_struct_local_written(x in -2.0..2.0f64, y in -2.0..2.0f64) {
        // w0 = x·(xy + y), w1 = y/2 + x: f = x²y + xy + y/2 + x.
        let (gx, gy) = layer_written_grad(x, y);
        let (ex, ey) = (2.0 * x * y + y + 1.0, x * x + x + 0.5);
        prop_assert!(close(gx, ex) && close(gy, ey), "{gx} {gy}");
        check_grad(|v| layer_written(v[0], v[1]), &[x, y], &[gx, gy]).assert_within(1e-6);
        let (_, t) = layer_written_jvp(x, y, 1.0, -1.0);
        prop_assert!(close(t, ex - ey));
    }
}

/// A branch whose arms are fields of parameters, and a chain of two fields (its element is
/// such a branch).
#[differentiable]
fn pick(c: f64, p: &Neuron, q: &Neuron) -> f64 {
    let a = if c > 0.0 { p.b } else { q.b };
    let s: f64 = p.w.iter().chain(q.w.iter()).map(|v| v * v).sum();
    a * c + s
}

#[test]
fn branches_over_places() {
    let p = Neuron {
        w: vec![1.0, 2.0],
        b: 3.0,
    };
    let q = Neuron {
        w: vec![4.0],
        b: 5.0,
    };
    for c in [0.5, -0.5] {
        let (gc, gp, gq) = pick_grad(c, &p, &q);
        let b = if c > 0.0 { 3.0 } else { 5.0 };
        assert_eq!(gc, b);
        assert_eq!(gp.w, vec![2.0, 4.0]);
        assert_eq!(gq.w, vec![8.0]);
        assert_eq!((gp.b, gq.b), if c > 0.0 { (c, 0.0) } else { (0.0, c) });
    }
}
