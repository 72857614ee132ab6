;; docs/findings/wasm-mutate-peephole-duplicates-effects.md: a local.tee the
;; peephole mutator duplicates (reduced from corpus/mutate/memcpy_loop's
;; copy_words loop counter, found by the mutate target under libFuzzer).
(module
  (func (export "dec") (param $n i32) (result i32)
    local.get $n
    i32.const 1
    i32.sub
    local.tee $n
    local.get $n
    i32.add))
