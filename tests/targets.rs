//! Every file of `tests/`, `benches/` and `examples/` runs: cargo discovers them as targets
//! (so `Cargo.toml` must not switch that off), and a file with a `main` of its own (a counting
//! allocator, criterion) is listed with `harness = false`, without which cargo would build
//! the file with libtest's `main` and silently run nothing of it. Helpers shared by several
//! tests live in `tests/common/mod.rs`, which cargo does not take for a test. This file is
//! listed in `Cargo.toml` by name, so it still runs (and fails) if autodiscovery is switched off.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

/// The `[[kind]]` entries of the manifest, as name → whether it sets `harness = false`.
/// A line-based reading, enough for this manifest's plain `key = "value"` entries.
fn entries(manifest: &str, kind: &str) -> HashMap<String, bool> {
    let header = format!("[[{kind}]]");
    let mut found = HashMap::new();
    let mut current: Option<(String, bool)> = None;
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            if let Some((name, no_harness)) = current.take() {
                found.insert(name, no_harness);
            }
            inside = line == header;
            current = inside.then(|| (String::new(), false));
            continue;
        }
        if let (true, Some((name, no_harness))) = (inside, current.as_mut()) {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some(value) = compact.strip_prefix("name=") {
                *name = value.trim_matches('"').to_string();
            }
            if compact == "harness=false" {
                *no_harness = true;
            }
        }
    }
    if let Some((name, no_harness)) = current {
        found.insert(name, no_harness);
    }
    found
}

/// The `.rs` files directly in `dir`, by stem, with their source.
fn sources(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn manifest() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap()
}

#[test]
fn autodiscovery_is_on() {
    let manifest = manifest();
    for key in ["autotests", "autobenches", "autoexamples"] {
        let off = manifest.lines().any(|line| {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            compact.starts_with(&format!("{key}=false"))
        });
        assert!(
            !off,
            "Cargo.toml sets `{key} = false`: a new file would then never run; \
             list only the targets that need a setting"
        );
    }
}

#[test]
fn files_with_their_own_main_have_no_harness() {
    let manifest = manifest();
    for (dir, kind) in [("tests", "test"), ("benches", "bench")] {
        let listed = entries(&manifest, kind);
        for (stem, source) in sources(dir) {
            let own_main = source
                .lines()
                .any(|line| line.starts_with("fn main(") || line.starts_with("criterion_main!("));
            if own_main {
                assert_eq!(
                    listed.get(&stem),
                    Some(&true),
                    "{dir}/{stem}.rs has a `main` of its own: list it in Cargo.toml as \
                     [[{kind}]] name = \"{stem}\" with harness = false"
                );
            } else if dir == "tests" {
                assert!(
                    source.contains("#[test]"),
                    "tests/{stem}.rs has no #[test]: a helper belongs in tests/common/mod.rs"
                );
            }
        }
    }
}
