//! Tests of the public API beyond the spec suite: host functions, limits
//! (call depth, fuel, memory cap), unsupported-feature detection. Speed is
//! measured by `crosscheck bench --module`, not here.

use crosscheck_reference::*;

fn wat(src: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(src).expect("lex");
    let mut w = wast::parser::parse::<wast::Wat<'_>>(&buf).expect("parse");
    w.encode().expect("encode")
}

fn instance(store: &mut Store, src: &str, imports: &[Extern]) -> Instance {
    let m = Module::new(&wat(src)).expect("module");
    Instance::instantiate(store, &m, imports).expect("instantiate")
}

fn func(i: &Instance, name: &str) -> FuncAddr {
    match i.export(name) {
        Some(Extern::Func(f)) => f,
        other => panic!("no function {name}: {other:?}"),
    }
}

#[test]
fn host_function_roundtrip() {
    let mut store = Store::new();
    let double = store.host_func(vec![ValType::I64], vec![ValType::I64], |a| match a {
        [Value::I64(x)] => vec![Value::I64(x * 2)],
        _ => vec![],
    });
    let i = instance(
        &mut store,
        r#"(module (import "h" "d" (func $d (param i64) (result i64)))
             (func (export "f") (param i64) (result i64) (call $d (i64.add (local.get 0) (i64.const 1)))))"#,
        &[Extern::Func(double)],
    );
    let r = store.invoke(func(&i, "f"), &[Value::I64(20)]);
    assert_eq!(r, Ok(vec![Value::I64(42)]));
}

#[test]
fn call_depth_is_exhaustion_not_trap() {
    let mut store = Store::new();
    let i = instance(&mut store, r#"(module (func $f (export "f") (call $f)))"#, &[]);
    assert!(matches!(store.invoke(func(&i, "f"), &[]), Err(CallError::Exhausted(_))));
}

#[test]
fn fuel_limits_infinite_loops() {
    let mut store = Store::new();
    store.config_mut().fuel = Some(1000);
    let i = instance(&mut store, r#"(module (func (export "f") (loop (br 0))))"#, &[]);
    assert!(matches!(store.invoke(func(&i, "f"), &[]), Err(CallError::Exhausted(_))));
}

#[test]
fn huge_initial_memory_is_an_error_not_a_crash() {
    let mut store = Store::new();
    let m = Module::new(&wat("(module (memory i64 0x1000000))")).expect("valid");
    assert!(matches!(Instance::instantiate(&mut store, &m, &[]), Err(Error::Exhausted(_))));
}

#[test]
fn memory_grow_fails_with_minus_one_past_cap() {
    let mut store = Store::new();
    store.config_mut().max_memory_pages = 4;
    let i = instance(
        &mut store,
        r#"(module (memory 1) (func (export "g") (param i32) (result i32) (memory.grow (local.get 0))))"#,
        &[],
    );
    assert_eq!(store.invoke(func(&i, "g"), &[Value::I32(3)]), Ok(vec![Value::I32(1)]));
    assert_eq!(store.refused_grows(), 0);
    assert_eq!(store.invoke(func(&i, "g"), &[Value::I32(1)]), Ok(vec![Value::I32(u32::MAX)]));
    // Past the cap, within the module's limits: a refusal of the store's own.
    assert_eq!(store.refused_grows(), 1);
}

#[test]
fn grows_every_engine_fails_are_not_refusals() {
    let mut store = Store::new();
    store.config_mut().max_memory_pages = 4;
    store.config_mut().max_table_elements = 8;
    let i = instance(
        &mut store,
        r#"(module
             (memory 1 2) (memory $m 1) (table 1 3 funcref) (table $t 1 funcref)
             (func (export "g") (param i32) (result i32) (memory.grow (local.get 0)))
             (func (export "h") (param i32) (result i32) (memory.grow $m (local.get 0)))
             (func (export "t") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
             (func (export "u") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))"#,
        &[],
    );
    let call = |store: &mut Store, f: &str, x: u32| store.invoke(func(&i, f), &[Value::I32(x)]);
    let fail = Ok(vec![Value::I32(u32::MAX)]);
    // Past a declared maximum, past the address type's limit (after a grow
    // that succeeded): every engine fails these.
    assert_eq!(call(&mut store, "g", 2), fail);
    assert_eq!(call(&mut store, "h", 1), Ok(vec![Value::I32(1)]));
    assert_eq!(call(&mut store, "h", 0xffff), fail);
    assert_eq!(call(&mut store, "t", 3), fail);
    assert_eq!(call(&mut store, "u", u32::MAX), fail);
    assert_eq!(store.refused_grows(), 0);
    // Within the module's limits, past the store's caps: its own refusals.
    assert_eq!(call(&mut store, "h", 3), fail);
    assert_eq!(call(&mut store, "u", 8), fail);
    assert_eq!(store.refused_grows(), 2);
    assert_eq!(call(&mut store, "u", 7), Ok(vec![Value::I32(1)]));
    assert_eq!(store.refused_grows(), 2);
}

#[test]
fn out_of_scope_features_are_named() {
    let legacy = wat("(module (tag) (func try nop catch 0 end))");
    assert_eq!(Module::new(&legacy).err(), Some(Error::Unsupported("legacy-exceptions")));
    // Wasm 3.0 is in scope.
    assert!(Module::new(&wat("(module (type (struct (field i32))) (tag))")).is_ok());
    assert!(matches!(Module::new(b"\0asm\x01\0\0\0\x01"), Err(Error::Invalid(_))));
}

#[test]
fn atomic_wait_semantics_single_threaded() {
    let mut store = Store::new();
    let i = instance(
        &mut store,
        r#"(module (memory 1 1 shared) (memory $u 1)
             (func (export "w") (param i32 i64) (result i32)
               (memory.atomic.wait32 (i32.const 0) (local.get 0) (local.get 1)))
             (func (export "n") (result i32) (memory.atomic.notify (i32.const 0) (i32.const 1)))
             (func (export "wu") (result i32)
               (memory.atomic.wait32 $u (i32.const 0) (i32.const 0) (i64.const 0))))"#,
        &[],
    );
    let w = func(&i, "w");
    assert_eq!(store.invoke(w, &[Value::I32(1), Value::I64(0)]), Ok(vec![Value::I32(1)]));
    assert_eq!(store.invoke(w, &[Value::I32(0), Value::I64(10)]), Ok(vec![Value::I32(2)]));
    assert_eq!(store.invoke(func(&i, "n"), &[]), Ok(vec![Value::I32(0)]));
    assert_eq!(store.invoke(func(&i, "wu"), &[]), Err(CallError::Trap(TrapKind::ExpectedSharedMemory)));
}
