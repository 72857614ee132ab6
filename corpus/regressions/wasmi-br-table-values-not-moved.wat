;; wasmi 2.0.0: a `br_table` whose targets all sit at the same stack height
;; does not move its branch values down to that height when other operands
;; lie below them (here the i32 7). The target block then reads its result
;; from the slots where the values should have been moved: the low half of
;; the v128 comes from the stale slot of the i32, the high half is the old
;; low half. For every x, f(x) must be i64x2 1 2.
;; See docs/findings/wasmi-br-table-values-not-moved.md.
;;   crosscheck run corpus/regressions/wasmi-br-table-values-not-moved.wat --args f=i32:0 --args f=i32:1
(module
  (func (export "f") (param i32) (result v128)
    (block (result v128)
      (block (result v128)
        (i32.const 7)
        (v128.const i64x2 1 2)
        (br_table 0 1 (local.get 0))))))
