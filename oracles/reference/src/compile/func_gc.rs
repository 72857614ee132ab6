//! Translation of the operators of typed function references, GC and
//! exception handling that neither branch nor open blocks (those are in
//! `func`): struct, array, i31 and cast instructions as [`GcOp`]s, plus
//! `call_ref`, `ref.as_non_null`, `throw` and `throw_ref`.

use super::instr::Instr;
use crate::types;
use crate::values::RefType;
use wasmparser::Operator;

/// How a field or element is read: plain, or a packed one sign- or zero-extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ext {
    Plain,
    Signed,
    Unsigned,
}

/// A GC instruction (type indices are the module's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcOp {
    StructNew {
        ty: u32,
        default: bool,
    },
    StructGet {
        ty: u32,
        field: u32,
        ext: Ext,
    },
    StructSet {
        ty: u32,
        field: u32,
    },
    ArrayNew {
        ty: u32,
        default: bool,
    },
    ArrayNewFixed {
        ty: u32,
        n: u32,
    },
    ArrayNewData {
        ty: u32,
        data: u32,
    },
    ArrayNewElem {
        ty: u32,
        elem: u32,
    },
    ArrayGet {
        ty: u32,
        ext: Ext,
    },
    ArraySet {
        ty: u32,
    },
    ArrayLen,
    ArrayFill {
        ty: u32,
    },
    ArrayCopy {
        dst: u32,
        src: u32,
    },
    ArrayInitData {
        ty: u32,
        data: u32,
    },
    ArrayInitElem {
        ty: u32,
        elem: u32,
    },
    /// `ref.test` (the type, module indices).
    RefTest(RefType),
    /// `ref.cast` (the type, module indices).
    RefCast(RefType),
    RefEq,
    RefI31,
    I31Get {
        signed: bool,
    },
}

/// The instruction for `op` if it is one of this module's; `Err` names
/// the feature of a type the interpreter does not support.
pub fn translate_gc(op: &Operator<'_>) -> Result<Option<Instr>, &'static str> {
    use GcOp as G;
    use Operator as O;
    let rt = |nullable: bool, h: wasmparser::HeapType| -> Result<RefType, &'static str> {
        Ok(RefType { nullable, heap: types::heap_type(h)? })
    };
    let g = match op {
        O::StructNew { struct_type_index: ty } => G::StructNew { ty: *ty, default: false },
        O::StructNewDefault { struct_type_index: ty } => G::StructNew { ty: *ty, default: true },
        O::StructGet { struct_type_index: ty, field_index: field } => {
            G::StructGet { ty: *ty, field: *field, ext: Ext::Plain }
        }
        O::StructGetS { struct_type_index: ty, field_index: field } => {
            G::StructGet { ty: *ty, field: *field, ext: Ext::Signed }
        }
        O::StructGetU { struct_type_index: ty, field_index: field } => {
            G::StructGet { ty: *ty, field: *field, ext: Ext::Unsigned }
        }
        O::StructSet { struct_type_index: ty, field_index: field } => G::StructSet { ty: *ty, field: *field },
        O::ArrayNew { array_type_index: ty } => G::ArrayNew { ty: *ty, default: false },
        O::ArrayNewDefault { array_type_index: ty } => G::ArrayNew { ty: *ty, default: true },
        O::ArrayNewFixed { array_type_index: ty, array_size: n } => G::ArrayNewFixed { ty: *ty, n: *n },
        O::ArrayNewData { array_type_index: ty, array_data_index: data } => G::ArrayNewData { ty: *ty, data: *data },
        O::ArrayNewElem { array_type_index: ty, array_elem_index: elem } => G::ArrayNewElem { ty: *ty, elem: *elem },
        O::ArrayGet { array_type_index: ty } => G::ArrayGet { ty: *ty, ext: Ext::Plain },
        O::ArrayGetS { array_type_index: ty } => G::ArrayGet { ty: *ty, ext: Ext::Signed },
        O::ArrayGetU { array_type_index: ty } => G::ArrayGet { ty: *ty, ext: Ext::Unsigned },
        O::ArraySet { array_type_index: ty } => G::ArraySet { ty: *ty },
        O::ArrayLen => G::ArrayLen,
        O::ArrayFill { array_type_index: ty } => G::ArrayFill { ty: *ty },
        O::ArrayCopy { array_type_index_dst: dst, array_type_index_src: src } => G::ArrayCopy { dst: *dst, src: *src },
        O::ArrayInitData { array_type_index: ty, array_data_index: data } => G::ArrayInitData { ty: *ty, data: *data },
        O::ArrayInitElem { array_type_index: ty, array_elem_index: elem } => G::ArrayInitElem { ty: *ty, elem: *elem },
        O::RefTestNonNull { hty } => G::RefTest(rt(false, *hty)?),
        O::RefTestNullable { hty } => G::RefTest(rt(true, *hty)?),
        O::RefCastNonNull { hty } => G::RefCast(rt(false, *hty)?),
        O::RefCastNullable { hty } => G::RefCast(rt(true, *hty)?),
        O::RefEq => G::RefEq,
        O::RefI31 => G::RefI31,
        O::I31GetS => G::I31Get { signed: true },
        O::I31GetU => G::I31Get { signed: false },
        // The bits of a reference stay the same in either hierarchy.
        O::AnyConvertExtern | O::ExternConvertAny => return Ok(Some(Instr::Nop)),
        O::RefAsNonNull => return Ok(Some(Instr::RefAsNonNull)),
        O::CallRef { .. } => return Ok(Some(Instr::CallRef)),
        O::ReturnCallRef { .. } => return Ok(Some(Instr::ReturnCallRef)),
        O::Throw { tag_index } => return Ok(Some(Instr::Throw(*tag_index))),
        O::ThrowRef => return Ok(Some(Instr::ThrowRef)),
        _ => return Ok(None),
    };
    Ok(Some(Instr::Gc(g)))
}
