;; V8 13.6 and later on an x86-64 CPU with AVX-VNNI (Node 24, 26):
;; i32x4.relaxed_dot_i8x16_i7x16_add_s sums the four byte products of a lane
;; in 32 bits (vpdpbusd), without the 16-bit saturation of each pair that
;; the Wasm 3.0 spec defines: lane 0 is 0x04566d02 where the spec allows
;; 0x04565402 (second operand signed) or 0x0456648a (unsigned, the pair
;; 0x0f * 0xc4 + 0x80 * 0x90 saturated to -32768).
;; docs/findings/v8-relaxed-dot-add-unsaturated.md
(module
  (func (export "const") (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s
      (v128.const i32x4 0x90c46227 0 0 0)
      (v128.const i32x4 0x800fffff 0 0 0)
      (v128.const i32x4 0x0456200f 0 0 0))))
