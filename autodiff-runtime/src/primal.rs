//! Primal free functions that users may call inside differentiable code.
//!
//! The scalar ones compute exactly what the corresponding [`Float`] methods
//! compute; the slice primitives ([`dot`], [`sum`], [`softmax`], …, defined
//! in `primal/reduce.rs`) are the usual reductions, computed stably. The
//! macro recognises them by name and differentiates them with the matching
//! rule of [`crate::rules`].

use num_traits::Float;

mod reduce;

pub use reduce::*;

/// Natural exponential `eˣ`.
#[inline]
pub fn exp<F: Float>(x: F) -> F {
    x.exp()
}

/// Natural logarithm `ln x`.
#[inline]
pub fn ln<F: Float>(x: F) -> F {
    x.ln()
}

/// Natural logarithm `ln x` (same as [`ln`], spelled as in numpy).
#[inline]
pub fn log<F: Float>(x: F) -> F {
    x.ln()
}

/// Base-10 logarithm `log₁₀ x`.
#[inline]
pub fn log10<F: Float>(x: F) -> F {
    x.log10()
}

/// Base-2 logarithm `log₂ x`.
#[inline]
pub fn log2<F: Float>(x: F) -> F {
    x.log2()
}

/// Square root `√x`.
#[inline]
pub fn sqrt<F: Float>(x: F) -> F {
    x.sqrt()
}

/// Sine.
#[inline]
pub fn sin<F: Float>(x: F) -> F {
    x.sin()
}

/// Cosine.
#[inline]
pub fn cos<F: Float>(x: F) -> F {
    x.cos()
}

/// Tangent.
#[inline]
pub fn tan<F: Float>(x: F) -> F {
    x.tan()
}

/// Hyperbolic sine.
#[inline]
pub fn sinh<F: Float>(x: F) -> F {
    x.sinh()
}

/// Hyperbolic cosine.
#[inline]
pub fn cosh<F: Float>(x: F) -> F {
    x.cosh()
}

/// Hyperbolic tangent.
#[inline]
pub fn tanh<F: Float>(x: F) -> F {
    x.tanh()
}

/// Absolute value `|x|`.
#[inline]
pub fn abs<F: Float>(x: F) -> F {
    x.abs()
}

/// `base` raised to the real power `exponent`, i.e. `base.powf(exponent)`.
#[inline]
pub fn pow<F: Float>(base: F, exponent: F) -> F {
    base.powf(exponent)
}

/// Integer power `xⁿ`, i.e. `x.powi(n)`.
#[inline]
pub fn powi<F: Float>(x: F, n: i32) -> F {
    x.powi(n)
}

/// Maximum of two values, `a.max(b)` (a NaN argument is ignored).
#[inline]
pub fn max<F: Float>(a: F, b: F) -> F {
    a.max(b)
}

/// Minimum of two values, `a.min(b)` (a NaN argument is ignored).
#[inline]
pub fn min<F: Float>(a: F, b: F) -> F {
    a.min(b)
}

/// Identity on values; the macro stops the gradient here (the cotangent of
/// `x` receives nothing from this use of it).
#[inline]
pub fn stop_gradient<F: Float>(x: F) -> F {
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primal_functions_match_float_methods() {
        let x = 0.7_f64;
        assert_eq!(exp(x), x.exp());
        assert_eq!(ln(x), x.ln());
        assert_eq!(log(x), x.ln());
        assert_eq!(log10(x), x.log10());
        assert_eq!(log2(x), x.log2());
        assert_eq!(sqrt(x), x.sqrt());
        assert_eq!(sin(x), x.sin());
        assert_eq!(cos(x), x.cos());
        assert_eq!(tan(x), x.tan());
        assert_eq!(sinh(x), x.sinh());
        assert_eq!(cosh(x), x.cosh());
        assert_eq!(tanh(x), x.tanh());
        assert_eq!(abs(-x), x);
        assert_eq!(pow(x, 1.5), x.powf(1.5));
        assert_eq!(powi(x, 3), x.powi(3));
        assert_eq!(max(x, 2.0), 2.0);
        assert_eq!(min(x, 2.0), x);
        assert_eq!(max(f64::NAN, x), x);
        assert_eq!(stop_gradient(x), x);
        assert_eq!(exp(1.0_f32), 1.0_f32.exp());
    }
}
