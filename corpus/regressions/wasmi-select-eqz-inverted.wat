;; wasmi 2.0.0 picks the wrong operand of `select` when its condition is
;; `i32.eqz` (or `i32.eq`/`i32.ne` against zero). For x = 5 the condition
;; is 0, so the result must be x = 5; wasmi returns 1.
;; See docs/findings/wasmi-select-eqz-inverted.md.
;;   crosscheck run corpus/regressions/wasmi-select-eqz-inverted.wat --args f=i32:5
(module
  (func (export "f") (param i32) (result i32)
    (select (i32.const 1) (local.get 0) (i32.eqz (local.get 0)))))
