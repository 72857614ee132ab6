//! crosscheck's own semantics-preserving rewrites (`mutate::rewrites`):
//! every rewrite applies to the corpus and validates, the oracle finds the
//! rewritten modules computing what the originals compute, every engine
//! agrees on them, and a mutation step on a module wasm-mutate cannot read
//! (Wasm 3.0) now makes one.

mod common;

use crosscheck::engines::EngineSet;
use crosscheck::judge::Verdict;
use crosscheck::mutate::oracle::{OracleVerdict, check_mutation};
use crosscheck::mutate::rewrites::{Rewrite, rewrite};
use crosscheck::mutate::{Mutation, corpus};
use crosscheck::target::{Target, check};
use rand::SeedableRng;
use std::collections::BTreeMap;

const WASM3: &[&str] = &["gc_structs", "exceptions", "func_refs"];

use common::random_input as plan_bytes;

fn mutation(name: &str, original: &[u8], mutant: Vec<u8>, seed: u64, r: Rewrite) -> Mutation {
    Mutation {
        source: format!("corpus/mutate/{name}"),
        original: original.to_vec(),
        mutant,
        seed,
        preserve_semantics: true,
        steps: 1,
        kinds: vec![r.kind().to_string()],
    }
}

/// Every rewrite applies to some corpus module, and on the Wasm 3.0 ones;
/// what it makes validates and, judged by the oracle on the reference
/// against the original, computes the same on every call tried.
#[test]
fn rewrites_validate_and_preserve_semantics() {
    let mut reference = crosscheck_oracles::registry::create("reference").expect("reference");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let mut applied: BTreeMap<&str, usize> = BTreeMap::new();
    let mut on_wasm3: BTreeMap<&str, usize> = BTreeMap::new();
    let mut judged = 0;
    let mut failures = Vec::new();
    for module in corpus::seeds() {
        for seed in 0..24u64 {
            let Some((mutant, r)) = rewrite(&module.wasm, seed) else { continue };
            *applied.entry(r.kind()).or_default() += 1;
            if WASM3.contains(&module.name) {
                *on_wasm3.entry(r.kind()).or_default() += 1;
            }
            assert_ne!(mutant, module.wasm, "{} seed {seed}: {r:?} changed nothing", module.name);
            wasmparser::validate(&mutant).unwrap_or_else(|e| panic!("{} seed {seed}: {r:?}: {e}", module.name));
            let m = mutation(module.name, &module.wasm, mutant, seed, r);
            for _ in 0..3 {
                match check_mutation(&m, &plan_bytes(&mut rng), reference.as_mut()) {
                    Ok(OracleVerdict::Agree { .. }) => judged += 1,
                    Ok(OracleVerdict::Inconclusive(_)) | Err(_) => {}
                    Ok(v) => failures.push(format!("{} seed {seed} {r:?}: {v:?}", module.name)),
                }
            }
        }
    }
    println!("applied {applied:?}, on Wasm 3.0 modules {on_wasm3:?}, {judged} agreements");
    assert!(failures.is_empty(), "{failures:#?}");
    for r in Rewrite::ALL {
        assert!(applied.get(r.kind()).copied().unwrap_or(0) > 0, "{r:?} never applied: {applied:?}");
        assert!(on_wasm3.get(r.kind()).copied().unwrap_or(0) > 0, "{r:?} never applied to a Wasm 3.0 module");
    }
    assert!(judged > 500, "{judged} agreements");
}

/// The rewrites keep an exception's tag and values: the corpus's
/// exceptions module, its `catch` export catching what a call to
/// `$thrower` throws, gives the same results through every rewrite of
/// that call as before, for each kind of exception thrown.
#[test]
fn exceptions_leave_a_rewritten_call_as_they_left_the_original() {
    let seeds = corpus::seeds();
    let module = seeds.iter().find(|s| s.name == "exceptions").expect("exceptions.wat");
    let run = |wasm: &[u8], export: &str, x: i32| -> String {
        let mut reference = crosscheck_oracles::registry::create("reference").expect("reference");
        let plan = crosscheck_oracles::Plan {
            wasm: wasm.to_vec(),
            calls: vec![crosscheck_oracles::Call {
                export: export.into(),
                args: vec![crosscheck_oracles::Val::I32(x as u32)],
            }],
            observe: crosscheck_oracles::Exports::of_module(wasm).expect("exports"),
        };
        format!("{:?}", reference.run(&plan).calls)
    };
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..64u64 {
        let Some((mutant, r)) = rewrite(&module.wasm, seed) else { continue };
        seen.insert(r.kind());
        for export in ["catch", "rethrow", "catch_ref", "deep", "escape"] {
            for x in [-5, 0, 1, 2, 4, 63] {
                assert_eq!(run(&mutant, export, x), run(&module.wasm, export, x), "{r:?} seed {seed}: {export}({x})");
            }
        }
    }
    assert_eq!(seen.len(), Rewrite::ALL.len(), "{seen:?}");
}

/// Every engine agrees on the rewritten Wasm 3.0 modules (the engines
/// lacking exceptions or GC sit those out), as on the originals.
#[test]
fn engines_agree_on_rewritten_wasm3_modules() {
    let mut names = vec!["reference", "wasmtime", "pulley"];
    if crosscheck_oracles::v8::node().is_ok() {
        names.push("v8");
    }
    let mut set = EngineSet::fuzzing(&names).expect("engines");
    let seeds = corpus::seeds();
    let mut agreed = 0;
    for module in seeds.iter().filter(|s| WASM3.contains(&s.name)) {
        for seed in 0..12u64 {
            let Some((mutant, r)) = rewrite(&module.wasm, seed) else { continue };
            // A module input: the mutant itself, calls from its digest.
            let checked = check(Target::Mutate, &mutant, &mut set).expect("check");
            match checked.verdict {
                Verdict::Agree => agreed += 1,
                v => panic!("{} seed {seed} {r:?}: {v:?}", module.name),
            }
        }
    }
    assert!(agreed >= 30, "{agreed} agreements");
}

/// A mutation step on a module wasm-mutate cannot read makes one of the
/// rewrites (before, the chain ended with no step); the same seed gives the
/// same mutant.
#[test]
fn a_step_on_a_wasm3_module_is_a_rewrite() {
    let seeds = corpus::seeds();
    for module in seeds.iter().filter(|s| WASM3.contains(&s.name)) {
        for seed in 0..8u64 {
            let (mutant, kinds) = crosscheck::mutate::mutate(&module.wasm, seed, 3, true);
            assert_eq!(kinds.len(), 3, "{} seed {seed}: {kinds:?}", module.name);
            assert!(kinds.iter().all(|k| k.starts_with("crosscheck::mutate::rewrites::")), "{kinds:?}");
            assert_eq!(crosscheck::mutate::mutate(&module.wasm, seed, 3, true), (mutant, kinds));
        }
    }
}

/// Under libFuzzer, the custom mutator's step on a Wasm 3.0 module is a
/// rewrite too: on seeds `4k` a derived input whose Case carries the
/// rewrite (judged by the oracle against the module), on seeds `4k + 2`
/// the mutant; before, wasm-mutate made nothing of these modules and every
/// seed went to libFuzzer's byte mutator.
#[test]
fn the_custom_mutator_rewrites_wasm3_modules() {
    use crosscheck::case::Determinism;
    use crosscheck::mutate::{case_from_bytes, derived, libfuzzer_mutate};
    let seeds = corpus::seeds();
    let mut derived_inputs = 0;
    for module in seeds.iter().filter(|s| WASM3.contains(&s.name)) {
        for seed in (0..16u32).step_by(2) {
            let max = 1 << 16;
            let mut data = module.wasm.clone();
            data.resize(max, 0);
            let n = libfuzzer_mutate(&mut data, module.wasm.len(), max, seed, |_, _, _| {
                panic!("{} seed {seed}: the byte mutator was called", module.name)
            });
            data.truncate(n);
            let (case, mutation, _) = case_from_bytes(&data, Determinism::JUDGED).expect("a Case");
            if seed % 4 == 0 {
                assert!(derived(&data).is_some(), "{} seed {seed}: a derived input", module.name);
                assert!(mutation.preserve_semantics, "{}", mutation.describe());
                assert!(mutation.kinds[0].starts_with("crosscheck::mutate::rewrites::"), "{}", mutation.describe());
                assert_ne!(mutation.mutant, module.wasm);
                derived_inputs += 1;
            } else {
                assert!(data.starts_with(b"\0asm") && data != module.wasm, "{} seed {seed}: the mutant", module.name);
            }
            assert!(!case.plan.calls.is_empty(), "{} seed {seed}: calls", module.name);
        }
    }
    assert_eq!(derived_inputs, 3 * 4);
}
