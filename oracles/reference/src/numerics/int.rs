//! Integer operators `iadd`, `idiv_s`, `irotl`, ... of the spec, generated
//! for both widths: [`i32`] works on `u32`, [`i64`] on `u64` (two's
//! complement bit patterns; signed variants reinterpret).

macro_rules! int_ops {
    ($m:ident, $u:ty, $s:ty, $bits:expr) => {
        #[doc = concat!("Integer operators at width ", stringify!($bits), ".")]
        pub mod $m {
            use crate::error::TrapKind;

            pub fn iadd(a: $u, b: $u) -> $u {
                a.wrapping_add(b)
            }
            pub fn isub(a: $u, b: $u) -> $u {
                a.wrapping_sub(b)
            }
            pub fn imul(a: $u, b: $u) -> $u {
                a.wrapping_mul(b)
            }

            /// Traps on a zero divisor.
            pub fn idiv_u(a: $u, b: $u) -> Result<$u, TrapKind> {
                if b == 0 {
                    return Err(TrapKind::IntegerDivideByZero);
                }
                Ok(a / b)
            }

            /// Traps on a zero divisor, and on `MIN / -1` whose result
            /// `2^(N-1)` is not representable.
            pub fn idiv_s(a: $u, b: $u) -> Result<$u, TrapKind> {
                let (a, b) = (a as $s, b as $s);
                if b == 0 {
                    return Err(TrapKind::IntegerDivideByZero);
                }
                if a == <$s>::MIN && b == -1 {
                    return Err(TrapKind::IntegerOverflow);
                }
                Ok((a / b) as $u)
            }

            pub fn irem_u(a: $u, b: $u) -> Result<$u, TrapKind> {
                if b == 0 {
                    return Err(TrapKind::IntegerDivideByZero);
                }
                Ok(a % b)
            }

            /// The sign of the result is the sign of the dividend;
            /// `MIN rem -1` is 0 (it does not trap).
            pub fn irem_s(a: $u, b: $u) -> Result<$u, TrapKind> {
                let (a, b) = (a as $s, b as $s);
                if b == 0 {
                    return Err(TrapKind::IntegerDivideByZero);
                }
                Ok(a.wrapping_rem(b) as $u)
            }

            pub fn iand(a: $u, b: $u) -> $u {
                a & b
            }
            pub fn ior(a: $u, b: $u) -> $u {
                a | b
            }
            pub fn ixor(a: $u, b: $u) -> $u {
                a ^ b
            }
            /// The shift count is taken modulo N.
            pub fn ishl(a: $u, k: $u) -> $u {
                a.wrapping_shl(k as u32)
            }
            pub fn ishr_u(a: $u, k: $u) -> $u {
                a.wrapping_shr(k as u32)
            }
            pub fn ishr_s(a: $u, k: $u) -> $u {
                (a as $s).wrapping_shr(k as u32) as $u
            }
            pub fn irotl(a: $u, k: $u) -> $u {
                a.rotate_left((k % $bits) as u32)
            }
            pub fn irotr(a: $u, k: $u) -> $u {
                a.rotate_right((k % $bits) as u32)
            }
            pub fn iclz(a: $u) -> $u {
                a.leading_zeros() as $u
            }
            pub fn ictz(a: $u) -> $u {
                a.trailing_zeros() as $u
            }
            pub fn ipopcnt(a: $u) -> $u {
                a.count_ones() as $u
            }

            pub fn ieqz(a: $u) -> u32 {
                (a == 0) as u32
            }
            pub fn ieq(a: $u, b: $u) -> u32 {
                (a == b) as u32
            }
            pub fn ine(a: $u, b: $u) -> u32 {
                (a != b) as u32
            }
            pub fn ilt_u(a: $u, b: $u) -> u32 {
                (a < b) as u32
            }
            pub fn ilt_s(a: $u, b: $u) -> u32 {
                ((a as $s) < (b as $s)) as u32
            }
            pub fn igt_u(a: $u, b: $u) -> u32 {
                (a > b) as u32
            }
            pub fn igt_s(a: $u, b: $u) -> u32 {
                ((a as $s) > (b as $s)) as u32
            }
            pub fn ile_u(a: $u, b: $u) -> u32 {
                (a <= b) as u32
            }
            pub fn ile_s(a: $u, b: $u) -> u32 {
                ((a as $s) <= (b as $s)) as u32
            }
            pub fn ige_u(a: $u, b: $u) -> u32 {
                (a >= b) as u32
            }
            pub fn ige_s(a: $u, b: $u) -> u32 {
                ((a as $s) >= (b as $s)) as u32
            }

            /// `iextendM_s`: sign-extend the low M bits.
            pub fn iextend8_s(a: $u) -> $u {
                a as i8 as $s as $u
            }
            pub fn iextend16_s(a: $u) -> $u {
                a as i16 as $s as $u
            }
            pub fn iextend32_s(a: $u) -> $u {
                a as i32 as $s as $u
            }
        }
    };
}

int_ops!(i32, u32, i32, 32);
int_ops!(i64, u64, i64, 64);

#[cfg(test)]
mod tests {
    use crate::error::TrapKind;

    #[test]
    fn div_s_overflow_and_zero() {
        assert_eq!(super::i32::idiv_s(0x8000_0000, u32::MAX), Err(TrapKind::IntegerOverflow));
        assert_eq!(super::i32::idiv_s(1, 0), Err(TrapKind::IntegerDivideByZero));
        assert_eq!(super::i32::irem_s(0x8000_0000, u32::MAX), Ok(0));
        assert_eq!(super::i64::idiv_s(1 << 63, u64::MAX), Err(TrapKind::IntegerOverflow));
        assert_eq!(super::i32::idiv_s(-7i32 as u32, 2), Ok(-3i32 as u32));
        assert_eq!(super::i32::irem_s(-7i32 as u32, 2), Ok(-1i32 as u32));
    }

    #[test]
    fn shifts_and_rotates_mod_width() {
        assert_eq!(super::i32::ishl(1, 33), 2);
        assert_eq!(super::i64::irotl(1, 65), 2);
        assert_eq!(super::i32::ishr_s(0x8000_0000, 31), u32::MAX);
    }
}
