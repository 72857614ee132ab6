;; Exceptions: thrown across calls and caught by try_table (catch,
;; catch_ref, catch_all, catch_all_ref), rethrown with throw_ref, thrown
;; from deep recursion, and escaping to the host.
(module
  (tag $e (param i32))
  (tag $pair (param i64 i32))
  (tag $empty)

  ;; Negative x throws $e, x = 0 mod 4 throws $pair, x = 1 mod 4 throws
  ;; $empty; others return.
  (func $thrower (param $x i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (throw $e (local.get $x))))
    (if (i32.eqz (i32.and (local.get $x) (i32.const 3)))
      (then (throw $pair (i64.extend_i32_u (local.get $x)) (i32.const 7))))
    (if (i32.eq (i32.and (local.get $x) (i32.const 3)) (i32.const 1)) (then (throw $empty))))

  (func (export "catch") (param $x i32) (result i32)
    (local $a i64) (local $b i32)
    (block $on_e (result i32)
      (block $on_pair (result i64 i32)
        (block $on_any
          (try_table (catch $e $on_e) (catch $pair $on_pair) (catch_all $on_any)
            (call $thrower (local.get $x)))
          (return (i32.const 100)))
        (return (i32.const 200)))
      (local.set $b)
      (local.set $a)
      (return (i32.add (i32.wrap_i64 (local.get $a)) (local.get $b))))
    (i32.mul (i32.const 2)))

  ;; Anything caught with its reference and thrown again: $e is caught
  ;; outside, the others escape.
  (func (export "rethrow") (param $x i32) (result i32)
    (block $outer (result i32)
      (try_table (catch $e $outer)
        (block $caught (result exnref)
          (try_table (catch_all_ref $caught)
            (call $thrower (local.get $x)))
          (return (i32.const 1)))
        (throw_ref))
      (i32.const 2)))

  ;; $pair caught with its reference: its values, then the reference
  ;; dropped.
  (func (export "catch_ref") (param $x i32) (result i64)
    (block $h (result i64 i32 exnref)
      (try_table (catch_ref $pair $h)
        (call $thrower (local.get $x)))
      (return (i64.const -1)))
    (drop)
    (i64.extend_i32_u)
    (i64.add))

  (func $deep (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (throw $e (i32.const 42))))
    (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))

  (func (export "deep") (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        (call $deep (i32.and (local.get $n) (i32.const 63))))))

  (func (export "escape") (param $x i32) (call $thrower (local.get $x))))
