//! Values, value types and trap kinds: the vocabulary every engine adapter
//! translates into, so the judge can compare engines bit for bit.
//!
//! Floats are carried as their bit patterns, never as Rust floats, so that
//! `-0.0` and `+0.0` differ and NaN payloads survive every hop. References
//! are observed only as null or non-null: their identity is engine-private.

use std::fmt;

/// A WebAssembly value type that crosscheck can pass or observe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// Converts a wasmparser value type; `None` for types outside the set
    /// above (typed function references, GC types).
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) if r == wasmparser::RefType::FUNCREF => ValType::FuncRef,
            W::Ref(r) if r == wasmparser::RefType::EXTERNREF => ValType::ExternRef,
            W::Ref(_) => return None,
        })
    }

    /// Width of the type's bit pattern (references count as one bit: null or not).
    pub fn bit_width(self) -> u32 {
        match self {
            ValType::I32 | ValType::F32 => 32,
            ValType::I64 | ValType::F64 => 64,
            ValType::V128 => 128,
            ValType::FuncRef | ValType::ExternRef => 1,
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A WebAssembly value as bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    I32(u32),
    I64(u64),
    /// The f32's bit pattern.
    F32(u32),
    /// The f64's bit pattern.
    F64(u64),
    V128(u128),
    FuncRef {
        null: bool,
    },
    ExternRef {
        null: bool,
    },
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef { .. } => ValType::FuncRef,
            Val::ExternRef { .. } => ValType::ExternRef,
        }
    }

    /// The value's bits, zero-extended (a reference is 1 when non-null).
    pub fn bits(&self) -> u128 {
        match *self {
            Val::I32(x) | Val::F32(x) => x as u128,
            Val::I64(x) | Val::F64(x) => x as u128,
            Val::V128(x) => x,
            Val::FuncRef { null } | Val::ExternRef { null } => (!null) as u128,
        }
    }

    /// The default (zero or null) value of a type.
    pub fn default_of(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef { null: true },
            ValType::ExternRef => Val::ExternRef { null: true },
        }
    }

    /// Rebuilds a value of `ty` from bits (the inverse of [`Val::bits`]).
    pub fn from_bits(ty: ValType, bits: u128) -> Val {
        match ty {
            ValType::I32 => Val::I32(bits as u32),
            ValType::I64 => Val::I64(bits as u64),
            ValType::F32 => Val::F32(bits as u32),
            ValType::F64 => Val::F64(bits as u64),
            ValType::V128 => Val::V128(bits),
            ValType::FuncRef => Val::FuncRef { null: bits & 1 == 0 },
            ValType::ExternRef => Val::ExternRef { null: bits & 1 == 0 },
        }
    }
}

impl fmt::Display for Val {
    /// Text-format constants, with the exact bits where a float could hide them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Val::I32(x) => write!(f, "i32:{}", x as i32),
            Val::I64(x) => write!(f, "i64:{}", x as i64),
            Val::F32(b) => write!(f, "f32:{} (0x{b:08x})", f32::from_bits(b)),
            Val::F64(b) => write!(f, "f64:{} (0x{b:016x})", f64::from_bits(b)),
            Val::V128(x) => {
                write!(f, "v128:i32x4")?;
                for lane in 0..4 {
                    write!(f, " 0x{:08x}", (x >> (32 * lane)) as u32)?;
                }
                Ok(())
            }
            Val::FuncRef { null } => f.write_str(if null { "funcref:null" } else { "funcref:non-null" }),
            Val::ExternRef { null } => f.write_str(if null { "externref:null" } else { "externref:non-null" }),
        }
    }
}

/// Why execution stopped abnormally, by the spec's classes of trap.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    /// `call_indirect` through a null (uninitialized) table entry.
    IndirectCallToNull,
    /// `call_indirect` whose callee has another signature.
    BadSignature,
    /// Either of the two above: an engine that does not tell them apart
    /// (V8 has one trap, "null function or function signature mismatch").
    IndirectCallToNullOrBadSignature,
    /// [`TrapKind::IntegerOverflow`] or [`TrapKind::InvalidConversionToInteger`]
    /// of a float-to-integer truncation: an engine that does not tell NaN
    /// from out of range (V8: "float unrepresentable in integer range").
    InvalidConversionOrOverflow,
    NullReference,
    /// `ref.cast` of a reference not of the target type.
    CastFailure,
    /// An array access or bulk array operation out of bounds.
    ArrayOutOfBounds,
    UnalignedAtomic,
    /// [`TrapKind::UnalignedAtomic`] or [`TrapKind::MemoryOutOfBounds`]: an
    /// atomic access both misaligned and out of bounds, where the spec
    /// allows either (the reference interpreter reports this).
    UnalignedAtomicOrOutOfBounds,
    /// [`TrapKind::NullReference`] or [`TrapKind::ArrayOutOfBounds`]:
    /// `array.copy` with one array null and the other's range out of
    /// bounds, where the spec allows either (the reference reports this).
    NullReferenceOrArrayOutOfBounds,
    /// [`TrapKind::NullReference`] or [`TrapKind::MemoryOutOfBounds`]:
    /// `array.init_data` on a null array with the segment's range out of
    /// bounds.
    NullReferenceOrMemoryOutOfBounds,
    /// [`TrapKind::NullReference`] or [`TrapKind::TableOutOfBounds`]:
    /// `array.init_elem` on a null array with the segment's range out of
    /// bounds.
    NullReferenceOrTableOutOfBounds,
    /// `memory.atomic.wait` on unshared memory.
    AtomicWaitNonShared,
    /// An exception escaped to the host (outside the probe wrappers that
    /// catch each tag: the start function's, or an export left unwrapped).
    UncaughtException,
    /// A trap the adapter could not classify; the text is the engine's.
    Other(String),
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversionToInteger => "invalid conversion to integer",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::IndirectCallToNull => "indirect call to null",
            TrapKind::BadSignature => "indirect call signature mismatch",
            TrapKind::IndirectCallToNullOrBadSignature => "indirect call to null or signature mismatch",
            TrapKind::InvalidConversionOrOverflow => "invalid conversion to integer or integer overflow",
            TrapKind::NullReference => "null reference",
            TrapKind::CastFailure => "cast failure",
            TrapKind::ArrayOutOfBounds => "out of bounds array access",
            TrapKind::UnalignedAtomic => "unaligned atomic",
            TrapKind::UnalignedAtomicOrOutOfBounds => "unaligned atomic or out of bounds memory access",
            TrapKind::NullReferenceOrArrayOutOfBounds => "null reference or out of bounds array access",
            TrapKind::NullReferenceOrMemoryOutOfBounds => "null reference or out of bounds memory access",
            TrapKind::NullReferenceOrTableOutOfBounds => "null reference or out of bounds table access",
            TrapKind::AtomicWaitNonShared => "atomic wait on non-shared memory",
            TrapKind::UncaughtException => "uncaught exception",
            TrapKind::Other(s) => return write!(f, "other trap: {s}"),
        })
    }
}

impl TrapKind {
    /// The two kinds a two-way kind allows; `None` for any other kind.
    pub fn either(&self) -> Option<[TrapKind; 2]> {
        use TrapKind::*;
        Some(match self {
            IndirectCallToNullOrBadSignature => [IndirectCallToNull, BadSignature],
            InvalidConversionOrOverflow => [IntegerOverflow, InvalidConversionToInteger],
            UnalignedAtomicOrOutOfBounds => [UnalignedAtomic, MemoryOutOfBounds],
            NullReferenceOrArrayOutOfBounds => [NullReference, ArrayOutOfBounds],
            NullReferenceOrMemoryOutOfBounds => [NullReference, MemoryOutOfBounds],
            NullReferenceOrTableOutOfBounds => [NullReference, TableOutOfBounds],
            _ => return None,
        })
    }

    /// Whether two engines reporting these kinds agree: equal kinds, or a
    /// two-way kind (V8's, or the reference's where the spec allows either)
    /// against either of its two, or two two-way kinds sharing one.
    pub fn agrees_with(&self, other: &TrapKind) -> bool {
        let kinds = |k: &TrapKind| k.either().map_or_else(|| vec![k.clone()], |e| e.to_vec());
        self == other || kinds(self).iter().any(|k| kinds(other).contains(k))
    }
}

/// What one call of an export did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    Returned(Vec<Val>),
    Trapped(TrapKind),
    /// A resource limit of the engine (stack, memory): engine-specific, so
    /// this call and everything after it is inconclusive.
    Exhausted(String),
    /// The engine could not run the call at all (a crashed worker, an
    /// export it does not see): inconclusive, with the reason.
    Failed(String),
    /// The reference interpreter reached a branch, address, index or trap
    /// condition that depends on bits the spec leaves open: what follows is
    /// not determined by the spec, so this call and everything after it is
    /// inconclusive.
    Undetermined(String),
}

impl CallOutcome {
    /// Whether no call may follow this one (the engine's state is its own
    /// business, or not determined by the spec).
    pub fn ends_run(&self) -> bool {
        matches!(self, CallOutcome::Exhausted(_) | CallOutcome::Failed(_) | CallOutcome::Undetermined(_))
    }
}

impl fmt::Display for CallOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallOutcome::Returned(vals) if vals.is_empty() => f.write_str("()"),
            CallOutcome::Returned(vals) => {
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                Ok(())
            }
            CallOutcome::Trapped(k) => write!(f, "trap: {k}"),
            CallOutcome::Exhausted(why) => write!(f, "exhausted: {why}"),
            CallOutcome::Failed(why) => write!(f, "failed: {why}"),
            CallOutcome::Undetermined(why) => write!(f, "undetermined: {why}"),
        }
    }
}
