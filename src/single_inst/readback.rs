//! Reading a single-instruction module back: the [`Spec`] its custom
//! section records, the constant operands each arm of its dispatcher has
//! built in, whether a (reduced) plan keeps its pairing of `f` and `k(i)`
//! calls, and the module built again for a reduced plan. The reports, the
//! exact judge, the shrinker and the `.wast` writer read modules here;
//! [`super::module`] builds them.

use super::catalog::{CalleeType, Elements, Entry, Immediates, Memory, Table, lookup};
use super::module::{DISPATCHER, SECTION, SOURCE_FED, Spec, operand_source};
use super::operands::Tuple;
use crosscheck_oracles::{Call, Val};

impl Spec {
    /// The spec a single-instruction module was built for (from its custom
    /// section); `None` for any other module.
    pub fn of_module(wasm: &[u8]) -> Option<Spec> {
        let text = custom_section(wasm)?;
        let mut words = text.split_whitespace();
        let entry = lookup(words.next()?)?;
        let rest: Vec<&str> = words.collect();
        let imm = match parse_immediates(entry, &rest)? {
            Immediates::Const(_) => Immediates::Const(const_of_module(wasm)?),
            imm => imm,
        };
        let spec = Spec { entry, imm };
        (spec.section_text() == text).then_some(spec)
    }
}

fn custom_section(wasm: &[u8]) -> Option<String> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CustomSection(c)) = payload
            && c.name() == SECTION
        {
            return std::str::from_utf8(c.data()).ok().map(str::to_string);
        }
    }
    None
}

fn parse_immediates(entry: &Entry, words: &[&str]) -> Option<Immediates> {
    use super::catalog::Imm;
    let unbounded = words.contains(&"max=none");
    let memory = Memory { memory64: words.contains(&"memory=i64"), unbounded, shared: words.contains(&"shared") };
    let elements = Elements::ALL.into_iter().find(|e| e.word().is_some_and(|w| words.contains(&w))).unwrap_or_default();
    let table = Table { table64: words.contains(&"table=i64"), unbounded, elements };
    let memarg = |w: &[&str]| -> Option<(u64, u8)> {
        let offset = w.first()?.strip_prefix("offset=")?.parse().ok()?;
        let align: u32 = w.get(1)?.strip_prefix("align=")?.parse().ok()?;
        Some((offset, align.trailing_zeros() as u8))
    };
    Some(match entry.imm {
        Imm::None => Immediates::None,
        Imm::Lane(_) => Immediates::Lane(words.first()?.parse().ok()?),
        Imm::Shuffle => {
            let l: Vec<u8> = words.iter().map(|w| w.parse().ok()).collect::<Option<_>>()?;
            Immediates::Shuffle(l.try_into().ok()?)
        }
        Imm::Mem { .. } => {
            let (offset, align) = memarg(words)?;
            Immediates::Mem { offset, align, memory }
        }
        Imm::MemLane { .. } => {
            let (offset, align) = memarg(words)?;
            Immediates::MemLane { offset, align, lane: words.get(2)?.parse().ok()?, memory }
        }
        // Constants: read the value back from the code (the text form of
        // floats is not worth parsing here).
        Imm::Const => Immediates::Const(0),
        // `memory.copy 0 1`: from a second memory.
        Imm::Memory if words.starts_with(&["0", "1"]) => Immediates::Memories {
            dst: memory,
            src: Memory {
                memory64: words.contains(&"src=i64"),
                unbounded: words.contains(&"src-max=none"),
                shared: false,
            },
        },
        Imm::Memory | Imm::Data => Immediates::Memory(memory),
        // `table.copy $tab $src`: from a second table.
        Imm::Table if words.starts_with(&["$tab", "$src"]) => Immediates::Tables {
            dst: table,
            src: Table {
                table64: words.contains(&"src=i64"),
                unbounded: words.contains(&"src-max=none"),
                // `src-elem=typed`: of another element type than `$tab`.
                elements: Elements::ALL
                    .into_iter()
                    .find(|e| e.word().is_some_and(|w| words.contains(&format!("src-{w}").as_str())))
                    .unwrap_or(elements),
            },
        },
        Imm::Table | Imm::Elem => Immediates::Table(table),
        Imm::Indirect => {
            // `(type $returns)` of an indirect call, `$returns` of a `call_ref`.
            let ty = CalleeType::ALL
                .into_iter()
                .find(|t| words.contains(&format!("{})", t.name()).as_str()) || words.contains(&t.name()))?;
            Immediates::Indirect { table, ty }
        }
        // `ref.test (ref null i31)`: the heap type's word ends the text.
        Imm::Cast => {
            let heap = words.iter().rev().find_map(|w| w.strip_suffix(')'))?;
            let heap = super::casts::CAST_HEAPS.iter().position(|h| *h == heap)? as u8;
            Immediates::Cast { heap, nullable: words.contains(&"null") }
        }
        // `select (result f32) type=f32`, `select type=f32`.
        Imm::Select => {
            let ty = words.iter().find_map(|w| w.strip_prefix("type="))?;
            let ty = super::calls::SELECT_TYPES.iter().position(|t| t.to_string() == ty)? as u8;
            Immediates::Select { ty, typed: words.contains(&"(result") }
        }
        // `call $callee args=doubled`.
        Imm::Callee => {
            Immediates::Callee(super::calls::ArgShape::from_name(words.iter().find_map(|w| w.strip_prefix("args="))?)?)
        }
        // `throw $e payload=2`.
        Imm::Tag => Immediates::Tag(words.iter().find_map(|w| w.strip_prefix("payload="))?.parse().ok()?),
        // `struct.get $s 3`: the field ends the text (none: the allocations).
        Imm::Struct => Immediates::Struct { field: words.last().and_then(|w| w.parse().ok()).unwrap_or(0) },
        Imm::Array => Immediates::Array {
            storage: super::storage::Storage::from_name(words.iter().find_map(|w| w.strip_prefix("storage="))?)?,
            same: words.contains(&"src=same"),
        },
        Imm::HeapType => {
            let heap = words.first()?.strip_prefix("operand=")?;
            Immediates::HeapType(super::refs::HEAP_TYPES.iter().position(|h| *h == heap)? as u8)
        }
    })
}

/// The constant a `*.const` module returns, read from its code.
pub fn const_of_module(wasm: &[u8]) -> Option<u128> {
    use wasmparser::{Parser, Payload};
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let mut reader = body.get_operators_reader().ok()?;
        while !reader.eof() {
            if let Some(v) = constant(&reader.read().ok()?) {
                return Some(v.bits());
            }
        }
    }
    None
}

/// The value a `*.const` operator pushes; `None` for any other operator.
fn constant(op: &wasmparser::Operator<'_>) -> Option<Val> {
    use wasmparser::Operator;
    Some(match *op {
        Operator::I32Const { value } => Val::I32(value as u32),
        Operator::I64Const { value } => Val::I64(value as u64),
        Operator::F32Const { value } => Val::F32(value.bits()),
        Operator::F64Const { value } => Val::F64(value.bits()),
        Operator::V128Const { value } => Val::V128(value.i128() as u128),
        _ => return None,
    })
}

/// The constant operands tuple `i` is checked on, read from the code that
/// has them built in: arm `i` of the dispatcher `k`, or in a module from
/// before it, the function exported as `k{i}` (its first `params`
/// constant instructions, either way).
fn const_fed_operands(wasm: &[u8], i: usize, params: usize) -> Option<Vec<Val>> {
    match function_body(wasm, DISPATCHER) {
        Some(body) => dispatcher_arm_constants(body, i, params),
        None => leading_constants(function_body(wasm, &format!("k{i}"))?.get_operators_reader().ok()?, params),
    }
}

/// The body of the function exported as `export`.
fn function_body<'a>(wasm: &'a [u8], export: &str) -> Option<wasmparser::FunctionBody<'a>> {
    use wasmparser::{ExternalKind, Parser, Payload};
    // A single-instruction module imports no function: code entry `i` is
    // function `i`.
    let mut func = None;
    let mut index = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::ExportSection(exports) => {
                for e in exports {
                    let e = e.ok()?;
                    if e.name == export && e.kind == ExternalKind::Func {
                        func = Some(e.index);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                if Some(index) == func {
                    return Some(body);
                }
                index += 1;
            }
            _ => {}
        }
    }
    None
}

/// The first `params` operators of `reader`, which must all be constants.
fn leading_constants(mut reader: wasmparser::OperatorsReader<'_>, params: usize) -> Option<Vec<Val>> {
    let mut out = Vec::with_capacity(params);
    while out.len() < params && !reader.eof() {
        out.push(constant(&reader.read().ok()?)?);
    }
    Some(out)
}

/// The constants arm `i` of the dispatcher `body` starts with. The
/// dispatcher opens its blocks, then `br_table`s; arm `i` starts at the
/// `end` that first leaves the block depth at `blocks - 1 - i` (the
/// instruction's own blocks, if any, nest deeper and close within the arm).
fn dispatcher_arm_constants(body: wasmparser::FunctionBody<'_>, i: usize, params: usize) -> Option<Vec<Val>> {
    use wasmparser::Operator;
    let mut reader = body.get_operators_reader().ok()?;
    let mut depth = 0usize;
    let mut blocks = None;
    while !reader.eof() {
        match reader.read().ok()? {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } | Operator::TryTable { .. } => {
                depth += 1
            }
            Operator::BrTable { .. } if blocks.is_none() => blocks = Some(depth),
            Operator::End => {
                depth = depth.checked_sub(1)?;
                if let Some(blocks) = blocks
                    && depth + 1 + i == blocks
                {
                    return leading_constants(reader, params);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a plan keeps a single-instruction module's pairing: each
/// `k(i)` call follows an `f` call with the operands arm `i` has built in
/// (the exact judge compares the two). Any other module: always.
pub fn plan_is_consistent(wasm: &[u8], calls: &[Call]) -> bool {
    let Some(spec) = Spec::of_module(wasm) else { return true };
    let mut last_f: Option<&[Val]> = None;
    for call in calls {
        if call.export == "f" {
            last_f = Some(&call.args);
        } else if let Some((source, _)) = fed_tuple(call) {
            let fed = tuple_operands(wasm, call, spec.entry.params.len());
            if fed.is_none() || fed.as_deref() != last_f {
                return false;
            }
            if source == 't' && Some(call.args.as_slice()) != last_f {
                return false;
            }
        }
    }
    true
}

/// The operands a call of an instruction export other than `f` runs the
/// instruction on, whatever their source: its tuple's, as the dispatcher
/// `k` has them built in.
pub fn tuple_operands(wasm: &[u8], call: &Call, params: usize) -> Option<Vec<Val>> {
    let (_, i) = fed_tuple(call)?;
    const_fed_operands(wasm, i, params)
}

/// A call of an instruction export other than `f`: its operand source's
/// letter and the index of the tuple it checks (`k(3)`, and `k3` in a
/// module from before the dispatcher, are `('k', 3)`; `t0` is `('t', 0)`).
fn fed_tuple(call: &Call) -> Option<(char, usize)> {
    if call.export == DISPATCHER {
        return match call.args.as_slice() {
            [Val::I32(i)] => Some(('k', *i as usize)),
            _ => None,
        };
    }
    operand_source(&call.export)?;
    Some((call.export.chars().next()?, call.export[1..].parse().ok()?))
}

/// A single-instruction module built again for a reduced plan: only the
/// tuples the plan still checks (through `k` or another operand source),
/// renumbered in call order, and the calls renamed to match (the instruction's functions stay exactly as the
/// catalog builds them, which a generic reducer would not respect). `None`
/// for any other module.
pub fn rebuilt_for(wasm: &[u8], calls: &[Call]) -> Option<(Vec<u8>, Vec<Call>)> {
    let spec = Spec::of_module(wasm)?;
    let params = spec.entry.params.len();
    // The tuples still checked, in call order; the one checked through the
    // other operand sources first, as only the first [`SOURCE_FED`] tuples
    // have them.
    let mut order: Vec<usize> = Vec::new();
    let fed: Vec<Option<(char, usize)>> = calls.iter().map(fed_tuple).collect();
    for &(_, i) in fed.iter().flatten().filter(|(source, _)| *source != 'k') {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    for &(_, i) in fed.iter().flatten() {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let tuples = order
        .iter()
        .map(|&i| Some(Tuple { args: const_fed_operands(wasm, i, params)?, poke: None }))
        .collect::<Option<Vec<_>>>()?;
    let mut calls = calls.to_vec();
    for (call, fed) in calls.iter_mut().zip(fed) {
        let Some((source, i)) = fed else { continue };
        let new = order.iter().position(|&j| j == i)?;
        if source == 'k' {
            call.export = DISPATCHER.to_string();
            call.args = vec![Val::I32(new as u32)];
            continue;
        }
        if new >= SOURCE_FED {
            return None;
        }
        call.export = format!("{source}{new}");
    }
    Some((spec.wasm(&tuples).ok()?, calls))
}
