//! The wasm-mutate bugs of `docs/findings/` (`src/mutate/known_bugs.rs`):
//! each is still in this wasm-mutate (when a release fixes one, its test
//! fails: retire the entry), the oracle traces its reduced mutant to it,
//! and a divergence that is not the bug's is not traced to it.

mod common;

use crosscheck::mutate::known_bugs::{reemitted_prefixes, without_duplicated_effects, without_float_identities};
use crosscheck::mutate::oracle::{OracleVerdict, check_mutation};
use crosscheck::mutate::{Mutation, mutate};
use rand::SeedableRng;

fn regression(name: &str) -> Vec<u8> {
    let path = format!("{}/corpus/regressions/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the oracle says of `original` → `mutant` (one peephole step) over
/// 200 random call plans: the known bugs the divergences were traced to
/// (`None`: a divergence traced to none); empty when it never diverged.
fn traced(original: &[u8], mutant: &[u8]) -> Vec<Option<&'static str>> {
    let mutation = Mutation {
        source: "corpus/regressions".into(),
        original: original.to_vec(),
        mutant: mutant.to_vec(),
        seed: 0,
        preserve_semantics: true,
        steps: 1,
        kinds: vec!["PeepholeMutator".into()],
    };
    let mut out: Vec<Option<&'static str>> = divergences(&mutation).into_iter().map(|(bug, _)| bug).collect();
    out.dedup();
    out
}

/// The oracle's divergences on `mutation` over 200 random call plans: the
/// known bug each was traced to and its detail.
fn divergences(mutation: &Mutation) -> Vec<(Option<&'static str>, String)> {
    let mut reference = crosscheck_oracles::registry::create("reference").expect("reference");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(2);
    let mut out = Vec::new();
    for _ in 0..200 {
        let plan = common::random_input(&mut rng);
        if let Ok(OracleVerdict::Diverge { known_bug, detail, .. }) =
            check_mutation(mutation, &plan, reference.as_mut())
        {
            out.push((known_bug, detail));
        }
    }
    out
}

/// The first of 300 one-step semantics-preserving mutations of `original`
/// that `is_bug` recognizes.
fn still_made(original: &[u8], is_bug: impl Fn(&[u8]) -> bool) -> Option<u64> {
    (0..300u64).find(|&seed| is_bug(&mutate(original, seed, 1, true).0))
}

/// The regression pair `corpus/regressions/{pair}-original.wat` and
/// `-mutant.wat` of a documented bug: wasm-mutate still makes the rewrite
/// (`is_bug` recognizes it, `what` names it when it does not), and the
/// oracle traces the mutant to `bug`. Returns the pair.
fn still_made_and_traced(pair: &str, is_bug: impl Fn(&[u8]) -> bool, what: &str, bug: &str) -> (Vec<u8>, Vec<u8>) {
    let original = regression(&format!("{pair}-original"));
    assert!(still_made(&original, is_bug).is_some(), "no {what} in 300 seeds: fixed upstream?");
    let mutant = regression(&format!("{pair}-mutant"));
    assert_eq!(traced(&original, &mutant), [Some(bug)]);
    (original, mutant)
}

/// docs/findings/wasm-mutate-peephole-float-identities.md
#[test]
fn float_identities_still_made_and_traced() {
    still_made_and_traced(
        "wasm-mutate-float-identity",
        |m| without_float_identities(m).is_some(),
        "x + 0.0 / x * 1.0 rewrite",
        "wasm-mutate-peephole-float-identities",
    );
}

/// docs/findings/wasm-mutate-peephole-duplicates-effects.md
#[test]
fn duplicated_effects_still_made_and_traced() {
    still_made_and_traced(
        "wasm-mutate-duplicated-effect",
        |m| without_duplicated_effects(m).is_some(),
        "table.grow duplicated under i32.and/or",
        "wasm-mutate-peephole-duplicates-effects",
    );
}

/// docs/findings/wasm-mutate-peephole-duplicates-effects.md, the same
/// rule on a `local.tee` (a loop counter decremented more than once; found
/// by the `mutate` target under libFuzzer).
#[test]
fn duplicated_local_tee_still_made_and_traced() {
    still_made_and_traced(
        "wasm-mutate-duplicated-tee",
        |m| without_duplicated_effects(m).is_some(),
        "local.tee duplicated under i32.and/or",
        "wasm-mutate-peephole-duplicates-effects",
    );
}

/// docs/findings/wasm-mutate-peephole-duplicates-effects.md, the first
/// copy of the duplicated `memory.grow` written through a global (found by
/// a `mutate` campaign, where the tracing did not know the shape).
#[test]
fn duplicated_grow_through_a_global_still_made_and_traced() {
    let through_global = |m: &[u8]| {
        let text = wasmprinter::print_bytes(m).unwrap_or_default();
        text.contains("global.set") && without_duplicated_effects(m).is_some()
    };
    still_made_and_traced(
        "wasm-mutate-duplicated-grow-global",
        through_global,
        "memory.grow duplicated under i64.or, the first copy through a global",
        "wasm-mutate-peephole-duplicates-effects",
    );
}

/// docs/findings/wasm-mutate-peephole-reorders-effects.md
#[test]
fn reordered_effects_still_made_and_traced() {
    let set_before_get = |m: &[u8]| {
        let text = wasmprinter::print_bytes(m).unwrap_or_default();
        text.find("global.set").is_some_and(|s| text.find("global.get").is_some_and(|g| s < g))
    };
    let (original, mutant) = still_made_and_traced(
        "wasm-mutate-reordered-effect",
        set_before_get,
        "global.get moved past global.set",
        "wasm-mutate-peephole-reorders-effects",
    );
    assert!(!reemitted_prefixes(&original, &mutant).is_empty());
}

/// A re-emitted block deep in a long function is traced too: the
/// candidates that reproduce most of the mutant come first (the tracer
/// once tried the first 64 insertion points from the function's start,
/// and an 8-step `mutate` campaign's peephole step past them went
/// untraced). Eighty units `g = k; h += old g`, the whole block re-emitted
/// as wasm-mutate's peephole encoder writes it, so each `h += g` reads the
/// new `g`.
#[test]
fn a_reordering_past_the_first_candidates_is_traced() {
    let units = 80;
    let (mut original, mut mutant) = (String::new(), String::new());
    for k in 1..=units {
        original += &format!("global.get $g i32.const {k} global.set $g global.get $h i32.add global.set $h\n");
        mutant += &format!("i32.const {k} global.set $g global.get $g global.get $h i32.add global.set $h\n");
    }
    let module = |body: &str| {
        wat::parse_str(format!(
            r#"(module (global $g (mut i32) (i32.const 0)) (global $h (mut i32) (i32.const 0))
                 (export "h" (global $h)) (func (export "f") {body}))"#
        ))
        .expect("wat")
    };
    let (original, mutant) = (module(&original), module(&mutant));
    assert!(reemitted_prefixes(&original, &mutant).len() <= 64);
    assert_eq!(traced(&original, &mutant), [Some("wasm-mutate-peephole-reorders-effects")]);
}

/// Divergences of other shapes are not traced to these bugs: the copies of
/// a duplicated `table.grow` that differ, an `i32.add` turned into
/// `i32.sub` next to a reordering, an effect-free duplicate.
#[test]
fn other_divergences_are_not_traced_to_them() {
    let original = regression("wasm-mutate-duplicated-effect-original");
    let other = wat::parse_str(
        r#"(module (table $t 1 16 funcref) (export "t" (table $t))
          (func (export "grow") (param $n i32) (result i32)
            ref.null func local.get $n table.grow $t
            ref.null func i32.const 2 table.grow $t i32.and))"#,
    )
    .expect("wat");
    assert_eq!(without_duplicated_effects(&other), None);
    assert_eq!(traced(&original, &other), [None]);

    let original = regression("wasm-mutate-reordered-effect-original");
    let mutant = regression("wasm-mutate-reordered-effect-mutant");
    let also_sub = crosscheck::selftest::mutator::add_to_sub(&mutant).expect("an i32.add");
    assert_eq!(traced(&original, &also_sub), [None]);

    let pure = wat::parse_str(
        "(module (func (param i32) (result i32) local.get 0 i32.const 0 i32.xor local.get 0 i32.const 0 i32.shl i32.and))",
    )
    .expect("wat");
    assert_eq!(without_duplicated_effects(&pure), None, "duplicating an expression without effects is no bug");

    // Two different tees under one i32.and: not the duplication.
    let original = regression("wasm-mutate-duplicated-tee-original");
    let other = wat::parse_str(
        r#"(module (func (export "dec") (param $n i32) (result i32)
            local.get $n i32.const 1 i32.sub local.tee $n
            local.get $n i32.const 2 i32.sub local.tee $n i32.and
            local.get $n i32.add))"#,
    )
    .expect("wat");
    assert_eq!(without_duplicated_effects(&other), None);
    assert_eq!(traced(&original, &other), [None]);
}

/// A chain of steps that no bug's rewrites explain as a whole is traced
/// step by step: eight steps on a wasm-smith module (from `crosscheck fuzz
/// mutate --seed 1205`), whose last, a peephole re-emission, is the
/// reordering bug while the seven before it agree. The same chain with
/// its `i32.xor` turned into `i32.or` in the mutant stays untraced (the
/// replayed chain no longer gives the mutant).
#[test]
fn a_chain_is_traced_step_by_step() {
    let original = regression("wasm-mutate-chain-original");
    let seed = 3_155_238_284_896_358_758;
    let (mutant, kinds) = mutate(&original, seed, 8, true);
    assert_eq!(kinds.len(), 8, "wasm-mutate no longer makes this chain: {kinds:?}");
    let mutation = Mutation {
        source: "corpus/regressions".into(),
        original,
        mutant,
        seed,
        preserve_semantics: true,
        steps: 8,
        kinds,
    };
    let found = divergences(&mutation);
    assert!(!found.is_empty(), "the chain no longer diverges");
    for (bug, detail) in &found {
        assert_eq!(*bug, Some("wasm-mutate-peephole-reorders-effects"), "{detail}");
        assert!(detail.contains("traced step by step: step 8 is wasm-mutate-peephole-reorders-effects"), "{detail}");
    }

    let text = wasmprinter::print_bytes(&mutation.mutant).expect("print");
    assert_eq!(text.matches("i32.xor").count(), 1, "{text}");
    let or = wat::parse_str(text.replace("i32.xor", "i32.or")).expect("wat");
    let planted = Mutation { mutant: or, ..mutation };
    let found = divergences(&planted);
    assert!(!found.is_empty() && found.iter().all(|(bug, _)| bug.is_none()), "{found:?}");
}
