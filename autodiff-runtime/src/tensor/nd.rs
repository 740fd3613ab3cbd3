//! ndarray's `ArrayBase` (views and owned arrays of rank 1 and 2) as [`Tensor`] values.

use super::{shape_panic, Acc, Adj, AsTensor, Binary, Dot, Grad, Indexed, Shaped, SumAxis, Tensor};
use ndarray::linalg::general_mat_mul;
use ndarray::{
    Array, Array1, Array2, ArrayBase, Axis, Data, DimMax, Dimension, Ix1, Ix2, IxDyn, NdFloat,
};

impl<F: NdFloat, S: Data<Elem = F>, D: Dimension> Tensor for ArrayBase<S, D> {
    type F = F;
    type Grad = Array<F, D>;
    type Acc = Adj<Array<F, D>>;

    #[inline]
    fn zero_grad(&self) -> Array<F, D> {
        Array::zeros(self.raw_dim())
    }

    #[inline]
    fn to_grad(&self) -> Array<F, D> {
        self.to_owned()
    }

    fn shape_of(&self) -> Vec<usize> {
        self.shape().to_vec()
    }

    #[inline]
    fn map_to_grad(&self, f: impl Fn(F) -> F) -> Array<F, D> {
        self.mapv(f)
    }

    #[inline]
    fn zip3_to_grad(
        &self,
        y: &Array<F, D>,
        s: &Array<F, D>,
        f: impl Fn(F, F, F) -> F,
    ) -> Array<F, D> {
        if self.shape() != y.shape() || self.shape() != s.shape() {
            shape_panic("an elementwise rule", self.shape(), s.shape());
        }
        ndarray::Zip::from(self)
            .and(y)
            .and(s)
            .map_collect(|&a, &y, &s| f(a, y, s))
    }
}

impl<F: NdFloat, D: Dimension> Grad for Array<F, D> {
    #[inline]
    fn add_assign_grad(&mut self, other: &Self) {
        if self.shape() != other.shape() {
            shape_panic("adding gradients", self.shape(), other.shape());
        }
        *self += other;
    }

    #[inline]
    fn map_elems(&self, f: impl Fn(F) -> F) -> Self {
        self.mapv(f)
    }

    #[inline]
    fn zip_elems(&self, other: &Self, f: impl Fn(F, F) -> F) -> Self {
        let mut out = self.clone();
        out.zip_mut_with(other, |a, &b| *a = f(*a, b));
        out
    }

    #[inline]
    fn sum_elems(&self) -> F {
        self.sum()
    }

    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
}

impl<F: NdFloat, S: Data<Elem = F>, D: Dimension> super::ElementwiseMethods for ArrayBase<S, D> {}

impl<F: NdFloat, S: Data<Elem = F>, D: Dimension> AsTensor for ArrayBase<S, D> {
    type T = Self;
    #[inline]
    fn tensor(&self) -> &Self {
        self
    }
}

impl<F: NdFloat, S: Data<Elem = F>, D: Dimension> AsTensor for &ArrayBase<S, D> {
    type T = ArrayBase<S, D>;
    #[inline]
    fn tensor(&self) -> &ArrayBase<S, D> {
        self
    }
}

/// Whether shapes `a` and `b` broadcast together (numpy's rule, as ndarray's arithmetic).
fn broadcasts(a: &[usize], b: &[usize]) -> bool {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .all(|(x, y)| x == y || *x == 1 || *y == 1)
}

/// The gradient `g` of a broadcast result, summed back to `shape`: over the leading axes
/// `shape` lacks, and over the axes where `shape` has 1.
fn unbroadcast<F: NdFloat, E: Dimension, D: Dimension>(g: &Array<F, E>, like: &D) -> Array<F, D> {
    let shape = like.slice();
    if g.shape() == shape {
        return g
            .clone()
            .into_dimensionality::<D>()
            .expect("same shape, same rank");
    }
    let mut g: Array<F, IxDyn> = g.clone().into_dyn();
    while g.ndim() > shape.len() {
        g = g.sum_axis(Axis(0));
    }
    for (ax, &n) in shape.iter().enumerate() {
        if n == 1 && g.shape()[ax] != 1 {
            g = g.sum_axis(Axis(ax)).insert_axis(Axis(ax));
        }
    }
    g.into_dimensionality::<D>()
        .expect("a broadcast operand's rank")
}

impl<F, S1, S2, D1, D2> Binary<ArrayBase<S2, D2>> for ArrayBase<S1, D1>
where
    F: NdFloat,
    S1: Data<Elem = F>,
    S2: Data<Elem = F>,
    D1: Dimension + DimMax<D2>,
    D2: Dimension,
{
    type Out = Array<F, <D1 as DimMax<D2>>::Output>;

    fn add(&self, b: &ArrayBase<S2, D2>) -> Self::Out {
        check("add", self.shape(), b.shape());
        self + b
    }

    fn sub(&self, b: &ArrayBase<S2, D2>) -> Self::Out {
        check("sub", self.shape(), b.shape());
        self - b
    }

    fn mul(&self, b: &ArrayBase<S2, D2>) -> Self::Out {
        check("mul", self.shape(), b.shape());
        self * b
    }

    fn div(&self, b: &ArrayBase<S2, D2>) -> Self::Out {
        check("div", self.shape(), b.shape());
        self / b
    }

    fn add_rev(
        &self,
        b: &ArrayBase<S2, D2>,
        seed: &Self::Out,
        da: Option<&mut Adj<Array<F, D1>>>,
        db: Option<&mut Adj<Array<F, D2>>>,
    ) {
        if let Some(da) = da {
            da.add(unbroadcast(seed, &self.raw_dim()));
        }
        if let Some(db) = db {
            db.add(unbroadcast(seed, &b.raw_dim()));
        }
    }

    fn sub_rev(
        &self,
        b: &ArrayBase<S2, D2>,
        seed: &Self::Out,
        da: Option<&mut Adj<Array<F, D1>>>,
        db: Option<&mut Adj<Array<F, D2>>>,
    ) {
        if let Some(da) = da {
            da.add(unbroadcast(seed, &self.raw_dim()));
        }
        if let Some(db) = db {
            db.add(unbroadcast(&seed.mapv(|x| -x), &b.raw_dim()));
        }
    }

    fn mul_rev(
        &self,
        b: &ArrayBase<S2, D2>,
        seed: &Self::Out,
        da: Option<&mut Adj<Array<F, D1>>>,
        db: Option<&mut Adj<Array<F, D2>>>,
    ) {
        if self.shape() == b.shape() {
            // No broadcast: products of one shape, without dynamic dimensions.
            type Out<D1, D2> = <D1 as DimMax<D2>>::Output;
            if let Some(da) = da {
                let bv = b
                    .view()
                    .into_dimensionality::<Out<D1, D2>>()
                    .expect("one shape");
                let g = seed * &bv;
                da.add(g.into_dimensionality::<D1>().expect("one shape"));
            }
            if let Some(db) = db {
                let av = self
                    .view()
                    .into_dimensionality::<Out<D1, D2>>()
                    .expect("one shape");
                let g = seed * &av;
                db.add(g.into_dimensionality::<D2>().expect("one shape"));
            }
            return;
        }
        if let Some(da) = da {
            da.add(unbroadcast(&(&dynv(seed) * &dynv(b)), &self.raw_dim()));
        }
        if let Some(db) = db {
            db.add(unbroadcast(&(&dynv(seed) * &dynv(self)), &b.raw_dim()));
        }
    }

    fn div_rev(
        &self,
        b: &ArrayBase<S2, D2>,
        seed: &Self::Out,
        da: Option<&mut Adj<Array<F, D1>>>,
        db: Option<&mut Adj<Array<F, D2>>>,
    ) {
        if let Some(da) = da {
            da.add(unbroadcast(&(&dynv(seed) / &dynv(b)), &self.raw_dim()));
        }
        if let Some(db) = db {
            // b̄ −= ȳ·a/b², spelled as −(ȳ·a/b)/b.
            let bd = dynv(b);
            let g = &(&(&dynv(seed) * &dynv(self)) / &bd) / &bd;
            db.add(unbroadcast(&g.mapv(|x| -x), &b.raw_dim()));
        }
    }
}

/// A view of any rank as a view of dynamic rank, for products that broadcast.
fn dynv<F, S: Data<Elem = F>, D: Dimension>(a: &ArrayBase<S, D>) -> ndarray::ArrayViewD<'_, F> {
    a.view().into_dyn()
}

#[track_caller]
fn check(op: &str, a: &[usize], b: &[usize]) {
    if !broadcasts(a, b) {
        shape_panic(op, a, b);
    }
}

macro_rules! scalar_binary {
    ($($f:ty),*) => {$(
        impl<S: Data<Elem = $f>, D: Dimension> Binary<$f> for ArrayBase<S, D> {
            type Out = Array<$f, D>;
            fn add(&self, b: &$f) -> Self::Out { let b = *b; self.mapv(|x| x + b) }
            fn sub(&self, b: &$f) -> Self::Out { let b = *b; self.mapv(|x| x - b) }
            fn mul(&self, b: &$f) -> Self::Out { let b = *b; self.mapv(|x| x * b) }
            fn div(&self, b: &$f) -> Self::Out { let b = *b; self.mapv(|x| x / b) }
            fn add_rev(&self, _b: &$f, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut $f>) {
                if let Some(da) = da { da.add(seed.clone()); }
                if let Some(db) = db { *db += seed.sum(); }
            }
            fn sub_rev(&self, _b: &$f, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut $f>) {
                if let Some(da) = da { da.add(seed.clone()); }
                if let Some(db) = db { *db -= seed.sum(); }
            }
            fn mul_rev(&self, b: &$f, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut $f>) {
                if let Some(da) = da { let b = *b; da.add(seed.mapv(|s| s * b)); }
                if let Some(db) = db { *db += (seed * self).sum(); }
            }
            fn div_rev(&self, b: &$f, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut $f>) {
                let b = *b;
                if let Some(da) = da { da.add(seed.mapv(|s| s / b)); }
                if let Some(db) = db { *db -= (seed * self).sum() / (b * b); }
            }
        }

        impl<S: Data<Elem = $f>, D: Dimension> Binary<ArrayBase<S, D>> for $f {
            type Out = Array<$f, D>;
            fn add(&self, b: &ArrayBase<S, D>) -> Self::Out { let a = *self; b.mapv(|x| a + x) }
            fn sub(&self, b: &ArrayBase<S, D>) -> Self::Out { let a = *self; b.mapv(|x| a - x) }
            fn mul(&self, b: &ArrayBase<S, D>) -> Self::Out { let a = *self; b.mapv(|x| a * x) }
            fn div(&self, b: &ArrayBase<S, D>) -> Self::Out { let a = *self; b.mapv(|x| a / x) }
            fn add_rev(&self, _b: &ArrayBase<S, D>, seed: &Self::Out, da: Option<&mut $f>, db: Option<&mut Adj<Array<$f, D>>>) {
                if let Some(da) = da { *da += seed.sum(); }
                if let Some(db) = db { db.add(seed.clone()); }
            }
            fn sub_rev(&self, _b: &ArrayBase<S, D>, seed: &Self::Out, da: Option<&mut $f>, db: Option<&mut Adj<Array<$f, D>>>) {
                if let Some(da) = da { *da += seed.sum(); }
                if let Some(db) = db { db.add(seed.mapv(|s| -s)); }
            }
            fn mul_rev(&self, b: &ArrayBase<S, D>, seed: &Self::Out, da: Option<&mut $f>, db: Option<&mut Adj<Array<$f, D>>>) {
                if let Some(da) = da { *da += (seed * b).sum(); }
                if let Some(db) = db { let a = *self; db.add(seed.mapv(|s| s * a)); }
            }
            fn div_rev(&self, b: &ArrayBase<S, D>, seed: &Self::Out, da: Option<&mut $f>, db: Option<&mut Adj<Array<$f, D>>>) {
                if let Some(da) = da { *da += (seed / b).sum(); }
                if let Some(db) = db {
                    let a = *self;
                    let mut g = seed.clone();
                    g.zip_mut_with(b, |s, &x| *s = -(*s * a / x) / x);
                    db.add(g);
                }
            }
        }
    )*};
}

scalar_binary!(f32, f64);

/// `acc += a·b` in place with ndarray's matrix product, or `acc = a·b` when it is empty.
fn add_product<F: NdFloat, S1: Data<Elem = F>, S2: Data<Elem = F>>(
    acc: &mut Adj<Array2<F>>,
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
) {
    match &mut acc.0 {
        Some(c) => general_mat_mul(F::one(), a, b, F::one(), c),
        None => acc.0 = Some(a.dot(b)),
    }
}

/// `acc += a·b` for a matrix `a` and a vector `b`.
/// `acc += s·v`.
fn add_scaled<F: NdFloat, S: Data<Elem = F>>(
    acc: &mut Adj<Array1<F>>,
    s: F,
    v: &ArrayBase<S, Ix1>,
) {
    match &mut acc.0 {
        Some(g) => g.scaled_add(s, v),
        None => acc.0 = Some(v.mapv(|x| x * s)),
    }
}

fn add_mat_vec<F: NdFloat, S1: Data<Elem = F>, S2: Data<Elem = F>>(
    acc: &mut Adj<Array1<F>>,
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix1>,
) {
    match &mut acc.0 {
        Some(c) => ndarray::linalg::general_mat_vec_mul(F::one(), a, b, F::one(), c),
        None => acc.0 = Some(a.dot(b)),
    }
}

/// `acc += u ⊗ v`, the outer product, as a product of a column and a row.
fn add_outer<F: NdFloat, S1: Data<Elem = F>, S2: Data<Elem = F>>(
    acc: &mut Adj<Array2<F>>,
    u: &ArrayBase<S1, Ix1>,
    v: &ArrayBase<S2, Ix1>,
) {
    let col = u.view().insert_axis(Axis(1));
    let row = v.view().insert_axis(Axis(0));
    add_product(acc, &col, &row);
}

impl<F: NdFloat, S1: Data<Elem = F>, S2: Data<Elem = F>> Dot<ArrayBase<S2, Ix1>>
    for ArrayBase<S1, Ix1>
{
    type Out = F;

    fn dot_of(&self, b: &ArrayBase<S2, Ix1>) -> F {
        if self.len() != b.len() {
            shape_panic("dot", self.shape(), b.shape());
        }
        ndarray::linalg::Dot::dot(self, b)
    }

    /// `ā += ȳ·b`, `b̄ += ȳ·a`.
    fn dot_rev(
        &self,
        b: &ArrayBase<S2, Ix1>,
        seed: &F,
        da: Option<&mut Adj<Array1<F>>>,
        db: Option<&mut Adj<Array1<F>>>,
    ) {
        if let Some(da) = da {
            add_scaled(da, *seed, b);
        }
        if let Some(db) = db {
            add_scaled(db, *seed, self);
        }
    }
}

impl<F: NdFloat, S1: Data<Elem = F>, S2: Data<Elem = F>> Dot<ArrayBase<S2, Ix1>>
    for ArrayBase<S1, Ix2>
{
    type Out = Array1<F>;

    fn dot_of(&self, b: &ArrayBase<S2, Ix1>) -> Array1<F> {
        if self.ncols() != b.len() {
            shape_panic("dot", self.shape(), b.shape());
        }
        ndarray::linalg::Dot::dot(self, b)
    }

    /// `y = M·v`: `M̄ += ȳ ⊗ v`, `v̄ += Mᵀ·ȳ`.
    fn dot_rev(
        &self,
        b: &ArrayBase<S2, Ix1>,
        seed: &Array1<F>,
        da: Option<&mut Adj<Array2<F>>>,
        db: Option<&mut Adj<Array1<F>>>,
    ) {
        if let Some(da) = da {
            add_outer(da, seed, b);
        }
        if let Some(db) = db {
            add_mat_vec(db, &self.t(), seed);
        }
    }
}

impl<F: NdFloat, S1: Data<Elem = F>, S2: Data<Elem = F>> Dot<ArrayBase<S2, Ix2>>
    for ArrayBase<S1, Ix1>
{
    type Out = Array1<F>;

    fn dot_of(&self, b: &ArrayBase<S2, Ix2>) -> Array1<F> {
        if self.len() != b.nrows() {
            shape_panic("dot", self.shape(), b.shape());
        }
        ndarray::linalg::Dot::dot(self, b)
    }

    /// `y = v·M`: `v̄ += M·ȳ`, `M̄ += v ⊗ ȳ`.
    fn dot_rev(
        &self,
        b: &ArrayBase<S2, Ix2>,
        seed: &Array1<F>,
        da: Option<&mut Adj<Array1<F>>>,
        db: Option<&mut Adj<Array2<F>>>,
    ) {
        if let Some(da) = da {
            add_mat_vec(da, b, seed);
        }
        if let Some(db) = db {
            add_outer(db, self, seed);
        }
    }
}

impl<F: NdFloat, S1: Data<Elem = F>, S2: Data<Elem = F>> Dot<ArrayBase<S2, Ix2>>
    for ArrayBase<S1, Ix2>
{
    type Out = Array2<F>;

    fn dot_of(&self, b: &ArrayBase<S2, Ix2>) -> Array2<F> {
        if self.ncols() != b.nrows() {
            shape_panic("dot", self.shape(), b.shape());
        }
        ndarray::linalg::Dot::dot(self, b)
    }

    /// `C = A·B`: `Ā += C̄·Bᵀ`, `B̄ += Aᵀ·C̄`, each one matrix product into the accumulator.
    fn dot_rev(
        &self,
        b: &ArrayBase<S2, Ix2>,
        seed: &Array2<F>,
        da: Option<&mut Adj<Array2<F>>>,
        db: Option<&mut Adj<Array2<F>>>,
    ) {
        if let Some(da) = da {
            add_product(da, seed, &b.t());
        }
        if let Some(db) = db {
            add_product(db, &self.t(), seed);
        }
    }
}

impl<F, S1, S2, D1, D2> super::ComponentMul<ArrayBase<S2, D2>> for ArrayBase<S1, D1>
where
    F: NdFloat,
    S1: Data<Elem = F>,
    S2: Data<Elem = F>,
    D1: Dimension + DimMax<D2>,
    D2: Dimension,
{
    type Out = Array<F, <D1 as DimMax<D2>>::Output>;

    fn component_mul_of(&self, b: &ArrayBase<S2, D2>) -> Self::Out {
        Binary::mul(self, b)
    }

    fn component_mul_rev(
        &self,
        b: &ArrayBase<S2, D2>,
        seed: &Self::Out,
        da: Option<&mut Adj<Array<F, D1>>>,
        db: Option<&mut Adj<Array<F, D2>>>,
    ) {
        Binary::mul_rev(self, b, seed, da, db)
    }
}

impl<F: NdFloat, S: Data<Elem = F>> super::Transpose for ArrayBase<S, Ix2> {
    type T = Array2<F>;

    fn transpose_of(&self) -> Array2<F> {
        self.t().to_owned()
    }

    fn transpose_rev(&self, seed: &Array2<F>, da: &mut Adj<Array2<F>>) {
        match &mut da.0 {
            Some(g) => *g += &seed.t(),
            None => da.0 = Some(seed.t().to_owned()),
        }
    }
}

impl<F: NdFloat, S: Data<Elem = F>> Shaped for ArrayBase<S, Ix2> {
    type Line = Array1<F>;

    #[track_caller]
    fn row_of(&self, i: usize) -> Array1<F> {
        if i >= self.nrows() {
            panic!("row: index {i} out of range for shape {:?}", self.shape());
        }
        self.row(i).to_owned()
    }

    fn row_rev(&self, i: usize, seed: &Array1<F>, da: &mut Adj<Array2<F>>) {
        let g = da.slot(|| self.zero_grad());
        let mut r = g.row_mut(i);
        r += seed;
    }

    #[track_caller]
    fn column_of(&self, j: usize) -> Array1<F> {
        if j >= self.ncols() {
            panic!(
                "column: index {j} out of range for shape {:?}",
                self.shape()
            );
        }
        self.column(j).to_owned()
    }

    fn column_rev(&self, j: usize, seed: &Array1<F>, da: &mut Adj<Array2<F>>) {
        let g = da.slot(|| self.zero_grad());
        let mut c = g.column_mut(j);
        c += seed;
    }

    fn nrows_of(&self) -> usize {
        self.nrows()
    }
}

impl<F: NdFloat, S: Data<Elem = F>> Indexed<usize> for ArrayBase<S, Ix1> {
    #[inline]
    #[track_caller]
    fn at(&self, i: &usize) -> F {
        self[*i]
    }

    #[inline]
    fn add_at(g: &mut Array1<F>, i: &usize, seed: F) {
        g[*i] += seed;
    }
}

impl<F: NdFloat, S: Data<Elem = F>> Indexed<[usize; 2]> for ArrayBase<S, Ix2> {
    #[inline]
    #[track_caller]
    fn at(&self, i: &[usize; 2]) -> F {
        self[*i]
    }

    #[inline]
    fn add_at(g: &mut Array2<F>, i: &[usize; 2], seed: F) {
        g[*i] += seed;
    }
}

impl<F: NdFloat, S: Data<Elem = F>> Indexed<(usize, usize)> for ArrayBase<S, Ix2> {
    #[inline]
    #[track_caller]
    fn at(&self, i: &(usize, usize)) -> F {
        self[*i]
    }

    #[inline]
    fn add_at(g: &mut Array2<F>, i: &(usize, usize), seed: F) {
        g[*i] += seed;
    }
}

impl<F: NdFloat, S: Data<Elem = F>> SumAxis<Axis> for ArrayBase<S, Ix2> {
    type Out = Array1<F>;

    #[track_caller]
    fn sum_axis_of(&self, axis: &Axis) -> Array1<F> {
        if axis.index() >= 2 {
            panic!(
                "sum_axis: axis {} of an array of shape {:?}",
                axis.index(),
                self.shape()
            );
        }
        self.sum_axis(*axis)
    }

    fn sum_axis_rev(&self, axis: &Axis, seed: &Array1<F>, da: &mut Adj<Array2<F>>) {
        let g = da.slot(|| self.zero_grad());
        let s = seed.view().insert_axis(*axis);
        *g += &s;
    }
}

impl<F: NdFloat, S: Data<Elem = F>> SumAxis<Axis> for ArrayBase<S, Ix1> {
    type Out = ndarray::Array0<F>;

    fn sum_axis_of(&self, axis: &Axis) -> ndarray::Array0<F> {
        self.sum_axis(*axis)
    }

    fn sum_axis_rev(&self, _axis: &Axis, seed: &ndarray::Array0<F>, da: &mut Adj<Array1<F>>) {
        let s = seed[()];
        da.add(self.mapv(|_| s));
    }
}

// `Differentiable` is not implemented for ndarray's arrays: with the trait in scope (the
// prelude), its method `dot` would be taken for ndarray's own on a `&Array2` receiver.
