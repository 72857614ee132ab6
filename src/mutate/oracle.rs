//! The semantics-preservation oracle: a mutation wasm-mutate made with
//! `preserve_semantics` must not change what the module computes. The
//! original and the mutant run the same calls on the reference interpreter
//! and are compared on the bits both determine (the union of their
//! undetermined masks), so a NaN payload the spec leaves open is no alarm.
//! Any other difference is a *mutator* divergence, kept apart from engine
//! divergences.
//!
//! Fuel: both modules carry the fuel counter ([`crate::fuel`]), but a
//! mutant may spend fuel differently (more calls, other loops). Once
//! either run has exhausted its fuel, calls from the first `unreachable`
//! trap on, and the final state, are not compared; the counter itself
//! never is.

use super::known_bugs::Trace;
use crate::case::Case;
use crate::fuel::FUEL_EXPORT;
use crate::judge::{EngineRun, InconclusiveReason, PairOutcome, compare};
use crosscheck_oracles::{CallOutcome, Exports, Masks, Observation, Plan, State, TrapKind, Val};

/// What the oracle said of one mutation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OracleVerdict {
    /// Same observations on every determined bit. `masks_needed`: they
    /// differ on bits the masks leave open (a false alarm without them).
    Agree { masks_needed: bool },
    /// The mutant computes something else: a mutator bug, maybe one
    /// already documented ([`super::known_bugs`]).
    Diverge { class: String, detail: String, known_bug: Option<&'static str> },
    /// Nothing could be compared (a run exhausted the stack, open bits
    /// decided control flow, ...).
    Inconclusive(String),
}

impl OracleVerdict {
    /// The signature of a mutator divergence (for de-duplication).
    pub fn signature(&self, kinds: &[String]) -> Option<String> {
        match self {
            OracleVerdict::Diverge { known_bug: Some(bug), .. } => Some(format!("known-bug:{bug}")),
            OracleVerdict::Diverge { class, .. } => Some(format!("mutator:{}:{class}", kinds.join("+"))),
            _ => None,
        }
    }
}

/// The plan for the original module: the mutant's calls, the original's
/// observed exports, the original with probe wrappers as the mutant's Case
/// has them (wasm-mutate 0.254 reads no module that needs them, so their
/// slots are the same for both).
pub fn original_plan(original: Vec<u8>, mutant_plan: &Plan) -> Result<Plan, String> {
    // Observed as the mutant's Case is: through probe wrappers.
    let original = crate::probes::with_probes(original)?;
    let observe = Exports::of_module(&original).map_err(|e| e.to_string())?;
    Ok(Plan { wasm: original, calls: mutant_plan.calls.clone(), observe })
}

/// Compares the reference's run of the original (`original`, with masks)
/// with its run of the mutant (`mutant`, with masks). `case` is the
/// mutant's Case.
pub fn judge(case: &Case, original_plan: &Plan, original: &Observation, mutant: &Observation) -> OracleVerdict {
    if original_plan.observe != case.plan.observe {
        return OracleVerdict::Diverge {
            class: "exports".into(),
            detail: format!("observed exports changed: {:?} -> {:?}", original_plan.observe, case.plan.observe),
            known_bug: None,
        };
    }
    let fuel_index = case.plan.observe.globals.iter().position(|g| g == FUEL_EXPORT);
    let exhausted =
        |o: &Observation| fuel_index.is_some_and(|i| matches!(o.state.globals.get(i), Some(Some(Val::I32(0)))));
    let mut a = original.clone();
    let mut b = mutant.clone();
    let mut case = case.clone();
    if exhausted(&a) || exhausted(&b) {
        let is_unreachable = |c: Option<&CallOutcome>| matches!(c, Some(CallOutcome::Trapped(TrapKind::Unreachable)));
        let n = case.plan.calls.len();
        let k = (0..n).find(|&i| is_unreachable(a.calls.get(i)) || is_unreachable(b.calls.get(i))).unwrap_or(n);
        case.plan.calls.truncate(k);
        for o in [&mut a, &mut b] {
            o.calls.truncate(k);
            o.state = State::default();
        }
    }
    let mut masks = union(a.masks.as_ref(), b.masks.as_ref());
    if let Some(i) = fuel_index {
        if masks.globals.len() <= i {
            masks.globals.resize(i + 1, 0);
        }
        masks.globals[i] = u128::MAX;
    }
    let run = |observation: Observation, name: &str| EngineRun {
        engine: name.to_string(),
        version: String::new(),
        config: String::new(),
        observation,
    };
    let fuel_only = {
        let mut m = Masks::default();
        if let Some(i) = fuel_index {
            m.globals = vec![0; i + 1];
            m.globals[i] = u128::MAX;
        }
        m
    };
    a.masks = Some(masks);
    let b_run = run(b, "mutant");
    match compare(&case, &run(a.clone(), "original"), &b_run, 1) {
        PairOutcome::Agree => {
            a.masks = Some(fuel_only);
            let exact = compare(&case, &run(a, "original"), &b_run, 1);
            OracleVerdict::Agree { masks_needed: matches!(exact, PairOutcome::Differ(_)) }
        }
        PairOutcome::Differ(d) => OracleVerdict::Diverge {
            class: d.class.clone(),
            detail: format!("at {}: original {}, mutant {}", d.site, d.expected, d.actual),
            known_bug: None,
        },
        PairOutcome::Inconclusive(r) => OracleVerdict::Inconclusive(reason(&r)),
    }
}

/// [`judge`], and a divergence traced to a documented wasm-mutate bug
/// when undoing that bug's rewrites in the mutant makes the oracle agree
/// (or doing them in the original: [`Trace::Redo`]). A chain of several
/// steps that is not traced as a whole is traced step by step
/// ([`trace_steps`]). `run` runs a plan on the reference.
pub fn judge_and_attribute(
    case: &Case,
    original_plan: &Plan,
    observed: &Observation,
    mutated: &Observation,
    mutation: &super::Mutation,
    run: &mut dyn FnMut(&Plan) -> Observation,
) -> OracleVerdict {
    let mut verdict = judge(case, original_plan, observed, mutated);
    let OracleVerdict::Diverge { known_bug, detail, .. } = &mut verdict else { return verdict };
    let modules = (&mutation.original[..], &mutation.mutant[..]);
    *known_bug = known_bug_of(case, original_plan, observed, mutated, modules, run);
    if known_bug.is_none()
        && mutation.kinds.len() > 1
        && let Some(steps) = trace_steps(case, (original_plan, observed), mutation, run)
    {
        *known_bug = steps.first().map(|&(_, bug)| bug);
        let steps: Vec<String> = steps.iter().map(|(step, bug)| format!("step {step} is {bug}")).collect();
        detail.push_str(&format!("; traced step by step: {}, the other steps agree", steps.join(", ")));
    }
    verdict
}

/// The documented wasm-mutate bug a divergence of `mutated` (the
/// reference's run of `case`) from `observed` (its run of
/// `original_plan`) comes from, if undoing or redoing one bug's rewrites
/// explains it. `modules`: the original and the mutant before fuel.
fn known_bug_of(
    case: &Case,
    original_plan: &Plan,
    observed: &Observation,
    mutated: &Observation,
    (original, mutant): (&[u8], &[u8]),
    run: &mut dyn FnMut(&Plan) -> Observation,
) -> Option<&'static str> {
    let bug = super::known_bugs::KNOWN_MUTATOR_BUGS.iter().find(|bug| match bug.trace {
        Trace::Undo(undo) => undo(mutant).is_some_and(|undone| {
            let Ok(wasm) = super::runnable(&undone, case.determinism) else { return false };
            let mut fixed = case.clone();
            fixed.plan.wasm = wasm;
            let observed_fixed = run(&fixed.plan);
            !matches!(judge(&fixed, original_plan, observed, &observed_fixed), OracleVerdict::Diverge { .. })
        }),
        Trace::Redo(redo) => redo(original, mutant).into_iter().any(|redone| {
            let Ok(wasm) = super::runnable(&redone, case.determinism) else { return false };
            let Ok(plan) = self::original_plan(wasm, &case.plan) else { return false };
            let observed_redone = run(&plan);
            matches!(judge(case, &plan, &observed_redone, mutated), OracleVerdict::Agree { .. })
        }),
    })?;
    Some(bug.name)
}

/// A chain of wasm-mutate steps replayed from `mutation`'s original and
/// seed, and each step judged against the one before it on `case`'s
/// calls: the steps that diverge (1-based) and the documented bug each is
/// traced to, when every step either agrees or is traced to one. `None`
/// when a step diverges untraced or is inconclusive, when no step alone
/// diverges (the steps' open bits added up), or when the replay does not
/// give the mutant. `first_plan` and `observed`: the original's plan and
/// the reference's run of it.
pub fn trace_steps(
    case: &Case,
    (first_plan, observed): (&Plan, &Observation),
    mutation: &super::Mutation,
    run: &mut dyn FnMut(&Plan) -> Observation,
) -> Option<Vec<(usize, &'static str)>> {
    let steps = super::chain(&mutation.original, mutation.seed, mutation.steps, mutation.preserve_semantics);
    if steps.last().map(|(m, _)| m) != Some(&mutation.mutant) {
        return None;
    }
    let plan_of = |module: &[u8]| {
        let wasm = super::runnable(module, case.determinism).ok()?;
        original_plan(wasm, &case.plan).ok()
    };
    let mut before = (mutation.original.clone(), first_plan.clone());
    let mut observed = observed.clone();
    let mut traced = Vec::new();
    for (n, (module, _)) in steps.into_iter().enumerate() {
        let plan = plan_of(&module)?;
        let mutated = run(&plan);
        let step_case = Case { plan, ..case.clone() };
        match judge(&step_case, &before.1, &observed, &mutated) {
            OracleVerdict::Agree { .. } => {}
            OracleVerdict::Diverge { .. } => {
                let modules = (&before.0[..], &module[..]);
                traced.push((n + 1, known_bug_of(&step_case, &before.1, &observed, &mutated, modules, run)?));
            }
            OracleVerdict::Inconclusive(_) => return None,
        }
        before = (module, step_case.plan);
        observed = mutated;
    }
    (!traced.is_empty()).then_some(traced)
}

fn reason(r: &InconclusiveReason) -> String {
    r.to_string()
}

/// Bits open in either observation.
fn union(a: Option<&Masks>, b: Option<&Masks>) -> Masks {
    let none = Masks::default();
    let (a, b) = (a.unwrap_or(&none), b.unwrap_or(&none));
    let results = (0..a.results.len().max(b.results.len()))
        .map(|c| {
            let n = a.results.get(c).map_or(0, Vec::len).max(b.results.get(c).map_or(0, Vec::len));
            (0..n).map(|i| a.result(c, i) | b.result(c, i)).collect()
        })
        .collect();
    let globals = (0..a.globals.len().max(b.globals.len())).map(|i| a.global(i) | b.global(i)).collect();
    let memories = (0..a.memories.len().max(b.memories.len()))
        .map(|m| {
            let (x, y) =
                (a.memories.get(m).map_or(&[][..], Vec::as_slice), b.memories.get(m).map_or(&[][..], Vec::as_slice));
            if x.is_empty() && y.is_empty() {
                return Vec::new();
            }
            (0..x.len().max(y.len())).map(|i| x.get(i).copied().unwrap_or(0) | y.get(i).copied().unwrap_or(0)).collect()
        })
        .collect();
    Masks { results, globals, memories }
}

/// Tally of an oracle campaign ([`campaign`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OracleStats {
    /// Mutations tried (recipes drawn).
    pub mutations: u64,
    /// Recipes where wasm-mutate applied no semantics-preserving step.
    pub unmutated: u64,
    /// Recipes that gave no runnable module (no bytes left for a
    /// wasm-smith module, a mutant the fuel pass or validation refused).
    pub skipped: u64,
    pub agree: u64,
    /// Agreements that a bit-exact comparison would have called
    /// divergences: the masks kept them from being false alarms.
    pub saved_by_masks: u64,
    pub diverge: u64,
    /// Divergences traced to a documented wasm-mutate bug (also in `diverge`).
    pub known_bug: u64,
    pub inconclusive: u64,
    /// How often each wasm-mutate mutator was applied.
    pub kinds: std::collections::BTreeMap<String, u64>,
    /// Each divergence: signature and a one-line description.
    pub divergences: Vec<(String, String)>,
    /// Each divergence's mutation (original and mutant modules).
    pub diverging: Vec<super::Mutation>,
}

/// Runs the original and the mutant of `mutation` with calls planned from
/// `plan_bytes` on `reference` (an engine that reports masks), and judges.
pub fn check_mutation(
    mutation: &super::Mutation,
    plan_bytes: &[u8],
    reference: &mut dyn crosscheck_oracles::Engine,
) -> Result<OracleVerdict, crate::case::Reject> {
    use crate::case::{Determinism, Reject};
    let det = Determinism::JUDGED;
    let wasm = super::runnable(&mutation.mutant, det)?;
    let mut u = arbitrary::Unstructured::new(plan_bytes);
    let case = Case::from_wasm(wasm, &mut u, super::FEATURES, det)?;
    let original = super::runnable(&mutation.original, det)?;
    let plan = original_plan(original, &case.plan).map_err(Reject::Module)?;
    let before = reference.run(&plan);
    let after = reference.run(&case.plan);
    Ok(judge_and_attribute(&case, &plan, &before, &after, mutation, &mut |p| reference.run(p)))
}

/// `count` semantics-preserving mutation recipes (corpus modules and fresh
/// wasm-smith ones, 1–8 wasm-mutate steps) from `seed`, each judged by the
/// oracle on `reference`. `progress` is called after each mutation.
pub fn campaign(
    count: u64,
    seed: u64,
    reference: &mut dyn crosscheck_oracles::Engine,
    mut progress: impl FnMut(&OracleStats),
) -> OracleStats {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
    let mut stats = OracleStats::default();
    for _ in 0..count {
        stats.mutations += 1;
        let mut input = vec![0u8; rng.random_range(256..=2048)];
        rng.fill(&mut input[..]);
        let Ok((mut mutation, rest)) = super::recipe(&input) else {
            stats.skipped += 1;
            continue;
        };
        if !mutation.preserve_semantics {
            // Same recipe, preserving.
            let (mutant, kinds) = super::mutate(&mutation.original, mutation.seed, mutation.steps, true);
            mutation.mutant = mutant;
            mutation.kinds = kinds;
            mutation.preserve_semantics = true;
        }
        if mutation.kinds.is_empty() {
            stats.unmutated += 1;
            continue;
        }
        for k in &mutation.kinds {
            *stats.kinds.entry(k.clone()).or_default() += 1;
        }
        match check_mutation(&mutation, rest.take_rest(), reference) {
            Err(_) => stats.skipped += 1,
            Ok(OracleVerdict::Agree { masks_needed }) => {
                stats.agree += 1;
                stats.saved_by_masks += u64::from(masks_needed);
            }
            Ok(v @ OracleVerdict::Diverge { .. }) => {
                stats.diverge += 1;
                stats.known_bug += u64::from(matches!(v, OracleVerdict::Diverge { known_bug: Some(_), .. }));
                let sig = v.signature(&mutation.kinds).unwrap_or_default();
                let OracleVerdict::Diverge { detail, .. } = &v else { unreachable!() };
                stats.divergences.push((sig, format!("{}; {detail}", mutation.describe())));
                stats.diverging.push(mutation);
            }
            Ok(OracleVerdict::Inconclusive(_)) => stats.inconclusive += 1,
        }
        progress(&stats);
    }
    stats
}
