//! `gmm`: the log posterior of a Gaussian mixture model with a Wishart prior on the
//! precision matrices (ADBench's GMM objective, as GradBench corrects it), and its gradient
//! with respect to the mixture's parameters.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The independent variables: what the gradient is taken with respect to, and the
/// gradient's own shape (`jacobian` answers a `Params`).
#[derive(Clone, Debug, Differentiable, Deserialize, Serialize)]
pub struct Params {
    /// Weights' parametrisation, `φ = softmax(α)`.
    pub alpha: Vec<f64>,
    /// Means, one row per component.
    pub mu: Vec<Vec<f64>>,
    /// Logarithms of the diagonals of the precision matrices' factors `Q`.
    pub q: Vec<Vec<f64>>,
    /// The strictly lower triangular parts of `Q`, column by column.
    pub l: Vec<Vec<f64>>,
}

/// The Wishart prior's parameters: data, no gradient.
pub struct Wishart {
    pub gamma: f64,
    pub m: usize,
}

#[derive(Deserialize)]
struct Input {
    #[serde(flatten)]
    params: Params,
    x: Vec<Vec<f64>>,
    m: usize,
    gamma: f64,
}

/// `ln Γ(x)` for `x > 0`, by Lanczos' approximation (g = 7, 9 terms; relative error
/// about 1e-15). Only constants of the objective need it.
fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).abs().ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The multivariate gamma function's logarithm, `ln Γ_p(a)`.
fn ln_multigamma(a: f64, p: usize) -> f64 {
    let mut out = 0.25 * (p * (p - 1)) as f64 * std::f64::consts::PI.ln();
    for j in 1..=p {
        out += ln_gamma(a + 0.5 * (1.0 - j as f64));
    }
    out
}

/// `½ |Q(x − μ)|²`, `Q` lower triangular with diagonal `qdiag` and strictly lower part `l`
/// packed column by column.
#[differentiable]
pub fn half_mahalanobis(x: &[f64], mu: &[f64], qdiag: &[f64], l: &[f64]) -> f64 {
    let d = x.len();
    let mut total = 0.0;
    for j in 0..d {
        let mut row = qdiag[j] * (x[j] - mu[j]);
        for i in 0..j {
            // Column i of the strictly lower part starts at i(2d − i − 1)/2.
            row += l[i * (2 * d - i - 1) / 2 + (j - i - 1)] * (x[i] - mu[i]);
        }
        total += row * row;
    }
    0.5 * total
}

#[differentiable(wrt(params))]
pub fn objective(params: &Params, x: &[Vec<f64>], wishart: &Wishart) -> f64 {
    let n = x.len();
    let k = params.alpha.len();
    let d = params.mu[0].len();

    let mut qdiag = vec![vec![0.0; d]; k];
    let mut sum_q = vec![0.0; k];
    for c in 0..k {
        for (j, &q) in params.q[c].iter().enumerate() {
            qdiag[c][j] = q.exp();
            sum_q[c] += q;
        }
    }

    // ln p(X | θ, φ) = −N (D/2 ln 2π + lse(α)) + Σᵢ lse(βᵢ)
    let mut beta = vec![0.0; k];
    let mut likelihood = 0.0;
    for xi in x.iter() {
        for c in 0..k {
            beta[c] = params.alpha[c] + sum_q[c]
                - half_mahalanobis(xi, &params.mu[c], &qdiag[c], &params.l[c]);
        }
        likelihood += super::lse::lse(&beta);
    }
    let two_pi = 2.0 * std::f64::consts::PI;
    likelihood -= n as f64 * (0.5 * d as f64 * two_pi.ln() + super::lse::lse(&params.alpha));

    // ln p(θ) = K (nD ln(γ/√2) − ln Γ_D(n/2)) − Σₖ (γ²/2 |Qₖ|²_F − m Σⱼ qₖⱼ)
    let dof = d + wishart.m + 1;
    let gamma = wishart.gamma;
    let per_component =
        (dof * d) as f64 * (gamma.ln() - 0.5 * 2.0f64.ln()) - ln_multigamma(0.5 * dof as f64, d);
    let mut prior = k as f64 * per_component;
    for c in 0..k {
        let frobenius = norm_squared(&qdiag[c]) + norm_squared(&params.l[c]);
        prior -= 0.5 * gamma * gamma * frobenius - wishart.m as f64 * sum_q[c];
    }

    likelihood + prior
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input {
        params,
        x,
        m,
        gamma,
    } = parse(input)?;
    let wishart = Wishart { gamma, m };
    match function {
        "objective" => measure(input, || objective(&params, &x, &wishart)),
        "jacobian" => measure(input, || objective_grad(&params, &x, &wishart)),
        _ => Err(super::unknown("gmm", function)),
    }
}
