//! The set of engines one campaign compares: built once by name, reused for
//! every Case, the first being the baseline the judge compares against.

use crate::judge::EngineRun;
use crosscheck_oracles::{ConfigError, Engine, EngineSpec, Features, InstantiateError, Observation, Plan, registry};
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
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// The engine written `spec` (`NAME`, `NAME[key=value,...]`, either with
/// `+FAULT`) with its default configuration and the settings given pinned;
/// `+FAULT` plants a fault (see [`crate::selftest::Fault`]).
pub fn create_default(spec: &str) -> Result<Box<dyn Engine>, EngineError> {
    from_spec(spec, registry::create_default)
}

/// Names the engines of the cargo-fuzz targets and the command line's
/// default `--engines`: comma-separated specs, e.g.
/// `reference,wasmtime+i32-result-bit,winch`. How a libFuzzer or OSS-Fuzz
/// build fuzzes a planted fault or a chosen set, and how the same set
/// replays its crash files (`crosscheck repro`).
pub const ENGINES_VAR: &str = "CROSSCHECK_ENGINES";

/// `$CROSSCHECK_ENGINES` when set, else the registry's default engines.
pub fn default_engines() -> Vec<String> {
    match std::env::var(ENGINES_VAR) {
        Ok(list) if !list.trim().is_empty() => split_engine_args(&[list]),
        _ => registry::default_engines(),
    }
}

/// Every engine of a command line's `--engines` values, each value a
/// comma-separated list whose commas inside brackets belong to a setting.
pub fn split_engine_args(values: &[impl AsRef<str>]) -> Vec<String> {
    values.iter().flat_map(|v| crosscheck_oracles::engine_spec::split_engine_list(v.as_ref())).collect()
}

fn from_spec(
    spec: &str,
    create: fn(&str) -> Result<Box<dyn Engine>, registry::Unavailable>,
) -> Result<Box<dyn Engine>, EngineError> {
    use crate::selftest::{Fault, Faulty};
    let spec = EngineSpec::parse(spec)?;
    let (base, fault) = spec.base_and_fault();
    let mut engine = create(base)?;
    if let Some(fault) = fault {
        let fault = Fault::from_name(fault).ok_or_else(|| {
            let known: Vec<_> = Fault::all_names().collect();
            EngineError::UnknownFault(fault.to_string(), known.join(", "))
        })?;
        engine = Box::new(Faulty::new(engine, fault));
    }
    engine.pin(&spec.settings)?;
    Ok(engine)
}

impl EngineSet {
    /// Engines that draw a fresh configuration from every Case's bytes;
    /// settings written in brackets (`wasmtime[opt=none]`) override the
    /// drawn ones (the bytes are consumed all the same).
    ///
    /// `ENGINE+FAULT` (e.g. `wasmtime+i32-result-bit`) wraps an engine in a
    /// planted fault (see [`crate::selftest::Fault`]).
    pub fn fuzzing(names: &[impl AsRef<str>]) -> Result<EngineSet, EngineError> {
        let engines = names.iter().map(|n| from_spec(n.as_ref(), registry::create)).collect::<Result<_, _>>()?;
        Ok(EngineSet { engines, case_features: Features::NONE })
    }

    /// Engines with their default configurations (for `crosscheck run`).
    pub fn defaults(names: &[impl AsRef<str>]) -> Result<EngineSet, EngineError> {
        let engines =
            names.iter().map(|n| from_spec(n.as_ref(), registry::create_default)).collect::<Result<_, _>>()?;
        Ok(EngineSet { engines, case_features: Features::NONE })
    }

    /// Engines built elsewhere (tests, fault wrappers).
    pub fn from_engines(engines: Vec<Box<dyn Engine>>) -> EngineSet {
        EngineSet { engines, case_features: Features::NONE }
    }

    pub fn names(&self) -> Vec<String> {
        self.engines.iter().map(|e| e.name().to_string()).collect()
    }

    /// Each engine as configured now, in the form that reproduces it
    /// (`wasmtime[opt=none,...]`, see [`crosscheck_oracles::engine_spec`]).
    pub fn configs(&self) -> Vec<String> {
        self.engines.iter().map(|e| crosscheck_oracles::spec_of(e.as_ref())).collect()
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
            // An engine lacking a proposal sits out a module that needs it;
            // a module invalid whatever the proposals it must refuse itself.
            let own = if covered { Ok(()) } else { e.features().validate(&plan.wasm) };
            let own = own.or_else(|err| if Features::ALL.validate(&plan.wasm).is_err() { Ok(()) } else { Err(err) });
            let observation = match own {
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
