//! `lse`: LogSumExp by its primitives, `a + ln Σᵢ exp(xᵢ − a)` with `a = max x`.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    x: Vec<f64>,
}

#[differentiable]
pub fn lse(x: &[f64]) -> f64 {
    let mut a: f64 = f64::NEG_INFINITY;
    for &xi in x.iter() {
        a = a.max(xi);
    }
    let mut total = 0.0;
    for &xi in x.iter() {
        total += (xi - a).exp();
    }
    total.ln() + a
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { x } = parse(input)?;
    match function {
        "primal" => measure(input, || lse(&x)),
        "gradient" => measure(input, || lse_grad(&x)),
        _ => Err(super::unknown("lse", function)),
    }
}
