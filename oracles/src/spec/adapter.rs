//! The `spec` engine: a [`Plan`] becomes script commands sent to a
//! long-lived interpreter REPL in two exchanges (the module, the calls, the
//! globals and the sizes of memories and tables; then their contents), so
//! the interpreter's start-up is paid once per batch of Cases, not per
//! Case. Its REPL goes on after a trap, with the instance's state as the
//! trap left it, so a Case with a trapping call is compared in full. A
//! process is retired after [`CASES_PER_PROCESS`] Cases (instances stay
//! alive in it) and replaced after a crash or a time-out, which make that
//! Case inconclusive.

use super::locate::{SpecInfo, call_depth, spec_interpreter};
use super::repl::{Exchange, Repl};
use super::script::{self, CHUNK, MemoryImport, StateTypes, TABLE_CHUNK, TableImport};
use super::transcript::{self, Response};
use crate::engine::{Engine, Instance};
use crate::features::Features;
use crate::observation::{InstantiateError, MemoryState, Observation, Plan, State, TableState};
use crate::signatures::{ExportType, ExportTypes, export_types};
use crate::value::{CallOutcome, Val, ValType};
use std::time::{Duration, Instant};

/// How long one command (a call, a module) may take before the
/// interpreter is killed and the Case is inconclusive.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// Cases one interpreter process runs before it is replaced.
pub const CASES_PER_PROCESS: u64 = 200;

/// Where the engine's time went.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub cases: u64,
    pub processes: u64,
    /// Starting interpreter processes.
    pub start: Duration,
    /// Exchanges with the interpreter (its work, and the pipes).
    pub exchange: Duration,
}

/// The official spec interpreter.
pub struct SpecEngine {
    info: &'static SpecInfo,
    repl: Option<Repl>,
    cases_in_process: u64,
    next_case: u64,
    deadline: Duration,
    pub timings: Timings,
}

impl SpecEngine {
    /// The interpreter [`spec_interpreter`] finds; the error says why there is none.
    pub fn new() -> Result<SpecEngine, String> {
        Ok(SpecEngine::with_info(spec_interpreter()?))
    }

    pub fn with_info(info: &'static SpecInfo) -> SpecEngine {
        SpecEngine {
            info,
            repl: None,
            cases_in_process: 0,
            next_case: 0,
            deadline: DEFAULT_DEADLINE,
            timings: Timings::default(),
        }
    }

    /// The same engine with another per-command deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> SpecEngine {
        self.deadline = deadline;
        self
    }

    pub fn info(&self) -> &'static SpecInfo {
        self.info
    }

    /// Sends commands to the current process (started when there is none).
    fn exchange(&mut self, commands: &[String]) -> Exchange {
        if self.repl.is_none() {
            let start = Instant::now();
            match Repl::spawn(&self.info.path, call_depth()) {
                Ok(r) => self.repl = Some(r),
                Err(why) => return Exchange { responses: Vec::new(), failure: Some(why) },
            }
            self.timings.start += start.elapsed();
            self.timings.processes += 1;
            self.cases_in_process = 0;
        }
        let start = Instant::now();
        let ex = match self.repl.as_mut() {
            Some(r) => r.exchange(commands, self.deadline),
            None => Exchange::default(),
        };
        self.timings.exchange += start.elapsed();
        if ex.failure.is_some() {
            self.repl = None;
        }
        ex
    }

    fn run_plan(&mut self, plan: &Plan) -> Observation {
        let exports = match export_types(&plan.wasm) {
            Ok(e) => e,
            Err(e) => return Observation::failed(InstantiateError::Rejected(e.to_string())),
        };
        let types = match script::state_types(&plan.wasm) {
            Ok(t) => t,
            Err(e) => return Observation::failed(InstantiateError::Rejected(e.to_string())),
        };
        if self.cases_in_process >= CASES_PER_PROCESS {
            self.repl = None;
        }
        self.cases_in_process += 1;
        let n = self.next_case;
        self.next_case += 1;
        let (case, reader) = (format!("c{n}"), format!("r{n}"));

        // Exchange 1: module, calls, globals, reader module and sizes.
        let mut commands = vec![script::module_command(&case, &plan.wasm)];
        let mut result_types = Vec::new();
        let mut unmakeable = None;
        for call in &plan.calls {
            match call_command(&exports, &case, &call.export, &call.args) {
                Ok((c, results)) => {
                    commands.push(c);
                    result_types.push(results);
                }
                Err(why) => {
                    unmakeable = Some(why);
                    break;
                }
            }
        }
        let globals: Vec<Option<ValType>> = plan
            .observe
            .globals
            .iter()
            .map(|g| match exports.get(g) {
                Some(ExportType::Global(Some(t), _)) => Some(*t),
                _ => None,
            })
            .collect();
        for (g, t) in plan.observe.globals.iter().zip(&globals) {
            if t.is_some() {
                commands.push(script::get_command(&case, g));
            }
        }
        let (memories, tables) = readable(&types, plan);
        let has_reader = !memories.is_empty() || !tables.is_empty();
        if has_reader {
            let mem_imports: Vec<MemoryImport> = memories.iter().filter_map(|m| m.clone()).collect();
            let table_imports: Vec<TableImport> = tables.iter().filter_map(|t| t.clone()).collect();
            commands.push(script::register_command(&case, &case));
            commands.push(script::reader_module(&reader, &case, &mem_imports, &table_imports));
            for i in 0..mem_imports.len() {
                commands.push(format!("(invoke ${reader} \"ms{i}\")"));
            }
            for j in 0..table_imports.len() {
                commands.push(format!("(invoke ${reader} \"ts{j}\")"));
            }
        }
        let ex = self.exchange(&commands);
        let mut responses = ex.responses.into_iter();
        let instantiation = match responses.next() {
            Some(r) => transcript::instantiation(&r),
            None => Err(InstantiateError::Failed(ex.failure.clone().unwrap_or_else(|| "no response".into()))),
        };
        if let Err(e) = instantiation {
            return Observation::failed(e);
        }
        let mut calls = Vec::with_capacity(plan.calls.len());
        let mut stopped = false;
        for types in &result_types {
            let outcome = match responses.next() {
                Some(r) => transcript::call_outcome(&r, types),
                None => CallOutcome::Failed(ex.failure.clone().unwrap_or_else(|| "no response".into())),
            };
            stopped = outcome.ends_run();
            calls.push(outcome);
            if stopped {
                break;
            }
        }
        if !stopped && let Some(why) = unmakeable {
            calls.push(CallOutcome::Failed(why));
            stopped = true;
        }
        if stopped {
            return Observation::new(Ok(()), calls, State::default(), None);
        }
        let state_responses: Vec<Response> = responses.collect();
        if let Some(why) = ex.failure {
            return Observation::failed(InstantiateError::Failed(why));
        }
        match self.read_state(plan, &reader, &globals, &memories, &tables, &state_responses) {
            Ok(state) => Observation::new(Ok(()), calls, state, None),
            Err(why) => Observation::failed(InstantiateError::Failed(why)),
        }
    }

    /// The final state from the responses after the calls (globals, the
    /// reader's sizes), with a second exchange reading memories and tables.
    #[allow(clippy::too_many_arguments)]
    fn read_state(
        &mut self,
        plan: &Plan,
        reader: &str,
        globals: &[Option<ValType>],
        memories: &[Option<MemoryImport>],
        tables: &[Option<TableImport>],
        responses: &[Response],
    ) -> Result<State, String> {
        let mut it = responses.iter();
        let mut state = State::default();
        for t in globals {
            state.globals.push(match t {
                Some(t) => {
                    let r = it.next().ok_or("missing global")?;
                    match transcript::call_outcome(r, &[*t]) {
                        CallOutcome::Returned(v) => v.first().copied(),
                        other => return Err(format!("reading a global: {other}")),
                    }
                }
                None => None,
            });
        }
        let n_mem = memories.iter().flatten().count();
        let n_tab = tables.iter().flatten().count();
        if n_mem + n_tab == 0 {
            state.memories = vec![None; plan.observe.memories.len()];
            state.tables = vec![None; plan.observe.tables.len()];
            return Ok(state);
        }
        for what in ["register", "reader module"] {
            match it.next() {
                Some(Response::Output(_)) => {}
                other => return Err(format!("{what}: {other:?}")),
            }
        }
        let mut sizes = Vec::with_capacity(n_mem + n_tab);
        for _ in 0..n_mem + n_tab {
            let r = it.next().ok_or("missing size")?;
            match transcript::call_outcome(r, &[ValType::I64]) {
                CallOutcome::Returned(v) => match v.first() {
                    Some(Val::I64(s)) => sizes.push(*s),
                    _ => return Err("bad size".into()),
                },
                other => return Err(format!("reading a size: {other}")),
            }
        }
        // Exchange 2: the contents.
        let mut commands = Vec::new();
        for (i, size) in sizes[..n_mem].iter().enumerate() {
            for k in 0..size.div_ceil(CHUNK) {
                commands.push(format!("(invoke ${reader} \"mr{i}\" (i64.const {}))", k * CHUNK));
            }
        }
        for (j, size) in sizes[n_mem..].iter().enumerate() {
            for k in 0..size.div_ceil(TABLE_CHUNK) {
                commands.push(format!("(invoke ${reader} \"tn{j}\" (i64.const {}))", k * TABLE_CHUNK));
            }
        }
        let ex = self.exchange(&commands);
        if let Some(why) = ex.failure {
            return Err(why);
        }
        let mut it = ex.responses.iter();
        let words = vec![ValType::I64; (CHUNK / 8) as usize];
        let mut mem_index = 0;
        for m in memories {
            state.memories.push(match m {
                Some(_) => {
                    let size = sizes[mem_index];
                    mem_index += 1;
                    let mut bytes = Vec::with_capacity(size as usize);
                    for _ in 0..size.div_ceil(CHUNK) {
                        let r = it.next().ok_or("missing memory chunk")?;
                        match transcript::call_outcome(r, &words) {
                            CallOutcome::Returned(v) => {
                                for w in v {
                                    bytes.extend_from_slice(&(w.bits() as u64).to_le_bytes());
                                }
                            }
                            other => return Err(format!("reading memory: {other}")),
                        }
                    }
                    bytes.truncate(size as usize);
                    Some(MemoryState::new(bytes))
                }
                None => None,
            });
        }
        let mut table_index = n_mem;
        for t in tables {
            state.tables.push(match t {
                Some(_) => {
                    let size = sizes[table_index];
                    table_index += 1;
                    let mut null = Vec::with_capacity(size as usize);
                    for k in 0..size.div_ceil(TABLE_CHUNK) {
                        let r = it.next().ok_or("missing table chunk")?;
                        let bits = match transcript::call_outcome(r, &[ValType::I64]) {
                            CallOutcome::Returned(v) => v.first().map_or(0, |w| w.bits() as u64),
                            other => return Err(format!("reading a table: {other}")),
                        };
                        let n = (size - k * TABLE_CHUNK).min(TABLE_CHUNK);
                        null.extend((0..n).map(|b| bits >> b & 1 == 1));
                    }
                    Some(TableState { size, null })
                }
                None => None,
            });
        }
        Ok(state)
    }
}

/// The observed memories and tables the reader can import, in
/// [`crate::Exports`] order (`None`: not readable).
fn readable(types: &StateTypes, plan: &Plan) -> (Vec<Option<MemoryImport>>, Vec<Option<TableImport>>) {
    let memories = plan.observe.memories.iter().map(|m| types.memories.get(m).cloned()).collect();
    let tables = plan.observe.tables.iter().map(|t| types.tables.get(t).cloned().flatten()).collect();
    (memories, tables)
}

/// The `invoke` of `export` on `instance` with `args`, and its result
/// types, or why there is none.
fn call_command(
    exports: &ExportTypes,
    instance: &str,
    export: &str,
    args: &[Val],
) -> Result<(String, Vec<ValType>), String> {
    let sig = match exports.get(export) {
        Some(ExportType::Func(Some(sig))) => sig,
        Some(ExportType::Func(None)) => return Err(format!("export {export:?} has a type crosscheck cannot pass")),
        _ => return Err(format!("no exported function {export:?}")),
    };
    let types: Vec<ValType> = args.iter().map(|a| a.ty()).collect();
    if types != sig.params {
        return Err(format!("export {export:?} takes {:?}, given {types:?}", sig.params));
    }
    let command = script::invoke_command(instance, export, args).ok_or("a non-null funcref argument")?;
    Ok((command, sig.results.clone()))
}

impl Engine for SpecEngine {
    fn name(&self) -> &str {
        "spec"
    }

    fn version(&self) -> String {
        let extra = self.info.features.intersect(Features { gc: true, exceptions: true, ..Features::NONE });
        let extra = if extra == Features::NONE { String::new() } else { format!("; also supports {extra}, not used") };
        format!(
            "{} {} (from {}: {}; call depth {}{extra})",
            self.info.banner.split_whitespace().next().unwrap_or("wasm"),
            self.info.version(),
            self.info.source,
            self.info.path.display(),
            call_depth()
        )
    }

    fn features(&self) -> Features {
        // GC and exceptions stay off, as on every other engine here: their
        // values are outside what crosscheck passes and observes.
        Features { gc: false, exceptions: false, ..self.info.features }
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        // The REPL is driven by whole plans; one call at a time replays them.
        let plan = Plan { wasm: wasm.to_vec(), calls: Vec::new(), observe: Default::default() };
        let o = self.run_plan(&plan);
        o.instantiation?;
        Ok(Box::new(SpecInstance { engine: self, wasm: wasm.to_vec(), calls: Vec::new() }))
    }

    fn run(&mut self, plan: &Plan) -> Observation {
        self.timings.cases += 1;
        self.run_plan(plan)
    }

    fn cost_breakdown(&self) -> Vec<(&'static str, Duration)> {
        let t = self.timings;
        vec![("process start-up", t.start), ("script exchanges", t.exchange)]
    }
}

/// A Case instance for callers of [`Engine::instantiate`]: each method
/// reruns the module with every call made so far (the interpreter's
/// instances live in its REPL, which is driven by whole plans).
pub struct SpecInstance<'a> {
    engine: &'a mut SpecEngine,
    wasm: Vec<u8>,
    calls: Vec<crate::observation::Call>,
}

impl SpecInstance<'_> {
    fn replay(&mut self, observe: crate::observation::Exports) -> Observation {
        let plan = Plan { wasm: self.wasm.clone(), calls: self.calls.clone(), observe };
        self.engine.run_plan(&plan)
    }
}

impl Instance for SpecInstance<'_> {
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome {
        self.calls.push(crate::observation::Call { export: export.to_string(), args: args.to_vec() });
        let o = self.replay(Default::default());
        match o.instantiation {
            Ok(()) => o.calls.last().cloned().unwrap_or_else(|| CallOutcome::Failed("no outcome".into())),
            Err(e) => CallOutcome::Failed(e.to_string()),
        }
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        let observe = crate::observation::Exports { globals: vec![name.to_string()], ..Default::default() };
        self.replay(observe).state.globals.first().copied().flatten()
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let observe = crate::observation::Exports { memories: vec![name.to_string()], ..Default::default() };
        self.replay(observe).state.memories.into_iter().next().flatten().map(|m| m.bytes)
    }

    fn table(&mut self, name: &str) -> Option<TableState> {
        let observe = crate::observation::Exports { tables: vec![name.to_string()], ..Default::default() };
        self.replay(observe).state.tables.into_iter().next().flatten()
    }
}
