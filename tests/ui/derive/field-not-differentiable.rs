// A field with a derivative must be `Differentiable` itself: the error is on the field.
use autodiff::prelude::*;

#[derive(Clone)]
pub struct Config {
    pub rate: f64,
}

#[derive(Clone, Differentiable)]
pub struct Model {
    pub w: Vec<f64>,
    pub config: Config,
}

fn main() {}
