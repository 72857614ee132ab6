//! Finds catalog shapes in any module's code, by adjacent operators (the
//! operand computed last sits right before its consumer): how often
//! wasm-smith's modules contain each shape, and where a planted miscompile
//! applies.

use super::shapes::Shape;
use wasmparser::Operator as O;

/// The shapes `wasm`'s code contains (sorted, each once). A body that
/// does not decode ends the search in that body.
pub fn shapes_in(wasm: &[u8]) -> Vec<Shape> {
    let mut found = Vec::new();
    for_each_body(wasm, |ops| {
        for i in 0..ops.len() {
            if let Some(s) = shape_at(ops, i) {
                found.push(s);
            }
        }
    });
    found.sort();
    found.dedup();
    found
}

/// The operators of each function body, in order.
pub fn for_each_body(wasm: &[u8], mut f: impl FnMut(&[O<'_>])) {
    use wasmparser::{Parser, Payload};
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let Ok(mut reader) = body.get_operators_reader() else { continue };
        let mut ops = Vec::new();
        while !reader.eof() {
            let Ok(op) = reader.read() else { break };
            ops.push(op);
        }
        f(&ops);
    }
}

/// Whether `op` is a load of a whole i32, i64, f32 or f64.
pub fn is_full_scalar_load(op: &O<'_>) -> bool {
    matches!(op, O::I32Load { .. } | O::I64Load { .. } | O::F32Load { .. } | O::F64Load { .. })
}

/// The memory argument of an atomic load, store, read-modify-write,
/// compare-exchange, `notify` or `wait` (threads proposal), if `op` is one.
pub fn atomic_memarg(op: &O<'_>) -> Option<wasmparser::MemArg> {
    match *op {
        O::MemoryAtomicNotify { memarg }
        | O::MemoryAtomicWait32 { memarg }
        | O::MemoryAtomicWait64 { memarg }
        | O::I32AtomicStore { memarg }
        | O::I64AtomicStore { memarg }
        | O::I32AtomicStore8 { memarg }
        | O::I32AtomicStore16 { memarg }
        | O::I64AtomicStore8 { memarg }
        | O::I64AtomicStore16 { memarg }
        | O::I64AtomicStore32 { memarg }
        | O::I32AtomicLoad { memarg }
        | O::I64AtomicLoad { memarg }
        | O::I32AtomicLoad8U { memarg }
        | O::I32AtomicLoad16U { memarg }
        | O::I64AtomicLoad8U { memarg }
        | O::I64AtomicLoad16U { memarg }
        | O::I64AtomicLoad32U { memarg }
        | O::I32AtomicRmwAdd { memarg }
        | O::I64AtomicRmwAdd { memarg }
        | O::I32AtomicRmw8AddU { memarg }
        | O::I32AtomicRmw16AddU { memarg }
        | O::I64AtomicRmw8AddU { memarg }
        | O::I64AtomicRmw16AddU { memarg }
        | O::I64AtomicRmw32AddU { memarg }
        | O::I32AtomicRmwSub { memarg }
        | O::I64AtomicRmwSub { memarg }
        | O::I32AtomicRmw8SubU { memarg }
        | O::I32AtomicRmw16SubU { memarg }
        | O::I64AtomicRmw8SubU { memarg }
        | O::I64AtomicRmw16SubU { memarg }
        | O::I64AtomicRmw32SubU { memarg }
        | O::I32AtomicRmwAnd { memarg }
        | O::I64AtomicRmwAnd { memarg }
        | O::I32AtomicRmw8AndU { memarg }
        | O::I32AtomicRmw16AndU { memarg }
        | O::I64AtomicRmw8AndU { memarg }
        | O::I64AtomicRmw16AndU { memarg }
        | O::I64AtomicRmw32AndU { memarg }
        | O::I32AtomicRmwOr { memarg }
        | O::I64AtomicRmwOr { memarg }
        | O::I32AtomicRmw8OrU { memarg }
        | O::I32AtomicRmw16OrU { memarg }
        | O::I64AtomicRmw8OrU { memarg }
        | O::I64AtomicRmw16OrU { memarg }
        | O::I64AtomicRmw32OrU { memarg }
        | O::I32AtomicRmwXor { memarg }
        | O::I64AtomicRmwXor { memarg }
        | O::I32AtomicRmw8XorU { memarg }
        | O::I32AtomicRmw16XorU { memarg }
        | O::I64AtomicRmw8XorU { memarg }
        | O::I64AtomicRmw16XorU { memarg }
        | O::I64AtomicRmw32XorU { memarg }
        | O::I32AtomicRmwXchg { memarg }
        | O::I64AtomicRmwXchg { memarg }
        | O::I32AtomicRmw8XchgU { memarg }
        | O::I32AtomicRmw16XchgU { memarg }
        | O::I64AtomicRmw8XchgU { memarg }
        | O::I64AtomicRmw16XchgU { memarg }
        | O::I64AtomicRmw32XchgU { memarg }
        | O::I32AtomicRmwCmpxchg { memarg }
        | O::I64AtomicRmwCmpxchg { memarg }
        | O::I32AtomicRmw8CmpxchgU { memarg }
        | O::I32AtomicRmw16CmpxchgU { memarg }
        | O::I64AtomicRmw8CmpxchgU { memarg }
        | O::I64AtomicRmw16CmpxchgU { memarg }
        | O::I64AtomicRmw32CmpxchgU { memarg } => Some(memarg),
        _ => None,
    }
}

pub fn is_load(op: &O<'_>) -> bool {
    crate::addresses::memarg(op).is_some() && !is_store(op)
}

fn is_store(op: &O<'_>) -> bool {
    matches!(
        op,
        O::I32Store { .. }
            | O::I64Store { .. }
            | O::F32Store { .. }
            | O::F64Store { .. }
            | O::I32Store8 { .. }
            | O::I32Store16 { .. }
            | O::I64Store8 { .. }
            | O::I64Store16 { .. }
            | O::I64Store32 { .. }
            | O::V128Store { .. }
            | O::V128Store8Lane { .. }
            | O::V128Store16Lane { .. }
            | O::V128Store32Lane { .. }
            | O::V128Store64Lane { .. }
    )
}

/// Scalar binary arithmetic a load may be sunk into.
pub fn is_scalar_binary(op: &O<'_>) -> bool {
    matches!(
        op,
        O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Copysign
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Copysign
    )
}

pub fn is_rounding(op: &O<'_>) -> bool {
    matches!(
        op,
        O::F32Ceil | O::F32Floor | O::F32Trunc | O::F32Nearest | O::F64Ceil | O::F64Floor | O::F64Trunc | O::F64Nearest
    )
}

fn is_shift(op: &O<'_>) -> bool {
    matches!(
        op,
        O::I32Shl
            | O::I32ShrS
            | O::I32ShrU
            | O::I32Rotl
            | O::I32Rotr
            | O::I64Shl
            | O::I64ShrS
            | O::I64ShrU
            | O::I64Rotl
            | O::I64Rotr
    )
}

/// An unsigned integer comparison.
pub fn is_unsigned_compare(op: &O<'_>) -> bool {
    matches!(op, O::I32LtU | O::I32GtU | O::I32LeU | O::I32GeU | O::I64LtU | O::I64GtU | O::I64LeU | O::I64GeU)
}

fn is_compare(op: &O<'_>) -> bool {
    is_unsigned_compare(op)
        || matches!(
            op,
            O::I32Eq
                | O::I32Ne
                | O::I32LtS
                | O::I32GtS
                | O::I32LeS
                | O::I32GeS
                | O::I64Eq
                | O::I64Ne
                | O::I64LtS
                | O::I64GtS
                | O::I64LeS
                | O::I64GeS
                | O::F32Eq
                | O::F32Ne
                | O::F32Lt
                | O::F32Gt
                | O::F32Le
                | O::F32Ge
                | O::F64Eq
                | O::F64Ne
                | O::F64Lt
                | O::F64Gt
                | O::F64Le
                | O::F64Ge
        )
}

fn is_const(op: &O<'_>) -> bool {
    matches!(
        op,
        O::I32Const { .. } | O::I64Const { .. } | O::F32Const { .. } | O::F64Const { .. } | O::V128Const { .. }
    )
}

/// Whether a branch or `select` consumes the value computed right before.
pub fn is_branch_or_select(op: &O<'_>) -> bool {
    matches!(op, O::BrIf { .. } | O::If { .. } | O::Select | O::TypedSelect { .. })
}

/// A relaxed-SIMD operator (as the reference interpreter translates it).
pub fn is_relaxed(op: &O<'_>) -> bool {
    use crosscheck_reference::compile::{instr::Instr, ops::translate_numeric};
    matches!(translate_numeric(op), Some(Instr::Relaxed(_)))
}

/// The shape ending at operator `i`, if one does.
pub fn shape_at(ops: &[O<'_>], i: usize) -> Option<Shape> {
    let op = &ops[i];
    let prev = i.checked_sub(1).map(|j| &ops[j]);
    let prev2 = i.checked_sub(2).map(|j| &ops[j]);
    let after_load = prev.is_some_and(is_load);
    Some(match op {
        O::MemoryGrow { .. } => Shape::Grow,
        _ if is_load(op) && matches!(prev, Some(O::I32Add | O::I64Add)) => {
            if matches!(prev2, Some(O::I32Shl | O::I64Shl)) { Shape::ShiftedAddress } else { Shape::FoldedAddress }
        }
        _ if is_store(op) && prev.is_some_and(|p| is_scalar_binary(p) || is_shift(p)) => Shape::StoreOp,
        _ if after_load && is_scalar_binary(op) => Shape::LoadBinary,
        O::F32x4Splat | O::F64x2Splat | O::I32x4Splat | O::I64x2Splat | O::I8x16Splat | O::I16x8Splat if after_load => {
            Shape::LoadSplat
        }
        O::I32Extend8S | O::I32Extend16S | O::I64Extend8S | O::I64Extend16S | O::I64Extend32S if after_load => {
            Shape::ExtendLoad
        }
        O::I64ExtendI32U | O::I64ExtendI32S if after_load => Shape::ExtendLoad,
        _ if after_load
            && (is_rounding(op)
                || matches!(
                    op,
                    O::F32Sqrt
                        | O::F64Sqrt
                        | O::F32Abs
                        | O::F64Abs
                        | O::F32Neg
                        | O::F64Neg
                        | O::I32Clz
                        | O::I32Ctz
                        | O::I32Popcnt
                        | O::I64Clz
                        | O::I64Ctz
                        | O::I64Popcnt
                        | O::I32Eqz
                        | O::I64Eqz
                )) =>
        {
            Shape::LoadUnary
        }
        O::I32WrapI64
        | O::F32DemoteF64
        | O::F64PromoteF32
        | O::F64ConvertI32S
        | O::F64ConvertI32U
        | O::F32ConvertI32U
        | O::F64ConvertI64U
        | O::F32ConvertI64U
        | O::I64ReinterpretF64
        | O::I32ReinterpretF32
        | O::F32ReinterpretI32
        | O::F64ReinterpretI64
            if after_load =>
        {
            Shape::LoadConvert
        }
        _ if is_shift(op) && matches!(prev, Some(O::I32And | O::I64And)) => Shape::MaskedShift,
        O::I32Or | O::I64Or if prev.is_some_and(is_shift) => Shape::ShiftOr,
        O::I32And | O::I64And if matches!(prev, Some(O::I32Xor | O::I64Xor)) => Shape::AndNot,
        O::V128AndNot => Shape::AndNot,
        O::I32And | O::I64And | O::I32Xor | O::I64Xor if matches!(prev, Some(O::I32Sub | O::I64Sub)) => Shape::BitTrick,
        _ if is_branch_or_select(op) && prev.is_some_and(is_compare) => {
            if matches!(op, O::Select | O::TypedSelect { .. }) { Shape::CmpSelect } else { Shape::CmpBranch }
        }
        O::BrIf { .. } | O::If { .. } if matches!(prev, Some(O::I32Eqz | O::I64Eqz)) => Shape::EqzBranch,
        O::BrIf { .. } | O::If { .. }
            if matches!(
                prev,
                Some(O::V128AnyTrue | O::I8x16AllTrue | O::I16x8AllTrue | O::I32x4AllTrue | O::I64x2AllTrue)
            ) =>
        {
            Shape::VecTestBranch
        }
        O::I32Eqz | O::I64Eqz if matches!(prev, Some(O::I32And | O::I64And)) => Shape::TestAnd,
        O::I64ExtendI32U | O::I64ExtendI32S if prev.is_some_and(is_scalar_binary) || prev.is_some_and(is_shift) => {
            Shape::ExtendOp
        }
        O::I64Mul if matches!(prev, Some(O::I64ExtendI32U | O::I64ExtendI32S)) => Shape::WideMul,
        O::F32Copysign | O::F64Copysign if prev.is_some_and(is_const) => Shape::CopysignConst,
        O::I8x16Shuffle { .. } => Shape::Shuffle,
        O::V128Bitselect => Shape::BitSelect,
        O::I8x16Shl
        | O::I8x16ShrS
        | O::I8x16ShrU
        | O::I16x8Shl
        | O::I16x8ShrS
        | O::I16x8ShrU
        | O::I32x4Shl
        | O::I32x4ShrS
        | O::I32x4ShrU
        | O::I64x2Shl
        | O::I64x2ShrS
        | O::I64x2ShrU
            if matches!(prev, Some(O::I32Const { .. })) =>
        {
            Shape::VecShiftConst
        }
        O::I32TruncF32U
        | O::I32TruncF64U
        | O::I64TruncF32U
        | O::I64TruncF64U
        | O::F32ConvertI64U
        | O::F64ConvertI64U => Shape::Conversion,
        _ if (is_scalar_binary(op) || is_shift(op)) && prev.is_some_and(is_const) => Shape::ImmBinary,
        _ if is_relaxed(op) => Shape::Relaxed,
        O::I64Add128 | O::I64Sub128 | O::I64MulWideS | O::I64MulWideU => Shape::WideArith,
        _ if atomic_memarg(op).is_some() => Shape::Atomic,
        O::CallIndirect { .. } | O::TableGet { .. } => Shape::Indirect,
        O::V128Load8Lane { .. } | O::V128Load16Lane { .. } | O::V128Load32Lane { .. } | O::V128Load64Lane { .. } => {
            Shape::LaneInsert
        }
        O::I8x16ReplaceLane { .. }
        | O::I16x8ReplaceLane { .. }
        | O::I32x4ReplaceLane { .. }
        | O::I64x2ReplaceLane { .. }
        | O::F32x4ReplaceLane { .. }
        | O::F64x2ReplaceLane { .. }
            if after_load =>
        {
            Shape::LaneInsert
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_shapes_in_text() {
        let wasm = wat::parse_str(
            r#"(module (memory 1)
                (func (param i32 i64) (result i64)
                  (i64.add (local.get 1) (i64.load offset=8 (i32.add (local.get 0) (i32.shl (local.get 0) (i32.const 3))))))
                (func (param i32) (result i32)
                  (block (result i32) (br_if 0 (i32.const 1) (i32.lt_u (local.get 0) (i32.const 9))) drop (i32.const 2)))
                (func (param f64) (result f64) (f64.ceil (f64.load (i32.const 0))))
                (func (param v128) (result v128)
                  (f32x4.relaxed_madd (local.get 0) (v128.load (i32.const 0)) (local.get 0)))
                (func (param v128) (result v128)
                  (v128.load16_lane 3 (i32.const 0) (local.get 0)))
                (func (param i64) (result i64 i64) (i64.mul_wide_u (local.get 0) (local.get 0)))
                (func (param i32 i64) (result i64) (i64.atomic.rmw32.cmpxchg_u (local.get 0) (local.get 1) (local.get 1))))"#,
        )
        .unwrap();
        let found = shapes_in(&wasm);
        for s in [
            Shape::LoadBinary,
            Shape::ShiftedAddress,
            Shape::CmpBranch,
            Shape::LoadUnary,
            Shape::Relaxed,
            Shape::LaneInsert,
            Shape::WideArith,
            Shape::Atomic,
        ] {
            assert!(found.contains(&s), "{s:?} not found in {found:?}");
        }
        assert!(!found.contains(&Shape::Shuffle));
    }
}
