use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
pub struct Counts {
    pub n: usize,
    pub label: String,
}

fn main() {}
