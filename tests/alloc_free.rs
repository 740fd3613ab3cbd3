//! Straight-line gradients allocate nothing, and neither does a training loop with
//! `_grad_into`: counted by a global allocator of this test binary's own (hence
//! `harness = false`, so no test thread allocates meanwhile).

use autodiff::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

#[differentiable]
fn branches(x: f64, y: f64) -> f64 {
    let mut z = x * y;
    if z > 1.0 {
        z = z.ln() * x;
    } else {
        z = z.sin();
    }
    let w = match (z > 0.5) as u8 {
        0 => z * 2.0,
        _ => z.powi(3),
    };
    w + y.exp()
}

#[differentiable]
fn with_loop(x: f64, n: usize) -> f64 {
    let mut s = x;
    for _ in 0..n {
        s = s.sin() * x;
    }
    s
}

/// The logistic loss of autograd's README.
#[differentiable(wrt(weights))]
fn training_loss(weights: &[f64], inputs: &[[f64; 3]], targets: &[f64]) -> f64 {
    let mut loss = 0.0;
    for (i, row) in inputs.iter().enumerate() {
        let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
        let y = targets[i];
        loss -= (p * y + (1.0 - p) * (1.0 - y)).ln();
    }
    loss
}

fn allocations_of(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

fn main() {
    let mut passed = 0;
    let straight_line = allocations_of(|| {
        black_box(tanh_grad(black_box(1.0)));
        black_box(tanh_value_and_grad(black_box(0.3)));
        black_box(tanh_vjp(black_box(0.3), black_box(2.0)));
    });
    assert_eq!(
        straight_line, 0,
        "tanh's gradient allocated {straight_line} times"
    );
    passed += 1;

    let with_branches = allocations_of(|| {
        black_box(branches_grad(black_box(1.5), black_box(2.0)));
        black_box(branches_grad(black_box(0.1), black_box(0.2)));
    });
    assert_eq!(
        with_branches, 0,
        "a gradient with branches allocated {with_branches} times"
    );
    passed += 1;

    // The counter works: a loop's reverse sweep records into its tape, which allocates (its
    // `_grad`, of one float, runs forward mode and records nothing).
    let looping = allocations_of(|| {
        black_box(with_loop_vjp(
            black_box(0.5),
            black_box(100),
            black_box(1.0),
        ));
    });
    assert!(
        looping > 0,
        "the counting allocator saw no allocation for a loop"
    );
    passed += 1;

    // A training loop with `_grad_into` allocates nothing per step: the gradient goes into
    // the caller's buffer and the loop's tape is reused from the thread's pool.
    let inputs = [
        [0.52, 1.12, 0.77],
        [0.88, -1.08, 0.15],
        [0.52, 0.06, -1.30],
        [0.74, -2.49, 1.39],
    ];
    let targets = [1.0, 1.0, 0.0, 1.0];
    let mut weights = [0.0; 3];
    let mut grad = [0.0; 3];
    let step = |weights: &mut [f64; 3], grad: &mut [f64; 3]| {
        *grad = [0.0; 3];
        black_box(training_loss_grad_into(weights, &inputs, &targets, grad));
        for (w, g) in weights.iter_mut().zip(grad.iter()) {
            *w -= 0.01 * g;
        }
    };
    step(&mut weights, &mut grad); // the first call fills the tape pool
    let training = allocations_of(|| {
        for _ in 0..99 {
            step(&mut weights, &mut grad);
        }
    });
    assert_eq!(training, 0, "99 training steps allocated {training} times");
    let trained = training_loss(&weights, &inputs, &targets);
    assert!(
        (trained - 1.0672706757870163).abs() < 1e-10,
        "trained loss {trained}"
    );
    passed += 1;

    println!("alloc_free: {passed} passed, 0 failed");
}
