//! Reading what the spec interpreter's REPL prints (stdout and stderr on
//! one pipe, in order): prompts stripped, the output split at the marker
//! invocations crosscheck puts after every command, and each command's
//! part read as values or as an error (`stdin:1.5-1.9: runtime trap:
//! integer divide by zero`), which becomes a [`CallOutcome`] or an
//! [`InstantiateError`].

use super::text;
use crate::observation::InstantiateError;
use crate::value::{CallOutcome, TrapKind, Val, ValType};

/// The marker function's results start here: `MARK_BASE + n` is marker
/// `n`'s value (a Case returning exactly such an i64 on the line before its
/// marker is the only way to confuse the two).
pub const MARK_BASE: i64 = 0x5ec0_0000_0000_0000;

/// The module defining the marker function, and the command that prints marker `n`.
pub const MARK_MODULE: &str = "(module $crosscheck_mark (func (export \"m\") (param i64) (result i64) (local.get 0)))";

pub fn mark_command(n: u64) -> String {
    format!("(invoke $crosscheck_mark \"m\" (i64.const {}))", MARK_BASE.wrapping_add(n as i64))
}

/// A line with the REPL's prompts (`> `, and `  ` for a continued line)
/// removed from its start.
pub fn strip_prompts(mut line: &str) -> &str {
    while let Some(rest) = line.strip_prefix("> ").or_else(|| line.strip_prefix("  ")) {
        line = rest;
    }
    line
}

/// The marker number a (prompt-stripped) line prints, if it is a marker.
pub fn marker_of(line: &str) -> Option<u64> {
    let value = line.strip_suffix(" : [i64]")?;
    let v: i64 = value.replace('_', "").parse().ok()?;
    let n = v.wrapping_sub(MARK_BASE);
    (0..1 << 40).contains(&n).then_some(n as u64)
}

/// What one command printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// Normal output lines (values, a module's signature), prompts removed,
    /// blank lines dropped.
    Output(Vec<String>),
    /// An error line: its category (`runtime trap`, `validation error`, …)
    /// and message.
    Error { category: String, message: String },
}

/// The error categories the interpreter prints (`Runner.input_from`).
const CATEGORIES: &[&str] = &[
    "runtime trap",
    "resource exhaustion",
    "uncaught exception",
    "runtime crash",
    "decoding error",
    "encoding error",
    "syntax error",
    "validation error",
    "custom section decoding error",
    "custom annotation syntax error",
    "custom validation error",
    "link failure",
    "script error",
    "assertion failure",
    "i/o error",
];

/// An error line `REGION: CATEGORY: MESSAGE`, as `(category, message)`.
pub fn error_of(line: &str) -> Option<(&'static str, &str)> {
    // The region (`stdin:1.2-1.9`, `binary:1.1:0x1c`) has no spaces.
    let region_end = line.find(": ")?;
    if line[..region_end].contains(' ') || !line[..region_end].contains(':') {
        return None;
    }
    let rest = &line[region_end + 2..];
    CATEGORIES.iter().find_map(|c| rest.strip_prefix(c)?.strip_prefix(": ").map(|m| (*c, m)))
}

/// Splits output lines at the markers `first, first + 1, …`, one
/// response per marker.
#[derive(Debug)]
pub struct Splitter {
    next: u64,
    current: Vec<String>,
}

impl Splitter {
    pub fn new(first: u64) -> Splitter {
        Splitter { next: first, current: Vec::new() }
    }

    /// Takes one output line; the response it completes, if it is the next marker.
    pub fn push(&mut self, line: &str) -> Option<Response> {
        let line = strip_prompts(line);
        if marker_of(line) == Some(self.next) {
            self.next += 1;
            let lines: Vec<&str> = self.current.iter().map(String::as_str).collect();
            let r = response(&lines);
            self.current.clear();
            Some(r)
        } else {
            self.current.push(line.to_string());
            None
        }
    }
}

/// Output split at markers: the responses to the commands before markers
/// `first..first + count`, or fewer when the output ends early (the
/// interpreter died or was stopped: the command after the last response
/// is the one that did not finish).
pub fn split(lines: &[String], first: u64, count: usize) -> Vec<Response> {
    let mut splitter = Splitter::new(first);
    lines.iter().filter_map(|l| splitter.push(l)).take(count).collect()
}

/// The response made of one command's lines.
pub fn response(lines: &[&str]) -> Response {
    for l in lines {
        if let Some((category, message)) = error_of(l) {
            return Response::Error { category: category.to_string(), message: message.to_string() };
        }
    }
    Response::Output(lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.to_string()).collect())
}

/// A trap message of the interpreter as a trap kind.
pub fn trap_kind(message: &str) -> TrapKind {
    let kinds: &[(&str, TrapKind)] = &[
        ("unreachable", TrapKind::Unreachable),
        ("integer divide by zero", TrapKind::IntegerDivideByZero),
        ("integer overflow", TrapKind::IntegerOverflow),
        ("invalid conversion to integer", TrapKind::InvalidConversionToInteger),
        ("out of bounds memory access", TrapKind::MemoryOutOfBounds),
        ("out of bounds table access", TrapKind::TableOutOfBounds),
        // call_indirect past the table's end.
        ("undefined element", TrapKind::TableOutOfBounds),
        ("uninitialized element", TrapKind::IndirectCallToNull),
        ("indirect call type mismatch", TrapKind::BadSignature),
        ("unaligned atomic", TrapKind::UnalignedAtomic),
        ("expected shared memory", TrapKind::AtomicWaitNonShared),
        ("null", TrapKind::NullReference),
        ("cast failure", TrapKind::CastFailure),
        ("out of bounds array access", TrapKind::ArrayOutOfBounds),
    ];
    kinds
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map(|(_, k)| k.clone())
        .unwrap_or_else(|| TrapKind::Other(message.to_string()))
}

/// The outcome of an `invoke` whose results have `types`.
pub fn call_outcome(response: &Response, types: &[ValType]) -> CallOutcome {
    match response {
        Response::Error { category, message } => match category.as_str() {
            "runtime trap" => CallOutcome::Trapped(trap_kind(message)),
            "resource exhaustion" => CallOutcome::Exhausted(message.clone()),
            "uncaught exception" => CallOutcome::Trapped(TrapKind::UncaughtException),
            _ => CallOutcome::Failed(format!("spec interpreter {category}: {message}")),
        },
        Response::Output(lines) => {
            if types.is_empty() {
                return match lines.as_slice() {
                    [] => CallOutcome::Returned(Vec::new()),
                    other => CallOutcome::Failed(format!("unexpected output {:?}", other.join(" / "))),
                };
            }
            match lines.as_slice() {
                [line] => match values_of_line(line, types) {
                    Ok(vals) => CallOutcome::Returned(vals),
                    Err(e) => CallOutcome::Failed(format!("spec interpreter output: {e}")),
                },
                other => CallOutcome::Failed(format!("expected one result line, got {:?}", other.join(" / "))),
            }
        }
    }
}

/// The values of a result line `VALUES : [TYPES]`.
pub fn values_of_line(line: &str, types: &[ValType]) -> Result<Vec<Val>, text::ValueError> {
    let (vals, _) = line
        .rsplit_once(" : [")
        .ok_or_else(|| text::ValueError { what: line.to_string(), ty: "a result line".into() })?;
    text::values(vals, types)
}

/// The instantiation result of a `module` command.
pub fn instantiation(response: &Response) -> Result<(), InstantiateError> {
    match response {
        Response::Output(_) => Ok(()),
        Response::Error { category, message } => Err(match category.as_str() {
            "runtime trap" => InstantiateError::Trapped(trap_kind(message)),
            "resource exhaustion" => InstantiateError::Exhausted(message.clone()),
            "uncaught exception" => InstantiateError::Trapped(TrapKind::UncaughtException),
            "decoding error" | "validation error" | "link failure" | "syntax error" => {
                InstantiateError::Rejected(format!("{category}: {message}"))
            }
            _ => InstantiateError::Failed(format!("spec interpreter {category}: {message}")),
        }),
    }
}
