//! Single-instruction Cases: one numeric, memory, SIMD, relaxed-SIMD,
//! atomic, table, value-only reference, array or struct instruction (immediates
//! included, a memory or table instruction's kind of memory or table too)
//! per module, called with a
//! batch of edge-biased operand tuples, judged exactly against the results
//! the spec allows.
//!
//! | module | job |
//! | --- | --- |
//! | [`catalog`] | every instruction: name, types, immediate domains |
//! | [`operands`] | operand tuples and memory contents |
//! | [`module`] | the module of one (instruction, immediates) and its call plan |
//! | [`readback`] | a built module read back: its spec, its tuples, rebuilt for a reduced plan |
//! | [`refs`] | reference instructions: operands made and results observed in the module, the spec's model |
//! | [`arrays`] | array instructions: the array type and segment, arrays made and read back, operands around their edges |
//! | [`storage`] | the storages array elements and struct fields share; references crossing as selectors |
//! | [`structs`] | struct instructions: the struct type of every integer storage, structs made and read back |
//! | [`exceptions`] | `throw`, `throw_ref`, `try_table`: tags of every payload, thrown and caught back |
//! | [`calls`] | `select` on every value type; `call` and `return_call` with many mixed arguments |
//! | [`casts`] | `ref.test`'s and `ref.cast`'s defined types, objects and what the spec says each value is of |
//! | [`scaffold`] | the code a group builds around its instruction, one trait the groups below implement |
//! | [`tables`] | table instructions: the table and its functions, `funcref` operands made and results observed, `peek` |
//! | [`check`] | the exact judge: allowed sets, one relaxed choice per engine, the reference model |
//!
//! The `single_inst` fuzz target ([`prepare`]) and `crosscheck sweep`
//! ([`crate::sweep`]) both build their Cases here.

pub mod arrays;
pub mod calls;
pub mod casts;
pub mod catalog;
pub mod check;
pub mod exceptions;
pub mod module;
pub mod operands;
pub mod readback;
pub mod refs;
pub mod scaffold;
pub mod spec;
pub mod storage;
pub mod structs;
pub mod tables;

pub use catalog::{ENTRIES, Entry, Group, Imm, Immediates};
pub use check::ChoiceTracker;
pub use spec::Spec;

use crate::case::{Case, Determinism, Reject};
use crate::module_info::ModuleInfo;
use arbitrary::Unstructured;

/// Most operand tuples one fuzz input checks (one compile, many calls).
pub const MAX_TUPLES: usize = 16;

/// Bytes at the end of a fuzz input kept for the engines' configurations.
const CONFIG_BYTES: usize = 64;

/// Tuples that are also checked with constant operands (`k(i)`).
pub const CONST_FED: usize = 16;

/// A Case for `spec` checking `tuples`, the first [`CONST_FED`] of them
/// also with constant operands (grow deltas capped: [`operands::cap_growth`]).
pub fn case_for(spec: &Spec, tuples: &[operands::Tuple]) -> Result<Case, Reject> {
    let const_fed = tuples.len().min(CONST_FED);
    let mut tuples = tuples.to_vec();
    operands::cap_growth(spec, &mut tuples, const_fed);
    let wasm = spec.wasm(&tuples[..const_fed]).map_err(|e| Reject::Module(e.to_string()))?;
    // `wat` assembles without validating: a catalog bug that makes an
    // invalid module is an error here, not a Case every engine rejects
    // alike (which the judge would pass).
    let features = spec.features();
    features.validate(&wasm).map_err(|e| Reject::Module(format!("{}: invalid module: {e}", spec.section_text())))?;
    let info = ModuleInfo::of(&wasm).map_err(|e| Reject::Module(e.to_string()))?;
    let plan = spec.plan(wasm, &tuples, const_fed);
    Ok(Case { plan, info, features, determinism: Determinism::JUDGED })
}

/// The Case fuzz bytes stand for — an instruction from the whole catalog,
/// its immediates, 1 to [`MAX_TUPLES`] operand tuples — and the bytes left
/// for the engines' configurations (the last eighth, at most 64 bytes).
pub fn case_from_bytes(data: &[u8]) -> Result<(Case, Spec, Unstructured<'_>), Reject> {
    let tail = (data.len() / 8).min(CONFIG_BYTES);
    let (head, config) = data.split_at(data.len() - tail);
    let mut u = Unstructured::new(head);
    let entry = &ENTRIES[u.choose_index(ENTRIES.len())?];
    let imm = entry.arbitrary_immediates(&mut u)?;
    let n = u.int_in_range(1..=MAX_TUPLES)?;
    let tuples: Vec<operands::Tuple> = (0..n).map(|_| operands::tuple(&mut u, entry, &imm)).collect();
    let spec = Spec { entry, imm };
    Ok((case_for(&spec, &tuples)?, spec, Unstructured::new(config)))
}
