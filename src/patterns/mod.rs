//! The `patterns` target: Cases built from a catalog of multi-instruction
//! shapes that compilers lower specially, at edge addresses.
//!
//! | module | job |
//! | --- | --- |
//! | [`shapes`] | the catalog: one entry per shape, with its Wasm spelling |
//! | [`isle`] | which Cranelift x64 lowering rule each shape stands for, and why the others cannot be reached |
//! | [`generate`] | a module of shapes from fuzz bytes: memory, globals, data, statements, operands |
//! | [`compose`] | each shape as Wasm, its operands sub-expressions |
//! | [`vocabulary`] | the instructions the generator draws from, by type |
//! | [`detect`] | the shapes any module contains (statistics, planted miscompiles) |

pub mod compose;
pub mod detect;
pub mod generate;
pub mod isle;
pub mod shapes;
pub mod vocabulary;

pub use shapes::Shape;

use crate::case::{Case, Determinism, Reject};
use arbitrary::Unstructured;
use crosscheck_oracles::Features;

/// The proposals a generated `patterns` module may use.
pub fn features(generated: &generate::Generated) -> Features {
    Features {
        sign_extension: true,
        saturating_float_to_int: true,
        simd: generated.simd,
        relaxed_simd: generated.simd,
        wide_arithmetic: generated.wide_arithmetic,
        memory64: generated.memory64 || generated.table.is_some_and(|t| t.table64),
        threads: generated.threads,
        // `table.get` and `ref.is_null`; an active segment of expressions.
        reference_types: generated.table.is_some(),
        bulk_memory: generated.table.is_some(),
        ..Features::NONE
    }
}

/// A `patterns` Case: the module from the bytes, then its call plan
/// (addresses at the memory's edges); returns the bytes left for the
/// engines' configurations.
pub fn case_from_bytes(data: &[u8]) -> Result<(Case, Unstructured<'_>), Reject> {
    let mut u = Unstructured::new(data);
    let generated = generate::module(&mut u)?;
    let features = features(&generated);
    let case = Case::from_wasm(generated.wasm, &mut u, features, Determinism::JUDGED)?;
    Ok((case, u))
}
