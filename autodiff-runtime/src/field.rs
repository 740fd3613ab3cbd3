//! [`Field`]: what `#[derive(Differentiable)]` asks of a field that carries a derivative.
//!
//! It is `Differentiable`'s operations under another name. Every `Differentiable` type has
//! them, and so do ndarray's owned arrays (feature `ndarray`), which do not implement
//! `Differentiable` itself: its `dot` would be picked before ndarray's own `dot` (defined
//! behind `Deref` since ndarray 0.17) wherever the prelude is in scope. This trait is never
//! in scope: derived code calls it by path, so a struct can hold an `Array2<f64>` field.

use crate::differentiable::Differentiable;
use num_traits::Float;

/// The operations a derived struct's `Differentiable` impl applies to each field.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `Differentiable`, so it cannot have a gradient",
    label = "not `Differentiable`",
    note = "derive it, `#[derive(Differentiable)]`, or implement `autodiff::Differentiable` for `{Self}`; or, for a field, mark it `#[no_derivative]`"
)]
pub trait Field: Clone {
    /// The float type of the values it holds.
    type Scalar: Float;
    /// [`Differentiable::zeros_like`].
    fn zeros_like(&self) -> Self;
    /// [`Differentiable::add_scaled`].
    fn add_scaled(&mut self, alpha: Self::Scalar, other: &Self);
    /// [`Differentiable::dot`].
    fn dot(&self, other: &Self) -> Self::Scalar;
    /// [`Differentiable::to_flat`].
    fn to_flat(&self) -> Vec<Self::Scalar>;
    /// [`Differentiable::from_flat`].
    #[allow(clippy::wrong_self_convention)]
    fn from_flat(&self, flat: &[Self::Scalar]) -> Self;
    /// How many floats [`to_flat`](Self::to_flat) gives.
    fn flat_len(&self) -> usize;
}

impl<T: Differentiable> Field for T {
    type Scalar = T::Scalar;
    #[inline]
    fn zeros_like(&self) -> Self {
        Differentiable::zeros_like(self)
    }
    #[inline]
    #[track_caller]
    fn add_scaled(&mut self, alpha: T::Scalar, other: &Self) {
        Differentiable::add_scaled(self, alpha, other)
    }
    #[inline]
    #[track_caller]
    fn dot(&self, other: &Self) -> T::Scalar {
        Differentiable::dot(self, other)
    }
    fn to_flat(&self) -> Vec<T::Scalar> {
        Differentiable::to_flat(self)
    }
    #[track_caller]
    fn from_flat(&self, flat: &[T::Scalar]) -> Self {
        Differentiable::from_flat(self, flat)
    }
    #[inline]
    fn flat_len(&self) -> usize {
        Differentiable::flat_len(self)
    }
}

/// An owned ndarray array of any dimension: its elements in logical (row-major) order; two
/// arrays of different shapes panic, naming both.
#[cfg(feature = "ndarray")]
impl<A: Float, D: ndarray::Dimension> Field for ndarray::Array<A, D> {
    type Scalar = A;
    fn zeros_like(&self) -> Self {
        ndarray::Array::zeros(self.raw_dim())
    }
    #[track_caller]
    fn add_scaled(&mut self, alpha: A, other: &Self) {
        same_shape("add_scaled", self.shape(), other.shape());
        self.zip_mut_with(other, |a, &b| *a = *a + alpha * b);
    }
    #[track_caller]
    fn dot(&self, other: &Self) -> A {
        same_shape("dot", self.shape(), other.shape());
        self.iter()
            .zip(other.iter())
            .fold(A::zero(), |acc, (&a, &b)| acc + a * b)
    }
    fn to_flat(&self) -> Vec<A> {
        self.iter().copied().collect()
    }
    #[track_caller]
    fn from_flat(&self, flat: &[A]) -> Self {
        crate::differentiable::check_flat_len(self.len(), flat.len());
        ndarray::Array::from_shape_vec(self.raw_dim(), flat.to_vec())
            .expect("a standard layout of the checked length")
    }
    fn flat_len(&self) -> usize {
        self.len()
    }
}

#[cfg(feature = "ndarray")]
#[track_caller]
fn same_shape(op: &str, a: &[usize], b: &[usize]) {
    if a != b {
        panic!("Differentiable::{op}: the shapes {a:?} and {b:?} do not fit");
    }
}
