//! The shapes as Wasm: how the generator emits each catalog entry
//! ([`Shape`]) with sub-expressions for its operands, and which shapes can
//! produce a value of a given type.

use super::generate::Gen;
use super::shapes::Shape;
use super::vocabulary::{
    I32_ATOMIC_CMPXCHG, I32_ATOMIC_LOADS, I32_ATOMIC_RMW, I64_ATOMIC_CMPXCHG, I64_ATOMIC_LOADS, I64_ATOMIC_RMW,
    RELAXED, binops, comparisons, conversions, unops, width,
};
use wasm_encoder::{BlockType, Instruction as I, ValType};

impl Gen<'_, '_> {
    /// A shape producing `ty`, its operands at most `depth` deep.
    pub(super) fn shape(&mut self, ty: ValType, depth: u32) -> arbitrary::Result<()> {
        let candidates: Vec<Shape> = Shape::ALL
            .iter()
            .copied()
            .filter(|s| applies(*s, ty, self.simd, self.wide_arithmetic, self.threads, self.table.is_some()))
            .collect();
        // Atomics are one shape among twenty for an integer, and most of
        // their accesses touch zeroed memory: a module with them drawn
        // takes them first one time in four.
        let shape = if candidates.contains(&Shape::Atomic) && self.u.ratio(1, 4)? {
            Shape::Atomic
        } else if candidates.contains(&Shape::Indirect) && self.u.ratio(1, 4)? {
            // Likewise the indirect calls of a module with a table.
            Shape::Indirect
        } else {
            *self.u.choose(&candidates)?
        };
        self.shapes.push(shape);
        match shape {
            Shape::Relaxed => {
                let (op, arity) = self.u.choose(RELAXED)?.clone();
                // The load at a drawn place: Cranelift sinks a load into
                // `vfmadd` as a multiplicand, into `pshufb` or `minps` as
                // the second operand.
                let load_at = self.u.choose_index(arity as usize)?;
                for i in 0..arity as usize {
                    if i == load_at { self.full_load(ty)? } else { self.expr(ty, depth)? }
                }
                self.emit(op);
            }
            Shape::LaneInsert => match self.u.int_in_range(0..=2u8)? {
                0 => {
                    // The address, then the vector whose lane is replaced.
                    let (width, lanes) = *self.u.choose(&[(1u64, 16u8), (2, 8), (4, 4), (8, 2)])?;
                    let memarg = self.address(width)?;
                    self.expr(ty, depth)?;
                    let lane = self.u.int_in_range(0..=lanes - 1)?;
                    self.emit(match width {
                        1 => I::V128Load8Lane { memarg, lane },
                        2 => I::V128Load16Lane { memarg, lane },
                        4 => I::V128Load32Lane { memarg, lane },
                        _ => I::V128Load64Lane { memarg, lane },
                    });
                }
                1 => {
                    self.expr(ty, depth)?;
                    let (scalar, lanes) = *self.u.choose(&REPLACE_LANE)?;
                    // The full-width load is the one Cranelift sinks; the
                    // narrow lanes take an extending load.
                    if self.u.arbitrary()? {
                        self.full_load(scalar)?
                    } else {
                        self.load(scalar)?
                    }
                    let lane = self.u.int_in_range(0..=lanes - 1)?;
                    self.emit(replace_lane(scalar, lanes, lane));
                }
                _ => {
                    self.expr(ValType::I64, depth)?;
                    self.emit(I::I64x2Splat);
                    self.expr(ValType::I64, depth)?;
                    self.emit(I::I64x2ReplaceLane(1));
                }
            },
            Shape::WideArith => {
                let op = self.u.choose(&[I::I64Add128, I::I64Sub128, I::I64MulWideS, I::I64MulWideU])?.clone();
                let halves = if matches!(op, I::I64Add128 | I::I64Sub128) { 2 } else { 1 };
                for _ in 0..2 {
                    self.expr(ty, depth)?;
                    // A high half of zero: an extended i64 (`adc $0`, `setb`).
                    if halves == 2 {
                        if self.u.arbitrary()? { self.emit(I::I64Const(0)) } else { self.expr(ty, depth)? }
                    }
                }
                self.emit(op);
                // The low and high results into one, or the low alone.
                if self.u.arbitrary()? { self.pick(&[I::I64Xor, I::I64Add, I::I64Sub])? } else { self.emit(I::Drop) }
            }
            Shape::Atomic => {
                let is32 = ty == ValType::I32;
                // One i32 in four: `notify` (no thread waits: 0), or on a
                // shared memory `wait` with a timeout of 0 ns ("not-equal"
                // or "timed-out" at once; on an unshared memory it traps).
                if is32 && self.u.ratio(1, 4)? {
                    let wait = self.shared && self.u.arbitrary()?;
                    let wait64 = wait && self.u.arbitrary()?;
                    let memarg = self.atomic_address(if wait64 { 8 } else { 4 })?;
                    if wait {
                        self.expr(if wait64 { ValType::I64 } else { ValType::I32 }, depth)?;
                        self.emit(I::I64Const(0));
                        self.emit(if wait64 { I::MemoryAtomicWait64(memarg) } else { I::MemoryAtomicWait32(memarg) });
                    } else {
                        self.expr(ValType::I32, depth)?;
                        self.emit(I::MemoryAtomicNotify(memarg));
                    }
                    return Ok(());
                }
                let (table, operands) = match self.u.int_in_range(0..=3u8)? {
                    0 | 1 => (if is32 { I32_ATOMIC_RMW } else { I64_ATOMIC_RMW }, 1),
                    2 => (if is32 { I32_ATOMIC_CMPXCHG } else { I64_ATOMIC_CMPXCHG }, 2),
                    _ => (if is32 { I32_ATOMIC_LOADS } else { I64_ATOMIC_LOADS }, 0),
                };
                let (make, width) = *self.u.choose(table)?;
                let memarg = self.atomic_address(width)?;
                for _ in 0..operands {
                    self.expr(ty, depth)?;
                }
                self.emit(make(memarg));
            }
            Shape::LoadBinary => {
                self.expr(ty, depth)?;
                self.full_load(ty)?;
                self.pick(binops(ty))?;
            }
            Shape::LoadUnary => {
                self.full_load(ty)?;
                // Rounding is the most special of the float unary ops (SSE4.1
                // `round*` or a libcall): half the float draws.
                if matches!(ty, ValType::F32 | ValType::F64) && self.u.arbitrary()? {
                    self.pick(&unops(ty)[..4])?;
                } else {
                    self.pick(unops(ty))?;
                }
                if ty == ValType::I64 && matches!(self.out.last(), Some(I::I64Eqz)) {
                    self.emit(I::I64ExtendI32U);
                }
            }
            Shape::LoadConvert | Shape::LoadSplat => {
                let convs: Vec<_> = conversions(ty).to_vec();
                let (conv, from) = self.u.choose(&convs)?.clone();
                self.full_load(from)?;
                self.emit(conv);
            }
            Shape::ImmBinary => {
                self.expr(ty, depth)?;
                self.constant(ty)?;
                self.pick(binops(ty))?;
            }
            Shape::MaskedShift => {
                self.expr(ty, depth)?;
                self.expr(ty, depth)?;
                let w = width(ty);
                let mask = if self.u.ratio(3, 4)? { w - 1 } else { self.u.int_in_range(0..=2 * w)? };
                if ty == ValType::I32 {
                    self.emit(I::I32Const(mask as i32));
                    self.emit(I::I32And);
                    self.pick(&[I::I32Shl, I::I32ShrS, I::I32ShrU, I::I32Rotl, I::I32Rotr])?;
                } else {
                    self.emit(I::I64Const(i64::from(mask)));
                    self.emit(I::I64And);
                    self.pick(&[I::I64Shl, I::I64ShrS, I::I64ShrU, I::I64Rotl, I::I64Rotr])?;
                }
            }
            Shape::ShiftOr => {
                let w = width(ty);
                let is32 = ty == ValType::I32;
                let k = self.u.int_in_range(0..=w + 1)?;
                self.expr(ty, depth)?;
                self.shift_amount(is32, k, depth)?;
                self.emit(if is32 { I::I32Shl } else { I::I64Shl });
                self.expr(ty, depth)?;
                let m = if self.u.ratio(3, 4)? { w.wrapping_sub(k) } else { self.u.int_in_range(0..=w + 1)? };
                self.shift_amount(is32, m, depth)?;
                self.emit(if is32 { I::I32ShrU } else { I::I64ShrU });
                self.emit(if is32 { I::I32Or } else { I::I64Or });
            }
            Shape::AndNot => {
                self.expr(ty, depth)?;
                self.expr(ty, depth)?;
                match ty {
                    ValType::I32 => self.out.extend([I::I32Const(-1), I::I32Xor, I::I32And]),
                    ValType::I64 => self.out.extend([I::I64Const(-1), I::I64Xor, I::I64And]),
                    _ => self.pick(&[I::V128AndNot])?,
                }
            }
            Shape::BitTrick => {
                self.expr(ty, depth)?;
                let l = if ty == ValType::I32 { 5 } else { 6 };
                self.emit(I::LocalTee(l));
                let is32 = ty == ValType::I32;
                match self.u.int_in_range(0..=2u8)? {
                    0 => {
                        self.emit(if is32 { I::I32Const(0) } else { I::I64Const(0) });
                        self.emit(I::LocalGet(l));
                        self.emit(if is32 { I::I32Sub } else { I::I64Sub });
                        self.emit(if is32 { I::I32And } else { I::I64And });
                    }
                    which => {
                        self.emit(I::LocalGet(l));
                        self.emit(if is32 { I::I32Const(1) } else { I::I64Const(1) });
                        self.emit(if is32 { I::I32Sub } else { I::I64Sub });
                        let and = which == 1;
                        self.emit(match (is32, and) {
                            (true, true) => I::I32And,
                            (true, false) => I::I32Xor,
                            (false, true) => I::I64And,
                            (false, false) => I::I64Xor,
                        });
                    }
                }
            }
            Shape::CmpSelect => {
                self.expr(ty, depth)?;
                self.expr(ty, depth)?;
                self.compare(depth)?;
                self.emit(I::Select);
            }
            Shape::CmpBranch | Shape::EqzBranch | Shape::VecTestBranch => {
                let as_if = shape == Shape::CmpBranch && self.u.arbitrary()?;
                if as_if {
                    self.compare(depth)?;
                    self.emit(I::If(BlockType::Result(ty)));
                    self.expr(ty, depth)?;
                    self.emit(I::Else);
                    self.expr(ty, depth)?;
                    self.emit(I::End);
                } else {
                    self.emit(I::Block(BlockType::Result(ty)));
                    self.expr(ty, depth)?;
                    match shape {
                        Shape::CmpBranch => self.compare(depth)?,
                        Shape::EqzBranch => {
                            let t = self.int_type()?;
                            self.expr(t, depth)?;
                            self.emit(if t == ValType::I32 { I::I32Eqz } else { I::I64Eqz });
                        }
                        _ => {
                            self.expr(ValType::V128, depth)?;
                            self.pick(&[I::V128AnyTrue, I::I8x16AllTrue, I::I32x4AllTrue, I::I64x2AllTrue])?;
                        }
                    }
                    self.emit(I::BrIf(0));
                    self.emit(I::Drop);
                    self.expr(ty, depth)?;
                    self.emit(I::End);
                }
            }
            Shape::TestAnd => {
                let t = self.int_type()?;
                self.expr(t, depth)?;
                self.expr(t, depth)?;
                let is32 = t == ValType::I32;
                self.emit(if is32 { I::I32And } else { I::I64And });
                if self.u.arbitrary()? {
                    self.emit(if is32 { I::I32Eqz } else { I::I64Eqz });
                } else {
                    self.emit(if is32 { I::I32Const(0) } else { I::I64Const(0) });
                    self.emit(if is32 { I::I32Ne } else { I::I64Ne });
                }
                if ty == ValType::I64 {
                    self.emit(I::I64ExtendI32U);
                }
            }
            Shape::ExtendOp => {
                self.expr(ValType::I32, depth)?;
                self.expr(ValType::I32, depth)?;
                self.pick(&binops(ValType::I32)[..11])?;
                self.pick(&[I::I64ExtendI32U, I::I64ExtendI32S])?;
            }
            Shape::WideMul => {
                let ext = self.u.choose(&[I::I64ExtendI32U, I::I64ExtendI32S])?.clone();
                self.expr(ValType::I32, depth)?;
                self.emit(ext.clone());
                self.expr(ValType::I32, depth)?;
                self.emit(ext);
                self.emit(I::I64Mul);
            }
            Shape::FloatMinMaxSelect => {
                let (l, lt, gt) = if ty == ValType::F32 { (7, I::F32Lt, I::F32Gt) } else { (8, I::F64Lt, I::F64Gt) };
                let p = if ty == ValType::F32 { 3 } else { 4 };
                self.expr(ty, depth)?;
                self.emit(I::LocalTee(l));
                self.emit(I::LocalGet(p));
                self.emit(I::LocalGet(l));
                self.emit(I::LocalGet(p));
                self.pick(&[lt, gt])?;
                self.emit(I::Select);
            }
            Shape::CopysignConst => {
                self.expr(ty, depth)?;
                self.constant(ty)?;
                self.emit(if ty == ValType::F32 { I::F32Copysign } else { I::F64Copysign });
            }
            Shape::Shuffle => {
                self.expr(ty, depth)?;
                self.expr(ty, depth)?;
                let lanes = self.shuffle_mask()?;
                self.emit(I::I8x16Shuffle(lanes));
            }
            Shape::VecShiftConst => {
                self.expr(ty, depth)?;
                let k = self.u.int_in_range(0..=65)?;
                self.emit(I::I32Const(k));
                self.pick(&[
                    I::I8x16Shl,
                    I::I8x16ShrS,
                    I::I16x8ShrU,
                    I::I32x4Shl,
                    I::I32x4ShrS,
                    I::I64x2ShrS,
                    I::I64x2ShrU,
                ])?;
            }
            Shape::BitSelect => {
                self.expr(ty, depth)?;
                self.expr(ty, depth)?;
                self.expr(ty, depth)?;
                self.emit(I::V128Bitselect);
            }
            Shape::LaneMove => {
                if ty == ValType::V128 {
                    let convs: Vec<_> = conversions(ty).to_vec();
                    let (splat, from) = self.u.choose(&convs)?.clone();
                    self.constant(from)?;
                    self.emit(splat);
                } else {
                    self.expr(ValType::V128, depth)?;
                    let lane = self.u.int_in_range(0..=1u8)?;
                    let extract = match ty {
                        ValType::I32 => self
                            .u
                            .choose(&[
                                I::I32x4ExtractLane(lane),
                                I::I8x16ExtractLaneS(lane),
                                I::I16x8ExtractLaneU(lane),
                            ])?
                            .clone(),
                        ValType::I64 => I::I64x2ExtractLane(lane),
                        ValType::F32 => I::F32x4ExtractLane(lane),
                        _ => I::F64x2ExtractLane(lane),
                    };
                    self.emit(extract);
                }
            }
            Shape::Conversion => {
                let convs: Vec<_> = conversions(ty).to_vec();
                let (conv, from) = self.u.choose(&convs)?.clone();
                self.expr(from, depth)?;
                self.emit(conv);
            }
            Shape::ExtendLoad => {
                if ty == ValType::I32 {
                    self.full_load(ty)?;
                    self.pick(&[I::I32Extend8S, I::I32Extend16S])?;
                } else {
                    self.full_load(ValType::I32)?;
                    self.pick(&[I::I64ExtendI32U, I::I64ExtendI32S])?;
                }
            }
            Shape::Indirect => {
                if self.u.arbitrary()? {
                    // The callee's argument, then the index.
                    self.expr(ValType::I32, depth)?;
                    self.table_index(depth)?;
                    let type_index = self.table.map_or(0, |t| t.callee_type);
                    self.emit(I::CallIndirect { type_index, table_index: 0 });
                } else {
                    self.table_index(depth)?;
                    self.emit(I::TableGet(0));
                    self.emit(I::RefIsNull);
                }
            }
            Shape::ShiftedAddress | Shape::FoldedAddress | Shape::StoreOp | Shape::Grow => {
                // Addresses and statements, not expressions: never chosen here.
                debug_assert!(false, "{shape:?} is no expression shape");
                self.leaf(ty)?;
            }
        }
        Ok(())
    }

    /// An index into the module's table (an `i64` for a 64-bit table): a
    /// constant on either side of its end or far past it (past 2^32 on a
    /// 64-bit table), an `i32` parameter masked to below twice the
    /// table's size, or any expression.
    pub(super) fn table_index(&mut self, depth: u32) -> arbitrary::Result<()> {
        let table64 = self.table.is_some_and(|t| t.table64);
        let size = u64::from(super::generate::TABLE_ELEMENTS);
        let extend = |g: &mut Self| {
            if table64 {
                g.emit(I::I64ExtendI32U)
            }
        };
        match self.u.int_in_range(0..=3u8)? {
            0 | 1 => {
                let i = match self.u.int_in_range(0..=3u8)? {
                    0 | 1 => self.u.int_in_range(0..=size + 1)?,
                    2 => *self.u.choose(&[u64::from(u32::MAX), 0x8000_0000, size * 2])?,
                    _ if table64 => *self.u.choose(&[1 << 32, (1 << 32) + 1, u64::MAX, 1 << 63])?,
                    _ => size,
                };
                self.emit(if table64 { I::I64Const(i as i64) } else { I::I32Const(i as u32 as i32) });
            }
            2 => {
                let p = *self.u.choose(&[1, 5])?;
                self.emit(I::LocalGet(p));
                self.emit(I::I32Const(size as i32 * 2 - 1));
                self.emit(I::I32And);
                extend(self);
            }
            _ => self.expr(if table64 { ValType::I64 } else { ValType::I32 }, depth)?,
        }
        Ok(())
    }

    /// A shift amount: the constant `k`, or an expression.
    pub(super) fn shift_amount(&mut self, is32: bool, k: u32, depth: u32) -> arbitrary::Result<()> {
        if self.u.ratio(2, 3)? {
            self.emit(if is32 { I::I32Const(k as i32) } else { I::I64Const(i64::from(k)) });
            Ok(())
        } else {
            self.expr(if is32 { ValType::I32 } else { ValType::I64 }, depth)
        }
    }

    /// A comparison of two expressions of a scalar type, leaving an i32.
    pub(super) fn compare(&mut self, depth: u32) -> arbitrary::Result<()> {
        let t = self.scalar_type()?;
        self.expr(t, depth)?;
        self.expr(t, depth)?;
        self.pick(comparisons(t))
    }

    /// A shuffle mask: identity, broadcast, interleave, byte rotation,
    /// pshufd-like, or raw lanes.
    pub(super) fn shuffle_mask(&mut self) -> arbitrary::Result<[u8; 16]> {
        let mut m = [0u8; 16];
        match self.u.int_in_range(0..=5u8)? {
            0 => m.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8),
            1 => {
                let lane = self.u.int_in_range(0..=3u8)?;
                m.iter_mut().enumerate().for_each(|(i, b)| *b = lane * 4 + (i as u8 % 4));
            }
            2 => m.iter_mut().enumerate().for_each(|(i, b)| *b = (i as u8 / 2) + if i % 2 == 1 { 16 } else { 0 }),
            3 => {
                let k = self.u.int_in_range(1..=15u8)?;
                m.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8 + k);
            }
            4 => {
                for lane in 0..4 {
                    let from = self.u.int_in_range(0..=3u8)?;
                    for byte in 0..4 {
                        m[lane * 4 + byte] = from * 4 + byte as u8;
                    }
                }
            }
            _ => {
                for b in &mut m {
                    *b = self.u.int_in_range(0..=31u8)?;
                }
            }
        }
        Ok(m)
    }
}

/// The `replace_lane` forms: the lane's scalar type and the lane count.
const REPLACE_LANE: [(ValType, u8); 6] =
    [(ValType::I32, 16), (ValType::I32, 8), (ValType::I32, 4), (ValType::I64, 2), (ValType::F32, 4), (ValType::F64, 2)];

/// `replace_lane` of `lanes` lanes of `scalar` at `lane`.
fn replace_lane(scalar: ValType, lanes: u8, lane: u8) -> I<'static> {
    match (scalar, lanes) {
        (ValType::I32, 16) => I::I8x16ReplaceLane(lane),
        (ValType::I32, 8) => I::I16x8ReplaceLane(lane),
        (ValType::I32, _) => I::I32x4ReplaceLane(lane),
        (ValType::I64, _) => I::I64x2ReplaceLane(lane),
        (ValType::F32, _) => I::F32x4ReplaceLane(lane),
        _ => I::F64x2ReplaceLane(lane),
    }
}

/// Whether `shape` can produce a value of `ty` as an expression (in a
/// module with SIMD, wide arithmetic, threads or a table, or not).
pub(super) fn applies(
    shape: Shape,
    ty: ValType,
    simd: bool,
    wide_arithmetic: bool,
    threads: bool,
    table: bool,
) -> bool {
    use ValType::*;
    let int = matches!(ty, I32 | I64);
    let float = matches!(ty, F32 | F64);
    let v = ty == V128;
    match shape {
        Shape::LoadBinary | Shape::LoadUnary | Shape::ImmBinary => !v || simd,
        Shape::LoadConvert => !v,
        Shape::LoadSplat | Shape::Shuffle | Shape::VecShiftConst | Shape::BitSelect => v,
        Shape::MaskedShift | Shape::ShiftOr | Shape::BitTrick | Shape::TestAnd | Shape::ExtendLoad => int,
        Shape::AndNot => int || v,
        Shape::CmpSelect | Shape::CmpBranch | Shape::EqzBranch | Shape::Conversion => !v || simd,
        Shape::VecTestBranch | Shape::LaneMove => simd,
        Shape::Relaxed | Shape::LaneInsert => v && simd,
        Shape::ExtendOp | Shape::WideMul => ty == I64,
        Shape::WideArith => ty == I64 && wide_arithmetic,
        Shape::Atomic => int && threads,
        Shape::Indirect => ty == I32 && table,
        Shape::FloatMinMaxSelect | Shape::CopysignConst => float,
        Shape::ShiftedAddress | Shape::FoldedAddress | Shape::StoreOp | Shape::Grow => false,
    }
}
