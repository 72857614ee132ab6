;; docs/findings/wasm-mutate-peephole-duplicates-effects.md: the mutant, in
;; the shape three peephole steps wrote it (a `mutate` campaign, seed
;; 1206): x => (i64.or x x) with the first copy kept in a new global
;; (`x; global.set 0; global.get 0`), then that `or` doubled by
;; x => (i64.and x x). `memory.grow` runs three times.
(module
  (memory (export "mem") i64 1 2)
  (global (mut i64) (i64.const 0))
  (func (export "grow") (param $n i64) (result i64)
    local.get $n
    memory.grow
    global.set 0
    nop
    global.get 0
    local.get $n
    memory.grow
    i64.or
    global.get 0
    local.get $n
    memory.grow
    i64.or
    i64.and))
