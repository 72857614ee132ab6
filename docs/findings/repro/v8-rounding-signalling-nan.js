// Reproduces docs/findings/v8-rounding-folds-signalling-nan.md with Node alone:
//   node --no-liftoff --no-wasm-lazy-compilation v8-rounding-signalling-nan.js
// f32/f64 floor, ceil, trunc, nearest of a signalling-NaN constant:
// the spec requires an arithmetic (quiet) NaN result.
const leb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sec = (id, body) => [id, ...leb(body.length), ...body];
const str = (s) => [...leb(s.length), ...Buffer.from(s)];
const ops = [
  ['f32.ceil', 0x8d, 32], ['f32.floor', 0x8e, 32], ['f32.trunc', 0x8f, 32], ['f32.nearest', 0x90, 32],
  ['f64.ceil', 0x9b, 64], ['f64.floor', 0x9c, 64], ['f64.trunc', 0x9d, 64], ['f64.nearest', 0x9e, 64],
];
const f32snan = [0x01, 0x00, 0x80, 0x7f];                   // 0x7f800001
const f64snan = [0x01, 0, 0, 0, 0, 0, 0xf0, 0x7f];          // 0x7ff0000000000001
const types = [0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7e]; // () -> i32, () -> i64
const funcs = [ops.length, ...ops.map(([, , w]) => (w === 32 ? 0 : 1))];
const exports = [ops.length, ...ops.flatMap(([n], i) => [...str(n), 0x00, i])];
const bodies = ops.map(([, op, w]) => {
  const code = w === 32
    ? [0x43, ...f32snan, op, 0xbc]   // f32.const; op; i32.reinterpret_f32
    : [0x44, ...f64snan, op, 0xbd];  // f64.const; op; i64.reinterpret_f64
  const body = [0x00, ...code, 0x0b];
  return [...leb(body.length), ...body];
});
const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...sec(1, types), ...sec(3, funcs), ...sec(7, exports), ...sec(10, [ops.length, ...bodies.flat()])]);
const { exports: e } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
const hex = (v, w) => '0x' + (w === 32 ? (v >>> 0).toString(16) : BigInt.asUintN(64, v).toString(16));
let bad = 0;
for (const [name, , w] of ops) {
  const v = e[name]();
  const quiet = w === 32 ? ((v >>> 22) & 1) === 1 : ((BigInt.asUintN(64, v) >> 51n) & 1n) === 1n;
  if (!quiet) bad++;
  console.log(`${name.padEnd(12)} ${hex(v, w).padEnd(20)} ${quiet ? 'ok (quiet NaN)' : 'WRONG: signalling NaN'}`);
}
console.log(`V8 ${process.versions.v8}: ${bad} of ${ops.length} wrong`);
