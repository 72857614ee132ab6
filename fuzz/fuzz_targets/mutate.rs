//! Real modules through every default engine: libFuzzer's inputs are
//! `.wasm` modules, mutated by wasm-mutate about half the time and by
//! libFuzzer's byte mutator otherwise (see `crosscheck::mutate`).
#![no_main]

use crosscheck::target::Target;
use libfuzzer_sys::{Corpus, fuzz_target};

const TARGET: Target = Target::Mutate;

libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    crosscheck::mutate::libfuzzer_mutate(data, size, max_size, seed, libfuzzer_sys::fuzzer_mutate)
});

// `init`: a wrong $CROSSCHECK_ENGINES or $CROSSCHECK_KEEP_FACTOR exits 2
// there, before libFuzzer would call any exit a crash.
fuzz_target!(init: crosscheck::fuzz_init(TARGET), |data: &[u8]| -> Corpus {
    // Checked either way; not kept if far slower than the run's typical input.
    if crosscheck::fuzz_one(TARGET, data) { Corpus::Keep } else { Corpus::Reject }
});
