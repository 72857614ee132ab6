;; A GC-heavy module for `crosscheck bench --module`: allocation, field and
;; element access, casts and i31 in loops; each export deterministic.
(module
  (type $point (sub (struct (field (mut i32)) (field (mut i32)))))
  (type $point3 (sub final $point (struct (field (mut i32)) (field (mut i32)) (field (mut i32)))))
  (type $bytes (array (mut i8)))
  (type $refs (array (mut (ref null $point))))

  ;; Allocate `n` points (every third a 3D one) into an array, then sum
  ;; their fields through casts; returns the sum.
  (func (export "alloc_loop") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $a (ref $refs)) (local $p (ref null $point))
    (local.set $a (array.new_default $refs (local.get $n)))
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (array.set $refs (local.get $a) (local.get $i)
          (if (result (ref $point)) (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))
            (then (struct.new $point3 (local.get $i) (i32.const 1) (i32.const 2)))
            (else (struct.new $point (local.get $i) (i32.const 3)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $sum
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (array.get $refs (local.get $a) (local.get $i)))
        (local.set $sum (i32.add (local.get $sum)
          (i32.add (struct.get $point 0 (local.get $p)) (struct.get $point 1 (local.get $p)))))
        (if (ref.test (ref $point3) (local.get $p))
          (then (local.set $sum (i32.add (local.get $sum)
            (struct.get $point3 2 (ref.cast (ref $point3) (local.get $p)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sum)))
    (local.get $sum))

  ;; Fill a byte array with a xorshift stream `rounds` times and sum it as
  ;; signed bytes; packed element access.
  (func (export "array_loop") (param $rounds i32) (result i32)
    (local $i i32) (local $x i32) (local $sum i32) (local $a (ref $bytes))
    (local.set $a (array.new_default $bytes (i32.const 4096)))
    (local.set $x (i32.const 0x9e3779b9))
    (block $done
      (loop $round
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $i (i32.const 0))
        (loop $fill
          (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
          (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
          (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
          (array.set $bytes (local.get $a) (local.get $i) (local.get $x))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $fill (i32.lt_u (local.get $i) (i32.const 4096))))
        (local.set $i (i32.const 0))
        (loop $sum
          (local.set $sum (i32.add (local.get $sum) (array.get_s $bytes (local.get $a) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $sum (i32.lt_u (local.get $i) (i32.const 4096))))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (br $round)))
    (local.get $sum))

  ;; Box and unbox `n` values as i31 references, comparing neighbours with ref.eq.
  (func (export "i31_loop") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $prev (ref null i31)) (local $r (ref i31))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $r (ref.i31 (i32.shr_u (local.get $i) (i32.const 1))))
        (local.set $sum (i32.add (local.get $sum) (i31.get_s (local.get $r))))
        (local.set $sum (i32.add (local.get $sum) (ref.eq (local.get $r) (local.get $prev))))
        (local.set $prev (local.get $r))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))
)
