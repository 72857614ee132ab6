//! `.wast` scripts on V8: a fresh store in the worker (with `spectest`),
//! named and registered instances, imports resolved by the worker against
//! the registered instances' exports; every value through wrapper modules
//! (on a V8 with GC, typed ones for exports with references or types in
//! recursion groups), uncaught Wasm exceptions reported as such.

use super::adapter::V8Engine;
use super::protocol::{Command, ErrorClass, Reply};
use super::signatures::export_types;
use super::traps::{is_implementation_limit, trap_kind};
use super::typed::{self, ModuleTypes, SlotType};
use super::wrapper::{self, SLOT};
use crate::value::{TrapKind, ValType};
use crate::wast_session::{WastError, WastOutcome, WastSession, WastVal};
use std::collections::HashMap;

/// One `.wast` script's store in the V8 worker.
pub struct V8Session<'a> {
    engine: &'a mut V8Engine,
    /// Why the store could not be set up (reported by every verb).
    broken: Option<String>,
    /// Whether this V8 has GC, which typed wrappers need.
    typed: bool,
    /// The typed call wrappers made for the live instances, by instance
    /// name (their modules' types are the engine's `module_types`).
    typed_calls: HashMap<String, TypedCalls>,
}

/// The typed call wrappers made for an instance's exports: wrapper id and
/// how the results cross, by export name.
type TypedCalls = HashMap<String, (u32, Vec<SlotType>)>;

impl<'a> V8Session<'a> {
    pub fn new(engine: &'a mut V8Engine) -> V8Session<'a> {
        let broken = engine.reset_store().err();
        let typed = engine.node().features.gc;
        V8Session { engine, broken, typed, typed_calls: HashMap::new() }
    }

    /// The command calling `export` of `instance` through a typed wrapper
    /// and how its results cross, `Ok(None)` when a plain wrapper does.
    fn typed_call(
        &mut self,
        instance: &str,
        export: &str,
        args: &[WastVal],
    ) -> Result<Option<(Command, Vec<SlotType>)>, String> {
        if !self.typed {
            return Ok(None);
        }
        let types = self.engine.module_types.get(instance).ok_or_else(|| format!("no instance {instance:?}"))?;
        let index = types.func_type_index(export)?;
        if !types.call_needs_typed(index) {
            return Ok(None);
        }
        let bytes = types.encode_args(index, args)?;
        let known = self.typed_calls.get(instance).and_then(|calls| calls.get(export)).cloned();
        let (wrapper, slots) = match known {
            Some(known) => known,
            None => {
                let (wasm, slots) = types.call_wrapper(index)?;
                let id = self.engine.typed_wrapper_id(wasm);
                let calls = self.typed_calls.entry(instance.to_string()).or_default();
                calls.insert(export.to_string(), (id, slots.clone()));
                (id, slots)
            }
        };
        let command = Command::Call {
            name: instance.to_string(),
            export: export.to_string(),
            wrapper,
            args: bytes,
            result_bytes: (slots.len() * SLOT) as u32,
        };
        Ok(Some((command, slots)))
    }

    /// Reads a global of a reference type through a typed wrapper;
    /// `Err(())` when a plain wrapper reads it.
    fn typed_get(&mut self, instance: &str, global: &str) -> Result<Option<WastVal>, ()> {
        let types = self.engine.module_types.get(instance).filter(|_| self.typed).ok_or(())?;
        let ty = types.global_type(global).filter(|g| g.content_type.is_reference_type()).ok_or(())?;
        let Ok((wasm, slot)) = types.global_wrapper(ty) else { return Ok(None) };
        let wrapper = self.engine.typed_wrapper_id(wasm);
        let command = Command::Globals {
            name: instance.to_string(),
            wrapper,
            globals: vec![global.to_string()],
            result_bytes: SLOT as u32,
        };
        let Ok(Reply::Bytes(bytes)) = self.one(command) else { return Ok(None) };
        Ok(typed::decode(&[slot], &bytes).and_then(|mut v| v.pop()))
    }

    fn one(&mut self, command: Command) -> Result<Reply, WastError> {
        if let Some(why) = &self.broken {
            return Err(WastError::Failed(why.clone()));
        }
        let replies = self.engine.batch(vec![command], false).map_err(|why| {
            // The worker died: its store (instances, registrations) is gone.
            self.broken = Some(format!("{why} (store lost)"));
            WastError::Failed(why)
        })?;
        replies.into_iter().next().ok_or_else(|| WastError::Failed("no reply".into()))
    }
}

fn module_error(class: ErrorClass, message: String) -> WastError {
    match class {
        ErrorClass::Compile if is_implementation_limit(&message) => {
            WastError::Unsupported("V8 implementation limit".into())
        }
        ErrorClass::Compile => WastError::Invalid(message),
        ErrorClass::Link | ErrorClass::Type => WastError::Unlinkable(message),
        ErrorClass::Runtime => WastError::Trapped(trap_kind(&message)),
        ErrorClass::Range => WastError::Exhausted(message),
        // As the reference reports an exception out of a start function.
        ErrorClass::Exception => WastError::Trapped(TrapKind::UncaughtException),
        ErrorClass::Other => WastError::Failed(message),
    }
}

impl WastSession for V8Session<'_> {
    fn compile(&mut self, wasm: &[u8]) -> Result<(), WastError> {
        match self.one(Command::Compile { wasm: wasm.to_vec() })? {
            Reply::Ok => Ok(()),
            Reply::Thrown { class, message } => Err(module_error(class, message)),
            other => Err(WastError::Failed(format!("unexpected reply {other:?}"))),
        }
    }

    fn instantiate(&mut self, instance: &str, wasm: &[u8]) -> Result<(), WastError> {
        let exports = export_types(wasm).map_err(|e| WastError::Invalid(e.to_string()))?;
        let types = ModuleTypes::parse(wasm).map_err(|e| WastError::Invalid(e.to_string()))?;
        match self.one(Command::Instantiate { name: instance.to_string(), wasm: wasm.to_vec() })? {
            Reply::Instantiated { .. } => {
                self.engine.instances.insert(instance.to_string(), exports);
                // Typed wrappers need GC: without it, every call goes
                // through a plain wrapper (the engine finds no types).
                if self.typed {
                    self.engine.module_types.insert(instance.to_string(), types);
                } else {
                    self.engine.module_types.remove(instance);
                }
                self.typed_calls.remove(instance);
                Ok(())
            }
            Reply::Thrown { class, message } => Err(module_error(class, message)),
            other => Err(WastError::Failed(format!("unexpected reply {other:?}"))),
        }
    }

    fn register(&mut self, as_name: &str, instance: &str) -> Result<(), WastError> {
        match self.one(Command::Register { as_name: as_name.to_string(), name: instance.to_string() })? {
            Reply::Ok => Ok(()),
            other => Err(WastError::Failed(format!("register {instance:?}: {other:?}"))),
        }
    }

    fn invoke(&mut self, instance: &str, export: &str, args: &[WastVal]) -> WastOutcome {
        let (command, slots) = match self.typed_call(instance, export, args) {
            Ok(Some(typed)) => typed,
            Ok(None) => match self.engine.call_command(instance, export, args) {
                Ok((command, results)) => (command, results.into_iter().map(SlotType::Num).collect()),
                Err(why) => return WastOutcome::Failed(why),
            },
            Err(why) => return WastOutcome::Failed(why),
        };
        match self.one(command) {
            Ok(Reply::Returned { results, .. }) => match typed::decode(&slots, &results) {
                Some(vals) => WastOutcome::Returned(vals),
                None => WastOutcome::Failed("short or garbled result bytes from the V8 worker".into()),
            },
            Ok(Reply::Thrown { class: ErrorClass::Exception, message }) => WastOutcome::Exception(message),
            Ok(reply) => match V8Engine::call_reply(&reply, &[]) {
                Ok(_) => WastOutcome::Failed(format!("unexpected reply {reply:?}")),
                Err(outcome) => WastOutcome::from_call(outcome),
            },
            Err(e) => WastOutcome::Failed(e.to_string()),
        }
    }

    fn get(&mut self, instance: &str, global: &str) -> Option<WastVal> {
        if let Ok(typed) = self.typed_get(instance, global) {
            return typed;
        }
        let (command, picked) = self.engine.globals_command(instance, &[global.to_string()])?;
        let Ok(Reply::Bytes(bytes)) = self.one(command) else {
            return None;
        };
        let types: Vec<ValType> = picked.iter().map(|(_, t)| *t).collect();
        wrapper::decode_slots(&types, &bytes)?.into_iter().next()
    }
}
