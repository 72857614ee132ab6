;; docs/findings/wasm-mutate-peephole-duplicates-effects.md: the original
;; of a duplicated `memory.grow` whose first copy goes through a global
;; (reduced from corpus/mutate/memory64's `grow`).
(module
  (memory (export "mem") i64 1 2)
  (func (export "grow") (param $n i64) (result i64)
    local.get $n
    memory.grow))
