;; GC: a linked list of structs built and walked, arrays made, filled,
;; copied and summed (packed i8 elements read sign- and zero-extended,
;; one made from a data segment), subtypes told apart with ref.test,
;; ref.cast and br_on_cast, and i31 references.
(module
  (type $node (struct (field $val i32) (field $next (ref null $node))))
  (type $shape (sub (struct (field $id i32))))
  (type $circle (sub final $shape (struct (field $id i32) (field $r f64))))
  (type $rect (sub final $shape (struct (field $id i32) (field $w (mut f64)) (field $h f64))))
  (type $bytes (array (mut i8)))
  (type $nums (array (mut i64)))
  (data $digits "\01\02\03\04\05\06\07\08\f0\f1\f2\f3\f4\f5\f6\f7")
  (global $last (export "last") (mut (ref null $node)) (ref.null $node))

  ;; Builds the list n, n-1, ..., 1 (n below 256) and sums it.
  (func (export "list_sum") (param $n i32) (result i32)
    (local $head (ref null $node)) (local $i i32) (local $sum i32)
    (local.set $n (i32.and (local.get $n) (i32.const 255)))
    (local.set $i (i32.const 1))
    (block $built
      (loop $build
        (br_if $built (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $head (struct.new $node (local.get $i) (local.get $head)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $build)))
    (global.set $last (local.get $head))
    (block $end
      (loop $walk
        (br_if $end (ref.is_null (local.get $head)))
        (local.set $sum (i32.add (local.get $sum) (struct.get $node $val (local.get $head))))
        (local.set $head (struct.get $node $next (local.get $head)))
        (br $walk)))
    (local.get $sum))

  ;; The head's value after n pops of the list `list_sum` left (traps on
  ;; a null reference when the list runs out).
  (func (export "pop") (param $n i32) (result i32)
    (local $cur (ref null $node))
    (local.set $cur (global.get $last))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $cur (struct.get $node $next (local.get $cur)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (struct.get $node $val (local.get $cur)))

  (func $make (param $k i32) (param $a f64) (result (ref $shape))
    (if (result (ref $shape)) (i32.and (local.get $k) (i32.const 1))
      (then (struct.new $circle (local.get $k) (local.get $a)))
      (else (struct.new $rect (local.get $k) (local.get $a) (f64.add (local.get $a) (f64.const 0.5))))))

  (func (export "area") (param $k i32) (param $a f64) (result f64)
    (local $s (ref $shape))
    (local.set $s (call $make (local.get $k) (local.get $a)))
    (if (result f64) (ref.test (ref $circle) (local.get $s))
      (then
        (f64.mul (f64.const 3.141592653589793)
          (f64.mul (struct.get $circle $r (ref.cast (ref $circle) (local.get $s)))
                   (struct.get $circle $r (ref.cast (ref $circle) (local.get $s))))))
      (else
        (f64.mul (struct.get $rect $w (ref.cast (ref $rect) (local.get $s)))
                 (struct.get $rect $h (ref.cast (ref $rect) (local.get $s)))))))

  ;; A rectangle's id with its width doubled, -1 for a circle.
  (func (export "rect_id") (param $k i32) (result i32)
    (local $r (ref $rect))
    (block $is_rect (result (ref $rect))
      (drop (br_on_cast $is_rect (ref $shape) (ref $rect) (call $make (local.get $k) (f64.const 2))))
      (return (i32.const -1)))
    (local.set $r)
    (struct.set $rect $w (local.get $r) (f64.mul (struct.get $rect $w (local.get $r)) (f64.const 2)))
    (i32.add (struct.get $rect $id (local.get $r)) (i32.trunc_f64_s (struct.get $rect $w (local.get $r)))))

  ;; n copies of `fill`, copied into a longer array at 2, each element
  ;; then times its index plus the index, summed.
  (func (export "array_sum") (param $n i32) (param $fill i64) (result i64)
    (local $a (ref $nums)) (local $b (ref $nums)) (local $i i32) (local $s i64)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (local.set $a (array.new $nums (local.get $fill) (local.get $n)))
    (local.set $b (array.new_default $nums (i32.add (local.get $n) (i32.const 4))))
    (array.copy $nums $nums (local.get $b) (i32.const 2) (local.get $a) (i32.const 0) (local.get $n))
    (array.fill $nums (local.get $a) (i32.const 0) (i64.const 3) (i32.shr_u (local.get $n) (i32.const 1)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $b))))
        (array.set $nums (local.get $b) (local.get $i)
          (i64.add
            (i64.mul (array.get $nums (local.get $b) (local.get $i)) (i64.extend_i32_u (local.get $i)))
            (i64.extend_i32_u (local.get $i))))
        (local.set $s (i64.add (local.get $s) (array.get $nums (local.get $b) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i64.add (local.get $s) (array.get $nums (local.get $a) (i32.const 0))))

  ;; Packed elements: byte i (out of bounds traps) of an array made from
  ;; `digits` at `off`, read sign- and zero-extended, and after a store of `v`.
  (func (export "bytes") (param $off i32) (param $i i32) (param $v i32) (result i32)
    (local $a (ref $bytes))
    (local.set $a (array.new_data $bytes $digits (i32.and (local.get $off) (i32.const 7)) (i32.const 8)))
    (i32.add
      (i32.add (array.get_s $bytes (local.get $a) (local.get $i)) (array.get_u $bytes (local.get $a) (local.get $i)))
      (block (result i32)
        (array.set $bytes (local.get $a) (i32.const 0) (local.get $v))
        (i32.mul (array.get_s $bytes (local.get $a) (i32.const 0)) (i32.const 3)))))

  (func (export "i31") (param $v i32) (result i32)
    (local $r (ref i31))
    (local.set $r (ref.i31 (local.get $v)))
    (i32.add (i31.get_s (local.get $r)) (i32.mul (i31.get_u (local.get $r)) (i32.const 2)))))
