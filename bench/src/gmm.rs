//! ADBench's GMM objective (`gmm_objective` of ADBench's `src/cpp/shared/gmm.h`): the negative
//! log-likelihood-like objective of a mixture of k Gaussians in d dimensions at n points, with a
//! Wishart prior on the inverse covariances, at d = 10, k = 10, n = 1000.
//!
//! The parameters are flat slices, as in ADBench:
//!
//! - `alphas`: k unnormalised log mixture weights;
//! - `means`: k·d, the mean of component `ik` at `means[ik * d..][..d]`;
//! - `icf`: k·d(d+1)/2 inverse covariance factors. Row `ik` (at `icf[ik * icf_sz..]`) holds the
//!   lower-triangular Lₖ with Σₖ⁻¹ = LₖᵀLₖ: first the d logs of its diagonal, then its strict
//!   lower triangle column by column (L[j][i] for i < j, i outer);
//! - `x`: n·d, point `ix` at `x[ix * d..][..d]`;
//! - the Wishart prior's `gamma` and `m`.
//!
//! With zₖ(x) = Lₖ (x − μₖ), qₖ the diagonal logs and
//! βₖ(x) = αₖ + Σⱼ qₖⱼ − ½|zₖ(x)|²:
//!
//! f = −½ n d ln 2π + Σᵢ lse_k βₖ(xᵢ) − n lse(α)
//!     + Σₖ (½ γ² (Σⱼ e^{2qₖⱼ} + Σ (strict lower Lₖ)²) − m Σⱼ qₖⱼ) − k C,
//!
//! C = n' d (ln γ − ½ ln 2) − ln Γ_d(n'/2), n' = d + m + 1. The multivariate log-gamma
//! ln Γ_d is constant in the parameters: [`log_gamma_distrib`] computes it once, outside.

use std::f64::consts::PI;

use autodiff::prelude::*;
use easy_ml::differentiation::{Record, WengertList};
use easy_ml::numeric::extra::{Exp, Ln};
use nalgebra::DVector;
use num_dual::{Dual64, DualNum, Gradients};

/// Dimensions, components and points of the benchmark.
pub const D: usize = 10;
pub const K: usize = 10;
pub const N: usize = 1000;

/// The problem: sizes, parameters, data and prior.
#[derive(Clone, Debug)]
pub struct Gmm {
    pub d: usize,
    pub k: usize,
    pub n: usize,
    pub alphas: Vec<f64>,
    pub means: Vec<f64>,
    pub icf: Vec<f64>,
    pub x: Vec<f64>,
    pub gamma: f64,
    pub m: usize,
    /// ln Γ_d((d + m + 1)/2), the constant part of the prior.
    pub lgamma: f64,
}

/// The objective, ADBench's loops with its buffers (`Qdiags`, `sum_qs`, `xcentered`,
/// `Qxcentered`, `main_term`); `gmm_objective_grad` and `gmm_objective_grad_into` are
/// generated from it. `lgamma` is ln Γ_d((d + m + 1)/2), from [`log_gamma_distrib`].
#[allow(clippy::too_many_arguments)]
#[differentiable(wrt(alphas, means, icf))]
pub fn gmm_objective(
    d: usize,
    k: usize,
    n: usize,
    alphas: &[f64],
    means: &[f64],
    icf: &[f64],
    x: &[f64],
    gamma: f64,
    m: usize,
    lgamma: f64,
) -> f64 {
    let constant = -((n * d) as f64) * 0.5 * (2.0 * PI).ln();
    let icf_sz = d * (d + 1) / 2;

    // preprocess_qs: the diagonals eᵠ and the sums of the logs q.
    let mut qdiags = vec![0.0; d * k];
    let mut sum_qs = vec![0.0; k];
    for ik in 0..k {
        for id in 0..d {
            let q = icf[ik * icf_sz + id];
            sum_qs[ik] += q;
            qdiags[ik * d + id] = q.exp();
        }
    }

    let mut xcentered = vec![0.0; d];
    let mut qxcentered = vec![0.0; d];
    let mut main_term = vec![0.0; k];
    let mut slse = 0.0;
    for ix in 0..n {
        for ik in 0..k {
            for id in 0..d {
                xcentered[id] = x[ix * d + id] - means[ik * d + id];
            }
            // Qtimesx: Lₖ (x − μₖ).
            for id in 0..d {
                qxcentered[id] = qdiags[ik * d + id] * xcentered[id];
            }
            let mut lparamsidx = d;
            for i in 0..d {
                for j in i + 1..d {
                    qxcentered[j] += icf[ik * icf_sz + lparamsidx] * xcentered[i];
                    lparamsidx += 1;
                }
            }
            main_term[ik] = alphas[ik] + sum_qs[ik] - 0.5 * norm_squared(&qxcentered);
        }
        slse += logsumexp(&main_term);
    }
    let lse_alphas = logsumexp(alphas);

    // log_wishart_prior
    let n_w = d + m + 1;
    let c = ((n_w * d) as f64) * (gamma.ln() - 0.5 * (2.0_f64).ln()) - lgamma;
    let mut prior = 0.0;
    for ik in 0..k {
        let mut frobenius = 0.0;
        for id in 0..d {
            frobenius += qdiags[ik * d + id] * qdiags[ik * d + id];
        }
        for j in d..icf_sz {
            frobenius += icf[ik * icf_sz + j] * icf[ik * icf_sz + j];
        }
        prior += 0.5 * gamma * gamma * frobenius - (m as f64) * sum_qs[ik];
    }
    prior -= (k as f64) * c;

    constant + slse - (n as f64) * lse_alphas + prior
}

impl Gmm {
    /// The objective at this problem's parameters.
    pub fn objective(&self) -> f64 {
        gmm_objective(
            self.d,
            self.k,
            self.n,
            &self.alphas,
            &self.means,
            &self.icf,
            &self.x,
            self.gamma,
            self.m,
            self.lgamma,
        )
    }

    /// The generated gradient, `gmm_objective_grad`.
    pub fn generated_grad(&self) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        gmm_objective_grad(
            self.d,
            self.k,
            self.n,
            &self.alphas,
            &self.means,
            &self.icf,
            &self.x,
            self.gamma,
            self.m,
            self.lgamma,
        )
    }

    /// The generated `gmm_objective_grad_into`, adding into `ga`, `gm`, `gi`.
    pub fn generated_grad_into(&self, ga: &mut [f64], gm: &mut [f64], gi: &mut [f64]) -> f64 {
        gmm_objective_grad_into(
            self.d,
            self.k,
            self.n,
            &self.alphas,
            &self.means,
            &self.icf,
            &self.x,
            self.gamma,
            self.m,
            self.lgamma,
            ga,
            gm,
            gi,
        )
    }

    /// All parameters in one vector: alphas, then means, then icf (the layout of the easy-ml
    /// and num-dual versions and of [`Gmm::hand_grad`]'s result).
    pub fn params(&self) -> Vec<f64> {
        [&self.alphas[..], &self.means, &self.icf].concat()
    }

    /// By hand, one pass over the points. With xc = x − μₖ, z = Lₖ xc, the responsibilities
    /// rₖ = softmax_k βₖ(x) (βₖ as in the module doc) and the chain rule through lse:
    ///
    /// - ∂/∂αₖ = Σᵢ rᵢₖ − n·softmax(α)ₖ;
    /// - ∂/∂μₖ = Σᵢ rᵢₖ Lₖᵀ z (from −½|z|² with ∂xc/∂μ = −I);
    /// - ∂/∂qₖⱼ (diagonal logs) = Σᵢ rᵢₖ (1 − zⱼ e^{qₖⱼ} xcⱼ) + γ² e^{2qₖⱼ} − m;
    /// - ∂/∂Lₖ[j][l] (strict lower, l < j) = −Σᵢ rᵢₖ zⱼ xcₗ + γ² Lₖ[j][l].
    ///
    /// The result is in [`Gmm::params`]' layout.
    pub fn hand_grad(&self) -> Vec<f64> {
        let (d, k, n) = (self.d, self.k, self.n);
        let icf_sz = d * (d + 1) / 2;
        let (alphas, means, icf, x) = (&self.alphas, &self.means, &self.icf, &self.x);
        let mut g_alphas = vec![0.0; k];
        let mut g_means = vec![0.0; k * d];
        let mut g_icf = vec![0.0; k * icf_sz];

        let mut qdiags = vec![0.0; k * d];
        let mut sum_qs = vec![0.0; k];
        for ik in 0..k {
            for id in 0..d {
                let q = icf[ik * icf_sz + id];
                sum_qs[ik] += q;
                qdiags[ik * d + id] = q.exp();
            }
        }

        // Per point: xc and z of every component, and the βₖ.
        let mut xc = vec![0.0; k * d];
        let mut z = vec![0.0; k * d];
        let mut beta = vec![0.0; k];
        for ix in 0..n {
            let xi = &x[ix * d..][..d];
            for ik in 0..k {
                let xc = &mut xc[ik * d..][..d];
                let z = &mut z[ik * d..][..d];
                let ltri = &icf[ik * icf_sz + d..][..icf_sz - d];
                for id in 0..d {
                    xc[id] = xi[id] - means[ik * d + id];
                    z[id] = qdiags[ik * d + id] * xc[id];
                }
                let mut idx = 0;
                for i in 0..d {
                    for j in i + 1..d {
                        z[j] += ltri[idx] * xc[i];
                        idx += 1;
                    }
                }
                beta[ik] = alphas[ik] + sum_qs[ik] - 0.5 * z.iter().map(|v| v * v).sum::<f64>();
            }
            let mx = beta.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = beta.iter().map(|b| (b - mx).exp()).sum();
            for ik in 0..k {
                let r = (beta[ik] - mx).exp() / total;
                let xc = &xc[ik * d..][..d];
                let z = &z[ik * d..][..d];
                let ltri = &icf[ik * icf_sz + d..][..icf_sz - d];
                let (g_diag, g_ltri) = g_icf[ik * icf_sz..][..icf_sz].split_at_mut(d);
                g_alphas[ik] += r;
                for id in 0..d {
                    let qd = qdiags[ik * d + id];
                    g_diag[id] += r * (1.0 - z[id] * qd * xc[id]);
                    // The diagonal part of Lᵀz; the strict lower part is added below.
                    g_means[ik * d + id] += r * qd * z[id];
                }
                let mut idx = 0;
                for i in 0..d {
                    for j in i + 1..d {
                        g_ltri[idx] -= r * z[j] * xc[i];
                        g_means[ik * d + i] += r * ltri[idx] * z[j];
                        idx += 1;
                    }
                }
            }
        }

        // −n·lse(α)
        let mx = alphas.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = alphas.iter().map(|a| (a - mx).exp()).sum();
        for ik in 0..k {
            g_alphas[ik] -= n as f64 * (alphas[ik] - mx).exp() / total;
        }

        // The prior.
        let g2 = self.gamma * self.gamma;
        for ik in 0..k {
            for id in 0..d {
                let qd = qdiags[ik * d + id];
                g_icf[ik * icf_sz + id] += g2 * qd * qd - self.m as f64;
            }
            for j in d..icf_sz {
                g_icf[ik * icf_sz + j] += g2 * icf[ik * icf_sz + j];
            }
        }

        [g_alphas, g_means, g_icf].concat()
    }

    /// easy-ml's reverse mode: every parameter a `Record` variable, the same loops on `Vec`s
    /// of `Record`s. Its `logsumexp` subtracts the maximum's value as a constant (the
    /// gradient of lse does not depend on the shift, so this is ADBench's `logsumexp`).
    pub fn easy_ml_grad(&self, list: &WengertList<f64>) -> Vec<f64> {
        let (d, k, n) = (self.d, self.k, self.n);
        let icf_sz = d * (d + 1) / 2;
        list.clear();
        let params: Vec<Record<f64>> = self
            .params()
            .iter()
            .map(|&p| Record::variable(p, list))
            .collect();
        let (alphas, rest) = params.split_at(k);
        let (means, icf) = rest.split_at(k * d);
        let x = &self.x;

        fn logsumexp<'a>(v: &[Record<'a, f64>]) -> Record<'a, f64> {
            let mx = v.iter().map(|r| r.number).fold(f64::NEG_INFINITY, f64::max);
            let mut s = (v[0] - mx).exp();
            for r in &v[1..] {
                s = s + (*r - mx).exp();
            }
            s.ln() + mx
        }

        let zero = Record::constant(0.0);
        let mut qdiags = vec![zero; d * k];
        let mut sum_qs = vec![zero; k];
        for ik in 0..k {
            for id in 0..d {
                let q = icf[ik * icf_sz + id];
                sum_qs[ik] = sum_qs[ik] + q;
                qdiags[ik * d + id] = q.exp();
            }
        }
        let mut xcentered = vec![zero; d];
        let mut qxcentered = vec![zero; d];
        let mut main_term = vec![zero; k];
        let mut slse = zero;
        for ix in 0..n {
            for ik in 0..k {
                for id in 0..d {
                    xcentered[id] = -means[ik * d + id] + x[ix * d + id];
                }
                for id in 0..d {
                    qxcentered[id] = qdiags[ik * d + id] * xcentered[id];
                }
                let mut lparamsidx = d;
                for i in 0..d {
                    for j in i + 1..d {
                        qxcentered[j] =
                            qxcentered[j] + icf[ik * icf_sz + lparamsidx] * xcentered[i];
                        lparamsidx += 1;
                    }
                }
                let mut sq = qxcentered[0] * qxcentered[0];
                for id in 1..d {
                    sq = sq + qxcentered[id] * qxcentered[id];
                }
                main_term[ik] = alphas[ik] + sum_qs[ik] - sq * 0.5;
            }
            slse = slse + logsumexp(&main_term);
        }
        let lse_alphas = logsumexp(alphas);

        let n_w = d + self.m + 1;
        let c = ((n_w * d) as f64) * (self.gamma.ln() - 0.5 * 2.0_f64.ln()) - self.lgamma;
        let mut prior = zero;
        for ik in 0..k {
            let mut frobenius = zero;
            for id in 0..d {
                frobenius = frobenius + qdiags[ik * d + id] * qdiags[ik * d + id];
            }
            for j in d..icf_sz {
                frobenius = frobenius + icf[ik * icf_sz + j] * icf[ik * icf_sz + j];
            }
            prior =
                prior + frobenius * (0.5 * self.gamma * self.gamma) - sum_qs[ik] * (self.m as f64);
        }
        prior = prior - (k as f64) * c;
        let constant = -((n * d) as f64) * 0.5 * (2.0 * PI).ln();
        let err = slse - lse_alphas * (n as f64) + prior + constant;

        let derivatives = err.derivatives();
        params.iter().map(|p| derivatives[p]).collect()
    }

    /// The same loops on num-dual's `Dual64`, all parameters in one slice.
    pub fn objective_dual(&self, params: &[Dual64]) -> Dual64 {
        let (d, k, n) = (self.d, self.k, self.n);
        let icf_sz = d * (d + 1) / 2;
        let (alphas, rest) = params.split_at(k);
        let (means, icf) = rest.split_at(k * d);
        let x = &self.x;

        fn logsumexp(v: &[Dual64]) -> Dual64 {
            let mx = v.iter().map(|r| r.re).fold(f64::NEG_INFINITY, f64::max);
            let mut s = Dual64::from(0.0);
            for r in v {
                s += (*r - mx).exp();
            }
            s.ln() + mx
        }

        let zero = Dual64::from(0.0);
        let mut qdiags = vec![zero; d * k];
        let mut sum_qs = vec![zero; k];
        for ik in 0..k {
            for id in 0..d {
                let q = icf[ik * icf_sz + id];
                sum_qs[ik] += q;
                qdiags[ik * d + id] = q.exp();
            }
        }
        let mut xcentered = vec![zero; d];
        let mut qxcentered = vec![zero; d];
        let mut main_term = vec![zero; k];
        let mut slse = zero;
        for ix in 0..n {
            for ik in 0..k {
                for id in 0..d {
                    xcentered[id] = -means[ik * d + id] + x[ix * d + id];
                }
                for id in 0..d {
                    qxcentered[id] = qdiags[ik * d + id] * xcentered[id];
                }
                let mut lparamsidx = d;
                for i in 0..d {
                    for j in i + 1..d {
                        qxcentered[j] += icf[ik * icf_sz + lparamsidx] * xcentered[i];
                        lparamsidx += 1;
                    }
                }
                let mut sq = zero;
                for id in 0..d {
                    sq += qxcentered[id] * qxcentered[id];
                }
                main_term[ik] = alphas[ik] + sum_qs[ik] - sq * 0.5;
            }
            slse += logsumexp(&main_term);
        }
        let lse_alphas = logsumexp(alphas);

        let n_w = d + self.m + 1;
        let c = ((n_w * d) as f64) * (self.gamma.ln() - 0.5 * 2.0_f64.ln()) - self.lgamma;
        let mut prior = zero;
        for ik in 0..k {
            let mut frobenius = zero;
            for id in 0..d {
                frobenius += qdiags[ik * d + id] * qdiags[ik * d + id];
            }
            for j in d..icf_sz {
                frobenius += icf[ik * icf_sz + j] * icf[ik * icf_sz + j];
            }
            prior += frobenius * (0.5 * self.gamma * self.gamma) - sum_qs[ik] * (self.m as f64);
        }
        prior -= (k as f64) * c;
        let constant = -((n * d) as f64) * 0.5 * (2.0 * PI).ln();
        slse - lse_alphas * (n as f64) + prior + constant
    }

    /// num-dual's forward mode: `Gradients::gradient` on a `DVector` of the k + kd + kd(d+1)/2
    /// = 660 parameters, one `Dual64` sweep per parameter (num-dual's documented way for a
    /// dynamically sized input, rather than `DualDVec64`'s heap-allocated tangents).
    pub fn num_dual_grad(&self, params: &DVector<f64>) -> Vec<f64> {
        let (_, g) = Gradients::gradient(
            |p: DVector<Dual64>, _: &()| self.objective_dual(p.as_slice()),
            params,
            &(),
        );
        g.as_slice().to_vec()
    }
}

/// ln Γ(x) for x ≥ 1/2, by Lanczos' approximation (g = 7, 9 terms; relative error about
/// 1e-15). Only for the prior's constant.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
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
    let x = x - 1.0;
    let mut a = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The log of the multivariate gamma function, ln Γ_p(a) = ¼ p(p − 1) ln π + Σ_{j=1..p}
/// ln Γ(a + (1 − j)/2) (ADBench's `log_gamma_distrib`).
pub fn log_gamma_distrib(a: f64, p: usize) -> f64 {
    let mut out = 0.25 * (p * (p - 1)) as f64 * PI.ln();
    for j in 1..=p {
        out += ln_gamma(a + 0.5 * (1.0 - j as f64));
    }
    out
}

/// A fixed problem of the given sizes: alphas uniform in [−1, 1), means, icf and points
/// uniform in [0, 1) (as ADBench's generator), Wishart γ = 1.
pub fn problem(d: usize, k: usize, n: usize, m: usize) -> Gmm {
    let mut rng = crate::Lcg::new(0x5851_f42d_4c95_7f2d);
    let mut uniform =
        |len: usize| -> Vec<f64> { (0..len).map(|_| 0.5 * (rng.next_f64() + 1.0)).collect() };
    let alphas = uniform(k).iter().map(|a| 2.0 * a - 1.0).collect();
    let means = uniform(k * d);
    let icf = uniform(k * d * (d + 1) / 2);
    let x = uniform(n * d);
    let gamma = 1.0;
    Gmm {
        d,
        k,
        n,
        alphas,
        means,
        icf,
        x,
        gamma,
        m,
        lgamma: log_gamma_distrib(0.5 * (d + m + 1) as f64, d),
    }
}

/// The benchmark's problem: d = 10, k = 10, n = 1000, Wishart m = 0 (ADBench's γ and m).
pub fn benchmark_problem() -> Gmm {
    problem(D, K, N, 0)
}

/// Asserts that the hand-written gradient agrees with central finite differences on a few
/// components of each kind, and every other gradient with the hand-written one.
pub fn check(p: &Gmm) {
    let hand = p.hand_grad();

    // Central differences, at h = 1e-5 (relative to 1): agreement to about 1e-6 of the
    // largest component is what they can give on an objective of this size.
    let (k, d) = (p.k, p.d);
    let icf_sz = d * (d + 1) / 2;
    let scale = hand.iter().fold(0.0_f64, |a, g| a.max(g.abs()));
    let components = [
        0,                               // alphas[0]
        k - 1,                           // alphas[k − 1]
        k,                               // means[0][0]
        k + k * d - 1,                   // means[k − 1][d − 1]
        k + k * d,                       // icf[0], a diagonal log
        k + k * d + d + 3,               // icf[0], strict lower triangle
        k + k * d + (k - 1) * icf_sz,    // icf[k − 1], diagonal
        k + k * d + k * icf_sz - 1,      // icf[k − 1], last of the lower triangle
        k + k * d + 2 * icf_sz + d - 1,  // icf[2], last diagonal
        k + k * d + 2 * icf_sz + d + 10, // icf[2], lower triangle
    ];
    for c in components.into_iter().filter(|&c| c < hand.len()) {
        let h = 1e-5;
        let at = |delta: f64| {
            let mut q = p.clone();
            let mut params = q.params();
            params[c] += delta;
            q.alphas = params[..k].to_vec();
            q.means = params[k..k + k * d].to_vec();
            q.icf = params[k + k * d..].to_vec();
            q.objective()
        };
        let fd = (at(h) - at(-h)) / (2.0 * h);
        let err = (fd - hand[c]).abs() / scale.max(1.0);
        assert!(
            err < 1e-6,
            "gmm: hand-written component {c} is {:e}, central differences give {fd:e} \
             (error {err:e} of the largest component)",
            hand[c]
        );
    }

    let (ga, gm, gi) = p.generated_grad();
    let generated = [ga, gm, gi].concat();
    crate::assert_agree("gmm: generated", &generated, &hand);
    let mut ga = vec![0.0; p.alphas.len()];
    let mut gm = vec![0.0; p.means.len()];
    let mut gi = vec![0.0; p.icf.len()];
    let value = p.generated_grad_into(&mut ga, &mut gm, &mut gi);
    assert_eq!(value, p.objective());
    crate::assert_agree("gmm: generated _grad_into", &[ga, gm, gi].concat(), &hand);

    let list = WengertList::new();
    crate::assert_agree("gmm: easy-ml", &p.easy_ml_grad(&list), &hand);
    let params = DVector::from_column_slice(&p.params());
    crate::assert_agree("gmm: num-dual", &p.num_dual_grad(&params), &hand);
}
