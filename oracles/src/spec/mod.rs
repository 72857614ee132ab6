//! The official WebAssembly spec interpreter (the OCaml `wasm` binary built
//! from the WebAssembly/spec repository's `interpreter/`) as the engine
//! `spec`: optional, found through `$WASM_SPEC_INTERPRETER` or `wasm` on
//! `PATH`, run out of process in its REPL mode.
//!
//! | file | job |
//! | --- | --- |
//! | [`locate`] | finding the binary, probing its version and proposals |
//! | [`repl`] | one interpreter process: commands in, marker-delimited responses out |
//! | [`transcript`] | reading what it prints: prompts, markers, values, errors |
//! | [`text`] | exact constants out (hex floats, NaN payloads), printed values back to bits |
//! | [`script`] | a Case's commands and the reader module for memories and tables |
//! | [`adapter`] | the [`crate::Engine`] |

pub mod adapter;
pub mod locate;
pub mod repl;
pub mod script;
pub mod text;
pub mod transcript;

pub use adapter::SpecEngine;
pub use locate::{SpecInfo, spec_interpreter};
