//! Heap used by the generated gradients: for `taylor_sine` (x = π), the logistic loss
//! (n = 1000, d = 10) and the GMM (d = 10, k = 10, n = 1000), the peak heap of one call of
//! the primal, of the first `_grad` call on a thread (which allocates the tape: the generated
//! code takes its tape from a per-thread pool and gives it back, cleared, at the end) and of a
//! second call (the pool's tape reused), the gradient's own size, and the bytes the tape
//! records per loop iteration.
//!
//! The heap is counted by this binary's global allocator (`System` underneath): the bytes in
//! use, and their peak since the last reset. A `realloc` counts as a change of size in place
//! (glibc grows large blocks with `mremap`, without a copy).
//!
//! The tape's capacity (what the first call allocates) is up to twice what it records: its
//! lanes (floats, indices, `i32`s, flags, one lane of 64-bit words per recorded loop counter) are
//! `Vec`s that grow by doubling. The exact number of values each lane records is measured
//! here, without reading the generated code: before a call, a tape whose lanes have exact
//! capacities (`Vec::clone` allocates exactly the length, `clear` keeps it) is put in the
//! thread's pool; a lane too small for the call is reallocated, which the allocator sees by its
//! block's address. Bisecting every lane's capacity at once gives the smallest that suffices:
//! the lane's peak length, i.e. all it records (every push of a call comes before every pop).
//! Doing so at two sizes of the problem (four for the GMM: n and k halved; and d = 3, 4, 5)
//! separates what is recorded per iteration from what is recorded once.
//!
//! `MEMORY_DEBUG=1` prints every probe on stderr.
//!
//! `cargo run --release --manifest-path bench/Cargo.toml --bin memory`

use std::alloc::{GlobalAlloc, Layout, System};
use std::f64::consts::PI;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use autodiff::__private::{RecycledTape, Tape};
use autodiff_bench::{gmm, logistic, taylor_sine};

// ---------------------------------------------------------------------------------------------
// The counting allocator.

struct Counting;

/// Bytes in use now.
static CURRENT: AtomicUsize = AtomicUsize::new(0);
/// The most bytes in use since the last [`reset`].
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Allocations and reallocations since the start.
static EVENTS: AtomicUsize = AtomicUsize::new(0);
/// The largest block allocated since the last [`reset`], by alignment 1, 2, 4, 8, 16: an upper
/// bound on each of the tape's lanes (`bool` 1, `i32` 4, `f64`, `usize` and counter words 8).
static LARGEST: [AtomicUsize; 5] = [const { AtomicUsize::new(0) }; 5];

fn grew(layout: Layout, new_size: usize, old_size: usize) {
    let now = CURRENT.fetch_add(new_size - old_size, SeqCst) + new_size - old_size;
    PEAK.fetch_max(now, SeqCst);
    EVENTS.fetch_add(1, SeqCst);
    let class = layout.align().trailing_zeros() as usize;
    if class < LARGEST.len() {
        LARGEST[class].fetch_max(new_size, SeqCst);
    }
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            record(p);
            grew(layout, layout.size(), 0);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            record(p);
            grew(layout, layout.size(), 0);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        watch(ptr);
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(layout, new_size, layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, SeqCst);
                EVENTS.fetch_add(1, SeqCst);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What one measured call did to the heap.
#[derive(Clone, Copy, Debug)]
struct Usage {
    /// The peak during the call minus the bytes in use before it.
    peak: usize,
    /// Allocations and reallocations during the call.
    events: usize,
    /// [`LARGEST`] during the call.
    largest: [usize; 5],
}

/// Resets the peak (and [`LARGEST`]) to now; returns the bytes in use.
fn reset() -> usize {
    let now = CURRENT.load(SeqCst);
    PEAK.store(now, SeqCst);
    for l in &LARGEST {
        l.store(0, SeqCst);
    }
    now
}

/// Runs `f` once, on this thread (the only one running meanwhile: the main thread waits in
/// `join`), and returns its result with what it did to the heap.
fn measure<R>(f: impl FnOnce() -> R) -> (R, Usage) {
    let base = reset();
    let events = EVENTS.load(SeqCst);
    let r = black_box(f());
    let usage = Usage {
        peak: PEAK.load(SeqCst) - base,
        events: EVENTS.load(SeqCst) - events,
        largest: std::array::from_fn(|i| LARGEST[i].load(SeqCst)),
    };
    (r, usage)
}

// ---------------------------------------------------------------------------------------------
// The exact lengths of the tape's lanes.

/// At most this many counter lanes (one per loop whose counter the generated code records).
const COUNTER_LANES: usize = 28;
/// Floats, indices, `i32`s, flags, then the counter lanes.
const LANES: usize = 4 + COUNTER_LANES;
/// Bytes per value of each lane.
const SIZES: [usize; LANES] = {
    let mut s = [8; LANES];
    s[0] = 8;
    s[1] = 8;
    s[2] = 4;
    s[3] = 1;
    s
};

type Lanes = [usize; LANES];

fn lane_name(lane: usize) -> String {
    match lane {
        0 => "floats".into(),
        1 => "indices".into(),
        2 => "i32".into(),
        3 => "flags".into(),
        c => format!("counters[{}]", c - 4),
    }
}

/// While set, [`Counting`] writes the address of every block it allocates to [`RECORDED`].
static RECORDING: AtomicBool = AtomicBool::new(false);
static RECORDED: [AtomicUsize; 64] = [const { AtomicUsize::new(0) }; 64];
static RECORDED_LEN: AtomicUsize = AtomicUsize::new(0);
/// Blocks watched: [`Counting`] sets `HIT[i]` when `WATCHED[i]` is reallocated (its `Vec` was
/// full and grew).
static WATCHED: [AtomicUsize; 64] = [const { AtomicUsize::new(0) }; 64];
static WATCHED_LEN: AtomicUsize = AtomicUsize::new(0);
static HIT: [AtomicBool; 64] = [const { AtomicBool::new(false) }; 64];

fn record(p: *mut u8) {
    if RECORDING.load(SeqCst) {
        let i = RECORDED_LEN.fetch_add(1, SeqCst);
        if i < RECORDED.len() {
            RECORDED[i].store(p as usize, SeqCst);
        }
    }
}

fn watch(old: *mut u8) {
    for i in 0..WATCHED_LEN.load(SeqCst) {
        if WATCHED[i].load(SeqCst) == old as usize {
            HIT[i].store(true, SeqCst);
        }
    }
}

/// An empty tape whose lanes have exactly the capacities `caps` (counter lanes 0..`active`),
/// and the address of each lane's block (`None` where the capacity is 0), then that of the
/// `Vec` of counter lanes.
fn tape_with(caps: &Lanes, active: usize) -> (Tape<f64>, Vec<Option<usize>>) {
    let mut t = Tape::<f64>::new();
    for _ in 0..caps[0] {
        t.push_float(0.0);
    }
    for _ in 0..caps[1] {
        t.push_index(0);
    }
    for _ in 0..caps[2] {
        t.push_i32(0);
    }
    for _ in 0..caps[3] {
        t.push_flag(false);
    }
    for lane in 0..active {
        let k = t.push_counter(lane, 0u64);
        if caps[4 + lane] == 0 {
            t.pop_counter(lane, k);
        }
        for _ in 1..caps[4 + lane] {
            t.push_counter(lane, 0u64);
        }
    }
    // A clone's `Vec`s have exactly their lengths as capacities (and `clear` keeps them). The
    // derived `clone` clones the fields in order (floats, indices, ints, flags, counters), and
    // the counters' outer `Vec` before its lanes; empty `Vec`s allocate nothing.
    RECORDED_LEN.store(0, SeqCst);
    RECORDING.store(true, SeqCst);
    let mut exact = t.clone();
    RECORDING.store(false, SeqCst);
    drop(t);
    exact.clear();
    let mut blocks = RECORDED[..RECORDED_LEN.load(SeqCst)]
        .iter()
        .map(|a| a.load(SeqCst));
    let mut addresses = vec![None; LANES + 1];
    for lane in 0..4 {
        if caps[lane] > 0 {
            addresses[lane] = blocks.next();
        }
    }
    if active > 0 {
        addresses[LANES] = blocks.next();
    }
    for lane in 4..4 + active {
        if caps[lane] > 0 {
            addresses[lane] = blocks.next();
        }
    }
    assert!(
        blocks.next().is_none() && addresses.iter().all(|a| a != &Some(0)),
        "the tape's clone allocated other blocks than its lanes'"
    );
    (exact, addresses)
}

/// Puts `tape` in this thread's pool, where the next generated gradient call takes it from.
fn install(tape: Tape<f64>) {
    let mut slot = RecycledTape::<f64>::new();
    *slot = tape;
    // Dropping `slot` gives the tape back to the pool.
}

/// One call of `grad` with a tape of capacities `caps` (every one at least 1): which lanes
/// grew (were too small), whether the `Vec` of counter lanes grew (the code uses more than
/// `active` lanes), and the call's allocations.
fn probe(grad: &dyn Fn() -> usize, caps: &Lanes, active: usize) -> (Vec<bool>, bool, usize) {
    let (tape, addresses) = tape_with(caps, active);
    install(tape);
    for (i, a) in addresses.iter().enumerate() {
        WATCHED[i].store(a.unwrap_or(0), SeqCst);
        HIT[i].store(false, SeqCst);
    }
    WATCHED_LEN.store(addresses.len(), SeqCst);
    let (_, usage) = measure(grad);
    WATCHED_LEN.store(0, SeqCst);
    let hit: Vec<bool> = (0..addresses.len())
        .map(|i| addresses[i].is_some() && HIT[i].load(SeqCst))
        .collect();
    if std::env::var_os("MEMORY_DEBUG").is_some() {
        let last = caps.iter().rposition(|&c| c > 0).map_or(0, |i| i + 1);
        eprintln!(
            "probe {:?}: {} allocations, grew {:?}",
            &caps[..last.max(4)],
            usage.events,
            (0..addresses.len()).filter(|&i| hit[i]).collect::<Vec<_>>()
        );
    }
    (hit[..LANES].to_vec(), hit[LANES], usage.events)
}

/// How many values each lane records in one call of `grad`, at most (the lanes' peak
/// lengths: every push comes before every pop). `first` is the first call's usage (its
/// largest blocks bound the lanes), `steady` the allocations of a call whose tape is big
/// enough. Every lane is bisected at once: a probe tells which lanes grew, by the addresses
/// of their blocks.
fn exact_lengths(grad: &dyn Fn() -> usize, first: &Usage, steady: usize) -> Lanes {
    let class = |align: usize| first.largest[align.trailing_zeros() as usize];
    let mut bound: Lanes = [0; LANES];
    bound[0] = class(align_of::<f64>()) / 8;
    bound[1] = class(align_of::<usize>()) / 8;
    bound[2] = class(align_of::<i32>()) / 4;
    bound[3] = class(align_of::<bool>());
    for c in &mut bound[4..] {
        *c = class(align_of::<u64>()) / 8;
    }
    let mut active = 4;
    'more_lanes: loop {
        // Each lane: capacity `hi` fits; `lo` does not (or is 0, untried).
        let mut hi: Lanes = bound.map(|b| b.max(1));
        let mut lo: Lanes = [0; LANES];
        for l in 4 + active..LANES {
            hi[l] = 0;
        }
        let mut first_probe = true;
        while first_probe || (0..LANES).any(|l| hi[l] - lo[l] > 1) {
            // The first probe checks the bounds; then every open lane at its midpoint.
            let caps: Lanes = std::array::from_fn(|l| {
                if first_probe || hi[l] - lo[l] <= 1 {
                    hi[l]
                } else {
                    lo[l] + (hi[l] - lo[l]) / 2
                }
            });
            let (grew, more, _) = probe(grad, &caps, active);
            if more {
                assert!(
                    active < COUNTER_LANES,
                    "more than {COUNTER_LANES} counter lanes"
                );
                active = (2 * active).min(COUNTER_LANES);
                continue 'more_lanes;
            }
            for l in 0..LANES {
                if grew[l] {
                    assert!(!first_probe, "{} outgrew its bound", lane_name(l));
                    lo[l] = caps[l];
                } else if caps[l] > 0 {
                    hi[l] = caps[l];
                }
            }
            first_probe = false;
        }
        // A lane that fits in 1 records 0 values or 1: with it at 0, a call allocates more
        // than a steady one if it records any.
        for l in 0..4 + active {
            if hi[l] == 1 {
                hi[l] = 0;
                install(tape_with(&hi, active).0);
                let (_, usage) = measure(grad);
                assert!(
                    usage.events >= steady,
                    "fewer allocations than a steady call"
                );
                if usage.events > steady {
                    hi[l] = 1;
                }
            }
        }
        let (tape, _) = tape_with(&hi, active);
        install(tape);
        let (_, usage) = measure(grad);
        assert_eq!(usage.events, steady, "the exact lengths do not fit");
        install(Tape::new());
        return hi;
    }
}

fn bytes(lanes: &Lanes) -> usize {
    lanes.iter().zip(SIZES).map(|(n, s)| n * s).sum()
}

// ---------------------------------------------------------------------------------------------
// One function.

/// A primal and its generated gradient, as closures; the gradient returns the size of its result.
#[derive(Clone)]
struct Case {
    primal: Arc<dyn Fn() + Send + Sync>,
    grad: Arc<dyn Fn() -> usize + Send + Sync>,
}

#[derive(Clone, Copy, Debug)]
struct Report {
    primal: Usage,
    first: Usage,
    second: Usage,
    output: usize,
    lanes: Lanes,
}

/// Measures `case` on a new thread (so that its tape pool is empty).
fn study(case: &Case) -> Report {
    let case = case.clone();
    std::thread::spawn(move || {
        let ((), primal) = measure(|| (case.primal)());
        let (output, first) = measure(|| (case.grad)());
        let (_, second) = measure(|| (case.grad)());
        let lanes = exact_lengths(&*case.grad, &first, second.events);
        Report {
            primal,
            first,
            second,
            output,
            lanes,
        }
    })
    .join()
    .expect("the measuring thread panicked")
}

fn vec_bytes(v: &[f64]) -> usize {
    std::mem::size_of_val(v)
}

/// The iterations of `taylor_sine`'s loop at `x`.
fn taylor_iterations(x: f64) -> usize {
    let mut cur = x;
    let mut i = 0;
    while cur.abs() > 0.001 {
        cur = -cur * x * x / ((2 * i + 3) * (2 * i + 2)) as f64;
        i += 1;
    }
    i
}

fn taylor_case(x: f64) -> Case {
    Case {
        primal: Arc::new(move || {
            black_box(taylor_sine::taylor_sine(black_box(x)));
        }),
        // Reverse mode, `_vjp` with seed 1: `_grad` of this function of one float runs
        // forward mode and records nothing.
        grad: Arc::new(move || {
            black_box(taylor_sine::taylor_sine_vjp(black_box(x), 1.0));
            0
        }),
    }
}

fn logistic_case(n: usize) -> Case {
    let (w, x, y) = logistic::data();
    let data: &'static _ = Box::leak(Box::new((w, x[..n].to_vec(), y[..n].to_vec())));
    Case {
        primal: Arc::new(move || {
            let (w, x, y) = black_box(data);
            black_box(logistic::logistic_loss(w, x, y));
        }),
        grad: Arc::new(move || {
            let (w, x, y) = black_box(data);
            let g = black_box(logistic::logistic_loss_grad(w, x, y));
            vec_bytes(&g)
        }),
    }
}

fn gmm_case(problem: gmm::Gmm) -> Case {
    let p: &'static gmm::Gmm = Box::leak(Box::new(problem));
    Case {
        primal: Arc::new(move || {
            black_box(black_box(p).objective());
        }),
        grad: Arc::new(move || {
            let (ga, gm, gi) = black_box(black_box(p).generated_grad());
            vec_bytes(&ga) + vec_bytes(&gm) + vec_bytes(&gi)
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Per iteration.

/// Lane lengths as real numbers, for linear combinations.
type Counts = [f64; LANES];

fn counts(lanes: &Lanes) -> Counts {
    lanes.map(|n| n as f64)
}

/// `lanes = fixed + per · t`, from the lanes at two sizes `t`: (per, fixed).
fn solve2(a: (f64, &Lanes), b: (f64, &Lanes)) -> (Counts, Counts) {
    let per: Counts = std::array::from_fn(|l| (a.1[l] as f64 - b.1[l] as f64) / (a.0 - b.0));
    let fixed: Counts = std::array::from_fn(|l| a.1[l] as f64 - per[l] * a.0);
    (per, fixed)
}

/// The GMM's lanes as `L(n, k) = once + per_component·k + per_point·n + per_pair·n·k`, from
/// the problem at (n, k), (n/2, k), (n, k/2), (n/2, k/2), dimension `d`.
struct GmmSplit {
    once: Counts,
    per_component: Counts,
    per_point: Counts,
    per_pair: Counts,
    full: Report,
}

fn gmm_split(d: usize) -> GmmSplit {
    let (k, n) = (gmm::K, gmm::N);
    let full = if d == gmm::D {
        study(&gmm_case(gmm::benchmark_problem()))
    } else {
        study(&gmm_case(gmm::problem(d, k, n, 0)))
    };
    let l01 = counts(&study(&gmm_case(gmm::problem(d, k, n / 2, 0))).lanes);
    let l10 = counts(&study(&gmm_case(gmm::problem(d, k / 2, n, 0))).lanes);
    let l00 = counts(&study(&gmm_case(gmm::problem(d, k / 2, n / 2, 0))).lanes);
    let l11 = counts(&full.lanes);
    let (h, kh) = ((n / 2) as f64, (k / 2) as f64);
    let per_pair: Counts = std::array::from_fn(|l| (l11[l] - l01[l] - l10[l] + l00[l]) / (h * kh));
    let per_point: Counts = std::array::from_fn(|l| (l10[l] - l00[l]) / h - per_pair[l] * kh);
    let per_component: Counts = std::array::from_fn(|l| (l01[l] - l00[l]) / kh - per_pair[l] * h);
    let once: Counts = std::array::from_fn(|l| {
        l00[l] - per_component[l] * kh - per_point[l] * h - per_pair[l] * h * kh
    });
    GmmSplit {
        once,
        per_component,
        per_point,
        per_pair,
        full,
    }
}

fn fmt_lanes(v: &Counts) -> String {
    let mut parts: Vec<String> = Vec::new();
    let names = [
        ("float", "floats"),
        ("index", "indices"),
        ("i32", "i32s"),
        ("flag", "flags"),
    ];
    for (l, (one, many)) in names.into_iter().enumerate() {
        if v[l] != 0.0 {
            let name = if v[l] == 1.0 { one } else { many };
            parts.push(format!("{} {name}", fmt_num(v[l])));
        }
    }
    let counters: Vec<String> = (4..LANES)
        .filter(|&l| v[l] != 0.0)
        .map(|l| format!("{} on lane {}", fmt_num(v[l]), l - 4))
        .collect();
    if !counters.is_empty() {
        let total: f64 = v[4..].iter().sum();
        parts.push(format!(
            "{} counter{} ({})",
            fmt_num(total),
            if total == 1.0 { "" } else { "s" },
            counters.join(", ")
        ));
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn lane_bytes(v: &Counts) -> f64 {
    v.iter().zip(SIZES).map(|(n, s)| n * s as f64).sum()
}

/// What the lanes hold once they have grown to `lanes` by pushes: capacities doubling from 4
/// (from 8 for the 1-byte flags), as `Vec` grows.
fn capacity_bytes(lanes: &Lanes) -> usize {
    lanes
        .iter()
        .zip(SIZES)
        .filter(|(&n, _)| n > 0)
        .map(|(&n, s)| n.next_power_of_two().max(if s == 1 { 8 } else { 4 }) * s)
        .sum()
}

fn fmt_num(x: f64) -> String {
    if x == x.round() {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    }
}

/// Thousands separated by a narrow no-break space.
fn fmt_bytes(b: usize) -> String {
    let s = b.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

fn main() {
    let n_log = logistic::N;
    let it_pi = taylor_iterations(PI);
    let it_one = taylor_iterations(1.0);

    let taylor = study(&taylor_case(PI));
    let taylor_one = study(&taylor_case(1.0));
    let logi = study(&logistic_case(n_log));
    let logi_half = study(&logistic_case(n_log / 2));
    let (k, n) = (gmm::K, gmm::N);
    let g = gmm_split(gmm::D);
    let small: Vec<(usize, GmmSplit)> = [5, 4, 3].into_iter().map(|d| (d, gmm_split(d))).collect();

    println!("Heap in bytes (each peak above the heap in use before the call):");
    println!();
    println!(
        "| function | loop iterations | primal | `_grad`, 1st call | 2nd call | gradient \
         | tape = 1st − gradient − primal | lanes' capacity | recorded | per iteration: tape · recorded |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    let row = |name: &str, iters: &str, r: &Report, per: &[(usize, f64, &str)]| {
        let tape = r.first.peak - r.output - r.primal.peak;
        let per: Vec<String> = per
            .iter()
            .map(|(divisor, exact, what)| {
                format!(
                    "{} · {} per {what}",
                    fmt_num((tape as f64 / *divisor as f64 * 10.0).round() / 10.0),
                    fmt_num(*exact),
                )
            })
            .collect();
        println!(
            "| {name} | {iters} | {} | {} | {} | {} | {} | {} | {} | {} |",
            fmt_bytes(r.primal.peak),
            fmt_bytes(r.first.peak),
            fmt_bytes(r.second.peak),
            fmt_bytes(r.output),
            fmt_bytes(tape),
            fmt_bytes(capacity_bytes(&r.lanes)),
            fmt_bytes(bytes(&r.lanes)),
            per.join("; "),
        );
    };
    let (t_per, t_once) = solve2(
        (it_pi as f64, &taylor.lanes),
        (it_one as f64, &taylor_one.lanes),
    );
    row(
        "taylor_sine (x = π)",
        &format!("{it_pi} (`while`)"),
        &taylor,
        &[(it_pi, lane_bytes(&t_per), "iteration")],
    );
    let (l_per, l_once) = solve2(
        (n_log as f64, &logi.lanes),
        ((n_log / 2) as f64, &logi_half.lanes),
    );
    row(
        "logistic n=1000 d=10",
        &format!("{n_log} points"),
        &logi,
        &[(n_log, lane_bytes(&l_per), "point")],
    );
    let g_point: Counts = std::array::from_fn(|l| g.per_point[l] + k as f64 * g.per_pair[l]);
    row(
        "GMM d=10 k=10 n=1000",
        &format!("{n} points × {k} components"),
        &g.full,
        &[
            (n, lane_bytes(&g_point), "point"),
            (n * k, lane_bytes(&g.per_pair), "(point, component) pair"),
        ],
    );

    println!();
    println!("Allocations (and reallocations) per call: primal · 1st `_grad` call · 2nd:");
    println!();
    for (name, r) in [
        ("taylor_sine", &taylor),
        ("logistic", &logi),
        ("GMM", &g.full),
    ] {
        println!(
            "- {name}: {} · {} · {}",
            r.primal.events, r.first.events, r.second.events
        );
    }

    println!();
    println!("Values recorded, exactly (the lanes' peak lengths; a counter is 8 bytes):");
    println!();
    println!("| function | recorded per iteration | bytes | recorded once per call |");
    println!("|---|---|---:|---|");
    println!(
        "| taylor_sine (from x = π, {it_pi} iterations, and x = 1, {it_one}) | {} | {} | {} |",
        fmt_lanes(&t_per),
        fmt_num(lane_bytes(&t_per)),
        fmt_lanes(&t_once)
    );
    println!(
        "| logistic (from n = 1000 and n = 500) | per point: {} | {} | {} |",
        fmt_lanes(&l_per),
        fmt_num(lane_bytes(&l_per)),
        fmt_lanes(&l_once)
    );
    println!(
        "| GMM (from n = 1000, 500 × k = 10, 5) | per (point, component) pair: {} | {} | {} |",
        fmt_lanes(&g.per_pair),
        fmt_num(lane_bytes(&g.per_pair)),
        fmt_lanes(&g.once)
    );
    println!(
        "| | per point, besides its pairs: {} | {} | per component: {} ({} bytes) |",
        fmt_lanes(&g.per_point),
        fmt_num(lane_bytes(&g.per_point)),
        fmt_lanes(&g.per_component),
        fmt_num(lane_bytes(&g.per_component)),
    );
    println!(
        "| | per point, with its {k} pairs: {} | {} | |",
        fmt_lanes(&g_point),
        fmt_num(lane_bytes(&g_point)),
    );

    // Per pair as α·d(d − 1)/2 + β·d + γ (lower-triangle entries, diagonal entries, once),
    // from d = 3, 4, 5, checked at d = 10.
    println!();
    println!("The GMM per (point, component) pair, by dimension d:");
    println!();
    println!("| d | per pair | bytes |");
    println!("|---:|---|---:|");
    println!(
        "| {} | {} | {} |",
        gmm::D,
        fmt_lanes(&g.per_pair),
        fmt_num(lane_bytes(&g.per_pair))
    );
    for (d, s) in &small {
        println!(
            "| {d} | {} | {} |",
            fmt_lanes(&s.per_pair),
            fmt_num(lane_bytes(&s.per_pair))
        );
    }
    let e = |d: usize| &small.iter().find(|(x, _)| *x == d).unwrap().1.per_pair;
    let (e3, e4, e5) = (e(3), e(4), e(5));
    let alpha: Counts = std::array::from_fn(|l| (e5[l] - e4[l]) - (e4[l] - e3[l]));
    let beta: Counts = std::array::from_fn(|l| (e4[l] - e3[l]) - 3.0 * alpha[l]);
    let gamma: Counts = std::array::from_fn(|l| e3[l] - 3.0 * alpha[l] - 3.0 * beta[l]);
    let at10: Counts = std::array::from_fn(|l| 45.0 * alpha[l] + 10.0 * beta[l] + gamma[l]);
    println!();
    println!(
        "Per pair = α·d(d − 1)/2 + β·d + γ, from d = 3, 4, 5 ({} at d = 10):",
        if at10 == g.per_pair {
            "agrees"
        } else {
            "DISAGREES"
        }
    );
    println!();
    println!(
        "- α, per entry of the strict lower triangle: {} ({} bytes)",
        fmt_lanes(&alpha),
        fmt_num(lane_bytes(&alpha))
    );
    println!(
        "- β, per coordinate: {} ({} bytes)",
        fmt_lanes(&beta),
        fmt_num(lane_bytes(&beta))
    );
    println!(
        "- γ, per pair: {} ({} bytes)",
        fmt_lanes(&gamma),
        fmt_num(lane_bytes(&gamma))
    );

    println!();
    println!("Lane lengths (floats, indices, i32, flags, counter lanes 0..) and peaks:");
    println!();
    let trim = |l: &Lanes| {
        let last = l.iter().rposition(|&c| c > 0).map_or(4, |i| (i + 1).max(4));
        format!("{:?}", &l[..last])
    };
    for (name, r) in [
        ("taylor_sine x=π", &taylor),
        ("taylor_sine x=1", &taylor_one),
        ("logistic n=1000", &logi),
        ("logistic n=500", &logi_half),
        ("GMM d=10 n=1000 k=10", &g.full),
    ]
    .into_iter()
    .chain(small.iter().map(|(d, s)| {
        (
            match d {
                5 => "GMM d=5 n=1000 k=10",
                4 => "GMM d=4 n=1000 k=10",
                _ => "GMM d=3 n=1000 k=10",
            },
            &s.full,
        )
    })) {
        println!(
            "- {name}: {}; primal {}, 1st call {}, 2nd {}",
            trim(&r.lanes),
            r.primal.peak,
            r.first.peak,
            r.second.peak
        );
    }
}
