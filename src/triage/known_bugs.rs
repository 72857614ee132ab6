//! Engine bugs crosscheck has found and documented, each with the engine
//! versions that have it and a rewrite that sidesteps its trigger without
//! changing the module's meaning.

use crate::case::Case;
use crate::engines::EngineSet;
use crate::judge::{EngineRun, Verdict};
use wasmparser::{Operator, Parser, Payload};

/// A documented engine bug.
pub struct KnownBug {
    /// Stable name, used as the divergence signature (`known-bug:<name>`).
    pub name: &'static str,
    /// The engine that has it (as named on the command line).
    pub engine: &'static str,
    /// Which of its versions.
    pub versions: Versions,
    /// The write-up, relative to the repository root.
    pub doc: &'static str,
    /// The module rewritten to avoid the trigger, or `None` when the module
    /// has no trigger site.
    pub workaround: fn(&[u8]) -> Option<Vec<u8>>,
}

/// The versions of an engine that have a bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versions {
    /// The version crosscheck links (wasmi, Wasmtime: one per build).
    Linked,
    /// Every V8 older than `major.minor`, the first seen without the bug.
    V8Before(u32, u32),
    /// Every V8 from `major.minor` on (no V8 without the bug seen yet).
    V8Since(u32, u32),
}

impl Versions {
    /// Whether an engine reporting `version` (as [`crosscheck_oracles::Engine::version`]
    /// prints it) has the bug.
    pub fn include(self, version: &str) -> bool {
        match self {
            Versions::Linked => true,
            Versions::V8Before(major, minor) => v8_version(version).is_some_and(|v| v < (major, minor)),
            Versions::V8Since(major, minor) => v8_version(version).is_some_and(|v| v >= (major, minor)),
        }
    }

    pub fn describe(self) -> String {
        match self {
            Versions::Linked => "the version linked".to_string(),
            Versions::V8Before(major, minor) => format!("V8 before {major}.{minor}"),
            Versions::V8Since(major, minor) => format!("V8 {major}.{minor} and later"),
        }
    }
}

/// `(major, minor)` of a V8 engine's version string (`V8 11.3.244.8-node.38 (Node …)`).
pub fn v8_version(version: &str) -> Option<(u32, u32)> {
    let rest = version.split_once("V8 ")?.1;
    let mut parts = rest.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Every known bug.
pub const KNOWN_BUGS: &[KnownBug] = &[
    KnownBug {
        name: "wasmi-select-eqz-ignores-operand",
        engine: "wasmi",
        versions: Versions::Linked,
        doc: "docs/findings/wasmi-select-eqz-ignores-operand.md",
        workaround: or_zero_after_eqz,
    },
    KnownBug {
        name: "wasmi-br-table-values-not-moved",
        engine: "wasmi",
        versions: Versions::Linked,
        doc: "docs/findings/wasmi-br-table-values-not-moved.md",
        workaround: br_table_as_br_ifs,
    },
    KnownBug {
        name: "v8-rounding-folds-signalling-nan",
        engine: "v8",
        versions: Versions::V8Before(14, 6),
        doc: "docs/findings/v8-rounding-folds-signalling-nan.md",
        workaround: super::v8_workarounds::mul_one_before_rounding,
    },
    KnownBug {
        name: "v8-relaxed-trunc-u-out-of-range",
        engine: "v8",
        versions: Versions::V8Before(12, 4),
        doc: "docs/findings/v8-relaxed-trunc-u-out-of-range.md",
        workaround: super::v8_workarounds::saturating_unsigned_truncations,
    },
    KnownBug {
        name: "v8-liftoff-relaxed-laneselect",
        engine: "v8-liftoff",
        versions: Versions::V8Before(12, 4),
        doc: "docs/findings/v8-liftoff-relaxed-laneselect.md",
        workaround: super::v8_workarounds::bitselect_for_laneselect,
    },
    KnownBug {
        name: "v8-liftoff-relaxed-dot-add",
        engine: "v8-liftoff",
        versions: Versions::V8Before(12, 4),
        doc: "docs/findings/v8-liftoff-relaxed-dot-add.md",
        workaround: super::v8_workarounds::unfused_dot_add,
    },
    KnownBug {
        name: "v8-relaxed-dot-add-unsaturated",
        engine: "v8",
        versions: Versions::V8Since(13, 6),
        doc: "docs/findings/v8-relaxed-dot-add-unsaturated.md",
        workaround: super::v8_workarounds::unfused_dot_add,
    },
    KnownBug {
        name: "v8-relaxed-dot-add-unsaturated",
        engine: "v8-liftoff",
        versions: Versions::V8Since(13, 6),
        doc: "docs/findings/v8-relaxed-dot-add-unsaturated.md",
        workaround: super::v8_workarounds::unfused_dot_add,
    },
    KnownBug {
        name: "v8-array-init-elem-bounds-order",
        engine: "v8",
        versions: Versions::V8Since(14, 6),
        doc: "docs/findings/v8-array-init-elem-bounds-order.md",
        workaround: super::v8_workarounds::array_bounds_before_init_elem,
    },
    KnownBug {
        name: "v8-array-init-elem-bounds-order",
        engine: "v8-liftoff",
        versions: Versions::V8Since(14, 6),
        doc: "docs/findings/v8-array-init-elem-bounds-order.md",
        workaround: super::v8_workarounds::array_bounds_before_init_elem,
    },
    KnownBug {
        name: "v8-array-init-data-bounds-order",
        engine: "v8",
        versions: Versions::V8Since(14, 6),
        doc: "docs/findings/v8-array-init-data-bounds-order.md",
        workaround: super::v8_workarounds::array_bounds_before_init_data,
    },
    KnownBug {
        name: "v8-array-init-data-bounds-order",
        engine: "v8-liftoff",
        versions: Versions::V8Since(14, 6),
        doc: "docs/findings/v8-array-init-data-bounds-order.md",
        workaround: super::v8_workarounds::array_bounds_before_init_data,
    },
];

/// The known bugs that `engine` at `version` has and whose trigger `wasm`
/// contains, each with its workaround module.
pub fn workarounds_for<'a>(
    engine: &'a str,
    version: &'a str,
    wasm: &'a [u8],
) -> impl Iterator<Item = (&'static KnownBug, Vec<u8>)> + 'a {
    KNOWN_BUGS
        .iter()
        .filter(move |b| b.engine == engine && b.versions.include(version))
        .filter_map(move |b| Some((b, (b.workaround)(wasm)?)))
}

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
        message_contains: &["wasmi-2.0.0/src/engine/translator/func/mod.rs", "entered unreachable code"],
    },
    KnownCrash {
        name: "wasmi-trailing-operator-debug-assert",
        engine: "wasmi",
        doc: "docs/findings/wasmi-trailing-operator-debug-assert.md",
        message_contains: &[
            "wasmi-2.0.0/src/engine/translator/func/stack/control.rs",
            "assertion failed: !self.is_empty()",
        ],
    },
];

/// The known crash a worker's stderr (or a caught panic's message) shows,
/// if any. Matched case-insensitively: engines reword their messages'
/// capitalization between versions.
pub fn known_crash(stderr: &str) -> Option<&'static KnownCrash> {
    let stderr = stderr.to_lowercase();
    KNOWN_CRASHES.iter().find(|c| c.message_contains.iter().all(|m| stderr.contains(&m.to_lowercase())))
}

/// If the divergence of a Case disappears when every engine that has a
/// known bug (in the version it runs) reruns the bug's workaround module,
/// returns that bug. A bug of several engines (V8's two tiers) is one
/// entry per engine under one name: every engine of the name reruns.
/// Judged as [`crate::target::judge_runs`] judges.
pub fn attribute(case: &Case, runs: &[EngineRun], engines: &mut EngineSet) -> Option<&'static KnownBug> {
    let features = engines.engine_features();
    for (i, bug) in KNOWN_BUGS.iter().enumerate() {
        // An earlier entry of the same name already reran all its engines.
        if KNOWN_BUGS[..i].iter().any(|b| b.name == bug.name) {
            continue;
        }
        let has_it = |r: &EngineRun| {
            KNOWN_BUGS.iter().any(|b| b.name == bug.name && b.engine == r.engine && b.versions.include(&r.version))
        };
        let buggy: Vec<usize> = runs.iter().enumerate().filter(|(_, r)| has_it(r)).map(|(i, _)| i).collect();
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
        if !matches!(crate::target::judge_runs(case, &rerun, &features).0, Verdict::Diverge(_)) {
            return Some(bug);
        }
    }
    None
}

/// `cond` → `cond; i32.const 0; i32.or` wherever `cond` is `i32.eqz`,
/// `i32.eq`, `i32.ne` or `ref.is_null` (which wasmi translates as
/// `i32.eqz`), unless a `br_if` or `if` consumes it right away: the same
/// value, but wasmi 2.0.0 no longer fuses the comparison into a `select`
/// (where, when the comparison's operand is in a stack slot, it reads the
/// condition from its register instead). Inserted right after the
/// comparison, not just before a `select`, because the fusion survives
/// operators that emit no wasmi code in between (`nop`, `local.get n;
/// local.set n`).
pub fn or_zero_after_eqz(wasm: &[u8]) -> Option<Vec<u8>> {
    rewrite_bodies(
        wasm,
        |prev, op| {
            matches!(prev, Operator::I32Eqz | Operator::I32Eq | Operator::I32Ne | Operator::RefIsNull)
                && !matches!(op, Operator::BrIf { .. } | Operator::If { .. })
        },
        &[0x41, 0x00, 0x72],
    )
}

/// `br_table l_0 … l_n-1 l_d` → `local.set $i`, then for each k
/// `local.get $i; i32.const k; i32.eq; br_if l_k`, then `br l_d`, with `$i`
/// a new i32 local: the same branches with the same values (no label is
/// added, so depths are unchanged), but wasmi 2.0.0 moves the branch values
/// right for `br_if` and `br`, where for a `br_table` whose targets share a
/// stack height it leaves them in place. Only `br_table`s with at least two
/// distinct labels are rewritten (wasmi turns the others into a `br`).
pub fn br_table_as_br_ifs(wasm: &[u8]) -> Option<Vec<u8>> {
    let out = map_bodies(wasm, |body, params| {
        let mut sites = Vec::new();
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            if let Operator::BrTable { targets } = op {
                let labels = targets.targets().collect::<Result<Vec<u32>, _>>()?;
                let default = targets.default();
                if labels.iter().any(|&l| l != default) {
                    sites.push((offset, reader.original_position(), labels, default));
                }
            }
        }
        if sites.is_empty() {
            return Ok(None);
        }
        let start = body.range().start;
        let bytes = body.as_bytes();
        let Some((mut out, index, mut copied)) = with_one_more_local(body, params, wasm_encoder::ValType::I32)? else {
            return Ok(None);
        };
        use wasm_encoder::{Encode, Instruction as I};
        for (at, end, labels, default) in sites {
            out.extend_from_slice(&bytes[copied..at - start]);
            I::LocalSet(index).encode(&mut out);
            for (k, label) in labels.iter().enumerate() {
                let Ok(k) = i32::try_from(k) else {
                    return Ok(None);
                };
                I::LocalGet(index).encode(&mut out);
                I::I32Const(k).encode(&mut out);
                I::I32Eq.encode(&mut out);
                I::BrIf(*label).encode(&mut out);
            }
            I::Br(default).encode(&mut out);
            copied = end - start;
        }
        out.extend_from_slice(&bytes[copied..]);
        Ok(Some(out))
    })?;
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(&out).ok()?;
    Some(out)
}

/// A function body's locals with one more of type `ty` appended: the bytes
/// so far, the new local's index (after `params` parameters and the
/// declared locals), and where the operators begin, relative to the body's
/// start; `None` when the body already has `u32::MAX` groups of locals.
pub(super) fn with_one_more_local(
    body: &wasmparser::FunctionBody,
    params: u32,
    ty: wasm_encoder::ValType,
) -> wasmparser::Result<Option<(Vec<u8>, u32, usize)>> {
    with_more_locals(body, params, &[ty])
}

/// [`with_one_more_local`] for several new locals, one group each: the
/// index of the first.
pub(super) fn with_more_locals(
    body: &wasmparser::FunctionBody,
    params: u32,
    tys: &[wasm_encoder::ValType],
) -> wasmparser::Result<Option<(Vec<u8>, u32, usize)>> {
    let mut locals = body.get_locals_reader()?;
    let mut index = params;
    for _ in 0..locals.get_count() {
        let (count, _) = locals.read()?;
        index = index.saturating_add(count);
    }
    let ops_start = locals.original_position() - body.range().start;
    let Some(groups) = u32::try_from(tys.len()).ok().and_then(|n| locals.get_count().checked_add(n)) else {
        return Ok(None);
    };
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + 16);
    wasm_encoder::Encode::encode(&groups, &mut out);
    // The declared groups' bytes as they are, then the new one.
    out.extend_from_slice(&bytes[leb_len(bytes)..ops_start]);
    for ty in tys {
        wasm_encoder::Encode::encode(&1u32, &mut out);
        wasm_encoder::Encode::encode(ty, &mut out);
    }
    Ok(Some((out, index, ops_start)))
}

/// The length of the unsigned LEB128 at the start of `bytes`.
fn leb_len(bytes: &[u8]) -> usize {
    bytes.iter().position(|b| b & 0x80 == 0).map_or(bytes.len(), |i| i + 1)
}

/// Inserts `insert` before every operator for which `site(previous, op)`
/// holds; `None` when there is no such site or the module does not parse.
fn rewrite_bodies(wasm: &[u8], site: impl Fn(&Operator, &Operator) -> bool, insert: &[u8]) -> Option<Vec<u8>> {
    map_bodies(wasm, |body, _| {
        let start = body.range().start;
        let bytes = body.as_bytes();
        let mut out = Vec::with_capacity(bytes.len() + 8);
        let mut copied = 0usize;
        let mut changed = false;
        let mut reader = body.get_operators_reader()?;
        let mut prev = Operator::Nop;
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
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
        Ok(changed.then_some(out))
    })
}

/// The module with every function body replaced by what `f(body, number
/// of parameters)` returns (`Some(new body bytes)`, or `None` to keep it);
/// `None` when no body changed or the module does not parse.
pub(super) fn map_bodies(
    wasm: &[u8],
    mut f: impl FnMut(&wasmparser::FunctionBody, u32) -> wasmparser::Result<Option<Vec<u8>>>,
) -> Option<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    let mut code: Option<wasm_encoder::CodeSection> = None;
    let mut remaining = 0u32;
    let mut changed = false;
    // Parameter count of every type (0 for non-function types), and the
    // type of every defined function, in code-section order.
    let mut type_params: Vec<u32> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut body_index = 0usize;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        match &payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone() {
                    for sub in group.ok()?.types() {
                        type_params.push(match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(ft) => u32::try_from(ft.params().len()).ok()?,
                            _ => 0,
                        });
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    func_types.push(ty.ok()?);
                }
            }
            Payload::CodeSectionStart { count, .. } => {
                code = Some(wasm_encoder::CodeSection::new());
                remaining = *count;
                if remaining == 0 {
                    module.section(&code.take()?);
                }
                continue;
            }
            Payload::CodeSectionEntry(body) => {
                let ty = *func_types.get(body_index)?;
                let params = *type_params.get(usize::try_from(ty).ok()?)?;
                body_index += 1;
                match f(body, params).ok()? {
                    Some(out) => {
                        code.as_mut()?.raw(&out);
                        changed = true;
                    }
                    None => {
                        code.as_mut()?.raw(body.as_bytes());
                    }
                }
                remaining -= 1;
                if remaining == 0 {
                    module.section(&code.take()?);
                }
                continue;
            }
            _ => {}
        }
        if let Some((id, range)) = payload.as_section() {
            module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
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
        let out = or_zero_after_eqz(&wasm).expect("one site");
        wasmparser::validate(&out).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert_eq!(text.matches("i32.or").count(), 1, "{text}");
        assert!(text.contains("i32.eqz\n    i32.const 0\n    i32.or\n    select"), "{text}");
        let ref_is_null = wat::parse_str(
            r#"(module (table 1 externref)
              (func (param externref) (result i32)
                (select (table.size 0) (i32.const 9) (ref.is_null (local.get 0)))))"#,
        )
        .unwrap();
        let out = or_zero_after_eqz(&ref_is_null).expect("one site");
        wasmparser::validate(&out).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert!(text.contains("ref.is_null\n    i32.const 0\n    i32.or\n    select"), "{text}");
        // Inserted right after the comparison even when operators that emit
        // no wasmi code separate it from the select.
        let gap = wat::parse_str(
            r#"(module
              (func (param i32 i32) (result i32)
                i32.const 1 local.get 0 local.get 0 i32.eqz local.get 1 local.set 1 nop select))"#,
        )
        .unwrap();
        let text = wasmprinter::print_bytes(or_zero_after_eqz(&gap).expect("one site")).unwrap();
        assert!(text.contains("i32.eqz\n    i32.const 0\n    i32.or\n    local.get 1\n    local.set 1"), "{text}");
        // A comparison consumed by br_if or if is left alone.
        let no_site = wat::parse_str(
            r#"(module (func (param i32) (result i32)
              (select (i32.const 1) (local.get 0) (local.get 0))
              (br_if 0 (i32.eqz (local.get 0)))
              (if (ref.is_null (ref.null extern)) (then))))"#,
        )
        .unwrap();
        assert!(or_zero_after_eqz(&no_site).is_none());
    }

    #[test]
    fn br_table_rewrite_keeps_labels_and_adds_one_local() {
        let wat = r#"(module
            (func (export "f") (param i32 i64) (result v128)
              (local f32)
              (block (result v128)
                (block (result v128)
                  (i32.const 7)
                  (v128.const i64x2 1 2)
                  (br_table 0 1 0 (local.get 0)))))
            (func (param i32) (block (br_table 0 0 (local.get 0)))))"#;
        let wasm = wat::parse_str(wat).unwrap();
        let out = br_table_as_br_ifs(&wasm).expect("one site");
        let text = wasmprinter::print_bytes(&out).unwrap();
        // The new local is index 3 (after two parameters and one local);
        // labels 0 and 1 by index, then the default 0.
        let chain = [
            "local.set 3",
            "local.get 3",
            "i32.const 0",
            "i32.eq",
            "br_if 0 (;@2;)",
            "local.get 3",
            "i32.const 1",
            "i32.eq",
            "br_if 1 (;@1;)",
            "br 0 (;@2;)",
        ]
        .join("\n        ");
        assert!(text.contains("(local f32 i32)"), "{text}");
        assert!(text.contains(&chain), "{text}");
        // A br_table with a single distinct label is left alone.
        assert_eq!(text.matches("br_table").count(), 1, "{text}");
        let single = wat::parse_str(r#"(module (func (param i32) (block (br_table 0 0 (local.get 0)))))"#).unwrap();
        assert!(br_table_as_br_ifs(&single).is_none());
    }
}
