//! The `mutate` target: the corpus compiles and runs on every engine
//! (fuel-instrumented: the endless loops stop), the same input gives the
//! same mutant, semantics-preserving mutations pass the oracle, and a
//! planted mutator fault (an `i32.add` turned into `i32.sub` while claiming
//! to preserve semantics) is caught.

mod common;

use crosscheck::engines::EngineSet;
use crosscheck::judge::Verdict;
use crosscheck::mutate::oracle::{OracleVerdict, check_mutation};
use crosscheck::mutate::{Mutation, corpus};
use crosscheck::target::{Target, check, prepare_with_mutation};
use crosscheck_oracles::{CallOutcome, TrapKind};
use rand::SeedableRng;

#[test]
fn every_corpus_file_is_listed_and_compiles() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/mutate");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("corpus/mutate")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".wat").map(str::to_string))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = corpus::SOURCES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, listed, "src/mutate/corpus.rs lists every corpus/mutate/*.wat");
    let seeds = corpus::compile_all().expect("every corpus module compiles");
    assert!(seeds.len() >= 20, "{} modules", seeds.len());
    // Wasm 3.0: a module using each of GC, exceptions and typed function
    // references (corpus_modules_agree_on_every_engine_and_endless_loops_stop
    // runs them).
    for (name, proposal) in [("gc_structs", "gc"), ("exceptions", "exceptions"), ("func_refs", "function-references")] {
        let seed = seeds.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("corpus/mutate/{name}.wat"));
        let used = crosscheck::wasm3::used(&seed.wasm);
        assert!(used.iter().contains(&(proposal, true)), "{name} uses {proposal}: {used:?}");
    }
}

/// The `validate` target's recipes reach Wasm 3.0: wasm-smith modules with
/// GC and exceptions (invalid functions allowed), and the corpus's Wasm 3.0
/// modules with bytes overwritten; some valid, some not.
#[test]
fn validate_recipes_reach_wasm3_modules_valid_and_invalid() {
    let mut set = EngineSet::fuzzing(&["reference"]).expect("reference");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(21);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..400 {
        let Ok(case) = crosscheck::target::prepare(Target::Validate, &input(&mut rng), &mut set) else { continue };
        if !crosscheck::wasm3::used(&case.plan.wasm).iter().iter().any(|(_, used)| *used) {
            continue;
        }
        match crosscheck::mutate::FEATURES.validate(&case.plan.wasm) {
            Ok(()) => valid += 1,
            Err(_) => invalid += 1,
        }
    }
    println!("Wasm 3.0 modules among 400 validate Cases: {valid} valid, {invalid} invalid");
    assert!(valid >= 20 && invalid >= 5, "{valid} valid, {invalid} invalid");
}

use common::random_input as input;

#[test]
fn the_same_input_gives_the_same_mutant_and_plan() {
    let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
    let mut set = EngineSet::fuzzing(&["reference", "wasmi"]).expect("engines");
    let mut mutated = 0;
    for _ in 0..40 {
        let data = input(&mut rng);
        let a = prepare_with_mutation(Target::Mutate, &data, &mut set);
        let b = std::thread::scope(|s| {
            s.spawn(|| {
                let mut set = EngineSet::fuzzing(&["reference", "winch"]).expect("engines");
                prepare_with_mutation(Target::Mutate, &data, &mut set)
            })
            .join()
            .expect("thread")
        });
        match (a, b) {
            (Ok((x, mx)), Ok((y, my))) => {
                assert_eq!(x.plan, y.plan);
                assert_eq!(mx, my);
                mutated += usize::from(mx.is_some_and(|m| !m.kinds.is_empty()));
            }
            (Err(_), Err(_)) => {}
            (x, y) => panic!("one side rejected: {:?} / {:?}", x.err(), y.err()),
        }
    }
    assert!(mutated >= 20, "only {mutated} of 40 inputs were mutated");
}

#[test]
fn corpus_modules_agree_on_every_engine_and_endless_loops_stop() {
    let mut names = vec!["reference", "wasmtime", "winch", "pulley", "wasmi"];
    match crosscheck_oracles::v8::node() {
        Ok(_) => names.push("v8"),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("V8 needs Node.js under CI: {why}"),
        Err(why) => println!("v8 not checked: {why}"),
    }
    let mut set = EngineSet::fuzzing(&names).expect("engines");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(9);
    let mut endless_stopped_everywhere = false;
    for seed in corpus::seeds() {
        for _ in 0..6 {
            // The module itself as the input: the plan comes from its digest,
            // so vary it with a custom section of random bytes.
            let mut wasm = seed.wasm.clone();
            let noise = input(&mut rng);
            wasm.extend(custom_section(&noise[..16]));
            let checked = check(Target::Mutate, &wasm, &mut set).expect("a corpus module gives a Case");
            if let Verdict::Diverge(d) = &checked.verdict {
                assert!(d.known_bug.is_some(), "{}: {}", seed.name, crosscheck::report::render(&checked));
            }
            if seed.name == "infinite_loop" {
                let trapped = |r: &crosscheck::judge::EngineRun| {
                    r.observation.calls.iter().any(|c| matches!(c, CallOutcome::Trapped(TrapKind::Unreachable)))
                };
                endless_stopped_everywhere |= checked.runs.iter().all(trapped);
            }
        }
    }
    assert!(endless_stopped_everywhere, "corpus/mutate/infinite_loop stops on every engine");
}

fn custom_section(payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0u8, (payload.len() + 2) as u8, 1, b'x'];
    s.extend_from_slice(payload);
    s
}

#[test]
fn semantics_preserving_mutations_pass_the_oracle() {
    let mut reference = crosscheck_oracles::registry::create("reference").expect("reference");
    let stats = crosscheck::mutate::oracle::campaign(300, 5, reference.as_mut(), |_| {});
    println!("{stats:?}");
    assert_eq!(stats.diverge, stats.known_bug, "untraced mutator divergences: {:#?}", stats.divergences);
    assert!(stats.agree >= 150, "{stats:?}");
}

/// A module that needs probe wrappers (GC references, exceptions) is
/// observed through them both as original and as mutant: an unchanged
/// module agrees with itself (the oracle once ran only the mutant through
/// them, and called the wrapped exported global a changed export).
#[test]
fn the_oracle_runs_the_original_through_the_same_probes() {
    let mut reference = crosscheck_oracles::registry::create("reference").expect("reference");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
    for seed in corpus::seeds().iter().filter(|s| ["gc_structs", "exceptions", "func_refs"].contains(&s.name)) {
        let unchanged = Mutation {
            source: format!("corpus/mutate/{}", seed.name),
            original: seed.wasm.clone(),
            mutant: seed.wasm.clone(),
            seed: 0,
            preserve_semantics: true,
            steps: 1,
            kinds: Vec::new(),
        };
        for _ in 0..10 {
            let verdict = check_mutation(&unchanged, &input(&mut rng), reference.as_mut());
            assert!(matches!(verdict, Ok(OracleVerdict::Agree { .. })), "{}: {verdict:?}", seed.name);
        }
    }
}

#[test]
fn a_mutator_that_turns_add_into_sub_is_caught() {
    let mut reference = crosscheck_oracles::registry::create("reference").expect("reference");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(11);
    let mut caught = Vec::new();
    let mut with_add = 0;
    for seed in corpus::seeds() {
        let Some(flipped) = crosscheck::selftest::mutator::add_to_sub(&seed.wasm) else { continue };
        with_add += 1;
        let mutation = Mutation {
            source: format!("corpus/mutate/{}", seed.name),
            original: seed.wasm.clone(),
            mutant: flipped,
            seed: 0,
            preserve_semantics: true,
            steps: 1,
            kinds: vec!["planted:i32.add->i32.sub".into()],
        };
        for _ in 0..20 {
            let plan = input(&mut rng);
            if let Ok(OracleVerdict::Diverge { .. }) = check_mutation(&mutation, &plan, reference.as_mut()) {
                caught.push(seed.name);
                break;
            }
        }
    }
    println!("caught in {} of {with_add} modules with an i32.add: {caught:?}", caught.len());
    assert!(caught.len() * 2 >= with_add, "caught in {caught:?} of {with_add}");
}

/// The planted engine faults of `crosscheck selftest`, through the
/// `mutate` target (wasmtime with the fault, judged against the reference).
#[test]
fn planted_engine_faults_are_caught_through_the_mutate_target() {
    use crosscheck::selftest::{Fault, SelftestOptions, run_fault};
    let opts = SelftestOptions { target: Target::Mutate, ..crosscheck::selftest::masked_options(600, 1) };
    let mut missed = Vec::new();
    for &fault in Fault::ALL {
        let r = run_fault(fault, &opts).expect("selftest runs");
        println!("{}: {:?}", fault.name(), r.detected_after);
        if r.detected_after.is_none() {
            missed.push(fault.name());
        }
    }
    assert!(missed.is_empty(), "not caught through the mutate target in {} Cases: {missed:?}", opts.budget);
}
