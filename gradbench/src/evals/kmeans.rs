//! `kmeans`: the cost `f(P, C) = Σᵢ minⱼ |Cⱼ − Pᵢ|²` and the Newton direction `J H⁻¹`,
//! where `J` is its gradient with respect to the centroids and `H` its Hessian, which is
//! diagonal.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Input {
    points: Vec<Vec<f64>>,
    centroids: Vec<Vec<f64>>,
}

#[differentiable(wrt(centroids))]
pub fn cost(points: &[Vec<f64>], centroids: &[Vec<f64>]) -> f64 {
    let mut total = 0.0;
    for p in points.iter() {
        let mut closest: f64 = f64::INFINITY;
        for c in centroids.iter() {
            let mut dist = 0.0;
            for (&a, &b) in p.iter().zip(c.iter()) {
                dist += (a - b) * (a - b);
            }
            closest = closest.min(dist);
        }
        total += closest;
    }
    total
}

/// `J H⁻¹`: the gradient and the Hessian's diagonal from one sweep, `cost_grad_and_hvp`
/// along the all-ones direction (the product is the diagonal, exactly, since the Hessian is
/// diagonal).
pub fn dir(points: &[Vec<f64>], centroids: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let ones: Vec<Vec<f64>> = centroids.iter().map(|c| vec![1.0; c.len()]).collect();
    let (mut j, h) = cost_grad_and_hvp(points, centroids, &ones);
    for (jr, hr) in j.iter_mut().zip(&h) {
        for (jv, hv) in jr.iter_mut().zip(hr) {
            *jv /= hv;
        }
    }
    j
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { points, centroids } = parse(input)?;
    match function {
        "cost" => measure(input, || cost(&points, &centroids)),
        "dir" => measure(input, || dir(&points, &centroids)),
        _ => Err(super::unknown("kmeans", function)),
    }
}
