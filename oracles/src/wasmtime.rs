//! Wasmtime as an engine under test: Cranelift, Winch and Pulley, each with a
//! reproducible configuration drawn from fuzz bytes.
//!
//! The configuration covers what changes the machine code Wasmtime emits:
//! the optimization level, the register allocator, x86-64 CPU features
//! switched off (closed under their dependencies, so every combination is
//! one a real CPU could have — never a feature the host lacks), the memory
//! reservation/guard layout and whether traps come from signals or from
//! explicit checks. `wasmtime::Engine`s are cached per configuration so a
//! Case costs its compile and run, not engine start-up.

use crate::engine::{Engine, Instance};
use crate::features::Features;
use crate::observation::{InstantiateError, TableState};
use crate::value::{CallOutcome, TrapKind, Val};
use crate::wast_session::{WastError, WastOutcome, WastSession, WastVal};
use arbitrary::Unstructured;
use std::collections::HashMap;
use std::fmt;

/// Which of Wasmtime's compilers (or its interpreter) runs the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    Cranelift,
    Winch,
    Pulley,
}

impl Strategy {
    pub fn engine_name(self) -> &'static str {
        match self {
            Strategy::Cranelift => "wasmtime",
            Strategy::Winch => "winch",
            Strategy::Pulley => "pulley",
        }
    }
}

/// Cranelift's optimization level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptLevel {
    None,
    Speed,
    SpeedAndSize,
}

/// Cranelift's register allocator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Regalloc {
    Backtracking,
    SinglePass,
}

/// x86-64 features Cranelift can be told the host lacks, each with the
/// features that depend on it (disabling one disables those too).
pub const CPU_FEATURES: &[(&str, &[&str])] = &[
    ("has_sse3", &["has_ssse3"]),
    ("has_ssse3", &["has_sse41"]),
    ("has_sse41", &["has_sse42"]),
    ("has_sse42", &["has_avx"]),
    ("has_avx", &["has_avx2", "has_fma"]),
    ("has_avx2", &["has_avx512f"]),
    ("has_fma", &[]),
    ("has_avx512f", &["has_avx512dq", "has_avx512vl", "has_avx512bitalg", "has_avx512vbmi"]),
    ("has_avx512dq", &[]),
    ("has_avx512vl", &[]),
    ("has_avx512bitalg", &[]),
    ("has_avx512vbmi", &[]),
    ("has_bmi1", &[]),
    ("has_bmi2", &[]),
    ("has_lzcnt", &[]),
    ("has_popcnt", &[]),
];

/// Smallest reservation of a memory that may not move: covers the largest
/// memory a generated Case declares (crosscheck keeps them at 4 pages).
pub const MIN_FIXED_RESERVATION: u64 = 1 << 20;

/// Linear-memory layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryLayout {
    pub reservation: u64,
    pub guard: u64,
    pub may_move: bool,
    pub signals_based_traps: bool,
}

/// One reproducible Wasmtime configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WasmtimeConfig {
    pub strategy: Strategy,
    pub opt_level: OptLevel,
    pub regalloc: Regalloc,
    /// Cranelift `has_*` flags forced off, closed under dependencies, in
    /// [`CPU_FEATURES`] order.
    pub disabled_cpu_features: Vec<&'static str>,
    pub memory: MemoryLayout,
}

impl WasmtimeConfig {
    /// Wasmtime's defaults for a strategy.
    pub fn default_for(strategy: Strategy) -> WasmtimeConfig {
        WasmtimeConfig {
            strategy,
            opt_level: OptLevel::Speed,
            regalloc: Regalloc::Backtracking,
            disabled_cpu_features: Vec::new(),
            memory: MemoryLayout {
                reservation: 4 << 30,
                guard: 32 << 20,
                may_move: true,
                signals_based_traps: true,
            },
        }
    }

    /// Draws a configuration from fuzz bytes. The same bytes give the same
    /// configuration on any host: every choice consumes its bytes even where
    /// it ends up not applying.
    pub fn arbitrary(strategy: Strategy, u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        let opt_level = *u.choose(&[OptLevel::None, OptLevel::Speed, OptLevel::SpeedAndSize])?;
        let regalloc = *u.choose(&[Regalloc::Backtracking, Regalloc::SinglePass])?;
        let mut off: Vec<&'static str> = Vec::new();
        for (flag, _) in CPU_FEATURES {
            // One in four: enough to reach every fallback lowering often
            // while most Cases still see the host's best code.
            if u.ratio(1u8, 4u8)? {
                off.push(flag);
            }
        }
        let disabled_cpu_features = close_under_dependencies(&off);
        let mut reservation = *u.choose(&[0, 1 << 16, 1 << 20, 4 << 30, 8 << 30])?;
        let guard = *u.choose(&[0, 1 << 16, 32 << 20, 2 << 30])?;
        let may_move: bool = u.arbitrary()?;
        let mut signals_based_traps = u.arbitrary()?;
        if !may_move {
            // A memory that may not move cannot grow past its reservation:
            // `memory.grow` would fail (as the spec allows) where the other
            // engines grow. Reserve at least what a Case's memories may reach.
            reservation = reservation.max(MIN_FIXED_RESERVATION);
        }
        if strategy == Strategy::Winch {
            // Winch has no explicit trap checks; it requires signals.
            signals_based_traps = true;
        }
        Ok(WasmtimeConfig {
            strategy,
            opt_level,
            regalloc,
            disabled_cpu_features,
            memory: MemoryLayout { reservation, guard, may_move, signals_based_traps },
        })
    }

    /// The `wasmtime::Config` this stands for, with `features` enabled.
    pub fn to_wasmtime(&self, features: Features) -> wasmtime::Result<wasmtime::Config> {
        let mut c = wasmtime::Config::new();
        match self.strategy {
            Strategy::Cranelift => {
                c.strategy(wasmtime::Strategy::Cranelift);
            }
            Strategy::Winch => {
                c.strategy(wasmtime::Strategy::Winch);
            }
            Strategy::Pulley => {
                c.strategy(wasmtime::Strategy::Cranelift);
                // The host pointer width decides the Pulley flavour.
                let target = if cfg!(target_pointer_width = "64") { "pulley64" } else { "pulley32" };
                c.target(target)?;
            }
        }
        c.cranelift_opt_level(match self.opt_level {
            OptLevel::None => wasmtime::OptLevel::None,
            OptLevel::Speed => wasmtime::OptLevel::Speed,
            OptLevel::SpeedAndSize => wasmtime::OptLevel::SpeedAndSize,
        });
        c.cranelift_regalloc_algorithm(match self.regalloc {
            Regalloc::Backtracking => wasmtime::RegallocAlgorithm::Backtracking,
            Regalloc::SinglePass => wasmtime::RegallocAlgorithm::SinglePass,
        });
        if self.strategy != Strategy::Pulley && cfg!(target_arch = "x86_64") {
            for flag in &self.disabled_cpu_features {
                // SAFETY: turning a CPU feature *off* only makes Cranelift
                // emit code for a smaller machine, which the host runs.
                unsafe {
                    c.cranelift_flag_set(flag, "false");
                }
            }
        }
        c.memory_reservation(self.memory.reservation);
        c.memory_guard_size(self.memory.guard);
        c.memory_may_move(self.memory.may_move);
        c.signals_based_traps(self.memory.signals_based_traps);
        c.wasm_backtrace_max_frames(None);
        c.native_unwind_info(false);
        c.wasm_simd(features.simd);
        c.wasm_relaxed_simd(features.relaxed_simd);
        c.wasm_bulk_memory(features.bulk_memory);
        c.wasm_reference_types(features.reference_types);
        c.wasm_multi_value(features.multi_value);
        c.wasm_tail_call(features.tail_call);
        c.wasm_multi_memory(features.multi_memory);
        c.wasm_extended_const(features.extended_const);
        c.wasm_memory64(features.memory64);
        c.wasm_threads(features.threads);
        c.shared_memory(features.threads);
        c.wasm_wide_arithmetic(features.wide_arithmetic);
        c.wasm_custom_page_sizes(features.custom_page_sizes);
        c.wasm_gc(false);
        c.wasm_function_references(false);
        c.wasm_exceptions(false);
        c.wasm_stack_switching(false);
        Ok(c)
    }
}

/// Adds to `off` every feature that depends on one in it.
pub fn close_under_dependencies(off: &[&'static str]) -> Vec<&'static str> {
    let mut set: Vec<&'static str> = off.to_vec();
    // CPU_FEATURES lists a feature before its dependents, so one pass closes.
    for (flag, dependents) in CPU_FEATURES {
        if set.contains(flag) {
            for d in *dependents {
                if !set.contains(d) {
                    set.push(d);
                }
            }
        }
    }
    CPU_FEATURES.iter().map(|(f, _)| *f).filter(|f| set.contains(f)).collect()
}

impl fmt::Display for WasmtimeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.strategy)?;
        if self.strategy != Strategy::Winch {
            write!(f, " opt={:?} regalloc={:?}", self.opt_level, self.regalloc)?;
        }
        if !self.disabled_cpu_features.is_empty() && self.strategy != Strategy::Pulley {
            let off: Vec<_> = self.disabled_cpu_features.iter().map(|f| f.trim_start_matches("has_")).collect();
            write!(f, " cpu-off=[{}]", off.join(","))?;
        }
        let m = &self.memory;
        write!(
            f,
            " reservation={} guard={} may_move={} signals_based_traps={}",
            m.reservation, m.guard, m.may_move, m.signals_based_traps
        )
    }
}

/// Wasmtime with one strategy, reconfigured per Case.
pub struct WasmtimeEngine {
    config: WasmtimeConfig,
    /// Whether `configure` draws a new configuration per Case (fuzzing) or
    /// keeps the defaults (`crosscheck run`).
    randomize: bool,
    features: Features,
    engines: HashMap<(WasmtimeConfig, Features), wasmtime::Engine>,
}

/// Engines kept per adapter before the cache is flushed.
const ENGINE_CACHE_LIMIT: usize = 64;

impl WasmtimeEngine {
    pub fn new(strategy: Strategy) -> WasmtimeEngine {
        WasmtimeEngine {
            config: WasmtimeConfig::default_for(strategy),
            randomize: true,
            features: Self::supported_features(strategy),
            engines: HashMap::new(),
        }
    }

    /// An engine that always uses one configuration.
    pub fn with_config(config: WasmtimeConfig) -> WasmtimeEngine {
        let features = Self::supported_features(config.strategy);
        WasmtimeEngine { config, randomize: false, features, engines: HashMap::new() }
    }

    /// What each strategy runs (from Wasmtime's own feature gates).
    pub fn supported_features(strategy: Strategy) -> Features {
        let all = Features { gc: false, exceptions: false, ..Features::ALL };
        match strategy {
            Strategy::Cranelift => all,
            Strategy::Winch => Features { relaxed_simd: false, tail_call: false, ..all },
            Strategy::Pulley => Features { threads: false, ..all },
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
        }
        self.engines.insert(key, engine.clone());
        Ok(engine)
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
        }
        self.features = features;
        Ok(())
    }

    fn config(&self) -> String {
        self.config.to_string()
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        let engine = self.engine()?;
        let module = wasmtime::Module::new(&engine, wasm).map_err(|e| classify_compile_error(&e))?;
        let mut store = wasmtime::Store::new(&engine, ());
        let instance =
            wasmtime::Instance::new(&mut store, &module, &[]).map_err(|e| match classify_error(&e) {
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

fn wasmtime_version() -> &'static str {
    // The crate does not export its version; Cargo.lock pins it.
    "48"
}

/// Compile errors: features a backend has not implemented are `Unsupported`
/// (Winch's partial SIMD), everything else a rejection.
fn classify_compile_error(e: &wasmtime::Error) -> InstantiateError {
    let msg = format!("{e:#}");
    let lower = msg.to_ascii_lowercase();
    // Feature gates of the backend (Winch has no reference types: wasmparser
    // reports them as "gc types are disallowed") and unimplemented lowerings.
    let unsupported = ["unsupported", "not supported", "not yet implemented", "unimplemented", "not implemented", "are disallowed", "is not enabled", "support is not enabled"];
    if unsupported.iter().any(|m| lower.contains(m)) {
        InstantiateError::Unsupported(msg)
    } else {
        InstantiateError::Rejected(msg)
    }
}

fn classify_error(e: &wasmtime::Error) -> CallOutcome {
    use wasmtime::Trap as T;
    let Some(trap) = e.downcast_ref::<wasmtime::Trap>() else {
        let msg = format!("{e:#}");
        if msg.contains("failed to allocate") || msg.contains("insufficient resources") || msg.contains("mmap") {
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
        T::AtomicWaitNonSharedMemory => TrapKind::AtomicWaitNonShared,
        other => TrapKind::Other(other.to_string()),
    })
}

struct WasmtimeInstance {
    store: wasmtime::Store<()>,
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
                Some(_) | None => true,
            })
            .collect();
        Some(TableState { size, null })
    }
}

/// One `.wast` script's store on Wasmtime, with this adapter's strategy and
/// configuration and every proposal the strategy supports enabled.
pub struct WasmtimeSession {
    store: wasmtime::Store<()>,
    linker: wasmtime::Linker<()>,
    instances: HashMap<String, wasmtime::Instance>,
}

impl WasmtimeSession {
    pub fn new(config: &WasmtimeConfig) -> wasmtime::Result<WasmtimeSession> {
        let features = WasmtimeEngine::supported_features(config.strategy);
        let engine = wasmtime::Engine::new(&config.to_wasmtime(features)?)?;
        let mut store = wasmtime::Store::new(&engine, ());
        let mut linker = wasmtime::Linker::new(&engine);
        linker.allow_shadowing(true);
        define_spectest(&mut linker, &mut store, features)?;
        Ok(WasmtimeSession { store, linker, instances: HashMap::new() })
    }

    fn module(&self, wasm: &[u8]) -> Result<wasmtime::Module, WastError> {
        wasmtime::Module::new(self.store.engine(), wasm).map_err(|e| match classify_compile_error(&e) {
            // Winch validates without GC types: externref is out.
            InstantiateError::Unsupported(m) if m.contains("gc types are disallowed") => {
                WastError::Unsupported("reference-types: externref".into())
            }
            InstantiateError::Unsupported(m) => WastError::Unsupported(m),
            InstantiateError::Rejected(m) => WastError::Invalid(m),
            other => WastError::Invalid(other.to_string()),
        })
    }

    fn engine_val(&mut self, v: WastVal) -> Result<wasmtime::Val, String> {
        Ok(match v {
            WastVal::ExternRef(Some(n)) => {
                let r = wasmtime::ExternRef::new(&mut self.store, n).map_err(|e| format!("externref: {e:#}"))?;
                wasmtime::Val::ExternRef(Some(r))
            }
            WastVal::FuncRef { null: false } => return Err("a non-null funcref argument".into()),
            other => to_wasmtime_val(&other.to_val()),
        })
    }

    fn session_val(&self, v: &wasmtime::Val) -> Result<WastVal, String> {
        match v {
            wasmtime::Val::ExternRef(Some(r)) => {
                let data = r.data(&self.store).map_err(|e| format!("externref: {e:#}"))?;
                match data.and_then(|d| d.downcast_ref::<u32>()) {
                    Some(n) => Ok(WastVal::ExternRef(Some(*n))),
                    None => Err("an externref without a host payload".into()),
                }
            }
            other => from_wasmtime_val(other).map(WastVal::from).ok_or_else(|| format!("a value crosscheck does not observe: {other:?}")),
        }
    }
}

/// Defines the `spectest` module (see [`crate::wast_session::spectest`]).
fn define_spectest(linker: &mut wasmtime::Linker<()>, store: &mut wasmtime::Store<()>, features: Features) -> wasmtime::Result<()> {
    use crate::wast_session::spectest as s;
    use wasmtime::{Global, GlobalType, Memory, MemoryType, Mutability, Ref, RefType, Table, TableType, ValType as T};
    let engine = store.engine().clone();
    for (name, params) in s::PRINT_FUNCS {
        let params = params.iter().map(|p| match p {
            crate::ValType::I64 => T::I64,
            crate::ValType::F32 => T::F32,
            crate::ValType::F64 => T::F64,
            _ => T::I32,
        });
        let ty = wasmtime::FuncType::new(&engine, params, []);
        let func = wasmtime::Func::new(&mut *store, ty, |_, _, _| Ok(()));
        linker.define(&*store, s::MODULE, name, func)?;
    }
    let globals = [
        ("global_i32", T::I32, wasmtime::Val::I32(s::GLOBAL_I32)),
        ("global_i64", T::I64, wasmtime::Val::I64(s::GLOBAL_I64)),
        ("global_f32", T::F32, wasmtime::Val::F32(s::GLOBAL_F32.to_bits())),
        ("global_f64", T::F64, wasmtime::Val::F64(s::GLOBAL_F64.to_bits())),
    ];
    for (name, ty, value) in globals {
        let g = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), value)?;
        linker.define(&*store, s::MODULE, name, g)?;
    }
    let table = TableType::new(RefType::FUNCREF, s::TABLE_MIN, Some(s::TABLE_MAX));
    let t = Table::new(&mut *store, table, Ref::Func(None))?;
    linker.define(&*store, s::MODULE, "table", t)?;
    if s::has_table64(features) {
        let table64 = TableType::new64(RefType::FUNCREF, s::TABLE_MIN.into(), Some(s::TABLE_MAX.into()));
        let t = Table::new(&mut *store, table64, Ref::Func(None))?;
        linker.define(&*store, s::MODULE, "table64", t)?;
    }
    let memory = Memory::new(&mut *store, MemoryType::new(s::MEMORY_MIN, Some(s::MEMORY_MAX)))?;
    linker.define(&*store, s::MODULE, "memory", memory)?;
    if s::has_shared_memory(features) {
        let pages = s::SHARED_MEMORY_PAGES;
        let shared = wasmtime::SharedMemory::new(&engine, MemoryType::shared(pages, pages))?;
        linker.define(&*store, s::MODULE, "shared_memory", shared)?;
    }
    Ok(())
}

impl WastSession for WasmtimeSession {
    fn compile(&mut self, wasm: &[u8]) -> Result<(), WastError> {
        self.module(wasm).map(|_| ())
    }

    fn instantiate(&mut self, instance: &str, wasm: &[u8]) -> Result<(), WastError> {
        let module = self.module(wasm)?;
        let inst = self.linker.instantiate(&mut self.store, &module).map_err(|e| match classify_error(&e) {
            CallOutcome::Trapped(kind) => WastError::Trapped(kind),
            CallOutcome::Exhausted(why) => WastError::Exhausted(why),
            // Compilation succeeded: what is left is linking.
            _ => WastError::Unlinkable(format!("{e:#}")),
        })?;
        self.instances.insert(instance.to_string(), inst);
        Ok(())
    }

    fn register(&mut self, as_name: &str, instance: &str) -> Result<(), WastError> {
        let inst = *self.instances.get(instance).ok_or_else(|| WastError::Failed(format!("no instance {instance:?}")))?;
        self.linker.instance(&mut self.store, as_name, inst).map_err(|e| WastError::Failed(format!("{e:#}")))?;
        Ok(())
    }

    fn invoke(&mut self, instance: &str, export: &str, args: &[WastVal]) -> WastOutcome {
        let Some(inst) = self.instances.get(instance).copied() else {
            return WastOutcome::Failed(format!("no instance {instance:?}"));
        };
        let Some(func) = inst.get_func(&mut self.store, export) else {
            return WastOutcome::Failed(format!("no exported function {export:?}"));
        };
        let args = match args.iter().map(|a| self.engine_val(*a)).collect::<Result<Vec<_>, _>>() {
            Ok(args) => args,
            Err(why) => return WastOutcome::Failed(why),
        };
        let mut results = vec![wasmtime::Val::I32(0); func.ty(&self.store).results().len()];
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => match results.iter().map(|v| self.session_val(v)).collect::<Result<Vec<_>, _>>() {
                Ok(vals) => WastOutcome::Returned(vals),
                Err(why) => WastOutcome::Failed(why),
            },
            Err(e) => WastOutcome::from_call(classify_error(&e)),
        }
    }

    fn get(&mut self, instance: &str, global: &str) -> Option<WastVal> {
        let inst = self.instances.get(instance).copied()?;
        let v = inst.get_global(&mut self.store, global)?.get(&mut self.store);
        self.session_val(&v).ok()
    }
}
