// Reproduces docs/findings/v8-relaxed-trunc-u-out-of-range.md (i32x4.relaxed_trunc_f32x4_u),
// v8-liftoff-relaxed-laneselect.md and v8-liftoff-relaxed-dot-add.md with Node alone:
//   node --experimental-wasm-relaxed-simd --no-liftoff --no-wasm-lazy-compilation v8-relaxed-simd.js   (TurboFan)
//   node --experimental-wasm-relaxed-simd --liftoff --no-wasm-tier-up v8-relaxed-simd.js               (Liftoff)
// (Node 22 and later ship relaxed SIMD and reject the flag: leave it out there.)
// Relaxed SIMD results outside every choice the spec allows. Operands are
// either loaded from memory ("load") or v128.const ("const"); the result
// is stored to memory, so every bit crosses to JS unchanged.
const leb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sec = (id, body) => [id, ...leb(body.length), ...body];
const str = (s) => [...leb(s.length), ...Buffer.from(s)];
function run(opcode, operands, constFed) {
  const code = [0x41, 48]; // i32.const 48 (where the result goes)
  operands.forEach((bytes, k) => {
    if (constFed) code.push(0xfd, 0x0c, ...bytes);            // v128.const
    else code.push(0x41, 16 * k, 0xfd, 0x00, 0x04, 0x00);      // i32.const 16k; v128.load
  });
  code.push(0xfd, ...leb(opcode), 0xfd, 0x0b, 0x04, 0x00, 0x0b); // op; v128.store; end
  const body = [0x00, ...code];
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...sec(1, [1, 0x60, 0, 0]), ...sec(3, [1, 0]), ...sec(5, [1, 0, 1]),
    ...sec(7, [2, ...str('f'), 0, 0, ...str('m'), 2, 0]),
    ...sec(10, [1, ...leb(body.length), ...body])]);
  const { exports: e } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const mem = new Uint8Array(e.m.buffer);
  operands.forEach((b, k) => mem.set(b, 16 * k));
  e.f();
  return [...new Uint32Array(e.m.buffer, 48, 4)];
}
const u32le = (lanes) => [...new Uint8Array(new Uint32Array(lanes).buffer)];
const hex = (lanes) => lanes.map((x) => '0x' + (x >>> 0).toString(16).padStart(8, '0')).join(' ');
const f32 = (x) => new Float32Array(new Uint32Array([x]).buffer)[0];
const f64 = (lo, hi) => new Float64Array(new Uint32Array([lo, hi]).buffer)[0];
// trunc_u of one lane: the exact result in range, else the spec's choices.
const truncU = (z) => (z > -1 && z < 4294967296 ? [Math.trunc(z) >>> 0]
  : [Number.isNaN(z) || z < 0 ? 0 : 0xffffffff, 0xffffffff, 0xfffffffe, 0x80000000]);
const bitselect = (a, b, c) => ((a & c) | (b & ~c)) >>> 0;
const cases = [
  { name: 'i32x4.relaxed_trunc_f32x4_u', op: 0x102, ops: [[0xfda15dbb, 0x789e2dc6, 0xc99d7393, 0xecdd0c30]],
    allowed: ([a]) => a.map((x) => truncU(f32(x))) },
  { name: 'i32x4.relaxed_trunc_f64x2_u_zero', op: 0x104, ops: [[0x00000000, 0x3fe00000, 0x00000000, 0xfff00000]],
    allowed: ([a]) => [...truncU(f64(a[0], a[1])).map((x) => [x]), truncU(f64(a[2], a[3])), [0], [0]].map((s) => s.flat()) },
  { name: 'i32x4.relaxed_laneselect', op: 0x10b,
    ops: [[0x00000080, 0x00000100, 0xffffffff, 0xf34872c0], [0xfffffffe, 0x00000020, 0x0000007f, 0xffffffff], [0x0000007f, 0x97b54c85, 0x00000080, 0x26473bd2]],
    allowed: ([a, b, c]) => a.map((_, i) => [bitselect(a[i], b[i], c[i]), c[i] >>> 31 ? a[i] : b[i]]) },
  { name: 'i64x2.relaxed_laneselect', op: 0x10c,
    ops: [[0x00000002, 0x00000000, 0xffffffff, 0x00000000], [0xb6bd0541, 0x299e76a2, 0x7d9e91d5, 0x282e448f], [0xcf000000, 0x00800000, 0x00000001, 0x7f7fffff]],
    allowed: ([a, b, c]) => a.map((_, i) => { const top = c[i | 1] >>> 31; return [bitselect(a[i], b[i], c[i]), top ? a[i] : b[i]]; }) },
  { name: 'i32x4.relaxed_dot_i8x16_i7x16_add_s', op: 0x113,
    ops: [[0x1f800810, 0x00cb0200, 0x0089c001, 0x40e2f07f], [0x7fff890f, 0x81ff47fe, 0x0f9182c0, 0x02c0007f], [0x6f067fff, 0x727c0000, 0xd81a05df, 0xe3448309]],
    // b's bytes here all have their top bit clear or are handled as signed
    // and unsigned alike below: every choice of the spec, computed.
    allowed: ([a, b, c]) => {
      const ab = new Int8Array(new Uint32Array(a).buffer), bb = new Uint8Array(new Uint32Array(b).buffer);
      return c.map((acc, i) => {
        const outs = new Set();
        for (const signedB of [true, false]) for (const sat of [true, false]) {
          let sum = 0;
          for (const pair of [0, 1]) {
            let s = 0;
            for (const j of [0, 1]) { const k = 4 * i + 2 * pair + j; const y = signedB ? (bb[k] << 24) >> 24 : bb[k]; s += ab[k] * y; }
            s = sat ? Math.max(-32768, Math.min(32767, s)) : ((s << 16) >> 16);
            sum += s;
          }
          outs.add((acc + sum) >>> 0);
        }
        return [...outs];
      });
    } },
];
let bad = 0;
for (const c of cases) {
  const allowed = c.allowed(c.ops);
  for (const constFed of [false, true]) {
    const got = run(c.op, c.ops.map(u32le), constFed);
    const ok = got.every((x, i) => allowed[i].includes(x >>> 0));
    if (!ok) bad++;
    console.log(`${c.name} (${constFed ? 'const' : 'load'}): ${hex(got)} ${ok ? 'ok' : 'WRONG, allowed per lane: ' + allowed.map((s) => '{' + hex(s) + '}').join(' ')}`);
  }
}
console.log(`V8 ${process.versions.v8}: ${bad} wrong`);
