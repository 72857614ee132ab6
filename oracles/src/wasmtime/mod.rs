//! Wasmtime as an engine under test: Cranelift, Winch and Pulley, each with a
//! reproducible configuration drawn from fuzz bytes.
//!
//! The configuration covers what changes the machine code Wasmtime emits:
//! the optimization level, the register allocator, x86-64 CPU features
//! switched off (closed under their dependencies, so every combination is
//! one a real CPU could have — never a feature the host lacks), the memory
//! reservation/guard layout and whether traps come from signals or from
//! explicit checks. `wasmtime::Engine`s are cached per configuration so a
//! Case costs its compile and run, not engine start-up; so are the compiled
//! modules of up to 2 KiB, per configuration and bytes: under libFuzzer a
//! single-instruction or pattern module recurs with new operands, and
//! compiling it again under the same configuration gives the same code.
//! Below that, Cranelift's functions come from one in-memory cache per
//! process ([`FunctionCache`]): a module that differs from an earlier one
//! in a function compiles that function only.

mod config;
mod function_cache;
mod grow_watch;
mod session;

pub use config::{
    CPU_FEATURES, CPU_PROFILES, Collector, CpuProfile, MIN_FIXED_RESERVATION, MemoryLayout, OptLevel, Regalloc,
    SETTING_KEYS, Strategy, WasmtimeConfig, close_under_dependencies, cpu_feature_name,
};
pub use function_cache::{FUNCTION_CACHE_MAX_BYTES, FunctionCache};
use grow_watch::GrowWatch;
pub use session::WasmtimeSession;

use crate::engine::{Engine, Instance};
use crate::engine_spec::{ConfigError, Setting};
use crate::features::Features;
use crate::observation::{InstantiateError, TableState};
use crate::value::{CallOutcome, TrapKind, Val};
use crate::wast_session::WastSession;
use arbitrary::Unstructured;
use std::collections::{HashMap, VecDeque};

/// Wasmtime with one strategy, reconfigured per Case.
pub struct WasmtimeEngine {
    config: WasmtimeConfig,
    /// Whether `configure` draws a new configuration per Case (fuzzing) or
    /// keeps the defaults (`crosscheck run`).
    randomize: bool,
    /// Settings from the command line, applied over every configuration.
    pinned: Vec<Setting>,
    features: Features,
    engines: HashMap<(WasmtimeConfig, Features), wasmtime::Engine>,
    /// Compiled modules of at most [`MODULE_CACHE_MAX_BYTES`], per engine.
    modules: HashMap<ModuleKey, wasmtime::Module>,
    /// The cached modules' keys, oldest first.
    module_order: VecDeque<ModuleKey>,
}

/// A compiled module's configuration, proposals and bytes.
type ModuleKey = (WasmtimeConfig, Features, Vec<u8>);

/// Engines kept per adapter before the cache is flushed.
const ENGINE_CACHE_LIMIT: usize = 64;

/// Compiled modules kept per adapter (each keeps its engine alive: 256
/// took `patterns` from 105 to 264 MB), and the largest module kept:
/// single-instruction and pattern modules are a few hundred bytes;
/// generated and mutated ones are rarely seen twice.
const MODULE_CACHE_LIMIT: usize = 64;
const MODULE_CACHE_MAX_BYTES: usize = 2048;

impl WasmtimeEngine {
    pub fn new(strategy: Strategy) -> WasmtimeEngine {
        WasmtimeEngine {
            config: WasmtimeConfig::default_for(strategy),
            randomize: true,
            pinned: Vec::new(),
            features: Self::supported_features(strategy),
            engines: HashMap::new(),
            modules: HashMap::new(),
            module_order: VecDeque::new(),
        }
    }

    /// An engine that always uses one configuration.
    pub fn with_config(config: WasmtimeConfig) -> WasmtimeEngine {
        let strategy = config.strategy;
        WasmtimeEngine { config, randomize: false, ..WasmtimeEngine::new(strategy) }
    }

    /// What each strategy runs (from Wasmtime's own feature gates).
    /// GC, typed function references and exceptions on Cranelift and
    /// Pulley (Winch has neither GC nor exceptions).
    pub fn supported_features(strategy: Strategy) -> Features {
        let all = Features { gc: false, exceptions: false, ..Features::ALL };
        match strategy {
            Strategy::Cranelift => Features { gc: true, exceptions: true, ..all },
            Strategy::Winch => Features { relaxed_simd: false, tail_call: false, ..all },
            Strategy::Pulley => Features { threads: false, gc: true, exceptions: true, ..all },
        }
    }

    pub fn current_config(&self) -> &WasmtimeConfig {
        &self.config
    }

    fn engine(&mut self) -> Result<wasmtime::Engine, InstantiateError> {
        let key = (self.config.clone(), self.features);
        if let Some(e) = self.engines.get(&key) {
            return Ok(e.clone());
        }
        let engine = self
            .config
            .to_wasmtime(self.features)
            .and_then(|c| wasmtime::Engine::new(&c))
            .map_err(|e| InstantiateError::Unsupported(format!("wasmtime config: {e:#}")))?;
        if self.engines.len() >= ENGINE_CACHE_LIMIT {
            self.engines.clear();
            self.modules.clear();
            self.module_order.clear();
        }
        self.engines.insert(key, engine.clone());
        Ok(engine)
    }

    /// `wasm` compiled for the current configuration: from the cache when
    /// it is small and was compiled before (a failed compile is not kept).
    fn module(&mut self, engine: &wasmtime::Engine, wasm: &[u8]) -> Result<wasmtime::Module, InstantiateError> {
        if wasm.len() > MODULE_CACHE_MAX_BYTES {
            return wasmtime::Module::new(engine, wasm).map_err(|e| classify_compile_error(&e));
        }
        let key = (self.config.clone(), self.features, wasm.to_vec());
        if let Some(m) = self.modules.get(&key) {
            return Ok(m.clone());
        }
        let module = wasmtime::Module::new(engine, wasm).map_err(|e| classify_compile_error(&e))?;
        // The oldest goes first: libFuzzer mutates the same few inputs in a row.
        if self.modules.len() >= MODULE_CACHE_LIMIT
            && let Some(oldest) = self.module_order.pop_front()
        {
            self.modules.remove(&oldest);
        }
        self.module_order.push_back(key.clone());
        self.modules.insert(key, module.clone());
        Ok(module)
    }

    /// How many compiled modules the cache holds (for its tests).
    pub fn cached_modules(&self) -> usize {
        self.modules.len()
    }
}

impl Engine for WasmtimeEngine {
    fn name(&self) -> &str {
        self.config.strategy.engine_name()
    }

    fn version(&self) -> String {
        format!("wasmtime {}", wasmtime_version())
    }

    fn features(&self) -> Features {
        Self::supported_features(self.config.strategy)
    }

    fn configure(&mut self, u: &mut Unstructured<'_>, features: Features) -> arbitrary::Result<()> {
        if self.randomize {
            self.config = WasmtimeConfig::arbitrary(self.config.strategy, u)?;
            if features.gc {
                self.config.draw_collector(u)?;
            }
            if features.threads {
                // Shared memories never move: like `may_move=false`, they
                // cannot grow past the reservation.
                let m = &mut self.config.memory;
                m.reservation = m.reservation.max(MIN_FIXED_RESERVATION);
            }
        }
        for s in &self.pinned {
            // Checked by `pin`: cannot fail.
            let _ = self.config.set(&s.key, &s.value);
        }
        self.features = features;
        Ok(())
    }

    fn config(&self) -> String {
        self.config.settings()
    }

    fn pin(&mut self, settings: &[Setting]) -> Result<(), ConfigError> {
        let mut config = self.config.clone();
        for s in settings {
            config.set(&s.key, &s.value)?;
        }
        self.config = config;
        self.pinned.extend(settings.iter().cloned());
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        let engine = self.engine()?;
        let module = self.module(&engine, wasm)?;
        let mut store = wasmtime::Store::new(&engine, GrowWatch::default());
        store.limiter(|watch| watch);
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).map_err(|e| match classify_error(&e) {
            CallOutcome::Trapped(kind) => InstantiateError::Trapped(kind),
            CallOutcome::Exhausted(why) => InstantiateError::Exhausted(why),
            other => InstantiateError::Failed(other.to_string()),
        })?;
        Ok(Box::new(WasmtimeInstance { store, instance }))
    }

    fn wast_session(&mut self) -> Option<Box<dyn WastSession + '_>> {
        Some(Box::new(WasmtimeSession::new(&self.config).ok()?))
    }
}

/// The version of the `wasmtime` crate linked, from Cargo.lock at build
/// time (see build.rs), with the commit when it comes from git.
fn wasmtime_version() -> &'static str {
    env!("CROSSCHECK_WASMTIME_VERSION")
}

/// Compile errors: features a backend has not implemented are `Unsupported`
/// (Winch's partial SIMD), everything else a rejection.
fn classify_compile_error(e: &wasmtime::Error) -> InstantiateError {
    let msg = format!("{e:#}");
    let lower = msg.to_ascii_lowercase();
    // Feature gates of the backend (Winch has no reference types: wasmparser
    // reports them as "gc types are disallowed") and unimplemented lowerings.
    let unsupported = [
        "unsupported",
        "not supported",
        "not yet implemented",
        "unimplemented",
        "not implemented",
        "are disallowed",
        "is not enabled",
        "support is not enabled",
    ];
    if unsupported.iter().any(|m| lower.contains(m)) {
        InstantiateError::Unsupported(msg)
    } else {
        InstantiateError::Rejected(msg)
    }
}

fn classify_error(e: &wasmtime::Error) -> CallOutcome {
    use wasmtime::Trap as T;
    if e.downcast_ref::<wasmtime::ThrownException>().is_some() {
        return CallOutcome::Trapped(TrapKind::UncaughtException);
    }
    let Some(trap) = e.downcast_ref::<wasmtime::Trap>() else {
        let msg = format!("{e:#}");
        // A full GC heap (the null collector never frees) is exhaustion.
        let gc_oom =
            e.downcast_ref::<wasmtime::GcHeapOutOfMemory<()>>().is_some() || msg.contains("GC heap out of memory");
        if gc_oom
            || msg.contains("failed to allocate")
            || msg.contains("insufficient resources")
            || msg.contains("mmap")
        {
            return CallOutcome::Exhausted(msg);
        }
        return CallOutcome::Failed(msg);
    };
    CallOutcome::Trapped(match trap {
        T::StackOverflow => return CallOutcome::Exhausted("call stack exhausted".into()),
        T::OutOfFuel | T::Interrupt => return CallOutcome::Exhausted(trap.to_string()),
        T::AllocationTooLarge => return CallOutcome::Exhausted(trap.to_string()),
        T::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        T::HeapMisaligned => TrapKind::UnalignedAtomic,
        T::TableOutOfBounds => TrapKind::TableOutOfBounds,
        T::IndirectCallToNull => TrapKind::IndirectCallToNull,
        T::BadSignature => TrapKind::BadSignature,
        T::IntegerOverflow => TrapKind::IntegerOverflow,
        T::IntegerDivisionByZero => TrapKind::IntegerDivideByZero,
        T::BadConversionToInteger => TrapKind::InvalidConversionToInteger,
        T::UnreachableCodeReached => TrapKind::Unreachable,
        T::NullReference => TrapKind::NullReference,
        T::CastFailure => TrapKind::CastFailure,
        T::ArrayOutOfBounds => TrapKind::ArrayOutOfBounds,
        T::AtomicWaitNonSharedMemory => TrapKind::AtomicWaitNonShared,
        other => TrapKind::Other(other.to_string().trim_start_matches("wasm trap: ").to_string()),
    })
}

struct WasmtimeInstance {
    store: wasmtime::Store<GrowWatch>,
    instance: wasmtime::Instance,
}

fn to_wasmtime_val(v: &Val) -> wasmtime::Val {
    match *v {
        Val::I32(x) => wasmtime::Val::I32(x as i32),
        Val::I64(x) => wasmtime::Val::I64(x as i64),
        Val::F32(b) => wasmtime::Val::F32(b),
        Val::F64(b) => wasmtime::Val::F64(b),
        Val::V128(x) => wasmtime::Val::V128(x.into()),
        // Only null references can be made without an instance of their own.
        Val::FuncRef { .. } => wasmtime::Val::FuncRef(None),
        Val::ExternRef { .. } => wasmtime::Val::ExternRef(None),
    }
}

fn from_wasmtime_val(v: &wasmtime::Val) -> Option<Val> {
    Some(match v {
        wasmtime::Val::I32(x) => Val::I32(*x as u32),
        wasmtime::Val::I64(x) => Val::I64(*x as u64),
        wasmtime::Val::F32(b) => Val::F32(*b),
        wasmtime::Val::F64(b) => Val::F64(*b),
        wasmtime::Val::V128(x) => Val::V128(x.as_u128()),
        wasmtime::Val::FuncRef(f) => Val::FuncRef { null: f.is_none() },
        wasmtime::Val::ExternRef(r) => Val::ExternRef { null: r.is_none() },
        _ => return None,
    })
}

impl Instance for WasmtimeInstance {
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome {
        let Some(func) = self.instance.get_func(&mut self.store, export) else {
            return CallOutcome::Failed(format!("no exported function {export:?}"));
        };
        let ty = func.ty(&self.store);
        let args: Vec<_> = args.iter().map(to_wasmtime_val).collect();
        let mut results = vec![wasmtime::Val::I32(0); ty.results().len()];
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => {
                let vals: Option<Vec<Val>> = results.iter().map(from_wasmtime_val).collect();
                match vals {
                    Some(vals) => CallOutcome::Returned(vals),
                    None => CallOutcome::Failed("result of a type crosscheck does not observe".into()),
                }
            }
            Err(e) => classify_error(&e),
        }
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        let g = self.instance.get_global(&mut self.store, name)?;
        from_wasmtime_val(&g.get(&mut self.store))
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        match self.instance.get_export(&mut self.store, name)? {
            wasmtime::Extern::Memory(m) => Some(m.data(&self.store).to_vec()),
            wasmtime::Extern::SharedMemory(m) => {
                // Single-threaded Cases: nothing else writes while we copy.
                Some(m.data().iter().map(|cell| unsafe { *cell.get() }).collect())
            }
            _ => None,
        }
    }

    fn table(&mut self, name: &str) -> Option<TableState> {
        let t = self.instance.get_table(&mut self.store, name)?;
        let size = t.size(&self.store);
        let null = (0..size)
            .map(|i| match t.get(&mut self.store, i) {
                Some(wasmtime::Ref::Func(f)) => f.is_none(),
                Some(wasmtime::Ref::Extern(r)) => r.is_none(),
                Some(wasmtime::Ref::Any(r)) => r.is_none(),
                Some(wasmtime::Ref::Exn(r)) => r.is_none(),
                None => true,
            })
            .collect();
        Some(TableState { size, null })
    }

    fn refused_grows(&mut self) -> u64 {
        self.store.data().refused
    }
}
