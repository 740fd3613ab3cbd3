//! `det`: the determinant of an `ℓ × ℓ` matrix by expansion by minors (cmpad's
//! `det_by_minor`), recursive, and its gradient with respect to every element.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    #[serde(rename = "A")]
    a: Vec<f64>,
    ell: usize,
}

/// The determinant of the minor of the row-major `ell × ell` matrix `a` made of the rows
/// `row..ell` and the columns `cols`, expanded along its first row.
#[differentiable(wrt(a))]
pub fn det_of_minor(a: &[f64], ell: usize, row: usize, cols: &[usize]) -> f64 {
    if cols.len() == 1 {
        return a[row * ell + cols[0]];
    }
    let mut det = 0.0;
    for j in 0..cols.len() {
        let mut rest: Vec<usize> = Vec::with_capacity(cols.len() - 1);
        for (k, &c) in cols.iter().enumerate() {
            if k != j {
                rest.push(c);
            }
        }
        let term = a[row * ell + cols[j]] * det_of_minor(a, ell, row + 1, &rest);
        if j % 2 == 0 {
            det += term;
        } else {
            det -= term;
        }
    }
    det
}

#[differentiable(wrt(a))]
pub fn det(a: &[f64], ell: usize) -> f64 {
    let mut cols: Vec<usize> = Vec::with_capacity(ell);
    for c in 0..ell {
        cols.push(c);
    }
    det_of_minor(a, ell, 0, &cols)
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { a, ell } = parse(input)?;
    if a.len() != ell * ell {
        return Err(format!(
            "A has {} elements, not ell² = {}",
            a.len(),
            ell * ell
        ));
    }
    match function {
        "primal" => measure(input, || det(&a, ell)),
        "gradient" => measure(input, || det_grad(&a, ell)),
        _ => Err(super::unknown("det", function)),
    }
}
