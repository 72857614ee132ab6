//! Planted miscompiles: rewrites of a module that make an engine behave
//! like a compiler with a lowering bug, only where a catalog shape occurs
//! (a load feeding an operation, a folded address, a shift feeding an
//! `or`, a rounding of a load, an unsigned compare feeding a branch, a
//! vector lane loaded from memory, a 64-bit memory's load, a narrow
//! atomic access, a 64-bit table's `table.get` or `call_indirect`, a
//! 64-bit memory's `memory.grow`).
//! The faulty engine compiles the rewritten module; everywhere else the
//! code is unchanged. The body rewriter (`rewrite_code`) also serves the
//! GC and exception faults ([`super::gc_faults`]) and the per-instruction
//! rewrites ([`super::instruction_faults`]).

use crate::patterns::detect::{is_full_scalar_load, is_rounding, is_scalar_binary, is_unsigned_compare};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{CodeSection, Function, Instruction as I, MemArg, ValType};
use wasmparser::{Operator as O, Parser, Payload};

/// One lowering bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Miscompile {
    /// A full-width scalar load feeding a binary operation reads 16 bytes
    /// (so it traps within 16 bytes of the end of memory).
    WideLoad,
    /// A load whose address is an `i32.add` folds its offset into the
    /// 32-bit add: the index loses its zero-extension (the sum wraps).
    IndexNoZeroExtend,
    /// A `shr_u` feeding an `or` (the rotate / double-shift form) does not
    /// mask its amount: amounts of the width or more give 0.
    ShiftOrUnmasked,
    /// A rounding instruction fed by a load returns a NaN operand as it
    /// is (a signalling NaN stays signalling).
    RoundingKeepsSnan,
    /// An unsigned comparison feeding `br_if`/`if` uses the signed condition.
    UnsignedBranchSigned,
    /// `v128.loadN_lane k` puts the loaded value in lane `k + 1` (mod the
    /// lane count): an `insertlane` whose lane immediate is off by one.
    LoadLaneWrongLane,
    /// A 64-bit memory's load adds its offset to the address modulo 2^64:
    /// `base + offset` past 2^64 wraps to the start of memory instead of
    /// trapping (a bounds check of the wrapped sum).
    Offset64Wraps,
    /// A 64-bit memory's load uses the low 32 bits of its address: an
    /// address past 2^32 lands in memory instead of trapping.
    Index64Truncated,
    /// A narrow atomic access sign-extends the old value it returns
    /// (`i32.atomic.rmw8.add_u` gives -128 for a byte 0x80, not 128).
    AtomicNarrowSignExtends,
    /// A 64-bit table's `table.get` and `call_indirect` use the low 32
    /// bits of their index: an index past 2^32 lands in the table instead
    /// of trapping.
    TableIndex64Truncated,
    /// A 64-bit memory's `memory.grow` uses the low 32 bits of its delta:
    /// a delta past 2^48 pages, which must fail, grows by its low bits.
    Grow64DeltaTruncated,
}

/// What the rewriter knows of the module around a body.
pub(super) struct Context {
    /// Parameter types of each function (imports first).
    pub(super) func_params: Vec<Vec<ValType>>,
    /// Whether each memory is 64-bit.
    pub(super) memory64: Vec<bool>,
    /// Whether each table is 64-bit.
    pub(super) table64: Vec<bool>,
    /// Whether each table holds `externref`s.
    pub(super) table_extern: Vec<bool>,
    imported_funcs: usize,
}

/// `wasm` with `bug` planted; `None` when the module has no place for it
/// (or does not parse).
pub fn plant(wasm: &[u8], bug: Miscompile) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, prev, next, scratch| plant_at(bug, op, prev, next, &ctx, scratch))
}

/// `wasm` with the instructions `replace` replaces replaced, each where
/// the module still validates (a replacement may change a result's type):
/// all at once if that validates, else one by one in order, keeping each
/// that leaves the module valid. `None` when nothing is replaced, or the
/// module is invalid to begin with.
pub(super) fn rewrite_where_valid(
    wasm: &[u8],
    ctx: &Context,
    replace: impl Fn(&O<'_>, &mut Scratch) -> Option<Vec<I<'static>>>,
) -> Option<Vec<u8>> {
    // The module with the replacements `planted` picks (by their order in
    // the code), and how many places there are.
    let with = |planted: &dyn Fn(usize) -> bool| {
        let mut n = 0;
        let module = rewrite_code(wasm, ctx, |op, _, _, scratch| {
            let replaced = replace(op, scratch)?;
            n += 1;
            planted(n - 1).then_some(replaced)
        });
        (module, n)
    };
    let valid =
        |m: &[u8]| wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(m).is_ok();
    let (all, places) = with(&|_| true);
    let all = all?;
    if valid(&all) {
        return Some(all);
    }
    if !valid(wasm) {
        return None;
    }
    let mut kept = vec![false; places];
    for k in 0..places {
        kept[k] = true;
        let (trial, _) = with(&|i| kept[i]);
        kept[k] = trial.is_some_and(|m| valid(&m));
    }
    with(&|i| kept[i]).0
}

/// `wasm` with every function body re-encoded instruction by instruction:
/// `at` is given each instruction with the ones before and after it, and
/// returns what replaces it (`None`: the instruction stays). `None` when
/// nothing was replaced, or the module does not parse.
pub(super) fn rewrite_code(
    wasm: &[u8],
    ctx: &Context,
    mut at: impl FnMut(&O<'_>, Option<&O<'_>>, Option<&O<'_>>, &mut Scratch) -> Option<Vec<I<'static>>>,
) -> Option<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    let mut code: Option<CodeSection> = None;
    let mut defined = 0usize;
    let mut changed = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        match payload {
            Payload::CodeSectionStart { .. } => code = Some(CodeSection::new()),
            Payload::CodeSectionEntry(body) => {
                let params = ctx.func_params.get(ctx.imported_funcs + defined)?;
                defined += 1;
                let (f, did) = rewrite_body(&body, params, &mut at)?;
                changed |= did;
                code.as_mut()?.function(&f);
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    if let Some(c) = code.take() {
                        module.section(&c);
                    }
                    module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
                }
            }
        }
    }
    if let Some(c) = code.take() {
        module.section(&c);
    }
    changed.then(|| module.finish())
}

pub(super) fn context(wasm: &[u8]) -> Option<Context> {
    let mut types: Vec<Vec<ValType>> = Vec::new();
    let mut ctx = Context {
        func_params: Vec::new(),
        memory64: Vec::new(),
        table64: Vec::new(),
        table_extern: Vec::new(),
        imported_funcs: 0,
    };
    let of_externs = |t: &wasmparser::TableType| t.element_type.heap_type() == wasmparser::HeapType::EXTERN;
    let mut r = RoundtripReencoder;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.ok()?.into_types() {
                        let params = match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => {
                                f.params().iter().map(|t| r.val_type(*t).ok()).collect::<Option<Vec<_>>>()?
                            }
                            _ => Vec::new(),
                        };
                        types.push(params);
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import.ok()?.ty {
                        wasmparser::TypeRef::Func(t) => {
                            ctx.func_params.push(types.get(t as usize)?.clone());
                            ctx.imported_funcs += 1;
                        }
                        wasmparser::TypeRef::Memory(m) => ctx.memory64.push(m.memory64),
                        wasmparser::TypeRef::Table(t) => {
                            ctx.table64.push(t.table64);
                            ctx.table_extern.push(of_externs(&t));
                        }
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    ctx.func_params.push(types.get(t.ok()? as usize)?.clone());
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    ctx.memory64.push(m.ok()?.memory64);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader {
                    let ty = t.ok()?.ty;
                    ctx.table64.push(ty.table64);
                    ctx.table_extern.push(of_externs(&ty));
                }
            }
            _ => {}
        }
    }
    Some(ctx)
}

/// Scratch locals appended to a body.
pub(super) struct Scratch {
    base: u32,
    types: Vec<ValType>,
}

impl Scratch {
    pub(super) fn local(&mut self, ty: ValType) -> u32 {
        self.types.push(ty);
        self.base + self.types.len() as u32 - 1
    }
}

fn rewrite_body(
    body: &wasmparser::FunctionBody<'_>,
    params: &[ValType],
    at: &mut impl FnMut(&O<'_>, Option<&O<'_>>, Option<&O<'_>>, &mut Scratch) -> Option<Vec<I<'static>>>,
) -> Option<(Function, bool)> {
    let mut r = RoundtripReencoder;
    let mut locals: Vec<(u32, ValType)> = Vec::new();
    let mut count = params.len() as u32;
    for l in body.get_locals_reader().ok()? {
        let (n, ty) = l.ok()?;
        locals.push((n, r.val_type(ty).ok()?));
        count = count.checked_add(n)?;
    }
    let mut ops = Vec::new();
    let mut reader = body.get_operators_reader().ok()?;
    while !reader.eof() {
        ops.push(reader.read().ok()?);
    }
    let mut scratch = Scratch { base: count, types: Vec::new() };
    let mut out: Vec<I<'_>> = Vec::with_capacity(ops.len());
    let mut changed = false;
    for (i, op) in ops.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| &ops[j]);
        let next = ops.get(i + 1);
        if let Some(replacement) = at(op, prev, next, &mut scratch) {
            out.extend(replacement);
            changed = true;
        } else {
            out.push(r.instruction(op.clone()).ok()?);
        }
    }
    locals.extend(scratch.types.iter().map(|t| (1, *t)));
    let mut f = Function::new(locals);
    for ins in &out {
        f.instruction(ins);
    }
    Some((f, changed))
}

/// The instructions that replace `op` when `bug` applies there.
fn plant_at(
    bug: Miscompile,
    op: &O<'_>,
    prev: Option<&O<'_>>,
    next: Option<&O<'_>>,
    ctx: &Context,
    scratch: &mut Scratch,
) -> Option<Vec<I<'static>>> {
    match bug {
        Miscompile::WideLoad if is_full_scalar_load(op) && next.is_some_and(is_scalar_binary) => {
            let m = crate::addresses::memarg(op)?;
            let addr = if *ctx.memory64.get(m.memory as usize)? { ValType::I64 } else { ValType::I32 };
            let t = scratch.local(addr);
            // Probe the 8 bytes at offset+8: the access now spans 16 bytes.
            let probe = MemArg { offset: m.offset.checked_add(8)?, align: 0, memory_index: m.memory };
            let orig = RoundtripReencoder.instruction(op.clone()).ok()?;
            Some(vec![I::LocalTee(t), I::I64Load(probe), I::Drop, I::LocalGet(t), to_static(orig)?])
        }
        Miscompile::IndexNoZeroExtend => {
            let m = crate::addresses::memarg(op)?;
            if !matches!(prev, Some(O::I32Add)) || m.offset == 0 || m.offset > u64::from(u32::MAX) {
                return None;
            }
            if !crate::patterns::detect::is_load(op) {
                return None;
            }
            let folded = MemArg { offset: 0, ..to_memarg(m)? };
            Some(vec![I::I32Const(m.offset as u32 as i32), I::I32Add, with_memarg(op, folded)?])
        }
        Miscompile::ShiftOrUnmasked if matches!(next, Some(O::I32Or | O::I64Or)) => {
            let (ty, width, lt, zero, shr) = match op {
                O::I32ShrU => (ValType::I32, I::I32Const(32), I::I32LtU, I::I32Const(0), I::I32ShrU),
                O::I64ShrU => (ValType::I64, I::I64Const(64), I::I64LtU, I::I64Const(0), I::I64ShrU),
                _ => return None,
            };
            let (a, x) = (scratch.local(ty), scratch.local(ty));
            Some(vec![
                I::LocalSet(a),
                I::LocalSet(x),
                I::LocalGet(x),
                I::LocalGet(a),
                shr,
                zero,
                I::LocalGet(a),
                width,
                lt,
                I::Select,
            ])
        }
        Miscompile::RoundingKeepsSnan if is_rounding(op) && prev.is_some_and(is_full_scalar_load) => {
            let (ty, ne) = match op {
                O::F32Ceil | O::F32Floor | O::F32Trunc | O::F32Nearest => (ValType::F32, I::F32Ne),
                _ => (ValType::F64, I::F64Ne),
            };
            let t = scratch.local(ty);
            let orig = to_static(RoundtripReencoder.instruction(op.clone()).ok()?)?;
            // NaN in: the operand itself, else the rounded value.
            Some(vec![
                I::LocalSet(t),
                I::LocalGet(t),
                I::LocalGet(t),
                orig,
                I::LocalGet(t),
                I::LocalGet(t),
                ne,
                I::Select,
            ])
        }
        Miscompile::UnsignedBranchSigned
            if is_unsigned_compare(op) && matches!(next, Some(O::BrIf { .. } | O::If { .. })) =>
        {
            Some(vec![match op {
                O::I32LtU => I::I32LtS,
                O::I32GtU => I::I32GtS,
                O::I32LeU => I::I32LeS,
                O::I32GeU => I::I32GeS,
                O::I64LtU => I::I64LtS,
                O::I64GtU => I::I64GtS,
                O::I64LeU => I::I64LeS,
                _ => I::I64GeS,
            }])
        }
        Miscompile::Offset64Wraps => {
            let m = memory64_load(op, ctx).filter(|m| m.offset != 0)?;
            let at_base = MemArg { offset: 0, ..to_memarg(m)? };
            Some(vec![I::I64Const(m.offset as i64), I::I64Add, with_memarg(op, at_base)?])
        }
        Miscompile::Index64Truncated => {
            let m = memory64_load(op, ctx)?;
            Some(vec![I::I32WrapI64, I::I64ExtendI32U, with_memarg(op, to_memarg(m)?)?])
        }
        Miscompile::AtomicNarrowSignExtends => {
            let (access, extend) = narrow_atomic(op)?;
            Some(vec![access, extend])
        }
        Miscompile::TableIndex64Truncated => {
            let (table, access) = match *op {
                O::TableGet { table } => (table, I::TableGet(table)),
                O::CallIndirect { type_index, table_index } => {
                    (table_index, I::CallIndirect { type_index, table_index })
                }
                O::ReturnCallIndirect { type_index, table_index } => {
                    (table_index, I::ReturnCallIndirect { type_index, table_index })
                }
                _ => return None,
            };
            ctx.table64.get(table as usize)?.then_some(vec![I::I32WrapI64, I::I64ExtendI32U, access])
        }
        Miscompile::Grow64DeltaTruncated => {
            let O::MemoryGrow { mem } = *op else { return None };
            ctx.memory64.get(mem as usize)?.then_some(vec![I::I32WrapI64, I::I64ExtendI32U, I::MemoryGrow(mem)])
        }
        Miscompile::LoadLaneWrongLane => {
            let (m, lane, lanes) = match *op {
                O::V128Load8Lane { memarg, lane } => (memarg, lane, 16),
                O::V128Load16Lane { memarg, lane } => (memarg, lane, 8),
                O::V128Load32Lane { memarg, lane } => (memarg, lane, 4),
                O::V128Load64Lane { memarg, lane } => (memarg, lane, 2),
                _ => return None,
            };
            let memarg = to_memarg(m)?;
            let lane = (lane + 1) % lanes;
            Some(vec![match lanes {
                16 => I::V128Load8Lane { memarg, lane },
                8 => I::V128Load16Lane { memarg, lane },
                4 => I::V128Load32Lane { memarg, lane },
                _ => I::V128Load64Lane { memarg, lane },
            }])
        }
        _ => None,
    }
}

/// Instructions without borrowed data (every one this module plants).
fn to_static(i: I<'_>) -> Option<I<'static>> {
    Some(match i {
        I::I32Load(m) => I::I32Load(m),
        I::I64Load(m) => I::I64Load(m),
        I::F32Load(m) => I::F32Load(m),
        I::F64Load(m) => I::F64Load(m),
        I::F32Ceil => I::F32Ceil,
        I::F32Floor => I::F32Floor,
        I::F32Trunc => I::F32Trunc,
        I::F32Nearest => I::F32Nearest,
        I::F64Ceil => I::F64Ceil,
        I::F64Floor => I::F64Floor,
        I::F64Trunc => I::F64Trunc,
        I::F64Nearest => I::F64Nearest,
        _ => return None,
    })
}

/// A narrow atomic access (an 8-, 16- or 32-bit atomic load,
/// read-modify-write or compare-exchange, which zero-extend the value they
/// return) rebuilt, and the sign extension of its width.
fn narrow_atomic(op: &O<'_>) -> Option<(I<'static>, I<'static>)> {
    macro_rules! narrow {
        ($($op:ident => $ext:ident),* $(,)?) => {
            match *op {
                $(O::$op { memarg } => Some((I::$op(to_memarg(memarg)?), I::$ext)),)*
                _ => None,
            }
        };
    }
    narrow!(
        I32AtomicLoad8U => I32Extend8S,
        I32AtomicLoad16U => I32Extend16S,
        I64AtomicLoad8U => I64Extend8S,
        I64AtomicLoad16U => I64Extend16S,
        I64AtomicLoad32U => I64Extend32S,
        I32AtomicRmw8AddU => I32Extend8S,
        I32AtomicRmw16AddU => I32Extend16S,
        I32AtomicRmw8SubU => I32Extend8S,
        I32AtomicRmw16SubU => I32Extend16S,
        I32AtomicRmw8AndU => I32Extend8S,
        I32AtomicRmw16AndU => I32Extend16S,
        I32AtomicRmw8OrU => I32Extend8S,
        I32AtomicRmw16OrU => I32Extend16S,
        I32AtomicRmw8XorU => I32Extend8S,
        I32AtomicRmw16XorU => I32Extend16S,
        I32AtomicRmw8XchgU => I32Extend8S,
        I32AtomicRmw16XchgU => I32Extend16S,
        I32AtomicRmw8CmpxchgU => I32Extend8S,
        I32AtomicRmw16CmpxchgU => I32Extend16S,
        I64AtomicRmw8AddU => I64Extend8S,
        I64AtomicRmw16AddU => I64Extend16S,
        I64AtomicRmw32AddU => I64Extend32S,
        I64AtomicRmw8SubU => I64Extend8S,
        I64AtomicRmw16SubU => I64Extend16S,
        I64AtomicRmw32SubU => I64Extend32S,
        I64AtomicRmw8AndU => I64Extend8S,
        I64AtomicRmw16AndU => I64Extend16S,
        I64AtomicRmw32AndU => I64Extend32S,
        I64AtomicRmw8OrU => I64Extend8S,
        I64AtomicRmw16OrU => I64Extend16S,
        I64AtomicRmw32OrU => I64Extend32S,
        I64AtomicRmw8XorU => I64Extend8S,
        I64AtomicRmw16XorU => I64Extend16S,
        I64AtomicRmw32XorU => I64Extend32S,
        I64AtomicRmw8XchgU => I64Extend8S,
        I64AtomicRmw16XchgU => I64Extend16S,
        I64AtomicRmw32XchgU => I64Extend32S,
        I64AtomicRmw8CmpxchgU => I64Extend8S,
        I64AtomicRmw16CmpxchgU => I64Extend16S,
        I64AtomicRmw32CmpxchgU => I64Extend32S,
    )
}

/// The memarg of `op` when it is a load from a 64-bit memory.
fn memory64_load(op: &O<'_>, ctx: &Context) -> Option<wasmparser::MemArg> {
    let m = crate::addresses::memarg(op)?;
    (*ctx.memory64.get(m.memory as usize)? && crate::patterns::detect::is_load(op)).then_some(m)
}

/// A parsed memarg as wasm-encoder's.
fn to_memarg(m: wasmparser::MemArg) -> Option<MemArg> {
    RoundtripReencoder.mem_arg(m).ok()
}

/// The load `op` with another memarg.
fn with_memarg(op: &O<'_>, m: MemArg) -> Option<I<'static>> {
    Some(match op {
        O::I32Load { .. } => I::I32Load(m),
        O::I64Load { .. } => I::I64Load(m),
        O::F32Load { .. } => I::F32Load(m),
        O::F64Load { .. } => I::F64Load(m),
        O::I32Load8S { .. } => I::I32Load8S(m),
        O::I32Load8U { .. } => I::I32Load8U(m),
        O::I32Load16S { .. } => I::I32Load16S(m),
        O::I32Load16U { .. } => I::I32Load16U(m),
        O::I64Load8S { .. } => I::I64Load8S(m),
        O::I64Load8U { .. } => I::I64Load8U(m),
        O::I64Load16S { .. } => I::I64Load16S(m),
        O::I64Load16U { .. } => I::I64Load16U(m),
        O::I64Load32S { .. } => I::I64Load32S(m),
        O::I64Load32U { .. } => I::I64Load32U(m),
        O::V128Load { .. } => I::V128Load(m),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planted(text: &str, bug: Miscompile) -> Option<Vec<u8>> {
        let wasm = wat::parse_str(text).unwrap();
        let out = plant(&wasm, bug)?;
        wasmparser::Validator::new().validate_all(&out).unwrap();
        Some(out)
    }

    #[test]
    fn each_bug_applies_only_to_its_shape() {
        let m = r#"(module (memory 1)
            (func (export "f") (param i32 i64 f64) (result i64)
              (i64.add (local.get 1) (i64.load offset=4 (i32.add (local.get 0) (i32.const 1)))))
            (func (export "g") (param i32 i32) (result i32)
              (i32.or (i32.shl (local.get 0) (local.get 1)) (i32.shr_u (local.get 0) (local.get 1))))
            (func (export "h") (param i32) (result f64) (f64.ceil (f64.load (local.get 0))))
            (func (export "k") (param i32) (result i32)
              (block (result i32) (br_if 0 (i32.const 1) (i32.lt_u (local.get 0) (i32.const 9))) drop (i32.const 2)))
            (func (export "v") (param i32 v128) (result v128) (v128.load16_lane 7 (local.get 0) (local.get 1))))"#;
        for bug in [
            Miscompile::WideLoad,
            Miscompile::IndexNoZeroExtend,
            Miscompile::ShiftOrUnmasked,
            Miscompile::RoundingKeepsSnan,
            Miscompile::UnsignedBranchSigned,
            Miscompile::LoadLaneWrongLane,
        ] {
            assert!(planted(m, bug).is_some(), "{bug:?} found no place");
        }
        let m64 = "(module (memory i64 1) (func (param i64) (result i32) (i32.load offset=7 (local.get 0))))";
        let text = wasmprinter::print_bytes(planted(m64, Miscompile::Offset64Wraps).unwrap()).unwrap();
        assert!(text.contains("i64.const 7") && text.contains("i64.add"), "the offset added in i64: {text}");
        let text = wasmprinter::print_bytes(planted(m64, Miscompile::Index64Truncated).unwrap()).unwrap();
        assert!(text.contains("i32.wrap_i64") && text.contains("i32.load offset=7"), "the address cut: {text}");
        let text = wasmprinter::print_bytes(planted(m, Miscompile::LoadLaneWrongLane).unwrap()).unwrap();
        assert!(text.contains("v128.load16_lane 0"), "lane 7 of 8 becomes lane 0: {text}");
        let plain = "(module (memory 1) (func (param i32) (result i32) (i32.load (local.get 0))))";
        for bug in [
            Miscompile::WideLoad,
            Miscompile::IndexNoZeroExtend,
            Miscompile::RoundingKeepsSnan,
            Miscompile::LoadLaneWrongLane,
            Miscompile::Offset64Wraps,
        ] {
            assert!(planted(plain, bug).is_none(), "{bug:?} applied without its shape");
        }
        let atomic = "(module (memory 1) (func (param i32 i32) (result i32) (i32.atomic.rmw16.or_u (local.get 0) (local.get 1))))";
        let text = wasmprinter::print_bytes(planted(atomic, Miscompile::AtomicNarrowSignExtends).unwrap()).unwrap();
        assert!(text.contains("i32.atomic.rmw16.or_u") && text.contains("i32.extend16_s"), "{text}");
        let wide =
            "(module (memory 1) (func (param i32 i64) (result i64) (i64.atomic.rmw.or (local.get 0) (local.get 1))))";
        assert!(planted(wide, Miscompile::AtomicNarrowSignExtends).is_none(), "a full-width access has no extension");
        // A 32-bit memory's offset is never wrapped: its sum cannot pass 2^64.
        let m32 = "(module (memory 1) (func (param i32) (result i32) (i32.load offset=7 (local.get 0))))";
        assert!(planted(m32, Miscompile::Offset64Wraps).is_none());
        assert!(planted(m32, Miscompile::Index64Truncated).is_none());
        let grow64 = "(module (memory i64 1) (func (param i64) (result i64) (memory.grow (local.get 0))))";
        let text = wasmprinter::print_bytes(planted(grow64, Miscompile::Grow64DeltaTruncated).unwrap()).unwrap();
        assert!(text.contains("i32.wrap_i64") && text.contains("memory.grow"), "the delta cut: {text}");
        let grow32 = "(module (memory 1) (func (param i32) (result i32) (memory.grow (local.get 0))))";
        assert!(planted(grow32, Miscompile::Grow64DeltaTruncated).is_none(), "a 32-bit delta has no high bits");
    }
}
