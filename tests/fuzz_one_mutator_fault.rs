//! The `mutate` fuzz target under a planted mutator fault
//! (`$CROSSCHECK_MUTATOR_FAULT=add-to-sub`: every semantics-preserving
//! chain ends with `i32.add` turned into `i32.sub`): `fuzz_one` reports the
//! mutator divergence as a crash, so libFuzzer saves the input (a recipe,
//! or a derived input as the custom mutator writes them), and the same
//! input without the fault passes. This binary's only test: it sets
//! the process's environment.

use crosscheck::engines::ENGINES_VAR;
use crosscheck::mutate::{corpus, derived_input};
use crosscheck::selftest::mutator::{ADD_TO_SUB, MUTATOR_FAULT_VAR};
use crosscheck::target::Target;
use rand::{SeedableRng, rngs::SmallRng};

mod common;
use common::fuzz_one_on_fresh_thread;

#[test]
fn fuzz_one_reports_a_planted_mutator_fault() {
    // SAFETY: this binary's only test; nothing else reads the environment yet.
    unsafe {
        std::env::set_var(ENGINES_VAR, "reference");
        std::env::set_var(MUTATOR_FAULT_VAR, ADD_TO_SUB);
    }
    let mut rng = SmallRng::seed_from_u64(5);
    let mut caught = None;
    for _ in 0..300 {
        let input = common::random_input(&mut rng);
        if let Some(message) = fuzz_one_on_fresh_thread(Target::Mutate, &input) {
            caught = Some((input, message));
            break;
        }
    }
    let (input, message) = caught.expect("300 mutate inputs with the planted fault: no crash");
    assert!(message.starts_with("mutator divergence mutator:"), "{message}");
    assert!(message.contains("crosscheck::selftest::mutator::AddToSub"), "{message}");

    // A derived input (what the custom mutator writes for a preserving
    // step: a corpus module and a seed) is judged by the oracle too.
    let derived = corpus::seeds()
        .iter()
        .flat_map(|s| (0..8u64).map(move |seed| derived_input(seed, &s.wasm)))
        .find_map(|input| fuzz_one_on_fresh_thread(Target::Mutate, &input).map(|message| (input, message)));
    let (derived, message) = derived.expect("no derived input with the planted fault crashed");
    assert!(message.starts_with("mutator divergence mutator:"), "{message}");
    assert!(message.contains("crosscheck::selftest::mutator::AddToSub"), "{message}");

    unsafe { std::env::remove_var(MUTATOR_FAULT_VAR) };
    assert_eq!(fuzz_one_on_fresh_thread(Target::Mutate, &input), None, "the same input without the fault");
    assert_eq!(fuzz_one_on_fresh_thread(Target::Mutate, &derived), None, "the same derived input without the fault");
}
