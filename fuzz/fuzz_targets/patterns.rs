//! Small functions built from the catalog of shapes compilers lower
//! specially, at the edges of memory, on every default engine, judged
//! against the reference interpreter's masks.
#![no_main]

crosscheck::libfuzzer_target!(Patterns);
