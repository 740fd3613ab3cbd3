//! The record stack of generated loop code.
//!
//! Straight-line code keeps its intermediate values in local variables, but a
//! loop overwrites them on every iteration, and a branch's outcome is not
//! known to the reverse sweep. So the forward sweep *pushes* what the reverse
//! sweep will need — primal values, indices, integer exponents, branch flags
//! — and the reverse sweep *pops* them back in exactly the mirrored order:
//! the tape is strictly LIFO, one stack per type of value ("lane").
//!
//! Each lane is an independent stack; the generated code always pops a value
//! from the lane it pushed it to. Popping from an empty lane means the
//! generated reverse sweep is not the mirror of its forward sweep, which is a
//! bug in `autodiff`, not in user code, and panics with a message saying so.
//!
//! ```
//! use autodiff_runtime::Tape;
//!
//! // forward sweep of `for &x in xs { if x > 0.0 { acc *= x } }`
//! let xs = [2.0_f64, -1.0, 3.0];
//! let mut tape = Tape::new();
//! let mut acc = 1.0;
//! for &x in &xs {
//!     let taken = x > 0.0;
//!     if taken {
//!         tape.push_float(acc); // the old value of `acc`, needed by the rule
//!         acc *= x;
//!     }
//!     tape.push_flag(taken);
//! }
//! // reverse sweep: iterate backwards, pop in mirrored order
//! let mut acc_bar = 1.0;
//! let mut xs_bar = [0.0; 3];
//! for i in (0..xs.len()).rev() {
//!     if tape.pop_flag() {
//!         let acc_old = tape.pop_float();
//!         let (a_bar, x_bar) = autodiff_runtime::rules::mul(acc_old, xs[i], acc_bar);
//!         acc_bar = a_bar;
//!         xs_bar[i] += x_bar;
//!     }
//! }
//! assert_eq!(acc, 6.0);
//! assert_eq!(xs_bar, [3.0, 0.0, 2.0]);
//! assert_eq!(tape.float_len() + tape.flag_len(), 0);
//! ```

use std::marker::PhantomData;

/// A LIFO record stack with one typed lane per kind of recorded value.
///
/// See the [module documentation](self) for the push/pop discipline.
#[derive(Debug)]
pub struct Tape<F> {
    /// The float lane's storage: its first `top` elements are the records, the rest room
    /// for more (filled with copies of recorded values, never read).
    floats: Vec<F>,
    top: usize,
    indices: Vec<usize>,
    ints: Vec<i32>,
    flags: Vec<bool>,
    /// One lane per loop whose counter is recorded (see [`Tape::push_counter`]).
    counters: Vec<Vec<u64>>,
}

impl<F> Default for Tape<F> {
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

impl<F> Tape<F> {
    /// An empty tape. Does not allocate.
    #[inline]
    pub const fn new() -> Self {
        Tape {
            floats: Vec::new(),
            top: 0,
            indices: Vec::new(),
            ints: Vec::new(),
            flags: Vec::new(),
            counters: Vec::new(),
        }
    }

    /// Reserves room for at least `n` more floats.
    #[inline]
    pub fn reserve_floats(&mut self, n: usize)
    where
        F: Copy + Default,
    {
        let need = self.top + n;
        if need > self.floats.len() {
            self.floats = grow(std::mem::take(&mut self.floats), need, F::default());
        }
    }

    /// Reserves room for at least `n` more indices.
    #[inline]
    pub fn reserve_indices(&mut self, n: usize) {
        self.indices.reserve(n);
    }

    /// Records a float.
    ///
    /// The lane's storage is grown (by a call that takes and returns it by value) only when
    /// full, so a loop that pushes keeps the lane's length in a register: `Vec::push` would
    /// hand the tape's address to its growth, after which LLVM reloads and stores the length
    /// around every store the loop makes.
    #[inline]
    pub fn push_float(&mut self, value: F)
    where
        F: Copy,
    {
        if self.top >= self.floats.len() {
            self.floats = grow(std::mem::take(&mut self.floats), self.top + 1, value);
        }
        self.floats[self.top] = value;
        self.top += 1;
    }

    /// Takes back the most recently recorded float.
    ///
    /// # Panics
    /// If the float lane is empty (a bug in the generated code).
    #[inline]
    #[track_caller]
    pub fn pop_float(&mut self) -> F
    where
        F: Copy,
    {
        // One comparison: below zero, the index wraps past the lane's end.
        let top = self.top.wrapping_sub(1);
        match self.floats.get(top) {
            Some(&value) => {
                self.top = top;
                value
            }
            None => underflow("float"),
        }
    }

    /// Records an index.
    #[inline]
    pub fn push_index(&mut self, value: usize) {
        self.indices.push(value);
    }

    /// Takes back the most recently recorded index.
    ///
    /// # Panics
    /// If the index lane is empty (a bug in the generated code).
    #[inline]
    #[track_caller]
    pub fn pop_index(&mut self) -> usize {
        match self.indices.pop() {
            Some(value) => value,
            None => underflow("index"),
        }
    }

    /// Records a whole slice of floats (a buffer where a reduction reads it), in one copy.
    #[inline]
    pub fn push_slice(&mut self, values: &[F])
    where
        F: Copy,
    {
        let (start, end) = (self.top, self.top + values.len());
        if end > self.floats.len() {
            match values.first() {
                Some(&fill) => self.floats = grow(std::mem::take(&mut self.floats), end, fill),
                None => return,
            }
        }
        self.floats[start..end].copy_from_slice(values);
        self.top = end;
    }

    /// Takes back the slice [`Tape::push_slice`] recorded last, into `dst` (of its length).
    ///
    /// # Panics
    /// If the float lane holds fewer than `dst.len()` values (a bug in the generated code).
    #[inline]
    #[track_caller]
    pub fn pop_slice_into(&mut self, dst: &mut [F])
    where
        F: Copy,
    {
        let Some(start) = self.top.checked_sub(dst.len()) else {
            underflow("float")
        };
        dst.copy_from_slice(&self.floats[start..self.top]);
        self.top = start;
    }

    /// Records an `i32` (e.g. the exponent of `powi`).
    #[inline]
    pub fn push_i32(&mut self, value: i32) {
        self.ints.push(value);
    }

    /// Takes back the most recently recorded `i32`.
    ///
    /// # Panics
    /// If the `i32` lane is empty (a bug in the generated code).
    #[inline]
    #[track_caller]
    pub fn pop_i32(&mut self) -> i32 {
        match self.ints.pop() {
            Some(value) => value,
            None => underflow("i32"),
        }
    }

    /// Records a flag (e.g. which way a branch went).
    #[inline]
    pub fn push_flag(&mut self, value: bool) {
        self.flags.push(value);
    }

    /// Takes back the most recently recorded flag.
    ///
    /// # Panics
    /// If the flag lane is empty (a bug in the generated code).
    #[inline]
    #[track_caller]
    pub fn pop_flag(&mut self) -> bool {
        match self.flags.pop() {
            Some(value) => value,
            None => underflow("flag"),
        }
    }

    /// Records the counter of the loop numbered `lane` (an integer of any type): the reverse
    /// sweep gets it back to recompute what depends only on it, instead of recording that.
    /// Returns a marker of the counter's type, for [`Tape::pop_counter`].
    #[inline]
    pub fn push_counter<T: Counter>(&mut self, lane: usize, value: T) -> PhantomData<T> {
        if self.counters.len() <= lane {
            self.counters.resize_with(lane + 1, Vec::new);
        }
        value.push(&mut self.counters[lane]);
        PhantomData
    }

    /// Takes back the most recently recorded counter of the loop numbered `lane`.
    ///
    /// # Panics
    /// If that lane is empty (a bug in the generated code).
    #[inline]
    #[track_caller]
    pub fn pop_counter<T: Counter>(&mut self, lane: usize, _type: PhantomData<T>) -> T {
        match self.counters.get_mut(lane).and_then(T::pop) {
            Some(value) => value,
            None => underflow("counter"),
        }
    }

    /// Number of floats currently recorded.
    #[inline]
    pub fn float_len(&self) -> usize {
        self.top
    }

    /// Number of indices currently recorded.
    #[inline]
    pub fn index_len(&self) -> usize {
        self.indices.len()
    }

    /// Number of `i32`s currently recorded.
    #[inline]
    pub fn i32_len(&self) -> usize {
        self.ints.len()
    }

    /// Number of flags currently recorded.
    #[inline]
    pub fn flag_len(&self) -> usize {
        self.flags.len()
    }

    /// Whether every lane is empty (true again after a complete reverse sweep).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.top == 0
            && self.indices.is_empty()
            && self.ints.is_empty()
            && self.flags.is_empty()
            && self.counters.iter().all(Vec::is_empty)
    }

    /// Empties every lane, keeping the allocations for reuse.
    #[inline]
    pub fn clear(&mut self) {
        self.top = 0;
        self.indices.clear();
        self.ints.clear();
        self.flags.clear();
        self.counters.iter_mut().for_each(Vec::clear);
    }
}

/// `lane` with room for at least `need` floats (doubling), the new room filled with `fill`.
#[cold]
#[inline(never)]
fn grow<F: Copy>(mut lane: Vec<F>, need: usize, fill: F) -> Vec<F> {
    let len = need.max(2 * lane.len()).max(16);
    lane.resize(len, fill);
    lane
}

/// A clone holds the records only: its float lane has exactly their number as its room.
impl<F: Clone> Clone for Tape<F> {
    fn clone(&self) -> Self {
        Tape {
            floats: self.floats[..self.top].to_vec(),
            top: self.top,
            indices: self.indices.clone(),
            ints: self.ints.clone(),
            flags: self.flags.clone(),
            counters: self.counters.clone(),
        }
    }
}

/// Two tapes are equal when they hold the same records.
impl<F: PartialEq> PartialEq for Tape<F> {
    fn eq(&self, other: &Self) -> bool {
        self.floats[..self.top] == other.floats[..other.top]
            && self.indices == other.indices
            && self.ints == other.ints
            && self.flags == other.flags
            && self.counters == other.counters
    }
}

/// A loop counter the tape can record: every primitive integer type, and `char`, in one
/// 64-bit word (two for the 128-bit types).
///
/// The reverse sweep of `for i in a..b` needs only the first counter and the trip count: the
/// counter of iteration `k` is `first.advance(k)`.
pub trait Counter: Copy + Default {
    /// Appends the counter to `lane`.
    fn push(self, lane: &mut Vec<u64>);
    /// Takes the last counter [`Counter::push`] appended to `lane`.
    fn pop(lane: &mut Vec<u64>) -> Option<Self>;
    /// The counter `steps` iterations of a range after `self`: `self + steps`, for `steps`
    /// that stay inside the range (so no overflow), and for `char` the `steps`-th scalar value
    /// after `self`, skipping the surrogates as `'a'..'z'` does.
    fn advance(self, steps: usize) -> Self;
}

macro_rules! word_counters {
    ($($t:ty),*) => {$(
        impl Counter for $t {
            #[inline]
            fn push(self, lane: &mut Vec<u64>) {
                lane.push(self as u64);
            }
            #[inline]
            fn pop(lane: &mut Vec<u64>) -> Option<Self> {
                lane.pop().map(|word| word as $t)
            }
            #[inline]
            fn advance(self, steps: usize) -> Self {
                // `steps as $t` wraps for a narrow type, and the wrapping sum is still exact.
                self.wrapping_add(steps as $t)
            }
        }
    )*};
}

word_counters!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

macro_rules! wide_counters {
    ($($t:ty),*) => {$(
        impl Counter for $t {
            #[inline]
            fn push(self, lane: &mut Vec<u64>) {
                let bits = self as u128;
                lane.push(bits as u64);
                lane.push((bits >> 64) as u64);
            }
            #[inline]
            fn pop(lane: &mut Vec<u64>) -> Option<Self> {
                let high = lane.pop()? as u128;
                let low = lane.pop()? as u128;
                Some(((high << 64) | low) as $t)
            }
            #[inline]
            fn advance(self, steps: usize) -> Self {
                self.wrapping_add(steps as $t)
            }
        }
    )*};
}

wide_counters!(u128, i128);

impl Counter for char {
    #[inline]
    fn push(self, lane: &mut Vec<u64>) {
        lane.push(self as u64);
    }
    #[inline]
    fn pop(lane: &mut Vec<u64>) -> Option<Self> {
        lane.pop()
            .map(|word| char::from_u32(word as u32).unwrap_or(char::REPLACEMENT_CHARACTER))
    }
    #[inline]
    fn advance(self, steps: usize) -> Self {
        const SURROGATES: std::ops::Range<u32> = 0xD800..0xE000;
        let start = self as u32;
        let mut value = start.wrapping_add(steps as u32);
        if start < SURROGATES.start && value >= SURROGATES.start {
            value += SURROGATES.end - SURROGATES.start;
        }
        char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn underflow(lane: &str) -> ! {
    panic!(
        "autodiff tape underflow on the {lane} lane: the generated reverse sweep popped more \
         than it pushed (a bug in autodiff, please report it)"
    )
}

#[cfg(test)]
mod tests {
    use super::{Counter, Tape};

    /// `first.advance(k)` is the k-th element of the range, as the reverse sweep needs it.
    fn advance_walks<T: Counter + PartialEq + std::fmt::Debug>(range: impl Iterator<Item = T>) {
        let all: Vec<T> = range.collect();
        for (k, &value) in all.iter().enumerate() {
            assert_eq!(all[0].advance(k), value, "step {k}");
        }
    }

    #[test]
    fn slices_come_back_whole_and_in_order() {
        let mut tape = Tape::new();
        tape.push_float(1.0_f64);
        tape.push_slice(&[2.0, 3.0, 4.0]);
        tape.push_slice(&[5.0, 6.0]);
        let (mut a, mut b) = ([0.0; 2], [0.0; 3]);
        tape.pop_slice_into(&mut a);
        tape.pop_slice_into(&mut b);
        assert_eq!((a, b), ([5.0, 6.0], [2.0, 3.0, 4.0]));
        assert_eq!(tape.pop_float(), 1.0);
        assert!(tape.is_empty());
    }

    #[test]
    #[should_panic(expected = "autodiff tape underflow on the float lane")]
    fn slice_underflow_panics() {
        let mut tape = Tape::new();
        tape.push_float(1.0_f64);
        tape.pop_slice_into(&mut [0.0; 2]);
    }

    #[test]
    fn advance_is_the_counter_of_a_later_iteration() {
        advance_walks(3usize..40);
        advance_walks(-128i8..=127);
        advance_walks(0u8..=255);
        advance_walks(i64::MAX - 5..=i64::MAX);
        advance_walks(-3i128..9);
        advance_walks('a'..='z');
        advance_walks('\u{D7F0}'..'\u{E010}');
    }

    #[test]
    fn new_does_not_allocate() {
        let tape: Tape<f64> = Tape::new();
        assert_eq!(tape.floats.capacity(), 0);
        assert_eq!(tape.indices.capacity(), 0);
        assert_eq!(tape.ints.capacity(), 0);
        assert_eq!(tape.flags.capacity(), 0);
        assert!(tape.is_empty());
        assert_eq!(Tape::<f32>::default(), Tape::new());
    }

    #[test]
    fn lanes_are_independent_lifo_stacks() {
        let mut tape = Tape::new();
        tape.reserve_floats(3);
        tape.reserve_indices(2);
        tape.push_float(1.0_f64);
        tape.push_index(7);
        tape.push_float(2.0);
        tape.push_i32(-3);
        tape.push_flag(true);
        tape.push_index(9);
        tape.push_flag(false);
        assert_eq!(
            (
                tape.float_len(),
                tape.index_len(),
                tape.i32_len(),
                tape.flag_len()
            ),
            (2, 2, 1, 2)
        );
        assert!(!tape.pop_flag());
        assert_eq!(tape.pop_index(), 9);
        assert!(tape.pop_flag());
        assert_eq!(tape.pop_i32(), -3);
        assert_eq!(tape.pop_float(), 2.0);
        assert_eq!(tape.pop_index(), 7);
        assert_eq!(tape.pop_float(), 1.0);
        assert!(tape.is_empty());
    }

    #[test]
    fn clear_empties_all_lanes() {
        let mut tape = Tape::new();
        tape.push_float(1.0_f32);
        tape.push_index(1);
        tape.push_i32(1);
        tape.push_flag(true);
        tape.clear();
        assert!(tape.is_empty());
    }

    #[test]
    #[should_panic(expected = "autodiff tape underflow on the float lane")]
    fn float_underflow_panics() {
        Tape::<f64>::new().pop_float();
    }

    #[test]
    #[should_panic(expected = "autodiff tape underflow on the index lane")]
    fn index_underflow_panics() {
        Tape::<f64>::new().pop_index();
    }

    #[test]
    #[should_panic(expected = "autodiff tape underflow on the i32 lane")]
    fn i32_underflow_panics() {
        Tape::<f64>::new().pop_i32();
    }

    #[test]
    #[should_panic(expected = "a bug in autodiff, please report it")]
    fn flag_underflow_panics() {
        let mut tape = Tape::<f64>::new();
        tape.push_flag(true);
        tape.pop_flag();
        tape.pop_flag();
    }
}

/// The tape moved into a local of the reverse sweep, and moved back when dropped.
///
/// The forward sweep's pushes pass the tape to `Vec`'s growth, which rustc does not inline,
/// so LLVM must assume any store may change the lanes' lengths: a reverse loop that pops
/// would reload and store each length on every iteration. The reverse sweep only pops; it
/// pops from this copy, which nothing outside the generated function can see, so LLVM keeps
/// the lengths in registers. Dropping it gives the lanes, and their capacity, back.
#[derive(Debug)]
pub struct Reversing<'a, F> {
    tape: Tape<F>,
    home: &'a mut Tape<F>,
}

impl<'a, F> Reversing<'a, F> {
    /// Moves `home`'s lanes into the copy; dropping it moves them back.
    #[inline]
    pub fn new(home: &'a mut Tape<F>) -> Self {
        Reversing {
            tape: std::mem::take(home),
            home,
        }
    }
}

impl<F> std::ops::Deref for Reversing<'_, F> {
    type Target = Tape<F>;

    #[inline]
    fn deref(&self) -> &Tape<F> {
        &self.tape
    }
}

impl<F> std::ops::DerefMut for Reversing<'_, F> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Tape<F> {
        &mut self.tape
    }
}

impl<F> Drop for Reversing<'_, F> {
    #[inline]
    fn drop(&mut self) {
        std::mem::swap(&mut self.tape, self.home);
    }
}

/// Floats whose tapes are kept per thread between gradient calls: a training loop that calls
/// the same gradient again and again allocates tape storage only on its first calls.
pub trait Recycle: Sized + 'static {
    /// A tape from this thread's pool, or a new one.
    fn take() -> Tape<Self>;
    /// Returns `tape`, cleared, to this thread's pool.
    fn give(tape: Tape<Self>);
}

/// How many tapes a thread keeps per float type (one per level of nested gradient calls).
const POOL_SIZE: usize = 8;

macro_rules! recycle {
    ($($float:ty => $pool:ident),*) => {$(
        std::thread_local! {
            static $pool: std::cell::RefCell<Vec<Tape<$float>>> = const { std::cell::RefCell::new(Vec::new()) };
        }

        impl Recycle for $float {
            #[inline]
            fn take() -> Tape<$float> {
                $pool.with(|pool| pool.borrow_mut().pop()).unwrap_or_default()
            }

            #[inline]
            fn give(mut tape: Tape<$float>) {
                tape.clear();
                $pool.with(|pool| {
                    let mut pool = pool.borrow_mut();
                    if pool.len() < POOL_SIZE {
                        pool.push(tape);
                    }
                });
            }
        }
    )*};
}

recycle!(f64 => F64_TAPES, f32 => F32_TAPES);

/// A [`Tape`] taken from this thread's pool and given back when dropped: what generated code
/// uses for `f64` and `f32`, so that repeated gradient calls do not allocate.
#[derive(Debug)]
pub struct RecycledTape<F: Recycle>(Option<Tape<F>>);

impl<F: Recycle> RecycledTape<F> {
    /// A tape from this thread's pool.
    #[inline]
    pub fn new() -> Self {
        RecycledTape(Some(F::take()))
    }
}

impl<F: Recycle> Default for RecycledTape<F> {
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Recycle> std::ops::Deref for RecycledTape<F> {
    type Target = Tape<F>;

    #[inline]
    fn deref(&self) -> &Tape<F> {
        self.0
            .as_ref()
            .expect("a recycled tape is present until dropped")
    }
}

impl<F: Recycle> std::ops::DerefMut for RecycledTape<F> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Tape<F> {
        self.0
            .as_mut()
            .expect("a recycled tape is present until dropped")
    }
}

impl<F: Recycle> Drop for RecycledTape<F> {
    fn drop(&mut self) {
        if let Some(tape) = self.0.take() {
            F::give(tape);
        }
    }
}

#[cfg(test)]
mod recycle_tests {
    use super::*;

    #[test]
    fn a_dropped_tape_is_reused_with_its_capacity() {
        {
            let mut t = RecycledTape::<f64>::new();
            for i in 0..100 {
                t.push_float(i as f64);
            }
        }
        let t = RecycledTape::<f64>::new();
        assert_eq!(t.float_len(), 0);
        assert!(t.floats.capacity() >= 100);
    }

    #[test]
    fn nested_tapes_are_distinct() {
        let mut outer = RecycledTape::<f32>::new();
        outer.push_float(1.0);
        let inner = RecycledTape::<f32>::new();
        assert_eq!(inner.float_len(), 0);
        assert_eq!(outer.pop_float(), 1.0);
    }
}

#[cfg(test)]
mod counter_tests {
    use super::*;

    #[test]
    fn counters_come_back_per_lane_and_type() {
        let mut tape: Tape<f64> = Tape::new();
        let a = tape.push_counter(2, -5i64);
        let b = tape.push_counter(0, usize::MAX);
        let c = tape.push_counter(2, 7i64);
        let d = tape.push_counter(1, 'x');
        let e = tape.push_counter(1, i128::MIN + 3);
        assert_eq!(tape.pop_counter(1, e), i128::MIN + 3);
        assert_eq!(tape.pop_counter(1, d), 'x');
        assert_eq!(tape.pop_counter(2, c), 7);
        assert_eq!(tape.pop_counter(0, b), usize::MAX);
        assert_eq!(tape.pop_counter(2, a), -5);
        assert!(tape.is_empty());
    }
}
