//! `hello`: `square(x) = x²` and its derivative `double`.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde_json::Value;

#[differentiable]
pub fn square(x: f64) -> f64 {
    x * x
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let x: f64 = parse(input)?;
    match function {
        "square" => measure(input, || square(x)),
        "double" => measure(input, || square_grad(x)),
        _ => Err(super::unknown("hello", function)),
    }
}
