//! The planted GC and exception-handling faults ([`Fault::GC`]) through
//! the judge, on a real engine under test: Wasmtime with each fault
//! diverges from the reference interpreter on a module with the targeted
//! instruction, and correct Wasmtime agrees with it. (Campaigns catch them
//! only with Cases that use GC and exceptions.)
#![cfg(all(feature = "wasmtime", feature = "reference"))]

use crosscheck::case::{Case, Determinism};
use crosscheck::engines::EngineSet;
use crosscheck::judge::{Difference, Site, Verdict};
use crosscheck::module_info::ModuleInfo;
use crosscheck::selftest::Fault;
use crosscheck::target::check_case;
use crosscheck_oracles::*;
use std::time::Duration;

/// One export per fault's instruction, each returning an i32.
const MODULE: &str = r#"(module
  (type $S (struct (field i8) (field i16)))
  (type $T (struct (field i64)))
  (type $A (array (mut i16)))
  (tag $i (param i32))
  (func (export "struct_get_s") (result i32) (struct.get_s $S 0 (struct.new $S (i32.const 0x80) (i32.const 0))))
  (func (export "array_get_s") (result i32)
    (array.get_s $A (array.new $A (i32.const 0x8001) (i32.const 2)) (i32.const 1)))
  (func (export "ref_test") (result i32) (ref.test (ref $S) (struct.new $T (i64.const 1))))
  (func (export "array_len") (result i32) (array.len (array.new_default $A (i32.const 5))))
  (func (export "payload") (result i32)
    (block $h (result i32) (try_table (catch $i $h) (throw $i (i32.const 42))) (i32.const -1)))
  (func (export "handler") (result i32)
    (block $all
      (return (block $one (result i32)
        (try_table (catch $i $one) (catch_all $all) (throw $i (i32.const 7)))
        (i32.const 0))))
    (i32.const 100)))"#;

/// Judges a call of each of `exports` of MODULE: the reference against
/// Wasmtime (Cranelift, default settings), with `fault` planted in it
/// (by its name, `wasmtime+FAULT`) or not.
fn judge(fault: Option<Fault>, exports: &[String]) -> Verdict {
    let wasm = wat::parse_str(MODULE).unwrap();
    let info = ModuleInfo::of(&wasm).unwrap();
    let calls = exports.iter().map(|e| Call { export: e.clone(), args: vec![] }).collect();
    let plan = Plan { wasm, calls, observe: info.observe.clone() };
    let features = Features::WASM2.with_named("gc").and_then(|f| f.with_named("exceptions")).unwrap();
    let case = Case { plan, info, features, determinism: Determinism::JUDGED };
    let under_test = fault.map_or("wasmtime".to_string(), |f| format!("wasmtime+{}", f.name()));
    let mut engines = EngineSet::defaults(&["reference".to_string(), under_test]).unwrap();
    check_case("test".into(), case, &mut engines, Duration::ZERO).verdict
}

fn exports() -> Vec<String> {
    ModuleInfo::of(&wat::parse_str(MODULE).unwrap()).unwrap().funcs.into_iter().map(|f| f.name).collect()
}

#[test]
fn correct_wasmtime_agrees_with_the_reference() {
    assert_eq!(exports().len(), 6);
    assert_eq!(judge(None, &exports()), Verdict::Agree);
}

#[test]
fn every_gc_fault_is_caught_by_the_judge_where_its_instruction_runs() {
    let expected: &[(&str, &[&str])] = &[
        ("struct-get-s-unsigned", &["struct_get_s", "array_get_s"]),
        ("cast-too-lenient", &["ref_test"]),
        // `handler` throws the same tag, and returns the payload.
        ("exception-payload", &["payload", "handler"]),
        ("exception-wrong-handler", &["handler"]),
        ("array-len-off-by-one", &["array_len"]),
    ];
    let names: Vec<&str> = Fault::GC.iter().map(|f| f.name()).collect();
    assert_eq!(names, expected.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    for (fault, (name, caught_at)) in Fault::GC.iter().zip(expected) {
        for export in exports() {
            let v = judge(Some(*fault), std::slice::from_ref(&export));
            match &v {
                Verdict::Diverge(d) if caught_at.contains(&export.as_str()) => {
                    assert!(matches!(&d.differences[..], [Difference { site: Site::Call { .. }, .. }]), "{v:?}")
                }
                Verdict::Agree => assert!(!caught_at.contains(&export.as_str()), "{name} missed at {export}"),
                _ => panic!("{name} at {export}: {v:?}"),
            }
        }
    }
}
