//! Compile-fail tests of ndarray and nalgebra values in `#[differentiable]` functions (features
//! `ndarray` and `nalgebra`): what the transform cannot differentiate is refused with a span
//! on the user's code and a message saying what to do. Bless with
//! `TRYBUILD=overwrite cargo test --features ndarray,nalgebra --test compiletest_arrays`.
#![cfg(all(feature = "ndarray", feature = "nalgebra"))]

#[test]
fn ui_arrays() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui-arrays/*.rs");
}
