//! The storages that array elements and struct fields share
//! ([`Storage`]: six numbers, packed or not, and two nullable
//! references), and how a reference of each crosses the module's
//! boundary: as an `i32` selector of one of [`ITEMS`] items (functions
//! `$k{k}` returning their own constant, or `$box`es holding it), made a
//! reference by `$pick_func`/`$pick_box` and read back as that constant
//! by `$id_func`/`$id_box` ([`ref_declarations`]). The array group
//! ([`super::arrays`]) and the struct group ([`super::structs`]) build on
//! these; a drawn element or field value is [`element_value`].

use super::operands::{Source, scalar};
use crosscheck_oracles::{Val, ValType};

/// An array type's element storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Storage {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    /// A nullable reference to a function of type `$fn`, `(func (result
    /// i32))`.
    Func,
    /// A nullable reference to a struct `$box`, `(struct (field i32))`.
    Box,
}

impl Storage {
    /// The number storages (those of struct fields too).
    pub const ALL: [Storage; 6] = [Storage::I8, Storage::I16, Storage::I32, Storage::I64, Storage::F32, Storage::F64];

    /// The reference storages.
    pub const REFS: [Storage; 2] = [Storage::Func, Storage::Box];

    /// A reference: made from `$elem`, crossing as a selector.
    pub fn is_ref(self) -> bool {
        matches!(self, Storage::Func | Storage::Box)
    }

    /// Its name in the text format.
    pub fn name(self) -> &'static str {
        match self {
            Storage::I8 => "i8",
            Storage::I16 => "i16",
            Storage::I32 => "i32",
            Storage::I64 => "i64",
            Storage::F32 => "f32",
            Storage::F64 => "f64",
            Storage::Func => "func",
            Storage::Box => "box",
        }
    }

    /// Its type in the text format.
    pub fn type_text(self) -> &'static str {
        match self {
            Storage::Func => "(ref null $fn)",
            Storage::Box => "(ref null $box)",
            s => s.name(),
        }
    }

    pub fn from_name(name: &str) -> Option<Storage> {
        Storage::ALL.into_iter().chain(Storage::REFS).find(|s| s.name() == name)
    }

    /// Bytes per element in a data segment (for a reference, an element
    /// segment: one item).
    pub fn bytes(self) -> u32 {
        match self {
            Storage::I8 | Storage::Func | Storage::Box => 1,
            Storage::I16 => 2,
            Storage::I32 | Storage::F32 => 4,
            Storage::I64 | Storage::F64 => 8,
        }
    }

    /// Packed storage: read with `array.get_s` or `array.get_u`.
    pub fn packed(self) -> bool {
        matches!(self, Storage::I8 | Storage::I16)
    }

    /// The type of an element on the stack (a number; for a reference,
    /// the `i64` an element reads back as).
    pub fn value_type(self) -> ValType {
        match self {
            Storage::I64 | Storage::Func | Storage::Box => ValType::I64,
            Storage::F32 => ValType::F32,
            Storage::F64 => ValType::F64,
            _ => ValType::I32,
        }
    }

    /// Code that turns an element read from it (`array.get_u` or
    /// `struct.get_u` for packed storage) into the `i64` a digest adds:
    /// zero-extended, a float's bits as they are.
    pub fn to_i64_text(self) -> &'static str {
        match self {
            Storage::I8 | Storage::I16 | Storage::I32 => "i64.extend_i32_u",
            Storage::I64 => "",
            Storage::F32 => "i32.reinterpret_f32 i64.extend_i32_u",
            Storage::F64 => "i64.reinterpret_f64",
            Storage::Func => "call $id_func",
            Storage::Box => "call $id_box",
        }
    }

    /// The segment arrays of it are made from: its length in [`bytes`]
    /// units.
    ///
    /// [`bytes`]: Storage::bytes
    pub fn segment_len(self) -> u32 {
        if self.is_ref() { super::arrays::ELEM_LEN } else { super::arrays::DATA_LEN }
    }

    /// The type of an element operand as a parameter: its value type, for
    /// a reference an `i32` selector (made a reference by [`pick_text`]).
    ///
    /// [`pick_text`]: Storage::pick_text
    pub fn param_type(self) -> ValType {
        if self.is_ref() { ValType::I32 } else { self.value_type() }
    }

    /// Code that makes a reference of this storage from the `i32`
    /// selector on the stack (nothing for a number).
    pub fn pick_text(self) -> &'static str {
        match self {
            Storage::Func => " call $pick_func",
            Storage::Box => " call $pick_box",
            _ => "",
        }
    }
}

/// Kinds of non-null item in `$elem` (functions, or boxes of a constant).
pub const ITEMS: u32 = 7;

/// The constant item `k` reads back as (function `$k{k}` returns it, a
/// `$box` holds it).
pub fn item_constant(k: u32) -> u32 {
    0x1000 + 0x11 * k
}

/// The heap type of a reference storage's elements.
pub(super) fn heap(storage: Storage) -> &'static str {
    if storage == Storage::Func { "$fn" } else { "$box" }
}

/// Item `k` of a reference storage as a constant expression.
pub(super) fn item_text(storage: Storage, k: u32) -> String {
    match storage {
        Storage::Func => format!("ref.func $k{k}"),
        _ => format!("struct.new $box (i32.const {})", item_constant(k)),
    }
}

/// What a module with elements or fields of the reference `storage`
/// declares: its type (`$fn` and the [`ITEMS`] functions `$k{k}`, or
/// `$box`), and the functions that make one from a selector and read one
/// back (`pick_text`, `to_i64_text`).
pub fn ref_declarations(storage: Storage) -> String {
    let (s, name, heap) = (storage.type_text(), storage.name(), heap(storage));
    let (decls, read) = if storage == Storage::Func {
        let funcs: String =
            (0..ITEMS).map(|k| format!("  (func $k{k} (type $fn) i32.const {})\n", item_constant(k))).collect();
        let names: String = (0..ITEMS).map(|k| format!(" $k{k}")).collect();
        (format!("  (type $fn (func (result i32)))\n{funcs}  (elem declare func{names})\n"), "call_ref $fn")
    } else {
        ("  (type $box (struct (field i32)))\n".to_string(), "struct.get $box 0")
    };
    let picks: String = (0..ITEMS)
        .map(|k| format!("local.get $k i32.const {k} i32.eq if ({}) return end ", item_text(storage, k)))
        .collect();
    format!(
        "{decls}  (func $id_{name} (param $r {s}) (result i64)\n    \
         local.get $r ref.is_null if (result i64) i64.const -1 else local.get $r {read} i64.extend_i32_u end)\n  \
         (func $pick_{name} (param $k i32) (result {s})\n    {picks}ref.null {heap})\n"
    )
}

/// A value of `storage` as a parameter: a number drawn around its edges,
/// or a reference's selector (an item, null one time in eight). Array
/// elements and struct fields alike.
pub fn element_value(s: &mut dyn Source, storage: Storage) -> Val {
    if storage.is_ref() { Val::I32(s.below(u64::from(ITEMS) + 1) as u32) } else { scalar(s, storage.value_type()) }
}
