// Reproduces docs/findings/v8-relaxed-trunc-u-out-of-range.md (i32x4.relaxed_trunc_f64x2_u_zero):
//   node --experimental-wasm-relaxed-simd --no-liftoff --no-wasm-lazy-compilation v8-relaxed-trunc-f64x2-u-zero.js
// i32x4.relaxed_trunc_f64x2_u_zero: each f64 lane truncated to u32 (out of
// range or NaN: one of the spec's four choices), lanes 2 and 3 zero.
const truncU = (z) => (z > -1 && z < 4294967296 ? [Math.trunc(z) >>> 0]
  : [Number.isNaN(z) || z < 0 ? 0 : 0xffffffff, 0xffffffff, 0xfffffffe, 0x80000000]);
const leb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sec = (id, body) => [id, ...leb(body.length), ...body];
const str = (s) => [...leb(s.length), ...Buffer.from(s)];
// f: mem[16] = i32x4.relaxed_trunc_f64x2_u_zero(mem[0])
const code = [0x41, 16, 0x41, 0, 0xfd, 0x00, 0x04, 0x00, 0xfd, ...leb(0x104), 0xfd, 0x0b, 0x04, 0x00, 0x0b];
const body = [0x00, ...code];
const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...sec(1, [1, 0x60, 0, 0]), ...sec(3, [1, 0]), ...sec(5, [1, 0, 1]),
  ...sec(7, [2, ...str('f'), 0, 0, ...str('m'), 2, 0]), ...sec(10, [1, ...leb(body.length), ...body])]);
const { exports: e } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
const f64 = new Float64Array(e.m.buffer, 0, 2), out = new Uint32Array(e.m.buffer, 16, 4);
const edges = [0, -0, 0.5, -0.5, 1, -1, 4294967295, 4294967296, -4294967296, 2147483648, Infinity, -Infinity, NaN, 1e300, -1e300];
let bad = 0, shown = 0;
for (const x of edges) for (const y of edges) {
  f64[0] = x; f64[1] = y; e.f();
  const ok = [x, y].every((z, i) => truncU(z).includes(out[i])) && out[2] === 0 && out[3] === 0;
  if (!ok) { bad++; if (shown++ < 6) console.log(`f(${x}, ${y}) = 0x${[...out].map((v) => v.toString(16)).join(' 0x')}: allowed lanes 0, 1: {${truncU(x).map((v) => '0x' + v.toString(16))}} {${truncU(y).map((v) => '0x' + v.toString(16))}}; lanes 2, 3: 0`); }
}
console.log(`V8 ${process.versions.v8}: ${bad} of ${edges.length ** 2} wrong`);
