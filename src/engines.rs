//! The set of engines one campaign compares: built once by name, reused for
//! every Case, the first being the baseline the judge compares against.

use crate::judge::EngineRun;
use crosscheck_oracles::{Engine, Features, InstantiateError, Observation, Plan, registry};
use std::time::{Duration, Instant};

/// Engines compared in a campaign, in judging order.
pub struct EngineSet {
    engines: Vec<Box<dyn Engine>>,
    /// The proposals of the Case configured last: engines that have them
    /// all run it without a validation of their own.
    case_features: Features,
}

/// An engine name that could not be turned into an engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Unavailable(#[from] registry::Unavailable),
    #[error("unknown planted fault {0:?} (known: {1})")]
    UnknownFault(String, String),
}

/// The engine `name` with its default configuration; `ENGINE+FAULT` plants
/// a fault (see [`crate::selftest::Fault`]).
pub fn create_default(name: &str) -> Result<Box<dyn Engine>, EngineError> {
    with_fault(name, registry::create_default)
}

fn with_fault(
    name: &str,
    create: fn(&str) -> Result<Box<dyn Engine>, registry::Unavailable>,
) -> Result<Box<dyn Engine>, EngineError> {
    use crate::selftest::{Fault, Faulty};
    let Some((engine, fault)) = name.split_once('+') else {
        return Ok(create(name)?);
    };
    let fault = Fault::from_name(fault).ok_or_else(|| {
        let known: Vec<_> =
            Fault::ALL.iter().chain(Fault::MISCOMPILES).chain(Fault::PROCESS).map(|f| f.name()).collect();
        EngineError::UnknownFault(fault.to_string(), known.join(", "))
    })?;
    Ok(Box::new(Faulty::new(create(engine)?, fault)))
}

impl EngineSet {
    /// Engines that draw a fresh configuration from every Case's bytes.
    ///
    /// `ENGINE+FAULT` (e.g. `wasmtime+i32-result-bit`) wraps an engine in a
    /// planted fault (see [`crate::selftest::Fault`]).
    pub fn fuzzing(names: &[impl AsRef<str>]) -> Result<EngineSet, EngineError> {
        let engines = names.iter().map(|n| with_fault(n.as_ref(), registry::create)).collect::<Result<_, _>>()?;
        Ok(EngineSet { engines, case_features: Features::NONE })
    }

    /// Engines with their default configurations (for `crosscheck run`).
    pub fn defaults(names: &[impl AsRef<str>]) -> Result<EngineSet, EngineError> {
        let engines =
            names.iter().map(|n| with_fault(n.as_ref(), registry::create_default)).collect::<Result<_, _>>()?;
        Ok(EngineSet { engines, case_features: Features::NONE })
    }

    /// Engines built elsewhere (tests, fault wrappers).
    pub fn from_engines(engines: Vec<Box<dyn Engine>>) -> EngineSet {
        EngineSet { engines, case_features: Features::NONE }
    }

    pub fn names(&self) -> Vec<String> {
        self.engines.iter().map(|e| e.name().to_string()).collect()
    }

    /// `name: configuration` of each engine, as configured now.
    pub fn configs(&self) -> Vec<String> {
        self.engines.iter().map(|e| format!("{}: {}", e.name(), e.config())).collect()
    }

    pub fn len(&self) -> usize {
        self.engines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.engines.is_empty()
    }

    /// Whether the baseline (the first engine) reports the bits the spec
    /// leaves open, so Cases may keep NaNs and relaxed SIMD as they are.
    pub fn baseline_reports_masks(&self) -> bool {
        self.engines.first().is_some_and(|e| e.reports_masks())
    }

    /// The proposals every engine supports.
    pub fn features(&self) -> Features {
        self.engines.iter().fold(Features::ALL, |f, e| f.intersect(e.features()))
    }

    /// The proposals a Case may use, swarm-style: the baseline's, narrowed
    /// by each other engine whose bit in `swarm` is set. An engine left out
    /// of the narrowing still runs every Case whose module it can validate;
    /// the others it sits out (the judge counts the pair as "unsupported").
    /// So one engine lacking a proposal (Winch: relaxed SIMD, tail calls)
    /// cannot switch that proposal off for the whole campaign.
    pub fn swarm_features(&self, swarm: u8) -> Features {
        let mut engines = self.engines.iter();
        let Some(baseline) = engines.next() else { return Features::NONE };
        engines
            .enumerate()
            .filter(|(i, _)| swarm & (1 << (i % 8)) != 0)
            .fold(baseline.features(), |f, (_, e)| f.intersect(e.features()))
    }

    /// The proposals of each engine, in order.
    pub fn engine_features(&self) -> Vec<Features> {
        self.engines.iter().map(|e| e.features()).collect()
    }

    /// Lets each engine, in order, draw its configuration for the next Case
    /// (with the Case's proposals, as far as the engine has them).
    pub fn configure(&mut self, u: &mut arbitrary::Unstructured<'_>, features: Features) -> arbitrary::Result<()> {
        self.case_features = features;
        for e in &mut self.engines {
            let own = features.intersect(e.features());
            e.configure(u, own)?;
        }
        Ok(())
    }

    /// Each engine's [`Engine::cost_breakdown`] (engines that give one).
    pub fn cost_breakdowns(&self) -> Vec<(String, Vec<(&'static str, Duration)>)> {
        self.engines.iter().map(|e| (e.name().to_string(), e.cost_breakdown())).filter(|(_, b)| !b.is_empty()).collect()
    }

    /// Runs a plan on engine `index` alone, as currently configured.
    pub fn run_one(&mut self, index: usize, plan: &Plan) -> crosscheck_oracles::Observation {
        self.engines[index].run(plan)
    }

    /// Runs a plan on every engine, timing each.
    pub fn run(&mut self, plan: &Plan) -> (Vec<EngineRun>, Vec<Duration>) {
        let mut runs = Vec::with_capacity(self.engines.len());
        let mut times = Vec::with_capacity(self.engines.len());
        for e in &mut self.engines {
            let start = Instant::now();
            let covered = self.case_features.missing_from(&e.features()).is_empty();
            let observation = match if covered { Ok(()) } else { e.features().validate(&plan.wasm) } {
                Ok(()) => e.run(plan),
                Err(err) => Observation::failed(InstantiateError::Unsupported(format!(
                    "left out: the module needs a proposal {} lacks ({})",
                    e.name(),
                    err.message()
                ))),
            };
            times.push(start.elapsed());
            runs.push(EngineRun {
                engine: e.name().to_string(),
                version: e.version(),
                config: e.config(),
                observation,
            });
        }
        (runs, times)
    }
}
