//! From a campaign to a filed-ready bug report, with no hand work: a fault
//! planted in Wasmtime that shows only at Cranelift's opt-level none is
//! found by `crosscheck fuzz`, and `crosscheck triage` reduces its findings
//! to one group with a module of a few instructions, a `.wast` that passes
//! on the reference and fails on the faulty engine, and a reproduce
//! command that works when pasted. Engines with settings in brackets are
//! read, printed and pinned on the way.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FAULTY: &str = "wasmtime+i32-result-bit-at-opt-none";

fn crosscheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck")).args(args).output().expect("binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crosscheck-triage-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// The value after `key` on the line that starts with it.
fn line_after<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_else(|| panic!("no {key:?} in:\n{text}")).trim()
}

/// A campaign of the `full` swarm profile: modules without GC or
/// exceptions, so without probe wrappers, whose structure (a `try_table`
/// per tag) the reducer keeps.
fn fuzz(engines: &str, artifacts: &Path) -> Output {
    let dir = artifacts.display().to_string();
    crosscheck(&[
        "fuzz",
        "--engines",
        engines,
        "--runs",
        "300",
        "--seed",
        "3",
        "--jobs",
        "1",
        "--swarm",
        "full",
        "--artifacts",
        &dir,
    ])
}

fn findings(artifacts: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(artifacts.join("differential"))
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join("plan").is_file()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Operators in a module's function bodies.
fn instructions(wasm: &[u8]) -> usize {
    let mut n = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
            let mut ops = body.get_operators_reader().unwrap();
            while !ops.eof() {
                ops.read().unwrap();
                n += 1;
            }
        }
    }
    n
}

#[test]
fn a_configuration_only_fault_is_found_reduced_and_reproduced() {
    // The fault is planted only at opt=none: pinning opt=speed hides it
    // from the same campaign (the pin overrides what each Case draws).
    let hidden = tmp("hidden");
    let o = fuzz(&format!("reference,wasmtime[opt=speed]+{}", FAULTY.split_once('+').unwrap().1), &hidden);
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(findings(&hidden).is_empty());

    let artifacts = tmp("found");
    let o = fuzz(&format!("reference,{FAULTY}"), &artifacts);
    assert_eq!(o.status.code(), Some(1), "{}{}", text(&o.stdout), text(&o.stderr));
    let found = findings(&artifacts);
    assert!(!found.is_empty(), "no finding with a plan under {}", artifacts.display());

    // The report's engine line, pasted into --engines with the input
    // bytes, gives the same Case: same signature, same configurations.
    let report = std::fs::read_to_string(found[0].join("report.txt")).unwrap();
    let line = line_after(&report, "engines as configured (paste into --engines):").trim_matches('\'');
    assert!(line.contains("opt=none"), "{line}");
    let input = found[0].join("input.bin").display().to_string();
    let o = crosscheck(&["repro", "differential", &input, "--engines", line]);
    assert_eq!(o.status.code(), Some(1));
    let again = text(&o.stdout);
    assert_eq!(line_after(&again, "signature:"), line_after(&report, "signature:"));
    assert_eq!(line_after(&again, "engines as configured (paste into --engines):").trim_matches('\''), line);

    // Triage: one group, a module of a handful of instructions.
    let dir = artifacts.display().to_string();
    let o = crosscheck(&["triage", &dir, "--attempts", "200"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", text(&o.stdout), text(&o.stderr));
    let index = std::fs::read_to_string(artifacts.join("triage.json")).unwrap();
    assert_eq!(index.matches("\"interest\":").count(), 1, "{index}");
    assert!(index.contains(FAULTY), "{index}");
    let md = std::fs::read_to_string(artifacts.join("TRIAGE.md")).unwrap();
    assert!(md.starts_with("# Triage"), "{md}");
    let reduced: PathBuf = std::fs::read_dir(artifacts.join("triage")).unwrap().next().unwrap().unwrap().path();
    let wasm = std::fs::read(reduced.join("case.wasm")).unwrap();
    let original = std::fs::read(found[0].join("case.wasm")).unwrap();
    assert!(instructions(&wasm) <= 5, "{} instructions left", instructions(&wasm));
    assert!(wasm.len() < original.len(), "{} -> {} bytes", original.len(), wasm.len());

    // The .wast passes on the reference, fails on the faulty engine as
    // configured, and passes on it where the fault does not fire.
    let wast = reduced.join("case.wast").display().to_string();
    let plan = std::fs::read_to_string(reduced.join("plan")).unwrap();
    let faulty = line_after(&plan, "engines").split_once(',').unwrap().1.to_string();
    assert!(faulty.starts_with("wasmtime[opt=none,"), "{faulty}");
    assert_eq!(crosscheck(&["wast", &wast, "--engine", "reference"]).status.code(), Some(0));
    let o = crosscheck(&["wast", &wast, "--engine", &faulty]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let speed = faulty.replace("opt=none", "opt=speed");
    assert_eq!(crosscheck(&["wast", &wast, "--engine", &speed]).status.code(), Some(0));

    // The reproduce command works when pasted into a shell.
    let shrink = std::fs::read_to_string(reduced.join("shrink.txt")).unwrap();
    let command = line_after(&shrink, "reproduce:");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_crosscheck")).parent().unwrap().display().to_string();
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    let o = Command::new("sh").arg("-c").arg(command).env("PATH", path).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{command}: {}", text(&o.stderr));
    assert!(text(&o.stdout).contains(&format!("signature: reference~{FAULTY}:result:i32")), "{}", text(&o.stdout));
    let _ = std::fs::remove_dir_all(&hidden);
    let _ = std::fs::remove_dir_all(&artifacts);
}

#[test]
fn engine_settings_reach_the_engine_and_bad_ones_are_one_line_errors() {
    let dir = tmp("settings");
    let wat = dir.join("m.wat");
    std::fs::write(&wat, r#"(module (func (export "f") (result i32) i32.const 7))"#).unwrap();
    let file = wat.display().to_string();
    let o = crosscheck(&[
        "run",
        &file,
        "--engines",
        "reference,wasmtime[opt=none,cpu=-avx,-sse4.1],wasmi[translation=lazy]",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("wasmtime[opt=none,regalloc=backtracking,cpu=-sse4.1,"), "{out}");
    assert!(out.contains("wasmi[translation=lazy]"), "{out}");
    for bad in
        ["wasmtime[opt=fast]", "wasmtime[colour=red]", "reference[opt=none]", "wasmtime[opt=none", "winch[signals=off]"]
    {
        let o = crosscheck(&["run", &file, "--engines", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert_eq!(text(&o.stderr).trim().lines().count(), 1, "{bad}: {}", text(&o.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_engine_crash_under_run_is_a_crash_report() {
    // A module the planted crash fault fires on (one in 40, by digest).
    let wat = (0..10_000)
        .map(|n| format!(r#"(module (func (export "f") (result i32) i32.const {n}))"#))
        .find(|w| crosscheck::oracles::observation::digest(&wat::parse_str(w).unwrap()).is_multiple_of(40))
        .expect("a module the fault fires on");
    let dir = tmp("run-crash");
    let file = dir.join("m.wat");
    std::fs::write(&file, wat).unwrap();
    let o = crosscheck(&["run", &file.display().to_string(), "--engines", "reference,wasmtime+crash"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("verdict: CRASH") && out.contains("signature: crash "), "{out}");
    assert!(text(&o.stderr).contains("planted crash fault fires"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `crosscheck fuzz single_inst` with `fault` planted in Wasmtime finds
/// `instruction`, reduces the finding, and the reduced Case replays with
/// the exact judge's signature; its regression script passes on the
/// reference and on Wasmtime without the fault.
fn single_inst_finding_is_reduced_keeping(fault: &str, instruction: &str, runs: &str) {
    let artifacts = tmp(&format!("single-inst-{fault}"));
    let dir = artifacts.display().to_string();
    let engines = format!("reference,wasmtime+{fault}");
    let o = crosscheck(&[
        "fuzz",
        "single_inst",
        "--engines",
        &engines,
        "--runs",
        runs,
        "--seed",
        "1",
        "--jobs",
        "1",
        "--artifacts",
        &dir,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let bug = line_after(&out, "  bug           ");
    assert!(bug.starts_with(&format!("{instruction}:reference~wasmtime+{fault}:")), "{out}");
    assert!(bug.contains("reduced to"), "{out}");
    let finding: PathBuf = std::fs::read_dir(artifacts.join("single_inst"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("shrunk").is_dir())
        .expect("a reduced finding");
    let (before, after) = (finding.join("case.wasm"), finding.join("shrunk").join("case.wasm"));
    assert!(std::fs::metadata(after).unwrap().len() < std::fs::metadata(before).unwrap().len());
    // The reduced Case still replays with the exact judge's signature.
    let o = crosscheck(&["repro", "single_inst", &finding.join("shrunk").display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains(&format!("signature: {instruction}:")), "{}", text(&o.stdout));
    let script = finding.join("shrunk").join("case.wast").display().to_string();
    for engine in ["reference", "wasmtime"] {
        let o = crosscheck(&["wast", &script, "--engine", engine]);
        assert_eq!(o.status.code(), Some(0), "{script} on {engine}: {}", text(&o.stdout));
    }
    let _ = std::fs::remove_dir_all(&artifacts);
}

#[test]
fn fuzz_triage_reduces_a_single_inst_finding_keeping_its_instruction() {
    single_inst_finding_is_reduced_keeping("q15mulr-lane", "i16x8.q15mulr_sat_s", "3000");
}

/// The same for a reference instruction, whose operands are made in the
/// module from the i32s its dispatcher `k` feeds them as constants.
#[test]
fn fuzz_triage_reduces_a_reference_instruction_finding() {
    single_inst_finding_is_reduced_keeping("i31-get-s-unsigned", "i31.get_s", "3000");
}

#[test]
fn a_relaxed_simd_regression_script_allows_every_choice_the_spec_does() {
    let artifacts = tmp("relaxed");
    let dir = artifacts.display().to_string();
    let o = crosscheck(&[
        "fuzz",
        "single_inst",
        "--engines",
        "reference,wasmtime+relaxed-choice-flip",
        "--runs",
        "1000",
        "--seed",
        "1",
        "--jobs",
        "1",
        "--artifacts",
        &dir,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let scripts: Vec<PathBuf> = std::fs::read_dir(artifacts.join("single_inst"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path().join("shrunk").join("case.wast"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|s| s.contains("(either ")))
        .collect();
    assert!(!scripts.is_empty(), "no reduced relaxed-SIMD finding with an `either` under {dir}");
    for script in &scripts {
        let s = script.display().to_string();
        for engine in ["reference", "wasmtime", "wasmi"] {
            let o = crosscheck(&["wast", &s, "--engine", engine]);
            assert_eq!(o.status.code(), Some(0), "{s} on {engine}: {}", text(&o.stdout));
        }
    }
    let _ = std::fs::remove_dir_all(&artifacts);
}

#[test]
fn a_hand_written_case_folder_replays_shrinks_and_locates_the_instruction() {
    // The documented wasmi bug as a Case folder written by hand, in the
    // documented plan format: replayed on its own engines, reduced, and
    // located at the `select` wasmi gets wrong.
    let dir = tmp("hand-written");
    let wat = std::fs::read_to_string("corpus/regressions/wasmi-select-eqz-ignores-operand.wat").unwrap();
    std::fs::write(dir.join("case.wasm"), wat::parse_str(&wat).unwrap()).unwrap();
    std::fs::write(
        dir.join("plan"),
        "crosscheck-plan 1\norigin differential\nengines reference,wasmi[translation=lazy]\n\
         features sign-extension,multi-value\ndeterminism canonicalize-nans=false relaxed-simd=false\n\
         call \"f\" i32:0x00000005\n",
    )
    .unwrap();
    let d = dir.display().to_string();
    let o = crosscheck(&["repro", "differential", &d]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("wasmi[translation=lazy] (wasmi "), "{}", text(&o.stdout));
    let o = crosscheck(&["shrink", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(line_after(&out, "located: first differing result at").contains("Select"), "{out}");
    // A plan of another format version is refused, not misread.
    let plan = std::fs::read_to_string(dir.join("plan")).unwrap();
    std::fs::write(dir.join("plan"), plan.replace("crosscheck-plan 1", "crosscheck-plan 2")).unwrap();
    let o = crosscheck(&["repro", "differential", &d]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr).trim().lines().count(), 1, "{}", text(&o.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn several_planted_faults_at_once_give_one_group_per_fault() {
    // Three faults, each in its own engine; each shows through several
    // signatures (a global of each type, several trap kinds), all of which
    // are one bug.
    let faults = ["wasmtime+i32-result-bit", "wasmi+trap-kind", "pulley+global-bit"];
    let artifacts = tmp("several");
    let dir = artifacts.display().to_string();
    let engines = format!("reference,{}", faults.join(","));
    let o = crosscheck(&[
        "fuzz",
        "--engines",
        &engines,
        "--runs",
        "300",
        "--seed",
        "3",
        "--jobs",
        "1",
        "--artifacts",
        &dir,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let found = findings(&artifacts);
    let signatures: std::collections::BTreeSet<String> =
        found.iter().map(|f| std::fs::read_to_string(f.join("signature.txt")).unwrap()).collect();
    assert!(signatures.len() > faults.len(), "too few signatures to test the grouping: {signatures:?}");
    let o = crosscheck(&["triage", &dir, "--attempts", "100"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", text(&o.stdout), text(&o.stderr));
    let index = std::fs::read_to_string(artifacts.join("triage.json")).unwrap();
    let bugs: Vec<&str> =
        index.lines().filter_map(|l| l.split("\"bug\": \"").nth(1)).map(|b| b.split('"').next().unwrap()).collect();
    assert_eq!(bugs.len(), faults.len(), "{index}");
    for fault in faults {
        assert_eq!(bugs.iter().filter(|b| b.contains(&format!("~{fault}:"))).count(), 1, "{fault}: {bugs:?}");
    }
    assert_eq!(index.matches("\"reduced\": null").count(), 0, "{index}");
    let md = std::fs::read_to_string(artifacts.join("TRIAGE.md")).unwrap();
    assert!(md.contains("3 distinct bug(s)"), "{md}");
    let _ = std::fs::remove_dir_all(&artifacts);
}
