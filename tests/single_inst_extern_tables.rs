//! Tables of `externref`s in `single_inst`: every table instruction but
//! the indirect calls on every kind of such table (32- or 64-bit, with a
//! maximum or without), its elements `$box` structs (which Wasmtime's
//! collector tracks, through its barriers) and `i31ref`s made external
//! with `extern.convert_any`. The reference, Wasmtime with Cranelift and
//! Pulley agree call by call and on both tables; Winch and wasmi, without
//! GC, sit out; `table.get` reads back elements of both kinds by their
//! ids; the section text gives the same instruction back; and a
//! `table.fill` that stores null instead of the reference is caught
//! through the fuzz target.

mod common;

use crosscheck::selftest::{Fault, run_fault, single_inst_options};
use crosscheck::single_inst::catalog::{Elements, SplitMix};
use crosscheck::single_inst::tables::FUNC_IDS;

#[test]
fn table_instructions_on_externref_tables_agree_across_engines() {
    let kinds = common::on_every_table_of(Elements::Externref, 31, |spec, case, f| {
        let text = spec.section_text();
        let module = wasmprinter::print_bytes(&case.plan.wasm).unwrap();
        assert!(module.contains("externref") && module.contains("struct.new"), "{text}");
        if spec.entry.name == "table.get" {
            // Elements of both kinds and nulls read back by id: element 0
            // is a `$box`, element 1 an `i31ref`.
            let ids = common::returned_i32s(&f);
            for id in [FUNC_IDS[0], FUNC_IDS[1], -1] {
                assert!(ids.contains(&id), "{text}: never read {id:#x} back: {ids:x?}");
            }
            assert!(ids.iter().all(|id| *id == -1 || FUNC_IDS.contains(id)), "{ids:x?}");
        }
    });
    // Every table instruction but the indirect calls, on every kind.
    assert_eq!(kinds.len(), 8, "{kinds:?}");
    assert!(kinds.values().all(|k| k.len() == 4), "{kinds:?}");
}

#[test]
fn indirect_calls_never_get_an_externref_table() {
    for name in ["call_indirect", "return_call_indirect"] {
        let e = crosscheck::single_inst::catalog::lookup(name).unwrap();
        assert!(e.sweep_immediates(1).iter().all(|imm| imm.table().unwrap().elements != Elements::Externref));
        let mut g = SplitMix(5);
        for _ in 0..200 {
            let bytes: Vec<u8> = (0..64).map(|_| g.next_u64() as u8).collect();
            let mut u = arbitrary::Unstructured::new(&bytes);
            let imm = e.arbitrary_immediates(&mut u).unwrap();
            assert_ne!(imm.table().unwrap().elements, Elements::Externref, "{name}: {imm:?}");
        }
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
