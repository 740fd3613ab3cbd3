//! A compact text form of a [`Body`], for snapshot tests and debugging.

use super::{Block, Body, ExitKind, LoopKind, Op, Operand, Stmt};
use std::fmt::Write;

pub fn display(body: &Body) -> String {
    let mut s = String::new();
    let params: Vec<String> = body
        .params
        .iter()
        .flatten()
        .map(|p| match p {
            super::ParamVar::Scalar(s) => body.slot(*s).name.to_string(),
            super::ParamVar::Array(a) => body.array(*a).name.to_string(),
            super::ParamVar::Struct(k) => format!("struct {k}"),
        })
        .collect();
    let _ = writeln!(s, "params: {}", params.join(", "));
    for a in &body.arrays {
        let origin = match a.origin {
            super::ArrayOrigin::Param(_) => "parameter",
            super::ArrayOrigin::Local => "buffer",
            super::ArrayOrigin::Field(_) => "field",
        };
        let _ = writeln!(s, "array {} (rank {}, {origin})", a.name, a.rank);
    }
    block(body, &body.block, 0, &mut s);
    let (mut slots, mut arrays) = (Vec::new(), Vec::new());
    body.output.leaves(&mut slots, &mut arrays);
    let out: Vec<String> = slots
        .iter()
        .map(|o| body.slot(*o).name.to_string())
        .chain(arrays.iter().map(|a| body.array(*a).name.to_string()))
        .collect();
    let _ = writeln!(s, "output: {}", out.join(", "));
    s
}

fn operand(body: &Body, op: &Operand) -> String {
    match op {
        Operand::Slot(id) => body.slot(*id).name.to_string(),
        Operand::Lit(t) => t.to_string(),
    }
}

fn array_ref(body: &Body, r: &super::ArrayRef) -> String {
    let idx: Vec<String> = r
        .index
        .iter()
        .map(|o| format!("[{}]", operand(body, o)))
        .collect();
    format!("{}{}", body.array(r.array).name, idx.join(""))
}

fn block(body: &Body, b: &Block, depth: usize, s: &mut String) {
    let pad = "    ".repeat(depth);
    for stmt in b {
        match stmt {
            Stmt::Assign(a) => {
                let args: Vec<String> = a.args.iter().map(|o| operand(body, o)).collect();
                let rhs = match &a.op {
                    Op::Copy => args.join(", "),
                    Op::Const(t) => format!("const `{t}`"),
                    Op::Prim(p) => match p.form {
                        // The term of operand k in the tangent of `p`.
                        crate::symbol::Form::Term(_, k) => {
                            format!("{}.term{k}({})", p.name, args.join(", "))
                        }
                        _ => format!("{}({})", p.name, args.join(", ")),
                    },
                    Op::Tensor(t) => format!("tensor::{}({})", t.name, args.join(", ")),
                    Op::Read(r) => array_ref(body, r),
                    Op::Reduce(p, refs) => {
                        let refs: Vec<String> = refs.iter().map(|r| array_ref(body, r)).collect();
                        format!("{}({})", p.name, refs.join(", "))
                    }
                };
                let def = if a.first_def { "" } else { "  (reassign)" };
                let _ = writeln!(s, "{pad}{} = {rhs}{def}", body.slot(a.dst).name);
            }
            Stmt::Opaque(t) => {
                let _ = writeln!(s, "{pad}opaque `{t}`");
            }
            Stmt::If(i) => {
                let _ = writeln!(s, "{pad}if#{} `{}` {{", i.id, i.cond);
                block(body, &i.then, depth + 1, s);
                let _ = writeln!(s, "{pad}}} else {{");
                block(body, &i.els, depth + 1, s);
                let _ = writeln!(s, "{pad}}}");
            }
            Stmt::Match(m) => {
                let _ = writeln!(s, "{pad}match#{} `{}` {{", m.id, m.scrutinee);
                for arm in &m.arms {
                    let _ = writeln!(s, "{pad}    `{}` => {{", arm.pat);
                    block(body, &arm.body, depth + 2, s);
                    let _ = writeln!(s, "{pad}    }}");
                }
                let _ = writeln!(s, "{pad}}}");
            }
            Stmt::Loop(l) => {
                let head = match &l.kind {
                    LoopKind::For { pat, iter } => format!("for `{pat}` in `{iter}`"),
                    LoopKind::While { cond } => format!("while `{cond}`"),
                    LoopKind::Loop => "loop".to_string(),
                };
                let _ = writeln!(s, "{pad}loop#{} {head} {{", l.id.0);
                block(body, &l.body, depth + 1, s);
                let _ = writeln!(s, "{pad}}}");
            }
            Stmt::Write(w) => {
                let idx: Vec<String> = w
                    .target
                    .index
                    .iter()
                    .map(|o| format!("[{}]", operand(body, o)))
                    .collect();
                let _ = writeln!(
                    s,
                    "{pad}{}{} = {}",
                    body.array(w.target.array).name,
                    idx.join(""),
                    operand(body, &w.value)
                );
            }
            Stmt::Push(p) => {
                let _ = writeln!(
                    s,
                    "{pad}{}.push({})",
                    body.array(p.array).name,
                    operand(body, &p.value)
                );
            }
            Stmt::Call(c) => {
                let args: Vec<String> = c
                    .args
                    .iter()
                    .map(|a| match a {
                        super::CallArg::Float(op) => operand(body, op),
                        super::CallArg::Array { r, by_ref } => {
                            format!("{}{}", if *by_ref { "&" } else { "" }, array_ref(body, r))
                        }
                        super::CallArg::Stable(t) => t.to_string(),
                        super::CallArg::Opaque(s) => body.slot(*s).name.to_string(),
                        super::CallArg::OpaqueRef(s) => format!("&{}", body.slot(*s).name),
                    })
                    .collect();
                let path = quote::ToTokens::to_token_stream(&c.path)
                    .to_string()
                    .replace(' ', "");
                let outs: Vec<String> = c
                    .outs
                    .iter()
                    .map(|o| body.slot(*o).name.to_string())
                    .collect();
                let _ = writeln!(
                    s,
                    "{pad}{} = call {:?} {path}({})",
                    outs.join(", "),
                    c.kind,
                    args.join(", ")
                );
            }
            Stmt::Map(m) => {
                let _ = writeln!(
                    s,
                    "{pad}{} = softmax({})",
                    body.array(m.dst).name,
                    array_ref(body, &m.src)
                );
            }
            Stmt::ArrayInit(init) => {
                let _ = writeln!(
                    s,
                    "{pad}{} = init `{}`",
                    body.array(init.array).name,
                    init.init
                );
            }
            Stmt::Exit(e) => {
                let kind = match e.kind {
                    ExitKind::Break => "break",
                    ExitKind::Continue => "continue",
                    ExitKind::Return => "return",
                };
                let target = e
                    .target
                    .map(|t| format!(" loop#{}", t.0))
                    .unwrap_or_default();
                let _ = writeln!(s, "{pad}{kind}{target} (site {})", e.site);
            }
        }
    }
}
