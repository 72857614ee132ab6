//! Operand tuples for one instruction: per lane type, pools biased to the
//! edges (0, ±1, MIN/MAX per lane width, sign bits, ±0.0, ±inf, canonical,
//! non-canonical and signalling NaNs of both signs, subnormals, the limits
//! of every conversion — see [`crate::values`]), mixed lane by lane, plus
//! raw bytes; addresses of memory instructions biased to both ends of the
//! one-page memory (on a 64-bit memory also past 2^32 and near 2^64; for
//! an atomic instruction, aligned half the time); indices and lengths of
//! table instructions biased to both ends of the table the same way;
//! `memory.grow` and `table.grow` deltas that grow a little or must fail;
//! the 16 memory bytes the instruction sees; and the i32 parameters reference
//! and `funcref` operands are made from (values and null flags).

use super::catalog::{Entry, Group, Immediates, Shape, SplitMix};
use super::module::Spec;
use super::refs::{Make, RefSig};
use crate::values::{F32_EDGES, F64_EDGES, I32_EDGES, I64_EDGES};
use arbitrary::Unstructured;
use crosscheck_oracles::{Val, ValType};

/// Bytes of the memory a memory instruction runs against.
pub const MEMORY_BYTES: u32 = 65536;

/// Interesting i8 lanes.
const I8_EDGES: &[u8] = &[0, 1, 2, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x0f, 0x10, 0x1f, 0x20, 0x40, 0xc0];
/// Interesting i16 lanes.
const I16_EDGES: &[u16] =
    &[0, 1, 2, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0x00ff, 0x0100, 0x4000, 0xc000, 0x007f, 0xff80];

/// One call's worth of input: the operands, and for memory instructions
/// the 16 bytes written at the accessed address before the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tuple {
    pub args: Vec<Val>,
    /// `(address, bytes)` stored with `poke` before the call.
    pub poke: Option<(u32, u128)>,
}

/// Where random choices come from: fuzz bytes or the sweep's generator.
pub trait Source {
    fn below(&mut self, n: u64) -> u64;
    fn bits(&mut self) -> u128;
}

impl Source for Unstructured<'_> {
    fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        self.int_in_range(0..=n - 1).unwrap_or(0)
    }
    fn bits(&mut self) -> u128 {
        self.arbitrary().unwrap_or(0)
    }
}

impl Source for SplitMix {
    fn below(&mut self, n: u64) -> u64 {
        if n <= 1 { 0 } else { self.next_u64() % n }
    }
    fn bits(&mut self) -> u128 {
        (self.next_u64() as u128) << 64 | self.next_u64() as u128
    }
}

fn pick<T: Copy + Into<u128>>(s: &mut dyn Source, edges: &[T], width: u32) -> u128 {
    // Three in four an edge value, else raw bits.
    if s.below(4) != 0 {
        edges[s.below(edges.len() as u64) as usize].into()
    } else {
        s.bits() & (u128::MAX >> (128 - width))
    }
}

/// One scalar of `ty`, edge-biased.
pub fn scalar(s: &mut dyn Source, ty: ValType) -> Val {
    let bits = match ty {
        ValType::I32 => pick(s, I32_EDGES, 32),
        ValType::I64 => pick(s, I64_EDGES, 64),
        ValType::F32 => pick(s, F32_EDGES, 32),
        ValType::F64 => pick(s, F64_EDGES, 64),
        _ => return vector(s, None),
    };
    Val::from_bits(ty, bits)
}

/// One v128, lane by lane in `shape` (usually the instruction's operand
/// shape, sometimes another one, sometimes fully raw).
pub fn vector(s: &mut dyn Source, shape: Option<Shape>) -> Val {
    let shape = match s.below(8) {
        0..=4 => shape,
        5 | 6 => Some(Shape::ALL[s.below(6) as usize]),
        _ => return Val::V128(s.bits()),
    };
    let Some(shape) = shape else { return Val::V128(s.bits()) };
    let (bits, lanes): (u32, u32) = match shape {
        Shape::I8x16 => (8, 16),
        Shape::I16x8 => (16, 8),
        Shape::I32x4 | Shape::F32x4 => (32, 4),
        Shape::I64x2 | Shape::F64x2 => (64, 2),
    };
    let mut v = 0u128;
    for lane in 0..lanes {
        let x = match shape {
            Shape::I8x16 => pick(s, I8_EDGES, 8),
            Shape::I16x8 => pick(s, I16_EDGES, 16),
            Shape::I32x4 => pick(s, I32_EDGES, 32),
            Shape::I64x2 => pick(s, I64_EDGES, 64),
            Shape::F32x4 => pick(s, F32_EDGES, 32),
            Shape::F64x2 => pick(s, F64_EDGES, 64),
        };
        v |= x << (bits * lane);
    }
    Val::V128(v)
}

/// An address for a memory instruction with offset `offset` accessing
/// `width` bytes: around 0, around the last in-bounds address (both sides
/// of the boundary; computed modulo the address space, so with an offset
/// past the end it is the address whose sum with the offset wraps), far
/// out, or raw. On a 64-bit memory one time in seven an in-bounds address
/// plus 2^32 (where an engine that cuts addresses to 32 bits goes wrong)
/// or one near 2^63 or 2^64.
/// `size` is the memory's bytes, or for a table instruction's index the
/// table's elements.
fn address(s: &mut dyn Source, size: u64, offset: u64, width: u32, memory64: bool) -> u64 {
    let last = size.wrapping_sub(width as u64).wrapping_sub(offset);
    let a = match s.below(if memory64 { 7 } else { 6 }) {
        0 => s.below(16),
        1 | 2 => last.wrapping_add(s.below(5)).wrapping_sub(2),
        3 => [u32::MAX as u64, 0x8000_0000, MEMORY_BYTES as u64, 0xffff_fff0][s.below(4) as usize],
        4 => s.below(size),
        5 => s.bits() as u64,
        _ => match s.below(3) {
            0 => (1 << 32) + s.below(size),
            1 => (1 << 63) + s.below(16),
            _ => u64::MAX - s.below(16),
        },
    };
    if memory64 { a } else { a as u32 as u64 }
}

/// Where the 16 bytes `poke` writes and `peek` reads lie for an effective
/// address: there, or the last 16 bytes of the page when it is past them.
pub fn window(ea: u64) -> u32 {
    ea.min(u64::from(MEMORY_BYTES - 16)) as u32
}

/// A length for `memory.fill`, `memory.copy` or `memory.init` (`size`
/// the memory's bytes), or for `table.fill`, `table.copy` or `table.init`
/// (`size` the table's elements): 0, a few (across the end from an
/// address near it), the whole memory or table and around it, or far past
/// it (on a 64-bit memory or table also past 2^32 and near 2^63 and 2^64,
/// where `address + length` overflows).
fn length(s: &mut dyn Source, size: u64, memory64: bool) -> u64 {
    let m = size;
    let n = match s.below(if memory64 { 7 } else { 6 }) {
        0 => 0,
        1 | 2 => 1 + s.below(16),
        3 => [16, 32, m - 1, m, m + 1][s.below(5) as usize],
        4 => [u32::MAX as u64, 0x8000_0000, 0xffff_fff0][s.below(3) as usize],
        5 => s.below(m),
        _ => [1 << 32, (1 << 32) + 1, 1 << 63, u64::MAX, u64::MAX - 15][s.below(5) as usize],
    };
    if memory64 { n } else { n as u32 as u64 }
}

/// An offset into a passive segment of `len` bytes or elements
/// (`memory.init`, `table.init`): its edges, or far past it.
fn segment_offset(s: &mut dyn Source, len: u32) -> u32 {
    match s.below(4) {
        0 => 0,
        1 => [1, len / 2, len - 1, len, len + 1][s.below(5) as usize],
        2 => s.below(len as u64) as u32,
        _ => [u32::MAX, 0x8000_0000, MEMORY_BYTES][s.below(3) as usize],
    }
}

/// An address, index or length as an operand of its address type: an
/// `i64` on a 64-bit memory or table, else an `i32` (the low 32 bits).
pub fn typed(x: u64, is64: bool) -> Val {
    if is64 { Val::I64(x) } else { Val::I32(x as u32) }
}

/// Pages a `memory.grow` module's memory may reach where it declares a
/// maximum (it starts at one page): deltas of one to three pages succeed
/// until it is full, and must fail after.
pub const GROW_MAX_PAGES: u32 = 4;

/// Elements a `table.grow` module's table may reach where it declares a
/// maximum (it starts at [`super::tables::TABLE_SIZE`]).
pub const GROW_MAX_ELEMENTS: u32 = 16;

/// Pages the deltas of one Case may add to a memory without a maximum
/// ([`cap_growth`]): every engine must be able to grow that far, and
/// Wasmtime with a memory that may not move reserves only 1 MiB (16 pages;
/// `MIN_FIXED_RESERVATION`), past which it fails a grow as the spec allows.
pub const GROW_BUDGET_PAGES: u64 = 12;

/// Elements the deltas of one Case may add to a table without a maximum.
pub const GROW_BUDGET_ELEMENTS: u64 = 64;

/// A delta for `memory.grow` (pages) or `table.grow` (elements): 0, a few
/// (with a maximum, enough to cross it within a Case), or one the spec
/// says must fail whatever the size: past 2^16 pages in all on a 32-bit
/// memory, 2^48 on a 64-bit one, 2^32 - 1 elements on a 32-bit table,
/// 2^64 - 1 on a 64-bit one (the table has at least 8, so `2^32 - 1 - k`
/// for `k < 8` overflows). A 64-bit memory's must-fail deltas have small
/// low 32 bits (`2^48 + k`, `2^63 + k`): an engine that cuts the delta to
/// 32 bits grows where it must fail. No delta the spec lets an engine
/// either grow or refuse (a 32-bit memory grown to 4 GiB, a 64-bit
/// table by 2^32): the judge cannot tell a refusal from a bug.
fn grow_delta(s: &mut dyn Source, table: bool, address64: bool) -> u64 {
    let k = s.below(8);
    match (s.below(4), table, address64) {
        (0, ..) => 0,
        (1 | 2, false, _) => 1 + s.below(3),
        (1 | 2, true, _) => 1 + s.below(8),
        (_, false, false) => [0x1_0000 + k, 0x8000_0000 | k, u32::MAX as u64 - k][s.below(3) as usize],
        (_, false, true) => [(1 << 48) + k, (1 << 63) | k, u64::MAX - k][s.below(3) as usize],
        (_, true, false) => u32::MAX as u64 - k,
        (_, true, true) => u64::MAX - k,
    }
}

/// Whether a grow delta is one [`grow_delta`] draws to succeed (the
/// others must fail).
fn may_grow(delta: u64) -> bool {
    delta <= GROW_MAX_ELEMENTS as u64
}

/// Keeps what a Case's grows add to a memory or table without a maximum
/// within [`GROW_BUDGET_PAGES`] or [`GROW_BUDGET_ELEMENTS`]: a delta that
/// would pass it becomes 0. A tuple's delta counts once per call that runs
/// the instruction on it ([`Spec::instruction_calls`]: `f`, `k`, and for
/// the first tuple the other operand sources). A memory or table with a
/// maximum stops the grows itself.
pub fn cap_growth(spec: &Spec, tuples: &mut [Tuple], const_fed: usize) {
    let (unbounded, budget) = match spec.entry.name {
        "memory.grow" => (spec.imm.memory().is_some_and(|m| m.unbounded), GROW_BUDGET_PAGES),
        "table.grow" => (spec.imm.table().is_some_and(|t| t.unbounded), GROW_BUDGET_ELEMENTS),
        _ => return,
    };
    let Some(&at) = spec.entry.address_operands().first() else { return };
    let mut left = budget;
    for (i, t) in tuples.iter_mut().enumerate() {
        let calls = spec.instruction_calls(i, &t.args, const_fed).len() as u64;
        let Some(arg) = t.args.get_mut(at) else { continue };
        let delta = arg.bits() as u64;
        if !unbounded || !may_grow(delta) {
            continue;
        }
        match left.checked_sub(delta * calls) {
            Some(rest) => left = rest,
            None => *arg = Val::from_bits(arg.ty(), 0),
        }
    }
}

/// The operands of a table instruction: indices and lengths in the table
/// (of its address type; half the time in it, else as a memory's are
/// drawn, since with its few elements and up to three operands most
/// calls would trap), `table.init`'s segment offset and length (`i32`s),
/// and the `(value, null flag)` a `funcref` operand is made from, null
/// one time in four.
fn table_operands(s: &mut dyn Source, entry: &Entry, imm: &Immediates) -> Vec<Val> {
    let table64 = imm.address64();
    // `table.copy $tab $src`: the source index in the source table's
    // type, the length an `i64` only where both tables are 64-bit.
    let src64 = imm.source_table().map_or(table64, |t| t.table64);
    let size = super::tables::TABLE_SIZE as u64;
    let in_table = |a: u64| typed(a, table64);
    let segment = super::tables::PASSIVE_LEN;
    let inside = |s: &mut dyn Source, n: u64| (s.below(2) == 0).then(|| s.below(n));
    (0..entry.params.len())
        .map(|i| match (entry.name, i) {
            ("table.copy", 1) => typed(inside(s, size).unwrap_or_else(|| address(s, size, 0, 1, src64)), src64),
            ("table.copy", 2) => {
                let both = table64 && src64;
                typed(inside(s, size / 2 + 1).unwrap_or_else(|| length(s, size, both)), both)
            }
            ("table.fill", 3) => in_table(inside(s, size / 2 + 1).unwrap_or_else(|| length(s, size, table64))),
            ("table.init", 1) => Val::I32(segment_offset(s, segment)),
            ("table.init", 2) => {
                Val::I32(inside(s, segment as u64 / 2 + 1).unwrap_or_else(|| length(s, segment as u64, false)) as u32)
            }
            ("table.grow", 2) => in_table(grow_delta(s, true, table64)),
            ("table.set" | "table.fill", 2) | ("table.grow" | "call_ref" | "return_call_ref", 1) => {
                Val::I32((s.below(4) == 0) as u32)
            }
            ("table.set" | "table.fill", 1) | ("table.grow" | "call_ref" | "return_call_ref", 0) => {
                scalar(s, ValType::I32)
            }
            _ => in_table(inside(s, size).unwrap_or_else(|| address(s, size, 0, 1, table64))),
        })
        .collect()
}

/// i32s around the edges of an i31: where bit 30 (its sign) and bit 31
/// (dropped by `ref.i31`) change.
const I31_EDGES: &[u32] =
    &[0x3fff_ffff, 0x4000_0000, 0x4000_0001, 0xbfff_ffff, 0xc000_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

/// The i32 parameters of a reference instruction ([`super::refs`]): per
/// operand an edge-biased value (i31 edges among them) and, for an
/// operand that may be null, a null flag set one time in four (or for a
/// cast's operand its kind: [`any_kind`]); a second
/// operand is one time in three the first's value, or it with bit 31
/// flipped (the same i31), so `ref.eq` sees equal operands.
fn reference_operands(s: &mut dyn Source, sig: &RefSig) -> Vec<Val> {
    let mut args = Vec::with_capacity(sig.params());
    for m in sig.operands {
        let mut v = match s.below(3) {
            0 => I31_EDGES[s.below(I31_EDGES.len() as u64) as usize],
            _ => scalar(s, ValType::I32).bits() as u32,
        };
        if let Some(first) = args.first().map(|a: &Val| a.bits() as u32)
            && s.below(3) == 0
        {
            v = first ^ (s.below(2) as u32) << 31;
        }
        args.push(Val::I32(v));
        if matches!(m, Make::AnyOf | Make::FuncOf) {
            args.push(Val::I32(any_kind(s)));
        } else if m.params() == 2 {
            args.push(Val::I32((s.below(4) == 0) as u32));
        }
    }
    args
}

/// The kind of a `ref.test` or `ref.cast` operand ([`super::casts`]):
/// null one time in four, an i31 one in four, else an object, of each
/// type alike, its kind one time in eight a full i32 (the module takes it
/// modulo 8).
fn any_kind(s: &mut dyn Source) -> u32 {
    match s.below(4) {
        0 => 1,
        1 => 0,
        _ if s.below(8) == 0 => scalar(s, ValType::I32).bits() as u32,
        _ => 2 + s.below(super::casts::OBJECTS.len() as u64) as u32,
    }
}

/// One operand tuple for `entry` with immediates `imm`.
pub fn tuple(s: &mut dyn Source, entry: &Entry, imm: &Immediates) -> Tuple {
    if let Some(sig) = super::refs::sig(entry, imm) {
        return Tuple { args: reference_operands(s, &sig), poke: None };
    }
    if let Some(scaffold) = super::scaffold::of(imm) {
        return Tuple { args: scaffold.operands(s, entry), poke: None };
    }
    if entry.is_table() {
        return Tuple { args: table_operands(s, entry, imm), poke: None };
    }
    let shape = entry.operand_shape();
    let offset = imm.offset();
    let width = entry.access_width();
    let memory64 = imm.memory64();
    let in_memory = |a: u64| typed(a, memory64);
    // `memory.copy 0 1`: the source address in the source memory's type,
    // the length an `i64` only where both memories are 64-bit.
    let src64 = imm.source_memory().map(|m| m.memory64);
    let mut args = Vec::with_capacity(entry.params.len());
    for (i, &ty) in entry.params.iter().enumerate() {
        let v = match (offset, i, ty) {
            (Some(off), 0, ValType::I32) => {
                let mut a = address(s, MEMORY_BYTES as u64, off, width, memory64);
                // An atomic access traps unless its effective address is
                // aligned: half the addresses are moved down to the next
                // aligned one.
                if entry.group == Group::Atomic && s.below(2) == 0 {
                    a = a.wrapping_sub(a.wrapping_add(off) % width as u64);
                }
                in_memory(a)
            }
            // Bulk memory: addresses, lengths, `memory.init`'s segment
            // offset and length, `memory.fill`'s byte.
            (None, _, _) if entry.address_operands().contains(&i) => match (entry.name, i, src64) {
                ("memory.copy", 1, Some(src64)) => typed(address(s, MEMORY_BYTES as u64, 0, 1, src64), src64),
                ("memory.copy", 2, Some(src64)) => {
                    let both = src64 && memory64;
                    typed(length(s, MEMORY_BYTES as u64, both), both)
                }
                ("memory.fill" | "memory.copy", 2, _) => in_memory(length(s, MEMORY_BYTES as u64, memory64)),
                ("memory.grow", ..) => in_memory(grow_delta(s, false, memory64)),
                _ => in_memory(address(s, MEMORY_BYTES as u64, 0, 1, memory64)),
            },
            (None, 1, _) if entry.name == "memory.init" => Val::I32(segment_offset(s, super::module::PASSIVE_DATA_LEN)),
            (None, 2, _) if entry.name == "memory.init" => Val::I32(length(s, MEMORY_BYTES as u64, false) as u32),
            (_, _, ValType::V128) => vector(s, shape),
            (_, _, ty) => scalar(s, ty),
        };
        args.push(v);
    }
    // The 16 bytes poked where the instruction reads: at the effective
    // address, `memory.copy`'s source, a bulk instruction's destination.
    let base = match (offset, entry.name) {
        (Some(off), _) => Some(args.first().map_or(0, |a| a.bits() as u64).saturating_add(off)),
        (None, "memory.copy") => args.get(1).map(|a| a.bits() as u64),
        (None, _) if !entry.address_operands().is_empty() => args.first().map(|a| a.bits() as u64),
        _ => None,
    };
    let poke = base.map(|ea| {
        let at = window(ea);
        let bytes = match vector(s, shape) {
            Val::V128(b) => b,
            _ => 0,
        };
        (at, bytes)
    });
    if imm.memory().is_some_and(|m| m.shared) && entry.name.starts_with("memory.atomic.wait") {
        shared_wait_operands(s, &mut args, poke, imm.offset().unwrap_or(0), width);
    }
    Tuple { args, poke }
}

/// A `memory.atomic.wait32/64` on a shared memory waits as long as its
/// timeout says when the value matches (one thread: no one notifies it),
/// forever if it is negative: the timeout is 0 or up to a microsecond, so
/// the call returns 2 ("timed-out") or 1 ("not-equal"). Half the time the
/// expected value is what `poke` put at the effective address, so both
/// results occur.
fn shared_wait_operands(s: &mut dyn Source, args: &mut [Val], poke: Option<(u32, u128)>, offset: u64, width: u32) {
    let timeout = if s.below(2) == 0 { 0 } else { 1 + s.below(1000) };
    if let Some(t) = args.get_mut(2) {
        *t = Val::I64(timeout);
    }
    let ea = args.first().map(|a| a.bits() as u64).and_then(|a| a.checked_add(offset));
    if let (Some(ea), Some((at, bytes)), true) = (ea, poke, s.below(2) == 0) {
        let within = ea.checked_sub(at as u64).filter(|d| d + width as u64 <= 16);
        if let (Some(d), Some(expected)) = (within, args.get_mut(1)) {
            let mask = if width == 8 { u64::MAX as u128 } else { u32::MAX as u128 };
            *expected = Val::from_bits(expected.ty(), (bytes >> (8 * d)) & mask);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::single_inst::catalog::{Memory, lookup};

    #[test]
    fn addresses_reach_both_sides_of_the_end_of_memory() {
        let e = lookup("v128.load32_zero").unwrap();
        let imm = Immediates::Mem { offset: 0, align: 2, memory: Memory::default() };
        let mut g = SplitMix(7);
        let addrs: Vec<u32> = (0..400).map(|_| tuple(&mut g, e, &imm).args[0].bits() as u32).collect();
        assert!(addrs.contains(&(MEMORY_BYTES - 4)), "last in-bounds address drawn");
        assert!(addrs.contains(&(MEMORY_BYTES - 3)), "first out-of-bounds address drawn");
    }

    #[test]
    fn addresses_on_a_64_bit_memory_pass_4_gib_and_wrap_with_the_offset() {
        let e = lookup("i32.load").unwrap();
        let offset = u64::MAX - 9;
        let imm = Immediates::Mem { offset, align: 2, memory: Memory { memory64: true, ..Memory::default() } };
        let mut g = SplitMix(5);
        let addrs: Vec<u64> = (0..600)
            .map(|_| match tuple(&mut g, e, &imm).args[0] {
                Val::I64(a) => a,
                other => panic!("a 64-bit memory's address is an i64, not {other:?}"),
            })
            .collect();
        // An in-bounds address plus 2^32 (an engine cutting addresses to 32
        // bits reads in bounds).
        assert!(addrs.iter().any(|a| (1 << 32..(1 << 32) + MEMORY_BYTES as u64).contains(a)));
        // The address whose sum with the offset wraps to the last
        // in-bounds one (the spec traps: the sum passes 2^64).
        assert!(addrs.contains(&(MEMORY_BYTES as u64 - 4).wrapping_sub(offset)));
    }

    #[test]
    fn half_the_atomic_addresses_are_aligned() {
        let e = lookup("i64.atomic.rmw.add").unwrap();
        let imm = Immediates::Mem { offset: 3, align: 3, memory: Memory::default() };
        let mut g = SplitMix(9);
        let n = 1000;
        let aligned = (0..n).filter(|_| (tuple(&mut g, e, &imm).args[0].bits() as u64 + 3).is_multiple_of(8)).count();
        assert!((n / 2..n * 3 / 4).contains(&aligned), "{aligned} of {n} aligned");
    }

    #[test]
    fn float_operands_include_nans_of_both_signs() {
        let e = lookup("f32x4.neg").unwrap();
        let mut g = SplitMix(3);
        let lanes: Vec<u32> = (0..200)
            .flat_map(|_| {
                let v = tuple(&mut g, e, &Immediates::None).args[0].bits();
                (0..4).map(move |i| (v >> (32 * i)) as u32)
            })
            .collect();
        assert!(lanes.contains(&0xffc0_0000));
        assert!(lanes.contains(&0x7f80_0001));
    }
}
