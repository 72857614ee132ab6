//! The interpreter loop of masked execution: the same loop as `interp`,
//! over a value stack plus a parallel stack of undetermined masks kept in
//! step with it, using the per-operator rules of `crate::masks` and the
//! helpers of `masked` / `memory_ops`. The plain loop stays a separate,
//! untouched function so that masks cost it nothing (a shared generic loop
//! measured 5-15% slower in plain mode through codegen changes).

use super::frames::{Frame, unwind};
use super::interp::Flow;
use super::mask_mem;
use super::masked::{self, known};
use super::{memory, vector};
use crate::compile::hot::{hot_ops, specialized_pattern};
use crate::compile::instr::{Instr, PUSH, RETURN_PC, WideOp};
use crate::error::{CallError, TrapKind};
use crate::masks::{relaxed, scalar, vector as vmask};
use crate::numerics::wide;
use crate::simd::bitwise;
use crate::store::{PAGE_SIZE, Store};
use std::sync::Arc;

impl Store {
    /// Runs function `func` with its arguments on `stack` and their masks
    /// on `masks` (same length); on success both hold exactly the results.
    ///
    /// While every value, global and memory byte is determined, the plain
    /// loop runs guarded ([`Store::run_frames`]); this loop takes over at
    /// the first instruction whose result has open bits.
    pub(crate) fn run_masked(
        &mut self,
        func: u32,
        stack: &mut Vec<u128>,
        masks: &mut Vec<u128>,
    ) -> Result<(), CallError> {
        let mut frames: Vec<Frame> = Vec::with_capacity(16);
        let mut fuel = self.config.fuel;
        self.enter(func, stack, &mut frames)?;
        if !self.config.masked_from_start && masks.iter().all(|&m| m == 0) && self.masks_clear() {
            let flow = self.run_frames::<true>(stack, &mut frames, &mut fuel)?;
            masks.clear();
            masks.resize(stack.len(), 0);
            if flow == Flow::Done {
                return Ok(());
            }
        }
        self.run_masked_frames(stack, masks, &mut frames, &mut fuel)
    }

    /// Whether no global, memory byte, object field or exception payload
    /// has open bits (a memory's mask array that has become all zero is
    /// dropped on the way; the heap is judged by whether it ever had any).
    fn masks_clear(&mut self) -> bool {
        for m in &mut self.mem_masks {
            if !m.is_empty() {
                if m.iter().any(|&b| b != 0) {
                    return false;
                }
                *m = Vec::new();
            }
        }
        self.global_masks.iter().all(|&m| m == 0) && !self.heap_masks_open
    }

    /// The masked loop over `frames` (the top one runs first) until the
    /// outermost returns; `masks` has an entry per value on `stack`, up to
    /// the new locals of a frame just entered.
    fn run_masked_frames(
        &mut self,
        stack: &mut Vec<u128>,
        masks: &mut Vec<u128>,
        frames: &mut Vec<Frame>,
        fuel: &mut Option<u64>,
    ) -> Result<(), CallError> {
        let mem_cap = self.config.max_memory_pages;
        'outer: while let Some(frame) = frames.last() {
            // New frames' locals and host results are determined.
            masks.resize(stack.len(), 0);
            let inst = frame.inst.clone();
            let base = frame.base;
            let mut pc = frame.pc;
            let code = &inst.module.code[frame.code as usize];
            let body = &code.body[..];

            // Value and mask stack access, in step. `pop!`/`push!` treat
            // the mask as irrelevant / determined; `popm!`/`pushm!` carry
            // it; `popk!` requires a determined operand (rule 7).
            macro_rules! pop {
                () => {{
                    masks.pop();
                    stack.pop().unwrap_or(0)
                }};
            }
            macro_rules! push {
                ($v:expr) => {{
                    let v = $v;
                    masks.push(0);
                    stack.push(v)
                }};
            }
            macro_rules! popm {
                () => {{
                    let m = masks.pop().unwrap_or(0);
                    (stack.pop().unwrap_or(0), m)
                }};
            }
            macro_rules! pushm {
                ($v:expr, $m:expr) => {{
                    let (v, m) = ($v, $m);
                    masks.push(m);
                    stack.push(v)
                }};
            }
            macro_rules! popk {
                ($instr:expr, $what:expr) => {{
                    let (v, m) = popm!();
                    known(m, $instr, $what)?;
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
                    if let Some(f) = fuel {
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
                    unwind(masks, base, code.num_results as usize);
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
                    unwind(masks, base + $height as usize, $arity as usize);
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
            // A local's value and mask (fused instructions).
            macro_rules! localm {
                ($i:expr) => {
                    (stack[base + $i as usize], masks[base + $i as usize])
                };
            }
            // The result of a fused instruction: pushed, or stored in a local.
            macro_rules! putm {
                ($dst:expr, $vm:expr) => {{
                    let (v, m) = $vm;
                    if $dst == PUSH {
                        pushm!(v, m)
                    } else {
                        stack[base + $dst as usize] = v;
                        masks[base + $dst as usize] = m;
                    }
                }};
            }
            macro_rules! br_if_table {
                ($vm:expr, $t:expr) => {{
                    let (v, m) = $vm;
                    known(m, "br_if", "the condition")?;
                    if v as u32 != 0 {
                        let t = code.br_tables[$t as usize];
                        branch!(t.pc, t.height, t.arity);
                    }
                }};
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
                        self.host_args_known(inst.funcs[f as usize], masks, "call")?;
                        save_pc!();
                        charge!();
                        self.enter(inst.funcs[f as usize], stack, frames)?;
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
                        let want = inst.types[ty as usize];
                        // Equal ids are equal types; a declared subtype matches too (GC).
                        let callee_ty = self.funcs.get(addr as usize).map_or(u32::MAX, |f| f.ty());
                        if callee_ty != want && (callee_ty == u32::MAX || !self.type_sub(callee_ty, want)) {
                            return Err(CallError::Trap(TrapKind::BadSignature));
                        }
                        charge!();
                        self.host_args_known(addr, masks, "call_indirect")?;
                        if let Instr::ReturnCallIndirect { .. } = ins {
                            unwind(masks, base, self.num_params(addr));
                            self.tail_call(addr, base, stack, frames)?;
                        } else {
                            save_pc!();
                            self.enter(addr, stack, frames)?;
                        }
                        continue 'outer;
                    }
                    Instr::ReturnCall(f) => {
                        charge!();
                        let addr = inst.funcs[f as usize];
                        self.host_args_known(addr, masks, "return_call")?;
                        unwind(masks, base, self.num_params(addr));
                        self.tail_call(addr, base, stack, frames)?;
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
                        let m = masks[base + i as usize];
                        pushm!(stack[base + i as usize], m)
                    }
                    Instr::LocalSet(i) => {
                        let (v, m) = popm!();
                        stack[base + i as usize] = v;
                        masks[base + i as usize] = m;
                    }
                    Instr::LocalTee(i) => {
                        let v = stack.last().copied().unwrap_or(0);
                        stack[base + i as usize] = v;
                        masks[base + i as usize] = masks.last().copied().unwrap_or(0);
                    }
                    Instr::GlobalGet(i) => {
                        let g = inst.globals[i as usize] as usize;
                        pushm!(self.globals[g].value, self.global_masks.get(g).copied().unwrap_or(0))
                    }
                    Instr::GlobalSet(i) => {
                        let (v, m) = popm!();
                        let g = inst.globals[i as usize] as usize;
                        self.globals[g].value = v;
                        *self.global_mask_mut(g) = m;
                    }
                    Instr::TableGet(t) => {
                        let i = popk!("table.get", "the index");
                        push!(trap!(self.table_get_slot(inst.tables[t as usize] as usize, i)));
                    }
                    Instr::TableSet(t) => {
                        // An i31 with open bits would lose them in a table.
                        let v = popk!("table.set", "the reference");
                        let i = popk!("table.set", "the index");
                        trap!(self.table_set_slot(inst.tables[t as usize] as usize, i, v));
                    }
                    Instr::TableSize(t) => {
                        push!(self.tables[inst.tables[t as usize] as usize].elems.len() as u128)
                    }
                    Instr::TableGrow(t) => {
                        let n = popk!("table.grow", "the delta");
                        let init = popk!("table.grow", "the reference");
                        push!(self.table_grow(inst.tables[t as usize] as usize, init, n));
                    }
                    Instr::TableFill(t) => {
                        let n = popk!("table.fill", "the length");
                        let v = popk!("table.fill", "the reference");
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
                        let (m, mask) = self.mem_and_mask(mem!(mem));
                        let v = trap!(memory::load(m, kind, a, offset));
                        pushm!(v, masked::load_mask(m, mask, kind, a, offset));
                    }
                    Instr::Store { bytes, mem, offset } => {
                        let (v, mv) = popm!();
                        let a = popk!("store", "the address");
                        let (m, mask) = self.mem_and_mask(mem!(mem));
                        trap!(memory::store(m, bytes, a, offset, v));
                        masked::store_mask(m, mask, bytes, a, offset, mv);
                    }
                    Instr::LoadLane { .. }
                    | Instr::StoreLane { .. }
                    | Instr::MemoryFill(_)
                    | Instr::MemoryCopy { .. } => {
                        self.exec_memory::<true>(ins, &inst, stack, masks)?;
                    }
                    Instr::MemorySize(m) => {
                        push!((self.mems[mem!(m)].data.len() as u64 / PAGE_SIZE) as u128)
                    }
                    Instr::MemoryGrow(m) => {
                        let d = popk!("memory.grow", "the delta");
                        let (m, mask) = self.mem_and_mask(mem!(m));
                        let is64 = m.ty.memory64;
                        let grown = memory::grow(m, d, mem_cap);
                        mask_mem::sync_len(mask, m.data.len());
                        push!(self.grow_result(grown, is64));
                    }
                    Instr::MemoryInit { data, mem } => {
                        let n = popk!("memory.init", "the length");
                        let s = popk!("memory.init", "the source offset");
                        let d = popk!("memory.init", "the destination address");
                        trap!(self.memory_init(mem!(mem), inst.datas[data as usize] as usize, d, s, n));
                        let (m, mask) = self.mem_and_mask(mem!(mem));
                        masked::clear_mask(m, mask, d, n);
                    }
                    Instr::DataDrop(d) => self.datas[inst.datas[d as usize] as usize] = Arc::from(&[][..]),
                    Instr::Un(op) => {
                        let (a, ma) = popm!();
                        let (v, m) = scalar::unary(op, a, ma)?;
                        pushm!(v, m);
                    }
                    Instr::Bin(op) => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        let (v, m) = scalar::binary(op, a, ma, b, mb)?;
                        pushm!(v, m);
                    }
                    Instr::BinSet { op, dst } => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        putm!(dst, scalar::binary(op, a, ma, b, mb)?);
                    }
                    Instr::BinLL { op, a, b, dst } => {
                        let ((a, ma), (b, mb)) = (localm!(a), localm!(b));
                        putm!(dst, scalar::binary(op, a, ma, b, mb)?);
                    }
                    Instr::BinLC { op, a, dst, c } => {
                        let (a, ma) = localm!(a);
                        putm!(dst, scalar::binary(op, a, ma, c as u128, 0)?);
                    }
                    Instr::BinSL { op, b, dst } => {
                        let (a, ma) = popm!();
                        let (b, mb) = localm!(b);
                        putm!(dst, scalar::binary(op, a, ma, b, mb)?);
                    }
                    Instr::BinSC { op, dst, c } => {
                        let (a, ma) = popm!();
                        putm!(dst, scalar::binary(op, a, ma, c as u128, 0)?);
                    }
                    Instr::BrIfBin { op, t } => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        br_if_table!(scalar::binary(op, a, ma, b, mb)?, t);
                    }
                    Instr::BrIfLL { op, a, b, t } => {
                        let ((a, ma), (b, mb)) = (localm!(a), localm!(b));
                        br_if_table!(scalar::binary(op, a, ma, b, mb)?, t);
                    }
                    Instr::BrIfLC { op, a, t, c } => {
                        let (a, ma) = localm!(a);
                        br_if_table!(scalar::binary(op, a, ma, c as u128, 0)?, t);
                    }
                    Instr::BrIfSL { op, b, t } => {
                        let (a, ma) = popm!();
                        let (b, mb) = localm!(b);
                        br_if_table!(scalar::binary(op, a, ma, b, mb)?, t);
                    }
                    Instr::BrIfSC { op, t, c } => {
                        let (a, ma) = popm!();
                        br_if_table!(scalar::binary(op, a, ma, c as u128, 0)?, t);
                    }
                    Instr::LocalCopy { src, dst } => {
                        let (v, m) = localm!(src);
                        stack[base + dst as usize] = v;
                        masks[base + dst as usize] = m;
                    }
                    Instr::LocalSetConst { dst, c } => {
                        stack[base + dst as usize] = c as u128;
                        masks[base + dst as usize] = 0;
                    }
                    Instr::BinLS { op, a, dst } => {
                        let (b, mb) = popm!();
                        let (a, ma) = localm!(a);
                        putm!(dst, scalar::binary(op, a, ma, b, mb)?);
                    }
                    Instr::StoreLL { bytes, mem, a, v, offset } => {
                        let ((a, ma), (v, mv)) = (localm!(a), localm!(v));
                        known(ma, "store", "the address")?;
                        let (m, mask) = self.mem_and_mask(mem!(mem));
                        trap!(memory::store(m, bytes, a, offset, v));
                        masked::store_mask(m, mask, bytes, a, offset, mv);
                    }
                    Instr::LoadL { kind, mem, a, offset } => {
                        let (a, ma) = localm!(a);
                        known(ma, "load", "the address")?;
                        let (m, mask) = self.mem_and_mask(mem!(mem));
                        let v = trap!(memory::load(m, kind, a, offset));
                        pushm!(v, masked::load_mask(m, mask, kind, a, offset));
                    }
                    Instr::VUn(op) => {
                        let (a, ma) = popm!();
                        let (v, m) = vmask::unary(op, a, ma);
                        pushm!(v, m);
                    }
                    Instr::VBin(op) => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        let (v, m) = vmask::binary(op, a, ma, b, mb);
                        pushm!(v, m);
                    }
                    Instr::Bitselect => {
                        let (c, mc) = popm!();
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        let (v, m) = vmask::bitselect(a, ma, b, mb, c, mc);
                        pushm!(v, m);
                    }
                    Instr::Relaxed(op) => {
                        let (mut v, mut m) = ([0u128; 3], [0u128; 3]);
                        let n = op.arity();
                        for i in (0..n).rev() {
                            (v[i], m[i]) = popm!();
                        }
                        let (r, mr) = relaxed::relaxed(op, v, m);
                        pushm!(r, mr);
                    }
                    Instr::ExtractLane { shape, lane } => {
                        let (a, ma) = popm!();
                        let m = vector::extract_lane(shape, ma, lane);
                        pushm!(vector::extract_lane(shape, a, lane), m);
                    }
                    Instr::ReplaceLane { shape, lane } => {
                        let (x, mx) = popm!();
                        let (a, ma) = popm!();
                        let m = vector::replace_lane(shape, ma, lane, mx);
                        pushm!(vector::replace_lane(shape, a, lane, x), m);
                    }
                    Instr::Shuffle(i) => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        let l = &code.shuffles[i as usize];
                        pushm!(bitwise::shuffle(a, b, l), bitwise::shuffle(ma, mb, l));
                    }
                    Instr::VUnL { op, a } => {
                        let (a, ma) = localm!(a);
                        let (v, m) = vmask::unary(op, a, ma);
                        pushm!(v, m);
                    }
                    Instr::VBinSL { op, b, dst } => {
                        let (a, ma) = popm!();
                        let (b, mb) = localm!(b);
                        putm!(dst, vmask::binary(op, a, ma, b, mb));
                    }
                    Instr::VBinSet { op, dst } => {
                        let (b, mb) = popm!();
                        let (a, ma) = popm!();
                        putm!(dst, vmask::binary(op, a, ma, b, mb));
                    }
                    Instr::ShuffleLL { i, a, b, dst } => {
                        let ((a, ma), (b, mb)) = (localm!(a), localm!(b));
                        let l = &code.shuffles[i as usize];
                        putm!(dst, (bitwise::shuffle(a, b, l), bitwise::shuffle(ma, mb, l)));
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
                    Instr::RefAsNonNull => {
                        if stack.last() == Some(&0) {
                            return Err(CallError::Trap(TrapKind::NullReference));
                        }
                    }
                    Instr::BrOnNull { t, non_null } => {
                        let null = stack.last() == Some(&0);
                        if null {
                            pop!();
                        }
                        if null != non_null {
                            let t = code.br_tables[t as usize];
                            branch!(t.pc, t.height, t.arity);
                        }
                    }
                    Instr::BrOnCast { t, ty, fail } => {
                        let r = stack.last().copied().unwrap_or(0);
                        if self.ref_matches(r, Store::canonical(ty, &inst)) != fail {
                            let t = code.br_tables[t as usize];
                            branch!(t.pc, t.height, t.arity);
                        }
                    }
                    Instr::Gc(op) => self.exec_gc::<true>(op, &inst, stack, masks)?,
                    Instr::CallRef | Instr::ReturnCallRef | Instr::Throw(_) | Instr::ThrowRef => {
                        save_pc!();
                        if matches!(ins, Instr::CallRef | Instr::ReturnCallRef) {
                            charge!();
                        }
                        self.exec_wasm3::<true>(ins, &inst, stack, masks, frames)?;
                        continue 'outer;
                    }
                    Instr::AtomicLoad { .. }
                    | Instr::AtomicStore { .. }
                    | Instr::AtomicRmw { .. }
                    | Instr::AtomicCmpxchg { .. }
                    | Instr::AtomicNotify { .. }
                    | Instr::AtomicWait { .. } => self.exec_atomic::<true>(ins, &inst, stack, masks)?,
                    // Only the plain loop's body (`Code::fast`) has them.
                    hot_ops!(specialized_pattern {}) => {
                        return Err(CallError::Exhausted(
                            "internal error: specialized instruction in masked body".into(),
                        ));
                    }
                }
            }
        }
        // A tail call to a host function from the last frame ends here.
        masks.resize(stack.len(), 0);
        Ok(())
    }
}
