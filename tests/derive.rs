//! `#[derive(Differentiable)]`: the trait for structs, field by field: named and tuple
//! structs, generic ones (one definition for `f32` and `f64`), nested structs, `Vec`s and
//! arrays of structs, fields without a derivative. Each operation is checked against the
//! value worked by hand; a loss over a struct is checked against central differences
//! through `to_flat`/`from_flat`.

use autodiff::prelude::*;
use proptest::prelude::*;

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Layer<T: Float> {
    pub w: Vec<Vec<T>>,
    pub b: Vec<T>,
    pub gain: T,
    /// Holds no float: copied.
    pub width: usize,
    /// A float the derivative does not flow into.
    #[no_derivative]
    pub scale: T,
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Mlp {
    pub layers: Vec<Layer<f64>>,
    pub head: [f64; 2],
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Pair(pub f32, #[no_derivative] pub f32, pub [f32; 2]);

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Points {
    pub p: Vec<Pair2>,
}

#[derive(Clone, Debug, PartialEq, Differentiable)]
pub struct Pair2(pub f64, pub f64);

fn layer<T: Float>(v: [f64; 5]) -> Layer<T> {
    let t = |x: f64| T::from(x).unwrap();
    Layer {
        w: vec![vec![t(v[0]), t(v[1])]],
        b: vec![t(v[2])],
        gain: t(v[3]),
        width: 2,
        scale: t(v[4]),
    }
}

#[test]
fn every_operation_of_a_generic_struct_in_f64_and_f32() {
    let a: Layer<f64> = layer([1.0, 2.0, 3.0, 4.0, 10.0]);
    let b: Layer<f64> = layer([0.5, -1.0, 2.0, 0.25, 20.0]);
    // Fields in order, without `width` and `scale`.
    assert_eq!(a.to_flat(), [1.0, 2.0, 3.0, 4.0]);
    // 0.5 − 2 + 6 + 1
    assert_eq!(a.dot(&b), 5.5);
    let mut c = a.clone();
    c.add_scaled(2.0, &b);
    assert_eq!(c, layer([2.0, 0.0, 7.0, 4.5, 10.0])); // scale stays self's
    let zero = a.zeros_like();
    assert_eq!(zero, layer([0.0, 0.0, 0.0, 0.0, 10.0]));
    assert_eq!(
        a.from_flat(&[9.0, 8.0, 7.0, 6.0]),
        layer([9.0, 8.0, 7.0, 6.0, 10.0])
    );

    let a32: Layer<f32> = layer([1.0, 2.0, 3.0, 4.0, 10.0]);
    let b32: Layer<f32> = layer([0.5, -1.0, 2.0, 0.25, 20.0]);
    assert_eq!(a32.dot(&b32), 5.5f32);
    assert_eq!(a32.to_flat(), [1.0f32, 2.0, 3.0, 4.0]);
}

#[test]
fn nested_structs_vecs_and_arrays_of_them() {
    let m = Mlp {
        layers: vec![
            layer([1.0, 2.0, 3.0, 4.0, 0.0]),
            layer([5.0, 6.0, 7.0, 8.0, 0.0]),
        ],
        head: [9.0, 10.0],
        name: "m".into(),
    };
    let flat: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(m.to_flat(), flat);
    assert_eq!(m.from_flat(&flat), m);
    // Σ k² for k = 1..10
    assert_eq!(m.dot(&m), 385.0);
    let z = m.zeros_like();
    assert_eq!(z.to_flat(), vec![0.0; 10]);
    assert_eq!(z.name, "m");
    let pts = Points {
        p: vec![Pair2(1.0, 2.0), Pair2(3.0, 4.0)],
    };
    assert_eq!(pts.to_flat(), [1.0, 2.0, 3.0, 4.0]);
    let arr = [Pair2(1.0, 2.0), Pair2(3.0, 4.0)];
    assert_eq!(arr.dot(&arr), 30.0);
}

#[test]
fn a_tuple_struct_with_a_field_without_derivative() {
    let p = Pair(1.0, 5.0, [2.0, 3.0]);
    assert_eq!(p.to_flat(), [1.0f32, 2.0, 3.0]);
    let mut q = p.zeros_like();
    assert_eq!(q, Pair(0.0, 5.0, [0.0, 0.0]));
    q.add_scaled(-1.0, &Pair(1.0, 7.0, [1.0, 1.0]));
    assert_eq!(q, Pair(-1.0, 5.0, [-1.0, -1.0]));
}

#[test]
#[should_panic(
    expected = "Differentiable::from_flat: this value holds 4 floats but the slice has 3"
)]
fn from_flat_of_the_wrong_length_panics() {
    let a: Layer<f64> = layer([1.0, 2.0, 3.0, 4.0, 10.0]);
    let _ = a.from_flat(&[1.0, 2.0, 3.0]);
}

#[test]
#[should_panic(expected = "Differentiable::add_scaled: the values have different lengths, 2 and 1")]
fn add_scaled_of_another_shape_panics() {
    let mut a = Mlp {
        layers: vec![layer([1.0; 5]), layer([1.0; 5])],
        head: [0.0; 2],
        name: String::new(),
    };
    let b = Mlp {
        layers: vec![layer([1.0; 5])],
        head: [0.0; 2],
        name: String::new(),
    };
    a.add_scaled(1.0, &b);
}

/// A loss over a layer, with its gradient written by hand, checked through the flat view
/// (what `check_grad` and optimisers that want a flat vector use).
fn loss(l: &Layer<f64>, x: &[f64; 2]) -> f64 {
    let s = l.w[0][0] * x[0] + l.w[0][1] * x[1] + l.b[0];
    l.gain * s.tanh()
}

fn loss_grad(l: &Layer<f64>, x: &[f64; 2]) -> Layer<f64> {
    let s = l.w[0][0] * x[0] + l.w[0][1] * x[1] + l.b[0];
    let ds = l.gain * (1.0 - s.tanh().powi(2));
    let mut g = l.zeros_like();
    g.w[0][0] = ds * x[0];
    g.w[0][1] = ds * x[1];
    g.b[0] = ds;
    g.gain = s.tanh();
    g
}

proptest! {
    #[test]
    fn flat_views_carry_a_gradient_check(
        v in prop::array::uniform4(-1.5..1.5f64),
        x in prop::array::uniform2(-2.0..2.0f64),
    ) {
        let l = layer([v[0], v[1], v[2], v[3], 7.0]);
        let g = loss_grad(&l, &x);
        check_grad(|flat| loss(&l.from_flat(flat), &x), &l.to_flat(), &g.to_flat())
            .assert_within(1e-6);
        // One step of gradient descent lowers the loss.
        let mut stepped = l.clone();
        stepped.add_scaled(-1e-3, &g);
        prop_assert!(loss(&stepped, &x) <= loss(&l, &x) + 1e-12);
        prop_assert_eq!(stepped.scale, 7.0);
    }
}

#[test]
fn adam_steps_a_struct_with_a_gradient_of_its_own_shape() {
    // Minimise ‖l − target‖² over the floats with a derivative: the gradient is 2(l − target),
    // built with the trait alone; `width` and `scale` are never touched.
    let target: Layer<f64> = layer([1.0, -2.0, 0.5, 3.0, 99.0]);
    let mut l: Layer<f64> = layer([0.0, 0.0, 0.0, 0.0, 7.0]);
    let mut adam = Adam::new(0.05);
    for _ in 0..2000 {
        let mut g = l.clone();
        g.add_scaled(-1.0, &target);
        let g2 = {
            let mut twice = g.zeros_like();
            twice.add_scaled(2.0, &g);
            twice
        };
        adam.step(&mut l, &g2);
    }
    for (a, b) in l.to_flat().iter().zip(target.to_flat()) {
        assert!((a - b).abs() < 1e-3, "{:?} against {:?}", l, target);
    }
    assert_eq!((l.width, l.scale), (2, 7.0));
}

/// A struct whose floats are all in nested containers, two fields of the same type (the
/// derive once bounded the second by the first's own scalar, which overflowed rustc).
#[derive(Clone, Debug, PartialEq, autodiff::Differentiable)]
struct NestedOnly {
    main: Vec<Vec<f64>>,
    extra: Vec<Vec<f64>>,
    pairs: Option<[f64; 2]>,
}

#[test]
fn fields_made_of_nested_containers() {
    use autodiff::Differentiable;
    let a = NestedOnly {
        main: vec![vec![1.0, 2.0], vec![3.0]],
        extra: vec![vec![4.0]],
        pairs: Some([5.0, 6.0]),
    };
    assert_eq!(a.to_flat(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(a.dot(&a), 91.0);
    let mut b = a.zeros_like();
    b.add_scaled(2.0, &a);
    assert_eq!(b.to_flat(), vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
    assert_eq!(a.from_flat(&b.to_flat()), b);
}
