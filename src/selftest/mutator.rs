//! A planted mutator fault for the semantics-preservation oracle
//! ([`crate::mutate::oracle`]): a "mutation" that claims to preserve
//! semantics but turns the first `i32.add` of the module into `i32.sub`.
//!
//! `$CROSSCHECK_MUTATOR_FAULT=add-to-sub` plants it in every
//! semantics-preserving chain ([`crate::mutate::chain`]: one last step), so
//! the fuzz loop, `crosscheck fuzz`'s workers and the `mutate` fuzz target
//! can be shown to catch a mutator bug end to end, as `CROSSCHECK_ENGINES`
//! plants engine faults.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Operator, Parser, Payload};

/// `wasm` with its first `i32.add` (in code order) replaced by `i32.sub`;
/// `None` when the module has none or cannot be read (a truncated one
/// included: libFuzzer's byte mutator makes those).
pub fn add_to_sub(wasm: &[u8]) -> Option<Vec<u8>> {
    let mut re = RoundtripReencoder;
    let mut module = wasm_encoder::Module::new();
    let mut flipped = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        let Some((id, range)) = payload.as_section() else { continue };
        if let Payload::CodeSectionStart { .. } = payload {
            let mut code = wasm_encoder::CodeSection::new();
            let data = wasm.get(range)?;
            let reader = wasmparser::CodeSectionReader::new(wasmparser::BinaryReader::new(data, 0)).ok()?;
            for body in reader {
                let body = body.ok()?;
                let mut f = re.new_function_with_parsed_locals(&body).ok()?;
                let mut ops = body.get_operators_reader().ok()?;
                while !ops.eof() {
                    let op = ops.read().ok()?;
                    if !flipped && matches!(op, Operator::I32Add) {
                        flipped = true;
                        f.instruction(&wasm_encoder::Instruction::I32Sub);
                    } else {
                        f.instruction(&re.instruction(op).ok()?);
                    }
                }
                code.function(&f);
            }
            module.section(&code);
        } else {
            module.section(&wasm_encoder::RawSection { id, data: wasm.get(range)? });
        }
    }
    flipped.then(|| module.finish())
}

/// Plants [`add_to_sub`] as the last step of every semantics-preserving
/// mutation chain when set to [`ADD_TO_SUB`].
pub const MUTATOR_FAULT_VAR: &str = "CROSSCHECK_MUTATOR_FAULT";

/// The one mutator fault's name.
pub const ADD_TO_SUB: &str = "add-to-sub";

/// The mutator name a planted step reports (as wasm-mutate's are).
pub const ADD_TO_SUB_KIND: &str = "crosscheck::selftest::mutator::AddToSub";

/// Whether `$CROSSCHECK_MUTATOR_FAULT` plants [`add_to_sub`]; an error
/// naming the variable for a value that is no fault (unset or empty: none).
pub fn planted() -> Result<bool, String> {
    match std::env::var(MUTATOR_FAULT_VAR) {
        Err(std::env::VarError::NotPresent) => Ok(false),
        Ok(v) if v.trim().is_empty() => Ok(false),
        Ok(v) if v.trim() == ADD_TO_SUB => Ok(true),
        Ok(v) => Err(format!("{MUTATOR_FAULT_VAR}: unknown mutator fault `{v}` (known: {ADD_TO_SUB})")),
        Err(e) => Err(format!("{MUTATOR_FAULT_VAR}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::add_to_sub;

    #[test]
    fn flips_the_first_add_and_reads_truncated_modules_without_panicking() {
        let wasm = wat::parse_str(
            "(module (func (param i32) (result i32) local.get 0 i32.const 1 i32.add i32.const 2 i32.add) (memory 1))",
        )
        .unwrap();
        let text = wasmprinter::print_bytes(add_to_sub(&wasm).expect("an i32.add")).unwrap();
        assert_eq!((text.matches("i32.sub").count(), text.matches("i32.add").count()), (1, 1), "{text}");
        // Every prefix (libFuzzer's byte mutator cuts modules anywhere):
        // no panic, and no module made of a cut one.
        for n in 0..wasm.len() {
            assert!(add_to_sub(&wasm[..n]).is_none_or(|m| wasmparser::validate(&m).is_err()), "prefix of {n} bytes");
        }
    }
}
