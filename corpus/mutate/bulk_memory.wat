;; Bulk memory: memory.copy, memory.fill, memory.init and data.drop, with
;; out-of-bounds traps.
(module
  (memory (export "mem") 1 1)
  (data $greeting "hello, bulk memory")
  (data $digits "0123456789abcdef")
  (func (export "fill") (param $d i32) (param $v i32) (param $n i32)
    (memory.fill (local.get $d) (local.get $v) (local.get $n)))
  (func (export "copy") (param $d i32) (param $s i32) (param $n i32)
    (memory.copy (local.get $d) (local.get $s) (local.get $n)))
  (func (export "init") (param $d i32) (param $off i32) (param $n i32)
    (memory.init $greeting (local.get $d) (local.get $off) (local.get $n)))
  (func (export "init_digits") (param $d i32)
    (memory.init $digits (local.get $d) (i32.const 0) (i32.const 16)))
  (func (export "drop") (data.drop $greeting))
  (func (export "size") (result i32) (memory.size)))
