//! The `v8` and `v8-liftoff` engines: a [`Plan`] becomes one batch of
//! commands for the Node.js worker (fresh store, instantiate, every call
//! through its signature's wrapper, the state dump) — one round trip per
//! Case. A worker that dies, hangs or answers garbage is dropped and the
//! Case is an engine failure (inconclusive); the next Case starts a new one.

use super::node::{NodeInfo, node};
use super::protocol::{Command, ErrorClass, Reply};
use super::signatures::{ExportType, ExportTypes, Signature, export_types};
use super::traps::{call_outcome, is_implementation_limit, trap_kind};
use super::typed::ModuleTypes;
use super::worker::Worker;
use super::wrapper::{self, SLOT};
use crate::engine::{Engine, Instance};
use crate::features::Features;
use crate::observation::{InstantiateError, Observation, Plan};
use crate::value::{CallOutcome, TrapKind, ValType};
use crate::wast_session::{WastSession, WastVal};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Which V8 compiler runs the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// TurboFan only (`--no-liftoff`), compiling eagerly.
    Optimizing,
    /// Liftoff only (`--liftoff --no-wasm-tier-up`), compiling eagerly.
    Liftoff,
}

impl Tier {
    pub fn engine_name(self) -> &'static str {
        match self {
            Tier::Optimizing => "v8",
            Tier::Liftoff => "v8-liftoff",
        }
    }

    /// The V8 flags that select this tier (those this V8 knows).
    pub fn flags(self, node: &NodeInfo) -> Vec<String> {
        // Eager compilation: every function is compiled when the module is
        // (so compiler crashes on uncalled functions show, and the compile
        // time is measured as such).
        let wanted: &[(&str, &str)] = match self {
            Tier::Optimizing => &[("liftoff", "--no-liftoff"), ("wasm-lazy-compilation", "--no-wasm-lazy-compilation")],
            Tier::Liftoff => &[
                ("liftoff", "--liftoff"),
                ("wasm-tier-up", "--no-wasm-tier-up"),
                ("wasm-dynamic-tiering", "--no-wasm-dynamic-tiering"),
                ("wasm-lazy-compilation", "--no-wasm-lazy-compilation"),
            ],
        };
        wanted.iter().filter(|(known, _)| node.has_flag(known)).map(|(_, f)| f.to_string()).collect()
    }
}

/// Time spent in [`Engine::run`], summed over Cases.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub cases: u64,
    /// Whole round trips, as seen from crosscheck.
    pub round_trip: Duration,
    /// Compiling the Case's module, measured in the worker.
    pub compile: Duration,
    /// Running the calls, measured in the worker.
    pub run: Duration,
}

/// What a wrapper module is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum WrapperKey {
    Call(Signature),
    Globals(Vec<(ValType, bool)>),
    /// A typed wrapper ([`super::typed`]), by its bytes.
    Typed(Vec<u8>),
}

/// The default time a round trip may take before the worker is killed.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// The instance name a Case's module gets in the worker.
pub(super) const CASE: &str = "case";

/// V8 in a Node.js worker.
pub struct V8Engine {
    tier: Tier,
    node: &'static NodeInfo,
    flags: Vec<String>,
    worker: Option<Worker>,
    wrappers: HashMap<WrapperKey, u32>,
    wrapper_bytes: Vec<Vec<u8>>,
    deadline: Duration,
    pid: Arc<AtomicU32>,
    pub(super) timings: Timings,
    /// Export types of the live instances, by name.
    pub(super) instances: HashMap<String, ExportTypes>,
    /// The types of live instances' modules, by name, where calls may
    /// need a wrapper that copies them ([`ModuleTypes::call_wrapper`]): a
    /// Case's module with a function type a plain wrapper cannot declare
    /// (in a recursion group with others, non-final), and every module of
    /// a `.wast` session on a V8 with GC (whose typed calls read them too).
    pub(super) module_types: HashMap<String, ModuleTypes>,
}

impl V8Engine {
    /// V8 at `tier`, on the Node [`node`] finds; the error says why there is none.
    pub fn new(tier: Tier) -> Result<V8Engine, String> {
        let node = node()?;
        let mut flags = node.feature_flags.clone();
        flags.extend(tier.flags(node));
        Ok(V8Engine {
            tier,
            node,
            flags,
            worker: None,
            wrappers: HashMap::new(),
            wrapper_bytes: Vec::new(),
            deadline: DEFAULT_DEADLINE,
            pid: Arc::new(AtomicU32::new(0)),
            timings: Timings::default(),
            instances: HashMap::new(),
            module_types: HashMap::new(),
        })
    }

    /// The same engine with another round-trip deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> V8Engine {
        self.deadline = deadline;
        self
    }

    /// The pid of the current worker process (0 when none runs), shared so
    /// that a test can kill it while a campaign owns the engine.
    pub fn pid_handle(&self) -> Arc<AtomicU32> {
        Arc::clone(&self.pid)
    }

    pub fn node(&self) -> &'static NodeInfo {
        self.node
    }

    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The id of a typed wrapper (one id per distinct module).
    pub(super) fn typed_wrapper_id(&mut self, wasm: Vec<u8>) -> u32 {
        self.wrapper_id(WrapperKey::Typed(wasm))
    }

    fn wrapper_id(&mut self, key: WrapperKey) -> u32 {
        if let Some(id) = self.wrappers.get(&key) {
            return *id;
        }
        let bytes = match &key {
            WrapperKey::Call(sig) => wrapper::call_wrapper(&sig.params, &sig.results),
            WrapperKey::Globals(g) => wrapper::globals_wrapper(g),
            WrapperKey::Typed(bytes) => bytes.clone(),
        };
        let id = self.wrapper_bytes.len() as u32;
        self.wrapper_bytes.push(bytes);
        self.wrappers.insert(key, id);
        id
    }

    /// Sends `commands` in one round trip (preceded by the definitions of
    /// the wrappers they use that this worker has not compiled yet) and
    /// returns their replies. On a worker failure the worker is dropped
    /// (the next batch starts a new one) and the error says why.
    pub(super) fn batch(&mut self, commands: Vec<Command>, stop_on_fatal: bool) -> Result<Vec<Reply>, String> {
        if self.worker.is_none() {
            let w = Worker::spawn(&self.node.path, &self.flags).map_err(|e| e.to_string())?;
            self.pid.store(w.pid(), Ordering::SeqCst);
            self.worker = Some(w);
        }
        let Some(worker) = self.worker.as_mut() else {
            return Err("no worker".into());
        };
        let mut needed: Vec<u32> = commands
            .iter()
            .filter_map(|c| match c {
                Command::Call { wrapper, .. } | Command::Globals { wrapper, .. } => Some(*wrapper),
                _ => None,
            })
            .filter(|id| !worker.wrappers.contains(id))
            .collect();
        needed.sort_unstable();
        needed.dedup();
        let mut all: Vec<Command> = needed
            .iter()
            .map(|id| Command::Wrapper { id: *id, wasm: self.wrapper_bytes[*id as usize].clone() })
            .collect();
        all.extend(commands);
        match worker.round_trip(&all, stop_on_fatal, self.deadline) {
            Ok(mut replies) => {
                for (id, reply) in needed.iter().zip(&replies) {
                    if *reply == Reply::Ok {
                        worker.wrappers.insert(*id);
                    }
                }
                Ok(replies.split_off(needed.len()))
            }
            Err(e) => {
                self.worker = None;
                self.pid.store(0, Ordering::SeqCst);
                self.instances.clear();
                self.module_types.clear();
                Err(format!("V8 worker: {e}"))
            }
        }
    }

    /// The command that calls `export` of `instance` with `args`, or why
    /// there is none.
    pub(super) fn call_command(
        &mut self,
        instance: &str,
        export: &str,
        args: &[WastVal],
    ) -> Result<(Command, Vec<ValType>), String> {
        let sig = match self.instances.get(instance).and_then(|e| e.get(export)) {
            Some(ExportType::Func(Some(sig))) => sig.clone(),
            Some(ExportType::Func(None)) => {
                return Err(format!("export {export:?} has a type crosscheck cannot pass"));
            }
            _ => return Err(format!("no exported function {export:?}")),
        };
        let arg_types: Vec<ValType> = args.iter().map(|a| a.to_val().ty()).collect();
        if arg_types != sig.params {
            return Err(format!("export {export:?} takes {:?}, given {arg_types:?}", sig.params));
        }
        let bytes = wrapper::encode_slots(args).ok_or("a non-null funcref argument")?;
        let results = sig.results.clone();
        // A plain wrapper declares the function's type alone in its
        // recursion group; a type in a group with others is another type,
        // and the import would not link. What a Case passes and reads
        // crosses a typed wrapper as it crosses a plain one: numbers;
        // `funcref` null or not by the kind word (`NULL` is 0); `externref`
        // null (0), or `ref.extern N` as kind 1 (`HOST`) and `N` — and any
        // other non-null kind reads as non-null too, all a Case compares.
        let typed = self.module_types.get(instance).and_then(|types| {
            let index = types.func_type_index(export).ok()?;
            types.call_needs_typed(index).then(|| types.call_wrapper(index))
        });
        let wrapper = match typed {
            Some(made) => self.typed_wrapper_id(made?.0),
            None => self.wrapper_id(WrapperKey::Call(sig)),
        };
        let command = Command::Call {
            name: instance.to_string(),
            export: export.to_string(),
            wrapper,
            args: bytes,
            result_bytes: (results.len() * SLOT) as u32,
        };
        Ok((command, results))
    }

    /// The command that reads the globals `names` of `instance` (those of a
    /// type crosscheck observes), with their indices in `names` and types.
    pub(super) fn globals_command(
        &mut self,
        instance: &str,
        names: &[String],
    ) -> Option<(Command, Vec<(usize, ValType)>)> {
        let exports = self.instances.get(instance)?;
        let mut picked = Vec::new();
        let mut key = Vec::new();
        let mut picked_names = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if let Some(ExportType::Global(Some(t), mutable)) = exports.get(n) {
                picked.push((i, *t));
                key.push((*t, *mutable));
                picked_names.push(n.clone());
            }
        }
        if picked.is_empty() {
            return None;
        }
        let wrapper = self.wrapper_id(WrapperKey::Globals(key));
        let result_bytes = (picked.len() * SLOT) as u32;
        Some((Command::Globals { name: instance.to_string(), wrapper, globals: picked_names, result_bytes }, picked))
    }

    /// Decodes a call's reply.
    pub(super) fn call_reply(reply: &Reply, results: &[ValType]) -> Result<Vec<WastVal>, CallOutcome> {
        match reply {
            Reply::Returned { results: bytes, .. } => wrapper::decode_slots(results, bytes)
                .ok_or_else(|| CallOutcome::Failed("short result bytes from the V8 worker".into())),
            Reply::Thrown { class, message } => Err(call_outcome(*class, message)),
            Reply::Missing(m) => Err(CallOutcome::Failed(m.clone())),
            Reply::Skipped => Err(CallOutcome::Failed("skipped".into())),
            other => Err(CallOutcome::Failed(format!("unexpected reply {other:?}"))),
        }
    }

    /// The instantiation error of a reply to [`Command::Instantiate`].
    pub(super) fn instantiate_error(reply: &Reply) -> InstantiateError {
        match reply {
            Reply::Thrown { class: ErrorClass::Compile, message } if is_implementation_limit(message) => {
                InstantiateError::Unsupported(format!("V8 implementation limit: {message}"))
            }
            Reply::Thrown { class: ErrorClass::Compile | ErrorClass::Link | ErrorClass::Type, message } => {
                InstantiateError::Rejected(message.clone())
            }
            Reply::Thrown { class: ErrorClass::Runtime, message }
                if message.contains("requested new array is too large") =>
            {
                InstantiateError::Exhausted(message.clone())
            }
            Reply::Thrown { class: ErrorClass::Runtime, message } => InstantiateError::Trapped(trap_kind(message)),
            Reply::Thrown { class: ErrorClass::Exception, .. } => {
                InstantiateError::Trapped(TrapKind::UncaughtException)
            }
            Reply::Thrown { class: ErrorClass::Range, message } => InstantiateError::Exhausted(message.clone()),
            other => InstantiateError::Failed(format!("unexpected reply {other:?}")),
        }
    }

    /// Compiles and instantiates `wasm` as `name` (after a store reset when
    /// `reset`), remembering its export types.
    pub(super) fn instantiate_named(&mut self, name: &str, wasm: &[u8], reset: bool) -> Result<(), InstantiateError> {
        let exports = export_types(wasm).map_err(|e| InstantiateError::Rejected(e.to_string()))?;
        let mut commands = Vec::new();
        if reset {
            commands.push(Command::Reset { shared_memory: false, table64: false });
        }
        commands.push(Command::Instantiate { name: name.to_string(), wasm: wasm.to_vec() });
        let replies = self.batch(commands, true).map_err(InstantiateError::Failed)?;
        match replies.last() {
            Some(Reply::Instantiated { .. }) => {
                if reset {
                    self.instances.clear();
                    self.module_types.clear();
                }
                self.instances.insert(name.to_string(), exports);
                self.remember_types(name, wasm);
                Ok(())
            }
            Some(other) => Err(Self::instantiate_error(other)),
            None => Err(InstantiateError::Failed("no reply".into())),
        }
    }

    /// Keeps the types of instance `name`'s module, when a call wrapper
    /// will need them (a function type in a recursion group with others).
    pub(super) fn remember_types(&mut self, name: &str, wasm: &[u8]) {
        self.module_types.remove(name);
        if ModuleTypes::grouped_func_type_in(wasm)
            && let Ok(types) = ModuleTypes::parse(wasm)
        {
            self.module_types.insert(name.to_string(), types);
        }
    }

    /// A fresh store for a `.wast` script, with `spectest`.
    pub(super) fn reset_store(&mut self) -> Result<(), String> {
        let f = self.node.features;
        self.batch(vec![Command::Reset { shared_memory: f.threads, table64: f.memory64 }], false)?;
        self.instances.clear();
        self.module_types.clear();
        Ok(())
    }
}

impl Engine for V8Engine {
    fn name(&self) -> &str {
        self.tier.engine_name()
    }

    fn version(&self) -> String {
        let flags = &self.node.feature_flags;
        let flags = if flags.is_empty() { String::new() } else { format!("; with {}", flags.join(" ")) };
        // The tier's flags are fixed by the engine name (`v8`, `v8-liftoff`).
        let flags = format!("{flags}; flags {}", self.flags.join(" "));
        format!(
            "V8 {} (Node {} from {}: {}{flags})",
            self.node.v8_version,
            self.node.node_version,
            self.node.source.describe(),
            self.node.path.display()
        )
    }

    fn features(&self) -> Features {
        // GC (with typed function references) and exceptions as the probe
        // found them: a Case's exports take and return numbers only (its
        // GC values and exceptions cross through probe exports, see
        // `crosscheck::probes`), which JS passes as they are.
        self.node.features
    }

    fn wast_features(&self) -> Features {
        // Scripts run every proposal the probe found: GC values and
        // exception references cross through typed wrappers, which need
        // GC (so exceptions without it stay skipped).
        let f = self.node.features;
        Features { exceptions: f.exceptions && f.gc, ..f }
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        self.instantiate_named(CASE, wasm, true)?;
        Ok(Box::new(super::case::V8Instance { engine: self }))
    }

    fn run(&mut self, plan: &Plan) -> Observation {
        let start = Instant::now();
        let observation = self.run_plan(plan);
        self.timings.cases += 1;
        self.timings.round_trip += start.elapsed();
        observation
    }

    fn wast_session(&mut self) -> Option<Box<dyn WastSession + '_>> {
        Some(Box::new(super::session::V8Session::new(self)))
    }

    fn cost_breakdown(&self) -> Vec<(&'static str, Duration)> {
        let t = self.timings;
        let overhead = t.round_trip.saturating_sub(t.compile + t.run);
        vec![("compile", t.compile), ("run", t.run), ("round trip and JS", overhead)]
    }
}
