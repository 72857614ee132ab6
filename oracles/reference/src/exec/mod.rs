//! Execution: the public entry point [`Store::invoke`], call-frame
//! management shared by calls and tail calls (`frames`), the interpreter
//! loop (`interp`), and the instruction helpers for numbers (`numeric`),
//! vectors (`vector`), memories (`memory`) and tables/bulk operations
//! (`bulk`).

mod bulk;
mod frames;
mod interp;
pub(crate) mod memory;
mod numeric;
mod vector;

use crate::error::CallError;
use crate::store::Store;
use crate::values::{FuncAddr, Value};

impl Store {
    /// Invokes a function with `args`, returning its results. Arguments
    /// must match the function's parameter types.
    pub fn invoke(&mut self, func: FuncAddr, args: &[Value]) -> Result<Vec<Value>, CallError> {
        let ty = self
            .func_type(func)
            .ok_or_else(|| CallError::ArgumentMismatch(format!("unknown function {func:?}")))?
            .clone();
        if args.len() != ty.params.len() || args.iter().zip(&ty.params).any(|(a, t)| a.ty() != *t) {
            return Err(CallError::ArgumentMismatch(format!(
                "expected {:?}, got {:?}",
                ty.params,
                args.iter().map(Value::ty).collect::<Vec<_>>()
            )));
        }
        let mut stack: Vec<u128> = args.iter().map(|a| a.to_slot()).collect();
        self.run(func.0, &mut stack)?;
        if stack.len() != ty.results.len() {
            return Err(CallError::Exhausted("internal error: result count mismatch".into()));
        }
        Ok(ty.results.iter().zip(stack).map(|(t, s)| Value::from_slot(*t, s)).collect())
    }
}
