//! The supported feature set, and naming of the out-of-scope feature a
//! rejected module needs, so callers can skip such modules by name.

use crate::error::Error;
use wasmparser::{Operator, Validator, WasmFeatures};

/// Features this interpreter executes: Wasm 3.0 (Wasm 2.0 plus tail calls,
/// extended constants, multi-memory, relaxed SIMD, threads (atomics),
/// memory64 / table64, typed function references, GC and exception
/// handling) and wide arithmetic.
pub fn supported() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::GC
        | WasmFeatures::GC_TYPES
        | WasmFeatures::EXCEPTIONS
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::THREADS
        | WasmFeatures::MEMORY64
        | WasmFeatures::WIDE_ARITHMETIC
}

/// Candidate out-of-scope features, tried one at a time on top of
/// [`supported`]; the first that makes the module valid names it.
const CANDIDATES: &[(&str, WasmFeatures)] = &[
    ("component-model", WasmFeatures::COMPONENT_MODEL),
    ("legacy-exceptions", WasmFeatures::LEGACY_EXCEPTIONS),
    ("custom-page-sizes", WasmFeatures::CUSTOM_PAGE_SIZES),
    ("memory-control", WasmFeatures::MEMORY_CONTROL),
    ("compact-imports", WasmFeatures::COMPACT_IMPORTS),
    (
        "stack-switching",
        WasmFeatures::FUNCTION_REFERENCES
            .union(WasmFeatures::GC)
            .union(WasmFeatures::EXCEPTIONS)
            .union(WasmFeatures::STACK_SWITCHING),
    ),
    (
        "shared-everything-threads",
        WasmFeatures::FUNCTION_REFERENCES.union(WasmFeatures::GC).union(WasmFeatures::SHARED_EVERYTHING_THREADS),
    ),
    (
        "custom-descriptors",
        WasmFeatures::FUNCTION_REFERENCES.union(WasmFeatures::GC).union(WasmFeatures::CUSTOM_DESCRIPTORS),
    ),
];

fn validates(bytes: &[u8], f: WasmFeatures) -> bool {
    Validator::new_with_features(f).validate_all(bytes).is_ok()
}

/// Turns a validation failure under [`supported`] into either
/// `Error::Invalid(message)` (invalid under every feature set) or
/// `Error::Unsupported(name)` (valid once some out-of-scope feature is on).
pub fn classify_failure(bytes: &[u8], message: String) -> Error {
    if !validates(bytes, WasmFeatures::all()) {
        return Error::Invalid(message);
    }
    for (name, extra) in CANDIDATES {
        if validates(bytes, supported() | *extra) {
            return Error::Unsupported(name);
        }
    }
    Error::Unsupported("an unknown proposal")
}

/// The feature an operator belongs to, for operators the translator does
/// not implement (normally unreachable: validation rejects them first).
pub fn operator_feature(op: &Operator<'_>) -> &'static str {
    use Operator as O;
    match op {
        O::Try { .. } | O::Catch { .. } | O::Rethrow { .. } | O::Delegate { .. } | O::CatchAll => "legacy-exceptions",
        O::MemoryDiscard { .. } => "memory-control",
        O::ContNew { .. }
        | O::ContBind { .. }
        | O::Suspend { .. }
        | O::Resume { .. }
        | O::ResumeThrow { .. }
        | O::ResumeThrowRef { .. }
        | O::Switch { .. } => "stack-switching",
        _ => "shared-everything-threads",
    }
}
