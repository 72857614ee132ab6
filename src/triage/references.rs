//! What refers to what in a module, by index space: exports, the start
//! function, active segments, initializers and instructions. The reducer
//! ([`super::prune`]) removes every item nothing refers to.

use super::prune::Removed;
use std::collections::BTreeSet;
use wasm_encoder::reencode::{Error, Reencode};
use wasmparser::{Parser, Payload, TypeRef};

/// How many items of each index space a module has, and what refers to
/// what.
#[derive(Default)]
pub(crate) struct References {
    counts: Removed,
    /// Items referred to, in the same shape as [`Removed`].
    used: Removed,
}

/// Records every index a module refers to (reencoding it, output unused).
#[derive(Default)]
struct Collector {
    used: Removed,
}

impl Reencode for Collector {
    type Error = std::convert::Infallible;
    fn function_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.funcs.insert(i);
        Ok(i)
    }
    fn global_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.globals.insert(i);
        Ok(i)
    }
    fn table_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.tables.insert(i);
        Ok(i)
    }
    fn memory_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.memories.insert(i);
        Ok(i)
    }
    fn tag_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.tags.insert(i);
        Ok(i)
    }
    fn type_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.types.insert(i);
        Ok(i)
    }
    fn element_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.elements.insert(i);
        Ok(i)
    }
    fn data_index(&mut self, i: u32) -> Result<u32, Error> {
        self.used.data.insert(i);
        Ok(i)
    }
}

impl References {
    pub(crate) fn of(wasm: &[u8]) -> Option<References> {
        let mut c = Collector::default();
        c.parse_core_module(&mut wasm_encoder::Module::new(), Parser::new(0), wasm).ok()?;
        let mut counts = Removed::default();
        let mut used = c.used;
        let all = |n: u32| (0..n).collect::<BTreeSet<u32>>();
        let mut type_groups: Vec<u32> = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.ok()? {
                Payload::TypeSection(r) => {
                    for group in r {
                        type_groups.push(group.ok()?.types().len() as u32);
                    }
                }
                Payload::ImportSection(r) => {
                    // Imports stay: what they refer to is used.
                    for import in r.into_imports() {
                        let import = import.ok()?;
                        let set = match import.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => &mut counts.funcs,
                            TypeRef::Global(_) => &mut counts.globals,
                            TypeRef::Table(_) => &mut counts.tables,
                            TypeRef::Memory(_) => &mut counts.memories,
                            TypeRef::Tag(_) => &mut counts.tags,
                        };
                        let n = set.len() as u32;
                        set.insert(n);
                        match import.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => used.funcs.insert(n),
                            TypeRef::Global(_) => used.globals.insert(n),
                            TypeRef::Table(_) => used.tables.insert(n),
                            TypeRef::Memory(_) => used.memories.insert(n),
                            TypeRef::Tag(_) => used.tags.insert(n),
                        };
                    }
                }
                Payload::FunctionSection(r) => extend(&mut counts.funcs, r.count()),
                Payload::GlobalSection(r) => extend(&mut counts.globals, r.count()),
                Payload::TableSection(r) => extend(&mut counts.tables, r.count()),
                Payload::MemorySection(r) => extend(&mut counts.memories, r.count()),
                Payload::TagSection(r) => extend(&mut counts.tags, r.count()),
                Payload::ElementSection(r) => {
                    for (i, e) in r.into_iter().enumerate() {
                        // Active segments run at instantiation: used.
                        if matches!(e.ok()?.kind, wasmparser::ElementKind::Active { .. }) {
                            used.elements.insert(i as u32);
                        }
                        counts.elements.insert(i as u32);
                    }
                }
                Payload::DataSection(r) => {
                    for (i, d) in r.into_iter().enumerate() {
                        if matches!(d.ok()?.kind, wasmparser::DataKind::Active { .. }) {
                            used.data.insert(i as u32);
                        }
                        counts.data.insert(i as u32);
                    }
                }
                _ => {}
            }
        }
        // A type in a recursion group of several stays with its group.
        let mut at = 0;
        for n in type_groups {
            if n > 1 {
                used.types.extend(at..at + n);
            }
            at += n;
        }
        counts.types = all(at);
        Some(References { counts, used })
    }

    pub(crate) fn unreferenced(&self) -> Removed {
        let minus = |all: &BTreeSet<u32>, used: &BTreeSet<u32>| all.difference(used).copied().collect();
        Removed {
            funcs: minus(&self.counts.funcs, &self.used.funcs),
            globals: minus(&self.counts.globals, &self.used.globals),
            tables: minus(&self.counts.tables, &self.used.tables),
            memories: minus(&self.counts.memories, &self.used.memories),
            tags: minus(&self.counts.tags, &self.used.tags),
            types: minus(&self.counts.types, &self.used.types),
            elements: minus(&self.counts.elements, &self.used.elements),
            data: minus(&self.counts.data, &self.used.data),
        }
    }
}

fn extend(set: &mut BTreeSet<u32>, n: u32) {
    let at = set.len() as u32;
    set.extend(at..at + n);
}
