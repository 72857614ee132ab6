//! `.wast` scripts on Wasmtime: a store and linker per script, the
//! `spectest` host module, named and registered instances.

use super::{
    WasmtimeConfig, WasmtimeEngine, classify_compile_error, classify_error, from_wasmtime_val, to_wasmtime_val,
};
use crate::features::Features;
use crate::observation::InstantiateError;
use crate::value::CallOutcome;
use crate::wast_session::{AnyRef, WastError, WastOutcome, WastSession, WastVal};
use std::collections::HashMap;

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
            WastVal::AnyRef(None) => wasmtime::Val::AnyRef(None),
            WastVal::ExnRef { null: true } => wasmtime::Val::ExnRef(None),
            WastVal::AnyRef(Some(AnyRef::Host(n))) => {
                let r = wasmtime::ExternRef::new(&mut self.store, n).map_err(|e| format!("externref: {e:#}"))?;
                let a = wasmtime::AnyRef::convert_extern(&mut self.store, r).map_err(|e| format!("anyref: {e:#}"))?;
                wasmtime::Val::AnyRef(Some(a))
            }
            WastVal::AnyRef(Some(AnyRef::I31(n))) => {
                wasmtime::Val::AnyRef(Some(wasmtime::AnyRef::from_i31(&mut self.store, wasmtime::I31::wrapping_u32(n))))
            }
            WastVal::AnyRef(Some(_)) | WastVal::ExternAny(_) | WastVal::ExnRef { null: false } => {
                return Err(format!("a {v} argument"));
            }
            other => to_wasmtime_val(&other.to_val()),
        })
    }

    /// What a host sees of a non-null `anyref`.
    fn any_ref(&self, r: &wasmtime::Rooted<wasmtime::AnyRef>) -> Result<AnyRef, String> {
        let e = |e: wasmtime::Error| format!("anyref: {e:#}");
        if let Some(i) = r.as_i31(&self.store).map_err(e)? {
            return Ok(AnyRef::I31(i.get_u32()));
        }
        if r.is_struct(&self.store).map_err(e)? {
            return Ok(AnyRef::Struct);
        }
        if r.is_array(&self.store).map_err(e)? {
            return Ok(AnyRef::Array);
        }
        Err("an anyref that is no i31, struct or array".into())
    }

    fn session_val(&mut self, v: &wasmtime::Val) -> Result<WastVal, String> {
        match v {
            wasmtime::Val::ExternRef(Some(r)) => {
                let data = r.data(&self.store).map_err(|e| format!("externref: {e:#}"))?;
                if let Some(n) = data.and_then(|d| d.downcast_ref::<u32>()) {
                    return Ok(WastVal::ExternRef(Some(*n)));
                }
                let a = wasmtime::AnyRef::convert_extern(&mut self.store, *r).map_err(|e| format!("anyref: {e:#}"))?;
                Ok(WastVal::ExternAny(self.any_ref(&a)?))
            }
            wasmtime::Val::AnyRef(None) => Ok(WastVal::AnyRef(None)),
            wasmtime::Val::AnyRef(Some(a)) => {
                if let Ok(kind) = self.any_ref(a) {
                    return Ok(WastVal::AnyRef(Some(kind)));
                }
                // A host reference internalized: its payload.
                let r =
                    wasmtime::ExternRef::convert_any(&mut self.store, *a).map_err(|e| format!("externref: {e:#}"))?;
                let data = r.data(&self.store).map_err(|e| format!("externref: {e:#}"))?;
                match data.and_then(|d| d.downcast_ref::<u32>()) {
                    Some(n) => Ok(WastVal::AnyRef(Some(AnyRef::Host(*n)))),
                    None => Err("an anyref without a host payload".into()),
                }
            }
            wasmtime::Val::ExnRef(r) => Ok(WastVal::ExnRef { null: r.is_none() }),
            other => from_wasmtime_val(other)
                .map(WastVal::from)
                .ok_or_else(|| format!("a value crosscheck does not observe: {other:?}")),
        }
    }
}

/// Defines the `spectest` module (see [`crate::wast_session::spectest`]).
fn define_spectest(
    linker: &mut wasmtime::Linker<()>,
    store: &mut wasmtime::Store<()>,
    features: Features,
) -> wasmtime::Result<()> {
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
        let inst =
            *self.instances.get(instance).ok_or_else(|| WastError::Failed(format!("no instance {instance:?}")))?;
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
            Err(e) if e.downcast_ref::<wasmtime::ThrownException>().is_some() => {
                let _ = self.store.take_pending_exception();
                WastOutcome::Exception("thrown Wasm exception".into())
            }
            Err(e) => WastOutcome::from_call(classify_error(&e)),
        }
    }

    fn get(&mut self, instance: &str, global: &str) -> Option<WastVal> {
        let inst = self.instances.get(instance).copied()?;
        let v = inst.get_global(&mut self.store, global)?.get(&mut self.store);
        self.session_val(&v).ok()
    }
}
