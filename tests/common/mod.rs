//! Helpers shared by the integration tests (each uses some of them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// A Node 20, or why there is none (a failure under CI).
pub fn node_20() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CROSSCHECK_OLD_NODE") {
        return Some(PathBuf::from(p));
    }
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-node.sh"))
        .arg("20")
        .output();
    match out {
        Ok(o) if o.status.success() => Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())),
        other => {
            let why = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                Err(e) => e.to_string(),
            };
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("no Node 20 for the old-V8 tests under CI: {why}");
            }
            println!("no Node 20 ({why}); skipping the old-V8 tests");
            None
        }
    }
}

/// Runs `fuzz_one` for `target` on a fresh thread (its engines are per
/// thread, built from `$CROSSCHECK_ENGINES` at first use); the panic
/// message if any.
pub fn fuzz_one_on_fresh_thread(target: crosscheck::target::Target, input: &[u8]) -> Option<String> {
    let input = input.to_vec();
    std::thread::spawn(move || crosscheck::fuzz_one(target, &input)).join().err().map(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// 256 to 2,048 random bytes: a recipe, or a call plan, as the built-in
/// loop draws its inputs.
pub fn random_input(rng: &mut rand::rngs::SmallRng) -> Vec<u8> {
    use rand::Rng;
    let mut v = vec![0u8; rng.random_range(256..=2048)];
    rng.fill(&mut v[..]);
    v
}
