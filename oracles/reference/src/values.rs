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

/// A value type of the supported subset of WebAssembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
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
    /// A function reference, `None` being `ref.null func`.
    FuncRef(Option<FuncAddr>),
    /// A host (extern) reference, `None` being `ref.null extern`.
    ExternRef(Option<u32>),
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
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The default (zero / null) value of a type.
    pub fn default_of(ty: ValType) -> Value {
        Value::from_slot(ty, 0)
    }

    /// Encodes the value as an untagged stack slot. References use 0 for
    /// null and `address + 1` otherwise, so the all-zero slot is always the
    /// type's default value.
    pub(crate) fn to_slot(self) -> u128 {
        match self {
            Value::I32(v) | Value::F32(v) => v as u128,
            Value::I64(v) | Value::F64(v) => v as u128,
            Value::V128(v) => v,
            Value::FuncRef(r) => r.map_or(0, |a| a.0 as u128 + 1),
            Value::ExternRef(r) => r.map_or(0, |a| a as u128 + 1),
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
            ValType::FuncRef => Value::FuncRef(if s == 0 { None } else { Some(FuncAddr((s - 1) as u32)) }),
            ValType::ExternRef => Value::ExternRef(if s == 0 { None } else { Some((s - 1) as u32) }),
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
}

/// An external value: what an export provides and an import consumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(FuncAddr),
    Table(TableAddr),
    Memory(MemAddr),
    Global(GlobalAddr),
}
