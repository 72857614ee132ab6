//! Findings of a planted fault in modules of tens of functions, for
//! measuring the reducer: the `differential` target's generator with the
//! drawn wasm-smith configuration asked for at least so many functions
//! (its own draws rarely give more than a handful), random inputs until
//! one diverges (not by a documented engine bug).

use crate::case::{Case, Determinism, split_for_plan};
use crate::case_file::SavedCase;
use crate::engines::EngineSet;
use crate::judge::Verdict;
use crate::target::{Target, check_case};
use rand::{Rng, SeedableRng};

/// What to look for.
#[derive(Clone, Debug)]
pub struct LargeFinding {
    /// Engines, the baseline (the reference) first, e.g.
    /// `reference,wasmtime+i32-result-bit`.
    pub engines: Vec<String>,
    /// Fewest functions the module must define.
    pub min_functions: u32,
    /// Length of each random input in bytes.
    pub input_len: usize,
    pub seed: u64,
    /// Inputs tried at most.
    pub budget: u64,
}

/// Functions a module defines.
pub fn function_count(wasm: &[u8]) -> u32 {
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .flatten()
        .find_map(|p| match p {
            wasmparser::Payload::FunctionSection(r) => Some(r.count()),
            _ => None,
        })
        .unwrap_or(0)
}

/// The first diverging Case of `spec`'s input stream whose module defines
/// at least `min_functions` functions, with the number of inputs tried;
/// `None` within the budget.
pub fn find(spec: &LargeFinding) -> anyhow::Result<Option<(SavedCase, u64)>> {
    let mut engines = EngineSet::fuzzing(&spec.engines)?;
    let det = Determinism::JUDGED;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(spec.seed);
    let mut data = vec![0u8; spec.input_len.max(2)];
    let min = spec.min_functions;
    for n in 1..=spec.budget {
        rng.fill(&mut data[..]);
        let features = crate::swarm::profile(data[0]).features;
        let (module_bytes, plan_bytes) = split_for_plan(&data[1..]);
        let more = |c: &mut wasm_smith::Config| {
            c.min_funcs = c.min_funcs.max(min as usize);
            c.max_funcs = c.max_funcs.max(c.min_funcs);
        };
        let Ok(wasm) = crate::case::smith_module_configured(module_bytes, features, det, more) else { continue };
        if function_count(&wasm) < min {
            continue;
        }
        let mut u = arbitrary::Unstructured::new(plan_bytes);
        let Ok(case) = Case::from_wasm(wasm, &mut u, features, det) else { continue };
        if engines.configure(&mut u, features).is_err() {
            continue;
        }
        let checked = check_case(Target::Differential.name().into(), case, &mut engines, Default::default());
        let Verdict::Diverge(d) = &checked.verdict else { continue };
        if d.known_bug.is_some() {
            continue;
        }
        let saved =
            SavedCase { case: checked.case, engines: engines.configs(), origin: Target::Differential.name().into() };
        return Ok(Some((saved, n)));
    }
    Ok(None)
}
