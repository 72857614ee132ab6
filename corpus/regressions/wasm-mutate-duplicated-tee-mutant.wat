;; docs/findings/wasm-mutate-peephole-duplicates-effects.md: the mutant, in
;; the shape the peephole mutator wrote it under preserve_semantics:
;; x => (i32.and x x) with x = (local.tee $n (i32.sub (local.get $n) 1)),
;; so $n is decremented twice.
(module
  (func (export "dec") (param $n i32) (result i32)
    local.get $n
    i32.const 1
    i32.sub
    local.tee $n
    local.get $n
    i32.const 1
    i32.sub
    local.tee $n
    i32.and
    local.get $n
    i32.add))
