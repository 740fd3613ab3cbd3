//! Zeroing and accumulating cotangents of any shape.
//!
//! The macro sees types only as tokens: it does not know whether a parameter
//! is an `f64`, a `[f64; 3]` or a `Vec<[f32; 2]>`. It still has to create a
//! zero gradient of the right shape for every differentiable input and add
//! the contributions of every use of a variable into it. It does so through
//! this trait, generating for an input `x`
//!
//! ```
//! # use autodiff_runtime::Cotangent;
//! # let x = vec![1.0_f64, 2.0];
//! # let contribution = vec![0.5_f64, 0.25];
//! let mut x_bar = x.zero_like(); // same shape as `x`, all zeros
//! x_bar.add_from(&contribution); // once per use of `x`
//! # assert_eq!(x_bar, [0.5, 0.25]);
//! ```
//!
//! and letting the trait resolution pick the shape-aware implementation.
//!
//! [`Cotangent::zero_like`] returns `Self`, so it needs an owned value of the
//! gradient's own type. A parameter may instead be borrowed or unsized
//! (`&[f64]`, `&[[f32; 2]]`): [`ZeroGrad`] maps each differentiable
//! parameter type to its owned gradient type and makes the zero from the
//! parameter itself.

/// A value that can serve as a gradient: it has a zero of the same shape as a
/// given value, and gradients of the same shape can be added into it.
pub trait Cotangent {
    /// A zero of the same shape as `self` (same length, recursively).
    fn zero_like(&self) -> Self;

    /// Adds `other` into `self`, element by element.
    ///
    /// # Panics
    /// Implementations for dynamically sized containers panic if the shapes
    /// differ.
    fn add_from(&mut self, other: &Self);
}

impl Cotangent for f32 {
    #[inline]
    fn zero_like(&self) -> Self {
        0.0
    }

    #[inline]
    fn add_from(&mut self, other: &Self) {
        *self += *other;
    }
}

impl Cotangent for f64 {
    #[inline]
    fn zero_like(&self) -> Self {
        0.0
    }

    #[inline]
    fn add_from(&mut self, other: &Self) {
        *self += *other;
    }
}

impl<T: Cotangent, const N: usize> Cotangent for [T; N] {
    #[inline]
    fn zero_like(&self) -> Self {
        core::array::from_fn(|i| self[i].zero_like())
    }

    #[inline]
    fn add_from(&mut self, other: &Self) {
        for (acc, item) in self.iter_mut().zip(other) {
            acc.add_from(item);
        }
    }
}

impl<T: Cotangent> Cotangent for Vec<T> {
    #[inline]
    fn zero_like(&self) -> Self {
        self.iter().map(Cotangent::zero_like).collect()
    }

    /// # Panics
    /// If the lengths differ.
    #[inline]
    #[track_caller]
    fn add_from(&mut self, other: &Self) {
        if self.len() != other.len() {
            length_mismatch(self.len(), other.len());
        }
        for (acc, item) in self.iter_mut().zip(other) {
            acc.add_from(item);
        }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn length_mismatch(this: usize, other: usize) -> ! {
    panic!("Cotangent::add_from: cannot add a Vec of length {other} into a Vec of length {this}")
}

/// The gradient type of a differentiable parameter type, and a zero gradient
/// of the same shape as a given parameter.
///
/// Generated code writes, for every differentiable parameter `x` whatever its
/// type,
///
/// ```
/// # use autodiff_runtime::{rules, ZeroGrad};
/// # fn demo(x: &[f64], seed: f64) -> Vec<f64> {
/// let mut x_bar = ZeroGrad::zero_grad(&x); // `&[f64]` → `Vec<f64>` of zeros
/// rules::sum(seed, Some(&mut x_bar)); // rules add into it
/// x_bar // returned as the gradient of `x`
/// # }
/// # assert_eq!(demo(&[1.0, 2.0], 3.0), [3.0, 3.0]);
/// ```
///
/// and the trait resolution picks the type: the blanket impl for references
/// makes `ZeroGrad::zero_grad(&x)` work the same whether `x` is a `&[f64]`,
/// a `Vec<f64>` or a `[f64; 3]` (the gradient types being `Vec<f64>`,
/// `Vec<f64>` and `[f64; 3]`). Owned containers keep their type, slices
/// become `Vec`s, and the shape is copied recursively (each row of a
/// `Vec<Vec<F>>` its own length):
///
/// | parameter        | `Grad`           |
/// |------------------|------------------|
/// | `f32`, `f64`     | itself (`0.0`)   |
/// | `[T]`, `Vec<T>`  | `Vec<T::Grad>`   |
/// | `[T; N]`         | `[T::Grad; N]`   |
/// | `&T`             | `T::Grad`        |
///
/// so `[[F; N]]` → `Vec<[F; N]>`, `[[F; N]; M]` → `[[F; N]; M]`,
/// `[Vec<F>]` → `Vec<Vec<F>>`, and so on. The scalars are implemented for
/// `f32` and `f64` only (a blanket impl over `F: Float` would overlap with
/// the container impls), so code generic over `F: Float` cannot use this
/// trait.
pub trait ZeroGrad {
    /// The owned gradient type: same shape as `Self`, all floats.
    type Grad;

    /// A zero gradient of the same shape as `self`.
    fn zero_grad(&self) -> Self::Grad;
}

macro_rules! zero_grad_scalar {
    ($($f:ty),*) => {$(
        impl ZeroGrad for $f {
            type Grad = $f;

            #[inline]
            fn zero_grad(&self) -> $f {
                0.0
            }
        }
    )*};
}

zero_grad_scalar!(f32, f64);

impl<T: ZeroGrad> ZeroGrad for [T] {
    type Grad = Vec<T::Grad>;

    #[inline]
    fn zero_grad(&self) -> Self::Grad {
        self.iter().map(ZeroGrad::zero_grad).collect()
    }
}

impl<T: ZeroGrad> ZeroGrad for Vec<T> {
    type Grad = Vec<T::Grad>;

    #[inline]
    fn zero_grad(&self) -> Self::Grad {
        self.as_slice().zero_grad()
    }
}

impl<T: ZeroGrad, const N: usize> ZeroGrad for [T; N] {
    type Grad = [T::Grad; N];

    #[inline]
    fn zero_grad(&self) -> Self::Grad {
        core::array::from_fn(|i| self[i].zero_grad())
    }
}

impl<T: ZeroGrad + ?Sized> ZeroGrad for &T {
    type Grad = T::Grad;

    #[inline]
    fn zero_grad(&self) -> Self::Grad {
        (**self).zero_grad()
    }
}

#[cfg(test)]
mod tests {
    use super::Cotangent;

    #[test]
    fn scalars() {
        let x = 3.5_f64;
        let mut g = x.zero_like();
        assert_eq!(g, 0.0);
        g.add_from(&1.5);
        g.add_from(&2.0);
        assert_eq!(g, 3.5);

        let mut h = 7.0_f32.zero_like();
        h.add_from(&0.25);
        assert_eq!(h, 0.25);
    }

    #[test]
    fn arrays_and_nesting() {
        let x = [[1.0_f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let mut g = x.zero_like();
        assert_eq!(g, [[0.0; 2]; 3]);
        g.add_from(&x);
        g.add_from(&x);
        assert_eq!(g, [[2.0, 4.0], [6.0, 8.0], [10.0, 12.0]]);
    }

    #[test]
    fn vecs_keep_their_shape() {
        let x: Vec<Vec<f32>> = vec![vec![1.0], vec![2.0, 3.0], vec![]];
        let mut g = x.zero_like();
        assert_eq!(g, vec![vec![0.0], vec![0.0, 0.0], vec![]]);
        g.add_from(&x);
        assert_eq!(g, x);

        let v = vec![[1.0_f64, -1.0]; 2];
        let mut gv = v.zero_like();
        gv.add_from(&v);
        assert_eq!(gv, v);
    }

    #[test]
    #[should_panic(expected = "cannot add a Vec of length 2 into a Vec of length 3")]
    fn vec_length_mismatch_panics() {
        let mut g = vec![0.0_f64; 3];
        g.add_from(&vec![1.0, 2.0]);
    }
}

/// `dest += grad`, element by element, for every shape a gradient has: what generated code
/// uses to add a `custom_vjp` rule's gradient into a caller's destination.
pub trait Accumulate {
    /// Adds `grad` into `self`; panics, naming both lengths, when the shapes differ.
    fn accumulate(&mut self, grad: &Self);
}

macro_rules! accumulate_scalar {
    ($($t:ty),*) => {$(
        impl Accumulate for $t {
            #[inline]
            fn accumulate(&mut self, grad: &Self) {
                *self += *grad;
            }
        }
    )*};
}

accumulate_scalar!(f32, f64);

impl<T: Accumulate> Accumulate for [T] {
    #[track_caller]
    fn accumulate(&mut self, grad: &Self) {
        assert!(
            self.len() == grad.len(),
            "accumulate: the gradient has {} elements but the destination has {}",
            grad.len(),
            self.len()
        );
        for (d, g) in self.iter_mut().zip(grad) {
            d.accumulate(g);
        }
    }
}

impl<T: Accumulate, const N: usize> Accumulate for [T; N] {
    #[inline]
    fn accumulate(&mut self, grad: &Self) {
        for (d, g) in self.iter_mut().zip(grad) {
            d.accumulate(g);
        }
    }
}

impl<T: Accumulate> Accumulate for Vec<T> {
    #[track_caller]
    fn accumulate(&mut self, grad: &Self) {
        self.as_mut_slice().accumulate(grad.as_slice());
    }
}

#[cfg(test)]
mod accumulate_tests {
    use super::Accumulate;

    #[test]
    fn adds_every_shape() {
        let mut a = [1.0f64, 2.0];
        a.accumulate(&[0.5, 0.5]);
        assert_eq!(a, [1.5, 2.5]);
        let mut rows = vec![vec![1.0f32], vec![2.0, 3.0]];
        rows.accumulate(&vec![vec![1.0], vec![1.0, 1.0]]);
        assert_eq!(rows, vec![vec![2.0], vec![3.0, 4.0]]);
        let dest: &mut [f64] = &mut [0.0; 2];
        dest.accumulate(&[1.0, 2.0][..]);
        assert_eq!(dest, &[1.0, 2.0]);
    }

    #[test]
    #[should_panic(expected = "the gradient has 1 elements but the destination has 2")]
    fn different_lengths_panic() {
        let dest: &mut [f64] = &mut [0.0; 2];
        dest.accumulate(&[1.0][..]);
    }
}
