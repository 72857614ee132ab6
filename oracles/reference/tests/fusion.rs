//! Tests of the translator's superinstructions (`compile::fuse`): fused
//! sequences compute what the unfused ones do, in plain and masked runs,
//! and no fusion swallows a branch target (a label between an operand
//! fetch and its consumer).

use crosscheck_reference::*;

fn wat(src: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(src).expect("lex");
    let mut w = wast::parser::parse::<wast::Wat<'_>>(&buf).expect("parse");
    w.encode().expect("encode")
}

/// Runs export `f` of module `src` with `args` three ways: plain, masked
/// (starting in the plain loop, guarded) and masked from the first
/// instruction (the masked loop's own fused forms), each with a fuel bound
/// so that a wrong branch cannot loop forever; all must agree, and the
/// masked results must be determined.
fn run(src: &str, args: &[Value]) -> Result<Vec<Value>, CallError> {
    let m = Module::new(&wat(src)).expect("module");
    let mut results = Vec::new();
    for (masked, from_start) in [(false, false), (true, false), (true, true)] {
        let config = Config { fuel: Some(100_000), masked_from_start: from_start, ..Config::default() };
        let mut store = Store::with_config(config);
        let i = Instance::instantiate(&mut store, &m, &[]).expect("instantiate");
        let Some(Extern::Func(f)) = i.export("f") else { panic!("no export f") };
        let r = if masked {
            store.invoke_masked(f, args).map(|v| {
                assert!(v.iter().all(|&(_, m)| m == 0), "open bits in {v:?}");
                v.into_iter().map(|(v, _)| v).collect::<Vec<_>>()
            })
        } else {
            store.invoke(f, args)
        };
        results.push(r);
    }
    let from_start = results.pop().expect("three runs");
    let masked = results.pop().expect("three runs");
    let plain = results.pop().expect("three runs");
    assert_eq!(format!("{plain:?}"), format!("{masked:?}"), "plain and masked runs differ");
    assert_eq!(format!("{masked:?}"), format!("{from_start:?}"), "masked runs differ when masked from the start");
    plain
}

#[test]
fn a_label_after_end_is_not_fused_into() {
    // The `br_if` lands on the `i32.add` after the block with 5 on the
    // stack; fusing the `i32.const 9` into that add would add 9 instead.
    let src = r#"(module (func (export "f") (param $a i32) (param $c i32) (result i32)
        (local.get $a)
        (block $b (result i32) (i32.const 5) (br_if $b (local.get $c)) (drop) (i32.const 9))
        (i32.add)))"#;
    assert_eq!(run(src, &[Value::I32(100), Value::I32(1)]).unwrap(), vec![Value::I32(105)]);
    assert_eq!(run(src, &[Value::I32(100), Value::I32(0)]).unwrap(), vec![Value::I32(109)]);
}

#[test]
fn a_loop_header_is_not_fused_into() {
    // The loop parameter (the running sum) enters on the stack; fusing
    // `local.get $n` into the loop's first add would restart from $n on
    // every iteration.
    let src = r#"(module (func (export "f") (param $n i32) (result i32) (local $t i32)
        (local.get $n)
        (loop $l (param i32) (result i32)
          (i32.const 3) (i32.add)
          (local.tee $t) (local.get $t) (i32.const 100) (i32.lt_u) (br_if $l))))"#;
    assert_eq!(run(src, &[Value::I32(1)]).unwrap(), vec![Value::I32(100)]);
    assert_eq!(run(src, &[Value::I32(0)]).unwrap(), vec![Value::I32(102)]);
}

#[test]
fn the_end_of_an_if_is_not_fused_into() {
    // An `if` without `else`: when the condition is 0 the branch lands on
    // the `i32.add` after `end` with $x on the stack; fusing the then
    // arm's `i32.const 5` into that add would skip the add on that path.
    let src = r#"(module (func (export "f") (param $a i32) (param $x i32) (param $c i32) (result i32)
        (local.get $a)
        (local.get $x)
        (if (param i32) (result i32) (local.get $c) (then (drop) (i32.const 5)))
        (i32.add)))"#;
    assert_eq!(run(src, &[Value::I32(100), Value::I32(20), Value::I32(1)]).unwrap(), vec![Value::I32(105)]);
    assert_eq!(run(src, &[Value::I32(100), Value::I32(20), Value::I32(0)]).unwrap(), vec![Value::I32(120)]);
}

#[test]
fn every_fused_form_computes_the_unfused_sequence() {
    // Locals and constants in every operand position, results pushed and
    // stored, compares fused with `br_if` (forward, backward, to the
    // function's return), and a load addressed by a local.
    let src = r#"(module (memory 1)
      (func (export "f") (param $a i32) (param $b i32) (result i32 i32 i64)
        (local $i i32) (local $s i32) (local $w i64) (local $c i32)
        (i32.store (i32.const 8) (i32.const 0x01020304))
        (local.set $i (i32.const 0))
        (block $out
          (loop $l
            (local.set $s (i32.add (local.get $s) (i32.sub (local.get $a) (local.get $i))))
            (local.set $c (local.get $s))
            (local.set $s (i32.xor (local.get $s) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $w (i64.add (local.get $w) (i64.const 0x100000000)))
            (br_if $out (i32.gt_u (local.get $i) (local.get $b)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_s (local.get $i) (i32.const 10)))))
        (i32.add (local.get $s) (i32.load (local.get $i)))
        (i32.mul (i32.const 3) (local.get $c))
        (local.get $w)
        (br_if 0 (i32.eq (local.get $a) (i32.const 77)))
        (drop) (drop) (drop)
        (i32.const -1) (i32.const -1) (i64.const -1)))"#;
    // Reference values computed by hand-unrolling the loop in Rust.
    let expect = |a: u32, b: u32| {
        let (mut i, mut s, mut w) = (0u32, 0u32, 0u64);
        let mut c: u32;
        loop {
            s = s.wrapping_add(a.wrapping_sub(i));
            c = s;
            s ^= i << 3;
            w = w.wrapping_add(0x1_0000_0000);
            if i > b {
                break;
            }
            i += 1;
            if (i as i32) >= 10 {
                break;
            }
        }
        let mut bytes = [0u8; 32];
        bytes[8..12].copy_from_slice(&0x01020304u32.to_le_bytes());
        let mem = |ea: u32| u32::from_le_bytes(bytes[ea as usize..ea as usize + 4].try_into().unwrap());
        if a == 77 {
            vec![Value::I32(s.wrapping_add(mem(i))), Value::I32(c.wrapping_mul(3)), Value::I64(w)]
        } else {
            vec![Value::I32(u32::MAX), Value::I32(u32::MAX), Value::I64(u64::MAX)]
        }
    };
    for (a, b) in [(77, 3), (77, 100), (5, 2), (77, 0)] {
        assert_eq!(run(src, &[Value::I32(a), Value::I32(b)]).unwrap(), expect(a, b), "a={a} b={b}");
    }
}

#[test]
fn a_fused_trap_is_the_same_trap() {
    let src = r#"(module (func (export "f") (param $a i32) (result i32)
        (i32.div_u (local.get $a) (i32.const 0))))"#;
    let e = run(src, &[Value::I32(1)]).unwrap_err();
    assert!(matches!(e, CallError::Trap(TrapKind::IntegerDivideByZero)), "{e:?}");
}

#[test]
fn stores_and_loads_addressed_by_locals() {
    // `local.get; local.get; store` and `local.get a; x; op` with the
    // second operand computed between the two.
    let src = r#"(module (memory 1)
      (func (export "f") (param $a i32) (param $v i32) (result i32)
        (i32.store (local.get $a) (local.get $v))
        (i32.sub (local.get $a) (i32.load (local.get $a)))
        (i32.add (local.get $a) (global.get $g))
        (i32.mul)
        (i32.sub (local.get $v) (i32.mul (local.get $a) (local.get $v)))
        (i32.add))
      (global $g i32 (i32.const 1000)))"#;
    let f = |a: u32, v: u32| {
        Value::I32(a.wrapping_sub(v).wrapping_mul(a.wrapping_add(1000)).wrapping_add(v.wrapping_sub(a.wrapping_mul(v))))
    };
    assert_eq!(run(src, &[Value::I32(12), Value::I32(7)]).unwrap(), vec![f(12, 7)]);
    let e = run(src, &[Value::I32(65534), Value::I32(7)]).unwrap_err();
    assert!(matches!(e, CallError::Trap(TrapKind::MemoryOutOfBounds)), "{e:?}");
}

#[test]
fn the_counted_loop_idiom_keeps_its_branch_for_jumps_onto_it() {
    // `i += 1; br_if (n <u i)` is one instruction in the plain loop's body,
    // with the `br_if` left in place: the loop's back edge lands on that
    // `br_if` alone, which must not redo the increment.
    let src = r#"(module (func (export "f") (param $n i32) (result i32) (local $i i32) (local $k i32)
        (block $out
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (loop $m
            (br_if $out (i32.lt_u (local.get $n) (local.get $i)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $m)))
        (i32.add (i32.mul (local.get $k) (i32.const 100)) (local.get $i))))"#;
    assert_eq!(run(src, &[Value::I32(3)]).unwrap(), vec![Value::I32(301)]);
    assert_eq!(run(src, &[Value::I32(0)]).unwrap(), vec![Value::I32(1)]);
    // The idiom as loops write it, taken and not taken, against a constant
    // (`lt_s`, `lt_u`) and a local (`ne`).
    let src = r#"(module (func (export "f") (param $n i32) (result i32) (local $i i32) (local $s i32) (local $j i32)
        (loop $a
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br_if $a (i32.lt_s (local.get $i) (i32.const 9))))
        (loop $b
          (local.set $s (i32.add (local.get $s) (i32.const 1000)))
          (local.set $j (i32.add (local.get $j) (i32.const -1)))
          (br_if $b (i32.ne (local.get $j) (local.get $n))))
        (local.get $s)))"#;
    // i = 0, 2, 4, 6, 8: s = 20; then j = -1 .. n (n = -3): 3 more rounds.
    assert_eq!(run(src, &[Value::I32(-3i32 as u32)]).unwrap(), vec![Value::I32(3020)]);
}

#[test]
fn a_constant_first_operand_commutes_only_when_exact() {
    // `const; local.get; op` is fused as `local.get; const; op` for
    // operators that commute exactly; `sub` and a NaN constant stay put.
    let src = r#"(module (func (export "f") (param $x i32) (param $y f64) (result i32 i32 f64 f64)
        (i32.mul (i32.const 3) (local.get $x))
        (i32.sub (i32.const 3) (local.get $x))
        (f64.mul (f64.const 2) (local.get $y))
        (f64.div (f64.const 1) (local.get $y))))"#;
    let r = run(src, &[Value::I32(5), Value::F64(4f64.to_bits())]).unwrap();
    assert_eq!(
        r,
        vec![Value::I32(15), Value::I32(-2i32 as u32), Value::F64(8f64.to_bits()), Value::F64(0.25f64.to_bits())]
    );
}

#[test]
fn fused_vector_forms_compute_the_unfused_sequence() {
    // `local.get; vun`, `local.get; vbin` (pushed and stored), `vbin;
    // local.set`, and a shuffle of two locals (pushed and stored).
    let src = r#"(module (func (export "f") (param $x i32) (result i32 i32 i32 i32)
        (local $a v128) (local $b v128) (local $c v128)
        (local.set $a (i32x4.splat (local.get $x)))
        (local.set $b (v128.const i32x4 1 2 3 4))
        (local.set $c (i32x4.mul (i32x4.add (local.get $a) (local.get $b)) (local.get $b)))
        (local.set $c (i8x16.shuffle 4 5 6 7 0 1 2 3 28 29 30 31 24 25 26 27 (local.get $c) (local.get $b)))
        (i32x4.extract_lane 0 (local.get $c))
        (i32x4.extract_lane 1 (local.get $c))
        (i32x4.extract_lane 2 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get $a) (local.get $c)))
        (i32x4.extract_lane 3 (i32x4.sub (v128.const i32x4 0 0 0 100) (local.get $b)))))"#;
    // c = (x + b) * b = [x+1, 2x+4, 3x+9, 4x+16]; shuffled with b:
    // [c1, c0, b3, b2].
    let x = 5u32;
    let r = run(src, &[Value::I32(x)]).unwrap();
    assert_eq!(r, vec![Value::I32(2 * x + 4), Value::I32(x + 1), Value::I32(x), Value::I32(96)]);
}

#[test]
fn fused_vector_forms_carry_masks_like_the_masked_loop() {
    // A NaN lane through the fused vector forms: the masks (open lanes)
    // must be the same whether the masked loop starts at the first
    // instruction or takes over from the guarded plain loop.
    let src = r#"(module (func (export "f") (param $x f32) (result v128 v128)
        (local $a v128) (local $b v128)
        (local.set $a (f32x4.splat (local.get $x)))
        (local.set $b (f32x4.div (local.get $a) (f32x4.splat (f32.const 0))))
        (f32x4.add (f32x4.sqrt (local.get $b)) (local.get $a))
        (i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 24 25 26 27 (local.get $a) (local.get $b))))"#;
    let m = Module::new(&wat(src)).expect("module");
    let masked = |from_start: bool, x: f32| {
        let mut store = Store::with_config(Config { masked_from_start: from_start, ..Config::default() });
        let i = Instance::instantiate(&mut store, &m, &[]).expect("instantiate");
        let Some(Extern::Func(f)) = i.export("f") else { panic!("no export f") };
        store.invoke_masked(f, &[Value::F32(x.to_bits())]).expect("run")
    };
    for x in [0.0f32, 1.0, -2.5] {
        let r = masked(false, x);
        assert_eq!(r, masked(true, x), "x = {x}");
        if x == 0.0 {
            // 0/0 is a NaN in every lane of $b: open bits in both results.
            assert!(r[0].1 != 0 && r[1].1 != 0, "{r:?}");
        }
    }
}
