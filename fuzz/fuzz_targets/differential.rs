//! wasm-smith modules on every default engine, judged against the first.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    crosscheck::fuzz_one(crosscheck::target::Target::Differential, data);
});
