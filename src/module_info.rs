//! What the harness needs to know of a module to plan calls on it: its
//! exported functions with their signatures, and the exports whose final
//! state is observed; and, for the rewrites that need them, its defined
//! types and the storage of their fields. Read with wasmparser, no engine
//! involved.

use crosscheck_oracles::{Exports, ValType};

/// An exported function crosscheck can call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedFunc {
    pub name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// The callable and observable surface of a module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Exported functions whose every parameter and result crosscheck can
    /// pass and observe, in export order.
    pub funcs: Vec<ExportedFunc>,
    pub observe: Exports,
    /// Whether the module imports anything (then it cannot run standalone).
    pub has_imports: bool,
    /// The module's own memories (imported ones are not known in size), in
    /// index order: where addresses are at an edge.
    pub memories: Vec<MemoryInfo>,
    /// Distinct constant offsets of the memory accesses in the code (the
    /// first [`MAX_OFFSETS`]): an address argument lands at an edge only
    /// once its access adds its offset.
    pub offsets: Vec<u64>,
}

/// Most offsets kept in [`ModuleInfo::offsets`].
pub const MAX_OFFSETS: usize = 16;

/// The size limits of a memory, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryInfo {
    /// Size at instantiation.
    pub initial: u64,
    /// Largest size `memory.grow` may reach (`None`: no maximum declared).
    pub maximum: Option<u64>,
    pub memory64: bool,
}

impl MemoryInfo {
    fn of(ty: wasmparser::MemoryType) -> MemoryInfo {
        let page = 1u64.checked_shl(ty.page_size_log2.unwrap_or(16)).unwrap_or(65536);
        MemoryInfo {
            initial: ty.initial.saturating_mul(page),
            maximum: ty.maximum.map(|m| m.saturating_mul(page)),
            memory64: ty.memory64,
        }
    }
}

impl ModuleInfo {
    pub fn of(wasm: &[u8]) -> Result<ModuleInfo, wasmparser::BinaryReaderError> {
        use wasmparser::{ExternalKind, Payload, TypeRef};
        let mut types: Vec<Option<(Vec<ValType>, Vec<ValType>)>> = Vec::new();
        let mut func_types: Vec<u32> = Vec::new();
        // Whether each table holds exception references.
        let mut exn_tables: Vec<bool> = Vec::new();
        let mut info = ModuleInfo::default();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(reader) => {
                    let convert = |tys: &[wasmparser::ValType]| -> Option<Vec<ValType>> {
                        tys.iter().map(|t| ValType::from_wasmparser(*t)).collect()
                    };
                    for group in reader {
                        // GC types (structs, arrays) take their index; no function has them.
                        for sub in group?.into_types() {
                            types.push(match &sub.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => {
                                    convert(f.params()).zip(convert(f.results()))
                                }
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import?;
                        info.has_imports = true;
                        match import.ty {
                            TypeRef::Func(idx) => func_types.push(idx),
                            TypeRef::Table(t) => exn_tables.push(is_exn(t.element_type)),
                            _ => {}
                        }
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        exn_tables.push(is_exn(table?.ty.element_type));
                    }
                }
                Payload::MemorySection(reader) => {
                    for ty in reader {
                        info.memories.push(MemoryInfo::of(ty?));
                    }
                }
                Payload::CodeSectionEntry(body) if info.offsets.len() < MAX_OFFSETS => {
                    let mut reader = body.get_operators_reader()?;
                    while !reader.eof() && info.offsets.len() < MAX_OFFSETS {
                        if let Some(memarg) = crate::addresses::memarg(&reader.read()?)
                            && !info.offsets.contains(&memarg.offset)
                        {
                            info.offsets.push(memarg.offset);
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for idx in reader {
                        func_types.push(idx?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        let name = export.name.to_string();
                        match export.kind {
                            ExternalKind::Func => {
                                let sig = func_types
                                    .get(export.index as usize)
                                    .and_then(|t| types.get(*t as usize))
                                    .and_then(|t| t.clone());
                                if let Some((params, results)) = sig {
                                    info.funcs.push(ExportedFunc { name, params, results });
                                }
                            }
                            ExternalKind::Global => info.observe.globals.push(name),
                            ExternalKind::Memory => info.observe.memories.push(name),
                            // A host cannot read an exception reference out
                            // of a table (JS throws a TypeError): such a
                            // table is seen only through the code using it.
                            ExternalKind::Table if exn_tables.get(export.index as usize) == Some(&true) => {}
                            ExternalKind::Table => info.observe.tables.push(name),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(info)
    }
}

/// A module's defined types in index order, each with whether it is alone
/// in its recursion group (then two identical definitions are one type).
pub fn defined_types(wasm: &[u8]) -> Result<Vec<(wasmparser::SubType, bool)>, wasmparser::BinaryReaderError> {
    let mut types = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::TypeSection(reader) = payload? {
            for group in reader {
                let group = group?;
                let alone = !group.is_explicit_rec_group() || group.types().len() == 1;
                types.extend(group.into_types().map(|t| (t, alone)));
            }
        }
    }
    Ok(types)
}

/// The element of each array type and the fields of each struct type, by
/// type index (none for other types).
pub fn storages(wasm: &[u8]) -> Result<Vec<Vec<wasmparser::FieldType>>, wasmparser::BinaryReaderError> {
    use wasmparser::CompositeInnerType as C;
    Ok(defined_types(wasm)?
        .into_iter()
        .map(|(ty, _)| match ty.composite_type.inner {
            C::Array(a) => vec![a.0],
            C::Struct(st) => st.fields.to_vec(),
            _ => Vec::new(),
        })
        .collect())
}

/// Whether a table's elements are exception references.
fn is_exn(ty: wasmparser::RefType) -> bool {
    use wasmparser::AbstractHeapType as A;
    matches!(ty.heap_type(), wasmparser::HeapType::Abstract { ty: A::Exn | A::NoExn, .. })
}
