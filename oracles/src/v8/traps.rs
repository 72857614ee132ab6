//! V8's exceptions mapped onto crosscheck's outcomes: `RuntimeError`
//! messages onto [`TrapKind`], `RangeError` (call stack, memory) onto
//! exhaustion, and the rest onto engine failures.

use super::protocol::ErrorClass;
use crate::value::{CallOutcome, TrapKind};

/// The trap kind of a V8 `RuntimeError` message.
pub fn trap_kind(message: &str) -> TrapKind {
    let m = message;
    let has = |s: &str| m.contains(s);
    if has("array element access out of bounds") {
        TrapKind::ArrayOutOfBounds
    } else if has("illegal cast") {
        TrapKind::CastFailure
    } else if has("unreachable") {
        TrapKind::Unreachable
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
    } else if has("null function") {
        // A null entry met by a `call_indirect` whose type is not final (a
        // subtype check, not a signature compare): V8 14 says "null
        // function" there, and "dereferencing a null pointer" for a null
        // `call_ref`.
        TrapKind::IndirectCallToNull
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
        // An array longer than V8 allocates: its limit, not the spec's.
        ErrorClass::Runtime if message.contains("requested new array is too large") => {
            CallOutcome::Exhausted(message.to_string())
        }
        ErrorClass::Runtime => CallOutcome::Trapped(trap_kind(message)),
        ErrorClass::Exception => CallOutcome::Trapped(TrapKind::UncaughtException),
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
            ("null function", TrapKind::IndirectCallToNull),
            (
                "data segment 0 is out of bounds (offset 65536, length 1, memory size 65536)",
                TrapKind::MemoryOutOfBounds,
            ),
            ("dereferencing a null pointer", TrapKind::NullReference),
            ("array element access out of bounds", TrapKind::ArrayOutOfBounds),
            ("illegal cast", TrapKind::CastFailure),
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
