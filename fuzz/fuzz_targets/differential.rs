//! wasm-smith modules on every default engine, judged against the first.
#![no_main]

use crosscheck::target::Target;
use libfuzzer_sys::{Corpus, fuzz_target};

const TARGET: Target = Target::Differential;

// `init`: a wrong $CROSSCHECK_ENGINES or $CROSSCHECK_KEEP_FACTOR exits 2
// there, before libFuzzer would call any exit a crash.
fuzz_target!(init: crosscheck::fuzz_init(TARGET), |data: &[u8]| -> Corpus {
    // Checked either way; not kept if far slower than the run's typical input.
    if crosscheck::fuzz_one(TARGET, data) { Corpus::Keep } else { Corpus::Reject }
});
