//! Triage: turning a divergence into a diagnosis without hand work.
//!
//! [`catch`] keeps an engine's panic in process (libFuzzer) so a documented
//! crash can be recognized instead of ending the run; [`fatal`] recognizes,
//! before it runs, a module that would set off a documented crash that
//! kills the process (a signal, nothing to catch).
//!
//! [`replay`] runs a saved Case (`case.wasm` + `plan`) on the engine
//! configurations it names. [`shrink`] reduces a module, or a whole Case
//! (module and call plan, under its engine configurations), while it keeps
//! diverging (or crashing) the same way, with whole-module rewrites
//! ([`prune`]; `references` tells it what nothing refers to) and runs of
//! instructions cut out of bodies ([`ddmin`]) before wasm-shrink's small
//! random edits. [`wast_emit`] writes a Case as
//! a `.wast` regression script with the reference's expected results.
//! [`locate`] names the first instruction of the called function whose
//! result differs. [`batch`] does all of it for a folder of findings: group by signature,
//! reduce one per group, write `TRIAGE.md` and `triage.json`. [`known_bugs`] recognizes divergences caused by engine bugs already
//! written up in `docs/findings/`, by re-running the buggy engine on a
//! semantically equal module that avoids the bug's trigger: if the engines
//! then agree, the divergence is that bug. Such divergences are still
//! findings (reported, saved, counted), under one signature per bug, so a
//! known bug does not bury new ones. A bug is keyed by the engine versions
//! that have it (an older V8 found on `PATH` has bugs the pinned one does
//! not); [`v8_workarounds`] holds the rewrites for V8's.

pub mod batch;
pub mod catch;
pub mod ddmin;
pub mod fatal;
pub mod known_bugs;
pub mod locate;
pub mod prune;
mod references;
pub mod replay;
pub mod shrink;
pub mod v8_workarounds;
pub mod wast_emit;

pub use catch::catch_panic;
pub use fatal::{FATAL_CRASHES, FatalCrash, fatal_crash_for};
pub use known_bugs::{
    KNOWN_BUGS, KNOWN_CRASHES, KnownBug, KnownCrash, Versions, attribute, known_crash, workarounds_for,
};
