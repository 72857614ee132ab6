;; Loops that never end on their own: a plain loop, a br_table loop and a
;; loop hidden behind a call. Only the fuel counter stops them.
(module
  (global $spins (export "spins") (mut i64) (i64.const 0))
  (func (export "spin")
    (loop $l
      (global.set $spins (i64.add (global.get $spins) (i64.const 1)))
      (br $l)))
  (func (export "br_table_spin") (param $x i32) (result i32)
    (loop $a
      (block $b
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br_table $a $a $b (i32.and (local.get $x) (i32.const 1)))))
    (local.get $x))
  (func $step (param $x i32) (result i32) (i32.xor (local.get $x) (i32.const 1)))
  (func (export "call_spin") (param $x i32)
    (loop $l
      (local.set $x (call $step (local.get $x)))
      (br $l))))
