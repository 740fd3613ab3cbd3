//! Small constants of any float type, computed exactly in it rather than converted from `f64`
//! literals: shared by the reverse rules and the dual numbers.

use num_traits::Float;

#[inline]
pub(crate) fn two<F: Float>() -> F {
    F::one() + F::one()
}

#[inline]
pub(crate) fn ln_2<F: Float>() -> F {
    two::<F>().ln()
}

#[inline]
pub(crate) fn ln_10<F: Float>() -> F {
    // 10 = (2 + 2 + 1)·2, exact in every binary floating-point format.
    let two = two::<F>();
    ((two + two + F::one()) * two).ln()
}

/// `value` in the float type `F`, for constants in generated code of a function generic over
/// its float (the forward mode's partial derivatives: `0.5`, `ln 2`, ...). A value `F` cannot
/// represent becomes NaN, so this never panics.
#[doc(hidden)]
#[inline]
pub fn constant<F: Float>(value: f64) -> F {
    F::from(value).unwrap_or_else(F::nan)
}
