//! The instruction catalog: every numeric, SIMD and relaxed-SIMD
//! instruction of the spec, its memory instructions, the threads
//! proposal's atomic memory instructions, its table instructions
//! (`call_indirect` among them), and the Wasm 3.0 reference instructions
//! that act on values alone (casts and branches on casts among them) and
//! its array and struct instructions, with its text-format name, operand and
//! result types and the domain of its immediates; and concrete
//! immediates ([`Immediates`]) drawn from fuzz bytes or enumerated for
//! the sweep. A memory or table instruction's immediates also say which
//! kind of memory or table it runs against ([`Memory`], [`Table`]: 32- or
//! 64-bit, with a maximum or without, an atomic instruction's memory
//! shared or not; a copy's second one): the same instruction compiles to
//! different bounds checks on each. `domains` draws and enumerates the
//! immediates; `table` lists the entries.

mod domains;
mod immediates;
mod table;

use crosscheck_oracles::{Features, ValType};
use crosscheck_reference::simd::relaxed::RelaxedOp;

pub use immediates::{CalleeType, Elements, Immediates, Memory, Table};
pub use table::ENTRIES;

/// Which part of the spec an instruction belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// i32/i64/f32/f64 instructions: constants, arithmetic, comparisons,
    /// conversions, reinterpretations, sign extension, saturating
    /// truncation, wide arithmetic.
    Numeric,
    /// The fixed-width SIMD instructions (the spec's 236).
    Simd,
    /// The 20 relaxed-SIMD instructions.
    Relaxed,
    /// The scalar loads and stores (`i32.load8_s`, ..., `f64.store`),
    /// `memory.size`, `memory.grow`, and the bulk memory instructions
    /// (`memory.fill`, `memory.copy`, `memory.init` from a passive
    /// segment, `data.drop`). The spec lets `memory.grow` fail at any
    /// time: its deltas either stay within what every engine grows
    /// (a few pages a Case) or must fail ([`crate::single_inst::operands`]).
    Memory,
    /// The threads proposal's 67 atomic memory instructions: loads,
    /// stores, read-modify-writes, `cmpxchg`, `memory.atomic.notify`,
    /// `memory.atomic.wait32/64` and `atomic.fence`, on the module's
    /// memory, shared or not. One thread: every result is determined
    /// (`notify` wakes no one; `wait` traps on an unshared memory once its
    /// address is checked, and on a shared one returns "not-equal" or,
    /// after a timeout of at most a microsecond, "timed-out").
    Atomic,
    /// The table instructions on the module's one `funcref` table (32- or
    /// 64-bit, with a maximum or without): `table.get`, `table.set`,
    /// `table.size`, `table.grow`, `table.fill`, `table.copy`,
    /// `table.init` from a passive segment, `elem.drop`, and
    /// `call_indirect` through it (`table.grow`'s deltas drawn like
    /// `memory.grow`'s). Their `funcref` operands are made and results
    /// observed as i32s ([`crate::single_inst::tables`]).
    Table,
    /// Wasm 3.0 instructions on reference values alone (`ref.i31`,
    /// `i31.get_s/u`, `ref.eq`, `any.convert_extern`, `extern.convert_any`,
    /// `ref.is_null`, `ref.as_non_null`, `ref.test`, `ref.cast`,
    /// `br_on_cast`, `br_on_cast_fail`): their operands are made inside
    /// the module from i32 parameters and their results observed as i32s
    /// ([`crate::single_inst::refs`], [`crate::single_inst::casts`]).
    Reference,
    /// Wasm 3.0's array instructions (all fourteen) on an array of a
    /// number or reference storage made inside the module from i32
    /// parameters, a made or written array read back as its length and a
    /// hash ([`crate::single_inst::arrays`]).
    Array,
    /// Wasm 3.0's struct instructions (`struct.new`, `struct.new_default`,
    /// `struct.get`, `struct.get_s/u`, `struct.set`) on a struct of
    /// twelve fields of every storage, made inside the module from i32
    /// parameters, a made or written struct read back as a hash
    /// ([`crate::single_inst::structs`]).
    Struct,
    /// Wasm 3.0's exception instructions (`throw`, `throw_ref`,
    /// `try_table`): a payload of four values thrown and caught back
    /// ([`crate::single_inst::exceptions`]).
    Exception,
    /// `select` on every value type, typed or not
    /// ([`crate::single_inst::calls`]).
    Parametric,
    /// `call` and `return_call` of a function taking more, as many or
    /// fewer arguments of mixed types than the caller's twelve
    /// ([`crate::single_inst::calls`]).
    Call,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Numeric => "numeric",
            Group::Simd => "simd",
            Group::Relaxed => "relaxed-simd",
            Group::Memory => "memory",
            Group::Atomic => "atomic",
            Group::Reference => "reference",
            Group::Table => "table",
            Group::Array => "array",
            Group::Struct => "struct",
            Group::Exception => "exception",
            Group::Parametric => "parametric",
            Group::Call => "call",
        }
    }
}

/// The kind (and domain) of an instruction's immediates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Imm {
    None,
    /// The value itself (`i32.const`, ..., `v128.const`).
    Const,
    /// A lane index below the given lane count.
    Lane(u8),
    /// `i8x16.shuffle`: 16 lane indices below 32.
    Shuffle,
    /// A memory argument; `align` is the natural alignment's log2 (the
    /// largest allowed, and for an atomic instruction the only one).
    Mem {
        align: u8,
    },
    /// A memory argument and a lane index below `lanes`.
    MemLane {
        align: u8,
        lanes: u8,
    },
    /// The module's one memory (`memory.size`, `memory.grow`,
    /// `memory.fill`, `memory.copy`): no immediate in the text, the
    /// memory's kind drawn.
    Memory,
    /// The module's one passive data segment and its memory
    /// (`memory.init`, `data.drop`).
    Data,
    /// The module's one table (`table.get`, `table.set`, `table.size`,
    /// `table.grow`, `table.fill`, `table.copy`): no immediate in the text
    /// but the table, its kind drawn.
    Table,
    /// The module's one passive element segment and its table
    /// (`table.init`, `elem.drop`).
    Elem,
    /// `call_indirect` through the module's table: the type it calls with
    /// (the one every function in the table has, or another), and the
    /// table's kind.
    Indirect,
    /// Not an immediate of the instruction but of its operand: the heap
    /// type the operand is typed with (`ref.is_null` on an `anyref`, an
    /// `eqref`, an `i31ref` or an `externref`; see
    /// [`crate::single_inst::refs::HEAP_TYPES`]).
    HeapType,
    /// `ref.test`, `ref.cast`, `br_on_cast` and `br_on_cast_fail`: the
    /// reference type tested against, a
    /// heap type of the `any` hierarchy (see
    /// [`crate::single_inst::casts::CAST_HEAPS`]), nullable or not.
    Cast,
    /// An array instruction: the element storage of the module's array
    /// type (see [`crate::single_inst::arrays::storages`]), and for
    /// `array.copy` whether it copies within one array.
    Array,
    /// A struct instruction: the field it reads or writes (see
    /// [`crate::single_inst::structs::fields`]).
    Struct,
    /// An exception instruction: the types of its tags' payload (see
    /// [`crate::single_inst::exceptions::PAYLOADS`]).
    Tag,
    /// `select`: the type of its values (see
    /// [`crate::single_inst::calls::SELECT_TYPES`]), written in it or not.
    Select,
    /// `call`, `return_call`: how the callee's arguments are made of the
    /// caller's parameters (see [`crate::single_inst::calls::ArgShape`]).
    Callee,
}

/// One catalogued instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The spec's text-format name (`i8x16.shuffle`).
    pub name: &'static str,
    pub group: Group,
    /// Operand types, in stack order.
    pub params: &'static [ValType],
    pub results: &'static [ValType],
    pub imm: Imm,
}

/// The entry called `name`.
pub fn lookup(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

impl Entry {
    /// Whether the instruction reads or writes linear memory (or needs
    /// one: `memory.size`, `data.drop`).
    pub fn is_memory(&self) -> bool {
        matches!(self.imm, Imm::Mem { .. } | Imm::MemLane { .. } | Imm::Memory | Imm::Data)
    }

    /// Whether the instruction runs against the module's table.
    pub fn is_table(&self) -> bool {
        self.group == Group::Table
    }

    /// The operands (by index) that are addresses or lengths in the
    /// memory or indices and lengths in the table, `i64`s on a 64-bit
    /// memory or table: the address of a load or store, `memory.fill`'s
    /// address and length, all three of `memory.copy`'s, `memory.init`'s
    /// destination (its segment offset and length are `i32`s); the index
    /// of `table.get`, `table.set` and the indirect calls, `table.fill`'s
    /// index and length (its operands 1 and 2 make the `funcref`), all
    /// three of `table.copy`'s, `table.init`'s destination; the delta of
    /// `memory.grow` and `table.grow` (the latter's operands 0 and 1 make
    /// the `funcref`).
    pub fn address_operands(&self) -> &'static [usize] {
        match (self.imm, self.name) {
            (_, "table.grow") => &[2],
            (_, "memory.fill") => &[0, 2],
            (_, "memory.copy" | "table.copy") => &[0, 1, 2],
            (_, "table.fill") => &[0, 3],
            (Imm::Mem { .. } | Imm::MemLane { .. }, _)
            | (
                _,
                "memory.init"
                | "memory.grow"
                | "table.init"
                | "table.get"
                | "table.set"
                | "call_indirect"
                | "return_call_indirect",
            ) => &[0],
            _ => &[],
        }
    }

    /// Whether it writes the table (its effect is observed through the
    /// table): `table.set`, `table.fill`, `table.copy`, `table.init`.
    pub fn writes_table(&self) -> bool {
        matches!(self.name, "table.set" | "table.fill" | "table.copy" | "table.init")
    }

    /// Whether it writes memory (its effect is observed through memory):
    /// the stores, atomic ones included, and the atomic read-modify-writes
    /// and `cmpxchg`s.
    pub fn writes_memory(&self) -> bool {
        self.is_memory() && (self.results.is_empty() || self.name.contains(".rmw"))
    }

    /// The alignments (log2) a memory argument may have: up to the natural
    /// one, which an atomic instruction must have exactly; none without a
    /// memory argument.
    #[allow(clippy::reversed_empty_ranges)]
    pub fn alignments(&self) -> std::ops::RangeInclusive<u8> {
        match self.imm {
            Imm::Mem { align } | Imm::MemLane { align, .. } if self.group == Group::Atomic => align..=align,
            Imm::Mem { align } | Imm::MemLane { align, .. } => 0..=align,
            _ => 1..=0,
        }
    }

    /// Bytes a memory instruction accesses.
    pub fn access_width(&self) -> u32 {
        match self.imm {
            Imm::Mem { align } | Imm::MemLane { align, .. } => 1 << align,
            _ => 0,
        }
    }

    /// The proposals a module with this instruction needs.
    pub fn features(&self) -> Features {
        let mut f = Features::NONE;
        f.sign_extension = true;
        f.saturating_float_to_int = true;
        f.multi_value = true;
        match self.group {
            Group::Numeric => f.wide_arithmetic = self.is_wide_arithmetic(),
            Group::Simd => f.simd = true,
            Group::Relaxed => {
                f.simd = true;
                f.relaxed_simd = true;
            }
            // `memory.size` and `memory.grow` are 1.0; fill, copy, init and
            // drop bulk memory.
            Group::Memory => {
                f.bulk_memory =
                    matches!(self.imm, Imm::Memory | Imm::Data) && !self.is_grow() && self.name != "memory.size"
            }
            Group::Atomic => f.threads = true,
            // `table.get/set/size/fill`: reference types; copy, init and
            // drop: bulk memory (`call_indirect` is 1.0, but `table.get`'s
            // scratch table is a second one: reference types).
            Group::Table => {
                f.reference_types = true;
                f.bulk_memory = true;
                f.tail_call = self.name.starts_with("return_call");
                f.gc = self.is_call_ref();
            }
            // `i31ref`, `anyref` and `eqref` operands: GC (with typed
            // function references, which `ref.as_non_null` belongs to).
            Group::Reference => {
                f.reference_types = true;
                f.gc = true;
                // Casts of functions declare theirs in an element segment
                // (`casts::func_declarations`).
                f.bulk_memory = self.imm == Imm::Cast;
            }
            // Arrays are made from a passive data segment (bulk memory's
            // data count).
            Group::Array => {
                f.reference_types = true;
                f.gc = true;
                f.bulk_memory = true;
            }
            // A field of function references declares its functions in an
            // element segment (`storage::ref_declarations`).
            Group::Struct => {
                f.reference_types = true;
                f.gc = true;
                f.bulk_memory = true;
            }
            Group::Parametric => {}
            Group::Call => {
                f.simd = true;
                f.tail_call = self.name == "return_call";
            }
            // `exnref` is a reference type; a relay tail-calls its thrower.
            Group::Exception => {
                f.reference_types = true;
                f.exceptions = true;
                f.tail_call = true;
            }
        }
        f
    }

    /// The types an indirect call may name: all four for `call_indirect`;
    /// for `return_call_indirect` those whose results are the calling
    /// function's (`$other`, `(func)`, would not validate in tail
    /// position); for `call_ref` and `return_call_ref` the functions' own
    /// and its supertype.
    pub fn callee_types(&self) -> &'static [CalleeType] {
        match self.name {
            "return_call_indirect" => &[CalleeType::Returns, CalleeType::Parent, CalleeType::Sibling],
            // The operand is a `(ref null $returns)`: a type it does not
            // match would not validate.
            "call_ref" | "return_call_ref" => &[CalleeType::Returns, CalleeType::Parent],
            _ => &CalleeType::ALL,
        }
    }

    /// `call_ref` or `return_call_ref`: a call through a typed function
    /// reference, made from two i32s; no table of its own.
    pub fn is_call_ref(&self) -> bool {
        matches!(self.name, "call_ref" | "return_call_ref")
    }

    /// `memory.grow` or `table.grow`: the spec lets them fail at any time,
    /// so their deltas are drawn apart ([`crate::single_inst::operands`])
    /// and their memory or table has room to grow.
    pub fn is_grow(&self) -> bool {
        matches!(self.name, "memory.grow" | "table.grow")
    }

    pub fn is_wide_arithmetic(&self) -> bool {
        matches!(self.name, "i64.add128" | "i64.sub128" | "i64.mul_wide_s" | "i64.mul_wide_u")
    }

    /// The lane shape its vector operands are read in (`f32x4` for
    /// `i32x4.trunc_sat_f32x4_s`): the last shape its name mentions.
    pub fn operand_shape(&self) -> Option<Shape> {
        let mut best: Option<(usize, Shape)> = None;
        for s in Shape::ALL {
            if let Some(i) = self.name.rfind(s.name())
                && best.is_none_or(|(j, _)| i > j)
            {
                best = Some((i, s));
            }
        }
        best.map(|(_, s)| s)
    }

    /// The relaxed-SIMD operator, for relaxed entries.
    pub fn relaxed_op(&self) -> Option<RelaxedOp> {
        use RelaxedOp::*;
        Some(match self.name {
            "i8x16.relaxed_swizzle" => I8x16RelaxedSwizzle,
            "i32x4.relaxed_trunc_f32x4_s" => I32x4RelaxedTruncF32x4S,
            "i32x4.relaxed_trunc_f32x4_u" => I32x4RelaxedTruncF32x4U,
            "i32x4.relaxed_trunc_f64x2_s_zero" => I32x4RelaxedTruncF64x2SZero,
            "i32x4.relaxed_trunc_f64x2_u_zero" => I32x4RelaxedTruncF64x2UZero,
            "f32x4.relaxed_madd" => F32x4RelaxedMadd,
            "f32x4.relaxed_nmadd" => F32x4RelaxedNmadd,
            "f64x2.relaxed_madd" => F64x2RelaxedMadd,
            "f64x2.relaxed_nmadd" => F64x2RelaxedNmadd,
            "i8x16.relaxed_laneselect" => I8x16RelaxedLaneselect,
            "i16x8.relaxed_laneselect" => I16x8RelaxedLaneselect,
            "i32x4.relaxed_laneselect" => I32x4RelaxedLaneselect,
            "i64x2.relaxed_laneselect" => I64x2RelaxedLaneselect,
            "f32x4.relaxed_min" => F32x4RelaxedMin,
            "f32x4.relaxed_max" => F32x4RelaxedMax,
            "f64x2.relaxed_min" => F64x2RelaxedMin,
            "f64x2.relaxed_max" => F64x2RelaxedMax,
            "i16x8.relaxed_q15mulr_s" => I16x8RelaxedQ15mulrS,
            "i16x8.relaxed_dot_i8x16_i7x16_s" => I16x8RelaxedDotI8x16I7x16S,
            "i32x4.relaxed_dot_i8x16_i7x16_add_s" => I32x4RelaxedDotI8x16I7x16AddS,
            _ => return None,
        })
    }
}

/// A vector lane interpretation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    I8x16,
    I16x8,
    I32x4,
    I64x2,
    F32x4,
    F64x2,
}

impl Shape {
    pub const ALL: [Shape; 6] = [Shape::I8x16, Shape::I16x8, Shape::I32x4, Shape::I64x2, Shape::F32x4, Shape::F64x2];

    pub fn name(self) -> &'static str {
        match self {
            Shape::I8x16 => "i8x16",
            Shape::I16x8 => "i16x8",
            Shape::I32x4 => "i32x4",
            Shape::I64x2 => "i64x2",
            Shape::F32x4 => "f32x4",
            Shape::F64x2 => "f64x2",
        }
    }
}

/// FNV-1a of a name: per-entry seeds that do not depend on catalog order.
pub fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// A small deterministic generator (SplitMix64) for the sweep.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
