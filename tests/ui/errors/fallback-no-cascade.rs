use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    x % 2.0
}

fn main() {
    let y: f64 = f(1.0);
    let dx: f64 = f_grad(1.0);
    let (v, dv): (f64, f64) = f_value_and_grad(1.0);
    let (w, dw): (f64, f64) = f_vjp(1.0, 1.0);
    let _ = y + dx + v + dv + w + dw;
}
