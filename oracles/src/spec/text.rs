//! Values to and from the spec interpreter's text: arguments written as
//! exact script constants (floats as hex floats or `nan:0x…`, so every bit
//! survives), names as escaped strings, and the values it prints parsed
//! back into bits (`I32.to_string_s`, `%.17g` floats, `nan:0x…` payloads,
//! v128 as four i32 lanes, digits grouped with `_`).

use crate::value::{Val, ValType};

/// A script string literal holding `bytes` exactly (every byte escaped).
pub fn string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3 + 2);
    s.push('"');
    for b in bytes {
        s.push('\\');
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    s.push('"');
    s
}

/// An exact float literal from its bits: `exp_bits`/`frac_bits` wide.
fn float(bits: u64, exp_bits: u32, frac_bits: u32) -> String {
    let sign = if bits >> (exp_bits + frac_bits) & 1 == 1 { "-" } else { "" };
    let exp = (bits >> frac_bits) & ((1 << exp_bits) - 1);
    let frac = bits & ((1 << frac_bits) - 1);
    let max_exp = (1 << exp_bits) - 1;
    let bias = (1i64 << (exp_bits - 1)) - 1;
    // Fraction digits as whole hex digits (the fraction shifted to a multiple of 4 bits).
    let pad = (4 - frac_bits % 4) % 4;
    let digits = (frac_bits + pad) as usize / 4;
    let frac_hex = format!("{:0digits$x}", frac << pad);
    if exp == max_exp {
        return if frac == 0 { format!("{sign}inf") } else { format!("{sign}nan:0x{frac:x}") };
    }
    if exp == 0 {
        return format!("{sign}0x0.{frac_hex}p{}", 1 - bias);
    }
    format!("{sign}0x1.{frac_hex}p{}", exp as i64 - bias)
}

/// A `(T.const …)` (or `ref.null`) argument with exactly `v`'s bits, or
/// `None` for a value a script cannot write (a non-null funcref).
pub fn constant(v: &Val) -> Option<String> {
    Some(match *v {
        Val::I32(x) => format!("(i32.const 0x{x:x})"),
        Val::I64(x) => format!("(i64.const 0x{x:x})"),
        Val::F32(b) => format!("(f32.const {})", float(u64::from(b), 8, 23)),
        Val::F64(b) => format!("(f64.const {})", float(b, 11, 52)),
        Val::V128(x) => {
            let lanes: Vec<String> = (0..4).map(|i| format!("0x{:x}", (x >> (32 * i)) as u32)).collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Val::FuncRef { null: true } => "(ref.null func)".to_string(),
        Val::ExternRef { null: true } => "(ref.null extern)".to_string(),
        Val::ExternRef { null: false } => "(ref.extern 0)".to_string(),
        Val::FuncRef { null: false } => return None,
    })
}

/// Why printed values could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {what:?} as {ty}")]
pub struct ValueError {
    pub what: String,
    pub ty: String,
}

fn bad(what: &str, ty: ValType) -> ValueError {
    ValueError { what: what.to_string(), ty: ty.to_string() }
}

fn int(token: &str, ty: ValType) -> Result<i128, ValueError> {
    token.replace('_', "").parse::<i128>().map_err(|_| bad(token, ty))
}

/// A float token: `[-](nan:0xP | inf | %.17g digits)` as bits of a float
/// `exp_bits`/`frac_bits` wide.
fn float_bits(token: &str, ty: ValType, exp_bits: u32, frac_bits: u32) -> Result<u64, ValueError> {
    let (neg, body) = match token.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, token),
    };
    let body = body.replace('_', "");
    let sign = u64::from(neg) << (exp_bits + frac_bits);
    let inf = ((1u64 << exp_bits) - 1) << frac_bits;
    let magnitude = if let Some(p) = body.strip_prefix("nan:0x") {
        let payload = u64::from_str_radix(p, 16).map_err(|_| bad(token, ty))?;
        if payload == 0 || payload >> frac_bits != 0 {
            return Err(bad(token, ty));
        }
        inf | payload
    } else if body == "inf" {
        inf
    } else {
        // `%.17g` of the value as a double: parsing it gives that double
        // exactly, which for an f32 is the f32's own value.
        let x: f64 = body.parse().map_err(|_| bad(token, ty))?;
        if !x.is_finite() || x.is_sign_negative() {
            return Err(bad(token, ty));
        }
        if exp_bits == 8 {
            let f = x as f32;
            if f64::from(f) != x {
                return Err(bad(token, ty));
            }
            u64::from(f.to_bits())
        } else {
            x.to_bits()
        }
    };
    Ok(sign | magnitude)
}

/// One value of type `ty` from its printed tokens (four for a v128, one
/// otherwise; a reference may be a parenthesised group).
pub fn value(tokens: &[&str], ty: ValType) -> Result<Val, ValueError> {
    let one = || match tokens {
        [t] => Ok(*t),
        _ => Err(bad(&tokens.join(" "), ty)),
    };
    Ok(match ty {
        ValType::I32 => {
            let t = one()?;
            let x = int(t, ty)?;
            if !(i128::from(i32::MIN)..=i128::from(i32::MAX)).contains(&x) {
                return Err(bad(t, ty));
            }
            Val::I32(x as i32 as u32)
        }
        ValType::I64 => {
            let t = one()?;
            let x = int(t, ty)?;
            if !(i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&x) {
                return Err(bad(t, ty));
            }
            Val::I64(x as i64 as u64)
        }
        ValType::F32 => Val::F32(float_bits(one()?, ty, 8, 23)? as u32),
        ValType::F64 => Val::F64(float_bits(one()?, ty, 11, 52)?),
        ValType::V128 => {
            if tokens.len() != 4 {
                return Err(bad(&tokens.join(" "), ty));
            }
            let mut bits = 0u128;
            for (i, t) in tokens.iter().enumerate() {
                let x = int(t, ty)?;
                if !(i128::from(i32::MIN)..=i128::from(u32::MAX)).contains(&x) {
                    return Err(bad(t, ty));
                }
                bits |= u128::from(x as u32) << (32 * i);
            }
            Val::V128(bits)
        }
        ValType::FuncRef => Val::FuncRef { null: tokens == ["null"] },
        ValType::ExternRef => Val::ExternRef { null: tokens == ["null"] },
    })
}

/// Splits printed values into tokens, a parenthesised group (`(extern
/// (host 1))`) being one token.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (i, c) in text.char_indices() {
        match c {
            '(' => {
                depth += 1;
                start.get_or_insert(i);
            }
            ')' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(&text[s..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// The values of a result line's value part (`3`, `[1 nan:0x4 1 2 3 -1]`)
/// as values of `types`.
pub fn values(text: &str, types: &[ValType]) -> Result<Vec<Val>, ValueError> {
    let text = text.trim();
    let inner = if types.len() == 1 {
        text
    } else {
        text.strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .ok_or_else(|| ValueError { what: text.to_string(), ty: format!("{} values", types.len()) })?
    };
    let toks = tokens(inner);
    let mut out = Vec::with_capacity(types.len());
    let mut rest = toks.as_slice();
    for &ty in types {
        let n = if ty == ValType::V128 { 4 } else { 1 };
        if rest.len() < n {
            return Err(ValueError { what: text.to_string(), ty: format!("{types:?}") });
        }
        out.push(value(&rest[..n], ty)?);
        rest = &rest[n..];
    }
    if !rest.is_empty() {
        return Err(ValueError { what: text.to_string(), ty: format!("{types:?}") });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_literals_are_exact() {
        assert_eq!(float(0x7fc0_0001, 8, 23), "nan:0x400001");
        assert_eq!(float(0xff80_0000, 8, 23), "-inf");
        assert_eq!(float(0x0000_0001, 8, 23), "0x0.000002p-126");
        assert_eq!(float(0x3fc0_0000, 8, 23), "0x1.800000p0");
        assert_eq!(float(0x8000_0000_0000_0000, 11, 52), "-0x0.0000000000000p-1022");
        assert_eq!(float(0x3ff8_0000_0000_0000, 11, 52), "0x1.8000000000000p0");
    }

    #[test]
    fn printed_values_parse_to_bits() {
        use ValType::*;
        assert_eq!(values("-1_000", &[I32]).unwrap(), [Val::I32(-1000i32 as u32)]);
        assert_eq!(values("-nan:0x40_0000", &[F32]).unwrap(), [Val::F32(0xffc0_0000)]);
        assert_eq!(values("-0", &[F64]).unwrap(), [Val::F64(1 << 63)]);
        assert_eq!(values("1.4012984643248171e-45", &[F32]).unwrap(), [Val::F32(1)]);
        assert_eq!(
            values("[1 2 3 -1 null (extern (host 1))]", &[V128, FuncRef, ExternRef]).unwrap(),
            [
                Val::V128(0xffff_ffff_0000_0003_0000_0002_0000_0001),
                Val::FuncRef { null: true },
                Val::ExternRef { null: false }
            ]
        );
        assert!(values("1.1", &[F32]).is_err(), "not an f32 value");
        assert!(values("[1 2]", &[I32]).is_err());
        assert!(values("4_294_967_296", &[I32]).is_err());
    }
}
