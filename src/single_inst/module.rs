//! The module of one (instruction, immediates): an exported function `f`
//! taking the operands as parameters and returning the instruction's
//! results; for memory instructions a one-page memory `mem` plus `poke`
//! (stores 16 bytes: the memory the instruction sees) and `peek` (loads 16
//! bytes: what a store wrote). A reference instruction's functions take
//! and return i32s: its operands are made and its results observed around
//! it ([`super::refs`]). A custom section names the instruction, so
//! a saved `case.wasm` says what it checks. Written as text and assembled
//! with `wat`: the text is the minimal `.wat` of a finding as it is.

use super::catalog::{Entry, Immediates, lookup};
use super::operands::Tuple;
use crosscheck_oracles::{Call, Exports, Plan, Val, ValType};

/// Name of the custom section that records the instruction and immediates.
pub const SECTION: &str = "crosscheck-single-inst";

/// An instruction with concrete immediates: what one module checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Spec {
    pub entry: &'static Entry,
    pub imm: Immediates,
}

/// A module that could not be assembled (a catalog bug, never input).
#[derive(Debug, thiserror::Error)]
#[error("single-instruction module for {name}: {message}")]
pub struct ModuleError {
    pub name: String,
    pub message: String,
}

fn ty(t: ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        _ => "v128",
    }
}

/// A float constant in text form, exact to the bit.
fn float_text(bits: u64, exp_bits: u32, frac_bits: u32) -> String {
    let sign = if bits >> (exp_bits + frac_bits) & 1 == 1 { "-" } else { "" };
    let exp = (bits >> frac_bits) & ((1 << exp_bits) - 1);
    let frac = bits & ((1 << frac_bits) - 1);
    if exp == (1 << exp_bits) - 1 {
        return if frac == 0 { format!("{sign}inf") } else { format!("{sign}nan:0x{frac:x}") };
    }
    // Hexadecimal float: exact by construction.
    let (lead, e) =
        if exp == 0 { (0, 1i64 - ((1 << (exp_bits - 1)) - 1)) } else { (1, exp as i64 - ((1 << (exp_bits - 1)) - 1)) };
    let digits = frac_bits.div_ceil(4);
    let frac = frac << (digits * 4 - frac_bits);
    format!("{sign}0x{lead}.{frac:0width$x}p{e}", width = digits as usize)
}

impl Spec {
    /// The instruction as it appears in the text format, immediates included.
    pub fn instruction_text(&self) -> String {
        let name = self.entry.name;
        let memarg = |offset: u32, align: u8| format!("offset={offset} align={}", 1u32 << align);
        match self.imm {
            Immediates::None => name.to_string(),
            Immediates::Const(bits) => match self.entry.results.first() {
                Some(ValType::I32) => format!("{name} {}", bits as u32 as i32),
                Some(ValType::I64) => format!("{name} {}", bits as u64 as i64),
                Some(ValType::F32) => format!("{name} {}", float_text(bits as u64 & 0xffff_ffff, 8, 23)),
                Some(ValType::F64) => format!("{name} {}", float_text(bits as u64, 11, 52)),
                _ => format!("{name} i64x2 0x{:x} 0x{:x}", bits as u64, (bits >> 64) as u64),
            },
            Immediates::Lane(l) => format!("{name} {l}"),
            Immediates::Shuffle(l) => {
                let lanes: Vec<String> = l.iter().map(|x| x.to_string()).collect();
                format!("{name} {}", lanes.join(" "))
            }
            Immediates::Mem { offset, align } => format!("{name} {}", memarg(offset, align)),
            Immediates::MemLane { offset, align, lane } => format!("{name} {} {lane}", memarg(offset, align)),
            Immediates::HeapType(_) => name.to_string(),
        }
    }

    /// The instruction as the custom section records it and reports show
    /// it: its text, and the operand's heap type where that is not in the
    /// text (`ref.is_null operand=extern`).
    pub fn section_text(&self) -> String {
        match self.imm {
            Immediates::HeapType(h) => {
                let heap = super::refs::HEAP_TYPES.get(h as usize).copied().unwrap_or("?");
                format!("{} operand={heap}", self.instruction_text())
            }
            _ => self.instruction_text(),
        }
    }

    /// The code that runs the instruction on the operands on the stack and
    /// leaves its results: the instruction itself, or for a reference
    /// instruction with its operands made and results observed around it.
    pub fn body_text(&self) -> String {
        match super::refs::sig(self.entry, &self.imm) {
            Some(sig) => super::refs::wrapped(&sig, &self.instruction_text()),
            None => self.instruction_text(),
        }
    }

    /// The locals [`Spec::body_text`] needs (none but for reference
    /// instructions), as declarations.
    fn locals_text(&self) -> String {
        super::refs::sig(self.entry, &self.imm).map(|sig| super::refs::locals(&sig)).unwrap_or_default()
    }

    /// The module's text. Besides `f` (operands as parameters) it has `k`,
    /// the same instruction fed by constants (`v128.const`, `i32.const`,
    /// ...) for each tuple of `const_fed`, since compilers lower constant
    /// operands differently (constant shift counts, folded masks): one arm
    /// per tuple, chosen by `k`'s parameter through a `br_table` (see
    /// [`Spec::dispatcher_text`]).
    pub fn module_text(&self, const_fed: &[Tuple]) -> String {
        let e = self.entry;
        let params: String = e.params.iter().map(|t| format!(" {}", ty(*t))).collect();
        let results: String = e.results.iter().map(|t| format!(" {}", ty(*t))).collect();
        let gets: String = (0..e.params.len()).map(|i| format!("local.get {i} ")).collect();
        let (body, locals) = (self.body_text(), self.locals_text());
        let mut m = String::from("(module\n");
        if e.is_memory() {
            m.push_str("  (memory (export \"mem\") 1 1)\n");
        }
        m.push_str(&format!("  (func (export \"f\") (param{params}) (result{results}){locals}\n    {gets}{body})\n"));
        if !const_fed.is_empty() {
            m.push_str(&self.dispatcher_text(const_fed));
        }
        m.push_str(&self.source_fed_text(&const_fed[..const_fed.len().min(SOURCE_FED)]));
        if e.is_memory() {
            m.push_str("  (func (export \"poke\") (param i32 v128) local.get 0 local.get 1 v128.store align=1)\n");
            m.push_str("  (func (export \"peek\") (param i32) (result v128) local.get 0 v128.load align=1)\n");
        }
        m.push_str(&format!("  (@custom \"{SECTION}\" \"{}\"))\n", self.section_text()));
        m
    }

    /// `k`: the instruction on each tuple's operands as constants, one arm
    /// per tuple, the arm chosen by the parameter (`k(i)` checks tuple `i`;
    /// any other value traps). One function with `n` arms and not `n`
    /// functions: each exported function costs every Wasmtime compiler a
    /// function and a trampoline of its own. Uninstrumented, an
    /// `i32x4.add` module with 16 tuples compiled about 3 times faster in
    /// this shape than with a function per tuple, on each of Cranelift,
    /// Winch and Pulley (docs/benchmarks.md). Each arm is the code such a
    /// function had: the constants, then the instruction.
    fn dispatcher_text(&self, tuples: &[Tuple]) -> String {
        let results: String = self.entry.results.iter().map(|t| format!(" {}", ty(*t))).collect();
        let (body, locals) = (self.body_text(), self.locals_text());
        let n = tuples.len();
        let mut m = format!("  (func (export \"{DISPATCHER}\") (param $tuple i32) (result{results}){locals}\n");
        // Block `n` (outermost) is the default: out of range.
        m.push_str(&format!("    {}\n", "block ".repeat(n + 1)));
        let labels: String = (0..=n).map(|i| format!(" {i}")).collect();
        m.push_str(&format!("    local.get $tuple br_table{labels}\n"));
        for t in tuples {
            let consts: String = t.args.iter().map(|a| format!("{} ", const_text(a))).collect();
            m.push_str(&format!("    end {consts}{body} return\n"));
        }
        m.push_str("    end unreachable)\n");
        m
    }

    /// Functions feeding the operands of `tuples` from other sources:
    /// `t{i}` through `local.tee`, `g{i}` from mutable globals, and either
    /// `l{i}` loading each operand from the end of a memory of its own,
    /// unaligned (instructions without memory), or `s{i}` computing the
    /// address by a shift-and-add (memory instructions).
    fn source_fed_text(&self, tuples: &[Tuple]) -> String {
        let e = self.entry;
        let params: String = e.params.iter().map(|t| format!(" {}", ty(*t))).collect();
        let results: String = e.results.iter().map(|t| format!(" {}", ty(*t))).collect();
        let n = e.params.len();
        let (instr, locals) = (self.body_text(), self.locals_text());
        let mut m = String::new();
        for (i, t) in tuples.iter().enumerate() {
            let tees: String = (0..n).map(|j| format!("local.get {j} local.tee {} ", n + j)).collect();
            m.push_str(&format!(
                "  (func (export \"t{i}\") (param{params}) (result{results}) (local{params}){locals}\n    {tees}{instr})\n"
            ));
            for (j, a) in t.args.iter().enumerate() {
                m.push_str(&format!("  (global $g{i}_{j} (mut {}) ({}))\n", ty(a.ty()), const_text(a)));
            }
            let gets: String = (0..n).map(|j| format!("global.get $g{i}_{j} ")).collect();
            m.push_str(&format!("  (func (export \"g{i}\") (result{results}){locals}\n    {gets}{instr})\n"));
            if e.is_memory() {
                // (a & 3) + ((a >> 2) << 2) = a: base plus a shifted index.
                let rest: String = (1..n).map(|j| format!("local.get {j} ")).collect();
                m.push_str(&format!(
                    "  (func (export \"s{i}\") (param{params}) (result{results}){locals}\n    local.get 0 i32.const 3 i32.and local.get 0 i32.const 2 i32.shr_u i32.const 2 i32.shl i32.add {rest}{instr})\n"
                ));
            }
        }
        if !e.is_memory() && !tuples.is_empty() {
            // The operands of every tuple, packed so the last byte sits one
            // byte below the end of the page (odd addresses: unaligned).
            let bytes: Vec<Vec<u8>> = tuples.iter().map(|t| t.args.iter().flat_map(val_bytes).collect()).collect();
            let total: usize = bytes.iter().map(Vec::len).sum();
            let mut at = 65536 - 1 - total;
            m.push_str("  (memory $ops 1 1)\n");
            for (i, (t, data)) in tuples.iter().zip(&bytes).enumerate() {
                let escaped: String = data.iter().map(|b| format!("\\{b:02x}")).collect();
                m.push_str(&format!("  (data (memory $ops) (i32.const {at}) \"{escaped}\")\n"));
                let mut loads = String::new();
                for a in &t.args {
                    loads.push_str(&format!("i32.const {at} {}.load $ops align=1 ", ty(a.ty())));
                    at += val_bytes(a).len();
                }
                m.push_str(&format!("  (func (export \"l{i}\") (result{results}){locals}\n    {loads}{instr})\n"));
            }
        }
        m
    }

    /// The module's binary.
    pub fn wasm(&self, const_fed: &[Tuple]) -> Result<Vec<u8>, ModuleError> {
        wat::parse_str(self.module_text(const_fed))
            .map_err(|e| ModuleError { name: self.entry.name.to_string(), message: e.to_string() })
    }

    /// The calls that check `tuples`: per tuple `poke` (memory
    /// instructions), `f`, and `peek` (stores); then for the first
    /// `const_fed` tuples the same with `k(i)`, and for the first
    /// [`SOURCE_FED`] with the other operand sources.
    pub fn plan(&self, wasm: Vec<u8>, tuples: &[Tuple], const_fed: usize) -> Plan {
        let mut calls = Vec::with_capacity(tuples.len() * 6);
        for (i, t) in tuples.iter().enumerate() {
            let mut fed = vec![("f".to_string(), t.args.clone())];
            if i < const_fed {
                fed.push((DISPATCHER.to_string(), vec![Val::I32(i as u32)]));
            }
            if i < const_fed.min(SOURCE_FED) {
                fed.push((format!("t{i}"), t.args.clone()));
                fed.push((format!("g{i}"), Vec::new()));
                if self.entry.is_memory() {
                    fed.push((format!("s{i}"), t.args.clone()));
                } else {
                    fed.push((format!("l{i}"), Vec::new()));
                }
            }
            for (export, args) in fed {
                if let Some((at, bytes)) = t.poke {
                    calls.push(Call { export: "poke".into(), args: vec![Val::I32(at), Val::V128(bytes)] });
                }
                calls.push(Call { export, args });
                if let (true, Some((at, _))) = (self.entry.is_store(), t.poke) {
                    calls.push(Call { export: "peek".into(), args: vec![Val::I32(at)] });
                }
            }
        }
        let observe = if self.entry.is_memory() {
            Exports { memories: vec!["mem".into()], ..Exports::default() }
        } else {
            Exports::default()
        };
        Plan { wasm, calls, observe }
    }

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

/// A constant instruction producing `v` exactly.
fn const_text(v: &Val) -> String {
    match *v {
        Val::I32(x) => format!("i32.const {}", x as i32),
        Val::I64(x) => format!("i64.const {}", x as i64),
        Val::F32(b) => format!("f32.const {}", float_text(b as u64, 8, 23)),
        Val::F64(b) => format!("f64.const {}", float_text(b, 11, 52)),
        other => format!("v128.const i64x2 0x{:x} 0x{:x}", other.bits() as u64, (other.bits() >> 64) as u64),
    }
}

/// Tuples also checked with operands from other sources (`t{i}`, `g{i}`,
/// `l{i}`, `s{i}`; see [`Spec::module_text`]).
pub const SOURCE_FED: usize = 1;

/// The export running the instruction on constant operands: `k(i)` for
/// tuple `i` ([`Spec::dispatcher_text`]). Modules built before it was one
/// function exported `k{i}` per tuple instead, taking no argument; those
/// still replay, shrink and judge as they were.
pub const DISPATCHER: &str = "k";

/// Whether an export is one that runs the instruction (`f`, `k`, or an
/// operand-source variant).
pub fn is_instruction_export(name: &str) -> bool {
    name == "f" || operand_source(name).is_some()
}

/// Where an instruction export other than `f` takes its operands from.
pub fn operand_source(name: &str) -> Option<&'static str> {
    if name == DISPATCHER {
        return Some("operands as constants");
    }
    let mut chars = name.chars();
    let prefix = chars.next()?;
    chars.as_str().parse::<u32>().ok()?;
    Some(match prefix {
        'k' => "operands as constants",
        't' => "operands through local.tee",
        'g' => "operands from globals",
        'l' => "operands loaded from the end of memory, unaligned",
        's' => "address by a shift-and-add",
        _ => return None,
    })
}

/// The little-endian bytes of a value as a load reads them.
fn val_bytes(v: &Val) -> Vec<u8> {
    match *v {
        Val::I32(x) | Val::F32(x) => x.to_le_bytes().to_vec(),
        Val::I64(x) | Val::F64(x) => x.to_le_bytes().to_vec(),
        other => other.bits().to_le_bytes().to_vec(),
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
    let memarg = |w: &[&str]| -> Option<(u32, u8)> {
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
            Immediates::Mem { offset, align }
        }
        Imm::MemLane { .. } => {
            let (offset, align) = memarg(words)?;
            Immediates::MemLane { offset, align, lane: words.get(2)?.parse().ok()? }
        }
        // Constants: read the value back from the code (the text form of
        // floats is not worth parsing here).
        Imm::Const => Immediates::Const(0),
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
