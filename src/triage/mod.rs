//! Triage: turning a divergence into a diagnosis without hand work.
//!
//! [`catch`] keeps an engine's panic in process (libFuzzer) so a documented
//! crash can be recognized instead of ending the run.
//!
//! [`shrink`] reduces a module while it keeps diverging (or crashing) the
//! same way. [`known_bugs`] recognizes divergences caused by engine bugs already
//! written up in `docs/findings/`, by re-running the buggy engine on a
//! semantically equal module that avoids the bug's trigger: if the engines
//! then agree, the divergence is that bug. Such divergences are still
//! findings (reported, saved, counted), under one signature per bug, so a
//! known bug does not bury new ones.

pub mod catch;
pub mod known_bugs;
pub mod shrink;

pub use catch::catch_panic;
pub use known_bugs::{KNOWN_BUGS, KNOWN_CRASHES, KnownBug, KnownCrash, attribute, known_crash};
