//! One criterion run, one group per function, each timing the primal, the hand-written
//! gradient, the generated `_grad` (and `_grad_into` where there is one: scalar return, slice
//! parameters), easy-ml's reverse mode and num-dual's forward mode. Every gradient is checked
//! against the hand-written one first.
//!
//! `cargo bench --manifest-path bench/Cargo.toml`, then
//! `cargo run --release --manifest-path bench/Cargo.toml --bin table` for the ratios.

use std::hint::black_box;
use std::time::Duration;

use autodiff_bench::{gmm, logistic, rosenbrock, tanh, taylor_sine};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use easy_ml::differentiation::WengertList;
use nalgebra::DVector;

fn bench_tanh(c: &mut Criterion) {
    use tanh::*;
    check();
    let list = WengertList::new();
    let mut group = c.benchmark_group("tanh");
    group.bench_function("primal", |b| b.iter(|| tanh(black_box(X))));
    group.bench_function("hand", |b| b.iter(|| hand_grad(black_box(X))));
    group.bench_function("generated_grad", |b| b.iter(|| tanh_grad(black_box(X))));
    group.bench_function("easy_ml", |b| b.iter(|| easy_ml_grad(&list, black_box(X))));
    group.bench_function("num_dual", |b| b.iter(|| num_dual_grad(black_box(X))));
    group.finish();
}

fn bench_taylor_sine(c: &mut Criterion) {
    use taylor_sine::*;
    check();
    let list = WengertList::new();
    let mut group = c.benchmark_group("taylor_sine");
    group.bench_function("primal", |b| b.iter(|| taylor_sine(black_box(X))));
    group.bench_function("hand", |b| b.iter(|| hand_grad(black_box(X))));
    group.bench_function("generated_grad", |b| {
        b.iter(|| taylor_sine_grad(black_box(X)))
    });
    group.bench_function("easy_ml", |b| b.iter(|| easy_ml_grad(&list, black_box(X))));
    group.bench_function("num_dual", |b| b.iter(|| num_dual_grad(black_box(X))));
    group.finish();
}

fn bench_logistic(c: &mut Criterion) {
    use logistic::*;
    check();
    let (w, x, y) = data();
    let (w, x, y) = (&w[..], &x[..], &y[..]);
    let list = WengertList::new();
    let mut into = vec![0.0; D];
    let mut group = c.benchmark_group("logistic");
    group.bench_function("primal", |b| {
        b.iter(|| logistic_loss(black_box(w), black_box(x), black_box(y)))
    });
    group.bench_function("hand", |b| {
        b.iter(|| hand_grad(black_box(w), black_box(x), black_box(y)))
    });
    group.bench_function("generated_grad", |b| {
        b.iter(|| logistic_loss_grad(black_box(w), black_box(x), black_box(y)))
    });
    group.bench_function("generated_grad_into", |b| {
        b.iter(|| {
            into.fill(0.0);
            logistic_loss_grad_into(black_box(w), black_box(x), black_box(y), &mut into)
        })
    });
    group.bench_function("easy_ml", |b| {
        b.iter(|| easy_ml_grad(&list, black_box(w), black_box(x), black_box(y)))
    });
    group.bench_function("num_dual", |b| {
        b.iter(|| num_dual_grad(black_box(w), black_box(x), black_box(y)))
    });
    group.finish();
}

fn bench_rosenbrock(c: &mut Criterion) {
    use rosenbrock::*;
    check();
    let x = data();
    let xv = DVector::from_column_slice(&x);
    let x = &x[..];
    let list = WengertList::new();
    let mut into = vec![0.0; N];
    let mut group = c.benchmark_group("rosenbrock");
    group.bench_function("primal", |b| b.iter(|| rosenbrock(black_box(x))));
    group.bench_function("hand", |b| b.iter(|| hand_grad(black_box(x))));
    group.bench_function("generated_grad", |b| {
        b.iter(|| rosenbrock_grad(black_box(x)))
    });
    group.bench_function("generated_grad_into", |b| {
        b.iter(|| {
            into.fill(0.0);
            rosenbrock_grad_into(black_box(x), &mut into)
        })
    });
    group.bench_function("easy_ml", |b| b.iter(|| easy_ml_grad(&list, black_box(x))));
    group.bench_function("num_dual", |b| b.iter(|| num_dual_grad(black_box(&xv))));
    group.finish();
}

fn bench_gmm(c: &mut Criterion) {
    let p = gmm::benchmark_problem();
    gmm::check(&p);
    let params = DVector::from_column_slice(&p.params());
    let list = WengertList::new();
    let mut ga = vec![0.0; p.alphas.len()];
    let mut gm = vec![0.0; p.means.len()];
    let mut gi = vec![0.0; p.icf.len()];
    let mut group = c.benchmark_group("gmm");
    // num-dual takes 660 sweeps here (about a second a gradient): flat sampling with the
    // fewest samples criterion allows keeps the run short.
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function("primal", |b| b.iter(|| black_box(&p).objective()));
    group.bench_function("hand", |b| b.iter(|| black_box(&p).hand_grad()));
    group.bench_function("generated_grad", |b| {
        b.iter(|| black_box(&p).generated_grad())
    });
    group.bench_function("generated_grad_into", |b| {
        b.iter(|| {
            ga.fill(0.0);
            gm.fill(0.0);
            gi.fill(0.0);
            black_box(&p).generated_grad_into(&mut ga, &mut gm, &mut gi)
        })
    });
    group.bench_function("easy_ml", |b| b.iter(|| black_box(&p).easy_ml_grad(&list)));
    group.bench_function("num_dual", |b| {
        b.iter(|| black_box(&p).num_dual_grad(black_box(&params)))
    });
    group.finish();
}

fn config() -> Criterion {
    // Short by default (the whole run takes a few minutes); `--warm-up-time` and
    // `--measurement-time` on the command line override these.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_tanh, bench_taylor_sine, bench_logistic, bench_rosenbrock, bench_gmm
}
criterion_main!(benches);
