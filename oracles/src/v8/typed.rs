//! Typed wrapper modules: how a `.wast` session on a V8 with GC calls an
//! export, or reads a global, whose type reaches beyond [`ValType`] (GC
//! and typed function references, `anyref`, `exnref`) or whose function
//! type sits in a recursion group, non-final, with others: the wrapper
//! copies the module's type section, so the function or global it imports
//! has exactly the export's type (types are equal across modules when
//! their recursion groups are).
//!
//! Numbers cross as in [`super::wrapper`]. A reference slot holds a kind
//! word and a payload word: null, a host value `N` (`ref.extern N`, or
//! `ref.host N` in the `any` hierarchy: the same JS object seen through
//! `any.convert_extern`), an `i31` and its value, a struct, an array, or
//! another non-null reference (a function, an exception). Arguments can
//! be null or a host value, as scripts write them; results and globals
//! are sorted by `ref.test` into what a host sees of them.

use super::wrapper::{self, SLOT, mem_arg};
use crate::value::ValType;
use crate::wast_session::{AnyRef, WastVal};
use std::collections::HashMap;
use wasm_encoder as we;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser as wp;

/// The hierarchy of a reference type: what of its values a host sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hierarchy {
    Func,
    Extern,
    Any,
    Exn,
}

impl Hierarchy {
    /// The nullable top type: what the wrapper keeps a value of this hierarchy in.
    fn top(self) -> we::ValType {
        match self {
            Hierarchy::Func => we::ValType::FUNCREF,
            Hierarchy::Extern => we::ValType::EXTERNREF,
            Hierarchy::Any => we::ValType::Ref(we::RefType::ANYREF),
            Hierarchy::Exn => we::ValType::EXNREF,
        }
    }
}

/// How one value crosses a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotType {
    Num(ValType),
    Ref(Hierarchy),
}

// The kind word of a reference slot.
const NULL: u32 = 0;
const HOST: u32 = 1;
const I31: u32 = 2;
const STRUCT: u32 = 3;
const ARRAY: u32 = 4;
const OTHER: u32 = 5;

/// One defined type, as far as wrappers need it.
struct TypeInfo {
    func: Option<wp::FuncType>,
    /// A struct or an array (of the `any` hierarchy).
    object: bool,
    /// Alone in its recursion group, final, without supertype: equal to
    /// the type a plain [`super::wrapper`] declares.
    plain: bool,
}

/// Whether a defined type, alone in its recursion group or not, is equal
/// to the type a plain [`super::wrapper`] declares.
fn is_plain(alone: bool, sub: &wp::SubType) -> bool {
    let ct = &sub.composite_type;
    alone
        && sub.is_final
        && sub.supertype_idx.is_none()
        && !ct.shared
        && ct.descriptor_idx.is_none()
        && ct.describes_idx.is_none()
}

/// A module's types, functions, globals and exports.
pub struct ModuleTypes {
    /// The type section's contents and their offset in the module.
    type_section: Option<(Vec<u8>, usize)>,
    types: Vec<TypeInfo>,
    funcs: Vec<u32>,
    globals: Vec<wp::GlobalType>,
    exports: HashMap<String, (wp::ExternalKind, u32)>,
}

impl ModuleTypes {
    /// Reads what wrappers need from a module's binary.
    pub fn parse(wasm: &[u8]) -> Result<ModuleTypes, wp::BinaryReaderError> {
        use wp::{CompositeInnerType as C, Payload, TypeRef};
        let mut m = ModuleTypes {
            type_section: None,
            types: Vec::new(),
            funcs: Vec::new(),
            globals: Vec::new(),
            exports: HashMap::new(),
        };
        for payload in wp::Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(reader) => {
                    let range = reader.range();
                    m.type_section = Some((wasm[range.clone()].to_vec(), range.start));
                    for group in reader {
                        let group = group?;
                        let alone = group.types().len() == 1;
                        for sub in group.into_types() {
                            let plain = is_plain(alone, &sub);
                            let (func, object) = match &sub.composite_type.inner {
                                C::Func(f) => (Some(f.clone()), false),
                                C::Struct(_) | C::Array(_) => (None, true),
                                C::Cont(_) => (None, false),
                            };
                            m.types.push(TypeInfo { func, object, plain });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        match import?.ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => m.funcs.push(t),
                            TypeRef::Global(g) => m.globals.push(g),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for t in reader {
                        m.funcs.push(t?);
                    }
                }
                Payload::GlobalSection(reader) => {
                    for g in reader {
                        m.globals.push(g?.ty);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        m.exports.insert(export.name.to_string(), (export.kind, export.index));
                    }
                }
                _ => {}
            }
        }
        Ok(m)
    }

    /// The hierarchy of a reference type; `None` outside the four (continuations, shared types).
    fn hierarchy(&self, r: wp::RefType) -> Option<Hierarchy> {
        use wp::AbstractHeapType as A;
        Some(match r.heap_type() {
            wp::HeapType::Abstract { shared: false, ty } => match ty {
                A::Func | A::NoFunc => Hierarchy::Func,
                A::Extern | A::NoExtern => Hierarchy::Extern,
                A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None => Hierarchy::Any,
                A::Exn | A::NoExn => Hierarchy::Exn,
                _ => return None,
            },
            wp::HeapType::Concrete(wp::UnpackedIndex::Module(i)) => {
                let t = self.types.get(i as usize)?;
                if t.func.is_some() {
                    Hierarchy::Func
                } else if t.object {
                    Hierarchy::Any
                } else {
                    return None;
                }
            }
            _ => return None,
        })
    }

    /// How a value of type `t` crosses a slot.
    pub fn slot_type(&self, t: wp::ValType) -> Option<SlotType> {
        match t {
            wp::ValType::Ref(r) => self.hierarchy(r).map(SlotType::Ref),
            other => ValType::from_wasmparser(other).map(SlotType::Num),
        }
    }

    fn slot_types(&self, ts: &[wp::ValType]) -> Result<Vec<SlotType>, String> {
        ts.iter().map(|t| self.slot_type(*t).ok_or_else(|| format!("a value of type {t} cannot cross"))).collect()
    }

    /// The type index of exported function `export`.
    pub fn func_type_index(&self, export: &str) -> Result<u32, String> {
        match self.exports.get(export) {
            Some((wp::ExternalKind::Func | wp::ExternalKind::FuncExact, f)) => {
                self.funcs.get(*f as usize).copied().ok_or_else(|| format!("export {export:?}: no function {f}"))
            }
            _ => Err(format!("no exported function {export:?}")),
        }
    }

    fn func_type(&self, index: u32) -> Result<&wp::FuncType, String> {
        self.types.get(index as usize).and_then(|t| t.func.as_ref()).ok_or_else(|| format!("no function type {index}"))
    }

    /// Whether a function of type `index` needs a typed wrapper: a plain
    /// one cannot declare its type (references beyond `funcref` and
    /// `externref` payloads, or a type in a recursion group).
    pub fn call_needs_typed(&self, index: u32) -> bool {
        let Some(t) = self.types.get(index as usize) else { return true };
        let refs = t.func.as_ref().is_none_or(|f| f.params().iter().chain(f.results()).any(|v| v.is_reference_type()));
        refs || !t.plain
    }

    /// Whether a function type of this module is not what a plain wrapper
    /// declares (in a recursion group with others, non-final, or a subtype).
    pub fn has_grouped_func_type(&self) -> bool {
        self.types.iter().any(|t| t.func.is_some() && !t.plain)
    }

    /// [`ModuleTypes::has_grouped_func_type`] of `wasm`, reading its type
    /// section only (so a module without such a type is not parsed twice
    /// for its exports); false for a module that does not parse.
    pub fn grouped_func_type_in(wasm: &[u8]) -> bool {
        for payload in wp::Parser::new(0).parse_all(wasm) {
            match payload {
                Ok(wp::Payload::TypeSection(reader)) => {
                    return reader.into_iter().any(|group| {
                        group.is_ok_and(|group| {
                            let alone = group.types().len() == 1;
                            group.into_types().any(|sub| {
                                matches!(sub.composite_type.inner, wp::CompositeInnerType::Func(_))
                                    && !is_plain(alone, &sub)
                            })
                        })
                    });
                }
                // The type section comes before every other but custom ones.
                Ok(wp::Payload::Version { .. } | wp::Payload::CustomSection(_)) => {}
                _ => return false,
            }
        }
        false
    }

    /// The type of exported global `export`.
    pub fn global_type(&self, export: &str) -> Option<wp::GlobalType> {
        match self.exports.get(export)? {
            (wp::ExternalKind::Global, g) => self.globals.get(*g as usize).copied(),
            _ => None,
        }
    }

    /// The argument slots for `args` to a function of type `index`.
    pub fn encode_args(&self, index: u32, args: &[WastVal]) -> Result<Vec<u8>, String> {
        let params = self.func_type(index)?.params();
        if params.len() != args.len() {
            return Err(format!("{} arguments for {} parameters", args.len(), params.len()));
        }
        let mut out = vec![0u8; args.len() * SLOT];
        for ((p, a), slot) in params.iter().zip(args).zip(out.chunks_exact_mut(SLOT)) {
            let mismatch = || format!("cannot pass {a} for a parameter of type {p}");
            match (self.slot_type(*p), *a) {
                (Some(SlotType::Num(t)), a) if a.to_val().ty() == t => {
                    slot.copy_from_slice(&wrapper::encode_slots(&[a]).ok_or_else(mismatch)?);
                }
                (Some(SlotType::Ref(h)), a) => {
                    use Hierarchy::{Any, Exn, Extern, Func};
                    let (kind, payload) = match (h, a) {
                        (Func, WastVal::FuncRef { null: true })
                        | (Extern, WastVal::ExternRef(None))
                        | (Exn, WastVal::ExnRef { null: true })
                        // A concrete type's null is read as the `any` hierarchy's.
                        | (Any | Func, WastVal::AnyRef(None)) => (NULL, 0),
                        (Extern, WastVal::ExternRef(Some(n))) | (Any, WastVal::AnyRef(Some(AnyRef::Host(n)))) => {
                            (HOST, n)
                        }
                        _ => return Err(mismatch()),
                    };
                    let nullable = p.as_reference_type().is_some_and(|r| r.is_nullable());
                    if kind == NULL && !nullable {
                        return Err(mismatch());
                    }
                    slot[..4].copy_from_slice(&kind.to_le_bytes());
                    slot[4..8].copy_from_slice(&payload.to_le_bytes());
                }
                _ => return Err(mismatch()),
            }
        }
        Ok(out)
    }

    /// The wrapper calling a function of type `index` (imported as `m.f`),
    /// and how its results cross.
    pub fn call_wrapper(&self, index: u32) -> Result<(Vec<u8>, Vec<SlotType>), String> {
        let ty = self.func_type(index)?;
        let (params, results) = (ty.params(), ty.results());
        let slots = self.slot_types(results)?;
        let (types, n) = self.types_with_own()?;
        let mut imports = we::ImportSection::new();
        imports.import("m", "f", we::EntityType::Function(index));
        imports.import("m", "ext", we::EntityType::Function(n + 1));
        imports.import("m", "unext", we::EntityType::Function(n + 2));
        let (f, ext, unext, run) = (0, 1, 2, 3);
        let mut body = we::Function::new(locals(&slots));
        for (slot, p) in params.iter().enumerate() {
            self.load(&mut body.instructions(), *p, slot, ext)?;
        }
        body.instructions().call(f);
        for i in (0..results.len()).rev() {
            body.instructions().local_set(i as u32);
        }
        let scratch = results.len() as u32;
        for (i, t) in slots.iter().enumerate() {
            store(&mut body.instructions(), *t, i as u32, params.len() + i, scratch, unext);
        }
        body.instructions().end();
        Ok((wrapper::finish(types, imports, n, run, params.len() + results.len(), body), slots))
    }

    /// The wrapper reading one global of type `global` (imported as `g.0`).
    pub fn global_wrapper(&self, global: wp::GlobalType) -> Result<(Vec<u8>, SlotType), String> {
        let slot = self.slot_type(global.content_type).ok_or("a global of a type that cannot cross")?;
        let (types, n) = self.types_with_own()?;
        let mut imports = we::ImportSection::new();
        imports.import("m", "ext", we::EntityType::Function(n + 1));
        imports.import("m", "unext", we::EntityType::Function(n + 2));
        let ty = RoundtripReencoder.global_type(global).map_err(|e| e.to_string())?;
        imports.import("g", "0", we::EntityType::Global(ty));
        let (unext, run) = (1, 2);
        let mut body = we::Function::new(locals(&[slot]));
        body.instructions().global_get(0).local_set(0);
        store(&mut body.instructions(), slot, 0, 0, 1, unext);
        body.instructions().end();
        Ok((wrapper::finish(types, imports, n, run, 1, body), slot))
    }

    /// The module's types, then the wrapper's own: `run` (`n`), `ext`
    /// (`n + 1`) and `unext` (`n + 2`).
    fn types_with_own(&self) -> Result<(we::TypeSection, u32), String> {
        let mut types = we::TypeSection::new();
        if let Some((bytes, offset)) = &self.type_section {
            let reader =
                wp::TypeSectionReader::new(wp::BinaryReader::new(bytes, *offset)).map_err(|e| e.to_string())?;
            RoundtripReencoder.parse_type_section(&mut types, reader).map_err(|e| e.to_string())?;
        }
        types.ty().function([], []);
        types.ty().function([we::ValType::I32], [we::ValType::EXTERNREF]);
        types.ty().function([we::ValType::EXTERNREF], [we::ValType::I32]);
        Ok((types, self.types.len() as u32))
    }

    /// Pushes the argument in `slot` as a value of type `t`.
    fn load(&self, s: &mut we::InstructionSink<'_>, t: wp::ValType, slot: usize, ext: u32) -> Result<(), String> {
        let wp::ValType::Ref(r) = t else {
            let num = ValType::from_wasmparser(t).ok_or_else(|| format!("a parameter of type {t}"))?;
            wrapper::load_num(s, num, slot);
            return Ok(());
        };
        let h = self.hierarchy(r).ok_or_else(|| format!("a parameter of type {t}"))?;
        let e = |err: wasm_encoder::reencode::Error| err.to_string();
        let ty = RoundtripReencoder.ref_type(r).map_err(e)?;
        s.i32_const(0).i32_load(mem_arg(slot, 0)).if_(we::BlockType::Result(we::ValType::Ref(ty)));
        match h {
            Hierarchy::Extern | Hierarchy::Any => {
                s.i32_const(0).i32_load(mem_arg(slot, 4)).call(ext);
                if h == Hierarchy::Any {
                    s.any_convert_extern();
                }
                if we::ValType::Ref(ty) != h.top() {
                    if ty.nullable {
                        s.ref_cast_nullable(ty.heap_type);
                    } else {
                        s.ref_cast_non_null(ty.heap_type);
                    }
                }
            }
            // No host value is a function or an exception (encode_args refuses).
            Hierarchy::Func | Hierarchy::Exn => {
                s.unreachable();
            }
        }
        s.else_();
        if ty.nullable {
            s.ref_null(ty.heap_type);
        } else {
            s.unreachable();
        }
        s.end();
        Ok(())
    }
}

/// Result locals (one per slot, references at their hierarchy's top
/// type), then a scratch `anyref`.
fn locals(slots: &[SlotType]) -> Vec<(u32, we::ValType)> {
    let mut locals: Vec<(u32, we::ValType)> = slots
        .iter()
        .map(|t| match t {
            SlotType::Num(v) => (1, wrapper::wasm_type(*v)),
            SlotType::Ref(h) => (1, h.top()),
        })
        .collect();
    locals.push((1, Hierarchy::Any.top()));
    locals
}

fn put_kind(s: &mut we::InstructionSink<'_>, slot: usize, kind: u32) {
    s.i32_const(0).i32_const(kind as i32).i32_store(mem_arg(slot, 0));
}

/// Stores local `local` (of slot type `t`) into `slot`; `scratch` is an
/// `anyref` local, `unext` the function reading a host value's `N`.
fn store(s: &mut we::InstructionSink<'_>, t: SlotType, local: u32, slot: usize, scratch: u32, unext: u32) {
    let h = match t {
        SlotType::Num(v) => return wrapper::store_num(s, v, local, slot),
        SlotType::Ref(h) => h,
    };
    if matches!(h, Hierarchy::Func | Hierarchy::Exn) {
        s.i32_const(0).i32_const(NULL as i32).i32_const(OTHER as i32).local_get(local).ref_is_null().select();
        s.i32_store(mem_arg(slot, 0));
        return;
    }
    s.local_get(local).ref_is_null().if_(we::BlockType::Empty);
    put_kind(s, slot, NULL);
    s.else_();
    let any = if h == Hierarchy::Any {
        local
    } else {
        s.local_get(local).any_convert_extern().local_set(scratch);
        scratch
    };
    let abstract_ty = |ty| we::HeapType::Abstract { shared: false, ty };
    // i31: its value; struct, array: the kind; anything else: a host value.
    s.local_get(any).ref_test_non_null(abstract_ty(we::AbstractHeapType::I31)).if_(we::BlockType::Empty);
    put_kind(s, slot, I31);
    s.i32_const(0).local_get(any).ref_cast_non_null(abstract_ty(we::AbstractHeapType::I31)).i31_get_u();
    s.i32_store(mem_arg(slot, 4));
    s.else_();
    s.local_get(any).ref_test_non_null(abstract_ty(we::AbstractHeapType::Struct)).if_(we::BlockType::Empty);
    put_kind(s, slot, STRUCT);
    s.else_();
    s.local_get(any).ref_test_non_null(abstract_ty(we::AbstractHeapType::Array)).if_(we::BlockType::Empty);
    put_kind(s, slot, ARRAY);
    s.else_();
    put_kind(s, slot, HOST);
    s.i32_const(0).local_get(local);
    if h == Hierarchy::Any {
        s.extern_convert_any();
    }
    s.call(unext).i32_store(mem_arg(slot, 4));
    s.end().end().end().end();
}

/// Decodes values crossing as `types` from consecutive slots; `None` when
/// the bytes are too short or a kind word is out of place.
pub fn decode(types: &[SlotType], bytes: &[u8]) -> Option<Vec<WastVal>> {
    if bytes.len() < types.len() * SLOT {
        return None;
    }
    types
        .iter()
        .zip(bytes.chunks_exact(SLOT))
        .map(|(t, s)| {
            let h = match t {
                SlotType::Num(v) => return wrapper::decode_slots(&[*v], s)?.pop(),
                SlotType::Ref(h) => *h,
            };
            let word = |o: usize| u32::from_le_bytes([s[o], s[o + 1], s[o + 2], s[o + 3]]);
            let (kind, payload) = (word(0), word(4));
            let any = match kind {
                HOST => Some(AnyRef::Host(payload)),
                I31 => Some(AnyRef::I31(payload)),
                STRUCT => Some(AnyRef::Struct),
                ARRAY => Some(AnyRef::Array),
                _ => None,
            };
            Some(match (h, kind, any) {
                (Hierarchy::Func, NULL | OTHER, _) => WastVal::FuncRef { null: kind == NULL },
                (Hierarchy::Exn, NULL | OTHER, _) => WastVal::ExnRef { null: kind == NULL },
                (Hierarchy::Extern, NULL, _) => WastVal::ExternRef(None),
                (Hierarchy::Extern, HOST, _) => WastVal::ExternRef(Some(payload)),
                (Hierarchy::Extern, _, Some(a)) => WastVal::ExternAny(a),
                (Hierarchy::Any, NULL, _) => WastVal::AnyRef(None),
                (Hierarchy::Any, _, Some(a)) => WastVal::AnyRef(Some(a)),
                _ => return None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = r#"(module
      (rec (type $s (struct (field i32))) (type $f (func (param (ref null $s) anyref externref i32) (result i32))))
      (type $g (func (param f64) (result anyref externref funcref exnref (ref $s) i31ref f32)))
      (func (export "f") (type $f) (i32.const 0))
      (func (export "g") (type $g) unreachable)
      (func (export "plain") (param i32) (result i32) (local.get 0))
      (global (export "gs") (mut (ref null $s)) (ref.null $s))
      (global (export "gi") i32 (i32.const 1)))"#;

    #[test]
    fn typed_wrappers_validate_and_slots_round_trip() {
        let m = ModuleTypes::parse(&wat::parse_str(MODULE).unwrap()).unwrap();
        let all = wp::WasmFeatures::all();
        let [f, g, plain] = ["f", "g", "plain"].map(|e| m.func_type_index(e).unwrap());
        assert!(m.call_needs_typed(f) && m.call_needs_typed(g) && !m.call_needs_typed(plain));
        for index in [f, g, plain] {
            let (w, _) = m.call_wrapper(index).unwrap();
            wp::Validator::new_with_features(all).validate_all(&w).unwrap();
        }
        for name in ["gs", "gi"] {
            let (w, _) = m.global_wrapper(m.global_type(name).unwrap()).unwrap();
            wp::Validator::new_with_features(all).validate_all(&w).unwrap();
        }
        let args = [WastVal::AnyRef(None), WastVal::AnyRef(Some(AnyRef::Host(3))), WastVal::ExternRef(Some(9))];
        let mut args = args.to_vec();
        args.push(WastVal::I32(7));
        let bytes = m.encode_args(f, &args).unwrap();
        assert_eq!(&bytes[16..24], &[1, 0, 0, 0, 3, 0, 0, 0]);
        assert_eq!(&bytes[48..52], &7u32.to_le_bytes());
        // A host value where only null fits, and a type mismatch, are refused.
        args[0] = WastVal::AnyRef(Some(AnyRef::Host(1)));
        assert!(m.encode_args(f, &args).is_ok(), "host values cross to (ref null $s) and are cast there");
        args[2] = WastVal::AnyRef(None);
        assert!(m.encode_args(f, &args).is_err());
        let (_, slots) = m.call_wrapper(g).unwrap();
        let mut out = vec![0u8; slots.len() * SLOT];
        let words: [(u32, u32); 7] =
            [(I31, 5), (STRUCT, 0), (OTHER, 0), (NULL, 0), (ARRAY, 0), (I31, 1), (0x3f80_0000, 0)];
        for ((k, p), s) in words.iter().zip(out.chunks_exact_mut(SLOT)) {
            s[..4].copy_from_slice(&k.to_le_bytes());
            s[4..8].copy_from_slice(&p.to_le_bytes());
        }
        let vals = decode(&slots, &out).unwrap();
        assert_eq!(
            vals,
            [
                WastVal::AnyRef(Some(AnyRef::I31(5))),
                WastVal::ExternAny(AnyRef::Struct),
                WastVal::FuncRef { null: false },
                WastVal::ExnRef { null: true },
                WastVal::AnyRef(Some(AnyRef::Array)),
                WastVal::AnyRef(Some(AnyRef::I31(1))),
                WastVal::F32(0x3f80_0000),
            ]
        );
        // A struct kind in a function slot is garbage.
        out[32..36].copy_from_slice(&STRUCT.to_le_bytes());
        assert!(decode(&slots, &out).is_none());
    }

    #[test]
    fn the_type_section_alone_tells_a_grouped_function_type() {
        let modules = [
            (MODULE, true),
            // A struct in a group of its own does not count; a non-final
            // function type, or one with a supertype, does.
            ("(module (rec (type (struct)) (type (struct))) (func (param i32)))", false),
            ("(module (type (sub (func))) (func (type 0)))", true),
            ("(module (type $a (sub (func))) (type (sub final $a (func))))", true),
            ("(module (@custom \"c\" (before first) \"x\") (type (sub (func))) (func (type 0)))", true),
            ("(module (memory 1))", false),
            ("(module)", false),
        ];
        for (wat, grouped) in modules {
            let wasm = wat::parse_str(wat).unwrap();
            assert_eq!(ModuleTypes::parse(&wasm).unwrap().has_grouped_func_type(), grouped, "{wat}");
            assert_eq!(ModuleTypes::grouped_func_type_in(&wasm), grouped, "{wat}");
        }
        assert!(!ModuleTypes::grouped_func_type_in(b"\0asm\x01\0\0\0\x01\xff"), "a corrupt module");
    }
}
