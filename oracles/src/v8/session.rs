//! `.wast` scripts on V8: a fresh store in the worker (with `spectest`),
//! named and registered instances, imports resolved by the worker against
//! the registered instances' exports; every value through wrapper modules.

use super::adapter::V8Engine;
use super::protocol::{Command, ErrorClass, Reply};
use super::signatures::export_types;
use super::traps::{is_implementation_limit, trap_kind};
use super::wrapper;
use crate::value::ValType;
use crate::wast_session::{WastError, WastOutcome, WastSession, WastVal};

/// One `.wast` script's store in the V8 worker.
pub struct V8Session<'a> {
    engine: &'a mut V8Engine,
    /// Why the store could not be set up (reported by every verb).
    broken: Option<String>,
}

impl<'a> V8Session<'a> {
    pub fn new(engine: &'a mut V8Engine) -> V8Session<'a> {
        let broken = engine.reset_store().err();
        V8Session { engine, broken }
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
        match self.one(Command::Instantiate { name: instance.to_string(), wasm: wasm.to_vec() })? {
            Reply::Instantiated { .. } => {
                self.engine.instances.insert(instance.to_string(), exports);
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
        let (command, results) = match self.engine.call_command(instance, export, args) {
            Ok(c) => c,
            Err(why) => return WastOutcome::Failed(why),
        };
        match self.one(command) {
            Ok(reply) => match V8Engine::call_reply(&reply, &results) {
                Ok(vals) => WastOutcome::Returned(vals),
                Err(outcome) => WastOutcome::from_call(outcome),
            },
            Err(e) => WastOutcome::Failed(e.to_string()),
        }
    }

    fn get(&mut self, instance: &str, global: &str) -> Option<WastVal> {
        let (command, picked) = self.engine.globals_command(instance, &[global.to_string()])?;
        let Ok(Reply::Bytes(bytes)) = self.one(command) else {
            return None;
        };
        let types: Vec<ValType> = picked.iter().map(|(_, t)| *t).collect();
        wrapper::decode_slots(&types, &bytes)?.into_iter().next()
    }
}
