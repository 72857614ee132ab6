//! Whole-module rewrites for the Case reducer, each giving one candidate
//! (the reducer keeps it only if the Case stays interesting): exports
//! dropped or renamed, function bodies replaced by `unreachable` or by default
//! results, the start function, active segments and custom sections
//! dropped, and every item nothing refers to removed (functions, globals,
//! tables, memories, tags, types, element and data segments, indices
//! renumbered). wasm-shrink gets there too, one random edit per
//! subprocess; these take the big steps first, in a few candidates.

use super::references::References;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use wasm_encoder::reencode::{Error, Reencode};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, Validator};

/// What replaces a function body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stub {
    /// `unreachable`.
    Unreachable,
    /// The default value of each result (zero, null), `unreachable` for a
    /// result type without a default.
    Defaults,
}

/// One rewrite of a module.
#[derive(Clone, Debug, Default)]
pub struct Edit {
    /// Exports kept, by name (`None`: all).
    pub exports: Option<HashSet<String>>,
    /// Exports renamed (old name to new).
    pub renames: HashMap<String, String>,
    /// Function bodies replaced, by function index.
    pub stubs: BTreeMap<u32, Stub>,
    pub drop_start: bool,
    /// Active element and data segments dropped (passive and declared
    /// ones are referred to by instructions and stay while they are).
    pub drop_active_elements: bool,
    pub drop_active_data: bool,
    pub drop_custom_sections: bool,
    /// Items removed (indices renumbered); a candidate that still refers
    /// to one is no candidate.
    pub removed: Removed,
}

/// Items removed, by index space: indices of the original module.
#[derive(Clone, Debug, Default)]
pub struct Removed {
    pub funcs: BTreeSet<u32>,
    pub globals: BTreeSet<u32>,
    pub tables: BTreeSet<u32>,
    pub memories: BTreeSet<u32>,
    pub tags: BTreeSet<u32>,
    pub types: BTreeSet<u32>,
    pub elements: BTreeSet<u32>,
    pub data: BTreeSet<u32>,
}

impl Removed {
    fn is_empty(&self) -> bool {
        [&self.funcs, &self.globals, &self.tables, &self.memories, &self.tags, &self.types, &self.elements, &self.data]
            .iter()
            .all(|s| s.is_empty())
    }
}

/// The module with `edit` applied, if it is still a valid module.
pub fn apply(wasm: &[u8], edit: &Edit) -> Option<Vec<u8>> {
    let out = Rewriter::new(wasm, edit)?.module(wasm).ok()?;
    let features = crosscheck_oracles::Features::ALL.to_wasmparser();
    Validator::new_with_features(features).validate_all(&out).ok()?;
    Some(out)
}

/// The module without anything nothing refers to (exports, the start
/// function, active segments and instructions refer), repeated until
/// nothing more goes; `None` when nothing does.
pub fn without_unreferenced(wasm: &[u8]) -> Option<Vec<u8>> {
    let mut current = wasm.to_vec();
    let mut changed = false;
    for _ in 0..16 {
        let refs = References::of(&current)?;
        let removed = refs.unreferenced();
        if removed.is_empty() {
            break;
        }
        let edit = Edit { removed, drop_custom_sections: true, ..Edit::default() };
        let next = apply(&current, &edit)?;
        if next.len() >= current.len() {
            break;
        }
        current = next;
        changed = true;
    }
    changed.then_some(current)
}

/// The function indices of the functions the module defines.
pub fn defined_functions(wasm: &[u8]) -> Vec<u32> {
    let edit = Edit::default();
    let Some(r) = Rewriter::new(wasm, &edit) else { return Vec::new() };
    (r.imported_funcs..r.func_types.len() as u32).collect()
}

/// Function indices of the exports named in `names`.
pub fn exported_functions(wasm: &[u8], names: &HashSet<String>) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    for payload in Parser::new(0).parse_all(wasm).flatten() {
        if let Payload::ExportSection(r) = payload {
            out.extend(
                r.into_iter()
                    .flatten()
                    .filter(|e| e.kind == ExternalKind::Func && names.contains(e.name))
                    .map(|e| e.index),
            );
        }
    }
    out
}

/// The size of each defined function's body in bytes, by function index.
pub fn body_sizes(wasm: &[u8]) -> BTreeMap<u32, usize> {
    let first = defined_functions(wasm).first().copied().unwrap_or(0);
    let mut out = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm).flatten() {
        if let Payload::CodeSectionEntry(body) = payload {
            out.insert(first + out.len() as u32, body.range().len());
        }
    }
    out
}

/// Old index to new, with the removed ones gone.
fn renumbering(removed: &BTreeSet<u32>) -> impl Fn(u32) -> Option<u32> + '_ {
    move |i| (!removed.contains(&i)).then(|| i - removed.range(..i).count() as u32)
}

/// A reference to something removed.
#[derive(Debug)]
struct Dangling;

/// Reencodes a module with an [`Edit`] applied.
struct Rewriter<'e> {
    edit: &'e Edit,
    imported_funcs: u32,
    /// Type index of every function (imports first).
    func_types: Vec<u32>,
    /// Result types of every type (`None`: not a function type).
    results: Vec<Option<Vec<wasmparser::ValType>>>,
}

impl Reencode for Rewriter<'_> {
    type Error = Dangling;
    fn function_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.funcs)(i).ok_or(Error::UserError(Dangling))
    }
    fn global_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.globals)(i).ok_or(Error::UserError(Dangling))
    }
    fn table_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.tables)(i).ok_or(Error::UserError(Dangling))
    }
    fn memory_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.memories)(i).ok_or(Error::UserError(Dangling))
    }
    fn tag_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.tags)(i).ok_or(Error::UserError(Dangling))
    }
    fn type_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.types)(i).ok_or(Error::UserError(Dangling))
    }
    fn element_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.elements)(i).ok_or(Error::UserError(Dangling))
    }
    fn data_index(&mut self, i: u32) -> Result<u32, Error<Dangling>> {
        renumbering(&self.edit.removed.data)(i).ok_or(Error::UserError(Dangling))
    }
}

type Result2<T> = Result<T, Error<Dangling>>;

impl<'e> Rewriter<'e> {
    fn new(wasm: &[u8], edit: &'e Edit) -> Option<Rewriter<'e>> {
        let mut r = Rewriter { edit, imported_funcs: 0, func_types: Vec::new(), results: Vec::new() };
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.ok()? {
                Payload::TypeSection(s) => {
                    for group in s {
                        for sub in group.ok()?.into_types() {
                            r.results.push(match &sub.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => Some(f.results().to_vec()),
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(s) => {
                    for import in s.into_imports() {
                        if let TypeRef::Func(t) | TypeRef::FuncExact(t) = import.ok()?.ty {
                            r.func_types.push(t);
                            r.imported_funcs += 1;
                        }
                    }
                }
                Payload::FunctionSection(s) => {
                    for t in s {
                        r.func_types.push(t.ok()?);
                    }
                }
                _ => {}
            }
        }
        Some(r)
    }

    /// The rewritten module; empty sections are left out.
    fn module(&mut self, wasm: &[u8]) -> Result2<Vec<u8>> {
        let mut module = wasm_encoder::Module::new();
        let edit = self.edit;
        let removed = &edit.removed;
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(s) => {
                    let mut out = wasm_encoder::TypeSection::new();
                    let mut at = 0u32;
                    for group in s {
                        let group = group?;
                        let n = group.types().len() as u32;
                        if !(n == 1 && removed.types.contains(&at)) {
                            self.parse_recursive_type_group(out.ty(), group)?;
                        }
                        at += n;
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::ImportSection(s) => {
                    let mut out = wasm_encoder::ImportSection::new();
                    self.parse_import_section(&mut out, s)?;
                    push(&mut module, &out, out.len());
                }
                Payload::FunctionSection(s) => {
                    let mut out = wasm_encoder::FunctionSection::new();
                    for (k, t) in s.into_iter().enumerate() {
                        let t = t?;
                        if !removed.funcs.contains(&(self.imported_funcs + k as u32)) {
                            out.function(self.type_index(t)?);
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::TableSection(s) => {
                    let mut out = wasm_encoder::TableSection::new();
                    let base = self.imported(wasm, |t| matches!(t, TypeRef::Table(_)));
                    for (k, t) in s.into_iter().enumerate() {
                        let t = t?;
                        if !removed.tables.contains(&(base + k as u32)) {
                            self.parse_table(&mut out, t)?;
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::MemorySection(s) => {
                    let mut out = wasm_encoder::MemorySection::new();
                    let base = self.imported(wasm, |t| matches!(t, TypeRef::Memory(_)));
                    for (k, m) in s.into_iter().enumerate() {
                        let m = m?;
                        if !removed.memories.contains(&(base + k as u32)) {
                            out.memory(self.memory_type(m)?);
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::TagSection(s) => {
                    let mut out = wasm_encoder::TagSection::new();
                    let base = self.imported(wasm, |t| matches!(t, TypeRef::Tag(_)));
                    for (k, t) in s.into_iter().enumerate() {
                        let t = t?;
                        if !removed.tags.contains(&(base + k as u32)) {
                            out.tag(self.tag_type(t)?);
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::GlobalSection(s) => {
                    let mut out = wasm_encoder::GlobalSection::new();
                    let base = self.imported(wasm, |t| matches!(t, TypeRef::Global(_)));
                    for (k, g) in s.into_iter().enumerate() {
                        let g = g?;
                        if !removed.globals.contains(&(base + k as u32)) {
                            self.parse_global(&mut out, g)?;
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::ExportSection(s) => {
                    let mut out = wasm_encoder::ExportSection::new();
                    for e in s {
                        let e = e?;
                        if edit.exports.as_ref().is_none_or(|keep| keep.contains(e.name)) {
                            let name = edit.renames.get(e.name).map_or(e.name, |n| n.as_str());
                            self.parse_export(&mut out, wasmparser::Export { name, ..e })?;
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::StartSection { func, .. } => {
                    if !edit.drop_start {
                        module.section(&wasm_encoder::StartSection { function_index: self.start_section(func)? });
                    }
                }
                Payload::ElementSection(s) => {
                    let mut out = wasm_encoder::ElementSection::new();
                    for (k, e) in s.into_iter().enumerate() {
                        let e = e?;
                        let active = matches!(e.kind, wasmparser::ElementKind::Active { .. });
                        if !(removed.elements.contains(&(k as u32)) || active && edit.drop_active_elements) {
                            self.parse_element(&mut out, e)?;
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::DataCountSection { .. } => {
                    let kept = self.data_kept(wasm)?;
                    if kept > 0 {
                        module.section(&wasm_encoder::DataCountSection { count: kept });
                    }
                }
                Payload::CodeSectionStart { .. } => {
                    let code = self.code(wasm)?;
                    push(&mut module, &code, code.len());
                }
                Payload::CodeSectionEntry(_) => {}
                Payload::DataSection(s) => {
                    let mut out = wasm_encoder::DataSection::new();
                    for (k, d) in s.into_iter().enumerate() {
                        let d = d?;
                        if self.data_stays(k as u32, &d.kind) {
                            self.parse_data(&mut out, d)?;
                        }
                    }
                    push(&mut module, &out, out.len());
                }
                Payload::CustomSection(c) => {
                    if !edit.drop_custom_sections {
                        self.parse_custom_section(&mut module, c)?;
                    }
                }
                Payload::End(_) | Payload::Version { .. } => {}
                _ => return Err(Error::UnexpectedNonCoreModuleSection),
            }
        }
        Ok(module.finish())
    }

    fn data_stays(&self, k: u32, kind: &wasmparser::DataKind) -> bool {
        let active = matches!(kind, wasmparser::DataKind::Active { .. });
        !(self.edit.removed.data.contains(&k) || active && self.edit.drop_active_data)
    }

    fn data_kept(&self, wasm: &[u8]) -> Result2<u32> {
        let mut n = 0;
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::DataSection(s) = payload? {
                for (k, d) in s.into_iter().enumerate() {
                    n += u32::from(self.data_stays(k as u32, &d?.kind));
                }
            }
        }
        Ok(n)
    }

    /// Imported items of one kind.
    fn imported(&self, wasm: &[u8], kind: impl Fn(&TypeRef) -> bool) -> u32 {
        let mut n = 0;
        for payload in Parser::new(0).parse_all(wasm).flatten() {
            if let Payload::ImportSection(s) = payload {
                n += s.into_imports().flatten().filter(|i| kind(&i.ty)).count() as u32;
            }
        }
        n
    }

    fn code(&mut self, wasm: &[u8]) -> Result2<wasm_encoder::CodeSection> {
        let mut out = wasm_encoder::CodeSection::new();
        let mut k = 0u32;
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::CodeSectionEntry(body) = payload? {
                let index = self.imported_funcs + k;
                k += 1;
                if self.edit.removed.funcs.contains(&index) {
                    continue;
                }
                match self.edit.stubs.get(&index) {
                    None => self.parse_function_body(&mut out, body)?,
                    Some(stub) => {
                        let mut f = wasm_encoder::Function::new([]);
                        self.stub_body(&mut f, index, *stub)?;
                        out.function(&f);
                    }
                }
            }
        }
        Ok(out)
    }

    fn stub_body(&mut self, f: &mut wasm_encoder::Function, index: u32, stub: Stub) -> Result2<()> {
        use wasm_encoder::Instruction as I;
        let results =
            self.func_types.get(index as usize).and_then(|&t| self.results.get(t as usize)).cloned().flatten();
        let defaults = match (stub, results) {
            (Stub::Defaults, Some(results)) => results.iter().map(|t| default_of(*t)).collect::<Option<Vec<_>>>(),
            _ => None,
        };
        match defaults {
            Some(values) => {
                for v in values {
                    let v = match v {
                        Default::Ref(heap) => I::RefNull(self.heap_type(heap)?),
                        Default::Const(i) => i,
                    };
                    f.instruction(&v);
                }
            }
            None => {
                f.instruction(&I::Unreachable);
            }
        }
        f.instruction(&I::End);
        Ok(())
    }
}

/// The default value of a value type as an instruction that pushes it:
/// a number's zero, or `ref.null` of a heap type (left to the caller to
/// re-encode, since a rewrite may renumber types).
pub(crate) enum Default {
    Const(wasm_encoder::Instruction<'static>),
    Ref(wasmparser::HeapType),
}

/// The default value of `t`; `None` for a non-nullable reference, which
/// has none.
pub(crate) fn default_of(t: wasmparser::ValType) -> Option<Default> {
    use wasm_encoder::Instruction as I;
    Some(match t {
        wasmparser::ValType::I32 => Default::Const(I::I32Const(0)),
        wasmparser::ValType::I64 => Default::Const(I::I64Const(0)),
        wasmparser::ValType::F32 => Default::Const(I::F32Const(0.0.into())),
        wasmparser::ValType::F64 => Default::Const(I::F64Const(0.0.into())),
        wasmparser::ValType::V128 => Default::Const(I::V128Const(0)),
        wasmparser::ValType::Ref(r) if r.is_nullable() => Default::Ref(r.heap_type()),
        wasmparser::ValType::Ref(_) => return None,
    })
}

fn push(module: &mut wasm_encoder::Module, section: &impl wasm_encoder::Section, len: u32) {
    if len > 0 {
        module.section(section);
    }
}

/// The names of the module's exports, with their kinds.
pub fn exports(wasm: &[u8]) -> Vec<(String, ExternalKind)> {
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm).flatten() {
        if let Payload::ExportSection(r) = payload {
            out.extend(r.into_iter().flatten().map(|e| (e.name.to_string(), e.kind)));
        }
    }
    out
}

/// Shorter names for the exports: the `n`th export of the module is
/// named `n` in base 36, the first one the empty name; only the names
/// that get shorter are in the map.
pub fn short_names(wasm: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (n, (name, _)) in exports(wasm).into_iter().enumerate() {
        let short = if n == 0 { String::new() } else { base36(n) };
        if short.len() < name.len() {
            out.insert(name, short);
        }
    }
    out
}

fn base36(mut n: usize) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
        n /= 36;
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}
