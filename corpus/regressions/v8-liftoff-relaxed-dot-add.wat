;; V8's Liftoff 11.3 (relaxed SIMD behind --experimental-wasm-relaxed-simd):
;; i32x4.relaxed_dot_i8x16_i7x16_add_s does not compute the dot products
;; plus the accumulator as the spec defines (seen with constant operands and
;; with operands loaded from memory; operands passed as parameters happened
;; to come out right). docs/findings/v8-liftoff-relaxed-dot-add.md
(module
  (memory 1)
  (data (i32.const 0)
    "\10\08\80\1f\00\02\cb\00\01\c0\89\00\7f\f0\e2\40"   ;; a
    "\0f\89\ff\7f\fe\47\ff\81\c0\82\91\0f\7f\00\c0\02"   ;; b
    "\ff\7f\06\6f\00\00\7c\72\df\05\1a\d8\09\83\44\e3")  ;; accumulator
  (func (export "const") (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s
      (v128.const i32x4 0x1f800810 0x00cb0200 0x0089c001 0x40e2f07f)
      (v128.const i32x4 0x7fff890f 0x81ff47fe 0x0f9182c0 0x02c0007f)
      (v128.const i32x4 0x6f067fff 0x727c0000 0xd81a05df 0xe3448309)))
  (func (export "load") (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s
      (v128.load (i32.const 0)) (v128.load (i32.const 16)) (v128.load (i32.const 32)))))
