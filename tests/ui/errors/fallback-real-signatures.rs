// After a refusal the stubs keep the signatures the generated functions would have had:
// `wrt` naming no parameter leaves the gradient of every float (not `()`), a struct
// parameter keeps its gradient type, and forward mode takes one tangent per parameter with a
// gradient. Only the macro's errors are reported, none from the uses below.
use autodiff::prelude::*;

#[derive(Clone)]
pub struct Model {
    pub b: f64,
}

impl Differentiable for Model {
    type Scalar = f64;
    fn zeros_like(&self) -> Self {
        Model { b: 0.0 }
    }
    fn add_scaled(&mut self, alpha: f64, other: &Self) {
        self.b += alpha * other.b;
    }
    fn dot(&self, other: &Self) -> f64 {
        self.b * other.b
    }
    fn to_flat(&self) -> Vec<f64> {
        vec![self.b]
    }
    fn from_flat(&self, flat: &[f64]) -> Self {
        Model { b: flat[0] }
    }
}

#[differentiable(wrt(z))]
fn f(x: f64, y: &[f64]) -> f64 {
    x * y[0]
}

#[differentiable]
fn g(_m: &Model, x: f64) -> f64 {
    x % 2.0
}

fn main() {
    let (dx, dy): (f64, Vec<f64>) = f_grad(1.0, &[2.0]);
    let (value, slope): (f64, f64) = f_jvp(1.0, &[2.0], 1.0, &[0.0]);
    let n: usize = dy.len();
    let m = Model { b: 1.0 };
    let (dm, dx2): (Model, f64) = g_grad(&m, 1.0);
    let (hm, hx): (Model, f64) = g_hvp(&m, 1.0, &m, 1.0);
    let mut into = m.clone();
    let mut into_x = 0.0;
    let v: f64 = g_grad_into(&m, 1.0, &mut into, &mut into_x);
    let _ = (dx, value, slope, n, dm.b, dx2, hm.b, hx, v);
}
