//! Vector operators that change lane width: `narrow` (saturating),
//! `extend` (low/high half), `extmul`, `extadd_pairwise`, `dot` and the
//! Q15 rounding multiply `q15mulr_sat_s`.
//!
//! Lanes are read as `i128` so every intermediate is exact; results are
//! truncated to the destination width by [`build`] (wrapping), except where
//! the spec saturates explicitly.

/// Lane `i` of `v` at width `bits`, sign- or zero-extended.
#[inline]
pub fn lane(v: u128, bits: u32, i: usize, signed: bool) -> i128 {
    let x = (v >> (bits as usize * i)) & ((1u128 << bits) - 1);
    if signed && (x >> (bits - 1)) & 1 == 1 { x as i128 - (1i128 << bits) } else { x as i128 }
}

/// Builds a vector of `bits`-wide lanes from `f(i)`, wrapping each lane.
#[inline]
pub fn build(bits: u32, f: impl Fn(usize) -> i128) -> u128 {
    let n = 128 / bits as usize;
    let mask = (1u128 << bits) - 1;
    (0..n).fold(0u128, |v, i| v | ((f(i) as u128 & mask) << (bits as usize * i)))
}

/// Spec `sat_s_N`: clamp to the signed range of `bits`.
pub fn sat_s(x: i128, bits: u32) -> i128 {
    x.clamp(-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
}
/// Spec `sat_u_N`: clamp to the unsigned range of `bits`.
pub fn sat_u(x: i128, bits: u32) -> i128 {
    x.clamp(0, (1i128 << bits) - 1)
}

/// `narrow_s`: lanes of `a` then `b` (signed, width `2*bits`) saturated to `bits`.
pub fn narrow_s(a: u128, b: u128, bits: u32) -> u128 {
    narrow(a, b, bits, true)
}
/// `narrow_u`: signed source lanes saturated to the unsigned range of `bits`.
pub fn narrow_u(a: u128, b: u128, bits: u32) -> u128 {
    narrow(a, b, bits, false)
}

fn narrow(a: u128, b: u128, bits: u32, signed: bool) -> u128 {
    let half = 64 / bits as usize; // source lanes per operand
    build(bits, |i| {
        let x = if i < half { lane(a, bits * 2, i, true) } else { lane(b, bits * 2, i - half, true) };
        if signed { sat_s(x, bits) } else { sat_u(x, bits) }
    })
}

/// `extend_low/high`: source lanes of width `src_bits` from the low
/// (`high = false`) or high half, widened to `2*src_bits`.
pub fn extend(a: u128, src_bits: u32, high: bool, signed: bool) -> u128 {
    let off = if high { 64 / src_bits as usize } else { 0 };
    build(src_bits * 2, |i| lane(a, src_bits, i + off, signed))
}

/// `extmul_low/high`: widen both operands' halves, then multiply.
pub fn extmul(a: u128, b: u128, src_bits: u32, high: bool, signed: bool) -> u128 {
    let off = if high { 64 / src_bits as usize } else { 0 };
    build(src_bits * 2, |i| lane(a, src_bits, i + off, signed) * lane(b, src_bits, i + off, signed))
}

/// `extadd_pairwise`: each result lane is the sum of two adjacent widened lanes.
pub fn extadd_pairwise(a: u128, src_bits: u32, signed: bool) -> u128 {
    build(src_bits * 2, |i| lane(a, src_bits, 2 * i, signed) + lane(a, src_bits, 2 * i + 1, signed))
}

/// `i32x4.dot_i16x8_s`: pairwise sums of signed products, wrapping (the
/// only overflow, `2 * (-2^15)^2`, wraps to `-2^31`).
pub fn dot_i16x8_s(a: u128, b: u128) -> u128 {
    build(32, |i| {
        lane(a, 16, 2 * i, true) * lane(b, 16, 2 * i, true)
            + lane(a, 16, 2 * i + 1, true) * lane(b, 16, 2 * i + 1, true)
    })
}

/// Spec `iq15mulrsat_s`: `sat_s((x * y + 2^14) >> 15)`.
pub fn q15mulr_sat_s_lane(x: i128, y: i128) -> i128 {
    sat_s((x * y + 0x4000) >> 15, 16)
}

/// `i16x8.q15mulr_sat_s`
pub fn q15mulr_sat_s(a: u128, b: u128) -> u128 {
    build(16, |i| q15mulr_sat_s_lane(lane(a, 16, i, true), lane(b, 16, i, true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::lanes::*;

    #[test]
    fn q15mulr_saturates_min_times_min() {
        let min = from_u16x8([0x8000; 8]);
        assert_eq!(u16x8(q15mulr_sat_s(min, min)), [0x7fff; 8]);
        let half = from_u16x8([0x4000; 8]);
        assert_eq!(u16x8(q15mulr_sat_s(half, half)), [0x2000; 8]);
        let m1 = from_u16x8([0xffff; 8]);
        // (-1 * 1 + 0x4000) >> 15 = 0 (arithmetic shift rounds toward -inf)
        assert_eq!(u16x8(q15mulr_sat_s(m1, from_u16x8([1; 8]))), [0; 8]);
    }

    #[test]
    fn narrow_saturates() {
        let a = from_u16x8([0x7fff, 0x8000, 0xff80, 0x0080, 1, 0xffff, 0, 127]);
        let s = u8x16(narrow_s(a, a, 8));
        assert_eq!(&s[..8], &[0x7f, 0x80, 0x80, 0x7f, 1, 0xff, 0, 127]);
        let u = u8x16(narrow_u(a, a, 8));
        assert_eq!(&u[..8], &[0xff, 0, 0, 0x80, 1, 0, 0, 127]);
    }

    #[test]
    fn dot_wraps() {
        let min = from_u16x8([0x8000; 8]);
        assert_eq!(u32x4(dot_i16x8_s(min, min)), [0x8000_0000; 4]);
    }
}
