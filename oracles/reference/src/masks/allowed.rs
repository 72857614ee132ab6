//! Every result the spec permits for one numeric or vector instruction on
//! known operands ([`allowed_results`]): a set of (value, mask) pairs, one
//! per relaxed-SIMD choice (a single pair otherwise), each mask covering
//! the NaN bits the spec leaves open; or the trap the instruction raises.

use super::float::{self, F32, F64};
use super::{scalar, vector};
use crate::compile::instr::LaneShape;
use crate::compile::ops::{ScalarBin, ScalarUn, VecBin, VecUn};
use crate::error::{CallError, TrapKind};
use crate::simd::relaxed::RelaxedOp;
use crate::values::Value;

/// One instruction that pops operands and pushes one result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SingleOp {
    Un(ScalarUn),
    Bin(ScalarBin),
    VUn(VecUn),
    VBin(VecBin),
    Bitselect,
    Relaxed(RelaxedOp),
    ExtractLane { shape: LaneShape, lane: u8 },
    ReplaceLane { shape: LaneShape, lane: u8 },
    Shuffle([u8; 16]),
}

/// The results the spec permits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedSet {
    /// A result is allowed iff it equals one of the values on the bits its
    /// mask leaves determined: `(r ^ value) & !mask == 0`. Values are raw
    /// slots (scalars in the low 32/64 bits); the first pair is what this
    /// interpreter computes.
    Values(Vec<(u128, u128)>),
    /// The instruction traps.
    Trap(TrapKind),
}

impl AllowedSet {
    /// Whether `r` (a raw slot) is a permitted result.
    pub fn allows(&self, r: u128) -> bool {
        match self {
            AllowedSet::Values(v) => v.iter().any(|&(x, m)| (r ^ x) & !m == 0),
            AllowedSet::Trap(_) => false,
        }
    }
}

/// Every result the spec permits for `op` on `operands` (known values, in
/// stack order); `None` if the operand count does not fit `op`.
pub fn allowed_results(op: &SingleOp, operands: &[Value]) -> Option<AllowedSet> {
    let v: Vec<u128> = operands.iter().map(|x| x.to_slot()).collect();
    let pair = |r: Result<(u128, u128), CallError>| match r {
        Ok(p) => AllowedSet::Values(vec![p]),
        Err(CallError::Trap(t)) => AllowedSet::Trap(t),
        // Known operands never leave a trap undetermined.
        Err(_) => AllowedSet::Values(Vec::new()),
    };
    Some(match (*op, v.as_slice()) {
        (SingleOp::Un(o), &[a]) => pair(scalar::unary(o, a, 0)),
        (SingleOp::Bin(o), &[a, b]) => pair(scalar::binary(o, a, 0, b, 0)),
        (SingleOp::VUn(o), &[a]) => AllowedSet::Values(vec![vector::unary(o, a, 0)]),
        (SingleOp::VBin(o), &[a, b]) => AllowedSet::Values(vec![vector::binary(o, a, 0, b, 0)]),
        (SingleOp::Bitselect, &[a, b, c]) => AllowedSet::Values(vec![vector::bitselect(a, 0, b, 0, c, 0)]),
        (SingleOp::ExtractLane { shape, lane }, &[a]) => {
            AllowedSet::Values(vec![vector::extract_lane(shape, a, 0, lane)])
        }
        (SingleOp::ReplaceLane { shape, lane }, &[a, x]) => {
            AllowedSet::Values(vec![vector::replace_lane(shape, a, 0, lane, x, 0)])
        }
        (SingleOp::Shuffle(l), &[a, b]) => AllowedSet::Values(vec![vector::shuffle(a, 0, b, 0, &l)]),
        (SingleOp::Relaxed(o), ops) if ops.len() == o.arity() => {
            let mut out: Vec<(u128, u128)> = Vec::new();
            for p in relaxed_choices(o, ops) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
            AllowedSet::Values(out)
        }
        _ => return None,
    })
}

/// The (value, NaN mask) pair each relaxed choice permits, indexed by the
/// spec's parameter `R` (not deduplicated: index `r` is choice `r`), so a
/// caller can check that an engine sticks to one choice; `None` if the
/// operand count does not fit `op`.
pub fn relaxed_choice_results(op: RelaxedOp, operands: &[Value]) -> Option<Vec<(u128, u128)>> {
    let v: Vec<u128> = operands.iter().map(|x| x.to_slot()).collect();
    (v.len() == op.arity()).then(|| relaxed_choices(op, &v))
}

/// One (value, NaN mask) pair per relaxed choice, in choice order. Fused or
/// unfused `madd` and the `fmin`/`fmax` choice are float arithmetic (NaN
/// rules apply); the other `min`/`max` choices return an operand exactly.
fn relaxed_choices(op: RelaxedOp, ops: &[u128]) -> Vec<(u128, u128)> {
    use RelaxedOp::*;
    let mut v = [0u128; 3];
    v[..ops.len().min(3)].copy_from_slice(&ops[..ops.len().min(3)]);
    let ins: Vec<(u128, u128)> = ops.iter().map(|&x| (x, 0)).collect();
    let (fmt, all_arith) = match op {
        F32x4RelaxedMadd | F32x4RelaxedNmadd => (Some(F32), true),
        F64x2RelaxedMadd | F64x2RelaxedNmadd => (Some(F64), true),
        F32x4RelaxedMin | F32x4RelaxedMax => (Some(F32), false),
        F64x2RelaxedMin | F64x2RelaxedMax => (Some(F64), false),
        _ => (None, false),
    };
    let mut out: Vec<(u128, u128)> = Vec::new();
    for choice in 0..op.choices() {
        let r = op.eval(v[0], v[1], v[2], choice);
        let p = match fmt {
            Some(f) if all_arith || choice == 0 => vector::float_lanes(f, &ins, r, |l, x| float::arith(f, l, f, x)),
            _ => (r, 0),
        };
        out.push(p);
    }
    out
}
