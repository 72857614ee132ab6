//! Lanewise float vector operators (`f32x4`, `f64x2`), lifting the scalar
//! operators of `numerics::float`, and the vector conversions between
//! float and integer lanes.

use crate::numerics::conv;
use crate::simd::lanes::*;

macro_rules! shape_float {
    ($m:ident, $sc:ident, $u:ty, $n:expr, $to:ident, $from:ident, $map:ident, $zip:ident) => {
        #[doc = concat!("Float operators on `", stringify!($m), "` vectors.")]
        pub mod $m {
            use crate::numerics::float::$sc as F;
            use crate::simd::lanes::{$from, $map, $to, $zip};
            #[inline]
            fn mask(b: u32) -> $u {
                if b != 0 { <$u>::MAX } else { 0 }
            }

            pub fn fadd(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fadd)
            }
            pub fn fsub(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fsub)
            }
            pub fn fmul(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fmul)
            }
            pub fn fdiv(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fdiv)
            }
            pub fn fmin(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fmin)
            }
            pub fn fmax(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fmax)
            }
            pub fn fpmin(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fpmin)
            }
            pub fn fpmax(a: u128, b: u128) -> u128 {
                $zip(a, b, F::fpmax)
            }
            pub fn fsqrt(a: u128) -> u128 {
                $map(a, F::fsqrt)
            }
            pub fn fabs(a: u128) -> u128 {
                $map(a, F::fabs)
            }
            pub fn fneg(a: u128) -> u128 {
                $map(a, F::fneg)
            }
            pub fn fceil(a: u128) -> u128 {
                $map(a, F::fceil)
            }
            pub fn ffloor(a: u128) -> u128 {
                $map(a, F::ffloor)
            }
            pub fn ftrunc(a: u128) -> u128 {
                $map(a, F::ftrunc)
            }
            pub fn fnearest(a: u128) -> u128 {
                $map(a, F::fnearest)
            }
            pub fn feq(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(F::feq(x, y)))
            }
            pub fn fne(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(F::fne(x, y)))
            }
            pub fn flt(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(F::flt(x, y)))
            }
            pub fn fgt(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(F::fgt(x, y)))
            }
            pub fn fle(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(F::fle(x, y)))
            }
            pub fn fge(a: u128, b: u128) -> u128 {
                $zip(a, b, |x, y| mask(F::fge(x, y)))
            }
            pub fn splat(x: $u) -> u128 {
                $from([x; $n])
            }
            pub fn extract_lane(a: u128, l: u8) -> u128 {
                $to(a)[l as usize % $n] as u128
            }
            pub fn replace_lane(a: u128, l: u8, x: $u) -> u128 {
                let mut v = $to(a);
                v[l as usize % $n] = x;
                $from(v)
            }
        }
    };
}

shape_float!(f32x4, f32, u32, 4, u32x4, from_u32x4, map32, zip32);
shape_float!(f64x2, f64, u64, 2, u64x2, from_u64x2, map64, zip64);

/// `i32x4.trunc_sat_f32x4_s`
pub fn trunc_sat_f32x4_s(a: u128) -> u128 {
    map32(a, |x| conv::trunc_sat_s_32(conv::f32_wide(x)))
}
/// `i32x4.trunc_sat_f32x4_u`
pub fn trunc_sat_f32x4_u(a: u128) -> u128 {
    map32(a, |x| conv::trunc_sat_u_32(conv::f32_wide(x)))
}
/// `i32x4.trunc_sat_f64x2_s_zero`: the two results fill lanes 0-1, lanes 2-3 are 0.
pub fn trunc_sat_f64x2_s_zero(a: u128) -> u128 {
    let v = u64x2(a);
    from_u32x4([conv::trunc_sat_s_32(conv::f64_host(v[0])), conv::trunc_sat_s_32(conv::f64_host(v[1])), 0, 0])
}
/// `i32x4.trunc_sat_f64x2_u_zero`
pub fn trunc_sat_f64x2_u_zero(a: u128) -> u128 {
    let v = u64x2(a);
    from_u32x4([conv::trunc_sat_u_32(conv::f64_host(v[0])), conv::trunc_sat_u_32(conv::f64_host(v[1])), 0, 0])
}
/// `f32x4.convert_i32x4_s`
pub fn convert_i32x4_s(a: u128) -> u128 {
    map32(a, conv::convert_s_32_f32)
}
/// `f32x4.convert_i32x4_u`
pub fn convert_i32x4_u(a: u128) -> u128 {
    map32(a, conv::convert_u_32_f32)
}
/// `f64x2.convert_low_i32x4_s`
pub fn convert_low_i32x4_s(a: u128) -> u128 {
    let v = u32x4(a);
    from_u64x2([conv::convert_s_32_f64(v[0]), conv::convert_s_32_f64(v[1])])
}
/// `f64x2.convert_low_i32x4_u`
pub fn convert_low_i32x4_u(a: u128) -> u128 {
    let v = u32x4(a);
    from_u64x2([conv::convert_u_32_f64(v[0]), conv::convert_u_32_f64(v[1])])
}
/// `f32x4.demote_f64x2_zero`
pub fn demote_f64x2_zero(a: u128) -> u128 {
    let v = u64x2(a);
    from_u32x4([conv::demote(v[0]), conv::demote(v[1]), 0, 0])
}
/// `f64x2.promote_low_f32x4`
pub fn promote_low_f32x4(a: u128) -> u128 {
    let v = u32x4(a);
    from_u64x2([conv::promote(v[0]), conv::promote(v[1])])
}
