//! `ht`: hand tracking (ADBench). A hand model's bones are posed by the parameters `theta`
//! (global rotation and translation, then the fingers' joint angles), its vertices skinned
//! by the bones' weights, and compared with measured points: each correspondence's error is
//! the point minus its vertex ("simple"), or minus a point of a triangle given by
//! barycentric coordinates `us` ("complicated"). The Jacobian is dense in `theta`, and in
//! `us` each error depends on its own two coordinates only, so it has 26 columns for
//! `theta` and 2 for `us`: Jacobian-vector products, fourteen columns per forward sweep of
//! `objective_jvp_lanes` (the `lanes` feature), where the primal runs once for all of them.

use crate::runs::{measure, parse, Evaluated};
use autodiff::prelude::*;
use autodiff::Lanes;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct ModelInput {
    parents: Vec<i64>,
    base_relatives: Vec<[[f64; 4]; 4]>,
    inverse_base_absolutes: Vec<[[f64; 4]; 4]>,
    base_positions: Vec<[f64; 4]>,
    weights: Vec<Vec<f64>>,
    triangles: Vec<[usize; 3]>,
    is_mirrored: bool,
}

#[derive(Deserialize)]
struct DataInput {
    model: ModelInput,
    correspondences: Vec<usize>,
    points: Vec<[f64; 3]>,
}

#[derive(Deserialize)]
struct Input {
    theta: Vec<f64>,
    data: DataInput,
    us: Vec<[f64; 2]>,
}

/// The hand model. Matrices are 4 × 4, row-major.
pub struct Model {
    /// Each bone's parent, `None` for a root; a parent comes before its children.
    pub parents: Vec<Option<usize>>,
    pub base_relatives: Vec<[f64; 16]>,
    pub inverse_base_absolutes: Vec<[f64; 16]>,
    /// Vertices in homogeneous coordinates.
    pub base_positions: Vec<[f64; 4]>,
    /// `weights[vertex][bone]`.
    pub weights: Vec<Vec<f64>>,
    pub triangles: Vec<[usize; 3]>,
    pub is_mirrored: bool,
}

/// The model, and for each measured point the vertex (or triangle) it corresponds to.
pub struct Data {
    pub model: Model,
    pub correspondences: Vec<usize>,
    pub points: Vec<[f64; 3]>,
}

fn flat(m: &[[f64; 4]; 4]) -> [f64; 16] {
    let mut out = [0.0; 16];
    for (r, row) in m.iter().enumerate() {
        out[4 * r..4 * r + 4].copy_from_slice(row);
    }
    out
}

impl From<DataInput> for Data {
    fn from(d: DataInput) -> Data {
        let m = d.model;
        Data {
            model: Model {
                parents: m.parents.iter().map(|&p| usize::try_from(p).ok()).collect(),
                base_relatives: m.base_relatives.iter().map(flat).collect(),
                inverse_base_absolutes: m.inverse_base_absolutes.iter().map(flat).collect(),
                base_positions: m.base_positions,
                weights: m.weights,
                triangles: m.triangles,
                is_mirrored: m.is_mirrored,
            },
            correspondences: d.correspondences,
            points: d.points,
        }
    }
}

/// Element `(r, c)` of the product of two 4 × 4 row-major matrices.
#[differentiable]
pub fn mat4_entry(a: &[f64], b: &[f64], r: usize, c: usize) -> f64 {
    a[4 * r] * b[c] + a[4 * r + 1] * b[4 + c] + a[4 * r + 2] * b[8 + c] + a[4 * r + 3] * b[12 + c]
}

/// The errors, three per correspondence. `us` is empty for the simple variant, else it holds
/// two barycentric coordinates per correspondence.
#[differentiable(wrt(theta, us))]
pub fn objective(theta: &[f64], us: &[[f64; 2]], data: &Data) -> Vec<f64> {
    let model = &data.model;
    let bones = model.parents.len();
    let verts = model.base_positions.len();

    // Pose parameters, three per column: global rotation, scale, global translation, then
    // one column per bone (the wrist's and each finger's base stay zero).
    let mut pose = vec![vec![0.0; 3]; bones + 3];
    for r in 0..3 {
        pose[0][r] = theta[r];
        pose[1][r] = 1.0;
        pose[2][r] = theta[3 + r];
    }
    let mut next = 6;
    let mut col = 5;
    for _finger in 0..5 {
        for joint in 2..=4 {
            pose[col][0] = theta[next];
            next += 1;
            if joint == 2 {
                pose[col][1] = theta[next];
                next += 1;
            }
            col += 1;
        }
        col += 1;
    }

    // Each bone's relative transform, its base one rotated by Euler angles (x, z, y):
    // base · [Rz Ry Rx, 0; 0, 1].
    let mut relatives = vec![vec![0.0; 16]; bones];
    for b in 0..bones {
        let (sx, cx) = (pose[b + 3][0].sin(), pose[b + 3][0].cos());
        let (sy, cy) = (pose[b + 3][2].sin(), pose[b + 3][2].cos());
        let (sz, cz) = (pose[b + 3][1].sin(), pose[b + 3][1].cos());
        let r00 = cz * cy;
        let r01 = -sz * cx + cz * sy * sx;
        let r02 = sz * sx + cz * sy * cx;
        let r10 = sz * cy;
        let r11 = cz * cx + sz * sy * sx;
        let r12 = -cz * sx + sz * sy * cx;
        let r20 = -sy;
        let r21 = cy * sx;
        let r22 = cy * cx;
        let base = &model.base_relatives[b];
        for r in 0..4 {
            let (b0, b1, b2) = (base[4 * r], base[4 * r + 1], base[4 * r + 2]);
            relatives[b][4 * r] = b0 * r00 + b1 * r10 + b2 * r20;
            relatives[b][4 * r + 1] = b0 * r01 + b1 * r11 + b2 * r21;
            relatives[b][4 * r + 2] = b0 * r02 + b1 * r12 + b2 * r22;
            relatives[b][4 * r + 3] = base[4 * r + 3];
        }
    }

    // Absolute transforms down the tree, then the skinning transforms.
    let mut absolutes = vec![vec![0.0; 16]; bones];
    let mut transforms = vec![vec![0.0; 16]; bones];
    for b in 0..bones {
        match model.parents[b] {
            None => {
                for e in 0..16 {
                    absolutes[b][e] = relatives[b][e];
                }
            }
            Some(parent) => {
                for r in 0..4 {
                    for c in 0..4 {
                        absolutes[b][4 * r + c] =
                            mat4_entry(&absolutes[parent], &relatives[b], r, c);
                    }
                }
            }
        }
        for r in 0..4 {
            for c in 0..4 {
                transforms[b][4 * r + c] =
                    mat4_entry(&absolutes[b], &model.inverse_base_absolutes[b], r, c);
            }
        }
    }

    // The global transform: rotation by the angle-axis vector, its columns scaled, then
    // translation.
    let norm = (pose[0][0] * pose[0][0] + pose[0][1] * pose[0][1] + pose[0][2] * pose[0][2]).sqrt();
    let mut rot = [0.0; 9];
    if norm < 0.0001 {
        rot[0] = 1.0;
        rot[4] = 1.0;
        rot[8] = 1.0;
    } else {
        let x = pose[0][0] / norm;
        let y = pose[0][1] / norm;
        let z = pose[0][2] / norm;
        let (s, c) = (norm.sin(), norm.cos());
        rot[0] = x * x + (1.0 - x * x) * c;
        rot[1] = x * y * (1.0 - c) - z * s;
        rot[2] = x * z * (1.0 - c) + y * s;
        rot[3] = x * y * (1.0 - c) + z * s;
        rot[4] = y * y + (1.0 - y * y) * c;
        rot[5] = y * z * (1.0 - c) - x * s;
        rot[6] = x * z * (1.0 - c) - y * s;
        rot[7] = z * y * (1.0 - c) + x * s;
        rot[8] = z * z + (1.0 - z * z) * c;
    }
    for r in 0..3 {
        for c in 0..3 {
            rot[3 * r + c] *= pose[1][c];
        }
    }

    // Skinning: each vertex is the weighted sum of its positions under every bone's
    // transform; then mirrored if the model is, and moved by the global transform.
    let mut positions = vec![vec![0.0; 3]; verts];
    for (v, p) in model.base_positions.iter().enumerate() {
        let mut s0 = 0.0;
        let mut s1 = 0.0;
        let mut s2 = 0.0;
        for (b, &weight) in model.weights[v].iter().enumerate() {
            let t = &transforms[b];
            s0 += weight * (t[0] * p[0] + t[1] * p[1] + t[2] * p[2] + t[3] * p[3]);
            s1 += weight * (t[4] * p[0] + t[5] * p[1] + t[6] * p[2] + t[7] * p[3]);
            s2 += weight * (t[8] * p[0] + t[9] * p[1] + t[10] * p[2] + t[11] * p[3]);
        }
        if model.is_mirrored {
            s0 = -s0;
        }
        for r in 0..3 {
            positions[v][r] =
                rot[3 * r] * s0 + rot[3 * r + 1] * s1 + rot[3 * r + 2] * s2 + pose[2][r];
        }
    }

    let mut err = vec![0.0; 3 * data.correspondences.len()];
    for (i, &corr) in data.correspondences.iter().enumerate() {
        for j in 0..3 {
            let hand_point = if us.is_empty() {
                positions[corr][j]
            } else {
                let [a, b, c] = model.triangles[corr];
                us[i][0] * positions[a][j]
                    + us[i][1] * positions[b][j]
                    + (1.0 - us[i][0] - us[i][1]) * positions[c][j]
            };
            err[3 * i + j] = data.points[i][j] - hand_point;
        }
    }
    err
}

/// The Jacobian, one row per error: for the complicated variant, the columns are the
/// derivatives in every correspondence's first and then second barycentric coordinate (each
/// error depends on its own only), then in `theta`. The columns are Jacobian-vector products,
/// `LANES` at a time: lane `k` of one sweep of `objective_jvp_lanes` is column `start + k`.
pub fn jacobian(theta: &[f64], us: &[[f64; 2]], data: &Data) -> Vec<Vec<f64>> {
    jacobian_in_lanes::<LANES>(theta, us, data)
}

/// How many columns one forward sweep computes.
pub const LANES: usize = 14;

/// The Jacobian from sweeps of `L` columns each.
pub fn jacobian_in_lanes<const L: usize>(
    theta: &[f64],
    us: &[[f64; 2]],
    data: &Data,
) -> Vec<Vec<f64>> {
    let rows = 3 * data.correspondences.len();
    let n_us = if us.is_empty() { 0 } else { 2 };
    let n_columns = n_us + theta.len();
    // Column `c`'s direction: one in the `c`-th coordinate (the `us` columns first).
    let one = |c: usize, coordinate: usize| if c == coordinate { 1.0 } else { 0.0 };
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(n_columns);
    for start in (0..n_columns).step_by(L) {
        let tan_theta: Vec<Lanes<f64, L>> = (0..theta.len())
            .map(|i| Lanes::from_fn(|k| one(start + k, n_us + i)))
            .collect();
        let tan_us: Vec<[Lanes<f64, L>; 2]> = us
            .iter()
            .map(|_| {
                [
                    Lanes::from_fn(|k| one(start + k, 0)),
                    Lanes::from_fn(|k| one(start + k, 1)),
                ]
            })
            .collect();
        let (_, tangents) = objective_jvp_lanes::<L>(theta, us, data, &tan_theta, &tan_us);
        for k in 0..L.min(n_columns - start) {
            columns.push(tangents.iter().map(|t| t[k]).collect());
        }
    }
    (0..rows)
        .map(|r| columns.iter().map(|column| column[r]).collect())
        .collect()
}

/// The Jacobian one column per sweep of `objective_jvp` (what `jacobian` computed before
/// lanes; kept to check them against each other).
#[cfg(test)]
pub fn jacobian_by_columns(theta: &[f64], us: &[[f64; 2]], data: &Data) -> Vec<Vec<f64>> {
    let rows = 3 * data.correspondences.len();
    let mut columns = Vec::with_capacity(theta.len() + 2);
    let no_theta = vec![0.0; theta.len()];
    if !us.is_empty() {
        for k in 0..2 {
            let mut dus = vec![[0.0; 2]; us.len()];
            for du in dus.iter_mut() {
                du[k] = 1.0;
            }
            columns.push(objective_jvp(theta, us, data, &no_theta, &dus).1);
        }
    }
    let no_us = vec![[0.0; 2]; us.len()];
    for k in 0..theta.len() {
        let mut dtheta = vec![0.0; theta.len()];
        dtheta[k] = 1.0;
        columns.push(objective_jvp(theta, us, data, &dtheta, &no_us).1);
    }
    (0..rows)
        .map(|r| columns.iter().map(|column| column[r]).collect())
        .collect()
}

pub fn evaluate(function: &str, input: &Value) -> Result<Evaluated, String> {
    let Input { theta, data, us } = parse(input)?;
    let data = Data::from(data);
    match function {
        "objective" => measure(input, || objective(&theta, &us, &data)),
        "jacobian" => measure(input, || jacobian(&theta, &us, &data)),
        _ => Err(super::unknown("ht", function)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand of 22 bones (a root, then a chain), `verts` vertices with weights on every
    /// bone, one correspondence per vertex; pseudo-random numbers from `seed`.
    fn hand(seed: u64, verts: usize) -> (Vec<f64>, Vec<[f64; 2]>, Data) {
        let mut s = seed;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let bones: usize = 22;
        let mut near_identity = || -> [f64; 16] {
            let mut m = [0.0; 16];
            for (e, v) in m.iter_mut().enumerate() {
                *v = if e % 5 == 0 { 1.0 } else { 0.0 } + 0.2 * next();
            }
            m[12..].copy_from_slice(&[0.0, 0.0, 0.0, 1.0]);
            m
        };
        let base_relatives = (0..bones).map(|_| near_identity()).collect();
        let inverse_base_absolutes = (0..bones).map(|_| near_identity()).collect();
        let base_positions = (0..verts).map(|_| [next(), next(), next(), 1.0]).collect();
        let weights = (0..verts)
            .map(|_| (0..bones).map(|_| next() + 0.5).collect())
            .collect();
        let triangles = (0..verts)
            .map(|v| [v, (v + 1) % verts, (v + 2) % verts])
            .collect();
        let data = Data {
            model: Model {
                parents: (0..bones).map(|b| b.checked_sub(1)).collect(),
                base_relatives,
                inverse_base_absolutes,
                base_positions,
                weights,
                triangles,
                is_mirrored: seed % 2 == 1,
            },
            correspondences: (0..verts).collect(),
            points: (0..verts).map(|_| [next(), next(), next()]).collect(),
        };
        let theta = (0..26).map(|_| next()).collect();
        let us = (0..verts).map(|_| [next() + 0.5, next() + 0.5]).collect();
        (theta, us, data)
    }

    #[test]
    fn lanes_give_the_columns_of_one_jvp_each() {
        for (seed, complicated) in [(1, false), (2, true), (3, true)] {
            let (theta, us, data) = hand(seed, 7);
            let us = if complicated { us } else { Vec::new() };
            let by_columns = jacobian_by_columns(&theta, &us, &data);
            assert_eq!(by_columns[0].len(), 26 + if complicated { 2 } else { 0 });
            // Bit for bit: each lane does the arithmetic of its own sweep.
            assert_eq!(jacobian_in_lanes::<1>(&theta, &us, &data), by_columns);
            assert_eq!(jacobian_in_lanes::<3>(&theta, &us, &data), by_columns);
            assert_eq!(jacobian_in_lanes::<8>(&theta, &us, &data), by_columns);
            assert_eq!(jacobian_in_lanes::<28>(&theta, &us, &data), by_columns);
        }
    }

    #[test]
    fn lanes_agree_with_central_differences() {
        let (theta, us, data) = hand(5, 6);
        let jacobian = jacobian(&theta, &us, &data);
        let h = 1e-6;
        for i in 0..theta.len() {
            let shifted = |d: f64| {
                let mut t = theta.clone();
                t[i] += d;
                objective(&t, &us, &data)
            };
            let (plus, minus) = (shifted(h), shifted(-h));
            for (r, row) in jacobian.iter().enumerate() {
                let fd = (plus[r] - minus[r]) / (2.0 * h);
                let exact = row[2 + i];
                assert!(
                    (fd - exact).abs() <= 1e-6 * (1.0 + exact.abs()),
                    "d err[{r}] / d theta[{i}]: lanes {exact}, central differences {fd}"
                );
            }
        }
        // The `us` columns: each error moves with its own correspondence's coordinates.
        for k in 0..2 {
            let shifted = |d: f64| {
                let mut u = us.clone();
                u.iter_mut().for_each(|u| u[k] += d);
                objective(&theta, &u, &data)
            };
            let (plus, minus) = (shifted(h), shifted(-h));
            for (r, row) in jacobian.iter().enumerate() {
                let fd = (plus[r] - minus[r]) / (2.0 * h);
                assert!((fd - row[k]).abs() <= 1e-6 * (1.0 + row[k].abs()));
            }
        }
    }
}
