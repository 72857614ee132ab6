//! The planted GC and exception-handling faults ([`Fault::GC`]) through
//! the judge, on a real engine under test: Wasmtime with each fault
//! diverges from the reference interpreter on a module with the targeted
//! instruction, and correct Wasmtime agrees with it. (Campaigns catch them
//! only with Cases that use GC and exceptions.) Each is also planted in
//! every module of the official test suite it has a place in: the planted
//! module must still validate.
#![cfg(all(feature = "wasmtime", feature = "reference"))]

use crosscheck::case::{Case, Determinism};
use crosscheck::engines::EngineSet;
use crosscheck::judge::{Difference, Site, Verdict};
use crosscheck::module_info::ModuleInfo;
use crosscheck::selftest::Fault;
use crosscheck::target::check_case;
use crosscheck_oracles::*;
use std::collections::BTreeMap;
use std::time::Duration;

mod common;

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

/// Every module of the official test suite's scripts that validates
/// (with every proposal wasmparser knows).
fn suite_modules() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = common::suite_dir()?;
    let mut modules = Vec::new();
    for path in crosscheck::wast::conformance_files(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lexer = wast::lexer::Lexer::new(&text);
        // names.wast uses bidirectional control characters on purpose.
        lexer.allow_confusing_unicode(true);
        let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).unwrap();
        let script = wast::parser::parse::<wast::Wast>(&buf).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for directive in script.directives {
            let wast::WastDirective::Module(mut module) = directive else { continue };
            let wasm = module.encode().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(&wasm).is_ok() {
                modules.push((path.file_name().unwrap().to_string_lossy().into_owned(), wasm));
            }
        }
    }
    Some(modules)
}

/// Each GC fault planted in every module of the official test suite it
/// has a place in: the planted module still validates, and each fault
/// finds a place in the suite's GC and exception scripts.
#[test]
fn planted_in_the_spec_suites_modules_each_still_validates() {
    use crosscheck::selftest::gc_faults::plant_fault;
    let Some(modules) = suite_modules() else { return };
    println!("{} valid modules in the suite", modules.len());
    let mut planted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (file, wasm) in &modules {
        for fault in Fault::GC {
            let Some(out) = plant_fault(wasm, *fault) else { continue };
            let valid = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(&out);
            assert!(valid.is_ok(), "{} planted in a module of {file}: {:?}", fault.name(), valid.err());
            planted.entry(fault.name()).or_default().push(file);
        }
    }
    for fault in Fault::GC {
        let files = planted.get(fault.name()).map_or(&[][..], |f| f.as_slice());
        println!("{}: planted in {} modules ({} files)", fault.name(), files.len(), {
            let mut distinct = files.to_vec();
            distinct.dedup();
            distinct.len()
        });
        assert!(!files.is_empty(), "{} found no place in {} suite modules", fault.name(), modules.len());
    }
}
