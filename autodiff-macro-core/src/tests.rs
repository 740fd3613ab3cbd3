//! Snapshot tests of the stages: the IR after lowering, and the generated code after
//! emitting (pretty-printed), so a reviewer sees exactly what the macro writes.

use crate::ctxt::Ctxt;
use crate::names::Namer;
use crate::{ir, lower, parse};
use proc_macro2::TokenStream;
use quote::quote;

/// The IR text of `item` after lowering.
fn lowered(item: TokenStream) -> String {
    let cx = Ctxt::new();
    let args = parse::Args::default();
    let f = parse::function(&cx, &args, syn::parse2(item).unwrap()).unwrap();
    let mut namer = Namer::new(&f.item);
    let body = lower::body(&cx, &f, &mut namer);
    cx.check().unwrap();
    ir::display(&body)
}

thread_local! {
    /// Whether expansions in this test generate lanes (`crate::lanes`): `None` follows the
    /// feature.
    pub(crate) static LANES: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// The generated code for `#[differentiable(args)] item`, pretty-printed.
fn expanded(args: TokenStream, item: TokenStream) -> String {
    LANES.with(|l| l.set(Some(false)));
    let tokens = crate::expand::differentiable(args, item);
    let file: syn::File = syn::parse2(tokens).unwrap();
    prettyplease::unparse(&file)
}

/// The generated code for a fixture of `tests/fixtures/` (a `#[differentiable(args)]`
/// function the behaviour tests also check), pretty-printed.
fn expanded_fixture(source: &str) -> String {
    let mut item: syn::ItemFn = syn::parse_str(source).unwrap();
    let at = item
        .attrs
        .iter()
        .position(|a| a.path().is_ident("differentiable"))
        .unwrap();
    let args = match item.attrs.remove(at).meta {
        syn::Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    };
    expanded(args, quote!(#item))
}

fn seed_tanh() -> TokenStream {
    quote! {
        fn tanh(x: f64) -> f64 {
            let y = (-2.0 * x).exp();
            (1.0 - y) / (1.0 + y)
        }
    }
}

fn taylor_sine() -> TokenStream {
    quote! {
        fn taylor_sine(x: f64) -> f64 {
            let mut ans = x;
            let mut cur = x;
            let mut i = 0;
            while cur.abs() > 0.001 {
                cur = -cur * x * x / ((2 * i + 3) * (2 * i + 2)) as f64;
                ans += cur;
                i += 1;
            }
            ans
        }
    }
}

#[test]
fn ir_tanh() {
    insta::assert_snapshot!(lowered(seed_tanh()));
}

#[test]
fn ir_taylor_sine() {
    insta::assert_snapshot!(lowered(taylor_sine()));
}

#[test]
fn ir_control_flow() {
    insta::assert_snapshot!(lowered(quote! {
        fn f(x: f64, n: usize) -> f64 {
            let mut s = x;
            for i in 0..n {
                if s > 10.0 {
                    break;
                }
                let x = s * x;
                s = match i % 2 { 0 => x.sin(), _ => s + x };
            }
            if n == 0 { return x; }
            s
        }
    }));
}

/// A running minimum of a computed value: the loop runs once as plain code (the opaque
/// `let (__lo, __hi) = ...`) and only the winner's iteration is lowered.
#[test]
fn ir_selected_extremum() {
    insta::assert_snapshot!(lowered(quote! {
        fn nearest(x: &[f64], t: f64) -> f64 {
            let mut best = f64::INFINITY;
            for i in 0..x.len() {
                let d = (x[i] - t) * (x[i] - t);
                best = best.min(d);
            }
            best
        }
    }));
}

/// A body that also writes a float declared outside it is lowered as written.
#[test]
fn selected_extremum_needs_a_local_body() {
    let ir = lowered(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut best = f64::INFINITY;
            let mut s = 0.0;
            for i in 0..x.len() {
                s += x[i];
                best = best.min(x[i] * x[i]);
            }
            best + s
        }
    });
    assert!(!ir.contains("__lo"), "{ir}");
}

/// The branch that also keeps the index is rewritten; one that counts is not.
#[test]
fn selected_extremum_branch_forms() {
    let argmin = lowered(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut best = f64::INFINITY;
            let mut at = 0;
            for i in 0..x.len() {
                let d = x[i] * x[i];
                if d < best { best = d; at = i; }
            }
            best + at as f64
        }
    });
    assert!(argmin.contains("__lo"), "{argmin}");
    // The running value on the left of the comparison, for a maximum.
    let argmax = lowered(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut top = -1.0;
            let mut at = 0.0;
            for &v in x.iter() {
                let s = v.sin();
                if top < s { top = s; at = v; }
            }
            top * at
        }
    });
    assert!(argmax.contains("__lo"), "{argmax}");
    let counting = lowered(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut best = f64::INFINITY;
            let mut n = 0.0;
            for i in 0..x.len() {
                let d = x[i] * x[i];
                if d < best { best = d; n += 1.0; }
            }
            best + n
        }
    });
    assert!(!counting.contains("__lo"), "{counting}");
}

#[test]
fn expand_tanh() {
    insta::assert_snapshot!(expanded(quote!(), seed_tanh()));
}

#[test]
fn expand_taylor_sine() {
    insta::assert_snapshot!(expanded(quote!(), taylor_sine()));
}

#[test]
fn expand_wrt_and_branches() {
    insta::assert_snapshot!(expanded(
        quote!(wrt(x)),
        quote! {
            pub fn f(x: f64, y: f64, k: i32) -> f64 {
                let z = if x > y { x * y } else { x.powi(k) };
                z.exp()
            }
        }
    ));
}

#[test]
fn expand_early_return_in_loop() {
    insta::assert_snapshot!(expanded(
        quote!(),
        quote! {
            fn f(x: f64) -> f64 {
                let mut p = x;
                for j in 0..4 {
                    p = p * x;
                    if p > 20.0 {
                        return p;
                    }
                }
                p.sin()
            }
        }
    ));
}

fn logistic_loss() -> TokenStream {
    quote! {
        fn logistic_loss(weights: &[f64], inputs: &[[f64; 3]], targets: &[f64]) -> f64 {
            let mut loss = 0.0;
            for (i, row) in inputs.iter().enumerate() {
                let p = 0.5 * ((dot(row, weights) / 2.0).tanh() + 1.0);
                let y = targets[i];
                loss -= (p * y + (1.0 - p) * (1.0 - y)).ln();
            }
            loss
        }
    }
}

#[test]
fn ir_logistic_loss() {
    insta::assert_snapshot!(lowered(logistic_loss()));
}

#[test]
fn expand_logistic_loss() {
    let out = expanded(quote!(wrt(weights)), logistic_loss());
    // One float per point: `tanh`'s result. The argument of `ln` is computed again from it
    // and the replayed target (`analyse::at_use`); `p` and `1 - p` are not recorded since the
    // products' rules need only the target's side (`Prim::reads_for`).
    let core = &out[..out.find("fn logistic_loss_vjp(").unwrap_or(out.len())];
    assert_eq!(core.matches("__tape.push_float(").count(), 1, "{core}");
    assert!(core.contains("__tape.push_float(__t5)"), "{core}");
    insta::assert_snapshot!(out);
}

#[test]
fn expand_buffers_and_vector_return() {
    insta::assert_snapshot!(expanded(
        quote!(),
        quote! {
            fn cumulative(x: &[f64], s: f64) -> Vec<f64> {
                let mut out = vec![0.0; x.len()];
                for i in 0..x.len() {
                    out[i] = x[i] * x[i] * s;
                    if i > 0 {
                        out[i] += out[i - 1];
                    }
                }
                out
            }
        }
    ));
}

/// Every `#[differentiable]` function of the compile-fail cases, of the tests and of the
/// examples, whole and cut short at every token: the macro returns tokens (an expansion or
/// errors) and never panics.
#[test]
fn never_panics_on_the_project_sources() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "tests",
        "tests/ui/args",
        "tests/ui/arrays",
        "tests/ui/custom",
        "tests/ui/errors",
        "tests/ui/item",
        "tests/ui/rules",
        "tests/ui/signature",
        "tests/ui/unsupported",
        "examples",
    ] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "rs")),
            );
        }
    }
    assert!(files.len() > 50, "found only {} source files", files.len());
    let mut expanded = 0;
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        let Ok(file) = syn::parse_file(&source) else {
            continue;
        };
        for item in file.items {
            let syn::Item::Fn(mut f) = item else { continue };
            let Some(pos) = f
                .attrs
                .iter()
                .position(|a| a.path().is_ident("differentiable"))
            else {
                continue;
            };
            let attr = f.attrs.remove(pos);
            let args = match attr.meta {
                syn::Meta::List(list) => list.tokens,
                _ => TokenStream::new(),
            };
            let mut inputs = Vec::new();
            let tokens: Vec<proc_macro2::TokenTree> = quote!(#f).into_iter().collect();
            for cut in 1..=tokens.len() {
                inputs.push(tokens[..cut].iter().cloned().collect::<TokenStream>());
            }
            // The body's statements cut short at every statement, and each statement alone.
            let stmts = f.block.stmts.clone();
            for k in 0..stmts.len() {
                let mut g = f.clone();
                g.block.stmts = stmts[..k].to_vec();
                inputs.push(quote!(#g));
                g.block.stmts = vec![stmts[k].clone()];
                inputs.push(quote!(#g));
            }
            for input in inputs {
                let result = std::panic::catch_unwind(|| {
                    crate::expand::differentiable(args.clone(), input.clone())
                });
                assert!(
                    result.is_ok(),
                    "the macro panicked on a variant of a function of {}:\n{input}",
                    path.display()
                );
            }
            expanded += 1;
        }
    }
    assert!(expanded > 100, "expanded only {expanded} functions");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Random token streams in the shape of a function: the macro returns tokens (an
    /// expansion or errors) and never panics.
    #[test]
    fn never_panics_on_random_tokens(
        words in proptest::collection::vec(proptest::sample::select(VOCABULARY), 0..40),
        args in proptest::collection::vec(proptest::sample::select(&["wrt", "(x)", "(y, x)", "x", ",", "=", "custom_vjp", "r", "1"][..]), 0..6),
    ) {
        let body: String = words.join(" ");
        let source = format!("fn f(x: f64, y: &[f64], n: usize) -> f64 {{ {body} }}");
        if let Ok(item) = source.parse::<TokenStream>() {
            let args: TokenStream = args.join(" ").parse().unwrap_or_default();
            let result = std::panic::catch_unwind(|| crate::expand::differentiable(args.clone(), item.clone()));
            proptest::prop_assert!(result.is_ok(), "panicked on `{}` with args `{}`", source, args);
        }
    }
}

/// Tokens of the body language and a few outside it.
const VOCABULARY: &[&str] = &[
    "x",
    "y",
    "n",
    "i",
    "z",
    "let",
    "mut",
    "=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "+=",
    "*=",
    ";",
    "(x)",
    "(x, y)",
    "[i]",
    "{ x }",
    "{ let a = x; a }",
    "(0..n)",
    "0",
    "1",
    "2.0",
    "0.5",
    "if",
    "else",
    "for",
    "in",
    "0..n",
    "while",
    "loop",
    "break",
    "continue",
    "return",
    "match",
    "=>",
    "_",
    ",",
    ".",
    "exp",
    "ln",
    "powi",
    "sin",
    "max",
    "len",
    "iter",
    "enumerate",
    "zip",
    "push",
    "dot",
    "sum",
    "softmax",
    "stop_gradient",
    "f",
    "g",
    "as",
    "usize",
    "f64",
    "<",
    ">",
    "==",
    "&",
    "&&",
    "!",
    "vec!",
    "[0.0; 3]",
    "y[i]",
    "x.exp()",
    "|v| v",
    "?",
    "unsafe",
    "'a:",
    "T::zero()",
    "self",
    "async",
    "1e9",
];

/// A long function's generated core declares its locals in groups: thousands of `let`s in a
/// row overflow rustc's stack when it writes debug information (see `sweep/decls.rs`).
#[test]
fn long_functions_declare_their_locals_in_groups() {
    let steps: TokenStream = (0..1500)
        .map(|_| quote!(let c = (a * b + 0.5).sin(); a = b; b = c;))
        .collect();
    let item = quote! {
        fn long(x: f64, y: f64) -> f64 {
            let mut a = x;
            let mut b = y;
            #steps
            a + b
        }
    };
    let file: syn::File = syn::parse2(crate::expand::differentiable(quote!(), item)).unwrap();
    let core = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Fn(f) if f.sig.ident == "long_vjp_into" => Some(f),
            _ => None,
        })
        .expect("the generated core");
    let lets = core
        .block
        .stmts
        .iter()
        .filter(|s| matches!(s, syn::Stmt::Local(_)))
        .count();
    // 1500 statements lower to thousands of slots and adjoints; grouped 32 to a `let`.
    assert!(lets < 400, "{lets} top-level `let`s in the generated core");
}

/// Nested loops over ranges: the reverse sweep takes back both counters and replays the
/// indices and the element reads instead of recording them.
#[test]
fn expand_replayed_loops() {
    let item = quote! {
        fn matrix_loops(a: &[f64], x: &[f64], m: usize) -> f64 {
            let mut total = 0.0;
            for i in 0..a.len() / m {
                let mut row = 0.0;
                for j in 0..m {
                    let aij = a[i * m + j];
                    row += aij * x[j] * x[j];
                }
                total += row.tanh();
            }
            total
        }
    };
    let out = expanded(quote!(), item);
    let core = &out[..out.find("fn matrix_loops_vjp(").unwrap_or(out.len())];
    // Every counter is computed from its loop's first one: nothing recorded per iteration.
    assert!(
        core.contains("let i = ::autodiff::__private::Counter::advance(__s0_i, __j0)"),
        "{core}"
    );
    assert!(
        core.contains("let j = ::autodiff::__private::Counter::advance(__s1_j, __j1)"),
        "{core}"
    );
    // Both loops start at a literal, the same on every run: kept in locals, never recorded.
    assert_eq!(core.matches("push_counter").count(), 0, "{core}");
    // The reverse sweep evaluates the inner range again for its trip count: nothing on the
    // index lane, no index, no element.
    assert_eq!(core.matches("push_index").count(), 0, "{core}");
    assert!(core.contains("let __range = 0..m;"), "{core}");
    insta::assert_snapshot!(core);
    // A range from a mutable local cannot be evaluated again: its trip count is recorded.
    let item = quote! {
        fn ragged(a: &[f64], m: usize) -> f64 {
            let mut total = 0.0;
            let mut width = 1;
            for i in 0..m {
                for j in 0..width {
                    total += a[i * m + j].sin();
                }
                width = (width + 1).min(m);
            }
            total
        }
    };
    let out = expanded(quote!(), item);
    let core = &out[..out.find("fn ragged_vjp(").unwrap_or(out.len())];
    assert!(core.contains("__tape.push_index(__n1)"), "{core}");
    assert!(!core.contains("__range"), "{core}");
}

#[test]
fn expand_induction_variables() {
    // ADBench GMM's packed triangle: `l` steps by one, `s` is filled before, `off` is an
    // immutable `let`. The triangle's loop records nothing per iteration but the old `y[j]`
    // (which `norm_squared` reads); it keeps `l` at its entry instead.
    let item = quote! {
        fn packed(q: &[f64], lower: &[f64], x: &[f64]) -> f64 {
            let d = x.len();
            let off = lower.len() - d * (d - 1) / 2;
            let mut s = vec![0.0; d];
            for i in 0..d {
                s[i] = q[i].exp();
            }
            let mut y = vec![0.0; d];
            let mut l = 0;
            for i in 0..d {
                for j in i + 1..d {
                    y[j] += lower[off + l] * x[i] * s[j];
                    l += 1;
                }
            }
            norm_squared(&y)
        }
    };
    let out = expanded(quote!(), item);
    let core = &out[..out.find("fn packed_vjp(").unwrap_or(out.len())];
    let forward = &core[core.find("for j in __r").unwrap()..];
    let triangle = &forward[..forward.find("l += 1;").unwrap()];
    assert_eq!(triangle.matches("__tape.push").count(), 1, "{triangle}");
    assert!(triangle.contains("__tape.push_float(y["), "{triangle}");
    assert!(
        core.contains("let l = ::autodiff::__private::Counter::advance("),
        "{core}"
    );
    // Not an induction variable: stepped inside a branch, or after a `continue`.
    for body in [
        quote!(if x[j] > 0.0 {
            l += 1;
        }),
        quote!(if x[j] > 0.0 { continue; } l += 1;),
    ] {
        let item = quote! {
            fn not_induction(lower: &[f64], x: &[f64]) -> f64 {
                let mut l = 0;
                let mut total = 0.0;
                for j in 0..x.len() {
                    total += lower[l] * x[j] * x[j];
                    #body
                }
                total
            }
        };
        let out = expanded(quote!(), item);
        assert!(!out.contains("Counter::advance(__s0_l"), "{out}");
    }
}

#[test]
fn expand_restored_buffers() {
    // `c` is written d times per `ik` and read d² times: the reverse sweep restores it (one
    // save per write) and the inner loops replay their reads of it (no record per read).
    let out = expanded_fixture(include_str!("../../tests/fixtures/centered_quadratic.rs"));
    let core = &out[..out.find("fn centered_quadratic_vjp(").unwrap_or(out.len())];
    assert!(core.contains("__tape.push_float(c["), "{core}");
    assert!(core.contains("= __tape.pop_float();"), "{core}");
    let forward = &core[core.find("for j in __r").unwrap()..];
    let inner = &forward[..forward.find('}').unwrap()];
    assert!(!inner.contains("__tape"), "{inner}");
    // Written as often as read: recording the reads stays the cheaper choice.
    let item = quote! {
        fn once(x: &[f64], means: &[f64], d: usize) -> f64 {
            let mut c = vec![0.0; d];
            let mut total = 0.0;
            for ik in 0..means.len() / d {
                for id in 0..d {
                    c[id] = x[id] - means[ik * d + id];
                }
                for i in 0..d {
                    total += c[i].sin();
                }
            }
            total
        }
    };
    let out = expanded(quote!(), item);
    assert!(!out.contains("__tape.push_float(c["), "{out}");
}

#[test]
fn expand_snapshotted_buffers() {
    // `y` is written d(d + 1)/2 times per `ik` and reduced twice: recorded whole where the
    // reductions read it, never element by element.
    let out = expanded_fixture(include_str!("../../tests/fixtures/triangular_norms.rs"));
    let core = &out[..out.find("fn triangular_norms_vjp(").unwrap_or(out.len())];
    assert_eq!(
        core.matches("__tape.push_slice(&y[..])").count(),
        2,
        "{core}"
    );
    assert_eq!(
        core.matches("__tape.pop_slice_into(&mut y[..])").count(),
        2,
        "{core}"
    );
    assert!(!core.contains("push_float(y["), "{core}");
}

#[test]
fn expand_partials_of_active_operands_only() {
    // `acc * c[i]` with `c` not differentiated: the cotangent of `acc` needs `c[i]` (replayed
    // from the counter), not `acc`, so nothing is recorded and no tape is taken.
    let out = expanded_fixture(include_str!("../../tests/fixtures/horner_like.rs"));
    let core = &out[..out.find("fn horner_like_vjp(").unwrap_or(out.len())];
    assert!(!core.contains("__tape"), "{core}");
    // With `c` differentiated too, the cotangent of `c[i]` needs the old `acc`: recorded.
    let item = quote! {
        fn horner(x: f64, c: &[f64]) -> f64 {
            let mut acc = x;
            for i in 0..c.len() {
                acc = acc * c[i] + x;
            }
            acc
        }
    };
    let out = expanded(quote!(), item);
    let core = &out[..out.find("fn horner_vjp(").unwrap_or(out.len())];
    assert!(core.contains("__tape.push_float(acc)"), "{core}");
}

/// Every local the generated code binds is named by the `Namer`: with parameters named like
/// them, the generated ones take another name.
#[test]
fn generated_locals_avoid_user_names() {
    let code = expanded(
        quote!(),
        quote! {
            fn f(__g_arg0: f64, __range: usize) -> f64 {
                let mut acc = 0.0;
                for i in 0..__range {
                    for j in 0..i {
                        acc += g(__g_arg0 * (j as f64)) * acc;
                    }
                }
                acc
            }
        },
    );
    assert!(code.contains("let __range_1 = "), "{code}");
    assert!(!code.contains("let __range = "), "{code}");
    assert!(code.contains("let mut __g_arg0_1: f64"), "{code}");
    assert!(!code.contains("let mut __g_arg0: f64"), "{code}");
    let code = expanded(
        quote!(),
        quote! {
            fn f(__pullback_0: f64, __scratch_0: f64) -> f64 {
                __pullback_0 * __scratch_0
            }
        },
    );
    assert!(
        code.contains("__pullback_0_1: ::core::option::Option"),
        "{code}"
    );
    assert!(code.contains("let mut __scratch_0_1: f64"), "{code}");
    let code = expanded(
        quote!(custom_vjp = r),
        quote! {
            fn f(value: f64, rule: f64, tangent: f64, __rule_grad_0: f64) -> f64 {
                value * rule * tangent + __rule_grad_0
            }
        },
    );
    for name in ["value", "rule", "tangent", "__rule_grad_0"] {
        for binding in ["let ", "let mut ", "let ("] {
            for end in [" ", ":", ",", ")"] {
                let bound = format!("{binding}{name}{end}");
                assert!(!code.contains(&bound), "{bound}: {code}");
            }
        }
    }
    assert!(code.contains("let value_1"), "{code}");
}

/// A format string's implicit captures of renamed bindings and floats become explicit named
/// arguments; escapes, positional arguments and explicit named arguments are left alone.
#[test]
fn inline_format_arguments_are_made_explicit() {
    let code = expanded(
        quote!(),
        quote! {
            fn f(x: f64, n: usize) -> f64 {
                let y = x * 2.0;
                let y = y + 1.0;
                println!("{y} {y:?} {{y}} {} {0} {:w$.p$} {n} {z}", x, w = 8, p = n, z = 1);
                assert!(y > 0.0, "{y:.2}",);
                y
            }
        },
    );
    let expected = [
        r#"println!("{y} {y:?} {{y}} {} {0} {:w$.p$} {n} {z}", x, w = 8, p = n, z = 1, y = y_2);"#,
        r#"assert!(y_2 > 0.0, "{y:.2}", y = y_2,);"#,
    ];
    for line in expected {
        assert!(code.contains(line), "{line}\n{code}");
    }
}

/// The stages import only the stages before them, and the modules underneath (`ctxt`,
/// `symbol`, `names`, `ir`): parse → lower → tangent → analyse → sweep → emit, driven by
/// `expand`. A `crate::<module>` path in a module's files (comments aside) is an import.
#[test]
fn stages_depend_only_on_earlier_ones() {
    const ORDER: &[&str] = &[
        "ctxt", "symbol", "names", "ir", "parse", "derive", "lower", "tangent", "analyse", "sweep",
        "emit", "expand",
    ];
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("the source directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut checked = 0;
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(rank) = ORDER.iter().position(|m| *m == module) else {
            continue; // lib.rs, tests.rs
        };
        let text: String = std::fs::read_to_string(&file)
            .expect("a source file")
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for (later, name) in ORDER.iter().enumerate().skip(rank + 1) {
            let path = format!("crate::{name}");
            let imported = text.match_indices(&path).any(|(i, _)| {
                !text[i + path.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            }) || text.contains("use crate::{")
                && text.split("use crate::{").skip(1).any(|rest| {
                    rest.split('}')
                        .next()
                        .is_some_and(|list| list.split(',').any(|item| item.trim() == *name))
                });
            assert!(
                !imported,
                "{} ({module}, layer {rank}) imports `{name}` (layer {later}), a later stage",
                relative.display()
            );
        }
        checked += 1;
    }
    assert!(checked > 30, "only {checked} files checked");
}

#[test]
#[ignore]
fn dump_expansion() {
    let path = std::env::var("DUMP").expect("DUMP=file.rs");
    let source = std::fs::read_to_string(path).expect("readable");
    let item: syn::ItemFn = syn::parse_str(&source).expect("a function");
    let attr = item
        .attrs
        .iter()
        .find(|a| a.path().is_ident("differentiable"));
    let args = match attr.map(|a| &a.meta) {
        Some(syn::Meta::List(l)) => l.tokens.clone(),
        _ => TokenStream::new(),
    };
    let mut item = item.clone();
    item.attrs.retain(|a| !a.path().is_ident("differentiable"));
    println!("{}", expanded(args, quote::quote!(#item)));
}

/// The generated code with the `lanes` feature on, pretty-printed.
fn expanded_with_lanes(args: TokenStream, item: TokenStream) -> String {
    LANES.with(|l| l.set(Some(true)));
    let tokens = crate::expand::differentiable(args, item);
    LANES.with(|l| l.set(None));
    let file: syn::File = syn::parse2(tokens).unwrap();
    prettyplease::unparse(&file)
}

/// The function `name` of `code`, from its signature to its closing brace.
fn item_named<'a>(code: &'a str, name: &str) -> &'a str {
    let start = code
        .find(&format!("fn {name}"))
        .unwrap_or_else(|| panic!("no `{name}` in\n{code}"));
    let end = code[start..]
        .find("\n}\n")
        .map_or(code.len(), |e| start + e + 3);
    &code[start..end]
}

#[test]
fn jvp_lanes_carries_the_tangents_as_lanes() {
    let code = expanded_with_lanes(quote!(), seed_tanh());
    insta::assert_snapshot!(item_named(&code, "tanh_jvp_lanes"));
    // Callers' lanes go through the rules.
    assert!(code.contains("pub fn tangent_lanes<"), "{code}");
    assert!(code.contains("pub fn tangent_lanes_floats<"), "{code}");
    // Without the feature, nothing of it.
    let plain = expanded(quote!(), seed_tanh());
    assert!(!plain.contains("lanes"), "{plain}");
}

#[test]
fn jvp_lanes_is_a_stub_that_says_why_where_lanes_cannot_carry_the_tangents() {
    let cases = [
        (
            quote!(
                fn f(x: f64) -> f64 {
                    g_grad(x) * x
                }
            ),
            "the body calls a generated derivative",
        ),
        (
            quote!(
                fn g(p: &Params, x: f64) -> f64 {
                    x * x
                }
            ),
            "a parameter of a struct",
        ),
    ];
    for (item, why) in cases {
        let code = expanded_with_lanes(quote!(), item);
        assert!(
            code.contains("::autodiff::__private::Lanes<f64, __N>: ::autodiff::__private::NoLanes"),
            "{code}"
        );
        assert!(code.contains(why), "{why} in\n{code}");
        // A caller's lanes reach the rule, which panics with the reason.
        assert!(
            code.contains("the forward mode in lanes through a call of"),
            "{code}"
        );
    }
}
