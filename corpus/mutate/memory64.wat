;; Memory64: i64 addresses, loads and stores near the end of memory.
(module
  (memory (export "mem") i64 1 2)
  (func (export "store") (param $p i64) (param $v i64) (i64.store (local.get $p) (local.get $v)))
  (func (export "load") (param $p i64) (result i32) (i32.load16_u offset=3 (local.get $p)))
  (func (export "fill") (param $p i64) (param $n i64) (memory.fill (local.get $p) (i32.const 0xab) (local.get $n)))
  (func (export "grow") (param $n i64) (result i64) (memory.grow (local.get $n))))
