;; Multi-memory: copies and sums between two memories.
(module
  (memory $a (export "a") 1 1)
  (memory $b (export "b") 1 2)
  (data (memory $a) (i32.const 16) "source bytes in memory a")
  (func (export "copy_a_to_b") (param $d i32) (param $s i32) (param $n i32)
    (memory.copy $b $a (local.get $d) (local.get $s) (local.get $n)))
  (func (export "loop_b_to_a") (param $n i32)
    (local $i i32)
    (local.set $n (i32.and (local.get $n) (i32.const 255)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 $a (i32.add (local.get $i) (i32.const 512))
          (i32.add (i32.load8_u $b (local.get $i)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))
  (func (export "store_b") (param $p i32) (param $v i64) (i64.store $b (local.get $p) (local.get $v)))
  (func (export "grow_b") (param $n i32) (result i32) (memory.grow $b (local.get $n)))
  (func (export "sizes") (result i32 i32) (memory.size $a) (memory.size $b)))
