;; Threads: atomic read-modify-write, compare-exchange and fences on a
;; shared memory, plus misaligned accesses that must trap.
(module
  (memory (export "mem") 1 1 shared)
  (func (export "add") (param $p i32) (param $v i32) (result i32)
    (i32.atomic.rmw.add (i32.and (local.get $p) (i32.const 0xfffc)) (local.get $v)))
  (func (export "cas") (param $p i32) (param $e i64) (param $r i64) (result i64)
    (i64.atomic.rmw.cmpxchg (i32.and (local.get $p) (i32.const 0xfff8)) (local.get $e) (local.get $r)))
  (func (export "xchg8") (param $p i32) (param $v i32) (result i32)
    (i32.atomic.rmw8.xchg_u (local.get $p) (local.get $v)))
  (func (export "unaligned") (param $p i32) (result i32)
    (i32.atomic.load (local.get $p)))
  (func (export "counter") (param $n i32) (result i32)
    (local $i i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (drop (i32.atomic.rmw.add (i32.const 64) (i32.const 3)))
        (atomic.fence)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.atomic.load (i32.const 64)))
  (func (export "notify") (param $p i32) (result i32)
    (memory.atomic.notify (i32.and (local.get $p) (i32.const 0xfffc)) (i32.const 1))))
