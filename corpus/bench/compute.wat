;; A compute-heavy module for `crosscheck bench --module`: integer loops over
;; memory, float arithmetic, and SIMD, each export deterministic.
(module
  (memory (export "mem") 1 1)

  ;; Fill 64 KiB with a xorshift stream, then sum it as i32s; repeated.
  (func (export "memory_loop") (param $rounds i32) (result i32)
    (local $i i32) (local $x i32) (local $sum i32)
    (local.set $x (i32.const 0x9e3779b9))
    (block $done
      (loop $round
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $i (i32.const 0))
        (loop $fill
          (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
          (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
          (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
          (i32.store (local.get $i) (local.get $x))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br_if $fill (i32.lt_u (local.get $i) (i32.const 65536))))
        (local.set $i (i32.const 0))
        (loop $sum
          (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br_if $sum (i32.lt_u (local.get $i) (i32.const 65536))))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (br $round)))
    (local.get $sum))

  ;; Mandelbrot escape counts over a 64x64 grid, as f64.
  (func (export "float_loop") (param $size i32) (result i32)
    (local $px i32) (local $py i32) (local $n i32) (local $total i32)
    (local $cx f64) (local $cy f64) (local $zx f64) (local $zy f64) (local $t f64)
    (loop $rows
      (local.set $px (i32.const 0))
      (loop $cols
        (local.set $cx (f64.sub (f64.div (f64.convert_i32_s (local.get $px)) (f64.const 21.0)) (f64.const 2.0)))
        (local.set $cy (f64.sub (f64.div (f64.convert_i32_s (local.get $py)) (f64.const 32.0)) (f64.const 1.0)))
        (local.set $zx (f64.const 0)) (local.set $zy (f64.const 0)) (local.set $n (i32.const 0))
        (block $escaped
          (loop $iter
            (br_if $escaped (f64.gt (f64.add (f64.mul (local.get $zx) (local.get $zx)) (f64.mul (local.get $zy) (local.get $zy))) (f64.const 4.0)))
            (local.set $t (f64.add (f64.sub (f64.mul (local.get $zx) (local.get $zx)) (f64.mul (local.get $zy) (local.get $zy))) (local.get $cx)))
            (local.set $zy (f64.add (f64.mul (f64.mul (f64.const 2.0) (local.get $zx)) (local.get $zy)) (local.get $cy)))
            (local.set $zx (local.get $t))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br_if $iter (i32.lt_u (local.get $n) (i32.const 255)))))
        (local.set $total (i32.add (local.get $total) (local.get $n)))
        (local.set $px (i32.add (local.get $px) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $px) (local.get $size))))
      (local.set $py (i32.add (local.get $py) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $py) (local.get $size))))
    (local.get $total))

  ;; SIMD: i32x4 and f32x4 passes over 64 KiB, folded into one lane sum.
  (func (export "simd_loop") (param $rounds i32) (result i32)
    (local $i i32) (local $acc v128) (local $f v128)
    (local.set $f (f32x4.splat (f32.const 1.0001)))
    (block $done
      (loop $round
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $i (i32.const 0))
        (loop $pass
          (v128.store (local.get $i)
            (i32x4.add (v128.load (local.get $i)) (i32x4.splat (local.get $i))))
          (local.set $acc (i32x4.add (local.get $acc)
            (i32x4.trunc_sat_f32x4_s (f32x4.mul (f32x4.convert_i32x4_s (v128.load (local.get $i))) (local.get $f)))))
          (local.set $acc (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $acc) (local.get $acc)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br_if $pass (i32.lt_u (local.get $i) (i32.const 65536))))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (br $round)))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
             (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))
