//! The interpreter loop: executes pre-decoded [`Instr`]s of the frame on
//! top of the frame stack over one shared value stack. Calls push a frame
//! and restart the loop; returns pop one; nothing allocates per
//! instruction. The loop is generic over `MASKED`: the plain instantiation
//! has no mask work at all (every `if MASKED` folds away); the masked one
//! keeps a parallel stack of undetermined masks in step with the values,
//! using the rules of `crate::masks` and the helpers of `masked`.

use super::frames::{unwind, Frame};
use super::masked::{self, known};
use super::{memory, numeric, vector};
use crate::compile::instr::{Instr, WideOp, RETURN_PC};
use crate::error::{CallError, TrapKind};
use crate::masks::{relaxed, scalar, vector as vmask};
use crate::numerics::wide;
use crate::simd::bitwise;
use crate::store::{Store, PAGE_SIZE};
use std::sync::Arc;

impl Store {
    /// Runs function `func` with its arguments on `stack`; on success the
    /// stack holds exactly its results. With `MASKED`, `masks` holds the
    /// undetermined mask of every stack slot (same length as `stack`);
    /// otherwise it is unused.
    pub(crate) fn run<const MASKED: bool>(
        &mut self,
        func: u32,
        stack: &mut Vec<u128>,
        masks: &mut Vec<u128>,
    ) -> Result<(), CallError> {
        let mut frames: Vec<Frame> = Vec::with_capacity(16);
        let mut fuel = self.config.fuel;
        let mem_cap = self.config.max_memory_pages;
        self.enter(func, stack, &mut frames)?;
        'outer: while let Some(frame) = frames.last() {
            if MASKED {
                // New frames' locals and host results are determined.
                masks.resize(stack.len(), 0);
            }
            let inst = frame.inst.clone();
            let base = frame.base;
            let mut pc = frame.pc;
            let code = &inst.module.code[frame.code as usize];
            let body = &code.body[..];

            // Value (and, masked, mask) stack access. `pop!`/`push!` treat
            // the mask as irrelevant / determined; `popm!`/`pushm!` carry
            // it; `popk!` requires a determined operand (rule 7).
            macro_rules! pop {
                () => {{
                    if MASKED {
                        masks.pop();
                    }
                    stack.pop().unwrap_or(0)
                }};
            }
            macro_rules! push {
                ($v:expr) => {{
                    let v = $v;
                    if MASKED {
                        masks.push(0);
                    }
                    stack.push(v)
                }};
            }
            macro_rules! popm {
                () => {{
                    let m = if MASKED { masks.pop().unwrap_or(0) } else { 0 };
                    (stack.pop().unwrap_or(0), m)
                }};
            }
            macro_rules! pushm {
                ($v:expr, $m:expr) => {{
                    let (v, m) = ($v, $m);
                    if MASKED {
                        masks.push(m);
                    }
                    stack.push(v)
                }};
            }
            macro_rules! popk {
                ($instr:expr, $what:expr) => {{
                    let (v, m) = popm!();
                    if MASKED {
                        known(m, $instr, $what)?;
                    }
                    v
                }};
            }
            macro_rules! trap {
                ($e:expr) => {
                    $e.map_err(CallError::Trap)?
                };
            }
            macro_rules! charge {
                () => {
                    if let Some(f) = fuel.as_mut() {
                        if *f == 0 {
                            return Err(CallError::Exhausted("fuel exhausted".into()));
                        }
                        *f -= 1;
                    }
                };
            }
            macro_rules! do_return {
                () => {{
                    unwind(stack, base, code.num_results as usize);
                    if MASKED {
                        unwind(masks, base, code.num_results as usize);
                    }
                    frames.pop();
                    continue 'outer;
                }};
            }
            macro_rules! branch {
                ($target:expr, $height:expr, $arity:expr) => {{
                    charge!();
                    if $target == RETURN_PC {
                        do_return!();
                    }
                    unwind(stack, base + $height as usize, $arity as usize);
                    if MASKED {
                        unwind(masks, base + $height as usize, $arity as usize);
                    }
                    pc = $target as usize;
                }};
            }
            macro_rules! save_pc {
                () => {
                    if let Some(f) = frames.last_mut() {
                        f.pc = pc;
                    }
                };
            }
            macro_rules! mem {
                ($m:expr) => {
                    inst.mems[$m as usize] as usize
                };
            }

            loop {
                let Some(&ins) = body.get(pc) else {
                    return Err(CallError::Exhausted("internal error: pc out of range".into()));
                };
                pc += 1;
                match ins {
                    Instr::Unreachable => return Err(CallError::Trap(TrapKind::Unreachable)),
                    Instr::Nop | Instr::AtomicFence => {}
                    Instr::Br { target, height, arity } => branch!(target, height, arity),
                    Instr::BrIf { target, height, arity } => {
                        if popk!("br_if", "the condition") as u32 != 0 {
                            branch!(target, height, arity);
                        }
                    }
                    Instr::BrUnless { target } => {
                        if popk!("if", "the condition") as u32 == 0 {
                            pc = target as usize;
                        }
                    }
                    Instr::Jump { target } => {
                        charge!();
                        pc = target as usize;
                    }
                    Instr::BrTable { start, len } => {
                        let i = (popk!("br_table", "the index") as u32).min(len - 1);
                        let t = code.br_tables[(start + i) as usize];
                        branch!(t.pc, t.height, t.arity);
                    }
                    Instr::Return => do_return!(),
                    Instr::Call(f) => {
                        if MASKED {
                            self.host_args_known(inst.funcs[f as usize], masks, "call")?;
                        }
                        save_pc!();
                        charge!();
                        self.enter(inst.funcs[f as usize], stack, &mut frames)?;
                        continue 'outer;
                    }
                    Instr::CallIndirect { ty, table } | Instr::ReturnCallIndirect { ty, table } => {
                        let i = popk!("call_indirect", "the table index");
                        let r = self
                            .table_get_slot(inst.tables[table as usize] as usize, i)
                            .map_err(|_| CallError::Trap(TrapKind::TableOutOfBounds))?;
                        if r == 0 {
                            return Err(CallError::Trap(TrapKind::IndirectCallToNull));
                        }
                        let addr = (r - 1) as u32;
                        let callee_ty = self.funcs.get(addr as usize).map(|f| f.ty());
                        if callee_ty != Some(inst.types[ty as usize]) {
                            return Err(CallError::Trap(TrapKind::BadSignature));
                        }
                        charge!();
                        if MASKED {
                            self.host_args_known(addr, masks, "call_indirect")?;
                        }
                        if let Instr::ReturnCallIndirect { .. } = ins {
                            if MASKED {
                                unwind(masks, base, self.num_params(addr));
                            }
                            self.tail_call(addr, base, stack, &mut frames)?;
                        } else {
                            save_pc!();
                            self.enter(addr, stack, &mut frames)?;
                        }
                        continue 'outer;
                    }
                    Instr::ReturnCall(f) => {
                        charge!();
                        let addr = inst.funcs[f as usize];
                        if MASKED {
                            self.host_args_known(addr, masks, "return_call")?;
                            unwind(masks, base, self.num_params(addr));
                        }
                        self.tail_call(addr, base, stack, &mut frames)?;
                        continue 'outer;
                    }
                    Instr::Drop => {
                        pop!();
                    }
                    Instr::Select => {
                        let c = popk!("select", "the condition");
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        if c as u32 != 0 { pushm!(a, ma) } else { pushm!(b, mb) }
                    }
                    Instr::LocalGet(i) => {
                        let m = if MASKED { masks[base + i as usize] } else { 0 };
                        pushm!(stack[base + i as usize], m)
                    }
                    Instr::LocalSet(i) => {
                        let (v, m) = popm!();
                        stack[base + i as usize] = v;
                        if MASKED {
                            masks[base + i as usize] = m;
                        }
                    }
                    Instr::LocalTee(i) => {
                        let v = stack.last().copied().unwrap_or(0);
                        stack[base + i as usize] = v;
                        if MASKED {
                            masks[base + i as usize] = masks.last().copied().unwrap_or(0);
                        }
                    }
                    Instr::GlobalGet(i) => {
                        let g = &self.globals[inst.globals[i as usize] as usize];
                        pushm!(g.value, if MASKED { g.mask } else { 0 })
                    }
                    Instr::GlobalSet(i) => {
                        let (v, m) = popm!();
                        let g = &mut self.globals[inst.globals[i as usize] as usize];
                        g.value = v;
                        if MASKED {
                            g.mask = m;
                        }
                    }
                    Instr::TableGet(t) => {
                        let i = popk!("table.get", "the index");
                        push!(trap!(self.table_get_slot(inst.tables[t as usize] as usize, i)));
                    }
                    Instr::TableSet(t) => {
                        let v = pop!();
                        let i = popk!("table.set", "the index");
                        trap!(self.table_set_slot(inst.tables[t as usize] as usize, i, v));
                    }
                    Instr::TableSize(t) => push!(self.tables[inst.tables[t as usize] as usize].elems.len() as u128),
                    Instr::TableGrow(t) => {
                        let n = popk!("table.grow", "the delta");
                        let init = pop!();
                        push!(self.table_grow(inst.tables[t as usize] as usize, init, n));
                    }
                    Instr::TableFill(t) => {
                        let n = popk!("table.fill", "the length");
                        let v = pop!();
                        let i = popk!("table.fill", "the index");
                        trap!(self.table_fill(inst.tables[t as usize] as usize, i, v, n));
                    }
                    Instr::TableCopy { dst, src } => {
                        let n = popk!("table.copy", "the length");
                        let s = popk!("table.copy", "the source index");
                        let d = popk!("table.copy", "the destination index");
                        let (dt, st) = (inst.tables[dst as usize] as usize, inst.tables[src as usize] as usize);
                        trap!(self.table_copy(dt, st, d, s, n));
                    }
                    Instr::TableInit { elem, table } => {
                        let n = popk!("table.init", "the length");
                        let s = popk!("table.init", "the source index");
                        let d = popk!("table.init", "the destination index");
                        let (t, e) = (inst.tables[table as usize] as usize, inst.elems[elem as usize] as usize);
                        trap!(self.table_init(t, e, d, s, n));
                    }
                    Instr::ElemDrop(e) => self.elems[inst.elems[e as usize] as usize] = Vec::new(),
                    Instr::RefFunc(f) => push!(inst.funcs[f as usize] as u128 + 1),
                    Instr::Const(c) => push!(c as u128),
                    Instr::ConstV128(i) => push!(code.v128_pool[i as usize]),
                    Instr::Load { kind, mem, offset } => {
                        let a = popk!("load", "the address");
                        let m = &self.mems[mem!(mem)];
                        let v = trap!(memory::load(m, kind, a, offset));
                        pushm!(v, if MASKED { masked::load_mask(m, kind, a, offset) } else { 0 });
                    }
                    Instr::Store { bytes, mem, offset } => {
                        let (v, mv) = popm!();
                        let a = popk!("store", "the address");
                        let m = &mut self.mems[mem!(mem)];
                        trap!(memory::store(m, bytes, a, offset, v));
                        if MASKED {
                            masked::store_mask(m, bytes, a, offset, mv);
                        }
                    }
                    Instr::LoadLane { .. } | Instr::StoreLane { .. } | Instr::MemoryFill(_) | Instr::MemoryCopy { .. } => {
                        self.exec_memory::<MASKED>(ins, &inst, stack, masks)?;
                    }
                    Instr::MemorySize(m) => push!((self.mems[mem!(m)].data.len() as u64 / PAGE_SIZE) as u128),
                    Instr::MemoryGrow(m) => {
                        let d = popk!("memory.grow", "the delta");
                        push!(memory::grow(&mut self.mems[mem!(m)], d, mem_cap));
                    }
                    Instr::MemoryInit { data, mem } => {
                        let n = popk!("memory.init", "the length");
                        let s = popk!("memory.init", "the source offset");
                        let d = popk!("memory.init", "the destination address");
                        trap!(self.memory_init(mem!(mem), inst.datas[data as usize] as usize, d, s, n));
                        if MASKED {
                            masked::clear_mask(&mut self.mems[mem!(mem)], d, n);
                        }
                    }
                    Instr::DataDrop(d) => self.datas[inst.datas[d as usize] as usize] = Arc::from(&[][..]),
                    Instr::Un(op) => {
                        let (a, ma) = popm!();
                        if MASKED {
                            let (v, m) = scalar::unary(op, a, ma)?;
                            pushm!(v, m);
                        } else {
                            push!(trap!(numeric::unary(op, a)));
                        }
                    }
                    Instr::Bin(op) => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        if MASKED {
                            let (v, m) = scalar::binary(op, a, ma, b, mb)?;
                            pushm!(v, m);
                        } else {
                            push!(trap!(numeric::binary(op, a, b)));
                        }
                    }
                    Instr::VUn(op) => {
                        let (a, ma) = popm!();
                        if MASKED {
                            let (v, m) = vmask::unary(op, a, ma);
                            pushm!(v, m);
                        } else {
                            push!(vector::unary(op, a));
                        }
                    }
                    Instr::VBin(op) => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        if MASKED {
                            let (v, m) = vmask::binary(op, a, ma, b, mb);
                            pushm!(v, m);
                        } else {
                            push!(vector::binary(op, a, b));
                        }
                    }
                    Instr::Bitselect => {
                        let (c, mc) = popm!();
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        if MASKED {
                            let (v, m) = vmask::bitselect(a, ma, b, mb, c, mc);
                            pushm!(v, m);
                        } else {
                            push!(bitwise::bitselect(a, b, c));
                        }
                    }
                    Instr::Relaxed(op) => {
                        let (mut v, mut m) = ([0u128; 3], [0u128; 3]);
                        let n = op.arity();
                        for i in (0..n).rev() {
                            (v[i], m[i]) = popm!();
                        }
                        if MASKED {
                            let (r, mr) = relaxed::relaxed(op, v, m);
                            pushm!(r, mr);
                        } else {
                            // Deterministic profile: parameter R = 0.
                            push!(op.eval(v[0], v[1], v[2], 0));
                        }
                    }
                    Instr::ExtractLane { shape, lane } => {
                        let (a, ma) = popm!();
                        let m = if MASKED { vector::extract_lane(shape, ma, lane) } else { 0 };
                        pushm!(vector::extract_lane(shape, a, lane), m);
                    }
                    Instr::ReplaceLane { shape, lane } => {
                        let (x, mx) = popm!();
                        let (a, ma) = popm!();
                        let m = if MASKED { vector::replace_lane(shape, ma, lane, mx) } else { 0 };
                        pushm!(vector::replace_lane(shape, a, lane, x), m);
                    }
                    Instr::Shuffle(i) => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        let l = &code.shuffles[i as usize];
                        pushm!(bitwise::shuffle(a, b, l), if MASKED { bitwise::shuffle(ma, mb, l) } else { 0 });
                    }
                    Instr::Wide(op) => {
                        let mut open = 0u128;
                        let (lo, hi) = match op {
                            WideOp::Add128 | WideOp::Sub128 => {
                                let ((b_hi, m0), (b_lo, m1)) = (popm!(), popm!());
                                let ((a_hi, m2), (a_lo, m3)) = (popm!(), popm!());
                                open |= m0 | m1 | m2 | m3;
                                let (a_lo, a_hi, b_lo, b_hi) = (a_lo as u64, a_hi as u64, b_lo as u64, b_hi as u64);
                                if op == WideOp::Add128 {
                                    wide::add128(a_lo, a_hi, b_lo, b_hi)
                                } else {
                                    wide::sub128(a_lo, a_hi, b_lo, b_hi)
                                }
                            }
                            WideOp::MulWideS | WideOp::MulWideU => {
                                let ((b, m0), (a, m1)) = (popm!(), popm!());
                                open |= m0 | m1;
                                let (a, b) = (a as u64, b as u64);
                                if op == WideOp::MulWideS { wide::mul_wide_s(a, b) } else { wide::mul_wide_u(a, b) }
                            }
                        };
                        // Integer arithmetic: any open input opens both results.
                        let m = if open != 0 { scalar::W64 } else { 0 };
                        pushm!(lo as u128, m);
                        pushm!(hi as u128, m);
                    }
                    Instr::AtomicLoad { .. }
                    | Instr::AtomicStore { .. }
                    | Instr::AtomicRmw { .. }
                    | Instr::AtomicCmpxchg { .. }
                    | Instr::AtomicNotify { .. }
                    | Instr::AtomicWait { .. } => self.exec_atomic::<MASKED>(ins, &inst, stack, masks)?,
                }
            }
        }
        Ok(())
    }

    /// `return_call`: replaces the current frame by a call to `addr`, whose
    /// arguments are on top of the stack.
    fn tail_call(&mut self, addr: u32, base: usize, stack: &mut Vec<u128>, frames: &mut Vec<Frame>) -> Result<(), CallError> {
        let n = self.types[self.funcs[addr as usize].ty() as usize].params.len();
        unwind(stack, base, n);
        frames.pop();
        self.enter(addr, stack, frames)
    }
}
