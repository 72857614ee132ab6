//! The types of a module's exports, read with wasmparser: what the
//! out-of-process adapters (V8's wrapper modules, the spec interpreter's
//! scripts) need to know to call an exported function or read a global.

use crate::value::ValType;
use std::collections::HashMap;

/// A function signature crosscheck can pass values for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// The type of one export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportType {
    /// A function; `None` when a parameter or result has a type outside
    /// [`ValType`] (typed references, GC types).
    Func(Option<Signature>),
    /// A global: value type (`None` as above) and mutability.
    Global(Option<ValType>, bool),
    Other,
}

/// Exports by name.
pub type ExportTypes = HashMap<String, ExportType>;

/// Reads the type of every export of `wasm`.
pub fn export_types(wasm: &[u8]) -> Result<ExportTypes, wasmparser::BinaryReaderError> {
    use wasmparser::{CompositeInnerType, ExternalKind, Payload, TypeRef};
    let mut types: Vec<Option<Signature>> = Vec::new();
    let mut funcs: Vec<u32> = Vec::new();
    let mut globals: Vec<(Option<ValType>, bool)> = Vec::new();
    let mut exports = ExportTypes::new();
    let global_of = |g: wasmparser::GlobalType| (ValType::from_wasmparser(g.content_type), g.mutable);
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group?.into_types() {
                        types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => {
                                let conv = |ts: &[wasmparser::ValType]| {
                                    ts.iter().map(|t| ValType::from_wasmparser(*t)).collect::<Option<Vec<_>>>()
                                };
                                match (conv(f.params()), conv(f.results())) {
                                    (Some(params), Some(results)) => Some(Signature { params, results }),
                                    _ => None,
                                }
                            }
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import?.ty {
                        TypeRef::Func(t) => funcs.push(t),
                        TypeRef::Global(g) => globals.push(global_of(g)),
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    funcs.push(t?);
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    globals.push(global_of(g?.ty));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let ty = match export.kind {
                        ExternalKind::Func => {
                            let sig = funcs.get(export.index as usize).and_then(|t| types.get(*t as usize)).cloned();
                            ExportType::Func(sig.flatten())
                        }
                        ExternalKind::Global => match globals.get(export.index as usize) {
                            Some((t, m)) => ExportType::Global(*t, *m),
                            None => ExportType::Global(None, false),
                        },
                        _ => ExportType::Other,
                    };
                    exports.insert(export.name.to_string(), ty);
                }
            }
            _ => {}
        }
    }
    Ok(exports)
}
