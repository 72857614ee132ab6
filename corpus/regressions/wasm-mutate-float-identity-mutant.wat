;; What wasm-mutate (peephole, preserve_semantics) made of it: x => x + 0.0.
(module (func (export "f") (param f32) (result f32) local.get 0 f32.const 0 f32.add))
