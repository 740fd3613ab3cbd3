//! Names the macro knows: attribute arguments, and the float primitives with the shape of
//! their runtime rules. No derivative is written here: a rule is named, and its math lives
//! in `autodiff_runtime::rules`.

pub const WRT: &str = "wrt";
pub const CUSTOM_VJP: &str = "custom_vjp";

/// The suffix of the function every `#[differentiable] fn f` generates for other
/// differentiable functions to call: `f_derivative()` returns a value whose methods are `f`'s
/// derivative rules (`RULES`), so that one name brings them all (`use m::{f, f_derivative}`).
///
/// A call of `f` from differentiable code names that function, and the macro cannot see
/// whether `f` has one (a proc macro sees no other item, and a function item's type cannot
/// be named in a trait impl on stable Rust, so `#[diagnostic::on_unimplemented]` cannot be
/// keyed by the callee). When `f` has none, rustc's error is "cannot find function
/// `f_derivative`", on the call: the name says what is missing. It is short on purpose: a
/// long common suffix makes rustc suggest another function's derivative as a "similar name".
pub const RULE_SUFFIX: &str = "_derivative";

/// The name of `f`'s derivative-rule function.
pub fn rule_name(f: &syn::Ident) -> syn::Ident {
    quote::format_ident!("{}{}", f, RULE_SUFFIX, span = f.span())
}

/// Whether a path segment names a type: `Self`, or a name in `UpperCamelCase`.
pub fn is_type_name(ident: &syn::Ident) -> bool {
    let s = ident.to_string();
    s == "Self" || s.starts_with(|c: char| c.is_ascii_uppercase())
}

/// The type of the value `f_derivative()` returns, which callers never name.
pub fn rules_type_name(f: &syn::Ident) -> syn::Ident {
    quote::format_ident!("__{}_rules", f)
}

/// The derivative rules of a `#[differentiable] fn f`, methods of `f_derivative()`:
///
/// - `pullback(<params>, seed, <one Option<&mut ..> per parameter>) -> R`: reverse mode, for
///   callers' reverse sweeps;
/// - `tangent(<params>, <one tangent slot per parameter>) -> R`: the tangent of the value, for
///   callers' forward mode; a slot is `Tan(t)` or `NoTangent` (`autodiff_runtime`'s
///   `TangentArg`), so a caller need not know which of its arguments are floats;
/// - `tangent_pullback(<params>, <slots>, seed, <options per parameter and per slot>) -> R`:
///   the reverse mode of `tangent`, for callers' Hessian-vector products.
///
/// Each of the last two reads its slots and calls the same rule with one tangent per float
/// parameter (`TANGENT_FLOATS`, `TANGENT_PULLBACK_FLOATS`).
pub const PULLBACK: &str = "pullback";
pub const TANGENT: &str = "tangent";
pub const TANGENT_PULLBACK: &str = "tangent_pullback";
pub const TANGENT_FLOATS: &str = "tangent_floats";
pub const TANGENT_PULLBACK_FLOATS: &str = "tangent_pullback_floats";
/// The rule `tangent` with its tangents in `Lanes` (`NAME_jvp_lanes`'s callees).
pub const TANGENT_LANES: &str = "tangent_lanes";
pub const TANGENT_LANES_FLOATS: &str = "tangent_lanes_floats";

/// The generated derivatives a `#[differentiable]` body may call (nested differentiation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nested {
    /// `f_grad(params) -> G`
    Grad,
    /// `f_value_and_grad(params) -> (R, G)`
    ValueAndGrad,
    /// `f_jvp(params, tangents) -> (R, R)`
    Jvp,
}

/// Their names: the suffix after the callee's name, and the prefix of its rules, which are methods of
/// `f_derivative()` too: `<prefix>_pullback(<args>, seed, <Option<&mut ..> per argument>)`
/// (the reverse of the call, for callers' reverse sweeps) and `<prefix>_tangent(<args>, <a
/// tangent slot per argument>) -> <result>` (its tangent, for callers' forward mode).
pub fn nested_names(kind: Nested) -> (&'static str, &'static str) {
    match kind {
        Nested::Grad => ("_grad", "grad"),
        Nested::ValueAndGrad => ("_value_and_grad", "value_and_grad"),
        Nested::Jvp => ("_jvp", "jvp"),
    }
}

/// The callee and the kind of a call of a generated derivative (`f_grad` is `f`, `Grad`).
/// `_value_and_grad` is tried before `_grad`, which it ends with.
pub fn nested_call(path: &syn::ExprPath) -> Option<(syn::ExprPath, Nested)> {
    let name = path.path.segments.last()?.ident.to_string();
    let kind = [Nested::ValueAndGrad, Nested::Grad, Nested::Jvp]
        .into_iter()
        .find(|k| {
            let suffix = nested_names(*k).0;
            name.len() > suffix.len() && name.ends_with(suffix)
        })?;
    let mut base = path.clone();
    let last = base.path.segments.last_mut()?;
    let stem = &name[..name.len() - nested_names(kind).0.len()];
    last.ident = syn::Ident::new(stem, last.ident.span());
    Some((base, kind))
}

/// The generated derivative `kind` of the callee `path` (`f` and `Grad`: `f_grad`).
pub fn nested_path(path: &syn::ExprPath, kind: Nested) -> syn::ExprPath {
    let mut written = path.clone();
    if let Some(last) = written.path.segments.last_mut() {
        let suffix = nested_names(kind).0;
        last.ident = quote::format_ident!("{}{}", last.ident, suffix, span = last.ident.span());
    }
    written
}

/// The rule of the generated derivative `kind`: `<prefix>_pullback` or `<prefix>_tangent`.
pub fn nested_rule(kind: Nested, tangent: bool) -> String {
    let prefix = nested_names(kind).1;
    format!("{prefix}_{}", if tangent { TANGENT } else { PULLBACK })
}

/// How the primal of a primitive is spelled in generated code.
#[derive(Debug, PartialEq, Eq)]
pub enum Form {
    /// `a + b`
    Infix(&'static str),
    /// `-a`
    Prefix(&'static str),
    /// `a.name(b, ...)`
    Method,
    /// `rules::<of>(<of's rule args>, s)`, its `k`-th cotangent when it returns several: the
    /// partial of `of` with respect to operand `k` for `s = 1` (see [`tangent_term`]).
    Term(&'static Prim, usize),
}

/// A primal value a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleArg {
    /// The operand at this position.
    In(usize),
    /// The primal result.
    Out,
}

/// A differentiable primitive: `rules::<name>(<rule_args>..., seed)` returns the cotangents of
/// the operands listed in `grads`, in that order (one value, or a tuple of several).
#[derive(Debug, PartialEq, Eq)]
pub struct Prim {
    pub name: &'static str,
    pub form: Form,
    pub arity: usize,
    pub rule_args: &'static [RuleArg],
    pub grads: &'static [usize],
    /// Operands of type `i32` (the exponent of `powi`); all others are floats.
    pub int_args: &'static [usize],
}

pub mod tensor;

use Form::*;
use RuleArg::*;

macro_rules! prims {
    ($($id:ident = $name:literal $form:expr, $arity:literal, [$($ra:expr),*], [$($g:literal),*], [$($int:literal),*];)*) => {
        $(pub static $id: Prim = Prim {
            name: $name, form: $form, arity: $arity,
            rule_args: &[$($ra),*], grads: &[$($g),*], int_args: &[$($int),*],
        };)*
        static ALL: &[&Prim] = &[$(&$id),*];
    };
}

prims! {
    ADD = "add" Infix("+"), 2, [], [0, 1], [];
    SUB = "sub" Infix("-"), 2, [], [0, 1], [];
    MUL = "mul" Infix("*"), 2, [In(0), In(1)], [0, 1], [];
    DIV = "div" Infix("/"), 2, [In(1), Out], [0, 1], [];
    NEG = "neg" Prefix("-"), 1, [], [0], [];
    EXP = "exp" Method, 1, [Out], [0], [];
    EXP2 = "exp2" Method, 1, [Out], [0], [];
    EXP_M1 = "exp_m1" Method, 1, [Out], [0], [];
    LN = "ln" Method, 1, [In(0)], [0], [];
    LOG10 = "log10" Method, 1, [In(0)], [0], [];
    LOG2 = "log2" Method, 1, [In(0)], [0], [];
    LN_1P = "ln_1p" Method, 1, [In(0)], [0], [];
    LOG = "log" Method, 2, [In(0), In(1)], [0, 1], [];
    SQRT = "sqrt" Method, 1, [Out], [0], [];
    CBRT = "cbrt" Method, 1, [Out], [0], [];
    RECIP = "recip" Method, 1, [Out], [0], [];
    POWI = "powi" Method, 2, [In(0), In(1)], [0], [1];
    POWF = "powf" Method, 2, [In(0), In(1), Out], [0, 1], [];
    SIN = "sin" Method, 1, [In(0)], [0], [];
    COS = "cos" Method, 1, [In(0)], [0], [];
    TAN = "tan" Method, 1, [Out], [0], [];
    ASIN = "asin" Method, 1, [In(0)], [0], [];
    ACOS = "acos" Method, 1, [In(0)], [0], [];
    ATAN = "atan" Method, 1, [In(0)], [0], [];
    ATAN2 = "atan2" Method, 2, [In(0), In(1)], [0, 1], [];
    SINH = "sinh" Method, 1, [In(0)], [0], [];
    COSH = "cosh" Method, 1, [In(0)], [0], [];
    TANH = "tanh" Method, 1, [Out], [0], [];
    ASINH = "asinh" Method, 1, [In(0)], [0], [];
    ACOSH = "acosh" Method, 1, [In(0)], [0], [];
    ATANH = "atanh" Method, 1, [In(0)], [0], [];
    ABS = "abs" Method, 1, [In(0)], [0], [];
    MAX = "max" Method, 2, [In(0), In(1)], [0, 1], [];
    MIN = "min" Method, 2, [In(0), In(1)], [0, 1], [];
    HYPOT = "hypot" Method, 2, [In(0), In(1), Out], [0, 1], [];
    MUL_ADD = "mul_add" Method, 3, [In(0), In(1)], [0, 1, 2], [];
    TO_DEGREES = "to_degrees" Method, 1, [], [0], [];
    TO_RADIANS = "to_radians" Method, 1, [], [0], [];
}

impl Prim {
    /// The primal values the rule reads to compute the cotangent of operand `operand` alone:
    /// for `a * b` the other factor, for `a / b` only `b` (the quotient only matters to `b`'s
    /// cotangent). Where the partials read the same values, all of `rule_args`. When only
    /// some operands are active, the reverse sweep keeps only what their partials read; the
    /// rule still computes every cotangent, and those of inactive operands, computed from
    /// whatever the other values hold by then, are dropped.
    pub fn reads_for(&self, operand: usize) -> &'static [RuleArg] {
        let is = |p: &Prim| std::ptr::eq(self, p);
        match operand {
            0 if is(&MUL) || is(&MUL_ADD) || is(&DIV) => &[In(1)],
            1 if is(&MUL) || is(&MUL_ADD) => &[In(0)],
            2 if is(&MUL_ADD) => &[],
            _ => self.rule_args,
        }
    }
}

/// `rules::<of>(<what of's rule reads>, s).k`, operand `k`'s part of `of`'s reverse rule with
/// the seed `s`: `∂of/∂xₖ·s` (a reverse rule is linear in its seed). Forward mode calls it with
/// `s = 1` for the partial, which it multiplies by the tangent, so that it spells no
/// derivative either. Its operands are the values `of`'s rule reads, then `s`; its own
/// reverse rule, `rules::tangent::<of>::<k>`, returns the cotangents of all of them (the
/// runtime derives it from the same rule, for Hessian-vector products).
///
/// Only for primitives whose rule reads values: a linear one (`+`, `-`) is its own tangent.
pub fn tangent_term(of: &'static Prim, k: usize) -> &'static Prim {
    static TERMS: std::sync::OnceLock<Vec<Prim>> = std::sync::OnceLock::new();
    let terms = TERMS.get_or_init(|| {
        ALL.iter()
            .flat_map(|&of| of.grads.iter().map(move |&k| term(of, k)))
            .collect()
    });
    terms
        .iter()
        .find(|t| t.form == Term(of, k))
        .expect("every operand of every primitive has a term")
}

/// [`tangent_term`]'s primitive, built once per process (its tables are leaked once).
fn term(of: &'static Prim, k: usize) -> Prim {
    let arity = of.rule_args.len() + 1;
    let int_args: Vec<usize> = (0..of.rule_args.len())
        .filter(|&j| matches!(of.rule_args[j], In(i) if of.int_args.contains(&i)))
        .collect();
    let grads: Vec<usize> = (0..arity).filter(|j| !int_args.contains(j)).collect();
    let rule_args: Vec<RuleArg> = (0..arity).map(In).collect();
    Prim {
        name: of.name,
        form: Term(of, k),
        arity,
        rule_args: Box::leak(rule_args.into_boxed_slice()),
        grads: Box::leak(grads.into_boxed_slice()),
        int_args: Box::leak(int_args.into_boxed_slice()),
    }
}

/// A reduction of whole slices to a float: `rules::<name>(<inputs if reads_inputs>, <out if
/// reads_out>, seed, <one Option<&mut [F]> per slice>)` adds each slice's cotangent.
#[derive(Debug, PartialEq, Eq)]
pub struct SlicePrim {
    pub name: &'static str,
    pub arity: usize,
    pub reads_inputs: bool,
    pub reads_out: bool,
}

macro_rules! slice_prims {
    ($($id:ident = $name:literal, $arity:literal, $inputs:literal, $out:literal;)*) => {
        $(pub static $id: SlicePrim = SlicePrim { name: $name, arity: $arity, reads_inputs: $inputs, reads_out: $out };)*
        static ALL_SLICE: &[&SlicePrim] = &[$(&$id),*];
    };
}

slice_prims! {
    DOT = "dot", 2, true, false;
    SUM = "sum", 1, false, false;
    MEAN = "mean", 1, false, false;
    NORM = "norm", 1, true, true;
    NORM_SQUARED = "norm_squared", 1, true, false;
    LOGSUMEXP = "logsumexp", 1, true, true;
    MAX_OF = "max_of", 1, true, true;
    MIN_OF = "min_of", 1, true, true;
    FOLD_MAX = "fold_max", 1, true, true;
    FOLD_MIN = "fold_min", 1, true, true;
}

/// The runtime's reduction called `name` (`dot(&a, &b)`, `sum(&v)`).
pub fn slice_function(name: &str) -> Option<&'static SlicePrim> {
    ALL_SLICE.iter().copied().find(|p| p.name == name)
}

/// The differentiable float method called `name` (`x.exp()`), if there is one.
pub fn method(name: &str) -> Option<&'static Prim> {
    ALL.iter()
        .copied()
        .find(|p| p.form == Method && p.name == name)
}

/// The runtime free function called `name` (`exp(x)`, `pow(a, b)`), as the primitive it is.
/// `log(x)` is the natural logarithm, as in numpy and autograd.
pub fn free_function(name: &str) -> Option<&'static Prim> {
    Some(match name {
        "exp" => &EXP,
        "ln" | "log" => &LN,
        "log10" => &LOG10,
        "log2" => &LOG2,
        "sqrt" => &SQRT,
        "sin" => &SIN,
        "cos" => &COS,
        "tan" => &TAN,
        "sinh" => &SINH,
        "cosh" => &COSH,
        "tanh" => &TANH,
        "abs" => &ABS,
        "pow" => &POWF,
        "powi" => &POWI,
        "max" => &MAX,
        "min" => &MIN,
        _ => return None,
    })
}

/// Float methods whose result has no gradient (piecewise constant): lowered as constants.
pub const STEP_METHODS: &[&str] = &[
    "floor",
    "ceil",
    "round",
    "trunc",
    "signum",
    "round_ties_even",
];

/// Associated functions of a float type that give a constant of it (`T::zero()`, `f64::max_value()`).
pub const FLOAT_CONSTANTS: &[&str] = &[
    "zero",
    "one",
    "epsilon",
    "nan",
    "infinity",
    "neg_infinity",
    "neg_zero",
    "max_value",
    "min_value",
    "min_positive_value",
];

/// Float methods that return a `bool` or an integer: a read of a float that cuts the gradient.
pub const CUT_METHODS: &[&str] = &[
    "is_nan",
    "is_finite",
    "is_infinite",
    "is_normal",
    "is_subnormal",
    "is_sign_positive",
    "is_sign_negative",
    "partial_cmp",
    "total_cmp",
    "to_bits",
    "classify",
    "len",
    "is_empty",
];

/// Float methods that return their receiver's value unchanged.
pub const IDENTITY_METHODS: &[&str] = &["clone", "to_owned"];

/// Statement macros that only print or check, and so can run in the forward sweep.
pub const SIDE_EFFECT_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "panic",
    "format",
    "write",
    "writeln",
    "matches",
    "unreachable",
    "todo",
    "unimplemented",
];

/// A short list of the float methods the transform knows, for error messages; the README
/// has them all.
pub fn known_methods() -> String {
    let common = [
        "exp", "ln", "sqrt", "powi", "powf", "sin", "cos", "tanh", "abs", "max", "min",
    ];
    let listed: Vec<String> = common.iter().map(|n| format!("`{n}`")).collect();
    let total = ALL.iter().filter(|p| p.form == Method).count()
        + STEP_METHODS.len()
        + IDENTITY_METHODS.len();
    format!(
        "{}, and {} more listed in the README",
        listed.join(", "),
        total - common.len()
    )
}

/// The callee's derivative rule `member` (see `symbol::PULLBACK`), ready to be called: `f`
/// becomes `f<RULE_SUFFIX>().member`, `m::f::<T>` becomes `m::f<RULE_SUFFIX>().member::<T>`.
pub fn rule_call(path: &syn::ExprPath, member: &str) -> proc_macro2::TokenStream {
    let mut base = path.clone();
    // `Self::f`, `Mlp::f` (a type, by Rust's naming), `<Layer<f64>>::f`: an associated
    // function, whose rules
    // are associated functions `__f_derivative_member` (see `emit::method`).
    let n = base.path.segments.len();
    if (n >= 2 && is_type_name(&base.path.segments[n - 2].ident)) || base.qself.is_some() {
        let last = base.path.segments.last_mut().expect("two segments");
        let member = syn::Ident::new(member, last.ident.span());
        last.ident = quote::format_ident!(
            "__{}{}_{}",
            last.ident,
            RULE_SUFFIX,
            member,
            span = last.ident.span()
        );
        return quote::quote!(#base);
    }
    let Some(last) = base.path.segments.last_mut() else {
        return quote::quote!(#path);
    };
    last.ident = rule_name(&last.ident);
    let mut generics = std::mem::replace(&mut last.arguments, syn::PathArguments::None);
    // The lanes rules have one more generic parameter, the number of lanes, inferred.
    if let syn::PathArguments::AngleBracketed(args) = &mut generics {
        if member.starts_with(TANGENT_LANES) {
            args.args.push(syn::parse_quote!(_));
        }
    }
    let member = syn::Ident::new(member, last.ident.span());
    quote::quote!(#base().#member #generics)
}
