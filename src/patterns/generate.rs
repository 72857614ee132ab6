//! Builds a `patterns` module from fuzz bytes: a few exported functions,
//! each an expression tree of catalog shapes ([`Shape`]) a few levels deep,
//! with operands from every source (parameters, special constants, locals,
//! `local.tee`, globals, loads of every width, sign and offset at edge
//! addresses, other shapes). No loops and no calls: every function
//! terminates by construction.

use super::shapes::Shape;
use crate::addresses::{self, PAGE};
use crate::module_info::MemoryInfo;
use crate::values::{F32_EDGES, F64_EDGES, I32_EDGES, I64_EDGES};
use arbitrary::Unstructured;
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, Ieee32, Ieee64, Instruction as I, MemArg, MemorySection, MemoryType, Module,
    TypeSection, ValType,
};

/// Largest memory a `patterns` module declares, in pages (the differential
/// target's maximum).
pub const MAX_PAGES: u64 = crate::case::MAX_MEMORY_BYTES / PAGE;

/// How deep shapes nest.
const MAX_DEPTH: u32 = 3;

/// Parameters of every function: an address, then one of each scalar type.
const PARAMS: [ValType; 5] = [ValType::I32, ValType::I32, ValType::I64, ValType::F32, ValType::F64];

/// A generated module and the shapes it contains.
#[derive(Clone, Debug)]
pub struct Generated {
    pub wasm: Vec<u8>,
    pub shapes: Vec<Shape>,
    pub simd: bool,
}

/// The module `u` stands for.
pub fn module(u: &mut Unstructured<'_>) -> arbitrary::Result<Generated> {
    let simd = u.ratio(3, 4)?;
    let pages = if u.arbitrary()? { 1 } else { MAX_PAGES };
    let maximum = if pages == MAX_PAGES || u.arbitrary()? { MAX_PAGES } else { pages + 1 };
    let mem = MemoryInfo { initial: pages * PAGE, maximum: Some(maximum * PAGE), memory64: false };
    let nfuncs = u.int_in_range(1..=3u32)?;
    let mut g = Gen { u, mem, simd, shapes: Vec::new(), out: Vec::new() };
    let mut results = Vec::new();
    let mut bodies = Vec::new();
    for _ in 0..nfuncs {
        let ty = g.any_type()?;
        g.out.clear();
        g.prefix()?;
        g.expr(ty, MAX_DEPTH)?;
        results.push(ty);
        bodies.push(std::mem::take(&mut g.out));
    }
    let data = g.data()?;
    let globals = g.global_inits()?;
    let mut shapes = g.shapes;
    shapes.sort();
    shapes.dedup();

    let mut module = Module::new();
    let mut types = TypeSection::new();
    for ty in &results {
        types.ty().function(PARAMS, [*ty]);
    }
    module.section(&types);
    let mut funcs = FunctionSection::new();
    for i in 0..nfuncs {
        funcs.function(i);
    }
    module.section(&funcs);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: pages,
        maximum: Some(maximum),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut global_section = GlobalSection::new();
    for init in &globals {
        global_section.global(GlobalType { val_type: init.0, mutable: true, shared: false }, &init.1);
    }
    module.section(&global_section);
    let mut exports = ExportSection::new();
    for i in 0..nfuncs {
        exports.export(&format!("f{i}"), ExportKind::Func, i);
    }
    exports.export("mem", ExportKind::Memory, 0);
    for i in 0..globals.len() as u32 {
        exports.export(&format!("g{i}"), ExportKind::Global, i);
    }
    module.section(&exports);
    let mut code = CodeSection::new();
    for body in &bodies {
        let mut f = Function::new_with_locals_types(LOCALS.iter().copied().filter(|t| simd || *t != ValType::V128));
        for ins in body {
            f.instruction(ins);
        }
        f.instruction(&I::End);
        code.function(&f);
    }
    module.section(&code);
    let mut data_section = DataSection::new();
    for (offset, bytes) in data {
        data_section.active(0, &ConstExpr::i32_const(offset as i32), bytes);
    }
    module.section(&data_section);
    Ok(Generated { wasm: module.finish(), shapes, simd })
}

/// Locals after the parameters: one of each type (v128 last, only with SIMD).
const LOCALS: [ValType; 5] = [ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128];

/// The locals of `ty`: a parameter and the local, or the local alone.
fn locals_of(ty: ValType) -> &'static [u32] {
    match ty {
        ValType::I32 => &[0, 1, 5],
        ValType::I64 => &[2, 6],
        ValType::F32 => &[3, 7],
        ValType::F64 => &[4, 8],
        _ => &[9],
    }
}

/// The global of `ty` (one each; v128 only with SIMD).
fn global_of(ty: ValType) -> u32 {
    match ty {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        _ => 4,
    }
}

struct Gen<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    mem: MemoryInfo,
    simd: bool,
    shapes: Vec<Shape>,
    out: Vec<I<'static>>,
}

/// A load: the instruction for a memarg, its width in bytes, its result.
type Load = (fn(MemArg) -> I<'static>, u64);

const I32_LOADS: &[Load] =
    &[(I::I32Load, 4), (I::I32Load8S, 1), (I::I32Load8U, 1), (I::I32Load16S, 2), (I::I32Load16U, 2)];
const I64_LOADS: &[Load] = &[
    (I::I64Load, 8),
    (I::I64Load8S, 1),
    (I::I64Load8U, 1),
    (I::I64Load16S, 2),
    (I::I64Load16U, 2),
    (I::I64Load32S, 4),
    (I::I64Load32U, 4),
];
const V128_LOADS: &[Load] = &[
    (I::V128Load, 16),
    (I::V128Load8x8S, 8),
    (I::V128Load8x8U, 8),
    (I::V128Load16x4S, 8),
    (I::V128Load16x4U, 8),
    (I::V128Load32x2S, 8),
    (I::V128Load32x2U, 8),
    (I::V128Load8Splat, 1),
    (I::V128Load16Splat, 2),
    (I::V128Load32Splat, 4),
    (I::V128Load64Splat, 8),
    (I::V128Load32Zero, 4),
    (I::V128Load64Zero, 8),
];

fn loads_of(ty: ValType) -> &'static [Load] {
    match ty {
        ValType::I32 => I32_LOADS,
        ValType::I64 => I64_LOADS,
        ValType::F32 => &[(I::F32Load, 4)],
        ValType::F64 => &[(I::F64Load, 8)],
        _ => V128_LOADS,
    }
}

/// Binary operators of a type, and its comparisons.
fn binops(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[
            I::I32Add,
            I::I32Sub,
            I::I32Mul,
            I::I32And,
            I::I32Or,
            I::I32Xor,
            I::I32Shl,
            I::I32ShrS,
            I::I32ShrU,
            I::I32Rotl,
            I::I32Rotr,
            I::I32DivS,
            I::I32DivU,
            I::I32RemS,
            I::I32RemU,
        ],
        ValType::I64 => &[
            I::I64Add,
            I::I64Sub,
            I::I64Mul,
            I::I64And,
            I::I64Or,
            I::I64Xor,
            I::I64Shl,
            I::I64ShrS,
            I::I64ShrU,
            I::I64Rotl,
            I::I64Rotr,
            I::I64DivS,
            I::I64DivU,
            I::I64RemS,
            I::I64RemU,
        ],
        ValType::F32 => &[I::F32Add, I::F32Sub, I::F32Mul, I::F32Div, I::F32Min, I::F32Max, I::F32Copysign],
        ValType::F64 => &[I::F64Add, I::F64Sub, I::F64Mul, I::F64Div, I::F64Min, I::F64Max, I::F64Copysign],
        _ => &[
            I::I8x16Add,
            I::I16x8Sub,
            I::I32x4Mul,
            I::I64x2Add,
            I::F32x4Add,
            I::F64x2Mul,
            I::F32x4Min,
            I::F64x2Max,
            I::I8x16MinU,
            I::I16x8MaxS,
            I::I8x16AvgrU,
            I::I16x8Q15MulrSatS,
            I::I8x16NarrowI16x8S,
            I::V128And,
            I::V128Or,
            I::V128Xor,
            I::I32x4DotI16x8S,
            I::I8x16Swizzle,
            I::F32x4Lt,
            I::F64x2Eq,
            I::I8x16GtU,
            I::I32x4LeS,
            I::I16x8ExtMulLowI8x16S,
            I::I32x4ExtMulHighI16x8U,
            I::I64x2ExtMulLowI32x4U,
        ],
    }
}

fn comparisons(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[
            I::I32Eq,
            I::I32Ne,
            I::I32LtS,
            I::I32LtU,
            I::I32GtS,
            I::I32GtU,
            I::I32LeS,
            I::I32LeU,
            I::I32GeS,
            I::I32GeU,
        ],
        ValType::I64 => &[
            I::I64Eq,
            I::I64Ne,
            I::I64LtS,
            I::I64LtU,
            I::I64GtS,
            I::I64GtU,
            I::I64LeS,
            I::I64LeU,
            I::I64GeS,
            I::I64GeU,
        ],
        ValType::F32 => &[I::F32Eq, I::F32Ne, I::F32Lt, I::F32Gt, I::F32Le, I::F32Ge],
        _ => &[I::F64Eq, I::F64Ne, I::F64Lt, I::F64Gt, I::F64Le, I::F64Ge],
    }
}

/// Unary operators of a type (same type in and out).
fn unops(ty: ValType) -> &'static [I<'static>] {
    match ty {
        ValType::I32 => &[I::I32Clz, I::I32Ctz, I::I32Popcnt, I::I32Eqz, I::I32Extend8S, I::I32Extend16S],
        ValType::I64 => &[I::I64Clz, I::I64Ctz, I::I64Popcnt, I::I64Extend8S, I::I64Extend16S, I::I64Extend32S],
        ValType::F32 => &[I::F32Ceil, I::F32Floor, I::F32Trunc, I::F32Nearest, I::F32Sqrt, I::F32Abs, I::F32Neg],
        ValType::F64 => &[I::F64Ceil, I::F64Floor, I::F64Trunc, I::F64Nearest, I::F64Sqrt, I::F64Abs, I::F64Neg],
        _ => &[
            I::F32x4Ceil,
            I::F64x2Floor,
            I::F32x4Nearest,
            I::F64x2Trunc,
            I::F32x4Sqrt,
            I::I8x16Abs,
            I::I16x8Neg,
            I::I8x16Popcnt,
            I::V128Not,
            I::I32x4TruncSatF32x4U,
            I::F64x2ConvertLowI32x4U,
            I::F64x2ConvertLowI32x4S,
            I::I32x4TruncSatF64x2SZero,
            I::I32x4TruncSatF64x2UZero,
            I::I16x8ExtAddPairwiseI8x16S,
            I::I32x4ExtAddPairwiseI16x8U,
            I::I16x8ExtendLowI8x16U,
            I::I64x2ExtendHighI32x4S,
        ],
    }
}

/// Conversions into `ty`: the instruction and its operand's type.
fn conversions(ty: ValType) -> &'static [(I<'static>, ValType)] {
    use ValType::*;
    match ty {
        I32 => &[
            (I::I32WrapI64, I64),
            (I::I32TruncF32S, F32),
            (I::I32TruncF32U, F32),
            (I::I32TruncF64S, F64),
            (I::I32TruncF64U, F64),
            (I::I32TruncSatF64U, F64),
            (I::I32TruncSatF32S, F32),
            (I::I32ReinterpretF32, F32),
        ],
        I64 => &[
            (I::I64ExtendI32S, I32),
            (I::I64ExtendI32U, I32),
            (I::I64TruncF64S, F64),
            (I::I64TruncF64U, F64),
            (I::I64TruncF32U, F32),
            (I::I64TruncSatF64U, F64),
            (I::I64TruncSatF32S, F32),
            (I::I64ReinterpretF64, F64),
        ],
        F32 => &[
            (I::F32DemoteF64, F64),
            (I::F32ConvertI32U, I32),
            (I::F32ConvertI64U, I64),
            (I::F32ConvertI64S, I64),
            (I::F32ReinterpretI32, I32),
        ],
        F64 => &[
            (I::F64PromoteF32, F32),
            (I::F64ConvertI32S, I32),
            (I::F64ConvertI32U, I32),
            (I::F64ConvertI64U, I64),
            (I::F64ReinterpretI64, I64),
        ],
        _ => &[
            (I::I8x16Splat, I32),
            (I::I16x8Splat, I32),
            (I::I32x4Splat, I32),
            (I::I64x2Splat, I64),
            (I::F32x4Splat, F32),
            (I::F64x2Splat, F64),
        ],
    }
}

fn width(ty: ValType) -> u32 {
    match ty {
        ValType::I64 | ValType::F64 => 64,
        _ => 32,
    }
}

impl Gen<'_, '_> {
    fn any_type(&mut self) -> arbitrary::Result<ValType> {
        let n = if self.simd { 5 } else { 4 };
        Ok([ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128][self.u.choose_index(n)?])
    }

    fn scalar_type(&mut self) -> arbitrary::Result<ValType> {
        Ok(*self.u.choose(&[ValType::I32, ValType::I64, ValType::F32, ValType::F64])?)
    }

    fn int_type(&mut self) -> arbitrary::Result<ValType> {
        Ok(if self.u.arbitrary()? { ValType::I32 } else { ValType::I64 })
    }

    fn emit(&mut self, i: I<'static>) {
        self.out.push(i);
    }

    fn pick(&mut self, list: &[I<'static>]) -> arbitrary::Result<()> {
        let i = self.u.choose(list)?.clone();
        self.emit(i);
        Ok(())
    }

    /// Statements before a function's result: a `memory.grow`, stores,
    /// locals and globals set from expressions.
    fn prefix(&mut self) -> arbitrary::Result<()> {
        if self.u.ratio(1, 4)? {
            self.shapes.push(Shape::Grow);
            let pages = self.u.int_in_range(0..=1)?;
            self.emit(I::I32Const(pages));
            self.emit(I::MemoryGrow(0));
            self.emit(I::Drop);
        }
        for _ in 0..self.u.int_in_range(0..=3u8)? {
            match self.u.int_in_range(0..=2u8)? {
                0 => {
                    self.shapes.push(Shape::StoreOp);
                    let ty = self.any_type()?;
                    let (store, w): (I<'static>, u64) = match ty {
                        ValType::I32 => self
                            .u
                            .choose(&[(I::I32Store(MA), 4), (I::I32Store8(MA), 1), (I::I32Store16(MA), 2)])?
                            .clone(),
                        ValType::I64 => self
                            .u
                            .choose(&[(I::I64Store(MA), 8), (I::I64Store32(MA), 4), (I::I64Store8(MA), 1)])?
                            .clone(),
                        ValType::F32 => (I::F32Store(MA), 4),
                        ValType::F64 => (I::F64Store(MA), 8),
                        _ => (I::V128Store(MA), 16),
                    };
                    let int = matches!(ty, ValType::I32 | ValType::I64);
                    if int && w >= 4 && self.u.arbitrary()? {
                        // Read-modify-write of one address: `add [mem], reg`.
                        let memarg = MemArg { offset: self.address_offset(w)?, align: 0, memory_index: 0 };
                        let is32 = ty == ValType::I32;
                        self.emit(I::LocalGet(0));
                        self.emit(I::LocalGet(0));
                        self.emit(if is32 { I::I32Load(memarg) } else { I::I64Load(memarg) });
                        self.expr(ty, 1)?;
                        self.pick(&binops(ty)[..6])?;
                        self.emit(if is32 { I::I32Store(memarg) } else { I::I64Store(memarg) });
                        continue;
                    }
                    let memarg = self.address(w)?;
                    self.expr(ty, 1)?;
                    self.emit(with_memarg(store, memarg));
                }
                1 => {
                    let ty = self.any_type()?;
                    self.expr(ty, 1)?;
                    let l = *self.u.choose(locals_of(ty))?;
                    self.emit(I::LocalSet(l));
                }
                _ => {
                    let ty = self.any_type()?;
                    self.expr(ty, 1)?;
                    self.emit(I::GlobalSet(global_of(ty)));
                }
            }
        }
        Ok(())
    }

    /// An expression of type `ty`: a shape while depth lasts, else a leaf.
    fn expr(&mut self, ty: ValType, depth: u32) -> arbitrary::Result<()> {
        if depth == 0 || self.u.ratio(1, 4)? {
            return self.leaf(ty);
        }
        self.shape(ty, depth - 1)
    }

    /// An operand: a parameter, a special constant, a local (or a
    /// `local.tee` of a smaller expression), a global, or a load.
    fn leaf(&mut self, ty: ValType) -> arbitrary::Result<()> {
        match self.u.int_in_range(0..=5u8)? {
            0 => {
                let l = *self.u.choose(locals_of(ty))?;
                self.emit(I::LocalGet(l));
            }
            1 | 2 => self.constant(ty)?,
            3 => {
                self.leaf_no_tee(ty)?;
                let l = *self.u.choose(locals_of(ty))?;
                self.emit(I::LocalTee(l));
            }
            4 => self.emit(I::GlobalGet(global_of(ty))),
            _ => self.load(ty)?,
        }
        Ok(())
    }

    fn leaf_no_tee(&mut self, ty: ValType) -> arbitrary::Result<()> {
        if self.u.arbitrary()? { self.constant(ty) } else { self.load(ty) }
    }

    /// A special constant: edge values, shift amounts up to and past the
    /// width, powers of two.
    fn constant(&mut self, ty: ValType) -> arbitrary::Result<()> {
        let i = match ty {
            ValType::I32 => I::I32Const(self.int_const(32)? as i32),
            ValType::I64 => I::I64Const(self.int_const(64)? as i64),
            ValType::F32 => I::F32Const(Ieee32::new(*self.u.choose(F32_EDGES)?)),
            ValType::F64 => I::F64Const(Ieee64::new(*self.u.choose(F64_EDGES)?)),
            _ => I::V128Const(crate::values::arbitrary_v128(self.u)? as i128),
        };
        self.emit(i);
        Ok(())
    }

    fn int_const(&mut self, bits: u32) -> arbitrary::Result<u64> {
        Ok(match self.u.int_in_range(0..=3u8)? {
            0 if bits == 32 => u64::from(*self.u.choose(I32_EDGES)?),
            0 => *self.u.choose(I64_EDGES)?,
            1 => u64::from(self.u.int_in_range(0..=bits + 2)?),
            2 => 1u64 << self.u.int_in_range(0..=bits - 1)?,
            _ => addresses::draw(self.u, &self.mem, 0)?,
        })
    }

    /// Pushes an address for an access of `width` bytes and returns its
    /// memarg: a constant edge address, the address parameter, or an
    /// address computed by an add or a shift-and-add, with an offset of
    /// 0, a few bytes, or most of the memory.
    fn address_offset(&mut self, width: u64) -> arbitrary::Result<u64> {
        Ok(match self.u.int_in_range(0..=3u8)? {
            0 | 1 => 0,
            2 => u64::from(self.u.int_in_range(1..=16u8)?),
            _ => self.mem.initial.saturating_sub(width + u64::from(self.u.int_in_range(0..=16u8)?)),
        })
    }

    fn address(&mut self, width: u64) -> arbitrary::Result<MemArg> {
        let offset = self.address_offset(width)?;
        match self.u.int_in_range(0..=4u8)? {
            0 => {
                let a = addresses::draw(self.u, &self.mem, offset)?;
                self.emit(I::I32Const(a as u32 as i32));
            }
            1 => self.emit(I::LocalGet(0)),
            2 => {
                self.shapes.push(Shape::FoldedAddress);
                self.emit(I::LocalGet(0));
                let k = if self.u.arbitrary()? {
                    u64::from(self.u.int_in_range(0..=16u8)?)
                } else {
                    addresses::draw(self.u, &self.mem, offset)?
                };
                self.emit(I::I32Const(k as u32 as i32));
                self.emit(I::I32Add);
            }
            3 => {
                self.shapes.push(Shape::ShiftedAddress);
                if self.u.arbitrary()? {
                    self.emit(I::LocalGet(0));
                } else {
                    let a = addresses::draw(self.u, &self.mem, offset)?;
                    self.emit(I::I32Const(a as u32 as i32));
                }
                let index = *self.u.choose(&[1, 5])?;
                self.emit(I::LocalGet(index));
                let k = self.u.int_in_range(0..=3)?;
                self.emit(I::I32Const(k));
                self.emit(I::I32Shl);
                self.emit(I::I32Add);
            }
            _ => {
                self.leaf(ValType::I32)?;
            }
        }
        let align = if self.u.arbitrary()? { width.trailing_zeros() } else { 0 };
        Ok(MemArg { offset, align, memory_index: 0 })
    }

    fn load(&mut self, ty: ValType) -> arbitrary::Result<()> {
        let (make, width) = *self.u.choose(loads_of(ty))?;
        let memarg = self.address(width)?;
        self.emit(make(memarg));
        Ok(())
    }

    /// A full-width scalar load of `ty` (the form sunk into operations).
    fn full_load(&mut self, ty: ValType) -> arbitrary::Result<()> {
        let (make, width) = loads_of(ty)[0];
        let memarg = self.address(width)?;
        self.emit(make(memarg));
        Ok(())
    }

    /// A shape producing `ty`, its operands at most `depth` deep.
    fn shape(&mut self, ty: ValType, depth: u32) -> arbitrary::Result<()> {
        let candidates: Vec<Shape> = Shape::ALL.iter().copied().filter(|s| applies(*s, ty, self.simd)).collect();
        let shape = *self.u.choose(&candidates)?;
        self.shapes.push(shape);
        match shape {
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
            Shape::ShiftedAddress | Shape::FoldedAddress | Shape::StoreOp | Shape::Grow => {
                // Addresses and statements, not expressions: never chosen here.
                debug_assert!(false, "{shape:?} is no expression shape");
                self.leaf(ty)?;
            }
        }
        Ok(())
    }

    /// A shift amount: the constant `k`, or an expression.
    fn shift_amount(&mut self, is32: bool, k: u32, depth: u32) -> arbitrary::Result<()> {
        if self.u.ratio(2, 3)? {
            self.emit(if is32 { I::I32Const(k as i32) } else { I::I64Const(i64::from(k)) });
            Ok(())
        } else {
            self.expr(if is32 { ValType::I32 } else { ValType::I64 }, depth)
        }
    }

    /// A comparison of two expressions of a scalar type, leaving an i32.
    fn compare(&mut self, depth: u32) -> arbitrary::Result<()> {
        let t = self.scalar_type()?;
        self.expr(t, depth)?;
        self.expr(t, depth)?;
        self.pick(comparisons(t))
    }

    /// A shuffle mask: identity, broadcast, interleave, byte rotation,
    /// pshufd-like, or raw lanes.
    fn shuffle_mask(&mut self) -> arbitrary::Result<[u8; 16]> {
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

    /// Data at the start and at the end of the initial memory: edge values
    /// of every type, signalling NaNs included.
    fn data(&mut self) -> arbitrary::Result<Vec<(u64, Vec<u8>)>> {
        let mut chunks = Vec::new();
        for at in [0, self.mem.initial - 32] {
            let mut bytes = Vec::with_capacity(32);
            while bytes.len() < 32 {
                match self.u.int_in_range(0..=4u8)? {
                    // Signalling NaNs as f64 and as f32 pairs: only a
                    // signalling NaN shows whether an operation quiets it.
                    4 => bytes.extend(
                        self.u
                            .choose(&[0x7ff0_0000_0000_0001u64, 0xfff4_0000_0000_0000, 0x7f80_0001_ffa0_0000])?
                            .to_le_bytes(),
                    ),
                    0 => bytes.extend(self.u.choose(F64_EDGES)?.to_le_bytes()),
                    1 => bytes.extend(self.u.choose(F32_EDGES)?.to_le_bytes()),
                    2 => bytes.extend(self.u.choose(I32_EDGES)?.to_le_bytes()),
                    _ => bytes.extend(self.u.choose(I64_EDGES)?.to_le_bytes()),
                }
            }
            bytes.truncate(32);
            chunks.push((at, bytes));
        }
        Ok(chunks)
    }

    fn global_inits(&mut self) -> arbitrary::Result<Vec<(ValType, ConstExpr)>> {
        let mut g = vec![
            (ValType::I32, ConstExpr::i32_const(*self.u.choose(I32_EDGES)? as i32)),
            (ValType::I64, ConstExpr::i64_const(*self.u.choose(I64_EDGES)? as i64)),
            (ValType::F32, ConstExpr::f32_const(Ieee32::new(*self.u.choose(F32_EDGES)?))),
            (ValType::F64, ConstExpr::f64_const(Ieee64::new(*self.u.choose(F64_EDGES)?))),
        ];
        if self.simd {
            g.push((ValType::V128, ConstExpr::v128_const(crate::values::arbitrary_v128(self.u)? as i128)));
        }
        Ok(g)
    }
}

/// A placeholder memarg, replaced by [`with_memarg`].
const MA: MemArg = MemArg { offset: 0, align: 0, memory_index: 0 };

fn with_memarg(store: I<'static>, memarg: MemArg) -> I<'static> {
    match store {
        I::I32Store(_) => I::I32Store(memarg),
        I::I32Store8(_) => I::I32Store8(memarg),
        I::I32Store16(_) => I::I32Store16(memarg),
        I::I64Store(_) => I::I64Store(memarg),
        I::I64Store32(_) => I::I64Store32(memarg),
        I::I64Store8(_) => I::I64Store8(memarg),
        I::F32Store(_) => I::F32Store(memarg),
        I::F64Store(_) => I::F64Store(memarg),
        _ => I::V128Store(memarg),
    }
}

/// Whether `shape` can produce a value of `ty` as an expression.
fn applies(shape: Shape, ty: ValType, simd: bool) -> bool {
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
        Shape::ExtendOp | Shape::WideMul => ty == I64,
        Shape::FloatMinMaxSelect | Shape::CopysignConst => float,
        Shape::ShiftedAddress | Shape::FoldedAddress | Shape::StoreOp | Shape::Grow => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(seed: u32, n: usize) -> Vec<u8> {
        (0..n as u32).map(|i| (i.wrapping_add(seed).wrapping_mul(2654435761) >> 11) as u8).collect()
    }

    #[test]
    fn modules_validate_and_cover_every_shape() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..400 {
            let data = bytes(seed, 2048);
            let g = module(&mut Unstructured::new(&data)).unwrap();
            wasmparser::Validator::new().validate_all(&g.wasm).unwrap_or_else(|e| {
                panic!("seed {seed}: {e}\n{}", wasmprinter::print_bytes(&g.wasm).unwrap_or_default())
            });
            seen.extend(g.shapes);
        }
        let missing: Vec<_> = Shape::ALL.iter().filter(|s| !seen.contains(s)).collect();
        assert!(missing.is_empty(), "never generated: {missing:?}");
    }

    #[test]
    fn same_bytes_same_module() {
        let data = bytes(7, 1024);
        let a = module(&mut Unstructured::new(&data)).unwrap().wasm;
        let b = module(&mut Unstructured::new(&data)).unwrap().wasm;
        assert_eq!(a, b);
    }
}
