//! Translation of memory instructions (loads, stores, lane loads/stores,
//! bulk memory, atomics) into [`Instr`]s.

use super::func::TranslateError;
use super::instr::*;
use wasmparser::{MemArg, Operator};

/// Emits the instruction for a memory operator; `Ok(false)` if `op` is not one.
pub fn translate_memory(op: &Operator<'_>, code: &mut Code) -> Result<bool, TranslateError> {
    use LoadKind as L;
    use Operator as O;
    let load = |kind: LoadKind, m: &MemArg| Instr::Load { kind, mem: m.memory, offset: m.offset };
    let store = |bytes: u8, m: &MemArg| Instr::Store { bytes, mem: m.memory, offset: m.offset };
    let aload = |bytes: u8, m: &MemArg| Instr::AtomicLoad { bytes, mem: m.memory, offset: m.offset };
    let astore = |bytes: u8, m: &MemArg| Instr::AtomicStore { bytes, mem: m.memory, offset: m.offset };
    let rmw = |op: RmwOp, bytes: u8, m: &MemArg| Instr::AtomicRmw { op, bytes, mem: m.memory, offset: m.offset };
    let cx = |bytes: u8, m: &MemArg| Instr::AtomicCmpxchg { bytes, mem: m.memory, offset: m.offset };
    let lane_ld = |bytes: u8, lane: u8, m: &MemArg| Instr::LoadLane { bytes, lane, mem: m.memory, offset: m.offset };
    let lane_st = |bytes: u8, lane: u8, m: &MemArg| Instr::StoreLane { bytes, lane, mem: m.memory, offset: m.offset };
    let i = match op {
        O::I32Load { memarg } | O::F32Load { memarg } => load(L::U(4), memarg),
        O::I64Load { memarg } | O::F64Load { memarg } => load(L::U(8), memarg),
        O::I32Load8S { memarg } => load(L::S32(1), memarg),
        O::I32Load8U { memarg } | O::I64Load8U { memarg } => load(L::U(1), memarg),
        O::I32Load16S { memarg } => load(L::S32(2), memarg),
        O::I32Load16U { memarg } | O::I64Load16U { memarg } => load(L::U(2), memarg),
        O::I64Load8S { memarg } => load(L::S64(1), memarg),
        O::I64Load16S { memarg } => load(L::S64(2), memarg),
        O::I64Load32S { memarg } => load(L::S64(4), memarg),
        O::I64Load32U { memarg } => load(L::U(4), memarg),
        O::V128Load { memarg } => load(L::V128, memarg),
        O::V128Load8x8S { memarg } => load(L::Extend { bits: 8, signed: true }, memarg),
        O::V128Load8x8U { memarg } => load(L::Extend { bits: 8, signed: false }, memarg),
        O::V128Load16x4S { memarg } => load(L::Extend { bits: 16, signed: true }, memarg),
        O::V128Load16x4U { memarg } => load(L::Extend { bits: 16, signed: false }, memarg),
        O::V128Load32x2S { memarg } => load(L::Extend { bits: 32, signed: true }, memarg),
        O::V128Load32x2U { memarg } => load(L::Extend { bits: 32, signed: false }, memarg),
        O::V128Load8Splat { memarg } => load(L::Splat(1), memarg),
        O::V128Load16Splat { memarg } => load(L::Splat(2), memarg),
        O::V128Load32Splat { memarg } => load(L::Splat(4), memarg),
        O::V128Load64Splat { memarg } => load(L::Splat(8), memarg),
        O::V128Load32Zero { memarg } => load(L::Zero(4), memarg),
        O::V128Load64Zero { memarg } => load(L::Zero(8), memarg),
        O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => store(4, memarg),
        O::I64Store { memarg } | O::F64Store { memarg } => store(8, memarg),
        O::I32Store8 { memarg } | O::I64Store8 { memarg } => store(1, memarg),
        O::I32Store16 { memarg } | O::I64Store16 { memarg } => store(2, memarg),
        O::V128Store { memarg } => store(16, memarg),
        O::V128Load8Lane { memarg, lane } => lane_ld(1, *lane, memarg),
        O::V128Load16Lane { memarg, lane } => lane_ld(2, *lane, memarg),
        O::V128Load32Lane { memarg, lane } => lane_ld(4, *lane, memarg),
        O::V128Load64Lane { memarg, lane } => lane_ld(8, *lane, memarg),
        O::V128Store8Lane { memarg, lane } => lane_st(1, *lane, memarg),
        O::V128Store16Lane { memarg, lane } => lane_st(2, *lane, memarg),
        O::V128Store32Lane { memarg, lane } => lane_st(4, *lane, memarg),
        O::V128Store64Lane { memarg, lane } => lane_st(8, *lane, memarg),
        O::MemorySize { mem } => Instr::MemorySize(*mem),
        O::MemoryGrow { mem } => Instr::MemoryGrow(*mem),
        O::MemoryFill { mem } => Instr::MemoryFill(*mem),
        O::MemoryCopy { dst_mem, src_mem } => Instr::MemoryCopy { dst: *dst_mem, src: *src_mem },
        O::MemoryInit { data_index, mem } => Instr::MemoryInit { data: *data_index, mem: *mem },
        O::DataDrop { data_index } => Instr::DataDrop(*data_index),
        O::MemoryAtomicNotify { memarg } => Instr::AtomicNotify { mem: memarg.memory, offset: memarg.offset },
        O::MemoryAtomicWait32 { memarg } => Instr::AtomicWait { bytes: 4, mem: memarg.memory, offset: memarg.offset },
        O::MemoryAtomicWait64 { memarg } => Instr::AtomicWait { bytes: 8, mem: memarg.memory, offset: memarg.offset },
        O::AtomicFence => Instr::AtomicFence,
        O::I32AtomicLoad { memarg } => aload(4, memarg),
        O::I64AtomicLoad { memarg } => aload(8, memarg),
        O::I32AtomicLoad8U { memarg } | O::I64AtomicLoad8U { memarg } => aload(1, memarg),
        O::I32AtomicLoad16U { memarg } | O::I64AtomicLoad16U { memarg } => aload(2, memarg),
        O::I64AtomicLoad32U { memarg } => aload(4, memarg),
        O::I32AtomicStore { memarg } | O::I64AtomicStore32 { memarg } => astore(4, memarg),
        O::I64AtomicStore { memarg } => astore(8, memarg),
        O::I32AtomicStore8 { memarg } | O::I64AtomicStore8 { memarg } => astore(1, memarg),
        O::I32AtomicStore16 { memarg } | O::I64AtomicStore16 { memarg } => astore(2, memarg),
        O::I32AtomicRmwAdd { memarg } => rmw(RmwOp::Add, 4, memarg),
        O::I64AtomicRmwAdd { memarg } => rmw(RmwOp::Add, 8, memarg),
        O::I32AtomicRmw8AddU { memarg } | O::I64AtomicRmw8AddU { memarg } => rmw(RmwOp::Add, 1, memarg),
        O::I32AtomicRmw16AddU { memarg } | O::I64AtomicRmw16AddU { memarg } => rmw(RmwOp::Add, 2, memarg),
        O::I64AtomicRmw32AddU { memarg } => rmw(RmwOp::Add, 4, memarg),
        O::I32AtomicRmwSub { memarg } => rmw(RmwOp::Sub, 4, memarg),
        O::I64AtomicRmwSub { memarg } => rmw(RmwOp::Sub, 8, memarg),
        O::I32AtomicRmw8SubU { memarg } | O::I64AtomicRmw8SubU { memarg } => rmw(RmwOp::Sub, 1, memarg),
        O::I32AtomicRmw16SubU { memarg } | O::I64AtomicRmw16SubU { memarg } => rmw(RmwOp::Sub, 2, memarg),
        O::I64AtomicRmw32SubU { memarg } => rmw(RmwOp::Sub, 4, memarg),
        O::I32AtomicRmwAnd { memarg } => rmw(RmwOp::And, 4, memarg),
        O::I64AtomicRmwAnd { memarg } => rmw(RmwOp::And, 8, memarg),
        O::I32AtomicRmw8AndU { memarg } | O::I64AtomicRmw8AndU { memarg } => rmw(RmwOp::And, 1, memarg),
        O::I32AtomicRmw16AndU { memarg } | O::I64AtomicRmw16AndU { memarg } => rmw(RmwOp::And, 2, memarg),
        O::I64AtomicRmw32AndU { memarg } => rmw(RmwOp::And, 4, memarg),
        O::I32AtomicRmwOr { memarg } => rmw(RmwOp::Or, 4, memarg),
        O::I64AtomicRmwOr { memarg } => rmw(RmwOp::Or, 8, memarg),
        O::I32AtomicRmw8OrU { memarg } | O::I64AtomicRmw8OrU { memarg } => rmw(RmwOp::Or, 1, memarg),
        O::I32AtomicRmw16OrU { memarg } | O::I64AtomicRmw16OrU { memarg } => rmw(RmwOp::Or, 2, memarg),
        O::I64AtomicRmw32OrU { memarg } => rmw(RmwOp::Or, 4, memarg),
        O::I32AtomicRmwXor { memarg } => rmw(RmwOp::Xor, 4, memarg),
        O::I64AtomicRmwXor { memarg } => rmw(RmwOp::Xor, 8, memarg),
        O::I32AtomicRmw8XorU { memarg } | O::I64AtomicRmw8XorU { memarg } => rmw(RmwOp::Xor, 1, memarg),
        O::I32AtomicRmw16XorU { memarg } | O::I64AtomicRmw16XorU { memarg } => rmw(RmwOp::Xor, 2, memarg),
        O::I64AtomicRmw32XorU { memarg } => rmw(RmwOp::Xor, 4, memarg),
        O::I32AtomicRmwXchg { memarg } => rmw(RmwOp::Xchg, 4, memarg),
        O::I64AtomicRmwXchg { memarg } => rmw(RmwOp::Xchg, 8, memarg),
        O::I32AtomicRmw8XchgU { memarg } | O::I64AtomicRmw8XchgU { memarg } => rmw(RmwOp::Xchg, 1, memarg),
        O::I32AtomicRmw16XchgU { memarg } | O::I64AtomicRmw16XchgU { memarg } => rmw(RmwOp::Xchg, 2, memarg),
        O::I64AtomicRmw32XchgU { memarg } => rmw(RmwOp::Xchg, 4, memarg),
        O::I32AtomicRmwCmpxchg { memarg } => cx(4, memarg),
        O::I64AtomicRmwCmpxchg { memarg } => cx(8, memarg),
        O::I32AtomicRmw8CmpxchgU { memarg } | O::I64AtomicRmw8CmpxchgU { memarg } => cx(1, memarg),
        O::I32AtomicRmw16CmpxchgU { memarg } | O::I64AtomicRmw16CmpxchgU { memarg } => cx(2, memarg),
        O::I64AtomicRmw32CmpxchgU { memarg } => cx(4, memarg),
        _ => return Ok(false),
    };
    code.body.push(i);
    Ok(true)
}
