//! Runtime values, value types and store addresses, plus the untagged
//! 128-bit slot encoding used on the interpreter's value stack.

/// Address of a function instance in a [`Store`](crate::Store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncAddr(pub u32);
/// Address of a table instance in a [`Store`](crate::Store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableAddr(pub u32);
/// Address of a memory instance in a [`Store`](crate::Store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemAddr(pub u32);
/// Address of a global instance in a [`Store`](crate::Store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalAddr(pub u32);
/// Address of an exception tag in a [`Store`](crate::Store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagAddr(pub u32);

/// A heap type. `Concrete` indexes the module's type space in a
/// [`Module`](crate::Module)'s types, and the store's canonical type ids in a
/// [`Store`](crate::Store) (equal ids are equivalent types, §3.1.3 type
/// equivalence after canonicalization of recursive groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HeapType {
    Func,
    NoFunc,
    Extern,
    NoExtern,
    Any,
    Eq,
    I31,
    Struct,
    Array,
    None,
    Exn,
    NoExn,
    Concrete(u32),
}

/// A reference type: nullability and heap type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

/// A value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

impl ValType {
    /// `funcref`, i.e. `(ref null func)`.
    pub const FUNCREF: ValType = ValType::Ref(RefType { nullable: true, heap: HeapType::Func });
    /// `externref`, i.e. `(ref null extern)`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType { nullable: true, heap: HeapType::Extern });

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// Whether the type has a default value (numbers, vectors, nullable references).
    pub fn defaultable(self) -> bool {
        !matches!(self, ValType::Ref(RefType { nullable: false, .. }))
    }
}

/// A non-null reference, as the host sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ref {
    /// A function.
    Func(FuncAddr),
    /// A host reference with its payload (`ref.host N` / `ref.extern N`).
    Host(u32),
    /// An unboxed 31-bit integer (the low 31 bits).
    I31(u32),
    /// A struct, by heap address.
    Struct(u32),
    /// An array, by heap address.
    Array(u32),
    /// An exception, by address.
    Exn(u32),
}

/// Slot encoding of references: 0 is null; a function is `address + 1`;
/// every other reference has a kind tag in bits 64.. and its payload in
/// the low bits. `extern.convert_any` and `any.convert_extern` keep the bits.
pub(crate) mod slot {
    pub const TAG_SHIFT: u32 = 64;
    pub const HOST: u128 = 1 << TAG_SHIFT;
    pub const I31: u128 = 2 << TAG_SHIFT;
    pub const STRUCT: u128 = 3 << TAG_SHIFT;
    pub const ARRAY: u128 = 4 << TAG_SHIFT;
    pub const EXN: u128 = 5 << TAG_SHIFT;
    pub const TAG_MASK: u128 = !((1u128 << TAG_SHIFT) - 1);

    /// The tag bits of a reference slot (0 for null and functions).
    #[inline]
    pub fn tag(s: u128) -> u128 {
        s & TAG_MASK
    }

    /// The payload (low 32 bits) of a tagged reference slot.
    #[inline]
    pub fn payload(s: u128) -> u32 {
        s as u32
    }
}

impl Ref {
    /// The slot encoding of this reference.
    pub(crate) fn to_slot(self) -> u128 {
        match self {
            Ref::Func(a) => a.0 as u128 + 1,
            Ref::Host(n) => slot::HOST | n as u128,
            Ref::I31(v) => slot::I31 | (v & 0x7fff_ffff) as u128,
            Ref::Struct(a) => slot::STRUCT | a as u128,
            Ref::Array(a) => slot::ARRAY | a as u128,
            Ref::Exn(a) => slot::EXN | a as u128,
        }
    }

    /// Decodes a reference slot; `None` for null.
    pub(crate) fn from_slot(s: u128) -> Option<Ref> {
        if s == 0 {
            return None;
        }
        let p = slot::payload(s);
        Some(match slot::tag(s) {
            0 => Ref::Func(FuncAddr((s - 1) as u32)),
            slot::HOST => Ref::Host(p),
            slot::I31 => Ref::I31(p),
            slot::STRUCT => Ref::Struct(p),
            slot::ARRAY => Ref::Array(p),
            _ => Ref::Exn(p),
        })
    }
}

/// A WebAssembly value. Floats are kept as raw bits so that NaN payloads
/// survive unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    I32(u32),
    I64(u64),
    /// Bits of an `f32`.
    F32(u32),
    /// Bits of an `f64`.
    F64(u64),
    V128(u128),
    /// A `funcref`, `None` being `ref.null func`.
    FuncRef(Option<FuncAddr>),
    /// An `externref` holding a host payload, `None` being `ref.null extern`.
    ExternRef(Option<u32>),
    /// Any other reference: its static type and what it refers to (`None`: null).
    Ref(RefType, Option<Ref>),
}

impl Value {
    /// The type of this value.
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::V128(_) => ValType::V128,
            Value::FuncRef(_) => ValType::FUNCREF,
            Value::ExternRef(_) => ValType::EXTERNREF,
            Value::Ref(t, _) => ValType::Ref(*t),
        }
    }

    /// The reference this value holds: `Some(None)` for null, `None` for
    /// numbers and vectors.
    pub fn reference(&self) -> Option<Option<Ref>> {
        match *self {
            Value::FuncRef(f) => Some(f.map(Ref::Func)),
            Value::ExternRef(e) => Some(e.map(Ref::Host)),
            Value::Ref(_, r) => Some(r),
            _ => None,
        }
    }

    /// The default (zero / null) value of a type.
    pub fn default_of(ty: ValType) -> Value {
        Value::from_slot(ty, 0)
    }

    /// Encodes the value as an untagged stack slot (see [`slot`] for
    /// references), so the all-zero slot is always the type's default value.
    pub(crate) fn to_slot(self) -> u128 {
        match self {
            Value::I32(v) | Value::F32(v) => v as u128,
            Value::I64(v) | Value::F64(v) => v as u128,
            Value::V128(v) => v,
            Value::FuncRef(r) => r.map_or(0, |a| Ref::Func(a).to_slot()),
            Value::ExternRef(r) => r.map_or(0, |a| Ref::Host(a).to_slot()),
            Value::Ref(_, r) => r.map_or(0, Ref::to_slot),
        }
    }

    /// Decodes a stack slot of a known type.
    pub(crate) fn from_slot(ty: ValType, s: u128) -> Value {
        match ty {
            ValType::I32 => Value::I32(s as u32),
            ValType::I64 => Value::I64(s as u64),
            ValType::F32 => Value::F32(s as u32),
            ValType::F64 => Value::F64(s as u64),
            ValType::V128 => Value::V128(s),
            ValType::FUNCREF => Value::FuncRef(if s == 0 { None } else { Some(FuncAddr((s - 1) as u32)) }),
            ValType::EXTERNREF if s == 0 || slot::tag(s) == slot::HOST => {
                Value::ExternRef(if s == 0 { None } else { Some(slot::payload(s)) })
            }
            ValType::Ref(t) => Value::Ref(t, Ref::from_slot(s)),
        }
    }
}

/// A function type: parameter and result types.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// Limits and index type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub elem: ValType,
    pub min: u64,
    pub max: Option<u64>,
    pub table64: bool,
}

/// Limits, index type and sharing of a memory (in 64 KiB pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryType {
    pub min: u64,
    pub max: Option<u64>,
    pub memory64: bool,
    pub shared: bool,
}

/// Type and mutability of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub ty: ValType,
    pub mutable: bool,
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// An exception tag: the types of its payload.
    Tag(FuncType),
}

/// An external value: what an export provides and an import consumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(FuncAddr),
    Table(TableAddr),
    Memory(MemAddr),
    Global(GlobalAddr),
    Tag(TagAddr),
}
