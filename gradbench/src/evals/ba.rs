//! `ba`: bundle adjustment (ADBench). Each observation projects a point through a camera
//! (Rodrigues rotation, perspective division, radial distortion) and compares it with a
//! feature, weighted; each weight has an error `1 − w²`. The Jacobian is sparse: for each
//! observation, the two rows of the reprojection error in its camera's 11 parameters, its
//! point's 3 and its weight, from two vector-Jacobian products; then one row per weight.
//! The camera is a `#[derive(Differentiable)]` struct, so its gradient is a `Camera`.

use crate::runs::{measure_with, parse, Evaluated};
use autodiff::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const CAM_PARAMS: usize = 11;

/// A camera: angle-axis rotation, centre, focal length, principal point, radial distortion,
/// GradBench's eleven parameters in this order.
#[derive(Clone, Debug, Differentiable)]
pub struct Camera {
    pub rotation: [f64; 3],
    pub center: [f64; 3],
    pub focal: f64,
    pub principal: [f64; 2],
    pub distortion: [f64; 2],
}

impl Camera {
    /// From GradBench's eleven numbers.
    fn new(c: &[f64]) -> Camera {
        Camera {
            rotation: [c[0], c[1], c[2]],
            center: [c[3], c[4], c[5]],
            focal: c[6],
            principal: [c[7], c[8]],
            distortion: [c[9], c[10]],
        }
    }

    /// Its eleven numbers, in GradBench's order, appended to `out`.
    fn extend(&self, out: &mut Vec<f64>) {
        out.extend_from_slice(&self.rotation);
        out.extend_from_slice(&self.center);
        out.push(self.focal);
        out.extend_from_slice(&self.principal);
        out.extend_from_slice(&self.distortion);
    }
}

#[derive(Deserialize)]
struct Input {
    n: usize,
    m: usize,
    p: usize,
    cam: Vec<f64>,
    x: Vec<f64>,
    w: f64,
    feat: Vec<f64>,
}

/// The problem, with its one camera, point, weight and feature repeated as GradBench asks:
/// `n` cameras, `m` points, `p` observations, observation `i` of camera `i mod n` and point
/// `i mod m`.
pub struct Problem {
    cams: Vec<Camera>,
    points: Vec<[f64; 3]>,
    weights: Vec<f64>,
    features: Vec<Vec<f64>>,
    obs: Vec<(usize, usize)>,
}

impl Problem {
    fn new(input: Input) -> Problem {
        Problem {
            cams: vec![Camera::new(&input.cam); input.n],
            points: vec![[input.x[0], input.x[1], input.x[2]]; input.m],
            weights: vec![input.w; input.p],
            features: vec![input.feat; input.p],
            obs: (0..input.p).map(|i| (i % input.n, i % input.m)).collect(),
        }
    }
}

/// Reprojection error of `x` seen by the camera `cam` against the feature `feat`, weighted
/// by `w`.
#[differentiable(wrt(cam, x, w))]
pub fn reprojection_error(cam: &Camera, x: &[f64; 3], w: f64, feat: &[f64]) -> [f64; 2] {
    // Into the camera's frame: X − C, rotated by Rodrigues' formula.
    let [r0, r1, r2] = cam.rotation;
    let p0 = x[0] - cam.center[0];
    let p1 = x[1] - cam.center[1];
    let p2 = x[2] - cam.center[2];
    let sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
    let (q0, q1, q2) = if sqtheta != 0.0 {
        let theta = sqtheta.sqrt();
        let (sin, cos) = (theta.sin(), theta.cos());
        let w0 = r0 / theta;
        let w1 = r1 / theta;
        let w2 = r2 / theta;
        let tmp = (w0 * p0 + w1 * p1 + w2 * p2) * (1.0 - cos);
        (
            p0 * cos + (w1 * p2 - w2 * p1) * sin + w0 * tmp,
            p1 * cos + (w2 * p0 - w0 * p2) * sin + w1 * tmp,
            p2 * cos + (w0 * p1 - w1 * p0) * sin + w2 * tmp,
        )
    } else {
        (
            p0 + (r1 * p2 - r2 * p1),
            p1 + (r2 * p0 - r0 * p2),
            p2 + (r0 * p1 - r1 * p0),
        )
    };
    // Perspective division, radial distortion, focal length and principal point.
    let u = q0 / q2;
    let v = q1 / q2;
    let rsq = u * u + v * v;
    let distortion = 1.0 + cam.distortion[0] * rsq + cam.distortion[1] * rsq * rsq;
    let proj_u = u * distortion * cam.focal + cam.principal[0];
    let proj_v = v * distortion * cam.focal + cam.principal[1];
    [w * (proj_u - feat[0]), w * (proj_v - feat[1])]
}

#[differentiable]
pub fn weight_error(w: f64) -> f64 {
    1.0 - w * w
}

pub struct Objective {
    reproj_err: Vec<f64>,
    w_err: Vec<f64>,
}

pub fn objective(problem: &Problem) -> Objective {
    let mut reproj_err = Vec::with_capacity(2 * problem.obs.len());
    for (i, &(c, pt)) in problem.obs.iter().enumerate() {
        let e = reprojection_error(
            &problem.cams[c],
            &problem.points[pt],
            problem.weights[i],
            &problem.features[i],
        );
        reproj_err.extend_from_slice(&e);
    }
    let w_err = problem.weights.iter().map(|&w| weight_error(w)).collect();
    Objective { reproj_err, w_err }
}

/// The Jacobian in compressed sparse rows: `rows` has one more element than there are rows;
/// row `r`'s columns and values are `cols[rows[r]..rows[r + 1]]`, `vals[..]`.
#[derive(Serialize)]
pub struct SparseMat {
    rows: Vec<usize>,
    cols: Vec<usize>,
    vals: Vec<f64>,
}

pub fn jacobian(problem: &Problem) -> SparseMat {
    let (n, m, p) = (problem.cams.len(), problem.points.len(), problem.obs.len());
    let per_row = CAM_PARAMS + 3 + 1;
    let mut jac = SparseMat {
        rows: Vec::with_capacity(3 * p + 1),
        cols: Vec::with_capacity(2 * per_row * p + p),
        vals: Vec::with_capacity(2 * per_row * p + p),
    };
    jac.rows.push(0);
    for (i, &(c, pt)) in problem.obs.iter().enumerate() {
        for seed in [[1.0, 0.0], [0.0, 1.0]] {
            let mut dcam = problem.cams[c].zeros_like();
            let mut dx = [0.0; 3];
            let mut dw = 0.0;
            reprojection_error_vjp_into(
                &problem.cams[c],
                &problem.points[pt],
                problem.weights[i],
                &problem.features[i],
                seed,
                &mut dcam,
                &mut dx,
                &mut dw,
            );
            jac.rows.push(jac.rows.last().unwrap() + per_row);
            jac.cols.extend(CAM_PARAMS * c..CAM_PARAMS * (c + 1));
            dcam.extend(&mut jac.vals);
            jac.cols
                .extend(CAM_PARAMS * n + 3 * pt..CAM_PARAMS * n + 3 * (pt + 1));
            jac.vals.extend_from_slice(&dx);
            jac.cols.push(CAM_PARAMS * n + 3 * m + i);
            jac.vals.push(dw);
        }
    }
    for (i, &w) in problem.weights.iter().enumerate() {
        jac.rows.push(jac.rows.last().unwrap() + 1);
        jac.cols.push(CAM_PARAMS * n + 3 * m + i);
        jac.vals.push(weight_error_grad(w));
    }
    jac
}

/// GradBench's form of the objective: the error of the first observation and of the first
/// weight (all the same, by the repetition), with how many there are.
fn objective_json(o: &Objective) -> Value {
    json!({
        "reproj_error": { "elements": &o.reproj_err[..2], "repeated": o.reproj_err.len() / 2 },
        "w_err": { "element": o.w_err[0], "repeated": o.w_err.len() },
    })
}

/// GradBench's form of the Jacobian: the first 30 entries of each list and the last one.
fn jacobian_json(j: &SparseMat) -> Value {
    fn cut<T: Copy + Serialize>(v: &[T]) -> Vec<T> {
        let mut out = v[..30.min(v.len())].to_vec();
        out.push(*v.last().unwrap());
        out
    }
    json!({ "rows": cut(&j.rows), "cols": cut(&j.cols), "vals": cut(&j.vals) })
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let problem = Problem::new(parse(input)?);
    match function {
        "objective" => measure_with(input, || objective(&problem), objective_json),
        "jacobian" => measure_with(input, || jacobian(&problem), jacobian_json),
        _ => Err(super::unknown("ba", function)),
    }
}
