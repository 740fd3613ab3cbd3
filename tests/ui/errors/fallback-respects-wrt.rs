// The fallback stubs follow `wrt(...)`: `f_grad` returns `f64` here, so the uses below
// compile and only the macro's error is reported.
use autodiff::prelude::*;

#[differentiable(wrt(x))]
fn f(x: f64, y: f64) -> f64 {
    (x * y) % 2.0
}

fn main() {
    let dx: f64 = f_grad(1.0, 2.0);
    let (v, dv): (f64, f64) = f_value_and_grad(1.0, 2.0);
    let _ = dx + v + dv;
}
