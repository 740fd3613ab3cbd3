//! One module per GradBench eval, each answering its functions.

use crate::runs::Evaluated;
use serde_json::Value;

pub mod ba;
pub mod det;
pub mod gmm;
pub mod hello;
pub mod ht;
pub mod kmeans;
pub mod llsq;
pub mod lse;
pub mod lstm;
pub mod ode;

/// Why `particle` and `saddle` are not implemented: they need nested differentiation, a
/// `#[differentiable]` function calling another's generated `_grad`, and the macro does not
/// differentiate such a call yet. What it says, for
/// `#[differentiable(wrt(x))] fn h(x: f64, y: f64) -> f64 { g_grad(x, y) * x }` with `g` a
/// `#[differentiable(wrt(y))]` function of `(x, y)`:
const NESTED: &str = "needs nested differentiation (a #[differentiable] function calling \
    another's generated g_grad), which #[differentiable] does not support yet: it reports \
    `error[E0425]: cannot find function `g_grad_derivative` in this scope` for a scalar \
    gradient, and `error: this tuple pattern does not match the value's shape` for \
    `let (g1, g2) = f_grad(x1, x2, y1, y2);`";

/// Whether the tool implements `module`, and if not, why.
pub fn define(module: &str) -> Result<(), String> {
    match module {
        "hello" | "llsq" | "lse" | "det" | "kmeans" | "gmm" | "ode" | "lstm" | "ba" | "ht" => {
            Ok(())
        }
        "particle" | "saddle" => Err(format!("`{module}` {NESTED}")),
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
        _ => Err(format!("no such module: {module}")),
    }
}

pub(crate) fn unknown(module: &str, function: &str) -> String {
    format!("the eval `{module}` has no function `{function}`")
}
