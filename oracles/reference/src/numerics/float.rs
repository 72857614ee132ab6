//! Float operators `fadd`, `fmin`, `fnearest`, ... of the spec, generated
//! for [`f32`] and [`f64`]. Values are raw bit patterns; arithmetic uses the
//! host's IEEE 754 operations (round-to-nearest-even), so NaN results are
//! whatever quiet NaN the hardware produces, which the spec's `nans` rule
//! permits. No canonicalization is ever applied.

macro_rules! float_ops {
    ($m:ident, $f:ty, $u:ty) => {
        #[doc = concat!("Float operators on `", stringify!($f), "` bit patterns.")]
        pub mod $m {
            #[inline]
            fn f(x: $u) -> $f {
                <$f>::from_bits(x)
            }
            #[inline]
            fn b(x: $f) -> $u {
                x.to_bits()
            }
            const SIGN: $u = 1 << (<$u>::BITS - 1);

            pub fn fadd(x: $u, y: $u) -> $u {
                b(f(x) + f(y))
            }
            pub fn fsub(x: $u, y: $u) -> $u {
                b(f(x) - f(y))
            }
            pub fn fmul(x: $u, y: $u) -> $u {
                b(f(x) * f(y))
            }
            pub fn fdiv(x: $u, y: $u) -> $u {
                b(f(x) / f(y))
            }
            pub fn fsqrt(x: $u) -> $u {
                b(f(x).sqrt())
            }

            /// Spec: a NaN operand gives a NaN (propagated through a host
            /// add, which yields a quieted operand); `fmin(+0, -0) = -0`.
            pub fn fmin(x: $u, y: $u) -> $u {
                let (a, c) = (f(x), f(y));
                if a.is_nan() || c.is_nan() {
                    return b(a + c);
                }
                if a == 0.0 && c == 0.0 {
                    return x | y;
                } // -0 wins: OR the sign bits
                if a < c { x } else { y }
            }

            /// Spec: a NaN operand gives a NaN; `fmax(+0, -0) = +0`.
            pub fn fmax(x: $u, y: $u) -> $u {
                let (a, c) = (f(x), f(y));
                if a.is_nan() || c.is_nan() {
                    return b(a + c);
                }
                if a == 0.0 && c == 0.0 {
                    return x & y;
                } // +0 wins: AND the sign bits
                if a > c { x } else { y }
            }

            /// Pseudo-minimum (SIMD `pmin`): `y < x ? y : x`, NaNs pass through as-is.
            pub fn fpmin(x: $u, y: $u) -> $u {
                if f(y) < f(x) { y } else { x }
            }
            /// Pseudo-maximum (SIMD `pmax`): `x < y ? y : x`.
            pub fn fpmax(x: $u, y: $u) -> $u {
                if f(x) < f(y) { y } else { x }
            }

            /// Sign operators are pure bit operations, even on NaN.
            pub fn fcopysign(x: $u, y: $u) -> $u {
                (x & !SIGN) | (y & SIGN)
            }
            pub fn fabs(x: $u) -> $u {
                x & !SIGN
            }
            pub fn fneg(x: $u) -> $u {
                x ^ SIGN
            }

            /// The quiet bit (top mantissa bit).
            const QUIET: $u = 1 << (<$f>::MANTISSA_DIGITS - 2);

            /// Spec: rounding a NaN `z` yields an element of `nans{z}`, an
            /// arithmetic (quiet) NaN. Host rounding may be done in software
            /// and return a signalling input unchanged, so quiet it here,
            /// keeping the payload as hardware arithmetic does.
            #[inline]
            fn round(x: $u, r: fn($f) -> $f) -> $u {
                if f(x).is_nan() { x | QUIET } else { b(r(f(x))) }
            }
            pub fn fceil(x: $u) -> $u {
                round(x, <$f>::ceil)
            }
            pub fn ffloor(x: $u) -> $u {
                round(x, <$f>::floor)
            }
            pub fn ftrunc(x: $u) -> $u {
                round(x, <$f>::trunc)
            }
            /// Round to nearest integral value, ties to even.
            pub fn fnearest(x: $u) -> $u {
                round(x, <$f>::round_ties_even)
            }

            pub fn feq(x: $u, y: $u) -> u32 {
                (f(x) == f(y)) as u32
            }
            pub fn fne(x: $u, y: $u) -> u32 {
                (f(x) != f(y)) as u32
            }
            pub fn flt(x: $u, y: $u) -> u32 {
                (f(x) < f(y)) as u32
            }
            pub fn fgt(x: $u, y: $u) -> u32 {
                (f(x) > f(y)) as u32
            }
            pub fn fle(x: $u, y: $u) -> u32 {
                (f(x) <= f(y)) as u32
            }
            pub fn fge(x: $u, y: $u) -> u32 {
                (f(x) >= f(y)) as u32
            }

            /// Whether the bits are any NaN.
            pub fn is_nan(x: $u) -> bool {
                f(x).is_nan()
            }
            /// As a host float (for conversions).
            pub fn to_host(x: $u) -> $f {
                f(x)
            }
        }
    };
}

float_ops!(f32, f32, u32);
float_ops!(f64, f64, u64);

#[cfg(test)]
mod tests {
    use super::{f32, f64};

    const NEG0: u32 = 0x8000_0000;

    #[test]
    fn min_max_signed_zeros() {
        assert_eq!(f32::fmin(0, NEG0), NEG0);
        assert_eq!(f32::fmin(NEG0, 0), NEG0);
        assert_eq!(f32::fmax(0, NEG0), 0);
        assert_eq!(f32::fmax(NEG0, 0), 0);
        assert_eq!(f64::fmin(0, 1 << 63), 1 << 63);
    }

    #[test]
    fn min_max_nan_propagates_payload() {
        let nan = 0x7fa0_0001; // signalling NaN with payload
        let one = 1.0f32.to_bits();
        assert!(f32::is_nan(f32::fmin(nan, one)));
        assert!(f32::is_nan(f32::fmax(one, nan)));
        // arithmetic NaN: quiet bit set
        assert_ne!(f32::fmin(nan, one) & 0x0040_0000, 0);
    }

    #[test]
    fn nearest_ties_to_even() {
        let r = |x: f64| f64::to_host(f64::fnearest(x.to_bits()));
        assert_eq!(r(0.5), 0.0);
        assert_eq!(r(1.5), 2.0);
        assert_eq!(r(2.5), 2.0);
        assert_eq!(r(-0.5).to_bits(), (-0.0f64).to_bits());
        assert_eq!(r(4503599627370495.5), 4503599627370496.0);
    }

    #[test]
    fn sign_ops_keep_nan_bits() {
        assert_eq!(f32::fneg(0x7fc0_0001), 0xffc0_0001);
        assert_eq!(f32::fabs(0xff80_0001), 0x7f80_0001);
        assert_eq!(f32::fcopysign(0x7f80_0001, NEG0), 0xff80_0001);
    }
}
