;; Collatz sequences in i64: a data-dependent loop count.
(module
  (global $max (export "max") (mut i64) (i64.const 0))
  (func (export "steps") (param $n i64) (result i32)
    (local $steps i32)
    (local.set $n (i64.add (i64.and (local.get $n) (i64.const 0xffffff)) (i64.const 1)))
    (block $done
      (loop $l
        (br_if $done (i64.eq (local.get $n) (i64.const 1)))
        (if (i64.gt_u (local.get $n) (global.get $max)) (then (global.set $max (local.get $n))))
        (local.set $n
          (if (result i64) (i64.eqz (i64.and (local.get $n) (i64.const 1)))
            (then (i64.shr_u (local.get $n) (i64.const 1)))
            (else (i64.add (i64.mul (local.get $n) (i64.const 3)) (i64.const 1)))))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $l)))
    (local.get $steps)))
