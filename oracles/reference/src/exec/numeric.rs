//! Execution of the scalar numeric instructions: maps each [`ScalarUn`] /
//! [`ScalarBin`] operator to its spec operator in `numerics`, on untagged
//! stack slots.

use crate::compile::ops::{ScalarBin, ScalarUn};
use crate::error::TrapKind;
use crate::numerics::conv::*;
use crate::numerics::{float::f32 as f32s, float::f64 as f64s, int::i32, int::i64};

#[inline]
fn w32(x: u128) -> u32 {
    x as u32
}
#[inline]
fn w64(x: u128) -> u64 {
    x as u64
}

/// Executes a unary scalar operator. Always inlined: both interpreter
/// loops dispatch straight into it.
#[inline(always)]
pub fn unary(op: ScalarUn, a: u128) -> Result<u128, TrapKind> {
    use ScalarUn::*;
    let (a32, a64) = (w32(a), w64(a));
    Ok(match op {
        I32Eqz => i32::ieqz(a32) as u128,
        I64Eqz => i64::ieqz(a64) as u128,
        I32Clz => i32::iclz(a32) as u128,
        I32Ctz => i32::ictz(a32) as u128,
        I32Popcnt => i32::ipopcnt(a32) as u128,
        I64Clz => i64::iclz(a64) as u128,
        I64Ctz => i64::ictz(a64) as u128,
        I64Popcnt => i64::ipopcnt(a64) as u128,
        F32Abs => f32s::fabs(a32) as u128,
        F32Neg => f32s::fneg(a32) as u128,
        F32Ceil => f32s::fceil(a32) as u128,
        F32Floor => f32s::ffloor(a32) as u128,
        F32Trunc => f32s::ftrunc(a32) as u128,
        F32Nearest => f32s::fnearest(a32) as u128,
        F32Sqrt => f32s::fsqrt(a32) as u128,
        F64Abs => f64s::fabs(a64) as u128,
        F64Neg => f64s::fneg(a64) as u128,
        F64Ceil => f64s::fceil(a64) as u128,
        F64Floor => f64s::ffloor(a64) as u128,
        F64Trunc => f64s::ftrunc(a64) as u128,
        F64Nearest => f64s::fnearest(a64) as u128,
        F64Sqrt => f64s::fsqrt(a64) as u128,
        I32WrapI64 => wrap(a64) as u128,
        I32TruncF32S => trunc_s_32(f32_wide(a32))? as u128,
        I32TruncF32U => trunc_u_32(f32_wide(a32))? as u128,
        I32TruncF64S => trunc_s_32(f64_host(a64))? as u128,
        I32TruncF64U => trunc_u_32(f64_host(a64))? as u128,
        I64ExtendI32S => extend_s(a32) as u128,
        I64ExtendI32U => extend_u(a32) as u128,
        I64TruncF32S => trunc_s_64(f32_wide(a32))? as u128,
        I64TruncF32U => trunc_u_64(f32_wide(a32))? as u128,
        I64TruncF64S => trunc_s_64(f64_host(a64))? as u128,
        I64TruncF64U => trunc_u_64(f64_host(a64))? as u128,
        F32ConvertI32S => convert_s_32_f32(a32) as u128,
        F32ConvertI32U => convert_u_32_f32(a32) as u128,
        F32ConvertI64S => convert_s_64_f32(a64) as u128,
        F32ConvertI64U => convert_u_64_f32(a64) as u128,
        F32DemoteF64 => demote(a64) as u128,
        F64ConvertI32S => convert_s_32_f64(a32) as u128,
        F64ConvertI32U => convert_u_32_f64(a32) as u128,
        F64ConvertI64S => convert_s_64_f64(a64) as u128,
        F64ConvertI64U => convert_u_64_f64(a64) as u128,
        F64PromoteF32 => promote(a32) as u128,
        // Reinterpretations keep the bits; slots are already zero-extended.
        I32ReinterpretF32 | I64ReinterpretF64 | F32ReinterpretI32 | F64ReinterpretI64 => a,
        I32Extend8S => i32::iextend8_s(a32) as u128,
        I32Extend16S => i32::iextend16_s(a32) as u128,
        I64Extend8S => i64::iextend8_s(a64) as u128,
        I64Extend16S => i64::iextend16_s(a64) as u128,
        I64Extend32S => i64::iextend32_s(a64) as u128,
        I32TruncSatF32S => trunc_sat_s_32(f32_wide(a32)) as u128,
        I32TruncSatF32U => trunc_sat_u_32(f32_wide(a32)) as u128,
        I32TruncSatF64S => trunc_sat_s_32(f64_host(a64)) as u128,
        I32TruncSatF64U => trunc_sat_u_32(f64_host(a64)) as u128,
        I64TruncSatF32S => trunc_sat_s_64(f32_wide(a32)) as u128,
        I64TruncSatF32U => trunc_sat_u_64(f32_wide(a32)) as u128,
        I64TruncSatF64S => trunc_sat_s_64(f64_host(a64)) as u128,
        I64TruncSatF64U => trunc_sat_u_64(f64_host(a64)) as u128,
        RefIsNull => (a == 0) as u128,
    })
}

/// Executes a binary scalar operator (`a` is the first operand).
#[inline(always)]
pub fn binary(op: ScalarBin, a: u128, b: u128) -> Result<u128, TrapKind> {
    use ScalarBin::*;
    let (a32, b32, a64, b64) = (w32(a), w32(b), w64(a), w64(b));
    Ok(match op {
        I32Eq => i32::ieq(a32, b32) as u128,
        I32Ne => i32::ine(a32, b32) as u128,
        I32LtS => i32::ilt_s(a32, b32) as u128,
        I32LtU => i32::ilt_u(a32, b32) as u128,
        I32GtS => i32::igt_s(a32, b32) as u128,
        I32GtU => i32::igt_u(a32, b32) as u128,
        I32LeS => i32::ile_s(a32, b32) as u128,
        I32LeU => i32::ile_u(a32, b32) as u128,
        I32GeS => i32::ige_s(a32, b32) as u128,
        I32GeU => i32::ige_u(a32, b32) as u128,
        I64Eq => i64::ieq(a64, b64) as u128,
        I64Ne => i64::ine(a64, b64) as u128,
        I64LtS => i64::ilt_s(a64, b64) as u128,
        I64LtU => i64::ilt_u(a64, b64) as u128,
        I64GtS => i64::igt_s(a64, b64) as u128,
        I64GtU => i64::igt_u(a64, b64) as u128,
        I64LeS => i64::ile_s(a64, b64) as u128,
        I64LeU => i64::ile_u(a64, b64) as u128,
        I64GeS => i64::ige_s(a64, b64) as u128,
        I64GeU => i64::ige_u(a64, b64) as u128,
        F32Eq => f32s::feq(a32, b32) as u128,
        F32Ne => f32s::fne(a32, b32) as u128,
        F32Lt => f32s::flt(a32, b32) as u128,
        F32Gt => f32s::fgt(a32, b32) as u128,
        F32Le => f32s::fle(a32, b32) as u128,
        F32Ge => f32s::fge(a32, b32) as u128,
        F64Eq => f64s::feq(a64, b64) as u128,
        F64Ne => f64s::fne(a64, b64) as u128,
        F64Lt => f64s::flt(a64, b64) as u128,
        F64Gt => f64s::fgt(a64, b64) as u128,
        F64Le => f64s::fle(a64, b64) as u128,
        F64Ge => f64s::fge(a64, b64) as u128,
        I32Add => i32::iadd(a32, b32) as u128,
        I32Sub => i32::isub(a32, b32) as u128,
        I32Mul => i32::imul(a32, b32) as u128,
        I32DivS => i32::idiv_s(a32, b32)? as u128,
        I32DivU => i32::idiv_u(a32, b32)? as u128,
        I32RemS => i32::irem_s(a32, b32)? as u128,
        I32RemU => i32::irem_u(a32, b32)? as u128,
        I32And => i32::iand(a32, b32) as u128,
        I32Or => i32::ior(a32, b32) as u128,
        I32Xor => i32::ixor(a32, b32) as u128,
        I32Shl => i32::ishl(a32, b32) as u128,
        I32ShrS => i32::ishr_s(a32, b32) as u128,
        I32ShrU => i32::ishr_u(a32, b32) as u128,
        I32Rotl => i32::irotl(a32, b32) as u128,
        I32Rotr => i32::irotr(a32, b32) as u128,
        I64Add => i64::iadd(a64, b64) as u128,
        I64Sub => i64::isub(a64, b64) as u128,
        I64Mul => i64::imul(a64, b64) as u128,
        I64DivS => i64::idiv_s(a64, b64)? as u128,
        I64DivU => i64::idiv_u(a64, b64)? as u128,
        I64RemS => i64::irem_s(a64, b64)? as u128,
        I64RemU => i64::irem_u(a64, b64)? as u128,
        I64And => i64::iand(a64, b64) as u128,
        I64Or => i64::ior(a64, b64) as u128,
        I64Xor => i64::ixor(a64, b64) as u128,
        I64Shl => i64::ishl(a64, b64) as u128,
        I64ShrS => i64::ishr_s(a64, b64) as u128,
        I64ShrU => i64::ishr_u(a64, b64) as u128,
        I64Rotl => i64::irotl(a64, b64) as u128,
        I64Rotr => i64::irotr(a64, b64) as u128,
        F32Add => f32s::fadd(a32, b32) as u128,
        F32Sub => f32s::fsub(a32, b32) as u128,
        F32Mul => f32s::fmul(a32, b32) as u128,
        F32Div => f32s::fdiv(a32, b32) as u128,
        F32Min => f32s::fmin(a32, b32) as u128,
        F32Max => f32s::fmax(a32, b32) as u128,
        F32Copysign => f32s::fcopysign(a32, b32) as u128,
        F64Add => f64s::fadd(a64, b64) as u128,
        F64Sub => f64s::fsub(a64, b64) as u128,
        F64Mul => f64s::fmul(a64, b64) as u128,
        F64Div => f64s::fdiv(a64, b64) as u128,
        F64Min => f64s::fmin(a64, b64) as u128,
        F64Max => f64s::fmax(a64, b64) as u128,
        F64Copysign => f64s::fcopysign(a64, b64) as u128,
    })
}
