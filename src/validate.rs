//! The `validate` target: possibly invalid modules, on which every engine
//! must say the same thing — valid or invalid — as far as the proposals
//! each supports go. A disagreement is a divergence (the judge compares an
//! instantiation against a rejection); a validator or compiler panic is a
//! crash. A module that turns out valid runs through the differential
//! pipeline like any other (fuel-instrumented).
//!
//! Input bytes: a `.wasm` module (starts with `\0asm`) is taken as is.
//! Anything else is a recipe whose first byte picks one of: a wasm-smith
//! module with invalid functions allowed, without GC and exceptions or
//! (one in four recipes) with them; a corpus module after wasm-mutate
//! steps that need not preserve semantics; a corpus module with a few bytes
//! overwritten (the corpus's Wasm 3.0 modules among them: wasm-mutate
//! cannot read those, so only this way changes them).

use crate::case::{Case, Determinism, Reject};
use crate::module_info::ModuleInfo;
use crate::mutate::{FEATURES, SMITH_FEATURES, corpus, mutate, runnable};
use arbitrary::Unstructured;
use crosscheck_oracles::Plan;

/// Most bytes the raw recipe overwrites.
const MAX_BYTE_EDITS: usize = 4;

/// The Case of a `validate` input; the bytes left go to the engines'
/// configurations.
pub fn case_from_bytes(data: &[u8], det: Determinism) -> Result<(Case, Vec<u8>), Reject> {
    let (wasm, mut u) = if data.starts_with(b"\0asm") {
        (data.to_vec(), Unstructured::new(&[]))
    } else {
        let mut u = Unstructured::new(data);
        let wasm = match u.int_in_range(0..=3u8)? {
            recipe @ (0 | 3) => {
                let features = if recipe == 0 { SMITH_FEATURES } else { FEATURES };
                let n = u.int_in_range(64..=2048usize)?.min(u.len());
                crate::case::smith_module_with(u.bytes(n)?, features, det, true)?
            }
            1 => {
                let seed = u.choose(corpus::seeds())?;
                let (wasm, _) = mutate(&seed.wasm, u.arbitrary()?, u.int_in_range(1..=4)?, false);
                wasm
            }
            _ => {
                // recipe 2
                let mut wasm = u.choose(corpus::seeds())?.wasm.clone();
                for _ in 0..u.int_in_range(1..=MAX_BYTE_EDITS)? {
                    // Past the 8-byte header: a broken header teaches nothing.
                    let at = u.int_in_range(8..=wasm.len().saturating_sub(1).max(8))?;
                    if let Some(b) = wasm.get_mut(at) {
                        *b = u.arbitrary()?;
                    }
                }
                wasm
            }
        };
        (wasm, u)
    };
    // A valid module runs (with fuel); an invalid one only has to be refused.
    let valid = FEATURES.validate(&wasm).is_ok();
    let wasm = if valid { runnable(&wasm, det)? } else { wasm };
    let info = ModuleInfo::of(&wasm).unwrap_or_default();
    if info.has_imports {
        return Err(Reject::Module("the module has imports".into()));
    }
    let case = if valid {
        Case::from_wasm(wasm, &mut u, FEATURES, det)?
    } else {
        let plan = Plan { wasm, calls: Vec::new(), observe: info.observe.clone() };
        Case { plan, info, features: FEATURES, determinism: det }
    };
    Ok((case, u.take_rest().to_vec()))
}
