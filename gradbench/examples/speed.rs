//! Times the pieces of some evals alone, for profiling (not part of the tool):
//! `cargo run --release -p autodiff-gradbench --example speed -- kmeans|ode|gmm ...`.
#![allow(dead_code)]

#[path = "../src/runs.rs"]
mod runs;

#[path = "../src/evals/det.rs"]
mod det;
#[path = "../src/evals/gmm.rs"]
mod gmm;
#[path = "../src/evals/kmeans.rs"]
mod kmeans;
#[path = "../src/evals/lse.rs"]
mod lse;
#[path = "../src/evals/ode.rs"]
mod ode;

fn unknown(eval: &str, function: &str) -> String {
    format!("{eval}: no function {function}")
}

fn time<T>(name: &str, mut f: impl FnMut() -> T) {
    let start = std::time::Instant::now();
    let mut runs = 0;
    let mut best = f64::INFINITY;
    while runs < 3 || start.elapsed().as_secs_f64() < 1.0 {
        let t = std::time::Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
        runs += 1;
    }
    println!("{name:>24}: {:>12.3} µs (best of {runs})", best * 1e6);
}

fn rand(state: &mut u64) -> f64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let mut s = 0x9e3779b97f4a7c15u64;
    match args.first().map(String::as_str) {
        Some("kmeans") => {
            let (k, n, d) = (num(1, 100), num(2, 1000), num(3, 16));
            let points: Vec<Vec<f64>> = (0..n)
                .map(|_| (0..d).map(|_| rand(&mut s)).collect())
                .collect();
            let centroids: Vec<Vec<f64>> = (0..k)
                .map(|_| (0..d).map(|_| rand(&mut s)).collect())
                .collect();
            let ones: Vec<Vec<f64>> = centroids.iter().map(|c| vec![1.0; c.len()]).collect();
            time("cost", || kmeans::cost(&points, &centroids));
            time("cost_grad", || kmeans::cost_grad(&points, &centroids));
            time("cost_hvp", || kmeans::cost_hvp(&points, &centroids, &ones));
            time("dir", || kmeans::dir(&points, &centroids));
        }
        Some("ode") => {
            let (n, steps) = (num(1, 1000), num(2, 10));
            let x: Vec<f64> = (0..n).map(|_| rand(&mut s)).collect();
            time("ode", || ode::ode(&x, steps));
            time("gradient", || ode::gradient(&x, steps));
        }
        Some("gmm") => {
            let (k, n, d) = (num(1, 25), num(2, 1000), num(3, 32));
            let mut row =
                |len: usize| -> Vec<f64> { (0..len).map(|_| rand(&mut s) - 0.5).collect() };
            let params = gmm::Params {
                alpha: row(k),
                mu: (0..k).map(|_| row(d)).collect(),
                q: (0..k).map(|_| row(d)).collect(),
                l: (0..k).map(|_| row(d * (d - 1) / 2)).collect(),
            };
            let x: Vec<Vec<f64>> = (0..n).map(|_| row(d)).collect();
            let wishart = gmm::Wishart { gamma: 1.0, m: 0 };
            let (mut dx, mut dmu, mut dq, mut dl) = (
                vec![0.0; d],
                vec![0.0; d],
                vec![0.0; d],
                vec![0.0; d * (d - 1) / 2],
            );
            time("half_mahalanobis", || {
                gmm::half_mahalanobis(&x[0], &params.mu[0], &params.q[0], &params.l[0])
            });
            time("half_mahalanobis_vjp_into", || {
                gmm::half_mahalanobis_vjp_into(
                    &x[0],
                    &params.mu[0],
                    &params.q[0],
                    &params.l[0],
                    1.0,
                    &mut dx,
                    &mut dmu,
                    &mut dq,
                    &mut dl,
                )
            });
            time("objective", || gmm::objective(&params, &x, &wishart));
            time("objective_grad", || {
                gmm::objective_grad(&params, &x, &wishart)
            });
        }
        Some("det") => {
            let ell = num(1, 9);
            let a: Vec<f64> = (0..ell * ell).map(|_| rand(&mut s) - 0.5).collect();
            time("det", || det::det(&a, ell));
            time("det_grad", || det::det_grad(&a, ell));
        }
        _ => eprintln!("usage: speed kmeans K N D | ode N S | gmm K N D | det ELL"),
    }
}
