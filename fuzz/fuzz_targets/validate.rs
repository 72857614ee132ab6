//! Possibly invalid modules on every default engine: they must agree on
//! valid or invalid (see `crosscheck::validate`).
#![no_main]

crosscheck::libfuzzer_target!(Validate);
