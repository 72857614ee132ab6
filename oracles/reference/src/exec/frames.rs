//! Call frames: entering a function (Wasm: a new frame whose locals live on
//! the shared value stack; host: an immediate callback), the call-depth and
//! stack limits, and moving results on return.

use crate::error::{CallError, TrapKind};
use crate::store::{FuncInst, InstanceData, Store};
use crate::values::Value;
use std::rc::Rc;

/// An activation of a Wasm function.
pub(crate) struct Frame {
    pub inst: Rc<InstanceData>,
    /// Index of the body in the instance's module.
    pub code: u32,
    /// Next instruction to execute when this frame resumes.
    pub pc: usize,
    /// Stack index of local 0.
    pub base: usize,
}

impl Store {
    /// Calls the function at `addr` whose arguments are on top of `stack`.
    /// A Wasm function gets a new frame (executed by the caller's loop); a
    /// host function runs now and leaves its results on the stack.
    pub(crate) fn enter(&mut self, addr: u32, stack: &mut Vec<u128>, frames: &mut Vec<Frame>) -> Result<(), CallError> {
        let max_depth = self.config.max_call_depth;
        let max_slots = self.config.max_stack_slots;
        let ty = self.funcs[addr as usize].ty() as usize;
        match &mut self.funcs[addr as usize] {
            FuncInst::Wasm { inst, code, .. } => {
                if frames.len() >= max_depth {
                    return Err(CallError::Exhausted("call stack exhausted".into()));
                }
                let c = &inst.module.code[*code as usize];
                if stack.len() + c.max_height as usize > max_slots {
                    return Err(CallError::Exhausted("value stack exhausted".into()));
                }
                let base = stack.len() - c.num_params as usize;
                stack.reserve(c.max_height as usize);
                stack.resize(stack.len() + c.num_locals as usize, 0);
                frames.push(Frame { inst: inst.clone(), code: *code, pc: 0, base });
                Ok(())
            }
            FuncInst::Host { f, .. } => {
                let fty = self.registry.func_type(ty as u32);
                let base = stack.len() - fty.params.len();
                let args: Vec<Value> =
                    fty.params.iter().zip(&stack[base..]).map(|(t, s)| Value::from_slot(*t, *s)).collect();
                let results = f(&args);
                if results.len() != fty.results.len() || results.iter().zip(&fty.results).any(|(v, t)| v.ty() != *t) {
                    return Err(CallError::Trap(TrapKind::HostError));
                }
                stack.truncate(base);
                stack.extend(results.iter().map(|v| v.to_slot()));
                Ok(())
            }
        }
    }
}

impl Store {
    /// `return_call`: replaces the current frame by a call to `addr`, whose
    /// arguments are on top of the stack.
    pub(super) fn tail_call(
        &mut self,
        addr: u32,
        base: usize,
        stack: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
    ) -> Result<(), CallError> {
        let n = self.num_params(addr);
        unwind(stack, base, n);
        frames.pop();
        self.enter(addr, stack, frames)
    }
}

/// Moves the top `arity` values down to `dst` and drops everything above.
#[inline]
pub(crate) fn unwind(stack: &mut Vec<u128>, dst: usize, arity: usize) {
    let src = stack.len() - arity;
    if src != dst {
        stack.copy_within(src.., dst);
    }
    stack.truncate(dst + arity);
}
