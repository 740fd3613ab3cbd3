// asserts rustc's own wording: the rule's signature is checked where the attribute names it.
use autodiff::prelude::*;

#[differentiable(custom_vjp = softplus_rule)]
fn softplus(x: f64) -> f64 {
    x.exp().ln_1p()
}

fn softplus_rule(x: f64, seed: f64) -> f64 {
    seed / (1.0 + (-x).exp())
}

fn main() {}
