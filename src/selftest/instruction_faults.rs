//! Rewrites behind the per-instruction faults that act on one
//! instruction wherever it occurs, not on a lowering shape: a
//! `call_indirect` through a sibling subtype made through its supertype
//! ([`super::Fault::CallIndirectSiblingAccepted`]), and a copy between two
//! memories or tables made a copy within its destination
//! ([`super::Fault::MemoryCopyWrongSource`],
//! [`super::Fault::TableCopyWrongSource`]), and a `table.fill` of
//! `externref`s that stores null ([`super::Fault::ExternrefTableFillNull`]),
//! and a `ref.cast` to a nullable type made one to the non-nullable type
//! ([`super::Fault::RefCastNullableAsNonNull`]), and a cast to a type of a
//! rec group of two or more made one to a type that reads alike in a
//! group of its own ([`super::Fault::CastRecGroupBlind`]), and a cast to
//! a final type made one to a type that differs in finality alone
//! ([`super::Fault::CastFinalityBlind`]), and a
//! `br_on_cast` or `br_on_cast_fail` to a nullable type made one to the
//! non-nullable type ([`super::Fault::BrOnCastNullableAsNonNull`]), and an
//! `array.copy` within one array made a copy from the front
//! ([`super::Fault::ArrayCopyOverlapForward`]), and a `struct.set` made
//! to another field of the same type ([`super::Fault::StructSetWrongField`]),
//! and a float stored by `array.set` or `struct.set` with its NaN made the
//! canonical one ([`super::Fault::GcStoreCanonicalizesNan`]), and an
//! `array.new_fixed` taking its operands in reverse
//! ([`super::Fault::ArrayNewFixedReversed`]), and `array.new_elem` and
//! `array.init_elem` reading their segment from its first item
//! ([`super::Fault::ElemSegmentOffsetIgnored`]), and a reference stored
//! into an array or a struct stored as null
//! ([`super::Fault::GcRefStoreNull`]). The faults of control
//! and parametric instructions are [`super::control_faults`]'.
//! They share the body rewriter of [`super::miscompile`].

use super::Fault;
use super::miscompile::{context, rewrite_code, rewrite_where_valid};
use wasm_encoder::{Instruction as I, ValType};
use wasmparser::Operator as O;

/// `wasm` with `fault` planted, for the faults this module rewrites for;
/// `None` for the others, or where the module has no place for it.
pub(super) fn plant_fault(wasm: &[u8], fault: Fault) -> Option<Vec<u8>> {
    match fault {
        Fault::CallIndirectSiblingAccepted => call_indirect_through_supertype(wasm),
        Fault::MemoryCopyWrongSource => copy_within_destination(wasm, false),
        Fault::TableCopyWrongSource => copy_within_destination(wasm, true),
        Fault::ExternrefTableFillNull => externref_fill_with_null(wasm),
        Fault::RefCastNullableAsNonNull => nullable_casts_as_non_null(wasm),
        Fault::CastRecGroupBlind => casts_blind_to_rec_groups(wasm),
        Fault::CastFinalityBlind => casts_blind_to_finality(wasm),
        Fault::BrOnCastNullableAsNonNull => nullable_branches_as_non_null(wasm),
        Fault::ArrayCopyOverlapForward => array_copies_forward(wasm),
        Fault::StructSetWrongField => struct_sets_to_a_twin(wasm),
        Fault::GcStoreCanonicalizesNan => gc_stores_canonicalizing_nans(wasm),
        Fault::ArrayNewFixedReversed => new_fixed_reversed(wasm),
        Fault::ElemSegmentOffsetIgnored => elem_segment_offset_ignored(wasm),
        Fault::GcRefStoreNull => gc_ref_stores_null(wasm),
        _ => None,
    }
}

/// `wasm` with every `call_indirect` (and `return_call_indirect`) through
/// a type that has a declared supertype of the same signature made
/// through that supertype: the
/// signature check of an engine that takes two declared types for one
/// when they read alike, so `call_indirect (type $sibling)` of a function
/// of a sibling subtype completes instead of trapping (the per-instruction
/// fault [`super::Fault::CallIndirectSiblingAccepted`]). `None` where no
/// call site has such a type.
fn call_indirect_through_supertype(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    let supertypes = same_signature_supertypes(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, _| match *op {
        O::CallIndirect { type_index, table_index } => {
            let type_index = (*supertypes.get(type_index as usize)?)?;
            Some(vec![I::CallIndirect { type_index, table_index }])
        }
        O::ReturnCallIndirect { type_index, table_index } => {
            let type_index = (*supertypes.get(type_index as usize)?)?;
            Some(vec![I::ReturnCallIndirect { type_index, table_index }])
        }
        _ => None,
    })
}

/// `wasm` with every `ref.cast` to a nullable type made a cast to the
/// non-nullable one (the per-instruction fault
/// [`super::Fault::RefCastNullableAsNonNull`]); the result's type narrows,
/// which every use of it accepts. `None` where no cast is to a nullable
/// type.
fn nullable_casts_as_non_null(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, _| match *op {
        O::RefCastNullable { hty } => Some(vec![I::RefCastNonNull(heap_type(hty)?)]),
        _ => None,
    })
}

/// `wasm` with every `ref.test`, `ref.cast`, `br_on_cast` and
/// `br_on_cast_fail` against a defined type of
/// a rec group of two or more types made against the first type of a rec
/// group of its own with the same definition (the per-instruction fault
/// [`super::Fault::CastRecGroupBlind`]): the casts of an engine that
/// canonicalizes each type as if it had no rec group; each where the
/// module stays valid (a cast's result changes type). `None` where no cast
/// has such a type.
fn casts_blind_to_rec_groups(wasm: &[u8]) -> Option<Vec<u8>> {
    let types = crate::module_info::defined_types(wasm).ok()?;
    casts_retargeted(wasm, |index| {
        let (ty, alone) = types.get(index as usize)?;
        if *alone {
            return None;
        }
        types.iter().position(|(t, alone)| *alone && t == ty).map(|i| i as u32)
    })
}

/// `wasm` with every `ref.test`, `ref.cast`, `br_on_cast` and
/// `br_on_cast_fail` against a final defined type made against a type
/// that differs from it in finality alone (the per-instruction fault
/// [`super::Fault::CastFinalityBlind`]): the casts of an engine that
/// leaves finality out of a type's identity, so a cast to `$sf` tests for
/// `$s0`, to `$ff` for `$f0`; each where the module stays valid. `None`
/// where no cast has such a type.
fn casts_blind_to_finality(wasm: &[u8]) -> Option<Vec<u8>> {
    let types = crate::module_info::defined_types(wasm).ok()?;
    casts_retargeted(wasm, |index| {
        let (ty, alone) = types.get(index as usize)?;
        if !ty.is_final {
            return None;
        }
        let open = wasmparser::SubType { is_final: false, ..ty.clone() };
        types.iter().position(|(t, a)| a == alone && *t == open).map(|i| i as u32)
    })
}

/// `wasm` with every cast (`ref.test`, `ref.cast`, `br_on_cast`,
/// `br_on_cast_fail`) against a defined type `t` made against
/// `other(t)`, where that is `Some`, each where the module stays valid (a
/// cast's result changes type). `None` where no cast changed.
fn casts_retargeted(wasm: &[u8], other: impl Fn(u32) -> Option<u32>) -> Option<Vec<u8>> {
    use wasm_encoder::HeapType as H;
    use wasmparser::{HeapType, UnpackedIndex};
    let ctx = context(wasm)?;
    let alike = |hty: HeapType| -> Option<H> {
        let HeapType::Concrete(UnpackedIndex::Module(index)) = hty else { return None };
        Some(H::Concrete(other(index)?))
    };
    let alike_ref = |rt: wasmparser::RefType| {
        Some(wasm_encoder::RefType { nullable: rt.is_nullable(), heap_type: alike(rt.heap_type())? })
    };
    let reencoded = |rt: wasmparser::RefType| {
        use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
        RoundtripReencoder.ref_type(rt).ok()
    };
    rewrite_where_valid(wasm, &ctx, |op, _| {
        Some(vec![match *op {
            O::RefTestNonNull { hty } => I::RefTestNonNull(alike(hty)?),
            O::RefTestNullable { hty } => I::RefTestNullable(alike(hty)?),
            O::RefCastNonNull { hty } => I::RefCastNonNull(alike(hty)?),
            O::RefCastNullable { hty } => I::RefCastNullable(alike(hty)?),
            O::BrOnCast { relative_depth, from_ref_type, to_ref_type } => I::BrOnCast {
                relative_depth,
                from_ref_type: reencoded(from_ref_type)?,
                to_ref_type: alike_ref(to_ref_type)?,
            },
            O::BrOnCastFail { relative_depth, from_ref_type, to_ref_type } => I::BrOnCastFail {
                relative_depth,
                from_ref_type: reencoded(from_ref_type)?,
                to_ref_type: alike_ref(to_ref_type)?,
            },
            _ => return None,
        }])
    })
}

/// `wasm` with every `br_on_cast` and `br_on_cast_fail` to a nullable
/// type made one to the non-nullable type (the per-instruction fault
/// [`super::Fault::BrOnCastNullableAsNonNull`]): a null operand takes the
/// other path. The branch's value narrows and the fall-through's widens
/// to the annotation's type; each is kept only where the module still
/// validates.
fn nullable_branches_as_non_null(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    let ctx = context(wasm)?;
    let non_null = |rt: wasmparser::RefType| {
        rt.is_nullable()
            .then(|| RoundtripReencoder.ref_type(rt).ok().map(|r| wasm_encoder::RefType { nullable: false, ..r }))?
    };
    rewrite_where_valid(wasm, &ctx, |op, _| {
        Some(vec![match *op {
            O::BrOnCast { relative_depth, from_ref_type, to_ref_type } => I::BrOnCast {
                relative_depth,
                from_ref_type: RoundtripReencoder.ref_type(from_ref_type).ok()?,
                to_ref_type: non_null(to_ref_type)?,
            },
            O::BrOnCastFail { relative_depth, from_ref_type, to_ref_type } => I::BrOnCastFail {
                relative_depth,
                from_ref_type: RoundtripReencoder.ref_type(from_ref_type).ok()?,
                to_ref_type: non_null(to_ref_type)?,
            },
            _ => return None,
        }])
    })
}

/// `wasm` with every `array.copy` followed by the fix-up that makes it a
/// front-to-back copy (the per-instruction fault
/// [`super::Fault::ArrayCopyOverlapForward`]): where source and
/// destination are one array and the destination starts `d` elements
/// after the source, inside its range, a forward copy reads what it
/// already wrote, so element `k ≥ d` of the destination range ends as
/// element `k - d` of it. The real copy runs first (its traps and its
/// writes stay the spec's); the fix-up then copies forward within the
/// destination range. `None` where the module has no `array.copy`.
fn array_copies_forward(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::{HeapType, RefType};
    let ctx = context(wasm)?;
    let storages = crate::module_info::storages(wasm).ok()?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let O::ArrayCopy { array_type_index_dst: x, array_type_index_src: y } = *op else { return None };
        let array = |t: u32| ValType::Ref(RefType { nullable: true, heap_type: HeapType::Concrete(t) });
        let (n, si, src, di, dst, k) = (
            scratch.local(ValType::I32),
            scratch.local(ValType::I32),
            scratch.local(array(y)),
            scratch.local(ValType::I32),
            scratch.local(array(x)),
            scratch.local(ValType::I32),
        );
        // Packed elements are read with `_u`.
        let element = storages.get(x as usize)?.first()?.element_type;
        let packed = matches!(element, wasmparser::StorageType::I8 | wasmparser::StorageType::I16);
        let get = if packed { I::ArrayGetU(x) } else { I::ArrayGet(x) };
        Some(vec![
            I::LocalSet(n),
            I::LocalSet(si),
            I::LocalSet(src),
            I::LocalSet(di),
            I::LocalSet(dst),
            I::LocalGet(dst),
            I::LocalGet(di),
            I::LocalGet(src),
            I::LocalGet(si),
            I::LocalGet(n),
            I::ArrayCopy { array_type_index_dst: x, array_type_index_src: y },
            // One array, the destination after the source and inside it.
            I::LocalGet(dst),
            I::LocalGet(src),
            I::RefEq,
            I::LocalGet(di),
            I::LocalGet(si),
            I::I32GtU,
            I::I32And,
            I::LocalGet(di),
            I::LocalGet(si),
            I::I32Sub,
            I::LocalGet(n),
            I::I32LtU,
            I::I32And,
            I::If(wasm_encoder::BlockType::Empty),
            I::LocalGet(di),
            I::LocalGet(si),
            I::I32Sub,
            I::LocalSet(k),
            I::Block(wasm_encoder::BlockType::Empty),
            I::Loop(wasm_encoder::BlockType::Empty),
            I::LocalGet(k),
            I::LocalGet(n),
            I::I32GeU,
            I::BrIf(1),
            // dst[di + k] = dst[di + k - (di - si)]
            I::LocalGet(dst),
            I::LocalGet(di),
            I::LocalGet(k),
            I::I32Add,
            I::LocalGet(dst),
            I::LocalGet(si),
            I::LocalGet(k),
            I::I32Add,
            get,
            I::ArraySet(x),
            I::LocalGet(k),
            I::I32Const(1),
            I::I32Add,
            I::LocalSet(k),
            I::Br(0),
            I::End,
            I::End,
            I::End,
        ])
    })
}

/// `wasm` with every `struct.set` of a field that has a twin — another
/// field of its struct with the same type — made a `struct.set` of the
/// twin (the per-instruction fault [`super::Fault::StructSetWrongField`]).
/// `None` where no `struct.set` has one.
fn struct_sets_to_a_twin(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    let fields = crate::module_info::storages(wasm).ok()?;
    rewrite_code(wasm, &ctx, |op, _, _, _| {
        let O::StructSet { struct_type_index: t, field_index: k } = *op else { return None };
        let of = fields.get(t as usize)?;
        let field = of.get(k as usize)?;
        let twin = (0..of.len()).find(|&j| j != k as usize && of[j] == *field)?;
        Some(vec![I::StructSet { struct_type_index: t, field_index: twin as u32 }])
    })
}

/// `wasm` with every `array.set` of a float array and `struct.set` of a
/// float field storing a NaN as the canonical NaN of its type (the
/// per-instruction fault [`super::Fault::GcStoreCanonicalizesNan`]):
/// `v == v ? v : nan`. `None` where no such store occurs.
fn gc_stores_canonicalizing_nans(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasmparser::{StorageType as S, ValType as V};
    let ctx = context(wasm)?;
    let storage = crate::module_info::storages(wasm).ok()?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let (stored, store) = match *op {
            O::ArraySet { array_type_index: t } => (storage.get(t as usize)?.first()?.element_type, I::ArraySet(t)),
            O::StructSet { struct_type_index: t, field_index: k } => (
                storage.get(t as usize)?.get(k as usize)?.element_type,
                I::StructSet { struct_type_index: t, field_index: k },
            ),
            _ => return None,
        };
        let (ty, nan, eq) = match stored {
            S::Val(V::F32) => (ValType::F32, I::F32Const(f32::from_bits(0x7fc0_0000).into()), I::F32Eq),
            S::Val(V::F64) => (ValType::F64, I::F64Const(f64::from_bits(0x7ff8_0000_0000_0000).into()), I::F64Eq),
            _ => return None,
        };
        let v = scratch.local(ty);
        Some(vec![I::LocalSet(v), I::LocalGet(v), nan, I::LocalGet(v), I::LocalGet(v), eq, I::Select, store])
    })
}

/// `wasm` with the operands of every `array.new_fixed` of two or more
/// elements taken in reverse order (the per-instruction fault
/// [`super::Fault::ArrayNewFixedReversed`]). `None` where there is none.
fn new_fixed_reversed(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    use wasmparser::StorageType as S;
    let ctx = context(wasm)?;
    let storage = crate::module_info::storages(wasm).ok()?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let O::ArrayNewFixed { array_type_index: t, array_size: n } = *op else { return None };
        if n < 2 {
            return None;
        }
        let ty = match storage.get(t as usize)?.first()?.element_type {
            S::I8 | S::I16 => ValType::I32,
            S::Val(v) => RoundtripReencoder.val_type(v).ok()?,
        };
        let locals: Vec<u32> = (0..n).map(|_| scratch.local(ty)).collect();
        let mut code: Vec<I> = locals.iter().rev().map(|&l| I::LocalSet(l)).collect();
        code.extend(locals.iter().rev().map(|&l| I::LocalGet(l)));
        code.push(I::ArrayNewFixed { array_type_index: t, array_size: n });
        Some(code)
    })
}

/// `wasm` with the segment offset of every `array.new_elem` and
/// `array.init_elem` replaced by 0 (the per-instruction fault
/// [`super::Fault::ElemSegmentOffsetIgnored`]). `None` where there is
/// none.
fn elem_segment_offset_ignored(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let instr = match *op {
            O::ArrayNewElem { array_type_index, array_elem_index } => {
                I::ArrayNewElem { array_type_index, array_elem_index }
            }
            O::ArrayInitElem { array_type_index, array_elem_index } => {
                I::ArrayInitElem { array_type_index, array_elem_index }
            }
            _ => return None,
        };
        let n = scratch.local(ValType::I32);
        Some(vec![I::LocalSet(n), I::Drop, I::I32Const(0), I::LocalGet(n), instr])
    })
}

/// `wasm` with every `array.set`, `array.fill` and `struct.set` of a
/// nullable reference element or field storing null instead of its value
/// operand (the per-instruction fault [`super::Fault::GcRefStoreNull`]).
/// `None` where no such store occurs.
fn gc_ref_stores_null(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasmparser::{StorageType as S, ValType as V};
    let ctx = context(wasm)?;
    let storage = crate::module_info::storages(wasm).ok()?;
    let nullable = |t: S| match t {
        S::Val(V::Ref(r)) if r.is_nullable() => heap_type(r.heap_type()),
        _ => None,
    };
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        Some(match *op {
            O::ArraySet { array_type_index: t } => {
                vec![I::Drop, I::RefNull(nullable(storage.get(t as usize)?.first()?.element_type)?), I::ArraySet(t)]
            }
            O::StructSet { struct_type_index: t, field_index: k } => vec![
                I::Drop,
                I::RefNull(nullable(storage.get(t as usize)?.get(k as usize)?.element_type)?),
                I::StructSet { struct_type_index: t, field_index: k },
            ],
            // [array, index, value, count] → [array, index, null, count]
            O::ArrayFill { array_type_index: t } => {
                let null = I::RefNull(nullable(storage.get(t as usize)?.first()?.element_type)?);
                let count = scratch.local(ValType::I32);
                vec![I::LocalSet(count), I::Drop, null, I::LocalGet(count), I::ArrayFill(t)]
            }
            _ => return None,
        })
    })
}

/// A heap type as wasm-encoder spells it (abstract heap types and type
/// indices; `None` for the rest).
fn heap_type(hty: wasmparser::HeapType) -> Option<wasm_encoder::HeapType> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    RoundtripReencoder.heap_type(hty).ok()
}

/// `wasm` with every `table.fill` of a table of `externref`s filling with
/// null instead of its value operand (the per-instruction fault
/// [`super::Fault::ExternrefTableFillNull`]). `None` where no fill has such
/// a table.
fn externref_fill_with_null(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let O::TableFill { table } = *op else { return None };
        if !*ctx.table_extern.get(table as usize)? {
            return None;
        }
        // [index, value, length] → [index, null, length]
        let length = scratch.local(if *ctx.table64.get(table as usize)? { ValType::I64 } else { ValType::I32 });
        Some(vec![
            I::LocalSet(length),
            I::Drop,
            I::RefNull(wasm_encoder::HeapType::EXTERN),
            I::LocalGet(length),
            I::TableFill(table),
        ])
    })
}

/// `wasm` with every `memory.copy` between two memories (or, with
/// `tables`, every `table.copy` between two tables) made a copy within its
/// destination: an engine that takes the destination's memory or table
/// for both (the per-instruction faults
/// [`super::Fault::MemoryCopyWrongSource`] and
/// [`super::Fault::TableCopyWrongSource`]). The source address and the
/// length are converted to the destination's address type where they
/// differ (zero-extended, or wrapped). `None` where no copy has two.
fn copy_within_destination(wasm: &[u8], tables: bool) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let (dst, src, kinds, copy) = match (op, tables) {
            (&O::MemoryCopy { dst_mem, src_mem }, false) => {
                (dst_mem, src_mem, &ctx.memory64, I::MemoryCopy { dst_mem, src_mem: dst_mem })
            }
            (&O::TableCopy { dst_table, src_table }, true) => {
                (dst_table, src_table, &ctx.table64, I::TableCopy { dst_table, src_table: dst_table })
            }
            _ => return None,
        };
        if dst == src {
            return None;
        }
        let (dst64, src64) = (*kinds.get(dst as usize)?, *kinds.get(src as usize)?);
        Some(match (dst64, src64) {
            (false, false) | (true, true) => vec![copy],
            // [i64 dst, i32 src, i32 len] → [i64, i64, i64]
            (true, false) => {
                let len = scratch.local(ValType::I32);
                vec![I::LocalSet(len), I::I64ExtendI32U, I::LocalGet(len), I::I64ExtendI32U, copy]
            }
            // [i32 dst, i64 src, i32 len] → [i32, i32, i32]
            (false, true) => {
                let len = scratch.local(ValType::I32);
                vec![I::LocalSet(len), I::I32WrapI64, I::LocalGet(len), copy]
            }
        })
    })
}

/// Per type index: its declared supertype, where both are function types
/// of the same parameters and results.
fn same_signature_supertypes(wasm: &[u8]) -> Option<Vec<Option<u32>>> {
    type Signature = (Vec<wasmparser::ValType>, Vec<wasmparser::ValType>);
    let mut signatures: Vec<Option<Signature>> = Vec::new();
    let mut out = Vec::new();
    for (sub, _) in crate::module_info::defined_types(wasm).ok()? {
        let signature = match &sub.composite_type.inner {
            wasmparser::CompositeInnerType::Func(f) => Some((f.params().to_vec(), f.results().to_vec())),
            _ => None,
        };
        let supertype = sub.supertype_idx.and_then(|p| p.as_module_index());
        out.push(supertype.filter(|&s| signature.is_some() && signatures.get(s as usize) == Some(&signature)));
        signatures.push(signature);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_between_two_becomes_a_valid_copy_within_the_destination() {
        for (dst, src, len) in [("", "", "i32"), ("i64", "", "i32"), ("", "i64", "i32"), ("i64", "i64", "i64")] {
            let (d, s) = (if dst.is_empty() { "i32" } else { dst }, if src.is_empty() { "i32" } else { src });
            let two = format!(
                "(module (memory {dst} 1) (memory {src} 1) (func (param {d} {s} {len}) (memory.copy 0 1 (local.get 0) (local.get 1) (local.get 2))))"
            );
            let wasm = wat::parse_str(&two).unwrap();
            let out = copy_within_destination(&wasm, false).unwrap_or_else(|| panic!("{two}"));
            wasmparser::Validator::new().validate_all(&out).unwrap_or_else(|e| panic!("{two}: {e}"));
            let text = wasmprinter::print_bytes(out).unwrap();
            assert!(text.contains("memory.copy 0 0") || text.contains("memory.copy\n"), "{text}");
            assert!(copy_within_destination(&wasm, true).is_none(), "no table.copy in {two}");
            let tables = format!(
                "(module (table {dst} 1 funcref) (table {src} 1 funcref) (func (param {d} {s} {len}) (table.copy 0 1 (local.get 0) (local.get 1) (local.get 2))))"
            );
            let wasm = wat::parse_str(&tables).unwrap();
            let out = copy_within_destination(&wasm, true).unwrap_or_else(|| panic!("{tables}"));
            wasmparser::Validator::new().validate_all(&out).unwrap_or_else(|e| panic!("{tables}: {e}"));
        }
        let one = wat::parse_str(
            "(module (memory 1) (func (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))",
        )
        .unwrap();
        assert!(copy_within_destination(&one, false).is_none(), "a copy within one memory is left alone");
    }
}
