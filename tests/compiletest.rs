//! Compile-fail tests of `#[differentiable]`: every error the macro reports, one failure mode
//! per file under `tests/ui/<group>/`, and programs that must compile and run, under `tests/run-pass/`. Bless with `TRYBUILD=overwrite cargo test --test compiletest`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
    t.pass("tests/run-pass/*.rs");
}
