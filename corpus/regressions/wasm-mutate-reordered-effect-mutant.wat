;; docs/findings/wasm-mutate-peephole-reorders-effects.md: the mutant, as the
;; peephole mutator writes it under preserve_semantics (wasm-mutate seed 14,
;; rewriting `i32.const 5` into `i32.const 5 i32.const 0 i32.xor`): the basic
;; block is re-emitted tree by tree, so `global.get $g` moves after
;; `global.set $g`. f returns (7 + 1) * 5.
(module
  (global $g (mut i32) (i32.const 1))
  (export "g" (global $g))
  (func (export "f") (result i32)
    i32.const 7
    global.set $g
    global.get $g
    i32.const 1
    i32.add
    i32.const 5
    i32.const 0
    i32.xor
    nop
    i32.mul))
