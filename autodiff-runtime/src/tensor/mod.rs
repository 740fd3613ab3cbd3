//! Whole-array operations of ndarray and nalgebra values inside `#[differentiable]` code
//! (features `ndarray` and `nalgebra`).
//!
//! The macro does not know these types. A body's `x.dot(&w)`, `h + &b`, `h.mapv(f64::tanh)`,
//! `m * v`, `v.norm()` or `a[[i, j]]` is lowered to a call of one function of this module,
//! `tensor::NAME(&operands..)`, whose value is the primal, and whose reverse rule
//! `tensor::NAME_rev(&operands.., &out, &seed, sinks..)` adds each operand's cotangent into
//! its accumulator (a sink, `None` for an operand without a derivative). Forward mode needs
//! no rule here: the macro writes each operation's tangent with the same operations (the
//! tangent of `a.dot(&b)` is `ȧ.dot(&b) + a.dot(&ḃ)`), so `_hvp` differentiates those again.
//!
//! Which operation a name means is decided by the operand types, through traits: `dot` is
//! ndarray's `dot` (vector·vector, matrix·vector, vector·matrix, matrix·matrix) or
//! nalgebra's (a float), `mul` is ndarray's elementwise product or nalgebra's matrix
//! product, and each has its own rule. A float is a value too (the result of a vector
//! `dot`), so the operations also take floats.
//!
//! Every rule is written with the library's own products (`general_mat_mul`, nalgebra's
//! `gemm`), never element loops, and adds into its sink in place where it can. Shapes that do
//! not fit panic with the operation's name and both shapes.

use num_traits::Float;

#[cfg(feature = "nalgebra")]
mod na;
#[cfg(feature = "ndarray")]
mod nd;

/// A value whole-array operations take: a float, an ndarray `ArrayBase` of rank 1 or 2 (a
/// view or owned), a nalgebra matrix or vector. `Grad` is the owned type of its gradient
/// (and of its tangent), `Acc` what a reverse sweep accumulates that gradient in.
pub trait Tensor {
    /// The float type of its elements.
    type F: Float;
    /// The owned type of its gradient: `Array2<F>` for an `ArrayView2<F>`, itself for a
    /// float or a nalgebra matrix.
    type Grad: Grad<F = Self::F>;
    /// Where a reverse sweep accumulates its gradient: the float itself for a float, an
    /// [`Adj`] (empty until something is added) otherwise.
    type Acc: Acc<Self::Grad>;

    /// A zero gradient of its shape.
    fn zero_grad(&self) -> Self::Grad;
    /// An owned copy, as its gradient type.
    fn to_grad(&self) -> Self::Grad;
    /// Its shape, for messages.
    fn shape_of(&self) -> Vec<usize>;
    /// Each element mapped by `f`, as the gradient type (one pass, no copy first).
    fn map_to_grad(&self, f: impl Fn(Self::F) -> Self::F) -> Self::Grad;
    /// `f(aᵢ, yᵢ, sᵢ)` over the elements of this value and of `y` and `s`, of its shape (one
    /// pass: an elementwise rule reads its input, its value and its seed together).
    fn zip3_to_grad(
        &self,
        y: &Self::Grad,
        s: &Self::Grad,
        f: impl Fn(Self::F, Self::F, Self::F) -> Self::F,
    ) -> Self::Grad;
}

/// An owned gradient value: a float, an owned array, a matrix.
pub trait Grad: Clone + Tensor<Grad = Self> {
    /// `self += other`.
    fn add_assign_grad(&mut self, other: &Self);
    /// Each element mapped by `f`.
    fn map_elems(&self, f: impl Fn(Self::F) -> Self::F) -> Self;
    /// Elements of `self` and `other` (of one shape) combined by `f`.
    fn zip_elems(&self, other: &Self, f: impl Fn(Self::F, Self::F) -> Self::F) -> Self;
    /// The sum of the elements.
    fn sum_elems(&self) -> Self::F;
    /// The number of elements.
    fn count(&self) -> usize;
}

/// An accumulator of gradients of type `G`.
pub trait Acc<G>: Sized {
    /// An empty one (zero).
    fn empty() -> Self;
    /// `self += g`.
    fn add(&mut self, g: G);
    /// The gradient, leaving zero behind; `None` when nothing was added.
    fn take_seed(&mut self) -> Option<G>;
    /// The gradient, made `zero()` first when nothing was added, to add into in place.
    fn slot(&mut self, zero: impl FnOnce() -> G) -> &mut G;
}

/// The accumulator of the gradient of an array value: empty until a rule adds to it, so a
/// value whose gradient stays zero costs no allocation and its rules are skipped.
#[derive(Clone, Debug)]
pub struct Adj<G>(pub Option<G>);

impl<G: Grad> Acc<G> for Adj<G> {
    #[inline]
    fn empty() -> Self {
        Adj(None)
    }

    #[inline]
    fn add(&mut self, g: G) {
        match &mut self.0 {
            Some(acc) => acc.add_assign_grad(&g),
            None => self.0 = Some(g),
        }
    }

    #[inline]
    fn take_seed(&mut self) -> Option<G> {
        self.0.take()
    }

    #[inline]
    fn slot(&mut self, zero: impl FnOnce() -> G) -> &mut G {
        self.0.get_or_insert_with(zero)
    }
}

/// A value as an operation takes it: itself, or behind one reference (`&Array2<f64>` as a
/// parameter, a tangent passed by reference).
pub trait AsTensor {
    /// The value behind the reference.
    type T: Tensor;
    /// It.
    fn tensor(&self) -> &Self::T;
}

macro_rules! float_tensor {
    ($($f:ty),*) => {$(
        impl Tensor for $f {
            type F = $f;
            type Grad = $f;
            type Acc = $f;
            #[inline]
            fn zero_grad(&self) -> $f {
                0.0
            }
            #[inline]
            fn to_grad(&self) -> $f {
                *self
            }
            fn shape_of(&self) -> Vec<usize> {
                Vec::new()
            }
            #[inline]
            fn map_to_grad(&self, f: impl Fn($f) -> $f) -> $f {
                f(*self)
            }
            #[inline]
            fn zip3_to_grad(&self, y: &$f, s: &$f, f: impl Fn($f, $f, $f) -> $f) -> $f {
                f(*self, *y, *s)
            }
        }

        impl Grad for $f {
            #[inline]
            fn add_assign_grad(&mut self, other: &$f) {
                *self += *other;
            }
            #[inline]
            fn map_elems(&self, f: impl Fn($f) -> $f) -> $f {
                f(*self)
            }
            #[inline]
            fn zip_elems(&self, other: &$f, f: impl Fn($f, $f) -> $f) -> $f {
                f(*self, *other)
            }
            #[inline]
            fn sum_elems(&self) -> $f {
                *self
            }
            #[inline]
            fn count(&self) -> usize {
                1
            }
        }

        impl Acc<$f> for $f {
            #[inline]
            fn empty() -> $f {
                0.0
            }
            #[inline]
            fn add(&mut self, g: $f) {
                *self += g;
            }
            #[inline]
            fn take_seed(&mut self) -> Option<$f> {
                Some(::core::mem::replace(self, 0.0))
            }
            #[inline]
            fn slot(&mut self, _zero: impl FnOnce() -> $f) -> &mut $f {
                self
            }
        }

        impl AsTensor for $f {
            type T = $f;
            #[inline]
            fn tensor(&self) -> &$f {
                self
            }
        }

        impl AsTensor for &$f {
            type T = $f;
            #[inline]
            fn tensor(&self) -> &$f {
                self
            }
        }

        impl ComponentMul<$f> for $f {
            type Out = $f;
            fn component_mul_of(&self, b: &$f) -> $f {
                self * b
            }
            fn component_mul_rev(&self, b: &$f, seed: &$f, da: Option<&mut $f>, db: Option<&mut $f>) {
                Binary::mul_rev(self, b, seed, da, db)
            }
        }

        impl ToScalar for $f {
            #[inline]
            fn to_scalar(&self) -> $f {
                *self
            }
        }

        impl Binary<$f> for $f {
            type Out = $f;
            fn add(&self, b: &$f) -> $f {
                self + b
            }
            fn sub(&self, b: &$f) -> $f {
                self - b
            }
            fn mul(&self, b: &$f) -> $f {
                self * b
            }
            fn div(&self, b: &$f) -> $f {
                self / b
            }
            fn add_rev(&self, _b: &$f, seed: &$f, da: Option<&mut $f>, db: Option<&mut $f>) {
                if let Some(da) = da { *da += seed; }
                if let Some(db) = db { *db += seed; }
            }
            fn sub_rev(&self, _b: &$f, seed: &$f, da: Option<&mut $f>, db: Option<&mut $f>) {
                if let Some(da) = da { *da += seed; }
                if let Some(db) = db { *db -= seed; }
            }
            fn mul_rev(&self, b: &$f, seed: &$f, da: Option<&mut $f>, db: Option<&mut $f>) {
                if let Some(da) = da { *da += seed * b; }
                if let Some(db) = db { *db += seed * self; }
            }
            fn div_rev(&self, b: &$f, seed: &$f, da: Option<&mut $f>, db: Option<&mut $f>) {
                if let Some(da) = da { *da += seed / b; }
                if let Some(db) = db { *db -= seed * self / (b * b); }
            }
        }
    )*};
}

float_tensor!(f32, f64);

/// Values whose methods `exp()`, `ln()`, `tanh()`, ... are the elementwise functions: floats
/// and ndarray's arrays. A nalgebra matrix's `exp()` is the matrix exponential.
#[diagnostic::on_unimplemented(
    message = "`#[differentiable]` takes a float method of a nalgebra matrix (`exp`, `abs`, ...) for the elementwise function, which it is not always (`exp()` is the matrix exponential)",
    label = "not differentiated as a method of `{Self}`",
    note = "for the elementwise function, write it with `map`: `m.map(f64::exp)`, `m.map(|v| v.abs())`"
)]
pub trait ElementwiseMethods {}

impl ElementwiseMethods for f32 {}
impl ElementwiseMethods for f64 {}

/// Checks at compile time that a method such as `a.exp()` is elementwise on `a`'s type.
#[inline(always)]
pub fn assert_elementwise_methods<A: AsTensor>(_a: &A)
where
    A::T: ElementwiseMethods,
{
}

/// A value that is a float: the result of a vector `dot`, used where a float is wanted.
pub trait ToScalar: Tensor {
    /// The float.
    fn to_scalar(&self) -> Self::F;
}

/// `a ∘ b` for `∘` one of `+ - * /`, and their rules: ndarray's elementwise operations with
/// broadcasting (an operand broadcast gets the seed summed over the broadcast axes),
/// nalgebra's sums, matrix product and products with a scalar, a float's arithmetic.
pub trait Binary<B: Tensor>: Tensor {
    /// The result's type.
    type Out: Grad<F = Self::F>;
    /// `a + b`.
    fn add(&self, b: &B) -> Self::Out;
    /// `a - b`.
    fn sub(&self, b: &B) -> Self::Out;
    /// `a * b`.
    fn mul(&self, b: &B) -> Self::Out;
    /// `a / b`.
    fn div(&self, b: &B) -> Self::Out;
    /// `ā += ȳ`, `b̄ += ȳ`.
    fn add_rev(&self, b: &B, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut B::Acc>);
    /// `ā += ȳ`, `b̄ −= ȳ`.
    fn sub_rev(&self, b: &B, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut B::Acc>);
    /// Elementwise: `ā += ȳ ⊙ b`, `b̄ += ȳ ⊙ a`; matrix product `y = a·b`: `ā += ȳ·bᵀ`,
    /// `b̄ += aᵀ·ȳ`.
    fn mul_rev(&self, b: &B, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut B::Acc>);
    /// `ā += ȳ / b`, `b̄ −= ȳ ⊙ a / b²`.
    fn div_rev(&self, b: &B, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut B::Acc>);
}

/// `a.dot(&b)` and its rule. ndarray: vector·vector (a float), matrix·vector,
/// vector·matrix, matrix·matrix; nalgebra: the inner product (a float).
pub trait Dot<B: Tensor>: Tensor {
    /// The result's type.
    type Out;
    /// `a·b`.
    fn dot_of(&self, b: &B) -> Self::Out;
    /// For `C = A·B`: `Ā += C̄·Bᵀ`, `B̄ += Aᵀ·C̄` (the outer product and the transposed
    /// product for a vector operand, `ā += c̄·b`, `b̄ += c̄·a` for two vectors).
    fn dot_rev(&self, b: &B, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut B::Acc>);
}

/// `a.t()`, `a.transpose()`, with its rule.
pub trait Transpose: Tensor {
    /// The value of `t()`, `transpose()`.
    type T: Grad<F = Self::F>;
    /// `a.t()`, owned.
    fn transpose_of(&self) -> Self::T;
    /// `ā += ȳᵀ`.
    fn transpose_rev(&self, seed: &Self::T, da: &mut Self::Acc);
}

/// The rows and columns of a matrix value (ndarray), with their rules.
pub trait Shaped: Tensor {
    /// A row or column of a matrix.
    type Line: Grad<F = Self::F>;
    /// Row `i`, owned.
    fn row_of(&self, i: usize) -> Self::Line;
    /// `ā[i, ..] += ȳ`.
    fn row_rev(&self, i: usize, seed: &Self::Line, da: &mut Self::Acc);
    /// Column `j`, owned.
    fn column_of(&self, j: usize) -> Self::Line;
    /// `ā[.., j] += ȳ`.
    fn column_rev(&self, j: usize, seed: &Self::Line, da: &mut Self::Acc);
    /// The number of rows (for loops over rows).
    fn nrows_of(&self) -> usize;
}

/// `a[i]` for an index of the value's kind (`usize`, `[usize; 2]`, `(usize, usize)`).
pub trait Indexed<I>: Tensor {
    /// The element.
    fn at(&self, i: &I) -> Self::F;
    /// `g[i] += seed` for a gradient `g` of this value's shape.
    fn add_at(g: &mut Self::Grad, i: &I, seed: Self::F);
}

/// `a.sum_axis(Axis(k))` (ndarray).
pub trait SumAxis<X>: Tensor {
    /// The result's type.
    type Out: Grad<F = Self::F>;
    /// The sum along the axis.
    fn sum_axis_of(&self, axis: &X) -> Self::Out;
    /// `ā += ȳ` broadcast along the axis.
    fn sum_axis_rev(&self, axis: &X, seed: &Self::Out, da: &mut Self::Acc);
}

/// nalgebra's `cross` of two 3-vectors.
pub trait Cross<B: Tensor>: Tensor {
    /// The result's type.
    type Out: Grad<F = Self::F>;
    /// `a × b`.
    fn cross_of(&self, b: &B) -> Self::Out;
    /// `ā += b × ȳ`, `b̄ += ȳ × a`.
    fn cross_rev(
        &self,
        b: &B,
        seed: &Self::Out,
        da: Option<&mut Self::Acc>,
        db: Option<&mut B::Acc>,
    );
}

/// Elementwise product under another name (nalgebra's `component_mul`).
pub trait ComponentMul<B: Tensor>: Tensor {
    /// The result's type.
    type Out: Grad<F = Self::F>;
    /// `a ⊙ b`.
    fn component_mul_of(&self, b: &B) -> Self::Out;
    /// `ā += ȳ ⊙ b`, `b̄ += ȳ ⊙ a`.
    fn component_mul_rev(
        &self,
        b: &B,
        seed: &Self::Out,
        da: Option<&mut Self::Acc>,
        db: Option<&mut B::Acc>,
    );
}

// ---------------------------------------------------------------------------------------
// The functions generated code calls. `NAME(&a, ..)` is the primal, `NAME_rev(&a, .., &out,
// &seed, sinks..)` the rule.

/// The accumulator of a value's gradient, empty; its type is the value's.
#[inline]
pub fn acc_of<A: AsTensor>(_a: &A) -> <A::T as Tensor>::Acc {
    <<A::T as Tensor>::Acc as Acc<_>>::empty()
}

/// The gradient, leaving zero behind; `None` when nothing was added.
#[inline]
pub fn take_seed<G, S: Acc<G>>(acc: &mut S) -> Option<G> {
    acc.take_seed()
}

/// Adds the accumulated gradient of a parameter into the caller's destination.
#[inline]
pub fn deliver<G: Grad, S: Acc<G>>(dest: &mut G, acc: &mut S) {
    if let Some(g) = acc.take_seed() {
        dest.add_assign_grad(&g);
    }
}

/// `dest += g`: the gradient of a field read whole (`pose.r`) into the gradient's field.
#[inline]
#[track_caller]
pub fn add_grad<G: Grad>(dest: &mut G, g: &G) {
    dest.add_assign_grad(g);
}

macro_rules! binary_op {
    ($(#[$doc:meta])* $trait_:ident, $name:ident, $rev:ident, $op:ident, $op_rev:ident) => {
        $(#[$doc])*
        pub trait $trait_<B: Tensor>: Tensor {
            /// The result's type.
            type Out;
            /// The value.
            fn $op(&self, b: &B) -> Self::Out;
            /// The rule: adds each operand's cotangent into its sink.
            fn $op_rev(&self, b: &B, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut B::Acc>);
        }

        impl<A: Binary<B>, B: Tensor> $trait_<B> for A {
            type Out = <A as Binary<B>>::Out;
            #[inline]
            fn $op(&self, b: &B) -> Self::Out {
                Binary::$name(self, b)
            }
            #[inline]
            fn $op_rev(&self, b: &B, seed: &Self::Out, da: Option<&mut Self::Acc>, db: Option<&mut B::Acc>) {
                Binary::$rev(self, b, seed, da, db)
            }
        }

        binary_fns!($trait_, $name, $rev, $op, $op_rev);
    };
}

/// The free functions the macro calls for a binary operation `$trait_`: the value `$name(a, b)`
/// and its rule `$rev(a, b, out, seed, da, db)`, for anything that is a tensor (`AsTensor`).
macro_rules! binary_fns {
    ($trait_:ident, $name:ident, $rev:ident, $op:ident, $op_rev:ident) => {
        #[doc = concat!("`", stringify!($name), "(a, b)`: see [`", stringify!($trait_), "`].")]
        #[inline]
        #[track_caller]
        pub fn $name<A: AsTensor, B: AsTensor>(a: &A, b: &B) -> <A::T as $trait_<B::T>>::Out
        where
            A::T: $trait_<B::T>,
        {
            a.tensor().$op(b.tensor())
        }

        #[doc = concat!("The rule of [`", stringify!($name), "`]: see [`", stringify!($trait_), "`].")]
        #[inline]
        pub fn $rev<A: AsTensor, B: AsTensor>(
            a: &A,
            b: &B,
            _out: &<A::T as $trait_<B::T>>::Out,
            seed: &<A::T as $trait_<B::T>>::Out,
            da: Option<&mut <A::T as Tensor>::Acc>,
            db: Option<&mut <B::T as Tensor>::Acc>,
        ) where
            A::T: $trait_<B::T>,
        {
            a.tensor().$op_rev(b.tensor(), seed, da, db)
        }
    };
}

binary_op!(
    /// `a + b`: elementwise (ndarray broadcasts), or a sum of nalgebra matrices of one shape.
    /// Rule: `ā += ȳ`, `b̄ += ȳ` (summed over the axes an operand was broadcast along).
    AddOp, add, add_rev, add_of, add_rev_of
);
binary_op!(
    /// `a - b`. Rule: `ā += ȳ`, `b̄ −= ȳ`.
    SubOp, sub, sub_rev, sub_of, sub_rev_of
);
binary_op!(
    /// `a * b`: ndarray's elementwise product, nalgebra's matrix product (`ā += ȳ·bᵀ`,
    /// `b̄ += aᵀ·ȳ`), or a product with a float (`ā += s·ȳ`, `s̄ += Σ ȳ ⊙ a`).
    MulOp, mul, mul_rev, mul_of, mul_rev_of
);
binary_op!(
    /// `a / b`: elementwise, or by a float. Rule: `ā += ȳ / b`, `b̄ −= ȳ ⊙ a / b²`.
    DivOp, div, div_rev, div_of, div_rev_of
);

// `a.dot(&b)`, `a × b` (nalgebra's `cross`: `ā += b × ȳ`, `b̄ += ȳ × a`) and
// `a.component_mul(&b)` (`ā += ȳ ⊙ b`, `b̄ += ȳ ⊙ a`): see their traits.
binary_fns!(Dot, dot, dot_rev, dot_of, dot_rev);
binary_fns!(Cross, cross, cross_rev, cross_of, cross_rev);
binary_fns!(
    ComponentMul,
    component_mul,
    component_mul_rev,
    component_mul_of,
    component_mul_rev
);

/// An owned copy (`clone()`, `to_owned()`, `view()`, a binding `let b = a;`).
#[inline]
pub fn copy<A: AsTensor>(a: &A) -> <A::T as Tensor>::Grad {
    a.tensor().to_grad()
}

/// The rule of [`copy`]: `ā += ȳ`.
#[inline]
pub fn copy_rev<A: AsTensor>(
    _a: &A,
    _out: &<A::T as Tensor>::Grad,
    seed: &<A::T as Tensor>::Grad,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    if let Some(da) = da {
        da.add(seed.clone());
    }
}

/// A zero of `a`'s shape (the tangent of a constant such as `Array2::zeros(..)`).
#[inline]
pub fn zeros_like<A: AsTensor>(a: &A) -> <A::T as Tensor>::Grad {
    a.tensor().zero_grad()
}

/// The rule of [`zeros_like`]: nothing flows back.
#[inline]
pub fn zeros_like_rev<A: AsTensor>(
    _a: &A,
    _out: &<A::T as Tensor>::Grad,
    _seed: &<A::T as Tensor>::Grad,
    _da: Option<&mut <A::T as Tensor>::Acc>,
) {
}

/// `-a`.
#[inline]
pub fn neg<A: AsTensor>(a: &A) -> <A::T as Tensor>::Grad {
    a.tensor().map_to_grad(|x| -x)
}

/// The rule of [`neg`]: `ā −= ȳ`.
#[inline]
pub fn neg_rev<A: AsTensor>(
    _a: &A,
    _out: &<A::T as Tensor>::Grad,
    seed: &<A::T as Tensor>::Grad,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    if let Some(da) = da {
        da.add(seed.map_elems(|x| -x));
    }
}

macro_rules! unary_fn {
    ($(#[$doc:meta])* $name:ident, $rev:ident, |$x:ident| $value:expr, |$a:ident, $y:ident| $partial:expr) => {
        $(#[$doc])*
        #[inline]
        pub fn $name<A: AsTensor>(a: &A) -> <A::T as Tensor>::Grad {
            a.tensor().map_to_grad(|$x| $value)
        }

        #[doc = concat!("The rule of [`", stringify!($name), "`], elementwise: `ā += ȳ · f'(a)`.")]
        #[inline]
        pub fn $rev<A: AsTensor>(
            a: &A,
            out: &<A::T as Tensor>::Grad,
            seed: &<A::T as Tensor>::Grad,
            da: Option<&mut <A::T as Tensor>::Acc>,
        ) {
            if let Some(da) = da {
                da.add(a.tensor().zip3_to_grad(out, seed, |$a, $y, s| s * $partial));
            }
        }
    };
}

unary_fn!(/// `eˣ` elementwise (`mapv(f64::exp)`, `x.exp()`); its derivative is `eˣ`.
    exp, exp_rev, |x| x.exp(), |_a, y| y);
unary_fn!(/// `ln x` elementwise; its derivative is `1/x`.
    ln, ln_rev, |x| x.ln(), |a, _y| a.recip());
unary_fn!(/// `tanh x` elementwise; its derivative is `1 − tanh² x`.
    tanh, tanh_rev, |x| x.tanh(), |_a, y| F1::one::<_>(y) - y * y);
unary_fn!(/// `sin x` elementwise; its derivative is `cos x`.
    sin, sin_rev, |x| x.sin(), |a, _y| a.cos());
unary_fn!(/// `cos x` elementwise; its derivative is `−sin x`.
    cos, cos_rev, |x| x.cos(), |a, _y| -a.sin());
unary_fn!(/// `√x` elementwise; its derivative is `1/(2√x)` (+∞ at 0, as `rules::sqrt`).
    sqrt, sqrt_rev, |x| x.sqrt(), |_a, y| (y + y).recip());
unary_fn!(/// `1/x` elementwise; its derivative is `−1/x²`.
    recip, recip_rev, |x| x.recip(), |_a, y| -(y * y));
unary_fn!(/// `|x|` elementwise; its derivative is `sign x`, 0 at 0 (as `rules::abs`).
    abs, abs_rev, |x| x.abs(), |a, _y| F1::sign(a));
unary_fn!(/// `x²` elementwise (`mapv(|v| v * v)`, `powi(2)`); its derivative is `2x`.
    square, square_rev, |x| x * x, |a, _y| a + a);
unary_fn!(/// `1 − x²` elementwise: the derivative of `tanh` at its value, which forward mode
    /// multiplies tangents by; its derivative is `−2x`.
    one_minus_square, one_minus_square_rev, |x| F1::one::<_>(x) - x * x, |a, _y| -(a + a));
unary_fn!(/// The sign of `x` elementwise, 0 at 0: the derivative of `abs`; piecewise constant.
    sign, sign_rev, |x| F1::sign(x), |a, _y| F1::zero(a));

/// A helper to spell 1 of an element's float type inside the macros above.
struct F1;

impl F1 {
    #[inline(always)]
    fn one<T: Float>(_like: T) -> T {
        T::one()
    }

    #[inline(always)]
    fn zero<T: Float>(_like: T) -> T {
        T::zero()
    }

    /// The sign, 0 at ±0 (NaN at NaN).
    #[inline(always)]
    fn sign<T: Float>(x: T) -> T {
        if x == T::zero() {
            T::zero()
        } else {
            x.signum()
        }
    }
}

macro_rules! select_fn {
    ($(#[$doc:meta])* $name:ident, $rev:ident, $weight:ident, $weight_rev:ident, $method:ident, $rule:path) => {
        $(#[$doc])*
        #[inline]
        pub fn $name<A: AsTensor>(a: &A, b: &<A::T as Tensor>::F) -> <A::T as Tensor>::Grad {
            let b = *b;
            a.tensor().to_grad().map_elems(|x| x.$method(b))
        }

        #[doc = concat!("The rule of [`", stringify!($name), "`], elementwise as `rules::", stringify!($method), "`'s (a tie splits the seed in halves; a NaN element gives it all to the other): `ā += ȳ ⊙ wₐ`, `b̄ += Σ ȳ ⊙ w_b`.")]
        #[inline]
        pub fn $rev<A: AsTensor>(
            a: &A,
            b: &<A::T as Tensor>::F,
            _out: &<A::T as Tensor>::Grad,
            seed: &<A::T as Tensor>::Grad,
            da: Option<&mut <A::T as Tensor>::Acc>,
            db: Option<&mut <A::T as Tensor>::F>,
        ) {
            let b = *b;
            let g = a.tensor().to_grad();
            if let Some(da) = da {
                da.add(g.zip_elems(seed, |x, s| $rule(x, b, s).0));
            }
            if let Some(db) = db {
                *db = *db + g.zip_elems(seed, |x, s| $rule(x, b, s).1).sum_elems();
            }
        }

        #[doc = concat!("The share of the seed [`", stringify!($name), "`] gives `a`, elementwise (1, 0, ½ at a tie): the tangent's weight. Piecewise constant.")]
        #[inline]
        pub fn $weight<A: AsTensor>(a: &A, b: &<A::T as Tensor>::F) -> <A::T as Tensor>::Grad {
            let b = *b;
            a.tensor().to_grad().map_elems(|x| $rule(x, b, <<A::T as Tensor>::F as num_traits::One>::one()).0)
        }

        #[doc = concat!("The rule of [`", stringify!($weight), "`]: zero, it is piecewise constant.")]
        #[inline]
        pub fn $weight_rev<A: AsTensor>(
            _a: &A,
            _b: &<A::T as Tensor>::F,
            _out: &<A::T as Tensor>::Grad,
            _seed: &<A::T as Tensor>::Grad,
            _da: Option<&mut <A::T as Tensor>::Acc>,
            _db: Option<&mut <A::T as Tensor>::F>,
        ) {
        }
    };
}

select_fn!(
    /// `max(aᵢ, b)` elementwise with a float (`mapv(|v| v.max(0.0))`, a ReLU).
    maximum, maximum_rev, max_weight, max_weight_rev, max, crate::rules::max
);
select_fn!(
    /// `min(aᵢ, b)` elementwise with a float.
    minimum, minimum_rev, min_weight, min_weight_rev, min, crate::rules::min
);

/// `xⁿ` elementwise for an integer `n` (`mapv(|v| v.powi(2))`).
#[inline]
pub fn powi<A: AsTensor>(a: &A, n: &i32) -> <A::T as Tensor>::Grad {
    let n = *n;
    a.tensor().to_grad().map_elems(|x| x.powi(n))
}

/// The rule of [`powi`], elementwise as `rules::powi`: `ā += ȳ ⊙ n·aⁿ⁻¹` (0 for `n = 0`).
#[inline]
pub fn powi_rev<A: AsTensor>(
    a: &A,
    n: &i32,
    _out: &<A::T as Tensor>::Grad,
    seed: &<A::T as Tensor>::Grad,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    let n = *n;
    if let Some(da) = da {
        da.add(
            a.tensor()
                .to_grad()
                .zip_elems(seed, |x, s| crate::rules::powi(x, n, s)),
        );
    }
}

/// `n·xⁿ⁻¹` elementwise: the derivative of [`powi`], which forward mode multiplies tangents by.
#[inline]
pub fn powi_partial<A: AsTensor>(a: &A, n: &i32) -> <A::T as Tensor>::Grad {
    let n = *n;
    let one = <<A::T as Tensor>::F as num_traits::One>::one();
    a.tensor()
        .to_grad()
        .map_elems(|x| crate::rules::powi(x, n, one))
}

/// The rule of [`powi_partial`]: `ā += ȳ ⊙ n·(n−1)·aⁿ⁻²` (0 for `n = 0` and `n = 1`).
#[inline]
pub fn powi_partial_rev<A: AsTensor>(
    a: &A,
    n: &i32,
    _out: &<A::T as Tensor>::Grad,
    seed: &<A::T as Tensor>::Grad,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    let n = *n;
    if let Some(da) = da {
        let g = a.tensor().to_grad();
        if n == 0 {
            da.add(g.zero_grad());
            return;
        }
        let n_f = <<A::T as Tensor>::F as num_traits::NumCast>::from(n).expect("an i32 as a float");
        da.add(g.zip_elems(seed, |x, s| {
            crate::rules::powi(x, n.wrapping_sub(1), s * n_f)
        }));
    }
}

/// The sum of the elements, a float.
#[inline]
pub fn sum<A: AsTensor>(a: &A) -> <A::T as Tensor>::F {
    a.tensor().to_grad().sum_elems()
}

/// The rule of [`sum`]: every element of `ā` gets `ȳ`.
#[inline]
pub fn sum_rev<A: AsTensor>(
    a: &A,
    _out: &<A::T as Tensor>::F,
    seed: &<A::T as Tensor>::F,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    if let Some(da) = da {
        let s = *seed;
        da.add(a.tensor().zero_grad().map_elems(|_| s));
    }
}

/// The mean of the elements (ndarray's `mean()` is `Option`: `x.mean().unwrap()` is this).
#[inline]
pub fn mean<A: AsTensor>(a: &A) -> <A::T as Tensor>::F {
    let g = a.tensor().to_grad();
    let n = <<A::T as Tensor>::F as num_traits::NumCast>::from(g.count()).expect("a count");
    g.sum_elems() / n
}

/// The rule of [`mean`]: every element of `ā` gets `ȳ / n`.
#[inline]
pub fn mean_rev<A: AsTensor>(
    a: &A,
    _out: &<A::T as Tensor>::F,
    seed: &<A::T as Tensor>::F,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    if let Some(da) = da {
        let z = a.tensor().zero_grad();
        let n = <<A::T as Tensor>::F as num_traits::NumCast>::from(z.count()).expect("a count");
        let s = *seed / n;
        da.add(z.map_elems(|_| s));
    }
}

/// `Σ aᵢ²` (nalgebra's `norm_squared`).
#[inline]
pub fn norm_squared<A: AsTensor>(a: &A) -> <A::T as Tensor>::F {
    a.tensor().to_grad().map_elems(|x| x * x).sum_elems()
}

/// The rule of [`norm_squared`]: `ā += 2ȳ·a`.
#[inline]
pub fn norm_squared_rev<A: AsTensor>(
    a: &A,
    _out: &<A::T as Tensor>::F,
    seed: &<A::T as Tensor>::F,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    if let Some(da) = da {
        let s = *seed + *seed;
        da.add(a.tensor().to_grad().map_elems(|x| s * x));
    }
}

/// `√Σ aᵢ²` (nalgebra's `norm`).
#[inline]
pub fn norm<A: AsTensor>(a: &A) -> <A::T as Tensor>::F {
    norm_squared(a).sqrt()
}

/// The rule of [`norm`]: `ā += ȳ·a/‖a‖`, zero at the origin (as `rules::norm`).
#[inline]
pub fn norm_rev<A: AsTensor>(
    a: &A,
    out: &<A::T as Tensor>::F,
    seed: &<A::T as Tensor>::F,
    da: Option<&mut <A::T as Tensor>::Acc>,
) {
    if let Some(da) = da {
        if *out == <<A::T as Tensor>::F as num_traits::Zero>::zero() {
            return;
        }
        let s = *seed / *out;
        da.add(a.tensor().to_grad().map_elems(|x| s * x));
    }
}

/// A value that is a float (the result of a vector `dot`), as a float.
#[inline]
pub fn to_scalar<A: AsTensor>(a: &A) -> <A::T as Tensor>::F
where
    A::T: ToScalar,
{
    a.tensor().to_scalar()
}

/// The rule of [`to_scalar`]: `ā += ȳ`.
#[inline]
pub fn to_scalar_rev<A: AsTensor>(
    _a: &A,
    _out: &<A::T as Tensor>::F,
    seed: &<A::T as Tensor>::F,
    da: Option<&mut <A::T as Tensor>::Acc>,
) where
    A::T: ToScalar + Tensor<Grad = <A::T as Tensor>::F>,
{
    if let Some(da) = da {
        da.add(*seed);
    }
}

/// `a[i]`: an element.
#[inline]
pub fn index<A: AsTensor, I>(a: &A, i: &I) -> <A::T as Tensor>::F
where
    A::T: Indexed<I>,
{
    a.tensor().at(i)
}

/// The rule of [`index`]: `ā[i] += ȳ`, in place (a zero of `a`'s shape is made once).
#[inline]
pub fn index_rev<A: AsTensor, I>(
    a: &A,
    i: &I,
    _out: &<A::T as Tensor>::F,
    seed: &<A::T as Tensor>::F,
    da: Option<&mut <A::T as Tensor>::Acc>,
) where
    A::T: Indexed<I>,
{
    if let Some(da) = da {
        let g = da.slot(|| a.tensor().zero_grad());
        <A::T as Indexed<I>>::add_at(g, i, *seed);
    }
}

/// `a.t()`, `a.transpose()`, owned.
#[inline]
pub fn t<A: AsTensor>(a: &A) -> <A::T as Transpose>::T
where
    A::T: Transpose,
{
    a.tensor().transpose_of()
}

/// The rule of [`t`]: `ā += ȳᵀ`.
#[inline]
pub fn t_rev<A: AsTensor>(
    a: &A,
    _out: &<A::T as Transpose>::T,
    seed: &<A::T as Transpose>::T,
    da: Option<&mut <A::T as Tensor>::Acc>,
) where
    A::T: Transpose,
{
    if let Some(da) = da {
        a.tensor().transpose_rev(seed, da);
    }
}

/// A line of a matrix by its index, owned (`$name(a, &k)`), and its rule (`$rev`), which adds
/// the seed into that line of `ā`.
macro_rules! line_fn {
    ($(#[$doc:meta])* $name:ident, $rev:ident, $of:ident, $line_rev:ident) => {
        $(#[$doc])*
        #[inline]
        pub fn $name<A: AsTensor>(a: &A, k: &usize) -> <A::T as Shaped>::Line
        where
            A::T: Shaped,
        {
            a.tensor().$of(*k)
        }

        #[doc = concat!("The rule of [`", stringify!($name), "`]: the line `k` of `ā` gets `ȳ`.")]
        #[inline]
        pub fn $rev<A: AsTensor>(
            a: &A,
            k: &usize,
            _out: &<A::T as Shaped>::Line,
            seed: &<A::T as Shaped>::Line,
            da: Option<&mut <A::T as Tensor>::Acc>,
        ) where
            A::T: Shaped,
        {
            if let Some(da) = da {
                a.tensor().$line_rev(*k, seed, da);
            }
        }
    };
}

line_fn!(
    /// `a.row(i)`, owned; its rule is `ā[i, ..] += ȳ`.
    row, row_rev, row_of, row_rev
);
line_fn!(
    /// `a.column(j)`, owned; its rule is `ā[.., j] += ȳ`.
    column, column_rev, column_of, column_rev
);

/// The number of rows, for a loop over rows.
#[inline]
pub fn nrows<A: AsTensor>(a: &A) -> usize
where
    A::T: Shaped,
{
    a.tensor().nrows_of()
}

/// `a.sum_axis(axis)`.
#[inline]
pub fn sum_axis<A: AsTensor, X>(a: &A, axis: &X) -> <A::T as SumAxis<X>>::Out
where
    A::T: SumAxis<X>,
{
    a.tensor().sum_axis_of(axis)
}

/// The rule of [`sum_axis`]: `ā += ȳ` broadcast along the axis.
#[inline]
pub fn sum_axis_rev<A: AsTensor, X>(
    a: &A,
    axis: &X,
    _out: &<A::T as SumAxis<X>>::Out,
    seed: &<A::T as SumAxis<X>>::Out,
    da: Option<&mut <A::T as Tensor>::Acc>,
) where
    A::T: SumAxis<X>,
{
    if let Some(da) = da {
        a.tensor().sum_axis_rev(axis, seed, da);
    }
}

/// Panics with the operation and both shapes.
#[cold]
#[track_caller]
pub(crate) fn shape_panic(op: &str, a: &[usize], b: &[usize]) -> ! {
    panic!("{op}: the shapes {a:?} and {b:?} do not fit")
}
