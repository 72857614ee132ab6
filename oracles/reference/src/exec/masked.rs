//! Helpers of the interpreter loop in masked mode: the rule-7 check that
//! an operand steering control, addressing or trapping is determined, the
//! host-call argument check, and the byte-mask side of loads, stores and
//! `memory.init` (masks are updated only for in-bounds accesses, i.e. ones
//! that do not trap).

use super::mask_mem;
use super::memory::{effective, range, shape, width};
use crate::compile::instr::LoadKind;
use crate::error::{CallError, TrapKind};
use crate::masks::undetermined;
use crate::store::{FuncInst, MemInst, Store};

/// Rule 7: an operand steering control or addressing must be determined.
#[inline]
pub(crate) fn known(m: u128, instr: &str, operand: &str) -> Result<(), CallError> {
    if m == 0 { Ok(()) } else { Err(open_operand(instr, operand)) }
}

#[cold]
fn open_operand(instr: &str, operand: &str) -> CallError {
    undetermined(instr, &format!("{operand} has undetermined bits"))
}

impl Store {
    /// Number of parameters of the function at `addr`.
    pub(crate) fn num_params(&self, addr: u32) -> usize {
        self.funcs.get(addr as usize).and_then(|f| self.func_type_of(f.ty())).map_or(0, |t| t.params.len())
    }

    /// A host function sees its arguments (the top of `masks`): they must
    /// be determined.
    pub(crate) fn host_args_known(&self, addr: u32, masks: &[u128], instr: &str) -> Result<(), CallError> {
        if let Some(FuncInst::Host { .. }) = self.funcs.get(addr as usize) {
            let n = self.num_params(addr);
            if masks[masks.len().saturating_sub(n)..].iter().any(|&m| m != 0) {
                return Err(undetermined(instr, "an argument to a host function has undetermined bits"));
            }
        }
        Ok(())
    }
}

/// Mask of the value a (successful) load of `kind` at `i + offset` reads.
#[inline]
pub(crate) fn load_mask(mem: &MemInst, mask: &[u8], kind: LoadKind, i: u128, offset: u64) -> u128 {
    if mask.is_empty() {
        return 0;
    }
    let n = width(kind);
    effective(mem, i, offset, n).map_or(0, |ea| shape(kind, mask_mem::read(mask, ea, n)))
}

/// Stores the mask of the low `bytes` bytes of a value stored at `i + offset`.
#[inline]
pub(crate) fn store_mask(mem: &MemInst, mask: &mut Vec<u8>, bytes: u8, i: u128, offset: u64, m: u128) {
    if m == 0 && mask.is_empty() {
        return;
    }
    if let Ok(ea) = effective(mem, i, offset, bytes as usize) {
        mask_mem::write(mask, mem.data.len(), ea, bytes as usize, m);
    }
}

/// Marks `[d, d + n)` determined (`memory.init` copies known bytes).
pub(crate) fn clear_mask(mem: &MemInst, mask: &mut Vec<u8>, d: u128, n: u128) {
    if let Ok(r) = range(d, n, mem.data.len(), TrapKind::MemoryOutOfBounds) {
        mask_mem::fill(mask, mem.data.len(), r, 0);
    }
}
