use autodiff::prelude::*;

#[derive(Clone, Debug, Differentiable)]
struct Line {
    slope: f64,
    offset: f64,
}

#[differentiable]
fn at(line: &Line, x: f64) -> f64 {
    line.slope * x + line.offset
}

fn main() {
    let line = Line { slope: 2.0, offset: 1.0 };
    let tangent = Line { slope: 1.0, offset: 0.0 };
    let _ = at_jvp_lanes::<2>(&line, 3.0, &tangent, autodiff::Lanes([1.0, 0.0]));
}
