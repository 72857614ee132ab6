//! The set of engines one campaign compares: built once by name, reused for
//! every Case, the first being the baseline the judge compares against.

use crate::judge::EngineRun;
use crosscheck_oracles::{ConfigError, Engine, EngineSpec, Features, InstantiateError, Observation, Plan, registry};
use std::time::{Duration, Instant};

/// Engines compared in a campaign, in judging order.
pub struct EngineSet {
    engines: Vec<Box<dyn Engine>>,
    /// The spec each engine was built from, for sets built by name with
    /// [`EngineSet::fuzzing`]: an engine that panicked is built again.
    specs: Option<Vec<String>>,
    /// The engine inside [`EngineSet::run`] or [`EngineSet::run_one`] right
    /// now: after a caught panic, the one left half-way through a Case.
    running: Option<usize>,
    /// The proposals of the Case configured last: engines that have them
    /// all run it without a validation of their own.
    case_features: Features,
    /// Whether an engine sits out a module that would set off a documented
    /// crash that kills the process ([`crate::triage::fatal`]).
    leave_out_fatal: bool,
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
        let specs = names.iter().map(|n| n.as_ref().to_string()).collect();
        Ok(EngineSet::with_specs(engines, Some(specs)))
    }

    /// Engines with their default configurations (for `crosscheck run`).
    pub fn defaults(names: &[impl AsRef<str>]) -> Result<EngineSet, EngineError> {
        let engines =
            names.iter().map(|n| from_spec(n.as_ref(), registry::create_default)).collect::<Result<_, _>>()?;
        Ok(EngineSet::with_specs(engines, None))
    }

    /// Engines built elsewhere (tests, fault wrappers).
    pub fn from_engines(engines: Vec<Box<dyn Engine>>) -> EngineSet {
        EngineSet::with_specs(engines, None)
    }

    fn with_specs(engines: Vec<Box<dyn Engine>>, specs: Option<Vec<String>>) -> EngineSet {
        EngineSet { engines, specs, running: None, case_features: Features::NONE, leave_out_fatal: false }
    }

    /// From now on, an engine sits out (inconclusive, the bug named in its
    /// run) a module with the trigger of a documented crash of that engine
    /// that would kill the process ([`crate::triage::fatal`]). For fuzzing
    /// loops, where such a crash would end the run or hide new crashes
    /// under its signal; `run` and `repro` leave it off and let the crash
    /// happen.
    pub fn leave_out_fatal_crashes(mut self) -> EngineSet {
        self.leave_out_fatal = true;
        self
    }

    /// After a panic caught while this set ran a Case: builds the engine
    /// that was running afresh, and keeps the others as they are (between
    /// Cases: their caches warm, V8's Node.js process alive). A panic
    /// outside the engines (generating or judging a Case) left none
    /// half-way. False when the engine cannot be rebuilt here (a set not
    /// built by name): the caller builds a new set.
    pub fn recover_from_panic(&mut self) -> bool {
        let Some(i) = self.running.take() else { return true };
        let Some(spec) = self.specs.as_ref().and_then(|s| s.get(i)) else { return false };
        match from_spec(spec, registry::create) {
            Ok(engine) => {
                self.engines[i] = engine;
                true
            }
            Err(_) => false,
        }
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
        if let Some(left_out) = fatal_left_out(self.leave_out_fatal, self.engines[index].name(), &plan.wasm) {
            return left_out;
        }
        self.running = Some(index);
        let observation = self.engines[index].run(plan);
        self.running = None;
        observation
    }

    /// Runs a plan on every engine, timing each.
    pub fn run(&mut self, plan: &Plan) -> (Vec<EngineRun>, Vec<Duration>) {
        let mut runs = Vec::with_capacity(self.engines.len());
        let mut times = Vec::with_capacity(self.engines.len());
        for (i, e) in self.engines.iter_mut().enumerate() {
            self.running = Some(i);
            let start = Instant::now();
            let covered = self.case_features.missing_from(&e.features()).is_empty();
            // An engine lacking a proposal sits out a module that needs it;
            // a module invalid whatever the proposals it must refuse itself.
            let own = if covered { Ok(()) } else { e.features().validate(&plan.wasm) };
            let own = own.or_else(|err| if Features::ALL.validate(&plan.wasm).is_err() { Ok(()) } else { Err(err) });
            let observation = match own {
                Err(err) => Observation::failed(InstantiateError::Unsupported(format!(
                    "left out: the module needs a proposal {} lacks ({})",
                    e.name(),
                    err.message()
                ))),
                Ok(()) => match fatal_left_out(self.leave_out_fatal, e.name(), &plan.wasm) {
                    Some(left_out) => left_out,
                    None => e.run(plan),
                },
            };
            times.push(start.elapsed());
            runs.push(EngineRun {
                engine: e.name().to_string(),
                version: e.version(),
                config: e.config(),
                observation,
            });
        }
        self.running = None;
        (runs, times)
    }
}

/// When `on`, the observation of an engine sitting out a module that would
/// set off one of its documented process-killing crashes.
fn fatal_left_out(on: bool, engine: &str, wasm: &[u8]) -> Option<Observation> {
    if !on {
        return None;
    }
    let bug = crate::triage::fatal_crash_for(engine, wasm)?;
    Some(Observation::failed(InstantiateError::Unsupported(format!(
        "left out: the module has the trigger of known-bug:{}, a crash that kills the process ({})",
        bug.name, bug.doc
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crosscheck_oracles::Instance;

    /// An engine that panics when it compiles a module (as Winch's known
    /// `VPBROADCASTB` panic does).
    struct PanicsOnCompile;

    impl Engine for PanicsOnCompile {
        fn name(&self) -> &str {
            "panics"
        }
        fn version(&self) -> String {
            "0".into()
        }
        fn features(&self) -> Features {
            Features::ALL
        }
        fn instantiate(&mut self, _: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
            panic!("planted compiler panic")
        }
    }

    #[test]
    fn a_panic_inside_an_engine_rebuilds_that_engine_alone() {
        let mut set = EngineSet::fuzzing(&["wasmtime", "pulley"]).unwrap();
        let bytes: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37).wrapping_add(11)).collect();
        set.configure(&mut arbitrary::Unstructured::new(&bytes), Features::NONE).unwrap();
        let drawn = set.configs();
        let fresh = EngineSet::fuzzing(&["wasmtime", "pulley"]).unwrap().configs();
        assert_ne!(drawn, fresh, "the bytes must draw configurations other than the defaults");

        set.engines[1] = Box::new(PanicsOnCompile);
        let plan = Plan { wasm: wat::parse_str("(module)").unwrap(), calls: Vec::new(), observe: Default::default() };
        let caught = crate::triage::catch_panic(|| set.run(&plan));
        assert!(caught.unwrap_err().contains("planted compiler panic"));
        assert_eq!(set.running, Some(1));

        assert!(set.recover_from_panic());
        assert_eq!(set.running, None);
        assert_eq!(set.names(), ["wasmtime", "pulley"], "the panicking engine is built again from its spec");
        assert_eq!(set.configs()[0], drawn[0], "the engine that did not panic keeps its state");
        assert_eq!(set.configs()[1], fresh[1]);
        // A panic outside the engines leaves nothing half-way.
        assert!(set.recover_from_panic());
    }

    #[test]
    fn a_set_not_built_by_name_cannot_rebuild_an_engine() {
        let mut set = EngineSet::from_engines(vec![Box::new(PanicsOnCompile)]);
        let plan = Plan { wasm: wat::parse_str("(module)").unwrap(), calls: Vec::new(), observe: Default::default() };
        assert!(crate::triage::catch_panic(|| set.run(&plan)).is_err());
        assert!(!set.recover_from_panic());
    }
}
