//! The table instructions of `single_inst`: the catalog against
//! wasmparser's operator list, each instruction on every kind of table
//! (32- or 64-bit, with a maximum or without) completing and trapping on
//! both sides of the table's end with the reference, Wasmtime and wasmi
//! agreeing call by call, their effect on the table visible through
//! `peek`, the operand sources feeding the same operands, and a planted
//! 64-bit table miscompile and a `call_indirect` that accepts a sibling
//! subtype caught through the fuzz target.

mod common;

use crosscheck::oracles::{CallOutcome, Observation, TrapKind, Val, registry};
use crosscheck::selftest::{Fault, run_fault, single_inst_options};
use crosscheck::single_inst::catalog::{CalleeType, ENTRIES, Elements, Group, Immediates, SplitMix, Table, lookup};
use crosscheck::single_inst::tables::{FUNC_IDS, TABLE_SIZE};
use crosscheck::single_inst::{Spec, case_for, operands};
use std::collections::BTreeSet;

/// `(proposal, name)` of every operator wasmparser knows, the name spelled
/// with `_` for `.` (`call_indirect`, `table_get`).
fn wasmparser_operators() -> Vec<(&'static str, String)> {
    macro_rules! collect {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            vec![$( (stringify!($proposal), stringify!($visit)), )*]
        };
    }
    let ops: Vec<(&'static str, &'static str)> = wasmparser::for_each_operator!(collect);
    ops.into_iter().map(|(p, visit)| (p, visit.trim_start_matches("visit_").to_string())).collect()
}

#[test]
fn catalog_has_every_table_instruction() {
    let tables: BTreeSet<String> = wasmparser_operators()
        .into_iter()
        .filter(|(p, n)| {
            let on_tables = ["mvp", "reference_types", "bulk_memory"].contains(p)
                && (n.starts_with("table_") || n.starts_with("elem_"));
            let calls = ["call_indirect", "return_call_indirect", "call_ref", "return_call_ref"];
            on_tables || calls.contains(&n.as_str())
        })
        .map(|(_, n)| n)
        .collect();
    // get, set, size, grow, fill (reference types); init, copy, elem.drop
    // (bulk memory); call_indirect (1.0); return_call_indirect (tail calls);
    // call_ref, return_call_ref (typed function references).
    assert_eq!(tables.len(), 12, "{tables:?}");
    let catalog: BTreeSet<String> =
        ENTRIES.iter().filter(|e| e.group == Group::Table).map(|e| e.name.replace('.', "_")).collect();
    assert_eq!(catalog, tables);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Table) {
        assert!(e.features().reference_types && e.features().bulk_memory, "{}", e.name);
        // What crosses the engine boundary is numbers only.
        assert!(e.params.iter().chain(e.results).all(|t| *t == crosscheck::oracles::ValType::I32), "{}", e.name);
    }
}

fn run(engine: &str, case: &crosscheck::case::Case) -> Observation {
    registry::create(engine).unwrap_or_else(|e| panic!("{engine}: {e}")).run(&case.plan)
}

/// What `peek` returns on a table as its active segment made it.
fn first_contents() -> Vec<Val> {
    let id = |i: usize| Val::I32(FUNC_IDS[i] as u32);
    let null = Val::I32(u32::MAX);
    let contents = vec![null, id(1), id(0), id(3), id(2), id(1), null, null];
    assert_eq!(contents.len(), TABLE_SIZE as usize);
    contents
}

/// Every table instruction on every kind of table, with the sweep's
/// immediates and 48 drawn tuples: the reference, Wasmtime and wasmi (but
/// on GC's subtypes, which it lacks) agree on every call and on the final
/// table; calls complete (but a `call_indirect` of a type that does not
/// match: `$other`, `$sibling`) and trap out of bounds (or on the
/// signature); where the instruction writes, `peek` shows a table other than
/// the first one after some call, and `reset` brings the first one back
/// before the next.
#[test]
fn table_instructions_complete_trap_and_write_on_every_kind_of_table() {
    let mut g = SplitMix(21);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Table) {
        let mut kinds_seen = BTreeSet::new();
        for imm in e.sweep_immediates(1) {
            let table = imm.table().unwrap_or_else(|| panic!("{}: {imm:?} names no table", e.name));
            kinds_seen.insert((table.table64, table.unbounded));
            let spec = Spec { entry: e, imm };
            let tuples: Vec<_> = (0..48).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{}: {r:?}", spec.section_text()));
            // A 64-bit table, or (`table.copy $tab $src`) a 64-bit source.
            let table64 = table.table64 || imm.source_kind().is_some_and(|(src64, _)| src64);
            assert_eq!(case.features.memory64, table64, "{}", spec.section_text());
            let reference = run("reference", &case);
            for engine in ["wasmtime", "wasmi"] {
                // wasmi has no GC: it sits out a `call_indirect` through
                // declared subtypes.
                let mut other = registry::create(engine).unwrap();
                if !case.features.missing_from(&other.features()).is_empty() {
                    assert!(
                        engine == "wasmi" && case.features.gc,
                        "{engine} lacks a proposal of {}",
                        spec.section_text()
                    );
                    continue;
                }
                let other = other.run(&case.plan);
                assert_eq!(other.calls, reference.calls, "{} on {engine}", spec.section_text());
                assert_eq!(other.state, reference.state, "{} on {engine}", spec.section_text());
            }
            // The reference's outcomes of the calls of one export.
            let of_export = |export: &str| -> Vec<&CallOutcome> {
                case.plan
                    .calls
                    .iter()
                    .zip(&reference.calls)
                    .filter(|(c, _)| c.export == export)
                    .map(|(_, o)| o)
                    .collect()
            };
            let outcomes = of_export("f");
            let text = spec.section_text();
            // A `call_indirect` of the other type never completes.
            let completes = !matches!(imm, Immediates::Indirect { ty, .. } if !ty.matches());
            let completed = outcomes.iter().any(|o| matches!(o, CallOutcome::Returned(_)));
            assert_eq!(completed, completes, "{text}: {outcomes:?}");
            let trap_expected = match (e.name, imm) {
                // A grow that cannot grow returns -1 (tests/single_inst_grow.rs).
                ("table.size" | "elem.drop" | "table.grow", _) => None,
                ("call_indirect" | "return_call_indirect", Immediates::Indirect { ty, .. }) if !ty.matches() => {
                    Some(TrapKind::BadSignature)
                }
                ("call_ref" | "return_call_ref", _) => Some(TrapKind::NullReference),
                _ => Some(TrapKind::TableOutOfBounds),
            };
            if let Some(kind) = trap_expected {
                assert!(outcomes.contains(&&CallOutcome::Trapped(kind.clone())), "{text}: never {kind:?}");
            }
            if e.writes_table() {
                let peeks = of_export("peek");
                let first = CallOutcome::Returned(first_contents());
                assert!(peeks.iter().any(|p| **p != first), "{text}: no call changed the table");
                // `reset` before each call: a call that trapped left the
                // first contents (the spec checks bounds before writing).
                for ((c, o), p) in case
                    .plan
                    .calls
                    .iter()
                    .zip(&reference.calls)
                    .zip(reference.calls.iter().skip(1))
                    .filter(|((c, _), _)| c.export == "f")
                {
                    if matches!(o, CallOutcome::Trapped(_)) {
                        assert_eq!(p, &first, "{text}: {c:?} trapped and wrote");
                    }
                }
            }
        }
        // (`call_ref` has no table of its own.)
        assert_eq!(kinds_seen.len(), if e.is_call_ref() { 1 } else { 4 }, "{}: every kind of table", e.name);
    }
}

/// The operand sources (`k`, `t0`, `g0`, `s0` or `l0`) compute what `f`
/// computes on the same operands, on a 32- and a 64-bit table.
#[test]
fn table_operand_sources_feed_the_same_operands() {
    let cases: &[(&str, &[u64])] = &[
        ("table.get", &[3]),
        ("call_indirect", &[5]),
        ("return_call_indirect", &[5]),
        ("call_ref", &[2, 0]),
        ("table.set", &[6, 2, 0]),
        ("table.fill", &[2, 1, 0, 3]),
        ("table.copy", &[0, 2, 5]),
        ("table.init", &[1, 2, 4]),
        ("table.size", &[]),
    ];
    for table64 in [false, true] {
        for (name, args) in cases {
            let entry = lookup(name).unwrap();
            let table = Table { table64, unbounded: table64, elements: Elements::Funcref };
            let imm = if name.ends_with("call_indirect") || name.ends_with("call_ref") {
                Immediates::Indirect { table, ty: CalleeType::Returns }
            } else {
                Immediates::Table(table)
            };
            let spec = Spec { entry, imm };
            let address = entry.address_operands();
            let args: Vec<Val> = args
                .iter()
                .enumerate()
                .map(|(i, &a)| if table64 && address.contains(&i) { Val::I64(a) } else { Val::I32(a as u32) })
                .collect();
            let tuple = operands::Tuple { args, poke: None };
            let case = case_for(&spec, std::slice::from_ref(&tuple)).unwrap();
            let obs = run("reference", &case);
            let after = |export: &str| -> Vec<&CallOutcome> {
                let i = case.plan.calls.iter().position(|c| c.export == export).unwrap();
                // The call and, for a writer, the `peek` after it.
                obs.calls[i..].iter().take(if entry.writes_table() { 2 } else { 1 }).collect()
            };
            let variants: &[&str] =
                if address.first() == Some(&0) { &["k", "t0", "g0", "s0"] } else { &["k", "t0", "g0", "l0"] };
            assert!(matches!(after("f")[0], CallOutcome::Returned(_)), "{name}: {:?}", after("f"));
            for v in variants {
                assert_eq!(after(v), after("f"), "{name} (table64 {table64}): {v} differs from f");
            }
        }
    }
}

/// `call_indirect` whose signature check takes a sibling subtype for its
/// supertype (the two read alike): caught through the fuzz target, within
/// the budget the selftest gives it (4 × 3,000 inputs).
#[test]
fn call_indirect_accepting_a_sibling_subtype_is_caught_by_the_fuzz_target() {
    let opts = single_inst_options(Fault::CallIndirectSiblingAccepted.budget(3000), 1);
    let r = run_fault(Fault::CallIndirectSiblingAccepted, &opts).expect("selftest runs");
    let n = r.detected_after.unwrap_or_else(|| panic!("not detected in {} inputs", opts.budget));
    println!("call-indirect-sibling-accepted: detected by single_inst after {n} inputs");
}

/// A 64-bit table whose `table.get` and `call_indirect` cut their index to
/// 32 bits: caught through the fuzz target (and through `patterns`:
/// tests/patterns.rs).
#[test]
fn table64_index_truncated_is_caught_by_the_fuzz_target() {
    let opts = single_inst_options(8000, 1);
    let r = run_fault(Fault::TableIndex64Truncated, &opts).expect("selftest runs");
    let n = r.detected_after.unwrap_or_else(|| panic!("not detected in {} inputs", opts.budget));
    println!("table64-index-truncated: detected by single_inst after {n} inputs");
}

/// `return_call_indirect`: a tail call through the table, never with a
/// type whose results are not the calling function's (`$other`, which
/// would not validate), needing the tail-call proposal (Winch sits out);
/// it returns the callee's id wherever `call_indirect` returns it and
/// traps wherever that traps, call by call, on every kind of table.
#[test]
fn return_call_indirect_returns_what_call_indirect_returns() {
    let tail = lookup("return_call_indirect").unwrap();
    let plain = lookup("call_indirect").unwrap();
    assert!(tail.features().tail_call && !plain.features().tail_call);
    let immediates = tail.sweep_immediates(1);
    assert!(immediates.iter().all(|imm| !matches!(imm, Immediates::Indirect { ty: CalleeType::Other, .. })));
    assert_eq!(immediates.len(), 3 * 8, "three types on eight kinds of table");
    let mut g = SplitMix(23);
    for imm in immediates {
        let tuples: Vec<_> = (0..48).map(|_| operands::tuple(&mut g, tail, &imm)).collect();
        let outcomes = |entry| {
            let spec = Spec { entry, imm };
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{}: {r:?}", spec.section_text()));
            let reference = run("reference", &case);
            assert_eq!(run("wasmtime", &case).calls, reference.calls, "{}", spec.section_text());
            common::outcomes_of_f(&case, &reference.calls).into_iter().cloned().collect::<Vec<_>>()
        };
        let (t, p) = (outcomes(tail), outcomes(plain));
        assert_eq!(t, p, "{imm:?}");
        assert!(t.iter().any(|o| matches!(o, CallOutcome::Trapped(_))), "{imm:?}: never trapped");
    }
}
