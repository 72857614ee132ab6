//! Directives of the pinned suite an engine is known to fail, each
//! because of an engine bug written up in `docs/findings/`. They still
//! run: a failure counts as a skip naming the finding, and a pass is a
//! failure (the engine no longer has the bug: retire or narrow the entry).

use super::script::Outcome;

/// One directive an engine fails.
pub struct KnownFailure {
    /// The engines (by name) that fail it.
    pub engines: &'static [&'static str],
    /// The script's file name.
    pub file: &'static str,
    /// The directive's line (1-based) in the suite docs/conformance.md pins.
    pub line: usize,
    /// The write-up, `docs/findings/<finding>.md`.
    pub finding: &'static str,
}

/// Every known failure.
pub const KNOWN_FAILURES: &[KnownFailure] = &[
    // array.init_elem out of bounds on both sides: V8 checks the element
    // segment before the array and traps "out of bounds table access".
    KnownFailure {
        engines: &["v8", "v8-liftoff"],
        file: "array_init_elem.wast",
        line: 92,
        finding: "v8-array-init-elem-bounds-order",
    },
    KnownFailure {
        engines: &["v8", "v8-liftoff"],
        file: "array_init_elem.wast",
        line: 93,
        finding: "v8-array-init-elem-bounds-order",
    },
];

/// The known failure of `engine` at `file:line`, if any.
pub fn known_failure(engine: &str, file: &str, line: usize) -> Option<&'static KnownFailure> {
    KNOWN_FAILURES.iter().find(|k| k.line == line && k.file == file && k.engines.contains(&engine))
}

/// The verdict on a directive with a known failure: its failure is a
/// skip naming the finding; anything else but a skip, a failure.
pub fn judge(known: &KnownFailure, outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Fail(_) => Outcome::Skip(format!("known bug: docs/findings/{}.md", known.finding)),
        Outcome::Skip(why) => Outcome::Skip(why),
        Outcome::Pass => Outcome::Fail(format!(
            "passes, but docs/findings/{}.md says this engine fails it: retire or narrow its entry in src/wast/known.rs",
            known.finding
        )),
    }
}
