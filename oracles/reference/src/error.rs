//! Error and trap types reported by decoding, validation, linking,
//! instantiation and execution.

use std::fmt;

/// The reason a computation trapped, one per trap condition of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// `unreachable` was executed.
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// `idiv_s` of the minimum value by -1 (result not representable).
    IntegerOverflow,
    /// Float-to-int truncation of NaN or of an out-of-range value.
    InvalidConversionToInteger,
    /// A memory access (or bulk memory operation) out of bounds.
    MemoryOutOfBounds,
    /// A table access (or bulk table operation) out of bounds.
    TableOutOfBounds,
    /// `call_indirect` through a null table entry.
    IndirectCallToNull,
    /// `call_indirect` whose callee's type differs from the expected type.
    BadSignature,
    /// An operation on a null reference that requires non-null.
    NullReference,
    /// An atomic access at a misaligned effective address.
    UnalignedAtomic,
    /// An atomic access both misaligned and out of bounds. The threads
    /// proposal's prose checks bounds first, its reference interpreter
    /// alignment first, and its formal rule only says "trap": either kind
    /// is allowed.
    UnalignedAtomicOrOutOfBounds,
    /// `memory.atomic.wait*` on an unshared memory.
    ExpectedSharedMemory,
    /// A host function failed or returned values of the wrong type.
    HostError,
    /// `ref.cast` of a reference not of the target type.
    CastFailure,
    /// An array access (or bulk array operation) out of bounds.
    ArrayOutOfBounds,
    /// `array.copy` with one array null and the other's range out of
    /// bounds. The spec's rules only say "trap" (its null rule and its
    /// bounds rule are separate, and no order between them is
    /// observable): either kind is allowed.
    NullReferenceOrArrayOutOfBounds,
    /// `array.init_data` on a null array with the segment's range out of
    /// bounds: either kind is allowed, as for
    /// [`TrapKind::NullReferenceOrArrayOutOfBounds`].
    NullReferenceOrMemoryOutOfBounds,
    /// `array.init_elem` on a null array with the segment's range out of
    /// bounds.
    NullReferenceOrTableOutOfBounds,
}

impl TrapKind {
    /// The spec interpreter's message text for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversionToInteger => "invalid conversion to integer",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::IndirectCallToNull => "uninitialized element",
            TrapKind::BadSignature => "indirect call type mismatch",
            TrapKind::NullReference
            | TrapKind::NullReferenceOrArrayOutOfBounds
            | TrapKind::NullReferenceOrMemoryOutOfBounds
            | TrapKind::NullReferenceOrTableOutOfBounds => "null reference",
            TrapKind::UnalignedAtomic | TrapKind::UnalignedAtomicOrOutOfBounds => "unaligned atomic",
            TrapKind::ExpectedSharedMemory => "expected shared memory",
            TrapKind::HostError => "host error",
            TrapKind::CastFailure => "cast failure",
            TrapKind::ArrayOutOfBounds => "out of bounds array access",
        }
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Failure of [`Store::invoke`](crate::Store::invoke).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Execution trapped.
    Trap(TrapKind),
    /// A resource limit was hit (call depth, fuel, stack): not a trap.
    Exhausted(String),
    /// The arguments do not match the function's parameter types.
    ArgumentMismatch(String),
    /// Masked execution only ([`Store::invoke_masked`](crate::Store::invoke_masked)):
    /// whether or how execution continues (a branch, an address, a trap,
    /// ...) depends on bits the spec leaves open; names the instruction and
    /// the reason.
    Undetermined(String),
    /// An exception escaped the invocation: the exception reference (see
    /// [`Store::exception`](crate::Store::exception)).
    Exception(crate::values::Ref),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Trap(t) => write!(f, "trap: {t}"),
            CallError::Exhausted(s) => write!(f, "exhausted: {s}"),
            CallError::ArgumentMismatch(s) => write!(f, "argument mismatch: {s}"),
            CallError::Undetermined(s) => write!(f, "undetermined: {s}"),
            CallError::Exception(_) => f.write_str("uncaught exception"),
        }
    }
}

impl std::error::Error for CallError {}

/// Failure of decoding, validation, linking or instantiation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The module is malformed or invalid; the validator's message.
    Invalid(String),
    /// The module needs a feature this interpreter does not implement;
    /// the feature's name (e.g. `"gc"`, `"exceptions"`).
    Unsupported(&'static str),
    /// Imports do not match the module's import types.
    Link(String),
    /// Instantiation trapped (segment out of bounds, start function).
    Trap(TrapKind),
    /// A resource limit was hit during instantiation.
    Exhausted(String),
    /// The start function threw an exception that was not caught.
    Exception,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(s) => write!(f, "invalid module: {s}"),
            Error::Unsupported(s) => write!(f, "unsupported feature: {s}"),
            Error::Link(s) => write!(f, "link error: {s}"),
            Error::Trap(t) => write!(f, "trap: {t}"),
            Error::Exhausted(s) => write!(f, "exhausted: {s}"),
            Error::Exception => f.write_str("uncaught exception"),
        }
    }
}

impl std::error::Error for Error {}

impl From<CallError> for Error {
    fn from(e: CallError) -> Error {
        match e {
            CallError::Trap(t) => Error::Trap(t),
            CallError::Exhausted(s) => Error::Exhausted(s),
            CallError::ArgumentMismatch(s) => Error::Link(s),
            CallError::Undetermined(s) => Error::Exhausted(format!("undetermined: {s}")),
            CallError::Exception(_) => Error::Exception,
        }
    }
}
