;; SIMD kernel: i32x4 and f32x4 dot products over vectors in memory.
(module
  (memory (export "mem") 1 1)
  (func (export "init") (param $seed i32)
    (local $i i32)
    (loop $l
      (i32.store (i32.shl (local.get $i) (i32.const 2))
        (i32.mul (i32.add (local.get $i) (local.get $seed)) (i32.const 2654435761)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 256)))))
  (func (export "dot_i32") (param $n i32) (result i32)
    (local $i i32) (local $acc v128)
    (local.set $n (i32.and (local.get $n) (i32.const 63)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.mul (v128.load (i32.shl (local.get $i) (i32.const 4)))
                     (v128.load offset=512 (i32.shl (local.get $i) (i32.const 4))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
             (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
  (func (export "dot_f32") (param $n i32) (result f32)
    (local $i i32) (local $acc v128)
    (local.set $n (i32.and (local.get $n) (i32.const 31)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (v128.load (i32.shl (local.get $i) (i32.const 4)))
                     (v128.load offset=1024 (i32.shl (local.get $i) (i32.const 4))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
