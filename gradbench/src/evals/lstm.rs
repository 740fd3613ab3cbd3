//! `lstm`: ADBench's LSTM (with diagonal weight matrices) predicting each character of a
//! text from the previous ones; the objective is the mean log-likelihood's negative, and its
//! gradient is taken with respect to the weights, a `#[derive(Differentiable)]` struct: the
//! gradient has the struct's type, flattened by `to_flat` in GradBench's order.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    main_params: Vec<Vec<f64>>,
    extra_params: Vec<Vec<f64>>,
    state: Vec<Vec<f64>>,
    sequence: Vec<Vec<f64>>,
}

/// The weights: `main` holds two rows a layer, the weights then the biases, each the four
/// gates (forget, input, output, change) of `b` elements one after the other; `extra` the
/// input weights, output weights and output biases.
#[derive(Clone, Debug, Differentiable)]
pub struct Weights {
    pub main: Vec<Vec<f64>>,
    pub extra: Vec<Vec<f64>>,
}

#[differentiable]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `state` holds two rows a layer, hidden then cell; `sequence` one row of `b` bits a
/// character.
#[differentiable(wrt(weights))]
pub fn objective(weights: &Weights, state: &[Vec<f64>], sequence: &[Vec<f64>]) -> f64 {
    let layers = weights.main.len() / 2;
    let b = sequence[0].len();
    let mut hidden = vec![vec![0.0; b]; layers];
    let mut cell = vec![vec![0.0; b]; layers];
    for layer in 0..layers {
        for i in 0..b {
            hidden[layer][i] = state[2 * layer][i];
            cell[layer][i] = state[2 * layer + 1][i];
        }
    }
    let mut input = vec![0.0; b];
    let mut ypred = vec![0.0; b];
    let mut total = 0.0;
    let mut count = 0;
    for t in 0..sequence.len() - 1 {
        for i in 0..b {
            input[i] = sequence[t][i] * weights.extra[0][i];
        }
        for layer in 0..layers {
            let weight = &weights.main[2 * layer];
            let bias = &weights.main[2 * layer + 1];
            for i in 0..b {
                let x = if layer == 0 {
                    input[i]
                } else {
                    hidden[layer - 1][i]
                };
                let forget = sigmoid(x * weight[i] + bias[i]);
                let ingate = sigmoid(hidden[layer][i] * weight[b + i] + bias[b + i]);
                let outgate = sigmoid(x * weight[2 * b + i] + bias[2 * b + i]);
                let change = (hidden[layer][i] * weight[3 * b + i] + bias[3 * b + i]).tanh();
                cell[layer][i] = cell[layer][i] * forget + ingate * change;
                hidden[layer][i] = outgate * cell[layer][i].tanh();
            }
        }
        for i in 0..b {
            ypred[i] = hidden[layers - 1][i] * weights.extra[1][i] + weights.extra[2][i];
        }
        // ADBench's "logsumexp": ln(Σ exp(yᵢ) + 2).
        let mut sum = 2.0;
        for &y in ypred.iter() {
            sum += y.exp();
        }
        let lse = sum.ln();
        for i in 0..b {
            total += sequence[t + 1][i] * (ypred[i] - lse);
        }
        count += b;
    }
    -total / count as f64
}

/// The gradient, the rows of `main` then those of `extra`, flat.
pub fn jacobian(weights: &Weights, state: &[Vec<f64>], sequence: &[Vec<f64>]) -> Vec<f64> {
    objective_grad(weights, state, sequence).to_flat()
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input {
        main_params,
        extra_params,
        state,
        sequence,
    } = parse(input)?;
    let weights = Weights {
        main: main_params,
        extra: extra_params,
    };
    let (w, s, q) = (&weights, &state, &sequence);
    match function {
        "objective" => measure(input, || objective(w, s, q)),
        "jacobian" => measure(input, || jacobian(w, s, q)),
        _ => Err(super::unknown("lstm", function)),
    }
}
