//! Real modules through every default engine: libFuzzer's inputs are
//! `.wasm` modules, mutated by wasm-mutate (or crosscheck's own rewrites
//! where it offers nothing, as for Wasm 3.0 modules) about half the time
//! and by libFuzzer's byte mutator otherwise; a semantics-preserving step is kept
//! as its parent and seed, so the oracle judges it (see `crosscheck::mutate`).
#![no_main]

libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    crosscheck::mutate::libfuzzer_mutate(data, size, max_size, seed, libfuzzer_sys::fuzzer_mutate)
});

crosscheck::libfuzzer_target!(Mutate);
