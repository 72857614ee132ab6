//! Feature gating: a module the engine's proposals do not validate, but
//! that validates once some other proposal is on, is skipped naming that
//! proposal; a module invalid under every proposal goes to the engine,
//! which must reject it.

use crosscheck_oracles::Features;
use wasmparser::{Validator, WasmFeatures};

/// Proposals crosscheck's [`Features`] knows, one at a time.
fn known() -> Vec<(&'static str, WasmFeatures)> {
    let one = |f: Features| f.to_wasmparser();
    let none = Features::NONE;
    vec![
        ("sign-extension", one(Features { sign_extension: true, ..none })),
        ("saturating-float-to-int", one(Features { saturating_float_to_int: true, ..none })),
        ("multi-value", one(Features { multi_value: true, ..none })),
        ("bulk-memory", one(Features { bulk_memory: true, ..none })),
        ("reference-types", one(Features { reference_types: true, ..none })),
        ("simd", one(Features { simd: true, ..none })),
        ("relaxed-simd", one(Features { relaxed_simd: true, ..none })),
        ("tail-call", one(Features { tail_call: true, ..none })),
        ("multi-memory", one(Features { multi_memory: true, ..none })),
        ("extended-const", one(Features { extended_const: true, ..none })),
        ("memory64", one(Features { memory64: true, ..none })),
        ("threads", one(Features { threads: true, ..none })),
        ("wide-arithmetic", one(Features { wide_arithmetic: true, ..none })),
        ("custom-page-sizes", one(Features { custom_page_sizes: true, ..none })),
        ("function-references", WasmFeatures::FUNCTION_REFERENCES),
        ("exceptions", one(Features { exceptions: true, ..none })),
        ("legacy-exceptions", WasmFeatures::LEGACY_EXCEPTIONS),
        ("gc", one(Features { gc: true, ..none })),
    ]
}

/// Proposals beyond [`Features`], tried on top of every known one (they
/// build on GC and exceptions).
const BEYOND: &[(&str, WasmFeatures)] = &[
    ("stack-switching", WasmFeatures::STACK_SWITCHING),
    ("shared-everything-threads", WasmFeatures::SHARED_EVERYTHING_THREADS),
    ("custom-descriptors", WasmFeatures::CUSTOM_DESCRIPTORS),
    ("memory-control", WasmFeatures::MEMORY_CONTROL),
    ("compact-imports", WasmFeatures::COMPACT_IMPORTS),
];

fn validates(wasm: &[u8], features: WasmFeatures) -> bool {
    Validator::new_with_features(features).validate_all(wasm).is_ok()
}

/// The proposal (or proposals, comma-separated) `wasm` needs beyond
/// `features`, or `None` when the engine's proposals validate it or
/// nothing does.
pub fn missing_feature(features: Features, wasm: &[u8]) -> Option<String> {
    let base = features.to_wasmparser();
    if validates(wasm, base) {
        return None;
    }
    let mut lacking: Vec<(&str, WasmFeatures)> = known().into_iter().filter(|(_, f)| !base.contains(*f)).collect();
    if let Some((name, _)) = lacking.iter().find(|(_, extra)| validates(wasm, base | *extra)) {
        return Some(name.to_string());
    }
    let union = |set: &[(&str, WasmFeatures)]| set.iter().fold(base, |acc, (_, f)| acc | *f);
    if validates(wasm, union(&lacking)) {
        // Drop every proposal the module validates without, last first.
        for i in (0..lacking.len()).rev() {
            let mut fewer = lacking.clone();
            fewer.remove(i);
            if validates(wasm, union(&fewer)) {
                lacking = fewer;
            }
        }
        let names: Vec<&str> = lacking.iter().map(|(n, _)| *n).collect();
        return Some(names.join(", "));
    }
    BEYOND.iter().find(|(_, extra)| validates(wasm, union(&lacking) | *extra)).map(|(name, _)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_missing_proposal() {
        let simd = wat::parse_str("(module (func (result v128) (v128.const i64x2 0 0)))").unwrap();
        assert_eq!(missing_feature(Features::NONE, &simd).as_deref(), Some("simd"));
        assert_eq!(missing_feature(Features::WASM2, &simd), None);
        let typed = wat::parse_str("(module (type $t (func)) (func (param (ref null $t))))").unwrap();
        assert_eq!(missing_feature(Features::WASM2, &typed).as_deref(), Some("function-references"));
        let invalid = wat::parse_str("(module (func (result i32)))").unwrap();
        assert_eq!(missing_feature(Features::WASM2, &invalid), None);
    }
}
