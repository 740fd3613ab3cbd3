//! Straight-line gradients allocate nothing: counted by a global allocator of this test
//! binary's own (hence `harness = false`, so no test thread allocates meanwhile).

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

    // The counter works: a loop records into its tape, which allocates.
    let looping = allocations_of(|| {
        black_box(with_loop_grad(black_box(0.5), black_box(100)));
    });
    assert!(
        looping > 0,
        "the counting allocator saw no allocation for a loop"
    );
    passed += 1;

    println!("alloc_free: {passed} passed, 0 failed");
}
