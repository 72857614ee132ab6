//! `crosscheck sweep`: every catalogued instruction × every engine × every
//! Wasmtime CPU-feature profile, N operand tuples each, judged exactly
//! against the reference interpreter — the conformance matrix. Each
//! (instruction, immediates) module is compiled once per engine column and
//! called for all its tuples; relaxed-SIMD choices are tracked per engine
//! column and instruction over the whole sweep. Rendering is in
//! [`render`].

pub mod render;

use crate::judge::{EngineRun, PairOutcome};
use crate::single_inst::catalog::SplitMix;
use crate::single_inst::check::judge_pair;
use crate::single_inst::operands::{self, Tuple};
use crate::single_inst::{ChoiceTracker, ENTRIES, Entry, Spec, case_for};
use crosscheck_oracles::{CallOutcome, Engine, Features, Plan, registry};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What to sweep.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// Engine names (`ENGINE+FAULT` plants a fault); `wasmtime` expands to
    /// one column per CPU profile.
    pub engines: Vec<String>,
    /// CPU profile names for `wasmtime` columns (see `CPU_PROFILES`).
    pub profiles: Vec<String>,
    /// Operand tuples per instruction (split over its immediates).
    pub samples: usize,
    pub seed: u64,
    /// Only these instructions (all when empty).
    pub only: Vec<String>,
}

impl SweepOptions {
    /// The default engines (every registry default but the judge itself),
    /// every profile, 1,000 tuples.
    pub fn new() -> SweepOptions {
        SweepOptions { engines: default_engines(), profiles: all_profiles(), samples: 1000, seed: 1, only: Vec::new() }
    }
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions::new()
    }
}

/// The engines swept by default: the registry's defaults but `reference`
/// (V8 when a Node.js is found), and V8's baseline tier next to its
/// optimizing one — each compiles every instruction its own way.
pub fn default_engines() -> Vec<String> {
    let mut names: Vec<String> =
        registry::default_engines().into_iter().filter(|n| !n.starts_with("reference")).collect();
    if names.iter().any(|n| n == "v8") {
        names.push("v8-liftoff".to_string());
    }
    names
}

/// Every CPU profile name.
pub fn all_profiles() -> Vec<String> {
    #[cfg(feature = "wasmtime")]
    {
        crosscheck_oracles::wasmtime::CPU_PROFILES.iter().map(|p| p.name.to_string()).collect()
    }
    #[cfg(not(feature = "wasmtime"))]
    {
        Vec::new()
    }
}

/// A bad sweep request (unknown engine, profile or instruction).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Engine(#[from] crate::engines::EngineError),
    #[error("unknown CPU profile {0:?} (known: {1})")]
    UnknownProfile(String, String),
    #[error("unknown instruction {0:?} (see the catalog: e.g. i8x16.shuffle)")]
    UnknownInstruction(String),
    #[error("no instruction to sweep")]
    Empty,
}

/// One column of the matrix: an engine in one configuration.
pub struct Column {
    pub label: String,
    pub config: String,
    engine: Box<dyn Engine>,
    features: Features,
    /// Time spent compiling and running, and `f` calls judged.
    pub time: Duration,
    pub checks: u64,
    /// Cases its engine stopped for a resource limit of its own (V8's
    /// largest array): each leaves out the tuple it stopped at.
    pub refused: u64,
}

/// A column left out, and why (a profile the host cannot run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub label: String,
    pub reason: String,
}

/// One cell: an instruction on one column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Pass {
        checks: u64,
        /// Relaxed SIMD: the implementation choices (bit `r`: the spec's
        /// `R = r`) consistent with every result of this column.
        choices: Option<u32>,
    },
    Fail(Failure),
    /// A failure traced to a documented engine bug of this engine's version
    /// (its workaround module passes): labelled, not counted as failing.
    /// The cell's remaining checks are not run.
    Known {
        bug: &'static str,
        failure: Failure,
    },
    /// The engine lacks the instruction's proposal (or rejects it as
    /// unimplemented).
    Unsupported(String),
    /// Nothing could be compared (exhaustion, an engine failure).
    Inconclusive(String),
}

/// The first failing check of a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The instruction with its immediates.
    pub instruction: String,
    pub class: String,
    /// The call (`poke`/`f`/`peek`) and its operands.
    pub call: String,
    pub expected: String,
    pub actual: String,
    pub checks: u64,
}

/// One instruction's row.
#[derive(Clone, Debug)]
pub struct Row {
    pub entry: &'static Entry,
    pub cells: Vec<Cell>,
}

/// The conformance matrix.
pub struct Matrix {
    pub columns: Vec<Column>,
    pub skipped: Vec<Skipped>,
    pub rows: Vec<Row>,
    pub samples: usize,
    pub elapsed: Duration,
    /// Time the reference interpreter took to compute the expected results.
    pub reference_time: Duration,
    /// The machine that ran it ([`crosscheck_oracles::host::host_features`]):
    /// some engines' results depend on its CPU.
    pub host: String,
}

impl Matrix {
    /// Failing cells not traced to a documented engine bug.
    pub fn failures(&self) -> usize {
        self.rows.iter().flat_map(|r| &r.cells).filter(|c| matches!(c, Cell::Fail(_))).count()
    }

    /// Failing cells traced to a documented engine bug.
    pub fn known_bugs(&self) -> usize {
        self.rows.iter().flat_map(|r| &r.cells).filter(|c| matches!(c, Cell::Known { .. })).count()
    }
}

/// Builds the matrix's columns.
fn columns(opts: &SweepOptions) -> Result<(Vec<Column>, Vec<Skipped>), SweepError> {
    let mut cols = Vec::new();
    let mut skipped = Vec::new();
    for name in &opts.engines {
        let (base, fault) = match name.split_once('+') {
            Some((b, f)) => (b, Some(f)),
            None => (name.as_str(), None),
        };
        // `wasmtime` alone: a column per CPU profile; with settings in
        // brackets (`wasmtime[cpu=-avx]`), the one configuration written.
        if base == "wasmtime" && !name.contains('[') {
            wasmtime_columns(name, fault, &opts.profiles, &mut cols, &mut skipped)?;
            continue;
        }
        let engine = crate::engines::create_default(name)?;
        cols.push(column(name.clone(), engine));
    }
    Ok((cols, skipped))
}

fn column(label: String, engine: Box<dyn Engine>) -> Column {
    let features = engine.features();
    Column { label, config: engine.config(), engine, features, time: Duration::ZERO, checks: 0, refused: 0 }
}

#[cfg(feature = "wasmtime")]
fn wasmtime_columns(
    name: &str,
    fault: Option<&str>,
    profiles: &[String],
    cols: &mut Vec<Column>,
    skipped: &mut Vec<Skipped>,
) -> Result<(), SweepError> {
    use crosscheck_oracles::wasmtime::{CPU_PROFILES, CpuProfile, WasmtimeEngine};
    for p in profiles {
        let profile = CpuProfile::by_name(p).ok_or_else(|| {
            let known: Vec<_> = CPU_PROFILES.iter().map(|p| p.name).collect();
            SweepError::UnknownProfile(p.clone(), known.join(", "))
        })?;
        let label = format!("{name}[{}]", profile.name);
        let missing = profile.missing_on_host();
        if !missing.is_empty() {
            skipped.push(Skipped { label, reason: format!("host lacks {}", missing.join(", ")) });
            continue;
        }
        let mut engine: Box<dyn Engine> = Box::new(WasmtimeEngine::with_config(profile.config()));
        if let Some(f) = fault {
            let fault = crate::selftest::Fault::from_name(f).ok_or_else(|| {
                let known: Vec<_> = crate::selftest::Fault::ALL.iter().map(|f| f.name()).collect();
                crate::engines::EngineError::UnknownFault(f.to_string(), known.join(", "))
            })?;
            engine = Box::new(crate::selftest::Faulty::new(engine, fault));
        }
        cols.push(column(label, engine));
    }
    Ok(())
}

#[cfg(not(feature = "wasmtime"))]
fn wasmtime_columns(
    name: &str,
    _: Option<&str>,
    _: &[String],
    _: &mut Vec<Column>,
    _: &mut Vec<Skipped>,
) -> Result<(), SweepError> {
    Err(crate::engines::EngineError::Unavailable(registry::Unavailable::NotCompiled(name.into(), "wasmtime")).into())
}

/// The entries `opts.only` selects.
fn entries(opts: &SweepOptions) -> Result<Vec<&'static Entry>, SweepError> {
    if opts.only.is_empty() {
        return Ok(ENTRIES.iter().collect());
    }
    let picked = opts
        .only
        .iter()
        .map(|n| crate::single_inst::catalog::lookup(n).ok_or_else(|| SweepError::UnknownInstruction(n.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    if picked.is_empty() { Err(SweepError::Empty) } else { Ok(picked) }
}

/// Runs the sweep. `progress` is told each instruction as it starts.
pub fn run(opts: &SweepOptions, mut progress: impl FnMut(usize, usize, &str)) -> Result<Matrix, SweepError> {
    let start = Instant::now();
    let entries = entries(opts)?;
    let (mut cols, skipped) = columns(opts)?;
    let mut reference = registry::create("reference").map_err(crate::engines::EngineError::from)?;
    let mut trackers: Vec<ChoiceTracker> = cols.iter().map(|_| ChoiceTracker::new()).collect();
    let mut rows = Vec::with_capacity(entries.len());
    let mut reference_time = Duration::ZERO;
    for (n, entry) in entries.iter().enumerate() {
        progress(n, entries.len(), entry.name);
        let mut cells: Vec<Option<Cell>> = cols.iter().map(|_| None).collect();
        let mut checks = vec![0u64; cols.len()];
        // Per column, the proposals it lacked for some immediates (a 64-bit
        // memory): those immediates are left out, the rest still checked.
        let mut lacking: Vec<Option<String>> = cols.iter().map(|_| None).collect();
        // Per column, the first resource limit it hit (the cell is
        // inconclusive for it only if nothing else was judged).
        let mut exhausted: Vec<Option<String>> = cols.iter().map(|_| None).collect();
        let variants = entry.sweep_immediates(opts.seed);
        let per = opts.samples.div_ceil(variants.len()).max(1);
        let mut rng = SplitMix(opts.seed ^ crate::single_inst::catalog::fnv(entry.name));
        for imm in variants {
            let spec = Spec { entry, imm };
            let tuples: Vec<Tuple> = (0..per).map(|_| operands::tuple(&mut rng, entry, &imm)).collect();
            // The tuples still to judge, from a first one on, and the
            // columns that judge them: every column from tuple 0; a column
            // a resource limit of its own stopped (V8 refuses an array of
            // 1 GiB or more before a segment's bounds) goes on after the
            // tuple that stopped it, in a Case of the rest.
            let mut segments: BTreeMap<usize, Vec<usize>> = BTreeMap::from([(0, (0..cols.len()).collect())]);
            let mut resumed = 0;
            while let Some((start, judging)) = segments.pop_first() {
                let case = match case_for(&spec, &tuples[start..]) {
                    Ok(c) => c,
                    Err(e) => {
                        for &i in &judging {
                            cells[i].get_or_insert(Cell::Inconclusive(format!("no module: {e}")));
                        }
                        continue;
                    }
                };
                let t = Instant::now();
                let expected = run_engine(reference.as_mut(), &case.plan);
                reference_time += t.elapsed();
                for i in judging {
                    let col = &mut cols[i];
                    if matches!(cells[i], Some(Cell::Fail(_) | Cell::Known { .. } | Cell::Unsupported(_))) {
                        continue;
                    }
                    let missing = spec.features().missing_from(&col.features);
                    if !missing.is_empty() {
                        lacking[i] = Some(format!("{} lacks {}", col.label, missing.join(", ")));
                        continue;
                    }
                    let t = Instant::now();
                    let run = run_engine(col.engine.as_mut(), &case.plan);
                    col.time += t.elapsed();
                    let judged = count_f_calls(&case.plan, &run);
                    col.checks += judged;
                    checks[i] += judged;
                    match judge_pair(&spec, &case, &expected, &run, 1, true, &mut trackers[i]) {
                        PairOutcome::Agree => {}
                        PairOutcome::Differ(d) => {
                            let failure = failure(&spec, &case, &expected, d, checks[i]);
                            cells[i] = Some(match known_bug(col.engine.as_mut(), &spec, &case, &expected) {
                                Some(bug) => Cell::Known { bug, failure },
                                None => Cell::Fail(failure),
                            });
                        }
                        // A resource limit of the engine's own (V8 refuses an
                        // array of 1 GiB or more before checking a data
                        // segment's bounds) leaves this Case out from that
                        // call on; the column goes on in a Case of the
                        // tuples after the one it stopped at.
                        PairOutcome::Inconclusive(r @ crate::judge::InconclusiveReason::Exhaustion { .. }) => {
                            exhausted[i].get_or_insert(r.to_string());
                            col.refused += 1;
                            let next = start + tuples_run_before_exhaustion(&case.plan, &expected, &run);
                            if next > start && next < tuples.len() && resumed < MAX_RESUMED {
                                segments.entry(next).or_default().push(i);
                                resumed += 1;
                            }
                        }
                        PairOutcome::Inconclusive(r) => {
                            let unsupported = matches!(r, crate::judge::InconclusiveReason::Unsupported { .. });
                            cells[i] = Some(if unsupported {
                                Cell::Unsupported(r.to_string())
                            } else {
                                Cell::Inconclusive(r.to_string())
                            });
                        }
                    }
                }
            }
        }
        let cells = cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                c.unwrap_or_else(|| {
                    if let (0, Some(lacks)) = (checks[i], lacking[i].take()) {
                        return Cell::Unsupported(lacks);
                    }
                    if let (0, Some(why)) = (checks[i], exhausted[i].take()) {
                        return Cell::Inconclusive(why);
                    }
                    let choices =
                        entry.relaxed_op().and_then(|_| trackers[i].choices(cols[i].engine.name(), entry.name));
                    Cell::Pass { checks: checks[i], choices }
                })
            })
            .collect();
        rows.push(Row { entry, cells });
    }
    Ok(Matrix {
        columns: cols,
        skipped,
        rows,
        samples: opts.samples,
        elapsed: start.elapsed(),
        reference_time,
        host: crosscheck_oracles::host::host_features(),
    })
}

/// What a failing cell shows of the first difference `d` on `case`: the
/// call with its operands (a const-fed or other operand source's call by
/// the `f` before it), the allowed set (the reference's value on the bits
/// its mask leaves determined), what the engine gave.
fn failure(
    spec: &Spec,
    case: &crate::case::Case,
    expected: &EngineRun,
    d: crate::judge::Difference,
    checks: u64,
) -> Failure {
    let call = match &d.site {
        crate::judge::Site::Call { index, export } => {
            // A const-fed `k(i)` (or another operand source) has the operands of the `f` before it.
            let args_of = |i: usize| {
                case.plan.calls[..=i]
                    .iter()
                    .rev()
                    .find(|c| c.export == "f")
                    .map(|c| c.args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
                    .unwrap_or_default()
            };
            let source = crate::single_inst::module::operand_source(export);
            let args = if source.is_some() {
                args_of(*index)
            } else {
                case.plan.calls[*index].args.iter().map(|a| a.to_string()).collect()
            };
            let fed = source.map(|s| format!(" ({s})")).unwrap_or_default();
            format!("{export}({}){fed}", args.join(", "))
        }
        other => other.to_string(),
    };
    // The allowed set of a plain result: the reference's
    // value on the bits its mask leaves determined.
    let allowed = match (&d.site, &expected.observation.masks) {
        (crate::judge::Site::Call { index, .. }, Some(masks)) if !d.class.starts_with("relaxed") => {
            let open: Vec<String> = (0..spec.entry.results.len().max(1))
                .map(|r| masks.result(*index, r))
                .map(|m| if m == 0 { "exact".to_string() } else { format!("open bits 0x{m:x}") })
                .collect();
            format!("{} (allowed: {})", d.expected, open.join(", "))
        }
        _ => d.expected,
    };
    Failure { instruction: spec.section_text(), class: d.class, call, expected: allowed, actual: d.actual, checks }
}

/// The documented bug of `engine`'s version that explains its failure on
/// `case`: the first whose workaround module the engine then passes (with a
/// relaxed choice of its own for the rerun).
fn known_bug(
    engine: &mut dyn Engine,
    spec: &Spec,
    case: &crate::case::Case,
    expected: &EngineRun,
) -> Option<&'static str> {
    let (name, version) = (engine.name().to_string(), engine.version());
    crate::triage::workarounds_for(&name, &version, &case.plan.wasm).find_map(|(bug, wasm)| {
        let plan = Plan { wasm, ..case.plan.clone() };
        let rerun = run_engine(engine, &plan);
        let outcome = judge_pair(spec, case, expected, &rerun, 1, true, &mut ChoiceTracker::new());
        matches!(outcome, PairOutcome::Agree).then_some(bug.name)
    })
}

/// An engine's run of a plan; a panic (an engine crash) becomes a failed
/// instantiation so the sweep goes on and the cell fails.
fn run_engine(engine: &mut dyn Engine, plan: &Plan) -> EngineRun {
    let observation = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.run(plan))) {
        Ok(o) => o,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into());
            let mut o = crosscheck_oracles::Observation::failed(crosscheck_oracles::InstantiateError::Rejected(
                format!("engine panicked: {msg}"),
            ));
            o.calls.clear();
            o
        }
    };
    EngineRun { engine: engine.name().to_string(), version: engine.version(), config: engine.config(), observation }
}

/// Most Cases of the rest of its tuples one (instruction, immediates)
/// judges after resource limits (each a reference run and a run of the
/// stopped columns).
const MAX_RESUMED: usize = 64;

/// How many tuples' `f` calls came before or at the first call either run
/// was refused for a resource limit at (the tuples it judged, and the one
/// the limit stopped; 0 if it stopped before the first `f`, or at
/// instantiation).
fn tuples_run_before_exhaustion(plan: &Plan, a: &EngineRun, b: &EngineRun) -> usize {
    let exhausted = |r: &EngineRun| r.observation.calls.iter().position(|o| matches!(o, CallOutcome::Exhausted(_)));
    let Some(at) = [exhausted(a), exhausted(b)].into_iter().flatten().min() else { return 0 };
    plan.calls.iter().take(at + 1).filter(|c| c.export == "f").count()
}

/// Calls of `f` an engine answered (the instruction checks).
fn count_f_calls(plan: &Plan, run: &EngineRun) -> u64 {
    plan.calls
        .iter()
        .zip(&run.observation.calls)
        .take_while(|(_, o)| matches!(o, CallOutcome::Returned(_) | CallOutcome::Trapped(_)))
        .filter(|(c, _)| crate::single_inst::module::is_instruction_export(&c.export))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosscheck_oracles::{Call, Exports, Observation, State, Val};

    fn run_of(calls: Vec<CallOutcome>) -> EngineRun {
        EngineRun {
            engine: "e".into(),
            version: String::new(),
            config: String::new(),
            observation: Observation::new(Ok(()), calls, State::default(), None),
        }
    }

    /// A Case goes on after the tuple a limit stopped: the tuples whose
    /// `f` came at or before the first refused call of either run, and
    /// none if the limit came before the first `f`.
    #[test]
    fn tuples_run_before_exhaustion_counts_the_fs_up_to_the_first_refusal() {
        let call = |export: &str| Call { export: export.into(), args: vec![Val::I32(0)] };
        // Tuple 0: f, k(0); tuple 1: poke, f; tuple 2: f.
        let plan = Plan {
            wasm: Vec::new(),
            calls: vec![call("f"), call("k"), call("poke"), call("f"), call("f")],
            observe: Exports::default(),
        };
        let ok = CallOutcome::Returned(Vec::new());
        let no = CallOutcome::Exhausted("limit".into());
        let all_ok = run_of(vec![ok.clone(); 5]);
        let at = |i: usize| {
            let mut calls = vec![ok.clone(); i];
            calls.push(no.clone());
            run_of(calls)
        };
        assert_eq!(tuples_run_before_exhaustion(&plan, &all_ok, &all_ok), 0);
        assert_eq!(tuples_run_before_exhaustion(&plan, &all_ok, &at(0)), 1);
        assert_eq!(tuples_run_before_exhaustion(&plan, &at(1), &all_ok), 1);
        // Refused at tuple 1's `poke`: tuple 1 did not run, the Case goes
        // on from it.
        assert_eq!(tuples_run_before_exhaustion(&plan, &all_ok, &at(2)), 1);
        assert_eq!(tuples_run_before_exhaustion(&plan, &at(3), &at(4)), 2);
        // Before any `f`: no progress, so no resumption.
        let first_poke = Plan { calls: vec![call("poke"), call("f")], ..plan.clone() };
        assert_eq!(tuples_run_before_exhaustion(&first_poke, &at(0), &all_ok), 0);
    }
}
