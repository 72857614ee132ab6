//! The interpreter loop: executes pre-decoded [`Instr`]s (a function's
//! `Code::fast`, with the specialized instructions) of the frame on top of
//! the frame stack over one shared value stack. Calls push a frame and
//! restart the loop; returns pop one; nothing allocates per instruction.
//! Compiled twice: plain, and guarded (stopping before the first result
//! with open bits, where masked execution takes over).

use super::frames::{Frame, unwind};
use super::hot_arms::plain_hot_arms;
use super::{memory, numeric, vector};
use crate::compile::hot::{hot_ops, specialized_pattern};
use crate::compile::instr::{Instr, LoadKind, PUSH, RETURN_PC, WideOp};
use crate::compile::ops::ScalarBin;
use crate::error::{CallError, TrapKind};
use crate::masks::opens;
use crate::numerics::wide;
use crate::simd::bitwise;
use crate::store::{PAGE_SIZE, Store};
use std::sync::Arc;

/// How a run of the plain loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// The outermost frame returned: the stack holds its results.
    Done,
    /// Guarded run only: the instruction at the top frame's saved pc would
    /// produce open bits. Nothing of it was executed; the caller continues
    /// from exactly this state (every mask 0 so far): the masked loop, or
    /// for a plain call the unguarded loop.
    Open,
}

impl Store {
    /// Runs function `func` with its arguments on `stack`; on success the
    /// stack holds exactly its results.
    pub(crate) fn run(&mut self, func: u32, stack: &mut Vec<u128>) -> Result<(), CallError> {
        let mut frames: Vec<Frame> = Vec::with_capacity(16);
        let mut fuel = self.config.fuel;
        self.enter(func, stack, &mut frames)?;
        // The guarded copy of the loop runs until the first open result (it
        // is the copy masked runs use, and LLVM compiles it better: 22
        // against 52 ms on `corpus/bench/compute.wat`'s memory loop), the
        // unguarded copy from there; the guarded copy stops before that
        // instruction, so nothing runs twice.
        if self.run_frames::<true>(stack, &mut frames, &mut fuel)? == Flow::Open {
            let flow = self.run_frames::<false>(stack, &mut frames, &mut fuel)?;
            debug_assert_eq!(flow, Flow::Done);
        }
        Ok(())
    }

    /// The plain loop over `frames` (the top one runs first) until the
    /// outermost returns. With `GUARD`, every value is known to be fully
    /// determined (all masks 0), and the loop stops with [`Flow::Open`]
    /// before the first instruction whose result would have open bits (see
    /// [`crate::masks::opens`]): the masked loop takes over from there, so
    /// masked execution costs nothing extra until a NaN or a relaxed-SIMD
    /// choice appears.
    pub(crate) fn run_frames<const GUARD: bool>(
        &mut self,
        stack: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
        fuel: &mut Option<u64>,
    ) -> Result<Flow, CallError> {
        let mem_cap = self.config.max_memory_pages;
        // A local copy, handed back where the masked loop takes over.
        let fuel_out = fuel;
        let mut fuel = *fuel_out;
        'outer: while let Some(frame) = frames.last() {
            let inst = frame.inst.clone();
            let base = frame.base;
            let mut pc = frame.pc;
            let code = &inst.module.code[frame.code as usize];
            let body = &code.fast[..];
            // The frame's slots (locals, then operands) are allocated at
            // once: `sp` is the operand stack's top (from `base`, as every
            // index into `regs`); `stack.len()` is brought back to it only
            // where the frame is left.
            let mut sp = stack.len() - base;
            let frame_end = base + code.max_height as usize;
            if stack.len() < frame_end {
                stack.resize(frame_end, 0);
            }
            // The slots as a slice: its pointer and length stay in
            // registers (indexing the Vec would reload them after every
            // store). Left where the frame is left (`sync!`).
            let regs: &mut [u128] = &mut stack[base..];

            // Left by `continue 'outer` and `return`, and by `break 'open`
            // (guarded run only: `pc` is at an instruction with an open
            // result).
            'open: {
                macro_rules! pop {
                    () => {{
                        sp -= 1;
                        regs[sp]
                    }};
                }
                macro_rules! push {
                    ($v:expr) => {{
                        let v = $v;
                        regs[sp] = v;
                        sp += 1;
                    }};
                }
                // Leaves the frame's slots as the callee or caller expects them.
                macro_rules! sync {
                    () => {
                        stack.truncate(base + sp)
                    };
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
                        sync!();
                        unwind(stack, base, code.num_results as usize);
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
                        let (dst, arity) = ($height as usize, $arity as usize);
                        if sp - arity != dst {
                            regs.copy_within(sp - arity..sp, dst);
                        }
                        sp = dst + arity;
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
                // Guarded run: stop before the current instruction, which
                // would produce open bits (it has changed nothing yet).
                macro_rules! open_here {
                    () => {{
                        pc -= 1;
                        break 'open;
                    }};
                }
                // A result computed from operands still in place: in a guarded
                // run, hand over first if it has open bits.
                macro_rules! guard {
                    ($opens:expr) => {
                        if GUARD && $opens {
                            open_here!();
                        }
                    };
                }
                macro_rules! mem {
                    ($m:expr) => {
                        inst.mems[$m as usize] as usize
                    };
                }
                macro_rules! local {
                    ($i:expr) => {
                        regs[$i as usize]
                    };
                }
                // The result of a fused instruction: pushed, or stored in a local.
                macro_rules! put {
                    ($dst:expr, $v:expr) => {{
                        let v = $v;
                        if $dst == PUSH { push!(v) } else { regs[$dst as usize] = v }
                    }};
                }
                macro_rules! br_if_table {
                    ($cond:expr, $t:expr) => {{
                        if $cond as u32 != 0 {
                            let t = code.br_tables[$t as usize];
                            branch!(t.pc, t.height, t.arity);
                        }
                    }};
                }
                // `br_if_table!`, or past the next instruction when not
                // taken (an instruction standing for itself and the next).
                macro_rules! br_if_table_or_skip {
                    ($cond:expr, $t:expr) => {{
                        if $cond as u32 != 0 {
                            let t = code.br_tables[$t as usize];
                            branch!(t.pc, t.height, t.arity);
                        } else {
                            pc += 1;
                        }
                    }};
                }
                // The operand `$k` places below the top (1: the top).
                macro_rules! operand {
                    ($k:expr) => {
                        regs[sp - $k]
                    };
                }
                macro_rules! drop_operands {
                    ($k:expr) => {
                        sp -= $k
                    };
                }
                macro_rules! memory {
                    ($m:expr) => {
                        &self.mems[mem!($m)]
                    };
                }
                macro_rules! memory_mut {
                    ($m:expr) => {
                        &mut self.mems[mem!($m)]
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
                            if pop!() as u32 != 0 {
                                branch!(target, height, arity);
                            }
                        }
                        Instr::BrUnless { target } => {
                            if pop!() as u32 == 0 {
                                pc = target as usize;
                            }
                        }
                        Instr::Jump { target } => {
                            charge!();
                            pc = target as usize;
                        }
                        Instr::BrTable { start, len } => {
                            let i = (pop!() as u32).min(len - 1);
                            let t = code.br_tables[(start + i) as usize];
                            branch!(t.pc, t.height, t.arity);
                        }
                        Instr::Return => do_return!(),
                        Instr::Call(f) => {
                            sync!();
                            save_pc!();
                            charge!();
                            self.enter(inst.funcs[f as usize], stack, frames)?;
                            continue 'outer;
                        }
                        Instr::CallIndirect { ty, table } | Instr::ReturnCallIndirect { ty, table } => {
                            let i = pop!();
                            let r = self
                                .table_get_slot(inst.tables[table as usize] as usize, i)
                                .map_err(|_| CallError::Trap(TrapKind::TableOutOfBounds))?;
                            if r == 0 {
                                return Err(CallError::Trap(TrapKind::IndirectCallToNull));
                            }
                            let addr = (r - 1) as u32;
                            let want = inst.types[ty as usize];
                            // Equal ids are equal types; a declared subtype matches too (GC).
                            let callee_ty = self.funcs.get(addr as usize).map_or(u32::MAX, |f| f.ty());
                            if callee_ty != want && (callee_ty == u32::MAX || !self.type_sub(callee_ty, want)) {
                                return Err(CallError::Trap(TrapKind::BadSignature));
                            }
                            charge!();
                            sync!();
                            if let Instr::ReturnCallIndirect { .. } = ins {
                                self.tail_call(addr, base, stack, frames)?;
                            } else {
                                save_pc!();
                                self.enter(addr, stack, frames)?;
                            }
                            continue 'outer;
                        }
                        Instr::ReturnCall(f) => {
                            charge!();
                            sync!();
                            self.tail_call(inst.funcs[f as usize], base, stack, frames)?;
                            continue 'outer;
                        }
                        Instr::Drop => {
                            pop!();
                        }
                        Instr::Select => {
                            let c = pop!();
                            let b = pop!();
                            let a = pop!();
                            push!(if c as u32 != 0 { a } else { b });
                        }
                        Instr::LocalGet(i) => push!(regs[i as usize]),
                        Instr::LocalSet(i) => {
                            let v = pop!();
                            regs[i as usize] = v;
                        }
                        Instr::LocalTee(i) => {
                            let v = regs[sp - 1];
                            regs[i as usize] = v;
                        }
                        Instr::GlobalGet(i) => {
                            push!(self.globals[inst.globals[i as usize] as usize].value)
                        }
                        Instr::GlobalSet(i) => {
                            let v = pop!();
                            self.globals[inst.globals[i as usize] as usize].value = v;
                        }
                        Instr::TableGet(t) => {
                            let i = pop!();
                            push!(trap!(self.table_get_slot(inst.tables[t as usize] as usize, i)));
                        }
                        Instr::TableSet(t) => {
                            let v = pop!();
                            let i = pop!();
                            trap!(self.table_set_slot(inst.tables[t as usize] as usize, i, v));
                        }
                        Instr::TableSize(t) => {
                            push!(self.tables[inst.tables[t as usize] as usize].elems.len() as u128)
                        }
                        Instr::TableGrow(t) => {
                            let n = pop!();
                            let init = pop!();
                            push!(self.table_grow(inst.tables[t as usize] as usize, init, n));
                        }
                        Instr::TableFill(t) => {
                            let n = pop!();
                            let v = pop!();
                            let i = pop!();
                            trap!(self.table_fill(inst.tables[t as usize] as usize, i, v, n));
                        }
                        Instr::TableCopy { dst, src } => {
                            let n = pop!();
                            let s = pop!();
                            let d = pop!();
                            let (dt, st) = (inst.tables[dst as usize] as usize, inst.tables[src as usize] as usize);
                            trap!(self.table_copy(dt, st, d, s, n));
                        }
                        Instr::TableInit { elem, table } => {
                            let n = pop!();
                            let s = pop!();
                            let d = pop!();
                            let (t, e) = (inst.tables[table as usize] as usize, inst.elems[elem as usize] as usize);
                            trap!(self.table_init(t, e, d, s, n));
                        }
                        Instr::ElemDrop(e) => self.elems[inst.elems[e as usize] as usize] = Vec::new(),
                        Instr::RefFunc(f) => push!(inst.funcs[f as usize] as u128 + 1),
                        Instr::Const(c) => push!(c as u128),
                        Instr::ConstV128(i) => push!(code.v128_pool[i as usize]),
                        Instr::Load { kind, mem, offset } => {
                            let a = pop!();
                            push!(trap!(memory::load(&self.mems[mem!(mem)], kind, a, offset)));
                        }
                        Instr::Store { bytes, mem, offset } => {
                            let v = pop!();
                            let a = pop!();
                            trap!(memory::store(&mut self.mems[mem!(mem)], bytes, a, offset, v));
                        }
                        Instr::LoadLane { bytes, lane, mem, offset } => {
                            let v = pop!();
                            let a = pop!();
                            push!(trap!(memory::load_lane(&self.mems[mem!(mem)], bytes, lane, a, offset, v)));
                        }
                        Instr::StoreLane { bytes, lane, mem, offset } => {
                            let v = pop!();
                            let a = pop!();
                            trap!(memory::store_lane(&mut self.mems[mem!(mem)], bytes, lane, a, offset, v));
                        }
                        Instr::MemorySize(m) => {
                            push!((self.mems[mem!(m)].data.len() as u64 / PAGE_SIZE) as u128)
                        }
                        Instr::MemoryGrow(m) => {
                            let d = pop!();
                            let mem = &mut self.mems[mem!(m)];
                            let is64 = mem.ty.memory64;
                            let grown = memory::grow(mem, d, mem_cap);
                            push!(self.grow_result(grown, is64));
                        }
                        Instr::MemoryFill(m) => {
                            let n = pop!();
                            let v = pop!();
                            let d = pop!();
                            trap!(memory::fill(&mut self.mems[mem!(m)], d, v, n));
                        }
                        Instr::MemoryCopy { dst, src } => {
                            let n = pop!();
                            let s = pop!();
                            let d = pop!();
                            trap!(self.memory_copy(mem!(dst), mem!(src), d, s, n));
                        }
                        Instr::MemoryInit { data, mem } => {
                            let n = pop!();
                            let s = pop!();
                            let d = pop!();
                            trap!(self.memory_init(mem!(mem), inst.datas[data as usize] as usize, d, s, n));
                        }
                        Instr::DataDrop(d) => self.datas[inst.datas[d as usize] as usize] = Arc::from(&[][..]),
                        Instr::Un(op) => {
                            let r = trap!(numeric::unary(op, regs[sp - 1]));
                            guard!(opens::scalar_un(op, r));
                            regs[sp - 1] = r;
                        }
                        Instr::Bin(op) => {
                            let r = trap!(numeric::binary(op, regs[sp - 2], regs[sp - 1]));
                            guard!(opens::scalar_bin(op, r));
                            sp -= 1;
                            regs[sp - 1] = r;
                        }
                        Instr::BinSet { op, dst } => {
                            let r = trap!(numeric::binary(op, regs[sp - 2], regs[sp - 1]));
                            guard!(opens::scalar_bin(op, r));
                            sp -= 2;
                            put!(dst, r);
                        }
                        Instr::BinLL { op, a, b, dst } => {
                            let r = trap!(numeric::binary(op, local!(a), local!(b)));
                            guard!(opens::scalar_bin(op, r));
                            put!(dst, r)
                        }
                        Instr::BinLC { op, a, dst, c } => {
                            let r = trap!(numeric::binary(op, local!(a), c as u128));
                            guard!(opens::scalar_bin(op, r));
                            put!(dst, r)
                        }
                        Instr::BinSL { op, b, dst } => {
                            let r = trap!(numeric::binary(op, regs[sp - 1], local!(b)));
                            guard!(opens::scalar_bin(op, r));
                            sp -= 1;
                            put!(dst, r);
                        }
                        Instr::BinSC { op, dst, c } => {
                            let r = trap!(numeric::binary(op, regs[sp - 1], c as u128));
                            guard!(opens::scalar_bin(op, r));
                            sp -= 1;
                            put!(dst, r);
                        }
                        Instr::BrIfBin { op, t } => {
                            let b = pop!();
                            let a = pop!();
                            br_if_table!(trap!(numeric::binary(op, a, b)), t);
                        }
                        Instr::BrIfLL { op, a, b, t } => {
                            br_if_table!(trap!(numeric::binary(op, local!(a), local!(b))), t)
                        }
                        Instr::BrIfLC { op, a, t, c } => {
                            br_if_table!(trap!(numeric::binary(op, local!(a), c as u128)), t)
                        }
                        Instr::BrIfSL { op, b, t } => {
                            let a = pop!();
                            br_if_table!(trap!(numeric::binary(op, a, local!(b))), t);
                        }
                        Instr::BrIfSC { op, t, c } => {
                            let a = pop!();
                            br_if_table!(trap!(numeric::binary(op, a, c as u128)), t);
                        }
                        Instr::LocalCopy { src, dst } => local!(dst) = local!(src),
                        Instr::LocalSetConst { dst, c } => local!(dst) = c as u128,
                        Instr::BinLS { op, a, dst } => {
                            let r = trap!(numeric::binary(op, local!(a), regs[sp - 1]));
                            guard!(opens::scalar_bin(op, r));
                            sp -= 1;
                            put!(dst, r);
                        }
                        Instr::StoreLL { bytes, mem, a, v, offset } => {
                            trap!(memory::store(&mut self.mems[mem!(mem)], bytes, local!(a), offset, local!(v)));
                        }
                        Instr::LoadL { kind, mem, a, offset } => {
                            push!(trap!(memory::load(&self.mems[mem!(mem)], kind, local!(a), offset)));
                        }
                        Instr::VUn(op) => {
                            let r = vector::unary(op, regs[sp - 1]);
                            guard!(opens::vec_un(op, r));
                            regs[sp - 1] = r;
                        }
                        Instr::VBin(op) => {
                            let r = vector::binary(op, regs[sp - 2], regs[sp - 1]);
                            guard!(opens::vec_bin(op, r));
                            sp -= 1;
                            regs[sp - 1] = r;
                        }
                        Instr::Bitselect => {
                            let c = pop!();
                            let b = pop!();
                            let a = pop!();
                            push!(bitwise::bitselect(a, b, c));
                        }
                        Instr::Relaxed(op) => {
                            // Relaxed SIMD is judged with its choices: masked.
                            guard!(true);
                            let mut v = [0u128; 3];
                            let n = op.arity();
                            for i in (0..n).rev() {
                                v[i] = pop!();
                            }
                            // Deterministic profile: parameter R = 0.
                            push!(op.eval(v[0], v[1], v[2], 0));
                        }
                        Instr::ExtractLane { shape, lane } => {
                            let a = pop!();
                            push!(vector::extract_lane(shape, a, lane));
                        }
                        Instr::ReplaceLane { shape, lane } => {
                            let x = pop!();
                            let a = pop!();
                            push!(vector::replace_lane(shape, a, lane, x));
                        }
                        Instr::Shuffle(i) => {
                            let b = pop!();
                            let a = pop!();
                            push!(bitwise::shuffle(a, b, &code.shuffles[i as usize]));
                        }
                        Instr::VUnL { op, a } => {
                            let r = vector::unary(op, local!(a));
                            guard!(opens::vec_un(op, r));
                            push!(r);
                        }
                        Instr::VBinSL { op, b, dst } => {
                            let r = vector::binary(op, regs[sp - 1], local!(b));
                            guard!(opens::vec_bin(op, r));
                            sp -= 1;
                            put!(dst, r);
                        }
                        Instr::VBinSet { op, dst } => {
                            let r = vector::binary(op, regs[sp - 2], regs[sp - 1]);
                            guard!(opens::vec_bin(op, r));
                            sp -= 2;
                            put!(dst, r);
                        }
                        Instr::ShuffleLL { i, a, b, dst } => {
                            put!(dst, bitwise::shuffle(local!(a), local!(b), &code.shuffles[i as usize]))
                        }
                        Instr::Wide(op) => {
                            let (lo, hi) = match op {
                                WideOp::Add128 | WideOp::Sub128 => {
                                    let (b_hi, b_lo) = (pop!() as u64, pop!() as u64);
                                    let (a_hi, a_lo) = (pop!() as u64, pop!() as u64);
                                    if op == WideOp::Add128 {
                                        wide::add128(a_lo, a_hi, b_lo, b_hi)
                                    } else {
                                        wide::sub128(a_lo, a_hi, b_lo, b_hi)
                                    }
                                }
                                WideOp::MulWideS | WideOp::MulWideU => {
                                    let (b, a) = (pop!() as u64, pop!() as u64);
                                    if op == WideOp::MulWideS { wide::mul_wide_s(a, b) } else { wide::mul_wide_u(a, b) }
                                }
                            };
                            push!(lo as u128);
                            push!(hi as u128);
                        }
                        Instr::RefAsNonNull => {
                            if regs[sp - 1] == 0 {
                                return Err(CallError::Trap(TrapKind::NullReference));
                            }
                        }
                        Instr::BrOnNull { t, non_null } => {
                            let null = regs[sp - 1] == 0;
                            sp -= null as usize;
                            if null != non_null {
                                let t = code.br_tables[t as usize];
                                branch!(t.pc, t.height, t.arity);
                            }
                        }
                        Instr::BrOnCast { t, ty, fail } => {
                            if self.ref_matches(regs[sp - 1], Store::canonical(ty, &inst)) != fail {
                                let t = code.br_tables[t as usize];
                                branch!(t.pc, t.height, t.arity);
                            }
                        }
                        Instr::CallRef | Instr::ReturnCallRef | Instr::Throw(_) | Instr::ThrowRef | Instr::Gc(_) => {
                            // Off the hot path: on the value stack, then re-enter the frame.
                            sync!();
                            save_pc!();
                            if matches!(ins, Instr::CallRef | Instr::ReturnCallRef) {
                                charge!();
                            }
                            self.exec_wasm3::<false>(ins, &inst, stack, &mut Vec::new(), frames)?;
                            continue 'outer;
                        }
                        Instr::AtomicLoad { .. }
                        | Instr::AtomicStore { .. }
                        | Instr::AtomicRmw { .. }
                        | Instr::AtomicCmpxchg { .. }
                        | Instr::AtomicNotify { .. }
                        | Instr::AtomicWait { .. } => {
                            // Off the hot path: run on the value stack as the
                            // masked loop does, then re-enter the frame.
                            sync!();
                            save_pc!();
                            self.exec_atomic::<false>(ins, &inst, stack, &mut Vec::new())?;
                            continue 'outer;
                        }
                        hot_ops!(specialized_pattern {}) => hot_ops!(plain_hot_arms { ins }),
                    }
                }
            }
            stack.truncate(base + sp);
            if let Some(f) = frames.last_mut() {
                f.pc = pc;
            }
            *fuel_out = fuel;
            return Ok(Flow::Open);
        }
        Ok(Flow::Done)
    }
}
