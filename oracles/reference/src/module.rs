//! Decoding and validation of a binary module into a [`Module`]: its
//! types, imports, exports, segments and pre-decoded function bodies.

use crate::compile::func::{ModuleCtx, TranslateError, translate};
use crate::compile::instr::Code;
use crate::error::Error;
use crate::features;
use crate::types::{self, Composite, SubType};
use crate::values::{ExternType, FuncType, GlobalType, MemoryType, RefType, TableType, ValType};
use std::sync::Arc;
use wasmparser::{Parser, Payload, ValidPayload, Validator};

/// An operator of a constant expression.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ConstOp {
    Const(u128),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    /// `struct.new` / `struct.new_default` of a module type.
    StructNew(u32, bool),
    /// `array.new` / `array.new_default` of a module type.
    ArrayNew(u32, bool),
    /// `array.new_fixed` of a module type with `n` elements.
    ArrayNewFixed(u32, u32),
    RefI31,
    /// `any.convert_extern` / `extern.convert_any`: the bits stay.
    Convert,
}

pub(crate) type ConstExpr = Vec<ConstOp>;

/// How an element or data segment is used at instantiation.
#[derive(Debug, Clone)]
pub(crate) enum SegmentMode {
    Passive,
    Active { index: u32, offset: ConstExpr },
    Declared,
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub mode: SegmentMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Arc<[u8]>,
}

/// An import of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

/// The kind of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

/// An export of a module: a name and an index in the kind's index space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
    pub index: u32,
}

#[derive(Debug, Default)]
pub(crate) struct ModuleInner {
    /// Defined types (module type indices inside).
    pub types: Vec<SubType>,
    /// Recursive groups: first type index and number of types.
    pub rec_groups: Vec<(u32, u32)>,
    pub imports: Vec<Import>,
    /// The type index of each function or tag import (`None` for others).
    pub import_type_index: Vec<Option<u32>>,
    /// Type index of every tag, imported ones first.
    pub tags: Vec<u32>,
    /// Type index of every function, imported ones first.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub table_inits: Vec<Option<ConstExpr>>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// Bodies of the defined functions.
    pub code: Vec<Code>,
}

/// A decoded, validated and pre-compiled module. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl Module {
    /// Decodes and validates `bytes`. Fails with `Error::Invalid` (malformed
    /// or invalid, with the validator's message) or `Error::Unsupported`
    /// (valid, but needs a feature outside this interpreter's scope).
    pub fn new(bytes: &[u8]) -> Result<Module, Error> {
        match parse(bytes) {
            Ok(inner) => Ok(Module { inner: Arc::new(inner) }),
            Err(TranslateError::Unsupported(f)) => Err(Error::Unsupported(f)),
            Err(TranslateError::Wasm(e)) => Err(features::classify_failure(bytes, e.message().to_string())),
        }
    }

    /// The imports, in the order [`Instance::instantiate`](crate::Instance::instantiate) expects them.
    pub fn imports(&self) -> &[Import] {
        &self.inner.imports
    }

    /// The exports, in declaration order.
    pub fn exports(&self) -> &[Export] {
        &self.inner.exports
    }

    /// The type of a function by its index in the module's function space.
    pub fn func_type(&self, func_index: u32) -> Option<&FuncType> {
        let t = *self.inner.func_types.get(func_index as usize)?;
        self.inner.func_type(t)
    }
}

impl ModuleInner {
    /// The function type at type index `t`.
    pub fn func_type(&self, t: u32) -> Option<&FuncType> {
        match &self.types.get(t as usize)?.composite {
            Composite::Func(f) => Some(f),
            _ => None,
        }
    }
}

type Res<T> = Result<T, TranslateError>;

fn unsupported<T>(f: &'static str) -> Res<T> {
    Err(TranslateError::Unsupported(f))
}

fn val_type(t: wasmparser::ValType) -> Res<ValType> {
    types::val_type(t).map_err(TranslateError::Unsupported)
}

fn ref_type(r: wasmparser::RefType) -> Res<RefType> {
    types::ref_type(r).map_err(TranslateError::Unsupported)
}

fn table_type(t: &wasmparser::TableType) -> Res<TableType> {
    if t.shared {
        return unsupported("shared-everything-threads");
    }
    Ok(TableType { elem: ValType::Ref(ref_type(t.element_type)?), min: t.initial, max: t.maximum, table64: t.table64 })
}

fn memory_type(m: &wasmparser::MemoryType) -> Res<MemoryType> {
    if m.page_size_log2.is_some_and(|p| p != 16) {
        return unsupported("custom-page-sizes");
    }
    Ok(MemoryType { min: m.initial, max: m.maximum, memory64: m.memory64, shared: m.shared })
}

fn global_type(g: &wasmparser::GlobalType) -> Res<GlobalType> {
    if g.shared {
        return unsupported("shared-everything-threads");
    }
    Ok(GlobalType { ty: val_type(g.content_type)?, mutable: g.mutable })
}

fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Res<ConstExpr> {
    use wasmparser::Operator as O;
    let mut out = Vec::new();
    let mut r = e.get_operators_reader();
    while !r.eof() {
        out.push(match r.read()? {
            O::I32Const { value } => ConstOp::Const(value as u32 as u128),
            O::I64Const { value } => ConstOp::Const(value as u64 as u128),
            O::F32Const { value } => ConstOp::Const(value.bits() as u128),
            O::F64Const { value } => ConstOp::Const(value.bits() as u128),
            O::V128Const { value } => ConstOp::Const(u128::from_le_bytes(*value.bytes())),
            O::RefNull { .. } => ConstOp::Const(0),
            O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index, false),
            O::StructNewDefault { struct_type_index } => ConstOp::StructNew(struct_type_index, true),
            O::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index, false),
            O::ArrayNewDefault { array_type_index } => ConstOp::ArrayNew(array_type_index, true),
            O::ArrayNewFixed { array_type_index, array_size } => ConstOp::ArrayNewFixed(array_type_index, array_size),
            O::RefI31 => ConstOp::RefI31,
            O::AnyConvertExtern | O::ExternConvertAny => ConstOp::Convert,
            O::End => break,
            other => return unsupported(features::operator_feature(&other)),
        });
    }
    Ok(out)
}

fn parse(bytes: &[u8]) -> Res<ModuleInner> {
    let mut validator = Validator::new_with_features(features::supported());
    let mut m = ModuleInner::default();
    let mut code_index = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        let valid = validator.payload(&payload)?;
        match payload {
            Payload::Version { encoding: wasmparser::Encoding::Component, .. } => {
                return unsupported("component-model");
            }
            Payload::TypeSection(r) => {
                for group in r {
                    let start = m.types.len() as u32;
                    for sub in group?.into_types() {
                        m.types.push(types::sub_type(&sub, start).map_err(TranslateError::Unsupported)?);
                    }
                    m.rec_groups.push((start, m.types.len() as u32 - start));
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp?;
                    let mut type_index = None;
                    let ty = match imp.ty {
                        wasmparser::TypeRef::FuncExact(_) => return unsupported("custom-descriptors"),
                        wasmparser::TypeRef::Func(t) => {
                            m.func_types.push(t);
                            m.num_imported_funcs += 1;
                            type_index = Some(t);
                            ExternType::Func(m.func_type(t).cloned().unwrap_or_default())
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = table_type(&t)?;
                            m.tables.push(t);
                            ExternType::Table(t)
                        }
                        wasmparser::TypeRef::Memory(mt) => {
                            let mt = memory_type(&mt)?;
                            m.memories.push(mt);
                            ExternType::Memory(mt)
                        }
                        wasmparser::TypeRef::Global(g) => {
                            let g = global_type(&g)?;
                            m.globals.push(g);
                            ExternType::Global(g)
                        }
                        wasmparser::TypeRef::Tag(t) => {
                            m.tags.push(t.func_type_idx);
                            type_index = Some(t.func_type_idx);
                            ExternType::Tag(m.func_type(t.func_type_idx).cloned().unwrap_or_default())
                        }
                    };
                    m.import_type_index.push(type_index);
                    m.imports.push(Import { module: imp.module.to_string(), name: imp.name.to_string(), ty });
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    m.func_types.push(t?);
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    let t = t?;
                    m.tables.push(table_type(&t.ty)?);
                    m.table_inits.push(match &t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(e)?),
                    });
                }
            }
            Payload::MemorySection(r) => {
                for mt in r {
                    m.memories.push(memory_type(&mt?)?);
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g?;
                    m.globals.push(global_type(&g.ty)?);
                    m.global_inits.push(const_expr(&g.init_expr)?);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    let kind = match e.kind {
                        wasmparser::ExternalKind::Func => ExportKind::Func,
                        wasmparser::ExternalKind::FuncExact => return unsupported("custom-descriptors"),
                        wasmparser::ExternalKind::Table => ExportKind::Table,
                        wasmparser::ExternalKind::Memory => ExportKind::Memory,
                        wasmparser::ExternalKind::Global => ExportKind::Global,
                        wasmparser::ExternalKind::Tag => ExportKind::Tag,
                    };
                    m.exports.push(Export { name: e.name.to_string(), kind, index: e.index });
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e?;
                    let mode = match &e.kind {
                        wasmparser::ElementKind::Passive => SegmentMode::Passive,
                        wasmparser::ElementKind::Declared => SegmentMode::Declared,
                        wasmparser::ElementKind::Active { table_index, offset_expr } => {
                            SegmentMode::Active { index: table_index.unwrap_or(0), offset: const_expr(offset_expr)? }
                        }
                    };
                    let mut items = Vec::new();
                    match e.items {
                        wasmparser::ElementItems::Functions(fs) => {
                            for f in fs {
                                items.push(vec![ConstOp::RefFunc(f?)]);
                            }
                        }
                        wasmparser::ElementItems::Expressions(rt, es) => {
                            for x in es {
                                items.push(const_expr(&x?)?);
                            }
                            ref_type(rt)?;
                        }
                    }
                    m.elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(r) => {
                for d in r {
                    let d = d?;
                    let mode = match &d.kind {
                        wasmparser::DataKind::Passive => SegmentMode::Passive,
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            SegmentMode::Active { index: *memory_index, offset: const_expr(offset_expr)? }
                        }
                    };
                    m.datas.push(DataSegment { mode, bytes: Arc::from(d.data) });
                }
            }
            Payload::CodeSectionEntry(body) => {
                if let ValidPayload::Func(to_validate, _) = valid {
                    let mut fv = to_validate.into_validator(Default::default());
                    let type_index = m.func_types.get(m.num_imported_funcs as usize + code_index).copied().unwrap_or(0);
                    let ctx = ModuleCtx { module: &m };
                    let code = translate(&ctx, type_index, &body, &mut fv)?;
                    m.code.push(code);
                    code_index += 1;
                }
            }
            Payload::TagSection(r) => {
                for t in r {
                    m.tags.push(t?.func_type_idx);
                }
            }
            _ => {}
        }
    }
    Ok(m)
}
