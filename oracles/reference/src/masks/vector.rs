//! Undetermined masks of the vector instructions ([`VecUn`], [`VecBin`],
//! `bitselect`, lane access and `shuffle`): values are computed as in the
//! plain interpreter; masks move with lane moves and bitwise operators,
//! follow the NaN rules lanewise for float arithmetic, and open whole lanes
//! for integer arithmetic on lanes with open bits.

use super::float::{self, F32, F64, Fmt, TruncOpen, trunc_input};
use super::opens;
use super::scalar::{W32, and_mask, or_mask};
use crate::compile::instr::LaneShape;
use crate::compile::ops::{VecBin, VecUn};
use crate::exec::vector;
use crate::simd::{bitwise, int as it, widen};

/// The plain operators, kept out of line here so that the plain
/// interpreter loop stays their only inlined caller.
#[inline(never)]
fn plain_unary(op: VecUn, a: u128) -> u128 {
    vector::unary(op, a)
}
#[inline(never)]
fn plain_binary(op: VecBin, a: u128, b: u128) -> u128 {
    vector::binary(op, a, b)
}

/// Every `bits`-wide lane of `m` with an open bit becomes fully open.
pub fn spread(m: u128, bits: u32) -> u128 {
    if m == 0 {
        return 0;
    }
    let lane = if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 };
    let mut out = 0;
    for i in 0..(128 / bits) {
        let sh = i * bits;
        if (m >> sh) & lane != 0 {
            out |= lane << sh;
        }
    }
    out
}

/// Applies a per-lane (value, mask) rule to the float lanes of format `f`.
pub fn float_lanes(
    f: Fmt,
    ins: &[(u128, u128)],
    r: u128,
    each: impl Fn(&[(u64, u64)], u64) -> (u64, u64),
) -> (u128, u128) {
    let bits = if f.all == u32::MAX as u64 { 32 } else { 64 };
    let lane = f.all as u128;
    let (mut v, mut m) = (0u128, 0u128);
    for i in 0..(128 / bits) {
        let sh = i * bits;
        let mut buf = [(0u64, 0u64); 3];
        for (d, &(x, mx)) in buf.iter_mut().zip(ins) {
            *d = (((x >> sh) & lane) as u64, ((mx >> sh) & lane) as u64);
        }
        let (lv, lm) = each(&buf[..ins.len().min(3)], ((r >> sh) & lane) as u64);
        v |= (lv as u128 & lane) << sh;
        m |= (lm as u128 & lane) << sh;
    }
    (v, m)
}

fn arith_lanes(f: Fmt, ins: &[(u128, u128)], r: u128) -> (u128, u128) {
    float_lanes(f, ins, r, |l, r| float::arith(f, l, f, r))
}

fn compare_lanes(f: Fmt, ins: &[(u128, u128)], r: u128) -> (u128, u128) {
    float_lanes(f, ins, r, |l, r| (r, float::compare(f, l, f.all)))
}

fn trunc_sat_lanes(f: Fmt, a: u128, ma: u128, r: u128) -> (u128, u128) {
    float_lanes(f, &[(a, ma)], r, |l, r| match trunc_input(f, l[0].0, l[0].1) {
        TruncOpen::Known => (r, 0),
        TruncOpen::Nan => (0, 0),
        TruncOpen::Open => (r, f.all),
    })
}

/// `pmin` / `pmax` (`y < x ? y : x`): known if both lanes are known; with
/// a surely-NaN operand the comparison is false and `x` is returned.
fn pminmax_lanes(f: Fmt, a: u128, ma: u128, b: u128, mb: u128, r: u128) -> (u128, u128) {
    float_lanes(f, &[(a, ma), (b, mb)], r, |l, r| {
        let ((x, mx), (y, my)) = (l[0], l[1]);
        if mx | my == 0 {
            (r, 0)
        } else if f.surely_nan(x, mx) || f.surely_nan(y, my) {
            (x, mx)
        } else {
            (r, f.all)
        }
    })
}

const SIGNS32: u128 = 0x8000_0000_8000_0000_8000_0000_8000_0000;
const SIGNS64: u128 = 0x8000_0000_0000_0000_8000_0000_0000_0000;

/// Masks of the two low f64 lanes converted to the two low 32-bit lanes
/// (upper lanes known zero): demote and `trunc_sat_f64x2_*_zero`.
fn narrow_f64_lanes(a: u128, ma: u128, r: u128, demote: bool) -> (u128, u128) {
    let (mut v, mut m) = (r, 0u128);
    for i in 0..2 {
        let (x, mx, rl) = ((a >> (64 * i)) as u64, (ma >> (64 * i)) as u64, (r >> (32 * i)) as u32 as u64);
        let (lv, lm) = if demote {
            float::arith(F64, &[(x, mx)], F32, rl)
        } else {
            match trunc_input(F64, x, mx) {
                TruncOpen::Known => (rl, 0),
                TruncOpen::Nan => (0, 0),
                TruncOpen::Open => (rl, u32::MAX as u64),
            }
        };
        v = (v & !((W32) << (32 * i))) | ((lv as u128 & W32) << (32 * i));
        m |= (lm as u128 & W32) << (32 * i);
    }
    (v, m)
}

/// Masks of the two low 32-bit lanes widened to two 64-bit lanes: promote
/// and `convert_low_i32x4_*`.
fn widen_low_lanes(a: u128, ma: u128, r: u128, promote: bool) -> (u128, u128) {
    let (mut v, mut m) = (r, 0u128);
    for i in 0..2 {
        let (x, mx, rl) = ((a >> (32 * i)) as u32 as u64, (ma >> (32 * i)) as u32 as u64, (r >> (64 * i)) as u64);
        let (lv, lm) =
            if promote { float::arith(F32, &[(x, mx)], F64, rl) } else { (rl, if mx != 0 { u64::MAX } else { 0 }) };
        v = (v & !((u64::MAX as u128) << (64 * i))) | ((lv as u128) << (64 * i));
        m |= (lm as u128) << (64 * i);
    }
    (v, m)
}

/// Executes a unary vector operator on a (value, mask) operand.
#[inline]
pub fn unary(op: VecUn, a: u128, ma: u128) -> (u128, u128) {
    let r = plain_unary(op, a);
    if ma == 0 && !opens::vec_un(op, r) {
        return (r, 0);
    }
    unary_open(op, a, ma, r)
}

/// [`unary`] when the operand has open bits or a result lane is a NaN.
fn unary_open(op: VecUn, a: u128, ma: u128, r: u128) -> (u128, u128) {
    use VecUn::*;
    let m = match op {
        F32x4Ceil | F32x4Floor | F32x4Trunc | F32x4Nearest | F32x4Sqrt => return arith_lanes(F32, &[(a, ma)], r),
        F64x2Ceil | F64x2Floor | F64x2Trunc | F64x2Nearest | F64x2Sqrt => return arith_lanes(F64, &[(a, ma)], r),
        F32x4DemoteF64x2Zero => return narrow_f64_lanes(a, ma, r, true),
        F64x2PromoteLowF32x4 => return widen_low_lanes(a, ma, r, true),
        _ if ma == 0 => 0,
        V128Not | F32x4Neg | F64x2Neg => ma,
        F32x4Abs => ma & !SIGNS32,
        F64x2Abs => ma & !SIGNS64,
        I8x16Abs | I8x16Neg | I8x16Popcnt => spread(ma, 8),
        I16x8Abs | I16x8Neg | I32x4ExtAddPairwiseI16x8S | I32x4ExtAddPairwiseI16x8U => {
            spread(ma, if matches!(op, I16x8Abs | I16x8Neg) { 16 } else { 32 })
        }
        I16x8ExtAddPairwiseI8x16S | I16x8ExtAddPairwiseI8x16U => spread(ma, 16),
        I32x4Abs | I32x4Neg | F32x4ConvertI32x4S | F32x4ConvertI32x4U => spread(ma, 32),
        I64x2Abs | I64x2Neg => spread(ma, 64),
        // A determined 1 bit anywhere makes `any_true` surely 1.
        V128AnyTrue => {
            if a & !ma != 0 {
                0
            } else {
                W32
            }
        }
        I8x16AllTrue | I16x8AllTrue | I32x4AllTrue | I64x2AllTrue => W32,
        // Bit i of a bitmask is the top bit of lane i: its mask moves along.
        I8x16Bitmask => it::i8x16::bitmask(ma) as u128,
        I16x8Bitmask => it::i16x8::bitmask(ma) as u128,
        I32x4Bitmask => it::i32x4::bitmask(ma) as u128,
        I64x2Bitmask => it::i64x2::bitmask(ma) as u128,
        // Splats and extensions move (and sign-extend) masks like bits.
        I8x16Splat
        | I16x8Splat
        | I32x4Splat
        | I64x2Splat
        | F32x4Splat
        | F64x2Splat
        | I16x8ExtendLowI8x16S
        | I16x8ExtendHighI8x16S
        | I16x8ExtendLowI8x16U
        | I16x8ExtendHighI8x16U
        | I32x4ExtendLowI16x8S
        | I32x4ExtendHighI16x8S
        | I32x4ExtendLowI16x8U
        | I32x4ExtendHighI16x8U
        | I64x2ExtendLowI32x4S
        | I64x2ExtendHighI32x4S
        | I64x2ExtendLowI32x4U
        | I64x2ExtendHighI32x4U => vector::unary(op, ma),
        I32x4TruncSatF32x4S | I32x4TruncSatF32x4U => return trunc_sat_lanes(F32, a, ma, r),
        I32x4TruncSatF64x2SZero | I32x4TruncSatF64x2UZero => return narrow_f64_lanes(a, ma, r, false),
        F64x2ConvertLowI32x4S | F64x2ConvertLowI32x4U => return widen_low_lanes(a, ma, r, false),
    };
    (r, m)
}

/// Executes a binary vector operator on (value, mask) operands (shifts
/// take an i32 count as `b`).
#[inline]
pub fn binary(op: VecBin, a: u128, ma: u128, b: u128, mb: u128) -> (u128, u128) {
    let r = plain_binary(op, a, b);
    if ma | mb == 0 && !opens::vec_bin(op, r) {
        return (r, 0);
    }
    binary_open(op, a, ma, b, mb, r)
}

/// [`binary`] when an operand has open bits or a result lane is a NaN.
fn binary_open(op: VecBin, a: u128, ma: u128, b: u128, mb: u128, r: u128) -> (u128, u128) {
    use VecBin::*;
    let ab = [(a, ma), (b, mb)];
    let m = ma | mb;
    let mask = match op {
        F32x4Add | F32x4Sub | F32x4Mul | F32x4Div | F32x4Min | F32x4Max => return arith_lanes(F32, &ab, r),
        F64x2Add | F64x2Sub | F64x2Mul | F64x2Div | F64x2Min | F64x2Max => return arith_lanes(F64, &ab, r),
        _ if m == 0 => 0,
        F32x4PMin | F32x4PMax => return pminmax_lanes(F32, a, ma, b, mb, r),
        F64x2PMin | F64x2PMax => return pminmax_lanes(F64, a, ma, b, mb, r),
        F32x4Eq | F32x4Ne | F32x4Lt | F32x4Gt | F32x4Le | F32x4Ge => return compare_lanes(F32, &ab, r),
        F64x2Eq | F64x2Ne | F64x2Lt | F64x2Gt | F64x2Le | F64x2Ge => return compare_lanes(F64, &ab, r),
        V128And => and_mask(a, ma, b, mb),
        V128AndNot => and_mask(a, ma, !b, mb),
        V128Or => or_mask(a, ma, b, mb),
        V128Xor => m,
        // Known indices move masks; open indices open their lane.
        I8x16Swizzle => bitwise::swizzle(ma, b) | spread(mb, 8),
        I8x16Shl | I8x16ShrS | I8x16ShrU => shift(op, ma, b, mb, 8),
        I16x8Shl | I16x8ShrS | I16x8ShrU => shift(op, ma, b, mb, 16),
        I32x4Shl | I32x4ShrS | I32x4ShrU => shift(op, ma, b, mb, 32),
        I64x2Shl | I64x2ShrS | I64x2ShrU => shift(op, ma, b, mb, 64),
        I8x16NarrowI16x8S | I8x16NarrowI16x8U => widen::narrow_s(spread(ma, 16), spread(mb, 16), 8),
        I16x8NarrowI32x4S | I16x8NarrowI32x4U => widen::narrow_s(spread(ma, 32), spread(mb, 32), 16),
        I16x8ExtMulLowI8x16S | I16x8ExtMulLowI8x16U => spread(widen::extend(m, 8, false, false), 16),
        I16x8ExtMulHighI8x16S | I16x8ExtMulHighI8x16U => spread(widen::extend(m, 8, true, false), 16),
        I32x4ExtMulLowI16x8S | I32x4ExtMulLowI16x8U => spread(widen::extend(m, 16, false, false), 32),
        I32x4ExtMulHighI16x8S | I32x4ExtMulHighI16x8U => spread(widen::extend(m, 16, true, false), 32),
        I64x2ExtMulLowI32x4S | I64x2ExtMulLowI32x4U => spread(widen::extend(m, 32, false, false), 64),
        I64x2ExtMulHighI32x4S | I64x2ExtMulHighI32x4U => spread(widen::extend(m, 32, true, false), 64),
        I8x16Eq | I8x16Ne | I8x16LtS | I8x16LtU | I8x16GtS | I8x16GtU | I8x16LeS | I8x16LeU | I8x16GeS | I8x16GeU
        | I8x16Add | I8x16AddSatS | I8x16AddSatU | I8x16Sub | I8x16SubSatS | I8x16SubSatU | I8x16MinS | I8x16MinU
        | I8x16MaxS | I8x16MaxU | I8x16AvgrU => spread(m, 8),
        I16x8Eq | I16x8Ne | I16x8LtS | I16x8LtU | I16x8GtS | I16x8GtU | I16x8LeS | I16x8LeU | I16x8GeS | I16x8GeU
        | I16x8Add | I16x8AddSatS | I16x8AddSatU | I16x8Sub | I16x8SubSatS | I16x8SubSatU | I16x8Mul | I16x8MinS
        | I16x8MinU | I16x8MaxS | I16x8MaxU | I16x8AvgrU | I16x8Q15MulrSatS => spread(m, 16),
        I32x4Eq | I32x4Ne | I32x4LtS | I32x4LtU | I32x4GtS | I32x4GtU | I32x4LeS | I32x4LeU | I32x4GeS | I32x4GeU
        | I32x4Add | I32x4Sub | I32x4Mul | I32x4MinS | I32x4MinU | I32x4MaxS | I32x4MaxU | I32x4DotI16x8S => {
            spread(m, 32)
        }
        I64x2Eq | I64x2Ne | I64x2LtS | I64x2GtS | I64x2LeS | I64x2GeS | I64x2Add | I64x2Sub | I64x2Mul => spread(m, 64),
    };
    (r, mask)
}

/// Lanewise shifts: with a known count, masks shift like the lanes (the
/// sign fill of `shr_s` follows the sign bit's mask).
fn shift(op: VecBin, ma: u128, k: u128, mk: u128, bits: u32) -> u128 {
    if mk as u32 & (bits - 1) != 0 { u128::MAX } else { vector::binary(op, ma, k) }
}

/// `v128.bitselect`: per bit; an open selector bit is harmless where both
/// inputs are known and equal.
pub fn bitselect(a: u128, ma: u128, b: u128, mb: u128, c: u128, mc: u128) -> (u128, u128) {
    let r = bitwise::bitselect(a, b, c);
    let m = (mc & (ma | mb | (a ^ b))) | (!mc & ((c & ma) | (!c & mb)));
    (r, m)
}

/// `extract_lane`: the lane's mask (sign-extended for `_s` shapes).
pub fn extract_lane(shape: LaneShape, a: u128, ma: u128, lane: u8) -> (u128, u128) {
    (vector::extract_lane(shape, a, lane), vector::extract_lane(shape, ma, lane))
}

/// `replace_lane`: the lane takes the scalar's mask.
pub fn replace_lane(shape: LaneShape, a: u128, ma: u128, lane: u8, x: u128, mx: u128) -> (u128, u128) {
    (vector::replace_lane(shape, a, lane, x), vector::replace_lane(shape, ma, lane, mx))
}

/// `i8x16.shuffle`: byte masks move with the bytes.
pub fn shuffle(a: u128, ma: u128, b: u128, mb: u128, lanes: &[u8; 16]) -> (u128, u128) {
    (bitwise::shuffle(a, b, lanes), bitwise::shuffle(ma, mb, lanes))
}
