//! The libFuzzer settings every fuzz target ships with: one cargo-fuzz
//! binary per [`Target`], each with a `fuzz/options/TARGET.options` (read
//! by `scripts/fuzz.sh`, `scripts/oss-fuzz/check-build.sh` and OSS-Fuzz)
//! that keeps the settings the measurements in docs/benchmarks.md found
//! necessary: the classic scheduler (`entropic = 0`: entropic's per-feature
//! bookkeeping took 82% of an ASan run), no leak checks, OSS-Fuzz's limits,
//! and the AddressSanitizer signal options Wasmtime's own handlers need.

use crosscheck::target::Target;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `[section]`s of an `.options` file as key → value maps.
fn read_options(path: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut sections: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("{}: bad line {line:?}", path.display()));
        let previous = sections.entry(section.clone()).or_default().insert(key.trim().into(), value.trim().into());
        assert!(previous.is_none(), "{}: {} set twice", path.display(), key.trim());
    }
    sections
}

/// The `[[bin]]` names of fuzz/Cargo.toml.
fn fuzz_binaries() -> Vec<String> {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(name) = line.strip_prefix("name = ") {
            names.push(name.trim_matches('"').to_string());
        }
    }
    names
}

#[test]
fn every_target_is_a_cargo_fuzz_binary_with_its_options() {
    let mut binaries = fuzz_binaries();
    binaries.sort();
    let mut targets: Vec<String> = Target::ALL.iter().map(|t| t.name().to_string()).collect();
    targets.sort();
    assert_eq!(binaries, targets, "fuzz/Cargo.toml's binaries are crosscheck's targets");
    for t in &targets {
        assert!(root().join(format!("fuzz/fuzz_targets/{t}.rs")).is_file(), "fuzz/fuzz_targets/{t}.rs");
        assert!(root().join(format!("fuzz/options/{t}.options")).is_file(), "fuzz/options/{t}.options");
    }
}

#[test]
fn options_keep_the_measured_settings_and_oss_fuzz_limits() {
    for t in Target::ALL {
        let path = root().join(format!("fuzz/options/{}.options", t.name()));
        let options = read_options(&path);
        let libfuzzer = &options["libfuzzer"];
        let asan = &options["asan"];
        let at = |map: &BTreeMap<String, String>, key: &str| -> String {
            map.get(key).cloned().unwrap_or_else(|| panic!("{}: no {key}", path.display()))
        };
        assert_eq!(at(libfuzzer, "entropic"), "0", "{}", path.display());
        assert_eq!(at(libfuzzer, "detect_leaks"), "0", "{}", path.display());
        assert_eq!(at(asan, "detect_leaks"), "0", "{}", path.display());
        assert_eq!(at(libfuzzer, "len_control"), "0", "{}", path.display());
        let timeout: u32 = at(libfuzzer, "timeout").parse().unwrap();
        assert!((1..25).contains(&timeout), "{}: timeout {timeout} s, OSS-Fuzz's is 25 s", path.display());
        let rss: u32 = at(libfuzzer, "rss_limit_mb").parse().unwrap();
        assert!(rss <= 2560, "{}: rss_limit_mb {rss} over OSS-Fuzz's 2560", path.display());
        let max_len: usize = at(libfuzzer, "max_len").parse().unwrap();
        assert!((256..=1 << 16).contains(&max_len), "{}: max_len {max_len}", path.display());
        // Wasmtime's traps are signals it handles itself (Wasmtime's own
        // OSS-Fuzz options); ASan must not take SIGILL (ud2 traps).
        for (key, value) in [("allow_user_segv_handler", "1"), ("handle_segv", "1"), ("handle_sigill", "0")] {
            assert_eq!(at(asan, key), value, "{}: {key}", path.display());
        }
        // Use-after-return detection costs `differential` about a sixth of
        // its execs/s (docs/benchmarks.md), but ClusterFuzz turns it on for
        // every ASan job and an [asan] key here would turn it off there.
        let uar = asan.get("detect_stack_use_after_return").map(String::as_str);
        assert!(!matches!(uar, Some("0" | "false")), "{}: keeps use-after-return detection", path.display());
        if matches!(*t, Target::Mutate | Target::Differential) {
            // Measured (docs/benchmarks.md): without hit counts `mutate`
            // ran 60.6 execs/s against 44.8 with, coverage higher;
            // `differential` reached more coverage in 10 minutes in every
            // pair measured, at fewer execs/s in most.
            assert_eq!(at(libfuzzer, "use_counters"), "0", "{}", path.display());
        }
        if let Some(dict) = libfuzzer.get("dict") {
            let dict = root().join("fuzz/options").join(dict);
            let text = std::fs::read_to_string(&dict).unwrap_or_else(|e| panic!("{}: {e}", dict.display()));
            let tokens = text.lines().filter(|l| !l.starts_with('#') && l.ends_with('"')).count();
            assert!(tokens > 10, "{}: {tokens} tokens", dict.display());
        }
    }
}

/// `trace_compares_args` of scripts/lib/build-flags.sh, with
/// `FUZZ_TRACE_COMPARES` set to `value` (or unset).
fn trace_compares_args(value: Option<&str>) -> String {
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c").arg(". scripts/lib/build-flags.sh; echo \"${trace_compares_args[*]}\"").current_dir(root());
    cmd.env_remove("FUZZ_TRACE_COMPARES");
    if let Some(v) = value {
        cmd.env("FUZZ_TRACE_COMPARES", v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn laptop_builds_leave_out_comparison_tracing_unless_asked() {
    assert_eq!(trace_compares_args(None), "--no-trace-compares");
    assert_eq!(trace_compares_args(Some("0")), "--no-trace-compares");
    assert_eq!(trace_compares_args(Some("1")), "");
    // Both scripts build with these flags, so the smoke's build is the one
    // scripts/fuzz.sh then runs (no second build).
    for script in ["scripts/fuzz.sh", "scripts/fuzz-smoke.sh"] {
        let text = std::fs::read_to_string(root().join(script)).unwrap();
        assert!(text.contains(". \"$root/scripts/lib/build-flags.sh\""), "{script} must source build-flags.sh");
        assert!(text.contains("\"${trace_compares_args[@]}\""), "{script} must pass trace_compares_args");
    }
}
