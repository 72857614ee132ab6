//! A Case as a `.wast` regression script: the module (binary, exact; its
//! WAT as comments), each call of the plan as an assertion of what the
//! reference interpreter computes — `assert_return` with `nan:canonical` /
//! `nan:arithmetic` where the spec leaves a NaN's bits open, `assert_trap`
//! with the spec's message, `assert_exhaustion` — and the exported globals
//! by `get`. The result of a single-instruction module's relaxed-SIMD
//! instruction is `either` of the results of each implementation choice
//! the spec allows. A result whose open bits no pattern expresses (an
//! integer computed from a relaxed-SIMD lane inside a larger module, say)
//! is invoked without assertion, and the script says so in a comment.

use crate::case_file::SavedCase;
use crosscheck_oracles::{CallOutcome, Observation, TrapKind, Val};
use std::fmt::Write as _;

/// Why no script could be written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("the reference interpreter: {0}")]
    Reference(String),
    #[error("the reference interpreter could not instantiate the module: {0}")]
    Instantiate(String),
}

/// The reference interpreter's observation of a saved Case (with masks).
pub fn reference_observation(saved: &SavedCase) -> Result<Observation, EmitError> {
    let mut set = crate::triage::replay::engines_for(saved, Some(&["reference".to_string()]))
        .map_err(|e| EmitError::Reference(e.to_string()))?;
    Ok(set.run_one(0, &saved.case.plan))
}

/// The `.wast` script of a Case, expectations from `reference` (the
/// reference interpreter's observation of it).
pub fn script(saved: &SavedCase, reference: &Observation) -> Result<String, EmitError> {
    if let Err(e) = &reference.instantiation {
        return Err(EmitError::Instantiate(e.to_string()));
    }
    let plan = &saved.case.plan;
    let mut s = String::new();
    let _ = writeln!(s, ";; crosscheck regression script — {}", saved.origin);
    let _ = writeln!(s, ";; engines: {}", saved.engines.join(","));
    let _ = writeln!(s, ";; expected results: the crosscheck reference interpreter (spec-open bits as NaN patterns)");
    if let Ok(wat) = wasmprinter::print_bytes(&plan.wasm) {
        for line in wat.lines() {
            let _ = writeln!(s, ";; {line}");
        }
    }
    s += "(module binary\n  \"";
    for (i, b) in plan.wasm.iter().enumerate() {
        if i > 0 && i % 32 == 0 {
            s += "\"\n  \"";
        }
        let _ = write!(s, "\\{b:02x}");
    }
    s += "\")\n";
    let masks = reference.masks.as_ref();
    // A single relaxed-SIMD instruction: its allowed results per choice.
    let spec = crate::single_inst::Spec::of_module(&plan.wasm);
    let relaxed = spec.as_ref().and_then(|spec| Some((spec.entry.relaxed_op()?, spec.entry.params.len())));
    for (i, (call, outcome)) in plan.calls.iter().zip(&reference.calls).enumerate() {
        let args: Vec<String> = call.args.iter().map(const_text).collect();
        let invoke = format!("(invoke {} {})", quoted(&call.export), args.join(" "));
        // `f` takes the operands as arguments; the other instruction
        // exports run on their tuple's, whatever their source.
        let operands = match relaxed {
            Some(_) if call.export == "f" => Some(call.args.clone()),
            Some((_, n)) => crate::single_inst::readback::tuple_operands(&plan.wasm, call, n),
            _ => None,
        };
        let choices = match (relaxed, operands) {
            (Some((op, _)), Some(operands)) => {
                let operands: Vec<_> = operands.iter().map(crate::single_inst::check::to_value).collect();
                crosscheck_reference::masks::relaxed_choice_results(op, &operands)
            }
            _ => None,
        };
        match outcome {
            CallOutcome::Returned(_) if choices.is_some() => {
                let mut alternatives: Vec<Option<String>> = Vec::new();
                for (bits, mask) in choices.unwrap_or_default() {
                    let alt = expected_text(&Val::V128(bits), mask);
                    if !alternatives.contains(&alt) {
                        alternatives.push(alt);
                    }
                }
                match alternatives.into_iter().collect::<Option<Vec<String>>>() {
                    Some(alts) if alts.len() == 1 => {
                        let _ = writeln!(s, "(assert_return {invoke} {})", alts[0]);
                    }
                    Some(alts) => {
                        let _ = writeln!(s, "(assert_return {invoke} (either {}))", alts.join(" "));
                    }
                    None => {
                        let _ = writeln!(s, ";; a relaxed result no pattern expresses: not asserted");
                        let _ = writeln!(s, "{invoke}");
                    }
                }
            }
            CallOutcome::Returned(vals) => {
                let rets: Option<Vec<String>> = vals
                    .iter()
                    .enumerate()
                    .map(|(j, v)| expected_text(v, masks.map_or(0, |m| m.result(i, j))))
                    .collect();
                match rets {
                    Some(rets) => {
                        let _ = writeln!(s, "(assert_return {invoke} {})", rets.join(" "));
                    }
                    None => {
                        let _ = writeln!(s, ";; result leaves bits open that no pattern expresses: not asserted");
                        let _ = writeln!(s, "{invoke}");
                    }
                }
            }
            CallOutcome::Trapped(kind) => {
                let _ = writeln!(s, "(assert_trap {invoke} {})", quoted(trap_message(kind)));
            }
            CallOutcome::Exhausted(_) => {
                let _ = writeln!(s, "(assert_exhaustion {invoke} \"call stack exhausted\")");
            }
            CallOutcome::Undetermined(why) | CallOutcome::Failed(why) => {
                let _ = writeln!(s, ";; call {i} not judged by the reference ({why}): the script stops here");
                break;
            }
        }
        if outcome.ends_run() {
            break;
        }
    }
    if reference.calls.len() == plan.calls.len() && reference.calls.iter().all(|c| !c.ends_run()) {
        for (g, name) in plan.observe.globals.iter().enumerate() {
            let Some(Some(v)) = reference.state.globals.get(g) else { continue };
            if let Some(text) = expected_text(v, masks.map_or(0, |m| m.global(g))) {
                let _ = writeln!(s, "(assert_return (get {}) {text})", quoted(name));
            }
        }
    }
    Ok(s)
}

/// The spec interpreter's message for a trap kind.
fn trap_message(kind: &TrapKind) -> &str {
    match kind {
        TrapKind::Unreachable => "unreachable",
        TrapKind::IntegerDivideByZero => "integer divide by zero",
        TrapKind::IntegerOverflow => "integer overflow",
        TrapKind::InvalidConversionToInteger => "invalid conversion to integer",
        TrapKind::MemoryOutOfBounds | TrapKind::UnalignedAtomicOrOutOfBounds => "out of bounds memory access",
        TrapKind::TableOutOfBounds => "out of bounds table access",
        TrapKind::IndirectCallToNull | TrapKind::IndirectCallToNullOrBadSignature => "uninitialized element",
        TrapKind::BadSignature => "indirect call type mismatch",
        TrapKind::InvalidConversionOrOverflow => "invalid conversion to integer",
        TrapKind::NullReference
        | TrapKind::NullReferenceOrArrayOutOfBounds
        | TrapKind::NullReferenceOrMemoryOutOfBounds
        | TrapKind::NullReferenceOrTableOutOfBounds => "null",
        TrapKind::CastFailure => "cast failure",
        TrapKind::ArrayOutOfBounds => "out of bounds array access",
        TrapKind::UnalignedAtomic => "unaligned atomic",
        TrapKind::AtomicWaitNonShared => "expected shared memory",
        TrapKind::UncaughtException => "uncaught exception",
        TrapKind::Other(text) => text,
    }
}

/// A string literal of the text format.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        if b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ' {
            out.push(b as char);
        } else {
            let _ = write!(out, "\\{b:02x}");
        }
    }
    out.push('"');
    out
}

/// An argument or fully determined result as a constant.
fn const_text(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("(i32.const {x:#x})"),
        Val::I64(x) => format!("(i64.const {x:#x})"),
        Val::F32(b) => format!("(f32.const {})", f32_text(*b)),
        Val::F64(b) => format!("(f64.const {})", f64_text(*b)),
        Val::V128(x) => {
            let lanes: Vec<String> = (0..4).map(|l| format!("{:#x}", (x >> (32 * l)) as u32)).collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Val::FuncRef { null: true } => "(ref.null func)".into(),
        Val::ExternRef { null: true } => "(ref.null extern)".into(),
        Val::FuncRef { null: false } => "(ref.func)".into(),
        Val::ExternRef { null: false } => "(ref.extern 0)".into(),
    }
}

/// The expected form of a result whose bits in `mask` are open, or `None`
/// when no pattern expresses exactly that.
fn expected_text(v: &Val, mask: u128) -> Option<String> {
    if mask == 0 {
        return Some(const_text(v));
    }
    match v {
        Val::F32(b) => nan_pattern(u64::from(*b), mask as u64, 32).map(|p| format!("(f32.const {p})")),
        Val::F64(b) => nan_pattern(*b, mask as u64, 64).map(|p| format!("(f64.const {p})")),
        Val::V128(x) => {
            // Lane by lane as f32x4 when every open lane is a NaN pattern.
            let mut lanes = Vec::new();
            for l in 0..4 {
                let (bits, m) = ((x >> (32 * l)) as u32, (mask >> (32 * l)) as u32);
                lanes.push(if m == 0 {
                    f32_text(bits)
                } else {
                    nan_pattern(u64::from(bits), u64::from(m), 32)?.to_string()
                });
            }
            Some(format!("(v128.const f32x4 {})", lanes.join(" ")))
        }
        _ => None,
    }
}

/// `nan:canonical` or `nan:arithmetic` for a NaN of `width` bits whose open
/// bits are `mask` — when the pattern allows exactly what the mask leaves
/// open (the sign always; the payload bits below the quiet bit for
/// `nan:arithmetic`).
fn nan_pattern(bits: u64, mask: u64, width: u32) -> Option<&'static str> {
    let sign = 1u64 << (width - 1);
    let mantissa_bits = if width == 32 { 23 } else { 52 };
    let quiet = 1u64 << (mantissa_bits - 1);
    let payload = (1u64 << mantissa_bits) - 1;
    let exponent = (sign - 1) & !payload;
    if bits & exponent != exponent || bits & payload == 0 || bits & quiet == 0 {
        return None;
    }
    if mask == sign && bits & payload == quiet {
        Some("nan:canonical")
    } else if mask == sign | (payload & !quiet) {
        Some("nan:arithmetic")
    } else {
        None
    }
}

fn f32_text(b: u32) -> String {
    let f = f32::from_bits(b);
    let sign = if b >> 31 == 1 { "-" } else { "" };
    if f.is_nan() {
        format!("{sign}nan:{:#x}", b & 0x7f_ffff)
    } else if f.is_infinite() {
        format!("{sign}inf")
    } else {
        // Rust prints the shortest decimal that reads back to the same bits.
        format!("{f:e}")
    }
}

fn f64_text(b: u64) -> String {
    let f = f64::from_bits(b);
    let sign = if b >> 63 == 1 { "-" } else { "" };
    if f.is_nan() {
        format!("{sign}nan:{:#x}", b & 0xf_ffff_ffff_ffff)
    } else if f.is_infinite() {
        format!("{sign}inf")
    } else {
        format!("{f:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_patterns_follow_the_masks() {
        assert_eq!(nan_pattern(0x7fc0_0000, 1 << 31, 32), Some("nan:canonical"));
        assert_eq!(nan_pattern(0xffc0_0001, (1 << 31) | 0x3f_ffff, 32), Some("nan:arithmetic"));
        assert_eq!(nan_pattern(0x7fc0_0000, 0xffff_ffff, 32), None);
        assert_eq!(nan_pattern(0x3f80_0000, 1 << 31, 32), None);
        assert_eq!(f32_text(0x8000_0000), "-0e0");
        assert_eq!(f32_text(0x7fa0_0000), "nan:0x200000");
    }
}
