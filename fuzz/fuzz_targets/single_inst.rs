//! One instruction with fuzzed immediates and a batch of operand tuples on
//! every default engine, judged against the exact set of results the spec
//! allows (the reference interpreter first).
#![no_main]

crosscheck::libfuzzer_target!(SingleInst);
