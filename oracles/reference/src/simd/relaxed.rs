//! Relaxed-SIMD operators. The spec defines each as
//! `relaxed(R)[A_0, ..., A_n]`: a global implementation parameter `R`
//! picks one of several allowed behaviours, and the deterministic profile
//! fixes `R = 0`. Every operator here takes that parameter explicitly, so
//! [`RelaxedOp::eval`] with `r = 0` is the deterministic result and
//! [`RelaxedOp::all_results`] enumerates every result the spec permits.

use crate::numerics::{conv, float};
use crate::simd::bitwise::bitselect;
use crate::simd::lanes::*;
use crate::simd::widen::{build, lane, q15mulr_sat_s_lane, sat_s};

/// The relaxed-SIMD instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelaxedOp {
    I8x16RelaxedSwizzle,
    I32x4RelaxedTruncF32x4S,
    I32x4RelaxedTruncF32x4U,
    I32x4RelaxedTruncF64x2SZero,
    I32x4RelaxedTruncF64x2UZero,
    F32x4RelaxedMadd,
    F32x4RelaxedNmadd,
    F64x2RelaxedMadd,
    F64x2RelaxedNmadd,
    I8x16RelaxedLaneselect,
    I16x8RelaxedLaneselect,
    I32x4RelaxedLaneselect,
    I64x2RelaxedLaneselect,
    F32x4RelaxedMin,
    F32x4RelaxedMax,
    F64x2RelaxedMin,
    F64x2RelaxedMax,
    I16x8RelaxedQ15mulrS,
    I16x8RelaxedDotI8x16I7x16S,
    I32x4RelaxedDotI8x16I7x16AddS,
}

impl RelaxedOp {
    /// Number of operands (1 to 3) taken from the stack.
    pub fn arity(self) -> usize {
        use RelaxedOp::*;
        match self {
            I32x4RelaxedTruncF32x4S
            | I32x4RelaxedTruncF32x4U
            | I32x4RelaxedTruncF64x2SZero
            | I32x4RelaxedTruncF64x2UZero => 1,
            F32x4RelaxedMadd
            | F32x4RelaxedNmadd
            | F64x2RelaxedMadd
            | F64x2RelaxedNmadd
            | I8x16RelaxedLaneselect
            | I16x8RelaxedLaneselect
            | I32x4RelaxedLaneselect
            | I64x2RelaxedLaneselect
            | I32x4RelaxedDotI8x16I7x16AddS => 3,
            _ => 2,
        }
    }

    /// How many values the spec's parameter `R` ranges over.
    pub fn choices(self) -> usize {
        use RelaxedOp::*;
        match self {
            I32x4RelaxedTruncF32x4U | I32x4RelaxedTruncF64x2UZero => 4,
            F32x4RelaxedMin | F32x4RelaxedMax | F64x2RelaxedMin | F64x2RelaxedMax => 4,
            // The official suite also allows x86's `pblendvb` (the top bit
            // of each byte) for 16-bit lanes: relaxed_laneselect.wast,
            // "special case for i16x8 to allow pblendvb".
            I16x8RelaxedLaneselect => 3,
            _ => 2,
        }
    }

    /// The result under parameter choice `r` (`r = 0`: deterministic profile).
    /// Unused operands are ignored.
    pub fn eval(self, a: u128, b: u128, c: u128, r: usize) -> u128 {
        use RelaxedOp::*;
        match self {
            I8x16RelaxedSwizzle => relaxed_swizzle(a, b, r),
            I32x4RelaxedTruncF32x4S => map32(a, |x| relaxed_trunc_s(conv::f32_wide(x), r)),
            I32x4RelaxedTruncF32x4U => map32(a, |x| relaxed_trunc_u(conv::f32_wide(x), r)),
            I32x4RelaxedTruncF64x2SZero => {
                let v = u64x2(a);
                from_u32x4([relaxed_trunc_s(f64::from_bits(v[0]), r), relaxed_trunc_s(f64::from_bits(v[1]), r), 0, 0])
            }
            I32x4RelaxedTruncF64x2UZero => {
                let v = u64x2(a);
                from_u32x4([relaxed_trunc_u(f64::from_bits(v[0]), r), relaxed_trunc_u(f64::from_bits(v[1]), r), 0, 0])
            }
            F32x4RelaxedMadd => from_u32x4(lanes3_32(a, b, c, |x, y, z| madd32(x, y, z, r))),
            F32x4RelaxedNmadd => from_u32x4(lanes3_32(a, b, c, |x, y, z| madd32(float::f32::fneg(x), y, z, r))),
            F64x2RelaxedMadd => from_u64x2(lanes3_64(a, b, c, |x, y, z| madd64(x, y, z, r))),
            F64x2RelaxedNmadd => from_u64x2(lanes3_64(a, b, c, |x, y, z| madd64(float::f64::fneg(x), y, z, r))),
            I8x16RelaxedLaneselect => laneselect(a, b, c, 8, r),
            I16x8RelaxedLaneselect => laneselect(a, b, c, 16, r),
            I32x4RelaxedLaneselect => laneselect(a, b, c, 32, r),
            I64x2RelaxedLaneselect => laneselect(a, b, c, 64, r),
            F32x4RelaxedMin => zip32(a, b, |x, y| relaxed_min_max32(x, y, false, r)),
            F32x4RelaxedMax => zip32(a, b, |x, y| relaxed_min_max32(x, y, true, r)),
            F64x2RelaxedMin => zip64(a, b, |x, y| relaxed_min_max64(x, y, false, r)),
            F64x2RelaxedMax => zip64(a, b, |x, y| relaxed_min_max64(x, y, true, r)),
            I16x8RelaxedQ15mulrS => build(16, |i| relaxed_q15mulr_s(lane(a, 16, i, true), lane(b, 16, i, true), r)),
            I16x8RelaxedDotI8x16I7x16S => relaxed_dot_i16(a, b, r),
            I32x4RelaxedDotI8x16I7x16AddS => {
                let d = relaxed_dot_i16(a, b, r);
                build(32, |i| lane(d, 16, 2 * i, true) + lane(d, 16, 2 * i + 1, true) + lane(c, 32, i, true))
            }
        }
    }

    /// Every result the spec allows, deduplicated, deterministic one first.
    pub fn all_results(self, a: u128, b: u128, c: u128) -> Vec<u128> {
        let mut out: Vec<u128> = Vec::new();
        for r in 0..self.choices() {
            let v = self.eval(a, b, c, r);
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }
}

/// Spec `irelaxed_swizzle_lane`: in-range indices select; indices negative
/// as i8 give 0; other out-of-range indices give `relaxed[0, a[j mod 16]]`.
fn relaxed_swizzle(a: u128, s: u128, r: usize) -> u128 {
    let (x, idx) = (u8x16(a), u8x16(s));
    from_u8x16(idx.map(|j| {
        if j < 16 {
            x[j as usize]
        } else if (j as i8) < 0 || r == 0 {
            0
        } else {
            x[(j & 15) as usize]
        }
    }))
}

/// Spec `relaxed_trunc_s_{M,32}`: in range: `trunc_s`; otherwise
/// `relaxed[trunc_sat_s(z), -2^31]`.
fn relaxed_trunc_s(z: f64, r: usize) -> u32 {
    match conv::trunc_s_32(z) {
        Ok(v) => v,
        Err(_) if r == 0 => conv::trunc_sat_s_32(z),
        Err(_) => 0x8000_0000,
    }
}

/// Spec `relaxed_trunc_u_{M,32}`: in range: `trunc_u`; otherwise
/// `relaxed[trunc_sat_u(z), 2^32-1, 2^32-2, 2^31]`.
fn relaxed_trunc_u(z: f64, r: usize) -> u32 {
    match conv::trunc_u_32(z) {
        Ok(v) => v,
        Err(_) => [conv::trunc_sat_u_32(z), u32::MAX, u32::MAX - 1, 0x8000_0000][r & 3],
    }
}

fn lanes3_32(a: u128, b: u128, c: u128, f: impl Fn(u32, u32, u32) -> u32) -> [u32; 4] {
    let (x, y, z) = (u32x4(a), u32x4(b), u32x4(c));
    [f(x[0], y[0], z[0]), f(x[1], y[1], z[1]), f(x[2], y[2], z[2]), f(x[3], y[3], z[3])]
}
fn lanes3_64(a: u128, b: u128, c: u128, f: impl Fn(u64, u64, u64) -> u64) -> [u64; 2] {
    let (x, y, z) = (u64x2(a), u64x2(b), u64x2(c));
    [f(x[0], y[0], z[0]), f(x[1], y[1], z[1])]
}

/// Spec `frelaxed_madd`: `relaxed[fadd(fmul(x, y), z), fma(x, y, z)]`
/// (unfused in the deterministic profile).
fn madd32(x: u32, y: u32, z: u32, r: usize) -> u32 {
    if r == 0 {
        float::f32::fadd(float::f32::fmul(x, y), z)
    } else {
        f32::from_bits(x).mul_add(f32::from_bits(y), f32::from_bits(z)).to_bits()
    }
}
fn madd64(x: u64, y: u64, z: u64, r: usize) -> u64 {
    if r == 0 {
        float::f64::fadd(float::f64::fmul(x, y), z)
    } else {
        f64::from_bits(x).mul_add(f64::from_bits(y), f64::from_bits(z)).to_bits()
    }
}

/// Spec `irelaxed_laneselect`: `bitselect(a, b, relaxed[c, top-bit-of-c
/// spread over the lane])`.
fn laneselect(a: u128, b: u128, c: u128, bits: u32, r: usize) -> u128 {
    // r = 0: `ibitselect` with the mask as it is; r = 1: each lane's top
    // bit expanded to the whole lane; r = 2 (i16x8 only, see `choices`):
    // each byte's top bit expanded to its byte.
    let width = if r == 2 { 8 } else { bits };
    if r == 0 {
        return bitselect(a, b, c);
    }
    let mask = build(width, |i| if lane(c, width, i, true) < 0 { -1 } else { 0 });
    bitselect(a, b, mask)
}

macro_rules! relaxed_min_max {
    ($name:ident, $m:ident, $u:ty) => {
        /// Spec `frelaxed_min` / `frelaxed_max`: with a NaN operand
        /// `relaxed[f(x, y), x, y, <the non-NaN operand>]`; with zeros of
        /// opposite sign `relaxed[f(x, y), x, y, -0 (min) / +0 (max)]`.
        fn $name(x: $u, y: $u, max: bool, r: usize) -> $u {
            use float::$m as F;
            let det = if max { F::fmax(x, y) } else { F::fmin(x, y) };
            if r == 0 {
                return det;
            }
            let zero = |v: $u| v << 1 == 0;
            if F::is_nan(x) {
                [det, x, y, y][r & 3]
            } else if F::is_nan(y) {
                [det, x, y, x][r & 3]
            } else if zero(x) && zero(y) && x != y {
                let signed_zero = if max { 0 } else { 1 << (<$u>::BITS - 1) };
                [det, x, y, signed_zero][r & 3]
            } else {
                det
            }
        }
    };
}
relaxed_min_max!(relaxed_min_max32, f32, u32);
relaxed_min_max!(relaxed_min_max64, f64, u64);

/// Spec `irelaxed_q15mulr_s`: `MIN * MIN` gives `relaxed[2^15-1, -2^15]`.
fn relaxed_q15mulr_s(x: i128, y: i128, r: usize) -> i128 {
    if x == -0x8000 && y == -0x8000 && r != 0 { -0x8000 } else { q15mulr_sat_s_lane(x, y) }
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: `irelaxed_dot_mul` on each byte pair
/// (second operand signed, or unsigned when `r = 1`), adjacent products
/// summed with signed saturation.
fn relaxed_dot_i16(a: u128, b: u128, r: usize) -> u128 {
    let signed_b = r == 0;
    build(16, |i| {
        let p0 = lane(a, 8, 2 * i, true) * lane(b, 8, 2 * i, signed_b);
        let p1 = lane(a, 8, 2 * i + 1, true) * lane(b, 8, 2 * i + 1, signed_b);
        sat_s(p0 + p1, 16)
    })
}

#[cfg(test)]
mod tests {
    use super::RelaxedOp::*;
    use crate::simd::lanes::*;

    #[test]
    fn deterministic_choices() {
        // swizzle: out-of-range index gives 0
        let a = from_u8x16([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        let s = from_u8x16([17, 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        assert_eq!(u8x16(I8x16RelaxedSwizzle.eval(a, s, 0, 0))[..3], [0, 0, 1]);
        assert_eq!(u8x16(I8x16RelaxedSwizzle.eval(a, s, 0, 1))[..3], [2, 0, 1]);
        // trunc: NaN saturates to 0 deterministically
        let nan = from_u32x4([0x7fc0_0000; 4]);
        assert_eq!(I32x4RelaxedTruncF32x4S.eval(nan, 0, 0, 0), 0);
        assert_eq!(I32x4RelaxedTruncF32x4S.all_results(nan, 0, 0).len(), 2);
        // q15mulr: MIN*MIN saturates deterministically
        let min = from_u16x8([0x8000; 8]);
        assert_eq!(u16x8(I16x8RelaxedQ15mulrS.eval(min, min, 0, 0)), [0x7fff; 8]);
        assert_eq!(u16x8(I16x8RelaxedQ15mulrS.eval(min, min, 0, 1)), [0x8000; 8]);
        // madd: deterministic profile is unfused
        let x = from_u32x4([0x3f80_0001; 4]); // 1 + ulp
        let z = from_u32x4([(-1.0f32 - 2.0 * f32::EPSILON).to_bits(); 4]);
        let unfused = u32x4(F32x4RelaxedMadd.eval(x, x, z, 0))[0];
        let fused = u32x4(F32x4RelaxedMadd.eval(x, x, z, 1))[0];
        assert_eq!(f32::from_bits(unfused), 0.0);
        assert_ne!(fused, unfused);
        // laneselect: deterministic is bitselect
        assert_eq!(I32x4RelaxedLaneselect.eval(u128::MAX, 0, 0x8000_0000, 0), 0x8000_0000);
        assert_eq!(I32x4RelaxedLaneselect.eval(u128::MAX, 0, 0x8000_0000, 1), 0xffff_ffff);
    }

    /// relaxed_laneselect.wast, "special case for i16x8 to allow pblendvb":
    /// its three allowed results are exactly the three choices.
    #[test]
    fn i16x8_laneselect_allows_pblendvb() {
        let a = from_u16x8([0, 1, 0x1234, 0x1234, 4, 5, 6, 7]);
        let b = from_u16x8([8, 9, 0x5678, 0x5678, 12, 13, 14, 15]);
        let m = from_u16x8([0xffff, 0, 0xff00, 0x0080, 0, 0, 0, 0]);
        let got: Vec<[u16; 8]> =
            (0..I16x8RelaxedLaneselect.choices()).map(|r| u16x8(I16x8RelaxedLaneselect.eval(a, b, m, r))).collect();
        assert_eq!(
            got,
            [
                [0, 9, 0x1278, 0x5678, 12, 13, 14, 15],
                [0, 9, 0x1234, 0x5678, 12, 13, 14, 15],
                [0, 9, 0x1278, 0x5634, 12, 13, 14, 15],
            ]
        );
        assert_eq!(I32x4RelaxedLaneselect.choices(), 2, "byte-wise blending is allowed for i16x8 only");
    }

    #[test]
    fn dot_product_choices() {
        let a = from_u8x16([0x80, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_u8x16([0x81, 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(u16x8(I16x8RelaxedDotI8x16I7x16S.eval(a, b, 0, 0))[0], 32512);
        assert_eq!(u16x8(I16x8RelaxedDotI8x16I7x16S.eval(a, b, 0, 1))[0], 0x8000);
    }
}
