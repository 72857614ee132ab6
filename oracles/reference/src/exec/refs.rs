//! Control transfer through references (typed function references and
//! exception handling, Wasm 3.0): `call_ref` / `return_call_ref`, and
//! `throw` / `throw_ref` with the search for a `try_table` handler up the
//! frame stack (§4.4.8.12-14), for plain and (with `M`) masked execution.

use super::frames::{Frame, unwind};
use super::memory_ops::Stacks;
use crate::compile::instr::{Instr, RETURN_PC};
use crate::error::{CallError, TrapKind};
use crate::store::{ExnInst, InstanceData, Store};
use crate::values::{Ref, slot};

type R<T> = Result<T, CallError>;

impl Store {
    /// Runs `call_ref`, `return_call_ref`, `throw`, `throw_ref` or a GC
    /// instruction of the frame on top of `frames` (its pc saved): the
    /// loop re-enters the top frame afterwards.
    pub(crate) fn exec_wasm3<const M: bool>(
        &mut self,
        ins: Instr,
        inst: &InstanceData,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
    ) -> R<()> {
        match ins {
            Instr::Gc(op) => self.exec_gc::<M>(op, inst, values, masks),
            Instr::Throw(tag) => self.throw_new::<M>(inst.tags[tag as usize], values, masks, frames),
            Instr::ThrowRef => self.throw_ref::<M>(values, masks, frames),
            _ => self.call_ref::<M>(matches!(ins, Instr::ReturnCallRef), values, masks, frames),
        }
    }

    /// `call_ref` (or, with `tail`, `return_call_ref`): the callee is the
    /// function reference on top of the stack; the frame's pc is saved.
    fn call_ref<const M: bool>(
        &mut self,
        tail: bool,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
    ) -> R<()> {
        let (r, _) = Stacks::<M> { values, masks }.popm();
        if r == 0 {
            return Err(CallError::Trap(TrapKind::NullReference));
        }
        let addr = (r - 1) as u32;
        if M {
            self.host_args_known(addr, masks, "call_ref")?;
        }
        if tail {
            let base = frames.last().map_or(0, |f| f.base);
            if M {
                unwind(masks, base, self.num_params(addr));
            }
            self.tail_call(addr, base, values, frames)
        } else {
            self.enter(addr, values, frames)
        }
    }

    /// `throw` of tag address `tag`: its payload is on top of the stack.
    fn throw_new<const M: bool>(
        &mut self,
        tag: u32,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
    ) -> R<()> {
        let n = self.func_type_of(self.tags[tag as usize]).map_or(0, |t| t.params.len());
        let fields = values.split_off(values.len() - n);
        let fmasks = if M { masks.split_off(masks.len() - n) } else { Vec::new() };
        let fmasks = if fmasks.iter().all(|&m| m == 0) { Vec::new() } else { fmasks };
        self.heap_masks_open |= !fmasks.is_empty();
        self.exns.push(ExnInst { tag, fields, masks: fmasks });
        let exn = Ref::Exn(self.exns.len() as u32 - 1).to_slot();
        self.throw::<M>(exn, values, masks, frames)
    }

    /// `throw_ref`: the exception reference is on top of the stack.
    fn throw_ref<const M: bool>(
        &mut self,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
    ) -> R<()> {
        let (r, _) = Stacks::<M> { values, masks }.popm();
        if r == 0 {
            return Err(CallError::Trap(TrapKind::NullReference));
        }
        self.throw::<M>(r, values, masks, frames)
    }

    /// Unwinds to the innermost handler of exception `exn` (a slot):
    /// frames without one are popped; at the handler the stack is cut to
    /// its label, the payload (unless `catch_all*`) and the reference
    /// (`*_ref`) pushed, and the frame continues at the label. An exception
    /// no frame catches escapes the invocation.
    fn throw<const M: bool>(
        &mut self,
        exn: u128,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
    ) -> R<()> {
        let e = &self.exns[slot::payload(exn) as usize];
        while let Some(frame) = frames.last() {
            let (inst, base) = (frame.inst.clone(), frame.base);
            let code = &inst.module.code[frame.code as usize];
            let pc = frame.pc.saturating_sub(1) as u32;
            let caught = code
                .handlers
                .iter()
                .filter(|h| h.start <= pc && pc < h.end)
                .find_map(|h| h.catches.iter().find(|c| c.tag.is_none_or(|t| inst.tags[t as usize] == e.tag)));
            let Some(c) = caught else {
                values.truncate(base);
                if M {
                    masks.truncate(base);
                }
                frames.pop();
                continue;
            };
            let target = code.br_tables[c.t as usize];
            let label = base + target.height as usize;
            values.truncate(label);
            if M {
                masks.truncate(label);
            }
            if c.tag.is_some() {
                values.extend_from_slice(&e.fields);
                if M {
                    masks.extend((0..e.fields.len()).map(|i| e.masks.get(i).copied().unwrap_or(0)));
                }
            }
            if c.with_ref {
                values.push(exn);
                if M {
                    masks.push(0);
                }
            }
            if target.pc == RETURN_PC {
                let n = code.num_results as usize;
                unwind(values, base, n);
                if M {
                    unwind(masks, base, n);
                }
                frames.pop();
            } else if let Some(f) = frames.last_mut() {
                f.pc = target.pc as usize;
            }
            return Ok(());
        }
        Err(CallError::Exception(Ref::Exn(slot::payload(exn))))
    }
}
