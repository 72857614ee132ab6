//! The immediates an instruction takes: drawn from fuzz bytes, biased to
//! the edges of their domain ([`Entry::arbitrary_immediates`]), and
//! enumerated for the sweep ([`Entry::sweep_immediates`]), a memory or
//! table instruction's kind of memory or table among them.

use super::{CalleeType, Elements, Entry, Group, Imm, Immediates, Memory, SplitMix, Table, fnv};
use arbitrary::Unstructured;
use crosscheck_oracles::ValType;

impl Entry {
    /// Immediates drawn from fuzz bytes, biased to the edges of their
    /// domain. Every entry consumes bytes the same way on every host.
    pub fn arbitrary_immediates(&self, u: &mut Unstructured<'_>) -> arbitrary::Result<Immediates> {
        Ok(match self.imm {
            Imm::None => Immediates::None,
            Imm::Const => Immediates::Const(self.arbitrary_const(u)?),
            Imm::Lane(n) => Immediates::Lane(u.int_in_range(0..=n - 1)?),
            Imm::Shuffle => {
                let mut l = [0u8; 16];
                for x in &mut l {
                    *x = u.int_in_range(0..=31)?;
                }
                Immediates::Shuffle(l)
            }
            Imm::Mem { align } => {
                let memory =
                    if self.group == Group::Atomic { Memory::arbitrary_atomic(u)? } else { Memory::arbitrary(u)? };
                let offset = arbitrary_offset(u, 1 << align, memory.memory64)?;
                Immediates::Mem { offset, align: u.int_in_range(self.alignments())?, memory }
            }
            Imm::MemLane { lanes, align } => {
                let memory = Memory::arbitrary(u)?;
                Immediates::MemLane {
                    offset: arbitrary_offset(u, 1 << align, memory.memory64)?,
                    align: u.int_in_range(self.alignments())?,
                    lane: u.int_in_range(0..=lanes - 1)?,
                    memory,
                }
            }
            Imm::Memory if self.name == "memory.copy" => {
                // From a second memory one time in two.
                let dst = Memory::arbitrary(u)?;
                if u.arbitrary()? {
                    Immediates::Memories { dst, src: Memory::arbitrary(u)? }
                } else {
                    Immediates::Memory(dst)
                }
            }
            Imm::Memory | Imm::Data => Immediates::Memory(Memory::arbitrary(u)?),
            Imm::Table if self.name == "table.copy" => {
                // From a second table one time in two: of the same element
                // type, or into `funcref`s one time in two of typed
                // function references.
                let dst = Table::arbitrary(u, true)?;
                if u.arbitrary()? {
                    let elements = match dst.elements {
                        Elements::Funcref if u.arbitrary()? => Elements::TypedFuncref,
                        e => e,
                    };
                    let src = Table { elements, ..Table::arbitrary(u, false)? };
                    Immediates::Tables { dst, src }
                } else {
                    Immediates::Table(dst)
                }
            }
            Imm::Table | Imm::Elem => Immediates::Table(Table::arbitrary(u, true)?),
            Imm::Indirect => {
                // The functions' own type half the time.
                // (`call_ref` needs no table but the module's functions.)
                let table = if self.is_call_ref() { Table::default() } else { Table::arbitrary(u, false)? };
                let ty = match u.int_in_range(0..=5u8)? {
                    0..=2 => CalleeType::Returns,
                    3 => CalleeType::Other,
                    4 => CalleeType::Parent,
                    _ => CalleeType::Sibling,
                };
                // A type the instruction cannot name: the functions' own.
                let ty = if self.callee_types().contains(&ty) { ty } else { CalleeType::Returns };
                Immediates::Indirect { table, ty }
            }
            Imm::HeapType => {
                Immediates::HeapType(u.int_in_range(0..=crate::single_inst::refs::HEAP_TYPES.len() as u8 - 1)?)
            }
            Imm::Cast => Immediates::Cast {
                heap: u.int_in_range(0..=crate::single_inst::casts::CAST_HEAPS.len() as u8 - 1)?,
                nullable: u.arbitrary()?,
            },
            Imm::Struct => Immediates::Struct { field: *u.choose(&crate::single_inst::structs::fields(self))? },
            Imm::Tag => Immediates::Tag(u.int_in_range(0..=crate::single_inst::exceptions::PAYLOADS.len() as u8 - 1)?),
            Imm::Select => Immediates::Select {
                ty: u.int_in_range(0..=crate::single_inst::calls::SELECT_TYPES.len() as u8 - 1)?,
                typed: u.arbitrary()?,
            },
            Imm::Callee => Immediates::Callee(*u.choose(&crate::single_inst::calls::ArgShape::ALL)?),
            // `array.copy` within one array one time in two.
            Imm::Array => Immediates::Array {
                storage: *u.choose(crate::single_inst::arrays::storages(self))?,
                same: self.name == "array.copy" && u.arbitrary()?,
            },
        })
    }

    fn arbitrary_const(&self, u: &mut Unstructured<'_>) -> arbitrary::Result<u128> {
        let ty = self.results.first().copied().unwrap_or(ValType::I32);
        Ok(crate::values::arbitrary_val(u, ty)?.bits())
    }

    /// The immediates the sweep tries: every lane index, the shuffle
    /// patterns engines special-case plus a few random ones, memory
    /// arguments at each alignment with offsets 0, small and past the end,
    /// each on a 32-bit memory and on a 64-bit one (where the offset past
    /// the end is 2^32 instead), every other one on a memory without a
    /// maximum; an instruction without a memory argument on every kind of
    /// memory, `memory.copy` also from a second memory for every pair of
    /// address types; a table instruction on every kind of table
    /// (`table.copy` also from a second table, as `memory.copy`),
    /// `call_indirect` with each [`CalleeType`]; an atomic instruction's
    /// memory with a maximum shared every other time.
    pub fn sweep_immediates(&self, seed: u64) -> Vec<Immediates> {
        let mut rng = SplitMix(seed ^ fnv(self.name));
        match self.imm {
            Imm::None => vec![Immediates::None],
            Imm::Const => {
                let ty = self.results.first().copied().unwrap_or(ValType::I32);
                let edges: Vec<u128> = match ty {
                    ValType::I32 => crate::values::I32_EDGES.iter().map(|&x| x as u128).collect(),
                    ValType::I64 => crate::values::I64_EDGES.iter().map(|&x| x as u128).collect(),
                    ValType::F32 => crate::values::F32_EDGES.iter().map(|&x| x as u128).collect(),
                    ValType::F64 => crate::values::F64_EDGES.iter().map(|&x| x as u128).collect(),
                    _ => (0..8).map(|_| (rng.next_u64() as u128) << 64 | rng.next_u64() as u128).collect(),
                };
                edges.into_iter().map(Immediates::Const).collect()
            }
            Imm::Lane(n) => (0..n).map(Immediates::Lane).collect(),
            Imm::Shuffle => {
                let mut out = vec![
                    Immediates::Shuffle(std::array::from_fn(|i| i as u8)),
                    Immediates::Shuffle(std::array::from_fn(|i| 16 + i as u8)),
                    Immediates::Shuffle(std::array::from_fn(|i| 15 - i as u8)),
                    Immediates::Shuffle(std::array::from_fn(|i| (i as u8 / 2) + 8 * (i as u8 % 2) * 2)),
                    Immediates::Shuffle([0; 16]),
                    Immediates::Shuffle(std::array::from_fn(|i| (i as u8 + 4) % 32)),
                ];
                for _ in 0..4 {
                    out.push(Immediates::Shuffle(std::array::from_fn(|_| (rng.next_u64() % 32) as u8)));
                }
                out
            }
            Imm::Mem { .. } => [false, true]
                .into_iter()
                .flat_map(|memory64| {
                    self.alignments().flat_map(move |align| {
                        sweep_offsets(memory64).into_iter().enumerate().map(move |(i, offset)| {
                            // Every other one without a maximum; an atomic
                            // instruction's with one shared every other time.
                            let k = i + align as usize;
                            let shared = self.group == Group::Atomic && k.is_multiple_of(4);
                            let memory = Memory { memory64, unbounded: k % 2 == 1, shared };
                            Immediates::Mem { offset, align, memory }
                        })
                    })
                })
                .collect(),
            Imm::MemLane { lanes, .. } => {
                let aligns: Vec<u8> = self.alignments().collect();
                [false, true]
                    .into_iter()
                    .flat_map(|memory64| {
                        let aligns = aligns.clone();
                        (0..lanes).map(move |lane| Immediates::MemLane {
                            offset: sweep_offsets(memory64)[lane as usize % 3],
                            align: aligns[lane as usize % aligns.len()],
                            lane,
                            memory: Memory { memory64, unbounded: lane % 2 == 1, shared: false },
                        })
                    })
                    .collect()
            }
            Imm::Memory | Imm::Data => {
                let mut out: Vec<Immediates> = Memory::all().into_iter().map(Immediates::Memory).collect();
                if self.name == "memory.copy" {
                    let m = |(memory64, unbounded)| Memory { memory64, unbounded, shared: false };
                    out.extend(COPY_PAIRS.map(|(dst, src)| Immediates::Memories { dst: m(dst), src: m(src) }));
                }
                out
            }
            Imm::Table | Imm::Elem => {
                // Of every kind of element.
                let mut out: Vec<Immediates> =
                    Elements::ALL.into_iter().flat_map(|e| Table::all_of(e).map(Immediates::Table)).collect();
                if self.name == "table.copy" {
                    // Between tables of each element type, and from typed
                    // function references into `funcref`s.
                    let pairs =
                        Elements::ALL.map(|e| (e, e)).into_iter().chain([(Elements::Funcref, Elements::TypedFuncref)]);
                    for (d, s) in pairs {
                        let t = |(table64, unbounded), elements| Table { table64, unbounded, elements };
                        out.extend(COPY_PAIRS.map(|(dst, src)| Immediates::Tables { dst: t(dst, d), src: t(src, s) }));
                    }
                }
                out
            }
            Imm::Indirect if self.is_call_ref() => {
                self.callee_types().iter().map(|&ty| Immediates::Indirect { table: Table::default(), ty }).collect()
            }
            Imm::Indirect => [Elements::Funcref, Elements::TypedFuncref]
                .into_iter()
                .flat_map(Table::all_of)
                .flat_map(|table| self.callee_types().iter().map(move |&ty| Immediates::Indirect { table, ty }))
                .collect(),
            Imm::HeapType => (0..crate::single_inst::refs::HEAP_TYPES.len() as u8).map(Immediates::HeapType).collect(),
            Imm::Cast => (0..crate::single_inst::casts::CAST_HEAPS.len() as u8)
                .flat_map(|heap| [false, true].map(|nullable| Immediates::Cast { heap, nullable }))
                .collect(),
            Imm::Tag => (0..crate::single_inst::exceptions::PAYLOADS.len() as u8).map(Immediates::Tag).collect(),
            Imm::Select => (0..crate::single_inst::calls::SELECT_TYPES.len() as u8)
                .flat_map(|ty| [false, true].map(|typed| Immediates::Select { ty, typed }))
                .collect(),
            Imm::Callee => crate::single_inst::calls::ArgShape::ALL.map(Immediates::Callee).to_vec(),
            Imm::Struct => crate::single_inst::structs::fields(self)
                .into_iter()
                .map(|field| Immediates::Struct { field })
                .collect(),
            Imm::Array => {
                let copies: &[bool] = if self.name == "array.copy" { &[false, true] } else { &[false] };
                crate::single_inst::arrays::storages(self)
                    .iter()
                    .flat_map(|&storage| copies.iter().map(move |&same| Immediates::Array { storage, same }))
                    .collect()
            }
        }
    }
}

/// The destination and source kinds (64-bit, without a maximum) the sweep
/// copies between with `memory.copy 0 1` and `table.copy $tab $src`:
/// every pair of address types, each side with a maximum and without
/// among them.
const COPY_PAIRS: [((bool, bool), (bool, bool)); 4] = [
    ((false, false), (true, true)),
    ((true, false), (false, true)),
    ((false, true), (false, false)),
    ((true, true), (true, false)),
];

/// The sweep's offsets: 0, small, and past the end of the one page (for a
/// 64-bit memory past 2^32, where a 32-bit sum would wrap).
fn sweep_offsets(memory64: bool) -> [u64; 3] {
    if memory64 { [0, 3, 1 << 32] } else { [0, 3, 65520] }
}

/// Memory offsets biased to 0, small values and the end of one page; for a
/// 64-bit memory one time in six also past 2^32 or near 2^63 and 2^64,
/// where an engine adding in 32 bits, or in 64 bits without the carry,
/// goes wrong.
fn arbitrary_offset(u: &mut Unstructured<'_>, width: u32, memory64: bool) -> arbitrary::Result<u64> {
    Ok(match u.int_in_range(0u8..=if memory64 { 5 } else { 4 })? {
        0 => 0,
        1 => u.int_in_range(1..=32)?,
        2 => (65536 - width - u.int_in_range(0..=2)? + u.int_in_range(0..=2)?) as u64,
        3 => *u.choose(&[65536, u32::MAX, 0x8000_0000, 0xffff_fff0])? as u64,
        4 if memory64 => u.arbitrary()?,
        4 => u.arbitrary::<u32>()? as u64,
        _ => {
            let k = u.int_in_range(0..=64)?;
            *u.choose(&[1u64 << 32, (1 << 32) - width as u64, 1 << 63, u64::MAX - width as u64])? ^ k
        }
    })
}
