//! What generated code asks of the fields of a `Differentiable` struct it reads.
//!
//! `#[differentiable]` reads a field path such as `m.layers[l].b[k]` as a float and sends its
//! adjoint to the same path in the gradient, which has the struct's type. Two facts about
//! the path are the struct's, not the function's, so the transform asks rustc for them:
//!
//! - whether a derivative flows into a field ([`FieldDerivative`], implemented for every
//!   field by `#[derive(Differentiable)]`): a `#[no_derivative]` field gets no adjoint and
//!   has a zero tangent;
//! - whether a value read by code the transform does not differentiate holds no float
//!   ([`NoGradient`]): reading `m.hidden` in a range is fine, handing `m.w` to a function the
//!   transform cannot see would lose its gradient, and is refused.

use std::borrow::Cow;

/// Whether the field of `Self` whose name hashes to `H` carries a derivative.
/// `#[derive(Differentiable)]` implements it for every field; nothing else should.
#[diagnostic::on_unimplemented(
    message = "#[differentiable] reads a field of `{Self}`, which does not derive `Differentiable`",
    label = "this value's fields cannot be read by differentiable code",
    note = "add `#[derive(Differentiable)]` to `{Self}`; a type that implements `Differentiable` by hand can be passed whole to another #[differentiable] function or a `custom_vjp` rule, but its fields cannot be read"
)]
pub trait FieldDerivative<const H: u64> {
    /// True unless the field is `#[no_derivative]` or holds no float.
    const DERIVATIVE: bool;
}

impl<T: FieldDerivative<H> + ?Sized, const H: u64> FieldDerivative<H> for &T {
    const DERIVATIVE: bool = T::DERIVATIVE;
}

/// `S::DERIVATIVE` for the `S` the closure would return; the closure is never called, so
/// the place it names is never evaluated (no index is checked).
#[inline(always)]
pub fn field_derivative<'a, const H: u64, S, C>(_place: C) -> bool
where
    S: FieldDerivative<H> + ?Sized + 'a,
    C: FnOnce() -> &'a S,
{
    S::DERIVATIVE
}

/// A value that holds no float, which code the transform does not differentiate may read
/// freely: integers, `bool`, `char`, strings, and references, slices, arrays, `Vec`s,
/// `Option`s, `Box`es, ranges and tuples of those.
#[diagnostic::on_unimplemented(
    message = "`{Self}` may hold a float with a gradient, but this code is not differentiated, so its gradient would be lost",
    label = "read by code #[differentiable] cannot differentiate",
    note = "use its floats in arithmetic, indexing the elements (`m.w[i]`), or pass it to another #[differentiable] function; for a value that must stay data, mark the field `#[no_derivative]` and read its floats one by one, or leave the parameter out with `wrt(...)`"
)]
pub trait NoGradient {}

macro_rules! no_gradient {
    ($($t:ty),*) => { $(impl NoGradient for $t {})* };
}
no_gradient!(
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    bool,
    char,
    str,
    String,
    ()
);
impl<T: NoGradient + ?Sized> NoGradient for &T {}
impl<T: NoGradient> NoGradient for [T] {}
impl<T: NoGradient, const N: usize> NoGradient for [T; N] {}
impl<T: NoGradient> NoGradient for Vec<T> {}
impl<T: NoGradient> NoGradient for Option<T> {}
impl<T: NoGradient + ?Sized> NoGradient for Box<T> {}
impl<T: NoGradient> NoGradient for std::ops::Range<T> {}
impl<A: NoGradient, B: NoGradient> NoGradient for (A, B) {}
impl<A: NoGradient, B: NoGradient, C: NoGradient> NoGradient for (A, B, C) {}

/// The value itself, once rustc has checked it holds no float.
#[inline(always)]
pub fn no_gradient<T: NoGradient + ?Sized>(value: &T) -> &T {
    value
}

/// Nothing, once rustc has checked that `S` is `Differentiable`: a struct literal in
/// differentiable code is checked with it, in a branch that never runs.
#[inline(always)]
pub fn differentiable_value<S: crate::Differentiable>(_value: &S) {}

/// The tangent of a place, or a zero of its shape when no derivative flows into it
/// (`keep` is false: a `#[no_derivative]` field, whose tangent is zero whatever the value
/// passed for it).
#[inline(always)]
pub fn tangent_or_zero<T: crate::Differentiable>(keep: bool, tangent: &T) -> Cow<'_, T> {
    if keep {
        Cow::Borrowed(tangent)
    } else {
        Cow::Owned(tangent.zeros_like())
    }
}

/// [`tangent_or_zero`] for a slice of floats.
#[inline(always)]
pub fn tangent_slice_or_zero<F: num_traits::Float>(keep: bool, tangent: &[F]) -> Cow<'_, [F]> {
    if keep {
        Cow::Borrowed(tangent)
    } else {
        Cow::Owned(vec![F::zero(); tangent.len()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct S;
    impl FieldDerivative<7> for S {
        const DERIVATIVE: bool = false;
    }
    impl FieldDerivative<8> for S {
        const DERIVATIVE: bool = true;
    }

    #[test]
    fn asks_the_type_without_evaluating_the_place() {
        let v: Vec<S> = Vec::new();
        // `v[0]` would panic if it were evaluated.
        assert!(!field_derivative::<7, _, _>(|| &v[0]));
        assert!(field_derivative::<8, _, _>(|| &v[0]));
    }

    #[test]
    fn zero_tangent_when_no_derivative() {
        assert_eq!(*tangent_or_zero(false, &vec![1.0, 2.0]), vec![0.0, 0.0]);
        assert_eq!(*tangent_or_zero(true, &vec![1.0, 2.0]), vec![1.0, 2.0]);
        assert_eq!(*tangent_slice_or_zero(false, &[3.0_f32][..]), [0.0]);
        assert_eq!(*no_gradient(&vec![1_usize]), vec![1]);
    }
}
