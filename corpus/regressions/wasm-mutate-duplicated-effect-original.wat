;; docs/findings/wasm-mutate-peephole-duplicates-effects.md: the module
;; before wasm-mutate's peephole mutator (reduced from corpus/mutate/call_indirect).
(module
  (table $t 1 16 funcref)
  (export "t" (table $t))
  (func (export "grow") (param $n i32) (result i32)
    ref.null func
    local.get $n
    table.grow $t))
