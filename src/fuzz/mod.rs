//! The built-in fuzzing loop, on stable Rust: random bytes into the same
//! target functions the cargo-fuzz targets use.
//!
//! [`campaign`] is the in-process loop (one job); [`supervisor`] runs each
//! job in a process of its own and restarts it when an engine crashes or
//! hangs, so a crash is a finding rather than the end of the campaign;
//! [`stats`] is the counters they exchange; [`summary`] shows them (the
//! progress line, the summary); [`background`] reduces each new finding
//! while the campaign runs (`fuzz --triage`).

pub mod background;
pub mod campaign;
pub mod stats;
pub mod summary;
pub mod supervisor;

pub use campaign::{Campaign, CampaignOptions, DEFAULT_REUSE};
pub use stats::Stats;
pub use supervisor::{FuzzOptions, run as run_supervised};
