//! Whole-vector bit operators (`v128.not`, `and`, `andnot`, `or`, `xor`,
//! `bitselect`, `any_true`) and lane permutations (`swizzle`, `shuffle`).

use crate::simd::lanes::{from_u8x16, u8x16};

pub fn vnot(a: u128) -> u128 {
    !a
}
pub fn vand(a: u128, b: u128) -> u128 {
    a & b
}
pub fn vandnot(a: u128, b: u128) -> u128 {
    a & !b
}
pub fn vor(a: u128, b: u128) -> u128 {
    a | b
}
pub fn vxor(a: u128, b: u128) -> u128 {
    a ^ b
}
/// Spec `ibitselect`: bits of `a` where `c` is 1, bits of `b` elsewhere.
pub fn bitselect(a: u128, b: u128, c: u128) -> u128 {
    (a & c) | (b & !c)
}
pub fn any_true(a: u128) -> u32 {
    (a != 0) as u32
}

/// `i8x16.swizzle`: lane i is `a[s[i]]`, or 0 when `s[i] >= 16`.
pub fn swizzle(a: u128, s: u128) -> u128 {
    let (x, idx) = (u8x16(a), u8x16(s));
    from_u8x16(idx.map(|i| if (i as usize) < 16 { x[i as usize] } else { 0 }))
}

/// `i8x16.shuffle`: lane i is lane `l[i]` of the 32-lane concatenation `a ++ b`
/// (validation guarantees `l[i] < 32`).
pub fn shuffle(a: u128, b: u128, l: &[u8; 16]) -> u128 {
    let (x, y) = (u8x16(a), u8x16(b));
    from_u8x16(l.map(|i| if (i as usize) < 16 { x[i as usize] } else { y[(i as usize) & 15] }))
}
