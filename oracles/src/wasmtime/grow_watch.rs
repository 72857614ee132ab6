//! Tells the grows Wasmtime refuses for its own reasons from those every
//! engine must fail, through Wasmtime's `ResourceLimiter` hooks.
//!
//! The spec lets `memory.grow` and `table.grow` fail for any reason of the
//! implementation; crosscheck's judge needs to know when Wasmtime did (a
//! memory that may not move cannot grow past its reservation, an `mmap`
//! that fails), since the reference then performs a grow Wasmtime did not
//! and the runs part on two correct paths. The watch allows every grow and
//! only counts: Wasmtime asks [`ResourceLimiter::memory_growing`] with the
//! size wanted and the module's maximum before it tries, and reports a
//! failure afterwards. A failure is Wasmtime's own when the size wanted was
//! within the maximum; past it every engine fails, and so past the address
//! type's limit, which Wasmtime sometimes reports without asking first.

use wasmtime::{Error, ResourceLimiter, Result};

/// What wasmtime 48 reports, without calling the limiter's `*_growing`
/// first, for a grow past the address type's limit: a memory of custom
/// page size (`runtime/vm/memory.rs`), a table whose new size overflows
/// (`runtime/vm/table.rs`, a 64-bit table's). Without them, the flag of
/// the grow asked about before would be taken for this one's.
const TYPE_LIMIT_MESSAGES: [&str; 2] = ["exceeds memory type's limits", "overflow calculating new table size"];

/// The store data of a Wasmtime instance: counts refused grows.
#[derive(Debug, Default)]
pub struct GrowWatch {
    /// Whether the grow Wasmtime last asked about wanted no more than the
    /// maximum it was given (taken by the failure report that follows).
    within_maximum: bool,
    /// Grows failed for Wasmtime's own reasons.
    pub refused: u64,
}

impl GrowWatch {
    fn asked(&mut self, desired: usize, maximum: Option<usize>) -> Result<bool> {
        self.within_maximum = maximum.is_none_or(|max| desired <= max);
        Ok(true)
    }

    fn failed(&mut self, error: &Error) -> Result<()> {
        let within = std::mem::take(&mut self.within_maximum);
        let message = error.to_string();
        if within && !TYPE_LIMIT_MESSAGES.iter().any(|m| message.contains(m)) {
            self.refused += 1;
        }
        Ok(())
    }
}

impl ResourceLimiter for GrowWatch {
    fn memory_growing(&mut self, _current: usize, desired: usize, maximum: Option<usize>) -> Result<bool> {
        self.asked(desired, maximum)
    }

    fn memory_grow_failed(&mut self, error: Error) -> Result<()> {
        self.failed(&error)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, maximum: Option<usize>) -> Result<bool> {
        self.asked(desired, maximum)
    }

    fn table_grow_failed(&mut self, error: Error) -> Result<()> {
        self.failed(&error)
    }
}
