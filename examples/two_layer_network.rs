//! A two-layer network (one tanh hidden layer) as a struct of parameters, with its prediction
//! and its loss as differentiable methods, trained on a small generated data set:
//! y = sin(x₀) + x₁/2 on 64 points of [-2, 2]².
//!
//! The gradient of `loss` is an `Mlp` of the same shape as the network, so a gradient step is
//! one line and nothing is flattened by hand. The same network is then trained with Adam.

use autodiff::prelude::*;

/// The parameters: `hidden` tanh units over two inputs, read out linearly.
#[derive(Clone, Debug, Differentiable)]
pub struct Mlp {
    pub w1: Vec<Vec<f64>>, // hidden × inputs
    pub b1: Vec<f64>,
    pub w2: Vec<f64>,
    pub b2: f64,
}

/// One hidden unit: tanh(w · x + b).
#[differentiable]
fn unit(x: &[f64], w: &[f64], b: f64) -> f64 {
    (dot(x, w) + b).tanh()
}

impl Mlp {
    /// The network's output: b₂ + Σⱼ w₂ⱼ · unit(x, w₁ⱼ, b₁ⱼ).
    #[differentiable]
    pub fn predict(&self, x: &[f64]) -> f64 {
        let mut out = self.b2;
        for j in 0..self.w1.len() {
            out += self.w2[j] * unit(x, &self.w1[j], self.b1[j]);
        }
        out
    }

    /// The mean squared error over the data set; only the network is differentiated.
    #[differentiable(wrt(self))]
    pub fn loss(&self, xs: &[Vec<f64>], ys: &[f64]) -> f64 {
        let mut total = 0.0;
        for (i, x) in xs.iter().enumerate() {
            let error = self.predict(x) - ys[i];
            total += error * error;
        }
        total / xs.len() as f64
    }
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
    let initial = Mlp {
        w1: (0..hidden)
            .map(|_| vec![uniform(&mut state), uniform(&mut state)])
            .collect(),
        b1: (0..hidden).map(|_| 0.1 * uniform(&mut state)).collect(),
        w2: (0..hidden).map(|_| 0.5 * uniform(&mut state)).collect(),
        b2: 0.0,
    };
    let start = initial.loss(&xs, &ys);

    // The generated gradient, an `Mlp`, against central finite differences, once, before
    // training: `to_flat` and `from_flat` give check_grad the flat vector it works on.
    let mut mlp = initial.clone();
    let grad: Mlp = mlp.loss_grad(&xs, &ys);
    let check = check_grad(
        |flat| mlp.from_flat(flat).loss(&xs, &ys),
        &mlp.to_flat(),
        &grad.to_flat(),
    );
    println!(
        "Gradient check over {} parameters: worst relative error {:.1e}",
        grad.to_flat().len(),
        check.max_rel_error
    );
    check.assert_within(1e-6);

    // Gradient descent: one line per step.
    let rate = 0.1;
    println!("Gradient descent, rate {rate}");
    for epoch in 0..500 {
        if epoch % 100 == 0 {
            println!("  epoch {epoch:3}  loss {:.6}", mlp.loss(&xs, &ys));
        }
        mlp.add_scaled(-rate, &mlp.loss_grad(&xs, &ys));
    }
    let sgd = mlp.loss(&xs, &ys);
    println!("  epoch 500  loss {sgd:.6}");

    // Adam, from the same starting network.
    let mut mlp = initial.clone();
    let mut adam = Adam::new(0.01);
    println!("Adam, rate {}", adam.rate);
    for epoch in 0..500 {
        if epoch % 100 == 0 {
            println!("  epoch {epoch:3}  loss {:.6}", mlp.loss(&xs, &ys));
        }
        let grad = mlp.loss_grad(&xs, &ys);
        adam.step(&mut mlp, &grad);
    }
    let adam_loss = mlp.loss(&xs, &ys);
    println!("  epoch 500  loss {adam_loss:.6}");

    println!("Loss: {start:.6} before, {sgd:.6} after gradient descent, {adam_loss:.6} after Adam");
    assert!(
        sgd < 0.1 * start && adam_loss < 0.1 * start,
        "training did not lower the loss enough: {start} before, {sgd} (gradient descent), \
         {adam_loss} (Adam) after"
    );
}
