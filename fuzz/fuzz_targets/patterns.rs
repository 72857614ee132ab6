//! Small functions built from the catalog of shapes compilers lower
//! specially, at the edges of memory, on every default engine, judged
//! against the reference interpreter's masks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    crosscheck::fuzz_one(crosscheck::target::Target::Patterns, data);
});
