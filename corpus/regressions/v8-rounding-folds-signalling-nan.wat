;; V8's TurboFan before 14.6 folds ceil/floor/trunc of a signalling-NaN
;; constant to that same signalling NaN; the spec requires an arithmetic
;; (quiet) NaN. V8 11.3 and 12.4: f64.floor; 13.6: f32/f64 ceil, floor, trunc.
;; docs/findings/v8-rounding-folds-signalling-nan.md
(module
  (func (export "f32.ceil") (result f32) (f32.ceil (f32.const nan:0x000001)))
  (func (export "f32.floor") (result f32) (f32.floor (f32.const nan:0x000001)))
  (func (export "f32.trunc") (result f32) (f32.trunc (f32.const nan:0x000001)))
  (func (export "f32.nearest") (result f32) (f32.nearest (f32.const nan:0x000001)))
  (func (export "f64.ceil") (result f64) (f64.ceil (f64.const nan:0x1)))
  (func (export "f64.floor") (result f64) (f64.floor (f64.const nan:0x1)))
  (func (export "f64.trunc") (result f64) (f64.trunc (f64.const nan:0x1)))
  (func (export "f64.nearest") (result f64) (f64.nearest (f64.const nan:0x1))))
