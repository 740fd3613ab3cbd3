//! Minimises the extended Rosenbrock function in 100 dimensions two ways, from the standard
//! start (−1.2, 1, −1.2, 1, ...): Newton-CG, whose inner conjugate-gradient solves use only
//! the exact Hessian-vector products of `rosenbrock_hvp`, and gradient descent with the same
//! line search. The minimum is at (1, ..., 1), where f = 0.
//!
//! ```sh
//! cargo run --release --example newton_rosenbrock
//! ```

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

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A step length along `p` that decreases `f` enough (Armijo), by halving from 1.
fn line_search(x: &[f64], f: f64, g: &[f64], p: &[f64]) -> f64 {
    let slope = dot(g, p);
    let mut t = 1.0;
    while t > 1e-20 {
        let moved: Vec<f64> = x.iter().zip(p).map(|(a, b)| a + t * b).collect();
        if rosenbrock(&moved) <= f + 1e-4 * t * slope {
            return t;
        }
        t *= 0.5;
    }
    t
}

/// Approximately solves `H p = −g` by conjugate gradients on Hessian-vector products,
/// stopping at negative curvature (then the steepest descent direction is used); returns the
/// direction and the number of products taken.
fn newton_direction(x: &[f64], g: &[f64]) -> (Vec<f64>, usize) {
    let n = x.len();
    let tolerance = (dot(g, g).sqrt()).min(0.5) * dot(g, g).sqrt();
    let mut p = vec![0.0; n];
    let mut r: Vec<f64> = g.iter().map(|v| -v).collect();
    let mut d = r.clone();
    let mut products = 0;
    for _ in 0..n {
        let hd = rosenbrock_hvp(x, &d);
        products += 1;
        let curvature = dot(&d, &hd);
        if curvature <= 0.0 {
            if products == 1 {
                p = r.clone();
            }
            break;
        }
        let alpha = dot(&r, &r) / curvature;
        let rr = dot(&r, &r);
        for k in 0..n {
            p[k] += alpha * d[k];
            r[k] -= alpha * hd[k];
        }
        if dot(&r, &r).sqrt() < tolerance {
            break;
        }
        let beta = dot(&r, &r) / rr;
        for k in 0..n {
            d[k] = r[k] + beta * d[k];
        }
    }
    (p, products)
}

struct Run {
    iterations: usize,
    products: usize,
    x: Vec<f64>,
}

fn newton_cg(x0: &[f64], max_iterations: usize) -> Run {
    let mut x = x0.to_vec();
    let mut products = 0;
    for iteration in 0..max_iterations {
        let (f, g) = rosenbrock_value_and_grad(&x);
        if dot(&g, &g).sqrt() < 1e-10 {
            return Run {
                iterations: iteration,
                products,
                x,
            };
        }
        let (p, k) = newton_direction(&x, &g);
        products += k;
        let t = line_search(&x, f, &g, &p);
        x.iter_mut().zip(&p).for_each(|(a, b)| *a += t * b);
    }
    Run {
        iterations: max_iterations,
        products,
        x,
    }
}

fn gradient_descent(x0: &[f64], max_iterations: usize) -> Run {
    let mut x = x0.to_vec();
    for iteration in 0..max_iterations {
        let (f, g) = rosenbrock_value_and_grad(&x);
        if dot(&g, &g).sqrt() < 1e-10 {
            return Run {
                iterations: iteration,
                products: 0,
                x,
            };
        }
        let p: Vec<f64> = g.iter().map(|v| -v).collect();
        let t = line_search(&x, f, &g, &p);
        x.iter_mut().zip(&p).for_each(|(a, b)| *a += t * b);
    }
    Run {
        iterations: max_iterations,
        products: 0,
        x,
    }
}

fn report(name: &str, run: &Run) {
    let error = run.x.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max);
    println!(
        "{name:>16}: {:>6} iterations, {:>5} Hessian-vector products, f = {:.3e}, max |x - 1| = {:.3e}",
        run.iterations,
        run.products,
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
    let newton = newton_cg(&x0, 200);
    report("Newton-CG", &newton);
    let descent = gradient_descent(&x0, 20_000);
    report("gradient descent", &descent);
}
