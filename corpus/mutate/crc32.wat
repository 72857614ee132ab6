;; CRC-32 bit by bit and an xorshift generator: shifts, rotates, bit counts.
(module
  (memory (export "mem") 1 1)
  (data (i32.const 0) "123456789")
  (func (export "crc32") (param $p i32) (param $n i32) (result i32)
    (local $crc i32) (local $k i32)
    (local.set $crc (i32.const -1))
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (block $done
      (loop $bytes
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $crc (i32.xor (local.get $crc) (i32.load8_u (local.get $p))))
        (local.set $k (i32.const 8))
        (loop $bits
          (local.set $crc (i32.xor (i32.shr_u (local.get $crc) (i32.const 1))
            (i32.and (i32.const 0xedb88320) (i32.sub (i32.const 0) (i32.and (local.get $crc) (i32.const 1))))))
          (local.tee $k (i32.sub (local.get $k) (i32.const 1)))
          (br_if $bits))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $bytes)))
    (i32.xor (local.get $crc) (i32.const -1)))
  (func (export "xorshift") (param $x i64) (result i64)
    (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
    (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
    (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
  (func (export "bitops") (param $x i32) (param $r i32) (result i32)
    (i32.add (i32.add (i32.clz (local.get $x)) (i32.ctz (local.get $x)))
      (i32.add (i32.popcnt (local.get $x)) (i32.rotl (local.get $x) (local.get $r))))))
