//! Memory instructions off the interpreter's hot path — lane loads and
//! stores, `memory.fill`, `memory.copy` and the atomic accesses — for plain
//! and (with `MASKED`) masked execution. In masked mode addresses and
//! lengths must be determined (rule 7) and byte masks move with the data;
//! they change only when the access succeeds.

use super::mask_mem;
use super::masked::known;
use super::memory::{self, atomic_ea, effective, range};
use crate::compile::instr::{Instr, RmwOp};
use crate::error::{CallError, TrapKind};
use crate::masks::scalar::{and_mask, or_mask};
use crate::store::{InstanceData, Store};

/// The value/mask stacks of the loop (masks unused unless `M`).
pub(super) struct Stacks<'a, const M: bool> {
    pub values: &'a mut Vec<u128>,
    pub masks: &'a mut Vec<u128>,
}

impl<const M: bool> Stacks<'_, M> {
    #[inline]
    pub fn popm(&mut self) -> (u128, u128) {
        let m = if M { self.masks.pop().unwrap_or(0) } else { 0 };
        (self.values.pop().unwrap_or(0), m)
    }
    /// Pops an operand that must be determined (rule 7).
    #[inline]
    pub fn popk(&mut self, instr: &str, what: &str) -> Result<u128, CallError> {
        let (v, m) = self.popm();
        if M {
            known(m, instr, what)?;
        }
        Ok(v)
    }
    #[inline]
    pub fn pushm(&mut self, v: u128, m: u128) {
        if M {
            self.masks.push(m);
        }
        self.values.push(v);
    }
}

/// All bits of an `n`-byte access.
fn bytes_mask(n: usize) -> u128 {
    if n >= 16 { u128::MAX } else { (1u128 << (8 * n)) - 1 }
}

impl Store {
    /// `v128.loadN_lane`, `v128.storeN_lane`, `memory.fill`, `memory.copy`.
    pub(crate) fn exec_memory<const M: bool>(
        &mut self,
        ins: Instr,
        inst: &InstanceData,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
    ) -> Result<(), CallError> {
        let mut s = Stacks::<M> { values, masks };
        let trap = CallError::Trap;
        match ins {
            Instr::LoadLane { bytes, lane, mem, offset } | Instr::StoreLane { bytes, lane, mem, offset } => {
                let (v, mv) = s.popm();
                let a = s.popk("v128 lane access", "the address")?;
                let (m, mask) = self.mem_and_mask(inst.mems[mem as usize] as usize);
                let n = bytes as usize;
                let shift = (bytes as u32 * 8) * (lane as u32 % (16 / bytes as u32));
                if let Instr::LoadLane { .. } = ins {
                    let r = memory::load_lane(m, bytes, lane, a, offset, v).map_err(trap)?;
                    let raw =
                        if M { effective(m, a, offset, n).map_or(0, |ea| mask_mem::read(mask, ea, n)) } else { 0 };
                    s.pushm(r, (mv & !(bytes_mask(n) << shift)) | (raw << shift));
                } else {
                    memory::store_lane(m, bytes, lane, a, offset, v).map_err(trap)?;
                    if M && let Ok(ea) = effective(m, a, offset, n) {
                        mask_mem::write(mask, m.data.len(), ea, n, mv >> shift);
                    }
                }
            }
            Instr::MemoryFill(mem) => {
                let n = s.popk("memory.fill", "the length")?;
                let (v, mv) = s.popm();
                let d = s.popk("memory.fill", "the address")?;
                let (m, mask) = self.mem_and_mask(inst.mems[mem as usize] as usize);
                memory::fill(m, d, v, n).map_err(trap)?;
                if M && let Ok(r) = range(d, n, m.data.len(), TrapKind::MemoryOutOfBounds) {
                    mask_mem::fill(mask, m.data.len(), r, mv as u8);
                }
            }
            Instr::MemoryCopy { dst, src } => {
                let n = s.popk("memory.copy", "the length")?;
                let sa = s.popk("memory.copy", "the source address")?;
                let d = s.popk("memory.copy", "the destination address")?;
                let (dm, sm) = (inst.mems[dst as usize] as usize, inst.mems[src as usize] as usize);
                self.memory_copy(dm, sm, d, sa, n).map_err(trap)?;
                if M {
                    let oob = TrapKind::MemoryOutOfBounds;
                    let (dr, sr) =
                        (range(d, n, self.mems[dm].data.len(), oob), range(sa, n, self.mems[sm].data.len(), oob));
                    if let (Ok(dr), Ok(sr)) = (dr, sr) {
                        let src = mask_mem::copy_out(self.mem_and_mask(sm).1, sr);
                        let (dmem, dmask) = self.mem_and_mask(dm);
                        let len = dmem.data.len();
                        match src {
                            Some(b) => mask_mem::write_bytes(dmask, len, dr.start, &b),
                            None => mask_mem::fill(dmask, len, dr, 0),
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The atomic memory instructions (single-threaded semantics).
    pub(crate) fn exec_atomic<const M: bool>(
        &mut self,
        ins: Instr,
        inst: &InstanceData,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
    ) -> Result<(), CallError> {
        let mut s = Stacks::<M> { values, masks };
        let trap = CallError::Trap;
        match ins {
            Instr::AtomicLoad { bytes, mem, offset } => {
                let a = s.popk("atomic load", "the address")?;
                let (m, mask) = self.mem_and_mask(inst.mems[mem as usize] as usize);
                let v = memory::atomic_load(m, bytes, a, offset).map_err(trap)?;
                let mv = if M {
                    atomic_ea(m, a, offset, bytes as usize).map_or(0, |ea| mask_mem::read(mask, ea, bytes as usize))
                } else {
                    0
                };
                s.pushm(v, mv);
            }
            Instr::AtomicStore { bytes, mem, offset } => {
                let (v, mv) = s.popm();
                let a = s.popk("atomic store", "the address")?;
                let (m, mask) = self.mem_and_mask(inst.mems[mem as usize] as usize);
                memory::atomic_store(m, bytes, a, offset, v).map_err(trap)?;
                if M && let Ok(ea) = atomic_ea(m, a, offset, bytes as usize) {
                    mask_mem::write(mask, m.data.len(), ea, bytes as usize, mv);
                }
            }
            Instr::AtomicRmw { op, bytes, mem, offset } => {
                let (v, mv) = s.popm();
                let a = s.popk("atomic rmw", "the address")?;
                let (m, mask) = self.mem_and_mask(inst.mems[mem as usize] as usize);
                let n = bytes as usize;
                let w = bytes_mask(n);
                let ea = atomic_ea(m, a, offset, n).map_err(trap)?;
                let (old_m, new_m) = if M {
                    let (old, old_m) = (mask_mem::data(m, ea, n), mask_mem::read(mask, ea, n));
                    let new_m = match op {
                        RmwOp::Xchg => mv,
                        RmwOp::And => and_mask(old, old_m, v, mv),
                        RmwOp::Or => or_mask(old, old_m, v, mv),
                        RmwOp::Xor => old_m | mv,
                        RmwOp::Add | RmwOp::Sub => {
                            if (old_m | mv) & w != 0 {
                                w
                            } else {
                                0
                            }
                        }
                    };
                    (old_m, new_m & w)
                } else {
                    (0, 0)
                };
                let r = memory::atomic_rmw(m, op, bytes, a, offset, v).map_err(trap)?;
                if M {
                    mask_mem::write(mask, m.data.len(), ea, n, new_m);
                }
                s.pushm(r, old_m);
            }
            Instr::AtomicCmpxchg { bytes, mem, offset } => {
                let (r, mr) = s.popm();
                let (e, me) = s.popm();
                let a = s.popk("atomic cmpxchg", "the address")?;
                let (m, mask) = self.mem_and_mask(inst.mems[mem as usize] as usize);
                let n = bytes as usize;
                let w = bytes_mask(n);
                let ea = atomic_ea(m, a, offset, n).map_err(trap)?;
                let (old_m, new_m) = if M {
                    let (old, old_m) = (mask_mem::data(m, ea, n), mask_mem::read(mask, ea, n));
                    // An open comparison leaves either the old or the new value.
                    let new_m = match (old_m | me) & w {
                        0 if old == e & w => mr,
                        0 => 0,
                        _ => old_m | mr | (old ^ r),
                    };
                    (old_m, new_m & w)
                } else {
                    (0, 0)
                };
                let old = memory::atomic_cmpxchg(m, bytes, a, offset, e, r).map_err(trap)?;
                if M {
                    mask_mem::write(mask, m.data.len(), ea, n, new_m);
                }
                s.pushm(old, old_m);
            }
            Instr::AtomicNotify { mem, offset } => {
                let _count = s.popm();
                let a = s.popk("memory.atomic.notify", "the address")?;
                memory::atomic_ea(&self.mems[inst.mems[mem as usize] as usize], a, offset, 4).map_err(trap)?;
                // No other thread can be waiting: zero waiters woken.
                s.pushm(0, 0);
            }
            Instr::AtomicWait { bytes, mem, offset } => {
                let timeout = s.popk("memory.atomic.wait", "the timeout")? as u64 as i64;
                let expected = s.popk("memory.atomic.wait", "the expected value")?;
                let a = s.popk("memory.atomic.wait", "the address")?;
                let (m, mask) = self.mem_and_mask(inst.mems[mem as usize] as usize);
                let loaded = memory::atomic_load(m, bytes, a, offset).map_err(trap)?;
                if !m.ty.shared {
                    return Err(CallError::Trap(TrapKind::ExpectedSharedMemory));
                }
                if M && let Ok(ea) = atomic_ea(m, a, offset, bytes as usize) {
                    known(mask_mem::read(mask, ea, bytes as usize), "memory.atomic.wait", "the loaded value")?;
                }
                let mask = if bytes == 8 { u64::MAX as u128 } else { u32::MAX as u128 };
                if loaded != expected & mask {
                    s.pushm(1, 0); // "not-equal"
                } else if timeout >= 0 {
                    s.pushm(2, 0); // "timed-out": no other thread can notify
                } else {
                    return Err(CallError::Exhausted("wait without timeout would block forever".into()));
                }
            }
            _ => {}
        }
        Ok(())
    }
}
