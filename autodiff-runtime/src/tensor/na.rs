//! nalgebra's matrices and vectors as [`Tensor`] values: the statically sized `SMatrix`
//! (`Vector3`, `Matrix3`, `SVector<f64, N>`, ...) and the dynamic `DMatrix` and `DVector`,
//! of `f32` or `f64`. `*` of two matrices is the matrix product; of a matrix and a float,
//! the scaled matrix.

use super::{
    shape_panic, Acc, AddOp, Adj, AsTensor, ComponentMul, Cross, DivOp, Dot, Grad, Indexed, MulOp,
    SubOp, Tensor, ToScalar, Transpose,
};
use nalgebra::{DMatrix, DVector, SMatrix, SVector};

/// `acc += g`, or `acc = g` when it is empty.
#[inline]
fn put<G: Grad>(acc: Option<&mut Adj<G>>, g: impl FnOnce() -> G) {
    if let Some(acc) = acc {
        acc.add(g());
    }
}

macro_rules! common {
    ($f:ty, [$($gen:tt)*], $m:ty) => {
        impl<$($gen)*> Tensor for $m {
            type F = $f;
            type Grad = $m;
            type Acc = Adj<$m>;
            #[inline]
            fn zero_grad(&self) -> $m {
                self.map(|_| 0.0)
            }
            #[inline]
            fn to_grad(&self) -> $m {
                self.clone()
            }
            fn shape_of(&self) -> Vec<usize> {
                vec![self.nrows(), self.ncols()]
            }
            #[inline]
            fn map_to_grad(&self, f: impl Fn($f) -> $f) -> $m {
                self.map(f)
            }
            #[inline]
            fn zip3_to_grad(&self, y: &$m, s: &$m, f: impl Fn($f, $f, $f) -> $f) -> $m {
                same_shape("an elementwise rule", self, s);
                self.zip_zip_map(y, s, f)
            }
        }

        impl<$($gen)*> Grad for $m {
            #[inline]
            fn add_assign_grad(&mut self, other: &$m) {
                if self.shape() != other.shape() {
                    shape_panic("adding gradients", &self.shape_of(), &other.shape_of());
                }
                *self += other;
            }
            #[inline]
            fn map_elems(&self, f: impl Fn($f) -> $f) -> $m {
                self.map(f)
            }
            #[inline]
            fn zip_elems(&self, other: &$m, f: impl Fn($f, $f) -> $f) -> $m {
                self.zip_map(other, f)
            }
            #[inline]
            fn sum_elems(&self) -> $f {
                self.sum()
            }
            #[inline]
            fn count(&self) -> usize {
                self.len()
            }
        }

        /// A nalgebra value's floats in its storage order (column by column); shapes that
        /// differ panic with both. nalgebra's own `dot` is the same inner product.
        impl<$($gen)*> crate::Differentiable for $m {
            type Scalar = $f;
            fn zeros_like(&self) -> $m {
                self.map(|_| 0.0)
            }
            #[track_caller]
            fn add_scaled(&mut self, alpha: $f, other: &$m) {
                same_shape("Differentiable::add_scaled", self, other);
                self.zip_apply(other, |a, b| *a += alpha * b);
            }
            #[track_caller]
            fn dot(&self, other: &$m) -> $f {
                same_shape("Differentiable::dot", self, other);
                self.iter().zip(other.iter()).map(|(a, b)| a * b).sum()
            }
            fn to_flat(&self) -> Vec<$f> {
                self.as_slice().to_vec()
            }
            #[track_caller]
            fn from_flat(&self, flat: &[$f]) -> $m {
                crate::check_flat_len(self.len(), flat.len());
                let mut out = self.clone();
                out.copy_from_slice(flat);
                out
            }
            fn flat_len(&self) -> usize {
                self.len()
            }
        }

        impl<$($gen)*> AsTensor for $m {
            type T = $m;
            #[inline]
            fn tensor(&self) -> &$m {
                self
            }
        }

        impl<$($gen)*> AsTensor for &$m {
            type T = $m;
            #[inline]
            fn tensor(&self) -> &$m {
                self
            }
        }

        impl<$($gen)*> AddOp<$m> for $m {
            type Out = $m;
            #[track_caller]
            fn add_of(&self, b: &$m) -> $m {
                same_shape("add", self, b);
                self + b
            }
            fn add_rev_of(&self, _b: &$m, seed: &$m, da: Option<&mut Adj<$m>>, db: Option<&mut Adj<$m>>) {
                put(da, || seed.clone());
                put(db, || seed.clone());
            }
        }

        impl<$($gen)*> SubOp<$m> for $m {
            type Out = $m;
            #[track_caller]
            fn sub_of(&self, b: &$m) -> $m {
                same_shape("sub", self, b);
                self - b
            }
            fn sub_rev_of(&self, _b: &$m, seed: &$m, da: Option<&mut Adj<$m>>, db: Option<&mut Adj<$m>>) {
                put(da, || seed.clone());
                put(db, || -seed);
            }
        }

        impl<$($gen)*> ComponentMul<$m> for $m {
            type Out = $m;
            #[track_caller]
            fn component_mul_of(&self, b: &$m) -> $m {
                same_shape("component_mul", self, b);
                self.component_mul(b)
            }
            fn component_mul_rev(&self, b: &$m, seed: &$m, da: Option<&mut Adj<$m>>, db: Option<&mut Adj<$m>>) {
                put(da, || seed.component_mul(b));
                put(db, || seed.component_mul(self));
            }
        }

        impl<$($gen)*> Dot<$m> for $m {
            type Out = $f;
            #[track_caller]
            fn dot_of(&self, b: &$m) -> $f {
                same_shape("dot", self, b);
                self.dot(b)
            }
            /// `ā += ȳ·b`, `b̄ += ȳ·a`.
            fn dot_rev(&self, b: &$m, seed: &$f, da: Option<&mut Adj<$m>>, db: Option<&mut Adj<$m>>) {
                put(da, || b * *seed);
                put(db, || self * *seed);
            }
        }

        impl<$($gen)*> MulOp<$f> for $m {
            type Out = $m;
            fn mul_of(&self, b: &$f) -> $m {
                self * *b
            }
            fn mul_rev_of(&self, b: &$f, seed: &$m, da: Option<&mut Adj<$m>>, db: Option<&mut $f>) {
                put(da, || seed * *b);
                if let Some(db) = db {
                    *db += seed.dot(self);
                }
            }
        }

        impl<$($gen)*> MulOp<$m> for $f {
            type Out = $m;
            fn mul_of(&self, b: &$m) -> $m {
                b * *self
            }
            fn mul_rev_of(&self, b: &$m, seed: &$m, da: Option<&mut $f>, db: Option<&mut Adj<$m>>) {
                if let Some(da) = da {
                    *da += seed.dot(b);
                }
                put(db, || seed * *self);
            }
        }

        impl<$($gen)*> DivOp<$f> for $m {
            type Out = $m;
            fn div_of(&self, b: &$f) -> $m {
                self / *b
            }
            /// `ā += ȳ / s`, `s̄ −= (ȳ·a) / s²`.
            fn div_rev_of(&self, b: &$f, seed: &$m, da: Option<&mut Adj<$m>>, db: Option<&mut $f>) {
                put(da, || seed / *b);
                if let Some(db) = db {
                    *db -= seed.dot(self) / (*b * *b);
                }
            }
        }

        impl<$($gen)*> Indexed<usize> for $m {
            #[inline]
            #[track_caller]
            fn at(&self, i: &usize) -> $f {
                self[*i]
            }
            #[inline]
            fn add_at(g: &mut $m, i: &usize, seed: $f) {
                g[*i] += seed;
            }
        }

        impl<$($gen)*> Indexed<(usize, usize)> for $m {
            #[inline]
            #[track_caller]
            fn at(&self, i: &(usize, usize)) -> $f {
                self[*i]
            }
            #[inline]
            fn add_at(g: &mut $m, i: &(usize, usize), seed: $f) {
                g[*i] += seed;
            }
        }
    };
}

#[track_caller]
fn same_shape<T: Tensor>(op: &str, a: &T, b: &T) {
    let (sa, sb) = (a.shape_of(), b.shape_of());
    if sa != sb {
        shape_panic(op, &sa, &sb);
    }
}

macro_rules! for_float {
    ($($f:ty),*) => {$(
        common!($f, [const R: usize, const C: usize], SMatrix<$f, R, C>);
        common!($f, [], DMatrix<$f>);
        common!($f, [], DVector<$f>);

        /// The matrix product `Y = A·B`: `Ā += Ȳ·Bᵀ`, `B̄ += Aᵀ·Ȳ`.
        impl<const R: usize, const K: usize, const C: usize> MulOp<SMatrix<$f, K, C>> for SMatrix<$f, R, K> {
            type Out = SMatrix<$f, R, C>;
            fn mul_of(&self, b: &SMatrix<$f, K, C>) -> SMatrix<$f, R, C> {
                self * b
            }
            fn mul_rev_of(&self, b: &SMatrix<$f, K, C>, seed: &SMatrix<$f, R, C>, da: Option<&mut Adj<Self>>, db: Option<&mut Adj<SMatrix<$f, K, C>>>) {
                put(da, || seed * b.transpose());
                put(db, || self.tr_mul(seed));
            }
        }

        impl<const R: usize, const C: usize> Transpose for SMatrix<$f, R, C> {
            type T = SMatrix<$f, C, R>;
            fn transpose_of(&self) -> SMatrix<$f, C, R> {
                self.transpose()
            }
            fn transpose_rev(&self, seed: &SMatrix<$f, C, R>, da: &mut Adj<Self>) {
                da.add(seed.transpose());
            }
        }

        /// `y = a × b`: `ā += b × ȳ`, `b̄ += ȳ × a`.
        impl Cross<SVector<$f, 3>> for SVector<$f, 3> {
            type Out = SVector<$f, 3>;
            fn cross_of(&self, b: &SVector<$f, 3>) -> SVector<$f, 3> {
                self.cross(b)
            }
            fn cross_rev(&self, b: &SVector<$f, 3>, seed: &SVector<$f, 3>, da: Option<&mut Adj<Self>>, db: Option<&mut Adj<Self>>) {
                put(da, || b.cross(seed));
                put(db, || seed.cross(self));
            }
        }

        impl ToScalar for SMatrix<$f, 1, 1> {
            fn to_scalar(&self) -> $f {
                self[0]
            }
        }

        impl MulOp<DMatrix<$f>> for DMatrix<$f> {
            type Out = DMatrix<$f>;
            #[track_caller]
            fn mul_of(&self, b: &DMatrix<$f>) -> DMatrix<$f> {
                if self.ncols() != b.nrows() {
                    shape_panic("mul", &self.shape_of(), &b.shape_of());
                }
                self * b
            }
            fn mul_rev_of(&self, b: &DMatrix<$f>, seed: &DMatrix<$f>, da: Option<&mut Adj<Self>>, db: Option<&mut Adj<Self>>) {
                put(da, || seed * b.transpose());
                put(db, || self.tr_mul(seed));
            }
        }

        impl MulOp<DVector<$f>> for DMatrix<$f> {
            type Out = DVector<$f>;
            #[track_caller]
            fn mul_of(&self, b: &DVector<$f>) -> DVector<$f> {
                if self.ncols() != b.nrows() {
                    shape_panic("mul", &self.shape_of(), &b.shape_of());
                }
                self * b
            }
            /// `y = M·v`: `M̄ += ȳ·vᵀ`, `v̄ += Mᵀ·ȳ`.
            fn mul_rev_of(&self, b: &DVector<$f>, seed: &DVector<$f>, da: Option<&mut Adj<Self>>, db: Option<&mut Adj<DVector<$f>>>) {
                put(da, || seed * b.transpose());
                put(db, || self.tr_mul(seed));
            }
        }

        impl Transpose for DMatrix<$f> {
            type T = DMatrix<$f>;
            fn transpose_of(&self) -> DMatrix<$f> {
                self.transpose()
            }
            fn transpose_rev(&self, seed: &DMatrix<$f>, da: &mut Adj<Self>) {
                da.add(seed.transpose());
            }
        }
    )*};
}

for_float!(f32, f64);
