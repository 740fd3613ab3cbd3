//! Minimises the extended Rosenbrock function in 100 dimensions from the standard start
//! (−1.2, 1, −1.2, 1, ...) with argmin's solvers on the generated derivatives
//! (`autodiff::argmin::Objective`, feature `argmin`): Newton-CG and the Steihaug trust
//! region on the exact Hessian-vector products of `rosenbrock_hvp`, L-BFGS on
//! `rosenbrock_grad`; and, for comparison, with the Newton-CG written by hand below. The
//! minimum is at (1, ..., 1), where f = 0.
//!
//! ```sh
//! cargo run --release --features argmin --example newton_rosenbrock
//! ```
//!
//! One run (release build, one core of a shared machine; the times vary run to run):
//!
//! ```text
//! extended Rosenbrock, n = 100, from (-1.2, 1, ...): f = 1210.0000000000011
//! solver                        iters       f    grad     H·v  time (ms)    final f   max|x-1|
//! Newton-CG, by hand               64     156      65     111       0.12   1.04e-27   9.10e-15
//! argmin Newton-CG                200     211     410     218       0.84    7.67e-4    7.83e-3
//! argmin Newton-CG, 5000 its     5000    5011   10010    5018      40.53    1.61e-7    1.14e-4
//! argmin trust region              27      28      25      80       0.14     0.00e0     0.00e0
//! argmin L-BFGS                    39      50      89       0       0.17   1.39e-24   2.56e-13
//! ```
//!
//! (`f`, `grad` and `H·v` count the evaluations of `rosenbrock`, `rosenbrock_grad` and
//! `rosenbrock_hvp`; the hand-written method calls `rosenbrock_value_and_grad`, counted once
//! in each of `f` and `grad`.)
//!
//! **Hand-written against argmin's Newton-CG.** The hand-written one stops its inner
//! conjugate gradient when the residual ‖r‖ falls below min(0.5, √‖g‖)·‖g‖ (Nocedal and
//! Wright's forcing sequence), so near the minimum its steps become Newton steps and it
//! converges quadratically: 64 iterations, 111 Hessian-vector products, 0.1 ms, the minimum
//! to 1e-14. argmin 0.11's `NewtonCG` compares the *squared* residual ‖r‖² with that bound,
//! that is ‖r‖ ≤ ‖g‖^¾ once ‖g‖ < 0.25: a bound above ‖g‖ = ‖r₀‖ itself, which the first
//! conjugate-gradient step nearly always meets (218 products in 200 iterations). Each
//! direction is then the steepest descent one, scaled by the curvature along it, and the
//! outer iteration crawls like gradient descent: after 200 iterations x is still 8e-3 from
//! the minimum, after 5,000 iterations (5,018 products, 40 ms) 1e-4. It also evaluates the
//! gradient twice per iteration (once in its line search, once again at the start of the
//! next iteration), and at an exact stationary point its line search returns an error
//! instead of stopping. With the comparison made on ‖r‖ instead (argmin 0.11 patched locally
//! to `cost.sqrt() <= grad_norm_factor`), the same run of argmin's Newton-CG reaches the
//! minimum exactly in 78 iterations, 103 costs, 180 gradients and 131 products (0.3 ms).
//!
//! **argmin's other solvers** do well on the same generated derivatives: the Steihaug trust
//! region, whose conjugate gradient stops at 1e-9 of the first residual, reaches f = 0
//! exactly in 27 iterations and 80 products (it has no convergence test of its own; it is
//! stopped at f < 1e-20 here), and L-BFGS, with gradients only, reaches the minimum to 3e-13
//! in 39 iterations. So with `_hvp`, use argmin's `TrustRegion` with `Steihaug`, not its
//! `NewtonCG`, until argmin's test changes.

use std::time::{Duration, Instant};

use autodiff::argmin::core::{Executor, State};
use autodiff::argmin::solver::linesearch::MoreThuenteLineSearch;
use autodiff::argmin::solver::newton::NewtonCG;
use autodiff::argmin::solver::quasinewton::LBFGS;
use autodiff::argmin::solver::trustregion::{Steihaug, TrustRegion};
use autodiff::argmin::Objective;
use autodiff::prelude::*;

/// Σᵢ 100 (x₂ᵢ² − x₂ᵢ₊₁)² + (x₂ᵢ − 1)²
#[differentiable]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() / 2 {
        let a = x[2 * i] * x[2 * i] - x[2 * i + 1];
        let b = x[2 * i] - 1.0;
        s += 100.0 * a * a + b * b;
    }
    s
}

/// What a run cost and where it ended.
struct Run {
    iterations: u64,
    costs: u64,
    gradients: u64,
    products: usize,
    time: Duration,
    x: Vec<f64>,
}

/// The hand-written Newton-CG: conjugate gradient on Hessian-vector products for the
/// direction, Armijo backtracking for the step.
mod by_hand {
    use super::{rosenbrock, rosenbrock_hvp, rosenbrock_value_and_grad};

    pub fn dot(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[derive(Default)]
    pub struct Counts {
        pub costs: u64,
        pub gradients: u64,
        pub products: usize,
    }

    /// A step length along `p` that decreases `f` enough (Armijo), by halving from 1.
    fn line_search(x: &[f64], f: f64, g: &[f64], p: &[f64], counts: &mut Counts) -> f64 {
        let slope = dot(g, p);
        let mut t = 1.0;
        while t > 1e-20 {
            let moved: Vec<f64> = x.iter().zip(p).map(|(a, b)| a + t * b).collect();
            counts.costs += 1;
            if rosenbrock(&moved) <= f + 1e-4 * t * slope {
                return t;
            }
            t *= 0.5;
        }
        t
    }

    /// Approximately solves `H p = −g` by conjugate gradients on Hessian-vector products,
    /// until the residual is below min(0.5, √‖g‖)·‖g‖, stopping at negative curvature (then
    /// the steepest descent direction is used).
    fn newton_direction(x: &[f64], g: &[f64], counts: &mut Counts) -> Vec<f64> {
        let n = x.len();
        let tolerance = (dot(g, g).sqrt()).min(0.5) * dot(g, g).sqrt();
        let mut p = vec![0.0; n];
        let mut r: Vec<f64> = g.iter().map(|v| -v).collect();
        let mut d = r.clone();
        for k in 0..n {
            let hd = rosenbrock_hvp(x, &d);
            counts.products += 1;
            let curvature = dot(&d, &hd);
            if curvature <= 0.0 {
                if k == 0 {
                    p = r.clone();
                }
                break;
            }
            let rr = dot(&r, &r);
            let alpha = rr / curvature;
            for i in 0..n {
                p[i] += alpha * d[i];
                r[i] -= alpha * hd[i];
            }
            if dot(&r, &r).sqrt() < tolerance {
                break;
            }
            let beta = dot(&r, &r) / rr;
            for i in 0..n {
                d[i] = r[i] + beta * d[i];
            }
        }
        p
    }

    /// Iterates until ‖g‖ < 1e-10; returns the point, the iterations and the counts.
    pub fn newton_cg(x0: &[f64], max_iterations: u64) -> (Vec<f64>, u64, Counts) {
        let mut x = x0.to_vec();
        let mut counts = Counts::default();
        for iteration in 0..max_iterations {
            let (f, g) = rosenbrock_value_and_grad(&x);
            counts.costs += 1;
            counts.gradients += 1;
            if dot(&g, &g).sqrt() < 1e-10 {
                return (x, iteration, counts);
            }
            let p = newton_direction(&x, &g, &mut counts);
            let t = line_search(&x, f, &g, &p, &mut counts);
            x.iter_mut().zip(&p).for_each(|(a, b)| *a += t * b);
        }
        (x, max_iterations, counts)
    }
}

fn hand_written(x0: &[f64]) -> Run {
    let start = Instant::now();
    let (x, iterations, counts) = by_hand::newton_cg(x0, 200);
    Run {
        iterations,
        costs: counts.costs,
        gradients: counts.gradients,
        products: counts.products,
        time: start.elapsed(),
        x,
    }
}

/// Runs an argmin solver on the generated derivatives and collects argmin's counts.
macro_rules! run_argmin {
    ($solver:expr, $x0:expr, $max_iterations:expr, $target_cost:expr) => {{
        let problem = Objective::new(rosenbrock, rosenbrock_grad).with_hvp(rosenbrock_hvp);
        let start = Instant::now();
        let result = Executor::new(problem, $solver)
            .configure(|state| {
                state
                    .param($x0.to_vec())
                    .max_iters($max_iterations)
                    .target_cost($target_cost)
                    .counting(true)
            })
            .run()
            .expect("argmin");
        let time = start.elapsed();
        let counts = result.state.get_func_counts();
        Run {
            iterations: result.state.get_iter(),
            costs: counts.get("cost_count").copied().unwrap_or(0),
            gradients: counts.get("gradient_count").copied().unwrap_or(0),
            products: result
                .problem
                .problem
                .as_ref()
                .unwrap()
                .hessian_vector_products(),
            time,
            x: result.state.get_best_param().unwrap().clone(),
        }
    }};
}

fn report(name: &str, run: &Run) {
    let error = run.x.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max);
    println!(
        "{name:<28} {:>6} {:>7} {:>7} {:>7} {:>10.2} {:>10.2e} {:>10.2e}",
        run.iterations,
        run.costs,
        run.gradients,
        run.products,
        run.time.as_secs_f64() * 1e3,
        rosenbrock(&run.x),
        error
    );
}

fn main() {
    let n = 100;
    let x0: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    println!(
        "extended Rosenbrock, n = {n}, from (-1.2, 1, ...): f = {}",
        rosenbrock(&x0)
    );
    println!(
        "{:<28} {:>6} {:>7} {:>7} {:>7} {:>10} {:>10} {:>10}",
        "solver", "iters", "f", "grad", "H·v", "time (ms)", "final f", "max|x-1|"
    );
    report("Newton-CG, by hand", &hand_written(&x0));
    let newton = NewtonCG::new(MoreThuenteLineSearch::new());
    let none = f64::NEG_INFINITY;
    report("argmin Newton-CG", &run_argmin!(newton, x0, 200, none));
    let newton = NewtonCG::new(MoreThuenteLineSearch::new());
    report(
        "argmin Newton-CG, 5000 its",
        &run_argmin!(newton, x0, 5000, none),
    );
    // argmin's trust region has no convergence test of its own: stop it at f < 1e-20
    let trust = TrustRegion::new(Steihaug::new());
    report("argmin trust region", &run_argmin!(trust, x0, 200, 1e-20));
    let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-10)
        .unwrap();
    report("argmin L-BFGS", &run_argmin!(lbfgs, x0, 1000, none));
}
