;; Reduced original of docs/findings/wasm-mutate-peephole-float-identities.md.
(module (func (export "f") (param f32) (result f32) local.get 0))
