//! Compile-fail tests of `#[differentiable]`: every error the macro reports, one failure mode
//! per file under `tests/ui/<group>/`. Bless with `TRYBUILD=overwrite cargo test --test compiletest`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
