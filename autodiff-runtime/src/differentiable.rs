//! [`Differentiable`]: the values a gradient can be taken with respect to.
//!
//! A parameter of a `#[differentiable]` function gets a gradient when its type is one of the
//! float shapes the transform reads (`F`, `[F; N]`, `&[F]`, `Vec<F>`, `&[[F; N]]`, ...) or
//! implements this trait. A parameter whose type visibly holds no float (integers, `bool`,
//! `&str`, and containers of those) is passed through; every other one must implement
//! `Differentiable`, or be left out with `wrt(...)`. The generated code asks rustc, so a type
//! that does not implement it is a compile error on the parameter, never a gradient dropped
//! without a word.
//!
//! The trait is also what optimisers and checks need of a parameter value: a zero of its
//! shape, an update `self += α·other`, an inner product, and a flat view of its floats.

use num_traits::Float;

/// A value with a gradient of its own type: the floats it holds, in a fixed order, and
/// the vector-space operations an optimiser needs on them.
///
/// Implemented for `f32`, `f64`, and arrays and `Vec`s of `Differentiable` values (so
/// `[f64; 3]`, `Vec<f64>`, `Vec<[f32; 2]>` and `Vec<Vec<f64>>`). The gradient of a parameter
/// of type `S` or `&S` has the type `S`.
///
/// ```
/// use autodiff_runtime::Differentiable;
///
/// let mut w = vec![[1.0_f64, 2.0], [3.0, 4.0]];
/// let g = vec![[0.5, 0.5], [1.0, -1.0]];
/// w.add_scaled(-0.1, &g); // one step of gradient descent
/// assert_eq!(w.to_flat(), [0.95, 1.95, 2.9, 4.1]);
/// assert_eq!(g.dot(&g), 2.5);
/// assert_eq!(w.zeros_like(), vec![[0.0; 2]; 2]);
/// assert_eq!(w.from_flat(&[1.0, 2.0, 3.0, 4.0]), vec![[1.0, 2.0], [3.0, 4.0]]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `Differentiable`, so it cannot have a gradient",
    label = "not `Differentiable`",
    note = "derive it, `#[derive(Differentiable)]`, or implement `autodiff::Differentiable` for `{Self}`; or, for a parameter, name the differentiable parameters in `#[differentiable(wrt(...))]` to pass this one through as data; for a field, mark it `#[no_derivative]`"
)]
pub trait Differentiable: Clone {
    /// The float type of the values it holds.
    type Scalar: Float;

    /// A zero gradient of this value's shape (same lengths, recursively).
    fn zeros_like(&self) -> Self;

    /// `self += alpha · other`, float by float.
    ///
    /// # Panics
    /// If the shapes differ (a `Vec` of another length), naming both lengths.
    fn add_scaled(&mut self, alpha: Self::Scalar, other: &Self);

    /// `Σ selfᵢ · otherᵢ` over every float.
    ///
    /// # Panics
    /// If the shapes differ, naming both lengths.
    fn dot(&self, other: &Self) -> Self::Scalar;

    /// Every float, in order (element by element, row by row).
    fn to_flat(&self) -> Vec<Self::Scalar>;

    /// A value of this value's shape, filled from `flat` in the order of [`to_flat`](Self::to_flat).
    ///
    /// # Panics
    /// If `flat` does not hold exactly [`to_flat`](Self::to_flat)`().len()` floats.
    // `self` gives the shape (a `Vec`'s lengths), which the type alone does not.
    #[allow(clippy::wrong_self_convention)]
    fn from_flat(&self, flat: &[Self::Scalar]) -> Self;

    /// How many floats [`to_flat`](Self::to_flat) gives; containers use it to split a flat
    /// slice among their elements.
    #[doc(hidden)]
    fn flat_len(&self) -> usize {
        self.to_flat().len()
    }
}

macro_rules! differentiable_float {
    ($($f:ty),*) => {$(
        impl Differentiable for $f {
            type Scalar = $f;

            #[inline]
            fn zeros_like(&self) -> Self {
                0.0
            }

            #[inline]
            fn add_scaled(&mut self, alpha: $f, other: &Self) {
                *self += alpha * *other;
            }

            #[inline]
            fn dot(&self, other: &Self) -> $f {
                *self * *other
            }

            fn to_flat(&self) -> Vec<$f> {
                vec![*self]
            }

            #[track_caller]
            fn from_flat(&self, flat: &[$f]) -> Self {
                check_flat_len(1, flat.len());
                flat[0]
            }

            #[inline]
            fn flat_len(&self) -> usize {
                1
            }
        }
    )*};
}

differentiable_float!(f32, f64);

impl<T: Differentiable, const N: usize> Differentiable for [T; N] {
    type Scalar = T::Scalar;

    fn zeros_like(&self) -> Self {
        core::array::from_fn(|i| self[i].zeros_like())
    }

    fn add_scaled(&mut self, alpha: T::Scalar, other: &Self) {
        for (a, b) in self.iter_mut().zip(other) {
            a.add_scaled(alpha, b);
        }
    }

    fn dot(&self, other: &Self) -> T::Scalar {
        dot_items(self, other)
    }

    fn to_flat(&self) -> Vec<T::Scalar> {
        flat_of_items(self)
    }

    #[track_caller]
    fn from_flat(&self, flat: &[T::Scalar]) -> Self {
        check_flat_len(self.flat_len(), flat.len());
        let mut rest = flat;
        core::array::from_fn(|i| take_flat(&self[i], &mut rest))
    }

    fn flat_len(&self) -> usize {
        flat_len_of_items(self)
    }
}

impl<T: Differentiable> Differentiable for Vec<T> {
    type Scalar = T::Scalar;

    fn zeros_like(&self) -> Self {
        self.iter().map(Differentiable::zeros_like).collect()
    }

    #[track_caller]
    fn add_scaled(&mut self, alpha: T::Scalar, other: &Self) {
        if self.len() != other.len() {
            length_mismatch("add_scaled", self.len(), other.len());
        }
        for (a, b) in self.iter_mut().zip(other) {
            a.add_scaled(alpha, b);
        }
    }

    #[track_caller]
    fn dot(&self, other: &Self) -> T::Scalar {
        if self.len() != other.len() {
            length_mismatch("dot", self.len(), other.len());
        }
        dot_items(self, other)
    }

    fn to_flat(&self) -> Vec<T::Scalar> {
        flat_of_items(self)
    }

    #[track_caller]
    fn from_flat(&self, flat: &[T::Scalar]) -> Self {
        check_flat_len(self.flat_len(), flat.len());
        let mut rest = flat;
        self.iter().map(|item| take_flat(item, &mut rest)).collect()
    }

    fn flat_len(&self) -> usize {
        flat_len_of_items(self)
    }
}

/// An optional value: the gradient of an `Option<F>` or `Option<S>` parameter has the same
/// shape, `None` where the argument was `None`. Operations between a `Some` and a `None`
/// panic, naming the operation, as between vectors of different lengths.
impl<T: Differentiable> Differentiable for Option<T> {
    type Scalar = T::Scalar;

    fn zeros_like(&self) -> Self {
        self.as_ref().map(Differentiable::zeros_like)
    }

    #[track_caller]
    fn add_scaled(&mut self, alpha: T::Scalar, other: &Self) {
        match (self, other) {
            (Some(a), Some(b)) => a.add_scaled(alpha, b),
            (None, None) => {}
            (a, b) => option_mismatch("add_scaled", a.is_some(), b.is_some()),
        }
    }

    #[track_caller]
    fn dot(&self, other: &Self) -> T::Scalar {
        match (self, other) {
            (Some(a), Some(b)) => a.dot(b),
            (None, None) => <T::Scalar as num_traits::Zero>::zero(),
            (a, b) => option_mismatch("dot", a.is_some(), b.is_some()),
        }
    }

    fn to_flat(&self) -> Vec<T::Scalar> {
        self.as_ref()
            .map(Differentiable::to_flat)
            .unwrap_or_default()
    }

    #[track_caller]
    fn from_flat(&self, flat: &[T::Scalar]) -> Self {
        check_flat_len(self.flat_len(), flat.len());
        self.as_ref().map(|item| item.from_flat(flat))
    }

    fn flat_len(&self) -> usize {
        self.as_ref().map_or(0, Differentiable::flat_len)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn option_mismatch(op: &str, this: bool, other: bool) -> ! {
    let shape = |some: bool| if some { "Some" } else { "None" };
    panic!(
        "Differentiable::{op}: one value is {} and the other {}",
        shape(this),
        shape(other)
    )
}

/// The floats of `items`, one after the other (a container's `to_flat`).
fn flat_of_items<T: Differentiable>(items: &[T]) -> Vec<T::Scalar> {
    items.iter().flat_map(Differentiable::to_flat).collect()
}

/// How many floats `items` hold (a container's `flat_len`).
fn flat_len_of_items<T: Differentiable>(items: &[T]) -> usize {
    items.iter().map(Differentiable::flat_len).sum()
}

fn dot_items<T: Differentiable>(a: &[T], b: &[T]) -> T::Scalar {
    a.iter()
        .zip(b)
        .fold(<T::Scalar as num_traits::Zero>::zero(), |acc, (x, y)| {
            acc + x.dot(y)
        })
}

/// The value of `item`'s shape made of the first floats of `rest`, which it moves past them
/// (what a container's or a derived struct's `from_flat` does for each part).
#[doc(hidden)]
pub fn take_flat<T: crate::field::Field>(item: &T, rest: &mut &[T::Scalar]) -> T {
    let (head, tail) = rest.split_at(item.flat_len());
    *rest = tail;
    item.from_flat(head)
}

/// Panics, naming both lengths, unless a flat slice of `got` floats fills a value of
/// `expected` floats (what `from_flat` checks).
#[doc(hidden)]
#[track_caller]
pub fn check_flat_len(expected: usize, got: usize) {
    if expected != got {
        flat_len_mismatch(expected, got);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn flat_len_mismatch(expected: usize, got: usize) -> ! {
    panic!("Differentiable::from_flat: this value holds {expected} floats but the slice has {got}")
}

#[cold]
#[inline(never)]
#[track_caller]
fn length_mismatch(op: &str, this: usize, other: usize) -> ! {
    panic!("Differentiable::{op}: the values have different lengths, {this} and {other}")
}

/// Implemented by nothing: the first parameter of the stub `NAME_hvp` that
/// `#[differentiable]` emits without the `second-order` feature must implement it, so that a
/// call of `NAME_hvp` is a compile error with this message.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`_hvp` and `_grad_and_hvp` are not generated: they need the `second-order` feature of `autodiff`",
    label = "called here",
    note = "the feature is on by default; turn it back on with `autodiff = {{ ..., features = [\"second-order\"] }}` (or keep the default features)"
)]
pub trait SecondOrder {}

/// Implemented by nothing: the bound of `NAME_hvp` for a function whose body calls a
/// generated derivative (nested differentiation), which would need third derivatives.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`_hvp` and `_grad_and_hvp` are not generated for a function that calls a generated derivative (`f_grad`, `f_value_and_grad`, `f_jvp`)",
    label = "called here",
    note = "its Hessian would need third derivatives of the function whose derivative it calls; use `_jvp` or `_grad` of this function, which differentiate through that call"
)]
pub trait ThirdOrder {}

/// Implemented by nothing: `Lanes<F, N>: NoLanes` bounds `NAME_jvp_lanes` of a function whose
/// forward mode lanes do not carry (see the rustdoc of that `NAME_jvp_lanes`), so that a call
/// is a compile error that says why.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`_jvp_lanes` is not generated for this function",
    label = "called here",
    note = "`_jvp_lanes` needs parameters that are floats, arrays, slices or vectors of them, or data; a value of floats; and a body whose forward mode meets no ndarray or nalgebra value and no generated derivative (`f_grad`, `f_jvp`); the rustdoc of this function's `_jvp_lanes` says which it has; `_jvp` gives the same derivatives one direction at a time"
)]
pub trait NoLanes {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_and_nested_containers() {
        let x = vec![vec![1.0_f32, 2.0], vec![3.0]];
        assert_eq!(x.flat_len(), 3);
        assert_eq!(x.to_flat(), [1.0, 2.0, 3.0]);
        assert_eq!(
            x.from_flat(&[4.0, 5.0, 6.0]),
            vec![vec![4.0, 5.0], vec![6.0]]
        );
        assert_eq!(x.dot(&x), 14.0);
        let mut y = x.zeros_like();
        assert_eq!(y, vec![vec![0.0, 0.0], vec![0.0]]);
        y.add_scaled(2.0, &x);
        assert_eq!(y, vec![vec![2.0, 4.0], vec![6.0]]);
        let mut s = 1.5_f64;
        s.add_scaled(-2.0, &0.25);
        assert_eq!((s, s.dot(&2.0), s.to_flat()), (1.0, 2.0, vec![1.0]));
    }

    #[test]
    fn nan_propagates() {
        let mut v = vec![1.0_f64, f64::NAN];
        v.add_scaled(1.0, &vec![f64::INFINITY, 0.0]);
        assert!(v[0].is_infinite() && v[1].is_nan());
        assert!(v.dot(&v).is_nan());
    }

    #[test]
    #[should_panic(
        expected = "Differentiable::add_scaled: the values have different lengths, 2 and 3"
    )]
    fn add_scaled_of_other_length_panics() {
        vec![1.0_f64, 2.0].add_scaled(1.0, &vec![1.0, 2.0, 3.0]);
    }

    #[test]
    #[should_panic(expected = "Differentiable::dot: the values have different lengths, 1 and 0")]
    fn dot_of_other_length_panics() {
        let _ = vec![1.0_f64].dot(&vec![]);
    }

    #[test]
    #[should_panic(
        expected = "Differentiable::from_flat: this value holds 4 floats but the slice has 3"
    )]
    fn from_flat_of_other_length_panics() {
        let _ = [[0.0_f64; 2]; 2].from_flat(&[1.0, 2.0, 3.0]);
    }
}
