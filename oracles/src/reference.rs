//! crosscheck-reference as an engine: the spec-faithful interpreter of this
//! workspace, run in process, both for Plans and for `.wast` sessions.

use crate::engine::{Engine, Instance, RefusalLog, observe_state, run_in_process};
use crate::features::Features;
use crate::observation::{InstantiateError, Masks, Observation, Plan, State, Step, TableState};
use crate::value::{CallOutcome, TrapKind, Val};
use crate::wast_session::{AnyRef, WastError, WastOutcome, WastSession, WastVal, spectest};
use crosscheck_reference as r;
use std::collections::HashMap;

/// The reference interpreter. It has no options: `configure` consumes
/// nothing. With masks on (the default) it runs Plans in masked mode and
/// reports, next to every value, the bits the spec leaves open.
#[derive(Debug)]
pub struct ReferenceEngine {
    masks: bool,
    masked_from_start: bool,
}

impl Default for ReferenceEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl ReferenceEngine {
    pub fn new() -> ReferenceEngine {
        ReferenceEngine { masks: true, masked_from_start: false }
    }

    /// The interpreter without masks: plain values, as any other engine.
    pub fn without_masks() -> ReferenceEngine {
        ReferenceEngine { masks: false, masked_from_start: false }
    }

    /// Masked, with every call in the masked loop from its first
    /// instruction (see `Config::masked_from_start`): what the default
    /// engine must observe identically.
    pub fn masked_from_start() -> ReferenceEngine {
        ReferenceEngine { masks: true, masked_from_start: true }
    }

    /// What the interpreter executes: everything crosscheck knows except
    /// custom page sizes (which it rejects as unsupported); atomics with
    /// single-threaded semantics.
    pub fn supported_features() -> Features {
        Features { custom_page_sizes: false, ..Features::ALL }
    }
}

impl Engine for ReferenceEngine {
    fn name(&self) -> &str {
        "reference"
    }

    fn version(&self) -> String {
        "crosscheck-reference 0.1".to_string()
    }

    fn features(&self) -> Features {
        Self::supported_features()
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        let module = r::Module::new(wasm).map_err(instantiate_error)?;
        let mut store = r::Store::new();
        let instance = r::Instance::instantiate(&mut store, &module, &[]).map_err(instantiate_error)?;
        Ok(Box::new(ReferenceInstance { store, instance }))
    }

    fn wast_session(&mut self) -> Option<Box<dyn WastSession + '_>> {
        Some(Box::new(ReferenceSession::new()))
    }

    fn reports_masks(&self) -> bool {
        self.masks
    }

    fn run(&mut self, plan: &Plan) -> Observation {
        if self.masks { run_masked(plan, self.masked_from_start) } else { run_in_process(self, plan) }
    }
}

/// A Plan in masked mode: values with their undetermined masks, a call
/// whose control depends on open bits ends the run as `Undetermined`.
fn run_masked(plan: &Plan, from_start: bool) -> Observation {
    let instantiated = r::Module::new(&plan.wasm).and_then(|module| {
        let mut store = r::Store::with_config(r::Config { masked_from_start: from_start, ..r::Config::default() });
        let instance = r::Instance::instantiate(&mut store, &module, &[])?;
        Ok((store, instance))
    });
    let (mut store, instance) = match instantiated {
        Ok(x) => x,
        Err(e) => return Observation::failed(instantiate_error(e)),
    };
    let mut refusals = RefusalLog::default();
    refusals.note(Step::Instantiation, store.refused_grows());
    let mut calls = Vec::with_capacity(plan.calls.len());
    let mut masks = Masks::default();
    for (index, call) in plan.calls.iter().enumerate() {
        let Some(r::Extern::Func(f)) = instance.export(&call.export) else {
            calls.push(CallOutcome::Failed(format!("no exported function {:?}", call.export)));
            break;
        };
        let args: Vec<r::Value> = call.args.iter().map(plan_arg).collect();
        let outcome = match store.invoke_masked(f, &args) {
            Ok(vals) => {
                masks.results.push(vals.iter().map(|(_, m)| *m).collect());
                CallOutcome::Returned(vals.into_iter().map(|(v, _)| from_value(&store, v).to_val()).collect())
            }
            Err(r::CallError::Undetermined(m)) => CallOutcome::Undetermined(m),
            Err(e) => {
                masks.results.push(Vec::new());
                match call_outcome(Err(e)) {
                    Err(o) => o,
                    Ok(_) => CallOutcome::Failed("unreachable".into()),
                }
            }
        };
        refusals.note(Step::Call(index), store.refused_grows());
        let ends = outcome.ends_run();
        calls.push(outcome);
        if ends {
            let observation = Observation::new(Ok(()), calls, State::default(), Some(masks));
            return Observation { refused_grows: refusals.steps, ..observation };
        }
    }
    let mut instance_view = ReferenceInstance { store, instance };
    let state = observe_state(&mut instance_view, plan);
    let ReferenceInstance { store, instance } = instance_view;
    for name in &plan.observe.globals {
        masks.globals.push(match instance.export(name) {
            Some(r::Extern::Global(g)) => store.global_mask(g),
            _ => 0,
        });
    }
    for name in &plan.observe.memories {
        masks.memories.push(match instance.export(name) {
            Some(r::Extern::Memory(m)) => store.memory_mask(m).map(|m| m.to_vec()).unwrap_or_default(),
            _ => Vec::new(),
        });
    }
    Observation { refused_grows: refusals.steps, ..Observation::new(Ok(()), calls, state, Some(masks)) }
}

/// A Plan argument as an interpreter value (Plans pass null references only).
fn plan_arg(a: &Val) -> r::Value {
    match *a {
        Val::FuncRef { .. } => r::Value::FuncRef(None),
        Val::ExternRef { .. } => r::Value::ExternRef(None),
        other => to_value(WastVal::from(other)).unwrap_or(r::Value::FuncRef(None)),
    }
}

fn instantiate_error(e: r::Error) -> InstantiateError {
    match e {
        r::Error::Invalid(m) | r::Error::Link(m) => InstantiateError::Rejected(m),
        r::Error::Unsupported(f) => InstantiateError::Unsupported(f.to_string()),
        r::Error::Trap(k) => InstantiateError::Trapped(trap_kind(k)),
        r::Error::Exhausted(m) => InstantiateError::Exhausted(m),
        r::Error::Exception => InstantiateError::Trapped(TrapKind::UncaughtException),
    }
}

/// The interpreter's trap kinds in crosscheck's vocabulary.
pub fn trap_kind(k: r::TrapKind) -> TrapKind {
    use r::TrapKind as R;
    match k {
        R::Unreachable => TrapKind::Unreachable,
        R::IntegerDivideByZero => TrapKind::IntegerDivideByZero,
        R::IntegerOverflow => TrapKind::IntegerOverflow,
        R::InvalidConversionToInteger => TrapKind::InvalidConversionToInteger,
        R::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        R::TableOutOfBounds => TrapKind::TableOutOfBounds,
        R::IndirectCallToNull => TrapKind::IndirectCallToNull,
        R::BadSignature => TrapKind::BadSignature,
        R::NullReference => TrapKind::NullReference,
        R::UnalignedAtomic => TrapKind::UnalignedAtomic,
        R::UnalignedAtomicOrOutOfBounds => TrapKind::UnalignedAtomicOrOutOfBounds,
        R::ExpectedSharedMemory => TrapKind::AtomicWaitNonShared,
        R::CastFailure => TrapKind::CastFailure,
        R::ArrayOutOfBounds => TrapKind::ArrayOutOfBounds,
        R::NullReferenceOrArrayOutOfBounds => TrapKind::NullReferenceOrArrayOutOfBounds,
        R::NullReferenceOrMemoryOutOfBounds => TrapKind::NullReferenceOrMemoryOutOfBounds,
        R::NullReferenceOrTableOutOfBounds => TrapKind::NullReferenceOrTableOutOfBounds,
        R::HostError => TrapKind::Other(k.message().to_string()),
    }
}

fn call_outcome(result: Result<Vec<r::Value>, r::CallError>) -> Result<Vec<r::Value>, CallOutcome> {
    result.map_err(|e| match e {
        r::CallError::Trap(k) => CallOutcome::Trapped(trap_kind(k)),
        r::CallError::Exhausted(m) => CallOutcome::Exhausted(m),
        r::CallError::ArgumentMismatch(m) => CallOutcome::Failed(format!("argument mismatch: {m}")),
        r::CallError::Undetermined(m) => CallOutcome::Undetermined(m),
        // Not yet an outcome of its own for Plans: a trap kind no engine reports.
        r::CallError::Exception(_) => CallOutcome::Trapped(TrapKind::UncaughtException),
    })
}

/// An interpreter value as a session value (`store` tells the hierarchy
/// of a reference type).
fn from_value(store: &r::Store, v: r::Value) -> WastVal {
    match v {
        r::Value::I32(x) => WastVal::I32(x),
        r::Value::I64(x) => WastVal::I64(x),
        r::Value::F32(x) => WastVal::F32(x),
        r::Value::F64(x) => WastVal::F64(x),
        r::Value::V128(x) => WastVal::V128(x),
        r::Value::FuncRef(f) => WastVal::FuncRef { null: f.is_none() },
        r::Value::ExternRef(e) => WastVal::ExternRef(e),
        r::Value::Ref(t, rf) => {
            let any = |rf: r::Ref| match rf {
                r::Ref::Host(n) => AnyRef::Host(n),
                r::Ref::I31(n) => AnyRef::I31(n),
                r::Ref::Array(_) => AnyRef::Array,
                _ => AnyRef::Struct,
            };
            match (store.top_heap_type(t.heap), rf) {
                (r::HeapType::Func, f) => WastVal::FuncRef { null: f.is_none() },
                (r::HeapType::Exn, e) => WastVal::ExnRef { null: e.is_none() },
                (r::HeapType::Extern, None) => WastVal::ExternRef(None),
                (r::HeapType::Extern, Some(r::Ref::Host(n))) => WastVal::ExternRef(Some(n)),
                (r::HeapType::Extern, Some(x)) => WastVal::ExternAny(any(x)),
                (_, x) => WastVal::AnyRef(x.map(any)),
            }
        }
    }
}

/// A session value as an interpreter value. A non-null funcref, struct,
/// array or exception cannot be made from outside (scripts never pass one).
fn to_value(v: WastVal) -> Result<r::Value, String> {
    let any = r::RefType { nullable: true, heap: r::HeapType::Any };
    Ok(match v {
        WastVal::I32(x) => r::Value::I32(x),
        WastVal::I64(x) => r::Value::I64(x),
        WastVal::F32(x) => r::Value::F32(x),
        WastVal::F64(x) => r::Value::F64(x),
        WastVal::V128(x) => r::Value::V128(x),
        WastVal::FuncRef { null: true } => r::Value::FuncRef(None),
        WastVal::ExternRef(e) => r::Value::ExternRef(e),
        WastVal::AnyRef(None) | WastVal::ExnRef { null: true } => r::Value::Ref(any, None),
        WastVal::AnyRef(Some(AnyRef::Host(n))) => r::Value::Ref(any, Some(r::Ref::Host(n))),
        WastVal::AnyRef(Some(AnyRef::I31(n))) => r::Value::Ref(any, Some(r::Ref::I31(n))),
        other => return Err(format!("a {other} argument")),
    })
}

/// An uncaught exception, described: its tag address and payload.
fn describe_exception(store: &r::Store, e: r::Ref) -> String {
    match store.exception(e) {
        Some((tag, payload)) => {
            let vals: Vec<String> = payload.into_iter().map(|v| from_value(store, v).to_string()).collect();
            format!("tag {} ({})", tag.0, vals.join(", "))
        }
        None => "unknown exception".into(),
    }
}

struct ReferenceInstance {
    store: r::Store,
    instance: r::Instance,
}

impl Instance for ReferenceInstance {
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome {
        let Some(r::Extern::Func(f)) = self.instance.export(export) else {
            return CallOutcome::Failed(format!("no exported function {export:?}"));
        };
        let args: Vec<r::Value> = args.iter().map(plan_arg).collect();
        match call_outcome(self.store.invoke(f, &args)) {
            Ok(vals) => CallOutcome::Returned(vals.into_iter().map(|v| from_value(&self.store, v).to_val()).collect()),
            Err(outcome) => outcome,
        }
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        match self.instance.export(name)? {
            r::Extern::Global(g) => Some(from_value(&self.store, self.store.global_get(g)).to_val()),
            _ => None,
        }
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        match self.instance.export(name)? {
            r::Extern::Memory(m) => Some(self.store.memory_data(m).to_vec()),
            _ => None,
        }
    }

    fn table(&mut self, name: &str) -> Option<TableState> {
        let r::Extern::Table(t) = self.instance.export(name)? else { return None };
        let size = self.store.table_size(t);
        let null = (0..size)
            .map(|i| !matches!(self.store.table_get(t, i).and_then(|v| v.reference()), Some(Some(_))))
            .collect();
        Some(TableState { size, null })
    }

    fn refused_grows(&mut self) -> u64 {
        self.store.refused_grows()
    }
}

/// One `.wast` script's store on the interpreter.
pub struct ReferenceSession {
    store: r::Store,
    instances: HashMap<String, r::Instance>,
    /// Importable module names (`spectest` and registered instances).
    registered: HashMap<String, HashMap<String, r::Extern>>,
}

impl Default for ReferenceSession {
    fn default() -> Self {
        Self::new()
    }
}

impl ReferenceSession {
    pub fn new() -> ReferenceSession {
        let mut store = r::Store::new();
        let spectest = spectest_module(&mut store, ReferenceEngine::supported_features());
        let registered = HashMap::from([(spectest::MODULE.to_string(), spectest)]);
        ReferenceSession { store, instances: HashMap::new(), registered }
    }

    fn link(&self, module: &r::Module) -> Result<Vec<r::Extern>, WastError> {
        module
            .imports()
            .iter()
            .map(|imp| {
                self.registered
                    .get(&imp.module)
                    .and_then(|m| m.get(&imp.name))
                    .copied()
                    .ok_or_else(|| WastError::Unlinkable(format!("unknown import {}::{}", imp.module, imp.name)))
            })
            .collect()
    }

    fn instance(&self, name: &str) -> Option<&r::Instance> {
        self.instances.get(name)
    }
}

fn session_error(e: r::Error) -> WastError {
    match e {
        r::Error::Invalid(m) => WastError::Invalid(m),
        r::Error::Unsupported(f) => WastError::Unsupported(f.to_string()),
        r::Error::Link(m) => WastError::Unlinkable(m),
        r::Error::Trap(k) => WastError::Trapped(trap_kind(k)),
        r::Error::Exhausted(m) => WastError::Exhausted(m),
        r::Error::Exception => WastError::Failed("uncaught exception during instantiation".into()),
    }
}

/// The `spectest` module's exports, allocated in `store`.
fn spectest_module(store: &mut r::Store, features: Features) -> HashMap<String, r::Extern> {
    use r::ValType as T;
    let mut m = HashMap::new();
    for (name, params) in spectest::PRINT_FUNCS {
        let params = params
            .iter()
            .map(|p| match p {
                crate::ValType::I64 => T::I64,
                crate::ValType::F32 => T::F32,
                crate::ValType::F64 => T::F64,
                _ => T::I32,
            })
            .collect();
        m.insert(name.to_string(), r::Extern::Func(store.host_func(params, vec![], |_| vec![])));
    }
    let constant = |ty| r::GlobalType { ty, mutable: false };
    let globals = [
        ("global_i32", T::I32, r::Value::I32(spectest::GLOBAL_I32 as u32)),
        ("global_i64", T::I64, r::Value::I64(spectest::GLOBAL_I64 as u64)),
        ("global_f32", T::F32, r::Value::F32(spectest::GLOBAL_F32.to_bits())),
        ("global_f64", T::F64, r::Value::F64(spectest::GLOBAL_F64.to_bits())),
    ];
    for (name, ty, value) in globals {
        m.insert(name.to_string(), r::Extern::Global(store.host_global(constant(ty), value)));
    }
    let table = |table64| r::TableType {
        elem: T::FUNCREF,
        min: spectest::TABLE_MIN.into(),
        max: Some(spectest::TABLE_MAX.into()),
        table64,
    };
    let mut tables = vec![("table", false)];
    if spectest::has_table64(features) {
        tables.push(("table64", true));
    }
    for (name, table64) in tables {
        if let Ok(t) = store.host_table(table(table64), r::Value::FuncRef(None)) {
            m.insert(name.to_string(), r::Extern::Table(t));
        }
    }
    let memory = r::MemoryType {
        min: spectest::MEMORY_MIN.into(),
        max: Some(spectest::MEMORY_MAX.into()),
        memory64: false,
        shared: false,
    };
    if let Ok(mem) = store.host_memory(memory) {
        m.insert("memory".to_string(), r::Extern::Memory(mem));
    }
    if spectest::has_shared_memory(features) {
        let pages = spectest::SHARED_MEMORY_PAGES.into();
        let shared = r::MemoryType { min: pages, max: Some(pages), memory64: false, shared: true };
        if let Ok(mem) = store.host_memory(shared) {
            m.insert("shared_memory".to_string(), r::Extern::Memory(mem));
        }
    }
    m
}

impl WastSession for ReferenceSession {
    fn compile(&mut self, wasm: &[u8]) -> Result<(), WastError> {
        r::Module::new(wasm).map(|_| ()).map_err(session_error)
    }

    fn instantiate(&mut self, instance: &str, wasm: &[u8]) -> Result<(), WastError> {
        let module = r::Module::new(wasm).map_err(session_error)?;
        let imports = self.link(&module)?;
        let inst = r::Instance::instantiate(&mut self.store, &module, &imports).map_err(session_error)?;
        self.instances.insert(instance.to_string(), inst);
        Ok(())
    }

    fn register(&mut self, as_name: &str, instance: &str) -> Result<(), WastError> {
        let inst = self.instance(instance).ok_or_else(|| WastError::Failed(format!("no instance {instance:?}")))?;
        let exports = inst.exports().iter().cloned().collect();
        self.registered.insert(as_name.to_string(), exports);
        Ok(())
    }

    fn invoke(&mut self, instance: &str, export: &str, args: &[WastVal]) -> WastOutcome {
        let Some(inst) = self.instance(instance) else {
            return WastOutcome::Failed(format!("no instance {instance:?}"));
        };
        let Some(r::Extern::Func(f)) = inst.export(export) else {
            return WastOutcome::Failed(format!("no exported function {export:?}"));
        };
        let args = match args.iter().map(|a| to_value(*a)).collect::<Result<Vec<_>, _>>() {
            Ok(args) => args,
            Err(why) => return WastOutcome::Failed(why),
        };
        match self.store.invoke(f, &args) {
            Ok(vals) => WastOutcome::Returned(vals.into_iter().map(|v| from_value(&self.store, v)).collect()),
            Err(r::CallError::Exception(e)) => WastOutcome::Exception(describe_exception(&self.store, e)),
            Err(e) => match call_outcome(Err(e)) {
                Err(outcome) => WastOutcome::from_call(outcome),
                Ok(_) => WastOutcome::Failed("unreachable".into()),
            },
        }
    }

    fn get(&mut self, instance: &str, global: &str) -> Option<WastVal> {
        match self.instance(instance)?.export(global)? {
            r::Extern::Global(g) => Some(from_value(&self.store, self.store.global_get(g))),
            _ => None,
        }
    }
}
