//! `memory.grow` and `table.grow` in `single_inst`: on every kind of
//! memory and table (32- or 64-bit, with a maximum or without) the
//! reference returns what the spec says, call after call (the old size
//! where the delta fits, -1 where it must fail), and Wasmtime and wasmi
//! agree with it call by call and on the final state; a Case's grows of a
//! memory or table without a maximum stay within what every engine grows;
//! a 64-bit memory's deltas that must fail include ones whose low 32 bits
//! are small; and a `memory.grow` that cuts its delta to 32 bits is caught
//! through the fuzz target.

use crosscheck::oracles::{CallOutcome, Observation, Val, registry};
use crosscheck::selftest::{Fault, run_fault, single_inst_options};
use crosscheck::single_inst::catalog::{Immediates, SplitMix, lookup};
use crosscheck::single_inst::operands::{
    GROW_BUDGET_ELEMENTS, GROW_BUDGET_PAGES, GROW_MAX_ELEMENTS, GROW_MAX_PAGES, Tuple,
};
use crosscheck::single_inst::tables::TABLE_SIZE;
use crosscheck::single_inst::{Spec, case_for, operands};

fn run(engine: &str, case: &crosscheck::case::Case) -> Observation {
    registry::create(engine).unwrap_or_else(|e| panic!("{engine}: {e}")).run(&case.plan)
}

/// The delta a call of an instruction export grows by: its own operand
/// (`f`, `t0`, `s0`), tuple `i`'s (`k(i)`), or the first tuple's (`g0`,
/// `l0`); `None` for `poke` and `peek`.
fn delta_of(call: &crosscheck::oracles::Call, tuples: &[Tuple], at: usize) -> Option<u64> {
    let arg = match call.export.as_str() {
        "f" | "t0" | "s0" => call.args.get(at)?,
        "k" => tuples[call.args[0].bits() as usize].args.get(at)?,
        "g0" | "l0" => tuples[0].args.get(at)?,
        _ => return None,
    };
    Some(arg.bits() as u64)
}

/// The spec's result of each grow in `case`, computed here from the
/// deltas: the size before where the new size is within the limit (the
/// declared maximum, else the address type's), -1 otherwise.
fn expected_results(spec: &Spec, tuples: &[Tuple], case: &crosscheck::case::Case) -> Vec<Option<Val>> {
    let memory = spec.entry.name == "memory.grow";
    let address64 = spec.imm.address64();
    let unbounded = spec.imm.memory().map(|m| m.unbounded).or(spec.imm.table().map(|t| t.unbounded)).unwrap();
    let (mut size, limit): (u128, u128) = match (memory, unbounded, address64) {
        (true, false, _) => (1, GROW_MAX_PAGES as u128),
        (true, true, false) => (1, 1 << 16),
        (true, true, true) => (1, 1 << 48),
        (false, false, _) => (TABLE_SIZE as u128, GROW_MAX_ELEMENTS as u128),
        (false, true, false) => (TABLE_SIZE as u128, u32::MAX as u128),
        (false, true, true) => (TABLE_SIZE as u128, u64::MAX as u128),
    };
    let at = spec.entry.address_operands()[0];
    let val = |x: u64| if address64 { Val::I64(x) } else { Val::I32(x as u32) };
    case.plan
        .calls
        .iter()
        .map(|call| {
            let delta = delta_of(call, tuples, at)? as u128;
            Some(if size + delta <= limit {
                let old = size;
                size += delta;
                val(old as u64)
            } else {
                val(u64::MAX)
            })
        })
        .collect()
}

/// Both grows on every kind of memory and table, with the sweep's
/// immediates and drawn tuples: the reference's result of every grow is
/// the spec's (computed here), Wasmtime and wasmi agree call by call and on
/// the final memory or table, grows complete and fail on every kind, and a
/// memory or table without a maximum ends within the Case's budget.
#[test]
fn grows_return_the_old_size_or_fail_as_the_spec_says_on_every_kind() {
    let mut g = SplitMix(33);
    for name in ["memory.grow", "table.grow"] {
        let e = lookup(name).unwrap();
        let at = e.address_operands()[0];
        let mut kinds = 0;
        for imm in e.sweep_immediates(1) {
            kinds += 1;
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            let (mut grew, mut failed) = (false, false);
            for _ in 0..6 {
                let mut tuples: Vec<Tuple> = (0..12).map(|_| operands::tuple(&mut g, e, &imm)).collect();
                let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
                // What the Case runs: the capped deltas, read back from `f`.
                for (t, c) in tuples.iter_mut().zip(case.plan.calls.iter().filter(|c| c.export == "f")) {
                    t.args = c.args.clone();
                }
                let reference = run("reference", &case);
                for ((call, got), want) in
                    case.plan.calls.iter().zip(&reference.calls).zip(expected_results(&spec, &tuples, &case))
                {
                    let Some(want) = want else { continue };
                    assert_eq!(got, &CallOutcome::Returned(vec![want]), "{text}: {call:?}");
                    if want.bits() as u64 == u64::MAX || want.bits() as u32 == u32::MAX {
                        failed = true;
                    } else if delta_of(call, &tuples, at) != Some(0) {
                        grew = true;
                    }
                }
                for engine in ["wasmtime", "wasmi"] {
                    // wasmi has no GC: it sits out a table of `externref`s.
                    let missing = case.features.missing_from(&registry::create(engine).unwrap().features());
                    if !missing.is_empty() {
                        assert!(engine == "wasmi" && case.features.gc, "{text}: {engine} lacks {missing:?}");
                        continue;
                    }
                    let other = run(engine, &case);
                    assert_eq!(other.calls, reference.calls, "{text} on {engine}");
                    assert_eq!(other.state, reference.state, "{text} on {engine}");
                }
                let unbounded = imm.memory().map(|m| m.unbounded).or(imm.table().map(|t| t.unbounded)).unwrap_or(false);
                if unbounded {
                    let grown: u64 = expected_results(&spec, &tuples, &case)
                        .iter()
                        .zip(&case.plan.calls)
                        .filter(|(r, _)| {
                            r.as_ref().is_some_and(|v| v.bits() as u64 != u64::MAX && v.bits() as u32 != u32::MAX)
                        })
                        .filter_map(|(_, c)| delta_of(c, &tuples, at))
                        .sum();
                    let budget = if name == "memory.grow" { GROW_BUDGET_PAGES } else { GROW_BUDGET_ELEMENTS };
                    assert!(grown <= budget, "{text}: grew by {grown}");
                }
            }
            assert!(grew && failed, "{text}: grew {grew}, failed {failed}");
        }
        // Four memories; four tables of each kind of element.
        assert_eq!(kinds, if name == "memory.grow" { 4 } else { 12 }, "{name} on every kind of memory or table");
    }
}

/// A 64-bit memory's deltas that must fail (past 2^48 pages) include ones
/// whose low 32 bits are a few pages: an engine cutting the delta grows.
#[test]
fn a_64_bit_memory_draws_deltas_that_must_fail_with_small_low_bits() {
    let e = lookup("memory.grow").unwrap();
    let imm = e.sweep_immediates(1).into_iter().find(|i| i.address64()).unwrap();
    assert!(matches!(imm, Immediates::Memory(_)));
    let mut g = SplitMix(4);
    let deltas: Vec<u64> = (0..200).map(|_| operands::tuple(&mut g, e, &imm).args[0].bits() as u64).collect();
    assert!(deltas.iter().any(|d| *d > 1 << 48 && (*d as u32) < 8), "{deltas:x?}");
    assert!(deltas.iter().any(|d| (1..=3).contains(d)), "{deltas:x?}");
}

/// A 64-bit memory whose `memory.grow` cuts its delta to 32 bits: caught
/// through the fuzz target (through the sweep: tests/sweep.rs; through
/// `patterns`: tests/patterns.rs).
#[test]
fn a_memory64_grow_cutting_its_delta_is_caught_by_the_fuzz_target() {
    let opts = single_inst_options(8000, 1);
    let r = run_fault(Fault::Grow64DeltaTruncated, &opts).expect("selftest runs");
    let n = r.detected_after.unwrap_or_else(|| panic!("not detected in {} inputs", opts.budget));
    println!("memory64-grow-truncated: detected by single_inst after {n} inputs");
}
