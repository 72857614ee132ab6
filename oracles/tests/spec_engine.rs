//! The `spec` engine end to end. With the interpreter (`$WASM_SPEC_INTERPRETER`
//! or `wasm` on PATH): its observations equal the reference interpreter's
//! bit for bit on a Case that traps midway (calls after the trap still run,
//! the state keeps what the trapping call wrote), a module it rejects is
//! rejected, and a call past the deadline is an engine failure after which
//! the next Case runs in a new process. Without it these tests print why
//! and pass, unless `CROSSCHECK_REQUIRE_SPEC=1` makes its absence a
//! failure. A stand-in interpreter that crashes (a shell script) checks
//! that a crash is an engine failure, with or without the real one.
#![cfg(all(feature = "spec", feature = "reference"))]

use crosscheck_oracles::spec::{SpecEngine, SpecInfo, spec_interpreter};
use crosscheck_oracles::{Call, Engine, Exports, Features, InstantiateError, Observation, Plan, Val};
use std::time::Duration;

fn interpreter() -> Option<&'static SpecInfo> {
    match spec_interpreter() {
        Ok(info) => Some(info),
        Err(why) if std::env::var_os("CROSSCHECK_REQUIRE_SPEC").is_some_and(|v| v == "1") => {
            panic!("CROSSCHECK_REQUIRE_SPEC=1 but {why}")
        }
        Err(why) => {
            eprintln!("skipping: {why} (set CROSSCHECK_REQUIRE_SPEC=1 to make this a failure)");
            None
        }
    }
}

fn plan(wat: &str, calls: &[(&str, Vec<Val>)]) -> Plan {
    let wasm = wat::parse_str(wat).unwrap();
    let observe = Exports::of_module(&wasm).unwrap();
    let calls = calls.iter().map(|(e, a)| Call { export: e.to_string(), args: a.clone() }).collect();
    Plan { wasm, calls, observe }
}

const CASE: &str = r#"(module
  (memory (export "mem") 1 3)
  (table (export "tab") 70 funcref)
  (global (export "g") (mut i64) (i64.const -5))
  (global (export "nan") (mut f32) (f32.const -nan:0x123))
  (global (export "v") (mut v128) (v128.const i32x4 1 2 3 4))
  (elem (i32.const 65) func $write)
  (data (i32.const 65530) "\01\02\03\04\05\06")
  (func $write (export "write_then_trap") (param i64)
    (i64.store (i32.const 8) (local.get 0))
    (global.set 0 (local.get 0))
    (unreachable))
  (func (export "floats") (param f32 f64) (result f32 f64 v128)
    (f32.div (local.get 0) (local.get 0)) (f64.neg (local.get 1)) (v128.const i32x4 1 2 3 -1))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "call") (param i32) (call_indirect (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#;

#[test]
fn trapping_case_is_observed_in_full_like_the_reference() {
    let Some(info) = interpreter() else { return };
    let p = plan(
        CASE,
        &[
            ("write_then_trap", vec![Val::I64(0x1122_3344_5566_7788)]),
            ("floats", vec![Val::F32(0x8000_0001), Val::F64(1 << 63)]),
            ("div", vec![Val::I32(0x8000_0000), Val::I32(u32::MAX)]),
            ("grow", vec![]),
            ("call", vec![Val::I32(0)]),
            ("call", vec![Val::I32(70)]),
            ("call", vec![Val::I32(65)]),
            ("floats", vec![Val::F32(0x7fa0_0001), Val::F64(0x7ff4_0000_0000_0001)]),
        ],
    );
    let mut spec = SpecEngine::with_info(info);
    let mut reference = crosscheck_oracles::registry::create("reference").unwrap();
    let got = spec.run(&p);
    let want = reference.run(&p);
    assert_eq!(got.instantiation, Ok(()));
    assert_eq!(got.calls.len(), 8, "every call after the traps ran: {:?}", got.calls);
    assert_eq!(got.calls, want.calls);
    assert_eq!(got.state, want.state);
    let mem = got.state.memories[0].as_ref().unwrap();
    assert_eq!(mem.bytes.len(), 2 * 65536, "grown by one page");
    assert_eq!(&mem.bytes[8..16], &0x1122_3344_5566_7788u64.to_le_bytes(), "the trapping call's store stays");
    assert_eq!(got.state.tables[0].as_ref().unwrap().null.iter().filter(|n| !**n).count(), 1);
    // The same engine runs the next Case in the same process.
    let again = spec.run(&p);
    assert_eq!(again, got);
    assert_eq!(spec.timings.processes, 1);
}

#[test]
fn rejected_module_and_time_out() {
    let Some(info) = interpreter() else { return };
    let mut spec = SpecEngine::with_info(info).with_deadline(Duration::from_secs(1));
    // Valid for wasmparser with every proposal, but i64.add128 is not in this interpreter.
    if !info.features.wide_arithmetic {
        let p = plan(
            "(module (func (export \"f\") (result i64 i64) (i64.add128 (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4))))",
            &[("f", vec![])],
        );
        assert!(matches!(spec.run(&p).instantiation, Err(InstantiateError::Rejected(_))));
    }
    let looping = plan("(module (func (export \"spin\") (loop (br 0))))", &[("spin", vec![])]);
    let o = spec.run(&looping);
    assert!(matches!(&o.calls[..], [crosscheck_oracles::CallOutcome::Failed(m)] if m.contains("time-out")), "{o:?}");
    let p = plan("(module (func (export \"one\") (result i32) (i32.const 1)))", &[("one", vec![])]);
    assert_eq!(spec.run(&p).calls, [crosscheck_oracles::CallOutcome::Returned(vec![Val::I32(1)])]);
    assert_eq!(spec.timings.processes, 2, "a new process after the time-out");
}

#[test]
fn probed_proposals_include_wasm_2() {
    let Some(info) = interpreter() else { return };
    assert_eq!(info.features.intersect(Features::WASM2), Features::WASM2, "{}", info.features);
    assert!(info.banner.contains("reference interpreter"));
}

/// A stand-in `wasm` that prints the banner, answers the marker module's
/// marker, and exits on the next command: a crash in the middle of a Case.
#[test]
fn crashed_interpreter_is_an_engine_failure() {
    let dir = std::env::temp_dir().join(format!("crosscheck-spec-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wasm");
    let marker = crosscheck_oracles::spec::transcript::MARK_BASE;
    let script = format!(
        "#!/bin/sh\necho 'wasm 3.0.0 reference interpreter'\nread a\nread b\necho '> {marker} : [i64]'\nread c\necho 'Fatal error: exception Stack_overflow' >&2\nexit 2\n"
    );
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let info = Box::leak(Box::new(SpecInfo {
        path: path.clone(),
        source: "test",
        banner: "wasm 3.0.0 reference interpreter".into(),
        features: Features::WASM2,
    }));
    let mut spec = SpecEngine::with_info(info);
    let p = plan("(module (func (export \"one\") (result i32) (i32.const 1)))", &[("one", vec![])]);
    let o: Observation = spec.run(&p);
    match &o.instantiation {
        Err(InstantiateError::Failed(m)) => assert!(m.contains("exited") && m.contains("Stack_overflow"), "{m}"),
        other => panic!("expected an engine failure, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
