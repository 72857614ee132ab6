//! The engine bugs written up in docs/findings/, each reproduced from its
//! reduced module. These tests assert the bugs are still there: when an
//! engine upgrade fixes one, its test fails, and the finding and its
//! known-bug entry (src/triage/known_bugs.rs) are to be retired. A bug
//! that only a fuzz build (debug assertions) or another engine version
//! shows is checked by what the pinned release build does with it.
#![cfg(all(feature = "wasmtime", feature = "wasmi", feature = "reference"))]

use crosscheck_oracles::wasmi::{Translation, WasmiEngine};
use crosscheck_oracles::wasmtime::{Strategy, WasmtimeConfig, WasmtimeEngine, close_under_dependencies};
use crosscheck_oracles::*;

fn plan(wat: &str, calls: Vec<(&str, Vec<Val>)>) -> Plan {
    let wasm = wat::parse_str(wat).unwrap();
    Plan {
        observe: Exports::of_module(&wasm).unwrap(),
        wasm,
        calls: calls.into_iter().map(|(e, a)| Call { export: e.into(), args: a }).collect(),
    }
}

/// docs/findings/wasmi-select-eqz-ignores-operand.md
#[test]
fn wasmi_select_on_eqz_ignores_the_operand() {
    let p = plan(
        include_str!("../corpus/regressions/wasmi-select-eqz-ignores-operand.wat"),
        vec![("f", vec![Val::I32(5)]), ("f", vec![Val::I32(0)])],
    );
    let spec = vec![CallOutcome::Returned(vec![Val::I32(5)]), CallOutcome::Returned(vec![Val::I32(1)])];
    let wasmtime = WasmtimeEngine::with_config(WasmtimeConfig::default_for(Strategy::Cranelift)).run(&p);
    assert_eq!(wasmtime.calls, spec);
    let wasmi = WasmiEngine::new().run(&p);
    // x = 5: condition i32.eqz(5) = 0 selects x; wasmi 2.0.0 returns 1.
    assert_eq!(wasmi.calls[0], CallOutcome::Returned(vec![Val::I32(1)]));
    // The workaround rewrite (cond | 0) makes wasmi right.
    let mut fixed = p.clone();
    fixed.wasm = crosscheck::triage::known_bugs::or_zero_after_eqz(&p.wasm).unwrap();
    assert_eq!(WasmiEngine::new().run(&fixed).calls, spec);
}

/// docs/findings/wasmi-select-eqz-ignores-operand.md, reached through
/// `ref.is_null` (found as the untriaged wasmi-global-15011986 divergence):
/// the condition is read from wasmi's register, not from the operand.
#[test]
fn wasmi_select_on_ref_is_null_reads_a_stale_register() {
    let p = plan(
        include_str!("../corpus/regressions/wasmi-select-ref-is-null.wat"),
        vec![("f", vec![Val::ExternRef { null: true }])],
    );
    // ref.is_null(null) = 1 selects the first operand, table.size = 1.
    let spec = vec![CallOutcome::Returned(vec![Val::I32(1)])];
    assert_select_bug(&p, spec, 9);
}

/// docs/findings/wasmi-select-eqz-ignores-operand.md: the fusion survives
/// operators that emit no wasmi code between the comparison and the select.
#[test]
fn wasmi_select_fusion_survives_a_local_get_set_pair() {
    let wat = r#"(module (table 1 externref)
      (func (export "f") (param i32 i32) (result i32)
        table.size 0
        i32.const 9
        local.get 0
        i32.eqz
        local.get 1
        local.set 1
        select))"#;
    let p = plan(wat, vec![("f", vec![Val::I32(0), Val::I32(5)])]);
    // i32.eqz 0 = 1 selects table.size = 1.
    let spec = vec![CallOutcome::Returned(vec![Val::I32(1)])];
    assert_select_bug(&p, spec, 9);
}

/// The judge attributes the `ref.is_null` form to the documented bug.
#[test]
fn ref_is_null_select_divergence_is_attributed_to_the_known_bug() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "corpus/regressions/wasmi-select-ref-is-null.wat", "--args", "f=externref:null"])
        .args(["--engines", "reference,wasmtime,pulley,wasmi"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("signature: known-bug:wasmi-select-eqz-ignores-operand"), "{stdout}");
}

/// docs/findings/wasmi-br-table-values-not-moved.md
#[test]
fn wasmi_br_table_to_equal_heights_leaves_values_in_place() {
    let p = plan(
        include_str!("../corpus/regressions/wasmi-br-table-values-not-moved.wat"),
        vec![("f", vec![Val::I32(0)]), ("f", vec![Val::I32(1)])],
    );
    // Either branch carries i64x2 1 2 out; the i32 below it is discarded.
    let expected: u128 = (2 << 64) | 1;
    let spec = vec![CallOutcome::Returned(vec![Val::V128(expected)]); 2];
    let wasmtime = WasmtimeEngine::with_config(WasmtimeConfig::default_for(Strategy::Cranelift)).run(&p);
    assert_eq!(wasmtime.calls, spec);
    let wasmi = WasmiEngine::new().run(&p);
    for outcome in &wasmi.calls {
        // wasmi 2.0.0 reads the v128 one slot too low: its high half is the
        // value's low half (1); its low half is a stale slot.
        let CallOutcome::Returned(values) = outcome else { panic!("{outcome:?}") };
        let [Val::V128(v)] = values.as_slice() else { panic!("{values:?}") };
        assert_eq!(v >> 64, 1, "{v:#x}");
    }
    // The workaround rewrite (br_table as a chain of br_if) makes wasmi right.
    let mut fixed = p.clone();
    fixed.wasm = crosscheck::triage::known_bugs::br_table_as_br_ifs(&p.wasm).unwrap();
    assert_eq!(WasmiEngine::new().run(&fixed).calls, spec);
}

/// docs/findings/wasmi-store-tee-panic.md (the panic itself is checked in
/// tests/cli.rs, in a process of its own).
#[test]
fn wasmi_store_tee_panic_module_is_valid() {
    let wasm = wat::parse_str(include_str!("../corpus/regressions/wasmi-store-tee-panic.wat")).unwrap();
    Features::ALL.validate(&wasm).unwrap();
}

/// docs/findings/wasmi-trailing-operator-debug-assert.md: the 26-byte
/// module with a `nop` after its function's final `end`. The panic needs
/// wasmi built with debug assertions (fuzz builds); this release build
/// shows the rest: wasmi, eager or lazy, rejects the module as every
/// engine must, and the panic's message, as libFuzzer's log printed it, is
/// recognized as the known crash.
#[test]
fn wasmi_trailing_operator_is_rejected_in_release_and_its_panic_is_known() {
    let wasm: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x0b, 0x01, 0x0b,
    ];
    assert!(Features::ALL.validate(wasm).is_err(), "the module is invalid");
    for translation in [Translation::Eager, Translation::Lazy] {
        match WasmiEngine::with_translation(translation).instantiate(wasm) {
            Err(InstantiateError::Rejected(message)) => {
                assert!(message.contains("operators remaining after end of function"), "{message}")
            }
            Err(other) => panic!("{translation:?}: {other:?}"),
            Ok(_) => panic!("{translation:?}: wasmi accepted an invalid module"),
        }
    }
    let logged = "panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/wasmi-2.0.0/src/engine/\
                  translator/func/stack/control.rs:297:9:\nassertion failed: !self.is_empty()";
    let known = crosscheck::triage::known_crash(logged).map(|c| c.name);
    assert_eq!(known, Some("wasmi-trailing-operator-debug-assert"));
}

/// docs/findings/winch-47-expected-register.md: Winch in Wasmtime 47.0.4
/// rejects this valid module ("Expected register to be available"); the
/// pinned Winch must compile it and agree with the reference.
#[test]
fn winch_compiles_the_module_wasmtime_47_rejected() {
    let p = plan(include_str!("../corpus/regressions/winch-47-expected-register.wat"), vec![]);
    let winch = WasmtimeEngine::with_config(WasmtimeConfig::default_for(Strategy::Winch)).run(&p);
    let reference = crosscheck_oracles::reference::ReferenceEngine::new().run(&p);
    assert!(winch.instantiation.is_ok(), "{:?}", winch.instantiation);
    assert_eq!(winch.instantiation, reference.instantiation);
}

/// docs/findings/winch-load-splat-avx2.md
#[test]
fn winch_load_splat_emits_avx2_without_avx2() {
    let wat = r#"(module (memory 1)
      (func (export "f") (param i32) (result v128) (v128.load32_splat (local.get 0))))"#;
    let p = plan(wat, vec![("f", vec![Val::I32(0)])]);
    let mut config = WasmtimeConfig::default_for(Strategy::Winch);
    config.disabled_cpu_features = close_under_dependencies(&["has_avx2"]);
    let host_has_avx2 = std::arch::is_x86_feature_detected!("avx2");
    let result = std::panic::catch_unwind(move || WasmtimeEngine::with_config(config).run(&p));
    match result {
        Err(panic) => {
            let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            assert!(msg.contains("vpbroadcastd") && msg.contains("avx2"), "{msg}");
        }
        Ok(obs) => panic!("Winch compiled v128.load32_splat without AVX2 (host avx2: {host_has_avx2}): {obs:?}"),
    }
    // With AVX2 (where the host has it) the same module runs.
    if host_has_avx2 {
        let p = plan(wat, vec![("f", vec![Val::I32(0)])]);
        let obs = WasmtimeEngine::with_config(WasmtimeConfig::default_for(Strategy::Winch)).run(&p);
        assert_eq!(obs.calls, vec![CallOutcome::Returned(vec![Val::V128(0)])]);
    }
}

/// Wasmtime gives `spec`; wasmi's fused select gives `wasmi_gives`; the
/// known bug's workaround makes wasmi give `spec` again.
fn assert_select_bug(p: &Plan, spec: Vec<CallOutcome>, wasmi_gives: u32) {
    let wasmtime = WasmtimeEngine::with_config(WasmtimeConfig::default_for(Strategy::Cranelift)).run(p);
    assert_eq!(wasmtime.calls, spec);
    let wasmi = WasmiEngine::new().run(p);
    assert_eq!(wasmi.calls, vec![CallOutcome::Returned(vec![Val::I32(wasmi_gives)])]);
    let mut fixed = p.clone();
    fixed.wasm = crosscheck::triage::known_bugs::or_zero_after_eqz(&p.wasm).unwrap();
    assert_eq!(WasmiEngine::new().run(&fixed).calls, spec);
}
