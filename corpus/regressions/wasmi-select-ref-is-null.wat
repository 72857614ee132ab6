;; wasmi 2.0.0 translates `ref.is_null` as `i32.eqz`, so it shares the
;; `select` fusion bug of docs/findings/wasmi-select-eqz-ignores-operand.md:
;; with the reference in a stack slot (a local), the fused select reads its
;; condition from wasmi's register, which still holds `table.size` (1).
;; For r = null the condition is 1, so the result must be `table.size` = 1;
;; wasmi returns 9.
;;   crosscheck run corpus/regressions/wasmi-select-ref-is-null.wat --args f=externref:null
(module
  (table 1 externref)
  (func (export "f") (param externref) (result i32)
    (select (table.size 0) (i32.const 9) (ref.is_null (local.get 0)))))
