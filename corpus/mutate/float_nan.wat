;; NaN producers and propagators: results whose payload or sign the spec
;; leaves open, next to fneg/fabs/copysign/reinterpret that are exact.
(module
  (global $g (export "g") (mut f32) (f32.const 0))
  (memory (export "mem") 1 1)
  (func (export "div") (param $x f32) (param $y f32) (result f32) (f32.div (local.get $x) (local.get $y)))
  (func (export "sub_inf") (param $x f64) (result f64) (f64.sub (local.get $x) (local.get $x)))
  (func (export "minmax") (param $x f32) (param $y f32) (result f32 f32)
    (f32.min (local.get $x) (local.get $y)) (f32.max (local.get $x) (local.get $y)))
  (func (export "exact") (param $x f32) (result i32)
    (i32.reinterpret_f32 (f32.copysign (f32.neg (f32.abs (local.get $x))) (local.get $x))))
  (func (export "store_nan") (param $x f64) (param $p i32)
    (f64.store (i32.and (local.get $p) (i32.const 0xfff8)) (f64.mul (local.get $x) (f64.const 0)))
    (global.set $g (f32.demote_f64 (f64.sqrt (local.get $x)))))
  (func (export "promote") (param $x f32) (result i64)
    (i64.reinterpret_f64 (f64.promote_f32 (local.get $x))))
  (func (export "cmp") (param $x f64) (result i32)
    (i32.add (f64.eq (local.get $x) (local.get $x)) (f64.ne (local.get $x) (local.get $x)))))
