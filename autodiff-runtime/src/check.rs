//! Gradient checking against central finite differences, in the spirit of
//! `torch.autograd.gradcheck` and autograd's `check_grads`.
//!
//! ```
//! use autodiff_runtime::check_grad;
//!
//! // f(x, y) = x²·y, ∇f = (2xy, x²)
//! let f = |v: &[f64]| v[0] * v[0] * v[1];
//! let x = [1.5, -2.0];
//! let report = check_grad(f, &x, &[2.0 * 1.5 * -2.0, 1.5 * 1.5]);
//! report.assert_within(1e-6);
//!
//! let wrong = check_grad(f, &x, &[-6.0, 1.0]);
//! assert!(!wrong.is_within(1e-6));
//! assert_eq!(wrong.worst, Some(1));
//! ```

use core::fmt;

use num_traits::Float;

/// The outcome of [`check_grad`]: the analytic and numeric gradients and how
/// far apart they are.
///
/// The relative error of component `i` is
/// `|gᵢ − fdᵢ| / max(1, |gᵢ|, |fdᵢ|)` (absolute near zero, relative for large
/// values). A component where either gradient is NaN, or where the error
/// cannot be computed (infinite values), has an error of `+∞`, so it always
/// fails.
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck<F> {
    /// The largest relative error over all components (0 for an empty input).
    pub max_rel_error: F,
    /// The component with the largest relative error (the first one on a
    /// tie); `None` only when the input is empty.
    pub worst: Option<usize>,
    /// The gradient under test, as passed to [`check_grad`].
    pub analytic: Vec<F>,
    /// The central finite-difference estimate of each component.
    pub numeric: Vec<F>,
}

/// Compares `grad`, a claimed gradient of `f` at `x`, with central finite
/// differences of `f`.
///
/// Component `i` is estimated as `(f(x + hᵢeᵢ) − f(x − hᵢeᵢ)) / (2hᵢ)` with
/// `hᵢ = ε^(1/3)·max(1, |xᵢ|)`, `ε = F::epsilon()`, which balances truncation
/// and rounding error (about `ε^(2/3)` relative error for a smooth `f`: some
/// `1e-11` in `f64`, `2e-5` in `f32`). The denominator is the step actually
/// taken after rounding `xᵢ ± hᵢ`. `f` is called `2·x.len()` times.
///
/// # Panics
/// If `x` and `grad` have different lengths.
#[track_caller]
pub fn check_grad<F: Float>(f: impl Fn(&[F]) -> F, x: &[F], grad: &[F]) -> GradCheck<F> {
    if x.len() != grad.len() {
        length_mismatch(x.len(), grad.len());
    }
    let base_step = F::epsilon().cbrt();
    let mut point = x.to_vec();
    let mut numeric = Vec::with_capacity(x.len());
    let mut max_rel_error = F::zero();
    let mut worst = None;
    for (i, (&xi, &gi)) in x.iter().zip(grad).enumerate() {
        let h = base_step * F::one().max(xi.abs());
        let (up, down) = (xi + h, xi - h);
        point[i] = up;
        let f_up = f(&point);
        point[i] = down;
        let f_down = f(&point);
        point[i] = xi;
        let fd = (f_up - f_down) / (up - down);
        numeric.push(fd);

        let err = rel_error(gi, fd);
        if worst.is_none() || err > max_rel_error {
            max_rel_error = err;
            worst = Some(i);
        }
    }
    GradCheck {
        max_rel_error,
        worst,
        analytic: grad.to_vec(),
        numeric,
    }
}

/// `|g − fd| / max(1, |g|, |fd|)`, with NaN mapped to `+∞`.
fn rel_error<F: Float>(g: F, fd: F) -> F {
    let scale = F::one().max(g.abs()).max(fd.abs());
    let err = (g - fd).abs() / scale;
    if err.is_nan() || g.is_nan() || fd.is_nan() {
        F::infinity()
    } else {
        err
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn length_mismatch(x_len: usize, grad_len: usize) -> ! {
    panic!("check_grad: x has {x_len} components but grad has {grad_len}")
}

impl<F: Float> GradCheck<F> {
    /// The relative error of component `i`.
    ///
    /// # Panics
    /// If `i` is out of range.
    pub fn rel_error(&self, i: usize) -> F {
        rel_error(self.analytic[i], self.numeric[i])
    }

    /// Whether every component agrees within the relative tolerance `tol`.
    /// A NaN in either gradient always fails.
    pub fn is_within(&self, tol: F) -> bool {
        self.max_rel_error <= tol
    }

    /// Panics with a report naming the worst component unless
    /// [`is_within(tol)`](Self::is_within).
    #[track_caller]
    pub fn assert_within(&self, tol: F) {
        if !self.is_within(tol) {
            self.fail(tol);
        }
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn fail(&self, tol: F) -> ! {
        match self.worst {
            Some(i) => panic!(
                "gradient check failed at component {i}: analytic {}, numeric {}, \
                 relative error {} > tolerance {}\n{self}",
                show(self.analytic[i]),
                show(self.numeric[i]),
                show(self.max_rel_error),
                show(tol),
            ),
            None => panic!(
                "gradient check failed: tolerance {} is not a number\n{self}",
                show(tol)
            ),
        }
    }
}

/// Formats any `Float` through `f64` (exact for `f32` and `f64`).
fn show<F: Float>(v: F) -> String {
    format!("{:e}", v.to_f64().unwrap_or(f64::NAN))
}

impl<F: Float> fmt::Display for GradCheck<F> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            out,
            "gradient check of {} components: max relative error {}",
            self.analytic.len(),
            show(self.max_rel_error)
        )?;
        if let Some(i) = self.worst {
            write!(out, " at component {i}")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{:>9}  {:>24}  {:>24}  {:>10}",
            "component", "analytic", "numeric", "rel. error"
        )?;
        for i in 0..self.analytic.len() {
            let marker = if self.worst == Some(i) {
                "  <- worst"
            } else {
                ""
            };
            writeln!(
                out,
                "{:>9}  {:>24}  {:>24}  {:>10.3e}{marker}",
                i,
                show(self.analytic[i]),
                show(self.numeric[i]),
                self.rel_error(i).to_f64().unwrap_or(f64::NAN),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: &[f64]) -> f64 {
        v[0].sin() * v[1] + v[2].exp() * v[0]
    }

    fn grad_f(v: &[f64]) -> Vec<f64> {
        vec![
            v[0].cos() * v[1] + v[2].exp(),
            v[0].sin(),
            v[2].exp() * v[0],
        ]
    }

    #[test]
    fn passes_a_correct_gradient() {
        let x = [0.3, -1.7, 0.9];
        let report = check_grad(f, &x, &grad_f(&x));
        assert!(report.is_within(1e-8), "{report}");
        report.assert_within(1e-8);
        assert_eq!(report.analytic, grad_f(&x));
        assert_eq!(report.numeric.len(), 3);
    }

    #[test]
    fn passes_large_arguments_and_f32() {
        let g = |v: &[f64]| v[0] * v[0];
        check_grad(g, &[1e6], &[2e6]).assert_within(1e-8);

        let h = |v: &[f32]| v[0] * v[1];
        check_grad(h, &[1.5_f32, 2.0], &[2.0, 1.5]).assert_within(1e-3);
    }

    #[test]
    fn fails_a_wrong_gradient_and_names_the_worst_component() {
        let x = [0.3, -1.7, 0.9];
        let mut g = grad_f(&x);
        g[1] += 0.5;
        g[2] += 0.01;
        let report = check_grad(f, &x, &g);
        assert!(!report.is_within(1e-6));
        assert_eq!(report.worst, Some(1));
        assert!(report.max_rel_error > 0.1);
        assert!(report.rel_error(0) < 1e-8);
        assert!(report.rel_error(2) > 1e-3);
    }

    #[test]
    #[should_panic(expected = "gradient check failed at component 2")]
    fn assert_within_panics_on_a_wrong_gradient() {
        let x = [0.3, -1.7, 0.9];
        let mut g = grad_f(&x);
        g[2] = -g[2];
        check_grad(f, &x, &g).assert_within(1e-6);
    }

    #[test]
    fn nan_fails() {
        let x = [0.3, -1.7, 0.9];
        let mut g = grad_f(&x);
        g[0] = f64::NAN;
        let report = check_grad(f, &x, &g);
        assert!(!report.is_within(1e6));
        assert_eq!(report.worst, Some(0));

        let nan_f = |_: &[f64]| f64::NAN;
        assert!(!check_grad(nan_f, &[1.0], &[0.0]).is_within(1.0));
    }

    #[test]
    fn empty_input_passes() {
        let report = check_grad(|_: &[f64]| 1.0, &[], &[]);
        assert_eq!(report.worst, None);
        assert!(report.is_within(0.0));
    }

    #[test]
    fn report_is_readable() {
        let report = check_grad(f, &[0.3, -1.7, 0.9], &[0.0, 0.0, 0.0]);
        let text = report.to_string();
        assert!(text.contains("gradient check of 3 components"), "{text}");
        assert!(text.contains("<- worst"), "{text}");
        assert_eq!(text.lines().count(), 5, "{text}");
    }

    #[test]
    #[should_panic(expected = "check_grad: x has 3 components but grad has 2")]
    fn length_mismatch_panics() {
        check_grad(f, &[1.0, 2.0, 3.0], &[1.0, 2.0]);
    }
}
