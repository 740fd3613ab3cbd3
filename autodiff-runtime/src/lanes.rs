//! Several tangents carried through one forward sweep: the tangent type of `NAME_jvp_lanes`.
//!
//! `NAME_jvp(x, v)` gives one directional derivative `J·v` per sweep, and each sweep runs the
//! primal again. `NAME_jvp_lanes::<N>(x, V)` gives `N` of them from one sweep: every tangent
//! float becomes a [`Lanes<F, N>`], `N` tangents side by side, while the primal values, the
//! partial derivatives and the control flow are computed once. A tangent's arithmetic is
//! linear (sums of tangents, and tangents scaled by a partial), which is all `Lanes`
//! implements, and it runs lane by lane in straight loops that LLVM vectorises. A dense
//! Jacobian of `n` columns is `n` lanes (as JAX's `jacfwd`, which maps `jvp` over the columns).
//!
//! [`LaneShape`] gives the lanes of a value's shape: `f64` has `Lanes<f64, N>`, `Vec<f64>` a
//! `Vec<Lanes<f64, N>>`, `[[f64; 2]]` a `Vec<[Lanes<f64, N>; 2]>`, each of zeros.
//!
//! ```
//! use autodiff_runtime::Lanes;
//! let a = Lanes([1.0, 2.0, 3.0]);
//! let b = Lanes::splat(0.5);
//! assert_eq!(2.0 * a + b, Lanes([2.5, 4.5, 6.5]));
//! assert_eq!(-(a - b), Lanes([-0.5, -1.5, -2.5]));
//! ```

use num_traits::Float;
use std::ops::{Add, Div, Index, IndexMut, Mul, Neg, Sub};

/// `N` tangents of one float, side by side (see the [module documentation](self)).
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(transparent)]
pub struct Lanes<F, const N: usize>(pub [F; N]);

impl<F: Float, const N: usize> Lanes<F, N> {
    /// Every lane `value`.
    #[inline(always)]
    pub fn splat(value: F) -> Self {
        Lanes([value; N])
    }

    /// Every lane zero.
    #[inline(always)]
    pub fn zero() -> Self {
        Self::splat(F::zero())
    }

    /// Lane `i` from `f(i)`.
    #[inline]
    pub fn from_fn(f: impl FnMut(usize) -> F) -> Self {
        Lanes(std::array::from_fn(f))
    }

    /// The lanes as an array.
    #[inline(always)]
    pub fn into_array(self) -> [F; N] {
        self.0
    }

    /// Each lane in degrees: the tangent of `x.to_degrees()`, which is linear.
    #[inline(always)]
    pub fn to_degrees(self) -> Self {
        self.map(F::to_degrees)
    }

    /// Each lane in radians: the tangent of `x.to_radians()`, which is linear.
    #[inline(always)]
    pub fn to_radians(self) -> Self {
        self.map(F::to_radians)
    }

    /// `f` of each lane.
    #[inline(always)]
    fn map(mut self, f: impl Fn(F) -> F) -> Self {
        self.0.iter_mut().for_each(|a| *a = f(*a));
        self
    }

    /// `f` of each lane of `self` and the same lane of `other`.
    #[inline(always)]
    fn zip_with(mut self, other: Self, f: impl Fn(F, F) -> F) -> Self {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a = f(*a, b);
        }
        self
    }
}

impl<F: Float, const N: usize> Default for Lanes<F, N> {
    #[inline(always)]
    fn default() -> Self {
        Self::zero()
    }
}

impl<F, const N: usize> Index<usize> for Lanes<F, N> {
    type Output = F;
    #[inline(always)]
    fn index(&self, i: usize) -> &F {
        &self.0[i]
    }
}

impl<F, const N: usize> IndexMut<usize> for Lanes<F, N> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut F {
        &mut self.0[i]
    }
}

impl<F: Float, const N: usize> Add for Lanes<F, N> {
    type Output = Self;
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        self.zip_with(other, |a, b| a + b)
    }
}

impl<F: Float, const N: usize> Sub for Lanes<F, N> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        self.zip_with(other, |a, b| a - b)
    }
}

impl<F: Float, const N: usize> Neg for Lanes<F, N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|a| -a)
    }
}

/// A tangent scaled by a partial derivative, lane by lane.
impl<F: Float, const N: usize> Mul<F> for Lanes<F, N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, scale: F) -> Self {
        self.map(|a| a * scale)
    }
}

/// A tangent divided by a float, lane by lane (the tangent of `x / c` for `c` without one).
impl<F: Float, const N: usize> Div<F> for Lanes<F, N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, scale: F) -> Self {
        self.map(|a| a / scale)
    }
}

macro_rules! scale_from_the_left {
    ($($float:ty),*) => {$(
        /// A partial derivative times a tangent, lane by lane.
        impl<const N: usize> Mul<Lanes<$float, N>> for $float {
            type Output = Lanes<$float, N>;
            #[inline(always)]
            fn mul(self, lanes: Lanes<$float, N>) -> Lanes<$float, N> {
                lanes * self
            }
        }
    )*};
}

scale_from_the_left!(f64, f32);

/// The lanes of a value's shape: each float of it becomes a [`Lanes<F, N>`].
pub trait LaneShape<const N: usize> {
    /// The shape with [`Lanes`] for floats.
    type Lanes;
    /// Zeros of that shape, as long as `self` (rows as long as its rows).
    fn zero_lanes(&self) -> Self::Lanes;
}

macro_rules! float_lanes {
    ($($float:ty),*) => {$(
        impl<const N: usize> LaneShape<N> for $float {
            type Lanes = Lanes<$float, N>;
            #[inline(always)]
            fn zero_lanes(&self) -> Lanes<$float, N> {
                Lanes::zero()
            }
        }
    )*};
}

float_lanes!(f64, f32);

impl<T: LaneShape<N>, const N: usize> LaneShape<N> for [T] {
    type Lanes = Vec<T::Lanes>;
    fn zero_lanes(&self) -> Self::Lanes {
        self.iter().map(T::zero_lanes).collect()
    }
}

impl<T: LaneShape<N>, const N: usize> LaneShape<N> for Vec<T> {
    type Lanes = Vec<T::Lanes>;
    fn zero_lanes(&self) -> Self::Lanes {
        self.iter().map(T::zero_lanes).collect()
    }
}

impl<T: LaneShape<N>, const M: usize, const N: usize> LaneShape<N> for [T; M] {
    type Lanes = [T::Lanes; M];
    fn zero_lanes(&self) -> Self::Lanes {
        std::array::from_fn(|i| self[i].zero_lanes())
    }
}

impl<T: LaneShape<N> + ?Sized, const N: usize> LaneShape<N> for &T {
    type Lanes = T::Lanes;
    #[inline(always)]
    fn zero_lanes(&self) -> Self::Lanes {
        (**self).zero_lanes()
    }
}

impl<T: LaneShape<N> + ?Sized, const N: usize> LaneShape<N> for &mut T {
    type Lanes = T::Lanes;
    #[inline(always)]
    fn zero_lanes(&self) -> Self::Lanes {
        (**self).zero_lanes()
    }
}

/// `Σᵢ aᵢ·ḃᵢ`, lane by lane: the tangent of `dot(a, b)` along `ḃ`, each lane summed in the
/// order `dot` sums (so each lane is what `dot(a, ḃ_lane)` gives).
///
/// # Panics
/// When `a` and `b` differ in length.
#[doc(hidden)]
#[inline]
pub fn lanes_dot<F: Float, const N: usize>(a: &[F], b: &[Lanes<F, N>]) -> Lanes<F, N> {
    crate::primal::check_len("dot", "a", a.len(), "b", b.len());
    a.iter()
        .zip(b)
        .fold(Lanes::zero(), |acc, (&x, &y)| acc + y * x)
}

/// `Σᵢ vᵢ`, lane by lane, in the order `sum` adds.
#[doc(hidden)]
#[inline]
pub fn lanes_sum<F: Float, const N: usize>(v: &[Lanes<F, N>]) -> Lanes<F, N> {
    v.iter().fold(Lanes::zero(), |acc, &x| acc + x)
}

/// `(Σᵢ vᵢ)/n`, lane by lane, as `mean` computes it.
#[doc(hidden)]
#[inline]
pub fn lanes_mean<F: Float, const N: usize>(v: &[Lanes<F, N>]) -> Lanes<F, N> {
    lanes_sum(v) / crate::primal::len_as::<F>(v.len())
}

/// Zeros of the lanes of `x`'s shape (what generated code calls).
#[doc(hidden)]
#[inline(always)]
pub fn zero_lanes<T: LaneShape<N> + ?Sized, const N: usize>(x: &T) -> T::Lanes {
    x.zero_lanes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_lane_by_lane() {
        let a = Lanes([1.0, -2.0, 4.0]);
        let b = Lanes([0.5, 0.25, -1.0]);
        assert_eq!(a + b, Lanes([1.5, -1.75, 3.0]));
        assert_eq!(a - b, Lanes([0.5, -2.25, 5.0]));
        assert_eq!(-a, Lanes([-1.0, 2.0, -4.0]));
        assert_eq!(a * 2.0, Lanes([2.0, -4.0, 8.0]));
        assert_eq!(3.0f64 * a, Lanes([3.0, -6.0, 12.0]));
        assert_eq!(2.0f32 * Lanes([1.0f32, 2.0]), Lanes([2.0, 4.0]));
        assert_eq!(Lanes::<f64, 2>::default(), Lanes([0.0, 0.0]));
        assert_eq!(Lanes::<f64, 3>::from_fn(|i| i as f64)[2], 2.0);
        assert_eq!(
            Lanes([1.0, -0.5]).to_degrees(),
            Lanes([1.0f64.to_degrees(), (-0.5f64).to_degrees()])
        );
        assert_eq!(
            Lanes([90.0, 1.0]).to_radians(),
            Lanes([90.0f64.to_radians(), 1.0f64.to_radians()])
        );
    }

    #[test]
    fn reductions_give_each_lane_what_the_scalar_reduction_gives() {
        let a = [0.1, -2.5, 3.0e10, 7.0];
        let lanes = [
            Lanes([1.0, 0.3]),
            Lanes([-0.7, 1.0e-8]),
            Lanes([2.0, -1.0]),
            Lanes([0.125, 9.0]),
        ];
        for k in 0..2 {
            let lane: Vec<f64> = lanes.iter().map(|l| l[k]).collect();
            assert_eq!(lanes_dot(&a, &lanes)[k], crate::dot(&a, &lane));
            assert_eq!(lanes_sum(&lanes)[k], crate::sum(&lane));
            assert_eq!(lanes_mean(&lanes)[k], crate::mean(&lane));
        }
        assert!(lanes_mean::<f64, 3>(&[])[0].is_nan());
        assert_eq!(Lanes([3.0, -1.5]) / 2.0, Lanes([1.5, -0.75]));
    }

    #[test]
    #[should_panic(expected = "dot: the slices have different lengths (a: 2, b: 1)")]
    fn lanes_dot_of_mismatched_lengths_panics() {
        lanes_dot(&[1.0, 2.0], &[Lanes([1.0])]);
    }

    #[test]
    fn nan_and_infinity_propagate_lane_by_lane() {
        let a = Lanes([f64::NAN, 1.0, f64::INFINITY]);
        let s = a * 2.0;
        assert!(s[0].is_nan());
        assert_eq!((s[1], s[2]), (2.0, f64::INFINITY));
    }

    #[test]
    fn zeros_take_the_shape_of_the_value() {
        let v: Vec<Lanes<f64, 2>> = zero_lanes(&vec![1.0, 2.0, 3.0]);
        assert_eq!(v, vec![Lanes([0.0; 2]); 3]);
        let rows: Vec<Vec<Lanes<f64, 2>>> = zero_lanes(&vec![vec![1.0], vec![2.0, 3.0]]);
        assert_eq!(rows.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2]);
        let pairs: &[[f64; 2]] = &[[1.0, 2.0]];
        let p: Vec<[Lanes<f64, 4>; 2]> = zero_lanes(&pairs);
        assert_eq!(p, vec![[Lanes([0.0; 4]); 2]]);
        let x: Lanes<f32, 3> = zero_lanes(&1.5f32);
        assert_eq!(x, Lanes([0.0; 3]));
    }
}
