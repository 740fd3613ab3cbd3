//! One module per GradBench eval, each answering its functions.

use crate::runs::Evaluated;
use serde_json::Value;

pub mod ba;
pub mod det;
mod gd;
pub mod gmm;
pub mod hello;
pub mod ht;
pub mod kmeans;
pub mod llsq;
pub mod lse;
pub mod lstm;
pub mod ode;
pub mod particle;
pub mod saddle;

/// Whether the tool implements `module`, and if not, why.
pub fn define(module: &str) -> Result<(), String> {
    match module {
        "hello" | "llsq" | "lse" | "det" | "kmeans" | "gmm" | "ode" | "lstm" | "ba" | "ht"
        | "particle" | "saddle" => Ok(()),
        _ => Err(format!(
            "autodiff-gradbench does not implement the eval `{module}`"
        )),
    }
}

/// Runs `function` of `module` on `input`.
pub fn evaluate(module: &str, function: &str, input: Value) -> Result<Evaluated, String> {
    match module {
        "hello" => hello::evaluate(function, &input),
        "llsq" => llsq::evaluate(function, &input),
        "lse" => lse::evaluate(function, &input),
        "det" => det::evaluate(function, &input),
        "kmeans" => kmeans::evaluate(function, &input),
        "gmm" => gmm::evaluate(function, &input),
        "ode" => ode::evaluate(function, &input),
        "lstm" => lstm::evaluate(function, &input),
        "ba" => ba::evaluate(function, &input),
        "ht" => ht::evaluate(function, &input),
        "particle" => particle::evaluate(function, &input),
        "saddle" => saddle::evaluate(function, &input),
        _ => Err(format!("no such module: {module}")),
    }
}

pub(crate) fn unknown(module: &str, function: &str) -> String {
    format!("the eval `{module}` has no function `{function}`")
}
