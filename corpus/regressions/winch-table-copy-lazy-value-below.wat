;; Winch (Wasmtime 48.0.8) crashes the process (SIGSEGV) when it runs this
;; valid function: a `table.copy` with a `local.get` result still on the value
;; stack beneath its three operands. With a constant there it runs; Cranelift,
;; Pulley, wasmi, V8 and the reference return 7.
;; See docs/findings/winch-table-copy-lazy-value-below.md.
;;   crosscheck run corpus/regressions/winch-table-copy-lazy-value-below.wat --engines reference,winch --args f=i32:7
(module
  (table 4 5 funcref)
  (func (export "f") (param i32) (result i32)
    local.get 0
    i32.const 0
    i32.const 0
    i32.const 0
    table.copy))
