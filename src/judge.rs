//! The judge: decides whether engines' observations of one Case disagree in
//! a way the WebAssembly specification forbids.
//!
//! Every engine is compared with the baseline (the first engine: the
//! reference interpreter once it judges). Values are compared as bits on
//! the determined bits only — `(a ^ b) & !mask == 0`, where the mask holds
//! the bits the spec leaves open (carried by the baseline's
//! [`Masks`](crosscheck_oracles::Masks); all-zero for plain engines) — so
//! scalar floats differ on the sign of zero and on NaN payloads the spec
//! fixes. Traps compare by kind. Resource exhaustion, engine failures,
//! unsupported features and a grow one engine refused for its own reasons
//! make the rest of a comparison inconclusive, never a divergence.

use crate::case::Case;
use crosscheck_oracles::{
    CallOutcome, InstantiateError, Masks, MemoryState, Observation, State, Step, TableState, Val,
};
use std::fmt;

/// One engine's run of a Case.
#[derive(Clone, Debug)]
pub struct EngineRun {
    pub engine: String,
    pub version: String,
    pub config: String,
    pub observation: Observation,
}

/// Where two observations differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Site {
    Instantiation,
    Call { index: usize, export: String },
    Global { name: String },
    Memory { name: String },
    Table { name: String },
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Site::Instantiation => f.write_str("instantiation"),
            Site::Call { index, export } => write!(f, "call #{index} of export {export:?}"),
            Site::Global { name } => write!(f, "global {name:?}"),
            Site::Memory { name } => write!(f, "memory {name:?}"),
            Site::Table { name } => write!(f, "table {name:?}"),
        }
    }
}

/// One difference between the baseline and another engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Index of the other engine in the runs.
    pub engine: usize,
    pub site: Site,
    /// Short class of the difference, used in signatures
    /// (`result:f64`, `trap-kind:unreachable/memory`, `trap-vs-value`, ...).
    pub class: String,
    /// What the baseline saw, and what the other engine saw.
    pub expected: String,
    pub actual: String,
}

/// Why (part of) a comparison could not be decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InconclusiveReason {
    /// Stack or resource limits: engine-specific.
    Exhaustion { engine: String, detail: String },
    /// The engine could not run the Case (crashed worker, config error).
    EngineFailure { engine: String, detail: String },
    /// The module needs something the engine does not implement.
    Unsupported { engine: String, detail: String },
    /// Control flow, an address or a trap condition depends on bits the
    /// spec leaves open (reported by the reference interpreter).
    OpenBits { engine: String, detail: String },
    /// The engine refused a `memory.grow` or `table.grow` for its own
    /// reasons where the other performed it (the spec allows either), and
    /// the runs differ from there on.
    GrowRefused { engine: String, detail: String },
}

impl InconclusiveReason {
    /// The category counted in statistics.
    pub fn category(&self) -> &'static str {
        match self {
            InconclusiveReason::Exhaustion { .. } => "exhaustion",
            InconclusiveReason::EngineFailure { .. } => "engine-failure",
            InconclusiveReason::Unsupported { .. } => "unsupported",
            InconclusiveReason::OpenBits { .. } => "open-bits",
            InconclusiveReason::GrowRefused { .. } => "grow-refused",
        }
    }
}

impl fmt::Display for InconclusiveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (engine, detail) = match self {
            InconclusiveReason::Exhaustion { engine, detail }
            | InconclusiveReason::EngineFailure { engine, detail }
            | InconclusiveReason::Unsupported { engine, detail }
            | InconclusiveReason::OpenBits { engine, detail }
            | InconclusiveReason::GrowRefused { engine, detail } => (engine, detail),
        };
        write!(f, "{} on {engine}: {detail}", self.category())
    }
}

/// A divergence: every difference found, and a signature for de-duplication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub signature: String,
    pub differences: Vec<Difference>,
    /// The documented engine bug this divergence was traced to, if any.
    pub known_bug: Option<&'static str>,
}

/// The judge's answer for one Case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Agree,
    Diverge(Divergence),
    Inconclusive(InconclusiveReason),
}

/// How one engine compared with the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PairOutcome {
    Agree,
    Differ(Difference),
    Inconclusive(InconclusiveReason),
}

/// Judges a Case's runs; `runs[0]` is the baseline.
///
/// The Case diverges if any engine differs from the baseline; it is
/// inconclusive only if no engine could be compared with the baseline;
/// otherwise it agrees, and the per-pair outcomes tell which engines were
/// left out and why.
pub fn judge(case: &Case, runs: &[EngineRun]) -> (Verdict, Vec<PairOutcome>) {
    let Some(baseline) = runs.first() else {
        return (Verdict::Agree, Vec::new());
    };
    let pairs: Vec<PairOutcome> =
        runs.iter().enumerate().skip(1).map(|(i, run)| compare(case, baseline, run, i)).collect();
    let differences: Vec<Difference> =
        pairs.iter().filter_map(|p| if let PairOutcome::Differ(d) = p { Some(d.clone()) } else { None }).collect();
    let verdict = if let Some(first) = differences.first() {
        let signature = format!("{}~{}:{}", baseline.engine, runs[first.engine].engine, first.class);
        Verdict::Diverge(Divergence { signature, differences, known_bug: None })
    } else if let Some(reason) = pairs
        .iter()
        .try_fold(None, |first, p| match p {
            PairOutcome::Inconclusive(r) => Some(first.or_else(|| Some(r.clone()))),
            _ => None,
        })
        .flatten()
    {
        // No engine could be compared with the baseline at all.
        Verdict::Inconclusive(reason)
    } else {
        // Every pair that could be compared agreed; pairs that could not are
        // counted separately (see `PairOutcome`).
        Verdict::Agree
    };
    (verdict, pairs)
}

/// Compares one engine's run with the baseline's.
///
/// A difference at or after the first grow one of them refused for its own
/// reasons and the other performed is inconclusive ("grow-refused"): the
/// spec lets a grow fail for any reason of the implementation, so from
/// there the two runs may follow different paths that are both correct. A
/// difference before it stays a divergence, and so does everything when
/// both refused the same grows.
pub fn compare(case: &Case, base: &EngineRun, other: &EngineRun, engine: usize) -> PairOutcome {
    let outcome = compare_observations(case, base, other, engine);
    let (a, b) = (&base.observation.refused_grows, &other.observation.refused_grows);
    match (outcome, grow_fork(a, b)) {
        (PairOutcome::Differ(d), Some((fork, baseline_refused))) if !d.site.before(fork) => {
            let (refused, performed) = if baseline_refused { (base, other) } else { (other, base) };
            PairOutcome::Inconclusive(InconclusiveReason::GrowRefused {
                engine: refused.engine.clone(),
                detail: format!(
                    "refused a memory.grow or table.grow at {fork} that {} performed; the runs differ at {}",
                    performed.engine, d.site
                ),
            })
        }
        (outcome, _) => outcome,
    }
}

/// The first step at which one run refused a grow the other did not, and
/// whether the refusing run is the first: the two lists agree up to there.
fn grow_fork(a: &[Step], b: &[Step]) -> Option<(Step, bool)> {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(same), b.get(same)) {
        (Some(&x), Some(&y)) => Some(if x <= y { (x, true) } else { (y, false) }),
        (Some(&x), None) => Some((x, true)),
        (None, Some(&y)) => Some((y, false)),
        (None, None) => None,
    }
}

impl Site {
    /// Whether a difference here was seen before `step` ran (the final
    /// state is seen after every step).
    fn before(&self, step: Step) -> bool {
        match self {
            Site::Instantiation => Step::Instantiation < step,
            Site::Call { index, .. } => Step::Call(*index) < step,
            Site::Global { .. } | Site::Memory { .. } | Site::Table { .. } => false,
        }
    }
}

fn compare_observations(case: &Case, base: &EngineRun, other: &EngineRun, engine: usize) -> PairOutcome {
    let (a, b) = (&base.observation, &other.observation);
    let no_masks = Masks::default();
    let masks = a.masks.as_ref().unwrap_or(&no_masks);
    let differ = |site: Site, class: String, expected: String, actual: String| {
        PairOutcome::Differ(Difference { engine, site, class, expected, actual })
    };

    // Instantiation.
    for (run, obs) in [(base, a), (other, b)] {
        if let Err(e) = &obs.instantiation
            && let Some(reason) = inconclusive_instantiation(&run.engine, e)
        {
            return PairOutcome::Inconclusive(reason);
        }
    }
    match (&a.instantiation, &b.instantiation) {
        (Ok(()), Ok(())) => {}
        (Err(InstantiateError::Trapped(x)), Err(InstantiateError::Trapped(y))) if x == y => return PairOutcome::Agree,
        (Err(InstantiateError::Rejected(_)), Err(InstantiateError::Rejected(_))) => return PairOutcome::Agree,
        (x, y) => {
            let show = |r: &Result<(), InstantiateError>| match r {
                Ok(()) => "instantiated".to_string(),
                Err(e) => e.to_string(),
            };
            let class = match (x, y) {
                (Err(InstantiateError::Trapped(x)), Err(InstantiateError::Trapped(y))) => {
                    format!("instantiation-trap-kind:{}/{}", trap_tag(x), trap_tag(y))
                }
                _ => "instantiation".to_string(),
            };
            return differ(Site::Instantiation, class, show(x), show(y));
        }
    }

    // Calls, in order.
    for (index, call) in case.plan.calls.iter().enumerate() {
        let site = || Site::Call { index, export: call.export.clone() };
        let (Some(x), Some(y)) = (a.calls.get(index), b.calls.get(index)) else {
            // An engine stopped early; its stop was judged inconclusive at
            // the call where it happened, so this is unreachable unless an
            // adapter dropped calls.
            return PairOutcome::Inconclusive(InconclusiveReason::EngineFailure {
                engine: if a.calls.len() <= index { base.engine.clone() } else { other.engine.clone() },
                detail: format!("no outcome for call #{index}"),
            });
        };
        for (run, outcome) in [(base, x), (other, y)] {
            match outcome {
                CallOutcome::Exhausted(d) => {
                    return PairOutcome::Inconclusive(InconclusiveReason::Exhaustion {
                        engine: run.engine.clone(),
                        detail: format!("call #{index}: {d}"),
                    });
                }
                CallOutcome::Failed(d) => {
                    return PairOutcome::Inconclusive(InconclusiveReason::EngineFailure {
                        engine: run.engine.clone(),
                        detail: format!("call #{index}: {d}"),
                    });
                }
                CallOutcome::Undetermined(d) => {
                    return PairOutcome::Inconclusive(InconclusiveReason::OpenBits {
                        engine: run.engine.clone(),
                        detail: format!("call #{index}: {d}"),
                    });
                }
                _ => {}
            }
        }
        match (x, y) {
            (CallOutcome::Returned(xs), CallOutcome::Returned(ys)) => {
                if xs.len() != ys.len() {
                    return differ(site(), "result-arity".into(), x.to_string(), y.to_string());
                }
                for (i, (vx, vy)) in xs.iter().zip(ys).enumerate() {
                    if !same_val(vx, vy, masks.result(index, i)) {
                        return differ(site(), format!("result:{}", vx.ty()), x.to_string(), y.to_string());
                    }
                }
            }
            (CallOutcome::Trapped(kx), CallOutcome::Trapped(ky)) => {
                if !kx.agrees_with(ky) {
                    let class = format!("trap-kind:{}/{}", trap_tag(kx), trap_tag(ky));
                    return differ(site(), class, x.to_string(), y.to_string());
                }
            }
            (CallOutcome::Trapped(k), _) => {
                return differ(site(), format!("missing-trap:{}", trap_tag(k)), x.to_string(), y.to_string());
            }
            (_, CallOutcome::Trapped(k)) => {
                return differ(site(), format!("extra-trap:{}", trap_tag(k)), x.to_string(), y.to_string());
            }
            _ => unreachable!("exhausted and failed outcomes returned above"),
        }
    }
    if a.calls.len() < case.plan.calls.len() || b.calls.len() < case.plan.calls.len() {
        return PairOutcome::Agree;
    }
    compare_state(case, &a.state, &b.state, masks)
        .map_or(PairOutcome::Agree, |(site, class, e, g)| differ(site, class, e, g))
}

fn inconclusive_instantiation(engine: &str, e: &InstantiateError) -> Option<InconclusiveReason> {
    let engine = engine.to_string();
    match e {
        InstantiateError::Exhausted(d) => Some(InconclusiveReason::Exhaustion { engine, detail: d.clone() }),
        InstantiateError::Failed(d) => Some(InconclusiveReason::EngineFailure { engine, detail: d.clone() }),
        InstantiateError::Unsupported(d) => Some(InconclusiveReason::Unsupported { engine, detail: d.clone() }),
        InstantiateError::Rejected(_) | InstantiateError::Trapped(_) => None,
    }
}

/// Whether two values agree on every determined bit (types must match).
pub fn same_val(x: &Val, y: &Val, mask: u128) -> bool {
    x.ty() == y.ty() && (x.bits() ^ y.bits()) & !mask == 0
}

fn trap_tag(k: &crosscheck_oracles::TrapKind) -> String {
    use crosscheck_oracles::TrapKind as T;
    match k {
        T::Unreachable => "unreachable",
        T::IntegerDivideByZero => "div-by-zero",
        T::IntegerOverflow => "int-overflow",
        T::InvalidConversionToInteger => "bad-conversion",
        T::MemoryOutOfBounds => "memory-oob",
        T::TableOutOfBounds => "table-oob",
        T::IndirectCallToNull => "call-null",
        T::BadSignature => "bad-signature",
        T::IndirectCallToNullOrBadSignature => "call-null-or-bad-signature",
        T::InvalidConversionOrOverflow => "bad-conversion-or-overflow",
        T::NullReference => "null-ref",
        T::CastFailure => "cast-failure",
        T::ArrayOutOfBounds => "array-oob",
        T::UnalignedAtomic => "unaligned-atomic",
        T::UnalignedAtomicOrOutOfBounds => "unaligned-atomic-or-memory-oob",
        T::NullReferenceOrArrayOutOfBounds => "null-ref-or-array-oob",
        T::NullReferenceOrMemoryOutOfBounds => "null-ref-or-memory-oob",
        T::NullReferenceOrTableOutOfBounds => "null-ref-or-table-oob",
        T::AtomicWaitNonShared => "wait-unshared",
        T::UncaughtException => "uncaught-exception",
        T::Other(_) => "other",
    }
    .to_string()
}

type StateDiff = (Site, String, String, String);

fn compare_state(case: &Case, a: &State, b: &State, masks: &Masks) -> Option<StateDiff> {
    let obs = &case.plan.observe;
    for (i, name) in obs.globals.iter().enumerate() {
        let site = || Site::Global { name: name.clone() };
        match (a.globals.get(i).cloned().flatten(), b.globals.get(i).cloned().flatten()) {
            (Some(x), Some(y)) if same_val(&x, &y, masks.global(i)) => {}
            (Some(x), Some(y)) => return Some((site(), format!("global:{}", x.ty()), x.to_string(), y.to_string())),
            (None, None) => {}
            (x, y) => return Some((site(), "global-missing".into(), format!("{x:?}"), format!("{y:?}"))),
        }
    }
    for (i, name) in obs.memories.iter().enumerate() {
        let site = || Site::Memory { name: name.clone() };
        match (a.memories.get(i).and_then(|m| m.as_ref()), b.memories.get(i).and_then(|m| m.as_ref())) {
            (Some(x), Some(y)) => {
                if let Some((class, e, g)) = compare_memory(x, y, masks.memory(i)) {
                    return Some((site(), class, e, g));
                }
            }
            (None, None) => {}
            (x, y) => return Some((site(), "memory-missing".into(), format!("{x:?}"), format!("{y:?}"))),
        }
    }
    for (i, name) in obs.tables.iter().enumerate() {
        let site = || Site::Table { name: name.clone() };
        match (a.tables.get(i).and_then(|t| t.as_ref()), b.tables.get(i).and_then(|t| t.as_ref())) {
            (Some(x), Some(y)) => {
                if let Some((class, e, g)) = compare_table(x, y) {
                    return Some((site(), class, e, g));
                }
            }
            (None, None) => {}
            (x, y) => return Some((site(), "table-missing".into(), format!("{x:?}"), format!("{y:?}"))),
        }
    }
    None
}

/// Compares memories: size, then digest, then (on a digest mismatch or
/// with a mask) byte by byte for the first determined difference.
pub fn compare_memory(x: &MemoryState, y: &MemoryState, mask: Option<&[u8]>) -> Option<(String, String, String)> {
    if x.bytes.len() != y.bytes.len() {
        return Some((
            "memory-size".into(),
            format!("{} bytes ({} pages)", x.bytes.len(), x.bytes.len() / 65536),
            format!("{} bytes ({} pages)", y.bytes.len(), y.bytes.len() / 65536),
        ));
    }
    if mask.is_none() && x.digest == y.digest && x.bytes == y.bytes {
        return None;
    }
    let open = |i: usize| mask.and_then(|m| m.get(i)).copied().unwrap_or(0);
    let offset = x.bytes.iter().zip(&y.bytes).enumerate().position(|(i, (p, q))| (p ^ q) & !open(i) != 0)?;
    Some((
        "memory-bytes".into(),
        format!("byte 0x{:02x} at offset 0x{offset:x}", x.bytes[offset]),
        format!("byte 0x{:02x} at offset 0x{offset:x}", y.bytes[offset]),
    ))
}

fn compare_table(x: &TableState, y: &TableState) -> Option<(String, String, String)> {
    if x.size != y.size {
        return Some(("table-size".into(), format!("size {}", x.size), format!("size {}", y.size)));
    }
    let i = x.null.iter().zip(&y.null).position(|(p, q)| p != q)?;
    let show = |null: bool| if null { "null" } else { "non-null" };
    Some(("table-null".into(), format!("element {i} {}", show(x.null[i])), format!("element {i} {}", show(y.null[i]))))
}
