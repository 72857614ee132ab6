//! # crosscheck-oracles
//!
//! The engine layer of crosscheck. Every WebAssembly engine crosscheck
//! compares — the engine under test and the references it is judged
//! against — sits behind one interface, [`Engine`]: it says what it
//! supports ([`Features`]), takes a [`Plan`] (a module, the calls to make,
//! the exports to observe) and returns an [`Observation`] (instantiation,
//! each call's [`CallOutcome`], the final [`State`]).
//!
//! Values are bits ([`Val`]): floats keep their sign and NaN payload, v128
//! is a `u128`. Traps are classified into one enum ([`TrapKind`]) so that a
//! trap's *kind* can be compared across engines whose messages differ.
//!
//! Each engine lives in its own module behind a cargo feature:
//!
//! | module | engine | feature |
//! | --- | --- | --- |
//! | [`wasmtime`](crate::wasmtime) | Wasmtime: Cranelift, Winch, Pulley | `wasmtime` |
//! | [`wasmi`](crate::wasmi) | wasmi 2.x with SIMD | `wasmi` |
//! | [`reference`](crate::reference) | crosscheck-reference, the spec-faithful interpreter | `reference` |
//! | [`v8`](crate::v8) | V8 in a Node.js worker process (`v8`, `v8-liftoff`) | `v8` |
//! | [`spec`](crate::spec) | the official OCaml spec interpreter (`wasm`) in a REPL process | `spec` |
//!
//! [`engine_spec`] reads and writes engines with their settings
//! (`wasmtime[opt=none]`); [`registry`] builds engines by name and tells which are available.
//! [`wast_session`] is the interface through which `.wast` scripts drive
//! an engine.
//! [`host`] says which CPU features the host has (what the CPU profiles
//! need, and what reports name).

pub mod engine;
pub mod engine_spec;
pub mod features;
pub mod host;
pub mod observation;
pub mod registry;
pub mod signatures;
pub mod value;
pub mod wast_session;

#[cfg(feature = "reference")]
pub mod reference;

#[cfg(feature = "spec")]
pub mod spec;
#[cfg(feature = "v8")]
pub mod v8;
#[cfg(feature = "wasmi")]
pub mod wasmi;
#[cfg(feature = "wasmtime")]
pub mod wasmtime;

pub use engine::{Engine, Instance, RefusalLog, observe_state, run_in_process, spec_of};
pub use engine_spec::{ConfigError, EngineSpec, Setting};
pub use features::Features;
pub use observation::{
    Call, Exports, InstantiateError, Masks, MemoryState, Observation, Plan, State, Step, TableState,
};
pub use value::{CallOutcome, TrapKind, Val, ValType};
pub use wast_session::{AnyRef, WastError, WastOutcome, WastSession, WastVal};
