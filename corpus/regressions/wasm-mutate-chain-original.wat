;; A wasm-smith module whose 8-step semantics-preserving wasm-mutate chain
;; (seed 3155238284896358758; found by `crosscheck fuzz mutate --seed 1205`)
;; ends with a peephole step that is wasm-mutate-peephole-reorders-effects:
;; traced only step by step (tests/mutator_findings.rs).
(module
  (type (;0;) (func (param i32 i32 i64)))
  (type (;1;) (func (param i64 v128) (result f32)))
  (table (;0;) 54 57 funcref)
  (table (;1;) 4 15 externref)
  (global (;0;) (mut i32) i32.const 1000)
  (export "" (func 0))
  (export "1" (table 0))
  (export "2" (table 1))
  (elem (;0;) (i32.const 1) func)
  (elem (;1;) (i32.const 1) funcref)
  (func (;0;) (type 1) (param i64 v128) (result f32)
    (local f64 f64 f64 i64)
    global.get 0
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 0
    i32.const 1
    i32.sub
    global.set 0
    table.size 1
    table.size 0
    table.size 1
    table.size 0
    table.size 0
    ref.null func
    ref.is_null
    ref.null extern
    table.size 1
    ref.null extern
    ref.is_null
    ref.null extern
    table.size 0
    ref.null extern
    ref.is_null
    table.size 0
    table.size 1
    ref.null func
    ref.null func
    ref.null extern
    ref.is_null
    ref.null func
    table.size 0
    ref.null extern
    ref.null func
    ref.is_null
    table.grow 1
    ref.null extern
    ref.is_null
    ref.null extern
    ref.is_null
    table.size 0
    table.size 1
    table.size 0
    table.size 0
    table.size 0
    ref.null func
    ref.null extern
    ref.null func
    ref.null extern
    table.size 0
    ref.null func
    ref.null extern
    ref.null func
    ref.null extern
    ref.is_null
    table.size 1
    ref.null extern
    table.size 1
    table.grow 1
    ref.null extern
    table.size 0
    ref.null extern
    ref.null func
    table.size 1
    table.grow 0
    ref.null func
    ref.is_null
    table.size 1
    ref.null func
    ref.null extern
    ref.null func
    ref.null extern
    ref.null extern
    ref.null extern
    table.size 1
    ref.null func
    ref.is_null
    ref.null extern
    ref.is_null
    ref.null func
    ref.null extern
    table.size 1
    table.grow 1
    table.size 0
    ref.null extern
    table.size 1
    ref.null extern
    ref.is_null
    table.size 1
    ref.null func
    table.size 0
    ref.null extern
    table.size 1
    table.grow 1
    table.size 0
    table.size 1
    table.size 1
    ref.null func
    ref.null func
    table.size 1
    table.grow 0
    table.size 0
    table.size 1
    ref.null func
    table.size 1
    table.size 0
    table.size 1
    table.size 0
    table.size 0
    ref.null func
    ref.is_null
    ref.null func
    ref.null extern
    ref.null extern
    ref.is_null
    table.size 0
    ref.null extern
    ref.null extern
    ref.is_null
    table.size 1
    table.size 0
    table.size 1
    table.size 1
    table.size 1
    table.size 0
    table.size 1
    table.size 0
    ref.null extern
    table.size 0
    ref.null func
    ref.null func
    ref.is_null
    table.size 0
    ref.null extern
    ref.null extern
    ref.null func
    ref.null func
    ref.null extern
    ref.is_null
    ref.null func
    ref.is_null
    ref.null func
    table.size 1
    table.size 0
    ref.null extern
    ref.null extern
    ref.null func
    table.size 1
    table.grow 0
    table.grow 1
    ref.null extern
    table.size 1
    ref.null extern
    table.size 0
    ref.null func
    table.size 1
    ref.null extern
    ref.null func
    ref.null func
    ref.null extern
    table.size 1
    table.size 1
    ref.null extern
    ref.is_null
    table.size 0
    table.size 0
    ref.null func
    table.size 0
    ref.null func
    table.size 0
    table.grow 0
    ref.null func
    ref.is_null
    table.size 1
    ref.null func
    table.size 1
    table.grow 0
    table.size 0
    table.size 1
    table.size 0
    table.size 1
    table.size 0
    table.size 1
    table.size 0
    ref.null func
    ref.is_null
    table.size 0
    ref.null extern
    ref.is_null
    table.size 1
    ref.null extern
    ref.is_null
    table.size 1
    table.size 1
    ref.null extern
    table.size 1
    table.size 1
    ref.null func
    table.size 1
    table.grow 0
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    f32.const 0x0p+0 (;=0;)
  )
)
