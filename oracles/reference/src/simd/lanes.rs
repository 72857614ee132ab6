//! Conversions between a `u128` vector and arrays of its lanes, and the
//! lanewise `map`/`zip` combinators the other SIMD modules build on.

macro_rules! lane_fns {
    ($to:ident, $from:ident, $map:ident, $zip:ident, $t:ty, $n:expr) => {
        /// Splits a vector into its lanes (lane 0 first: the vector's
        /// little-endian bytes, a lane's bytes little-endian too).
        #[inline]
        pub fn $to(v: u128) -> [$t; $n] {
            let bytes = v.to_le_bytes();
            let mut a = [0 as $t; $n];
            for (x, c) in a.iter_mut().zip(bytes.chunks_exact(16 / $n)) {
                *x = <$t>::from_le_bytes(c.try_into().unwrap_or_default());
            }
            a
        }
        /// Joins lanes into a vector.
        #[inline]
        pub fn $from(a: [$t; $n]) -> u128 {
            let mut bytes = [0u8; 16];
            for (c, x) in bytes.chunks_exact_mut(16 / $n).zip(a) {
                c.copy_from_slice(&x.to_le_bytes());
            }
            u128::from_le_bytes(bytes)
        }
        /// Applies `f` to every lane.
        #[inline]
        pub fn $map(v: u128, f: impl Fn($t) -> $t) -> u128 {
            $from($to(v).map(f))
        }
        /// Applies `f` to every pair of corresponding lanes.
        #[inline]
        pub fn $zip(a: u128, b: u128, f: impl Fn($t, $t) -> $t) -> u128 {
            let (x, y) = ($to(a), $to(b));
            let mut r = [0 as $t; $n];
            for i in 0..$n {
                r[i] = f(x[i], y[i]);
            }
            $from(r)
        }
    };
}

lane_fns!(u8x16, from_u8x16, map8, zip8, u8, 16);
lane_fns!(u16x8, from_u16x8, map16, zip16, u16, 8);
lane_fns!(u32x4, from_u32x4, map32, zip32, u32, 4);
lane_fns!(u64x2, from_u64x2, map64, zip64, u64, 2);
