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

/// The largest `ell` the evaluation takes: a minor's columns are the bits of a `u64`
/// (GradBench's largest `ell` is 11, and expansion by minors costs `ell!`).
pub const MAX_ELL: usize = 64;

/// The determinant of the minor of the row-major `ell × ell` matrix `a` made of the rows
/// `row..ell` and the columns whose bits are set in `cols`, expanded along its first row.
/// A set of columns is one integer, so no sub-minor moves or allocates anything (cmpad keeps
/// linked lists of rows and columns for the same reason).
#[differentiable(wrt(a))]
pub fn det_of_minor(a: &[f64], ell: usize, row: usize, cols: u64) -> f64 {
    if cols.count_ones() == 1 {
        return a[row * ell + cols.trailing_zeros() as usize];
    }
    let mut det = 0.0;
    let mut rest = cols;
    let mut plus = true;
    while rest != 0 {
        // The lowest column not yet expanded along.
        let c = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        let term = a[row * ell + c] * det_of_minor(a, ell, row + 1, cols & !(1u64 << c));
        if plus {
            det += term;
        } else {
            det -= term;
        }
        plus = !plus;
    }
    det
}

#[differentiable(wrt(a))]
pub fn det(a: &[f64], ell: usize) -> f64 {
    // The columns 0..ell, one bit each.
    let all = if ell == 64 {
        u64::MAX
    } else {
        (1u64 << ell) - 1
    };
    det_of_minor(a, ell, 0, all)
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { a, ell } = parse(input)?;
    if ell == 0 || ell > MAX_ELL {
        return Err(format!("ell is {ell}, outside 1..={MAX_ELL}"));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_3_by_3_determinant_and_its_cofactors() {
        // det = 2·(5·10 − 6·8) − 3·(4·10 − 6·7) + 1·(4·8 − 5·7) = 4 + 6 − 3 = 7, worked by hand;
        // ∂det/∂a_ij is the cofactor C_ij.
        let a = [2.0, 3.0, 1.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0];
        assert_eq!(det(&a, 3), 7.0);
        let cofactors = [2.0, 2.0, -3.0, -22.0, 13.0, 5.0, 13.0, -8.0, -2.0];
        assert_eq!(det_grad(&a, 3), cofactors);
    }

    #[test]
    fn gradient_against_finite_differences() {
        for ell in 1..=6 {
            let a: Vec<f64> = (0..ell * ell)
                .map(|k| ((k * 7 + 3) % 11) as f64 / 5.0 - 1.0)
                .collect();
            let report = check_grad(|a: &[f64]| det(a, ell), &a, &det_grad(&a, ell));
            assert!(report.max_rel_error < 1e-6, "ell = {ell}: {report:?}");
        }
    }
}
