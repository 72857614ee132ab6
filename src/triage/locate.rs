//! Cutting a function body short after one of its instructions, returning
//! the value that instruction left: to locate a divergence (for each
//! instruction of the called function that leaves a number or v128 on the
//! stack, a variant of the module whose added function runs the body up to
//! that instruction and returns the value; the first variant whose result
//! differs between the baseline and the diverging engine, on the bits the
//! baseline determines, names the instruction), and to shrink (the body
//! itself replaced by such a cut, [`truncations`]).

use crate::case_file::SavedCase;
use crate::engines::EngineSet;
use crate::judge::{Site, Verdict};
use crate::target::Checked;
use crosscheck_oracles::{Call, CallOutcome, Plan};
use wasmparser::{FrameKind, Operator, Parser, Payload, ValType, Validator};

/// Most instructions tried (each is one module on two engines).
pub const MAX_PROBES: usize = 200;

/// The export every variant adds.
const PROBE: &str = "__crosscheck_locate";

/// The first instruction whose result differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub export: String,
    /// The instruction's position in the function body (0-based).
    pub index: usize,
    /// The instruction, as wasmparser names it (`I32Add`, `I64Const { value: 5 }`).
    pub instruction: String,
    pub expected: String,
    pub actual: String,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "instruction #{} of export {:?}, {}: expected {}, got {}",
            self.index, self.export, self.instruction, self.expected, self.actual
        )
    }
}

/// One place to cut a body: after operator `index`, which ends at `end`,
/// with `closing` the bytes that close the open control frames.
struct Cut {
    index: usize,
    instruction: String,
    end: usize,
    result: ValType,
    closing: Vec<u8>,
}

/// Locates the first difference of a checked divergence, when it is a
/// call's result on an exported function defined in the module.
pub fn locate(saved: &SavedCase, checked: &Checked) -> Option<Located> {
    let Verdict::Diverge(d) = &checked.verdict else { return None };
    let diff = d.differences.first()?;
    let Site::Call { index: call_index, export } = &diff.site else { return None };
    let engines: Vec<String> = [0, diff.engine]
        .iter()
        .map(|&i| crosscheck_oracles::engine_spec::spec_string(&checked.runs[i].engine, &checked.runs[i].config))
        .collect();
    let wasm = &saved.case.plan.wasm;
    let (params, body_range, ops_start, cuts, _, _) = cuts_of(wasm, export)?;
    let mut set = EngineSet::defaults(&engines).ok()?;
    set.configure(&mut arbitrary::Unstructured::new(&[]), saved.case.features).ok()?;
    let call = saved.case.plan.calls.get(*call_index)?;
    for cut in cuts.iter().take(MAX_PROBES) {
        let mut body = wasm[body_range.0..ops_start].to_vec();
        body.extend_from_slice(&wasm[ops_start..cut.end]);
        body.push(0x0f); // return
        body.extend_from_slice(&cut.closing);
        let Some(variant) = with_probe(wasm, &params, cut.result, &body) else { continue };
        let mut calls: Vec<Call> = saved.case.plan.calls[..*call_index].to_vec();
        calls.push(Call { export: PROBE.into(), args: call.args.clone() });
        let observe = crosscheck_oracles::Exports::default();
        let plan = Plan { wasm: variant, calls, observe };
        let base = set.run_one(0, &plan);
        let other = set.run_one(1, &plan);
        let (Some(b), Some(o)) = (base.calls.last(), other.calls.last()) else { continue };
        if base.calls.len() != plan.calls.len() || other.calls.len() != plan.calls.len() {
            continue;
        }
        let mask = base.masks.as_ref().map_or(0, |m| m.result(plan.calls.len() - 1, 0));
        let differs = match (b, o) {
            (CallOutcome::Returned(x), CallOutcome::Returned(y)) => match (x.first(), y.first()) {
                (Some(x), Some(y)) => (x.bits() ^ y.bits()) & !mask != 0,
                _ => false,
            },
            (CallOutcome::Undetermined(_), _) | (_, CallOutcome::Undetermined(_)) => false,
            (b, o) => b != o,
        };
        if differs {
            return Some(Located {
                export: export.clone(),
                index: cut.index,
                instruction: cut.instruction.clone(),
                expected: b.to_string(),
                actual: o.to_string(),
            });
        }
    }
    None
}

type BodyCuts = (Vec<u8>, (usize, usize), usize, Vec<Cut>, u32, Vec<ValType>);

/// The exported function's parameter types (encoded), its body's range and
/// where its operators start, every place to cut it, its index among the
/// module's function bodies and its result types.
fn cuts_of(wasm: &[u8], export: &str) -> Option<BodyCuts> {
    let features = crosscheck_oracles::Features::ALL.to_wasmparser();
    let mut validator = Validator::new_with_features(features);
    let mut func = None;
    // Function types by type index (`None` for struct and array types).
    let mut types: Vec<Option<wasmparser::FuncType>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut code_index = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        match &payload {
            Payload::ImportSection(_) => return None,
            Payload::TypeSection(r) => {
                for group in r.clone() {
                    for ty in group.ok()?.into_types() {
                        types.push(match ty.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => Some(f),
                            _ => None,
                        });
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r.clone() {
                    func_types.push(t.ok()?);
                }
            }
            Payload::ExportSection(r) => {
                for e in r.clone() {
                    let e = e.ok()?;
                    if e.name == export && e.kind == wasmparser::ExternalKind::Func {
                        func = Some(e.index);
                    }
                }
            }
            _ => {}
        }
        let valid = validator.payload(&payload).ok()?;
        if let (Payload::CodeSectionEntry(body), wasmparser::ValidPayload::Func(to_validate, _)) = (&payload, valid) {
            let this = code_index;
            code_index += 1;
            if Some(this) != func {
                continue;
            }
            let ty = types.get(*func_types.get(this as usize)? as usize)?.as_ref()?;
            let params = ty.params().iter().map(|t| encode_type(*t)).collect::<Option<Vec<u8>>>()?;
            let results = ty.results().to_vec();
            let mut fv = to_validate.into_validator(Default::default());
            let mut locals = body.get_binary_reader();
            fv.read_locals(&mut locals).ok()?;
            let mut ops = body.get_operators_reader().ok()?;
            let ops_start = ops.original_position();
            let mut cuts = Vec::new();
            let mut index = 0;
            while !ops.eof() {
                let (op, offset) = ops.read_with_offset().ok()?;
                fv.op(offset, &op).ok()?;
                let end = ops.original_position();
                let control = fv.control_stack_height() as usize;
                if control > 0 && !matches!(op, Operator::End | Operator::Else) {
                    let reachable = fv.get_control_frame(0).is_some_and(|f| !f.unreachable);
                    if let (true, Some(Some(result))) = (reachable, fv.get_operand_type(0))
                        && encode_type(result).is_some()
                    {
                        let closing = (0..control)
                            .flat_map(|depth| match fv.get_control_frame(depth).map(|f| f.kind) {
                                // An `if` without `else` may not produce results.
                                Some(FrameKind::If) => vec![0x05, 0x00, 0x0b],
                                _ => vec![0x0b],
                            })
                            .collect();
                        cuts.push(Cut { index, instruction: format!("{op:?}"), end, result, closing });
                    }
                }
                index += 1;
            }
            let range = body.range();
            return Some((params, (range.start, range.end), ops_start, cuts, this, results));
        }
    }
    None
}

/// A value type's byte in the binary format (numbers, v128, the two
/// nullable reference types).
fn encode_type(t: ValType) -> Option<u8> {
    Some(match t {
        ValType::I32 => 0x7f,
        ValType::I64 => 0x7e,
        ValType::F32 => 0x7d,
        ValType::F64 => 0x7c,
        ValType::V128 => 0x7b,
        ValType::Ref(r) if r == wasmparser::RefType::FUNCREF => 0x70,
        ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => 0x6f,
        ValType::Ref(_) => return None,
    })
}

fn leb(mut n: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// `data` (a vector section's contents) with `entry` appended; and the
/// index the entry gets.
fn append(data: &[u8], entry: &[u8]) -> Option<(Vec<u8>, u32)> {
    let mut reader = wasmparser::BinaryReader::new(data, 0);
    let count = reader.read_var_u32().ok()?;
    let mut out = Vec::with_capacity(data.len() + entry.len() + 5);
    leb(count + 1, &mut out);
    out.extend_from_slice(&data[reader.original_position()..]);
    out.extend_from_slice(entry);
    Some((out, count))
}

/// The module with a function of type `(params) -> (result)` and body
/// `body` (locals and code, without its size) added and exported as
/// [`PROBE`].
fn with_probe(wasm: &[u8], params: &[u8], result: ValType, body: &[u8]) -> Option<Vec<u8>> {
    let mut ty = vec![0x60];
    leb(params.len() as u32, &mut ty);
    ty.extend_from_slice(params);
    ty.push(1);
    ty.push(encode_type(result)?);
    let mut sized = Vec::new();
    leb(body.len() as u32, &mut sized);
    sized.extend_from_slice(body);
    let mut out = wasm_encoder::Module::new();
    let mut type_index = None;
    let mut func_index = None;
    let mut exported = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        let Some((id, range)) = payload.as_section() else { continue };
        let data = &wasm[range];
        let new = match payload {
            Payload::TypeSection(reader) => {
                // The section counts recursion groups; indices count types.
                let mut types = 0u32;
                for group in reader {
                    types += group.ok()?.types().len() as u32;
                }
                type_index = Some(types);
                append(data, &ty)?.0
            }
            Payload::FunctionSection(_) => {
                let mut entry = Vec::new();
                leb(type_index?, &mut entry);
                let (d, i) = append(data, &entry)?;
                func_index = Some(i);
                d
            }
            Payload::ExportSection(_) => {
                let mut entry = Vec::new();
                leb(PROBE.len() as u32, &mut entry);
                entry.extend_from_slice(PROBE.as_bytes());
                entry.push(0x00);
                leb(func_index?, &mut entry);
                exported = true;
                append(data, &entry)?.0
            }
            Payload::CodeSectionStart { .. } => append(data, &sized)?.0,
            _ => data.to_vec(),
        };
        out.section(&wasm_encoder::RawSection { id, data: &new });
    }
    exported.then(|| out.finish())
}

/// Candidate reductions of the function exported as `export`: the module
/// with that function's body cut after an instruction whose value has the
/// function's one result type, returned at once (the open blocks closed),
/// shortest body first.
pub fn truncations(wasm: &[u8], export: &str) -> Vec<Vec<u8>> {
    let Some((_, body_range, ops_start, cuts, index, results)) = cuts_of(wasm, export) else { return Vec::new() };
    let [result] = results.as_slice() else { return Vec::new() };
    cuts.iter()
        .filter(|c| c.result == *result)
        .take(MAX_PROBES)
        .filter_map(|cut| {
            let mut body = wasm[body_range.0..ops_start].to_vec();
            body.extend_from_slice(&wasm[ops_start..cut.end]);
            body.push(0x0f);
            body.extend_from_slice(&cut.closing);
            with_body(wasm, index, &body)
        })
        .collect()
}

/// The module with function body number `index` replaced by `body`
/// (locals and code, without its size).
pub(crate) fn with_body(wasm: &[u8], index: u32, body: &[u8]) -> Option<Vec<u8>> {
    let mut out = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        let Some((id, range)) = payload.as_section() else { continue };
        let data = &wasm[range];
        let new = match payload {
            Payload::CodeSectionStart { .. } => {
                let mut reader = wasmparser::BinaryReader::new(data, 0);
                let count = reader.read_var_u32().ok()?;
                let mut code = Vec::with_capacity(data.len());
                leb(count, &mut code);
                for i in 0..count {
                    let size = reader.read_var_u32().ok()? as usize;
                    let start = reader.original_position();
                    let bytes = data.get(start..start + size)?;
                    reader.read_bytes(size).ok()?;
                    let bytes = if i == index { body } else { bytes };
                    leb(bytes.len() as u32, &mut code);
                    code.extend_from_slice(bytes);
                }
                code
            }
            _ => data.to_vec(),
        };
        out.section(&wasm_encoder::RawSection { id, data: &new });
    }
    let wasm = out.finish();
    crosscheck_oracles::Features::ALL.validate(&wasm).ok()?;
    Some(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The probe's type is numbered among types, not recursion groups: in
    /// a module of three groups and four types it is type 4, not 3 (a
    /// campaign's locate gave the probe another group's function type and
    /// every cut failed).
    #[test]
    fn the_probe_type_is_indexed_past_every_type_of_every_group() {
        let wasm = wat::parse_str(
            r#"(module
              (rec (type (sub (func (param i64 v128)))) (type (struct)))
              (type (func (param i32 f64) (result i32)))
              (type (func))
              (func (export "f") (type 2) (local.get 0)))"#,
        )
        .unwrap();
        let (params, body_range, ops_start, cuts, _, _) = cuts_of(&wasm, "f").expect("cuts");
        let cut = &cuts[0];
        let mut body = wasm[body_range.0..ops_start].to_vec();
        body.extend_from_slice(&wasm[ops_start..cut.end]);
        body.push(0x0f);
        body.extend_from_slice(&cut.closing);
        let variant = with_probe(&wasm, &params, cut.result, &body).expect("a variant");
        crosscheck_oracles::Features::ALL.validate(&variant).expect("the variant validates");
        let info = crate::module_info::ModuleInfo::of(&variant).expect("module info");
        let probe = info.funcs.iter().find(|f| f.name == PROBE).expect("the probe is exported");
        use crosscheck_oracles::ValType as V;
        assert_eq!(
            (probe.params.as_slice(), probe.results.as_slice()),
            ([V::I32, V::F64].as_slice(), [V::I32].as_slice())
        );
    }
}
