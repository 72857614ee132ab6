//! The reference's masked runs start in the plain loop, guarded, and hand
//! over to the masked loop at the first result with open bits. That must
//! change nothing: on random judged Cases, every observation (results,
//! traps, masks of results, globals and memories) equals a run in the
//! masked loop from the first instruction.

use crosscheck::engines::EngineSet;
use crosscheck::target::{Target, prepare};
use crosscheck_oracles::reference::ReferenceEngine;
use crosscheck_oracles::{CallOutcome, Engine};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

#[test]
fn guarded_start_observes_what_the_masked_loop_observes() {
    let mut set = EngineSet::fuzzing(&["reference"]).expect("reference");
    let mut guarded = ReferenceEngine::new();
    let mut from_start = ReferenceEngine::masked_from_start();
    let mut rng = SmallRng::seed_from_u64(31);
    let (mut cases, mut with_open_bits, mut undetermined) = (0, 0, 0);
    for _ in 0..6000 {
        let mut input = vec![0u8; rng.random_range(256..4096)];
        rng.fill(&mut input[..]);
        let Ok(case) = prepare(Target::Differential, &input, &mut set) else { continue };
        cases += 1;
        let a = guarded.run(&case.plan);
        let b = from_start.run(&case.plan);
        assert_eq!(
            a,
            b,
            "guarded start changed the observation of:\n{}",
            wasmprinter::print_bytes(&case.plan.wasm).unwrap_or_default()
        );
        // No masks when instantiation failed (the same for both).
        let Some(masks) = a.masks.as_ref() else { continue };
        let open = masks.results.iter().flatten().any(|&m| m != 0)
            || masks.globals.iter().any(|&m| m != 0)
            || masks.memories.iter().flatten().any(|&m| m != 0);
        with_open_bits += open as u32;
        undetermined += a.calls.iter().any(|c| matches!(c, CallOutcome::Undetermined(_))) as u32;
    }
    // Open bits or an undetermined outcome can only come from the masked
    // loop, so these Cases handed over mid-run.
    eprintln!("{cases} Cases, {with_open_bits} with open bits, {undetermined} undetermined");
    assert!(cases >= 4000, "only {cases} Cases");
    assert!(with_open_bits >= 30, "only {with_open_bits} Cases exercised the handover");
}
