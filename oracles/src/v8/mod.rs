//! V8 (through Node.js) as a reference engine, compared bit for bit on
//! every type, v128 included.
//!
//! V8 runs out of process, in a long-lived Node.js worker per engine object
//! that speaks a framed binary protocol on its stdin and stdout. Values
//! never pass through JS numbers: generated wrapper modules move them as
//! raw bytes through their own memory. Two tiers are two engines: `v8`
//! (TurboFan) and `v8-liftoff` (Liftoff, no tier-up).
//!
//! | file | job |
//! | --- | --- |
//! | [`node`] | finding Node.js and probing its V8 (versions, flags, proposals) |
//! | [`protocol`] | the frames and commands between crosscheck and the worker |
//! | [`worker`] | the worker process: spawn, round trip with a deadline, kill |
//! | `worker.js` | the worker itself (embedded, run with `node -e`) |
//! | [`wrapper`] | the wrapper modules and the byte slots they exchange |
//! | [`typed`] | wrappers copying a script module's types (GC, typed references, exnref) |
//! | [`signatures`] | the types of a module's exports |
//! | [`traps`] | V8's exceptions as trap kinds and outcomes |
//! | [`adapter`] | the [`crate::Engine`]: worker, wrappers, commands and replies |
//! | [`case`] | a Case's plan as one batch (one round trip), and the per-call instance |
//! | [`session`] | `.wast` scripts on V8 |

pub mod adapter;
pub mod case;
pub mod node;
pub mod protocol;
pub mod session;
pub use crate::signatures;
pub mod traps;
pub mod typed;
pub mod worker;
pub mod wrapper;

pub use adapter::{Tier, Timings, V8Engine};
pub use node::{NodeInfo, NodeSource, node};
