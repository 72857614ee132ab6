;; The spec interpreter (wasm 3.0.0) fails its own assertion: f32x4.relaxed_madd
;; must be either unfused (R=0) or a single-rounding fma (R=1) in every lane;
;; lane 0 is rounded twice (unfused-looking), lane 1 is fused.
;;   $WASM_SPEC_INTERPRETER docs/findings/repro/spec-f32-relaxed-madd-double-rounding.wast
(module
  (func (export "madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))
(assert_return
  (invoke "madd"
    (v128.const i32x4 0x33800020 0x7f100f1f 0 0)
    (v128.const i32x4 0x3f7fffc0 0x40b200e7 0 0)
    (v128.const i32x4 0x3f800001 0xff800000 0 0))
  (either
    (v128.const f32x4 0x1.000004p+0 nan:canonical 0 0)
    (v128.const f32x4 0x1.000002p+0 -inf 0 0)))
