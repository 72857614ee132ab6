;; Conversions: trapping and saturating truncation, int-to-float,
;; reinterpretation, sign extension, wrap and extend.
(module
  (func (export "trunc") (param $x f64) (result i32) (i32.trunc_f64_s (local.get $x)))
  (func (export "trunc_u64") (param $x f32) (result i64) (i64.trunc_f32_u (local.get $x)))
  (func (export "sat") (param $x f64) (result i32 i64)
    (i32.trunc_sat_f64_u (local.get $x)) (i64.trunc_sat_f64_s (local.get $x)))
  (func (export "convert") (param $x i64) (result f32 f64)
    (f32.convert_i64_u (local.get $x)) (f64.convert_i64_s (local.get $x)))
  (func (export "extend") (param $x i32) (result i32 i64)
    (i32.extend8_s (local.get $x)) (i64.extend16_s (i64.extend_i32_u (local.get $x))))
  (func (export "wrap") (param $x i64) (result i32)
    (i32.add (i32.wrap_i64 (local.get $x)) (i32.wrap_i64 (i64.extend32_s (local.get $x)))))
  (func (export "bits") (param $x i64) (result f64) (f64.reinterpret_i64 (local.get $x))))
