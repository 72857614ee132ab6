//! # crosscheck-reference
//!
//! A spec-faithful WebAssembly interpreter, the reference oracle of the
//! crosscheck differential fuzzer: other engines are judged against it, so
//! it follows the WebAssembly specification bit for bit, NaN payloads
//! included (float arithmetic uses the host's IEEE 754 operations and the
//! spec's rules; nothing is canonicalized).
//!
//! ## Scope
//!
//! Executed: WebAssembly 3.0 — Wasm 2.0 (numerics, sign extension,
//! saturating conversions, multi-value, bulk memory, reference types,
//! tables), 128-bit SIMD, relaxed SIMD (deterministic profile; every relaxed
//! operator can also enumerate all permitted results, see
//! [`simd::relaxed::RelaxedOp`]), tail calls, multi-memory, extended
//! constant expressions, memory64 and table64, typed function references,
//! GC (recursive types canonicalized in the store, structs, arrays, `i31`,
//! casts; objects are never collected, bounded by
//! [`Config::max_heap_slots`]), exception handling (`try_table`, `throw`,
//! `throw_ref`; an uncaught exception is [`CallError::Exception`]) — the
//! threads proposal's atomic instructions with single-threaded semantics,
//! and wide arithmetic.
//!
//! Out of scope and rejected with [`Error::Unsupported`] naming the feature
//! (`"legacy-exceptions"`, `"stack-switching"`, `"custom-page-sizes"`,
//! ...), so callers can skip such modules by name.
//!
//! ## Design
//!
//! * [`Module::new`] decodes and validates with `wasmparser` and, in the same
//!   pass, pre-decodes every function body into a compact instruction array
//!   with branch targets and stack adjustments resolved.
//! * A [`Store`] owns function, table, memory and global instances by
//!   address; an [`Instance`] maps export names to addresses. Host functions,
//!   globals, tables and memories can be added to the store (enough to build
//!   the spec tests' `spectest` module), and any export can be passed as an
//!   import to another instantiation.
//! * [`Store::invoke`] runs a function on one value stack of untagged 128-bit
//!   slots. Traps are [`CallError::Trap`]; resource limits (call depth,
//!   optional fuel, see [`Config`]) are [`CallError::Exhausted`], never traps.
//! * [`Store::invoke_masked`] runs the same semantics while tracking, for
//!   every value, memory byte and global, an *undetermined mask*: the bits
//!   the spec leaves open (NaN sign/payload of float arithmetic, relaxed-SIMD
//!   choices), so engines can be compared on determined bits only. Control
//!   flow, addresses or traps that depend on open bits stop it with
//!   [`CallError::Undetermined`]. The rules are in [`masks`]; plain
//!   [`Store::invoke`] runs a separate loop and pays nothing for them.
//!
//! ```
//! use crosscheck_reference::{Instance, Module, Store, Value, Extern};
//! // (module (func (export "add") (param i32 i32) (result i32)
//! //   local.get 0 local.get 1 i32.add))
//! let wasm = [
//!     0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
//!     0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
//!     0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
//! ];
//! let module = Module::new(&wasm).unwrap();
//! let mut store = Store::new();
//! let instance = Instance::instantiate(&mut store, &module, &[]).unwrap();
//! let Some(Extern::Func(add)) = instance.export("add") else { panic!() };
//! let r = store.invoke(add, &[Value::I32(2), Value::I32(40)]).unwrap();
//! assert_eq!(r, vec![Value::I32(42)]);
//! ```

pub mod compile;
mod error;
mod exec;
mod features;
mod instance;
pub mod masks;
mod module;
pub mod numerics;
pub mod simd;
mod store;
mod types;
mod values;

pub use error::{CallError, Error, TrapKind};
pub use instance::Instance;
pub use module::{Export, ExportKind, Import, Module};
pub use store::{Config, HostFunc, PAGE_SIZE, Store};
pub use values::{
    Extern, ExternType, FuncAddr, FuncType, GlobalAddr, GlobalType, HeapType, MemAddr, MemoryType, Ref, RefType,
    TableAddr, TableType, TagAddr, ValType, Value,
};
