//! `llsq`: the linear least-squares objective of cmpad,
//! `y(x) = ½ Σᵢ (sᵢ − Σⱼ xⱼ tᵢʲ)²` with `tᵢ = −1 + 2i/(n−1)` and `sᵢ = sign(tᵢ)`.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    x: Vec<f64>,
    n: usize,
}

/// The sign of `t`, 0 at 0 (not `f64::signum`, which is 1 there).
fn sign(t: f64) -> f64 {
    if t > 0.0 {
        1.0
    } else if t < 0.0 {
        -1.0
    } else {
        0.0
    }
}

#[differentiable(wrt(x))]
pub fn llsq(x: &[f64], n: usize) -> f64 {
    let mut total = 0.0;
    for i in 0..n {
        let t = -1.0 + i as f64 * 2.0 / (n as f64 - 1.0);
        let mut residual = sign(t);
        let mut power = 1.0;
        for &xj in x.iter() {
            residual -= xj * power;
            power *= t;
        }
        total += residual * residual;
    }
    total / 2.0
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { x, n } = parse(input)?;
    match function {
        "primal" => measure(input, || llsq(&x, n)),
        "gradient" => measure(input, || llsq_grad(&x, n)),
        _ => Err(super::unknown("llsq", function)),
    }
}
