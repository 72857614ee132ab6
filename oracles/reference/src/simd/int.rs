//! Lanewise integer vector operators by shape (`i8x16`, `i16x8`, `i32x4`,
//! `i64x2`), named after the spec's scalar operators they lift. Comparisons
//! yield all-ones / all-zeros lanes; shift counts are taken modulo the lane
//! width.

macro_rules! shape_int {
    ($m:ident, $u:ty, $s:ty, $n:expr, $to:ident, $from:ident, $map:ident, $zip:ident) => {
        #[doc = concat!("Integer operators on `", stringify!($m), "` vectors.")]
        #[allow(dead_code)]
        pub mod $m {
            use crate::simd::lanes::{$from, $map, $to, $zip};
            const BITS: u32 = <$u>::BITS;
            #[inline]
            fn mask(b: bool) -> $u {
                if b { <$u>::MAX } else { 0 }
            }
            #[inline]
            fn s(x: $u) -> $s {
                x as $s
            }

            pub fn iadd(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| x.wrapping_add(y))
            }
            pub fn isub(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| x.wrapping_sub(y))
            }
            pub fn imul(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| x.wrapping_mul(y))
            }
            pub fn ineg(a: u128) -> u128 {
                $map(a, |x| x.wrapping_neg())
            }
            /// `iabs(MIN) = MIN` (wrapping).
            pub fn iabs(a: u128) -> u128 {
                $map(a, |x| s(x).wrapping_abs() as $u)
            }
            pub fn imin_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| s(x).min(s(y)) as $u)
            }
            pub fn imin_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| x.min(y))
            }
            pub fn imax_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| s(x).max(s(y)) as $u)
            }
            pub fn imax_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| x.max(y))
            }
            pub fn iadd_sat_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| s(x).saturating_add(s(y)) as $u)
            }
            pub fn iadd_sat_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| x.saturating_add(y))
            }
            pub fn isub_sat_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| s(x).saturating_sub(s(y)) as $u)
            }
            pub fn isub_sat_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| x.saturating_sub(y))
            }
            /// Rounding average: `(x + y + 1) / 2` without overflow.
            pub fn iavgr_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| ((x as u128 + y as u128 + 1) >> 1) as $u)
            }
            pub fn ipopcnt(a: u128) -> u128 {
                $map(a, |x| x.count_ones() as $u)
            }

            pub fn ieq(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(x == y))
            }
            pub fn ine(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(x != y))
            }
            pub fn ilt_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(s(x) < s(y)))
            }
            pub fn ilt_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(x < y))
            }
            pub fn igt_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(s(x) > s(y)))
            }
            pub fn igt_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(x > y))
            }
            pub fn ile_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(s(x) <= s(y)))
            }
            pub fn ile_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(x <= y))
            }
            pub fn ige_s(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(s(x) >= s(y)))
            }
            pub fn ige_u(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(x >= y))
            }

            /// Shift count modulo the lane width.
            pub fn ishl(a: u128, k: u32) -> u128 {
                $map(a, |x| x.wrapping_shl(k % BITS))
            }
            pub fn ishr_u(a: u128, k: u32) -> u128 {
                $map(a, |x| x.wrapping_shr(k % BITS))
            }
            pub fn ishr_s(a: u128, k: u32) -> u128 {
                $map(a, |x| s(x).wrapping_shr(k % BITS) as $u)
            }

            pub fn all_true(a: u128) -> u32 {
                $to(a).iter().all(|&x| x != 0) as u32
            }
            /// Bit i of the result is the top bit of lane i.
            pub fn bitmask(a: u128) -> u32 {
                $to(a).iter().enumerate().fold(0u32, |m, (i, &x)| m | (((x >> (BITS - 1)) as u32) << i))
            }
            pub fn splat(x: $u) -> u128 {
                $from([x; $n])
            }
            /// Lane zero-extended to the slot (`extract_lane_u` / unsigned view).
            pub fn extract_lane_u(a: u128, l: u8) -> u128 {
                $to(a)[l as usize % $n] as u128
            }
            /// Lane sign-extended to i32 (`extract_lane_s` of i8x16 / i16x8).
            pub fn extract_lane_s(a: u128, l: u8) -> u128 {
                s($to(a)[l as usize % $n]) as i32 as u32 as u128
            }
            pub fn replace_lane(a: u128, l: u8, x: $u) -> u128 {
                let mut v = $to(a);
                v[l as usize % $n] = x;
                $from(v)
            }
        }
    };
}

shape_int!(i8x16, u8, i8, 16, u8x16, from_u8x16, map8, zip8);
shape_int!(i16x8, u16, i16, 8, u16x8, from_u16x8, map16, zip16);
shape_int!(i32x4, u32, i32, 4, u32x4, from_u32x4, map32, zip32);
shape_int!(i64x2, u64, i64, 2, u64x2, from_u64x2, map64, zip64);
