//! Which operators open bits on determined operands: float arithmetic whose
//! result (or a result lane) is a NaN (rule 1: its sign and payload are the
//! spec's choice). Every other plain numeric operator maps determined
//! operands to a determined result; relaxed SIMD is decided apart. The
//! masked rules (`scalar`, `vector`) and the guarded plain loop, which
//! hands over to masked execution at the first open result, share this.

use super::float::{F32, F64, Fmt};
use crate::compile::ops::{ScalarBin, ScalarUn, VecBin, VecUn};
use crate::simd::lanes::{u32x4, u64x2};

/// Whether some `bits`-wide lane of `v` is a NaN of format `f`.
#[inline]
pub fn any_nan(f: Fmt, v: u128) -> bool {
    if f.all == u32::MAX as u64 {
        u32x4(v).iter().any(|&x| f.is_nan(x as u64))
    } else {
        u64x2(v).iter().any(|&x| f.is_nan(x))
    }
}

/// Whether `r`, the result of `op` on determined operands, has open bits.
#[inline(always)]
pub fn scalar_un(op: ScalarUn, r: u128) -> bool {
    use ScalarUn::*;
    match op {
        F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt | F32DemoteF64 => F32.is_nan(r as u64),
        F64Ceil | F64Floor | F64Trunc | F64Nearest | F64Sqrt | F64PromoteF32 => F64.is_nan(r as u64),
        _ => false,
    }
}

/// Whether `r`, the result of `op` on determined operands, has open bits.
#[inline(always)]
pub fn scalar_bin(op: ScalarBin, r: u128) -> bool {
    use ScalarBin::*;
    match op {
        F32Add | F32Sub | F32Mul | F32Div | F32Min | F32Max => F32.is_nan(r as u64),
        F64Add | F64Sub | F64Mul | F64Div | F64Min | F64Max => F64.is_nan(r as u64),
        _ => false,
    }
}

/// Whether `r`, the result of `op` on a determined operand, has open bits.
#[inline(always)]
pub fn vec_un(op: VecUn, r: u128) -> bool {
    use VecUn::*;
    match op {
        F32x4Ceil | F32x4Floor | F32x4Trunc | F32x4Nearest | F32x4Sqrt | F32x4DemoteF64x2Zero => any_nan(F32, r),
        F64x2Ceil | F64x2Floor | F64x2Trunc | F64x2Nearest | F64x2Sqrt | F64x2PromoteLowF32x4 => any_nan(F64, r),
        _ => false,
    }
}

/// Whether `r`, the result of `op` on determined operands, has open bits.
#[inline(always)]
pub fn vec_bin(op: VecBin, r: u128) -> bool {
    use VecBin::*;
    match op {
        F32x4Add | F32x4Sub | F32x4Mul | F32x4Div | F32x4Min | F32x4Max => any_nan(F32, r),
        F64x2Add | F64x2Sub | F64x2Mul | F64x2Div | F64x2Min | F64x2Max => any_nan(F64, r),
        _ => false,
    }
}
