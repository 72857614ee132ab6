//! Tests of undetermined masks ([`Store::invoke_masked`]): one test per
//! rule of the mask semantics against hand-worked values. What masks cost
//! is measured by `crosscheck bench --module` (`reference` against
//! `reference-plain`), not here.

use crosscheck_reference::*;

fn wat(src: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(src).expect("lex");
    let mut w = wast::parser::parse::<wast::Wat<'_>>(&buf).expect("parse");
    w.encode().expect("encode")
}

fn setup(src: &str) -> (Store, Instance) {
    let mut store = Store::new();
    let m = Module::new(&wat(src)).expect("module");
    let i = Instance::instantiate(&mut store, &m, &[]).expect("instantiate");
    (store, i)
}

fn func(i: &Instance, name: &str) -> FuncAddr {
    match i.export(name) {
        Some(Extern::Func(f)) => f,
        other => panic!("no function {name}: {other:?}"),
    }
}

/// Runs export `name` of a module made of `body` (module fields) masked.
fn masked(body: &str, name: &str, args: &[Value]) -> Result<Vec<(Value, u128)>, CallError> {
    let (mut store, i) = setup(&format!("(module (memory (export \"mem\") 1) {body})"));
    store.invoke_masked(func(&i, name), args)
}

fn one(body: &str) -> (Value, u128) {
    let r = masked(body, "f", &[]).expect("run");
    assert_eq!(r.len(), 1);
    r[0]
}

/// An arithmetic NaN with open sign and payload: f32.add of a signalling NaN.
const ARITH: &str = "(f32.add (f32.reinterpret_i32 (i32.const 0x7fa00001)) (f32.const 1))";
const CANON: &str = "(f32.reinterpret_i32 (i32.const 0x7fc00000))";

// Rule 1: NaN results of float arithmetic.
#[test]
fn rule1_canonical_nan_input_gives_canonical_open_sign() {
    let r = one(&format!("(func (export \"f\") (result f32) (f32.add {CANON} (f32.const 1)))"));
    assert_eq!(r, (Value::F32(0x7fc0_0000), 0x8000_0000));
    // No NaN input (0/0): canonical NaN of open sign.
    let (v, m) = one("(func (export \"f\") (result f32) (f32.div (f32.const 0) (f32.const 0)))");
    assert_eq!(m, 0x8000_0000);
    assert!(matches!(v, Value::F32(b) if b & 0x7fff_ffff == 0x7fc0_0000));
    // f64 sqrt(-1)
    let (_, m) = one("(func (export \"f\") (result f64) (f64.sqrt (f64.const -1)))");
    assert_eq!(m, 1 << 63);
}

#[test]
fn rule1_signalling_input_gives_arithmetic_nan() {
    let r = one(&format!("(func (export \"f\") (result f32) {ARITH})"));
    assert_eq!(r.1, 0x803f_ffff);
    assert!(matches!(r.0, Value::F32(b) if b & 0x7fc0_0000 == 0x7fc0_0000));
    // Arithmetic on a surely-NaN with open bits stays an arithmetic NaN.
    let r = one(&format!("(func (export \"f\") (result f32) (f32.mul {ARITH} (f32.const 3)))"));
    assert_eq!(r.1, 0x803f_ffff);
    // Non-NaN result of known operands: determined.
    let r = one("(func (export \"f\") (result f32) (f32.add (f32.const 1) (f32.const 2)))");
    assert_eq!(r, (Value::F32(3.0f32.to_bits()), 0));
    // Promote / demote keep the NaN rules across widths.
    let r = one(&format!("(func (export \"f\") (result f64) (f64.promote_f32 {ARITH}))"));
    assert_eq!(r.1, (1u128 << 63) | ((1u128 << 51) - 1));
}

// Rule 2: bit-exact operators move masks.
#[test]
fn rule2_sign_operators_and_reinterpret() {
    let neg = one(&format!("(func (export \"f\") (result f32) (f32.neg {ARITH}))"));
    assert_eq!(neg.1, 0x803f_ffff);
    let abs = one(&format!("(func (export \"f\") (result f32) (f32.abs {ARITH}))"));
    assert_eq!(abs.1, 0x003f_ffff);
    let cs = one(&format!("(func (export \"f\") (result f32) (f32.copysign (f32.const 2) {ARITH}))"));
    assert_eq!(cs, (Value::F32(2.0f32.to_bits() | cs_sign(cs.0)), 0x8000_0000));
    let cs = one(&format!("(func (export \"f\") (result f32) (f32.copysign {ARITH} (f32.const -2)))"));
    assert_eq!(cs.1, 0x003f_ffff);
    let ri = one(&format!("(func (export \"f\") (result i32) (i32.reinterpret_f32 {ARITH}))"));
    assert_eq!(ri.1, 0x803f_ffff);
    // Through locals.
    let r = one(&format!(
        "(func (export \"f\") (result f32) (local f32) (local.set 0 {ARITH}) (local.tee 0 (local.get 0)))"
    ));
    assert_eq!(r.1, 0x803f_ffff);
}

fn cs_sign(v: Value) -> u32 {
    match v {
        Value::F32(b) => b & 0x8000_0000,
        _ => panic!(),
    }
}

// Rule 3: integer operators.
#[test]
fn rule3_bitwise_and_shifts() {
    let open_byte = format!("(i32.and (i32.reinterpret_f32 {ARITH}) (i32.const 0xff))");
    assert_eq!(one(&format!("(func (export \"f\") (result i32) {open_byte})")).1, 0xff);
    let r = one(&format!("(func (export \"f\") (result i32) (i32.and {open_byte} (i32.const 0xff00)))"));
    assert_eq!(r, (Value::I32(0), 0));
    let r = one(&format!("(func (export \"f\") (result i32) (i32.or {open_byte} (i32.const 0xf0)))"));
    assert_eq!(r.1, 0x0f);
    let r = one(&format!("(func (export \"f\") (result i32) (i32.xor {open_byte} (i32.const 0xfff)))"));
    assert_eq!(r.1, 0xff);
    let r = one(&format!("(func (export \"f\") (result i32) (i32.shl {open_byte} (i32.const 4)))"));
    assert_eq!(r.1, 0xff0);
    let r = one(&format!("(func (export \"f\") (result i32) (i32.rotr {open_byte} (i32.const 4)))"));
    assert_eq!(r.1, 0xf000_000f);
    // shr_s: the sign fill follows the sign bit's mask.
    let r =
        one(&format!("(func (export \"f\") (result i32) (i32.shr_s (i32.reinterpret_f32 {ARITH}) (i32.const 24)))"));
    assert_eq!(r.1, 0xffff_ff80);
    let r =
        one(&format!("(func (export \"f\") (result i32) (i32.shr_u (i32.reinterpret_f32 {ARITH}) (i32.const 24)))"));
    assert_eq!(r.1, 0x80);
    // Arithmetic with an open input: all 32 bits open.
    let r = one(&format!("(func (export \"f\") (result i32) (i32.add {open_byte} (i32.const 0x10000)))"));
    assert_eq!(r.1, 0xffff_ffff);
    let r = one(&format!("(func (export \"f\") (result i32) (i32.lt_u {open_byte} (i32.const 1)))"));
    assert_eq!(r.1, 0xffff_ffff);
    // eq with a determined differing bit is determined.
    let r = one(&format!("(func (export \"f\") (result i32) (i32.eq {open_byte} (i32.const 0x100)))"));
    assert_eq!(r, (Value::I32(0), 0));
    // wrap keeps the low mask bits; extend_s follows the sign bit's mask.
    let r = one(&format!("(func (export \"f\") (result i64) (i64.extend_i32_s (i32.reinterpret_f32 {ARITH})))"));
    assert_eq!(r.1, 0xffff_ffff_803f_ffff);
    let r = one(&format!(
        "(func (export \"f\") (result i32) (i32.wrap_i64 (i64.shl (i64.extend_i32_u {open_byte}) (i64.const 36))))"
    ));
    assert_eq!(r, (Value::I32(0), 0));
    let r = one(&format!("(func (export \"f\") (result i32) (i32.extend8_s {open_byte}))"));
    assert_eq!(r.1, 0xffff_ffff);
}

#[test]
fn rule3_open_divisor_is_undetermined() {
    let open_byte = format!("(i32.and (i32.reinterpret_f32 {ARITH}) (i32.const 0xff))");
    let r = masked(&format!("(func (export \"f\") (result i32) (i32.div_u (i32.const 7) {open_byte}))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("divisor")), "{r:?}");
    // Open dividend with a known non-zero divisor: open result, no stop.
    let r = one(&format!("(func (export \"f\") (result i32) (i32.rem_u {open_byte} (i32.const 7)))"));
    assert_eq!(r.1, 0xffff_ffff);
}

// Rule 4: float operators whose outcome does not depend on open bits.
#[test]
fn rule4_comparisons_and_trunc_of_surely_nan() {
    let r = one(&format!("(func (export \"f\") (result i32) (f32.eq {ARITH} (f32.const 1)))"));
    assert_eq!(r, (Value::I32(0), 0));
    let r = one(&format!("(func (export \"f\") (result i32) (f32.ne {ARITH} (f32.const 1)))"));
    assert_eq!(r, (Value::I32(1), 0));
    let r = one(&format!("(func (export \"f\") (result i32) (i32.trunc_sat_f32_s {ARITH}))"));
    assert_eq!(r, (Value::I32(0), 0));
    let r = masked(&format!("(func (export \"f\") (result i32) (i32.trunc_f32_s {ARITH}))"), "f", &[]);
    assert_eq!(r, Err(CallError::Trap(TrapKind::InvalidConversionToInteger)));
    // An open value that may or may not be a NaN: comparison open.
    let maybe = format!("(f32.reinterpret_i32 (i32.and (i32.reinterpret_f32 {ARITH}) (i32.const 0x3f8000ff)))");
    let r = one(&format!("(func (export \"f\") (result i32) (f32.eq {maybe} (f32.const 1)))"));
    assert_eq!(r.1, 0xffff_ffff);
    let r = masked(&format!("(func (export \"f\") (result i32) (i32.trunc_f32_s {maybe}))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(_))), "{r:?}");
    // Non-NaN arithmetic on an open value: fully open.
    let r = one(&format!("(func (export \"f\") (result f32) (f32.add {maybe} (f32.const 1)))"));
    assert_eq!(r.1, 0xffff_ffff);
}

// Rule 5: relaxed SIMD.
#[test]
fn rule5_relaxed_madd_opens_only_differing_lanes() {
    // Lane 0: (1+ulp)^2 - (1+2ulp) is 0 unfused but ulp^2 fused; lanes 1-3 exact.
    let x = "(v128.const i32x4 0x3f800001 0x3f800000 0x40000000 0x3f800000)";
    let z = format!("(v128.const i32x4 {:#x} 0 0 0)", (-1.0f32 - 2.0 * f32::EPSILON).to_bits());
    let r = one(&format!("(func (export \"f\") (result v128) (f32x4.relaxed_madd {x} {x} {z}))"));
    let m = r.1;
    assert_ne!(m & 0xffff_ffff, 0, "lane 0 must be open");
    assert_eq!(m >> 32, 0, "lanes 1-3 determined");
    // The value is the deterministic (unfused) choice.
    assert!(matches!(r.0, Value::V128(v) if v as u32 == 0));
    // relaxed_swizzle: only out-of-range index lanes differ (0 or a[1] = 2:
    // exactly bit 1 of lane 0).
    let r = one(
        "(func (export \"f\") (result v128) (i8x16.relaxed_swizzle (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
           (v128.const i8x16 17 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14)))",
    );
    assert_eq!(r.1, 0x02);
    // laneselect with a mask of full lanes: all choices agree.
    let r = one("(func (export \"f\") (result v128) (i32x4.relaxed_laneselect (v128.const i32x4 1 2 3 4)
           (v128.const i32x4 5 6 7 8) (v128.const i32x4 -1 0 -1 0)))");
    assert_eq!(r, (Value::V128(0x0000_0008_0000_0003_0000_0006_0000_0001), 0));
}

#[test]
fn rule1_simd_lanes() {
    let r = one(&format!(
        "(func (export \"f\") (result v128)
           (f32x4.add (f32x4.replace_lane 2 (v128.const f32x4 1 1 1 1) {ARITH}) (v128.const f32x4 0 0 0 0)))"
    ));
    assert_eq!(r.1, 0x803f_ffffu128 << 64);
    let r = one(&format!("(func (export \"f\") (result f32) (f32x4.extract_lane 1 (f32x4.splat {ARITH})))"));
    assert_eq!(r.1, 0x803f_ffff);
    let r = one(&format!(
        "(func (export \"f\") (result v128) (i32x4.add (f32x4.splat {ARITH}) (v128.const i32x4 0 0 0 0)))"
    ));
    assert_eq!(r.1, u128::MAX);
    let r = one(&format!(
        "(func (export \"f\") (result v128) (v128.and (f32x4.splat {ARITH}) (v128.const i32x4 0x7f800000 0 0 0)))"
    ));
    assert_eq!(r.1, 0);
}

// Rule 6: memory masks.
#[test]
fn rule6_store_load_and_bulk_move_masks() {
    let (mut store, i) = setup(&format!(
        "(module (memory (export \"mem\") 1)
           (func (export \"st\") (f32.store (i32.const 8) {ARITH}))
           (func (export \"ld\") (result i32) (i32.load (i32.const 8)))
           (func (export \"ld8s\") (result i32) (i32.load8_s (i32.const 11)))
           (func (export \"cp\") (memory.copy (i32.const 100) (i32.const 8) (i32.const 4)))
           (func (export \"ld100\") (result i32) (i32.load (i32.const 100)))
           (func (export \"fill\") (memory.fill (i32.const 0) (i32.const 0) (i32.const 12))))"
    ));
    let Some(Extern::Memory(mem)) = i.export("mem") else { panic!() };
    assert_eq!(store.memory_mask(mem), None);
    store.invoke_masked(func(&i, "st"), &[]).unwrap();
    let mm = store.memory_mask(mem).expect("mask allocated");
    assert_eq!(&mm[8..12], &[0xff, 0xff, 0x3f, 0x80]);
    assert_eq!(mm[7], 0);
    assert_eq!(store.invoke_masked(func(&i, "ld"), &[]).unwrap()[0].1, 0x803f_ffff);
    assert_eq!(store.invoke_masked(func(&i, "ld8s"), &[]).unwrap()[0].1, 0xffff_ff80);
    store.invoke_masked(func(&i, "cp"), &[]).unwrap();
    assert_eq!(store.invoke_masked(func(&i, "ld100"), &[]).unwrap()[0].1, 0x803f_ffff);
    store.invoke_masked(func(&i, "fill"), &[]).unwrap();
    assert_eq!(store.invoke_masked(func(&i, "ld"), &[]).unwrap()[0].1, 0);
    assert_eq!(store.invoke_masked(func(&i, "ld100"), &[]).unwrap()[0].1, 0x803f_ffff);
}

// Rule 7: control and addresses.
#[test]
fn rule7_open_condition_or_address_is_undetermined() {
    let sign = format!("(i32.shr_u (i32.reinterpret_f32 {ARITH}) (i32.const 31))");
    let r = masked(&format!("(func (export \"f\") (block (br_if 0 {sign})))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("br_if")), "{r:?}");
    let r = masked(&format!("(func (export \"f\") (if {sign} (then nop)))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("if")), "{r:?}");
    let r = masked(&format!("(func (export \"f\") (result i32) (i32.load {sign}))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("address")), "{r:?}");
    let r =
        masked(&format!("(func (export \"f\") (result i32) (select (i32.const 1) (i32.const 2) {sign}))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("select")), "{r:?}");
    let r = masked(&format!("(func (export \"f\") (block (br_table 0 0 {sign})))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(_))), "{r:?}");
    // A determined bit of the same NaN steers control fine.
    let exp = format!("(i32.and (i32.reinterpret_f32 {ARITH}) (i32.const 0x7f800000))");
    let r = one(&format!("(func (export \"f\") (result f32) (block (br_if 0 {exp})) {ARITH})"));
    assert_eq!(r.1, 0x803f_ffff);
    // select on a determined condition moves the chosen mask; branches carry masks.
    let r = one(&format!("(func (export \"f\") (result f32) (select {ARITH} (f32.const 1) (i32.const 1)))"));
    assert_eq!(r.1, 0x803f_ffff);
    let r = one(&format!("(func (export \"f\") (result f32) (block (result f32) (br 0 {ARITH})))"));
    assert_eq!(r.1, 0x803f_ffff);
    // Masks cross calls and returns.
    let r = one(&format!(
        "(func $g (param f32) (result f32) (return (f32.neg (local.get 0))))
         (func (export \"f\") (result f32) (call $g {ARITH}))"
    ));
    assert_eq!(r.1, 0x803f_ffff);
}

// Rule 8: globals.
#[test]
fn rule8_globals_keep_masks() {
    let (mut store, i) = setup(&format!(
        "(module (global $g (export \"g\") (mut f32) (f32.const 0))
           (func (export \"set\") (global.set $g {ARITH}))
           (func (export \"get\") (result i32) (i32.reinterpret_f32 (global.get $g))))"
    ));
    let Some(Extern::Global(g)) = i.export("g") else { panic!() };
    assert_eq!(store.global_mask(g), 0);
    store.invoke_masked(func(&i, "set"), &[]).unwrap();
    assert_eq!(store.global_mask(g), 0x803f_ffff);
    assert_eq!(store.invoke_masked(func(&i, "get"), &[]).unwrap()[0].1, 0x803f_ffff);
    store.global_set(g, Value::F32(0));
    assert_eq!(store.global_mask(g), 0);
}

#[test]
fn rule7_indices_deltas_and_host_arguments() {
    let sign = format!("(i32.shr_u (i32.reinterpret_f32 {ARITH}) (i32.const 31))");
    let r = masked(
        &format!("(type $t (func)) (table 1 funcref) (func (export \"f\") (call_indirect (type $t) {sign}))"),
        "f",
        &[],
    );
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("call_indirect")), "{r:?}");
    let r = masked(&format!("(func (export \"f\") (result i32) (memory.grow {sign}))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("memory.grow")), "{r:?}");
    let r = masked(&format!("(func (export \"f\") (memory.fill (i32.const 0) (i32.const 0) {sign}))"), "f", &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("memory.fill")), "{r:?}");
    // Host functions see their arguments: open bits stop; known ones pass,
    // also through a tail call from the outermost frame.
    let mut store = Store::new();
    let h = store.host_func(vec![ValType::F32], vec![ValType::I32], |_| vec![Value::I32(7)]);
    let m = Module::new(&wat(&format!(
        "(module (import \"h\" \"f\" (func $h (param f32) (result i32)))
           (func (export \"open\") (result i32) (call $h {ARITH}))
           (func (export \"known\") (result i32) (return_call $h (f32.const 1))))"
    )))
    .expect("module");
    let i = Instance::instantiate(&mut store, &m, &[Extern::Func(h)]).expect("instantiate");
    let r = store.invoke_masked(func(&i, "open"), &[]);
    assert!(matches!(r, Err(CallError::Undetermined(ref s)) if s.contains("host")), "{r:?}");
    assert_eq!(store.invoke_masked(func(&i, "known"), &[]), Ok(vec![(Value::I32(7), 0)]));
}

#[test]
fn rule5_relaxed_nan_lanes_and_open_inputs() {
    // relaxed_min with a signalling NaN: choices return it as-is or quieted.
    let r = one("(func (export \"f\") (result v128) (f32x4.relaxed_min (v128.const i32x4 0x7fa00001 0 0 0)
           (v128.const f32x4 1 1 1 1)))");
    // Lane 0 is an arithmetic NaN (0x7fe00001, mask 0x803fffff), the NaN
    // itself (quiet bit differs) or 1.0 (0x3f800000): only the exponent
    // bits that all of them share (bits 23-29, all 1) stay determined.
    assert_eq!(r.1 & 0xffff_ffff, 0xc07f_ffff);
    assert_eq!(r.1 >> 32, 0);
    // An open operand of relaxed_dot opens the whole result.
    let r = one(&format!(
        "(func (export \"f\") (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (f32x4.splat {ARITH}) (v128.const i32x4 0 0 0 0)))"
    ));
    assert_eq!(r.1, u128::MAX);
}

#[test]
fn plain_invoke_unchanged() {
    let (mut store, i) = setup(&format!("(module (func (export \"f\") (result f32) {ARITH}))"));
    let plain = store.invoke(func(&i, "f"), &[]).unwrap();
    let m = store.invoke_masked(func(&i, "f"), &[]).unwrap();
    assert_eq!(plain[0], m[0].0);
}

/// Optional API: every permitted result of one instruction.
#[test]
fn allowed_results_of_single_instructions() {
    use crosscheck_reference::compile::ops::{ScalarBin, ScalarUn};
    use crosscheck_reference::masks::{AllowedSet, SingleOp, allowed_results};
    use crosscheck_reference::simd::relaxed::RelaxedOp;
    let snan = Value::F32(0x7fa0_0001);
    let one = Value::F32(1.0f32.to_bits());
    let r = allowed_results(&SingleOp::Bin(ScalarBin::F32Add), &[snan, one]).unwrap();
    assert!(r.allows(0x7fc0_0000) && r.allows(0xffff_ffff) && r.allows(0x7fc0_0001));
    assert!(!r.allows(0x7fa0_0001), "quiet bit required");
    let r = allowed_results(&SingleOp::Bin(ScalarBin::F32Div), &[Value::F32(0), Value::F32(0)]).unwrap();
    assert!(r.allows(0x7fc0_0000) && r.allows(0xffc0_0000) && !r.allows(0x7fc0_0001));
    let r = allowed_results(&SingleOp::Bin(ScalarBin::I32DivU), &[Value::I32(1), Value::I32(0)]).unwrap();
    assert_eq!(r, AllowedSet::Trap(TrapKind::IntegerDivideByZero));
    let r = allowed_results(&SingleOp::Un(ScalarUn::F32Neg), &[snan]).unwrap();
    assert_eq!(r, AllowedSet::Values(vec![(0xffa0_0001, 0)]));
    // relaxed_min on a signalling NaN: its exact bits are one of the choices.
    let a = Value::V128(0x7fa0_0001);
    let b = Value::V128(0);
    let r = allowed_results(&SingleOp::Relaxed(RelaxedOp::F32x4RelaxedMin), &[a, b]).unwrap();
    assert!(r.allows(0x7fa0_0001) && r.allows(0x7fc0_0000) && r.allows(0));
    assert!(!r.allows(0x3f80_0000));
    assert_eq!(allowed_results(&SingleOp::Bin(ScalarBin::I32Add), &[one]), None);
}

/// Masked calls start in the plain loop and switch to the masked loop at
/// the first open result (here: deep in a callee, in the middle of a loop,
/// with values on the operand stack, a NaN then stored to memory and a
/// global). Every result and mask must equal a run that is masked from the
/// first instruction, and a second call must start masked (memory and
/// global hold open bits by then).
#[test]
fn handover_to_the_masked_loop_changes_nothing() {
    let src = r#"(module
      (memory (export "mem") 1)
      (global $g (export "g") (mut f32) (f32.const 0))
      (func $div (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
      (func $mid (param $i i32) (result f32)
        (f32.add (f32.const 1) (call $div (f32.convert_i32_s (i32.sub (local.get $i) (i32.const 3)))
                                          (f32.convert_i32_s (i32.sub (local.get $i) (i32.const 3))))))
      (func (export "f") (param $n i32) (result i32 f32 f32)
        (local $i i32) (local $acc f32)
        (loop $l
          (local.set $acc (f32.add (local.get $acc) (call $mid (local.get $i))))
          (f32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $acc))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (global.set $g (local.get $acc))
        (i32.const 7) (local.get $acc) (f32.load (i32.const 4)))
      (func (export "zero") (param f32) (result f32) (f32.div (local.get 0) (f32.const 0))))"#;
    let run = |from_start: bool| {
        let mut store = Store::with_config(Config { masked_from_start: from_start, ..Config::default() });
        let m = Module::new(&wat(src)).expect("module");
        let i = Instance::instantiate(&mut store, &m, &[]).expect("instantiate");
        let first = store.invoke_masked(func(&i, "f"), &[Value::I32(6)]).expect("f");
        let second = store.invoke_masked(func(&i, "zero"), &[Value::F32(0)]).expect("zero");
        let mem = match i.export("mem") {
            Some(Extern::Memory(m)) => store.memory_mask(m).map(<[u8]>::to_vec),
            _ => None,
        };
        let g = match i.export("g") {
            Some(Extern::Global(g)) => store.global_mask(g),
            _ => panic!("no global"),
        };
        (first, second, mem, g)
    };
    let guarded = run(false);
    assert_eq!(guarded, run(true));
    // $mid is 2 but at i = 3, where 0/0 makes it (and then $acc) a NaN.
    let (first, second, mem, g) = guarded;
    assert_eq!(first[0], (Value::I32(7), 0));
    assert!(first[1].1 != 0, "the accumulated NaN has open bits");
    assert_eq!(first[2], (Value::F32(4f32.to_bits()), 0), "stored before the NaN: determined");
    let mem = mem.expect("NaNs were stored");
    assert!(mem[..12].iter().all(|&b| b == 0) && mem[12..24].iter().any(|&b| b != 0));
    assert!(g != 0, "the global holds the NaN");
    assert!(second[0].1 != 0, "0/0 has open sign and payload");
}
