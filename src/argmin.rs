//! argmin's solvers on generated derivatives (feature `argmin`).
//!
//! [`Objective`] makes a function of a vector of floats, its generated gradient and,
//! optionally, its generated Hessian-vector product into an argmin problem: it implements
//! argmin's [`CostFunction`], [`Gradient`] and, with [`Objective::with_hvp`], [`Hessian`]. The
//! Hessian it hands to argmin is a [`HessianProduct`]: the point, not a matrix. argmin's
//! solvers only ever multiply their Hessian with a vector (`ArgminDot`), and each such
//! product is one call of `NAME_hvp`, so Newton-CG and the Steihaug trust region run without
//! the n × n matrix ever being formed.
//!
//! ```
//! use autodiff::argmin::core::{Executor, State};
//! use autodiff::argmin::solver::linesearch::MoreThuenteLineSearch;
//! use autodiff::argmin::solver::quasinewton::LBFGS;
//! use autodiff::argmin::solver::trustregion::{Steihaug, TrustRegion};
//! use autodiff::argmin::Objective;
//! use autodiff::prelude::*;
//!
//! /// Σᵢ 100 (x₂ᵢ² − x₂ᵢ₊₁)² + (x₂ᵢ − 1)², least at (1, ..., 1)
//! #[differentiable]
//! fn rosenbrock(x: &[f64]) -> f64 {
//!     let mut s = 0.0;
//!     for i in 0..x.len() / 2 {
//!         let a = x[2 * i] * x[2 * i] - x[2 * i + 1];
//!         s += 100.0 * a * a + (x[2 * i] - 1.0).powi(2);
//!     }
//!     s
//! }
//!
//! // L-BFGS: the cost and the gradient
//! let problem = Objective::new(rosenbrock, rosenbrock_grad);
//! let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7);
//! let result = Executor::new(problem, solver)
//!     .configure(|state| state.param(vec![-1.2, 1.0, -1.2, 1.0]).max_iters(100))
//!     .run()
//!     .unwrap();
//! let x = result.state.get_best_param().unwrap();
//! assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-6));
//!
//! // a trust region, whose subproblem is solved by conjugate gradient on exact
//! // Hessian-vector products (`NewtonCG::new(MoreThuenteLineSearch::new())` takes the same
//! // problem)
//! let problem = Objective::new(rosenbrock, rosenbrock_grad).with_hvp(rosenbrock_hvp);
//! let solver = TrustRegion::new(Steihaug::new());
//! let result = Executor::new(problem, solver)
//!     .configure(|state| state.param(vec![-1.2, 1.0, -1.2, 1.0]).max_iters(100))
//!     .run()
//!     .unwrap();
//! let x = result.state.get_best_param().unwrap();
//! assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-9));
//! ```
//!
//! # Parameter shapes
//!
//! argmin's parameter here is a `Vec<T>` (`T` is `f64` or `f32`), handed to the three
//! functions as a `&[T]`, so a `#[differentiable] fn f(x: &[f64]) -> f64` gives its
//! `f`, `f_grad` and `f_hvp` directly. Anything else goes through a closure:
//!
//! - data the function also reads: `Objective::new(|w: &[f64]| loss(w, &xs, &ys),
//!   |w: &[f64]| loss_grad(w, &xs, &ys))`, with `#[differentiable(wrt(w))]` on `loss`;
//! - several scalars or arrays: unpack the slice, `|p: &[f64]| f(p[0], p[1])`, and pack the
//!   gradient tuple, `|p: &[f64]| { let (a, b) = f_grad(p[0], p[1]); vec![a, b] }`;
//! - a `#[derive(Differentiable)]` struct `m`: through its flat view,
//!   `|p: &[f64]| loss(&m.from_flat(p))` and `|p: &[f64]| loss_grad(&m.from_flat(p)).to_flat()`
//!   (and `from_flat` on the direction for `_hvp`).
//!
//! argmin calls the cost and the gradient separately, so a gradient evaluation is a forward
//! and a reverse sweep even when the cost at that point was just computed
//! (`NAME_value_and_grad` has no place in argmin's traits).
//!
//! # Which solvers
//!
//! With [`Objective::new`]: gradient descent, nonlinear conjugate gradient, BFGS, L-BFGS,
//! DFP, SR1 and the line searches. With [`Objective::with_hvp`] also `TrustRegion` with the
//! `Steihaug` or `CauchyPoint` subproblem, and `NewtonCG`. argmin's exact Newton method and
//! the `Dogleg` subproblem invert their Hessian, which argmin implements only for its
//! ndarray, nalgebra and faer backends; build such a matrix with
//! [`HessianProduct::to_dense`] (n products) if you need one.
//!
//! Prefer `TrustRegion::new(Steihaug::new())` to `NewtonCG` for second-order steps: argmin
//! 0.11's `NewtonCG` compares the *squared* residual of its inner conjugate gradient with
//! min(0.5, √‖g‖)·‖g‖, which near a minimum its first conjugate-gradient step meets, so it
//! takes steepest-descent steps there and converges only linearly (with the comparison made
//! on the residual itself it converges as a Newton method should;
//! `examples/newton_rosenbrock.rs` has the numbers of both); at an exact stationary point its
//! line search returns an error rather than stopping. `TrustRegion` has no convergence test of
//! its own: give it `max_iters`, and `target_cost` if the minimum's value is known.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ::argmin::core::{CostFunction, Error, Gradient, Hessian};
use ::argmin_math::ArgminDot;
use num_traits::Float;

/// argmin's modules, re-exported so that the solvers and the [`Objective`] come from the same
/// version of argmin: `autodiff::argmin::core::Executor`,
/// `autodiff::argmin::solver::newton::NewtonCG`.
pub use ::argmin::{core, solver};

/// argmin's math traits (`ArgminDot`, ...), of the version the solvers use.
pub use ::argmin_math as math;

/// A differentiable function of a vector as an argmin problem: its cost, its gradient and,
/// after [`with_hvp`](Objective::with_hvp), its Hessian as a [`HessianProduct`].
///
/// `F`, `G` and `H` are the three functions (function items such as `rosenbrock`,
/// `rosenbrock_grad`, `rosenbrock_hvp`, or closures); `T` is the float. See the
/// [module](self) for an example and for parameters of other shapes.
pub struct Objective<T, F, G, H = NoHessian> {
    cost: F,
    gradient: G,
    hvp: Arc<H>,
    products: Arc<AtomicUsize>,
    float: PhantomData<fn() -> T>,
}

/// The Hessian of an [`Objective`] built without [`with_hvp`](Objective::with_hvp): there is
/// none, and argmin's `Hessian` trait is not implemented.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHessian;

impl<T, F, G> Objective<T, F, G>
where
    T: Float,
    F: Fn(&[T]) -> T,
    G: Fn(&[T]) -> Vec<T>,
{
    /// The problem of minimising `cost`, whose gradient is `gradient`: for a
    /// `#[differentiable] fn f(x: &[f64]) -> f64`, `Objective::new(f, f_grad)`.
    pub fn new(cost: F, gradient: G) -> Self {
        Objective {
            cost,
            gradient,
            hvp: Arc::new(NoHessian),
            products: Arc::new(AtomicUsize::new(0)),
            float: PhantomData,
        }
    }

    /// Adds the Hessian-vector product `hvp(x, v) = ∇²f(x)·v` (the generated `f_hvp`), which
    /// makes the problem argmin's `Hessian` as well: Newton-CG and trust regions.
    pub fn with_hvp<H>(self, hvp: H) -> Objective<T, F, G, H>
    where
        H: Fn(&[T], &[T]) -> Vec<T>,
    {
        Objective {
            cost: self.cost,
            gradient: self.gradient,
            hvp: Arc::new(hvp),
            products: self.products,
            float: PhantomData,
        }
    }
}

impl<T, F, G, H> Objective<T, F, G, H> {
    /// How many Hessian-vector products the solvers have taken so far, over every
    /// [`HessianProduct`] this problem handed out. (argmin counts the cost, gradient and
    /// Hessian evaluations itself: `result.state.get_func_counts()`; its `hessian_count` is
    /// the number of points a Hessian was asked for, each of which costs nothing until it is
    /// multiplied with a vector.)
    pub fn hessian_vector_products(&self) -> usize {
        self.products.load(Ordering::Relaxed)
    }
}

impl<T, F, G, H> fmt::Debug for Objective<T, F, G, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Objective")
            .field("hessian_vector_products", &self.hessian_vector_products())
            .finish_non_exhaustive()
    }
}

impl<T, F, G, H> CostFunction for Objective<T, F, G, H>
where
    F: Fn(&[T]) -> T,
{
    type Param = Vec<T>;
    type Output = T;

    fn cost(&self, param: &Vec<T>) -> Result<T, Error> {
        Ok((self.cost)(param))
    }
}

impl<T, F, G, H> Gradient for Objective<T, F, G, H>
where
    G: Fn(&[T]) -> Vec<T>,
{
    type Param = Vec<T>;
    type Gradient = Vec<T>;

    fn gradient(&self, param: &Vec<T>) -> Result<Vec<T>, Error> {
        Ok((self.gradient)(param))
    }
}

impl<T, F, G, H> Hessian for Objective<T, F, G, H>
where
    T: Float,
    H: Fn(&[T], &[T]) -> Vec<T>,
{
    type Param = Vec<T>;
    type Hessian = HessianProduct<T, H>;

    /// The Hessian at `param`, as an operator: no product is taken here.
    fn hessian(&self, param: &Vec<T>) -> Result<HessianProduct<T, H>, Error> {
        Ok(HessianProduct {
            x: param.clone(),
            hvp: Arc::clone(&self.hvp),
            products: Arc::clone(&self.products),
            last: RefCell::new(None),
        })
    }
}

/// The Hessian of an [`Objective`] at a point, as the linear map `v ↦ ∇²f(x)·v`: what
/// argmin's Newton-CG and Steihaug solvers use as their Hessian. Its product with a vector,
/// `ArgminDot::dot(&h, &v)` or [`apply`](HessianProduct::apply), is one call of the
/// problem's `hvp` at the point.
///
/// Two products are not recomputed: with the zero vector (zero, as argmin's conjugate
/// gradient asks at its start), and with the vector of the previous product (argmin's
/// Newton-CG multiplies each conjugate-gradient direction twice, once in the conjugate
/// gradient and once for its curvature test).
pub struct HessianProduct<T, H> {
    x: Vec<T>,
    hvp: Arc<H>,
    products: Arc<AtomicUsize>,
    last: RefCell<Option<(Vec<T>, Vec<T>)>>,
}

impl<T: Clone, H> Clone for HessianProduct<T, H> {
    fn clone(&self) -> Self {
        HessianProduct {
            x: self.x.clone(),
            hvp: Arc::clone(&self.hvp),
            products: Arc::clone(&self.products),
            last: self.last.clone(),
        }
    }
}

impl<T: fmt::Debug, H> fmt::Debug for HessianProduct<T, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HessianProduct")
            .field("x", &self.x)
            .finish_non_exhaustive()
    }
}

impl<T, H> HessianProduct<T, H>
where
    T: Float,
    H: Fn(&[T], &[T]) -> Vec<T>,
{
    /// The point the Hessian is taken at.
    pub fn point(&self) -> &[T] {
        &self.x
    }

    /// `∇²f(x)·v`.
    ///
    /// # Panics
    ///
    /// If `v` does not have the point's length.
    pub fn apply(&self, v: &[T]) -> Vec<T> {
        assert_eq!(
            v.len(),
            self.x.len(),
            "Hessian-vector product: a direction of length {} at a point of length {}",
            v.len(),
            self.x.len()
        );
        if v.iter().all(|d| d.is_zero()) {
            return vec![T::zero(); v.len()];
        }
        if let Some((direction, product)) = &*self.last.borrow() {
            if direction.as_slice() == v {
                return product.clone();
            }
        }
        let product = (self.hvp)(&self.x, v);
        self.products.fetch_add(1, Ordering::Relaxed);
        *self.last.borrow_mut() = Some((v.to_vec(), product.clone()));
        product
    }

    /// The dense n × n Hessian, row by row, from n products with the unit vectors (the
    /// Hessian is symmetric, so its columns are its rows): for solvers that invert it, or to
    /// look at it. Costs n calls of `hvp`, each about as much as a few evaluations of `f`.
    pub fn to_dense(&self) -> Vec<Vec<T>> {
        let n = self.x.len();
        let mut unit = vec![T::zero(); n];
        (0..n)
            .map(|i| {
                unit[i] = T::one();
                let column = (self.hvp)(&self.x, &unit);
                self.products.fetch_add(1, Ordering::Relaxed);
                unit[i] = T::zero();
                column
            })
            .collect()
    }
}

impl<T, H> ArgminDot<Vec<T>, Vec<T>> for HessianProduct<T, H>
where
    T: Float,
    H: Fn(&[T], &[T]) -> Vec<T>,
{
    fn dot(&self, other: &Vec<T>) -> Vec<T> {
        self.apply(other)
    }
}
