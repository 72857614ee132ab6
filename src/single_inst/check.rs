//! The exact per-instruction judge. Every engine is compared with the
//! reference interpreter's masked run of the same calls (the judge's usual
//! `(engine ^ reference) & !mask == 0`, which for one instruction on known
//! operands is exactly the set of results the spec allows: NaN sign and
//! payload open only where the spec leaves them open). Relaxed-SIMD
//! results are then checked against the allowed value of each
//! implementation choice, and the choices an engine's results fit are
//! intersected over the whole run: an engine whose results need two
//! different choices fails even though each result alone is allowed.
//! Reference instructions are judged against the spec's own model
//! ([`super::refs::expected`]), the reference interpreter included.

use super::module::{Spec, is_instruction_export};
use super::readback::tuple_operands;
use crate::case::Case;
use crate::judge::{Difference, Divergence, EngineRun, InconclusiveReason, PairOutcome, Site, Verdict, compare};
use crosscheck_oracles::{CallOutcome, Val};
use crosscheck_reference::Value;
use crosscheck_reference::masks::relaxed_choice_results;
use std::collections::HashMap;

/// The choice bits in use (no relaxed instruction has more than 4 choices;
/// the tracker starts from all bits set).
const CHOICE_BITS: u32 = 0xff;

/// Per engine and relaxed instruction, the implementation choices (bit
/// `r` = the spec's parameter `R = r`) consistent with every result seen.
#[derive(Clone, Debug, Default)]
pub struct ChoiceTracker {
    consistent: HashMap<(String, &'static str), u32>,
}

impl ChoiceTracker {
    pub fn new() -> ChoiceTracker {
        ChoiceTracker::default()
    }

    /// The choices still consistent for `engine` on `instruction`, if any
    /// result was seen.
    pub fn choices(&self, engine: &str, instruction: &str) -> Option<u32> {
        self.consistent.iter().find(|((e, i), _)| e == engine && *i == instruction).map(|(_, c)| *c & CHOICE_BITS)
    }
}

/// A value of the oracles' vocabulary as an interpreter value.
pub(crate) fn to_value(v: &Val) -> Value {
    match *v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(x) => Value::F32(x),
        Val::F64(x) => Value::F64(x),
        Val::V128(x) => Value::V128(x),
        Val::FuncRef { .. } => Value::FuncRef(None),
        Val::ExternRef { .. } => Value::ExternRef(None),
    }
}

fn show_choices(set: &[(u128, u128)]) -> String {
    let shown: Vec<String> = set
        .iter()
        .enumerate()
        .map(
            |(r, (v, m))| {
                if *m == 0 { format!("R={r}: 0x{v:032x}") } else { format!("R={r}: 0x{v:032x} (open 0x{m:032x})") }
            },
        )
        .collect();
    shown.join("; ")
}

/// Checks one engine's relaxed results in `run` against the allowed set of
/// every choice, narrowing `tracker`; the first violation.
pub fn check_relaxed(
    spec: &Spec,
    case: &Case,
    run: &EngineRun,
    engine_index: usize,
    tracker: &mut ChoiceTracker,
) -> Option<Difference> {
    let op = spec.entry.relaxed_op()?;
    let key = (run.engine.clone(), spec.entry.name);
    // A const-fed `k(i)` has the operands of the `f` call before it.
    let mut operands_of_f: &[Val] = &[];
    for (index, call) in case.plan.calls.iter().enumerate() {
        if call.export == "f" {
            operands_of_f = &call.args;
        } else if !is_instruction_export(&call.export) {
            continue;
        }
        let Some(CallOutcome::Returned(vals)) = run.observation.calls.get(index) else { continue };
        let Some(got) = vals.first() else { continue };
        let operands: Vec<Value> = operands_of_f.iter().map(to_value).collect();
        let set = relaxed_choice_results(op, &operands)?;
        let fits: u32 =
            set.iter().enumerate().filter(|(_, (v, m))| (got.bits() ^ v) & !m == 0).fold(0, |acc, (r, _)| acc | 1 << r);
        let args: Vec<String> = operands_of_f.iter().map(|a| a.to_string()).collect();
        let site = Site::Call { index, export: call.export.clone() };
        if fits == 0 {
            return Some(Difference {
                engine: engine_index,
                site,
                class: "relaxed-not-allowed".into(),
                expected: format!("f({}) in {{{}}}", args.join(", "), show_choices(&set)),
                actual: got.to_string(),
            });
        }
        let before = *tracker.consistent.get(&key).unwrap_or(&u32::MAX);
        let now = before & fits;
        if now == 0 {
            return Some(Difference {
                engine: engine_index,
                site,
                class: "relaxed-choice-changed".into(),
                expected: format!(
                    "f({}) under one of the choices seen so far {{{}}}: {}",
                    args.join(", "),
                    choice_list(before),
                    show_choices(&set)
                ),
                actual: format!("{got} (only choices {{{}}})", choice_list(fits)),
            });
        }
        tracker.consistent.insert(key.clone(), now);
    }
    None
}

/// Checks a run's instruction calls against the spec's model of a
/// reference instruction ([`super::refs::expected`]). `None`: the
/// instruction has no model; `Some(Ok(true))`: every call returned or
/// trapped exactly as the spec says; `Some(Ok(false))`: some call has no
/// outcome to compare (the engine failed or was exhausted: left to the
/// comparison with the reference); `Some(Err)`: the first deviation.
pub fn check_model(spec: &Spec, case: &Case, run: &EngineRun, engine_index: usize) -> Option<Result<bool, Difference>> {
    super::refs::sig(spec.entry, &spec.imm)?;
    let params = spec.entry.params.len();
    let mut operands_of_f: Vec<Val> = Vec::new();
    let mut matched = 0;
    for (index, call) in case.plan.calls.iter().enumerate() {
        if call.export == "f" {
            operands_of_f = call.args.clone();
        } else if !is_instruction_export(&call.export) {
            continue;
        }
        // The operands the function runs the instruction on: its own, or
        // those its tuple has built into the dispatcher `k`.
        let operands = if call.export == "f" {
            call.args.clone()
        } else {
            tuple_operands(&case.plan.wasm, call, params).unwrap_or_else(|| operands_of_f.clone())
        };
        let Some(expected) = super::refs::expected(spec.entry, &spec.imm, &operands) else { continue };
        let got = match run.observation.calls.get(index) {
            Some(o @ (CallOutcome::Returned(_) | CallOutcome::Trapped(_))) => o,
            _ => return Some(Ok(false)),
        };
        if *got != expected {
            let args: Vec<String> = operands.iter().map(|a| a.to_string()).collect();
            return Some(Err(Difference {
                engine: engine_index,
                site: Site::Call { index, export: call.export.clone() },
                class: "spec-model".into(),
                expected: format!("{}({}) = {expected} (the spec)", spec.entry.name, args.join(", ")),
                actual: got.to_string(),
            }));
        }
        matched += 1;
    }
    Some(Ok(matched > 0))
}

fn choice_list(bits: u32) -> String {
    let v: Vec<String> = (0..32).filter(|r| bits >> r & 1 == 1).map(|r| format!("R={r}")).collect();
    v.join(",")
}

/// Judges a single-instruction Case: `runs[0]` is the reference (masked);
/// engines that lack the instruction's proposal are left out.
pub fn judge(
    spec: &Spec,
    case: &Case,
    runs: &[EngineRun],
    supported: &[bool],
    tracker: &mut ChoiceTracker,
) -> (Verdict, Vec<PairOutcome>) {
    let Some(baseline) = runs.first() else {
        return (Verdict::Agree, Vec::new());
    };
    let pairs: Vec<PairOutcome> = runs
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, run)| judge_pair(spec, case, baseline, run, i, supported.get(i).copied().unwrap_or(true), tracker))
        .collect();
    // Where the spec's model exists, the baseline is judged by it too.
    let baseline_deviation = match supported.first() {
        Some(false) => None,
        _ => check_model(spec, case, baseline, 0).and_then(Result::err),
    };
    let differences: Vec<Difference> = baseline_deviation
        .into_iter()
        .chain(pairs.iter().filter_map(|p| if let PairOutcome::Differ(d) = p { Some(d.clone()) } else { None }))
        .collect();
    let verdict = if let Some(first) = differences.first() {
        let signature = if first.engine == 0 {
            format!("{}:spec~{}:{}", spec.entry.name, baseline.engine, first.class)
        } else {
            format!("{}:{}~{}:{}", spec.entry.name, baseline.engine, runs[first.engine].engine, first.class)
        };
        Verdict::Diverge(Divergence { signature, differences, known_bug: None })
    } else if pairs.iter().all(|p| matches!(p, PairOutcome::Inconclusive(_)))
        && let Some(PairOutcome::Inconclusive(r)) = pairs.first()
    {
        Verdict::Inconclusive(r.clone())
    } else {
        Verdict::Agree
    };
    (verdict, pairs)
}

/// One engine against the reference: unsupported, the spec's model
/// (reference instructions: exact on every call, whatever the reference
/// says), the masked comparison, then (relaxed SIMD) the exact choice
/// check.
pub fn judge_pair(
    spec: &Spec,
    case: &Case,
    baseline: &EngineRun,
    run: &EngineRun,
    index: usize,
    supported: bool,
    tracker: &mut ChoiceTracker,
) -> PairOutcome {
    if !supported {
        return PairOutcome::Inconclusive(InconclusiveReason::Unsupported {
            engine: run.engine.clone(),
            detail: format!("{} needs a proposal this engine lacks", spec.entry.name),
        });
    }
    match check_model(spec, case, run, index) {
        Some(Err(d)) => return PairOutcome::Differ(d),
        Some(Ok(true)) => return PairOutcome::Agree,
        _ => {}
    }
    match compare(case, baseline, run, index) {
        PairOutcome::Agree => match check_relaxed(spec, case, run, index, tracker) {
            Some(d) => PairOutcome::Differ(d),
            None => PairOutcome::Agree,
        },
        other => other,
    }
}
