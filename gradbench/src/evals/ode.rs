//! `ode`: cmpad's `an_ode`, `y₀' = x₀`, `yᵢ' = xᵢ yᵢ₋₁`, `y(0) = 0`, solved to `t = 2` by
//! `s` steps of fourth-order Runge-Kutta; the gradient of the last element of `y(2)`.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    x: Vec<f64>,
    s: usize,
}

#[differentiable(wrt(x))]
pub fn ode(x: &[f64], s: usize) -> Vec<f64> {
    let n = x.len();
    let h = 2.0 / s as f64;
    let mut y = vec![0.0; n];
    let mut k1 = vec![0.0; n];
    let mut k2 = vec![0.0; n];
    let mut k3 = vec![0.0; n];
    let mut k4 = vec![0.0; n];
    let mut tmp = vec![0.0; n];
    for _ in 0..s {
        k1[0] = x[0];
        for i in 1..n {
            k1[i] = x[i] * y[i - 1];
        }
        for i in 0..n {
            tmp[i] = y[i] + h * k1[i] / 2.0;
        }
        k2[0] = x[0];
        for i in 1..n {
            k2[i] = x[i] * tmp[i - 1];
        }
        for i in 0..n {
            tmp[i] = y[i] + h * k2[i] / 2.0;
        }
        k3[0] = x[0];
        for i in 1..n {
            k3[i] = x[i] * tmp[i - 1];
        }
        for i in 0..n {
            tmp[i] = y[i] + h * k3[i];
        }
        k4[0] = x[0];
        for i in 1..n {
            k4[i] = x[i] * tmp[i - 1];
        }
        for i in 0..n {
            y[i] += h * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) / 6.0;
        }
    }
    y
}

/// The gradient of the last element of `ode(x, s)`: one vector-Jacobian product.
pub fn gradient(x: &[f64], s: usize) -> Vec<f64> {
    let mut seed = vec![0.0; x.len()];
    if let Some(last) = seed.last_mut() {
        *last = 1.0;
    }
    ode_vjp(x, s, seed).1
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { x, s } = parse(input)?;
    match function {
        "primal" => measure(input, || ode(&x, s)),
        "gradient" => measure(input, || gradient(&x, s)),
        _ => Err(super::unknown("ode", function)),
    }
}
