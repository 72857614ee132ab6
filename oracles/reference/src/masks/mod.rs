//! Undetermined masks: for every value, the bits the WebAssembly spec
//! leaves open (NaN signs and payloads of float arithmetic, relaxed-SIMD
//! choices), so a differential judge can compare engines on determined bits
//! only: `(engine ^ reference) & !mask == 0`.
//!
//! A set mask bit means "any value allowed here". Masks are `u128` per
//! value (scalars use their low 32/64 bits), one `u8` per memory byte and
//! one `u128` per global. This module holds the per-operator rules: floats
//! (`float`), scalar operators (`scalar`), vector operators (`vector`) and
//! relaxed SIMD (`relaxed`), plus the permitted results of a single
//! instruction on known operands (`allowed`). The interpreter applies the
//! rules in masked mode, see [`Store::invoke_masked`](crate::Store::invoke_masked).

pub mod allowed;
pub mod float;
pub mod opens;
pub mod relaxed;
pub mod scalar;
pub mod vector;

pub use allowed::{AllowedSet, SingleOp, allowed_results, relaxed_choice_results};

use crate::error::CallError;

/// The outcome of an instruction whose behaviour (trap, branch, address,
/// ...) depends on undetermined bits.
pub(crate) fn undetermined(instr: &str, why: &str) -> CallError {
    CallError::Undetermined(format!("{instr}: {why}"))
}
