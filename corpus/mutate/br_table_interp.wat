;; A bytecode interpreter dispatching with br_table: a stack machine over
;; memory (push, add, sub, mul, dup, jump-if-nonzero, halt).
(module
  (memory (export "mem") 1 1)
  (data (i32.const 0) "\01\05\01\03\02\04\01\02\05\03\06\00\07")
  (global $steps (export "steps") (mut i32) (i32.const 0))
  (func (export "load_program") (param $a i64) (param $b i64)
    (i64.store (i32.const 0) (local.get $a))
    (i64.store (i32.const 8) (local.get $b)))
  (func (export "run") (param $limit i32) (result i32)
    (local $pc i32) (local $sp i32) (local $op i32) (local $x i32)
    (local.set $sp (i32.const 1024))
    (block $halt
      (loop $next
        (br_if $halt (i32.ge_u (global.get $steps) (i32.and (local.get $limit) (i32.const 4095))))
        (global.set $steps (i32.add (global.get $steps) (i32.const 1)))
        (local.set $op (i32.load8_u (i32.and (local.get $pc) (i32.const 15))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (block $jnz (block $dup (block $mul (block $sub (block $add (block $push (block $nop
          (br_table $nop $push $add $sub $mul $dup $jnz $halt (local.get $op)))
          ;; nop
          (br $next))
          ;; push imm8
          (i32.store (local.get $sp) (i32.load8_s (i32.and (local.get $pc) (i32.const 15))))
          (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $next))
          ;; add
          (local.set $sp (i32.sub (local.get $sp) (i32.const 4)))
          (i32.store offset=0 (i32.sub (local.get $sp) (i32.const 4))
            (i32.add (i32.load (i32.sub (local.get $sp) (i32.const 4))) (i32.load (local.get $sp))))
          (br $next))
          ;; sub
          (local.set $sp (i32.sub (local.get $sp) (i32.const 4)))
          (i32.store (i32.sub (local.get $sp) (i32.const 4))
            (i32.sub (i32.load (i32.sub (local.get $sp) (i32.const 4))) (i32.load (local.get $sp))))
          (br $next))
          ;; mul
          (local.set $sp (i32.sub (local.get $sp) (i32.const 4)))
          (i32.store (i32.sub (local.get $sp) (i32.const 4))
            (i32.mul (i32.load (i32.sub (local.get $sp) (i32.const 4))) (i32.load (local.get $sp))))
          (br $next))
          ;; dup
          (i32.store (local.get $sp) (i32.load (i32.sub (local.get $sp) (i32.const 4))))
          (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
          (br $next))
        ;; jnz target
        (local.set $sp (i32.sub (local.get $sp) (i32.const 4)))
        (local.set $x (i32.load8_u (i32.and (local.get $pc) (i32.const 15))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (if (i32.load (local.get $sp)) (then (local.set $pc (local.get $x))))
        (br $next)))
    (i32.load (i32.sub (local.get $sp) (i32.const 4)))))
