//! The `crosscheck` binary as a user runs it: exit codes, one-line errors
//! on bad input, reports, the fuzz loop surviving an engine crash.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crosscheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck")).args(args).output().expect("binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crosscheck-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A number from the summary line starting with `label`.
fn summary_number(out: &str, label: &str) -> u64 {
    let line = out.lines().find_map(|l| l.trim().strip_prefix(label)).unwrap_or_else(|| panic!("no {label} in {out}"));
    line.split_whitespace().next().unwrap().parse().unwrap()
}

fn assert_bad_input(o: &Output, mentions: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(mentions), "{err}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let d = tmp("bad");
    assert_bad_input(&crosscheck(&["run", &write(&d, "corrupt.wasm", b"\0asm\x01\0\0\0\x01\xff")]), "corrupt.wasm");
    assert_bad_input(&crosscheck(&["run", &write(&d, "syntax.wat", b"(module (func (i32.add")]), "syntax.wat");
    assert_bad_input(
        &crosscheck(&["run", &write(&d, "invalid.wat", b"(module (func (result i32)))")]),
        "invalid module",
    );
    assert_bad_input(&crosscheck(&["repro", "differential", &write(&d, "empty.bin", b"")]), "empty input file");
    assert_bad_input(&crosscheck(&["repro", "nosuchtarget", &write(&d, "x.bin", b"x")]), "unknown target");
    assert_bad_input(&crosscheck(&["run", &d.join("missing.wasm").display().to_string()]), "missing.wasm");
    assert_bad_input(&crosscheck(&["fuzz", "--engines", "wasmtime,nosuch", "--runs", "1"]), "unknown engine");
    let ok = write(&d, "ok.wat", b"(module (func (export \"f\") (param i32) (result i32) local.get 0))");
    assert_bad_input(&crosscheck(&["run", &ok, "--args", "f=i64:1"]), "takes (i32)");
    assert_bad_input(&crosscheck(&["run", &ok, "--args", "f=i32:zzz"]), "bad argument");
    let long_line = crosscheck(&["run", &write(&d, "zeros.wat", &[0; 100_000])]);
    assert_bad_input(&long_line, "zeros.wat: unexpected character");
    assert!(stderr(&long_line).len() < 1_000, "the whole line quoted: {} bytes", stderr(&long_line).len());
    let long_wast =
        [b"(module (func (result i32) i32.const 0 (;".as_slice(), &[b'x'; 100_000], b";) i32.nope))"].concat();
    let long_wast = crosscheck(&["wast", &write(&d, "long.wast", &long_wast)]);
    assert_bad_input(&long_wast, "long.wast: cannot parse script");
    assert!(stderr(&long_wast).len() < 1_000, "the whole line quoted: {} bytes", stderr(&long_wast).len());
    let binary = crosscheck(&["wast", &write(&d, "binary.wast", b"\0asm\xff\xfe")]);
    assert_bad_input(&binary, "binary.wast: stream did not contain valid UTF-8");
    assert_eq!(stderr(&binary).matches("UTF-8").count(), 1, "said twice: {}", stderr(&binary));
}

#[test]
fn run_agrees_on_a_correct_module_and_prints_the_table() {
    let d = tmp("run");
    let f = write(&d, "m.wat", b"(module (func (export \"neg\") (param f64) (result f64) (f64.neg (local.get 0))))");
    let o = crosscheck(&["run", &f, "--args", "neg=f64:0x7ff0000000000001"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("verdict: agree"), "{out}");
    // Every default engine shows the bit-exact negated signalling NaN.
    let engines = crosscheck_oracles::registry::default_engines().len();
    assert_eq!(out.matches("(0xfff0000000000001)").count(), engines, "{out}");
}

#[test]
fn run_exits_1_on_the_documented_wasmi_bug() {
    let o = crosscheck(&["run", "corpus/regressions/wasmi-select-eqz-ignores-operand.wat", "--args", "f=i32:5"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("known engine bug: wasmi-select-eqz-ignores-operand"), "{out}");
    assert!(out.contains("<<< first difference"), "{out}");
}

#[test]
fn fuzz_runs_writes_a_summary_and_catches_a_planted_fault() {
    let art = tmp("fuzz-fault");
    let a = art.display().to_string();
    let o = crosscheck(&[
        "fuzz",
        "--runs",
        "300",
        "--seed",
        "5",
        "--engines",
        "wasmi,wasmtime+i32-result-bit",
        "--artifacts",
        &a,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(summary_number(&out, "execs"), 300, "{out}");
    assert!(out.contains("execs/s"), "{out}");
    // Each new finding was reduced in the background (the default): the
    // summary lists the distinct bug with its reduced size.
    assert!(out.contains("  bug           wasmi~wasmtime+i32-result-bit:result — 1 finding(s), reduced to "), "{out}");
    let dirs: Vec<_> = std::fs::read_dir(art.join("differential")).unwrap().flatten().map(|e| e.path()).collect();
    let finding = dirs.iter().find(|d| !crosscheck::artifacts::is_known_bug(d)).expect("a finding");
    for f in ["input.bin", "case.wasm", "case.wat", "report.txt", "signature.txt", "found-after.txt"] {
        assert!(finding.join(f).exists(), "{f} missing in {}", finding.display());
    }
    // When it came: seconds and Cases before it, also in the summary.
    let found = std::fs::read_to_string(finding.join("found-after.txt")).unwrap();
    let cases: u64 = found.lines().find_map(|l| l.strip_prefix("cases ")).unwrap().parse().unwrap();
    assert!(cases < 300, "{found}");
    assert!(out.contains(&format!(", {cases} Cases)")), "{out}");
    // The input replays to the same divergence.
    let input = finding.join("input.bin").display().to_string();
    let r = crosscheck(&["repro", "differential", &input, "--engines", "wasmi,wasmtime+i32-result-bit"]);
    assert_eq!(r.status.code(), Some(1));
    let sig = std::fs::read_to_string(finding.join("signature.txt")).unwrap();
    assert!(stdout(&r).contains(sig.trim()), "{}", stdout(&r));
    // And agrees without the fault.
    let r = crosscheck(&["repro", "differential", &input, "--engines", "wasmi,wasmtime"]);
    assert_eq!(r.status.code(), Some(0), "{}", stdout(&r));
}

#[test]
fn an_engine_crash_is_a_finding_and_the_campaign_goes_on() {
    let art = tmp("fuzz-crash");
    let a = art.display().to_string();
    let o = crosscheck(&[
        "fuzz",
        "--runs",
        "400",
        "--seed",
        "9",
        "--engines",
        "wasmtime,wasmtime+crash",
        "--artifacts",
        &a,
        "--no-triage",
    ]);
    let out = stdout(&o);
    assert!(!out.contains("distinct bugs"), "{out}");
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(summary_number(&out, "crashes") >= 1, "{out}");
    // The campaign went on after the crash to its full budget.
    assert!(summary_number(&out, "execs") >= 400, "{out}");
    let crash = std::fs::read_dir(art.join("differential"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("crash-"))
        .expect("a crash folder");
    let report = std::fs::read_to_string(crash.join("report.txt")).unwrap();
    assert!(report.contains("planted crash fault fires"), "{report}");
    // Replaying the saved input crashes again (killed by SIGABRT: no exit code).
    let input = crash.join("input.bin").display().to_string();
    let r = crosscheck(&["repro", "differential", &input, "--engines", "wasmtime,wasmtime+crash"]);
    assert_eq!(r.status.code(), None, "{}", stdout(&r));
}

/// An engine that cannot run a Case (here a planted adapter failure
/// whose message changes from Case to Case) gives no verdict, but the Case
/// is filed under `engine-failure/`, one folder for the kind, named in the
/// summary, and replays from its folder with the failure in the report.
#[test]
fn a_case_an_engine_could_not_run_is_filed_apart_and_replays() {
    let art = tmp("fuzz-engine-failure");
    let a = art.display().to_string();
    let engines = "reference,wasmi+lost-reply";
    // With background triage (the default): the folder is reduced too.
    let o = crosscheck(&["fuzz", "--runs", "60", "--seed", "4", "--engines", engines, "--artifacts", &a]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "no divergence, no finding: {out}{}", stderr(&o));
    let findings = std::fs::read_dir(art.join("differential")).map_or(0, |d| d.count());
    assert_eq!(findings, 0, "{out}");
    let folders: Vec<PathBuf> =
        std::fs::read_dir(art.join("engine-failure")).expect("engine-failure/").flatten().map(|e| e.path()).collect();
    assert_eq!(folders.len(), 1, "one kind of failure, one folder: {folders:?}");
    let dir = &folders[0];
    let signature = std::fs::read_to_string(dir.join("signature.txt")).unwrap();
    assert_eq!(
        signature.trim(),
        "engine-failure:wasmi+lost-reply:call #N: no reply to the call of \"…\" with N arguments"
    );
    // Every Case the engine failed on is counted: the first saved, the
    // others its duplicates.
    let line = out.lines().find(|l| l.contains("pairs left out")).unwrap_or_else(|| panic!("{out}"));
    let failed: u64 = line
        .split("engine-failure ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(line.contains(&format!("engine-failure {failed} (wasmi+lost-reply {failed})")), "{line}");
    let duplicates: u64 = std::fs::read_to_string(dir.join("duplicates")).map_or(0, |d| d.trim().parse().unwrap());
    assert!(failed >= 2, "{line}");
    assert_eq!(duplicates + 1, failed, "{out}");
    let shrunk = dir.join("shrunk");
    let reduced = std::fs::metadata(shrunk.join("case.wasm")).map(|m| m.len()).unwrap_or_else(|_| panic!("{out}"));
    let listed = format!("engine failed {} ({}), reduced to {reduced} bytes: ", dir.display(), signature.trim());
    assert!(out.contains(&listed), "{out}");
    assert!(out.contains("distinct bugs 0 from 0 new findings"), "an engine failure is no finding: {out}");
    // Reduced while the same engine keeps failing the same way: the
    // baseline and that engine, one call, a smaller module.
    let original = std::fs::metadata(dir.join("case.wasm")).unwrap().len();
    assert!(reduced < original, "{reduced} of {original} bytes");
    let plan = std::fs::read_to_string(shrunk.join("plan")).unwrap();
    assert_eq!(plan.lines().filter(|l| l.starts_with("call ")).count(), 1, "{plan}");
    assert!(plan.contains("engines reference,wasmi[translation=eager]+lost-reply\n"), "{plan}");
    let r = crosscheck(&["repro", "differential", &shrunk.display().to_string()]);
    assert!(stdout(&r).contains(&format!("signature: {}  (id ", signature.trim())), "{}", stdout(&r));
    let report = std::fs::read_to_string(dir.join("report.txt")).unwrap();
    assert!(report.contains(&format!("reproduce: crosscheck repro differential {}", dir.display())), "{report}");
    // The folder replays, the failure named.
    let r = crosscheck(&["repro", "differential", &dir.display().to_string()]);
    assert!(
        stdout(&r).contains("inconclusive: engine-failure on wasmi+lost-reply: call #"),
        "{}{}",
        stdout(&r),
        stderr(&r)
    );
    // The same Case on the engine without its fault: as after a fix.
    let fixed = art.join("fixed");
    std::fs::create_dir_all(&fixed).unwrap();
    for f in ["case.wasm", "plan"] {
        std::fs::copy(dir.join(f), fixed.join(f)).unwrap();
    }
    let plan = std::fs::read_to_string(fixed.join("plan")).unwrap().replace("+lost-reply", "");
    std::fs::write(fixed.join("plan"), plan).unwrap();
    // `triage` gives the failure a section of its own and reduces it, and
    // says why the other is not interesting.
    let t = crosscheck(&["triage", &a]);
    let triage = std::fs::read_to_string(art.join("TRIAGE.md")).unwrap_or_else(|_| panic!("{}", stderr(&t)));
    assert_eq!(t.status.code(), Some(1), "a bug listed: {}", stderr(&t));
    assert!(triage.contains(&format!("## 1. {}\n", signature.trim())), "{triage}");
    assert!(triage.contains("No verdict: an engine could not run these Cases"), "{triage}");
    assert!(triage.contains(&format!("- `{}`: {}", dir.display(), signature.trim())), "{triage}");
    assert!(!triage.contains("Not reduced"), "{triage}");
    assert!(triage.contains(&format!("- `{}`: agree\n", fixed.display())), "{triage}");
    // Without the fault, nothing is filed apart.
    let clean = tmp("fuzz-engine-failure-clean");
    let c = clean.display().to_string();
    let o = crosscheck(&[
        "fuzz",
        "--runs",
        "60",
        "--seed",
        "4",
        "--engines",
        "reference,wasmi",
        "--artifacts",
        &c,
        "--no-triage",
    ]);
    assert!(!clean.join("engine-failure").exists(), "{}", stdout(&o));
}

/// A `mutate` campaign names each new mutator divergence in its summary,
/// with its signature, and the exit code counts one not traced to a
/// documented wasm-mutate bug as a finding (here, seed 7's first 800
/// recipes make the documented float-identity one: exit 0).
#[test]
fn fuzz_mutate_names_its_mutator_divergences() {
    let art = tmp("fuzz-mutator-divergence");
    let a = art.display().to_string();
    let o = crosscheck(&[
        "fuzz",
        "mutate",
        "--runs",
        "800",
        "--seed",
        "7",
        "--jobs",
        "1",
        "--engines",
        "reference",
        "--artifacts",
        &a,
        "--no-triage",
    ]);
    let out = stdout(&o);
    let dirs: Vec<PathBuf> = std::fs::read_dir(art.join("mutate-oracle"))
        .unwrap_or_else(|_| panic!("no mutator divergence in 800 recipes: {out}"))
        .flatten()
        .map(|e| e.path())
        .collect();
    let mut untraced = 0;
    for d in &dirs {
        let signature = std::fs::read_to_string(d.join("signature.txt")).unwrap();
        assert!(out.contains(&format!("mutator diverged {} ({})", d.display(), signature.trim())), "{out}");
        untraced += usize::from(!signature.starts_with("known-bug:"));
    }
    assert_eq!(o.status.code(), Some(i32::from(untraced > 0)), "{out}");
}

/// A mutator fault planted through `$CROSSCHECK_MUTATOR_FAULT` (a last
/// step turning `i32.add` into `i32.sub` while claiming to preserve
/// semantics) reaches `crosscheck fuzz`'s workers: the campaign names the
/// mutator divergences, saves them apart, and exits 1; a saved folder's
/// reproduce line carries the variable and replays the divergence, and
/// without it the same input gives the unfaulted chain. A wrong value is
/// the user's mistake: exit 2.
#[test]
fn a_planted_mutator_fault_is_caught_by_the_fuzz_loop() {
    let art = tmp("fuzz-mutator-fault");
    let a = art.display().to_string();
    let fuzz = |fault: &str| {
        Command::new(env!("CARGO_BIN_EXE_crosscheck"))
            .args(["fuzz", "mutate", "--runs", "300", "--seed", "7", "--jobs", "1", "--engines", "reference"])
            .args(["--artifacts", &a, "--no-triage"])
            .env("CROSSCHECK_MUTATOR_FAULT", fault)
            .output()
            .expect("binary runs")
    };
    let o = fuzz("add-to-sub");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", String::from_utf8_lossy(&o.stderr));
    let planted: Vec<PathBuf> = std::fs::read_dir(art.join("mutate-oracle"))
        .unwrap_or_else(|_| panic!("no mutator divergence: {out}"))
        .flatten()
        .map(|e| e.path())
        .filter(|d| std::fs::read_to_string(d.join("signature.txt")).unwrap().contains("AddToSub"))
        .collect();
    let dir = planted.first().unwrap_or_else(|| panic!("no planted step diverged: {out}"));
    let signature = std::fs::read_to_string(dir.join("signature.txt")).unwrap();
    assert!(out.contains(&format!("mutator diverged {} ({})", dir.display(), signature.trim())), "{out}");
    let report = std::fs::read_to_string(dir.join("report.txt")).unwrap();
    assert!(report.contains("CROSSCHECK_MUTATOR_FAULT=add-to-sub crosscheck repro mutate"), "{report}");

    let input = dir.join("input.bin").display().to_string();
    let repro = |fault: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
        c.args(["repro", "mutate", &input, "--engines", "reference"]);
        match fault {
            Some(f) => c.env("CROSSCHECK_MUTATOR_FAULT", f),
            None => c.env_remove("CROSSCHECK_MUTATOR_FAULT"),
        };
        c.output().expect("binary runs")
    };
    let o = repro(Some("add-to-sub"));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("MUTATOR DIVERGENCE") && stdout(&o).contains("AddToSub"), "{}", stdout(&o));
    let o = repro(None);
    assert!(!stdout(&o).contains("AddToSub") && !stdout(&o).contains("MUTATOR DIVERGENCE"), "{}", stdout(&o));

    let o = fuzz("flip-everything");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("CROSSCHECK_MUTATOR_FAULT"), "{:?}", o);
}

/// `crosscheck run` on the corpus's Wasm 3.0 modules: every engine with
/// the proposals agrees. GC globals and escaping exceptions go through the
/// probe wrappers, as in a Case (without them, the reference's null struct
/// reference in an exported global was "missing" on every other engine).
#[test]
fn wasm3_modules_run_through_probe_wrappers_and_agree() {
    let mut engines = String::from("reference,wasmtime,pulley");
    if crosscheck_oracles::v8::node().is_ok() {
        engines += ",v8,v8-liftoff";
    }
    for (name, args) in [
        ("gc_structs", &["list_sum=i32:9", "pop=i32:3", "pop=i32:30", "area=i32:3,f64:1.5"][..]),
        ("exceptions", &["escape=i32:-3", "escape=i32:4", "catch=i32:6", "rethrow=i32:-1"][..]),
        ("func_refs", &["apply=i32:3,i32:1,i32:2", "slot=i32:9", "sum_to=i32:100"][..]),
    ] {
        let path = format!("corpus/mutate/{name}.wat");
        let mut argv = vec!["run", path.as_str(), "--engines", engines.as_str()];
        for a in args {
            argv.extend(["--args", a]);
        }
        let o = crosscheck(&argv);
        assert_eq!(o.status.code(), Some(0), "{name}: {}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("verdict: agree"), "{}", stdout(&o));
    }
}

#[test]
fn engines_lists_every_engine() {
    let out = stdout(&crosscheck(&["engines"]));
    for e in ["wasmtime", "winch", "pulley", "wasmi"] {
        assert!(out.lines().any(|l| l.starts_with(e) && l.contains("available")), "{out}");
    }
}

#[test]
fn known_engine_crashes_are_recognized_from_their_panic() {
    let o = crosscheck(&["run", "corpus/regressions/wasmi-store-tee-panic.wat", "--engines", "wasmi"]);
    // `run` runs its engines in a child process: the panic is a crash report, exit 3.
    assert_eq!(o.status.code(), Some(3), "wasmi 2.0.0 no longer panics here: update docs/findings");
    let sig = crosscheck::artifacts::crash_signature(&stderr(&o), &o.status.to_string());
    assert_eq!(sig, "known-bug:wasmi-store-tee-panic");
    assert!(stdout(&o).contains("signature: crash known-bug:wasmi-store-tee-panic"), "{}", stdout(&o));
    // Wasmtime compiles and runs the same module.
    let o = crosscheck(&["run", "corpus/regressions/wasmi-store-tee-panic.wat", "--engines", "wasmtime,pulley"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// docs/findings/winch-table-copy-lazy-value-below.md: a signal, not a
/// panic, so no known-bug entry can name it; the test keeps it in sight.
#[test]
fn winch_table_copy_over_a_local_crashes_the_process() {
    let file = "corpus/regressions/winch-table-copy-lazy-value-below.wat";
    let o = crosscheck(&["run", file, "--engines", "reference,winch", "--args", "f=i32:7"]);
    assert_eq!(o.status.code(), Some(3), "Winch no longer crashes here: update docs/findings\n{}", stdout(&o));
    assert!(stdout(&o).contains("signature: crash signal: 11 (SIGSEGV)"), "{}", stdout(&o));
    // Named as the documented crash whose trigger the module has.
    assert!(stdout(&o).contains("trigger of known-bug:winch-table-copy-lazy-value-below"), "{}", stdout(&o));
    // The other Wasmtime strategies and wasmi return the operand beneath.
    let o = crosscheck(&["run", file, "--engines", "reference,wasmtime,pulley,wasmi", "--args", "f=i32:7"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("verdict: agree"), "{}", stdout(&o));
}

/// `repro` runs Winch on it all the same (the crash reproduces), and says
/// which documented crash to expect before the process dies.
#[test]
fn repro_names_the_documented_fatal_crash_before_running_it() {
    let dir = tmp("fatal-repro");
    let wasm = dir.join("table-copy.wasm");
    std::fs::write(&wasm, wat::parse_file("corpus/regressions/winch-table-copy-lazy-value-below.wat").unwrap())
        .unwrap();
    let o = crosscheck(&["repro", "validate", wasm.to_str().unwrap(), "--engines", "reference,winch"]);
    assert!(stderr(&o).contains("trigger of known-bug:winch-table-copy-lazy-value-below"), "{}", stderr(&o));
    assert_eq!(o.status.code(), None, "Winch no longer crashes here: update docs/findings\n{}", stdout(&o));
    let o = crosscheck(&["repro", "validate", wasm.to_str().unwrap(), "--engines", "reference,wasmtime"]);
    assert!(!stderr(&o).contains("known-bug"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_worker_reports_its_counters_right_after_each_finding() {
    // Were the counters held back until the next timed report, a worker
    // that crashed in between would take the finding's count with it.
    let art = tmp("worker-counts");
    let inflight = art.join("inflight");
    let (a, i) = (art.display().to_string(), inflight.display().to_string());
    let o = crosscheck(&[
        "worker",
        "differential",
        "--engines",
        "reference,wasmi+i32-result-bit",
        "--seed",
        "3",
        "--runs",
        "60",
        "--max-len",
        "4096",
        "--artifacts",
        &a,
        "--inflight",
        &i,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let mut findings = 0;
    for (n, line) in lines.iter().enumerate() {
        if line.starts_with("finding ") {
            findings += 1;
            let next = lines.get(n + 1).copied().unwrap_or("");
            let diverge: u64 = next
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix("diverge="))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no counters right after {line:?}: {next:?}"));
            assert!(diverge >= findings, "{next}");
        }
    }
    assert!(findings > 0, "the planted fault gave no finding: {out}");
}

/// `selftest` runs a GC fault through both of its targets and counts it
/// caught when one catches it; a fault neither catches (a budget of one
/// Case) fails the run with its name.
#[test]
fn selftest_counts_a_gc_fault_caught_by_either_target() {
    let out = crosscheck(&["selftest", "--only", "exception-wrong-handler", "--seed", "3"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("exception-wrong-handler")).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert!(rows[0].contains("differential") && rows[1].contains("mutate"), "{stdout}");
    assert!(stdout.contains("selftest: every planted fault detected"), "{stdout}");
    let out = crosscheck(&["selftest", "--only", "exception-wrong-handler", "--seed", "3", "--budget", "1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("selftest: 1 planted fault(s) undetected: exception-wrong-handler"), "{stdout}");
}
