//! Documented engine crashes that take the whole process down with a signal
//! (SIGSEGV in generated code): no panic message to match and nothing to
//! catch in process, so each is recognized *before* the engine runs, by the
//! module shape that sets it off.
//!
//! Fuzzing engine sets ([`crate::engines::EngineSet::leave_out_fatal_crashes`],
//! used by the cargo-fuzz targets and `crosscheck fuzz`'s workers) leave
//! the engine out of a module that has the shape, with the bug's name in
//! the run's report, instead of losing the libFuzzer process (and every
//! later input) or filing every SIGSEGV under one signature where a new one
//! would pass as a duplicate. `crosscheck run` and `repro` still run the
//! engine, so the crash reproduces, and name the bug next to the signal.
//!
//! A trigger may claim more modules than crash (it reads the module, not
//! the engine's code): what it claims is written next to it and kept small
//! by a test that counts how often generated modules have the shape.

use wasmparser::{FuncValidatorAllocations, Operator, Parser, Payload, ValidPayload, Validator};

/// A documented crash that kills the process.
pub struct FatalCrash {
    /// Stable name, as in the signature `known-bug:<name>`.
    pub name: &'static str,
    /// The engine that has it (as named on the command line).
    pub engine: &'static str,
    pub doc: &'static str,
    /// Whether a (valid) module has the shape that sets the crash off.
    pub trigger: fn(&[u8]) -> bool,
}

/// Every documented process-killing crash.
pub const FATAL_CRASHES: &[FatalCrash] = &[FatalCrash {
    name: "winch-table-copy-lazy-value-below",
    engine: "winch",
    doc: "docs/findings/winch-table-copy-lazy-value-below.md",
    trigger: table_copy_over_a_value,
}];

/// The documented fatal crash `engine` would hit on `wasm`. `engine` is a
/// name or a command line's spec: settings (`winch[opt=none]`) and a
/// planted fault (`winch+FAULT`) are the same engine beneath.
pub fn fatal_crash_for(engine: &str, wasm: &[u8]) -> Option<&'static FatalCrash> {
    let engine = engine.split(['+', '[']).next().unwrap_or(engine);
    FATAL_CRASHES.iter().find(|c| c.engine == engine && (c.trigger)(wasm))
}

/// A `table.copy` with any value on the operand stack beneath its three
/// operands, in any function of a valid module. Winch crashes when the
/// value beneath is one it keeps lazily (a `local.get`, a `global.get`);
/// a constant beneath runs, and so does a function never called: both are
/// claimed too. An invalid module claims nothing (no engine runs it).
pub fn table_copy_over_a_value(wasm: &[u8]) -> bool {
    // Cheap first: `table.copy` is 0xfc followed by 14 (as a LEB128 that
    // need not be the shortest, so only the prefix byte is looked for).
    if !wasm.contains(&0xfc) {
        return false;
    }
    let features = crosscheck_oracles::Features::ALL.to_wasmparser();
    let mut validator = Validator::new_with_features(features);
    let mut allocs = FuncValidatorAllocations::default();
    // Kept going after a claim: the rest of the module must validate too.
    let mut claimed = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else { return false };
        let body = match &payload {
            Payload::CodeSectionEntry(body) => Some(body.clone()),
            _ => None,
        };
        let Ok(valid) = validator.payload(&payload) else { return false };
        let (ValidPayload::Func(func, _), Some(body)) = (valid, body) else { continue };
        let mut func = func.into_validator(std::mem::take(&mut allocs));
        let Ok(mut reader) = body.get_operators_reader() else { return false };
        let Ok(locals) = body.get_locals_reader() else { return false };
        for local in locals {
            let Ok((count, ty)) = local else { return false };
            if func.define_locals(reader.original_position(), count, ty).is_err() {
                return false;
            }
        }
        while !reader.eof() {
            let offset = reader.original_position();
            let Ok(op) = reader.read() else { return false };
            claimed |= matches!(op, Operator::TableCopy { .. }) && func.operand_stack_height() > 3;
            if func.op(offset, &op).is_err() {
                return false;
            }
        }
        allocs = func.into_allocations();
    }
    claimed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(body: &str) -> Vec<u8> {
        wat::parse_str(format!("(module (table 4 5 funcref) (global $g (mut i32) (i32.const 0)) {body})")).unwrap()
    }

    #[test]
    fn the_winch_table_copy_trigger_needs_a_value_beneath_the_operands() {
        let copy = "i32.const 0 i32.const 0 i32.const 0 table.copy";
        let claimed = [
            format!("(func (param i32) (result i32) local.get 0 {copy})"),
            format!("(func (result i32) global.get $g {copy})"),
            format!("(func (result i32) i32.const 7 {copy})"),
            // Beneath, in an enclosing block's part of the stack.
            format!("(func (param i32) (result i32) local.get 0 (block {copy}))"),
        ];
        for f in &claimed {
            assert!(table_copy_over_a_value(&wat(f)), "{f}");
        }
        let clear = [
            format!("(func {copy})"),
            // The value is consumed before the copy.
            format!("(func (param i32) local.get 0 drop {copy})"),
            "(func (param i32) (result i32) local.get 0 i32.const 0 i32.const 0 i32.const 0 memory.copy) (memory 1)"
                .to_string(),
        ];
        for f in &clear {
            assert!(!table_copy_over_a_value(&wat(f)), "{f}");
        }
        // Invalid: no engine runs it.
        let mut broken = wat(&claimed[0]);
        broken.truncate(broken.len() - 3);
        assert!(!table_copy_over_a_value(&broken));
    }

    #[test]
    fn the_regression_module_is_claimed_for_winch_alone() {
        let wasm = wat::parse_file("corpus/regressions/winch-table-copy-lazy-value-below.wat").unwrap();
        assert_eq!(fatal_crash_for("winch", &wasm).map(|c| c.name), Some("winch-table-copy-lazy-value-below"));
        assert!(fatal_crash_for("winch+i32-result-bit", &wasm).is_some());
        assert!(fatal_crash_for("winch[opt=none]", &wasm).is_some());
        assert!(fatal_crash_for("wasmtime", &wasm).is_none());
        assert!(std::path::Path::new(FATAL_CRASHES[0].doc).exists());
    }
}
