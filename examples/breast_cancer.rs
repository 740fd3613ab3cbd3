//! Logistic regression on the Wisconsin diagnostic breast-cancer data set (569 samples, 30
//! features), trained by full-batch gradient descent with the gradient `#[differentiable]`
//! generates. The data is `examples/data/breast_cancer.csv`, copied from scikit-learn (see
//! `examples/data/README.md`).
//!
//! Run: `cargo run --release --example breast_cancer`

use autodiff::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use std::error::Error;
use std::time::Instant;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/breast_cancer.csv"
);
const EPOCHS: u64 = 300;
const LEARNING_RATE: f64 = 0.5;

/// Mean negative log-likelihood of the labels under `sigmoid(x · weights + bias)`.
///
/// With `z = x · w + b`, `-ln σ(z)` for `y = 1` and `-ln(1 - σ(z))` for `y = 0` are both
/// `ln(1 + e^z) - y z`, written as `max(z, 0) + ln(1 + e^-|z|) - y z` so that no
/// exponential overflows and no probability rounds to 0 before its logarithm is taken.
#[differentiable(wrt(weights, bias))]
pub fn loss(weights: &[f64], bias: f64, inputs: &[Vec<f64>], labels: &[f64]) -> f64 {
    let mut total = 0.0;
    for (i, row) in inputs.iter().enumerate() {
        let z = autodiff::dot(row, weights) + bias;
        total += z.max(0.0) + (-z.abs()).exp().ln_1p() - labels[i] * z;
    }
    total / inputs.len() as f64
}

/// The data set as read from the file.
struct Data {
    /// One row of 30 features per sample.
    inputs: Vec<Vec<f64>>,
    /// The class index of every sample, 0.0 or 1.0.
    labels: Vec<f64>,
    /// The names of classes 0 and 1.
    class_names: Vec<String>,
}

/// Reads the features and the 0/1 labels. scikit-learn's file starts with a line that is not
/// a header of column names but `n_samples,n_features,class_0_name,class_1_name`
/// (`569,30,malignant,benign`); every other line is 30 features then the class index.
fn read_data(path: &str) -> Result<Data, Box<dyn Error>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)?;
    let mut records = reader.records();
    let first = records.next().ok_or("empty data file")??;
    let n_samples: usize = first[0].parse()?;
    let n_features: usize = first[1].parse()?;
    let class_names = first.iter().skip(2).map(str::to_owned).collect();

    let mut inputs = Vec::with_capacity(n_samples);
    let mut labels = Vec::with_capacity(n_samples);
    for record in records {
        let record = record?;
        if record.len() != n_features + 1 {
            return Err(format!("line {}: {} fields", inputs.len() + 2, record.len()).into());
        }
        let row = record
            .iter()
            .take(n_features)
            .map(str::parse)
            .collect::<Result<Vec<f64>, _>>()?;
        inputs.push(row);
        labels.push(record[n_features].parse()?);
    }
    if inputs.len() != n_samples {
        return Err(format!("{} samples, the first line says {n_samples}", inputs.len()).into());
    }
    Ok(Data {
        inputs,
        labels,
        class_names,
    })
}

/// Standardises every column in place to zero mean and unit variance.
fn standardise(inputs: &mut [Vec<f64>]) {
    let n = inputs.len() as f64;
    for j in 0..inputs[0].len() {
        let mean = inputs.iter().map(|row| row[j]).sum::<f64>() / n;
        let var = inputs
            .iter()
            .map(|row| (row[j] - mean).powi(2))
            .sum::<f64>()
            / n;
        let std = if var > 0.0 { var.sqrt() } else { 1.0 };
        for row in inputs.iter_mut() {
            row[j] = (row[j] - mean) / std;
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let Data {
        mut inputs,
        labels,
        class_names,
    } = read_data(DATA)?;
    let positives = labels.iter().filter(|&&y| y == 1.0).count();
    println!(
        "{} samples, {} features; {} {}, {} {}",
        inputs.len(),
        inputs[0].len(),
        labels.len() - positives,
        class_names[0],
        positives,
        class_names[1],
    );
    standardise(&mut inputs);

    let mut weights = vec![0.0; inputs[0].len()];
    let mut bias = 0.0;

    // The generated gradient against central finite differences, once, at the start.
    let (gw, gb) = loss_grad(&weights, bias, &inputs, &labels);
    let mut params = weights.clone();
    params.push(bias);
    let mut grad = gw;
    grad.push(gb);
    let n = weights.len();
    let check = check_grad(|p| loss(&p[..n], p[n], &inputs, &labels), &params, &grad);
    println!(
        "Gradient check: worst relative error {:e}",
        check.max_rel_error
    );

    let start = Instant::now();
    let bar = ProgressBar::new(EPOCHS);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos:>3}/{len} epochs  {msg}")?
            .progress_chars("=> "),
    );
    for epoch in 1..=EPOCHS {
        let (value, (gw, gb)) = loss_value_and_grad(&weights, bias, &inputs, &labels);
        for (w, g) in weights.iter_mut().zip(&gw) {
            *w -= LEARNING_RATE * g;
        }
        bias -= LEARNING_RATE * gb;
        bar.set_message(format!("loss {value:.6}"));
        bar.inc(1);
        if epoch == 1 || epoch % 50 == 0 {
            bar.suspend(|| println!("epoch {epoch:>3}  loss before the step {value:.6}"));
        }
    }
    bar.finish_and_clear();
    let elapsed = start.elapsed();

    let correct = inputs
        .iter()
        .zip(&labels)
        .filter(|(row, &y)| {
            let z = autodiff::dot(row, &weights) + bias;
            (z > 0.0) == (y == 1.0)
        })
        .count();
    println!("Final loss: {:.6}", loss(&weights, bias, &inputs, &labels));
    println!(
        "Training accuracy: {:.2}% ({correct}/{})",
        100.0 * correct as f64 / inputs.len() as f64,
        inputs.len()
    );
    println!("{EPOCHS} epochs in {:.1} ms", elapsed.as_secs_f64() * 1e3);
    Ok(())
}
