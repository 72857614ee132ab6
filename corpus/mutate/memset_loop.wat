;; memset and strlen loops, with a checksum over the result.
(module
  (memory (export "mem") 1 2)
  (global $last (export "last") (mut i32) (i32.const 0))
  (func (export "memset") (param $dst i32) (param $v i32) (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (local.get $v))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (global.set $last (local.get $dst)))
  (func (export "strlen") (param $p i32) (result i32)
    (local $start i32)
    (local.set $start (local.get $p))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (i32.sub (local.get $p) (local.get $start)))
  (func (export "checksum") (param $p i32) (param $n i32) (result i64)
    (local $h i64)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (local.set $n (i32.and (local.get $n) (i32.const 4095)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load8_u (local.get $p))) (i64.const 0x100000001b3)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $h))
  (func (export "grow") (param $n i32) (result i32) (memory.grow (local.get $n))))
