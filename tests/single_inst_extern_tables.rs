//! Tables of `externref`s in `single_inst`: every table instruction but
//! `call_indirect` on every kind of such table (32- or 64-bit, with a
//! maximum or without), its elements `$box` structs (which Wasmtime's
//! collector tracks, through its barriers) and `i31ref`s made external
//! with `extern.convert_any`. The reference, Wasmtime with Cranelift and
//! Pulley agree call by call and on both tables; Winch and wasmi, without
//! GC, sit out; `table.get` reads back elements of both kinds by their
//! ids; the section text gives the same instruction back; and a
//! `table.fill` that stores null instead of the reference is caught
//! through the fuzz target.

use crosscheck::oracles::{CallOutcome, registry};
use crosscheck::selftest::{Fault, run_fault, single_inst_options};
use crosscheck::single_inst::catalog::{ENTRIES, Elements, Group, SplitMix};
use crosscheck::single_inst::tables::FUNC_IDS;
use crosscheck::single_inst::{Spec, case_for, operands};
use std::collections::BTreeSet;

#[test]
fn table_instructions_on_externref_tables_agree_across_engines() {
    let mut g = SplitMix(31);
    let mut instructions = 0;
    for e in ENTRIES.iter().filter(|e| e.group == Group::Table) {
        let mut kinds = BTreeSet::new();
        for imm in e.sweep_immediates(1) {
            let table = imm.table().unwrap();
            if table.elements != Elements::Externref {
                continue;
            }
            kinds.insert((table.table64, table.unbounded));
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{text}");
            let tuples: Vec<_> = (0..48).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            assert!(case.features.gc, "{text}");
            let module = wasmprinter::print_bytes(&case.plan.wasm).unwrap();
            assert!(module.contains("externref") && module.contains("struct.new"), "{text}");
            let reference = registry::create("reference").unwrap().run(&case.plan);
            for engine in ["wasmtime", "pulley", "winch", "wasmi"] {
                let mut other = registry::create(engine).unwrap();
                if !case.features.missing_from(&other.features()).is_empty() {
                    assert!(["winch", "wasmi"].contains(&engine), "{engine} lacks a proposal of {text}");
                    continue;
                }
                let other = other.run(&case.plan);
                assert_eq!(other.calls, reference.calls, "{text} on {engine}");
                assert_eq!(other.state, reference.state, "{text} on {engine}");
            }
            if e.name == "table.get" {
                // Elements of both kinds and nulls read back by id.
                let ids: BTreeSet<u32> = case
                    .plan
                    .calls
                    .iter()
                    .zip(&reference.calls)
                    .filter(|(c, _)| c.export == "f")
                    .filter_map(|(_, o)| match o {
                        CallOutcome::Returned(v) => Some(v[0].bits() as u32),
                        _ => None,
                    })
                    .collect();
                let boxed = FUNC_IDS[0] as u32; // element 0: a `$box`
                let i31 = FUNC_IDS[1] as u32; // element 1: an `i31ref`
                for id in [boxed, i31, u32::MAX] {
                    assert!(ids.contains(&id), "{text}: never read {id:#x} back: {ids:x?}");
                }
                assert!(ids.iter().all(|id| *id == u32::MAX || FUNC_IDS.contains(&(*id as i32))), "{ids:x?}");
            }
            instructions += 1;
        }
        if e.name != "call_indirect" {
            assert_eq!(kinds.len(), 4, "{}: every kind of externref table", e.name);
        }
    }
    // Every table instruction but `call_indirect` (`table.copy` also
    // between two tables).
    assert!(instructions >= 8 * 4, "{instructions}");
}

#[test]
fn call_indirect_never_gets_an_externref_table() {
    let e = crosscheck::single_inst::catalog::lookup("call_indirect").unwrap();
    assert!(e.sweep_immediates(1).iter().all(|imm| imm.table().unwrap().elements != Elements::Externref));
    let mut g = SplitMix(5);
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..64).map(|_| g.next_u64() as u8).collect();
        let mut u = arbitrary::Unstructured::new(&bytes);
        let imm = e.arbitrary_immediates(&mut u).unwrap();
        assert_ne!(imm.table().unwrap().elements, Elements::Externref, "{imm:?}");
    }
}

/// A `table.fill` of `externref`s that stores null: caught through the
/// fuzz target within the budget the selftest gives it (8 × 3,000 inputs).
#[test]
fn externref_fill_storing_null_is_caught_by_the_fuzz_target() {
    let opts = single_inst_options(Fault::ExternrefTableFillNull.budget(3000), 1);
    let r = run_fault(Fault::ExternrefTableFillNull, &opts).expect("selftest runs");
    let n = r.detected_after.unwrap_or_else(|| panic!("not detected in {} inputs", opts.budget));
    println!("externref-table-fill-null: detected by single_inst after {n} inputs");
}

#[test]
fn arbitrary_tables_are_of_externrefs_about_one_time_in_three() {
    let e = crosscheck::single_inst::catalog::lookup("table.set").unwrap();
    let mut g = SplitMix(9);
    let n = 3000;
    let externs = (0..n)
        .filter(|_| {
            let bytes: Vec<u8> = (0..16).map(|_| g.next_u64() as u8).collect();
            e.arbitrary_immediates(&mut arbitrary::Unstructured::new(&bytes)).unwrap().table().unwrap().elements
                == Elements::Externref
        })
        .count();
    assert!((800..1200).contains(&externs), "{externs} of {n}");
}
