;; docs/findings/wasm-mutate-peephole-reorders-effects.md: the module before
;; wasm-mutate's peephole mutator. f reads g, then sets it: returns (1 + 1) * 5.
(module
  (global $g (mut i32) (i32.const 1))
  (export "g" (global $g))
  (func (export "f") (result i32)
    global.get $g
    i32.const 7
    global.set $g
    i32.const 1
    i32.add
    i32.const 5
    i32.mul))
