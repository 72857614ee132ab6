;; SIMD kernel: y = a*x + y over f32x4 and f64x2 lanes, in place.
(module
  (memory (export "mem") 1 1)
  (func (export "fill") (param $x f32)
    (local $i i32)
    (loop $l
      (f32.store (local.get $i) (f32.add (local.get $x) (f32.convert_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2048)))))
  (func (export "saxpy") (param $a f32) (param $n i32)
    (local $i i32) (local $va v128)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $n (i32.and (local.get $n) (i32.const 63)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (v128.store offset=1024 (i32.shl (local.get $i) (i32.const 4))
          (f32x4.add (f32x4.mul (local.get $va) (v128.load (i32.shl (local.get $i) (i32.const 4))))
                     (v128.load offset=1024 (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))
  (func (export "daxpy2") (param $a f64) (param $x v128) (param $y v128) (result v128)
    (f64x2.add (f64x2.mul (f64x2.splat (local.get $a)) (local.get $x)) (local.get $y)))
  (func (export "minmax") (param $x v128) (param $y v128) (result v128)
    (f32x4.max (f32x4.min (local.get $x) (local.get $y)) (f32x4.sqrt (local.get $x)))))
