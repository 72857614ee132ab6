;; Relaxed SIMD: results the spec leaves to the implementation, judged on
;; the lanes every choice agrees on.
(module
  (func (export "madd") (param $a v128) (param $b v128) (param $c v128) (result v128)
    (f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $c)))
  (func (export "trunc") (param $a v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get $a)))
  (func (export "swizzle") (param $a v128) (param $s v128) (result v128)
    (i8x16.relaxed_swizzle (local.get $a) (local.get $s)))
  (func (export "min") (param $a v128) (param $b v128) (result v128) (f64x2.relaxed_min (local.get $a) (local.get $b)))
  (func (export "laneselect") (param $a v128) (param $b v128) (param $m v128) (result v128)
    (i8x16.relaxed_laneselect (local.get $a) (local.get $b) (local.get $m)))
  (func (export "dot") (param $a v128) (param $b v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $a) (local.get $b))))
