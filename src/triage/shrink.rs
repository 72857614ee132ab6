//! `crosscheck shrink`: reduces a module, or a whole saved Case, while it
//! stays interesting — it still diverges with the same signature, or still
//! crashes an engine at the same panic site. A module file is judged by
//! `crosscheck run` (default engine configurations, zero or given
//! arguments); a Case by `crosscheck repro` on its folder (its own engine
//! configurations and arguments), its call plan reduced too (fewer calls,
//! zero arguments). Each candidate runs in a subprocess, so a crashing
//! engine cannot take the reducer down with it.

use crate::artifacts::crash_signature;
use crate::case_file::{self, SavedCase};
use crosscheck_oracles::Val;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// What makes a module interesting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interest {
    /// `crosscheck run` exits 1 with this signature.
    Divergence(String),
    /// An engine crashes with this crash signature (panic site).
    Crash(String),
}

impl std::fmt::Display for Interest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Interest::Divergence(s) => write!(f, "divergence {s}"),
            Interest::Crash(s) => write!(f, "crash ({s})"),
        }
    }
}

/// How to run a candidate.
#[derive(Clone, Debug)]
pub struct Runner {
    pub exe: PathBuf,
    pub engines: Vec<String>,
    /// `--args` passed through to `crosscheck run`.
    pub args: Vec<String>,
    pub scratch: PathBuf,
}

impl Runner {
    /// What `crosscheck run` makes of `wasm`: its interest, or `None` when
    /// the engines agree (or the candidate is not a usable module).
    pub fn observe(&self, wasm: &[u8]) -> std::io::Result<Option<Interest>> {
        let file = self.scratch.join("candidate.wasm");
        std::fs::write(&file, wasm)?;
        let mut cmd = Command::new(&self.exe);
        cmd.arg("run").arg(&file).arg("--engines").arg(self.engines.join(","));
        for a in &self.args {
            cmd.arg("--args").arg(a);
        }
        Ok(interest_of(&cmd.env("RUST_BACKTRACE", "0").output()?))
    }
}

/// The interest of a `crosscheck run` or `repro` process by how it ended:
/// exit 1 with a signature, or a crash; `None` for agreement or bad input.
pub fn interest_of(out: &Output) -> Option<Interest> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) | Some(2) => None,
        Some(1) => stdout
            .lines()
            .find_map(|l| l.strip_prefix("signature: "))
            .map(|s| Interest::Divergence(s.split("  (id").next().unwrap_or(s).to_string())),
        // `crosscheck run`'s report of an engine that crashed its child.
        Some(3) => stdout.lines().find_map(|l| l.strip_prefix("signature: crash ")).map(|s| Interest::Crash(s.into())),
        _ => Some(Interest::Crash(crash_signature(&stderr, &out.status.to_string()))),
    }
}

/// How to run a candidate Case: `crosscheck repro` on a folder in `scratch`.
#[derive(Clone, Debug)]
pub struct CaseRunner {
    pub exe: PathBuf,
    /// The target named on `repro`'s command line (a Case folder replays
    /// the same whichever target made it).
    pub target: String,
    pub scratch: PathBuf,
}

impl CaseRunner {
    /// What `crosscheck repro` makes of a Case.
    pub fn observe(&self, saved: &SavedCase) -> std::io::Result<Option<Interest>> {
        let dir = self.scratch.join("candidate");
        case_file::write(&dir, saved)?;
        let out =
            Command::new(&self.exe).arg("repro").arg(&self.target).arg(&dir).env("RUST_BACKTRACE", "0").output()?;
        Ok(interest_of(&out))
    }
}

/// A reduced Case and what it took.
pub struct ShrunkCase {
    pub interest: Interest,
    pub before: SavedCase,
    pub after: SavedCase,
    /// Candidates run.
    pub candidates: u64,
    pub elapsed: Duration,
}

impl ShrunkCase {
    /// `module 4242 -> 61 bytes (1.4%), calls 8 -> 1, 12.3 s, 310 candidates`.
    pub fn summary(&self) -> String {
        let (a, b) = (self.before.case.plan.wasm.len(), self.after.case.plan.wasm.len());
        format!(
            "module {a} -> {b} bytes ({:.1}%), calls {} -> {}, {:.1} s, {} candidates",
            100.0 * b as f64 / a.max(1) as f64,
            self.before.case.plan.calls.len(),
            self.after.case.plan.calls.len(),
            self.elapsed.as_secs_f64(),
            self.candidates
        )
    }
}

/// The engines a divergence signature (`reference~wasmtime:class`) names,
/// as written in `engines` (bracket form); every engine for a crash or a
/// signature naming none of them.
pub fn engines_of_interest(interest: &Interest, engines: &[String]) -> Vec<String> {
    let Interest::Divergence(sig) = interest else { return engines.to_vec() };
    let pair = sig.split(':').next().unwrap_or("");
    let named: Vec<&str> = pair.split('~').collect();
    let kept: Vec<String> = engines
        .iter()
        .filter(|e| crosscheck_oracles::EngineSpec::parse(e).is_ok_and(|spec| named.contains(&spec.name.as_str())))
        .cloned()
        .collect();
    if kept.len() == named.len() && named.len() >= 2 { kept } else { engines.to_vec() }
}

/// Reduces a saved Case while `runner` keeps giving the interest the
/// original gives: first the engines to those the signature names, then
/// the call plan (calls dropped, arguments zeroed), then the module with
/// wasm-shrink (its exports the plan calls kept), then the plan again. A
/// single-instruction module is built again for the reduced plan instead
/// of going through wasm-shrink.
pub fn shrink_case(saved: SavedCase, runner: &CaseRunner, attempts: u32) -> anyhow::Result<ShrunkCase> {
    let start = Instant::now();
    let mut candidates = 1u64;
    let Some(interest) = runner.observe(&saved)? else {
        anyhow::bail!("the Case is not interesting to begin with: its engines agree on it");
    };
    let before = saved.clone();
    let mut best = saved;
    let fewer = engines_of_interest(&interest, &best.engines);
    if fewer.len() < best.engines.len() {
        let candidate = SavedCase { engines: fewer, ..best.clone() };
        candidates += 1;
        if runner.observe(&candidate)?.as_ref() == Some(&interest) {
            best = candidate;
        }
    }
    best = shrink_plan(best, runner, &interest, &mut candidates)?;
    if let Some((wasm, calls)) = crate::single_inst::module::rebuilt_for(&best.case.plan.wasm, &best.case.plan.calls) {
        // A single-instruction module: built again with only the functions
        // the reduced plan calls, never through wasm-shrink (which could
        // change the instruction's own functions under the exact judge).
        if let Ok(case) = case_file::case_of(wasm, calls, best.case.features, best.case.determinism) {
            let candidate = SavedCase { case, ..best.clone() };
            candidates += 1;
            if runner.observe(&candidate)?.as_ref() == Some(&interest) {
                best = candidate;
            }
        }
        return Ok(ShrunkCase { interest, before, after: best, candidates, elapsed: start.elapsed() });
    }
    let calls = best.case.plan.calls.clone();
    let (features, det) = (best.case.features, best.case.determinism);
    let base = best.clone();
    let mut tried = 0u64;
    let info = wasm_shrink::WasmShrink::default().attempts(attempts).run(best.case.plan.wasm.clone(), |wasm| {
        tried += 1;
        if !crate::single_inst::module::plan_is_consistent(wasm, &calls) {
            return Ok(false);
        }
        let Ok(case) = case_file::case_of(wasm.to_vec(), calls.clone(), features, det) else { return Ok(false) };
        Ok(runner.observe(&SavedCase { case, ..base.clone() })?.as_ref() == Some(&interest))
    })?;
    candidates += tried;
    if let Ok(case) = case_file::case_of(info.output, calls, features, det) {
        best = SavedCase { case, ..best };
    }
    best = shrink_plan(best, runner, &interest, &mut candidates)?;
    if let Some(truncated) = truncate_body(&best, runner, &interest, &mut candidates)? {
        // The body cut short: what it no longer uses goes too.
        best = truncated;
        let calls = best.case.plan.calls.clone();
        let base = best.clone();
        let info = wasm_shrink::WasmShrink::default().attempts(attempts).run(best.case.plan.wasm.clone(), |wasm| {
            candidates += 1;
            let Ok(case) = case_file::case_of(wasm.to_vec(), calls.clone(), features, det) else { return Ok(false) };
            Ok(runner.observe(&SavedCase { case, ..base.clone() })?.as_ref() == Some(&interest))
        })?;
        if let Ok(case) = case_file::case_of(info.output, best.case.plan.calls.clone(), features, det) {
            best = SavedCase { case, ..best };
        }
    }
    Ok(ShrunkCase { interest, before, after: best, candidates, elapsed: start.elapsed() })
}

/// Drops calls (last first) and zeroes arguments while the Case keeps its
/// interest (and a single-instruction module's `f`/`k{i}` pairing, see
/// [`crate::single_inst::module::plan_is_consistent`]).
fn shrink_plan(
    mut best: SavedCase,
    runner: &CaseRunner,
    interest: &Interest,
    candidates: &mut u64,
) -> anyhow::Result<SavedCase> {
    let mut i = best.case.plan.calls.len();
    while i > 0 {
        i -= 1;
        let mut candidate = best.clone();
        candidate.case.plan.calls.remove(i);
        if !consistent(&candidate) {
            continue;
        }
        *candidates += 1;
        if runner.observe(&candidate)?.as_ref() == Some(interest) {
            best = candidate;
        }
    }
    for c in 0..best.case.plan.calls.len() {
        for a in 0..best.case.plan.calls[c].args.len() {
            let arg = best.case.plan.calls[c].args[a];
            let zero = Val::default_of(arg.ty());
            if arg == zero {
                continue;
            }
            let mut candidate = best.clone();
            candidate.case.plan.calls[c].args[a] = zero;
            if !consistent(&candidate) {
                continue;
            }
            *candidates += 1;
            if runner.observe(&candidate)?.as_ref() == Some(interest) {
                best = candidate;
            }
        }
    }
    Ok(best)
}

/// The result of a reduction.
pub struct Shrunk {
    pub interest: Interest,
    pub input_size: u64,
    pub output: Vec<u8>,
}

/// Reduces `wasm` while [`Runner::observe`] keeps giving the interest it
/// gives the original.
pub fn shrink(wasm: Vec<u8>, runner: &Runner, attempts: u32) -> anyhow::Result<Shrunk> {
    let Some(interest) = runner.observe(&wasm)? else {
        anyhow::bail!(
            "the module is not interesting to begin with: the engines agree (pass the --args that make it diverge)"
        );
    };
    let want = interest.clone();
    let info = wasm_shrink::WasmShrink::default()
        .attempts(attempts)
        .run(wasm, |candidate| Ok(runner.observe(candidate)?.as_ref() == Some(&want)))?;
    Ok(Shrunk { interest, input_size: info.input_size, output: info.output })
}

/// `FILE.shrunk.wasm` beside `FILE`.
pub fn default_output(input: &Path) -> PathBuf {
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "module".into());
    input.with_file_name(format!("{stem}.shrunk.wasm"))
}

/// The Case with the diverging call's function cut short (see
/// [`crate::triage::locate::truncations`]), the shortest cut that keeps the
/// interest; `None` when none does (or the divergence is not on a call).
fn truncate_body(
    best: &SavedCase,
    runner: &CaseRunner,
    interest: &Interest,
    candidates: &mut u64,
) -> anyhow::Result<Option<SavedCase>> {
    if !matches!(interest, Interest::Divergence(_)) {
        return Ok(None);
    }
    // Which call diverges: the reduced Case has few, so try each export.
    let mut exports: Vec<&str> = best.case.plan.calls.iter().map(|c| c.export.as_str()).collect();
    exports.dedup();
    for export in exports {
        for wasm in crate::triage::locate::truncations(&best.case.plan.wasm, export) {
            if wasm.len() >= best.case.plan.wasm.len() {
                continue;
            }
            let Ok(case) =
                case_file::case_of(wasm, best.case.plan.calls.clone(), best.case.features, best.case.determinism)
            else {
                continue;
            };
            let candidate = SavedCase { case, ..best.clone() };
            *candidates += 1;
            if runner.observe(&candidate)?.as_ref() == Some(interest) {
                return Ok(Some(candidate));
            }
        }
    }
    Ok(None)
}

fn consistent(saved: &SavedCase) -> bool {
    crate::single_inst::module::plan_is_consistent(&saved.case.plan.wasm, &saved.case.plan.calls)
}

/// What [`write_shrunk`] wrote.
pub struct WrittenCase {
    /// The command that replays the reduced Case.
    pub reproduce: String,
    pub wat: String,
}

/// Writes a reduced Case folder: case.wasm, case.wat, plan, and
/// `report.txt` (the reduction's figures, how to reproduce it).
pub fn write_shrunk(dir: &Path, target: crate::target::Target, shrunk: &ShrunkCase) -> std::io::Result<WrittenCase> {
    case_file::write(dir, &shrunk.after)?;
    let wat = wasmprinter::print_bytes(&shrunk.after.case.plan.wasm).unwrap_or_default();
    // An absolute path, so the command works pasted anywhere.
    let at = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let reproduce = format!("crosscheck repro {target} {}", shell_word(&at.display().to_string()));
    let text = format!(
        "crosscheck reduced Case — {}\nsignature: {}\nengines: {}\nreduction: {}\nreproduce: {reproduce}\n",
        shrunk.before.origin,
        shrunk.interest,
        shrunk.after.engines.join(","),
        shrunk.summary()
    );
    std::fs::write(dir.join("shrink.txt"), text)?;
    Ok(WrittenCase { reproduce, wat })
}

/// `s` quoted for a POSIX shell when it needs it.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+=:,@".contains(&b)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
