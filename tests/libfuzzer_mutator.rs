//! The `mutate` target's custom mutator for libFuzzer
//! (`mutate::libfuzzer_mutate`): a wasm-mutate step that claims to
//! preserve semantics is written as a derived input (the module and the
//! seed), which the target makes into the same mutant and the oracle
//! judges against the module; any other step as the mutant itself; odd
//! seeds go to libFuzzer's byte mutator; a derived input is mutated
//! further from its mutant.

use crosscheck::case::Determinism;
use crosscheck::mutate::{DERIVED_MAGIC, case_from_bytes, corpus, derived, libfuzzer_mutate, mutate};

/// `libfuzzer_mutate` on `input` with `seed`: the output, and whether the
/// byte mutator was called.
fn custom(input: &[u8], seed: u32) -> (Vec<u8>, bool) {
    let max = 1 << 16;
    let mut data = input.to_vec();
    data.resize(max, 0);
    let mut bytes_called = false;
    let n = libfuzzer_mutate(&mut data, input.len(), max, seed, |_, size, _| {
        bytes_called = true;
        size
    });
    data.truncate(n);
    (data, bytes_called)
}

#[test]
fn preserving_steps_become_derived_inputs_the_oracle_judges() {
    let seeds = corpus::seeds();
    let (mut derived_inputs, mut mutants, mut to_bytes) = (0, 0, 0);
    for module in seeds
        .iter()
        .map(|s| &s.wasm)
        .filter(|w| crosscheck::wasm3::used(w).iter().into_iter().all(|(_, used)| !used))
        .take(8)
    {
        for seed in 0..16u32 {
            let (out, bytes_called) = custom(module, seed);
            if seed % 2 == 1 {
                assert!(bytes_called, "odd seeds go to the byte mutator");
                to_bytes += 1;
                continue;
            }
            if bytes_called {
                continue; // wasm-mutate made nothing of it
            }
            if seed % 4 == 0 {
                let (s, parent) = derived(&out).expect("a preserving step is a derived input");
                assert!(out.starts_with(DERIVED_MAGIC));
                assert_eq!((s, parent), (u64::from(seed), &module[..]));
                let (case, mutation, _) = case_from_bytes(&out, Determinism::JUDGED).expect("a Case");
                assert!(mutation.preserve_semantics && mutation.kinds.len() == 1, "{}", mutation.describe());
                assert_eq!(mutation.original, *module);
                assert_eq!(mutation.mutant, mutate(module, s, 1, true).0, "the target makes the same mutant");
                assert_ne!(mutation.mutant, *module);
                assert!(!case.plan.calls.is_empty() || case.info.funcs.is_empty());
                // Mutated further: the new parent is this input's mutant.
                let (next, _) = custom(&out, 8);
                if let Some((_, next_parent)) = derived(&next) {
                    assert_eq!(next_parent, &mutation.mutant[..]);
                }
                derived_inputs += 1;
            } else {
                assert!(out.starts_with(b"\0asm") && out != *module, "any other step writes the mutant");
                mutants += 1;
            }
        }
    }
    assert!(derived_inputs >= 8 && mutants >= 8 && to_bytes == 64, "{derived_inputs} {mutants} {to_bytes}");
}
