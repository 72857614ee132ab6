;; Recursion: naive Fibonacci, Ackermann (deep), and unbounded recursion
;; that only the fuel counter or the engine's stack limit stops.
(module
  (func $fib (export "fib") (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else (i64.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $ack (export "ackermann") (param $m i32) (param $n i32) (result i32)
    (local.set $m (i32.and (local.get $m) (i32.const 3)))
    (if (result i32) (i32.eqz (local.get $m))
      (then (i32.add (local.get $n) (i32.const 1)))
      (else
        (if (result i32) (i32.eqz (local.get $n))
          (then (call $ack (i32.sub (local.get $m) (i32.const 1)) (i32.const 1)))
          (else (call $ack (i32.sub (local.get $m) (i32.const 1))
                           (call $ack (local.get $m) (i32.sub (local.get $n) (i32.const 1)))))))))
  (func $forever (export "recurse_forever") (param $x i32) (result i32)
    (i32.add (i32.const 1) (call $forever (i32.add (local.get $x) (i32.const 1))))))
