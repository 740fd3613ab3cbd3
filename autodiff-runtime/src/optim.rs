//! Optimisers over any [`Differentiable`] value: a gradient has the parameters' own shape, so
//! a step needs no flattening by hand.
//!
//! Plain gradient descent is one call of the trait, `params.add_scaled(-rate, &grad)`. Adam
//! keeps two moments per float, so it works on the flat view (`to_flat` / `from_flat`).

use crate::Differentiable;
use num_traits::Float;

/// Adam (Kingma & Ba, 2015): per float `p` with gradient `g`, at step `t` (from 1),
///
/// ```text
/// m ← β₁·m + (1 − β₁)·g            v ← β₂·v + (1 − β₂)·g²
/// p ← p − α · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// ```
///
/// The moments start at zero and take the shape of the first gradient.
///
/// ```
/// use autodiff_runtime::{Adam, Differentiable};
///
/// // minimise (p₀ − 3)² + (p₁ + 1)² from the origin
/// let mut p = vec![0.0_f64, 0.0];
/// let mut adam = Adam::new(0.1);
/// for _ in 0..500 {
///     let grad = vec![2.0 * (p[0] - 3.0), 2.0 * (p[1] + 1.0)];
///     adam.step(&mut p, &grad);
/// }
/// assert!((p[0] - 3.0).abs() < 1e-3 && (p[1] + 1.0).abs() < 1e-3);
/// ```
#[derive(Clone, Debug)]
pub struct Adam<F> {
    /// The step size α.
    pub rate: F,
    /// The decay of the first moment, β₁ (0.9).
    pub beta1: F,
    /// The decay of the second moment, β₂ (0.999).
    pub beta2: F,
    /// ε, added to the denominator (1e-8).
    pub eps: F,
    t: i32,
    m: Vec<F>,
    v: Vec<F>,
}

impl<F: Float> Adam<F> {
    /// Adam with step size `rate` and the usual β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸.
    pub fn new(rate: F) -> Self {
        let c = |x: f64| F::from(x).unwrap_or_else(F::nan);
        Adam {
            rate,
            beta1: c(0.9),
            beta2: c(0.999),
            eps: c(1e-8),
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// One step: updates `params` in place from `grad`, of the same shape.
    ///
    /// # Panics
    /// If `grad` holds another number of floats than `params`, or than the gradients of
    /// the steps before, naming both numbers.
    #[track_caller]
    pub fn step<P: Differentiable<Scalar = F>>(&mut self, params: &mut P, grad: &P) {
        let g = grad.to_flat();
        let mut p = params.to_flat();
        if p.len() != g.len() {
            panic!(
                "Adam::step: the parameters hold {} floats but the gradient {}",
                p.len(),
                g.len()
            );
        }
        if self.t == 0 {
            self.m = vec![F::zero(); g.len()];
            self.v = vec![F::zero(); g.len()];
        } else if self.m.len() != g.len() {
            panic!(
                "Adam::step: this gradient holds {} floats but the earlier ones {}",
                g.len(),
                self.m.len()
            );
        }
        self.t = self.t.saturating_add(1);
        let one = F::one();
        let m_scale = one / (one - self.beta1.powi(self.t));
        let v_scale = one / (one - self.beta2.powi(self.t));
        for i in 0..g.len() {
            self.m[i] = self.beta1 * self.m[i] + (one - self.beta1) * g[i];
            self.v[i] = self.beta2 * self.v[i] + (one - self.beta2) * g[i] * g[i];
            let m_hat = self.m[i] * m_scale;
            let v_hat = self.v[i] * v_scale;
            p[i] = p[i] - self.rate * m_hat / (v_hat.sqrt() + self.eps);
        }
        *params = params.from_flat(&p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_step_moves_each_float_by_the_rate_against_its_gradients_sign() {
        // t = 1: m̂ = g, v̂ = g², so the step is −α·g/(|g| + ε) ≈ −α·sign(g).
        let mut p = [1.0_f64, 1.0, 1.0];
        let mut adam = Adam::new(0.01);
        adam.step(&mut p, &[4.0, -0.5, 0.0]);
        let expected = [
            1.0 - 0.01 * 4.0 / (4.0 + 1e-8),
            1.0 + 0.01 * 0.5 / (0.5 + 1e-8),
            1.0,
        ];
        for (a, b) in p.iter().zip(expected) {
            assert!((a - b).abs() < 1e-15, "{p:?} against {expected:?}");
        }
    }

    #[test]
    fn the_second_step_by_hand() {
        let mut p = vec![0.0_f64];
        let mut adam = Adam::new(0.1);
        adam.step(&mut p, &vec![1.0]);
        adam.step(&mut p, &vec![3.0]);
        // m = 0.9·0.1 + 0.1·3 = 0.39, v = 0.999·0.001 + 0.001·9 = 0.009999
        let m_hat = 0.39 / (1.0 - 0.81);
        let v_hat = 0.009999 / (1.0 - 0.999f64.powi(2));
        // The first step: m̂ = 1, v̂ = 1, p = −0.1·1/(1 + ε).
        let first = -0.1 / (1.0 + 1e-8);
        let expected = first - 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
        assert!(
            (p[0] - expected).abs() < 1e-12,
            "{} against {expected}",
            p[0]
        );
    }

    #[test]
    #[should_panic(expected = "Adam::step: the parameters hold 2 floats but the gradient 1")]
    fn a_gradient_of_another_shape_panics() {
        Adam::new(0.1).step(&mut vec![0.0_f64, 0.0], &vec![1.0]);
    }

    #[test]
    fn nan_propagates() {
        let mut p = vec![1.0_f64];
        Adam::new(0.1).step(&mut p, &vec![f64::NAN]);
        assert!(p[0].is_nan());
    }
}
