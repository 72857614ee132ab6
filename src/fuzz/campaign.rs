//! One fuzzing job in process: draw random bytes, check them with a target,
//! count the verdict, and write each divergence to disk before anything
//! else happens.

use super::stats::{Stats, keys};
use crate::artifacts::{Saved, save_divergence};
use crate::engines::EngineSet;
use crate::judge::{PairOutcome, Verdict};
use crate::target::{Checked, Target, check, differential_plan_start};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

/// Settings of one job.
#[derive(Clone, Debug)]
pub struct CampaignOptions {
    pub target: Target,
    pub seed: u64,
    /// Inputs are between `min_len` and `max_len` random bytes.
    pub min_len: usize,
    pub max_len: usize,
    /// Where divergences are written; `None` keeps them in memory only
    /// (self-test, benchmarks).
    pub artifacts: Option<PathBuf>,
    /// Inputs in a row that share one module (differential target): after
    /// a fresh input, `reuse - 1` more keep its swarm byte and module bytes
    /// and redraw only the plan part (calls, arguments, every engine's
    /// configuration). Each is a Case of its own; wasm-smith runs once for
    /// all of them (the module comes from [`crate::case`]'s cache).
    pub reuse: u32,
    /// Differential target: the swarm bytes (indices into
    /// [`crate::swarm::PROFILES`]) inputs may start with; empty for any.
    pub swarm: Vec<u8>,
}

/// Default of [`CampaignOptions::reuse`]: a fresh module for every input.
/// Reuse trades module diversity for throughput: it pays where generation
/// is a large share of a Case (`bench --reuse 4` on wasmtime + wasmi takes
/// the harness from about 20% to 8% of the time), but with reuse 4 the
/// self-test's `relaxed-lane` fault, which needs a module that uses relaxed
/// SIMD, went undetected in 48,000 Cases.
pub const DEFAULT_REUSE: u32 = 1;

impl CampaignOptions {
    pub fn new(target: Target, seed: u64) -> CampaignOptions {
        CampaignOptions {
            target,
            seed,
            min_len: 256,
            max_len: 4096,
            artifacts: None,
            reuse: DEFAULT_REUSE,
            swarm: Vec::new(),
        }
    }
}

/// What one step did.
#[derive(Debug)]
pub struct Step {
    pub input: Vec<u8>,
    /// `None` when the bytes gave no Case.
    pub checked: Option<Checked>,
    pub saved: Option<Saved>,
    /// The Case saved under `artifacts/engine-failure/` because an engine
    /// could not run it (see [`crate::artifacts::engine_failure_signature`]).
    pub engine_failure: Option<Saved>,
    /// The mutator divergence saved under `artifacts/mutate-oracle/` (a
    /// semantics-preserving mutation that changed what the reference saw).
    pub mutator_divergence: Option<Saved>,
}

/// An in-process fuzzing job.
pub struct Campaign {
    pub options: CampaignOptions,
    pub engines: EngineSet,
    pub stats: Stats,
    rng: SmallRng,
    /// The last fresh input and how many more inputs may reuse its module.
    last: Vec<u8>,
    reuse_left: u32,
}

impl Campaign {
    pub fn new(options: CampaignOptions, engines: EngineSet) -> Campaign {
        let rng = SmallRng::seed_from_u64(options.seed);
        Campaign { options, engines, stats: Stats::default(), rng, last: Vec::new(), reuse_left: 0 }
    }

    /// The next input this job will run, without running it.
    pub fn next_input(&mut self) -> Vec<u8> {
        if self.reuse_left > 0 && self.options.target == Target::Differential && !self.last.is_empty() {
            self.reuse_left -= 1;
            // Same swarm byte and module bytes, a new plan part.
            let mut input = self.last.clone();
            let start = differential_plan_start(input.len());
            self.rng.fill(&mut input[start..]);
            return input;
        }
        let len = self.rng.random_range(self.options.min_len..=self.options.max_len.max(self.options.min_len));
        let mut input = vec![0u8; len];
        self.rng.fill(&mut input[..]);
        if let (Target::Differential, Some(first)) = (self.options.target, input.first_mut())
            && !self.options.swarm.is_empty()
        {
            *first = self.options.swarm[*first as usize % self.options.swarm.len()];
        }
        self.last.clone_from(&input);
        self.reuse_left = self.options.reuse.saturating_sub(1);
        self.stats.add(keys::MODULE_DRAWS, 1);
        input
    }

    /// Runs one input and counts it. A divergence is saved (when an
    /// artifacts folder is set) before this returns.
    pub fn run_input(&mut self, input: Vec<u8>) -> std::io::Result<Step> {
        self.stats.add(keys::EXECS, 1);
        let checked = match check(self.options.target, &input, &mut self.engines) {
            Ok(c) => c,
            Err(_) => {
                // No module to reuse (or none worth it): draw afresh next.
                self.reuse_left = 0;
                self.stats.add(keys::REJECTED, 1);
                return Ok(Step { input, checked: None, saved: None, engine_failure: None, mutator_divergence: None });
            }
        };
        let mut saved = None;
        match &checked.verdict {
            Verdict::Agree => self.stats.add(keys::AGREE, 1),
            Verdict::Diverge(d) => {
                self.stats.add(keys::DIVERGE, 1);
                if d.known_bug.is_some() {
                    self.stats.add(keys::KNOWN_BUG, 1);
                }
                if let Some(root) = &self.options.artifacts {
                    let s = save_divergence(root, self.options.target.name(), &checked, &d.signature, &input)?;
                    self.stats.add(if matches!(s, Saved::New(_)) { keys::NEW_FINDINGS } else { keys::DUP_FINDINGS }, 1);
                    saved = Some(s);
                }
            }
            Verdict::Inconclusive(r) => {
                self.stats.add(keys::INCONCLUSIVE, 1);
                self.stats.add(&format!("{}{}", keys::INCONCLUSIVE_BY, r.category()), 1);
            }
        }
        let mut mutator_divergence = None;
        if let Some(m) = &checked.mutation
            && let Some(oracle) = &m.oracle
        {
            use crate::mutate::oracle::OracleVerdict;
            match oracle {
                OracleVerdict::Agree { masks_needed } => {
                    self.stats.add(keys::ORACLE_JUDGED, 1);
                    self.stats.add(keys::ORACLE_MASKS_NEEDED, u64::from(*masks_needed));
                }
                OracleVerdict::Diverge { .. } => {
                    self.stats.add(keys::ORACLE_JUDGED, 1);
                    self.stats.add(keys::ORACLE_DIVERGE, 1);
                    // Mutator bugs apart from engine divergences.
                    if let (Some(root), Some(sig)) = (&self.options.artifacts, oracle.signature(&m.mutation.kinds)) {
                        mutator_divergence =
                            Some(save_divergence(root, crate::artifacts::MUTATE_ORACLE, &checked, &sig, &input)?);
                    }
                }
                OracleVerdict::Inconclusive(_) => {}
            }
        }
        let base = &checked.runs[0].engine;
        for (i, p) in checked.pairs.iter().enumerate() {
            let engine = &checked.runs[i + 1].engine;
            match p {
                PairOutcome::Inconclusive(r) => {
                    self.stats.add(&format!("{}{}.{engine}", keys::PAIR_INCONCLUSIVE_BY, r.category()), 1)
                }
                _ => self.stats.add(&format!("{}{base}~{engine}", keys::PAIR), 1),
            }
        }
        // An engine that could not run the Case (a crosscheck adapter's
        // trouble or the engine's) gives no verdict, but it is not lost:
        // the Case is saved apart, one folder per engine and message.
        let mut engine_failure = None;
        if let Some(root) = &self.options.artifacts
            && let Some(signature) = crate::artifacts::engine_failure_signature(&checked)
        {
            engine_failure =
                Some(save_divergence(root, crate::artifacts::ENGINE_FAILURE, &checked, &signature, &input)?);
        }
        let judged = checked.case.determinism.is_judged();
        self.stats.add(if judged { keys::JUDGED_BY_REFERENCE } else { keys::JUDGED_PAIRWISE }, 1);
        // Proposals this Case allowed that some engine of the set lacks
        // (the swarm choice of engines let them in).
        for name in checked.case.features.missing_from(&self.engines.features()) {
            self.stats.add(&format!("{}{name}", keys::ALLOWED_BY_SWARM), 1);
        }
        let wasm3 = crate::wasm3::used(&checked.case.plan.wasm);
        for (name, used) in wasm3.iter() {
            if used {
                self.stats.add(&format!("{}{name}", keys::USES_WASM3), 1);
            }
        }
        if wasm3.iter().iter().any(|(_, used)| *used) {
            self.stats.add(&format!("{}any", keys::USES_WASM3), 1);
        }
        if crate::addresses::has_edge_argument(&checked.case.info, &checked.case.plan.calls) {
            self.stats.add(keys::EDGE_ADDRESS, 1);
        }
        for shape in crate::patterns::detect::shapes_in(&checked.case.plan.wasm) {
            self.stats.add(&format!("{}{}", keys::SHAPE, shape.name()), 1);
        }
        self.stats.add(keys::WASM_BYTES, checked.case.plan.wasm.len() as u64);
        self.stats.add(keys::CALLS, checked.case.plan.calls.len() as u64);
        let t = &checked.timings;
        self.stats.add(&format!("{}generate", keys::MICROS), t.generate.as_micros() as u64);
        self.stats.add(&format!("{}judge", keys::MICROS), t.judge.as_micros() as u64);
        for (run, d) in checked.runs.iter().zip(&t.engines) {
            self.stats.add(&format!("{}engine.{}", keys::MICROS, run.engine), d.as_micros() as u64);
        }
        Ok(Step { input, checked: Some(checked), saved, engine_failure, mutator_divergence })
    }

    /// Draws and runs one input.
    pub fn step(&mut self) -> std::io::Result<Step> {
        let input = self.next_input();
        self.run_input(input)
    }
}
