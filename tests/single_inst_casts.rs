//! `ref.test`, `ref.cast`, `br_on_cast` and `br_on_cast_fail` of objects of
//! defined struct and array types
//! (`src/single_inst/casts.rs`) against every type they take, on the
//! reference interpreter and Wasmtime (Cranelift and Pulley): every
//! engine returns what the spec's model says, call by call, and the edges
//! of the type system come out as the spec has them — a type defined
//! twice alike is one type, a rec group is part of its types, a final type
//! that reads like another is not it, subtypes pass their supertypes'
//! casts; `br_on_cast` branches where `ref.test` passes, `br_on_cast_fail`
//! where it fails; the same for functions against the `func` hierarchy's
//! types. The planted rec-group-blind cast is caught by the sweep in
//! `tests/sweep.rs` and by the fuzz target in `tests/single_inst_faults.rs`.

mod common;

use crosscheck::oracles::{CallOutcome, Val, registry};
use crosscheck::single_inst::casts::{CAST_HEAPS, OBJECTS};
use crosscheck::single_inst::catalog::lookup;
use crosscheck::single_inst::operands::Tuple;
use crosscheck::single_inst::{Immediates, Spec, case_for, refs};
use std::collections::BTreeSet;

/// Every kind of operand: an i31, null, one object of each type, and a
/// kind past 9 (`(kind - 2) & 7` picks the type: `u32::MAX` makes a `$r1`).
fn kinds() -> Vec<u32> {
    (0..2 + OBJECTS.len() as u32).chain([u32::MAX]).collect()
}

/// For `name` against every type, nullable or not, on every kind of
/// operand: the (heap type, nullable, kind) of each call that returned
/// `passed` on Wasmtime, after checking each engine against the model
/// and the reference.
fn run_everywhere(name: &str, mut passed: impl FnMut(&[Val]) -> bool) -> BTreeSet<(&'static str, bool, u32)> {
    let entry = lookup(name).unwrap();
    let mut seen = BTreeSet::new();
    for heap in 0..CAST_HEAPS.len() as u8 {
        for nullable in [false, true] {
            let imm = Immediates::Cast { heap, nullable };
            let spec = Spec { entry, imm };
            let text = spec.section_text();
            assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{text}");
            let tuples: Vec<Tuple> = kinds()
                .into_iter()
                .enumerate()
                .map(|(i, k)| Tuple { args: vec![Val::I32(0x4000_0005 ^ (i as u32) << 31), Val::I32(k)], poke: None })
                .collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            let reference = registry::create("reference").unwrap().run(&case.plan);
            for engine in ["wasmtime", "pulley"] {
                let run = registry::create(engine).unwrap().run(&case.plan);
                assert_eq!(run.calls, reference.calls, "{text} on {engine}");
                let of_f = common::outcomes_of_f(&case, &run.calls);
                assert_eq!(of_f.len(), tuples.len(), "{text}");
                for (t, got) in tuples.iter().zip(of_f) {
                    let expected = refs::expected(entry, &imm, &t.args).unwrap();
                    assert_eq!(*got, expected, "{text} on {engine}, operands {:?}", t.args);
                    if engine == "wasmtime"
                        && let CallOutcome::Returned(v) = got
                        && passed(v)
                    {
                        seen.insert((CAST_HEAPS[heap as usize], nullable, t.args[1].bits() as u32));
                    }
                }
            }
        }
    }
    seen
}

#[test]
fn ref_test_follows_the_type_system_on_every_engine() {
    let passed = run_everywhere("ref.test", |v| v == [Val::I32(1)]);
    let passes =
        |heap: &str, kind: u32| passed.contains(&(CAST_HEAPS.iter().find(|h| **h == heap).unwrap(), false, kind));
    // Kinds: 0 i31, 1 null, 2 $s0, 3 $s0dup, 4 $s1, 5 $sf, 6 $r0, 7 $r1,
    // 8 $a, 9 $ai, u32::MAX $r1.
    assert!(passes("$s0", 3) && passes("$s0dup", 2), "a type defined twice alike is one type");
    assert!(passes("$s0", 4) && passes("$s0dup", 4) && !passes("$s1", 2), "a subtype passes its supertype's test");
    assert!(!passes("$s0", 6) && !passes("$r0", 2) && passes("$r0", 7) && passes("$r0", u32::MAX), "rec groups");
    assert!(!passes("$sf", 2) && !passes("$s0", 5) && passes("struct", 5), "a final type is not the non-final one");
    assert!(!passes("$a", 9) && !passes("$ai", 8) && passes("array", 9), "mutability is part of an array type");
    assert!(passes("eq", 0) && !passes("struct", 0) && !passes("any", 1) && !passes("none", 2));
    assert!(passed.contains(&("$r1", true, 1)) && passed.contains(&("none", true, 1)), "null passes nullable tests");
}

/// The same in the `func` hierarchy, where the operand is a function: a
/// declared subtype passes its supertype's test, a final type of the same
/// signature is another type, and a test is of the declared type, not of
/// the signature.
#[test]
fn ref_test_of_functions_follows_declared_subtypes_and_finality() {
    let passed = run_everywhere("ref.test", |v| v == [Val::I32(1)]);
    let passes =
        |heap: &str, kind: u32| passed.contains(&(CAST_HEAPS.iter().find(|h| **h == heap).unwrap(), false, kind));
    // Kinds: 1 null, 2 $f0, 3 $f1, 4 $ff, 5 $g; 0, 9 and u32::MAX are
    // (k - 2) & 3 = 2, 3 and 1: $ff, $g and $f1.
    assert!(passes("$f0", 2) && passes("$f0", 3) && passes("$f1", 3) && !passes("$f1", 2), "declared subtypes");
    assert!(!passes("$f0", 4) && !passes("$ff", 2) && !passes("$ff", 3) && passes("$ff", 4), "finality");
    assert!(
        passes("$ff", 0) && passes("$g", 9) && passes("$f1", u32::MAX) && !passes("$g", 2) && passes("$g", 5),
        "kinds and signatures"
    );
    assert!((2..=5).all(|k| passes("func", k)) && !passes("func", 1) && !passes("nofunc", 2));
    assert!(passed.contains(&("nofunc", true, 1)) && passed.contains(&("$g", true, 1)), "null passes nullable tests");
}

#[test]
fn ref_cast_reads_back_the_object_it_passes() {
    // The objects that passed a cast to `any`, by their tag (see
    // `$read` in `casts::declarations`): every kind but null has its own, but for
    // `$s0dup`'s objects, which are `$s0`'s.
    let mut tags = std::collections::BTreeMap::new();
    let passed = run_everywhere("ref.cast", |v| {
        tags.insert(v[1].bits() as u32, v[2].bits() as u32);
        v.len() == 3
    });
    let any = CAST_HEAPS[0];
    for kind in kinds().into_iter().filter(|&k| k != 1) {
        assert!(passed.contains(&(any, false, kind)), "kind {kind} passes a cast to any");
    }
    assert!(!passed.contains(&(any, false, 1)), "null traps on a cast to (ref any)");
    let tag_set: BTreeSet<u32> = tags.keys().copied().collect();
    assert_eq!(tag_set, (0..=8).collect(), "null reads 0, an i31 1, the seven object types 2 to 8");
    // Each object holds the value it was made from: bit 31 set or not, as
    // an i31 would not keep it.
    assert!(tags.values().any(|&v| v == 0xc000_0005), "{tags:?}");
}

#[test]
fn branches_on_casts_are_taken_exactly_where_ref_test_passes() {
    let tested = run_everywhere("ref.test", |v| v == [Val::I32(1)]);
    let taken = run_everywhere("br_on_cast", |v| v[0] == Val::I32(1));
    assert_eq!(taken, tested, "br_on_cast branches where ref.test passes");
    let failed = run_everywhere("br_on_cast_fail", |v| v[0] == Val::I32(1));
    let every = CAST_HEAPS.len() * 2 * kinds().len();
    assert_eq!(failed.len() + tested.len(), every);
    assert!(failed.is_disjoint(&tested), "br_on_cast_fail branches where ref.test fails");
}

/// The planted `cast-finality-blind` (a cast to a final type checked as to
/// the type that differs from it in finality alone) shows in both
/// hierarchies: `ref.test (ref $ff)` on Wasmtime with the fault passes for
/// `$f0`'s and `$f1`'s functions and fails for `$ff`'s (function kinds
/// wrap at four: 2, 6 are `$f0`; 3, 7 `$f1`; 0, 4, 8 `$ff`), `ref.test
/// (ref $sf)` the same for `$s0`'s, `$s1`'s and `$sf`'s objects; every
/// other kind, and every test against a type that is not final, is
/// unchanged.
#[test]
fn cast_finality_blind_fault_shows_in_both_hierarchies() {
    let entry = lookup("ref.test").unwrap();
    let mut faulty = crosscheck::engines::create_default("wasmtime+cast-finality-blind").unwrap();
    let heap = |name: &str| CAST_HEAPS.iter().position(|h| *h == name).unwrap() as u8;
    for (target, wrong) in
        [("$ff", [0u32, 2, 3, 4, 6, 7, 8].as_slice()), ("$sf", [2, 3, 4, 5].as_slice()), ("$f0", &[]), ("$s0", &[])]
    {
        let imm = Immediates::Cast { heap: heap(target), nullable: false };
        let spec = Spec { entry, imm };
        let tuples: Vec<Tuple> =
            kinds().into_iter().map(|k| Tuple { args: vec![Val::I32(7), Val::I32(k)], poke: None }).collect();
        let case = case_for(&spec, &tuples).unwrap();
        let run = faulty.run(&case.plan);
        let of_f = common::outcomes_of_f(&case, &run.calls);
        let differs: Vec<u32> = tuples
            .iter()
            .zip(of_f)
            .filter(|(t, got)| **got != refs::expected(entry, &imm, &t.args).unwrap())
            .map(|(t, _)| t.args[1].bits() as u32)
            .filter(|k| *k < 10)
            .collect();
        assert_eq!(differs, wrong, "ref.test (ref {target})");
    }
}

/// `br_on_null` branches exactly on a null operand, `br_on_non_null`
/// exactly on a non-null one, and what leaves is the operand (an i31,
/// read back with its 31 bits) or null — on the reference, Cranelift and
/// Pulley alike, each call as `refs::expected` says.
#[test]
fn branches_on_null_are_taken_exactly_where_the_operand_is_null() {
    for name in ["br_on_null", "br_on_non_null"] {
        let entry = lookup(name).unwrap();
        let spec = Spec { entry, imm: Immediates::None };
        let tuples: Vec<Tuple> = [(0x8000_0005u32, 0u32), (7, 1), (0, 0), (u32::MAX, 0), (0x4000_0000, 3)]
            .into_iter()
            .map(|(v, null)| Tuple { args: vec![Val::I32(v), Val::I32(null)], poke: None })
            .collect();
        let case = case_for(&spec, &tuples).unwrap();
        for engine in ["reference", "wasmtime", "pulley"] {
            let run = registry::create(engine).unwrap().run(&case.plan);
            for (t, got) in tuples.iter().zip(common::outcomes_of_f(&case, &run.calls)) {
                assert_eq!(*got, refs::expected(entry, &spec.imm, &t.args).unwrap(), "{name} on {engine}");
                let CallOutcome::Returned(v) = got else { panic!("{name} on {engine}: {got}") };
                let null = t.args[1] != Val::I32(0);
                assert_eq!(v[0] == Val::I32(1), null == (name == "br_on_null"), "{name} on {engine}: {:?}", t.args);
                // What left: null, or the i31 of the value.
                let left = if null { [1, 0, u32::MAX] } else { [0, 1, t.args[0].bits() as u32 & 0x7fff_ffff] };
                assert_eq!(v[1..], left.map(Val::I32), "{name} on {engine}");
            }
        }
    }
}

/// The planted `br-on-null-i31-zero` and `br-on-non-null-i31-zero` change
/// exactly the calls of their own instruction whose operand is an i31 of 0
/// (the value 0 or `2^31`, not null): `br_on_null` branches on them as on
/// null, `br_on_non_null` falls through as on null.
#[test]
fn br_on_null_i31_zero_faults_change_only_i31_zero() {
    let args = [(0u32, 0u32), (0x8000_0000, 0), (1, 0), (0, 1), (0x7fff_ffff, 0)];
    let tuples: Vec<Tuple> =
        args.iter().map(|&(v, null)| Tuple { args: vec![Val::I32(v), Val::I32(null)], poke: None }).collect();
    for fault in ["br-on-null-i31-zero", "br-on-non-null-i31-zero"] {
        for name in ["br_on_null", "br_on_non_null"] {
            let entry = lookup(name).unwrap();
            let spec = Spec { entry, imm: Immediates::None };
            let case = case_for(&spec, &tuples).unwrap();
            let mut faulty = crosscheck::engines::create_default(&format!("wasmtime+{fault}")).unwrap();
            let run = faulty.run(&case.plan);
            let changed: Vec<(u32, u32)> = tuples
                .iter()
                .zip(common::outcomes_of_f(&case, &run.calls))
                .filter(|(t, got)| **got != refs::expected(entry, &spec.imm, &t.args).unwrap())
                .map(|(t, _)| (t.args[0].bits() as u32, t.args[1].bits() as u32))
                .collect();
            let aimed = fault == format!("{}-i31-zero", name.replace('_', "-"));
            let want: &[(u32, u32)] = if aimed { &[(0, 0), (0x8000_0000, 0)] } else { &[] };
            assert_eq!(changed, want, "{fault} on {name}");
        }
    }
}
