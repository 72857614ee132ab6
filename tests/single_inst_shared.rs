//! Atomic instructions on a shared memory in `single_inst`: the sweep and
//! the fuzz target put an atomic instruction on a shared memory (with a
//! maximum) part of the time; the module reads back as the spec it was
//! built for; `memory.atomic.wait32/64` there compares and times out
//! ("not-equal" 1, "timed-out" 2) instead of trapping, within a
//! microsecond, and `memory.atomic.notify` wakes no one; Wasmtime and
//! Winch agree with the reference under the judge (a trap both misaligned
//! and out of bounds may be either).

mod common;

use crosscheck::engines::EngineSet;
use crosscheck::judge::Verdict;
use crosscheck::oracles::{CallOutcome, Observation, TrapKind, Val, registry};
use crosscheck::single_inst::catalog::{SplitMix, lookup};
use crosscheck::single_inst::{Spec, case_for, operands};
use crosscheck::target::check_case;

fn run(engine: &str, case: &crosscheck::case::Case) -> Observation {
    registry::create(engine).unwrap_or_else(|e| panic!("{engine}: {e}")).run(&case.plan)
}

#[test]
fn waits_on_a_shared_memory_compare_and_time_out_on_every_engine() {
    let mut g = SplitMix(0x5ea7);
    let mut engines = EngineSet::fuzzing(&["reference", "wasmtime", "winch"]).unwrap();
    for name in ["memory.atomic.wait32", "memory.atomic.wait64", "memory.atomic.notify", "i32.atomic.rmw8.add_u"] {
        let e = lookup(name).unwrap();
        let shared: Vec<_> =
            e.sweep_immediates(1).into_iter().filter(|i| i.memory().is_some_and(|m| m.shared)).collect();
        assert!(!shared.is_empty(), "{name}: the sweep puts it on a shared memory");
        let mut results = std::collections::BTreeSet::new();
        for imm in shared {
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            assert!(text.ends_with(" shared"), "{text}");
            assert!(!imm.memory().unwrap().unbounded, "{text}: a shared memory has a maximum");
            let tuples: Vec<operands::Tuple> = (0..64).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            assert_eq!(Spec::of_module(&case.plan.wasm), Some(spec), "{text} reads back");
            let reference = run("reference", &case);
            let checked = check_case(text.clone(), case.clone(), &mut engines, std::time::Duration::ZERO);
            assert!(matches!(checked.verdict, Verdict::Agree), "{text}: {:?}", checked.verdict);
            for o in common::outcomes_of_f(&case, &reference.calls) {
                assert_ne!(o, &CallOutcome::Trapped(TrapKind::AtomicWaitNonShared), "{text}: the memory is shared");
                if let CallOutcome::Returned(v) = o {
                    results.insert(v[0].bits() as u64);
                }
            }
        }
        match name {
            "memory.atomic.notify" => assert_eq!(results, [0].into(), "{name}: no one to wake"),
            "i32.atomic.rmw8.add_u" => assert!(results.len() > 1, "{name}: {results:?}"),
            _ => assert_eq!(results, [1, 2].into(), "{name}: not-equal and timed-out"),
        }
    }
}

/// On a shared memory a wait's timeout is 0 or at most a microsecond
/// (a negative one would wait forever), and half the time its expected
/// value is what `poke` put at the address.
#[test]
fn a_shared_wait_never_waits_long() {
    let e = lookup("memory.atomic.wait64").unwrap();
    let imm = e.sweep_immediates(1).into_iter().find(|i| i.memory().is_some_and(|m| m.shared)).unwrap();
    let mut g = SplitMix(11);
    for _ in 0..500 {
        let t = operands::tuple(&mut g, e, &imm);
        match t.args[2] {
            Val::I64(ns) => assert!(ns <= 1000, "timeout {ns} ns"),
            ref other => panic!("the timeout is an i64, not {other:?}"),
        }
    }
}
