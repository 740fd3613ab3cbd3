//! How generated code passes tangents from one `#[differentiable]` function to another.
//!
//! A caller cannot see its callee's parameter types: it does not know whether `d.shift` is a
//! float or `d.k` an integer. So the callee's rules take one tangent *slot* per parameter,
//! whatever its type, and the caller fills each slot with [`Tan`] (the argument's tangent)
//! or [`NoTangent`] (none: an argument the caller does not differentiate, whose tangent is
//! zero). The callee reads a slot with [`TangentArg::tangent`] and takes a zero of the
//! parameter's shape for `None`.

/// The tangent of an argument.
#[derive(Clone, Copy, Debug)]
pub struct Tan<T>(pub T);

/// No tangent for this argument: zero, or none at all for a parameter without a derivative.
#[derive(Clone, Copy, Debug)]
pub struct NoTangent;

/// A tangent slot of type `T`: [`Tan<T>`] or [`NoTangent`].
pub trait TangentArg<T> {
    /// The tangent, or `None` for zero.
    fn tangent(self) -> Option<T>;
}

impl<T, V: IntoTangent<T>> TangentArg<T> for Tan<V> {
    #[inline(always)]
    fn tangent(self) -> Option<T> {
        Some(self.0.into_tangent())
    }
}

/// A tangent as the caller has it, given as the parameter's type: itself, or a borrowed
/// `Vec`, array or slice reference as a slice, the coercions a call of the primal makes.
pub trait IntoTangent<T> {
    /// The tangent, as `T`.
    fn into_tangent(self) -> T;
}

impl<T> IntoTangent<T> for T {
    #[inline(always)]
    fn into_tangent(self) -> T {
        self
    }
}

impl<'a, E> IntoTangent<&'a [E]> for &'a Vec<E> {
    #[inline(always)]
    fn into_tangent(self) -> &'a [E] {
        self
    }
}

impl<'a, E, const N: usize> IntoTangent<&'a [E]> for &'a [E; N] {
    #[inline(always)]
    fn into_tangent(self) -> &'a [E] {
        self
    }
}

impl<'a, E> IntoTangent<&'a [E]> for &'a &[E] {
    #[inline(always)]
    fn into_tangent(self) -> &'a [E] {
        self
    }
}

impl<'a, E> IntoTangent<&'a Vec<E>> for &'a &Vec<E> {
    #[inline(always)]
    fn into_tangent(self) -> &'a Vec<E> {
        self
    }
}

impl<T> TangentArg<T> for NoTangent {
    #[inline(always)]
    fn tangent(self) -> Option<T> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<S: TangentArg<f64>>(slot: S) -> f64 {
        slot.tangent().unwrap_or(0.0)
    }

    #[test]
    fn a_slot_holds_a_tangent_or_none() {
        assert_eq!(read(Tan(2.5)), 2.5);
        assert_eq!(read(NoTangent), 0.0);
        let slice: Option<&[f64]> = Tan(&[1.0, 2.0][..]).tangent();
        assert_eq!(slice, Some(&[1.0, 2.0][..]));
        // The coercions a call makes: a borrowed Vec or array, a reference to a slice.
        let v = vec![3.0, 4.0];
        let from_vec: Option<&[f64]> = Tan(&v).tangent();
        let from_array: Option<&[f64]> = Tan(&[3.0, 4.0]).tangent();
        let s: &[f64] = &v;
        let from_ref: Option<&[f64]> = Tan(&s).tangent();
        assert_eq!(
            (from_vec, from_array, from_ref),
            (Some(s), Some(s), Some(s))
        );
    }
}
