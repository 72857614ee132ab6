//! Conversion operators of the spec: `wrap`, `extend`, `trunc` (trapping),
//! `trunc_sat`, `convert`, `demote`, `promote`. Reinterpretations are the
//! identity on bits and need no code.

use crate::error::TrapKind;

pub fn wrap(x: u64) -> u32 {
    x as u32
}
pub fn extend_s(x: u32) -> u64 {
    x as i32 as i64 as u64
}
pub fn extend_u(x: u32) -> u64 {
    x as u64
}

/// Spec `trunc`: NaN traps with "invalid conversion to integer"; a value
/// whose truncation is outside the target range traps with "integer
/// overflow". Done in f64, which holds every f32 exactly.
fn trunc_check(x: f64, lo: f64, hi: f64) -> Result<f64, TrapKind> {
    if x.is_nan() {
        return Err(TrapKind::InvalidConversionToInteger);
    }
    let t = x.trunc();
    // lo is inclusive, hi exclusive: both are exact powers of two (or 0/-0).
    if t >= lo && t < hi { Ok(t) } else { Err(TrapKind::IntegerOverflow) }
}

const P31: f64 = 2147483648.0;
const P32: f64 = 4294967296.0;
const P63: f64 = 9223372036854775808.0;
const P64: f64 = 18446744073709551616.0;

pub fn trunc_s_32(x: f64) -> Result<u32, TrapKind> {
    Ok(trunc_check(x, -P31, P31)? as i32 as u32)
}
pub fn trunc_u_32(x: f64) -> Result<u32, TrapKind> {
    Ok(trunc_check(x, 0.0, P32)? as u32)
}
pub fn trunc_s_64(x: f64) -> Result<u64, TrapKind> {
    Ok(trunc_check(x, -P63, P63)? as i64 as u64)
}
pub fn trunc_u_64(x: f64) -> Result<u64, TrapKind> {
    Ok(trunc_check(x, 0.0, P64)? as u64)
}

/// Spec `trunc_sat`: NaN becomes 0, out-of-range values saturate. Rust's
/// float-to-int `as` casts have exactly these semantics.
pub fn trunc_sat_s_32(x: f64) -> u32 {
    x as i32 as u32
}
pub fn trunc_sat_u_32(x: f64) -> u32 {
    x as u32
}
pub fn trunc_sat_s_64(x: f64) -> u64 {
    x as i64 as u64
}
pub fn trunc_sat_u_64(x: f64) -> u64 {
    x as u64
}

/// Spec `convert`: round to nearest, ties to even (Rust `as` semantics).
pub fn convert_s_32_f32(x: u32) -> u32 {
    (x as i32 as f32).to_bits()
}
pub fn convert_u_32_f32(x: u32) -> u32 {
    (x as f32).to_bits()
}
pub fn convert_s_64_f32(x: u64) -> u32 {
    (x as i64 as f32).to_bits()
}
pub fn convert_u_64_f32(x: u64) -> u32 {
    (x as f32).to_bits()
}
pub fn convert_s_32_f64(x: u32) -> u64 {
    (x as i32 as f64).to_bits()
}
pub fn convert_u_32_f64(x: u32) -> u64 {
    (x as f64).to_bits()
}
pub fn convert_s_64_f64(x: u64) -> u64 {
    (x as i64 as f64).to_bits()
}
pub fn convert_u_64_f64(x: u64) -> u64 {
    (x as f64).to_bits()
}

/// Spec `demote`: rounds; a NaN input gives a quiet NaN (host conversion).
pub fn demote(x: u64) -> u32 {
    (f64::from_bits(x) as f32).to_bits()
}
/// Spec `promote`: exact; a NaN input gives a quiet NaN (host conversion).
pub fn promote(x: u32) -> u64 {
    (f32::from_bits(x) as f64).to_bits()
}

/// An f32 operand widened (exactly) for the truncation helpers.
pub fn f32_wide(x: u32) -> f64 {
    f32::from_bits(x) as f64
}
/// An f64 operand for the truncation helpers.
pub fn f64_host(x: u64) -> f64 {
    f64::from_bits(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunc_edges() {
        assert_eq!(trunc_s_32(-2147483648.9), Ok(0x8000_0000));
        assert_eq!(trunc_s_32(-2147483649.0), Err(TrapKind::IntegerOverflow));
        assert_eq!(trunc_s_32(2147483647.9), Ok(0x7fff_ffff));
        assert_eq!(trunc_s_32(2147483648.0), Err(TrapKind::IntegerOverflow));
        assert_eq!(trunc_u_32(-0.9), Ok(0));
        assert_eq!(trunc_u_32(-1.0), Err(TrapKind::IntegerOverflow));
        assert_eq!(trunc_u_64(f64::NAN), Err(TrapKind::InvalidConversionToInteger));
        assert_eq!(trunc_s_64(-9223372036854775808.0), Ok(1 << 63));
        assert_eq!(trunc_s_64(9223372036854775808.0), Err(TrapKind::IntegerOverflow));
        assert_eq!(trunc_sat_s_32(f64::NAN), 0);
        assert_eq!(trunc_sat_u_32(-5.0), 0);
        assert_eq!(trunc_sat_s_64(f64::INFINITY), i64::MAX as u64);
    }
}
