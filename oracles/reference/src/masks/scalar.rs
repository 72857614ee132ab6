//! Undetermined masks of the scalar numeric instructions ([`ScalarUn`],
//! [`ScalarBin`]): each operator computes its value exactly as the plain
//! interpreter does, plus the mask of its result from its operands' masks
//! (rules 1 to 4 and 7 of the mask semantics).

use super::float::{self, F32, F64, Fmt, TruncOpen, trunc_input};
use super::opens;
use super::undetermined;
use crate::compile::ops::{ScalarBin, ScalarUn};
use crate::error::{CallError, TrapKind};
use crate::exec::numeric;

/// All bits of an i32-sized slot.
pub const W32: u128 = u32::MAX as u128;
/// All bits of an i64-sized slot.
pub const W64: u128 = u64::MAX as u128;

type R = Result<(u128, u128), CallError>;

/// The plain operators, out of line for the rarely taken open-bit paths.
#[inline(never)]
fn plain_unary(op: ScalarUn, a: u128) -> Result<u128, CallError> {
    numeric::unary(op, a).map_err(CallError::Trap)
}
#[inline(never)]
fn plain_binary(op: ScalarBin, a: u128, b: u128) -> Result<u128, CallError> {
    numeric::binary(op, a, b).map_err(CallError::Trap)
}

/// Float arithmetic: value and mask per rule 1/4.
fn arith(fi: Fmt, ins: &[(u128, u128)], fo: Fmt, r: u128) -> (u128, u128) {
    let mut buf = [(0u64, 0u64); 3];
    for (d, &(v, m)) in buf.iter_mut().zip(ins) {
        *d = (v as u64, m as u64);
    }
    let (v, m) = float::arith(fi, &buf[..ins.len().min(3)], fo, r as u64);
    (v as u128, m as u128)
}

/// Sign-extends the low `from` bits of `x` to `to` bits (used on values and
/// on masks alike: the extension bits follow the sign bit).
fn sext(x: u128, from: u32, to: u32) -> u128 {
    let v = ((x as u64) << (64 - from)) as i64 >> (64 - from);
    (v as u64 as u128) & if to == 32 { W32 } else { W64 }
}

/// Executes a unary scalar operator on a (value, mask) operand. Always
/// inlined (into the masked loop's handlers): the determined path is the
/// plain operator plus a NaN test; the rest is out of line.
#[inline(always)]
pub fn unary(op: ScalarUn, a: u128, ma: u128) -> R {
    if ma == 0 {
        // A known operand: only a NaN from float arithmetic has open bits.
        let r = numeric::unary(op, a).map_err(CallError::Trap)?;
        if !opens::scalar_un(op, r) {
            return Ok((r, 0));
        }
    }
    unary_open(op, a, ma)
}

/// [`unary`] when the operand has open bits or the result is a NaN.
#[inline(never)]
fn unary_open(op: ScalarUn, a: u128, ma: u128) -> R {
    use ScalarUn::*;
    let value = || plain_unary(op, a);
    let name = || format!("{op:?}");
    let (a1, one) = ((a, ma), [(a, ma)]);
    Ok(match op {
        F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt => arith(F32, &one, F32, value()?),
        F64Ceil | F64Floor | F64Trunc | F64Nearest | F64Sqrt => arith(F64, &one, F64, value()?),
        F32DemoteF64 => arith(F64, &one, F32, value()?),
        F64PromoteF32 => arith(F32, &one, F64, value()?),
        F32Abs => (value()?, ma & W32 & !(F32.sign as u128)),
        F64Abs => (value()?, ma & W64 & !(F64.sign as u128)),
        F32Neg | I32ReinterpretF32 | F32ReinterpretI32 => (value()?, ma & W32),
        F64Neg | I64ReinterpretF64 | F64ReinterpretI64 => (value()?, ma & W64),
        I32WrapI64 | I64ExtendI32U => (value()?, ma & W32),
        I64ExtendI32S => (value()?, sext(ma, 32, 64)),
        I32Extend8S => (value()?, sext(ma, 8, 32)),
        I32Extend16S => (value()?, sext(ma, 16, 32)),
        I64Extend8S => (value()?, sext(ma, 8, 64)),
        I64Extend16S => (value()?, sext(ma, 16, 64)),
        I64Extend32S => (value()?, sext(ma, 32, 64)),
        I32Eqz | I64Eqz => {
            let w = if op == I32Eqz { W32 } else { W64 };
            // A determined 1 bit makes the answer "not zero" for sure.
            let m = if ma & w == 0 || a & !ma & w != 0 { 0 } else { W32 };
            (value()?, m)
        }
        I32TruncF32S | I32TruncF32U | I64TruncF32S | I64TruncF32U => trunc(F32, a1, value, name)?,
        I32TruncF64S | I32TruncF64U | I64TruncF64S | I64TruncF64U => trunc(F64, a1, value, name)?,
        I32TruncSatF32S | I32TruncSatF32U => trunc_sat(F32, a1, W32, value()?),
        I64TruncSatF32S | I64TruncSatF32U => trunc_sat(F32, a1, W64, value()?),
        I32TruncSatF64S | I32TruncSatF64U => trunc_sat(F64, a1, W32, value()?),
        I64TruncSatF64S | I64TruncSatF64U => trunc_sat(F64, a1, W64, value()?),
        // Everything else is integer arithmetic or a conversion from an
        // integer: open input bits make the whole result open.
        I32Clz | I32Ctz | I32Popcnt | F32ConvertI32S | F32ConvertI32U | F64ConvertI32S | F64ConvertI32U => {
            whole(value()?, ma & W32, width_of_un(op))
        }
        I64Clz | I64Ctz | I64Popcnt | F32ConvertI64S | F32ConvertI64U | F64ConvertI64S | F64ConvertI64U => {
            whole(value()?, ma & W64, width_of_un(op))
        }
        RefIsNull => whole(value()?, ma, W32),
    })
}

fn width_of_un(op: ScalarUn) -> u128 {
    use ScalarUn::*;
    match op {
        I64Clz | I64Ctz | I64Popcnt | F64ConvertI32S | F64ConvertI32U | F64ConvertI64S | F64ConvertI64U => W64,
        _ => W32,
    }
}

#[inline]
fn whole(v: u128, m_in: u128, w: u128) -> (u128, u128) {
    (v, if m_in != 0 { w } else { 0 })
}

/// Trapping `trunc`: a surely-NaN operand traps for sure; other open
/// operands may or may not trap.
fn trunc(f: Fmt, (a, ma): (u128, u128), value: impl Fn() -> R1, name: impl Fn() -> String) -> R {
    match trunc_input(f, a as u64, ma as u64) {
        TruncOpen::Known => Ok((value()?, 0)),
        TruncOpen::Nan => Err(CallError::Trap(TrapKind::InvalidConversionToInteger)),
        TruncOpen::Open => Err(undetermined(&name(), "whether it traps depends on undetermined operand bits")),
    }
}
type R1 = Result<u128, CallError>;

fn trunc_sat(f: Fmt, (a, ma): (u128, u128), w: u128, v: u128) -> (u128, u128) {
    match trunc_input(f, a as u64, ma as u64) {
        TruncOpen::Known => (v, 0),
        TruncOpen::Nan => (0, 0),
        TruncOpen::Open => (v, w),
    }
}

/// Per-bit mask of `and`: a bit is known if both are, or either is a known 0.
#[inline]
pub fn and_mask(a: u128, ma: u128, b: u128, mb: u128) -> u128 {
    (ma | mb) & (ma | a) & (mb | b)
}
/// Per-bit mask of `or`: a bit is known if both are, or either is a known 1.
#[inline]
pub fn or_mask(a: u128, ma: u128, b: u128, mb: u128) -> u128 {
    (ma | mb) & (ma | !a) & (mb | !b)
}

/// Executes a binary scalar operator on (value, mask) operands. Always
/// inlined, like [`unary`].
#[inline(always)]
pub fn binary(op: ScalarBin, a: u128, ma: u128, b: u128, mb: u128) -> R {
    if ma | mb == 0 {
        // Known operands: only a NaN from float arithmetic has open bits.
        let r = numeric::binary(op, a, b).map_err(CallError::Trap)?;
        if !opens::scalar_bin(op, r) {
            return Ok((r, 0));
        }
    }
    binary_open(op, a, ma, b, mb)
}

/// [`binary`] when an operand has open bits or the result is a NaN.
#[inline(never)]
fn binary_open(op: ScalarBin, a: u128, ma: u128, b: u128, mb: u128) -> R {
    use ScalarBin::*;
    let value = || plain_binary(op, a, b);
    let two = [(a, ma), (b, mb)];
    let (ma32, mb32, ma64, mb64) = (ma & W32, mb & W32, ma & W64, mb & W64);
    Ok(match op {
        F32Add | F32Sub | F32Mul | F32Div | F32Min | F32Max => arith(F32, &two, F32, value()?),
        F64Add | F64Sub | F64Mul | F64Div | F64Min | F64Max => arith(F64, &two, F64, value()?),
        F32Copysign => (value()?, (ma32 & !(F32.sign as u128)) | (mb32 & F32.sign as u128)),
        F64Copysign => (value()?, (ma64 & !(F64.sign as u128)) | (mb64 & F64.sign as u128)),
        F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge => {
            let ins = [(a as u64, ma as u64), (b as u64, mb as u64)];
            (value()?, float::compare(F32, &ins, W32 as u64) as u128)
        }
        F64Eq | F64Ne | F64Lt | F64Gt | F64Le | F64Ge => {
            let ins = [(a as u64, ma as u64), (b as u64, mb as u64)];
            (value()?, float::compare(F64, &ins, W32 as u64) as u128)
        }
        I32And => (value()?, and_mask(a, ma32, b, mb32) & W32),
        I64And => (value()?, and_mask(a, ma64, b, mb64) & W64),
        I32Or => (value()?, or_mask(a, ma32, b, mb32) & W32),
        I64Or => (value()?, or_mask(a, ma64, b, mb64) & W64),
        I32Xor => (value()?, ma32 | mb32),
        I64Xor => (value()?, ma64 | mb64),
        I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => (value()?, shift32(op, ma32 as u32, b as u32, mb as u32)),
        I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => (value()?, shift64(op, ma64 as u64, b as u64, mb as u64)),
        I32Eq | I32Ne => (value()?, eq_mask(a, ma32, b, mb32)),
        I64Eq | I64Ne => (value()?, eq_mask(a, ma64, b, mb64)),
        I32DivS | I32DivU | I32RemS | I32RemU => division(op, ma32, b, mb32, W32, value)?,
        I64DivS | I64DivU | I64RemS | I64RemU => division(op, ma64, b, mb64, W64, value)?,
        I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => whole(value()?, ma32 | mb32, W32),
        I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => whole(value()?, ma64 | mb64, W32),
        I32Add | I32Sub | I32Mul => whole(value()?, ma32 | mb32, W32),
        I64Add | I64Sub | I64Mul => whole(value()?, ma64 | mb64, W64),
    })
}

/// `eq` / `ne`: known when both are known or a known bit differs.
fn eq_mask(a: u128, ma: u128, b: u128, mb: u128) -> u128 {
    let m = ma | mb;
    if m == 0 || (a ^ b) & !m != 0 { 0 } else { W32 }
}

/// Shifts and rotates: with a known count the mask moves like the bits.
fn shift32(op: ScalarBin, ma: u32, k: u32, mk: u32) -> u128 {
    use ScalarBin::*;
    if mk & 31 != 0 {
        return W32;
    }
    let k = k & 31;
    (match op {
        I32Shl => ma << k,
        I32ShrU => ma >> k,
        I32ShrS => ((ma as i32) >> k) as u32,
        I32Rotl => ma.rotate_left(k),
        _ => ma.rotate_right(k),
    }) as u128
}
fn shift64(op: ScalarBin, ma: u64, k: u64, mk: u64) -> u128 {
    use ScalarBin::*;
    if mk & 63 != 0 {
        return W64;
    }
    let k = (k & 63) as u32;
    (match op {
        I64Shl => ma << k,
        I64ShrU => ma >> k,
        I64ShrS => ((ma as i64) >> k) as u64,
        I64Rotl => ma.rotate_left(k),
        _ => ma.rotate_right(k),
    }) as u128
}

/// Division and remainder (rule 7): an open divisor, or an open dividend
/// of `div_s` by -1, can decide whether the instruction traps.
fn division(op: ScalarBin, ma: u128, b: u128, mb: u128, w: u128, value: impl Fn() -> R1) -> R {
    use ScalarBin::*;
    if mb != 0 {
        return Err(undetermined(&format!("{op:?}"), "the divisor has undetermined bits"));
    }
    if b & w == 0 {
        return Err(CallError::Trap(TrapKind::IntegerDivideByZero));
    }
    if ma != 0 && matches!(op, I32DivS | I64DivS) && b & w == w {
        return Err(undetermined(&format!("{op:?}"), "overflow of MIN / -1 depends on undetermined dividend bits"));
    }
    Ok(whole(value()?, ma, w))
}
