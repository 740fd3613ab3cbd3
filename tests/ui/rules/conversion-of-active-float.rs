use autodiff::prelude::*;

// Converting a float that carries a gradient would drop its gradient: refused.
#[differentiable]
fn f<T: Float>(x: T) -> T {
    let c: T = T::from(x).unwrap();
    c * x
}

fn main() {}
