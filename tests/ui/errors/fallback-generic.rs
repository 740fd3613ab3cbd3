use autodiff::prelude::*;

#[differentiable]
fn f<T: Float>(x: T, n: usize) -> T {
    x % T::from(n).unwrap()
}

fn main() {
    let y: f32 = f(1.0f32, 2);
    let dx: f32 = f_grad(1.0f32, 2);
    let (v, dv): (f64, f64) = f_value_and_grad(1.0f64, 2);
    let _ = (y + dx) as f64 + v + dv;
}
