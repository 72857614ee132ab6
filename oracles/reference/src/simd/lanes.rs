//! Conversions between a `u128` vector and arrays of its lanes, and the
//! lanewise `map`/`zip` combinators the other SIMD modules build on.

macro_rules! lane_fns {
    ($to:ident, $from:ident, $map:ident, $zip:ident, $t:ty, $n:expr) => {
        /// Splits a vector into its lanes (lane 0 first).
        #[inline]
        pub fn $to(v: u128) -> [$t; $n] {
            let mut a = [0 as $t; $n];
            for (i, x) in a.iter_mut().enumerate() {
                *x = (v >> (i * <$t>::BITS as usize)) as $t;
            }
            a
        }
        /// Joins lanes into a vector.
        #[inline]
        pub fn $from(a: [$t; $n]) -> u128 {
            let mut v = 0u128;
            for (i, x) in a.iter().enumerate() {
                v |= (*x as u128) << (i * <$t>::BITS as usize);
            }
            v
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
