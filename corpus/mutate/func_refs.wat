;; Typed function references: call_ref through a table of typed
;; references (a null one among them), ref.as_non_null, br_on_null and
;; br_on_non_null, return_call_ref in a loop of tail calls, and a table
;; of non-nullable references with an initializer.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $count (func (param i32 i32) (result i32)))
  (table $ops 4 (ref null $binop))
  (table $fixed 2 (ref $binop) (ref.func $sub))
  (elem (table $ops) (i32.const 0) (ref null $binop) (ref.func $add) (ref.func $sub) (ref.func $mul))
  (elem declare func $countdown)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))

  ;; Slot 3 is null: call_ref traps.
  (func (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b) (table.get $ops (i32.and (local.get $op) (i32.const 3)))))

  (func $pick (param $op i32) (result (ref $binop))
    (block $found (result (ref $binop))
      (br_on_non_null $found (table.get $ops (i32.and (local.get $op) (i32.const 3))))
      (ref.func $add)))

  (func (export "apply_or_add") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b) (call $pick (local.get $op))))

  ;; -1 for the null slot.
  (func (export "apply_or_none") (param $op i32) (param $a i32) (result i32)
    (local $f (ref $binop))
    (block $null
      (local.set $f (br_on_null $null (table.get $ops (i32.and (local.get $op) (i32.const 3)))))
      (return (call_ref $binop (local.get $a) (local.get $a) (local.get $f))))
    (i32.const -1))

  ;; Out of bounds traps; so does the null slot.
  (func (export "slot") (param $i i32) (result i32)
    (call_ref $binop (i32.const 6) (i32.const 7) (ref.as_non_null (table.get $ops (local.get $i)))))

  ;; Slot 1 of the non-nullable table replaced by the operation `op` picks.
  (func (export "fixed") (param $op i32) (param $a i32) (result i32)
    (table.set $fixed (i32.const 1) (call $pick (local.get $op)))
    (i32.add
      (call_ref $binop (local.get $a) (i32.const 3) (table.get $fixed (i32.const 0)))
      (call_ref $binop (local.get $a) (i32.const 3) (table.get $fixed (i32.const 1)))))

  (func $countdown (type $count) (param $n i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else
        (return_call_ref $count
          (i32.sub (local.get $n) (i32.const 1))
          (i32.add (local.get $acc) (local.get $n))
          (ref.func $countdown)))))

  (func (export "sum_to") (param $n i32) (result i32)
    (call $countdown (i32.and (local.get $n) (i32.const 4095)) (i32.const 0))))
