//! Wasm 3.0 beyond the spec suite: undetermined masks flow through struct
//! fields, array elements and exception payloads as through memory;
//! uncaught exceptions reach the host with their tag and payload; the GC
//! heap limit is exhaustion, not a trap.

use crosscheck_reference::*;

fn wat(src: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(src).expect("lex");
    let mut w = wast::parser::parse::<wast::Wat<'_>>(&buf).expect("parse");
    w.encode().expect("encode")
}

fn func(i: &Instance, name: &str) -> FuncAddr {
    match i.export(name) {
        Some(Extern::Func(f)) => f,
        other => panic!("no function {name}: {other:?}"),
    }
}

const MASKS: &str = r#"(module
  (type $s (struct (field (mut f32)) (field (mut i8))))
  (type $a (array (mut f32)))
  (tag $e (param f32))
  (func $nan (param f32) (result f32) (f32.add (local.get 0) (f32.const 1)))
  (func (export "direct") (param f32) (result f32) (call $nan (local.get 0)))
  (func (export "field") (param f32) (result f32)
    (struct.get $s 0 (struct.new $s (call $nan (local.get 0)) (i32.const 0))))
  (func (export "set_field") (param f32) (result f32) (local $x (ref $s))
    (local.set $x (struct.new_default $s))
    (struct.set $s 0 (local.get $x) (call $nan (local.get 0)))
    (struct.get $s 0 (local.get $x)))
  (func (export "element") (param f32) (result f32) (local $x (ref $a)) (local $y (ref $a))
    (local.set $x (array.new $a (call $nan (local.get 0)) (i32.const 4)))
    (local.set $y (array.new_default $a (i32.const 4)))
    (array.copy $a $a (local.get $y) (i32.const 1) (local.get $x) (i32.const 2) (i32.const 2))
    (array.get $a (local.get $y) (i32.const 2)))
  (func (export "filled") (param f32) (result f32) (local $x (ref $a))
    (local.set $x (array.new_default $a (i32.const 4)))
    (array.fill $a (local.get $x) (i32.const 0) (call $nan (local.get 0)) (i32.const 4))
    (array.get $a (local.get $x) (i32.const 3)))
  (func (export "untouched") (param f32) (result f32) (local $x (ref $a))
    (local.set $x (array.new $a (call $nan (local.get 0)) (i32.const 4)))
    (array.set $a (local.get $x) (i32.const 1) (f32.const 2.5))
    (array.get $a (local.get $x) (i32.const 1)))
  (func (export "packed") (param f32) (result i32 i32) (local $x (ref $s))
    (local.set $x (struct.new_default $s))
    (struct.set $s 1 (local.get $x) (i32.reinterpret_f32 (call $nan (local.get 0))))
    (struct.get_s $s 1 (local.get $x)) (struct.get_u $s 1 (local.get $x)))
  (global $keep (mut (ref null $s)) (ref.null $s))
  (func (export "keep") (param f32) (global.set $keep (struct.new $s (call $nan (local.get 0)) (i32.const 0))))
  (func (export "kept") (result f32) (struct.get $s 0 (global.get $keep)))
  (func (export "bits") (param f32) (result i32) (i32.reinterpret_f32 (call $nan (local.get 0))))
  (func (export "payload") (param f32) (result f32)
    (block $h (result f32)
      (try_table (catch $e $h) (throw $e (call $nan (local.get 0)))) (unreachable)))
)"#;

#[test]
fn masks_flow_through_fields_elements_and_payloads() {
    let mut store = Store::new();
    let m = Module::new(&wat(MASKS)).expect("module");
    let i = Instance::instantiate(&mut store, &m, &[]).expect("instantiate");
    // A non-canonical NaN: f32.add leaves sign and payload (but the quiet bit) open.
    let nan = Value::F32(0x7fa0_0001);
    let direct = store.invoke_masked(func(&i, "direct"), &[nan]).expect("direct");
    assert_ne!(direct[0].1, 0, "the NaN result has open bits");
    for name in ["field", "set_field", "element", "filled", "payload"] {
        let r = store.invoke_masked(func(&i, name), &[nan]).expect(name);
        assert_eq!(r, direct, "{name}: the value and its mask as computed");
    }
    let r = store.invoke_masked(func(&i, "untouched"), &[nan]).expect("untouched");
    assert_eq!(r, vec![(Value::F32(2.5f32.to_bits()), 0)], "a determined element stays determined");

    let bits = store.invoke_masked(func(&i, "bits"), &[nan]).expect("bits")[0].1;
    let low = bits & 0xff;
    let signed = if low & 0x80 != 0 { low | 0xffff_ff00 } else { low };
    let r = store.invoke_masked(func(&i, "packed"), &[nan]).expect("packed");
    assert_eq!((r[0].1, r[1].1), (signed, low), "packed fields keep the low bits' masks, extended as the value");
    // A field keeps its mask from one invocation to the next.
    store.invoke_masked(func(&i, "keep"), &[nan]).expect("keep");
    assert_eq!(store.invoke_masked(func(&i, "kept"), &[]).expect("kept"), direct);
    // With a determined input nothing is open.
    let r = store.invoke_masked(func(&i, "element"), &[Value::F32(1.0f32.to_bits())]).expect("element");
    assert_eq!(r, vec![(Value::F32(2.0f32.to_bits()), 0)]);
}

#[test]
fn uncaught_exceptions_reach_the_host() {
    let mut store = Store::new();
    let src = r#"(module (tag $e (export "e") (param i32 i64))
        (func (export "f") (param i32) (throw $e (local.get 0) (i64.const -2))))"#;
    let m = Module::new(&wat(src)).expect("module");
    let i = Instance::instantiate(&mut store, &m, &[]).expect("instantiate");
    let Some(Extern::Tag(tag)) = i.export("e") else { panic!("no tag export") };
    let Err(CallError::Exception(e)) = store.invoke(func(&i, "f"), &[Value::I32(7)]) else {
        panic!("expected an exception")
    };
    assert_eq!(store.exception(e), Some((tag, vec![Value::I32(7), Value::I64(u64::MAX - 1)])));
    // An exception is not a trap: a caught one leaves no trace.
    let src = r#"(module (import "m" "e" (tag $e (param i32 i64)))
        (func (export "g") (result i32)
          (block $h (result i32 i64) (try_table (catch $e $h) (throw $e (i32.const 3) (i64.const 4))) (unreachable))
          (drop)))"#;
    let m = Module::new(&wat(src)).expect("module");
    let j = Instance::instantiate(&mut store, &m, &[Extern::Tag(tag)]).expect("instantiate with the tag");
    assert_eq!(store.invoke(func(&j, "g"), &[]), Ok(vec![Value::I32(3)]));
}

#[test]
fn the_gc_heap_limit_is_exhaustion() {
    let mut store = Store::with_config(Config { max_heap_slots: 1000, ..Config::default() });
    let src = r#"(module (type $a (array (mut i8)))
        (func (export "new") (param i32) (result i32) (array.len (array.new_default $a (local.get 0)))))"#;
    let m = Module::new(&wat(src)).expect("module");
    let i = Instance::instantiate(&mut store, &m, &[]).expect("instantiate");
    assert_eq!(store.invoke(func(&i, "new"), &[Value::I32(600)]), Ok(vec![Value::I32(600)]));
    assert!(matches!(store.invoke(func(&i, "new"), &[Value::I32(600)]), Err(CallError::Exhausted(_))));
    assert!(matches!(store.invoke(func(&i, "new"), &[Value::I32(-1i32 as u32)]), Err(CallError::Exhausted(_))));
}
