;; Insertion sort of i32 words in memory, then a binary search.
(module
  (memory (export "mem") 1 1)
  (func (export "scramble") (param $seed i32)
    (local $i i32)
    (loop $l
      (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1103515245)) (i32.const 12345)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.shr_s (local.get $seed) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 48)))))
  (func (export "sort") (param $n i32)
    (local $i i32) (local $j i32) (local $key i32)
    (local.set $n (i32.and (local.get $n) (i32.const 63)))
    (local.set $i (i32.const 1))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $key (i32.load (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (local.get $i))
        (block $placed
          (loop $inner
            (br_if $placed (i32.eqz (local.get $j)))
            (br_if $placed (i32.le_s (i32.load (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2))) (local.get $key)))
            (i32.store (i32.shl (local.get $j) (i32.const 2))
              (i32.load (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2))))
            (local.set $j (i32.sub (local.get $j) (i32.const 1)))
            (br $inner)))
        (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $key))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer))))
  (func (export "search") (param $key i32) (param $n i32) (result i32)
    (local $lo i32) (local $hi i32) (local $mid i32)
    (local.set $hi (i32.and (local.get $n) (i32.const 63)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_u (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
        (if (i32.lt_s (i32.load (i32.shl (local.get $mid) (i32.const 2))) (local.get $key))
          (then (local.set $lo (i32.add (local.get $mid) (i32.const 1))))
          (else (local.set $hi (local.get $mid))))
        (br $l)))
    (local.get $lo)))
