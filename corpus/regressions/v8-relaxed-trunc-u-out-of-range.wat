;; V8's TurboFan 11.3 (relaxed SIMD behind --experimental-wasm-relaxed-simd):
;; the unsigned relaxed truncations give lanes outside every choice the spec
;; allows for out-of-range inputs. docs/findings/v8-relaxed-trunc-u-out-of-range.md
;;   --args f32x4=v128:0xecdd0c30c99d7393789e2dc6fda15dbb
;;   --args f64x2=v128:0x7e37e43c8800759c0000000000000000
(module
  (func (export "f32x4") (param v128) (result v128)
    (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "f64x2") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0))))
