//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The official WebAssembly test suite: `$WASM_SPEC_TESTSUITE`, or else
/// `../shared/testsuite` beside the checkout. Missing, it is a skip that
/// says so, and a failure when `CI=true`.
pub fn suite_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("WASM_SPEC_TESTSUITE") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/testsuite")),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!("spec test suite not found at {} (set WASM_SPEC_TESTSUITE)", dir.display());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    println!("{msg}; skipping");
    None
}
