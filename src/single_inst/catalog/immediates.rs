//! Concrete immediates of one instruction ([`Immediates`]), and what a
//! memory or table instruction's module is made of besides them: the kind
//! of its memory ([`Memory`]) or table ([`Table`]), 32- or 64-bit, with a
//! maximum or without, and the type a `call_indirect` calls with
//! ([`CalleeType`]). Drawn from fuzz bytes or enumerated for the sweep by
//! [`super::Entry`].

use arbitrary::Unstructured;

/// Concrete immediates of one instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Immediates {
    None,
    /// The constant's bits.
    Const(u128),
    Lane(u8),
    Shuffle([u8; 16]),
    /// Memory offset and alignment (log2), and the memory they address.
    Mem {
        offset: u64,
        align: u8,
        memory: Memory,
    },
    MemLane {
        offset: u64,
        align: u8,
        lane: u8,
        memory: Memory,
    },
    /// The kind of the module's memory, for an instruction with no memory
    /// argument (`memory.fill`, `memory.init`, ...).
    Memory(Memory),
    /// `memory.copy 0 1`: from a second memory (multi-memory) into the
    /// module's memory, each of its own kind; with a 32-bit and a 64-bit
    /// one the length is an `i32`.
    Memories {
        dst: Memory,
        src: Memory,
    },
    /// The kind of the module's table, for a table instruction.
    Table(Table),
    /// `table.copy $tab $src`: from a second table into the module's
    /// table, each of its own kind; with a 32-bit and a 64-bit one the
    /// length is an `i32`.
    Tables {
        dst: Table,
        src: Table,
    },
    /// `call_indirect`'s table, and the type it calls with.
    Indirect {
        table: Table,
        ty: CalleeType,
    },
    /// The operand's heap type, an index into
    /// [`crate::single_inst::refs::HEAP_TYPES`].
    HeapType(u8),
    /// `ref.test`'s and `ref.cast`'s reference type: a heap type, an index
    /// into [`crate::single_inst::casts::CAST_HEAPS`], nullable or not.
    Cast {
        heap: u8,
        nullable: bool,
    },
    /// An array instruction's element storage, and whether `array.copy`
    /// copies within one array (`false` for every other instruction).
    Array {
        storage: crate::single_inst::storage::Storage,
        same: bool,
    },
    /// A struct instruction's field (0 for the allocations).
    Struct {
        field: u8,
    },
    /// An exception instruction's payload types, an index into
    /// [`crate::single_inst::exceptions::PAYLOADS`].
    Tag(u8),
    /// `select`'s value type, an index into
    /// [`crate::single_inst::calls::SELECT_TYPES`], and whether the
    /// instruction names it (`select (result t)`).
    Select {
        ty: u8,
        typed: bool,
    },
    /// How `call`'s or `return_call`'s callee takes its arguments.
    Callee(crate::single_inst::calls::ArgShape),
}

/// The one-page memory a memory instruction runs against: not an
/// immediate of the instruction but of its module, drawn with them, since
/// compilers check bounds differently for each kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Memory {
    /// 64-bit (memory64): the address operand is an `i64`, the offset may
    /// pass 2^32.
    pub memory64: bool,
    /// Declared without a maximum (`(memory 1)`, not `(memory 1 1)`): the
    /// engine cannot take the size for fixed, so with a reservation
    /// smaller than 4 GiB Wasmtime checks addresses against a bound it
    /// loads, where a memory with a maximum inside its reservation is
    /// checked against a constant.
    pub unbounded: bool,
    /// Shared (threads), for an atomic instruction on a memory with a
    /// maximum: `memory.atomic.wait32/64` then compares and times out
    /// instead of trapping, and engines take their shared-memory paths.
    pub shared: bool,
}

impl Memory {
    /// A kind of memory from fuzz bytes: 64-bit one time in four, without
    /// a maximum one time in two.
    pub(super) fn arbitrary(u: &mut Unstructured<'_>) -> arbitrary::Result<Memory> {
        Ok(Memory { memory64: u.ratio(1u8, 4)?, unbounded: u.arbitrary()?, shared: false })
    }

    /// A kind of memory for an atomic instruction: as
    /// [`Memory::arbitrary`], and one with a maximum shared one time in
    /// two.
    pub(super) fn arbitrary_atomic(u: &mut Unstructured<'_>) -> arbitrary::Result<Memory> {
        let mut m = Memory::arbitrary(u)?;
        m.shared = !m.unbounded && u.arbitrary()?;
        Ok(m)
    }

    /// The four kinds, for the sweep.
    pub(super) fn all() -> [Memory; 4] {
        let m = |memory64, unbounded| Memory { memory64, unbounded, shared: false };
        [m(false, false), m(false, true), m(true, false), m(true, true)]
    }
}

/// The type `call_indirect` calls the table's functions with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CalleeType {
    /// `$returns`, the functions' own type: every call of one completes.
    Returns,
    /// `$other`, `(func)`: every call of a function traps on the signature
    /// check.
    Other,
    /// `$parent`, a supertype of the functions' type (GC's declared
    /// subtyping, `(sub final $parent …)`): every call completes, through
    /// the slower check an engine needs when the types are not the same.
    Parent,
    /// `$sibling`, another subtype of `$parent` with the same structure
    /// but not final: a type of its own, so every call traps on the
    /// signature check although the signatures read alike.
    Sibling,
}

impl CalleeType {
    pub const ALL: [CalleeType; 4] = [CalleeType::Returns, CalleeType::Other, CalleeType::Parent, CalleeType::Sibling];

    /// Its name in the module (`$returns`).
    pub fn name(self) -> &'static str {
        match self {
            CalleeType::Returns => "$returns",
            CalleeType::Other => "$other",
            CalleeType::Parent => "$parent",
            CalleeType::Sibling => "$sibling",
        }
    }

    /// Whether a call of one of the table's functions passes the check.
    pub fn matches(self) -> bool {
        matches!(self, CalleeType::Returns | CalleeType::Parent)
    }

    /// Whether the module declares types with GC's subtyping.
    pub fn needs_gc(self) -> bool {
        matches!(self, CalleeType::Parent | CalleeType::Sibling)
    }
}

/// The table a table instruction runs against: like [`Memory`], not an
/// immediate of the instruction but of its module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Table {
    /// 64-bit (table64, of the memory64 proposal): indices and lengths in
    /// the table are `i64`s.
    pub table64: bool,
    /// Declared without a maximum.
    pub unbounded: bool,
    /// What the table holds.
    pub elements: Elements,
}

/// What a table holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Elements {
    /// `funcref`s.
    #[default]
    Funcref,
    /// `(ref null $returns)`: functions of one declared type (typed
    /// function references, GC), so an engine knows from the types alone
    /// whether a `call_indirect`'s signature check passes, and where the
    /// types are declared subtypes, through which check.
    TypedFuncref,
    /// `externref`s (GC's `extern.convert_any` makes them: of structs,
    /// which a collector tracks, and of `i31ref`s); never an indirect
    /// call's.
    Externref,
}

impl Elements {
    /// The kinds, in the order the sweep runs them.
    pub const ALL: [Elements; 3] = [Elements::Funcref, Elements::TypedFuncref, Elements::Externref];

    /// The element type's name in the text format.
    pub fn type_text(self) -> &'static str {
        match self {
            Elements::Funcref => "funcref",
            Elements::TypedFuncref => "(ref null $returns)",
            Elements::Externref => "externref",
        }
    }

    /// Whether the module needs GC (typed references, or
    /// `extern.convert_any` and structs).
    pub fn needs_gc(self) -> bool {
        self != Elements::Funcref
    }

    /// Its word in a module's section text (`elem=typed`), none for
    /// `funcref`.
    pub fn word(self) -> Option<&'static str> {
        match self {
            Elements::Funcref => None,
            Elements::TypedFuncref => Some("elem=typed"),
            Elements::Externref => Some("elem=extern"),
        }
    }
}

impl Table {
    /// A kind of table from fuzz bytes: 64-bit one time in four, without
    /// a maximum one time in two; of `externref`s one time in three where
    /// `of_any` (not for the indirect calls), of typed function references
    /// one time in six (one in two for the indirect calls), else of
    /// `funcref`s.
    pub(super) fn arbitrary(u: &mut Unstructured<'_>, of_any: bool) -> arbitrary::Result<Table> {
        let (table64, unbounded) = (u.ratio(1u8, 4)?, u.arbitrary()?);
        let elements = match u.int_in_range(0..=5u8)? {
            0 | 1 if of_any => Elements::Externref,
            0..=2 => Elements::TypedFuncref,
            _ => Elements::Funcref,
        };
        Ok(Table { table64, unbounded, elements })
    }

    /// The four kinds of table (32- or 64-bit, with a maximum or without)
    /// holding `elements`, for the sweep.
    pub(super) fn all_of(elements: Elements) -> [Table; 4] {
        let t = |table64, unbounded| Table { table64, unbounded, elements };
        [t(false, false), t(false, true), t(true, false), t(true, true)]
    }
}

impl Immediates {
    /// The table a table instruction runs against (`table.copy $tab
    /// $src`'s destination).
    pub fn table(&self) -> Option<Table> {
        match *self {
            Immediates::Table(table) | Immediates::Indirect { table, .. } | Immediates::Tables { dst: table, .. } => {
                Some(table)
            }
            _ => None,
        }
    }

    /// `table.copy $tab $src`'s source table, the module's second.
    pub fn source_table(&self) -> Option<Table> {
        match *self {
            Immediates::Tables { src, .. } => Some(src),
            _ => None,
        }
    }

    /// The kind of a copy's source memory or table, where it is a second
    /// one: whether it is 64-bit, and whether it has no maximum.
    pub fn source_kind(&self) -> Option<(bool, bool)> {
        match *self {
            Immediates::Memories { src, .. } => Some((src.memory64, src.unbounded)),
            Immediates::Tables { src, .. } => Some((src.table64, src.unbounded)),
            _ => None,
        }
    }

    /// Whether addresses, indices and lengths are `i64`s: on a 64-bit
    /// memory or table.
    pub fn address64(&self) -> bool {
        self.memory64() || self.table().is_some_and(|t| t.table64)
    }

    /// The memory a memory instruction addresses (`memory.copy 0 1`'s
    /// destination).
    pub fn memory(&self) -> Option<Memory> {
        match *self {
            Immediates::Mem { memory, .. }
            | Immediates::MemLane { memory, .. }
            | Immediates::Memory(memory)
            | Immediates::Memories { dst: memory, .. } => Some(memory),
            _ => None,
        }
    }

    /// `memory.copy 0 1`'s source memory, the module's second.
    pub fn source_memory(&self) -> Option<Memory> {
        match *self {
            Immediates::Memories { src, .. } => Some(src),
            _ => None,
        }
    }

    /// Whether the instruction's memory is 64-bit.
    pub fn memory64(&self) -> bool {
        self.memory().is_some_and(|m| m.memory64)
    }

    /// A memory instruction's offset.
    pub fn offset(&self) -> Option<u64> {
        match *self {
            Immediates::Mem { offset, .. } | Immediates::MemLane { offset, .. } => Some(offset),
            _ => None,
        }
    }
}
