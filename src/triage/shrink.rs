//! `crosscheck shrink`: reduces a module, or a whole saved Case, while it
//! stays interesting — it still diverges with the same signature, still
//! crashes an engine at the same panic site, or an engine still cannot run
//! it with the same kind of failure. A module file is judged by
//! `crosscheck run` (default engine configurations, zero or given
//! arguments); a Case by `crosscheck repro` on its folder (its own engine
//! configurations and arguments), its call plan reduced too (fewer calls,
//! zero arguments). Each candidate runs in a subprocess, so a crashing
//! engine cannot take the reducer down with it.

use crate::artifacts::crash_signature;
use crate::case_file::{self, SavedCase};
use crosscheck_oracles::Val;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// What makes a module interesting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interest {
    /// `crosscheck run` exits 1 with this signature.
    Divergence(String),
    /// An engine crashes with this crash signature (panic site).
    Crash(String),
    /// An engine cannot run it, with this engine-failure signature
    /// ([`crate::artifacts::engine_failure_signature`]): no verdict, but a
    /// bug of crosscheck's adapter or of the engine.
    EngineFailure(String),
}

impl std::fmt::Display for Interest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Interest::Divergence(s) => write!(f, "divergence {s}"),
            Interest::Crash(s) => write!(f, "crash ({s})"),
            Interest::EngineFailure(s) => write!(f, "{s}"),
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
        cmd.env("RUST_BACKTRACE", "0");
        Ok(output_within(&mut cmd, &self.scratch, CANDIDATE_TIMEOUT)?.as_ref().and_then(interest_of))
    }
}

/// Longest a candidate may run before it counts as not interesting (a
/// candidate can lose the module's fuel checks and loop forever); a Case
/// reduction allows [`TIMEOUT_FACTOR`] times what the original took, if
/// that is more.
pub const CANDIDATE_TIMEOUT: Duration = Duration::from_secs(5);
pub const TIMEOUT_FACTOR: u32 = 10;

/// `cmd`'s output, its stdout and stderr through files in `scratch`;
/// `None` when it ran past `timeout` (then it is killed).
pub fn output_within(cmd: &mut Command, scratch: &Path, timeout: Duration) -> std::io::Result<Option<Output>> {
    let (out_path, err_path) = (scratch.join("candidate.stdout"), scratch.join("candidate.stderr"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?)
        .spawn()?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    Ok(Some(Output { status, stdout: std::fs::read(&out_path)?, stderr: std::fs::read(&err_path)? }))
}

/// The interest of a `crosscheck run` or `repro` process by how it ended:
/// exit 1 with a signature, a crash, or exit 0 with an engine-failure
/// signature; `None` for agreement or bad input.
pub fn interest_of(out: &Output) -> Option<Interest> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => stdout
            .lines()
            .find_map(|l| l.strip_prefix("signature: "))
            .filter(|s| s.starts_with("engine-failure:"))
            .map(|s| Interest::EngineFailure(s.split("  (id").next().unwrap_or(s).to_string())),
        Some(2) => None,
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
    /// Longest a candidate may run ([`CANDIDATE_TIMEOUT`] to begin with).
    pub timeout: Duration,
}

impl CaseRunner {
    /// What `crosscheck repro` makes of a Case (`None` too when it runs
    /// past the time-out).
    pub fn observe(&self, saved: &SavedCase) -> std::io::Result<Option<Interest>> {
        let dir = self.scratch.join("candidate");
        case_file::write(&dir, saved)?;
        let mut cmd = Command::new(&self.exe);
        cmd.arg("repro").arg(&self.target).arg(&dir).env("RUST_BACKTRACE", "0");
        Ok(output_within(&mut cmd, &self.scratch, self.timeout)?.as_ref().and_then(interest_of))
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
/// as written in `engines` (bracket form), or the baseline and the engine
/// an engine-failure signature (`engine-failure:wasmi:message`) names;
/// every engine for a crash or a signature naming none of them.
pub fn engines_of_interest(interest: &Interest, engines: &[String]) -> Vec<String> {
    let name = |e: &str| crosscheck_oracles::EngineSpec::parse(e).map(|spec| spec.name).ok();
    let named: Vec<String> = match interest {
        Interest::Divergence(sig) => sig.split(':').next().unwrap_or("").split('~').map(String::from).collect(),
        Interest::EngineFailure(sig) => {
            let failed = sig.split(':').nth(1).unwrap_or("").to_string();
            engines.first().and_then(|e| name(e)).into_iter().chain([failed]).collect()
        }
        Interest::Crash(_) => return engines.to_vec(),
    };
    let kept: Vec<String> = engines.iter().filter(|e| name(e).is_some_and(|n| named.contains(&n))).cloned().collect();
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
        anyhow::bail!(
            "the Case is not interesting to begin with: its engines agree on it (or it ran past {} s)",
            runner.timeout.as_secs()
        );
    };
    let runner = &CaseRunner { timeout: runner.timeout.max(start.elapsed() * TIMEOUT_FACTOR), ..runner.clone() };
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
    if let Some((wasm, calls)) = crate::single_inst::readback::rebuilt_for(&best.case.plan.wasm, &best.case.plan.calls)
    {
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
    // Big steps first (whole-module rewrites, the called body cut
    // short), then wasm-shrink's small ones; then once more on what the
    // smaller plan and module leave.
    best = prune_case(best, runner, &interest, &mut candidates)?;
    for round in 0..2 {
        let truncated = truncate_body(&best, runner, &interest, &mut candidates)?;
        if round > 0 && truncated.is_none() {
            break;
        }
        if let Some(truncated) = truncated {
            // The body cut short: what it no longer uses goes too.
            best = prune_case(truncated, runner, &interest, &mut candidates)?;
        }
        best = cut_bodies(best, runner, &interest, &mut candidates)?;
        // What the cut code referred to goes too.
        best = prune_case(best, runner, &interest, &mut candidates)?;
        best = wasm_shrink(best, runner, &interest, attempts, &mut candidates)?;
        best = shrink_plan(best, runner, &interest, &mut candidates)?;
    }
    Ok(ShrunkCase { interest, before, after: best, candidates, elapsed: start.elapsed() })
}

/// Most candidates [`cut_bodies`] runs.
pub const BODY_CUT_RUNS: u32 = 400;

/// Runs of instructions cut out of the function bodies
/// ([`super::ddmin`]).
fn cut_bodies(
    best: SavedCase,
    runner: &CaseRunner,
    interest: &Interest,
    candidates: &mut u64,
) -> anyhow::Result<SavedCase> {
    let c = &best.case;
    let (calls, features, det) = (c.plan.calls.clone(), c.features, c.determinism);
    let wasm = super::ddmin::reduce_bodies(c.plan.wasm.clone(), BODY_CUT_RUNS, |wasm| {
        let Ok(case) = case_file::case_of(wasm.to_vec(), calls.clone(), features, det) else { return Ok(false) };
        *candidates += 1;
        Ok(runner.observe(&SavedCase { case, ..best.clone() })?.as_ref() == Some(interest))
    })?;
    Ok(match case_file::case_of(wasm, calls, features, det) {
        Ok(case) => SavedCase { case, ..best },
        Err(_) => best,
    })
}

/// The module through wasm-shrink (each candidate with the Case's plan; one
/// that loses an export the plan calls, or a single-instruction module's
/// pairing, is not run).
fn wasm_shrink(
    best: SavedCase,
    runner: &CaseRunner,
    interest: &Interest,
    attempts: u32,
    candidates: &mut u64,
) -> anyhow::Result<SavedCase> {
    let calls = best.case.plan.calls.clone();
    let (features, det) = (best.case.features, best.case.determinism);
    // wasm-shrink first checks its input (known interesting), then runs
    // candidates of any size, keeping a larger one now and then to leave a
    // local minimum; only the smaller ones are worth a subprocess here.
    let mut smallest = best.case.plan.wasm.len();
    let info = wasm_shrink::WasmShrink::default().attempts(attempts).run(best.case.plan.wasm.clone(), |wasm| {
        if wasm == best.case.plan.wasm.as_slice() {
            return Ok(true);
        }
        if wasm.len() >= smallest || !crate::single_inst::readback::plan_is_consistent(wasm, &calls) {
            return Ok(false);
        }
        let Ok(case) = case_file::case_of(wasm.to_vec(), calls.clone(), features, det) else { return Ok(false) };
        *candidates += 1;
        let kept = runner.observe(&SavedCase { case, ..best.clone() })?.as_ref() == Some(interest);
        if kept {
            smallest = wasm.len();
        }
        Ok(kept)
    })?;
    Ok(match case_file::case_of(info.output, calls, features, det) {
        Ok(case) => SavedCase { case, ..best },
        Err(_) => best,
    })
}

/// Whole-module rewrites ([`super::prune`]), each kept when the Case
/// stays interesting and gets smaller: exports the plan does not call
/// dropped (or, failing that, only the functions among them); the
/// exports renamed short (the plan's calls with them); every
/// function but the called ones stubbed with `unreachable` (or, failing
/// that, each on its own, with `unreachable` or its default results); the
/// start function, active segments and custom sections dropped (together,
/// else each); then everything nothing refers to removed.
fn prune_case(
    mut best: SavedCase,
    runner: &CaseRunner,
    interest: &Interest,
    candidates: &mut u64,
) -> anyhow::Result<SavedCase> {
    use super::prune::{self, Edit, Stub};
    use std::collections::HashSet;
    let mut attempt = |best: &mut SavedCase, wasm: Option<Vec<u8>>| -> anyhow::Result<bool> {
        let Some(wasm) = wasm.filter(|w| w.len() < best.case.plan.wasm.len()) else { return Ok(false) };
        let c = &best.case;
        let Ok(case) = case_file::case_of(wasm, c.plan.calls.clone(), c.features, c.determinism) else {
            return Ok(false);
        };
        let candidate = SavedCase { case, ..best.clone() };
        *candidates += 1;
        let kept = runner.observe(&candidate)?.as_ref() == Some(interest);
        if kept {
            *best = candidate;
        }
        Ok(kept)
    };
    let called: HashSet<String> = best.case.plan.calls.iter().map(|c| c.export.clone()).collect();
    let wasm = best.case.plan.wasm.clone();
    if !attempt(&mut best, prune::apply(&wasm, &Edit { exports: Some(called.clone()), ..Edit::default() }))? {
        let mut keep = called.clone();
        keep.extend(
            prune::exports(&wasm).into_iter().filter(|(_, k)| *k != wasmparser::ExternalKind::Func).map(|(n, _)| n),
        );
        attempt(&mut best, prune::apply(&wasm, &Edit { exports: Some(keep), ..Edit::default() }))?;
    }
    // Short export names (the plan's calls renamed with them).
    let renames = prune::short_names(&best.case.plan.wasm);
    if !renames.is_empty() {
        let wasm = prune::apply(&best.case.plan.wasm, &Edit { renames: renames.clone(), ..Edit::default() });
        let mut renamed = best.clone();
        for call in &mut renamed.case.plan.calls {
            if let Some(short) = renames.get(&call.export) {
                call.export = short.clone();
            }
        }
        if attempt(&mut renamed, wasm)? {
            best = renamed;
        }
    }
    let called: HashSet<String> = best.case.plan.calls.iter().map(|c| c.export.clone()).collect();
    let kept = prune::exported_functions(&best.case.plan.wasm, &called);
    // Bodies no shorter than a stub stay as they are.
    let others: Vec<u32> = prune::body_sizes(&best.case.plan.wasm)
        .into_iter()
        .filter(|(f, n)| !kept.contains(f) && *n > 4)
        .map(|(f, _)| f)
        .collect();
    let stubs = others.iter().map(|&f| (f, Stub::Unreachable)).collect();
    let wasm = best.case.plan.wasm.clone();
    if !attempt(&mut best, prune::apply(&wasm, &Edit { stubs, ..Edit::default() }))? {
        for f in others {
            for stub in [Stub::Unreachable, Stub::Defaults] {
                let edit = Edit { stubs: [(f, stub)].into(), ..Edit::default() };
                let wasm = best.case.plan.wasm.clone();
                if attempt(&mut best, prune::apply(&wasm, &edit))? {
                    break;
                }
            }
        }
    }
    let drops = [
        Edit { drop_start: true, ..Edit::default() },
        Edit { drop_active_elements: true, ..Edit::default() },
        Edit { drop_active_data: true, ..Edit::default() },
        Edit { drop_custom_sections: true, ..Edit::default() },
    ];
    let all = Edit {
        drop_start: true,
        drop_active_elements: true,
        drop_active_data: true,
        drop_custom_sections: true,
        ..Edit::default()
    };
    let wasm = best.case.plan.wasm.clone();
    if !attempt(&mut best, prune::apply(&wasm, &all))? {
        for edit in drops {
            let wasm = best.case.plan.wasm.clone();
            attempt(&mut best, prune::apply(&wasm, &edit))?;
        }
    }
    let wasm = best.case.plan.wasm.clone();
    attempt(&mut best, prune::without_unreferenced(&wasm))?;
    Ok(best)
}

/// Drops calls (last first) and zeroes arguments while the Case keeps its
/// interest (and a single-instruction module's `f`/`k(i)` pairing, see
/// [`crate::single_inst::readback::plan_is_consistent`]).
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
    crate::single_inst::readback::plan_is_consistent(&saved.case.plan.wasm, &saved.case.plan.calls)
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
