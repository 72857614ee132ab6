//! Rewrites that sidestep the documented bugs of V8 (see
//! `docs/findings/v8-*.md`) without changing what the spec lets a module
//! compute: each replaces the trigger with code whose every possible result
//! is one the original allows, so an engine that agrees with the reference
//! on the rewrite, and did not on the original, was tripped by that bug.

use super::known_bugs::{map_bodies, with_more_locals, with_one_more_local};
use wasm_encoder::{Encode, Instruction as I};
use wasmparser::Operator;

/// `f32.const 1; f32.mul` (and the f64 twin) before every `ceil`, `floor`,
/// `trunc` and `nearest`: `x * 1` is `x` for every number (`-0.0`, the
/// infinities and subnormals included) and an arithmetic NaN for a NaN, so
/// the rounding instruction sees the same number or a NaN it must treat
/// alike; but V8's TurboFan no longer folds a signalling-NaN constant
/// straight through the rounding (where it kept it unquieted).
pub fn mul_one_before_rounding(wasm: &[u8]) -> Option<Vec<u8>> {
    rewrite_ops(wasm, |op, out| {
        let one = match op {
            Operator::F32Ceil | Operator::F32Floor | Operator::F32Trunc | Operator::F32Nearest => {
                I::F32Const(1.0.into()).encode(out);
                I::F32Mul
            }
            Operator::F64Ceil | Operator::F64Floor | Operator::F64Trunc | Operator::F64Nearest => {
                I::F64Const(1.0.into()).encode(out);
                I::F64Mul
            }
            _ => return false,
        };
        one.encode(out);
        false
    })
}

/// `i32x4.relaxed_trunc_f32x4_u` → `i32x4.trunc_sat_f32x4_u`, and
/// `i32x4.relaxed_trunc_f64x2_u_zero` → `i32x4.trunc_sat_f64x2_u_zero`:
/// the saturating result is the spec's first choice for every lane.
pub fn saturating_unsigned_truncations(wasm: &[u8]) -> Option<Vec<u8>> {
    rewrite_ops(wasm, |op, out| {
        let exact = match op {
            Operator::I32x4RelaxedTruncF32x4U => I::I32x4TruncSatF32x4U,
            Operator::I32x4RelaxedTruncF64x2UZero => I::I32x4TruncSatF64x2UZero,
            _ => return false,
        };
        exact.encode(out);
        true
    })
}

/// `i32x4.relaxed_laneselect` and `i64x2.relaxed_laneselect` →
/// `v128.bitselect`, the choice the spec allows for every mask.
pub fn bitselect_for_laneselect(wasm: &[u8]) -> Option<Vec<u8>> {
    rewrite_ops(wasm, |op, out| match op {
        Operator::I32x4RelaxedLaneselect | Operator::I64x2RelaxedLaneselect => {
            I::V128Bitselect.encode(out);
            true
        }
        _ => false,
    })
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s` → its definition in the spec:
/// `local.set $acc; i16x8.relaxed_dot_i8x16_i7x16_s;
/// i32x4.extadd_pairwise_i16x8_s; local.get $acc; i32x4.add`, with `$acc` a
/// new v128 local (the dot product keeps its own relaxed choices, which are
/// the fused instruction's).
pub fn unfused_dot_add(wasm: &[u8]) -> Option<Vec<u8>> {
    let out = map_bodies(wasm, |body, params| {
        let mut reader = body.get_operators_reader()?;
        let mut sites = Vec::new();
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            if matches!(op, Operator::I32x4RelaxedDotI8x16I7x16AddS) {
                sites.push((offset, reader.original_position()));
            }
        }
        if sites.is_empty() {
            return Ok(None);
        }
        let Some((mut out, acc, mut copied)) = with_one_more_local(body, params, wasm_encoder::ValType::V128)? else {
            return Ok(None);
        };
        let start = body.range().start;
        let bytes = body.as_bytes();
        for (at, end) in sites {
            out.extend_from_slice(&bytes[copied..at - start]);
            I::LocalSet(acc).encode(&mut out);
            I::I16x8RelaxedDotI8x16I7x16S.encode(&mut out);
            I::I32x4ExtAddPairwiseI16x8S.encode(&mut out);
            I::LocalGet(acc).encode(&mut out);
            I::I32x4Add.encode(&mut out);
            copied = end - start;
        }
        out.extend_from_slice(&bytes[copied..]);
        Ok(Some(out))
    })?;
    valid(out)
}

/// Before every `array.init_elem`, the array's own bounds check, made
/// first as the spec orders it: when `d + n` passes the array's length, an
/// `array.get` at the length traps ("out of bounds array access") before
/// the segment is looked at; a null array traps at `array.len` as it
/// would at `array.init_elem`. V8 14.6 checks the segment first.
pub fn array_bounds_before_init_elem(wasm: &[u8]) -> Option<Vec<u8>> {
    array_bounds_before(wasm, |op| match op {
        Operator::ArrayInitElem { array_type_index, .. } => Some(*array_type_index),
        _ => None,
    })
}

/// The same before every `array.init_data`: V8 14.6 checks the data
/// segment first where the segment offset alone passes its end
/// (docs/findings/v8-array-init-data-bounds-order.md).
pub fn array_bounds_before_init_data(wasm: &[u8]) -> Option<Vec<u8>> {
    array_bounds_before(wasm, |op| match op {
        Operator::ArrayInitData { array_type_index, .. } => Some(*array_type_index),
        _ => None,
    })
}

/// The array bounds check before every operator `site` names the array
/// type of (its operands `[array, d, s, n]`); a packed array's element is
/// read with `array.get_u`.
fn array_bounds_before(wasm: &[u8], site: impl Fn(&Operator) -> Option<u32>) -> Option<Vec<u8>> {
    use wasm_encoder::{HeapType, RefType, ValType};
    let packed: Vec<bool> = crate::module_info::storages(wasm)
        .ok()?
        .iter()
        .map(|fields| {
            matches!(fields.as_slice(), [f] if matches!(f.element_type, wasmparser::StorageType::I8 | wasmparser::StorageType::I16))
        })
        .collect();
    let out = map_bodies(wasm, |body, params| {
        let mut sites = Vec::new();
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            if let Some(array_type_index) = site(&op) {
                sites.push((offset, array_type_index));
            }
        }
        if sites.is_empty() {
            return Ok(None);
        }
        let mut arrays: Vec<u32> = sites.iter().map(|&(_, t)| t).collect();
        arrays.sort_unstable();
        arrays.dedup();
        // d, s, n, then one array local per array type.
        let mut tys = vec![ValType::I32; 3];
        tys.extend(arrays.iter().map(|&t| ValType::Ref(RefType { nullable: true, heap_type: HeapType::Concrete(t) })));
        let Some((mut out, first, ops_start)) = with_more_locals(body, params, &tys)? else { return Ok(None) };
        let (d, s, n) = (first, first + 1, first + 2);
        let (start, bytes) = (body.range().start, body.as_bytes());
        let mut copied = ops_start;
        for (offset, t) in sites {
            let a = first + 3 + arrays.iter().position(|&x| x == t).unwrap_or(0) as u32;
            out.extend_from_slice(&bytes[copied..offset - start]);
            let check = [
                I::LocalSet(n),
                I::LocalSet(s),
                I::LocalSet(d),
                I::LocalSet(a),
                I::LocalGet(d),
                I::I64ExtendI32U,
                I::LocalGet(n),
                I::I64ExtendI32U,
                I::I64Add,
                I::LocalGet(a),
                I::ArrayLen,
                I::I64ExtendI32U,
                I::I64GtU,
                I::If(wasm_encoder::BlockType::Empty),
                I::LocalGet(a),
                I::LocalGet(a),
                I::ArrayLen,
                if packed.get(t as usize).copied().unwrap_or(false) { I::ArrayGetU(t) } else { I::ArrayGet(t) },
                I::Drop,
                I::End,
                I::LocalGet(a),
                I::LocalGet(d),
                I::LocalGet(s),
                I::LocalGet(n),
            ];
            for i in &check {
                i.encode(&mut out);
            }
            copied = offset - start;
        }
        out.extend_from_slice(&bytes[copied..]);
        Ok(Some(out))
    })?;
    valid(out)
}

/// The module with `rewrite(op, out)` applied to every operator of every
/// body: it may write bytes to `out` to be inserted before the operator,
/// and returns whether those bytes replace it. `None` when nothing was
/// rewritten, or the result does not validate.
fn rewrite_ops(wasm: &[u8], rewrite: impl Fn(&Operator, &mut Vec<u8>) -> bool) -> Option<Vec<u8>> {
    let out = map_bodies(wasm, |body, _| {
        let start = body.range().start;
        let bytes = body.as_bytes();
        let mut out = Vec::with_capacity(bytes.len() + 16);
        let mut copied = 0usize;
        let mut changed = false;
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            let mut inserted = Vec::new();
            let replaces = rewrite(&op, &mut inserted);
            if inserted.is_empty() {
                continue;
            }
            out.extend_from_slice(&bytes[copied..offset - start]);
            out.extend_from_slice(&inserted);
            copied = if replaces { reader.original_position() - start } else { offset - start };
            changed = true;
        }
        out.extend_from_slice(&bytes[copied..]);
        Ok(changed.then_some(out))
    })?;
    valid(out)
}

fn valid(wasm: Vec<u8>) -> Option<Vec<u8>> {
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(&wasm).ok()?;
    Some(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(wasm: &[u8]) -> String {
        wasmprinter::print_bytes(wasm).unwrap()
    }

    #[test]
    fn rounding_gets_a_multiplication_by_one() {
        let wasm = wat::parse_str(
            r#"(module
              (func (result f32) f32.const nan:0x1 f32.floor)
              (func (param f64) (result f64) local.get 0 f64.nearest f64.sqrt))"#,
        )
        .unwrap();
        let t = text(&mul_one_before_rounding(&wasm).unwrap());
        assert!(
            t.contains("f32.const nan:0x1 (;=NaN;)\n    f32.const 0x1p+0 (;=1;)\n    f32.mul\n    f32.floor"),
            "{t}"
        );
        assert!(
            t.contains("local.get 0\n    f64.const 0x1p+0 (;=1;)\n    f64.mul\n    f64.nearest\n    f64.sqrt"),
            "{t}"
        );
        let none = wat::parse_str("(module (func (result f32) f32.const 1 f32.sqrt))").unwrap();
        assert!(mul_one_before_rounding(&none).is_none());
    }

    #[test]
    fn relaxed_instructions_become_one_of_their_choices() {
        let wasm = wat::parse_str(
            r#"(module
              (func (param v128 v128 v128) (result v128)
                (i32x4.relaxed_trunc_f32x4_u (local.get 0))
                (i32x4.relaxed_trunc_f64x2_u_zero)
                (local.get 1) (local.get 2) (i64x2.relaxed_laneselect)
                (local.get 1) (local.get 2) (i32x4.relaxed_laneselect)))"#,
        )
        .unwrap();
        let t = text(&saturating_unsigned_truncations(&wasm).unwrap());
        assert!(t.contains("i32x4.trunc_sat_f32x4_u\n    i32x4.trunc_sat_f64x2_u_zero"), "{t}");
        assert!(!t.contains("relaxed_trunc"), "{t}");
        let t = text(&bitselect_for_laneselect(&wasm).unwrap());
        assert_eq!(t.matches("v128.bitselect").count(), 2, "{t}");
        assert!(!t.contains("laneselect"), "{t}");
    }

    #[test]
    fn dot_add_is_unfused_through_a_new_local() {
        let wasm = wat::parse_str(
            r#"(module
              (func (param v128 i32) (result v128) (local f32 f32) (local i64)
                (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 0) (v128.const i64x2 1 2))))"#,
        )
        .unwrap();
        let t = text(&unfused_dot_add(&wasm).unwrap());
        // Parameters 0, 1; locals 2, 3 (f32), 4 (i64); the new one is 5.
        assert!(t.contains("(local f32 f32 i64 v128)"), "{t}");
        let seq = "local.set 5\n    i16x8.relaxed_dot_i8x16_i7x16_s\n    i32x4.extadd_pairwise_i16x8_s\n    local.get 5\n    i32x4.add";
        assert!(t.contains(seq), "{t}");
    }
}
