//! Engine bugs crosscheck has found and documented, each with a rewrite
//! that sidesteps its trigger without changing the module's meaning.

use crate::case::Case;
use crate::engines::EngineSet;
use crate::judge::{EngineRun, Verdict, judge};
use wasmparser::{Operator, Parser, Payload};

/// A documented engine bug.
pub struct KnownBug {
    /// Stable name, used as the divergence signature (`known-bug:<name>`).
    pub name: &'static str,
    /// The engine that has it (as named on the command line).
    pub engine: &'static str,
    /// The write-up, relative to the repository root.
    pub doc: &'static str,
    /// The module rewritten to avoid the trigger, or `None` when the module
    /// has no trigger site.
    pub workaround: fn(&[u8]) -> Option<Vec<u8>>,
}

/// Every known bug.
pub const KNOWN_BUGS: &[KnownBug] = &[KnownBug {
    name: "wasmi-select-eqz-ignores-operand",
    engine: "wasmi",
    doc: "docs/findings/wasmi-select-eqz-ignores-operand.md",
    workaround: or_zero_before_select,
}];

/// A documented engine crash, recognized by its panic message.
pub struct KnownCrash {
    pub name: &'static str,
    pub engine: &'static str,
    pub doc: &'static str,
    /// Every one of these must appear in the worker's stderr.
    pub message_contains: &'static [&'static str],
}

/// Every known crash.
pub const KNOWN_CRASHES: &[KnownCrash] = &[
    KnownCrash {
        name: "winch-load-splat-needs-avx2",
        engine: "winch",
        doc: "docs/findings/winch-load-splat-avx2.md",
        message_contains: &["Cannot emit inst 'vpbroadcast", "avx2"],
    },
    KnownCrash {
        name: "wasmi-store-tee-panic",
        engine: "wasmi",
        doc: "docs/findings/wasmi-store-tee-panic.md",
        message_contains: &[
            "wasmi-2.0.0/src/engine/translator/func/mod.rs",
            "entered unreachable code",
        ],
    },
];

/// The known crash a worker's stderr shows, if any.
pub fn known_crash(stderr: &str) -> Option<&'static KnownCrash> {
    KNOWN_CRASHES
        .iter()
        .find(|c| c.message_contains.iter().all(|m| stderr.contains(m)))
}

/// If the divergence of a Case disappears when every engine that has a
/// known bug reruns the bug's workaround module, returns that bug.
pub fn attribute(
    case: &Case,
    runs: &[EngineRun],
    engines: &mut EngineSet,
) -> Option<&'static KnownBug> {
    for bug in KNOWN_BUGS {
        let buggy: Vec<usize> = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.engine == bug.engine)
            .map(|(i, _)| i)
            .collect();
        if buggy.is_empty() {
            continue;
        }
        let Some(wasm) = (bug.workaround)(&case.plan.wasm) else {
            continue;
        };
        let mut plan = case.plan.clone();
        plan.wasm = wasm;
        let mut rerun: Vec<EngineRun> = runs.to_vec();
        for &i in &buggy {
            rerun[i].observation = engines.run_one(i, &plan);
        }
        // No longer diverging: agreeing, or inconclusive where the original
        // was too (open bits or exhaustion later in the Case).
        if !matches!(judge(case, &rerun).0, Verdict::Diverge(_)) {
            return Some(bug);
        }
    }
    None
}

/// `cond; select` → `cond; i32.const 0; i32.or; select` wherever `cond` is
/// `i32.eqz`, `i32.eq`, `i32.ne` or `ref.is_null` (which wasmi translates
/// as `i32.eqz`): the same value, but wasmi 2.0.0 no longer fuses the
/// comparison into the select (where, when the comparison's operand is in
/// a stack slot, it reads the condition from its register instead).
pub fn or_zero_before_select(wasm: &[u8]) -> Option<Vec<u8>> {
    rewrite_bodies(
        wasm,
        |prev, op| {
            matches!(
                prev,
                Operator::I32Eqz | Operator::I32Eq | Operator::I32Ne | Operator::RefIsNull
            ) && matches!(
                op,
                Operator::Select | Operator::TypedSelect { .. } | Operator::TypedSelectMulti { .. }
            )
        },
        &[0x41, 0x00, 0x72],
    )
}

/// Inserts `insert` before every operator for which `site(previous, op)`
/// holds; `None` when there is no such site or the module does not parse.
fn rewrite_bodies(
    wasm: &[u8],
    site: impl Fn(&Operator, &Operator) -> bool,
    insert: &[u8],
) -> Option<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    let mut code: Option<wasm_encoder::CodeSection> = None;
    let mut remaining = 0u32;
    let mut changed = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        match &payload {
            Payload::CodeSectionStart { count, .. } => {
                code = Some(wasm_encoder::CodeSection::new());
                remaining = *count;
                if remaining == 0 {
                    module.section(&code.take()?);
                }
                continue;
            }
            Payload::CodeSectionEntry(body) => {
                let start = body.range().start;
                let bytes = body.as_bytes();
                let mut out = Vec::with_capacity(bytes.len() + 8);
                let mut copied = 0usize;
                let mut reader = body.get_operators_reader().ok()?;
                let mut prev = Operator::Nop;
                while !reader.eof() {
                    let (op, offset) = reader.read_with_offset().ok()?;
                    if site(&prev, &op) {
                        let at = offset - start;
                        out.extend_from_slice(&bytes[copied..at]);
                        out.extend_from_slice(insert);
                        copied = at;
                        changed = true;
                    }
                    prev = op;
                }
                out.extend_from_slice(&bytes[copied..]);
                code.as_mut()?.raw(&out);
                remaining -= 1;
                if remaining == 0 {
                    module.section(&code.take()?);
                }
                continue;
            }
            _ => {}
        }
        if let Some((id, range)) = payload.as_section() {
            module.section(&wasm_encoder::RawSection {
                id,
                data: &wasm[range],
            });
        }
    }
    changed.then(|| module.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workaround_rewrites_exactly_the_trigger_sites() {
        let wat = r#"(module
            (func (export "f") (param i32) (result i32)
              (select (i32.const 1) (local.get 0) (i32.eqz (local.get 0))))
            (func (export "g") (param i32) (result i32)
              (select (i32.const 1) (local.get 0) (i32.lt_s (local.get 0) (i32.const 3))))
            (data "x"))"#;
        let wasm = wat::parse_str(wat).unwrap();
        let out = or_zero_before_select(&wasm).expect("one site");
        wasmparser::validate(&out).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert_eq!(text.matches("i32.or").count(), 1, "{text}");
        assert!(
            text.contains("i32.eqz\n    i32.const 0\n    i32.or\n    select"),
            "{text}"
        );
        let ref_is_null = wat::parse_str(
            r#"(module (table 1 externref)
              (func (param externref) (result i32)
                (select (table.size 0) (i32.const 9) (ref.is_null (local.get 0)))))"#,
        )
        .unwrap();
        let out = or_zero_before_select(&ref_is_null).expect("one site");
        wasmparser::validate(&out).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert!(
            text.contains("ref.is_null\n    i32.const 0\n    i32.or\n    select"),
            "{text}"
        );
        let no_site = wat::parse_str(r#"(module (func (param i32) (result i32) (select (i32.const 1) (local.get 0) (local.get 0))))"#).unwrap();
        assert!(or_zero_before_select(&no_site).is_none());
    }
}
