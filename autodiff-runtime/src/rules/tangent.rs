//! Second-order rules, derived from the reverse rules: the one definition of each
//! primitive's derivative is its reverse rule in `scalar.rs`.
//!
//! # Forward mode from the reverse rules
//!
//! A reverse rule is linear in its seed: `rules::p(args, s)` returns `s·∂p/∂xₖ` for each
//! operand `xₖ`. Called with a seed of one, its `k`-th result is the partial `∂p/∂xₖ`
//! (called with the tangent `ẋₖ` as the seed, it would be the term `∂p/∂xₖ·ẋₖ`); the
//! tangent of `y = p(x)` is the sum of the partials times the tangents. So generated forward
//! mode calls the reverse rules as they are, and the partials are never written a second
//! time (ties, zeros and the origin get the same subgradient in both modes). It uses the
//! seed of one, so that a partial does not wait for the tangents and can be shared (`1/b`
//! between the two partials of `a / b`).
//!
//! # Their reverse: the rules of Hessian-vector products
//!
//! `_hvp` runs the reverse sweep of a forward-mode body, so each call
//! `t_y = rules::p(args, ẋ).k` (with `ẋ` the literal one, in generated code) needs a reverse
//! rule of its own:
//! [`tangent::p::<K>`](self)`(args, ẋ, seed)` returns the cotangents of every float in
//! `args` and of `ẋ`, in that order:
//!
//! - `ẋ̄ = rules::p(args, seed).k` (the term is linear in `ẋ`);
//! - `āⱼ = seed·∂/∂aⱼ rules::p(args, ẋ).k`, the derivative of the reverse rule itself,
//!   taken by evaluating it on [`Dual`] numbers with `aⱼ` seeded.
//!
//! So second derivatives come from the same definition too.
//!
//! ```
//! use autodiff_runtime::rules;
//!
//! // y = tanh x: ẏ = (1 − y²)·ẋ, and the reverse of that term
//! let (x, x_dot) = (0.5_f64, 2.0);
//! let y = x.tanh();
//! let y_dot = rules::tanh(y, x_dot);
//! assert!((y_dot - (1.0 - y * y) * x_dot).abs() < 1e-15);
//! let (y_bar, x_dot_bar) = rules::tangent::tanh::<0, f64>(y, x_dot, 1.0);
//! assert!((y_bar - (-2.0 * y * x_dot)).abs() < 1e-15);
//! assert!((x_dot_bar - (1.0 - y * y)).abs() < 1e-15);
//! ```

use crate::Dual;
use num_traits::Float;

/// `at` as duals, with a tangent of one at position `j` alone.
#[inline]
fn seeded<F: Float, const M: usize>(at: [F; M], j: usize) -> [Dual<F>; M] {
    let mut k = 0;
    at.map(|v| {
        let d = if k == j {
            Dual::variable(v)
        } else {
            Dual::constant(v)
        };
        k += 1;
        d
    })
}

/// The `k`-th cotangent a reverse rule returns.
trait Pick<F> {
    fn pick(self, k: usize) -> F;
}

/// A reverse rule of one operand returns its cotangent alone.
struct One<F>(F);

impl<F> Pick<F> for One<F> {
    #[inline]
    fn pick(self, _: usize) -> F {
        self.0
    }
}

impl<F> Pick<F> for (F, F) {
    #[inline]
    fn pick(self, k: usize) -> F {
        if k == 0 {
            self.0
        } else {
            self.1
        }
    }
}

impl<F> Pick<F> for (F, F, F) {
    #[inline]
    fn pick(self, k: usize) -> F {
        match k {
            0 => self.0,
            1 => self.1,
            _ => self.2,
        }
    }
}

/// For each primitive `name(<float rule args with their index>; <an i32 rule arg>)`, with
/// `one` when its reverse rule returns a single cotangent, the reverse rule of its tangent
/// terms (see the module documentation).
macro_rules! tangent_rules {
    (@wrap one $e:expr) => { One($e) };
    (@wrap $e:expr) => { $e };
    ($($name:ident $($wrap:ident)? ($($j:literal $arg:ident),+ $(; $int:ident)?) -> ($($out:ident),+);)*) => {$(
        #[doc = concat!(
            "The reverse of the tangent term `rules::", stringify!($name),
            "(…, ẋ)`, the `K`-th operand's: the cotangents of the rule's float arguments, then of `ẋ`."
        )]
        #[inline]
        pub fn $name<const K: usize, F: Float>(
            $($arg: F,)+ $($int: i32,)? t: F, seed: F,
        ) -> ($($out,)+ F) {
            let at = [$($arg),+];
            let partial = |j: usize| {
                let [$($arg),+] = seeded(at, j);
                tangent_rules!(@wrap $($wrap)? super::$name($($arg,)+ $($int,)? Dual::constant(t)))
                    .pick(K)
                    .tangent
            };
            (
                $(seed * partial($j),)+
                tangent_rules!(@wrap $($wrap)? super::$name($($arg,)+ $($int,)? seed)).pick(K),
            )
        }
    )*};
}

tangent_rules! {
    mul(0 a, 1 b) -> (F, F);
    div(0 b, 1 out) -> (F, F);
    exp one(0 out) -> (F);
    exp2 one(0 out) -> (F);
    exp_m1 one(0 out) -> (F);
    ln one(0 x) -> (F);
    log10 one(0 x) -> (F);
    log2 one(0 x) -> (F);
    ln_1p one(0 x) -> (F);
    log(0 x, 1 base) -> (F, F);
    sqrt one(0 out) -> (F);
    cbrt one(0 out) -> (F);
    recip one(0 out) -> (F);
    powi one(0 x; n) -> (F);
    powf(0 x, 1 p, 2 out) -> (F, F, F);
    sin one(0 x) -> (F);
    cos one(0 x) -> (F);
    tan one(0 out) -> (F);
    asin one(0 x) -> (F);
    acos one(0 x) -> (F);
    atan one(0 x) -> (F);
    atan2(0 y, 1 x) -> (F, F);
    sinh one(0 x) -> (F);
    cosh one(0 x) -> (F);
    tanh one(0 out) -> (F);
    asinh one(0 x) -> (F);
    acosh one(0 x) -> (F);
    atanh one(0 x) -> (F);
    abs one(0 x) -> (F);
    max(0 a, 1 b) -> (F, F);
    min(0 a, 1 b) -> (F, F);
    hypot(0 a, 1 b, 2 out) -> (F, F, F);
    mul_add(0 a, 1 b) -> (F, F);
}
