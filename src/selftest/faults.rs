//! Planted faults: each kind of corruption an engine wrapper
//! ([`super::Faulty`]) can plant, by name and group, and what it does to a
//! value or an outcome. A harness that misses one of these would miss the
//! real bug it stands for.

use super::gc_faults::GcBug;
use crosscheck_oracles::{CallOutcome, TrapKind, Val};

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
    /// Per-instruction: `call_indirect`'s signature check takes a declared
    /// subtype for its supertype when the two read alike, so a call
    /// through a sibling subtype (`$sibling` of `$parent`, the function
    /// `$returns`) completes instead of trapping.
    CallIndirectSiblingAccepted,
    /// Per-instruction: `memory.copy 0 1` copies within memory 0, the
    /// destination, instead of from memory 1 (an engine taking one
    /// memory's base for both).
    MemoryCopyWrongSource,
    /// Per-instruction: `table.copy $tab $src` copies within `$tab`, the
    /// destination, instead of from `$src`.
    TableCopyWrongSource,
    /// Per-instruction: `table.fill` of a table of `externref`s stores
    /// null instead of the reference (an engine whose GC barrier for the
    /// store loses the value).
    ExternrefTableFillNull,
    /// Per-instruction: `ref.cast` to a nullable type compiled as the cast
    /// to the non-nullable one (the type's nullability lost), so a null
    /// operand traps instead of passing.
    RefCastNullableAsNonNull,
    /// Per-instruction: `ref.test` and `ref.cast` against a defined type
    /// in a rec group of two or more checked against a type of a rec
    /// group of its own that reads alike (an engine canonicalizing each
    /// type without its rec group): a cast to `$r0` passes for an object
    /// of `$s0` and fails for one of `$r0`.
    CastRecGroupBlind,
    /// Per-instruction: casts to a final defined type checked against the
    /// type that differs from it in finality alone (an engine leaving
    /// finality out of a type's identity): a cast to `$ff` passes for a
    /// function of `$f0` and fails for one of `$ff`; `$sf` and `$s0` the
    /// same.
    CastFinalityBlind,
    /// Per-instruction: `br_on_cast` and `br_on_cast_fail` to a nullable
    /// type compiled as to the non-nullable one, so a null operand takes
    /// the other path.
    BrOnCastNullableAsNonNull,
    /// Per-instruction: `array.copy` within one array copies element by
    /// element from the front, so where the destination starts inside the
    /// source range, elements it already overwrote are copied again (an
    /// engine that lowers the copy as `memcpy`, not `memmove`).
    ArrayCopyOverlapForward,
    /// Per-instruction: `struct.set` writes another field of the same
    /// type (an engine computing the field's offset wrong).
    StructSetWrongField,
    /// Per-instruction: `array.set` and `struct.set` of a float element or
    /// field store a NaN as the canonical NaN (an engine whose GC store
    /// goes through a float register op that quiets it).
    GcStoreCanonicalizesNan,
    /// Per-instruction: `array.new_fixed` places its operands in reverse
    /// order (an engine popping them into the new array from the top of
    /// the stack).
    ArrayNewFixedReversed,
    /// Per-instruction: `array.new_elem` and `array.init_elem` read the
    /// element segment from its first item whatever their offset operand
    /// (an engine dropping the segment offset).
    ElemSegmentOffsetIgnored,
    /// Per-instruction: `array.set`, `array.fill` and `struct.set` of a
    /// reference store null (an engine whose store of a managed reference
    /// loses the value on its way through the write barrier).
    GcRefStoreNull,
    /// Per-instruction: `try_table` tries its `catch_all` clauses before
    /// the others (an engine matching handlers out of order), so an
    /// exception a `catch` of its tag should take goes to the `catch_all`.
    CatchAllFirst,
    /// Per-instruction: a `return_call` runs its callee inside the
    /// caller's handlers (an engine lowering a tail call inside a
    /// `try_table` as a call and a return), so a `try_table` around it
    /// takes what the callee throws.
    ReturnCallKeepsHandler,
    /// Per-instruction: `select` tests only the low byte of its condition
    /// (an engine testing an 8-bit register), so `0x100` or the sign bit
    /// alone picks the second value.
    SelectLowByteCondition,
    /// Per-instruction: a `return_call` passes two arguments of one type
    /// swapped (an engine's tail call moving one argument into another's
    /// place as it rearranges the frame).
    ReturnCallSwapsArgs,
    /// Per-instruction: `br_on_null` branches on an i31 of 0 as on null
    /// (an engine whose `ref.i31 0` is a null pointer).
    BrOnNullI31Zero,
    /// Per-instruction: `br_on_non_null` falls through on an i31 of 0 as
    /// on null (the same engine, seen from the other branch).
    BrOnNonNullI31Zero,
    /// Per-instruction: a `call` of more than 16 arguments passes, in the
    /// place of its last argument of a type an earlier one shares, that
    /// earlier argument's value (an engine computing a stack argument's
    /// slot wrong, so two arguments share one).
    CallStackArgRepeated,
    /// Per-instruction: `throw_ref` rethrows an exception with the last
    /// value of its payload zeroed (an engine copying a rethrown
    /// exception's payload one value short).
    ThrowRefLosesLastValue,
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
    LoadLaneWrongLane,
    Offset64Wraps,
    Index64Truncated,
    AtomicNarrowSignExtends,
    TableIndex64Truncated,
    Grow64DeltaTruncated,
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
    /// Answer a call that returned with an engine failure whose message
    /// names the export and its number of arguments (so it differs from
    /// Case to Case): stands for an adapter that lost its engine's reply.
    /// Gives no verdict; the Case is filed under
    /// `artifacts/engine-failure/`, one folder for the kind.
    LostReply,
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
        Fault::CallIndirectSiblingAccepted,
        Fault::MemoryCopyWrongSource,
        Fault::TableCopyWrongSource,
        Fault::ExternrefTableFillNull,
        Fault::RefCastNullableAsNonNull,
        Fault::CastRecGroupBlind,
        Fault::CastFinalityBlind,
        Fault::BrOnCastNullableAsNonNull,
        Fault::ArrayCopyOverlapForward,
        Fault::StructSetWrongField,
        Fault::GcStoreCanonicalizesNan,
        Fault::ArrayNewFixedReversed,
        Fault::ElemSegmentOffsetIgnored,
        Fault::GcRefStoreNull,
        Fault::CatchAllFirst,
        Fault::ReturnCallKeepsHandler,
        Fault::SelectLowByteCondition,
        Fault::ReturnCallSwapsArgs,
        Fault::BrOnNullI31Zero,
        Fault::BrOnNonNullI31Zero,
        Fault::CallStackArgRepeated,
        Fault::ThrowRefLosesLastValue,
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
        Fault::LoadLaneWrongLane,
        Fault::Offset64Wraps,
        Fault::Index64Truncated,
        Fault::AtomicNarrowSignExtends,
        Fault::TableIndex64Truncated,
        Fault::Grow64DeltaTruncated,
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
            Fault::LoadLaneWrongLane => M::LoadLaneWrongLane,
            Fault::Offset64Wraps => M::Offset64Wraps,
            Fault::Index64Truncated => M::Index64Truncated,
            Fault::AtomicNarrowSignExtends => M::AtomicNarrowSignExtends,
            Fault::TableIndex64Truncated => M::TableIndex64Truncated,
            Fault::Grow64DeltaTruncated => M::Grow64DeltaTruncated,
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

    /// Adapter failures: no divergence, but a Case saved for triage.
    pub const ADAPTER: &[Fault] = &[Fault::LostReply];

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
            .chain(Fault::ADAPTER)
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
            // One input in about 3,000 is a `call_indirect` through a
            // sibling subtype (one instruction of 511, one type of six).
            Fault::CallIndirectSiblingAccepted => base.saturating_mul(4),
            // One input in about 1,000 is a copy between two memories or
            // tables (one instruction of 518, from a second one time in two).
            Fault::MemoryCopyWrongSource | Fault::TableCopyWrongSource => base.saturating_mul(4),
            // One input in 518 is an `i31.get_s`, and only an operand with
            // bit 30 set shows the fault (seed 1: 4,966 inputs); one in
            // about 1,000 a `ref.cast` to a nullable type.
            Fault::I31GetSUnsigned | Fault::RefCastNullableAsNonNull => base.saturating_mul(4),
            // One input in about 3,000 fills a table of `externref`s (one
            // instruction of 518, one table in three; seed 3 drew 12 fills
            // in its first 12,000 inputs).
            Fault::ExternrefTableFillNull => base.saturating_mul(8),
            // One input in about 1,000 is an `array.copy` within one array,
            // and a few of its tuples copy forward over their own source
            // (seed 2 took 11,846 inputs).
            Fault::ArrayCopyOverlapForward => base.saturating_mul(8),
            // One input in about 1,000 stores a float into an array or a
            // struct, and only a NaN that is not canonical shows the fault
            // (seed 2: 4,298 inputs).
            Fault::GcStoreCanonicalizesNan => base.saturating_mul(8),
            // One input in about 800 stores a reference into an array or a
            // struct (`array.set`, `array.fill`, `struct.set` on two
            // storages of eight, two fields of twelve), and only a
            // non-null one in bounds shows the fault (seeds 1 and 2 missed
            // it in 3,000 inputs).
            Fault::GcRefStoreNull => base.saturating_mul(4),
            // One input in 548 is a `br_on_null` (or `br_on_non_null`),
            // and only an i31 of 0 shows the fault (seed 4 missed the
            // first in 3,000 inputs).
            Fault::BrOnNullI31Zero | Fault::BrOnNonNullI31Zero => base.saturating_mul(4),
            // One input in about 1,600 is a `call` of 24 arguments (one
            // instruction of 548, one shape of three; seed 4 missed it in
            // 3,000 inputs).
            Fault::CallStackArgRepeated => base.saturating_mul(4),
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
            Fault::LostReply => "lost-reply",
            Fault::I32ResultAtOptNone => "i32-result-bit-at-opt-none",
            Fault::NanSign => "nan-sign",
            Fault::NonCanonicalNan => "non-canonical-nan",
            Fault::RelaxedLane => "relaxed-lane",
            Fault::Q15mulrLane => "q15mulr-lane",
            Fault::ShuffleIndex => "shuffle-index",
            Fault::F32x4NegNanSign => "f32x4-neg-nan-sign",
            Fault::RelaxedChoiceFlip => "relaxed-choice-flip",
            Fault::I31GetSUnsigned => "i31-get-s-unsigned",
            Fault::CallIndirectSiblingAccepted => "call-indirect-sibling-accepted",
            Fault::MemoryCopyWrongSource => "memory-copy-wrong-source",
            Fault::TableCopyWrongSource => "table-copy-wrong-source",
            Fault::ExternrefTableFillNull => "externref-table-fill-null",
            Fault::RefCastNullableAsNonNull => "ref-cast-nullable-as-non-null",
            Fault::CastRecGroupBlind => "cast-rec-group-blind",
            Fault::CastFinalityBlind => "cast-finality-blind",
            Fault::BrOnCastNullableAsNonNull => "br-on-cast-nullable-as-non-null",
            Fault::ArrayCopyOverlapForward => "array-copy-overlap-forward",
            Fault::StructSetWrongField => "struct-set-wrong-field",
            Fault::GcStoreCanonicalizesNan => "gc-store-canonicalizes-nan",
            Fault::ArrayNewFixedReversed => "array-new-fixed-reversed",
            Fault::ElemSegmentOffsetIgnored => "elem-segment-offset-ignored",
            Fault::GcRefStoreNull => "gc-ref-store-null",
            Fault::CatchAllFirst => "catch-all-first",
            Fault::ReturnCallKeepsHandler => "return-call-keeps-handler",
            Fault::SelectLowByteCondition => "select-low-byte-condition",
            Fault::ReturnCallSwapsArgs => "return-call-swaps-args",
            Fault::BrOnNullI31Zero => "br-on-null-i31-zero",
            Fault::BrOnNonNullI31Zero => "br-on-non-null-i31-zero",
            Fault::CallStackArgRepeated => "call-stack-arg-repeated",
            Fault::ThrowRefLosesLastValue => "throw-ref-loses-last-value",
            Fault::WideLoad => "wide-load",
            Fault::IndexNoZeroExtend => "index-no-zero-extend",
            Fault::ShiftOrUnmasked => "shift-or-unmasked",
            Fault::RoundingKeepsSnan => "rounding-keeps-snan",
            Fault::UnsignedBranchSigned => "unsigned-branch-signed",
            Fault::LoadLaneWrongLane => "load-lane-wrong-lane",
            Fault::Offset64Wraps => "memory64-offset-wraps",
            Fault::Index64Truncated => "memory64-index-truncated",
            Fault::AtomicNarrowSignExtends => "atomic-narrow-sign-extends",
            Fault::TableIndex64Truncated => "table64-index-truncated",
            Fault::Grow64DeltaTruncated => "memory64-grow-truncated",
            Fault::RejectsValidBrTable => "rejects-valid-br-table",
            Fault::AcceptsInvalid => "accepts-invalid",
            Fault::Gc(bug) => bug.name(),
        }
    }

    pub(super) fn corrupt_val(self, v: Val) -> Val {
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

    pub(super) fn corrupt_outcome(self, outcome: CallOutcome, results: &[crosscheck_oracles::ValType]) -> CallOutcome {
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
