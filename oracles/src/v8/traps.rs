//! V8's exceptions mapped onto crosscheck's outcomes: `RuntimeError`
//! messages onto [`TrapKind`], `RangeError` (call stack, memory) onto
//! exhaustion, and the rest onto engine failures.

use super::protocol::ErrorClass;
use crate::value::{CallOutcome, TrapKind};

/// The trap kind of a V8 `RuntimeError` message.
pub fn trap_kind(message: &str) -> TrapKind {
    let m = message;
    let has = |s: &str| m.contains(s);
    if has("unreachable") {
        TrapKind::Unreachable
    } else if has("illegal cast") {
        // GC traps by the spec's wording, as the reference reports them.
        TrapKind::Other("cast failure".into())
    } else if has("array element access out of bounds") {
        TrapKind::Other("out of bounds array access".into())
    } else if has("divide by zero") || has("remainder by zero") {
        TrapKind::IntegerDivideByZero
    } else if has("divide result unrepresentable") {
        TrapKind::IntegerOverflow
    } else if has("float unrepresentable in integer range") {
        // V8 has one trap for NaN and out-of-range truncations.
        TrapKind::InvalidConversionOrOverflow
    } else if has("memory access out of bounds") || has("data segment") {
        TrapKind::MemoryOutOfBounds
    } else if has("unaligned") {
        TrapKind::UnalignedAtomic
    } else if has("function signature mismatch") {
        // V8 has one trap for both ("null function or function signature
        // mismatch" before V8 12): its null entries carry no signature.
        TrapKind::IndirectCallToNullOrBadSignature
    } else if has("Atomics.wait cannot be called") {
        TrapKind::AtomicWaitNonShared
    } else if has("table index is out of bounds") || has("table") || has("element segment") {
        TrapKind::TableOutOfBounds
    } else if has("null") {
        TrapKind::NullReference
    } else if has("shared") {
        TrapKind::AtomicWaitNonShared
    } else {
        TrapKind::Other(message.to_string())
    }
}

/// Whether a `CompileError` is V8 refusing a valid module over one of its
/// implementation limits (table or memory sizes), which the spec allows.
pub fn is_implementation_limit(message: &str) -> bool {
    message.contains("implementation limit")
}

/// The outcome of a call that threw.
pub fn call_outcome(class: ErrorClass, message: &str) -> CallOutcome {
    match class {
        ErrorClass::Runtime => CallOutcome::Trapped(trap_kind(message)),
        ErrorClass::Range => CallOutcome::Exhausted(format!("RangeError: {message}")),
        other => CallOutcome::Failed(format!("{other:?}Error: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v8_messages_map_to_kinds() {
        let cases = [
            ("unreachable", TrapKind::Unreachable),
            ("divide by zero", TrapKind::IntegerDivideByZero),
            ("remainder by zero", TrapKind::IntegerDivideByZero),
            ("divide result unrepresentable", TrapKind::IntegerOverflow),
            ("float unrepresentable in integer range", TrapKind::InvalidConversionOrOverflow),
            ("memory access out of bounds", TrapKind::MemoryOutOfBounds),
            ("table index is out of bounds", TrapKind::TableOutOfBounds),
            ("null function or function signature mismatch", TrapKind::IndirectCallToNullOrBadSignature),
            ("function signature mismatch", TrapKind::IndirectCallToNullOrBadSignature),
            (
                "data segment 0 is out of bounds (offset 65536, length 1, memory size 65536)",
                TrapKind::MemoryOutOfBounds,
            ),
            ("dereferencing a null pointer", TrapKind::NullReference),
            ("illegal cast", TrapKind::Other("cast failure".into())),
            ("array element access out of bounds", TrapKind::Other("out of bounds array access".into())),
        ];
        for (m, k) in cases {
            assert_eq!(trap_kind(m), k, "{m}");
        }
        assert!(matches!(
            call_outcome(ErrorClass::Range, "Maximum call stack size exceeded"),
            CallOutcome::Exhausted(_)
        ));
    }
}
