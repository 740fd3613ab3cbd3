//! The whole-array operations of ndarray and nalgebra values (`ArrayView2<f64>`,
//! `Vector3<f64>`, ...) the transform knows, each spelled as a function of the runtime's
//! `tensor` module: `tensor::NAME(&a, ..)` for the value and `tensor::NAME_rev(&a, .., &out,
//! &seed, sinks..)` for the reverse rule. The runtime decides by the operands' types what the
//! name means (ndarray's elementwise `*`, nalgebra's matrix product), so the macro knows only
//! names, arities and whether the result is a float.

/// One operation.
#[derive(Debug, PartialEq, Eq)]
pub struct TensorOp {
    /// The runtime function, `tensor::NAME`.
    pub name: &'static str,
    /// How many operands carry a derivative (values or floats), first.
    pub diff: usize,
    /// How many operands after those are data (an index, an axis), passed as they are.
    pub data: usize,
    /// Whether the result is a float (`sum`, an element) rather than a value.
    pub float_out: bool,
}

macro_rules! ops {
    ($($id:ident = $name:literal, $diff:literal, $data:literal, $float:literal;)*) => {
        $(pub static $id: TensorOp = TensorOp { name: $name, diff: $diff, data: $data, float_out: $float };)*
    };
}

ops! {
    ADD = "add", 2, 0, false;
    SUB = "sub", 2, 0, false;
    MUL = "mul", 2, 0, false;
    DIV = "div", 2, 0, false;
    DOT = "dot", 2, 0, false;
    CROSS = "cross", 2, 0, false;
    COMPONENT_MUL = "component_mul", 2, 0, false;
    COPY = "copy", 1, 0, false;
    ZEROS_LIKE = "zeros_like", 1, 0, false;
    NEG = "neg", 1, 0, false;
    EXP = "exp", 1, 0, false;
    LN = "ln", 1, 0, false;
    TANH = "tanh", 1, 0, false;
    SIN = "sin", 1, 0, false;
    COS = "cos", 1, 0, false;
    SQRT = "sqrt", 1, 0, false;
    RECIP = "recip", 1, 0, false;
    ABS = "abs", 1, 0, false;
    SQUARE = "square", 1, 0, false;
    ONE_MINUS_SQUARE = "one_minus_square", 1, 0, false;
    SIGN = "sign", 1, 0, false;
    T = "t", 1, 0, false;
    ROW = "row", 1, 1, false;
    COLUMN = "column", 1, 1, false;
    SUM_AXIS = "sum_axis", 1, 1, false;
    SUM = "sum", 1, 0, true;
    MEAN = "mean", 1, 0, true;
    NORM = "norm", 1, 0, true;
    NORM_SQUARED = "norm_squared", 1, 0, true;
    TO_SCALAR = "to_scalar", 1, 0, true;
    INDEX = "index", 1, 1, true;
    POWI = "powi", 1, 1, false;
    POWI_PARTIAL = "powi_partial", 1, 1, false;
    MAXIMUM = "maximum", 2, 0, false;
    MINIMUM = "minimum", 2, 0, false;
    MAX_WEIGHT = "max_weight", 2, 0, false;
    MIN_WEIGHT = "min_weight", 2, 0, false;
}

/// The elementwise function a method name, a path (`f64::tanh`) or a one-method closure
/// (`|v| v.tanh()`) given to `mapv` names.
pub fn elementwise(name: &str) -> Option<&'static TensorOp> {
    Some(match name {
        "exp" => &EXP,
        "ln" => &LN,
        "tanh" => &TANH,
        "sin" => &SIN,
        "cos" => &COS,
        "sqrt" => &SQRT,
        "recip" => &RECIP,
        "abs" => &ABS,
        _ => return None,
    })
}

/// The names `elementwise` knows, for messages.
pub const ELEMENTWISE: &str = "exp, ln, tanh, sin, cos, sqrt, recip, abs";

/// A method of a value: `a.dot(&b)`, `a.sum()`, `m.transpose()`.
pub fn method(name: &str) -> Option<&'static TensorOp> {
    Some(match name {
        "dot" => &DOT,
        "cross" => &CROSS,
        "component_mul" => &COMPONENT_MUL,
        "sum" => &SUM,
        "mean" => &MEAN,
        "norm" => &NORM,
        "norm_squared" => &NORM_SQUARED,
        "t" | "transpose" => &T,
        "row" => &ROW,
        "column" => &COLUMN,
        "sum_axis" => &SUM_AXIS,
        "powi" => &POWI,
        "max" => &MAXIMUM,
        "min" => &MINIMUM,
        "clone" | "to_owned" | "view" | "into_owned" | "clone_owned" => &COPY,
        name => return elementwise(name),
    })
}

/// The methods only ndarray's and nalgebra's values have among those `method` knows: called
/// on a field of a parameter (`pose.r.transpose()`), they read the field as a value.
pub const VALUE_METHODS: &[&str] = &[
    "dot",
    "cross",
    "component_mul",
    "norm",
    "norm_squared",
    "t",
    "transpose",
    "row",
    "column",
    "sum_axis",
    "mapv",
];

/// The methods `method` knows, for messages.
pub const METHODS: &str = "dot, cross, component_mul, sum, mean, norm, norm_squared, t, transpose, row, column, sum_axis, mapv, map, clone, to_owned, view, the elementwise exp, ln, tanh, sin, cos, sqrt, recip, abs, powi, and max and min with a float (with a float: arithmetic `+ - * /`)";

/// The type names whose values are whole arrays: ndarray's and nalgebra's.
pub fn is_tensor_type_name(name: &str) -> bool {
    matches!(
        name,
        "Array"
            | "Array1"
            | "Array2"
            | "ArrayView"
            | "ArrayView1"
            | "ArrayView2"
            | "SVector"
            | "SMatrix"
            | "DVector"
            | "DMatrix"
            | "Vector1"
            | "Vector2"
            | "Vector3"
            | "Vector4"
            | "Vector5"
            | "Vector6"
            | "Matrix1"
            | "Matrix2"
            | "Matrix3"
            | "Matrix4"
            | "Matrix5"
            | "Matrix6"
            | "Matrix2x3"
            | "Matrix3x2"
            | "Matrix3x4"
            | "Matrix4x3"
            | "RowVector3"
            | "RowDVector"
            | "OMatrix"
            | "OVector"
    )
}

/// Whether `ty` is such a type, behind at most one reference.
pub fn is_tensor_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => match &*r.elem {
            syn::Type::Path(p) => last_is_tensor(&p.path),
            _ => false,
        },
        syn::Type::Path(p) => p.qself.is_none() && last_is_tensor(&p.path),
        _ => false,
    }
}

fn last_is_tensor(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| is_tensor_type_name(&s.ident.to_string()))
}

/// The owned type of the gradient of a value of type `ty`: an ndarray view is its owned
/// array (`ArrayView2<'a, f64>` has an `Array2<f64>`), a reference the type it refers to.
pub fn gradient_type(ty: &syn::Type) -> syn::Type {
    let syn::Type::Path(p) = (match ty {
        syn::Type::Reference(r) => &*r.elem,
        ty => ty,
    }) else {
        return ty.clone();
    };
    let mut p = p.clone();
    if let Some(last) = p.path.segments.last_mut() {
        let owned = match last.ident.to_string().as_str() {
            "ArrayView" => Some("Array"),
            "ArrayView1" => Some("Array1"),
            "ArrayView2" => Some("Array2"),
            _ => None,
        };
        if let Some(owned) = owned {
            last.ident = syn::Ident::new(owned, last.ident.span());
            if let syn::PathArguments::AngleBracketed(args) = &mut last.arguments {
                args.args = args
                    .args
                    .iter()
                    .filter(|a| !matches!(a, syn::GenericArgument::Lifetime(_)))
                    .cloned()
                    .collect();
            }
        }
    }
    syn::Type::Path(p)
}
