//! The commands whose work is more than one call into the library:
//! replaying and shrinking Case folders, batch triage, and `run`'s child
//! process (so an engine crash is a report).

use anyhow::{Context, bail};
use crosscheck::engines::EngineSet;
use crosscheck::target::Target;
use crosscheck::triage;
use std::path::Path;
use std::process::ExitCode;

/// Set in the child process `crosscheck run` runs its engines in.
pub const RUN_CHILD: &str = "CROSSCHECK_RUN_CHILD";

/// `crosscheck run` as `fuzz` runs its engines: in a child process (this
/// command line again), so an engine that aborts the process gives a crash
/// report (its signature from the child's stderr, as fuzz's crash folders
/// have it) and exit code 3 instead of killing crosscheck silently. A
/// signal is named as a documented crash ([`triage::fatal`]) when one of
/// `engines` has one whose trigger the module has.
pub fn run_supervised(file: &Path, engines: &[String]) -> ExitCode {
    let child = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(RUN_CHILD, "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::inherit())
            .stderr(std::process::Stdio::piped())
            .output()
    });
    let out = match child {
        Ok(out) => out,
        Err(e) => {
            eprintln!("crosscheck: error: cannot start the engines' process: {e}");
            return ExitCode::from(2);
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprint!("{stderr}");
    match out.status.code() {
        Some(code @ 0..=2) => ExitCode::from(code as u8),
        _ => {
            let status = out.status.to_string();
            let signature = crosscheck::artifacts::crash_signature(&stderr, &status);
            println!("crosscheck report — {}", file.display());
            println!("verdict: CRASH");
            println!("signature: crash {signature}");
            println!("an engine took the process down ({status}); its stderr is above");
            let wasm = crosscheck::run::read_module(file).unwrap_or_default();
            for bug in engines.iter().filter_map(|e| triage::fatal_crash_for(e, &wasm)) {
                println!(
                    "the module has the trigger of known-bug:{} ({}), a crash of {}",
                    bug.name, bug.doc, bug.engine
                );
            }
            ExitCode::from(3)
        }
    }
}

/// Reads a Case folder (a finding: case.wasm + plan).
pub fn read_case_dir(dir: &Path) -> anyhow::Result<crosscheck::case_file::SavedCase> {
    if !crosscheck::case_file::is_case_dir(dir) {
        bail!(
            "{}: not a Case folder (no plan and case.wasm: findings saved before plan files cannot be replayed as folders; pass their input.bin)",
            dir.display()
        );
    }
    Ok(crosscheck::case_file::read(dir)?)
}

/// Writes a module as .wasm, or as .wat by the extension.
pub fn write_module(path: &Path, wasm: &[u8]) -> anyhow::Result<()> {
    let bytes = if path.extension().is_some_and(|e| e == "wat") {
        wasmprinter::print_bytes(wasm)?.into_bytes()
    } else {
        wasm.to_vec()
    };
    std::fs::write(path, bytes).with_context(|| format!("{}", path.display()))
}

/// Shrinks a Case into the folder `out` (case.wasm, case.wat, plan,
/// report.txt) and prints what it took and how to reproduce it.
pub fn shrink_case_dir(
    saved: crosscheck::case_file::SavedCase,
    t: Target,
    attempts: u32,
    out: &Path,
    emit_wast: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let scratch = std::env::temp_dir().join(format!("crosscheck-shrink-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let runner = triage::shrink::CaseRunner {
        exe: std::env::current_exe()?,
        target: t.name().into(),
        scratch: scratch.clone(),
        timeout: triage::shrink::CANDIDATE_TIMEOUT,
    };
    let result = triage::shrink::shrink_case(saved, &runner, attempts);
    let _ = std::fs::remove_dir_all(&scratch);
    let shrunk = result?;
    // Every file first, then what is printed.
    let written = triage::shrink::write_shrunk(out, t, &shrunk)?;
    // Where in the called function it starts (divergences only: a crash
    // would take this process down).
    let located = match shrunk.interest {
        triage::shrink::Interest::Divergence(_) => triage::replay::replay(&shrunk.after, None)
            .ok()
            .and_then(|checked| triage::locate::locate(&shrunk.after, &checked)),
        triage::shrink::Interest::Crash(_) | triage::shrink::Interest::EngineFailure(_) => None,
    };
    if let Some(l) = &located {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new().append(true).open(out.join("shrink.txt"))?;
        writeln!(f, "located: {l}")?;
    }
    let observation = triage::wast_emit::reference_observation(&shrunk.after)?;
    let mut scripts = Vec::new();
    match triage::wast_emit::script(&shrunk.after, &observation) {
        Ok(script) => {
            std::fs::write(out.join("case.wast"), &script)?;
            scripts.push(out.join("case.wast"));
            if let Some(path) = emit_wast {
                std::fs::write(path, &script).with_context(|| format!("{}", path.display()))?;
                scripts.push(path.to_path_buf());
            }
        }
        Err(e) if emit_wast.is_some() => bail!("no .wast: {e}"),
        Err(e) => eprintln!("crosscheck: no .wast: {e}"),
    }
    println!("{}: still {}; {}", out.display(), shrunk.interest, shrunk.summary());
    println!("reproduce: {}", written.reproduce);
    if let Some(l) = &located {
        println!("located: first differing result at {l}");
    }
    for path in scripts {
        println!("regression script: {}", path.display());
    }
    print!("{}", written.wat);
    Ok(ExitCode::SUCCESS)
}

/// `crosscheck triage DIR`: replays, groups and reduces (see
/// [`triage::batch`]), writes `TRIAGE.md` and `triage.json`, prints a line
/// per distinct bug.
pub fn triage(dir: &Path, t: Target, engines: Vec<String>, attempts: u32) -> anyhow::Result<ExitCode> {
    if !dir.is_dir() {
        bail!("{}: not a folder", dir.display());
    }
    EngineSet::defaults(&engines)?;
    let opts =
        triage::batch::TriageOptions { exe: std::env::current_exe()?, target: t.name().into(), engines, attempts };
    let result = triage::batch::triage(dir, &opts, |line| eprintln!("crosscheck triage: {line}"))?;
    std::fs::write(dir.join("TRIAGE.md"), triage::batch::markdown(&result, dir))?;
    std::fs::write(dir.join("triage.json"), triage::batch::json(&result))?;
    for g in &result.groups {
        let size = g
            .reduced
            .as_ref()
            .and_then(|r| std::fs::metadata(r.join("case.wasm")).ok())
            .map_or_else(|| "not reduced".to_string(), |m| format!("reduced to {} bytes", m.len()));
        println!("{} finding(s): {} — {size}", g.items.len(), g.key);
    }
    println!(
        "{} distinct bug(s); written {} and {}",
        result.groups.len(),
        dir.join("TRIAGE.md").display(),
        dir.join("triage.json").display()
    );
    Ok(if result.groups.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
