//! Background triage of a campaign's new findings: each new finding folder
//! (and each folder of a Case an engine could not run) is reduced in a
//! child process (`crosscheck repro TARGET DIR --shrink`, or its
//! `input.bin` on the campaign's engines for a crash), one at a time while
//! the campaign runs, into `DIR/shrunk/` (the child's output in
//! `DIR/shrink.log`), so the end-of-run summary lists each distinct bug
//! with its reduced size.

use crate::case_file;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The reductions of one campaign.
pub struct Triager {
    exe: PathBuf,
    target: String,
    engines: Vec<String>,
    queue: VecDeque<PathBuf>,
    running: Option<(PathBuf, Child)>,
    /// Each finding reduced so far: the reduced module's size, or why not.
    pub done: Vec<(PathBuf, Result<u64, String>)>,
}

impl Triager {
    pub fn new(exe: PathBuf, target: &str, engines: &[String]) -> Triager {
        Triager {
            exe,
            target: target.to_string(),
            engines: engines.to_vec(),
            queue: VecDeque::new(),
            running: None,
            done: Vec::new(),
        }
    }

    /// Queues a new finding folder and starts it if nothing runs.
    pub fn push(&mut self, finding: PathBuf) -> std::io::Result<()> {
        self.queue.push_back(finding);
        self.poll()
    }

    /// Collects a finished reduction and starts the next.
    pub fn poll(&mut self) -> std::io::Result<()> {
        if let Some((dir, child)) = &mut self.running {
            let Some(status) = child.try_wait()? else { return Ok(()) };
            let result = outcome(dir, status.success());
            self.done.push((dir.clone(), result));
            self.running = None;
        }
        while let Some(dir) = self.queue.pop_front() {
            match self.start(&dir) {
                Ok(child) => {
                    self.running = Some((dir, child));
                    break;
                }
                Err(e) => self.done.push((dir, Err(e.to_string()))),
            }
        }
        Ok(())
    }

    /// Waits for every queued reduction, or kills the running one and
    /// drops the queue when `stop` says so.
    pub fn finish(&mut self, stop: impl Fn() -> bool) -> std::io::Result<()> {
        while self.running.is_some() {
            if stop() {
                if let Some((dir, mut child)) = self.running.take() {
                    let _ = child.kill();
                    let _ = child.wait();
                    self.done.push((dir, Err("interrupted".into())));
                }
                for dir in self.queue.drain(..) {
                    self.done.push((dir, Err("interrupted".into())));
                }
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            self.poll()?;
        }
        Ok(())
    }

    fn start(&self, dir: &Path) -> std::io::Result<Child> {
        let log = std::fs::File::create(dir.join("shrink.log"))?;
        let mut cmd = Command::new(&self.exe);
        cmd.arg("repro").arg(&self.target);
        if case_file::is_case_dir(dir) {
            cmd.arg(dir);
        } else {
            cmd.arg(dir.join("input.bin")).arg("--engines").arg(self.engines.join(","));
        }
        cmd.arg("--shrink")
            .arg("--output")
            .arg(dir.join("shrunk"))
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
    }
}

fn outcome(dir: &Path, success: bool) -> Result<u64, String> {
    let wasm = dir.join("shrunk").join(case_file::WASM_FILE);
    match std::fs::metadata(&wasm) {
        Ok(m) if success => Ok(m.len()),
        _ => {
            let log = std::fs::read_to_string(dir.join("shrink.log")).unwrap_or_default();
            Err(log.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("the reduction failed").to_string())
        }
    }
}
