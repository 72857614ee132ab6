//! Execution: the public entry point [`Store::invoke`], call-frame
//! management shared by calls and tail calls (`frames`), the interpreter
//! loop (`interp`, with the specialized instructions' handlers in
//! `hot_arms`), and the instruction helpers for numbers (`numeric`),
//! vectors (`vector`), memories (`memory`) and tables/bulk operations
//! (`bulk`). Masked execution ([`Store::invoke_masked`]) runs the plain
//! loop, guarded, until the first result with open bits, then a copy of
//! the loop (`interp_masked`) with a parallel stack of undetermined masks
//! (helpers in `masked`, memory byte masks in `mask_mem`, lane, bulk and
//! atomic memory instructions in `memory_ops`). The instructions of GC
//! (`gc`) and of typed function references and exceptions that transfer
//! control (`refs`) run off the hot path for both loops.

mod bulk;
mod frames;
mod gc;
mod hot_arms;
mod interp;
mod interp_masked;
mod mask_mem;
mod masked;
pub(crate) mod memory;
mod memory_ops;
pub(crate) mod numeric;
mod refs;
pub(crate) mod vector;

use crate::error::CallError;
use crate::store::Store;
use crate::values::{FuncAddr, Value};

impl Store {
    /// The type of `func`, after checking that `args` match its parameters.
    fn checked_type(&self, func: FuncAddr, args: &[Value]) -> Result<crate::values::FuncType, CallError> {
        let ty = self
            .func_type(func)
            .ok_or_else(|| CallError::ArgumentMismatch(format!("unknown function {func:?}")))?
            .clone();
        // References are checked for null only: a host cannot name most of them.
        let fits = |a: &Value, t: &crate::values::ValType| match (a.reference(), t) {
            (Some(r), crate::values::ValType::Ref(rt)) => r.is_some() || rt.nullable,
            _ => a.ty() == *t,
        };
        if args.len() != ty.params.len() || args.iter().zip(&ty.params).any(|(a, t)| !fits(a, t)) {
            return Err(CallError::ArgumentMismatch(format!(
                "expected {:?}, got {:?}",
                ty.params,
                args.iter().map(Value::ty).collect::<Vec<_>>()
            )));
        }
        Ok(ty)
    }

    /// Invokes a function with `args`, returning its results. Arguments
    /// must match the function's parameter types.
    pub fn invoke(&mut self, func: FuncAddr, args: &[Value]) -> Result<Vec<Value>, CallError> {
        let ty = self.checked_type(func, args)?;
        let mut stack: Vec<u128> = args.iter().map(|a| a.to_slot()).collect();
        self.run(func.0, &mut stack)?;
        if stack.len() != ty.results.len() {
            return Err(CallError::Exhausted("internal error: result count mismatch".into()));
        }
        Ok(ty.results.iter().zip(stack).map(|(t, s)| Value::from_slot(*t, s)).collect())
    }

    /// Like [`Store::invoke`], but also computes, for every result, its
    /// undetermined mask: the bits the spec leaves open (NaN sign and
    /// payload of float arithmetic, relaxed-SIMD choices). A set bit means
    /// any value is allowed there; scalars use the low 32/64 bits. Arguments
    /// are fully determined. Memory and global masks are kept as well (see
    /// [`Store::memory_mask`], [`Store::global_mask`]).
    ///
    /// When a branch condition, address, index, divisor or other operand
    /// whose open bits could change control flow or trapping has open bits,
    /// execution stops with [`CallError::Undetermined`]; so does a call to a
    /// host function with an argument that has open bits.
    ///
    /// Only masked runs maintain memory and global masks: a plain
    /// [`Store::invoke`] (or a host write) in between leaves them stale, so
    /// use one mode per store.
    pub fn invoke_masked(&mut self, func: FuncAddr, args: &[Value]) -> Result<Vec<(Value, u128)>, CallError> {
        let ty = self.checked_type(func, args)?;
        let mut stack: Vec<u128> = args.iter().map(|a| a.to_slot()).collect();
        let mut masks = vec![0u128; stack.len()];
        self.run_masked(func.0, &mut stack, &mut masks)?;
        if stack.len() != ty.results.len() || masks.len() != stack.len() {
            return Err(CallError::Exhausted("internal error: result count mismatch".into()));
        }
        Ok(ty.results.iter().zip(stack).zip(masks).map(|((t, s), m)| (Value::from_slot(*t, s), m)).collect())
    }
}
