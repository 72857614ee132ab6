;; V8's Liftoff 11.3 (relaxed SIMD behind --experimental-wasm-relaxed-simd):
;; i32x4/i64x2.relaxed_laneselect give lanes that are neither the bitwise
;; select nor the top-bit lane select. docs/findings/v8-liftoff-relaxed-laneselect.md
;;   --args 'i32x4=v128:0xf34872c0ffffffff0000010000000080,v128:0xffffffff0000007f00000020fffffffe,v128:0x26473bd20000008097b54c850000007f'
;;   --args 'i64x2=v128:0x00000000ffffffff0000000000000002,v128:0x282e448f7d9e91d5299e76a2b6bd0541,v128:0x7f7fffff0000000100800000cf000000'
(module
  (func (export "i32x4") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64x2") (param v128 v128 v128) (result v128)
    (i64x2.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2))))
