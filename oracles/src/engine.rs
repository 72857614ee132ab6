//! The one interface every engine implements, in process or out of it.

use crate::engine_spec::{ConfigError, Setting};
use crate::features::Features;
use crate::observation::{InstantiateError, MemoryState, Observation, Plan, State, Step, TableState};
use crate::value::{CallOutcome, Val};
use crate::wast_session::WastSession;
use arbitrary::Unstructured;
use std::time::Duration;

/// A WebAssembly engine crosscheck can run a [`Plan`] on.
///
/// An engine object lives for a whole campaign: [`Engine::configure`] picks
/// its configuration for the next Case, and adapters cache whatever start-up
/// work a configuration allows them to reuse.
pub trait Engine {
    /// Short stable name, as used on the command line (`wasmtime`, `wasmi`).
    fn name(&self) -> &str;

    /// Engine version, for reports.
    fn version(&self) -> String;

    /// The proposals this engine supports.
    fn features(&self) -> Features;

    /// Chooses this engine's configuration for the next Case from fuzz bytes
    /// (engines without options consume nothing), and the proposals the
    /// Case's module may use.
    fn configure(&mut self, u: &mut Unstructured<'_>, features: Features) -> arbitrary::Result<()> {
        let _ = (u, features);
        Ok(())
    }

    /// The current configuration as the settings of the engine's bracket
    /// form (`opt=none,regalloc=single-pass,...`; see [`crate::engine_spec`]),
    /// every setting included, so that pinning them gives this configuration
    /// again. Empty for an engine without settings.
    fn config(&self) -> String {
        String::new()
    }

    /// Pins settings from the command line: they override whatever
    /// [`Engine::configure`] draws (which still consumes the same bytes, so
    /// the other engines' configurations stay as they were). A key or value
    /// the engine does not know is an error.
    fn pin(&mut self, settings: &[Setting]) -> Result<(), ConfigError> {
        match settings.first() {
            Some(s) => Err(ConfigError::unknown_key(self.name(), &s.key, &[])),
            None => Ok(()),
        }
    }

    /// Compiles and instantiates a module that imports nothing.
    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError>;

    /// Whether [`Engine::run`] reports the bits the spec leaves open
    /// ([`crate::Masks`]): such an engine can judge Cases that keep NaNs
    /// and relaxed SIMD as they are.
    fn reports_masks(&self) -> bool {
        false
    }

    /// Runs a whole plan. Out-of-process engines override this to do it in
    /// one round trip.
    fn run(&mut self, plan: &Plan) -> Observation {
        run_in_process(self, plan)
    }

    /// The proposals this engine's `.wast` sessions run (a directive that
    /// needs another is skipped): [`Engine::features`], unless a session
    /// cannot carry a proposal's values across its boundary.
    fn wast_features(&self) -> Features {
        self.features()
    }

    /// A fresh store for running a `.wast` script (with every proposal the
    /// engine supports enabled), or `None` if this engine cannot run scripts.
    fn wast_session(&mut self) -> Option<Box<dyn WastSession + '_>> {
        None
    }

    /// Where [`Engine::run`]'s time went since the engine was built, for
    /// benchmarks (an out-of-process engine: compiling, running, the round
    /// trip); empty when the engine does not break it down.
    fn cost_breakdown(&self) -> Vec<(&'static str, Duration)> {
        Vec::new()
    }
}

/// How an engine is written to reproduce its current configuration:
/// `name[config]` (`wasmtime[opt=none,...]`, `wasmtime[...]+FAULT`), or the
/// bare name for an engine without settings.
pub fn spec_of(engine: &(impl Engine + ?Sized)) -> String {
    crate::engine_spec::spec_string(engine.name(), &engine.config())
}

/// A live instance of a module on some engine.
pub trait Instance {
    /// Calls an exported function.
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome;
    /// The value of an exported global.
    fn global(&mut self, name: &str) -> Option<Val>;
    /// The bytes of an exported memory.
    fn memory(&mut self, name: &str) -> Option<Vec<u8>>;
    /// The size and null pattern of an exported table.
    fn table(&mut self, name: &str) -> Option<TableState>;
    /// How many `memory.grow` and `table.grow` this instance has refused
    /// for the engine's own reasons since it was made (see
    /// [`Step`]); 0 for an engine that cannot tell.
    fn refused_grows(&mut self) -> u64 {
        0
    }
}

/// [`Engine::run`] through [`Engine::instantiate`] and the [`Instance`]
/// methods. Calls stop at the first exhausted or failed call: the engine's
/// state after a resource limit is its own business.
pub fn run_in_process<E: Engine + ?Sized>(engine: &mut E, plan: &Plan) -> Observation {
    let mut instance = match engine.instantiate(&plan.wasm) {
        Ok(i) => i,
        Err(e) => return Observation::failed(e),
    };
    let mut refusals = RefusalLog::default();
    refusals.note(Step::Instantiation, instance.refused_grows());
    let mut calls = Vec::with_capacity(plan.calls.len());
    let mut stopped = false;
    for (index, call) in plan.calls.iter().enumerate() {
        let outcome = instance.call(&call.export, &call.args);
        refusals.note(Step::Call(index), instance.refused_grows());
        stopped = outcome.ends_run();
        calls.push(outcome);
        if stopped {
            break;
        }
    }
    let state = if stopped { State::default() } else { observe_state(instance.as_mut(), plan) };
    Observation { refused_grows: refusals.steps, ..Observation::new(Ok(()), calls, state, None) }
}

/// Turns an instance's running count of refused grows into the steps that
/// refused them.
#[derive(Default)]
pub struct RefusalLog {
    seen: u64,
    /// One entry per refused grow.
    pub steps: Vec<Step>,
}

impl RefusalLog {
    /// Records the refusals among `total` not seen before as `step`'s.
    pub fn note(&mut self, step: Step, total: u64) {
        for _ in self.seen..total {
            self.steps.push(step);
        }
        self.seen = self.seen.max(total);
    }
}

/// Reads the observed exports of an instance.
pub fn observe_state(instance: &mut dyn Instance, plan: &Plan) -> State {
    State {
        globals: plan.observe.globals.iter().map(|n| instance.global(n)).collect(),
        memories: plan.observe.memories.iter().map(|n| instance.memory(n).map(MemoryState::new)).collect(),
        tables: plan.observe.tables.iter().map(|n| instance.table(n)).collect(),
    }
}
