;; docs/findings/wasm-mutate-peephole-duplicates-effects.md: the mutant, as
;; the peephole mutator writes it under preserve_semantics: x => (i32.and x x),
;; each copy then wrapped in an identity (x ^ 0, x << 0). table.grow runs twice.
(module
  (table $t 1 16 funcref)
  (export "t" (table $t))
  (func (export "grow") (param $n i32) (result i32)
    ref.null func
    local.get $n
    table.grow $t
    i32.const 0
    i32.xor
    ref.null func
    local.get $n
    table.grow $t
    i32.const 0
    i32.shl
    i32.and))
