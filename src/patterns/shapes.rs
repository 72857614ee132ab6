//! The catalog of shapes: multi-instruction Wasm sequences that a backend
//! matches as one unit (Cranelift's lowering rules, see [`super::isle`]),
//! each with its Wasm spelling. The generator ([`super::generate`]) builds
//! them; the detector ([`super::detect`]) finds them in any module.

/// One shape. Operands written `x`, `y` are any expression of the right
/// type (a parameter, constant, local, global, load, or another shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// `(op x (load a))`: a load sunk into an ALU or SSE operand.
    LoadBinary,
    /// `(op (load a))`: a load sunk into a unary op (rounding, `sqrt`,
    /// `abs`, `neg`, bit counts, `eqz`).
    LoadUnary,
    /// `(convert (load a))`: an extend, wrap, promote, demote, int↔float
    /// conversion or reinterpret of a load.
    LoadConvert,
    /// `(splat (load a))`: a load feeding a splat (`movddup`, `vbroadcast`).
    LoadSplat,
    /// `(op x (const c))`: an immediate operand, shift amounts up to and
    /// past the width included.
    ImmBinary,
    /// `(shift x (and y (const w-1)))`: a shift whose mask is elided.
    MaskedShift,
    /// `(or (shl x k) (shr_u y m))`: a rotate or double-shift.
    ShiftOr,
    /// `(and x (xor y (const -1)))`: `andn`.
    AndNot,
    /// `(and x (sub 0 x))`, `(and x (sub x 1))`, `(xor x (sub x 1))`: `blsi`, `blsr`, `blsmsk`.
    BitTrick,
    /// `(select a b (cmp x y))`: a compare fused into `cmov`/`blend`.
    CmpSelect,
    /// `(br_if l (cmp x y))` and `(if (cmp x y) ..)`: a compare fused into a branch.
    CmpBranch,
    /// `(br_if l (eqz x))`: a test fused into a branch.
    EqzBranch,
    /// `(eqz (and x y))`, `(ne (and x y) 0)`: `test`.
    TestAnd,
    /// `(i64.extend_i32_u (op x y))`: a 32-bit op whose zero-extension is free.
    ExtendOp,
    /// `(i64.mul (extend x) (extend y))`: a widening multiply.
    WideMul,
    /// `(select x y (flt x y))`: a float min/max idiom.
    FloatMinMaxSelect,
    /// `(copysign x (const c))`.
    CopysignConst,
    /// `(i8x16.shuffle x y mask)` with masks that lower to one instruction.
    Shuffle,
    /// `(vector shift x (const k))`.
    VecShiftConst,
    /// `(v128.bitselect a b c)`, `(v128.and x (v128.not y))`.
    BitSelect,
    /// `(br_if l (v128.any_true v))`, `all_true`: a vector test into a branch.
    VecTestBranch,
    /// `(extract_lane k x)`, `(splat (const c))`.
    LaneMove,
    /// `(trunc x)`, `(convert_u x)`: conversions with long lowerings.
    Conversion,
    /// `(extend8_s (load a))`: a sign-extension of a load.
    ExtendLoad,
    /// `(load (add base (shl index k)) offset)`: an address mode.
    ShiftedAddress,
    /// `(load (add base c) offset)`: an address with a folded add.
    FoldedAddress,
    /// `(store a (op x y))`: a store of a computed value (narrow widths too).
    StoreOp,
    /// `(memory.grow n)` before accesses around the old and new sizes (`n`
    /// 0, 1, or a delta that must fail).
    Grow,
    /// `(relaxed_op x (load a) z)`: a relaxed-SIMD operator one of whose
    /// operands is a load (`relaxed_madd` is Cranelift's `fma`, a
    /// multiplicand load sunk into `vfmadd`; `relaxed_nmadd` an `fma` of an
    /// `fneg`; `relaxed_laneselect` a `blendv`, `relaxed_swizzle` a
    /// `pshufb`).
    Relaxed,
    /// `(v128.loadN_lane k a x)`, `(replace_lane k x (load a))`,
    /// `(i64x2.replace_lane 1 (i64x2.splat y) z)`: a lane inserted from
    /// memory or into a splat (Cranelift's `insertlane` of a sunk load:
    /// `pinsrb`/`pinsrw`/`insertps` with a memory operand; `pinsrq` on the
    /// splatted scalar).
    LaneInsert,
    /// `(i64.add128 a b c d)`, `i64.sub128`, `(i64.mul_wide_s x y)`,
    /// `mul_wide_u` (wide-arithmetic), a high half sometimes zero, the two
    /// results combined or the high one dropped: Cranelift's `i128`
    /// `iadd`/`isub` of `iconcat` and `uextend` (`adc`, `sbb`, `setb`) and
    /// `imul` of two extends (one `mul`/`mulx`).
    WideArith,
    /// `(i32.atomic.rmw8.add_u a x)` and every other atomic
    /// read-modify-write, `cmpxchg` and atomic load of every width (threads
    /// proposal, allowed in one module in four), the address aligned or
    /// not (a misaligned atomic access traps): Cranelift's `atomic_rmw`
    /// (`lock xadd`, `xchg`, a `lock cmpxchg` loop for `and`/`or`/`xor`/
    /// `sub` of narrow widths) and `atomic_cas`, with the narrow results
    /// zero-extended.
    Atomic,
    /// `(call_indirect (type $callee) x (index))` through the module's
    /// `funcref` table (one module in three has one; a 64-bit table one
    /// time in three of those), and `(ref.is_null (table.get (index)))`,
    /// the index an edge constant, a masked parameter or any expression:
    /// the table's bounds check, the null check and the signature check
    /// of an indirect call (one element has another type), which come from
    /// Wasmtime's translation of the call, not from a lowering rule.
    Indirect,
}

impl Shape {
    pub const ALL: &[Shape] = &[
        Shape::LoadBinary,
        Shape::LoadUnary,
        Shape::LoadConvert,
        Shape::LoadSplat,
        Shape::ImmBinary,
        Shape::MaskedShift,
        Shape::ShiftOr,
        Shape::AndNot,
        Shape::BitTrick,
        Shape::CmpSelect,
        Shape::CmpBranch,
        Shape::EqzBranch,
        Shape::TestAnd,
        Shape::ExtendOp,
        Shape::WideMul,
        Shape::FloatMinMaxSelect,
        Shape::CopysignConst,
        Shape::Shuffle,
        Shape::VecShiftConst,
        Shape::BitSelect,
        Shape::VecTestBranch,
        Shape::LaneMove,
        Shape::Conversion,
        Shape::ExtendLoad,
        Shape::ShiftedAddress,
        Shape::FoldedAddress,
        Shape::StoreOp,
        Shape::Grow,
        Shape::Relaxed,
        Shape::LaneInsert,
        Shape::WideArith,
        Shape::Atomic,
        Shape::Indirect,
    ];

    /// The name in statistics and tables.
    pub fn name(self) -> &'static str {
        match self {
            Shape::LoadBinary => "load-binary",
            Shape::LoadUnary => "load-unary",
            Shape::LoadConvert => "load-convert",
            Shape::LoadSplat => "load-splat",
            Shape::ImmBinary => "imm-binary",
            Shape::MaskedShift => "masked-shift",
            Shape::ShiftOr => "shift-or",
            Shape::AndNot => "and-not",
            Shape::BitTrick => "bit-trick",
            Shape::CmpSelect => "cmp-select",
            Shape::CmpBranch => "cmp-branch",
            Shape::EqzBranch => "eqz-branch",
            Shape::TestAnd => "test-and",
            Shape::ExtendOp => "extend-op",
            Shape::WideMul => "wide-mul",
            Shape::FloatMinMaxSelect => "float-minmax-select",
            Shape::CopysignConst => "copysign-const",
            Shape::Shuffle => "shuffle",
            Shape::VecShiftConst => "vec-shift-const",
            Shape::BitSelect => "bitselect",
            Shape::VecTestBranch => "vec-test-branch",
            Shape::LaneMove => "lane-move",
            Shape::Conversion => "conversion",
            Shape::ExtendLoad => "extend-load",
            Shape::ShiftedAddress => "shifted-address",
            Shape::FoldedAddress => "folded-address",
            Shape::StoreOp => "store-op",
            Shape::Grow => "grow",
            Shape::Relaxed => "relaxed",
            Shape::LaneInsert => "lane-insert",
            Shape::WideArith => "wide-arith",
            Shape::Atomic => "atomic",
            Shape::Indirect => "indirect",
        }
    }

    pub fn from_name(name: &str) -> Option<Shape> {
        Shape::ALL.iter().copied().find(|s| s.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for s in Shape::ALL {
            assert_eq!(Shape::from_name(s.name()), Some(*s));
        }
        let mut names: Vec<_> = Shape::ALL.iter().map(|s| s.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Shape::ALL.len());
    }
}
