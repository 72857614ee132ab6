//! Fuzz targets: functions from raw bytes to a judged Case. The cargo-fuzz
//! targets, `crosscheck fuzz`, `crosscheck repro` and the self-test all call
//! these, so the same bytes always mean the same thing.

use crate::case::{Case, Determinism, Reject};
use crate::engines::EngineSet;
use crate::judge::{EngineRun, PairOutcome, Verdict, judge};
use std::time::{Duration, Instant};

/// A fuzz target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// wasm-smith modules on every engine, judged against the first.
    Differential,
    /// One instruction (numeric, SIMD, relaxed SIMD; immediates from the
    /// bytes) called with a batch of edge-biased operands, judged against
    /// the exact set of results the spec allows ([`crate::single_inst`]).
    SingleInst,
    /// Small functions built from a catalog of multi-instruction shapes
    /// that compilers lower specially, at edge addresses, judged against
    /// the reference's masks ([`crate::patterns`]).
    Patterns,
}

impl Target {
    pub const ALL: &[Target] = &[Target::Differential, Target::SingleInst, Target::Patterns];

    pub fn name(self) -> &'static str {
        match self {
            Target::Differential => "differential",
            Target::SingleInst => "single_inst",
            Target::Patterns => "patterns",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.name() == name)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a checked Case spent its time.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// Building the Case (wasm-smith, instrumentation, call plan).
    pub generate: Duration,
    /// Per engine: compile, instantiate, calls, state.
    pub engines: Vec<Duration>,
    pub judge: Duration,
}

/// A judged Case.
#[derive(Debug)]
pub struct Checked {
    /// What produced the Case: a target name, or a file for `crosscheck run`.
    pub origin: String,
    pub case: Case,
    pub runs: Vec<EngineRun>,
    pub verdict: Verdict,
    pub pairs: Vec<PairOutcome>,
    pub timings: Timings,
}

/// Runs `target` on `data` with `engines`.
pub fn check(target: Target, data: &[u8], engines: &mut EngineSet) -> Result<Checked, Reject> {
    let start = Instant::now();
    let case = prepare(target, data, engines)?;
    Ok(check_case(target.name().to_string(), case, engines, start.elapsed()))
}

/// Builds the Case `data` stands for and configures `engines` for it,
/// without running anything.
pub fn prepare(target: Target, data: &[u8], engines: &mut EngineSet) -> Result<Case, Reject> {
    let det = if engines.baseline_reports_masks() { Determinism::JUDGED } else { Determinism::PAIRWISE };
    let case = match target {
        Target::Differential => {
            // The first byte chooses which engines narrow the Case's proposals.
            let (&swarm, data) = data.split_first().ok_or(arbitrary::Error::NotEnoughData)?;
            let features = engines.swarm_features(swarm);
            let (case, mut rest) = Case::smith(data, features, det)?;
            engines.configure(&mut rest, features)?;
            case
        }
        Target::SingleInst => {
            if !engines.baseline_reports_masks() {
                return Err(Reject::Module(
                    "single_inst is judged by the reference interpreter: make `reference` the first engine".into(),
                ));
            }
            // The instruction comes from the whole catalog whatever the
            // engines support (same bytes, same Case); engines lacking its
            // proposal are left out when judging.
            let (case, _, mut rest) = crate::single_inst::case_from_bytes(data)?;
            engines.configure(&mut rest, case.features)?;
            case
        }
        Target::Patterns => {
            if !engines.baseline_reports_masks() {
                return Err(Reject::Module(
                    "patterns keeps NaNs as computed and is judged by the reference interpreter: make `reference` the first engine".into(),
                ));
            }
            let (case, mut rest) = crate::patterns::case_from_bytes(data)?;
            engines.configure(&mut rest, case.features)?;
            case
        }
    };
    Ok(case)
}

/// Where the plan part of a differential input begins: after the swarm
/// byte and the module bytes ([`prepare`]). Bytes from there on change the
/// calls, arguments and engine configurations, never the module.
pub fn differential_plan_start(input_len: usize) -> usize {
    input_len - crate::case::plan_tail_len(input_len.saturating_sub(1))
}

/// Runs an already built Case on `engines` and judges it.
pub fn check_case(origin: String, case: Case, engines: &mut EngineSet, generate: Duration) -> Checked {
    let (runs, engine_times) = engines.run(&case.plan);
    let judge_start = Instant::now();
    let (mut verdict, pairs) = match crate::single_inst::Spec::of_module(&case.plan.wasm) {
        // A single-instruction module: the exact judge (one relaxed choice
        // per engine over this Case's calls).
        Some(spec) => {
            let supported: Vec<bool> =
                engines.engine_features().iter().map(|f| spec.entry.features().missing_from(f).is_empty()).collect();
            let mut tracker = crate::single_inst::ChoiceTracker::new();
            crate::single_inst::check::judge(&spec, &case, &runs, &supported, &mut tracker)
        }
        None => judge(&case, &runs),
    };
    if let Verdict::Diverge(d) = &mut verdict
        && let Some(bug) = crate::triage::attribute(&case, &runs, engines)
    {
        d.known_bug = Some(bug.name);
        d.signature = format!("known-bug:{}", bug.name);
    }
    let timings = Timings { generate, engines: engine_times, judge: judge_start.elapsed() };
    Checked { origin, case, runs, verdict, pairs, timings }
}
