//! wasm-smith modules on every default engine, judged against the first.
#![no_main]

crosscheck::libfuzzer_target!(Differential);
