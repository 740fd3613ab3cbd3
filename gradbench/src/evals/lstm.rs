//! `lstm`: ADBench's LSTM (with diagonal weight matrices) predicting each character of a
//! text from the previous ones; the objective is the mean log-likelihood's negative, and its
//! gradient is taken with respect to `main_params` and `extra_params`.

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

#[differentiable]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `main_params` holds two rows a layer, the weights then the biases, each the four gates
/// (forget, input, output, change) of `b` elements one after the other; `extra_params` the
/// input weights, output weights and output biases; `state` two rows a layer, hidden then
/// cell; `sequence` one row of `b` bits a character.
#[differentiable(wrt(main_params, extra_params))]
pub fn objective(
    main_params: &[Vec<f64>],
    extra_params: &[Vec<f64>],
    state: &[Vec<f64>],
    sequence: &[Vec<f64>],
) -> f64 {
    let layers = main_params.len() / 2;
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
            input[i] = sequence[t][i] * extra_params[0][i];
        }
        for layer in 0..layers {
            let weight = &main_params[2 * layer];
            let bias = &main_params[2 * layer + 1];
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
            ypred[i] = hidden[layers - 1][i] * extra_params[1][i] + extra_params[2][i];
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

/// The gradient, `main_params`' rows then `extra_params`' rows, flat.
pub fn jacobian(
    main_params: &[Vec<f64>],
    extra_params: &[Vec<f64>],
    state: &[Vec<f64>],
    sequence: &[Vec<f64>],
) -> Vec<f64> {
    let (main, extra) = objective_grad(main_params, extra_params, state, sequence);
    main.into_iter().chain(extra).flatten().collect()
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input {
        main_params,
        extra_params,
        state,
        sequence,
    } = parse(input)?;
    let (m, e, s, q) = (&main_params, &extra_params, &state, &sequence);
    match function {
        "objective" => measure(input, || objective(m, e, s, q)),
        "jacobian" => measure(input, || jacobian(m, e, s, q)),
        _ => Err(super::unknown("lstm", function)),
    }
}
