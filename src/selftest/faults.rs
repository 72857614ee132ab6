//! Planted faults: an engine wrapper that corrupts exactly one kind of
//! observable, to prove the judge notices. A harness that misses one of
//! these would miss the real bug it stands for.

use super::gc_faults::GcBug;
use crate::module_info::ModuleInfo;
use crosscheck_oracles::{CallOutcome, Engine, Features, Instance, InstantiateError, TableState, TrapKind, Val};
use std::collections::HashMap;

/// One kind of corruption.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Flip the low bit of every i32 result.
    I32Result,
    /// Flip the sign bit of every i64 result.
    I64Result,
    /// Turn an f64 result of ±0.0 into ∓0.0.
    F64ZeroSign,
    /// Flip the low payload bit of every f32 NaN result.
    F32NanPayload,
    /// Flip one bit of lane 0 of every v128 result.
    V128Lane,
    /// Report a different kind for every trap.
    TrapKind,
    /// Return zeros where the call trapped.
    MissingTrap,
    /// Trap (`unreachable`) where the call returned.
    ExtraTrap,
    /// Flip one byte in the middle of every exported memory.
    MemoryByte,
    /// Flip the low bit of every exported global.
    Global,
    /// Report every exported table one element larger.
    TableSize,
    /// Flip the null-ness of element 0 of every exported table.
    TableNull,
    /// Trap during instantiation of a module that instantiates fine.
    InstantiationTrap,
    /// Flip the sign of every f32/f64 NaN result: visible only where the
    /// spec fixes the sign (`fneg`, `fabs`, `copysign`, moves), so only a
    /// judge with masks catches it without crying wolf elsewhere.
    NanSign,
    /// Make every canonical f32/f64 NaN result non-canonical: wrong where
    /// the spec requires a canonical NaN (all NaN inputs canonical).
    NonCanonicalNan,
    /// Compile `f32x4.relaxed_max` wherever the module says
    /// `f32x4.relaxed_min` (and `f64x2` likewise): lanes outside the set of
    /// results relaxed SIMD allows.
    RelaxedLane,
    /// Per-instruction: one wrong lane (lane 3, low bit) in every result of
    /// a module using `i16x8.q15mulr_sat_s`.
    Q15mulrLane,
    /// Per-instruction: `i8x16.shuffle` compiled with its first lane index
    /// off by one.
    ShuffleIndex,
    /// Per-instruction: `f32x4.neg` that leaves the sign of NaN lanes as it
    /// was (the spec requires the flip, bit-exact).
    F32x4NegNanSign,
    /// Per-instruction: `i31.get_s` compiled as `i31.get_u` (an i31 with
    /// bit 30 set read without its sign).
    I31GetSUnsigned,
    /// Per-instruction: a relaxed-SIMD instruction whose implementation
    /// choice alternates between calls (`R = 0`, then `R = 1`, ...): each
    /// result alone is allowed, the engine as a whole is not.
    RelaxedChoiceFlip,
    /// Flip the low bit of every i32 result, only when the engine runs at
    /// Cranelift's opt-level none (`opt=none` in its configuration): a
    /// fault that only one engine configuration shows, for triage.
    I32ResultAtOptNone,
    /// Planted miscompiles ([`super::miscompile`]): the module is rewritten
    /// where a catalog shape occurs, before the engine compiles it.
    WideLoad,
    IndexNoZeroExtend,
    ShiftOrUnmasked,
    RoundingKeepsSnan,
    UnsignedBranchSigned,
    /// Validation: refuse every valid module that contains a `br_table`
    /// (a validator rejecting what the spec accepts; `validate` target).
    RejectsValidBrTable,
    /// Validation: accept a module that does not validate, as an instance
    /// with nothing to call (a validator letting an invalid module through;
    /// `validate` target).
    AcceptsInvalid,
    /// A GC or exception-handling bug ([`super::gc_faults`]), planted by
    /// rewriting the module before the engine compiles it.
    Gc(GcBug),
    /// Abort the whole process on one module in 40 (chosen by the module's
    /// digest, so a replay crashes again): stands for an engine crash.
    Crash,
}

impl Fault {
    pub const ALL: &[Fault] = &[
        Fault::I32Result,
        Fault::I64Result,
        Fault::F64ZeroSign,
        Fault::F32NanPayload,
        Fault::V128Lane,
        Fault::TrapKind,
        Fault::MissingTrap,
        Fault::ExtraTrap,
        Fault::MemoryByte,
        Fault::Global,
        Fault::TableSize,
        Fault::TableNull,
        Fault::InstantiationTrap,
    ];

    /// Faults only a judge with masks can see (judged against the reference).
    pub const MASKED: &[Fault] = &[Fault::NanSign, Fault::NonCanonicalNan, Fault::RelaxedLane];

    /// Per-instruction faults, judged by the `single_inst` target and the
    /// sweep against the reference interpreter.
    pub const SINGLE_INST: &[Fault] = &[
        Fault::Q15mulrLane,
        Fault::ShuffleIndex,
        Fault::F32x4NegNanSign,
        Fault::RelaxedChoiceFlip,
        Fault::I31GetSUnsigned,
    ];

    /// Faults that show only under one engine configuration (triage's
    /// proof: found by a campaign, reproduced only with that configuration).
    pub const CONFIGURED: &[Fault] = &[Fault::I32ResultAtOptNone];

    /// Planted miscompiles, judged against the reference through each target.
    pub const MISCOMPILES: &[Fault] = &[
        Fault::WideLoad,
        Fault::IndexNoZeroExtend,
        Fault::ShiftOrUnmasked,
        Fault::RoundingKeepsSnan,
        Fault::UnsignedBranchSigned,
    ];

    /// Validator bugs, run through the `validate` target.
    pub const VALIDATION: &[Fault] = &[Fault::RejectsValidBrTable, Fault::AcceptsInvalid];

    /// The lowering bug a miscompile fault plants.
    pub fn miscompile(self) -> Option<super::miscompile::Miscompile> {
        use super::miscompile::Miscompile as M;
        Some(match self {
            Fault::WideLoad => M::WideLoad,
            Fault::IndexNoZeroExtend => M::IndexNoZeroExtend,
            Fault::ShiftOrUnmasked => M::ShiftOrUnmasked,
            Fault::RoundingKeepsSnan => M::RoundingKeepsSnan,
            Fault::UnsignedBranchSigned => M::UnsignedBranchSigned,
            _ => return None,
        })
    }

    /// GC and exception-handling bugs: need Cases with GC / exceptions.
    pub const GC: &[Fault] = &[
        Fault::Gc(GcBug::StructGetSUnsigned),
        Fault::Gc(GcBug::CastTooLenient),
        Fault::Gc(GcBug::ExceptionPayload),
        Fault::Gc(GcBug::ExceptionWrongHandler),
        Fault::Gc(GcBug::ArrayLenOffByOne),
    ];

    /// Faults that need a process of their own (not in [`Fault::ALL`]).
    pub const PROCESS: &[Fault] = &[Fault::Crash];

    /// Every fault, of every group.
    pub fn every() -> impl Iterator<Item = Fault> {
        Fault::ALL
            .iter()
            .chain(Fault::MASKED)
            .chain(Fault::SINGLE_INST)
            .chain(Fault::CONFIGURED)
            .chain(Fault::MISCOMPILES)
            .chain(Fault::VALIDATION)
            .chain(Fault::GC)
            .chain(Fault::PROCESS)
            .copied()
    }

    /// The name of every fault.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        Fault::every().map(|f| f.name())
    }

    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::every().find(|f| f.name() == name)
    }

    /// Cases this fault may take to be caught, given the base budget: the
    /// faults only masks can see need Cases whose NaNs or relaxed lanes
    /// reach an observable, which wasm-smith modules rarely do.
    pub fn budget(self, base: u64) -> u64 {
        match self {
            Fault::NanSign | Fault::NonCanonicalNan => base.saturating_mul(4),
            Fault::RelaxedLane => base.saturating_mul(16),
            // A throw must run with a numeric last payload value, which few
            // generated modules do.
            Fault::Gc(GcBug::ExceptionPayload) => base.saturating_mul(4),
            _ => base,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Fault::I32Result => "i32-result-bit",
            Fault::I64Result => "i64-result-sign",
            Fault::F64ZeroSign => "f64-zero-sign",
            Fault::F32NanPayload => "f32-nan-payload",
            Fault::V128Lane => "v128-lane-bit",
            Fault::TrapKind => "trap-kind",
            Fault::MissingTrap => "missing-trap",
            Fault::ExtraTrap => "extra-trap",
            Fault::MemoryByte => "memory-byte",
            Fault::Global => "global-bit",
            Fault::TableSize => "table-size",
            Fault::TableNull => "table-null",
            Fault::InstantiationTrap => "instantiation-trap",
            Fault::Crash => "crash",
            Fault::I32ResultAtOptNone => "i32-result-bit-at-opt-none",
            Fault::NanSign => "nan-sign",
            Fault::NonCanonicalNan => "non-canonical-nan",
            Fault::RelaxedLane => "relaxed-lane",
            Fault::Q15mulrLane => "q15mulr-lane",
            Fault::ShuffleIndex => "shuffle-index",
            Fault::F32x4NegNanSign => "f32x4-neg-nan-sign",
            Fault::RelaxedChoiceFlip => "relaxed-choice-flip",
            Fault::I31GetSUnsigned => "i31-get-s-unsigned",
            Fault::WideLoad => "wide-load",
            Fault::IndexNoZeroExtend => "index-no-zero-extend",
            Fault::ShiftOrUnmasked => "shift-or-unmasked",
            Fault::RoundingKeepsSnan => "rounding-keeps-snan",
            Fault::UnsignedBranchSigned => "unsigned-branch-signed",
            Fault::RejectsValidBrTable => "rejects-valid-br-table",
            Fault::AcceptsInvalid => "accepts-invalid",
            Fault::Gc(bug) => bug.name(),
        }
    }

    fn corrupt_val(self, v: Val) -> Val {
        match (self, v) {
            (Fault::I32Result, Val::I32(x)) => Val::I32(x ^ 1),
            (Fault::I64Result, Val::I64(x)) => Val::I64(x ^ (1 << 63)),
            (Fault::F64ZeroSign, Val::F64(b)) if b << 1 == 0 => Val::F64(b ^ (1 << 63)),
            (Fault::F32NanPayload, Val::F32(b)) if f32::from_bits(b).is_nan() => Val::F32(b ^ 1),
            (Fault::V128Lane, Val::V128(x)) => Val::V128(x ^ 1),
            (Fault::NanSign, Val::F32(b)) if f32::from_bits(b).is_nan() => Val::F32(b ^ (1 << 31)),
            (Fault::NanSign, Val::F64(b)) if f64::from_bits(b).is_nan() => Val::F64(b ^ (1 << 63)),
            (Fault::NonCanonicalNan, Val::F32(b)) if b & 0x7fff_ffff == 0x7fc0_0000 => Val::F32(b | 1),
            (Fault::NonCanonicalNan, Val::F64(b)) if b & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000 => {
                Val::F64(b | 1)
            }
            (_, v) => v,
        }
    }

    fn corrupt_outcome(self, outcome: CallOutcome, results: &[crosscheck_oracles::ValType]) -> CallOutcome {
        match (self, outcome) {
            (Fault::TrapKind, CallOutcome::Trapped(k)) => CallOutcome::Trapped(if k == TrapKind::Unreachable {
                TrapKind::IntegerDivideByZero
            } else {
                TrapKind::Unreachable
            }),
            (Fault::MissingTrap, CallOutcome::Trapped(_)) => {
                CallOutcome::Returned(results.iter().map(|t| Val::default_of(*t)).collect())
            }
            (Fault::ExtraTrap, CallOutcome::Returned(_)) => CallOutcome::Trapped(TrapKind::Unreachable),
            (f, CallOutcome::Returned(vals)) => {
                CallOutcome::Returned(vals.into_iter().map(|v| f.corrupt_val(v)).collect())
            }
            (_, o) => o,
        }
    }
}

/// An engine that runs `inner` and corrupts what it reports by `fault`.
pub struct Faulty {
    pub inner: Box<dyn Engine>,
    pub fault: Fault,
    name: String,
}

impl Faulty {
    pub fn new(inner: Box<dyn Engine>, fault: Fault) -> Faulty {
        let name = format!("{}+{}", inner.name(), fault.name());
        Faulty { inner, fault, name }
    }
}

impl Faulty {
    /// The fault as it acts under the inner engine's current configuration:
    /// [`Fault::I32ResultAtOptNone`] is [`Fault::I32Result`] at `opt=none`
    /// and does nothing otherwise.
    fn active_fault(&self) -> Fault {
        match self.fault {
            Fault::I32ResultAtOptNone if self.inner.config().split(',').any(|s| s == "opt=none") => Fault::I32Result,
            f => f,
        }
    }
}

/// A `.wast` session whose invocations return values corrupted by a
/// fault's value corruption (the faults on results only: enough to show a
/// regression script failing on a faulty engine).
struct FaultySession<'a> {
    inner: Box<dyn crosscheck_oracles::WastSession + 'a>,
    fault: Fault,
}

impl crosscheck_oracles::WastSession for FaultySession<'_> {
    fn compile(&mut self, wasm: &[u8]) -> Result<(), crosscheck_oracles::WastError> {
        self.inner.compile(wasm)
    }
    fn instantiate(&mut self, instance: &str, wasm: &[u8]) -> Result<(), crosscheck_oracles::WastError> {
        self.inner.instantiate(instance, wasm)
    }
    fn register(&mut self, as_name: &str, instance: &str) -> Result<(), crosscheck_oracles::WastError> {
        self.inner.register(as_name, instance)
    }
    fn invoke(
        &mut self,
        instance: &str,
        export: &str,
        args: &[crosscheck_oracles::WastVal],
    ) -> crosscheck_oracles::WastOutcome {
        use crosscheck_oracles::{WastOutcome, WastVal};
        match self.inner.invoke(instance, export, args) {
            WastOutcome::Returned(vals) => WastOutcome::Returned(
                vals.into_iter()
                    .map(|v| match v {
                        WastVal::ExternRef(_)
                        | WastVal::FuncRef { .. }
                        | WastVal::ExternAny(_)
                        | WastVal::AnyRef(_)
                        | WastVal::ExnRef { .. } => v,
                        v => WastVal::from(self.fault.corrupt_val(v.to_val())),
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    fn get(&mut self, instance: &str, global: &str) -> Option<crosscheck_oracles::WastVal> {
        self.inner.get(instance, global)
    }
}

impl Engine for Faulty {
    fn name(&self) -> &str {
        &self.name
    }
    fn version(&self) -> String {
        self.inner.version()
    }
    fn features(&self) -> Features {
        self.inner.features()
    }
    fn wast_features(&self) -> Features {
        self.inner.wast_features()
    }
    fn configure(&mut self, u: &mut arbitrary::Unstructured<'_>, features: Features) -> arbitrary::Result<()> {
        self.inner.configure(u, features)
    }
    fn config(&self) -> String {
        // The fault is in the name (`wasmtime+FAULT`).
        self.inner.config()
    }
    fn pin(&mut self, settings: &[crosscheck_oracles::Setting]) -> Result<(), crosscheck_oracles::ConfigError> {
        self.inner.pin(settings)
    }
    fn wast_session(&mut self) -> Option<Box<dyn crosscheck_oracles::WastSession + '_>> {
        let fault = self.active_fault();
        let inner = self.inner.wast_session()?;
        Some(Box::new(FaultySession { inner, fault }))
    }
    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        let results: HashMap<String, Vec<crosscheck_oracles::ValType>> = ModuleInfo::of(wasm)
            .map(|info| info.funcs.into_iter().map(|f| (f.name, f.results)).collect())
            .unwrap_or_default();
        let fault = self.active_fault();
        if fault == Fault::Crash && crosscheck_oracles::observation::digest(wasm).is_multiple_of(40) {
            eprintln!("crosscheck: planted crash fault fires");
            std::process::abort();
        }
        let swapped;
        let wasm = match fault {
            Fault::RelaxedLane => {
                swapped = relaxed_min_to_max(wasm);
                &swapped[..]
            }
            Fault::ShuffleIndex => {
                swapped = shuffle_index_off_by_one(wasm);
                &swapped[..]
            }
            Fault::I31GetSUnsigned => {
                swapped = i31_get_s_as_u(wasm);
                &swapped[..]
            }
            f => match f
                .miscompile()
                .and_then(|bug| super::miscompile::plant(wasm, bug))
                .or_else(|| super::gc_faults::plant_fault(wasm, f))
            {
                Some(planted) => {
                    swapped = planted;
                    &swapped[..]
                }
                None => wasm,
            },
        };
        match fault {
            Fault::RejectsValidBrTable if OpsSeen::of(wasm).br_table => {
                return Err(InstantiateError::Rejected("planted: br_table refused".into()));
            }
            Fault::AcceptsInvalid if self.inner.features().validate(wasm).is_err() => {
                return Ok(Box::new(Hollow));
            }
            _ => {}
        }
        let ops = OpsSeen::of(wasm);
        let inner = self.inner.instantiate(wasm)?;
        if fault == Fault::InstantiationTrap {
            return Err(InstantiateError::Trapped(TrapKind::Unreachable));
        }
        Ok(Box::new(FaultyInstance { inner, fault, results, ops, calls: 0 }))
    }
}

/// What [`Fault::AcceptsInvalid`] instantiates an invalid module as: an
/// instance with no exports.
struct Hollow;

impl Instance for Hollow {
    fn call(&mut self, export: &str, _: &[Val]) -> CallOutcome {
        CallOutcome::Failed(format!("no exported function {export:?}"))
    }
    fn global(&mut self, _: &str) -> Option<Val> {
        None
    }
    fn memory(&mut self, _: &str) -> Option<Vec<u8>> {
        None
    }
    fn table(&mut self, _: &str) -> Option<TableState> {
        None
    }
}

struct FaultyInstance<'a> {
    inner: Box<dyn Instance + 'a>,
    fault: Fault,
    results: HashMap<String, Vec<crosscheck_oracles::ValType>>,
    ops: OpsSeen,
    /// Calls made on this instance (the relaxed choice alternates by it).
    calls: u64,
}

/// What a module's code uses, for the per-instruction faults.
#[derive(Default)]
struct OpsSeen {
    q15mulr: bool,
    f32x4_neg: bool,
    br_table: bool,
    relaxed: Option<crosscheck_reference::simd::relaxed::RelaxedOp>,
}

impl OpsSeen {
    fn of(wasm: &[u8]) -> OpsSeen {
        use crosscheck_reference::compile::{instr::Instr, ops::translate_numeric};
        use wasmparser::Operator;
        let mut seen = OpsSeen::default();
        for_each_operator(wasm, |op, _| {
            match op {
                Operator::I16x8Q15MulrSatS => seen.q15mulr = true,
                Operator::F32x4Neg => seen.f32x4_neg = true,
                Operator::BrTable { .. } => seen.br_table = true,
                _ => {}
            }
            if let Some(Instr::Relaxed(r)) = translate_numeric(op) {
                seen.relaxed = Some(r);
            }
        });
        seen
    }
}

impl FaultyInstance<'_> {
    /// The per-instruction faults, on a v128 result of a call with `args`.
    fn corrupt_v128(&mut self, x: u128, args: &[Val]) -> u128 {
        match self.fault {
            Fault::Q15mulrLane if self.ops.q15mulr => x ^ 1 << 48,
            Fault::F32x4NegNanSign if self.ops.f32x4_neg => (0..4).fold(x, |acc, lane| {
                let l = (x >> (32 * lane)) as u32;
                if f32::from_bits(l).is_nan() { acc ^ 1u128 << (32 * lane + 31) } else { acc }
            }),
            Fault::RelaxedChoiceFlip => match self.ops.relaxed {
                Some(op) if args.len() == op.arity() => {
                    let v: Vec<u128> = args.iter().map(|a| a.bits()).chain([0, 0]).collect();
                    op.eval(v[0], v[1], v[2], (self.calls % 2) as usize)
                }
                _ => x,
            },
            _ => x,
        }
    }
}

impl Instance for FaultyInstance<'_> {
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome {
        let mut outcome = self.inner.call(export, args);
        self.calls += 1;
        if let CallOutcome::Returned(vals) = &mut outcome
            && let [Val::V128(x)] = vals.as_mut_slice()
        {
            *x = self.corrupt_v128(*x, args);
        }
        let results = self.results.get(export).map(|r| r.as_slice()).unwrap_or(&[]);
        self.fault.corrupt_outcome(outcome, results)
    }
    fn global(&mut self, name: &str) -> Option<Val> {
        let v = self.inner.global(name)?;
        Some(match self.fault {
            Fault::Global => Val::from_bits(v.ty(), v.bits() ^ 1),
            // The NaN faults corrupt every observable float.
            Fault::NanSign | Fault::NonCanonicalNan => self.fault.corrupt_val(v),
            _ => v,
        })
    }
    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let mut m = self.inner.memory(name)?;
        if self.fault == Fault::MemoryByte && !m.is_empty() {
            let mid = m.len() / 2;
            m[mid] ^= 0x20;
        }
        Some(m)
    }
    fn table(&mut self, name: &str) -> Option<TableState> {
        let mut t = self.inner.table(name)?;
        match self.fault {
            Fault::TableSize => {
                t.size += 1;
                t.null.push(true);
            }
            Fault::TableNull if !t.null.is_empty() => t.null[0] = !t.null[0],
            _ => {}
        }
        Some(t)
    }
}

/// Calls `f` with every operator of every function body and its offset in
/// the module (a body that does not decode is passed over).
fn for_each_operator(wasm: &[u8], mut f: impl FnMut(&wasmparser::Operator, usize)) {
    use wasmparser::{Parser, Payload};
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let Ok(mut reader) = body.get_operators_reader() else { continue };
        while !reader.eof() {
            let Ok((op, offset)) = reader.read_with_offset() else { break };
            f(&op, offset);
        }
    }
}

/// The module with the first lane index of every `i8x16.shuffle` moved on
/// by one (mod 32). The opcode is `0xfd 0x0d`, then the 16 lane bytes.
fn shuffle_index_off_by_one(wasm: &[u8]) -> Vec<u8> {
    let mut out = wasm.to_vec();
    for_each_operator(wasm, |op, offset| {
        if let wasmparser::Operator::I8x16Shuffle { lanes } = op
            && out.get(offset + 1) == Some(&0x0d)
            && let Some(b) = out.get_mut(offset + 2)
        {
            *b = (lanes[0] + 1) % 32;
        }
    });
    out
}

/// The module with every `i31.get_s` turned into `i31.get_u`: `0xfb 0x1d`
/// becomes `0xfb 0x1e`, in place.
fn i31_get_s_as_u(wasm: &[u8]) -> Vec<u8> {
    let mut out = wasm.to_vec();
    for_each_operator(wasm, |op, offset| {
        if matches!(op, wasmparser::Operator::I31GetS) && out.get(offset..offset + 2) == Some(&[0xfb, 0x1d][..]) {
            out[offset + 1] = 0x1e;
        }
    });
    out
}

/// The module with every `f32x4.relaxed_min` / `f64x2.relaxed_min` turned
/// into the matching `relaxed_max`. Both encode as `0xfd` and a two-byte
/// LEB128 opcode (0x10d/0x10f → 0x10e/0x110), so the patch is in place.
fn relaxed_min_to_max(wasm: &[u8]) -> Vec<u8> {
    use wasmparser::Operator;
    let mut out = wasm.to_vec();
    for_each_operator(wasm, |op, offset| {
        let patch = match op {
            Operator::F32x4RelaxedMin => Some(0x8e),
            Operator::F64x2RelaxedMin => Some(0x90),
            _ => None,
        };
        // `0xfd`, then the opcode's low LEB byte: only if encoded minimally.
        if let Some(byte) = patch
            && out.get(offset + 2) == Some(&0x02)
            && let Some(b) = out.get_mut(offset + 1)
        {
            *b = byte;
        }
    });
    out
}
