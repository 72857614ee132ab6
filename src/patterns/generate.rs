//! Builds a `patterns` module from fuzz bytes: a few exported functions,
//! each an expression tree of catalog shapes ([`Shape`]) a few levels deep,
//! with operands from every source (parameters, special constants, locals,
//! `local.tee`, globals, loads of every width, sign and offset at edge
//! addresses, other shapes). No loops, and no calls but indirect ones to
//! small leaf functions through the module's table: every function
//! terminates by construction.

use super::shapes::Shape;
use super::vocabulary::{I32_ATOMIC_STORES, I64_ATOMIC_STORES, MA, binops, loads_of, with_memarg};
use crate::addresses::{self, PAGE};
use crate::module_info::MemoryInfo;
use crate::values::{F32_EDGES, F64_EDGES, I32_EDGES, I64_EDGES};
use arbitrary::Unstructured;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ElementSection, Elements, ExportKind, ExportSection, Function,
    FunctionSection, GlobalSection, GlobalType, HeapType, Ieee32, Ieee64, Instruction as I, MemArg, MemorySection,
    MemoryType, Module, RefType, TableSection, TableType, TypeSection, ValType,
};

/// Largest memory a `patterns` module declares, in pages (the differential
/// target's maximum).
pub const MAX_PAGES: u64 = crate::case::MAX_MEMORY_BYTES / PAGE;

/// How deep shapes nest.
const MAX_DEPTH: u32 = 3;

/// Parameters of every function: an address, then one of each scalar type
/// (a 64-bit memory's address is the `i64`, [`Gen::address_param`]).
const PARAMS: [ValType; 5] = [ValType::I32, ValType::I32, ValType::I64, ValType::F32, ValType::F64];

/// Elements of a module's table.
pub const TABLE_ELEMENTS: u32 = 8;

/// The module's `funcref` table ([`Shape::Indirect`]), when it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// 64-bit (table64): indices are `i64`s.
    pub table64: bool,
    /// The type `call_indirect` calls with: `(func (param i32) (result
    /// i32))`, the type of every callee but one.
    pub callee_type: u32,
}

/// The table's callees, after the exported functions: `x + 1`, `x * 3`,
/// `x ^ -1`, `x rotl 13` of type `$callee`, and one of another type
/// (`(func (param i32) (result i64))`), which `call_indirect` must refuse.
const CALLEES: [&[I<'static>]; 5] = [
    &[I::LocalGet(0), I::I32Const(1), I::I32Add],
    &[I::LocalGet(0), I::I32Const(3), I::I32Mul],
    &[I::LocalGet(0), I::I32Const(-1), I::I32Xor],
    &[I::LocalGet(0), I::I32Const(13), I::I32Rotl],
    &[I::LocalGet(0), I::I64ExtendI32S],
];

/// The table's elements, by callee (`None`: null): every callee, the one
/// of the other type at 2, nulls at 5 and 7.
const ELEMENTS: [Option<u32>; TABLE_ELEMENTS as usize] =
    [Some(0), Some(1), Some(4), Some(2), Some(3), None, Some(0), None];

/// A generated module and the shapes it contains.
#[derive(Clone, Debug)]
pub struct Generated {
    pub wasm: Vec<u8>,
    pub shapes: Vec<Shape>,
    pub simd: bool,
    /// Whether the module may use wide arithmetic (`i64.add128`, ...).
    pub wide_arithmetic: bool,
    /// Whether its memory is 64-bit (addresses and offsets are `i64`).
    pub memory64: bool,
    /// Whether the module may use atomics (the threads proposal).
    pub threads: bool,
    /// Whether its memory is shared (only with threads).
    pub shared: bool,
    /// Its table, if it has one.
    pub table: Option<TableInfo>,
}

/// The module `u` stands for.
pub fn module(u: &mut Unstructured<'_>) -> arbitrary::Result<Generated> {
    let simd = u.ratio(3, 4)?;
    // One module in four: V8 has no wide arithmetic and sits out a module
    // that uses it.
    let wide_arithmetic = u.ratio(1, 4)?;
    // One module in four: a 64-bit memory, whose bounds checks compilers
    // cannot leave to a guard region alone, and whose `base + offset` can
    // pass 2^64 (a trap, not a wrap).
    let memory64 = u.ratio(1, 4)?;
    // One module in four: atomics (Pulley and wasmi have none and sit out
    // a module that uses them).
    let threads = u.ratio(1, 4)?;
    // Half of those: a shared memory, which Wasmtime allocates and
    // bounds-checks its own way (it never moves) and V8 backs with a
    // `SharedArrayBuffer`; only there does `memory.atomic.wait` return
    // instead of trapping.
    let shared = threads && u.ratio(1, 2)?;
    let nfuncs = u.int_in_range(1..=3u32)?;
    // One module in three: a table of small functions that indirect calls
    // go through, 64-bit one time in three.
    let table = if u.ratio(1, 3)? { Some(TableInfo { table64: u.ratio(1, 3)?, callee_type: nfuncs }) } else { None };
    let pages = if u.arbitrary()? { 1 } else { MAX_PAGES };
    let maximum = if pages == MAX_PAGES || u.arbitrary()? { MAX_PAGES } else { pages + 1 };
    let mem = MemoryInfo { initial: pages * PAGE, maximum: Some(maximum * PAGE), memory64 };
    let mut g = Gen { u, mem, simd, wide_arithmetic, threads, shared, table, shapes: Vec::new(), out: Vec::new() };
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
    // The callees' types (`nfuncs`, `nfuncs + 1`), with or without a table.
    types.ty().function([ValType::I32], [ValType::I32]);
    types.ty().function([ValType::I32], [ValType::I64]);
    module.section(&types);
    let mut funcs = FunctionSection::new();
    for i in 0..nfuncs {
        funcs.function(i);
    }
    if table.is_some() {
        for c in 0..CALLEES.len() as u32 {
            funcs.function(nfuncs + u32::from(c == 4));
        }
    }
    module.section(&funcs);
    if let Some(t) = table {
        let mut tables = TableSection::new();
        let size = u64::from(TABLE_ELEMENTS);
        tables.table(TableType {
            element_type: RefType::FUNCREF,
            table64: t.table64,
            minimum: size,
            maximum: Some(size),
            shared: false,
        });
        module.section(&tables);
    }
    let mut memories = MemorySection::new();
    memories.memory(MemoryType { minimum: pages, maximum: Some(maximum), memory64, shared, page_size_log2: None });
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
    if table.is_some() {
        exports.export("tab", ExportKind::Table, 0);
    }
    for i in 0..globals.len() as u32 {
        exports.export(&format!("g{i}"), ExportKind::Global, i);
    }
    module.section(&exports);
    if let Some(t) = table {
        let elements: Vec<ConstExpr> = ELEMENTS
            .iter()
            .map(|e| match e {
                Some(c) => ConstExpr::ref_func(nfuncs + c),
                None => ConstExpr::ref_null(HeapType::FUNC),
            })
            .collect();
        let at = if t.table64 { ConstExpr::i64_const(0) } else { ConstExpr::i32_const(0) };
        let mut section = ElementSection::new();
        section.active(Some(0), &at, Elements::Expressions(RefType::FUNCREF, elements.into()));
        module.section(&section);
    }
    let mut code = CodeSection::new();
    for body in &bodies {
        let mut f = Function::new_with_locals_types(LOCALS.iter().copied().filter(|t| simd || *t != ValType::V128));
        for ins in body {
            f.instruction(ins);
        }
        f.instruction(&I::End);
        code.function(&f);
    }
    if table.is_some() {
        for body in CALLEES {
            let mut f = Function::new([]);
            for ins in body {
                f.instruction(ins);
            }
            f.instruction(&I::End);
            code.function(&f);
        }
    }
    module.section(&code);
    let mut data_section = DataSection::new();
    for (offset, bytes) in data {
        let at = if memory64 { ConstExpr::i64_const(offset as i64) } else { ConstExpr::i32_const(offset as i32) };
        data_section.active(0, &at, bytes);
    }
    module.section(&data_section);
    Ok(Generated { wasm: module.finish(), shapes, simd, wide_arithmetic, memory64, threads, shared, table })
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

/// The state of one module's generation: the bytes, the memory, whether
/// SIMD and wide arithmetic are on, the shapes used so far, and the
/// current body.
pub(super) struct Gen<'u, 'a> {
    pub(super) u: &'u mut Unstructured<'a>,
    pub(super) mem: MemoryInfo,
    pub(super) simd: bool,
    pub(super) wide_arithmetic: bool,
    pub(super) threads: bool,
    pub(super) shared: bool,
    pub(super) table: Option<TableInfo>,
    pub(super) shapes: Vec<Shape>,
    pub(super) out: Vec<I<'static>>,
}

impl Gen<'_, '_> {
    pub(super) fn any_type(&mut self) -> arbitrary::Result<ValType> {
        let n = if self.simd { 5 } else { 4 };
        Ok([ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128][self.u.choose_index(n)?])
    }

    pub(super) fn scalar_type(&mut self) -> arbitrary::Result<ValType> {
        Ok(*self.u.choose(&[ValType::I32, ValType::I64, ValType::F32, ValType::F64])?)
    }

    pub(super) fn int_type(&mut self) -> arbitrary::Result<ValType> {
        Ok(if self.u.arbitrary()? { ValType::I32 } else { ValType::I64 })
    }

    /// The parameter that holds an address: the first for a 32-bit
    /// memory, the `i64` for a 64-bit one.
    pub(super) fn address_param(&self) -> u32 {
        if self.mem.memory64 { 2 } else { 0 }
    }

    /// The type of an address into the memory.
    pub(super) fn address_type(&self) -> ValType {
        if self.mem.memory64 { ValType::I64 } else { ValType::I32 }
    }

    /// An address constant (`a` cut to 32 bits for a 32-bit memory).
    pub(super) fn address_const(&mut self, a: u64) {
        self.emit(if self.mem.memory64 { I::I64Const(a as i64) } else { I::I32Const(a as u32 as i32) });
    }

    pub(super) fn emit(&mut self, i: I<'static>) {
        self.out.push(i);
    }

    pub(super) fn pick(&mut self, list: &[I<'static>]) -> arbitrary::Result<()> {
        let i = self.u.choose(list)?.clone();
        self.emit(i);
        Ok(())
    }

    /// Statements before a function's result: a `memory.grow` (that may
    /// have to fail), stores (atomic ones too with threads, and an
    /// `atomic.fence`), locals and globals set from expressions.
    pub(super) fn prefix(&mut self) -> arbitrary::Result<()> {
        if self.u.ratio(1, 4)? {
            self.shapes.push(Shape::Grow);
            // 0 or 1 page, or one time in four a delta every engine must
            // refuse (past 2^16 pages on a 32-bit memory, 2^48 on a
            // 64-bit one, with low 32 bits of 1: a delta cut to 32 bits
            // grows a page). The memory's final size shows either.
            let pages = match self.u.int_in_range(0..=3u8)? {
                0 => 0,
                1 | 2 => 1,
                _ if self.mem.memory64 => (1 << 48) | 1,
                _ => 0x1_0001,
            };
            self.address_const(pages);
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
                    if int && self.threads && self.u.ratio(1, 3)? {
                        // An atomic store of a drawn width.
                        self.shapes.push(Shape::Atomic);
                        let table = if ty == ValType::I32 { I32_ATOMIC_STORES } else { I64_ATOMIC_STORES };
                        let (make, width) = *self.u.choose(table)?;
                        let memarg = self.atomic_address(width)?;
                        self.expr(ty, 1)?;
                        self.emit(make(memarg));
                        if self.u.ratio(1, 4)? {
                            self.emit(I::AtomicFence);
                        }
                        continue;
                    }
                    if int && w >= 4 && self.u.arbitrary()? {
                        // Read-modify-write of one address: `add [mem], reg`.
                        let memarg = MemArg { offset: self.address_offset(w)?, align: 0, memory_index: 0 };
                        let is32 = ty == ValType::I32;
                        self.emit(I::LocalGet(self.address_param()));
                        self.emit(I::LocalGet(self.address_param()));
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
    pub(super) fn expr(&mut self, ty: ValType, depth: u32) -> arbitrary::Result<()> {
        if depth == 0 || self.u.ratio(1, 4)? {
            return self.leaf(ty);
        }
        self.shape(ty, depth - 1)
    }

    /// An operand: a parameter, a special constant, a local (or a
    /// `local.tee` of a smaller expression), a global, or a load.
    pub(super) fn leaf(&mut self, ty: ValType) -> arbitrary::Result<()> {
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

    pub(super) fn leaf_no_tee(&mut self, ty: ValType) -> arbitrary::Result<()> {
        if self.u.arbitrary()? { self.constant(ty) } else { self.load(ty) }
    }

    /// A special constant: edge values, shift amounts up to and past the
    /// width, powers of two.
    pub(super) fn constant(&mut self, ty: ValType) -> arbitrary::Result<()> {
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

    pub(super) fn int_const(&mut self, bits: u32) -> arbitrary::Result<u64> {
        Ok(match self.u.int_in_range(0..=3u8)? {
            0 if bits == 32 => u64::from(*self.u.choose(I32_EDGES)?),
            0 => *self.u.choose(I64_EDGES)?,
            1 => u64::from(self.u.int_in_range(0..=bits + 2)?),
            2 => 1u64 << self.u.int_in_range(0..=bits - 1)?,
            _ => addresses::draw(self.u, &self.mem, 0)?,
        })
    }

    /// The constant offset of an access of `width` bytes: 0, a few bytes,
    /// or most of the memory; for a 64-bit memory, half the time the last
    /// is an offset past 2^32 or near 2^63 or 2^64 instead, where no access
    /// is in bounds and, with an address drawn for it, `base + offset`
    /// passes 2^64 (a trap, never a wrap to the start of memory).
    pub(super) fn address_offset(&mut self, width: u64) -> arbitrary::Result<u64> {
        Ok(match self.u.int_in_range(0..=3u8)? {
            0 | 1 => 0,
            2 => u64::from(self.u.int_in_range(1..=16u8)?),
            _ if self.mem.memory64 && self.u.arbitrary()? => {
                let k = u64::from(self.u.int_in_range(0..=16u8)?);
                *self.u.choose(&[(1 << 32) + k, (1 << 63) + k, u64::MAX - k])?
            }
            _ => self.mem.initial.saturating_sub(width + u64::from(self.u.int_in_range(0..=16u8)?)),
        })
    }

    /// Pushes an address for an access of `width` bytes and returns its
    /// memarg: a constant edge address, the address parameter, or an
    /// address computed by an add or a shift-and-add (for a 64-bit memory,
    /// of an `i64` index or of an `i32` one zero-extended), with an offset
    /// from [`Gen::address_offset`].
    pub(super) fn address(&mut self, width: u64) -> arbitrary::Result<MemArg> {
        let offset = self.address_offset(width)?;
        let (add, shl) = if self.mem.memory64 { (I::I64Add, I::I64Shl) } else { (I::I32Add, I::I32Shl) };
        match self.u.int_in_range(0..=4u8)? {
            0 => {
                let a = addresses::draw(self.u, &self.mem, offset)?;
                self.address_const(a);
            }
            1 => self.emit(I::LocalGet(self.address_param())),
            2 => {
                self.shapes.push(Shape::FoldedAddress);
                self.emit(I::LocalGet(self.address_param()));
                let k = if self.u.arbitrary()? {
                    u64::from(self.u.int_in_range(0..=16u8)?)
                } else {
                    addresses::draw(self.u, &self.mem, offset)?
                };
                self.address_const(k);
                self.emit(add);
            }
            3 => {
                self.shapes.push(Shape::ShiftedAddress);
                if self.u.arbitrary()? {
                    self.emit(I::LocalGet(self.address_param()));
                } else {
                    let a = addresses::draw(self.u, &self.mem, offset)?;
                    self.address_const(a);
                }
                if self.mem.memory64 && self.u.arbitrary()? {
                    let index = *self.u.choose(&[2, 6])?;
                    self.emit(I::LocalGet(index));
                } else {
                    let index = *self.u.choose(&[1, 5])?;
                    self.emit(I::LocalGet(index));
                    if self.mem.memory64 {
                        // `(ishl (uextend x) k)`, which x64 may fold into a
                        // scaled index register; a 32-bit memory's
                        // `i32.shl` it must not (CVE-2023-26489).
                        self.emit(I::I64ExtendI32U);
                    }
                }
                let k = self.u.int_in_range(0..=3u8)?;
                self.address_const(u64::from(k));
                self.emit(shl);
                self.emit(add);
            }
            _ => {
                self.leaf(self.address_type())?;
            }
        }
        let align = if self.u.arbitrary()? { width.trailing_zeros() } else { 0 };
        Ok(MemArg { offset, align, memory_index: 0 })
    }

    /// [`Gen::address`] for an atomic access of `width` bytes (its memarg
    /// names the natural alignment, as atomics must): half the time the
    /// address and offset rounded down to a multiple of `width`, else as
    /// drawn (a misaligned atomic access traps).
    pub(super) fn atomic_address(&mut self, width: u64) -> arbitrary::Result<MemArg> {
        let mut memarg = self.address(width)?;
        memarg.align = width.trailing_zeros();
        if self.u.arbitrary()? {
            self.address_const(!(width - 1));
            self.emit(if self.mem.memory64 { I::I64And } else { I::I32And });
            memarg.offset &= !(width - 1);
        }
        Ok(memarg)
    }

    pub(super) fn load(&mut self, ty: ValType) -> arbitrary::Result<()> {
        let (make, width) = *self.u.choose(loads_of(ty))?;
        let memarg = self.address(width)?;
        self.emit(make(memarg));
        Ok(())
    }

    /// A full-width scalar load of `ty` (the form sunk into operations).
    pub(super) fn full_load(&mut self, ty: ValType) -> arbitrary::Result<()> {
        let (make, width) = loads_of(ty)[0];
        let memarg = self.address(width)?;
        self.emit(make(memarg));
        Ok(())
    }

    /// Data at the start and at the end of the initial memory: edge values
    /// of every type, signalling NaNs included.
    pub(super) fn data(&mut self) -> arbitrary::Result<Vec<(u64, Vec<u8>)>> {
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

    pub(super) fn global_inits(&mut self) -> arbitrary::Result<Vec<(ValType, ConstExpr)>> {
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

#[cfg(test)]
mod tests;
