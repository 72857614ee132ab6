//! The module of one (instruction, immediates): an exported function `f`
//! taking the operands as parameters and returning the instruction's
//! results; for memory instructions a one-page memory `mem` (32- or
//! 64-bit, as the immediates say; with a maximum of one page, or of
//! [`super::operands::GROW_MAX_PAGES`] for `memory.grow`, or without; for
//! an atomic instruction maybe shared; for `memory.copy 0 1` a second one,
//! `src`, of its own kind) plus `poke` (stores 16 bytes: the memory the
//! instruction sees) and `peek` (loads 16 bytes: what a store, a
//! read-modify-write or a `cmpxchg` wrote), as one `v128` for a SIMD
//! instruction and as two `i64`s otherwise, so a scalar or atomic
//! instruction's module needs no SIMD. A reference instruction's functions take
//! and return i32s: its operands are made and its results observed around
//! it ([`super::refs`]); so are a table instruction's, which runs against
//! a `funcref` table `tab` that `peek` reads back whole
//! ([`super::tables`]). A custom section names the instruction, so
//! a saved `case.wasm` says what it checks. Written as text and assembled
//! with `wat`: the text is the minimal `.wat` of a finding as it is.

pub use super::spec::Spec;

use super::catalog::Group;
use super::operands::Tuple;
use crosscheck_oracles::{Call, Exports, Plan, Val, ValType};

/// Name of the custom section that records the instruction and immediates.
pub const SECTION: &str = "crosscheck-single-inst";

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
pub(super) fn float_text(bits: u64, exp_bits: u32, frac_bits: u32) -> String {
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
    /// Whether the instruction's first operand is an address (`s{i}`
    /// computes it by a shift-and-add): not for `memory.size` and
    /// `data.drop`, which have no operand (nor `l{i}`: they have a memory).
    fn has_address(&self) -> bool {
        self.entry.address_operands().first() == Some(&0)
    }

    /// Whether `l{i}` loads the operands from a memory of its own: not for
    /// memory instructions (they have a memory) nor where `s{i}` computes
    /// an address or index instead.
    fn loads_operands(&self) -> bool {
        !self.entry.is_memory() && !self.has_address()
    }

    /// An address into the module's memory, as `f`, `poke` and `peek` take
    /// it.
    fn address(&self, at: u32) -> Val {
        super::operands::typed(at as u64, self.imm.memory64())
    }

    /// The memory `poke` writes (the source memory of `memory.copy 0 1`,
    /// else the module's memory) and its address type.
    fn poked_memory(&self) -> (u32, bool) {
        match self.imm.source_memory() {
            Some(src) => (1, src.memory64),
            None => (0, self.imm.memory64()),
        }
    }

    /// `poke` and `peek`: 16 bytes in and out of the memory, as one `v128`
    /// for a SIMD instruction, as two `i64`s otherwise. `poke` writes the
    /// source memory of a copy between two memories, `peek` always reads
    /// the module's memory (the destination).
    fn poke_peek_text(&self) -> String {
        let at = ty(self.address_type());
        let (index, poked64) = self.poked_memory();
        let m = if index == 0 { String::new() } else { format!(" {index}") };
        let pt = if poked64 { "i64" } else { "i32" };
        if self.entry.group == Group::Simd {
            format!(
                "  (func (export \"poke\") (param {pt} v128) local.get 0 local.get 1 v128.store{m} align=1)\n  (func (export \"peek\") (param {at}) (result v128) local.get 0 v128.load align=1)\n"
            )
        } else {
            format!(
                "  (func (export \"poke\") (param {pt} i64 i64)\n    local.get 0 local.get 1 i64.store{m} align=1 local.get 0 local.get 2 i64.store{m} offset=8 align=1)\n  (func (export \"peek\") (param {at}) (result i64 i64)\n    local.get 0 i64.load align=1 local.get 0 i64.load offset=8 align=1)\n"
            )
        }
    }

    /// Where `peek` reads when not where `poke` wrote: `memory.copy`'s
    /// destination (`poke` fills its source).
    fn peek_address(&self, t: &Tuple) -> Option<u32> {
        if self.entry.name != "memory.copy" {
            return None;
        }
        Some(super::operands::window(t.args.first()?.bits() as u64))
    }

    /// `poke`'s operands: the address (in the poked memory), the 16 bytes.
    fn poke_args(&self, at: u32, bytes: u128) -> Vec<Val> {
        let address = super::operands::typed(at as u64, self.poked_memory().1);
        if self.entry.group == Group::Simd {
            vec![address, Val::V128(bytes)]
        } else {
            vec![address, Val::I64(bytes as u64), Val::I64((bytes >> 64) as u64)]
        }
    }

    /// The code that runs the instruction on the operands on the stack and
    /// leaves its results: the instruction itself, or for a reference
    /// instruction (and a table instruction on `funcref`s) with its
    /// operands made and results observed around it.
    pub fn body_text(&self) -> String {
        let instr = self.instruction_text();
        if let Some(body) = super::scaffold::of(&self.imm).and_then(|s| s.body(self.entry, &instr)) {
            return body;
        }
        match super::refs::sig(self.entry, &self.imm) {
            Some(sig) => super::refs::wrapped(&sig, &self.imm, &instr),
            None => match self.imm.table() {
                Some(table) => super::tables::wrapped(self.entry, table, &instr).unwrap_or(instr),
                None => instr,
            },
        }
    }

    /// The locals [`Spec::body_text`] needs (none but for reference
    /// instructions and table instructions on `funcref`s), as
    /// declarations.
    fn locals_text(&self) -> String {
        if let Some(locals) = super::scaffold::of(&self.imm).and_then(|s| s.locals(&self.params())) {
            return locals;
        }
        match (super::refs::sig(self.entry, &self.imm), self.imm.table()) {
            (Some(sig), _) => super::refs::locals(&sig),
            (None, Some(table)) => super::tables::locals(self.entry, table),
            _ => String::new(),
        }
    }

    /// The module's text. Besides `f` (operands as parameters) it has `k`,
    /// the same instruction fed by constants (`v128.const`, `i32.const`,
    /// ...) for each tuple of `const_fed`, since compilers lower constant
    /// operands differently (constant shift counts, folded masks): one arm
    /// per tuple, chosen by `k`'s parameter through a `br_table` (see
    /// [`Spec::dispatcher_text`]).
    pub fn module_text(&self, const_fed: &[Tuple]) -> String {
        let e = self.entry;
        let params: String = self.params().iter().map(|t| format!(" {}", ty(*t))).collect();
        let results: String = self.results().iter().map(|t| format!(" {}", ty(*t))).collect();
        let gets: String = (0..e.params.len()).map(|i| format!("local.get {i} ")).collect();
        let (body, locals) = (self.body_text(), self.locals_text());
        let mut m = String::from("(module\n");
        if e.is_memory() {
            let memory = self.imm.memory().unwrap_or_default();
            let address_type = if memory.memory64 { "i64 " } else { "" };
            let maximum = match (memory.unbounded, e.is_grow()) {
                (true, _) => String::new(),
                (false, true) => format!(" {}", super::operands::GROW_MAX_PAGES),
                (false, false) => " 1".to_string(),
            };
            let shared = if memory.shared { " shared" } else { "" };
            m.push_str(&format!("  (memory (export \"mem\") {address_type}1{maximum}{shared})\n"));
            if let Some(src) = self.imm.source_memory() {
                let address_type = if src.memory64 { "i64 " } else { "" };
                let maximum = if src.unbounded { "" } else { " 1" };
                m.push_str(&format!("  (memory (export \"src\") {address_type}1{maximum})\n"));
            }
        }
        if e.imm == super::catalog::Imm::Data {
            m.push_str(&format!("  (data \"{PASSIVE_DATA}\")\n"));
        }
        m.push_str(&super::tables::declarations(e, &self.imm));
        if let Some(sig) = super::refs::sig(e, &self.imm) {
            // `$read`, for a cast's operand or a branch's value.
            if sig.operands.contains(&super::refs::Make::AnyOf) || sig.result == super::refs::Observe::Branch {
                m.push_str(&super::casts::declarations());
            }
            if sig.of_funcs() {
                m.push_str(&super::casts::func_declarations());
            }
        }
        if let Some(scaffold) = super::scaffold::of(&self.imm) {
            m.push_str(&scaffold.declarations());
        }
        m.push_str(&format!("  (func (export \"f\") (param{params}) (result{results}){locals}\n    {gets}{body})\n"));
        if !const_fed.is_empty() {
            m.push_str(&self.dispatcher_text(const_fed));
        }
        m.push_str(&self.source_fed_text(&const_fed[..const_fed.len().min(SOURCE_FED)]));
        if e.is_memory() {
            m.push_str(&self.poke_peek_text());
        }
        if let Some(table) = self.imm.table() {
            m.push_str(&super::tables::peek_text(table));
            m.push_str(&super::tables::reset_text(table));
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
        let results: String = self.results().iter().map(|t| format!(" {}", ty(*t))).collect();
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
        let params: String = self.params().iter().map(|t| format!(" {}", ty(*t))).collect();
        let results: String = self.results().iter().map(|t| format!(" {}", ty(*t))).collect();
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
            if self.has_address() {
                // (a & 3) + ((a >> 2) << 2) = a: base plus a shifted index.
                let rest: String = (1..n).map(|j| format!("local.get {j} ")).collect();
                let a = ty(self.address_type());
                m.push_str(&format!(
                    "  (func (export \"s{i}\") (param{params}) (result{results}){locals}\n    local.get 0 {a}.const 3 {a}.and local.get 0 {a}.const 2 {a}.shr_u {a}.const 2 {a}.shl {a}.add {rest}{instr})\n"
                ));
            }
        }
        if self.loads_operands() && !tuples.is_empty() {
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
    /// instructions) or `reset` (instructions that write the table), `f`,
    /// and `peek` (instructions that write memory or the table); then for the first
    /// `const_fed` tuples the same with `k(i)`, and for the first
    /// [`SOURCE_FED`] with the other operand sources.
    pub fn plan(&self, wasm: Vec<u8>, tuples: &[Tuple], const_fed: usize) -> Plan {
        let mut calls = Vec::with_capacity(tuples.len() * 6);
        for (i, t) in tuples.iter().enumerate() {
            for (export, args) in self.instruction_calls(i, &t.args, const_fed) {
                if let Some((at, bytes)) = t.poke {
                    calls.push(Call { export: "poke".into(), args: self.poke_args(at, bytes) });
                }
                if self.entry.writes_table() {
                    calls.push(Call { export: "reset".into(), args: Vec::new() });
                }
                calls.push(Call { export, args });
                if let (true, Some((at, _))) = (self.entry.writes_memory(), t.poke) {
                    let at = self.peek_address(t).unwrap_or(at);
                    calls.push(Call { export: "peek".into(), args: vec![self.address(at)] });
                }
                if self.entry.writes_table() {
                    calls.push(Call { export: "peek".into(), args: Vec::new() });
                }
            }
        }
        let observe = if self.imm.source_memory().is_some() {
            Exports { memories: vec!["mem".into(), "src".into()], ..Exports::default() }
        } else if self.entry.is_memory() {
            Exports { memories: vec!["mem".into()], ..Exports::default() }
        } else if self.imm.source_table().is_some() {
            Exports { tables: vec!["tab".into(), "src".into()], ..Exports::default() }
        } else if self.entry.is_table() {
            Exports { tables: vec!["tab".into()], ..Exports::default() }
        } else {
            Exports::default()
        };
        Plan { wasm, calls, observe }
    }
}

impl Spec {
    /// The calls that run the instruction on tuple `i` (operands `args`):
    /// `f`, `k(i)` for the first `const_fed` tuples, and for the first
    /// [`SOURCE_FED`] the other operand sources (`t{i}`, `g{i}`, and
    /// `s{i}` or `l{i}`). [`Spec::plan`] puts them in the plan with `poke`,
    /// `reset` and `peek` around each.
    pub fn instruction_calls(&self, i: usize, args: &[Val], const_fed: usize) -> Vec<(String, Vec<Val>)> {
        let mut fed = vec![("f".to_string(), args.to_vec())];
        if i < const_fed {
            fed.push((DISPATCHER.to_string(), vec![Val::I32(i as u32)]));
        }
        if i < const_fed.min(SOURCE_FED) {
            fed.push((format!("t{i}"), args.to_vec()));
            fed.push((format!("g{i}"), Vec::new()));
            if self.has_address() {
                fed.push((format!("s{i}"), args.to_vec()));
            } else if self.loads_operands() {
                fed.push((format!("l{i}"), Vec::new()));
            }
        }
        fed
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

/// The passive data segment of a `memory.init` or `data.drop` module, as
/// a text-format string: [`PASSIVE_DATA_LEN`] bytes, none zero, so what
/// `memory.init` copies shows in memory.
const PASSIVE_DATA: &str = "\\a0\\a1\\a2\\a3\\a4\\a5\\a6\\a7\\a8\\a9\\aa\\ab\\ac\\ad\\ae\\af\\b0\\b1\\b2\\b3\\b4\\b5\\b6\\b7\\b8\\b9\\ba\\bb\\bc\\bd\\be\\bf";

/// Bytes of the passive data segment (each written `\xx`, three
/// characters).
pub const PASSIVE_DATA_LEN: u32 = PASSIVE_DATA.len() as u32 / 3;

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
