;; wasmi 2.0.0 panics while translating this valid module ("internal error:
;; entered unreachable code" in the translator's store selection): a store to
;; a non-zero memory whose address is `local.tee $x ...` and whose value is
;; `local.get $x`. With memory 0 it translates fine.
;; See docs/findings/wasmi-store-tee-panic.md.
;;   crosscheck run corpus/regressions/wasmi-store-tee-panic.wat --engines wasmi
(module
  (memory 1)
  (memory 1)
  (func (export "f") (param i32)
    (i32.store 1 (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (local.get 0))))
