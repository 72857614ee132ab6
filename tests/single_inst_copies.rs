//! Copies between two memories or two tables in `single_inst`:
//! `memory.copy 0 1` from a second memory and `table.copy $tab $src` from
//! a second table, for every pair of address types. The module reads back
//! as the spec it was built for; the length is an `i64` only where both
//! are 64-bit; tables are of one element type, or typed function
//! references are copied into `funcref`s; the reference, Wasmtime and wasmi agree call by call and on
//! both memories or tables; copies complete and trap out of bounds; what
//! the source holds is what the destination reads after a copy (not the
//! destination's own contents); and an engine copying within the
//! destination is caught through the fuzz target (and the sweep:
//! tests/sweep.rs).

mod common;

use crosscheck::oracles::{CallOutcome, Observation, TrapKind, Val, ValType, registry};
use crosscheck::selftest::{Fault, run_fault, single_inst_options};
use crosscheck::single_inst::catalog::{Immediates, SplitMix, lookup};
use crosscheck::single_inst::tables::{FUNC_IDS, SOURCE, TABLE_SIZE};
use crosscheck::single_inst::{Spec, case_for, operands};

/// Whether `engine` lacks a proposal of `case`: only wasmi, only GC (a
/// table of `externref`s).
fn sits_out(engine: &str, case: &crosscheck::case::Case) -> bool {
    let missing = case.features.missing_from(&registry::create(engine).unwrap().features());
    assert!(missing.is_empty() || (engine == "wasmi" && case.features.gc), "{engine} lacks {missing:?}");
    !missing.is_empty()
}

fn run(engine: &str, case: &crosscheck::case::Case) -> Observation {
    registry::create(engine).unwrap_or_else(|e| panic!("{engine}: {e}")).run(&case.plan)
}

/// The sweep's copies of `name` from a second memory or table.
fn pairs(name: &str) -> Vec<Immediates> {
    let e = lookup(name).unwrap();
    e.sweep_immediates(1).into_iter().filter(|i| i.source_kind().is_some()).collect()
}

fn typed(x: u64, is64: bool) -> Val {
    if is64 { Val::I64(x) } else { Val::I32(x as u32) }
}

#[test]
fn the_sweep_copies_between_every_pair_of_address_types() {
    for name in ["memory.copy", "table.copy"] {
        let kinds: std::collections::BTreeSet<(bool, bool)> =
            pairs(name).iter().map(|i| (i.address64(), i.source_kind().unwrap().0)).collect();
        assert_eq!(kinds.len(), 4, "{name}: {kinds:?}");
    }
    // Tables: each of one element type, and typed function references
    // into `funcref`s (a subtype's table into its supertype's).
    use crosscheck::single_inst::catalog::Elements;
    let elements: std::collections::BTreeSet<(String, String)> = pairs("table.copy")
        .iter()
        .map(|i| (format!("{:?}", i.table().unwrap().elements), format!("{:?}", i.source_table().unwrap().elements)))
        .collect();
    let want: std::collections::BTreeSet<(String, String)> = Elements::ALL
        .iter()
        .map(|e| (e, e))
        .chain([(&Elements::Funcref, &Elements::TypedFuncref)])
        .map(|(d, s)| (format!("{d:?}"), format!("{s:?}")))
        .collect();
    assert_eq!(elements, want);
}

#[test]
fn copies_between_two_agree_complete_and_trap_on_every_pair() {
    let mut g = SplitMix(0xc0b1);
    for name in ["memory.copy", "table.copy"] {
        let e = lookup(name).unwrap();
        for imm in pairs(name) {
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            let (dst64, src64) = (imm.address64(), imm.source_kind().unwrap().0);
            let of = |is64: bool| if is64 { ValType::I64 } else { ValType::I32 };
            assert_eq!(spec.params(), vec![of(dst64), of(src64), of(dst64 && src64)], "{text}");
            let tuples: Vec<operands::Tuple> = (0..200).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            assert_eq!(case.features.multi_memory, name == "memory.copy", "{text}");
            assert_eq!(case.features.memory64, dst64 || src64, "{text}");
            assert_eq!(Spec::of_module(&case.plan.wasm), Some(spec), "{text} reads back");
            let reference = run("reference", &case);
            for engine in ["wasmtime", "wasmi"] {
                if sits_out(engine, &case) {
                    continue;
                }
                let other = run(engine, &case);
                assert_eq!(other.calls, reference.calls, "{text} on {engine}");
                assert_eq!(other.state, reference.state, "{text} on {engine}");
            }
            let observed = if name == "memory.copy" { &case.plan.observe.memories } else { &case.plan.observe.tables };
            assert_eq!(observed.len(), 2, "{text}: both observed");
            let f = common::outcomes_of_f(&case, &reference.calls);
            let oob = if name == "memory.copy" { TrapKind::MemoryOutOfBounds } else { TrapKind::TableOutOfBounds };
            assert!(f.iter().any(|o| matches!(o, CallOutcome::Returned(_))), "{text}: never completed");
            assert!(f.contains(&&CallOutcome::Trapped(oob)), "{text}: never out of bounds");
        }
    }
}

/// 16 bytes poked at 200 in the source memory, copied to 100 in the
/// destination: `peek(100)` reads them. An engine copying within the
/// destination (its bytes at 200 are zero) would read zeros.
#[test]
fn a_copy_moves_the_source_memorys_bytes() {
    let e = lookup("memory.copy").unwrap();
    let bytes = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128 | 1 << 127;
    for imm in pairs("memory.copy") {
        let spec = Spec { entry: e, imm };
        let (dst64, src64) = (imm.address64(), imm.source_kind().unwrap().0);
        let tuple = operands::Tuple {
            args: vec![typed(100, dst64), typed(200, src64), typed(16, dst64 && src64)],
            poke: Some((200, bytes)),
        };
        let case = case_for(&spec, std::slice::from_ref(&tuple)).unwrap();
        let peek = case.plan.calls.iter().position(|c| c.export == "peek").unwrap();
        assert_eq!(case.plan.calls[peek].args, vec![typed(100, dst64)], "{}", spec.section_text());
        for engine in ["reference", "wasmtime", "wasmi"] {
            if sits_out(engine, &case) {
                continue;
            }
            let obs = run(engine, &case);
            assert_eq!(
                obs.calls[peek],
                CallOutcome::Returned(vec![Val::I64(bytes as u64), Val::I64((bytes >> 64) as u64)]),
                "{} on {engine}",
                spec.section_text()
            );
        }
    }
}

/// `$src`'s elements 3 and 4 copied to `$tab`'s 1 and 2: `peek` reads the
/// first contents with those two replaced (computed here from the
/// source table's declared contents).
#[test]
fn a_copy_moves_the_source_tables_elements() {
    let e = lookup("table.copy").unwrap();
    let id = |f: Option<usize>| Val::I32(f.map_or(u32::MAX, |i| FUNC_IDS[i] as u32));
    let first = [None, Some(1), Some(0), Some(3), Some(2), Some(1), None, None];
    let mut expected: Vec<Val> = first.iter().map(|f| id(*f)).collect();
    expected[1] = id(SOURCE[3]);
    expected[2] = id(SOURCE[4]);
    assert_ne!(expected, first.iter().map(|f| id(*f)).collect::<Vec<_>>(), "the copy changes what peek reads");
    assert_eq!(expected.len(), TABLE_SIZE as usize);
    for imm in pairs("table.copy") {
        let spec = Spec { entry: e, imm };
        let (dst64, src64) = (imm.address64(), imm.source_kind().unwrap().0);
        let tuple =
            operands::Tuple { args: vec![typed(1, dst64), typed(3, src64), typed(2, dst64 && src64)], poke: None };
        let case = case_for(&spec, std::slice::from_ref(&tuple)).unwrap();
        let f = case.plan.calls.iter().position(|c| c.export == "f").unwrap();
        assert_eq!(case.plan.calls[f + 1].export, "peek");
        for engine in ["reference", "wasmtime", "wasmi"] {
            if sits_out(engine, &case) {
                continue;
            }
            let obs = run(engine, &case);
            assert_eq!(
                obs.calls[f + 1],
                CallOutcome::Returned(expected.clone()),
                "{} on {engine}",
                spec.section_text()
            );
        }
    }
}

/// A copy within the destination instead of from the second memory or
/// table: caught through the fuzz target within the budget the selftest
/// gives it (4 × 3,000 inputs).
#[test]
fn a_copy_from_the_wrong_memory_or_table_is_caught_by_the_fuzz_target() {
    for fault in [Fault::MemoryCopyWrongSource, Fault::TableCopyWrongSource] {
        let opts = single_inst_options(fault.budget(3000), 1);
        let r = run_fault(fault, &opts).expect("selftest runs");
        let n = r.detected_after.unwrap_or_else(|| panic!("{} not detected in {} inputs", fault.name(), opts.budget));
        println!("{}: detected by single_inst after {n} inputs", fault.name());
    }
}
