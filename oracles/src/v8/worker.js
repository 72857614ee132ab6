// crosscheck's V8 worker: a long-lived Node.js process that runs
// WebAssembly for the `v8` engines of crosscheck-oracles.
//
// Protocol (see protocol.rs, all integers little-endian): a request is one
// frame, `u32 length` then a batch `u8 stop_on_fatal, u32 count`, then each
// command as `u32 length, u8 op, fields`;
// the reply is one frame with one reply per command. Values never pass
// through JS numbers: functions are called through wrapper modules (built
// by wrapper.rs) that read arguments from and write results to their own
// memory, so JS only copies bytes.
'use strict';

const fs = require('fs');

// Commands.
const RESET = 1, WRAPPER = 2, COMPILE = 3, INSTANTIATE = 4, REGISTER = 5, CALL = 6,
  GLOBALS = 7, MEMORY = 8, TABLE = 9, VALIDATE = 10, HELLO = 11;
// Reply statuses.
const OK = 0, THROWN = 1, SKIPPED = 2, MISSING = 3;
// Error classes of a THROWN reply.
const COMPILE_ERROR = 0, LINK_ERROR = 1, RUNTIME_ERROR = 2, RANGE_ERROR = 3, TYPE_ERROR = 4, OTHER_ERROR = 5,
  EXCEPTION = 6;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function readExact(n) {
  const buf = Buffer.allocUnsafe(n);
  let off = 0;
  while (off < n) {
    let r;
    try {
      r = fs.readSync(0, buf, off, n - off, null);
    } catch (e) {
      if (e.code === 'EAGAIN') { Atomics.wait(sleeper, 0, 0, 1); continue; }
      if (e.code === 'EOF') return null;
      throw e;
    }
    if (r === 0) return null;
    off += r;
  }
  return buf;
}

function writeAll(buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === 'EAGAIN') { Atomics.wait(sleeper, 0, 0, 1); continue; }
      throw e;
    }
  }
}

class Reader {
  constructor(buf) { this.buf = buf; this.pos = 0; }
  u8() { return this.buf[this.pos++]; }
  u32() { const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  bytes() { const n = this.u32(); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  str() { return this.bytes().toString('utf8'); }
}

class Writer {
  constructor() { this.parts = []; this.len = 0; }
  push(b) { this.parts.push(b); this.len += b.length; }
  u8(v) { this.push(Buffer.from([v])); }
  u32(v) { const b = Buffer.allocUnsafe(4); b.writeUInt32LE(v >>> 0); this.push(b); }
  u64(v) { const b = Buffer.allocUnsafe(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
  // Copies: a view of a wasm memory would change under later commands.
  bytes(b) { this.u32(b.length); this.push(Buffer.from(b)); }
  str(s) { this.bytes(Buffer.from(String(s), 'utf8')); }
}

// Host values for `externref`: `ref.extern N` is one object per N.
const externs = new Map();
function ext(n) {
  n = n >>> 0;
  let o = externs.get(n);
  if (o === undefined) { o = { crosscheckExtern: n }; externs.set(n, o); }
  return o;
}
function unext(x) {
  return (x !== null && typeof x === 'object' && 'crosscheckExtern' in x) ? x.crosscheckExtern : -1;
}

function table64(init) {
  for (const key of ['address', 'index']) {
    try {
      return new WebAssembly.Table({ element: 'anyfunc', initial: init.min, maximum: init.max, [key]: 'i64' });
    } catch (e) { /* try the other spelling of the descriptor */ }
  }
  return undefined;
}

function makeSpectest(withShared, withTable64) {
  const nop = () => {};
  const s = {
    print: nop, print_i32: nop, print_i64: nop, print_f32: nop, print_f64: nop,
    print_i32_f32: nop, print_f64_f64: nop,
    global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
    global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
    global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
    global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
    table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
  };
  if (withShared) s.shared_memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  if (withTable64) {
    const t = table64({ min: 10n, max: 20n });
    if (t !== undefined) s.table64 = t;
  }
  return s;
}

const wrappers = new Map(); // id -> WebAssembly.Module
let instances = new Map(); // name -> { instance, callers: Map }
let registered = new Map(); // module name -> exports object

function reset(withShared, withTable64) {
  instances = new Map();
  registered = new Map([['spectest', makeSpectest(withShared, withTable64)]]);
}
reset(false, false);

function errorClass(e) {
  if (e instanceof WebAssembly.CompileError) return COMPILE_ERROR;
  if (e instanceof WebAssembly.LinkError) return LINK_ERROR;
  if (e instanceof WebAssembly.RuntimeError) return RUNTIME_ERROR;
  if (e instanceof RangeError) return RANGE_ERROR;
  if (e instanceof TypeError) return TYPE_ERROR;
  if (typeof WebAssembly.Exception === 'function' && e instanceof WebAssembly.Exception) return EXCEPTION;
  return OTHER_ERROR;
}

function thrown(w, e) {
  w.u8(THROWN);
  w.u8(errorClass(e));
  w.str(e instanceof Error ? e.message : String(e));
}

function importsFor(module) {
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const src = registered.get(imp.module);
    if (src === undefined) continue;
    if (imports[imp.module] === undefined) imports[imp.module] = {};
    if (Object.prototype.hasOwnProperty.call(src, imp.name)) imports[imp.module][imp.name] = src[imp.name];
  }
  return imports;
}

// Each handler writes one reply and returns whether it was fatal (the
// rest of a stop_on_fatal batch is then skipped).
const handlers = {
  [RESET](r, w) {
    const flags = r.u8();
    reset((flags & 1) !== 0, (flags & 2) !== 0);
    w.u8(OK);
    return false;
  },
  [WRAPPER](r, w) {
    const id = r.u32();
    const bytes = r.bytes();
    try {
      wrappers.set(id, new WebAssembly.Module(bytes));
      w.u8(OK);
      return false;
    } catch (e) { thrown(w, e); return true; }
  },
  [COMPILE](r, w) {
    const bytes = r.bytes();
    try {
      new WebAssembly.Module(bytes);
      w.u8(OK);
      return false;
    } catch (e) { thrown(w, e); return true; }
  },
  [INSTANTIATE](r, w) {
    const name = r.str();
    const bytes = r.bytes();
    const t0 = process.hrtime.bigint();
    let module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch (e) { thrown(w, e); return true; }
    const t1 = process.hrtime.bigint();
    try {
      const instance = new WebAssembly.Instance(module, importsFor(module));
      instances.set(name, { instance, callers: new Map() });
    } catch (e) { thrown(w, e); return true; }
    w.u8(OK);
    w.u64(t1 - t0);
    return false;
  },
  [REGISTER](r, w) {
    const as = r.str();
    const name = r.str();
    const rec = instances.get(name);
    if (rec === undefined) { w.u8(MISSING); w.str(`no instance ${JSON.stringify(name)}`); return true; }
    registered.set(as, rec.instance.exports);
    w.u8(OK);
    return false;
  },
  [CALL](r, w) {
    const name = r.str();
    const exportName = r.str();
    const wrapperId = r.u32();
    const args = r.bytes();
    const resultBytes = r.u32();
    const rec = instances.get(name);
    if (rec === undefined) { w.u8(MISSING); w.str(`no instance ${JSON.stringify(name)}`); return true; }
    const key = `${wrapperId}\0${exportName}`;
    let caller = rec.callers.get(key);
    if (caller === undefined) {
      const f = rec.instance.exports[exportName];
      const module = wrappers.get(wrapperId);
      if (typeof f !== 'function' || module === undefined) {
        w.u8(MISSING); w.str(`no exported function ${JSON.stringify(exportName)}`); return true;
      }
      try {
        const inst = new WebAssembly.Instance(module, { m: { f, ext, unext } });
        caller = { run: inst.exports.run, mem: new Uint8Array(inst.exports.mem.buffer) };
      } catch (e) { w.u8(MISSING); w.str(`wrapper of ${JSON.stringify(exportName)}: ${e.message}`); return true; }
      rec.callers.set(key, caller);
    }
    caller.mem.set(args, 0);
    const t0 = process.hrtime.bigint();
    try {
      caller.run();
    } catch (e) {
      thrown(w, e);
      // A trap, or an exception escaping to the host, ends this call
      // only, as on every other engine; anything else ends the batch.
      const c = errorClass(e);
      return c !== RUNTIME_ERROR && c !== EXCEPTION;
    }
    const t1 = process.hrtime.bigint();
    w.u8(OK);
    w.u64(t1 - t0);
    w.bytes(caller.mem.subarray(args.length, args.length + resultBytes));
    return false;
  },
  [GLOBALS](r, w) {
    const name = r.str();
    const wrapperId = r.u32();
    const count = r.u32();
    const names = [];
    for (let i = 0; i < count; i++) names.push(r.str());
    const resultBytes = r.u32();
    const rec = instances.get(name);
    const module = wrappers.get(wrapperId);
    if (rec === undefined || module === undefined) { w.u8(MISSING); w.str(`no instance ${JSON.stringify(name)}`); return true; }
    const g = {};
    names.forEach((n, i) => { g[i] = rec.instance.exports[n]; });
    try {
      const inst = new WebAssembly.Instance(module, { g, m: { ext, unext } });
      inst.exports.run();
      w.u8(OK);
      w.bytes(new Uint8Array(inst.exports.mem.buffer).subarray(0, resultBytes));
      return false;
    } catch (e) { w.u8(MISSING); w.str(`globals of ${name}: ${e.message}`); return true; }
  },
  [MEMORY](r, w) {
    const name = r.str();
    const exportName = r.str();
    const m = instances.get(name)?.instance.exports[exportName];
    if (!(m instanceof WebAssembly.Memory)) { w.u8(MISSING); w.str(`no exported memory ${exportName}`); return false; }
    w.u8(OK);
    w.bytes(new Uint8Array(m.buffer));
    return false;
  },
  [TABLE](r, w) {
    const name = r.str();
    const exportName = r.str();
    const t = instances.get(name)?.instance.exports[exportName];
    if (!(t instanceof WebAssembly.Table)) { w.u8(MISSING); w.str(`no exported table ${exportName}`); return false; }
    try {
      const len = t.length;
      const n = Number(len);
      const nulls = Buffer.alloc(n);
      const big = typeof len === 'bigint';
      for (let i = 0; i < n; i++) nulls[i] = t.get(big ? BigInt(i) : i) === null ? 1 : 0;
      w.u8(OK);
      w.u64(n);
      w.bytes(nulls);
    } catch (e) { w.u8(MISSING); w.str(`table ${exportName}: ${e.message}`); }
    return false;
  },
  [VALIDATE](r, w) {
    const bytes = r.bytes();
    w.u8(OK);
    w.u8(WebAssembly.validate(bytes) ? 1 : 0);
    return false;
  },
  [HELLO](r, w) {
    w.u8(OK);
    w.str(process.versions.node);
    w.str(process.versions.v8);
    return false;
  },
};

for (;;) {
  const header = readExact(4);
  if (header === null) break;
  const frame = readExact(header.readUInt32LE(0));
  if (frame === null) break;
  const r = new Reader(frame);
  const stopOnFatal = r.u8() !== 0;
  const count = r.u32();
  const w = new Writer();
  w.u32(count);
  let stopped = false;
  for (let i = 0; i < count; i++) {
    const cmd = new Reader(r.bytes());
    if (stopped) { w.u8(SKIPPED); continue; }
    const op = cmd.u8();
    const handler = handlers[op];
    if (handler === undefined) { process.stderr.write(`crosscheck v8 worker: unknown command ${op}\n`); process.exit(3); }
    stopped = handler(cmd, w) && stopOnFatal;
  }
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32LE(w.len);
  writeAll(Buffer.concat([out, ...w.parts], 4 + w.len));
}
