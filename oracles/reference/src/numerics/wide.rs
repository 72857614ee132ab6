//! Wide-arithmetic operators (`i64.add128`, `i64.sub128`,
//! `i64.mul_wide_s`, `i64.mul_wide_u`): 128-bit results as (low, high)
//! pairs of i64.

fn join(lo: u64, hi: u64) -> u128 {
    (hi as u128) << 64 | lo as u128
}
fn split(x: u128) -> (u64, u64) {
    (x as u64, (x >> 64) as u64)
}

pub fn add128(a_lo: u64, a_hi: u64, b_lo: u64, b_hi: u64) -> (u64, u64) {
    split(join(a_lo, a_hi).wrapping_add(join(b_lo, b_hi)))
}
pub fn sub128(a_lo: u64, a_hi: u64, b_lo: u64, b_hi: u64) -> (u64, u64) {
    split(join(a_lo, a_hi).wrapping_sub(join(b_lo, b_hi)))
}
pub fn mul_wide_s(a: u64, b: u64) -> (u64, u64) {
    split((a as i64 as i128).wrapping_mul(b as i64 as i128) as u128)
}
pub fn mul_wide_u(a: u64, b: u64) -> (u64, u64) {
    split((a as u128) * (b as u128))
}
