//! The `mutate` target's seed modules: `corpus/mutate/*.wat`, written by
//! the project, built into the binary and compiled with `wat` on first use
//! (so cargo-fuzz and OSS-Fuzz builds need no files at run time, and the
//! corpus cannot rot: a test compiles and runs every module).

use std::sync::OnceLock;

macro_rules! corpus {
    ($($name:literal),* $(,)?) => {
        /// `(name, WAT source)` of every corpus module, in name order.
        pub const SOURCES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../corpus/mutate/", $name, ".wat"))),)*
        ];
    };
}

corpus!(
    "atomics",
    "br_table_interp",
    "bulk_memory",
    "call_indirect",
    "collatz",
    "conversions",
    "crc32",
    "exceptions",
    "float_nan",
    "float_numerics",
    "func_refs",
    "gc_structs",
    "globals_select",
    "i64_arith",
    "infinite_loop",
    "memcpy_loop",
    "memory64",
    "memset_loop",
    "multi_memory",
    "multi_value",
    "recursion",
    "relaxed_simd",
    "simd_dot",
    "simd_saxpy",
    "simd_shuffle",
    "sort",
    "table_ops",
    "tail_calls",
);

/// A corpus module, compiled.
#[derive(Clone, Debug)]
pub struct Seed {
    pub name: &'static str,
    pub wasm: Vec<u8>,
}

/// Every corpus module compiled to binary, once per process. A module
/// that does not compile is a bug of the corpus (a test catches it); it is
/// left out here rather than bringing a fuzz run down.
pub fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        SOURCES.iter().filter_map(|(name, text)| wat::parse_str(text).ok().map(|wasm| Seed { name, wasm })).collect()
    })
}

/// Compiles every corpus module, naming the first that fails.
pub fn compile_all() -> Result<Vec<Seed>, String> {
    SOURCES
        .iter()
        .map(|(name, text)| {
            wat::parse_str(text).map(|wasm| Seed { name, wasm }).map_err(|e| format!("corpus/mutate/{name}.wat: {e}"))
        })
        .collect()
}
