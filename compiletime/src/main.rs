//! The compile-time cost of `#[differentiable]`, measured two ways on generated code:
//!
//! - **expansion**: the macro's own time, calling `autodiff_macro_core::differentiable` in
//!   process on the item's tokens (the fastest of three runs);
//! - **build**: `cargo build` of a crate holding the code, with and without the attribute,
//!   after its dependencies are built (so only the crate itself is timed).
//!
//! Two shapes, at growing sizes so that growth can be read off: one straight-line function of
//! N statements, and a crate of N small functions (a loop, a branch and a call each).
//!
//! A second table gives the build with the attribute and `autodiff`'s `second-order` feature
//! off (`default-features = false`: no `NAME_hvp`), which a program that never asks for a
//! Hessian-vector product can choose.
//!
//! `COMPILETIME_OPTIMIZED_MACRO=1` builds the crates with the proc macro optimised
//! (`[profile.dev.build-override] opt-level = 3`), as the README recommends to users.
//!
//! ```sh
//! cargo run -p compiletime --release            # 500/1000/2000 statements, 50/100/200 fns
//! cargo run -p compiletime --release -- --quick # expansion only, no builds
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository");
    println!("| code | expansion | build with | build without | with / without |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut first_order = Vec::new();
    for n in straight_sizes() {
        let caller = "pub fn use_gradients(x: f64, y: f64) -> f64 { straight_grad(x, y).0 }";
        first_order.extend(measure(
            &root,
            &format!("straight-{n}"),
            &straight_line(n),
            caller,
            quick,
        ));
    }
    for n in [50, 100, 200] {
        let calls: Vec<String> = (0..n).map(|i| format!("f{i}_grad(x, w).0")).collect();
        let caller = format!(
            "pub fn use_gradients(x: f64, w: &[f64]) -> f64 {{ {} }}",
            calls.join(" + ")
        );
        first_order.extend(measure(
            &root,
            &format!("functions-{n}"),
            &many_functions(n),
            &caller,
            quick,
        ));
    }
    if !first_order.is_empty() {
        println!();
        println!("| code | build with, no `second-order` | build without | with / without |");
        println!("| --- | ---: | ---: | ---: |");
        for row in first_order {
            println!("{row}");
        }
    }
}

/// One row of the table: `items` with the attribute, expanded in process and built (with
/// `caller`, which calls every gradient, so that all generated code is compiled to machine
/// code as in a program that uses it), and built without it. Returns the row of the second
/// table, the build without the `second-order` feature.
fn measure(root: &Path, name: &str, items: &[String], caller: &str, quick: bool) -> Option<String> {
    let expansion = expansion_time(items);
    if quick {
        println!("| {name} | {} | | | |", ms(expansion));
        return None;
    }
    let with = build_time(root, &format!("{name}-with"), items, Some(caller), true);
    let without = build_time(root, &format!("{name}-without"), items, None, true);
    println!(
        "| {name} | {} | {} | {} | {:.2} |",
        ms(expansion),
        ms(with),
        ms(without),
        with.as_secs_f64() / without.as_secs_f64()
    );
    let first = build_time(
        root,
        &format!("{name}-first-order"),
        items,
        Some(caller),
        false,
    );
    Some(format!(
        "| {name} | {} | {} | {:.2} |",
        ms(first),
        ms(without),
        first.as_secs_f64() / without.as_secs_f64()
    ))
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

/// The macro's time on every item, the fastest of three runs.
fn expansion_time(items: &[String]) -> Duration {
    let tokens: Vec<proc_macro2::TokenStream> = items
        .iter()
        .map(|s| s.parse().expect("generated code parses"))
        .collect();
    for item in &tokens {
        let out = autodiff_macro_core::differentiable(Default::default(), item.clone());
        assert!(
            !out.to_string().contains("compile_error"),
            "the generated code is refused: {out}"
        );
    }
    (0..3)
        .map(|_| {
            let start = Instant::now();
            for item in &tokens {
                std::hint::black_box(autodiff_macro_core::differentiable(
                    Default::default(),
                    item.clone(),
                ));
            }
            start.elapsed()
        })
        .min()
        .expect("three runs")
}

/// Writes a crate holding `items` (with the attribute and `caller` when there is a caller,
/// without both otherwise), builds its dependencies, then times a build of the crate alone.
/// `default_features`: whether `autodiff`'s default features (`second-order`) are on.
fn build_time(
    root: &Path,
    name: &str,
    items: &[String],
    caller: Option<&str>,
    default_features: bool,
) -> Duration {
    let dir = root.join("target").join("compile-time").join(name);
    std::fs::create_dir_all(dir.join("src")).expect("the crate's directory");
    let manifest = format!(
        "[package]\nname = \"ct-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nautodiff = {{ path = {:?}, default-features = {default_features} }}\n\n[workspace]\n",
        root.display().to_string()
    );
    // `COMPILETIME_OPTIMIZED_MACRO=1`: the proc macro built optimised, as a user's
    // `[profile.dev.build-override] opt-level = 3` does (the README recommends it).
    let manifest = if std::env::var_os("COMPILETIME_OPTIMIZED_MACRO").is_some() {
        manifest + "\n[profile.dev.build-override]\nopt-level = 3\n"
    } else {
        manifest
    };
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("the manifest");
    let mut source = String::from("#![allow(warnings)]\nuse autodiff::prelude::*;\n\n");
    for item in items {
        if caller.is_some() {
            source.push_str("#[differentiable]\n");
        }
        source.push_str(item);
        source.push_str("\n\n");
    }
    if let Some(caller) = caller {
        source.push_str(caller);
        source.push('\n');
    }
    let lib = dir.join("src").join("lib.rs");
    std::fs::write(&lib, "").expect("an empty library");
    cargo_build(&dir); // the dependencies, once
    std::fs::write(&lib, source).expect("the library");
    let start = Instant::now();
    cargo_build(&dir);
    start.elapsed()
}

fn cargo_build(dir: &Path) {
    let target: PathBuf = dir.join("..").join("build");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the build of {} failed", dir.display());
}

/// One function of `n` statements of straight-line arithmetic over every kind of primitive,
/// each reading the two values before it.
fn straight_line(n: usize) -> Vec<String> {
    let mut body = String::from("    let mut a = x;\n    let mut b = y;\n");
    for i in 0..n {
        let e = match i % 6 {
            0 => "a * b + 0.5",
            1 => "(a - b).sin()",
            2 => "a.tanh() * b",
            3 => "(a * a + 1.0).ln() - b",
            4 => "a / (b * b + 1.0)",
            _ => "a.max(b).exp().min(3.0)",
        };
        body.push_str(&format!("    let c = {e};\n    a = b;\n    b = c;\n"));
    }
    vec![format!(
        "pub fn straight(x: f64, y: f64) -> f64 {{\n{body}    a + b\n}}"
    )]
}

/// `n` small functions, each with a loop, a branch, and a call of the one before it.
fn many_functions(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let call = if i == 0 {
                "x * 2.0".to_string()
            } else {
                format!("f{}(x, w)", i - 1)
            };
            format!(
                "pub fn f{i}(x: f64, w: &[f64]) -> f64 {{
    let mut s = {call};
    for k in 0..w.len() {{
        s = (s * w[k] + {i}.0).tanh();
    }}
    if s > 0.0 {{ s * x }} else {{ s.exp() - x }}
}}"
            )
        })
        .collect()
}

/// The straight-line sizes; `COMPILETIME_STRAIGHT=4000` measures one size alone.
fn straight_sizes() -> Vec<usize> {
    match std::env::var("COMPILETIME_STRAIGHT") {
        Ok(n) => vec![n.parse().expect("COMPILETIME_STRAIGHT is a number")],
        Err(_) => vec![500, 1000, 2000],
    }
}
