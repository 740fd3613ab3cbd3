use autodiff::prelude::*;

struct Model {
    w: f64,
}

impl Model {
    #[differentiable]
    fn f(&self, x: f64) -> f64 {
        self.w * x
    }
}

fn main() {
    let m = Model { w: 2.0 };
    let y: f64 = m.f(1.0);
    let _ = y;
}
