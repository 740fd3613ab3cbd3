//! The gradient descent `particle` and `saddle` share, as GradBench's C++ tools run it
//! (`cpp/gradbench/gd.hpp`): steps of `η·∇`, `η` doubled after ten accepted steps and halved
//! after a rejected one, from `η = 1e-5`, until the gradient or the step is at most `1e-5`.
//! Written here for plain `f64` closures: the outer descents it runs are not differentiated.
//! The inner ones, which are, are written out in the differentiable functions.

/// The argmin of `objective` from `start`, with `gradient` its gradient.
pub fn argmin(
    start: &[f64],
    objective: impl Fn(&[f64]) -> f64,
    gradient: impl Fn(&[f64]) -> Vec<f64>,
) -> Vec<f64> {
    let mut x = start.to_vec();
    let mut fx = objective(&x);
    let mut gx = gradient(&x);
    let mut i = 0;
    let mut eta = 1e-5;
    loop {
        if magnitude(&gx) <= 1e-5 {
            return x;
        } else if i == 10 {
            eta *= 2.0;
            i = 0;
        } else {
            let x_prime: Vec<f64> = x.iter().zip(&gx).map(|(x, g)| x - eta * g).collect();
            let step: Vec<f64> = x.iter().zip(&x_prime).map(|(a, b)| a - b).collect();
            if magnitude(&step) <= 1e-5 {
                return x;
            }
            let fx_prime = objective(&x_prime);
            if fx_prime < fx {
                x = x_prime;
                fx = fx_prime;
                gx = gradient(&x);
                i += 1;
            } else {
                eta /= 2.0;
                i = 0;
            }
        }
    }
}

/// The argmax of `objective`: the argmin of its negation.
pub fn argmax(
    start: &[f64],
    objective: impl Fn(&[f64]) -> f64,
    gradient: impl Fn(&[f64]) -> Vec<f64>,
) -> Vec<f64> {
    argmin(
        start,
        |x| -objective(x),
        |x| gradient(x).iter().map(|g| -g).collect(),
    )
}

fn magnitude(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}
