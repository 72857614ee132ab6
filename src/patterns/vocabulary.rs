//! The Wasm instructions the `patterns` generator draws from, by type:
//! loads of every width and sign, binary and unary operators, comparisons,
//! conversions, and stores with a memarg filled in later.

use wasm_encoder::{Instruction as I, MemArg, ValType};

/// A load: the instruction for a memarg, its width in bytes, its result.
pub type Load = (fn(MemArg) -> I<'static>, u64);

pub const I32_LOADS: &[Load] =
    &[(I::I32Load, 4), (I::I32Load8S, 1), (I::I32Load8U, 1), (I::I32Load16S, 2), (I::I32Load16U, 2)];
pub const I64_LOADS: &[Load] = &[
    (I::I64Load, 8),
    (I::I64Load8S, 1),
    (I::I64Load8U, 1),
    (I::I64Load16S, 2),
    (I::I64Load16U, 2),
    (I::I64Load32S, 4),
    (I::I64Load32U, 4),
];
pub const V128_LOADS: &[Load] = &[
    (I::V128Load, 16),
    (I::V128Load8x8S, 8),
    (I::V128Load8x8U, 8),
    (I::V128Load16x4S, 8),
    (I::V128Load16x4U, 8),
    (I::V128Load32x2S, 8),
    (I::V128Load32x2U, 8),
    (I::V128Load8Splat, 1),
    (I::V128Load16Splat, 2),
    (I::V128Load32Splat, 4),
    (I::V128Load64Splat, 8),
    (I::V128Load32Zero, 4),
    (I::V128Load64Zero, 8),
];

/// Atomic read-modify-writes of a type (threads proposal), each with its
/// access width in bytes: every operator at every width, the narrow ones
/// zero-extending the old value they return.
pub const I32_ATOMIC_RMW: &[Load] = &[
    (I::I32AtomicRmwAdd, 4),
    (I::I32AtomicRmw8AddU, 1),
    (I::I32AtomicRmw16AddU, 2),
    (I::I32AtomicRmwSub, 4),
    (I::I32AtomicRmw8SubU, 1),
    (I::I32AtomicRmw16SubU, 2),
    (I::I32AtomicRmwAnd, 4),
    (I::I32AtomicRmw8AndU, 1),
    (I::I32AtomicRmw16AndU, 2),
    (I::I32AtomicRmwOr, 4),
    (I::I32AtomicRmw8OrU, 1),
    (I::I32AtomicRmw16OrU, 2),
    (I::I32AtomicRmwXor, 4),
    (I::I32AtomicRmw8XorU, 1),
    (I::I32AtomicRmw16XorU, 2),
    (I::I32AtomicRmwXchg, 4),
    (I::I32AtomicRmw8XchgU, 1),
    (I::I32AtomicRmw16XchgU, 2),
];
pub const I64_ATOMIC_RMW: &[Load] = &[
    (I::I64AtomicRmwAdd, 8),
    (I::I64AtomicRmw8AddU, 1),
    (I::I64AtomicRmw16AddU, 2),
    (I::I64AtomicRmw32AddU, 4),
    (I::I64AtomicRmwSub, 8),
    (I::I64AtomicRmw8SubU, 1),
    (I::I64AtomicRmw16SubU, 2),
    (I::I64AtomicRmw32SubU, 4),
    (I::I64AtomicRmwAnd, 8),
    (I::I64AtomicRmw8AndU, 1),
    (I::I64AtomicRmw16AndU, 2),
    (I::I64AtomicRmw32AndU, 4),
    (I::I64AtomicRmwOr, 8),
    (I::I64AtomicRmw8OrU, 1),
    (I::I64AtomicRmw16OrU, 2),
    (I::I64AtomicRmw32OrU, 4),
    (I::I64AtomicRmwXor, 8),
    (I::I64AtomicRmw8XorU, 1),
    (I::I64AtomicRmw16XorU, 2),
    (I::I64AtomicRmw32XorU, 4),
    (I::I64AtomicRmwXchg, 8),
    (I::I64AtomicRmw8XchgU, 1),
    (I::I64AtomicRmw16XchgU, 2),
    (I::I64AtomicRmw32XchgU, 4),
];
/// Atomic compare-exchanges of a type, and atomic loads.
pub const I32_ATOMIC_CMPXCHG: &[Load] =
    &[(I::I32AtomicRmwCmpxchg, 4), (I::I32AtomicRmw8CmpxchgU, 1), (I::I32AtomicRmw16CmpxchgU, 2)];
pub const I64_ATOMIC_CMPXCHG: &[Load] = &[
    (I::I64AtomicRmwCmpxchg, 8),
    (I::I64AtomicRmw8CmpxchgU, 1),
    (I::I64AtomicRmw16CmpxchgU, 2),
    (I::I64AtomicRmw32CmpxchgU, 4),
];
/// Atomic stores of a type, each with its access width in bytes.
pub const I32_ATOMIC_STORES: &[Load] = &[(I::I32AtomicStore, 4), (I::I32AtomicStore8, 1), (I::I32AtomicStore16, 2)];
pub const I64_ATOMIC_STORES: &[Load] =
    &[(I::I64AtomicStore, 8), (I::I64AtomicStore8, 1), (I::I64AtomicStore16, 2), (I::I64AtomicStore32, 4)];
pub const I32_ATOMIC_LOADS: &[Load] = &[(I::I32AtomicLoad, 4), (I::I32AtomicLoad8U, 1), (I::I32AtomicLoad16U, 2)];
pub const I64_ATOMIC_LOADS: &[Load] =
    &[(I::I64AtomicLoad, 8), (I::I64AtomicLoad8U, 1), (I::I64AtomicLoad16U, 2), (I::I64AtomicLoad32U, 4)];

pub fn loads_of(ty: ValType) -> &'static [Load] {
    match ty {
        ValType::I32 => I32_LOADS,
        ValType::I64 => I64_LOADS,
        ValType::F32 => &[(I::F32Load, 4)],
        ValType::F64 => &[(I::F64Load, 8)],
        _ => V128_LOADS,
    }
}

/// Binary operators of a type, and its comparisons.
pub fn binops(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[
            I::I32Add,
            I::I32Sub,
            I::I32Mul,
            I::I32And,
            I::I32Or,
            I::I32Xor,
            I::I32Shl,
            I::I32ShrS,
            I::I32ShrU,
            I::I32Rotl,
            I::I32Rotr,
            I::I32DivS,
            I::I32DivU,
            I::I32RemS,
            I::I32RemU,
        ],
        ValType::I64 => &[
            I::I64Add,
            I::I64Sub,
            I::I64Mul,
            I::I64And,
            I::I64Or,
            I::I64Xor,
            I::I64Shl,
            I::I64ShrS,
            I::I64ShrU,
            I::I64Rotl,
            I::I64Rotr,
            I::I64DivS,
            I::I64DivU,
            I::I64RemS,
            I::I64RemU,
        ],
        ValType::F32 => &[I::F32Add, I::F32Sub, I::F32Mul, I::F32Div, I::F32Min, I::F32Max, I::F32Copysign],
        ValType::F64 => &[I::F64Add, I::F64Sub, I::F64Mul, I::F64Div, I::F64Min, I::F64Max, I::F64Copysign],
        _ => &[
            I::I8x16Add,
            I::I16x8Sub,
            I::I32x4Mul,
            I::I64x2Add,
            I::F32x4Add,
            I::F64x2Mul,
            I::F32x4Min,
            I::F64x2Max,
            I::I8x16MinU,
            I::I16x8MaxS,
            I::I8x16AvgrU,
            I::I16x8Q15MulrSatS,
            I::I8x16NarrowI16x8S,
            I::V128And,
            I::V128Or,
            I::V128Xor,
            I::I32x4DotI16x8S,
            I::I8x16Swizzle,
            I::F32x4Lt,
            I::F64x2Eq,
            I::I8x16GtU,
            I::I32x4LeS,
            I::I16x8ExtMulLowI8x16S,
            I::I32x4ExtMulHighI16x8U,
            I::I64x2ExtMulLowI32x4U,
        ],
    }
}

pub fn comparisons(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[
            I::I32Eq,
            I::I32Ne,
            I::I32LtS,
            I::I32LtU,
            I::I32GtS,
            I::I32GtU,
            I::I32LeS,
            I::I32LeU,
            I::I32GeS,
            I::I32GeU,
        ],
        ValType::I64 => &[
            I::I64Eq,
            I::I64Ne,
            I::I64LtS,
            I::I64LtU,
            I::I64GtS,
            I::I64GtU,
            I::I64LeS,
            I::I64LeU,
            I::I64GeS,
            I::I64GeU,
        ],
        ValType::F32 => &[I::F32Eq, I::F32Ne, I::F32Lt, I::F32Gt, I::F32Le, I::F32Ge],
        _ => &[I::F64Eq, I::F64Ne, I::F64Lt, I::F64Gt, I::F64Le, I::F64Ge],
    }
}

/// Unary operators of a type (same type in and out).
pub fn unops(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[I::I32Clz, I::I32Ctz, I::I32Popcnt, I::I32Eqz, I::I32Extend8S, I::I32Extend16S],
        ValType::I64 => &[I::I64Clz, I::I64Ctz, I::I64Popcnt, I::I64Extend8S, I::I64Extend16S, I::I64Extend32S],
        ValType::F32 => &[I::F32Ceil, I::F32Floor, I::F32Trunc, I::F32Nearest, I::F32Sqrt, I::F32Abs, I::F32Neg],
        ValType::F64 => &[I::F64Ceil, I::F64Floor, I::F64Trunc, I::F64Nearest, I::F64Sqrt, I::F64Abs, I::F64Neg],
        _ => &[
            I::F32x4Ceil,
            I::F64x2Floor,
            I::F32x4Nearest,
            I::F64x2Trunc,
            I::F32x4Sqrt,
            I::I8x16Abs,
            I::I16x8Neg,
            I::I8x16Popcnt,
            I::V128Not,
            I::I32x4TruncSatF32x4U,
            I::F64x2ConvertLowI32x4U,
            I::F64x2ConvertLowI32x4S,
            I::I32x4TruncSatF64x2SZero,
            I::I32x4TruncSatF64x2UZero,
            I::I16x8ExtAddPairwiseI8x16S,
            I::I32x4ExtAddPairwiseI16x8U,
            I::I16x8ExtendLowI8x16U,
            I::I64x2ExtendHighI32x4S,
        ],
    }
}

/// The relaxed-SIMD operators, with their number of (v128) operands.
/// Their results are a set the spec allows; the reference's masks judge
/// any engine's choice within it.
pub const RELAXED: &[(I<'static>, u32)] = &[
    (I::F32x4RelaxedMadd, 3),
    (I::F32x4RelaxedNmadd, 3),
    (I::F64x2RelaxedMadd, 3),
    (I::F64x2RelaxedNmadd, 3),
    (I::I8x16RelaxedLaneselect, 3),
    (I::I16x8RelaxedLaneselect, 3),
    (I::I32x4RelaxedLaneselect, 3),
    (I::I64x2RelaxedLaneselect, 3),
    (I::I32x4RelaxedDotI8x16I7x16AddS, 3),
    (I::F32x4RelaxedMin, 2),
    (I::F32x4RelaxedMax, 2),
    (I::F64x2RelaxedMin, 2),
    (I::F64x2RelaxedMax, 2),
    (I::I8x16RelaxedSwizzle, 2),
    (I::I16x8RelaxedQ15mulrS, 2),
    (I::I16x8RelaxedDotI8x16I7x16S, 2),
    (I::I32x4RelaxedTruncF32x4S, 1),
    (I::I32x4RelaxedTruncF32x4U, 1),
    (I::I32x4RelaxedTruncF64x2SZero, 1),
    (I::I32x4RelaxedTruncF64x2UZero, 1),
];

/// Conversions into `ty`: the instruction and its operand's type.
pub fn conversions(ty: ValType) -> &'static [(I<'static>, ValType)] {
    use ValType::*;
    match ty {
        I32 => &[
            (I::I32WrapI64, I64),
            (I::I32TruncF32S, F32),
            (I::I32TruncF32U, F32),
            (I::I32TruncF64S, F64),
            (I::I32TruncF64U, F64),
            (I::I32TruncSatF64U, F64),
            (I::I32TruncSatF32S, F32),
            (I::I32ReinterpretF32, F32),
        ],
        I64 => &[
            (I::I64ExtendI32S, I32),
            (I::I64ExtendI32U, I32),
            (I::I64TruncF64S, F64),
            (I::I64TruncF64U, F64),
            (I::I64TruncF32U, F32),
            (I::I64TruncSatF64U, F64),
            (I::I64TruncSatF32S, F32),
            (I::I64ReinterpretF64, F64),
        ],
        F32 => &[
            (I::F32DemoteF64, F64),
            (I::F32ConvertI32U, I32),
            (I::F32ConvertI64U, I64),
            (I::F32ConvertI64S, I64),
            (I::F32ReinterpretI32, I32),
        ],
        F64 => &[
            (I::F64PromoteF32, F32),
            (I::F64ConvertI32S, I32),
            (I::F64ConvertI32U, I32),
            (I::F64ConvertI64U, I64),
            (I::F64ReinterpretI64, I64),
        ],
        _ => &[
            (I::I8x16Splat, I32),
            (I::I16x8Splat, I32),
            (I::I32x4Splat, I32),
            (I::I64x2Splat, I64),
            (I::F32x4Splat, F32),
            (I::F64x2Splat, F64),
        ],
    }
}

pub fn width(ty: ValType) -> u32 {
    match ty {
        ValType::I64 | ValType::F64 => 64,
        _ => 32,
    }
}

/// A placeholder memarg, replaced by [`with_memarg`].
pub const MA: MemArg = MemArg { offset: 0, align: 0, memory_index: 0 };

pub fn with_memarg(store: I<'static>, memarg: MemArg) -> I<'static> {
    match store {
        I::I32Store(_) => I::I32Store(memarg),
        I::I32Store8(_) => I::I32Store8(memarg),
        I::I32Store16(_) => I::I32Store16(memarg),
        I::I64Store(_) => I::I64Store(memarg),
        I::I64Store32(_) => I::I64Store32(memarg),
        I::I64Store8(_) => I::I64Store8(memarg),
        I::F32Store(_) => I::F32Store(memarg),
        I::F64Store(_) => I::F64Store(memarg),
        _ => I::V128Store(memarg),
    }
}
