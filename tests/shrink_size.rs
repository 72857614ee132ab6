//! Shrinking a typical wasm-smith divergence — a module of tens of
//! functions with a planted fault — gets it below 2% of its size, and the
//! reduced Case still replays with the same signature. The reduction's
//! figures (sizes, calls, time, candidates) are printed.

use crosscheck::selftest::large_finding::{LargeFinding, find, function_count};
use std::process::Command;

fn shrinks_below_two_percent(fault: &str) {
    let spec = LargeFinding {
        engines: vec!["reference".into(), format!("wasmtime+{fault}")],
        min_functions: 20,
        input_len: 16 * 1024,
        seed: 1,
        budget: 200,
    };
    let (saved, _) = find(&spec).unwrap().unwrap_or_else(|| panic!("no finding of {fault} in {} inputs", spec.budget));
    let functions = function_count(&saved.case.plan.wasm);
    assert!(functions >= 20);
    let dir = std::env::temp_dir().join(format!("crosscheck-shrink-size-{}-{fault}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    crosscheck::case_file::write(&dir, &saved).unwrap();
    let exe = env!("CARGO_BIN_EXE_crosscheck");
    let o = Command::new(exe).arg("shrink").arg(&dir).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    // `DIR/shrunk: still SIGNATURE; module A -> B bytes (P%), calls ..., T s, N candidates`
    let line = out.lines().next().unwrap();
    println!("{fault}: {functions} functions: {}", line.split_once("; ").unwrap().1);
    let sizes = line.split_once("module ").unwrap().1;
    let (before, rest) = sizes.split_once(" -> ").unwrap();
    let after = rest.split_once(' ').unwrap().0;
    let (before, after): (usize, usize) = (before.parse().unwrap(), after.parse().unwrap());
    assert_eq!(before, saved.case.plan.wasm.len());
    assert!(after * 50 < before, "{fault}: {before} -> {after} bytes is not below 2%");
    let o = Command::new(exe).args(["repro", "differential"]).arg(dir.join("shrunk")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let again = String::from_utf8_lossy(&o.stdout);
    let signature = format!("signature: reference~wasmtime+{fault}:");
    assert!(again.contains(&signature), "{again}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_wrong_result_in_tens_of_functions_shrinks_below_two_percent() {
    shrinks_below_two_percent("i32-result-bit");
}

#[test]
fn a_wrong_trap_in_tens_of_functions_shrinks_below_two_percent() {
    shrinks_below_two_percent("trap-kind");
}
