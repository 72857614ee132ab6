//! Tables of typed function references, `(ref null $returns)`, in
//! `single_inst`: from the table's type alone an engine knows whether a
//! `call_indirect`'s signature check passes (`$returns`, or its declared
//! supertype `$parent`) or fails (`$other`, the sibling subtype
//! `$sibling`), a different lowering from a `funcref` table's. Every table
//! instruction on every kind of such table agrees between the reference,
//! Wasmtime with Cranelift and Pulley (Winch and wasmi, without typed
//! references, sit out); `call_indirect` completes or traps as the types
//! say; `table.get`'s element is called with `call_ref`; and a signature
//! check that accepts a sibling subtype is caught on such a table too.

mod common;

use crosscheck::oracles::{CallOutcome, Engine, TrapKind, registry};
use crosscheck::selftest::{Fault, Faulty};
use crosscheck::single_inst::catalog::{CalleeType, Elements, Immediates, SplitMix, lookup};
use crosscheck::single_inst::tables::FUNC_IDS;
use crosscheck::single_inst::{Spec, case_for, operands};

#[test]
fn table_instructions_on_typed_tables_agree_across_engines() {
    let kinds = common::on_every_table_of(Elements::TypedFuncref, 41, |spec, case, f| {
        let text = spec.section_text();
        assert!(text.contains("elem=typed"), "{text}");
        let module = wasmprinter::print_bytes(&case.plan.wasm).unwrap();
        assert!(module.contains("(ref null $returns)") || module.contains("(ref null 0)"), "{text}:\n{module}");
        let ids = common::returned_i32s(&f);
        match (spec.entry.name, spec.imm) {
            ("call_indirect" | "return_call_indirect", Immediates::Indirect { ty, .. }) => {
                // Completes with an element's id, or traps: on a null
                // element, out of bounds, and where the types say so.
                assert_eq!(!ids.is_empty(), ty.matches(), "{text}: {f:?}");
                assert!(ids.iter().all(|id| FUNC_IDS.contains(id)), "{text}: {ids:x?}");
                let bad_signature = f.contains(&CallOutcome::Trapped(TrapKind::BadSignature));
                assert_eq!(bad_signature, !ty.matches(), "{text}: {f:?}");
                assert!(f.contains(&CallOutcome::Trapped(TrapKind::IndirectCallToNull)), "{text}: {f:?}");
            }
            ("table.get", _) => {
                assert!(ids.contains(&-1) && ids.iter().filter(|id| FUNC_IDS.contains(id)).count() >= 2, "{ids:x?}");
            }
            _ => {}
        }
    });
    // Every table instruction, on every kind.
    assert_eq!(kinds.len(), 10, "{kinds:?}");
    assert!(kinds.values().all(|k| k.len() == 4), "{kinds:?}");
}

/// A signature check that takes `$sibling` for `$parent` (the two read
/// alike): on a typed table, where an engine may decide the check from
/// the table's type, the faulty engine completes calls the reference traps.
#[test]
fn a_sibling_accepted_on_a_typed_table_shows() {
    let entry = lookup("call_indirect").unwrap();
    let imm = entry
        .sweep_immediates(1)
        .into_iter()
        .find(|imm| {
            matches!(imm, Immediates::Indirect { table, ty: CalleeType::Sibling }
                if table.elements == Elements::TypedFuncref && !table.table64)
        })
        .unwrap();
    let spec = Spec { entry, imm };
    let mut g = SplitMix(7);
    let tuples: Vec<_> = (0..48).map(|_| operands::tuple(&mut g, entry, &imm)).collect();
    let case = case_for(&spec, &tuples).unwrap();
    let reference = registry::create("reference").unwrap().run(&case.plan);
    let clean = registry::create("wasmtime").unwrap().run(&case.plan);
    assert_eq!(clean.calls, reference.calls);
    let faulty = Faulty::new(registry::create("wasmtime").unwrap(), Fault::CallIndirectSiblingAccepted).run(&case.plan);
    assert_ne!(faulty.calls, reference.calls, "{}", spec.section_text());
    assert!(common::outcomes_of_f(&case, &faulty.calls).iter().any(|o| matches!(o, CallOutcome::Returned(_))));
}

#[test]
fn typed_tables_are_drawn_for_call_indirect_and_the_others() {
    let mut g = SplitMix(13);
    for (name, low, high) in [("call_indirect", 1300, 1700), ("table.fill", 350, 650)] {
        let e = lookup(name).unwrap();
        let typed = (0..3000)
            .filter(|_| {
                let bytes: Vec<u8> = (0..16).map(|_| g.next_u64() as u8).collect();
                let imm = e.arbitrary_immediates(&mut arbitrary::Unstructured::new(&bytes)).unwrap();
                imm.table().unwrap().elements == Elements::TypedFuncref
            })
            .count();
        assert!((low..high).contains(&typed), "{name}: {typed} of 3000");
    }
}

/// `call_ref` and `return_call_ref` on the `(ref null $returns)` made from
/// `(value, null flag)`, through the functions' own type and their
/// supertype: the id of function `value & 3` where the flag is 0, a null
/// reference trap otherwise, computed here from each call's operands; the
/// reference, Wasmtime with Cranelift and Pulley agree (wasmi and Winch,
/// without typed references, sit out).
#[test]
fn call_ref_calls_the_function_the_operands_name() {
    for name in ["call_ref", "return_call_ref"] {
        let entry = lookup(name).unwrap();
        assert!(entry.features().gc && entry.features().tail_call == name.starts_with("return"));
        let mut g = SplitMix(17);
        for imm in entry.sweep_immediates(1) {
            let spec = Spec { entry, imm };
            let text = spec.section_text();
            let tuples: Vec<_> = (0..48).map(|_| operands::tuple(&mut g, entry, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap();
            let reference = registry::create("reference").unwrap().run(&case.plan);
            let (mut returned, mut trapped) = (false, false);
            for (call, got) in case.plan.calls.iter().zip(&reference.calls).filter(|(c, _)| c.export == "f") {
                let (value, null) = (call.args[0].bits() as usize, call.args[1].bits() != 0);
                let want = if null {
                    trapped = true;
                    CallOutcome::Trapped(TrapKind::NullReference)
                } else {
                    returned = true;
                    CallOutcome::Returned(vec![crosscheck::oracles::Val::I32(FUNC_IDS[value & 3] as u32)])
                };
                assert_eq!(got, &want, "{text}: {call:?}");
            }
            assert!(returned && trapped, "{text}");
            for engine in ["wasmtime", "pulley"] {
                assert_eq!(
                    registry::create(engine).unwrap().run(&case.plan).calls,
                    reference.calls,
                    "{text} on {engine}"
                );
            }
        }
    }
}
