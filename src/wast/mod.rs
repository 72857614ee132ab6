//! `crosscheck wast`: runs official `.wast` spec scripts on any engine
//! that opens a [`WastSession`](crosscheck_oracles::WastSession), and
//! counts each directive as passed, failed or skipped (naming the proposal
//! the engine lacks).
//!
//! | module | job |
//! | --- | --- |
//! | [`script`] | one script on one session: directives to verdicts |
//! | [`expect`] | arguments, result patterns (NaN, v128 lanes, refs), trap messages |
//! | [`gate`] | which proposal a module needs that the engine lacks |
//! | [`known`] | directives an engine fails because of a written-up bug |

pub mod expect;
pub mod gate;
pub mod known;
pub mod script;

use crosscheck_oracles::Engine;
use script::{Outcome, Script};
use std::collections::BTreeSet;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Why a script could not be run at all (bad input, not a test result).
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// (Not a `source`: the message already holds it, and the CLI prints
    /// an error's chain.)
    #[error("{path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{path}: cannot parse script: {message}")]
    Parse { path: String, message: String },
    #[error("engine {0:?} cannot run .wast scripts")]
    NoSession(String),
}

/// Directive counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }
}

/// A failed directive: where, and what the engine did instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What one script did on one engine.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    pub name: String,
    pub tally: Tally,
    /// The proposals (or other reasons) directives were skipped for.
    pub skipped_for: BTreeSet<String>,
    pub failures: Vec<Failure>,
}

impl FileReport {
    /// `NAME: N passed, M failed, K skipped (skipped: gc, ...)`
    pub fn summary(&self) -> String {
        let mut s = format!("{}: {}", self.name, self.tally);
        if !self.skipped_for.is_empty() {
            let why: Vec<&str> = self.skipped_for.iter().map(String::as_str).collect();
            s.push_str(&format!(" (skipped: {})", why.join("; ")));
        }
        s
    }

    /// The summary, then up to `max_failures` failures, one per line.
    pub fn render(&self, max_failures: usize) -> String {
        let mut s = self.summary();
        s.push('\n');
        for f in self.failures.iter().take(max_failures) {
            s.push_str(&format!("  {}:{}:{}: {}\n", self.name, f.line, f.column, f.message));
        }
        if self.failures.len() > max_failures {
            s.push_str(&format!("  ... and {} more failures\n", self.failures.len() - max_failures));
        }
        s
    }
}

/// Runs the script at `path` on `engine`, in a fresh session.
pub fn run_file(engine: &mut dyn Engine, path: &Path) -> Result<FileReport, ScriptError> {
    let text =
        std::fs::read_to_string(path).map_err(|error| ScriptError::Read { path: path.display().to_string(), error })?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    run_text(engine, &name, &text)
}

/// Runs script `text` (reported as `name`) on `engine`, in a fresh session.
pub fn run_text(engine: &mut dyn Engine, name: &str, text: &str) -> Result<FileReport, ScriptError> {
    let parse_error = |e: ::wast::Error| {
        let mut e = e;
        e.set_text(text);
        ScriptError::Parse { path: name.to_string(), message: crate::run::one_line(&e.to_string()) }
    };
    let mut lexer = ::wast::lexer::Lexer::new(text);
    // names.wast uses bidirectional control characters on purpose.
    lexer.allow_confusing_unicode(true);
    let buf = ::wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(parse_error)?;
    let script = ::wast::parser::parse::<::wast::Wast<'_>>(&buf).map_err(parse_error)?;

    let features = engine.wast_features();
    let engine_name = engine.name().to_string();
    let session = engine.wast_session().ok_or_else(|| ScriptError::NoSession(engine_name.clone()))?;
    let mut runner = Script::new(session, features);
    let mut report = FileReport { name: name.to_string(), ..FileReport::default() };
    for directive in script.directives {
        let (line, column) = directive.span().linecol_in(text);
        let outcome = catch_unwind(AssertUnwindSafe(|| runner.directive(directive)))
            .unwrap_or_else(|panic| Some(Outcome::Fail(format!("engine panicked: {}", panic_message(&*panic)))));
        let outcome = match known::known_failure(&engine_name, name, line + 1) {
            Some(known) => outcome.map(|o| known::judge(known, o)),
            None => outcome,
        };
        match outcome {
            None => {}
            Some(Outcome::Pass) => report.tally.passed += 1,
            Some(Outcome::Skip(why)) => {
                report.tally.skipped += 1;
                report.skipped_for.insert(why);
            }
            Some(Outcome::Fail(message)) => {
                report.tally.failed += 1;
                report.failures.push(Failure { line: line + 1, column: column + 1, message });
            }
        }
    }
    Ok(report)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

/// The `.wast` files directly in `dir`, sorted (empty if it is unreadable).
pub fn wast_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "wast"));
    files.sort();
    files
}

/// The scripts crosscheck's conformance runs cover in a checkout of the
/// WebAssembly testsuite: every top-level `.wast` and `proposals/wide-arithmetic/`.
pub fn conformance_files(suite: &Path) -> Vec<PathBuf> {
    let mut files = wast_files(suite);
    files.extend(wast_files(&suite.join("proposals/wide-arithmetic")));
    files
}
