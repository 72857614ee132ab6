//! Peephole fusion of the translator's output into superinstructions:
//! operand fetches (`local.get`, constants) folded into the binary operator
//! or load that consumes them, a result stored straight into a local, a
//! binary operator fused with the `br_if` that tests its result (a constant
//! first operand moves behind a local where the operator commutes exactly). Each
//! fused [`Instr`] means exactly the sequence it replaces. A fusion never
//! spans a label: of the instructions merged into one, only the first may
//! be a branch target.

use super::instr::{Instr, PUSH};
use super::ops::ScalarBin;
use crate::masks::float::{F32, F64};

/// The fusion state of one function body: where its last label is.
#[derive(Default)]
pub struct Fuser {
    /// The last instruction index that is a branch target (a loop header,
    /// the pc after an `end` or `else`).
    label: Option<usize>,
}

impl Fuser {
    /// Records that the next instruction emitted is a branch target.
    pub fn label(&mut self, body: &[Instr]) {
        self.label = Some(body.len());
    }

    /// How many instructions at the end of `body` may be merged into the
    /// next one: none of them but the first may be a label.
    fn mergeable(&self, body: &[Instr]) -> usize {
        body.len() - self.label.map_or(0, |l| l.min(body.len()))
    }

    /// Emits `i`, fused with the end of `body` where possible.
    pub fn emit(&self, body: &mut Vec<Instr>, i: Instr) {
        use Instr as I;
        let k = self.mergeable(body);
        let n = body.len();
        let t1 = if k >= 1 { Some(body[n - 1]) } else { None };
        let t2 = if k >= 2 { Some(body[n - 2]) } else { None };
        let fused = match (i, t2, t1) {
            (I::Bin(op), Some(I::LocalGet(a)), Some(I::LocalGet(b))) => (2, I::BinLL { op, a, b, dst: PUSH }),
            (I::Bin(op), Some(I::LocalGet(a)), Some(I::Const(c))) => (2, I::BinLC { op, a, dst: PUSH, c }),
            (I::Bin(op), Some(I::LocalGet(a)), Some(x)) if Self::pushes_one_value(x) => {
                // `local.get a; x; op` = `x; op` with `a` read from the local.
                body.truncate(n - 2);
                body.push(x);
                body.push(I::BinLS { op, a, dst: PUSH });
                return;
            }
            // `const c; local.get b; op` = `local.get b; const c; op` when
            // the operands commute exactly (see `commutes_with`).
            (I::Bin(op), Some(I::Const(c)), Some(I::LocalGet(b))) if Self::commutes_with(op, c) => {
                (2, I::BinLC { op, a: b, dst: PUSH, c })
            }
            (I::Bin(op), _, Some(I::LocalGet(b))) => (1, I::BinSL { op, b, dst: PUSH }),
            (I::Bin(op), _, Some(I::Const(c))) => (1, I::BinSC { op, dst: PUSH, c }),
            (I::LocalSet(dst), _, Some(t)) => match t {
                I::Bin(op) => (1, I::BinSet { op, dst }),
                I::BinLL { op, a, b, dst: PUSH } => (1, I::BinLL { op, a, b, dst }),
                I::BinLC { op, a, dst: PUSH, c } => (1, I::BinLC { op, a, dst, c }),
                I::BinSL { op, b, dst: PUSH } => (1, I::BinSL { op, b, dst }),
                I::BinSC { op, dst: PUSH, c } => (1, I::BinSC { op, dst, c }),
                I::BinLS { op, a, dst: PUSH } => (1, I::BinLS { op, a, dst }),
                I::VBin(op) => (1, I::VBinSet { op, dst }),
                I::VBinSL { op, b, dst: PUSH } => (1, I::VBinSL { op, b, dst }),
                I::ShuffleLL { i, a, b, dst: PUSH } => (1, I::ShuffleLL { i, a, b, dst }),
                I::LocalGet(src) => (1, I::LocalCopy { src, dst }),
                I::Const(c) => (1, I::LocalSetConst { dst, c }),
                _ => (0, i),
            },
            (I::Load { kind, mem, offset }, _, Some(I::LocalGet(a))) => (1, I::LoadL { kind, mem, a, offset }),
            (I::VUn(op), _, Some(I::LocalGet(a))) => (1, I::VUnL { op, a }),
            (I::VBin(op), _, Some(I::LocalGet(b))) => (1, I::VBinSL { op, b, dst: PUSH }),
            (I::Shuffle(i), Some(I::LocalGet(a)), Some(I::LocalGet(b))) => (2, I::ShuffleLL { i, a, b, dst: PUSH }),
            (I::Store { bytes, mem, offset }, Some(I::LocalGet(a)), Some(I::LocalGet(v))) => {
                (2, I::StoreLL { bytes, mem, a, v, offset })
            }
            _ => (0, i),
        };
        body.truncate(n - fused.0);
        body.push(fused.1);
    }

    /// Whether `op(c, x)` is `op(x, c)` bit for bit and mask for mask: the
    /// integer operators that commute, and float `add`/`mul`, `eq`/`ne`
    /// when `c` is not a NaN (with at most one NaN operand the result's
    /// payload does not depend on the order; the mask rules are symmetric).
    fn commutes_with(op: ScalarBin, c: u64) -> bool {
        use ScalarBin::*;
        match op {
            I32Add | I32Mul | I32And | I32Or | I32Xor | I32Eq | I32Ne => true,
            I64Add | I64Mul | I64And | I64Or | I64Xor | I64Eq | I64Ne => true,
            F32Add | F32Mul | F32Eq | F32Ne => !F32.is_nan(c),
            F64Add | F64Mul | F64Eq | F64Ne => !F64.is_nan(c),
            _ => false,
        }
    }

    /// Whether `x` only pushes one value: it pops nothing and writes no
    /// local, so a `local.get` before it may be read after it instead.
    fn pushes_one_value(x: Instr) -> bool {
        use Instr as I;
        matches!(
            x,
            I::Const(_) | I::BinLL { dst: PUSH, .. } | I::BinLC { dst: PUSH, .. } | I::LoadL { .. } | I::GlobalGet(_)
        )
    }

    /// Fuses a `br_if` to target-table entry `t` with the binary operator
    /// ending `body`, if there is one that pushes its result; `false` if
    /// the branch must be emitted on its own.
    pub fn br_if(&self, body: &mut [Instr], t: u32) -> bool {
        use Instr as I;
        if self.mergeable(body) < 1 {
            return false;
        }
        let Some(last) = body.last_mut() else {
            return false;
        };
        *last = match *last {
            I::Bin(op) => I::BrIfBin { op, t },
            I::BinLL { op, a, b, dst: PUSH } => I::BrIfLL { op, a, b, t },
            I::BinLC { op, a, dst: PUSH, c } => I::BrIfLC { op, a, t, c },
            I::BinSL { op, b, dst: PUSH } => I::BrIfSL { op, b, t },
            I::BinSC { op, dst: PUSH, c } => I::BrIfSC { op, t, c },
            _ => return false,
        };
        true
    }

    /// Whether [`Fuser::br_if`] would fuse.
    pub fn can_br_if(&self, body: &[Instr]) -> bool {
        use Instr as I;
        self.mergeable(body) >= 1
            && matches!(
                body.last(),
                Some(
                    I::Bin(_)
                        | I::BinLL { dst: PUSH, .. }
                        | I::BinLC { dst: PUSH, .. }
                        | I::BinSL { dst: PUSH, .. }
                        | I::BinSC { dst: PUSH, .. }
                )
            )
    }
}
