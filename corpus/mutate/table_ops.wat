;; Reference types: externref and funcref tables, ref.func, table.fill,
;; table.copy, table.init and elem.drop.
(module
  (table $f (export "f") 4 8 funcref)
  (table $e (export "e") 2 4 externref)
  (elem $fs func $one $two)
  (elem declare func $three)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func $three (result i32) (i32.const 3))
  (func (export "init") (param $d i32) (table.init $f $fs (local.get $d) (i32.const 0) (i32.const 2)))
  (func (export "fill") (param $d i32) (param $n i32)
    (table.fill $f (local.get $d) (ref.func $three) (local.get $n)))
  (func (export "copy") (param $d i32) (param $s i32) (param $n i32)
    (table.copy $f $f (local.get $d) (local.get $s) (local.get $n)))
  (func (export "drop") (elem.drop $fs))
  (func (export "call") (param $i i32) (result i32) (call_indirect $f (result i32) (local.get $i)))
  (func (export "grow_e") (param $n i32) (result i32) (table.grow $e (ref.null extern) (local.get $n)))
  (func (export "size") (result i32 i32) (table.size $f) (table.size $e)))
