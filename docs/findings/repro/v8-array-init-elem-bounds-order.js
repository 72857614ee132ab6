// Reproduces docs/findings/v8-array-init-elem-bounds-order.md with Node alone:
//   node --no-wasm-lazy-compilation v8-array-init-elem-bounds-order.js
// array.init_elem whose destination range is past the array's end AND whose
// source range is past the segment's end: the spec checks the array first
// (trap "out of bounds array access"); V8 checks the segment first.
//
// (module
//   (type $a (array (mut funcref)))
//   (elem $e func $f $f)
//   (func $f)
//   (func (export "init") (param $d i32) (param $s i32) (param $n i32)
//     (array.init_elem $a $e (array.new_default $a (i32.const 2))
//       (local.get $d) (local.get $s) (local.get $n))))
const leb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sec = (id, body) => [id, ...leb(body.length), ...body];
const types = [3, 0x5e, 0x70, 0x01, 0x60, 3, 0x7f, 0x7f, 0x7f, 0, 0x60, 0, 0]; // $a, (i32 i32 i32) -> (), () -> ()
const funcs = [2, 2, 1];                                                      // $f: () -> (); init
const exports = [1, 4, ...Buffer.from('init'), 0x00, 1];
const elems = [1, 0x01, 0x00, 2, 0, 0];                                        // passive, elemkind func, [$f, $f]
const f = [0x00, 0x0b];
const init = [0x00, 0x41, 2, 0xfb, 7, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfb, 19, 0, 0, 0x0b];
const code = [2, ...leb(f.length), ...f, ...leb(init.length), ...init];
const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...sec(1, types), ...sec(3, funcs), ...sec(7, exports), ...sec(9, elems), ...sec(10, code)]);
const { exports: e } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
const cases = [
  // [d, s, n, what the spec traps with]
  [3, 0, 0, 'out of bounds array access'],   // array alone out of bounds
  [0, 3, 0, 'out of bounds table access'],   // segment alone out of bounds
  [0, 0, 3, 'out of bounds array access'],   // both: the array is checked first
];
let wrong = 0;
for (const [d, s, n, spec] of cases) {
  let got = 'returned';
  try { e.init(d, s, n); } catch (x) { got = x.message; }
  const arrayTrap = /array/.test(got), specArray = /array/.test(spec);
  const ok = got !== 'returned' && arrayTrap === specArray;
  if (!ok) wrong++;
  console.log(`init(${d}, ${s}, ${n}): ${got.padEnd(40)} spec: ${spec}${ok ? '' : '   <- WRONG ORDER'}`);
}
console.log(`V8 ${process.versions.v8}: ${wrong} of ${cases.length} wrong`);
