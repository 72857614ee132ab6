//! GC struct instructions (catalog group
//! [`Group::Struct`](super::catalog::Group::Struct)): the module's struct
//! type, how a struct operand is made inside the module from i32
//! parameters, and how a struct the instruction made or wrote is read
//! back.
//!
//! The module declares one struct type `$s` of [`FIELDS`]: twelve mutable
//! fields, each integer storage twice, packed and not, an `f32` and an
//! `f64`, in an order that leaves some unaligned after their neighbours,
//! so each field's offset in an engine's layout is its own; then a
//! reference to a struct `$box` (an object the collector manages: a store
//! goes through Wasmtime's barriers) and one to a function `$fn`, made and
//! read as array elements of those types are
//! ([`super::storage::ref_declarations`]: an `i32` selector in, the item's
//! constant or all ones for null out). A struct operand is made from
//! `(seed, null flag)`: `ref.null $s` when the flag is non-zero, else
//! `struct.new` with field `k` set to `seed * MULTIPLIERS[k]` (wrapped to
//! the field's storage: packed fields see both signs; a float field gets
//! those bits, NaNs among them; a reference field the item that product
//! selects, null among them). `struct.get`, `struct.get_s`
//! and `struct.get_u` read the field their immediate names (the packed
//! reads only packed fields), `struct.set` writes a drawn value into it;
//! a struct made (`struct.new` of twelve drawn values, `struct.new_default`)
//! or written is read back by `$digest` as a polynomial hash of its
//! fields, read unsigned (a float as its bits). Judged against the
//! reference interpreter.

use super::catalog::Entry;
use super::operands::{Source, scalar};
use super::scaffold::Scaffold;
use super::storage::{ITEMS, Storage, element_value};
use crosscheck_oracles::{Val, ValType};

/// The struct's fields, in order.
pub const FIELDS: [Storage; 12] = [
    Storage::I8,
    Storage::I16,
    Storage::I32,
    Storage::I64,
    Storage::I16,
    Storage::I8,
    Storage::F32,
    Storage::I64,
    Storage::I32,
    Storage::F64,
    Storage::Box,
    Storage::Func,
];

/// What field `k` of a made struct is: the seed times this, wrapped (for
/// a float field, those bits; for a reference, the item it selects modulo
/// [`ITEMS`] + 1, the last null).
const MULTIPLIERS: [u32; 12] = [
    1,
    0x9e37,
    0x9e37_79b9,
    0x7f4a_7c15,
    0x85eb,
    0xc2b2_ae35,
    0x7fc0_0001,
    0x27d4_eb2f,
    0x1656_67b1,
    0xfff8_0001,
    3,
    5,
];

/// The fields an entry's immediate may name: the packed ones for
/// `struct.get_s` and `struct.get_u`, every one for `struct.get` and
/// `struct.set` (`struct.get` of a packed field would not validate: the
/// unpacked ones only), field 0 (unused) for the allocations.
pub fn fields(entry: &Entry) -> Vec<u8> {
    let of = |keep: fn(Storage) -> bool| (0..FIELDS.len() as u8).filter(|&k| keep(FIELDS[k as usize])).collect();
    match entry.name {
        "struct.get_s" | "struct.get_u" => of(Storage::packed),
        "struct.get" => of(|s| !s.packed()),
        "struct.set" => of(|_| true),
        _ => vec![0],
    }
}

/// Whether the instruction's effect is a struct, read back by `$digest`.
pub fn reads_back(entry: &Entry) -> bool {
    matches!(entry.name, "struct.new" | "struct.new_default" | "struct.set")
}

/// The type of `f`'s parameter `i` for `entry` on field `field`: the
/// field values of `struct.new` and the value of `struct.set` are of their
/// field's type (a reference's selector an i32), the rest i32s.
pub fn param_type(entry: &Entry, field: u8, i: usize) -> ValType {
    match (entry.name, i) {
        ("struct.new", k) => FIELDS[k].param_type(),
        ("struct.set", 2) => FIELDS[field as usize].param_type(),
        _ => ValType::I32,
    }
}

/// The module's struct type, its reference fields' declarations and
/// `$digest`.
pub fn declarations() -> String {
    let refs: String = Storage::REFS.iter().map(|&r| super::storage::ref_declarations(r)).collect();
    let fields: String = FIELDS.iter().map(|s| format!(" (field (mut {}))", s.type_text())).collect();
    let mut digest = String::new();
    for (k, s) in FIELDS.iter().enumerate() {
        let get = if s.packed() { "struct.get_u" } else { "struct.get" };
        let read = format!("{get} $s {k} {}", s.to_i64_text());
        digest.push_str(&format!(" i64.const 1000003 i64.mul local.get $a {read} i64.add"));
    }
    format!(
        "{refs}  (type $s (struct{fields}))\n  (func $digest (param $a (ref null $s)) (result i64)\n    i64.const 0{digest})\n"
    )
}

/// The instruction's text (its type and field immediates).
pub fn instruction_text(entry: &Entry, field: u8) -> String {
    match entry.name {
        "struct.new" | "struct.new_default" => format!("{} $s", entry.name),
        name => format!("{name} $s {field}"),
    }
}

/// The locals [`wrapped`] uses: one per parameter, the struct.
pub fn locals(params: &[ValType]) -> String {
    let mut s: String =
        params.iter().enumerate().map(|(i, t)| format!(" (local $p{i} {})", super::arrays::type_text(*t))).collect();
    s.push_str(" (local $a (ref null $s))");
    s
}

/// `instr` (of `entry` on field `field`, `params` parameters on the stack)
/// with its struct operand made first from `(seed, null flag)` (a
/// reference field's value from its selector), and a struct it made or
/// wrote, or a reference it read, read back after it.
pub fn wrapped(entry: &Entry, field: u8, params: usize, instr: &str) -> String {
    let mut s: String = (0..params).rev().map(|i| format!("local.set $p{i} ")).collect();
    if matches!(entry.name, "struct.new" | "struct.new_default") {
        for (i, f) in FIELDS.iter().enumerate().take(params) {
            s.push_str(&format!("local.get $p{i}{} ", f.pick_text()));
        }
        return format!("{s}{instr} call $digest");
    }
    let fields: String = FIELDS
        .iter()
        .zip(MULTIPLIERS)
        .map(|(f, m)| match f {
            Storage::I64 => format!("local.get $p0 i64.extend_i32_u i64.const {m} i64.mul "),
            Storage::F64 => format!("local.get $p0 i64.extend_i32_u i64.const {m} i64.mul f64.reinterpret_i64 "),
            Storage::F32 => format!("local.get $p0 i32.const {} i32.mul f32.reinterpret_i32 ", m as i32),
            r if r.is_ref() => {
                format!(
                    "local.get $p0 i32.const {} i32.mul i32.const {} i32.rem_u{} ",
                    m as i32,
                    ITEMS + 1,
                    r.pick_text()
                )
            }
            _ => format!("local.get $p0 i32.const {} i32.mul ", m as i32),
        })
        .collect();
    s.push_str(&format!(
        "local.get $p1 if (result (ref null $s)) ref.null $s else {fields}struct.new $s end local.set $a local.get $a "
    ));
    let field = FIELDS.get(field as usize);
    if entry.name == "struct.set" {
        s.push_str(&format!("local.get $p2{} ", field.map_or("", |f| f.pick_text())));
    }
    s.push_str(instr);
    if entry.name == "struct.get"
        && let Some(f) = field.filter(|f| f.is_ref())
    {
        s.push(' ');
        s.push_str(f.to_i64_text());
    }
    if reads_back(entry) {
        s.push_str(" local.get $a call $digest");
    }
    s
}

/// One tuple of `f`'s parameters for `entry` on field `field`.
pub fn operands(s: &mut dyn Source, entry: &Entry, field: u8) -> Vec<Val> {
    match entry.name {
        "struct.new" => FIELDS.iter().map(|f| element_value(s, *f)).collect(),
        "struct.new_default" => Vec::new(),
        name => {
            let mut args = vec![scalar(s, ValType::I32), Val::I32((s.below(8) == 0) as u32)];
            if name == "struct.set" {
                args.push(element_value(s, FIELDS[field as usize]));
            }
            args
        }
    }
}

/// The struct group's [`Scaffold`]: a struct made around the instruction,
/// on field `field`, and read back after.
pub struct StructScaffold {
    pub field: u8,
}

impl Scaffold for StructScaffold {
    fn instruction_text(&self, entry: &Entry) -> String {
        instruction_text(entry, self.field)
    }

    fn params(&self, entry: &Entry, mut params: Vec<ValType>) -> Vec<ValType> {
        for (i, p) in params.iter_mut().enumerate() {
            *p = param_type(entry, self.field, i);
        }
        params
    }

    fn results(&self, entry: &Entry, mut results: Vec<ValType>) -> Vec<ValType> {
        if entry.name == "struct.get" {
            results[0] = FIELDS[self.field as usize].value_type();
        }
        results
    }

    fn declarations(&self) -> String {
        declarations()
    }

    fn locals(&self, params: &[ValType]) -> Option<String> {
        Some(locals(params))
    }

    fn body(&self, entry: &Entry, instr: &str) -> Option<String> {
        Some(wrapped(entry, self.field, entry.params.len(), instr))
    }

    fn operands(&self, s: &mut dyn Source, entry: &Entry) -> Vec<Val> {
        operands(s, entry, self.field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::single_inst::catalog::{ENTRIES, Group};

    #[test]
    fn every_struct_entry_has_fields_and_parameters_of_its_types() {
        for e in ENTRIES.iter().filter(|e| e.group == Group::Struct) {
            let fields = fields(e);
            assert!(!fields.is_empty(), "{}", e.name);
            for &k in &fields {
                let packed = FIELDS[k as usize].packed();
                assert!(!matches!(e.name, "struct.get_s" | "struct.get_u") || packed, "{} {k}", e.name);
                assert!(e.name != "struct.get" || !packed, "{} {k}", e.name);
            }
            assert_eq!(e.results.len(), 1, "{}", e.name);
        }
        // Every integer storage twice, at two offsets; each float and
        // reference once.
        for s in Storage::ALL.into_iter().chain(Storage::REFS) {
            let twice = !matches!(s, Storage::F32 | Storage::F64 | Storage::Func | Storage::Box);
            assert_eq!(FIELDS.iter().filter(|f| **f == s).count(), 1 + twice as usize, "{s:?}");
        }
    }
}
