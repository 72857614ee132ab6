//! One spec interpreter process in its REPL mode (`wasm -b DEPTH -`),
//! which, unlike a script file, goes on after a trap or an invalid module:
//! commands go in on stdin one per line, each followed by a marker
//! invocation; stdout and stderr come back on one pipe, in order, and are
//! split at the markers ([`super::transcript`]). A process that dies or
//! makes no progress within the deadline is killed; the caller starts a
//! new one.

use super::transcript::{self, MARK_MODULE, Response};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How long the interpreter may take to print its banner and define the marker.
const START_DEADLINE: Duration = Duration::from_secs(10);

/// A running interpreter.
pub struct Repl {
    child: Child,
    input: Option<Sender<Vec<u8>>>,
    lines: Receiver<String>,
    next_mark: u64,
    /// Its first line, `wasm 3.0.0 reference interpreter`.
    pub banner: String,
    /// Commands sent so far (the adapter restarts long-lived processes).
    pub commands: u64,
}

/// The responses of one exchange: one per command, up to the first that
/// did not finish, and why it did not.
#[derive(Debug, Default)]
pub struct Exchange {
    pub responses: Vec<Response>,
    pub failure: Option<String>,
}

impl Repl {
    /// Starts `wasm` with call-depth budget `depth`.
    pub fn spawn(path: &Path, depth: usize) -> Result<Repl, String> {
        let (reader, writer) = std::io::pipe().map_err(|e| format!("pipe: {e}"))?;
        let writer2 = writer.try_clone().map_err(|e| format!("pipe: {e}"))?;
        let mut child = Command::new(path)
            .arg("-b")
            .arg(depth.to_string())
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(writer)
            .stderr(writer2)
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", path.display()))?;
        let Some(mut stdin) = child.stdin.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("no stdin pipe".into());
        };
        let (tx, rx) = channel::<Vec<u8>>();
        std::thread::spawn(move || {
            while let Ok(chunk) = rx.recv() {
                if stdin.write_all(&chunk).and_then(|_| stdin.flush()).is_err() {
                    break;
                }
            }
        });
        let (line_tx, lines) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(reader);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match r.read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let line = String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_string();
                        if line_tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let mut repl = Repl { child, input: Some(tx), lines, next_mark: 0, banner: String::new(), commands: 0 };
        repl.banner = match repl.lines.recv_timeout(START_DEADLINE) {
            Ok(l) => l.trim().to_string(),
            Err(_) => {
                repl.kill();
                return Err(format!("{} printed no banner", path.display()));
            }
        };
        let ex = repl.exchange(&[MARK_MODULE.to_string()], START_DEADLINE);
        match (ex.responses.first(), ex.failure) {
            (Some(Response::Output(_)), None) => Ok(repl),
            (r, f) => {
                repl.kill();
                Err(format!("{} did not take the marker module: {r:?} {}", path.display(), f.unwrap_or_default()))
            }
        }
    }

    /// Sends `commands` (each one line), each followed by a marker, and
    /// collects their responses. `deadline` is how long any one command
    /// may take; past it, or when the process dies, it is killed and the
    /// exchange ends with the reason.
    pub fn exchange(&mut self, commands: &[String], deadline: Duration) -> Exchange {
        let first = self.next_mark;
        let mut script = String::new();
        for (i, c) in commands.iter().enumerate() {
            debug_assert!(!c.contains('\n'), "one line per command");
            script.push_str(c);
            script.push('\n');
            script.push_str(&transcript::mark_command(first + i as u64));
            script.push('\n');
        }
        self.next_mark += commands.len() as u64;
        self.commands += commands.len() as u64;
        let mut ex = Exchange::default();
        if self.input.as_ref().is_none_or(|tx| tx.send(script.into_bytes()).is_err()) {
            ex.failure = Some("the interpreter's stdin is closed".into());
            return ex;
        }
        let mut splitter = transcript::Splitter::new(first);
        let mut tail: Vec<String> = Vec::new();
        while ex.responses.len() < commands.len() {
            match self.lines.recv_timeout(deadline) {
                Ok(line) => match splitter.push(&line) {
                    Some(r) => ex.responses.push(r),
                    None => {
                        if tail.len() == 4 {
                            tail.remove(0);
                        }
                        tail.push(line);
                    }
                },
                Err(RecvTimeoutError::Timeout) => {
                    self.kill();
                    ex.failure = Some(format!("spec interpreter time-out: no answer within {deadline:?} (killed)"));
                    return ex;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.kill();
                    let last = tail.iter().rev().find(|l| !l.trim().is_empty()).cloned().unwrap_or_default();
                    ex.failure = Some(format!("spec interpreter exited ({status}): {}", last.trim()));
                    return ex;
                }
            }
        }
        ex
    }

    /// Ends the process; its exit status.
    pub fn kill(&mut self) -> String {
        self.input = None;
        if let Ok(Some(s)) = self.child.try_wait() {
            return s.to_string();
        }
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(s) => s.to_string(),
            Err(e) => e.to_string(),
        }
    }
}

impl Drop for Repl {
    fn drop(&mut self) {
        self.kill();
    }
}
