//! The intermediate representation the transform works on.
//!
//! A [`Body`] is the user's function after lowering. Its invariants, which every later pass
//! relies on and no later pass re-checks:
//!
//! - **Slots.** Every value the reverse sweep may need lives in a [`Slot`]: a mutable variable
//!   of the generated function, declared once at its top. Float slots hold user variables,
//!   parameters and the temporaries of A-normal form; `i32` slots hold integer arguments of
//!   primitives (the exponent of `powi`), `usize` slots array indices, and opaque slots the
//!   non-float arguments of calls (their type is left to rustc's inference). Slots are *not* SSA: a slot may be assigned many
//!   times, and the reverse sweep restores the old value where it needs it (Tapenade's
//!   restore-on-reverse discipline, see `analyse::record`).
//! - **A-normal form.** An [`Assign`] applies one operation to operands that are slots or
//!   literals; nested float expressions have been split into temporaries. The statements that
//!   write a slot are `Assign` and [`Call`] (its result).
//! - **Arrays.** An [`Array`] (a parameter or a buffer the body creates) is read element by
//!   element (`Op::Read`), whole (`Op::Reduce`, [`Map`], a call argument), and written only by
//!   [`Write`] and [`Push`]. Its indices are slots or literals.
//! - **Opaque code.** Integer, boolean and other non-float Rust code is kept as tokens
//!   ([`Stmt::Opaque`], conditions, iterators, scrutinees). It runs in the forward sweep only,
//!   never in the reverse sweep, and it never carries a gradient: lowering has checked that
//!   it reads float slots only where the gradient is cut on purpose (comparisons, casts to
//!   integers), and recorded every other read in [`Body::opaque_reads`] for the activity check.
//! - **Structured control flow.** Statements form a tree: [`If`], [`Match`] and [`Loop`] own
//!   their blocks. Jumps are [`Exit`] statements (`break`, `continue`, `return`), each with a
//!   function-wide site number in preorder, which the sweeps use to replay a partial
//!   iteration.
//! - **Output.** The value returned by the function is written to the slots in
//!   [`Body::output`] by an `Assign` right before each `return` and at the end of the body.

pub mod deps;
#[cfg(test)]
mod display;
pub mod walk;

pub use crate::symbol::Nested;
use proc_macro2::{Span, TokenStream};
use syn::Ident;

/// Index of a [`Slot`] in [`Body::slots`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlotId(pub usize);

/// Index of an [`Array`] in [`Body::arrays`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArrayId(pub usize);

/// Where an array comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArrayOrigin {
    /// The parameter at this position.
    Param(usize),
    /// A buffer the body creates (`vec![0.0; n]`, `[0.0; 3]`).
    Local,
    /// A place inside a parameter of a `Differentiable` type the body reads.
    Field(FieldOf),
}

/// A place inside a parameter of a `Differentiable` type (`m.w1[j][i]`, `m.layers[l].b`,
/// `points[i].x`), seen as an array whose indices are the place's own: `m.layers[l].b[k]`
/// is an array of rank 2 indexed by `[l, k]`. Such an array is read-only (parameters are
/// not written); its adjoint is the same place in the parameter's gradient, which has the
/// parameter's type, and rustc checks every field and element type the place assumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldOf {
    /// The parameter's position.
    pub param: usize,
    /// The fields and indices after the parameter's name, in order.
    pub path: Vec<Seg>,
    /// True when the parameter is the tangent of another one (in a tangent body): a read
    /// of a field the derivative does not flow into (`#[no_derivative]`) is zero.
    pub tangent: bool,
}

/// One step of a place: a field (`.w1`, `.0`), an index (`[i]`), or the value inside an
/// `Option` that is `Some` (the arm `Some(l)` of a `match` on it).
#[derive(Clone, Debug)]
pub enum Seg {
    Field(syn::Member),
    Index,
    Some,
}

impl PartialEq for Seg {
    fn eq(&self, other: &Seg) -> bool {
        match (self, other) {
            (Seg::Field(a), Seg::Field(b)) => member_name(a) == member_name(b),
            (Seg::Index, Seg::Index) | (Seg::Some, Seg::Some) => true,
            _ => false,
        }
    }
}

impl Eq for Seg {}

/// The name of a field as written: `w1`, `0`.
pub fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(i) => i.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

/// The panic of a `Some` step whose value is `None`: the primal is `Some` there (the arm
/// matched it), so a tangent, a direction or a destination of another shape was passed.
const NONE_INSIDE: &str = "an Option parameter's tangent, direction or gradient destination is None where the argument is Some";

/// `root` followed by the steps of `path`, the indices taken from `idx` in order; stops at
/// the first index step `idx` has no index for (a row: `m.layers[l].b`). A `Some` step is
/// `(*root.as_ref().expect(..))`, or `as_mut` when the place is written (`mutable`).
pub fn place_tokens(
    root: &TokenStream,
    path: &[Seg],
    idx: &[TokenStream],
    mutable: bool,
) -> TokenStream {
    let mut out = root.clone();
    let mut idx = idx.iter();
    for seg in path {
        match seg {
            Seg::Field(m) => out.extend(quote::quote!(.#m)),
            Seg::Index => match idx.next() {
                Some(i) => out.extend(quote::quote!([#i])),
                None => break,
            },
            Seg::Some if mutable => out = quote::quote!((*#out.as_mut().expect(#NONE_INSIDE))),
            Seg::Some => out = quote::quote!((*#out.as_ref().expect(#NONE_INSIDE))),
        }
    }
    out
}

/// A vector (rank 1) or a matrix of rows (rank 2) of floats. Its elements are read and
/// written only by `Op::Read`, [`Write`] and [`Push`], and read whole by `Op::Reduce`.
#[derive(Clone, Debug)]
pub struct Array {
    pub name: Ident,
    pub rank: usize,
    pub origin: ArrayOrigin,
    /// For a local buffer: its type and an empty value of it, for the declaration at the top
    /// of the generated function.
    pub decl: Option<(TokenStream, TokenStream)>,
    /// Where the user's code first names it (for a place inside a parameter: the first read),
    /// so that what rustc reports about it points there.
    pub span: Span,
}

/// An array, or a row of a matrix with the leading indices given: `x`, `xs[i]`, `xs[i][j]`;
/// or, when `view`, a sub-slice of one: the last two operands of `index` are the range's
/// bounds (`x[a..b]`, `xs[i][a..b]`), read like any index operand. A view is passed whole
/// (to a rule, a callee, a loop); its elements are read through their index in the array.
#[derive(Clone, Debug)]
pub struct ArrayRef {
    pub array: ArrayId,
    pub index: Vec<Operand>,
    pub view: bool,
}

impl ArrayRef {
    /// The leading indices, without a view's bounds.
    pub fn dims(&self) -> &[Operand] {
        &self.index[..self
            .index
            .len()
            .saturating_sub(if self.view { 2 } else { 0 })]
    }

    /// A view's bounds.
    pub fn bounds(&self) -> Option<(&Operand, &Operand)> {
        match &self.index[..] {
            [.., a, b] if self.view => Some((a, b)),
            _ => None,
        }
    }
}

/// Index of a [`Loop`] in the function, in preorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LoopId(pub usize);

/// What a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotTy {
    /// The function's float type.
    Float,
    /// An `i32`, such as the exponent of `powi`.
    I32,
    /// A `usize` index into an array.
    Usize,
    /// A non-float argument of a call, of whatever type it has (inferred by rustc).
    Opaque,
    /// A whole ndarray or nalgebra value (or a float one of their operations gave), of
    /// whatever type rustc infers; its adjoint is the runtime's accumulator of its gradient
    /// (`tensor::Acc`), and it is written only by `Op::Tensor` and `Op::Const`.
    Value,
}

impl SlotTy {
    /// The slot the result of the ndarray or nalgebra operation `op` goes to: a float
    /// (`dot` of two vectors, `sum`) or a value.
    pub fn of_tensor(op: &crate::symbol::tensor::TensorOp) -> SlotTy {
        if op.float_out {
            SlotTy::Float
        } else {
            SlotTy::Value
        }
    }
}

/// Where a slot comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The parameter at this position; its first value is the argument.
    Param(usize),
    /// A binding the user wrote (`let y = ...`).
    User,
    /// A temporary of A-normal form or a materialised constant.
    Temp,
    /// The return value.
    Output,
}

#[derive(Clone, Debug)]
pub struct Slot {
    pub name: Ident,
    pub ty: SlotTy,
    pub origin: Origin,
}

/// An argument of an operation.
#[derive(Clone, Debug)]
pub enum Operand {
    Slot(SlotId),
    /// A literal (`2.0`, `3`), the same in both sweeps.
    Lit(TokenStream),
}

/// The operation of an [`Assign`].
#[derive(Clone, Debug)]
pub enum Op {
    /// `dst = a`.
    Copy,
    /// `dst = <opaque expression>`: a value with no gradient (an integer cast to a float, a
    /// constant, `x.floor()`), materialised so the reverse sweep can read it.
    Const(TokenStream),
    /// `dst = prim(args)`, differentiated by the runtime rule of `prim`.
    Prim(&'static crate::symbol::Prim),
    /// `dst = x[i][j]`: an element of an array, fully indexed; `args` is empty.
    Read(ArrayRef),
    /// `dst = prim(&a, &b)`: a reduction of whole arrays (`dot`, `sum`); `args` is empty.
    Reduce(&'static crate::symbol::SlicePrim, Vec<ArrayRef>),
    /// `dst = tensor::NAME(&args..)`: an operation on ndarray or nalgebra values; its first
    /// `diff` operands carry a derivative, the others are data (an index, an axis).
    Tensor(&'static crate::symbol::tensor::TensorOp),
}

/// `dst = op(args)`: the only statement that writes a slot.
#[derive(Clone, Debug)]
pub struct Assign {
    pub dst: SlotId,
    pub op: Op,
    pub args: Vec<Operand>,
    /// True for the assignment that declares the slot (`let`, a temporary); false for a
    /// reassignment (`y = ...`, `y += ...`).
    pub first_def: bool,
    /// The user's expression, for error spans in generated code.
    pub span: Span,
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug)]
pub enum Stmt {
    Assign(Assign),
    /// Non-float code, run in the forward sweep only.
    Opaque(TokenStream),
    If(If),
    Match(Match),
    Loop(Loop),
    Exit(Exit),
    /// `x[i][j] = value`.
    Write(Write),
    /// `v.push(value)`.
    Push(Push),
    /// `buf = vec![0.0; n]`: a buffer created, filled with a constant.
    ArrayInit(ArrayInit),
    /// `dst = softmax(&src)`: a new buffer computed from a whole array.
    Map(Map),
    /// `dst = f(args)`: a call of another `#[differentiable]` function.
    Call(Call),
}

/// `outs = path(args)`, differentiated by the callee's generated derivative-rule function.
#[derive(Clone, Debug)]
pub struct Call {
    /// Where the result goes: one slot per float of `shape`, in order.
    pub outs: Vec<SlotId>,
    /// The result's shape: a float, or a tuple of floats (`f_grad` of several parameters,
    /// `f_jvp`).
    pub shape: CallShape,
    /// The callee's path as written, turbofish included; for a call of one of its generated
    /// derivatives (`CallKind::Derivative`), the path of the function it derives (`f` for
    /// `f_grad`).
    pub path: syn::ExprPath,
    pub args: Vec<CallArg>,
    pub kind: CallKind,
    pub span: Span,
}

/// The shape of a call's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallShape {
    Float,
    Tuple(Vec<CallShape>),
}

impl CallShape {
    /// How many floats it holds.
    pub fn len(&self) -> usize {
        match self {
            CallShape::Float => 1,
            CallShape::Tuple(parts) => parts.iter().map(CallShape::len).sum(),
        }
    }

    /// This shape with `leaf(k)` for its k-th float: a pattern, a tuple of seeds.
    pub fn tokens(&self, leaf: &mut dyn FnMut(usize) -> TokenStream) -> TokenStream {
        fn go(
            shape: &CallShape,
            next: &mut usize,
            leaf: &mut dyn FnMut(usize) -> TokenStream,
        ) -> TokenStream {
            match shape {
                CallShape::Float => {
                    *next += 1;
                    leaf(*next - 1)
                }
                CallShape::Tuple(parts) => {
                    let parts: Vec<TokenStream> = parts.iter().map(|p| go(p, next, leaf)).collect();
                    quote::quote!((#(#parts,)*))
                }
            }
        }
        go(self, &mut 0, leaf)
    }
}

/// What a call computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// `f(args)`.
    Value,
    /// The callee's tangent rule (`symbol::TANGENT`): the arguments are followed by one
    /// tangent per argument.
    Tangent,
    /// A generated derivative of the callee, called by the body (`f_grad(args)`): nested
    /// differentiation.
    Derivative(Nested),
    /// The tangent rule of that derivative; arguments as for `Tangent`.
    DerivativeTangent(Nested),
}

impl CallKind {
    /// Whether the arguments are followed by one tangent per argument.
    pub fn has_tangents(self) -> bool {
        matches!(self, CallKind::Tangent | CallKind::DerivativeTangent(_))
    }
}

#[derive(Clone, Debug)]
pub enum CallArg {
    Float(Operand),
    /// An array or a row, passed as written: `&x`, `x`, `&m[i]`.
    Array {
        r: ArrayRef,
        by_ref: bool,
    },
    /// A non-float value that is the same in both sweeps (a literal, a parameter, a constant).
    Stable(TokenStream),
    /// A non-float value computed in the body, kept in an `Opaque` slot for the reverse sweep.
    Opaque(SlotId),
    /// `&v` for such a value: the slot keeps a copy of `v`, the callee gets a reference.
    OpaqueRef(SlotId),
}

#[derive(Clone, Debug)]
pub struct Map {
    pub dst: ArrayId,
    pub src: ArrayRef,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Write {
    /// The element written, fully indexed.
    pub target: ArrayRef,
    pub value: Operand,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Push {
    pub array: ArrayId,
    pub value: Operand,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ArrayInit {
    pub array: ArrayId,
    pub init: TokenStream,
    pub span: Span,
}

/// `if cond { then } else { els }`; the branch taken is recorded in flag number `id`.
#[derive(Clone, Debug)]
pub struct If {
    pub id: usize,
    pub cond: TokenStream,
    pub then: Block,
    pub els: Block,
}

/// `match scrutinee { arms }` on a non-float value; the arm taken is recorded as its index.
#[derive(Clone, Debug)]
pub struct Match {
    pub id: usize,
    pub scrutinee: TokenStream,
    pub arms: Vec<Arm>,
}

#[derive(Clone, Debug)]
pub struct Arm {
    /// The pattern and its guard, as written: `1 | 2 if k > 0`.
    pub pat: TokenStream,
    pub body: Block,
}

#[derive(Clone, Debug)]
pub enum LoopKind {
    /// `for pat in iter`: the iterator yields non-float values.
    For {
        pat: TokenStream,
        iter: TokenStream,
    },
    While {
        cond: TokenStream,
    },
    Loop,
}

/// A loop; its trip count is recorded so the reverse sweep can run it backwards.
#[derive(Clone, Debug)]
pub struct Loop {
    pub id: LoopId,
    pub label: Option<syn::Lifetime>,
    pub kind: LoopKind,
    pub body: Block,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    Break,
    Continue,
    Return,
}

/// `break`, `continue` or `return` (whose value has already been assigned to the output).
#[derive(Clone, Debug)]
pub struct Exit {
    pub kind: ExitKind,
    /// The loop a `break` or `continue` leaves; `None` for `return`.
    pub target: Option<LoopId>,
    /// Function-wide number of this exit, from 1, in preorder.
    pub site: usize,
}

/// A lowered function body.
#[derive(Clone, Debug)]
pub struct Body {
    pub slots: Vec<Slot>,
    pub arrays: Vec<Array>,
    /// The slot or array of each float parameter, by parameter position.
    pub params: Vec<Option<ParamVar>>,
    pub block: Block,
    /// Where the return value is: slots and arrays, in the shape of the return type.
    pub output: Output,
    /// Items declared in the body (`const`, `use`, nested `fn`), emitted unchanged.
    pub items: Vec<TokenStream>,
    /// Float slots read by opaque code outside a gradient cut, with the span of the read.
    pub opaque_reads: Vec<(SlotId, Span)>,
    /// The same for arrays.
    pub opaque_array_reads: Vec<(ArrayId, Span)>,
}

/// The return value, in the shape of the return type.
#[derive(Clone, Debug)]
pub enum Output {
    Scalar(SlotId),
    /// An array the body fills and returns; `None` until lowering has seen its `return`.
    Array(Option<ArrayId>),
    Tuple(Vec<Output>),
    /// A struct the body builds with a literal (`Point { x, y }`); `None` until lowering has
    /// seen its `return`.
    Struct(Option<StructOut>),
    /// A field of a returned struct that holds no float (`n: usize`), kept in an opaque
    /// slot.
    Opaque(SlotId),
}

/// A returned struct: its path as the literal writes it, and each field's part.
#[derive(Clone, Debug)]
pub struct StructOut {
    pub path: syn::Path,
    pub fields: Vec<(syn::Member, Output)>,
}

impl Output {
    /// Every float slot and array of the output.
    pub fn leaves(&self, slots: &mut Vec<SlotId>, arrays: &mut Vec<ArrayId>) {
        match self {
            Output::Scalar(s) => slots.push(*s),
            Output::Array(a) => arrays.extend(*a),
            Output::Tuple(parts) => parts.iter().for_each(|p| p.leaves(slots, arrays)),
            Output::Struct(Some(st)) => st.fields.iter().for_each(|(_, p)| p.leaves(slots, arrays)),
            Output::Struct(None) | Output::Opaque(_) => {}
        }
    }
}

/// What a float parameter became.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamVar {
    Scalar(SlotId),
    Array(ArrayId),
    /// A parameter of a `Differentiable` type, at this position: the body reads it through
    /// the arrays of origin [`ArrayOrigin::Field`] of this position.
    Struct(usize),
}

/// Appends a slot; its id.
pub fn push_slot(slots: &mut Vec<Slot>, name: Ident, ty: SlotTy, origin: Origin) -> SlotId {
    slots.push(Slot { name, ty, origin });
    SlotId(slots.len() - 1)
}

/// Appends an array; its id.
pub fn push_array(arrays: &mut Vec<Array>, array: Array) -> ArrayId {
    arrays.push(array);
    ArrayId(arrays.len() - 1)
}

/// Appends a temporary of A-normal form, `__t<k>` made fresh by `namer`; its id.
pub fn push_temp(slots: &mut Vec<Slot>, namer: &mut crate::names::Namer, ty: SlotTy) -> SlotId {
    let name = namer.fresh(&format!("__t{}", slots.len()));
    push_slot(slots, name, ty, Origin::Temp)
}

impl Body {
    pub fn slot(&self, id: SlotId) -> &Slot {
        &self.slots[id.0]
    }

    pub fn array(&self, id: ArrayId) -> &Array {
        &self.arrays[id.0]
    }

    /// The arrays that are places inside the parameter at `position`.
    pub fn fields_of(&self, position: usize) -> impl Iterator<Item = ArrayId> + '_ {
        self.arrays
            .iter()
            .enumerate()
            .filter_map(move |(i, a)| match &a.origin {
                ArrayOrigin::Field(f) if f.param == position => Some(ArrayId(i)),
                _ => None,
            })
    }
}

impl Array {
    /// `x[i][j]` for an array named `x`; `m.w1[i][j]` for a place inside `m`; with `root` in
    /// place of the name (an adjoint, a destination, which is `mutable`).
    pub fn element_with(
        &self,
        root: &TokenStream,
        idx: &[TokenStream],
        mutable: bool,
    ) -> TokenStream {
        match &self.origin {
            ArrayOrigin::Field(f) => place_tokens(root, &f.path, idx, mutable),
            _ => quote::quote!(#root #([#idx])*),
        }
    }

    /// For a place inside a parameter, whether a derivative flows into it: true unless a
    /// field on its path is `#[no_derivative]` (or holds no float). A constant rustc folds,
    /// asked of the runtime's `FieldDerivative` through a closure that is never called, so
    /// that only the types of the places matter; `None` when there is no field to ask about.
    pub fn guard(&self) -> Option<TokenStream> {
        let f = self.field()?;
        let name = &self.name;
        let mut prefix = quote::quote!(#name);
        let mut checks = Vec::new();
        for seg in &f.path {
            match seg {
                Seg::Field(m) => {
                    let h = crate::names::field_hash(&member_name(m));
                    checks.push(quote::quote_spanned!(self.span=>
                        ::autodiff::__private::field_derivative::<#h, _, _>(|| &#prefix)
                    ));
                    prefix.extend(quote::quote!(.#m));
                }
                Seg::Index => prefix.extend(quote::quote!([0])),
                Seg::Some => prefix = quote::quote!((*#prefix.as_ref().unwrap())),
            }
        }
        (!checks.is_empty()).then(|| quote::quote_spanned!(self.span=> (#(#checks)&&*)))
    }

    /// The place this array is inside a parameter, if it is one.
    pub fn field(&self) -> Option<&FieldOf> {
        match &self.origin {
            ArrayOrigin::Field(f) => Some(f),
            _ => None,
        }
    }
}

#[cfg(test)]
pub use display::display;
