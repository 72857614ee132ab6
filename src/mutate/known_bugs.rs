//! wasm-mutate bugs written up in `docs/findings/`, recognized the way
//! engine bugs are ([`crate::triage`]): a mutator divergence is traced to a
//! bug when undoing the bug's rewrite in the mutant makes the oracle agree.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Operator, Parser, Payload};

/// A documented wasm-mutate bug.
pub struct KnownMutatorBug {
    pub name: &'static str,
    pub doc: &'static str,
    /// The mutant with the bug's rewrites undone (`None`: nothing to undo).
    pub undo: fn(&[u8]) -> Option<Vec<u8>>,
}

/// Every known wasm-mutate bug.
pub const KNOWN_MUTATOR_BUGS: &[KnownMutatorBug] = &[KnownMutatorBug {
    name: "wasm-mutate-peephole-float-identities",
    doc: "docs/findings/wasm-mutate-peephole-float-identities.md",
    undo: without_float_identities,
}];

/// Whether `op` is `fN.const 0.0` (positive zero) or `fN.const 1.0`, and
/// the operator that makes it an identity (`fN.add`, `fN.mul`).
fn identity_operand(op: &Operator<'_>) -> Option<fn(&Operator<'_>) -> bool> {
    match op {
        Operator::F32Const { value } if value.bits() == 0 => Some(|o| matches!(o, Operator::F32Add)),
        Operator::F64Const { value } if value.bits() == 0 => Some(|o| matches!(o, Operator::F64Add)),
        Operator::F32Const { value } if value.bits() == 1.0f32.to_bits() => Some(|o| matches!(o, Operator::F32Mul)),
        Operator::F64Const { value } if value.bits() == 1.0f64.to_bits() => Some(|o| matches!(o, Operator::F64Mul)),
        _ => None,
    }
}

/// The module with every `fN.const 0; fN.add` and `fN.const 1; fN.mul`
/// pair dropped (the peephole rules `x => x + 0.0` and `x => x * 1.0`, in
/// the order wasm-mutate emits them, the constant possibly stored to and
/// reloaded from a global in between); `None` when there is none.
pub fn without_float_identities(wasm: &[u8]) -> Option<Vec<u8>> {
    let mut re = RoundtripReencoder;
    let mut module = wasm_encoder::Module::new();
    let mut dropped = 0;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        let Some((id, range)) = payload.as_section() else { continue };
        if let Payload::CodeSectionStart { .. } = payload {
            let mut code = wasm_encoder::CodeSection::new();
            let reader = wasmparser::CodeSectionReader::new(wasmparser::BinaryReader::new(&wasm[range], 0)).ok()?;
            for body in reader {
                let body = body.ok()?;
                let mut f = re.new_function_with_parsed_locals(&body).ok()?;
                let ops: Vec<Operator<'_>> =
                    body.get_operators_reader().ok()?.into_iter().collect::<Result<_, _>>().ok()?;
                let mut i = 0;
                while i < ops.len() {
                    if let Some(is_identity) = identity_operand(&ops[i]) {
                        // The constant may take a detour through a global
                        // (`global.set g; global.get g`, another rewrite).
                        let detour = match (ops.get(i + 1), ops.get(i + 2)) {
                            (
                                Some(Operator::GlobalSet { global_index: s }),
                                Some(Operator::GlobalGet { global_index: g }),
                            ) if s == g => 2,
                            _ => 0,
                        };
                        if ops.get(i + 1 + detour).is_some_and(is_identity) {
                            dropped += 1;
                            i += 2 + detour;
                            continue;
                        }
                    }
                    f.instruction(&re.instruction(ops[i].clone()).ok()?);
                    i += 1;
                }
                code.function(&f);
            }
            module.section(&code);
        } else {
            module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
        }
    }
    (dropped > 0).then(|| module.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_exactly_the_identity_pairs() {
        let wat = r#"(module (func (param f32 f64) (result f32 f64)
            local.get 0 f32.const 0 f32.add f32.const 1 f32.mul
            local.get 1 f64.const -0 f64.add f64.const 2 f64.mul
            f64.const 0 global.set 0 global.get 0 f64.add)
            (global (mut f64) (f64.const 0)))"#;
        let out = without_float_identities(&wat::parse_str(wat).unwrap()).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert!(!text.contains("f32.add") && !text.contains("f32.mul"), "{text}");
        assert_eq!(text.matches("f64.add").count(), 1, "-0.0 stays, the detour through a global goes: {text}");
        assert!(text.contains("f64.mul"), "2.0 is no identity: {text}");
    }
}
