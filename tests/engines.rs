//! Real modules through every engine: values checked against Rust's own
//! arithmetic, every trap kind classified the same way by every adapter,
//! and exported state observed.
#![cfg(all(feature = "wasmtime", feature = "wasmi"))]

use crosscheck::engines::EngineSet;
use crosscheck_oracles::registry::ENGINE_NAMES;
use crosscheck_oracles::*;

fn plan(wat: &str, calls: Vec<(&str, Vec<Val>)>) -> Plan {
    let wasm = wat::parse_str(wat).expect("test module parses");
    let observe = Exports::of_module(&wasm).unwrap();
    Plan { wasm, calls: calls.into_iter().map(|(e, args)| Call { export: e.into(), args }).collect(), observe }
}

/// Every engine this build has; one that needs a missing program (V8
/// without Node.js) is left out with a note, and fails the test under CI.
fn every_engine() -> Vec<(String, Box<dyn Engine>)> {
    ENGINE_NAMES
        .iter()
        .filter_map(|n| match registry::create_default(n) {
            Ok(e) => Some((n.to_string(), e)),
            Err(registry::Unavailable::Missing(_, why)) if std::env::var("CI").map_or(true, |v| v != "true") => {
                println!("{n} left out: {why}");
                None
            }
            Err(e) => panic!("{n}: {e}"),
        })
        .collect()
}

const ARITH: &str = r#"(module
  (func (export "i32.add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "i64.mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "i32.rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
  (func (export "f32.div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "f64.neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "f64.copysign") (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1)))
  (func (export "i32.trunc_sat_f64_s") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
  (func (export "i16x8.add") (param v128 v128) (result v128) (i16x8.add (local.get 0) (local.get 1)))
  (func (export "multi") (param i32) (result i32 i64) (local.get 0) (i64.extend_i32_s (local.get 0))))"#;

#[test]
fn every_engine_computes_what_rust_computes() {
    let cases: Vec<(&str, Vec<Val>, Vec<Val>)> = vec![
        ("i32.add", vec![Val::I32(u32::MAX), Val::I32(2)], vec![Val::I32(u32::MAX.wrapping_add(2))]),
        (
            "i64.mul",
            vec![Val::I64(0x1234_5678_9abc), Val::I64(0xfedc_ba98)],
            vec![Val::I64(0x1234_5678_9abcu64.wrapping_mul(0xfedc_ba98))],
        ),
        ("i32.rotl", vec![Val::I32(0x8000_0001), Val::I32(33)], vec![Val::I32(0x8000_0001u32.rotate_left(33))]),
        (
            "f32.div",
            vec![Val::F32(1.0f32.to_bits()), Val::F32(3.0f32.to_bits())],
            vec![Val::F32((1.0f32 / 3.0).to_bits())],
        ),
        // Sign-bit operations are bit-exact even on NaNs.
        ("f64.neg", vec![Val::F64(0x7ff0_0000_0000_0001)], vec![Val::F64(0xfff0_0000_0000_0001)]),
        ("f64.neg", vec![Val::F64(0)], vec![Val::F64(1 << 63)]),
        (
            "f64.copysign",
            vec![Val::F64(0x7ff8_0000_0000_0abc), Val::F64(1 << 63)],
            vec![Val::F64(0xfff8_0000_0000_0abc)],
        ),
        ("i32.trunc_sat_f64_s", vec![Val::F64(f64::NAN.to_bits())], vec![Val::I32(0)]),
        ("i32.trunc_sat_f64_s", vec![Val::F64((-3e10f64).to_bits())], vec![Val::I32(i32::MIN as u32)]),
        ("i16x8.add", vec![Val::V128(0xffff << 16), Val::V128(1 << 16 | 7)], vec![Val::V128(7)]),
        ("multi", vec![Val::I32(u32::MAX)], vec![Val::I32(u32::MAX), Val::I64(u64::MAX)]),
    ];
    let p = plan(ARITH, cases.iter().map(|(e, a, _)| (*e, a.clone())).collect());
    for (name, mut engine) in every_engine() {
        let o = engine.run(&p);
        assert_eq!(o.instantiation, Ok(()), "{name}");
        for (i, (export, args, want)) in cases.iter().enumerate() {
            assert_eq!(o.calls[i], CallOutcome::Returned(want.clone()), "{name}: {export}{args:?}");
        }
    }
}

const TRAPS: &str = r#"(module
  (type $v (func))
  (type $i (func (result i32)))
  (memory 1 1)
  (table 2 funcref)
  (elem (i32.const 1) $void)
  (func $void)
  (func (export "unreachable") unreachable)
  (func (export "div_by_zero") (result i32) (i32.div_u (i32.const 1) (i32.const 0)))
  (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "bad_conversion") (result i32) (i32.trunc_f32_s (f32.const nan)))
  (func (export "memory_oob") (result i32) (i32.load (i32.const 65535)))
  (func (export "table_oob") (call_indirect (type $v) (i32.const 2)))
  (func (export "call_null") (call_indirect (type $v) (i32.const 0)))
  (func (export "bad_signature") (result i32) (call_indirect (type $i) (i32.const 1))))"#;

#[test]
fn every_engine_classifies_every_trap_the_same_way() {
    let expected = [
        ("unreachable", TrapKind::Unreachable),
        ("div_by_zero", TrapKind::IntegerDivideByZero),
        ("overflow", TrapKind::IntegerOverflow),
        ("bad_conversion", TrapKind::InvalidConversionToInteger),
        ("memory_oob", TrapKind::MemoryOutOfBounds),
        ("table_oob", TrapKind::TableOutOfBounds),
        ("call_null", TrapKind::IndirectCallToNull),
        ("bad_signature", TrapKind::BadSignature),
    ];
    let p = plan(TRAPS, expected.iter().map(|(e, _)| (*e, vec![])).collect());
    for (name, mut engine) in every_engine() {
        let o = engine.run(&p);
        for (i, (export, kind)) in expected.iter().enumerate() {
            // V8 has one trap for each of two pairs (null entry or signature
            // mismatch; NaN or out-of-range truncation): its two-way kind.
            let two_way = match kind {
                TrapKind::IndirectCallToNull | TrapKind::BadSignature => TrapKind::IndirectCallToNullOrBadSignature,
                TrapKind::InvalidConversionToInteger => TrapKind::InvalidConversionOrOverflow,
                other => other.clone(),
            };
            let want = if name.starts_with("v8") { two_way } else { kind.clone() };
            assert_eq!(o.calls[i], CallOutcome::Trapped(want), "{name}: {export}");
        }
    }
}

#[test]
fn instantiation_traps_and_stack_exhaustion_are_classified() {
    let oob = plan(r#"(module (memory 1) (data (i32.const 65535) "ab"))"#, vec![]);
    let deep = plan(r#"(module (func $f (export "f") (call $f)))"#, vec![("f", vec![])]);
    for (name, mut engine) in every_engine() {
        let o = engine.run(&oob);
        assert_eq!(o.instantiation, Err(InstantiateError::Trapped(TrapKind::MemoryOutOfBounds)), "{name}");
        let o = engine.run(&deep);
        assert!(matches!(o.calls[0], CallOutcome::Exhausted(_)), "{name}: {:?}", o.calls[0]);
    }
}

#[test]
fn every_engine_reports_exported_state() {
    let p = plan(
        r#"(module
          (global (export "g") (mut i64) (i64.const -5))
          (memory (export "m") 1 2)
          (table (export "t") 3 funcref)
          (func $f)
          (elem (i32.const 1) $f)
          (func (export "run")
            (global.set 0 (i64.const 42))
            (i32.store8 (i32.const 100) (i32.const 0xab))
            (drop (memory.grow (i32.const 1)))
            (drop (table.grow (ref.null func) (i32.const 2)))))"#,
        vec![("run", vec![])],
    );
    let mut memory = vec![0u8; 2 * 65536];
    memory[100] = 0xab;
    for (name, mut engine) in every_engine() {
        let o = engine.run(&p);
        assert_eq!(o.calls, vec![CallOutcome::Returned(vec![])], "{name}");
        assert_eq!(o.state.globals, vec![Some(Val::I64(42))], "{name}");
        assert_eq!(o.state.memories, vec![Some(MemoryState::new(memory.clone()))], "{name}");
        assert_eq!(
            o.state.tables,
            vec![Some(TableState { size: 5, null: vec![true, false, true, true, true] })],
            "{name}"
        );
    }
}

#[test]
fn random_configurations_are_reproducible_from_bytes() {
    let data: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let names: Vec<String> = every_engine().into_iter().map(|(n, _)| n).collect();
    let mut a = EngineSet::fuzzing(&names).unwrap();
    let mut b = EngineSet::fuzzing(&names).unwrap();
    let features = a.features();
    a.configure(&mut arbitrary::Unstructured::new(&data[100..]), features).unwrap();
    b.configure(&mut arbitrary::Unstructured::new(&data[100..]), features).unwrap();
    assert_eq!(a.configs(), b.configs());
}

#[test]
fn the_gc_collector_is_a_setting_drawn_only_for_gc_cases() {
    use crosscheck_oracles::wasmtime::{Collector, Strategy, WasmtimeConfig, WasmtimeEngine};
    let mut c = WasmtimeConfig::default_for(Strategy::Cranelift);
    assert!(!c.settings().contains("collector"), "the default prints as before");
    c.set("collector", "null").unwrap();
    assert_eq!(c.collector, Collector::Null);
    assert!(c.settings().ends_with(",collector=null"), "{}", c.settings());
    assert!(c.set("collector", "mark-sweep").is_err());
    // Without GC no byte is drawn for it; with GC the same bytes give the same collector.
    let data: Vec<u8> = (0..=255u8).cycle().take(512).collect();
    let drawn = |gc: bool| {
        let mut e = WasmtimeEngine::new(Strategy::Cranelift);
        let mut u = arbitrary::Unstructured::new(&data);
        e.configure(&mut u, Features { gc, ..Features::WASM2 }).unwrap();
        (e.current_config().clone(), u.len())
    };
    let (without, left_without) = drawn(false);
    let (with, left_with) = drawn(true);
    assert_eq!(without.collector, Collector::Drc);
    assert_eq!(left_without, left_with + 1, "one byte for the collector, only with GC");
    assert_eq!(drawn(true).0, with);
}

#[test]
fn memory_init_cow_is_a_drawn_setting_and_both_ways_fill_memory_alike() {
    use crosscheck_oracles::wasmtime::{Strategy, WasmtimeConfig};
    let mut c = WasmtimeConfig::default_for(Strategy::Cranelift);
    assert!(c.memory.init_cow, "Wasmtime's default");
    assert!(c.settings().contains(",memory-init-cow=on"), "{}", c.settings());
    c.set("memory-init-cow", "off").unwrap();
    assert!(!c.memory.init_cow && c.settings().contains(",memory-init-cow=off"), "{}", c.settings());
    assert!(c.set("memory-init-cow", "lazy").is_err());
    let drawn = |data: &[u8]| {
        WasmtimeConfig::arbitrary(Strategy::Pulley, &mut arbitrary::Unstructured::new(data)).unwrap().memory.init_cow
    };
    assert!(drawn(&[]), "run-out bytes keep the default");
    let values: std::collections::HashSet<bool> =
        (0..32u32).map(|seed| drawn(&(0..64u32).map(|k| (k * 31 + seed * 17) as u8).collect::<Vec<_>>())).collect();
    assert_eq!(values.len(), 2, "both ways are drawn");

    // Data segments (active at two offsets, one passive) give the same
    // memory either way, on every Wasmtime strategy.
    let p = plan(
        r#"(module
          (memory (export "m") 1)
          (data (i32.const 8) "\01\02\03")
          (data (i32.const 65530) "\ff\fe")
          (data $p "\aa\bb")
          (func (export "run")
            (memory.init $p (i32.const 100) (i32.const 0) (i32.const 2))
            (i32.store8 (i32.const 9) (i32.const 7))))"#,
        vec![("run", vec![])],
    );
    let mut memory = vec![0u8; 65536];
    memory[8..11].copy_from_slice(&[1, 7, 3]);
    memory[65530..65532].copy_from_slice(&[0xff, 0xfe]);
    memory[100..102].copy_from_slice(&[0xaa, 0xbb]);
    for name in ["wasmtime", "winch", "pulley"] {
        for cow in ["on", "off"] {
            let spec = format!("{name}[memory-init-cow={cow}]");
            let mut engine = crosscheck::engines::create_default(&spec).unwrap();
            assert!(engine.config().contains(&format!("memory-init-cow={cow}")), "{spec}: {}", engine.config());
            let o = engine.run(&p);
            assert_eq!(o.calls, vec![CallOutcome::Returned(vec![])], "{spec}");
            assert_eq!(o.state.memories, vec![Some(MemoryState::new(memory.clone()))], "{spec}");
        }
    }
}

#[test]
fn cpu_feature_closure_never_leaves_a_dependent_enabled() {
    use crosscheck_oracles::wasmtime::{CPU_FEATURES, close_under_dependencies};
    let off = close_under_dependencies(&["has_sse41"]);
    for f in ["has_sse41", "has_sse42", "has_avx", "has_avx2", "has_fma", "has_avx512f", "has_avx512vl"] {
        assert!(off.contains(&f), "{f} not disabled: {off:?}");
    }
    assert!(!off.contains(&"has_sse3") && !off.contains(&"has_popcnt"));
    for (flag, deps) in CPU_FEATURES {
        let off = close_under_dependencies(&[flag]);
        for d in *deps {
            assert!(off.contains(d), "{flag} off but {d} on");
        }
    }
}

/// The spec's effective address is an unbounded integer, and an atomic
/// access traps when it is misaligned or out of bounds. Where both hold the
/// spec allows either trap (the proposal's prose checks bounds first, its
/// interpreter alignment first): the reference says so with the two-way
/// kind, and Wasmtime ("unaligned") and V8 ("out of bounds") both agree
/// with it. Near 2^64 on memory64, alignment is judged on the true sum.
#[cfg(feature = "reference")]
#[test]
fn atomic_traps_misaligned_or_out_of_bounds() {
    let p = plan(
        r#"(module (memory i64 1)
          (func (export "f") (param i64) (result i32) (i32.atomic.load offset=2 (local.get 0))))"#,
        vec![
            ("f", vec![Val::I64(u64::MAX)]),
            ("f", vec![Val::I64(2)]),
            ("f", vec![Val::I64(65534)]),
            ("f", vec![Val::I64(1)]),
            ("f", vec![Val::I64(65535)]),
        ],
    );
    let want = [
        CallOutcome::Trapped(TrapKind::UnalignedAtomicOrOutOfBounds),
        CallOutcome::Returned(vec![Val::I32(0)]),
        CallOutcome::Trapped(TrapKind::MemoryOutOfBounds),
        CallOutcome::Trapped(TrapKind::UnalignedAtomic),
        CallOutcome::Trapped(TrapKind::UnalignedAtomicOrOutOfBounds),
    ];
    let reference = registry::create_default("reference").unwrap().run(&p);
    assert_eq!(reference.calls, want);
    let wasmtime = registry::create_default("wasmtime").unwrap().run(&p);
    assert_eq!(wasmtime.calls.len(), want.len());
    for (i, (got, want)) in wasmtime.calls.iter().zip(&want).enumerate() {
        let agree = match (got, want) {
            (CallOutcome::Trapped(g), CallOutcome::Trapped(w)) => {
                g.agrees_with(w) && *g != TrapKind::UnalignedAtomicOrOutOfBounds
            }
            (g, w) => g == w,
        };
        assert!(agree, "wasmtime call #{i}: {got:?}, reference {want:?}");
    }
    assert!(!TrapKind::UnalignedAtomic.agrees_with(&TrapKind::MemoryOutOfBounds));
}

/// A small module is compiled once per configuration: instantiated again
/// under the same one it comes from the cache, with fresh state (a store
/// per instance); another configuration compiles its own.
#[test]
fn small_modules_are_compiled_once_per_configuration() {
    use crosscheck_oracles::wasmtime::{Strategy, WasmtimeEngine};
    let p = plan(
        r#"(module (global $g (mut i32) (i32.const 0))
             (func (export "bump") (result i32)
               (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))"#,
        vec![("bump", vec![]), ("bump", vec![])],
    );
    let data: Vec<u8> = (0..=255u8).cycle().take(512).collect();
    let mut e = WasmtimeEngine::new(Strategy::Cranelift);
    e.configure(&mut arbitrary::Unstructured::new(&data), Features::WASM2).unwrap();
    let first = e.run(&p);
    assert_eq!(e.cached_modules(), 1);
    let again = e.run(&p);
    assert_eq!(e.cached_modules(), 1, "the same bytes and configuration: no second compile");
    assert_eq!(first, again, "a cached module starts from fresh state");
    assert_eq!(first.calls[1], CallOutcome::Returned(vec![Val::I32(2)]));
    let before = e.current_config().clone();
    e.configure(&mut arbitrary::Unstructured::new(&data[7..]), Features::WASM2).unwrap();
    assert_ne!(e.current_config(), &before);
    let other = e.run(&p);
    assert_eq!(e.cached_modules(), 2, "another configuration compiles its own");
    assert_eq!(other.calls, first.calls);
    // A bounded cache: the oldest modules make room, the newest answer.
    for k in 0..100 {
        let q = plan(&format!(r#"(module (func (export "k") (result i32) (i32.const {k})))"#), vec![("k", vec![])]);
        assert_eq!(e.run(&q).calls, vec![CallOutcome::Returned(vec![Val::I32(k)])]);
    }
    assert_eq!(e.cached_modules(), 64);
}
