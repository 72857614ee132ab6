//! One Node.js worker process (`worker.js`): spawned with the V8 flags of
//! a tier, sent batches of commands, killed when it crashes, hangs past the
//! deadline or answers garbage. The adapter restarts it on the next Case.

use super::protocol::{self, Command, ProtocolError, Reply};
use std::collections::{HashSet, VecDeque};
use std::io::{BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdin, Command as Process, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The worker's JavaScript, run with `node -e`.
pub const SCRIPT: &str = include_str!("worker.js");

/// How much of the worker's stderr is kept for error messages.
const STDERR_TAIL: usize = 2048;

/// Why a round trip failed; the worker is dead after any of these.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("could not start {node}: {source}")]
    Spawn { node: String, source: std::io::Error },
    #[error("worker exited ({status}){stderr}")]
    Died { status: String, stderr: String },
    #[error("worker gave no reply within {0:?} (killed)")]
    Timeout(Duration),
    #[error("{0} (worker killed)")]
    Protocol(ProtocolError),
}

/// A running worker.
pub struct Worker {
    child: Child,
    stdin: ChildStdin,
    frames: Receiver<Result<Option<Vec<u8>>, ProtocolError>>,
    stderr: Arc<Mutex<VecDeque<u8>>>,
    /// Wrapper module ids this process has compiled.
    pub wrappers: HashSet<u32>,
}

impl Worker {
    /// Starts `node` with `flags` running the worker script.
    pub fn spawn(node: &Path, flags: &[String]) -> Result<Worker, WorkerError> {
        let mut command = Process::new(node);
        command.args(flags).arg("-e").arg(SCRIPT).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        die_with_parent(&mut command);
        let mut child =
            command.spawn().map_err(|source| WorkerError::Spawn { node: node.display().to_string(), source })?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            let source = std::io::Error::other("no pipes");
            return Err(WorkerError::Spawn { node: node.display().to_string(), source });
        };
        let (tx, frames) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let frame = protocol::read_frame(&mut r);
                let end = !matches!(frame, Ok(Some(_)));
                if tx.send(frame).is_err() || end {
                    break;
                }
            }
        });
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL)));
        let tail_writer = Arc::clone(&tail);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut t) = tail_writer.lock() {
                    t.extend(&buf[..n]);
                    while t.len() > STDERR_TAIL {
                        t.pop_front();
                    }
                }
            }
        });
        Ok(Worker { child, stdin, frames, stderr: tail, wrappers: HashSet::new() })
    }

    /// The process id (for tests that kill it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a batch and waits up to `deadline` for its replies. On any
    /// error the process is killed; the caller drops this worker.
    pub fn round_trip(
        &mut self,
        commands: &[Command],
        stop_on_fatal: bool,
        deadline: Duration,
    ) -> Result<Vec<Reply>, WorkerError> {
        let result = self.exchange(commands, stop_on_fatal, deadline);
        if result.is_err() {
            self.kill();
        }
        result
    }

    fn exchange(
        &mut self,
        commands: &[Command],
        stop_on_fatal: bool,
        deadline: Duration,
    ) -> Result<Vec<Reply>, WorkerError> {
        let frame = protocol::encode_request(commands, stop_on_fatal);
        if protocol::write_frame(&mut self.stdin, &frame).is_err() {
            return Err(self.died());
        }
        match self.frames.recv_timeout(deadline) {
            Ok(Ok(Some(payload))) => protocol::decode_replies(commands, &payload).map_err(WorkerError::Protocol),
            Ok(Ok(None)) | Err(RecvTimeoutError::Disconnected) => Err(self.died()),
            Ok(Err(ProtocolError::Io(_))) => Err(self.died()),
            Ok(Err(e)) => Err(WorkerError::Protocol(e)),
            Err(RecvTimeoutError::Timeout) => Err(WorkerError::Timeout(deadline)),
        }
    }

    /// The error for a worker whose pipes closed: its exit status and the
    /// tail of its stderr.
    fn died(&mut self) -> WorkerError {
        // The process may still be exiting: give it a moment, then kill it.
        let mut status = None;
        for _ in 0..50 {
            if let Ok(Some(s)) = self.child.try_wait() {
                status = Some(s);
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let status = match status {
            Some(s) => s.to_string(),
            None => {
                self.kill();
                "pipe closed, killed".to_string()
            }
        };
        // Let the stderr reader catch up with the last words.
        std::thread::sleep(Duration::from_millis(20));
        let tail = self.stderr.lock().map(|t| t.iter().copied().collect::<Vec<u8>>()).unwrap_or_default();
        let text = String::from_utf8_lossy(&tail);
        let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        let stderr = if last.is_empty() { String::new() } else { format!(": {}", last.trim()) };
        WorkerError::Died { status, stderr }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes the worker die with the thread that starts it. The worker exits
/// by itself when its stdin closes, but only between commands: a fuzzer
/// killed by libFuzzer (timeout, RSS limit, crash, `-fork` children) while
/// V8 compiles or runs would otherwise leave a Node behind until that
/// command ends. Linux's parent-death signal kills it at once.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Process) {
    use std::ffi::{c_int, c_ulong};
    use std::os::unix::process::CommandExt;
    // From <sys/prctl.h> and <signal.h> (Linux, every architecture).
    const PR_SET_PDEATHSIG: c_int = 1;
    // prctl reads its further arguments as unsigned long.
    const SIGKILL: c_ulong = 9;
    unsafe extern "C" {
        fn prctl(option: c_int, ...) -> c_int;
        fn getppid() -> c_int;
    }
    let parent = std::process::id() as c_int;
    // SAFETY: between fork and exec only async-signal-safe calls are made
    // (prctl, getppid), with no allocation.
    unsafe {
        command.pre_exec(move || {
            if prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect (ESRCH:
            // an error without allocating).
            if getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(3));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Process) {}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}
