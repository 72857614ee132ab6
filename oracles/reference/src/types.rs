//! Defined types (§2.3.10-§2.3.13, GC): recursive groups of sub types
//! over function, struct and array types; their decoding from wasmparser;
//! their canonicalization in the store (§3.1.3: equivalent recursive groups
//! get the same type ids) and the subtype relations (§3.3) the interpreter
//! needs at run time: type matching for imports, `call_indirect`, casts.

use crate::store::Store;
use crate::values::{FuncType, HeapType, RefType, ValType};
use std::collections::HashMap;

/// A field's storage type: a value type or a packed integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageType {
    I8,
    I16,
    Val(ValType),
}

impl StorageType {
    /// Bytes per element in a data segment (`array.new_data`, `array.init_data`).
    pub fn byte_size(self) -> usize {
        match self {
            StorageType::I8 => 1,
            StorageType::I16 => 2,
            StorageType::Val(ValType::I32 | ValType::F32) => 4,
            StorageType::Val(ValType::I64 | ValType::F64) => 8,
            StorageType::Val(ValType::V128) => 16,
            StorageType::Val(ValType::Ref(_)) => 0,
        }
    }

    /// Wraps a value to the field's width (packed fields keep their low bits).
    #[inline]
    pub fn wrap(self, v: u128) -> u128 {
        match self {
            StorageType::I8 => v & 0xff,
            StorageType::I16 => v & 0xffff,
            StorageType::Val(_) => v,
        }
    }

    /// Reads a packed value as i32 with sign or zero extension (`_s`/`_u`
    /// gets; the value of a non-packed field unchanged).
    #[inline]
    pub fn extend(self, v: u128, signed: bool) -> u128 {
        let bits = match self {
            StorageType::I8 => 8,
            StorageType::I16 => 16,
            StorageType::Val(_) => return v,
        };
        if signed { (((v as u32) << (32 - bits)) as i32 >> (32 - bits)) as u32 as u128 } else { v }
    }
}

/// A struct or array field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

/// A composite type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Composite {
    Func(FuncType),
    Struct(Vec<FieldType>),
    Array(FieldType),
}

/// A sub type: a composite type with its declared supertype and finality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubType {
    pub is_final: bool,
    pub supertype: Option<u32>,
    pub composite: Composite,
}

impl SubType {
    /// A final function type without supertype (a Wasm 1.0 type).
    pub fn func(f: FuncType) -> SubType {
        SubType { is_final: true, supertype: None, composite: Composite::Func(f) }
    }

    /// Maps every type index in the type through `f`.
    pub fn map(&self, f: &impl Fn(u32) -> u32) -> SubType {
        let field = |x: &FieldType| FieldType {
            storage: match x.storage {
                StorageType::Val(v) => StorageType::Val(map_val(v, f)),
                s => s,
            },
            ..*x
        };
        SubType {
            is_final: self.is_final,
            supertype: self.supertype.map(f),
            composite: match &self.composite {
                Composite::Func(t) => Composite::Func(FuncType {
                    params: t.params.iter().map(|v| map_val(*v, f)).collect(),
                    results: t.results.iter().map(|v| map_val(*v, f)).collect(),
                }),
                Composite::Struct(fs) => Composite::Struct(fs.iter().map(field).collect()),
                Composite::Array(x) => Composite::Array(field(x)),
            },
        }
    }
}

/// Maps the type index of a concrete heap type.
pub fn map_heap(h: HeapType, f: &impl Fn(u32) -> u32) -> HeapType {
    match h {
        HeapType::Concrete(i) => HeapType::Concrete(f(i)),
        other => other,
    }
}

/// Maps the type index of a concrete reference type.
pub fn map_val(v: ValType, f: &impl Fn(u32) -> u32) -> ValType {
    match v {
        ValType::Ref(r) => ValType::Ref(RefType { heap: map_heap(r.heap, f), ..r }),
        other => other,
    }
}

/// Marks a type index as relative to its recursive group in a group key.
const IN_GROUP: u32 = 1 << 31;

/// The store's canonical types: every recursive group once, by structure.
#[derive(Default)]
pub(crate) struct TypeRegistry {
    /// Canonical sub types by id (type indices are ids).
    pub defs: Vec<SubType>,
    /// First id of each canonical group, by its key.
    groups: HashMap<Vec<SubType>, u32>,
}

impl TypeRegistry {
    /// Canonicalizes one recursive group: `group` uses module type
    /// indices, `start` is its first one and `ids` maps every earlier one
    /// to its id. Returns the ids of the group's types.
    pub fn intern_group(&mut self, group: &[SubType], start: u32, ids: &[u32]) -> Vec<u32> {
        let n = group.len() as u32;
        let key_of =
            |i: u32| if i >= start { IN_GROUP | (i - start) } else { ids.get(i as usize).copied().unwrap_or(0) };
        let key: Vec<SubType> = group.iter().map(|t| t.map(&key_of)).collect();
        if let Some(&base) = self.groups.get(&key) {
            return (base..base + n).collect();
        }
        let base = self.defs.len() as u32;
        let resolve = |i: u32| if i & IN_GROUP != 0 { base + (i & !IN_GROUP) } else { i };
        for t in &key {
            self.defs.push(t.map(&resolve));
        }
        self.groups.insert(key, base);
        (base..base + n).collect()
    }

    /// The function type with id `id` (an empty one if it is not a function type).
    pub fn func_type(&self, id: u32) -> &FuncType {
        static EMPTY: FuncType = FuncType { params: Vec::new(), results: Vec::new() };
        match self.defs.get(id as usize).map(|t| &t.composite) {
            Some(Composite::Func(f)) => f,
            _ => &EMPTY,
        }
    }

    /// Whether type `a` is `b` or declares it as a (transitive) supertype.
    pub fn sub(&self, mut a: u32, b: u32) -> bool {
        loop {
            if a == b {
                return true;
            }
            match self.defs.get(a as usize).and_then(|t| t.supertype) {
                Some(s) => a = s,
                None => return false,
            }
        }
    }

    /// The top of a heap type's hierarchy (`func`, `extern`, `any` or `exn`).
    pub fn top(&self, h: HeapType) -> HeapType {
        use HeapType as H;
        match h {
            H::Func | H::NoFunc => H::Func,
            H::Extern | H::NoExtern => H::Extern,
            H::Exn | H::NoExn => H::Exn,
            H::Concrete(i) => match self.defs.get(i as usize).map(|t| &t.composite) {
                Some(Composite::Func(_)) => H::Func,
                _ => H::Any,
            },
            _ => H::Any,
        }
    }

    /// Heap subtyping (§3.3.3), on canonical ids.
    pub fn heap_sub(&self, a: HeapType, b: HeapType) -> bool {
        use HeapType as H;
        if a == b {
            return true;
        }
        let kind = |i: u32| self.defs.get(i as usize).map(|t| &t.composite);
        match (a, b) {
            (H::Concrete(x), H::Concrete(y)) => self.sub(x, y),
            (_, top @ (H::Func | H::Extern | H::Exn | H::Any)) => self.top(a) == top,
            (H::None, _) => self.top(b) == H::Any,
            (H::NoFunc, _) => self.top(b) == H::Func,
            (H::NoExtern, _) => self.top(b) == H::Extern,
            (H::NoExn, _) => self.top(b) == H::Exn,
            (H::I31 | H::Struct | H::Array, H::Eq) => true,
            (H::Concrete(x), H::Eq) => matches!(kind(x), Some(Composite::Struct(_) | Composite::Array(_))),
            (H::Concrete(x), H::Struct) => matches!(kind(x), Some(Composite::Struct(_))),
            (H::Concrete(x), H::Array) => matches!(kind(x), Some(Composite::Array(_))),
            _ => false,
        }
    }

    /// Value subtyping (§3.3.4), on canonical ids.
    pub fn val_sub(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(x), ValType::Ref(y)) => (y.nullable || !x.nullable) && self.heap_sub(x.heap, y.heap),
            _ => a == b,
        }
    }
}

impl Store {
    /// Whether store type `a` matches `b` (is `b` or a declared subtype).
    pub(crate) fn type_sub(&self, a: u32, b: u32) -> bool {
        self.registry.sub(a, b)
    }

    /// The top of heap type `h`'s hierarchy (`func`, `extern`, `any` or
    /// `exn`), `h` as the store's types see it (as in a result's [`Value::Ref`](crate::Value::Ref)).
    pub fn top_heap_type(&self, h: HeapType) -> HeapType {
        self.registry.top(h)
    }

    /// The function type with store id `id`.
    pub(crate) fn func_type_of(&self, id: u32) -> Option<&FuncType> {
        match &self.registry.defs.get(id as usize)?.composite {
            Composite::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The store's canonical sub type with id `id`.
    pub(crate) fn def(&self, id: u32) -> &SubType {
        &self.registry.defs[id as usize]
    }
}

/// Converts a wasmparser value type (module type indices).
pub(crate) fn val_type(t: wasmparser::ValType) -> Result<ValType, &'static str> {
    use wasmparser::ValType as W;
    Ok(match t {
        W::I32 => ValType::I32,
        W::I64 => ValType::I64,
        W::F32 => ValType::F32,
        W::F64 => ValType::F64,
        W::V128 => ValType::V128,
        W::Ref(r) => ValType::Ref(ref_type(r)?),
    })
}

/// Converts a wasmparser reference type (module type indices).
pub(crate) fn ref_type(r: wasmparser::RefType) -> Result<RefType, &'static str> {
    Ok(RefType { nullable: r.is_nullable(), heap: heap_type(r.heap_type())? })
}

/// Converts a wasmparser heap type (module type indices).
pub(crate) fn heap_type(h: wasmparser::HeapType) -> Result<HeapType, &'static str> {
    use wasmparser::AbstractHeapType as A;
    Ok(match h {
        wasmparser::HeapType::Abstract { shared: true, .. } => return Err("shared-everything-threads"),
        wasmparser::HeapType::Abstract { ty, .. } => match ty {
            A::Func => HeapType::Func,
            A::NoFunc => HeapType::NoFunc,
            A::Extern => HeapType::Extern,
            A::NoExtern => HeapType::NoExtern,
            A::Any => HeapType::Any,
            A::Eq => HeapType::Eq,
            A::I31 => HeapType::I31,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::None => HeapType::None,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Cont | A::NoCont => return Err("stack-switching"),
        },
        wasmparser::HeapType::Concrete(i) => HeapType::Concrete(i.as_module_index().ok_or("gc")?),
        wasmparser::HeapType::Exact(_) => return Err("custom-descriptors"),
    })
}

/// Decodes one sub type of a type section; `start` is the module index
/// of its recursive group's first type (group-relative indices are made
/// module indices).
pub(crate) fn sub_type(t: &wasmparser::SubType, start: u32) -> Result<SubType, &'static str> {
    let idx = |p: wasmparser::PackedIndex| match p.unpack() {
        wasmparser::UnpackedIndex::Module(i) => Ok(i),
        wasmparser::UnpackedIndex::RecGroup(i) => Ok(start + i),
        _ => Err("gc"),
    };
    let fix = |v: wasmparser::ValType| -> Result<ValType, &'static str> {
        match v {
            wasmparser::ValType::Ref(r) => match r.heap_type() {
                wasmparser::HeapType::Concrete(u) | wasmparser::HeapType::Exact(u) => {
                    let i = match u {
                        wasmparser::UnpackedIndex::Module(i) => i,
                        wasmparser::UnpackedIndex::RecGroup(i) => start + i,
                        _ => return Err("gc"),
                    };
                    if matches!(r.heap_type(), wasmparser::HeapType::Exact(_)) {
                        return Err("custom-descriptors");
                    }
                    Ok(ValType::Ref(RefType { nullable: r.is_nullable(), heap: HeapType::Concrete(i) }))
                }
                _ => val_type(v),
            },
            _ => val_type(v),
        }
    };
    let field = |f: &wasmparser::FieldType| -> Result<FieldType, &'static str> {
        let storage = match f.element_type {
            wasmparser::StorageType::I8 => StorageType::I8,
            wasmparser::StorageType::I16 => StorageType::I16,
            wasmparser::StorageType::Val(v) => StorageType::Val(fix(v)?),
        };
        Ok(FieldType { storage, mutable: f.mutable })
    };
    let c = &t.composite_type;
    if c.shared {
        return Err("shared-everything-threads");
    }
    if c.descriptor_idx.is_some() || c.describes_idx.is_some() {
        return Err("custom-descriptors");
    }
    let composite = match &c.inner {
        wasmparser::CompositeInnerType::Func(f) => Composite::Func(FuncType {
            params: f.params().iter().map(|v| fix(*v)).collect::<Result<_, _>>()?,
            results: f.results().iter().map(|v| fix(*v)).collect::<Result<_, _>>()?,
        }),
        wasmparser::CompositeInnerType::Struct(s) => {
            Composite::Struct(s.fields.iter().map(field).collect::<Result<_, _>>()?)
        }
        wasmparser::CompositeInnerType::Array(a) => Composite::Array(field(&a.0)?),
        wasmparser::CompositeInnerType::Cont(_) => return Err("stack-switching"),
    };
    let supertype = t.supertype_idx.map(idx).transpose()?;
    Ok(SubType { is_final: t.is_final, supertype, composite })
}
