//! Termination for any module (`crosscheck::fuel`): infinite loops, deep
//! recursion, `br_table` loops and tail-call loops stop on every engine
//! once the fuel counter runs out — an `unreachable` trap (or, for
//! recursion, the engine's stack limit first), the counter at zero — and
//! a module that ends on its own computes what it computed before.

use crosscheck::fuel::{FUEL_EXPORT, instrument};
use crosscheck_oracles::{Call, CallOutcome, Exports, Features, Plan, TrapKind, Val};

const FOREVER: &str = r#"
(module
  (type $t (func (param i32) (result i32)))
  (table 1 1 funcref)
  (elem (i32.const 0) $tail_indirect)
  (func (export "loop") (loop $l (br $l)))
  (func (export "br_table_loop") (param $x i32) (result i32)
    (loop $a (block $b
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_table $a $a $b (i32.and (local.get $x) (i32.const 1)))))
    (local.get $x))
  (func $rec (export "recurse") (param $x i32) (result i32)
    (i32.add (call $rec (local.get $x)) (i32.const 1)))
  (func $tail (export "tail_loop") (param $x i32) (result i32)
    (return_call $tail (i32.add (local.get $x) (i32.const 1))))
  (func $tail_indirect (export "tail_indirect") (param $x i32) (result i32)
    (return_call_indirect (type $t) (local.get $x) (i32.const 0)))
  (func (export "add") (param $a i32) (param $b i32) (result i32) (i32.add (local.get $a) (local.get $b))))
"#;

fn engines() -> Vec<String> {
    let mut names: Vec<String> =
        ["reference", "wasmtime", "winch", "pulley", "wasmi"].iter().map(|s| s.to_string()).collect();
    match crosscheck_oracles::v8::node() {
        Ok(_) => names.push("v8".into()),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("V8 needs Node.js under CI: {why}"),
        Err(why) => println!("v8 not checked: {why}"),
    }
    names
}

fn plan(wasm: Vec<u8>, export: &str, args: Vec<Val>) -> Plan {
    let observe = Exports::of_module(&wasm).expect("exports");
    Plan { wasm, calls: vec![Call { export: export.into(), args }], observe }
}

#[test]
fn every_endless_export_stops_on_every_engine() {
    let wasm = instrument(&wat::parse_str(FOREVER).expect("wat"), 10_000).expect("instrumented");
    Features::ALL.validate(&wasm).expect("the instrumented module validates");
    for export in ["loop", "br_table_loop", "recurse", "tail_loop", "tail_indirect"] {
        let args = if export == "loop" { vec![] } else { vec![Val::I32(0)] };
        for name in engines() {
            let mut engine = crosscheck::engines::create_default(&name).expect("engine");
            if engine.features().validate(&wasm).is_err() {
                println!("{name} lacks a proposal of the module (tail calls): left out");
                continue;
            }
            let p = plan(wasm.clone(), export, args.clone());
            let fuel = p.observe.globals.iter().position(|g| g == FUEL_EXPORT).expect("fuel exported");
            let obs = engine.run(&p);
            assert_eq!(obs.instantiation, Ok(()), "{name}");
            match &obs.calls[0] {
                CallOutcome::Trapped(TrapKind::Unreachable) => {
                    assert_eq!(obs.state.globals[fuel], Some(Val::I32(0)), "{name} {export}: fuel left")
                }
                CallOutcome::Exhausted(_) if export == "recurse" => {}
                other => panic!("{name} {export}: {other}"),
            }
        }
    }
}

#[test]
fn terminating_code_is_unchanged_and_counts_the_same_fuel() {
    let wasm = instrument(&wat::parse_str(FOREVER).expect("wat"), 10_000).expect("instrumented");
    for name in engines() {
        let mut engine = crosscheck::engines::create_default(&name).expect("engine");
        if engine.features().validate(&wasm).is_err() {
            continue;
        }
        let p = plan(wasm.clone(), "add", vec![Val::I32(40), Val::I32(2)]);
        let fuel = p.observe.globals.iter().position(|g| g == FUEL_EXPORT).expect("fuel exported");
        let obs = engine.run(&p);
        assert_eq!(obs.calls, vec![CallOutcome::Returned(vec![Val::I32(42)])], "{name}");
        assert_eq!(obs.state.globals[fuel], Some(Val::I32(9_999)), "{name}: one function entry");
    }
}

#[test]
fn modules_without_globals_or_exports_get_both() {
    let bare = wat::parse_str("(module (func (loop (br 0))) (start 0))").expect("wat");
    let wasm = instrument(&bare, 5).expect("instrumented");
    Features::ALL.validate(&wasm).expect("valid");
    assert_eq!(Exports::of_module(&wasm).expect("exports").globals, vec![FUEL_EXPORT.to_string()]);
    let with_import = wat::parse_str(
        r#"(module (import "m" "g" (global i32)) (global (mut i64) (i64.const 1)) (func (export "f") (loop (br 0))))"#,
    )
    .expect("wat");
    let wasm = instrument(&with_import, 5).expect("instrumented");
    Features::ALL.validate(&wasm).expect("valid: the counter is global 2, after the import and the defined one");
    let text = wasmprinter::print_bytes(&wasm).expect("print");
    assert!(text.contains("global.get 2"), "{text}");
}
