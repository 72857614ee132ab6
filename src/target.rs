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
    /// Real modules (the project's corpus or wasm-smith's) mutated with
    /// wasm-mutate, fuel-instrumented, on every engine; semantics-preserving
    /// mutations also checked against the original ([`crate::mutate`]).
    Mutate,
    /// Possibly invalid modules: every engine must agree on valid or
    /// invalid ([`crate::validate`]).
    Validate,
    /// Small functions built from a catalog of multi-instruction shapes
    /// that compilers lower specially, at edge addresses, judged against
    /// the reference's masks ([`crate::patterns`]).
    Patterns,
}

impl Target {
    pub const ALL: &[Target] =
        &[Target::Differential, Target::SingleInst, Target::Mutate, Target::Validate, Target::Patterns];

    pub fn name(self) -> &'static str {
        match self {
            Target::Differential => "differential",
            Target::SingleInst => "single_inst",
            Target::Mutate => "mutate",
            Target::Validate => "validate",
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
    /// `mutate` target: how the module was made, and the
    /// semantics-preservation oracle's verdict (when the mutation claimed
    /// to preserve semantics and the baseline reports masks).
    pub mutation: Option<MutationCheck>,
}

/// A mutated module's history and the oracle's verdict on it.
#[derive(Clone, Debug)]
pub struct MutationCheck {
    pub mutation: crate::mutate::Mutation,
    pub oracle: Option<crate::mutate::oracle::OracleVerdict>,
}

impl MutationCheck {
    /// The signature of a mutator divergence not traced to a documented
    /// wasm-mutate bug (a finding), if the oracle found one.
    pub fn unknown_mutator_divergence(&self) -> Option<String> {
        match &self.oracle {
            Some(o @ crate::mutate::oracle::OracleVerdict::Diverge { known_bug: None, .. }) => {
                o.signature(&self.mutation.kinds)
            }
            _ => None,
        }
    }
}

/// Runs `target` on `data` with `engines`.
pub fn check(target: Target, data: &[u8], engines: &mut EngineSet) -> Result<Checked, Reject> {
    let start = Instant::now();
    let (case, mutation) = prepare_with_mutation(target, data, engines)?;
    let mut checked = check_case(target.name().to_string(), case, engines, start.elapsed());
    if let Some(mutation) = mutation {
        let oracle = (mutation.preserve_semantics && engines.baseline_reports_masks())
            .then(|| run_oracle(&checked, &mutation, engines))
            .flatten();
        checked.mutation = Some(MutationCheck { mutation, oracle });
    }
    Ok(checked)
}

/// The original module on the baseline (the reference, configured as for
/// the mutant), judged against the baseline's run of the mutant.
fn run_oracle(
    checked: &Checked,
    mutation: &crate::mutate::Mutation,
    engines: &mut EngineSet,
) -> Option<crate::mutate::oracle::OracleVerdict> {
    use crate::mutate::oracle;
    let original = crate::mutate::runnable(&mutation.original, checked.case.determinism).ok()?;
    let plan = oracle::original_plan(original, &checked.case.plan).ok()?;
    let observed = engines.run_one(0, &plan);
    let mutated = &checked.runs.first()?.observation;
    let mut run = |p: &crosscheck_oracles::Plan| engines.run_one(0, p);
    Some(oracle::judge_and_attribute(&checked.case, &plan, &observed, mutated, mutation, &mut run))
}

/// Builds the Case `data` stands for and configures `engines` for it,
/// without running anything.
pub fn prepare(target: Target, data: &[u8], engines: &mut EngineSet) -> Result<Case, Reject> {
    prepare_with_mutation(target, data, engines).map(|(case, _)| case)
}

/// [`prepare`], and for the `mutate` target how the module was made.
pub fn prepare_with_mutation(
    target: Target,
    data: &[u8],
    engines: &mut EngineSet,
) -> Result<(Case, Option<crate::mutate::Mutation>), Reject> {
    let det = if engines.baseline_reports_masks() { Determinism::JUDGED } else { Determinism::PAIRWISE };
    let case = match target {
        Target::Differential => {
            // The first byte picks the Case's proposals from a fixed table
            // (never from the engines at hand: same bytes, same module).
            let (&swarm, data) = data.split_first().ok_or(arbitrary::Error::NotEnoughData)?;
            let features = crate::swarm::profile(swarm).features;
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
        Target::Mutate => {
            let (case, mutation, rest) = crate::mutate::case_from_bytes(data, det)?;
            engines.configure(&mut arbitrary::Unstructured::new(&rest), case.features)?;
            return Ok((case, Some(mutation)));
        }
        Target::Validate => {
            let (case, rest) = crate::validate::case_from_bytes(data, det)?;
            engines.configure(&mut arbitrary::Unstructured::new(&rest), case.features)?;
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
    Ok((case, None))
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
    let (mut verdict, pairs) = judge_runs(&case, &runs, &engines.engine_features());
    if let Verdict::Diverge(d) = &mut verdict
        && let Some(bug) = crate::triage::attribute(&case, &runs, engines)
    {
        d.known_bug = Some(bug.name);
        d.signature = format!("known-bug:{}", bug.name);
    }
    let timings = Timings { generate, engines: engine_times, judge: judge_start.elapsed() };
    Checked { origin, case, runs, verdict, pairs, timings, mutation: None }
}

/// Judges the engines' runs of a Case: a single-instruction module with the
/// exact judge (one relaxed choice per engine over this Case's calls; an
/// engine lacking the instruction's proposal, by `engine_features`, is left
/// out), any other module with [`judge`].
pub fn judge_runs(
    case: &Case,
    runs: &[EngineRun],
    engine_features: &[crosscheck_oracles::Features],
) -> (Verdict, Vec<PairOutcome>) {
    match crate::single_inst::Spec::of_module(&case.plan.wasm) {
        Some(spec) => {
            let supported: Vec<bool> =
                engine_features.iter().map(|f| spec.features().missing_from(f).is_empty()).collect();
            let mut tracker = crate::single_inst::ChoiceTracker::new();
            crate::single_inst::check::judge(&spec, case, runs, &supported, &mut tracker)
        }
        None => judge(case, runs),
    }
}

#[cfg(test)]
mod tests {
    use super::MutationCheck;
    use crate::mutate::Mutation;
    use crate::mutate::oracle::OracleVerdict;

    fn with(oracle: Option<OracleVerdict>) -> MutationCheck {
        let mutation = Mutation {
            source: "corpus/mutate/memcpy_loop".into(),
            original: Vec::new(),
            mutant: Vec::new(),
            seed: 1,
            preserve_semantics: true,
            steps: 1,
            kinds: vec!["PeepholeMutator".into()],
        };
        MutationCheck { mutation, oracle }
    }

    /// What `fuzz_one` panics on and `crosscheck repro` exits 1 on.
    #[test]
    fn only_an_untraced_mutator_divergence_is_a_finding() {
        let diverge =
            |known_bug| OracleVerdict::Diverge { class: "memory-bytes".into(), detail: String::new(), known_bug };
        assert_eq!(
            with(Some(diverge(None))).unknown_mutator_divergence().as_deref(),
            Some("mutator:PeepholeMutator:memory-bytes")
        );
        assert_eq!(
            with(Some(diverge(Some("wasm-mutate-peephole-duplicates-effects")))).unknown_mutator_divergence(),
            None
        );
        assert_eq!(with(Some(OracleVerdict::Agree { masks_needed: true })).unknown_mutator_divergence(), None);
        assert_eq!(with(Some(OracleVerdict::Inconclusive("stack".into()))).unknown_mutator_divergence(), None);
        assert_eq!(with(None).unknown_mutator_divergence(), None);
    }
}
