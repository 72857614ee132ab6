//! What scripts pass and expect, in session terms: `.wast` arguments as
//! [`WastVal`]s, and whether a result matches an expected pattern
//! (`nan:canonical`, `nan:arithmetic`, per-lane v128 patterns, `either`,
//! references: null of a hierarchy, `ref.extern N`, `ref.host N`,
//! `ref.any`, `ref.eq`, `ref.i31`, `ref.struct`, `ref.array`, `ref.func`)
//! or a trap matches an expected message.

use crosscheck_oracles::{AnyRef, TrapKind, WastVal};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{WastArg, WastRet};

/// Why a value cannot be passed or expected: the proposal it belongs to.
pub type Unsupported = &'static str;

/// A script argument as a session value.
pub fn arg(a: &WastArg<'_>) -> Result<WastVal, Unsupported> {
    let WastArg::Core(a) = a else { return Err("component-model") };
    Ok(match a {
        WastArgCore::I32(x) => WastVal::I32(*x as u32),
        WastArgCore::I64(x) => WastVal::I64(*x as u64),
        WastArgCore::F32(x) => WastVal::F32(x.bits),
        WastArgCore::F64(x) => WastVal::F64(x.bits),
        WastArgCore::V128(x) => WastVal::V128(u128::from_le_bytes(x.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Func, shared: false }) => {
            WastVal::FuncRef { null: true }
        }
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Extern, shared: false }) => {
            WastVal::ExternRef(None)
        }
        WastArgCore::RefExtern(n) => WastVal::ExternRef(Some(*n)),
        WastArgCore::RefHost(n) => WastVal::AnyRef(Some(AnyRef::Host(*n))),
        WastArgCore::RefNull(HeapType::Abstract { shared: true, .. }) => return Err("shared-everything-threads"),
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Exn | AbstractHeapType::NoExn, .. }) => {
            WastVal::ExnRef { null: true }
        }
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::NoFunc, .. }) => {
            WastVal::FuncRef { null: true }
        }
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::NoExtern, .. }) => WastVal::ExternRef(None),
        // Any other null (the `any` hierarchy, or a defined type's): every null is the same bits.
        WastArgCore::RefNull(_) => WastVal::AnyRef(None),
    })
}

/// The core patterns of an expected result list.
pub fn core_rets<'a, 'b>(rets: &'b [WastRet<'a>]) -> Result<Vec<&'b WastRetCore<'a>>, Unsupported> {
    rets.iter()
        .map(|r| match r {
            WastRet::Core(c) => Ok(c),
            _ => Err("component-model"),
        })
        .collect()
}

/// The proposal a result pattern needs beyond what sessions observe.
pub fn ret_unsupported(r: &WastRetCore<'_>) -> Option<Unsupported> {
    match r {
        WastRetCore::RefI31Shared => Some("shared-everything-threads"),
        WastRetCore::Either(alts) => alts.iter().find_map(ret_unsupported),
        _ => None,
    }
}

/// Canonical NaN: exactly the canonical payload, either sign.
/// Arithmetic NaN: the quiet bit set, any payload, either sign.
fn f32_matches(bits: u32, p: &NanPattern<F32>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, p: &NanPattern<F64>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn v128_matches(v: u128, p: &V128Pattern) -> bool {
    let lane = |width: u32, i: usize| (v >> (width as usize * i)) & (u128::MAX >> (128 - width));
    match p {
        V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, x)| lane(8, i) == *x as u8 as u128),
        V128Pattern::I16x8(l) => l.iter().enumerate().all(|(i, x)| lane(16, i) == *x as u16 as u128),
        V128Pattern::I32x4(l) => l.iter().enumerate().all(|(i, x)| lane(32, i) == *x as u32 as u128),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(64, i) == *x as u64 as u128),
        V128Pattern::F32x4(l) => l.iter().enumerate().all(|(i, p)| f32_matches(lane(32, i) as u32, p)),
        V128Pattern::F64x2(l) => l.iter().enumerate().all(|(i, p)| f64_matches(lane(64, i) as u64, p)),
    }
}

fn null_of(ty: &HeapType<'_>, v: &WastVal) -> bool {
    use AbstractHeapType as A;
    match (ty, v) {
        (HeapType::Abstract { ty: A::Func | A::NoFunc, .. }, WastVal::FuncRef { null: true }) => true,
        (HeapType::Abstract { ty: A::Extern | A::NoExtern, .. }, WastVal::ExternRef(None)) => true,
        (HeapType::Abstract { ty: A::Exn | A::NoExn, .. }, WastVal::ExnRef { null: true }) => true,
        (
            HeapType::Abstract { ty: A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None, .. },
            WastVal::AnyRef(None),
        ) => true,
        // A defined type is a function's or a struct's/array's.
        (HeapType::Concrete(_), WastVal::FuncRef { null: true } | WastVal::AnyRef(None)) => true,
        _ => false,
    }
}

/// Whether a value matches one expected result.
pub fn matches(v: &WastVal, r: &WastRetCore<'_>) -> bool {
    match (r, *v) {
        (WastRetCore::I32(x), WastVal::I32(y)) => *x as u32 == y,
        (WastRetCore::I64(x), WastVal::I64(y)) => *x as u64 == y,
        (WastRetCore::F32(p), WastVal::F32(b)) => f32_matches(b, p),
        (WastRetCore::F64(p), WastVal::F64(b)) => f64_matches(b, p),
        (WastRetCore::V128(p), WastVal::V128(b)) => v128_matches(b, p),
        (
            WastRetCore::RefNull(None),
            WastVal::FuncRef { null: true }
            | WastVal::ExternRef(None)
            | WastVal::AnyRef(None)
            | WastVal::ExnRef { null: true },
        ) => true,
        (WastRetCore::RefNull(Some(ty)), _) => null_of(ty, v),
        (WastRetCore::RefExtern(None), WastVal::ExternRef(Some(_)) | WastVal::ExternAny(_)) => true,
        (WastRetCore::RefHost(n), WastVal::AnyRef(Some(AnyRef::Host(m)))) => *n == m,
        (WastRetCore::RefAny, WastVal::AnyRef(Some(_))) => true,
        (WastRetCore::RefEq, WastVal::AnyRef(Some(AnyRef::I31(_) | AnyRef::Struct | AnyRef::Array))) => true,
        (WastRetCore::RefI31, WastVal::AnyRef(Some(AnyRef::I31(_)))) => true,
        (WastRetCore::RefStruct, WastVal::AnyRef(Some(AnyRef::Struct))) => true,
        (WastRetCore::RefArray, WastVal::AnyRef(Some(AnyRef::Array))) => true,
        (WastRetCore::RefExtern(Some(n)), WastVal::ExternRef(Some(m))) => *n == m,
        (WastRetCore::RefFunc(_), WastVal::FuncRef { null: false }) => true,
        (WastRetCore::Either(alts), _) => alts.iter().any(|a| matches(v, a)),
        _ => false,
    }
}

/// Whether results match the expected list, value for value.
pub fn all_match(vals: &[WastVal], rets: &[&WastRetCore<'_>]) -> bool {
    vals.len() == rets.len() && vals.iter().zip(rets).all(|(v, r)| matches(v, r))
}

/// Expected results as text for failure messages.
pub fn describe(rets: &[&WastRetCore<'_>]) -> String {
    let parts: Vec<String> = rets.iter().map(|r| describe_one(r)).collect();
    format!("({})", parts.join(", "))
}

fn describe_one(r: &WastRetCore<'_>) -> String {
    let nan32 = |p: &NanPattern<F32>| match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => format!("{} (0x{:08x})", f32::from_bits(v.bits), v.bits),
    };
    let nan64 = |p: &NanPattern<F64>| match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => format!("{} (0x{:016x})", f64::from_bits(v.bits), v.bits),
    };
    match r {
        WastRetCore::I32(x) => format!("i32:{x}"),
        WastRetCore::I64(x) => format!("i64:{x}"),
        WastRetCore::F32(p) => format!("f32:{}", nan32(p)),
        WastRetCore::F64(p) => format!("f64:{}", nan64(p)),
        WastRetCore::V128(V128Pattern::F32x4(l)) => {
            format!("v128:f32x4 {}", l.iter().map(nan32).collect::<Vec<_>>().join(" "))
        }
        WastRetCore::V128(V128Pattern::F64x2(l)) => {
            format!("v128:f64x2 {}", l.iter().map(nan64).collect::<Vec<_>>().join(" "))
        }
        WastRetCore::V128(V128Pattern::I8x16(l)) => lanes("i8x16", l),
        WastRetCore::V128(V128Pattern::I16x8(l)) => lanes("i16x8", l),
        WastRetCore::V128(V128Pattern::I32x4(l)) => lanes("i32x4", l),
        WastRetCore::V128(V128Pattern::I64x2(l)) => lanes("i64x2", l),
        WastRetCore::RefNull(_) => "ref.null".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::RefHost(n) => format!("ref.host {n}"),
        WastRetCore::RefAny => "ref.any".to_string(),
        WastRetCore::RefEq => "ref.eq".to_string(),
        WastRetCore::RefI31 => "ref.i31".to_string(),
        WastRetCore::RefStruct => "ref.struct".to_string(),
        WastRetCore::RefArray => "ref.array".to_string(),
        WastRetCore::Either(alts) => {
            format!("either{}", describe(&alts.iter().collect::<Vec<_>>()))
        }
        other => format!("{other:?}"),
    }
}

fn lanes<T: std::fmt::Display>(shape: &str, l: &[T]) -> String {
    let l: Vec<String> = l.iter().map(|x| x.to_string()).collect();
    format!("v128:{shape} {}", l.join(" "))
}

/// Loose match of a trap kind against a script's expected message: the
/// kind's usual wordings in the spec interpreter and the engines.
pub fn trap_matches(kind: &TrapKind, message: &str) -> bool {
    let keys: &[&str] = match kind {
        TrapKind::Unreachable => &["unreachable"],
        TrapKind::IntegerDivideByZero => &["integer divide by zero"],
        TrapKind::IntegerOverflow => &["integer overflow"],
        TrapKind::InvalidConversionToInteger => &["invalid conversion to integer"],
        TrapKind::MemoryOutOfBounds => &["out of bounds memory access", "memory access out of bounds"],
        TrapKind::TableOutOfBounds => &["out of bounds table access", "undefined element", "table"],
        TrapKind::IndirectCallToNull => &["uninitialized element", "uninitialized"],
        TrapKind::BadSignature => &["indirect call type mismatch", "signature mismatch"],
        TrapKind::InvalidConversionOrOverflow => &["invalid conversion to integer", "integer overflow"],
        TrapKind::IndirectCallToNullOrBadSignature => {
            &["uninitialized element", "uninitialized", "indirect call type mismatch", "signature mismatch"]
        }
        TrapKind::NullReference => &["null"],
        TrapKind::CastFailure => &["cast failure", "illegal cast"],
        TrapKind::ArrayOutOfBounds => &["out of bounds array access", "array element access out of bounds"],
        TrapKind::UnalignedAtomic => &["unaligned atomic"],
        TrapKind::UnalignedAtomicOrOutOfBounds => &["unaligned atomic", "out of bounds memory access"],
        // The other two-way kinds: either kind's wordings.
        either @ (TrapKind::NullReferenceOrArrayOutOfBounds
        | TrapKind::NullReferenceOrMemoryOutOfBounds
        | TrapKind::NullReferenceOrTableOutOfBounds) => {
            return either.either().is_some_and(|kinds| kinds.iter().any(|k| trap_matches(k, message)));
        }
        TrapKind::AtomicWaitNonShared => &["expected shared memory"],
        TrapKind::UncaughtException => &["uncaught exception"],
        TrapKind::Other(text) => return !text.is_empty() && message.contains(text.as_str()),
    };
    keys.iter().any(|key| message.contains(key))
}
