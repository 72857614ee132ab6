//! The spec engine's output parser on a transcript the interpreter really
//! printed (`tests/data/spec/values.transcript`, captured from `wasm 3.0.0`
//! running `values.commands` in its REPL mode): runs without the
//! interpreter. Every command's response is read back into the outcome the
//! module's semantics fix — exact bits for floats, NaN payloads and v128
//! lanes, trap kinds, exhaustion, rejected and trapping instantiations.
#![cfg(feature = "spec")]

use crosscheck_oracles::spec::transcript::{self, Response};
use crosscheck_oracles::{CallOutcome, InstantiateError, TrapKind, Val, ValType};

const TRANSCRIPT: &str = include_str!("data/spec/values.transcript");
const COMMANDS: &str = include_str!("data/spec/values.commands");

fn responses() -> Vec<Response> {
    let lines: Vec<String> = TRANSCRIPT.lines().skip(1).map(str::to_string).collect();
    // Every command but the marker module's own definition is followed by a marker.
    let commands = COMMANDS.lines().filter(|l| !l.contains("$crosscheck_mark \"m\"")).count() - 1;
    let r = transcript::split(&lines, 0, commands);
    assert_eq!(r.len(), commands, "one response per command");
    r
}

fn returned(r: &Response, types: &[ValType]) -> Vec<Val> {
    match transcript::call_outcome(r, types) {
        CallOutcome::Returned(v) => v,
        other => panic!("expected values, got {other} from {r:?}"),
    }
}

#[test]
fn values_keep_every_bit() {
    use ValType::*;
    let r = responses();
    assert_eq!(transcript::instantiation(&r[0]), Ok(()));
    assert_eq!(returned(&r[1], &[I32]), [Val::I32(-1_234_567i32 as u32)]);
    assert_eq!(returned(&r[2], &[I64]), [Val::I64(1 << 63)]);
    assert_eq!(returned(&r[3], &[F32]), [Val::F32(0xffa0_0001)], "-nan:0x200001");
    assert_eq!(returned(&r[4], &[F32, F32, F32]), [Val::F32(1), Val::F32(0x8000_0000), Val::F32(0x7f7f_ffff)]);
    assert_eq!(
        returned(&r[5], &[F64, F64, F64, F64]),
        [
            Val::F64(1),
            Val::F64(0xfff0_0000_0000_0000),
            Val::F64(0x7ff8_0000_0000_0001),
            Val::F64(123456.789f64.to_bits())
        ]
    );
    assert_eq!(returned(&r[6], &[V128]), [Val::V128(0x0000_0001_0000_0000_ffff_ffff_8000_0000)]);
    assert_eq!(
        returned(&r[7], &[I32, V128, F32]),
        [Val::I32(7), Val::V128(0xffff_ffff_ffff_ffff), Val::F32(1.5f32.to_bits())]
    );
    assert_eq!(
        returned(&r[8], &[FuncRef, ExternRef, FuncRef]),
        [Val::FuncRef { null: true }, Val::ExternRef { null: true }, Val::FuncRef { null: false }]
    );
    assert_eq!(returned(&r[9], &[ExternRef]), [Val::ExternRef { null: false }]);
    assert_eq!(returned(&r[10], &[]), []);
}

#[test]
fn traps_are_classified_and_the_session_goes_on() {
    let r = responses();
    let kinds = [
        TrapKind::Unreachable,
        TrapKind::IntegerDivideByZero,
        TrapKind::IntegerOverflow,
        TrapKind::InvalidConversionToInteger,
        TrapKind::MemoryOutOfBounds,
        TrapKind::TableOutOfBounds,
        TrapKind::IndirectCallToNull,
        TrapKind::BadSignature,
        TrapKind::NullReference,
    ];
    for (i, kind) in kinds.into_iter().enumerate() {
        assert_eq!(transcript::call_outcome(&r[11 + i], &[]), CallOutcome::Trapped(kind), "response {}", 11 + i);
    }
    assert!(matches!(transcript::call_outcome(&r[20], &[]), CallOutcome::Exhausted(m) if m.contains("call stack")));
    // After all those traps the instance still answers.
    assert_eq!(returned(&r[21], &[ValType::I32]), [Val::I32(-1_234_567i32 as u32)]);
}

#[test]
fn modules_rejected_or_trapping_at_instantiation() {
    let r = responses();
    assert!(
        matches!(transcript::instantiation(&r[22]), Err(InstantiateError::Rejected(m)) if m.starts_with("decoding error"))
    );
    assert!(
        matches!(transcript::instantiation(&r[23]), Err(InstantiateError::Rejected(m)) if m.starts_with("validation error"))
    );
    assert_eq!(transcript::instantiation(&r[24]), Err(InstantiateError::Trapped(TrapKind::Unreachable)));
    // A line longer than the REPL's buffer comes back after continuation prompts.
    assert_eq!(transcript::instantiation(&r[25]), Ok(()));
    assert_eq!(returned(&r[26], &[ValType::I32]), [Val::I32(42)]);
}

#[test]
fn a_cut_transcript_yields_the_responses_before_the_cut() {
    let lines: Vec<String> = TRANSCRIPT.lines().skip(1).take(40).map(str::to_string).collect();
    let r = transcript::split(&lines, 0, 27);
    assert!(!r.is_empty() && r.len() < 27, "{} responses", r.len());
    // A result that does not fit the export's types is an engine failure, not a guess.
    assert!(matches!(transcript::call_outcome(&responses()[6], &[ValType::F32]), CallOutcome::Failed(_)));
    assert!(matches!(transcript::call_outcome(&responses()[1], &[]), CallOutcome::Failed(_)));
}
