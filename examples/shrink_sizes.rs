//! How far and how fast `crosscheck shrink` reduces typical-sized findings
//! of planted faults. For each fault: a diverging Case with at least
//! MIN_FUNCS functions ([`crosscheck::selftest::large_finding`]) written to
//! OUT/<fault>/, then `crosscheck shrink` on it (the release binary),
//! its summary line printed.
//!
//! `cargo run --release --example shrink_sizes -- OUT [MIN_FUNCS] [SEED] [FAULT...]`
use crosscheck::selftest::large_finding::{LargeFinding, find, function_count};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(args.first().map_or("shrink-sizes", |s| s.as_str()));
    let min_functions = args.get(1).map_or(Ok(20), |s| s.parse())?;
    let seed = args.get(2).map_or(Ok(1), |s| s.parse())?;
    let faults: Vec<&str> = if args.len() > 3 {
        args[3..].iter().map(|s| s.as_str()).collect()
    } else {
        vec![
            "i32-result-bit",
            "i64-result-sign",
            "trap-kind",
            "missing-trap",
            "extra-trap",
            "global-bit",
            "memory-byte",
        ]
    };
    let exe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/crosscheck");
    for fault in faults {
        let spec = LargeFinding {
            engines: vec!["reference".into(), format!("wasmtime+{fault}")],
            min_functions,
            input_len: 16 * 1024,
            seed,
            budget: 2000,
        };
        let Some((saved, tried)) = find(&spec)? else {
            println!("{fault}: no finding with {min_functions}+ functions in {} inputs", spec.budget);
            continue;
        };
        let dir = out.join(fault);
        let _ = std::fs::remove_dir_all(&dir);
        crosscheck::case_file::write(&dir, &saved)?;
        let funcs = function_count(&saved.case.plan.wasm);
        let o = std::process::Command::new(&exe).arg("shrink").arg(&dir).output()?;
        let stdout = String::from_utf8_lossy(&o.stdout);
        let line = stdout.lines().next().unwrap_or("").to_string();
        let line = line.split_once("; ").map_or(line.as_str(), |(_, r)| r);
        println!("{fault}: {funcs} functions (input {tried}): {line}");
        if !o.status.success() {
            println!("  {}", String::from_utf8_lossy(&o.stderr).trim());
        }
    }
    Ok(())
}
