//! Argument values drawn from fuzz bytes, biased to the edges where engines
//! disagree: 0, ±1, MIN/MAX, sign bits, ±0.0, ±inf, canonical, arithmetic
//! and signalling NaNs of both signs, subnormals, and values at the limits
//! of float-to-int conversions.

use arbitrary::Unstructured;
use crosscheck_oracles::{Val, ValType};

/// Interesting i32 values (as bits).
pub const I32_EDGES: &[u32] = &[
    0,
    1,
    2,
    0xffff_ffff,
    0x8000_0000,
    0x7fff_ffff,
    0x8000_0001,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    0xffff,
    0x1_0000,
    31,
    32,
    33,
    63,
    64,
    0xffff_fffe,
    0x5555_5555,
    0xaaaa_aaaa,
];

/// Interesting i64 values (as bits).
pub const I64_EDGES: &[u64] = &[
    0,
    1,
    2,
    u64::MAX,
    0x8000_0000_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0001,
    0xffff_ffff,
    0x1_0000_0000,
    0x8000_0000,
    0x7fff_ffff,
    0xffff_ffff_8000_0000,
    63,
    64,
    65,
    0x5555_5555_5555_5555,
];

/// Interesting f32 bit patterns.
pub const F32_EDGES: &[u32] = &[
    0x0000_0000, // +0
    0x8000_0000, // -0
    0x3f80_0000, // 1
    0xbf80_0000, // -1
    0x3f00_0000, // 0.5
    0xbf00_0000, // -0.5
    0x3fc0_0000, // 1.5
    0x4020_0000, // 2.5
    0x7f80_0000, // +inf
    0xff80_0000, // -inf
    0x7fc0_0000, // canonical NaN
    0xffc0_0000, // -canonical NaN
    0x7fc0_0001, // arithmetic NaN
    0xffff_ffff, // -arithmetic NaN, all payload bits
    0x7f80_0001, // signalling NaN
    0xff80_0001, // -signalling NaN
    0x7fbf_ffff, // signalling NaN, full payload
    0x0000_0001, // smallest subnormal
    0x807f_ffff, // -largest subnormal
    0x0080_0000, // smallest normal
    0x7f7f_ffff, // largest finite
    0xff7f_ffff, // most negative finite
    0x4f00_0000, // 2^31
    0xcf00_0000, // -2^31
    0x4eff_ffff, // below 2^31
    0x4f80_0000, // 2^32
    0x5f00_0000, // 2^63
    0xdf00_0000, // -2^63
    0x5f80_0000, // 2^64
    0x4b00_0000, // 2^23
    0x4b80_0000, // 2^24
];

/// Interesting f64 bit patterns.
pub const F64_EDGES: &[u64] = &[
    0x0000_0000_0000_0000, // +0
    0x8000_0000_0000_0000, // -0
    0x3ff0_0000_0000_0000, // 1
    0xbff0_0000_0000_0000, // -1
    0x3fe0_0000_0000_0000, // 0.5
    0xbfe0_0000_0000_0000, // -0.5
    0x3ff8_0000_0000_0000, // 1.5
    0x4004_0000_0000_0000, // 2.5
    0x7ff0_0000_0000_0000, // +inf
    0xfff0_0000_0000_0000, // -inf
    0x7ff8_0000_0000_0000, // canonical NaN
    0xfff8_0000_0000_0000, // -canonical NaN
    0x7ff8_0000_0000_0001, // arithmetic NaN
    0xffff_ffff_ffff_ffff, // -arithmetic NaN, all payload bits
    0x7ff0_0000_0000_0001, // signalling NaN
    0xfff0_0000_0000_0001, // -signalling NaN
    0x0000_0000_0000_0001, // smallest subnormal
    0x800f_ffff_ffff_ffff, // -largest subnormal
    0x0010_0000_0000_0000, // smallest normal
    0x7fef_ffff_ffff_ffff, // largest finite
    0x41e0_0000_0000_0000, // 2^31
    0xc1e0_0000_0000_0000, // -2^31
    0x41df_ffff_ffc0_0000, // 2^31 - 1
    0xc1e0_0000_0020_0000, // -2^31 - 1
    0x41f0_0000_0000_0000, // 2^32
    0x43e0_0000_0000_0000, // 2^63
    0xc3e0_0000_0000_0000, // -2^63
    0x43f0_0000_0000_0000, // 2^64
    0x4330_0000_0000_0000, // 2^52
    0x3810_0000_0000_0000, // smallest f32 normal
    0x47ef_ffff_e000_0000, // largest f32
];

/// One value of `ty`: half the time an edge value, otherwise raw bytes.
pub fn arbitrary_val(u: &mut Unstructured<'_>, ty: ValType) -> arbitrary::Result<Val> {
    Ok(match ty {
        ValType::I32 => Val::I32(edge_or_raw(u, I32_EDGES)?),
        ValType::I64 => Val::I64(edge_or_raw(u, I64_EDGES)?),
        ValType::F32 => Val::F32(edge_or_raw(u, F32_EDGES)?),
        ValType::F64 => Val::F64(edge_or_raw(u, F64_EDGES)?),
        ValType::V128 => Val::V128(arbitrary_v128(u)?),
        // Only null references can be made without an instance of their own.
        ValType::FuncRef => Val::FuncRef { null: true },
        ValType::ExternRef => Val::ExternRef { null: true },
    })
}

fn edge_or_raw<T: Copy + for<'a> arbitrary::Arbitrary<'a>>(
    u: &mut Unstructured<'_>,
    edges: &[T],
) -> arbitrary::Result<T> {
    if u.arbitrary::<bool>()? { Ok(*u.choose(edges)?) } else { u.arbitrary() }
}

/// A v128 built lane by lane in a random shape, each lane an edge value of
/// its lane type or raw bytes; or a fully raw vector.
pub fn arbitrary_v128(u: &mut Unstructured<'_>) -> arbitrary::Result<u128> {
    let shape: u8 = u.int_in_range(0..=6)?;
    let mut v: u128 = 0;
    match shape {
        0 => {
            for lane in 0..16 {
                let x: u8 = edge_or_raw(u, &[0u8, 1, 0x7f, 0x80, 0xff, 0x10, 0x0f, 0x1f])?;
                v |= (x as u128) << (8 * lane);
            }
        }
        1 => {
            for lane in 0..8 {
                let x: u16 = edge_or_raw(u, &[0u16, 1, 0x7fff, 0x8000, 0xffff, 0x00ff, 0x4000, 0xc000])?;
                v |= (x as u128) << (16 * lane);
            }
        }
        2 => {
            for lane in 0..4 {
                v |= (edge_or_raw(u, I32_EDGES)? as u128) << (32 * lane);
            }
        }
        3 => {
            for lane in 0..2 {
                v |= (edge_or_raw(u, I64_EDGES)? as u128) << (64 * lane);
            }
        }
        4 => {
            for lane in 0..4 {
                v |= (edge_or_raw(u, F32_EDGES)? as u128) << (32 * lane);
            }
        }
        5 => {
            for lane in 0..2 {
                v |= (edge_or_raw(u, F64_EDGES)? as u128) << (64 * lane);
            }
        }
        _ => v = u.arbitrary()?,
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_constants_are_what_their_comments_say() {
        assert_eq!(f32::from_bits(F32_EDGES[22]), 2147483648.0);
        assert_eq!(f64::from_bits(F64_EDGES[22]), 2147483647.0);
        assert_eq!(f64::from_bits(F64_EDGES[23]), -2147483649.0);
        assert_eq!(f64::from_bits(F64_EDGES[30]), f32::MAX as f64);
        assert!(f32::from_bits(F32_EDGES[14]).is_nan() && F32_EDGES[14] & 0x0040_0000 == 0);
    }

    #[test]
    fn values_are_deterministic_in_the_bytes() {
        let data: Vec<u8> = (0..255u8).collect();
        let draw = || {
            let mut u = Unstructured::new(&data);
            (0..20).map(|_| arbitrary_val(&mut u, ValType::V128).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(draw(), draw());
    }
}
