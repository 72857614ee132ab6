//! What one single-instruction module checks ([`Spec`]): an instruction
//! of the catalog with concrete immediates, its text, the record of it in
//! the module's custom section (which [`super::readback`] reads back), the
//! signature of the function `f` that runs it, and the proposals the
//! module needs. The module's text is [`super::module`]'s.

use super::catalog::{CalleeType, Entry, Immediates};
use super::module::float_text;
use crosscheck_oracles::{Features, ValType};

/// An instruction with concrete immediates: what one module checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Spec {
    pub entry: &'static Entry,
    pub imm: Immediates,
}

impl Spec {
    /// The instruction as it appears in the text format, immediates included.
    pub fn instruction_text(&self) -> String {
        let name = self.entry.name;
        if let Some(scaffold) = super::scaffold::of(&self.imm) {
            return scaffold.instruction_text(self.entry);
        }
        let memarg = |offset: u64, align: u8| format!("offset={offset} align={}", 1u32 << align);
        match self.imm {
            Immediates::None => name.to_string(),
            Immediates::Const(bits) => match self.entry.results.first() {
                Some(ValType::I32) => format!("{name} {}", bits as u32 as i32),
                Some(ValType::I64) => format!("{name} {}", bits as u64 as i64),
                Some(ValType::F32) => format!("{name} {}", float_text(bits as u64 & 0xffff_ffff, 8, 23)),
                Some(ValType::F64) => format!("{name} {}", float_text(bits as u64, 11, 52)),
                _ => format!("{name} i64x2 0x{:x} 0x{:x}", bits as u64, (bits >> 64) as u64),
            },
            Immediates::Lane(l) => format!("{name} {l}"),
            Immediates::Shuffle(l) => {
                let lanes: Vec<String> = l.iter().map(|x| x.to_string()).collect();
                format!("{name} {}", lanes.join(" "))
            }
            Immediates::Mem { offset, align, .. } => format!("{name} {}", memarg(offset, align)),
            Immediates::MemLane { offset, align, lane, .. } => format!("{name} {} {lane}", memarg(offset, align)),
            // The passive segment's index.
            Immediates::Memory(_) if self.entry.imm == super::catalog::Imm::Data => format!("{name} 0"),
            Immediates::Memory(_) | Immediates::HeapType(_) => name.to_string(),
            // Into memory 0 from memory 1.
            Immediates::Memories { .. } => format!("{name} 0 1"),
            Immediates::Table(_) => super::tables::instruction_text(self.entry, CalleeType::Returns),
            Immediates::Tables { .. } => format!("{name} $tab $src"),
            Immediates::Indirect { ty, .. } => super::tables::instruction_text(self.entry, ty),
            // The branches' label is the code around them (`refs::wrapped`).
            Immediates::Cast { heap, nullable } if name.starts_with("br_on_cast") => {
                let top = if super::casts::is_func(heap) { "funcref" } else { "anyref" };
                format!("{name} $l {top} {}", super::casts::cast_type(heap, nullable))
            }
            Immediates::Cast { heap, nullable } => format!("{name} {}", super::casts::cast_type(heap, nullable)),
            Immediates::Array { .. }
            | Immediates::Struct { .. }
            | Immediates::Tag(_)
            | Immediates::Select { .. }
            | Immediates::Callee(_) => unreachable!("{name}: written by its scaffold, above"),
        }
    }

    /// The instruction as the custom section records it and reports show
    /// it: its text, and what is not in the text: the operand's heap type
    /// (`ref.is_null operand=extern`), a 64-bit memory or one without a
    /// maximum (`i32.load offset=0 align=4 memory=i64 max=none`), a shared
    /// memory (`shared`), a 64-bit table or one without a maximum
    /// (`table.get $tab table=i64 max=none`), a table of typed function
    /// references or of `externref`s (`elem=typed`, `elem=extern`; its
    /// copy's source too), a copy's second memory or
    /// table (`src=i64 src-max=none`).
    pub fn section_text(&self) -> String {
        let mut text = self.instruction_text();
        if let Immediates::HeapType(h) = self.imm {
            let heap = super::refs::HEAP_TYPES.get(h as usize).copied().unwrap_or("?");
            text.push_str(&format!(" operand={heap}"));
        }
        let memory = self.imm.memory().unwrap_or_default();
        let table = self.imm.table().unwrap_or_default();
        if memory.memory64 {
            text.push_str(" memory=i64");
        }
        if table.table64 {
            text.push_str(" table=i64");
        }
        if let Some(word) = table.elements.word() {
            text.push_str(&format!(" {word}"));
        }
        if memory.unbounded || table.unbounded {
            text.push_str(" max=none");
        }
        if memory.shared {
            text.push_str(" shared");
        }
        if let Some(scaffold) = super::scaffold::of(&self.imm) {
            text.push_str(&scaffold.section_words());
        }
        if let Some((src64, unbounded)) = self.imm.source_kind() {
            text.push_str(if src64 { " src=i64" } else { " src=i32" });
            if unbounded {
                text.push_str(" src-max=none");
            }
        }
        if let Some(src) = self.imm.source_table()
            && src.elements != table.elements
            && let Some(word) = src.elements.word()
        {
            text.push_str(&format!(" src-{word}"));
        }
        text
    }

    /// The type of addresses and lengths in the module's memory, and of
    /// indices and lengths in its table.
    pub(super) fn address_type(&self) -> ValType {
        if self.imm.address64() { ValType::I64 } else { ValType::I32 }
    }

    /// The operand types of `f`: the entry's, addresses and lengths of the
    /// memory's address type ([`Entry::address_operands`]); for
    /// `memory.copy 0 1` and `table.copy $tab $src` the source address of
    /// the source's, and the length an `i64` only where both are 64-bit.
    pub fn params(&self) -> Vec<ValType> {
        let mut params = self.entry.params.to_vec();
        for &i in self.entry.address_operands() {
            params[i] = self.address_type();
        }
        if let Some((src64, _)) = self.imm.source_kind() {
            let of = |is64| if is64 { ValType::I64 } else { ValType::I32 };
            params[1] = of(src64);
            params[2] = of(src64 && self.imm.address64());
        }
        match super::scaffold::of(&self.imm) {
            Some(scaffold) => scaffold.params(self.entry, params),
            None => params,
        }
    }

    /// The result types of `f`: the entry's, `memory.size`, `table.size`
    /// and the grows an `i64` on a 64-bit memory or table, none for a
    /// `call_indirect` of the type `$other` (`(func)`).
    pub fn results(&self) -> Vec<ValType> {
        let mut results = self.entry.results.to_vec();
        match (self.entry.name, self.imm) {
            ("memory.size" | "table.size" | "memory.grow" | "table.grow", _) => results[0] = self.address_type(),
            (_, Immediates::Indirect { ty: CalleeType::Other, .. }) => results.clear(),
            _ => {}
        }
        match super::scaffold::of(&self.imm) {
            Some(scaffold) => scaffold.results(self.entry, results),
            None => results,
        }
    }

    /// The proposals the module needs: the instruction's, memory64 for a
    /// 64-bit memory or table, multi-memory for a copy between two
    /// memories, GC for a `call_indirect` through declared subtypes and
    /// for a table of typed function references or of `externref`s (made
    /// with `extern.convert_any`).
    pub fn features(&self) -> Features {
        let mut f = self.entry.features();
        f.memory64 |= self.imm.address64() || self.imm.source_kind().is_some_and(|(src64, _)| src64);
        f.multi_memory |= self.imm.source_memory().is_some();
        f.gc |= matches!(self.imm, Immediates::Indirect { ty, .. } if ty.needs_gc());
        f.gc |= self.imm.table().is_some_and(|t| t.elements.needs_gc());
        f.gc |= self.imm.source_table().is_some_and(|t| t.elements.needs_gc());
        if let Some(scaffold) = super::scaffold::of(&self.imm) {
            scaffold.add_features(&mut f);
        }
        f
    }
}
