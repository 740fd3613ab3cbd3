//! Every gradient of every function agrees with the hand-written one (and, for the GMM, the
//! hand-written one with central finite differences): the checks the benchmark runs before
//! timing.

use autodiff_bench::{gmm, logistic, rosenbrock, tanh, taylor_sine};

#[test]
fn tanh_gradients_agree() {
    tanh::check();
}

#[test]
fn taylor_sine_gradients_agree() {
    taylor_sine::check();
}

#[test]
fn logistic_gradients_agree() {
    logistic::check();
}

#[test]
fn rosenbrock_gradients_agree() {
    rosenbrock::check();
}

/// At fewer points than the benchmark (the test profile is unoptimised and num-dual needs a
/// sweep per parameter), and with a Wishart m ≠ 0 so that the prior's m term is checked too.
/// The benchmark checks its own size before timing.
#[test]
fn gmm_gradients_agree() {
    gmm::check(&gmm::problem(gmm::D, gmm::K, 50, 3));
    gmm::check(&gmm::problem(3, 4, 20, 0));
}

#[test]
fn ln_gamma_is_right() {
    assert!((gmm::ln_gamma(5.0) - 24.0_f64.ln()).abs() < 1e-13);
    assert!((gmm::ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
    assert!((gmm::ln_gamma(10.5) - 1_133_278.388_948_441_6_f64.ln()).abs() < 1e-12);
}
