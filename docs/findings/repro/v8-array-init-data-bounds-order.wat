(module
  (type $a (array (mut i8)))
  (data $d "abcd")
  (func (export "init") (param $d i32) (param $s i32) (param $n i32)
    (array.init_data $a $d (array.new_default $a (i32.const 2))
      (local.get $d) (local.get $s) (local.get $n))))
