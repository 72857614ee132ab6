;; memcpy and memmove as byte and word loops (overlapping regions included).
(module
  (memory (export "mem") 1 1)
  (data (i32.const 0) "The quick brown fox jumps over the lazy dog 0123456789")
  (func $memcpy (export "memcpy") (param $dst i32) (param $src i32) (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
  (func (export "memmove") (param $dst i32) (param $src i32) (param $n i32)
    (if (i32.le_u (local.get $dst) (local.get $src))
      (then (call $memcpy (local.get $dst) (local.get $src) (local.get $n)))
      (else
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (i32.store8 (i32.add (local.get $dst) (local.get $n))
              (i32.load8_u (i32.add (local.get $src) (local.get $n))))
            (br $l))))))
  (func (export "copy_words") (param $dst i32) (param $src i32) (param $n i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (loop $l
      (i64.store (local.get $dst) (i64.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
      (local.set $src (i32.add (local.get $src) (i32.const 8)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (i32.const 0))))))
