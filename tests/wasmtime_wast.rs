//! The regression scripts `--emit-wast` writes run as they are under
//! Wasmtime's own .wast runner (the `wasmtime-wast` crate of the pinned
//! wasmtime): every script a campaign's background triage wrote passes on
//! a correct Wasmtime; a script reduced from a wrong call result fails
//! under `crosscheck wast` on the engine with the planted fault (the
//! planted faults reach `wast` sessions through invoke results only, not
//! through traps, globals or a single-instruction module's lanes).

use std::path::{Path, PathBuf};
use std::process::Command;
use wasmtime_wast::{Async, SpectestConfig, WastContext};

fn crosscheck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck")).args(args).output().expect("binary runs")
}

/// Runs a script on Wasmtime's wast runner, with the proposals Cases use.
fn wasmtime_wast(script: &Path) -> wasmtime::Result<()> {
    let mut config = wasmtime::Config::new();
    config
        .wasm_simd(true)
        .wasm_relaxed_simd(true)
        .wasm_tail_call(true)
        .wasm_multi_memory(true)
        .wasm_memory64(true)
        .wasm_extended_const(true)
        .wasm_threads(true)
        .wasm_wide_arithmetic(true);
    let engine = wasmtime::Engine::new(&config)?;
    let mut cx = WastContext::new(&engine, Async::No, |_| {});
    cx.register_spectest(&SpectestConfig { use_shared_memory: false, suppress_prints: true })?;
    cx.run_file(script)
}

/// The reduced Cases a campaign's background triage wrote.
fn campaign(name: &str, args: &[&str]) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("crosscheck-wasmtime-wast-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let mut all = vec!["fuzz", "--jobs", "1", "--artifacts", &d];
    all.extend_from_slice(args);
    let o = crosscheck(&all);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let mut reduced = Vec::new();
    for target in std::fs::read_dir(&dir).unwrap().flatten() {
        for finding in std::fs::read_dir(target.path()).unwrap().flatten() {
            let shrunk = finding.path().join("shrunk");
            if shrunk.join("case.wast").is_file() {
                reduced.push(shrunk);
            }
        }
    }
    reduced.sort();
    (dir, reduced)
}

fn check(reduced: &[PathBuf]) {
    println!("{} reduced Cases' scripts on Wasmtime's wast runner", reduced.len());
    for case in reduced {
        let script = case.join("case.wast");
        if let Err(e) = wasmtime_wast(&script) {
            panic!(
                "{} fails on Wasmtime's wast runner: {e:?}\n{}",
                script.display(),
                std::fs::read_to_string(&script).unwrap()
            );
        }
        let shrink = std::fs::read_to_string(case.join("shrink.txt")).unwrap();
        if !shrink.lines().any(|l| l.starts_with("signature: divergence reference~") && l.contains(":result:")) {
            continue;
        }
        let plan = std::fs::read_to_string(case.join("plan")).unwrap();
        let engines = plan.lines().find_map(|l| l.strip_prefix("engines ")).unwrap();
        // The reduced Case keeps the two engines its signature names: the
        // reference and the one with the fault.
        let faulty = engines.strip_prefix("reference,").unwrap();
        assert!(faulty.contains('+'), "{engines}");
        let o = crosscheck(&["wast", &script.display().to_string(), "--engine", faulty]);
        assert_eq!(o.status.code(), Some(1), "{} passes on {faulty}", script.display());
    }
}

#[test]
fn emitted_scripts_run_on_wasmtime_and_fail_on_the_faulty_engine() {
    let (dir, reduced) = campaign(
        "differential",
        &[
            "--engines",
            "reference,wasmtime+i32-result-bit,wasmi+trap-kind,pulley+global-bit",
            "--runs",
            "300",
            "--seed",
            "3",
        ],
    );
    assert!(reduced.len() >= 3, "{reduced:?}");
    let results =
        reduced.iter().filter(|r| std::fs::read_to_string(r.join("shrink.txt")).unwrap().contains(":result:"));
    assert!(results.count() >= 1, "no reduced wrong result among {reduced:?}");
    check(&reduced);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn single_inst_relaxed_simd_scripts_run_on_wasmtime() {
    let (dir, reduced) = campaign(
        "relaxed",
        &["single_inst", "--engines", "reference,wasmtime+q15mulr-lane", "--runs", "3000", "--seed", "1"],
    );
    assert!(!reduced.is_empty());
    check(&reduced);
    let _ = std::fs::remove_dir_all(&dir);
}
