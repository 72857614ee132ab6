//! wasmi as a reference engine: an independent interpreter (register-based
//! bytecode), with SIMD and relaxed SIMD compiled in.

use crate::engine::{Engine, Instance};
use crate::engine_spec::{ConfigError, Setting};
use crate::features::Features;
use crate::observation::{InstantiateError, TableState};
use crate::value::{CallOutcome, TrapKind, Val};
use crate::wast_session::{WastError, WastOutcome, WastSession, WastVal};
use arbitrary::Unstructured;
use std::collections::HashMap;
use wasmi_core::LimiterError;

/// When wasmi translates function bodies into its bytecode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Translation {
    Eager,
    Lazy,
}

/// wasmi, reconfigured per Case.
pub struct WasmiEngine {
    translation: Translation,
    randomize: bool,
    /// `translation=` from the command line, over every drawn one.
    pinned: Option<Translation>,
    features: Features,
    engines: HashMap<(Translation, Features), wasmi::Engine>,
}

impl Default for WasmiEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl WasmiEngine {
    pub fn new() -> WasmiEngine {
        WasmiEngine {
            translation: Translation::Eager,
            randomize: true,
            pinned: None,
            features: Self::supported_features(),
            engines: HashMap::new(),
        }
    }

    /// An engine that always uses one translation mode.
    pub fn with_translation(translation: Translation) -> WasmiEngine {
        WasmiEngine { translation, randomize: false, ..Self::new() }
    }

    pub fn supported_features() -> Features {
        Features { threads: false, gc: false, exceptions: false, ..Features::ALL }
    }

    fn engine(&mut self) -> wasmi::Engine {
        let key = (self.translation, self.features);
        let f = self.features;
        self.engines
            .entry(key)
            .or_insert_with(|| {
                let mut c = wasmi::Config::default();
                c.compilation_mode(match key.0 {
                    Translation::Eager => wasmi::CompilationMode::Eager,
                    Translation::Lazy => wasmi::CompilationMode::LazyTranslation,
                });
                c.wasm_multi_value(f.multi_value)
                    .wasm_sign_extension(f.sign_extension)
                    .wasm_saturating_float_to_int(f.saturating_float_to_int)
                    .wasm_bulk_memory(f.bulk_memory)
                    .wasm_reference_types(f.reference_types)
                    .wasm_simd(f.simd)
                    .wasm_relaxed_simd(f.relaxed_simd)
                    .wasm_tail_call(f.tail_call)
                    .wasm_multi_memory(f.multi_memory)
                    .wasm_extended_const(f.extended_const)
                    .wasm_memory64(f.memory64)
                    .wasm_wide_arithmetic(f.wide_arithmetic)
                    .wasm_custom_page_sizes(f.custom_page_sizes);
                wasmi::Engine::new(&c)
            })
            .clone()
    }
}

impl Engine for WasmiEngine {
    fn name(&self) -> &str {
        "wasmi"
    }

    fn version(&self) -> String {
        format!("wasmi {}", env!("CROSSCHECK_WASMI_VERSION"))
    }

    fn features(&self) -> Features {
        Self::supported_features()
    }

    fn configure(&mut self, u: &mut Unstructured<'_>, features: Features) -> arbitrary::Result<()> {
        if self.randomize {
            self.translation = *u.choose(&[Translation::Eager, Translation::Lazy])?;
        }
        if let Some(t) = self.pinned {
            self.translation = t;
        }
        self.features = features;
        Ok(())
    }

    fn config(&self) -> String {
        let t = match self.translation {
            Translation::Eager => "eager",
            Translation::Lazy => "lazy",
        };
        format!("translation={t}")
    }

    fn pin(&mut self, settings: &[Setting]) -> Result<(), ConfigError> {
        for s in settings {
            if s.key != "translation" {
                return Err(ConfigError::unknown_key("wasmi", &s.key, &["translation"]));
            }
            let t = match s.value.as_str() {
                "eager" => Translation::Eager,
                "lazy" => Translation::Lazy,
                v => return Err(ConfigError::bad_value("wasmi", "translation", v, "eager or lazy")),
            };
            self.pinned = Some(t);
            self.translation = t;
        }
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        let engine = self.engine();
        let module = wasmi::Module::new(&engine, wasm).map_err(|e| InstantiateError::Rejected(e.to_string()))?;
        let mut store = wasmi::Store::new(&engine, GrowWatch::default());
        store.limiter(|watch| watch);
        let linker = wasmi::Linker::<GrowWatch>::new(&engine);
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(|e| match classify(&e) {
            CallOutcome::Trapped(kind) => InstantiateError::Trapped(kind),
            CallOutcome::Exhausted(why) => InstantiateError::Exhausted(why),
            _ => InstantiateError::Rejected(e.to_string()),
        })?;
        Ok(Box::new(WasmiInstance { store, instance }))
    }

    fn wast_session(&mut self) -> Option<Box<dyn WastSession + '_>> {
        let features = std::mem::replace(&mut self.features, Self::supported_features());
        let engine = self.engine();
        self.features = features;
        Some(Box::new(WasmiSession::new(engine).ok()?))
    }
}

fn classify(e: &wasmi::Error) -> CallOutcome {
    use wasmi::TrapCode as T;
    use wasmi::errors::{ErrorKind, InstantiationError as I};
    if let ErrorKind::Instantiation(i) = e.kind() {
        match i {
            // The spec's "out of bounds table access" trap of `table.init`
            // during instantiation.
            I::ElementSegmentDoesNotFit { .. } => return CallOutcome::Trapped(TrapKind::TableOutOfBounds),
            I::TooManyInstances
            | I::TooManyTables
            | I::TooManyMemories
            | I::FailedToInstantiateMemory(_)
            | I::FailedToInstantiateTable(_) => return CallOutcome::Exhausted(e.to_string()),
            _ => {}
        }
    }
    let Some(code) = e.as_trap_code() else {
        let msg = e.to_string();
        if matches!(e.kind(), ErrorKind::Memory(_) | ErrorKind::Table(_))
            || msg.contains("out of system memory")
            || msg.contains("resource limit")
        {
            return CallOutcome::Exhausted(msg);
        }
        return CallOutcome::Failed(msg);
    };
    CallOutcome::Trapped(match code {
        T::StackOverflow => return CallOutcome::Exhausted("call stack exhausted".into()),
        T::OutOfFuel => return CallOutcome::Exhausted("out of fuel".into()),
        T::GrowthOperationLimited => return CallOutcome::Exhausted("growth limited".into()),
        T::UnreachableCodeReached => TrapKind::Unreachable,
        T::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        T::TableOutOfBounds => TrapKind::TableOutOfBounds,
        T::IndirectCallToNull => TrapKind::IndirectCallToNull,
        T::IntegerDivisionByZero => TrapKind::IntegerDivideByZero,
        T::IntegerOverflow => TrapKind::IntegerOverflow,
        T::BadConversionToInteger => TrapKind::InvalidConversionToInteger,
        T::BadSignature => TrapKind::BadSignature,
        #[allow(unreachable_patterns)]
        other => TrapKind::Other(format!("{other:?}")),
    })
}

struct WasmiInstance {
    store: wasmi::Store<GrowWatch>,
    instance: wasmi::Instance,
}

fn to_wasmi_val(v: &Val) -> wasmi::Val {
    match *v {
        Val::I32(x) => wasmi::Val::I32(x as i32),
        Val::I64(x) => wasmi::Val::I64(x as i64),
        Val::F32(b) => wasmi::Val::F32(wasmi::F32::from_bits(b)),
        Val::F64(b) => wasmi::Val::F64(wasmi::F64::from_bits(b)),
        Val::V128(x) => wasmi::Val::V128(x.into()),
        Val::FuncRef { .. } => wasmi::Val::FuncRef(wasmi::Nullable::Null),
        Val::ExternRef { .. } => wasmi::Val::ExternRef(wasmi::Nullable::Null),
    }
}

fn from_wasmi_val(v: &wasmi::Val) -> Val {
    match v {
        wasmi::Val::I32(x) => Val::I32(*x as u32),
        wasmi::Val::I64(x) => Val::I64(*x as u64),
        wasmi::Val::F32(x) => Val::F32(x.to_bits()),
        wasmi::Val::F64(x) => Val::F64(x.to_bits()),
        wasmi::Val::V128(x) => Val::V128(x.as_u128()),
        wasmi::Val::FuncRef(r) => Val::FuncRef { null: r.is_null() },
        wasmi::Val::ExternRef(r) => Val::ExternRef { null: r.is_null() },
    }
}

impl Instance for WasmiInstance {
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome {
        let Some(func) = self.instance.get_func(&self.store, export) else {
            return CallOutcome::Failed(format!("no exported function {export:?}"));
        };
        let ty = func.ty(&self.store);
        let args: Vec<_> = args.iter().map(to_wasmi_val).collect();
        let mut results: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => CallOutcome::Returned(results.iter().map(from_wasmi_val).collect()),
            Err(e) => classify(&e),
        }
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        let g = self.instance.get_global(&self.store, name)?;
        Some(from_wasmi_val(&g.get(&self.store)))
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let m = self.instance.get_memory(&self.store, name)?;
        Some(m.data(&self.store).to_vec())
    }

    fn table(&mut self, name: &str) -> Option<TableState> {
        let t = self.instance.get_table(&self.store, name)?;
        let size = t.size(&self.store);
        let null = (0..size)
            .map(|i| match t.get(&self.store, i) {
                Some(wasmi::Ref::Func(f)) => f.is_null(),
                Some(wasmi::Ref::Extern(r)) => r.is_null(),
                None => true,
            })
            .collect();
        Some(TableState { size, null })
    }

    fn refused_grows(&mut self) -> u64 {
        self.store.data().refused
    }
}

/// The store data of a wasmi instance: counts the grows wasmi refuses for
/// its own reasons (see [`crate::Step`]). wasmi fails a grow past the
/// module's limits before it asks its `ResourceLimiter`, and reports to it
/// only the failures that come after (the host out of memory, fuel), and a
/// table grown past its maximum.
#[derive(Debug, Default)]
struct GrowWatch {
    refused: u64,
}

impl wasmi::ResourceLimiter for GrowWatch {
    fn memory_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> Result<bool, LimiterError> {
        Ok(true)
    }

    fn table_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> Result<bool, LimiterError> {
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _: &wasmi::errors::MemoryError) -> Result<(), LimiterError> {
        self.refused += 1;
        Ok(())
    }

    fn table_grow_failed(&mut self, error: &wasmi::errors::TableError) -> Result<(), LimiterError> {
        if !matches!(error, wasmi::errors::TableError::GrowOutOfBounds) {
            self.refused += 1;
        }
        Ok(())
    }

    fn instances(&self) -> usize {
        usize::MAX
    }

    fn tables(&self) -> usize {
        usize::MAX
    }

    fn memories(&self) -> usize {
        usize::MAX
    }
}

/// One `.wast` script's store on wasmi (eager translation, every proposal
/// wasmi supports enabled).
pub struct WasmiSession {
    store: wasmi::Store<()>,
    linker: wasmi::Linker<()>,
    instances: HashMap<String, wasmi::Instance>,
}

impl WasmiSession {
    pub fn new(engine: wasmi::Engine) -> Result<WasmiSession, wasmi::Error> {
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::new(&engine);
        linker.allow_shadowing(true);
        define_spectest(&mut linker, &mut store)?;
        Ok(WasmiSession { store, linker, instances: HashMap::new() })
    }

    fn engine_val(&mut self, v: WastVal) -> Result<wasmi::Val, String> {
        Ok(match v {
            WastVal::ExternRef(Some(n)) => {
                wasmi::Val::ExternRef(wasmi::Nullable::Val(wasmi::ExternRef::new(&mut self.store, n)))
            }
            WastVal::FuncRef { null: false } => return Err("a non-null funcref argument".into()),
            WastVal::ExternAny(_) | WastVal::AnyRef(_) | WastVal::ExnRef { .. } => {
                return Err("a GC or exception reference argument".into());
            }
            other => to_wasmi_val(&other.to_val()),
        })
    }

    fn session_val(&self, v: &wasmi::Val) -> Result<WastVal, String> {
        match v {
            wasmi::Val::ExternRef(wasmi::Nullable::Val(r)) => match r.data(&self.store).downcast_ref::<u32>() {
                Some(n) => Ok(WastVal::ExternRef(Some(*n))),
                None => Err("an externref without a host payload".into()),
            },
            other => Ok(WastVal::from(from_wasmi_val(other))),
        }
    }
}

/// Defines the `spectest` module (see [`crate::wast_session::spectest`]),
/// without `shared_memory`: wasmi has no threads.
fn define_spectest(linker: &mut wasmi::Linker<()>, store: &mut wasmi::Store<()>) -> Result<(), wasmi::Error> {
    use crate::wast_session::spectest as s;
    use wasmi::{Global, Memory, MemoryType, Mutability, Ref, RefType, Table, TableType, ValType as T};
    for (name, params) in s::PRINT_FUNCS {
        let params: Vec<T> = params
            .iter()
            .map(|p| match p {
                crate::ValType::I64 => T::I64,
                crate::ValType::F32 => T::F32,
                crate::ValType::F64 => T::F64,
                _ => T::I32,
            })
            .collect();
        let func = wasmi::Func::new(&mut *store, wasmi::FuncType::new(params, []), |_, _, _| Ok(()));
        linker.define(s::MODULE, name, func)?;
    }
    let globals = [
        ("global_i32", wasmi::Val::I32(s::GLOBAL_I32)),
        ("global_i64", wasmi::Val::I64(s::GLOBAL_I64)),
        ("global_f32", wasmi::Val::F32(wasmi::F32::from_bits(s::GLOBAL_F32.to_bits()))),
        ("global_f64", wasmi::Val::F64(wasmi::F64::from_bits(s::GLOBAL_F64.to_bits()))),
    ];
    for (name, value) in globals {
        linker.define(s::MODULE, name, Global::new(&mut *store, value, Mutability::Const))?;
    }
    let null = || Ref::Func(wasmi::Nullable::Null);
    let table = Table::new(&mut *store, TableType::new(RefType::Func, s::TABLE_MIN, Some(s::TABLE_MAX)), null())?;
    linker.define(s::MODULE, "table", table)?;
    let table64 = TableType::new64(RefType::Func, s::TABLE_MIN.into(), Some(s::TABLE_MAX.into()));
    linker.define(s::MODULE, "table64", Table::new(&mut *store, table64, null())?)?;
    let memory = Memory::new(&mut *store, MemoryType::new(s::MEMORY_MIN, Some(s::MEMORY_MAX)))?;
    linker.define(s::MODULE, "memory", memory)?;
    Ok(())
}

/// Instantiation failures: linking, segment traps, resource limits.
fn instantiate_error(e: &wasmi::Error) -> WastError {
    use wasmi::errors::{ErrorKind, InstantiationError as I};
    match e.kind() {
        ErrorKind::Linker(_) => return WastError::Unlinkable(e.to_string()),
        ErrorKind::Instantiation(
            I::MismatchedNumberOfImports { .. }
            | I::ImportTypeMismatch { .. }
            | I::GlobalTypeMismatch { .. }
            | I::FuncTypeMismatch { .. }
            | I::TableTypeMismatch { .. }
            | I::MemoryTypeMismatch { .. },
        ) => return WastError::Unlinkable(e.to_string()),
        _ => {}
    }
    match classify(e) {
        CallOutcome::Trapped(kind) => WastError::Trapped(kind),
        CallOutcome::Exhausted(why) => WastError::Exhausted(why),
        _ => WastError::Failed(e.to_string()),
    }
}

impl WastSession for WasmiSession {
    fn compile(&mut self, wasm: &[u8]) -> Result<(), WastError> {
        wasmi::Module::new(self.store.engine(), wasm).map(|_| ()).map_err(|e| WastError::Invalid(e.to_string()))
    }

    fn instantiate(&mut self, instance: &str, wasm: &[u8]) -> Result<(), WastError> {
        let module = wasmi::Module::new(self.store.engine(), wasm).map_err(|e| WastError::Invalid(e.to_string()))?;
        let inst = self.linker.instantiate_and_start(&mut self.store, &module).map_err(|e| instantiate_error(&e))?;
        self.instances.insert(instance.to_string(), inst);
        Ok(())
    }

    fn register(&mut self, as_name: &str, instance: &str) -> Result<(), WastError> {
        let inst =
            *self.instances.get(instance).ok_or_else(|| WastError::Failed(format!("no instance {instance:?}")))?;
        self.linker.instance(&mut self.store, as_name, inst).map_err(|e| WastError::Failed(e.to_string()))?;
        Ok(())
    }

    fn invoke(&mut self, instance: &str, export: &str, args: &[WastVal]) -> WastOutcome {
        let Some(inst) = self.instances.get(instance).copied() else {
            return WastOutcome::Failed(format!("no instance {instance:?}"));
        };
        let Some(func) = inst.get_func(&self.store, export) else {
            return WastOutcome::Failed(format!("no exported function {export:?}"));
        };
        let args = match args.iter().map(|a| self.engine_val(*a)).collect::<Result<Vec<_>, _>>() {
            Ok(args) => args,
            Err(why) => return WastOutcome::Failed(why),
        };
        let ty = func.ty(&self.store);
        let mut results: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => match results.iter().map(|v| self.session_val(v)).collect::<Result<Vec<_>, _>>() {
                Ok(vals) => WastOutcome::Returned(vals),
                Err(why) => WastOutcome::Failed(why),
            },
            Err(e) => WastOutcome::from_call(classify(&e)),
        }
    }

    fn get(&mut self, instance: &str, global: &str) -> Option<WastVal> {
        let inst = self.instances.get(instance).copied()?;
        let v = inst.get_global(&self.store, global)?.get(&self.store);
        self.session_val(&v).ok()
    }
}
