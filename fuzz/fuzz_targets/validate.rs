//! Possibly invalid modules on every default engine: they must agree on
//! valid or invalid (see `crosscheck::validate`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    crosscheck::fuzz_one(crosscheck::target::Target::Validate, data);
});
