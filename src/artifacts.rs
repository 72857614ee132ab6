//! Findings on disk: `artifacts/<target>/<signature-id>/` holds the input
//! bytes, the Case itself (`case.wasm`, `case.wat` and the `plan`, see
//! [`crate::case_file`]) and the report. The input is written
//! first, and each file as soon as it exists, so nothing is lost if what
//! follows fails.

use crate::report::{render, signature_id};
use crate::target::Checked;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The signature a finding's folder was saved under (`signature.txt`),
/// empty when it has none.
pub fn signature_of(dir: &Path) -> String {
    fs::read_to_string(dir.join("signature.txt")).map(|s| s.trim().to_string()).unwrap_or_default()
}

/// Whether a finding's folder holds a divergence or crash traced to a
/// documented engine bug (its signature starts with `known-bug:`).
pub fn is_known_bug(dir: &Path) -> bool {
    signature_of(dir).starts_with("known-bug:")
}

/// Whether a finding was new or a duplicate of one already on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    New(PathBuf),
    Duplicate(PathBuf),
}

/// The folder of mutator divergences (the semantics-preservation oracle's).
pub const MUTATE_ORACLE: &str = "mutate-oracle";

/// The folder of Cases an engine could not run (no verdict, but a bug of
/// crosscheck's adapter or of the engine, to be looked at).
pub const ENGINE_FAILURE: &str = "engine-failure";

/// `engine-failure:<engine>:<message>` for the first engine of a Case
/// that failed to run it, with the message's numbers (call, export and
/// import indices, sizes) written `N` and its quoted names (exports,
/// imports) `"…"`, so one kind of failure keeps one folder; `None` when
/// every engine ran.
pub fn engine_failure_signature(checked: &Checked) -> Option<String> {
    let (engine, detail) = checked.pairs.iter().find_map(|p| match p {
        crate::judge::PairOutcome::Inconclusive(crate::judge::InconclusiveReason::EngineFailure { engine, detail }) => {
            Some((engine, detail))
        }
        _ => None,
    })?;
    Some(format!("engine-failure:{engine}:{}", failure_kind(detail)))
}

/// Under libFuzzer, which saves only the inputs that crash: writes the
/// input of a Case an engine could not run where libFuzzer writes its
/// crash files (`-artifact_prefix=` from the command line, else the
/// working directory), as `engine-failure-<id>` (the id of its
/// [`engine_failure_signature`]); `crosscheck repro TARGET FILE` replays it.
pub fn save_engine_failure_input(signature: &str, input: &[u8]) -> io::Result<PathBuf> {
    let prefix =
        std::env::args().find_map(|a| a.strip_prefix("-artifact_prefix=").map(str::to_string)).unwrap_or_default();
    let path = PathBuf::from(format!("{prefix}engine-failure-{}", signature_id(signature)));
    fs::write(&path, input)?;
    Ok(path)
}

/// A failure message without what changes from Case to Case.
fn failure_kind(detail: &str) -> String {
    let mut kind = String::new();
    let mut chars = detail.chars();
    let mut after_digit = false;
    while let Some(c) = chars.next() {
        let digit = c.is_ascii_digit();
        match c {
            _ if digit => {
                if !after_digit {
                    kind.push('N');
                }
            }
            '"' => {
                // To the closing quote (an escaped one does not close).
                let mut escaped = false;
                for q in chars.by_ref() {
                    match q {
                        '"' if !escaped => break,
                        '\\' => escaped = !escaped,
                        _ => escaped = false,
                    }
                }
                kind.push_str("\"…\"");
            }
            '\n' | '\r' => kind.push(' '),
            c => kind.push(c),
        }
        after_digit = digit;
        if kind.len() >= 160 {
            break;
        }
    }
    kind
}

/// Writes a divergence. Duplicates (same signature) keep the first input
/// and count themselves in `duplicates`.
pub fn save_divergence(
    root: &Path,
    target: &str,
    checked: &Checked,
    signature: &str,
    input: &[u8],
) -> io::Result<Saved> {
    let dir = root.join(target).join(signature_id(signature));
    if dir.join("input.bin").exists() {
        bump_duplicates(&dir)?;
        return Ok(Saved::Duplicate(dir));
    }
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("input.bin"), input)?;
    crate::case_file::write(&dir, &saved_case(checked))?;
    fs::write(dir.join("signature.txt"), format!("{signature}\n"))?;
    let reproduce = if target == MUTATE_ORACLE {
        // The folder's case.wasm is the mutant alone: the oracle needs the
        // recipe (or the original, saved beside it), and a planted mutator
        // fault its variable.
        let mut planted = String::new();
        if let Some(m) = &checked.mutation {
            use crate::selftest::mutator::{ADD_TO_SUB, ADD_TO_SUB_KIND, MUTATOR_FAULT_VAR};
            if m.mutation.kinds.iter().any(|k| k == ADD_TO_SUB_KIND) {
                planted = format!("{MUTATOR_FAULT_VAR}={ADD_TO_SUB} ");
            }
            fs::write(dir.join("original.wasm"), &m.mutation.original)?;
            if let Ok(wat) = wasmprinter::print_bytes(&m.mutation.original) {
                fs::write(dir.join("original.wat"), wat)?;
            }
        }
        format!(
            "\nreproduce (the mutation and the oracle): {planted}crosscheck repro mutate {} --engines '{}'\n(original.wasm: the module before the mutation)\n",
            dir.join("input.bin").display(),
            crate::report::engine_line(checked)
        )
    } else {
        // Engine failures are filed apart; the Case's own target replays them.
        let target = if target == ENGINE_FAILURE { checked.origin.as_str() } else { target };
        format!(
            "\nreproduce: crosscheck repro {target} {}\n(or from the bytes: crosscheck repro {target} {} --engines '{}')\n",
            dir.display(),
            dir.join("input.bin").display(),
            crate::report::engine_line(checked)
        )
    };
    fs::write(dir.join("report.txt"), render(checked) + &reproduce)?;
    Ok(Saved::New(dir))
}

/// A checked Case as a [`crate::case_file::SavedCase`]: the engines as
/// they were configured for it.
pub fn saved_case(checked: &Checked) -> crate::case_file::SavedCase {
    let engines =
        checked.runs.iter().map(|r| crosscheck_oracles::engine_spec::spec_string(&r.engine, &r.config)).collect();
    crate::case_file::SavedCase { case: checked.case.clone(), engines, origin: checked.origin.clone() }
}

/// The signature of a worker crash: where it panicked (file:line:col), or
/// how it died when it did not panic (a signal, a hang).
pub fn crash_signature(stderr: &str, status: &str) -> String {
    if let Some(known) = crate::triage::known_crash(stderr) {
        return format!("known-bug:{}", known.name);
    }
    stderr
        .lines()
        .find_map(|l| l.split_once("panicked at ").map(|(_, loc)| loc.trim_end_matches(':').to_string()))
        .map(|loc| format!("panic at {loc}"))
        .unwrap_or_else(|| status.to_string())
}

/// Writes the input that crashed (or hung) a worker process, one folder per
/// crash signature.
pub fn save_crash(root: &Path, target: &str, signature: &str, input: &[u8], what: &str) -> io::Result<Saved> {
    let id = format!("crash-{}", signature_id(signature));
    let dir = root.join(target).join(id);
    if dir.join("input.bin").exists() {
        bump_duplicates(&dir)?;
        return Ok(Saved::Duplicate(dir));
    }
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("input.bin"), input)?;
    fs::write(dir.join("signature.txt"), format!("{signature}\n"))?;
    fs::write(
        dir.join("report.txt"),
        format!(
            "crosscheck crash report — target {target}\nsignature: {signature}\n{what}\n\nreproduce: crosscheck repro {target} {}\n",
            dir.join("input.bin").display()
        ),
    )?;
    Ok(Saved::New(dir))
}

fn bump_duplicates(dir: &Path) -> io::Result<()> {
    let path = dir.join("duplicates");
    let n: u64 = fs::read_to_string(&path).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    fs::write(path, format!("{}\n", n + 1))
}

#[cfg(test)]
mod tests {
    use super::failure_kind;

    #[test]
    fn failure_kinds_leave_out_numbers_and_names() {
        let a = "call #3: wrapper of \"f12\": WebAssembly.Instance(): Import #0 \"m\" \"f\": imported function does not match";
        let b = "call #0: wrapper of \"g\": WebAssembly.Instance(): Import #1 \"m\" \"f\": imported function does not match";
        assert_eq!(failure_kind(a), failure_kind(b));
        assert_eq!(
            failure_kind(a),
            "call #N: wrapper of \"…\": WebAssembly.Instance(): Import #N \"…\" \"…\": imported function does not match"
        );
        // An escaped quote does not end a name; a newline becomes a space.
        assert_eq!(failure_kind("no export \"a\\\"b9\"\nx1y22"), "no export \"…\" xNyN");
        assert_ne!(failure_kind("no reply"), failure_kind("no module"));
        assert!(failure_kind(&"x".repeat(1000)).len() <= 160);
    }
}
