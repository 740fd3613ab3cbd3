//! A two-layer network (one tanh hidden layer) written as differentiable functions calling
//! each other, trained by gradient descent on a small generated data set:
//! y = sin(x₀) + x₁/2 on 64 points of [-2, 2]².

use autodiff::prelude::*;

/// One hidden unit: tanh(w · x + b).
#[differentiable]
fn unit(x: &[f64], w: &[f64], b: f64) -> f64 {
    (dot(x, w) + b).tanh()
}

/// The network's output: b₂ + Σⱼ w₂ⱼ · unit(x, w₁ⱼ, b₁ⱼ).
#[differentiable]
fn predict(x: &[f64], w1: &[Vec<f64>], b1: &[f64], w2: &[f64], b2: f64) -> f64 {
    let mut out = b2;
    for j in 0..w1.len() {
        out += w2[j] * unit(x, &w1[j], b1[j]);
    }
    out
}

/// The mean squared error over the data set.
#[differentiable(wrt(w1, b1, w2, b2))]
fn loss(xs: &[Vec<f64>], ys: &[f64], w1: &[Vec<f64>], b1: &[f64], w2: &[f64], b2: f64) -> f64 {
    let mut total = 0.0;
    for (i, x) in xs.iter().enumerate() {
        let error = predict(x, w1, b1, w2, b2) - ys[i];
        total += error * error;
    }
    total / xs.len() as f64
}

/// A fixed pseudo-random sequence in [-1, 1) (no dependency needed for a demo).
fn uniform(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

fn main() {
    let mut state = 7;
    let xs: Vec<Vec<f64>> = (0..64)
        .map(|_| vec![2.0 * uniform(&mut state), 2.0 * uniform(&mut state)])
        .collect();
    let ys: Vec<f64> = xs.iter().map(|x| x[0].sin() + 0.5 * x[1]).collect();
    let hidden = 8;
    let mut w1: Vec<Vec<f64>> = (0..hidden)
        .map(|_| vec![uniform(&mut state), uniform(&mut state)])
        .collect();
    let mut b1: Vec<f64> = (0..hidden).map(|_| 0.1 * uniform(&mut state)).collect();
    let mut w2: Vec<f64> = (0..hidden).map(|_| 0.5 * uniform(&mut state)).collect();
    let mut b2 = 0.0;

    // The generated gradient against central finite differences, once, before training.
    let (g_w1, g_b1, g_w2, g_b2) = loss_grad(&xs, &ys, &w1, &b1, &w2, b2);
    let flat: Vec<f64> = w1
        .iter()
        .flatten()
        .chain(&b1)
        .chain(&w2)
        .copied()
        .chain([b2])
        .collect();
    let grad: Vec<f64> = g_w1
        .iter()
        .flatten()
        .chain(&g_b1)
        .chain(&g_w2)
        .copied()
        .chain([g_b2])
        .collect();
    let unflatten = |p: &[f64]| {
        let w1: Vec<Vec<f64>> = p[..2 * hidden].chunks(2).map(|c| c.to_vec()).collect();
        (
            w1,
            p[2 * hidden..3 * hidden].to_vec(),
            p[3 * hidden..4 * hidden].to_vec(),
            p[4 * hidden],
        )
    };
    let check = check_grad(
        |p| {
            let (w1, b1, w2, b2) = unflatten(p);
            loss(&xs, &ys, &w1, &b1, &w2, b2)
        },
        &flat,
        &grad,
    );
    println!(
        "Gradient check: worst relative error {:.1e}",
        check.max_rel_error
    );
    check.assert_within(1e-6);

    let rate = 0.1;
    for epoch in 0..=500 {
        let (value, (g_w1, g_b1, g_w2, g_b2)) = loss_value_and_grad(&xs, &ys, &w1, &b1, &w2, b2);
        if epoch % 100 == 0 {
            println!("epoch {epoch:3}  loss {value:.6}");
        }
        for (row, g_row) in w1.iter_mut().zip(&g_w1) {
            for (w, g) in row.iter_mut().zip(g_row) {
                *w -= rate * g;
            }
        }
        for (b, g) in b1.iter_mut().zip(&g_b1) {
            *b -= rate * g;
        }
        for (w, g) in w2.iter_mut().zip(&g_w2) {
            *w -= rate * g;
        }
        b2 -= rate * g_b2;
    }
}
