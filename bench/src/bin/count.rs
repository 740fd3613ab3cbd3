//! Runs one of the benchmark's functions `reps` times, for counting instructions with
//! callgrind: `bench/count.sh` runs it at two repetition counts and prints the difference per
//! call, which leaves out the set-up (building the data) and the process's start.
//!
//! `count <function>/<version> <reps>`, the version one of `primal`, `hand`, `gen` (the
//! generated `_grad`).

use autodiff_bench::{gmm, logistic, rosenbrock, tanh, taylor_sine};
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (what, reps): (&str, usize) = (&args[1], args[2].parse().expect("a count"));
    let (w, x, y) = logistic::data();
    let r = rosenbrock::data();
    let p = gmm::benchmark_problem();
    let mut acc = 0.0;
    // One loop per case, so that the choice of case is made once, outside the loop.
    macro_rules! run {
        ($e:expr) => {{
            for _ in 0..reps {
                acc += $e;
            }
        }};
    }
    match what {
        "tanh/primal" => run!(tanh::tanh(black_box(1.0))),
        "tanh/hand" => run!(tanh::hand_grad(black_box(1.0))),
        "tanh/gen" => run!(tanh::tanh_grad(black_box(1.0))),
        "taylor_sine/primal" => run!(taylor_sine::taylor_sine(black_box(taylor_sine::X))),
        "taylor_sine/hand" => run!(taylor_sine::hand_grad(black_box(taylor_sine::X))),
        "taylor_sine/gen" => run!(taylor_sine::taylor_sine_grad(black_box(taylor_sine::X))),
        "logistic/primal" => run!(logistic::logistic_loss(black_box(&w), &x, &y)),
        "logistic/hand" => run!(logistic::hand_grad(black_box(&w), &x, &y)[0]),
        "logistic/gen" => run!(logistic::logistic_loss_grad(black_box(&w), &x, &y)[0]),
        "rosenbrock/primal" => run!(rosenbrock::rosenbrock(black_box(&r))),
        "rosenbrock/hand" => run!(rosenbrock::hand_grad(black_box(&r))[0]),
        "rosenbrock/gen" => run!(rosenbrock::rosenbrock_grad(black_box(&r))[0]),
        "gmm/primal" => run!(black_box(&p).objective()),
        "gmm/hand" => run!(black_box(&p).hand_grad()[0]),
        "gmm/gen" => run!(black_box(&p).generated_grad().0[0]),
        _ => panic!("unknown case {what}"),
    }
    println!("{acc}");
}
