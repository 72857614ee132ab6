;; wasmi 2.0.0 evaluates a `select` condition `i32.eqz x` (or `i32.eq`/
;; `i32.ne` against zero, or `ref.is_null`) on its register instead of x,
;; here 0 at function entry: as if x were 0. For x = 5 the condition is 0,
;; so the result must be x = 5; wasmi returns 1.
;; See docs/findings/wasmi-select-eqz-ignores-operand.md.
;;   crosscheck run corpus/regressions/wasmi-select-eqz-ignores-operand.wat --args f=i32:5
(module
  (func (export "f") (param i32) (result i32)
    (select (i32.const 1) (local.get 0) (i32.eqz (local.get 0)))))
