//! A Case as script commands for the spec interpreter: the module as
//! `(module $cN binary "…")`, one `invoke` per call, a `get` per observed
//! global, and for memories and tables a reader module that imports them
//! from the registered Case instance and exports functions reading their
//! sizes, bytes (512 per call, as 64 i64s) and null patterns (64 entries
//! per call, as bits of an i64).

use super::text;
use crate::value::ValType;
use std::collections::HashMap;

/// Bytes one memory read returns.
pub const CHUNK: u64 = 512;
/// Table entries one null-pattern read covers.
pub const TABLE_CHUNK: u64 = 64;

/// A memory the reader can import: its export name, address type, limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryImport {
    pub name: String,
    pub memory64: bool,
    pub shared: bool,
    pub maximum: Option<u64>,
    pub page_size: u64,
}

/// A table the reader can import (funcref or externref elements).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableImport {
    pub name: String,
    pub table64: bool,
    pub element: ValType,
}

/// The exported memories and tables of a module by export name; `None` for
/// a table whose element type the reader cannot name.
#[derive(Debug, Default)]
pub struct StateTypes {
    pub memories: HashMap<String, MemoryImport>,
    pub tables: HashMap<String, Option<TableImport>>,
}

/// Reads the types of `wasm`'s exported memories and tables.
pub fn state_types(wasm: &[u8]) -> Result<StateTypes, wasmparser::BinaryReaderError> {
    use wasmparser::{ExternalKind, Payload, TypeRef};
    let mut memories = Vec::new();
    let mut tables = Vec::new();
    let mut out = StateTypes::default();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import?.ty {
                        TypeRef::Memory(m) => memories.push(m),
                        TypeRef::Table(t) => tables.push(t),
                        _ => {}
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    memories.push(m?);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader {
                    tables.push(t?.ty);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let name = export.name.to_string();
                    match export.kind {
                        ExternalKind::Memory => {
                            if let Some(m) = memories.get(export.index as usize) {
                                let page_size = m.page_size_log2.map_or(65536, |l| 1u64 << l);
                                let import = MemoryImport {
                                    name: name.clone(),
                                    memory64: m.memory64,
                                    shared: m.shared,
                                    maximum: m.maximum,
                                    page_size,
                                };
                                out.memories.insert(name, import);
                            }
                        }
                        ExternalKind::Table => {
                            if let Some(t) = tables.get(export.index as usize) {
                                let element = ValType::from_wasmparser(wasmparser::ValType::Ref(t.element_type))
                                    .filter(|e| matches!(e, ValType::FuncRef | ValType::ExternRef));
                                let import = element.map(|element| TableImport {
                                    name: name.clone(),
                                    table64: t.table64,
                                    element,
                                });
                                out.tables.insert(name, import);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `(module $NAME binary "…")`.
pub fn module_command(name: &str, wasm: &[u8]) -> String {
    format!("(module ${name} binary {})", text::string(wasm))
}

/// `(invoke $INSTANCE "EXPORT" ARGS…)`; `None` when an argument cannot be written.
pub fn invoke_command(instance: &str, export: &str, args: &[crate::value::Val]) -> Option<String> {
    let mut s = format!("(invoke ${instance} {}", text::string(export.as_bytes()));
    for a in args {
        s.push(' ');
        s.push_str(&text::constant(a)?);
    }
    s.push(')');
    Some(s)
}

/// `(get $INSTANCE "GLOBAL")`.
pub fn get_command(instance: &str, global: &str) -> String {
    format!("(get ${instance} {})", text::string(global.as_bytes()))
}

/// `(register "AS" $INSTANCE)`.
pub fn register_command(as_name: &str, instance: &str) -> String {
    format!("(register {} ${instance})", text::string(as_name.as_bytes()))
}

/// The reader module `$NAME` importing `memories` and `tables` from the
/// module registered as `from`. It exports, for memory `i`, `ms{i}` (its
/// size in bytes, i64) and `mr{i}` (the [`CHUNK`] bytes at an i64 address,
/// as 64 i64s), and for table `j`, `ts{j}` (its size, i64) and `tn{j}`
/// (bit `k` set when entry `base + k` is null, for `k` below
/// [`TABLE_CHUNK`] and inside the table).
pub fn reader_module(name: &str, from: &str, memories: &[MemoryImport], tables: &[TableImport]) -> String {
    let from = text::string(from.as_bytes());
    let mut m = format!("(module ${name}");
    for mem in memories {
        let idx = if mem.memory64 { " i64" } else { "" };
        let max = match (mem.shared, mem.maximum) {
            (true, Some(max)) => format!(" {max} shared"),
            _ => String::new(),
        };
        let page = if mem.page_size == 65536 { String::new() } else { format!(" (pagesize {})", mem.page_size) };
        m += &format!(" (import {from} {} (memory{idx} 0{max}{page}))", text::string(mem.name.as_bytes()));
    }
    for t in tables {
        let idx = if t.table64 { " i64" } else { "" };
        m += &format!(" (import {from} {} (table{idx} 0 {}))", text::string(t.name.as_bytes()), t.element);
    }
    for (i, mem) in memories.iter().enumerate() {
        let size =
            if mem.memory64 { format!("(memory.size {i})") } else { format!("(i64.extend_i32_u (memory.size {i}))") };
        m += &format!(" (func (export \"ms{i}\") (result i64) (i64.mul {size} (i64.const {})))", mem.page_size);
        let addr = if mem.memory64 { "(local.get 0)" } else { "(i32.wrap_i64 (local.get 0))" };
        let results = vec!["i64"; (CHUNK / 8) as usize].join(" ");
        m += &format!(" (func (export \"mr{i}\") (param i64) (result {results})");
        for k in 0..CHUNK / 8 {
            m += &format!(" (i64.load {i} offset={} {addr})", k * 8);
        }
        m += ")";
    }
    for (j, t) in tables.iter().enumerate() {
        let (size, at) = if t.table64 {
            (format!("(table.size {j})"), "(i64.add (local.get $b) (local.get $i))".to_string())
        } else {
            (
                format!("(i64.extend_i32_u (table.size {j}))"),
                "(i32.wrap_i64 (i64.add (local.get $b) (local.get $i)))".to_string(),
            )
        };
        m += &format!(" (func (export \"ts{j}\") (result i64) {size})");
        m += &format!(
            " (func (export \"tn{j}\") (param $b i64) (result i64) (local $i i64) (local $r i64) \
             (block $d (loop $l \
             (br_if $d (i64.ge_u (local.get $i) (i64.const {TABLE_CHUNK}))) \
             (br_if $d (i64.ge_u (i64.add (local.get $b) (local.get $i)) {size})) \
             (if (ref.is_null (table.get {j} {at})) \
             (then (local.set $r (i64.or (local.get $r) (i64.shl (i64.const 1) (local.get $i)))))) \
             (local.set $i (i64.add (local.get $i) (i64.const 1))) (br $l))) (local.get $r))"
        );
    }
    m.push(')');
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_module_is_valid_wat_on_one_line() {
        let mem = MemoryImport { name: "m".into(), memory64: false, shared: false, maximum: Some(2), page_size: 65536 };
        let mem64 = MemoryImport { memory64: true, name: "m64".into(), ..mem.clone() };
        let t = TableImport { name: "t".into(), table64: false, element: ValType::FuncRef };
        let t64 = TableImport { name: "t64".into(), table64: true, element: ValType::ExternRef };
        let text = reader_module("r0", "c0", &[mem, mem64], &[t, t64]);
        assert!(!text.contains('\n'));
        // Imports resolve only in the interpreter; syntax and types are checked here.
        let wasm = wat::parse_str(&text).unwrap();
        crate::Features::ALL.validate(&wasm).unwrap();
    }
}
