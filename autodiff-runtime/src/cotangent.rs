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
