//! `crosscheck fuzz`: runs each job in a worker process of its own, shows a
//! live progress line, and turns a worker that dies or hangs into a crash
//! finding (its in-flight input is on disk) before restarting it.
//!
//! Worker protocol, one line each on the worker's stdout:
//! `stats key=value ...` (cumulative counters), `finding new|dup DIR`,
//! `engine-failure new DIR`, `mutator-divergence new DIR`, `done`.

use super::campaign::{Campaign, CampaignOptions};
use super::stats::{Stats, keys};
use super::summary::progress_line;
use crate::artifacts::{Saved, crash_signature, save_crash};
use crate::engines::EngineSet;
use crate::target::Target;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// Settings of a supervised campaign.
#[derive(Clone, Debug)]
pub struct FuzzOptions {
    pub target: Target,
    pub engines: Vec<String>,
    pub jobs: usize,
    pub seed: u64,
    /// Stop after this long (all jobs together); `None`: until interrupted.
    pub time: Option<Duration>,
    /// Stop after this many inputs (all jobs together).
    pub runs: Option<u64>,
    pub artifacts: PathBuf,
    pub max_len: usize,
    /// Inputs in a row sharing one module ([`CampaignOptions::reuse`]).
    pub reuse: u32,
    /// Only this swarm profile ([`CampaignOptions::swarm`]).
    pub swarm: Option<String>,
    /// A worker silent for this long is killed and its input saved as a hang.
    pub hang_timeout: Duration,
    /// Reduce each new finding in the background ([`super::background`]);
    /// the campaign ends when the last reduction does.
    pub triage: bool,
}

/// What a supervised campaign found.
#[derive(Debug, Default)]
pub struct Summary {
    pub stats: Stats,
    pub elapsed: Duration,
    /// Folders of new findings, in the order they were written.
    pub new_findings: Vec<PathBuf>,
    /// With [`FuzzOptions::triage`]: each new finding's and engine
    /// failure's reduced module size, or why it was not reduced.
    pub reduced: Vec<(PathBuf, Result<u64, String>)>,
    /// When each new finding came, in the same order.
    pub found_after: Vec<FoundAfter>,
    /// Folders of Cases an engine could not run (`artifacts/engine-failure/`),
    /// one per kind of failure, in the order they were written.
    pub engine_failures: Vec<PathBuf>,
    /// Folders of new mutator divergences (`artifacts/mutate-oracle/`).
    pub mutator_divergences: Vec<PathBuf>,
}

/// When a finding came: seconds since the campaign started and Cases run
/// (all jobs) before the one that found it. Also written to the finding's
/// folder as `found-after.txt`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FoundAfter {
    pub seconds: f64,
    pub cases: u64,
}

impl FoundAfter {
    fn record(self, dir: &std::path::Path) {
        // Best effort: the finding itself is already on disk.
        let _ =
            std::fs::write(dir.join("found-after.txt"), format!("seconds {:.3}\ncases {}\n", self.seconds, self.cases));
    }
}

/// How long a campaign with `--time` waits past its end for the
/// background reductions.
pub const TRIAGE_GRACE: Duration = Duration::from_secs(30);

/// Lines of a worker's stderr kept for a crash report: the first ones and
/// the last ones.
const STDERR_HEAD: usize = 12;
const STDERR_TAIL: usize = 28;

enum Msg {
    Line(usize, String),
    Eof(usize),
}

struct Worker {
    child: Child,
    /// Counters of this worker process (cumulative), merged on exit.
    stats: Stats,
    last_heard: Instant,
    inflight: PathBuf,
    done: bool,
    /// Killed by the supervisor for silence.
    hung: bool,
    stderr_tail: Arc<std::sync::Mutex<Vec<String>>>,
    /// The thread reading stderr: it may still hold the last lines (the
    /// panic message) when stdout ends.
    stderr_reader: std::thread::JoinHandle<()>,
}

/// How long a crash report waits for a dead worker's stderr to be read to
/// its end (a process the worker started could keep the pipe open).
const STDERR_DRAIN: Duration = Duration::from_secs(2);

/// Runs a supervised campaign to its end, printing progress to stderr.
pub fn run(opts: &FuzzOptions, interrupted: Arc<AtomicBool>) -> std::io::Result<Summary> {
    std::fs::create_dir_all(opts.artifacts.join(opts.target.name()))?;
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let deadline = opts.time.map(|t| start + t);
    let (tx, rx) = mpsc::channel::<Msg>();
    let mut finished = Stats::default();
    let mut summary = Summary::default();
    let mut workers: Vec<Option<Worker>> = Vec::new();
    let mut generation = vec![0u64; opts.jobs];
    for job in 0..opts.jobs {
        workers.push(Some(spawn(&exe, opts, job, 0, runs_share(opts, job, &finished), deadline, &tx)?));
    }
    let tty = std::io::stderr().is_terminal();
    let mut last_print = Instant::now();
    let mut triager =
        opts.triage.then(|| super::background::Triager::new(exe.clone(), opts.target.name(), &opts.engines));
    loop {
        if let Some(t) = &mut triager {
            t.poll()?;
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Msg::Line(job, line)) => {
                // Cases run by every process but this one (for findings).
                let others = workers
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != job)
                    .filter_map(|(_, w)| w.as_ref())
                    .fold(finished.get(keys::EXECS), |n, w| n + w.stats.get(keys::EXECS));
                if let Some(w) = workers[job].as_mut() {
                    w.last_heard = Instant::now();
                    if let Some(rest) = line.strip_prefix("stats ") {
                        w.stats = Stats::from_line(rest);
                    } else if let Some(rest) = line.strip_prefix("finding ") {
                        // `new|dup CASES-BEFORE-IN-THIS-WORKER DIR`
                        if let Some((before, dir)) = rest.strip_prefix("new ").and_then(|r| r.split_once(' ')) {
                            let own = w.stats.get(keys::EXECS);
                            let found = FoundAfter {
                                seconds: start.elapsed().as_secs_f64(),
                                cases: others + before.parse::<u64>().unwrap_or(own),
                            };
                            found.record(Path::new(dir));
                            summary.found_after.push(found);
                            summary.new_findings.push(PathBuf::from(dir));
                            if let Some(t) = &mut triager {
                                t.push(PathBuf::from(dir))?;
                            }
                            clear_line(tty);
                            eprintln!("crosscheck: new divergence written to {dir}");
                        }
                    } else if let Some(dir) = line.strip_prefix("mutator-divergence new ") {
                        summary.mutator_divergences.push(PathBuf::from(dir));
                        clear_line(tty);
                        eprintln!("crosscheck: new mutator divergence written to {dir}");
                    } else if let Some(dir) = line.strip_prefix("engine-failure new ") {
                        summary.engine_failures.push(PathBuf::from(dir));
                        if let Some(t) = &mut triager {
                            t.push(PathBuf::from(dir))?;
                        }
                        clear_line(tty);
                        eprintln!("crosscheck: an engine could not run a Case: written to {dir}");
                    } else if line == "done" {
                        w.done = true;
                    }
                }
            }
            Ok(Msg::Eof(job)) => {
                if let Some(mut w) = workers[job].take() {
                    let status = w.child.wait()?;
                    let drain = Instant::now();
                    while !w.stderr_reader.is_finished() && drain.elapsed() < STDERR_DRAIN {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    finished.merge(&w.stats);
                    let clean = w.done && status.success();
                    if !clean && !interrupted.load(Ordering::SeqCst) {
                        let input = std::fs::read(&w.inflight).unwrap_or_default();
                        let tail = w.stderr_tail.lock().map(|t| t.join("\n")).unwrap_or_default();
                        let what = format!("worker {job} exited with {status}\nlast stderr lines:\n{tail}");
                        let status = if w.hung {
                            "hang (no report within the hang timeout)".to_string()
                        } else {
                            status.to_string()
                        };
                        let signature = crash_signature(&tail, &status);
                        if let Saved::New(dir) =
                            save_crash(&opts.artifacts, opts.target.name(), &signature, &input, &what)?
                        {
                            save_crash_case(&dir, opts, &input);
                            let found = FoundAfter {
                                seconds: start.elapsed().as_secs_f64(),
                                cases: current(&finished, &workers).get(keys::EXECS),
                            };
                            found.record(&dir);
                            summary.found_after.push(found);
                            clear_line(tty);
                            eprintln!("crosscheck: engine crash ({signature}); input written to {}", dir.display());
                            if let Some(t) = &mut triager {
                                t.push(dir.clone())?;
                            }
                            summary.new_findings.push(dir);
                        }
                        finished.add(keys::CRASHES, 1);
                        // The input that crashed ran too.
                        finished.add(keys::EXECS, 1);
                        if !out_of_budget(opts, deadline, &finished) {
                            generation[job] += 1;
                            let share = runs_share(opts, job, &finished);
                            workers[job] = Some(spawn(&exe, opts, job, generation[job], share, deadline, &tx)?);
                        }
                    }
                    let _ = std::fs::remove_file(&w.inflight);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        // Hangs and the overall deadline.
        let now = Instant::now();
        for w in workers.iter_mut().flatten() {
            let late = deadline.is_some_and(|d| now > d + Duration::from_secs(30));
            if now.duration_since(w.last_heard) > opts.hang_timeout {
                w.hung = true;
                let _ = w.child.kill();
            } else if late || interrupted.load(Ordering::SeqCst) {
                let _ = w.child.kill();
            }
        }
        if workers.iter().all(|w| w.is_none()) {
            break;
        }
        let every = if tty { Duration::from_millis(500) } else { Duration::from_secs(10) };
        if last_print.elapsed() >= every {
            last_print = Instant::now();
            let total = current(&finished, &workers);
            let line = progress_line(&total, start.elapsed());
            if tty {
                eprint!("\r\x1b[2K{line}");
            } else {
                eprintln!("{line}");
            }
            let _ = std::io::stderr().flush();
        }
    }
    clear_line(tty);
    if let Some(mut t) = triager {
        if t.done.len() < summary.new_findings.len() {
            eprintln!("crosscheck: waiting for the reduction of the new findings (Ctrl-C stops it)");
        }
        // A campaign with --time ends near its time: reductions still
        // running past the grace period are stopped (and listed so).
        let cut = deadline.map(|d| d.max(Instant::now()) + TRIAGE_GRACE);
        t.finish(|| interrupted.load(Ordering::SeqCst) || cut.is_some_and(|c| Instant::now() >= c))?;
        summary.reduced = t.done;
    }
    summary.stats = finished;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// Beside a crash's input, the Case it stands for (`case.wasm` + `plan`,
/// see [`crate::case_file`]), so the crash replays and reduces without its
/// bytes: built here without running any engine. Best effort: bytes that
/// give no Case leave the input alone.
fn save_crash_case(dir: &Path, opts: &FuzzOptions, input: &[u8]) {
    let Ok(mut set) = EngineSet::fuzzing(&opts.engines) else { return };
    let Ok(case) = crate::target::prepare(opts.target, input, &mut set) else { return };
    let saved = crate::case_file::SavedCase { case, engines: set.configs(), origin: opts.target.name().to_string() };
    let written = crate::case_file::write(dir, &saved).and_then(|()| {
        let mut report = std::fs::OpenOptions::new().append(true).open(dir.join("report.txt"))?;
        writeln!(
            report,
            "reproduce the Case on the engines as configured: crosscheck repro {} {}\nengines: {}",
            opts.target,
            dir.display(),
            saved.engines.join(",")
        )
    });
    if let Err(e) = written {
        eprintln!("crosscheck: {}: could not write the crash's Case: {e}", dir.display());
    }
}

fn clear_line(tty: bool) {
    if tty {
        eprint!("\r\x1b[2K");
    }
}

fn current(finished: &Stats, workers: &[Option<Worker>]) -> Stats {
    let mut total = finished.clone();
    for w in workers.iter().flatten() {
        total.merge(&w.stats);
    }
    total
}

fn out_of_budget(opts: &FuzzOptions, deadline: Option<Instant>, finished: &Stats) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d) || opts.runs.is_some_and(|r| finished.get(keys::EXECS) >= r)
}

/// This job's share of the remaining `--runs` (0 = unlimited).
fn runs_share(opts: &FuzzOptions, job: usize, finished: &Stats) -> u64 {
    match opts.runs {
        None => 0,
        Some(total) => {
            let left = total.saturating_sub(finished.get(keys::EXECS));
            let jobs = opts.jobs as u64;
            (left / jobs + u64::from((job as u64) < left % jobs)).max(1)
        }
    }
}

fn spawn(
    exe: &Path,
    opts: &FuzzOptions,
    job: usize,
    generation: u64,
    runs: u64,
    deadline: Option<Instant>,
    tx: &mpsc::Sender<Msg>,
) -> std::io::Result<Worker> {
    let inflight = opts.artifacts.join(opts.target.name()).join(format!(".inflight-{job}-{generation}"));
    // Distinct, reproducible streams per job and per restart.
    let seed =
        opts.seed ^ (job as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ generation.wrapping_mul(0xd1b5_4a32_d192_ed03);
    let mut cmd = Command::new(exe);
    cmd.arg("worker")
        .arg(opts.target.name())
        .arg("--engines")
        .arg(opts.engines.join(","))
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--runs")
        .arg(runs.to_string())
        .arg("--max-len")
        .arg(opts.max_len.to_string())
        .arg("--reuse")
        .arg(opts.reuse.to_string())
        .args(opts.swarm.iter().flat_map(|s| ["--swarm", s.as_str()]))
        .arg("--artifacts")
        .arg(&opts.artifacts)
        .arg("--inflight")
        .arg(&inflight);
    if let Some(d) = deadline {
        let left = d.saturating_duration_since(Instant::now());
        cmd.arg("--time").arg(format!("{:.3}", left.as_secs_f64()));
    }
    // The panic message matters more than a backtrace of the worker loop.
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        cmd.env("RUST_BACKTRACE", "0");
    }
    // The error names the worker's executable: a rebuild that replaced the
    // binary as a campaign started showed only "No such file or directory".
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| {
            std::io::Error::new(e.kind(), format!("starting a worker process ({}): {e}", exe.display()))
        })?;
    let stdout = child.stdout.take().ok_or_else(|| std::io::Error::other("worker stdout"))?;
    let stderr = child.stderr.take().ok_or_else(|| std::io::Error::other("worker stderr"))?;
    let tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(Msg::Line(job, line)).is_err() {
                return;
            }
        }
        let _ = tx.send(Msg::Eof(job));
    });
    let stderr_tail = Arc::new(std::sync::Mutex::new(Vec::new()));
    let tail = stderr_tail.clone();
    let stderr_reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            // Keep the head (the panic message) and the tail (where it died).
            if let Ok(mut t) = tail.lock() {
                t.push(line);
                if t.len() > STDERR_HEAD + STDERR_TAIL {
                    t.remove(STDERR_HEAD);
                }
            }
        }
    });
    Ok(Worker {
        child,
        stats: Stats::default(),
        last_heard: Instant::now(),
        inflight,
        done: false,
        hung: false,
        stderr_tail,
        stderr_reader,
    })
}

/// Settings of one worker process (`crosscheck worker`, spawned by [`run`]).
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    pub target: Target,
    pub engines: Vec<String>,
    pub seed: u64,
    /// 0: unlimited.
    pub runs: u64,
    pub time: Option<Duration>,
    pub max_len: usize,
    pub reuse: u32,
    pub swarm: Option<String>,
    pub artifacts: PathBuf,
    pub inflight: PathBuf,
}

/// The worker loop: writes each input to the in-flight file before running
/// it, reports counters at most every 250 ms, and `done` at the end.
pub fn worker(opts: &WorkerOptions) -> anyhow::Result<()> {
    let engines = EngineSet::fuzzing(&opts.engines)?.leave_out_fatal_crashes();
    let mut options = CampaignOptions::new(opts.target, opts.seed);
    options.max_len = opts.max_len;
    options.min_len = options.min_len.min(opts.max_len);
    options.reuse = opts.reuse;
    if let Some(name) = &opts.swarm {
        options.swarm = crate::swarm::indices_named(name).map_err(|e| anyhow::anyhow!("--swarm: {e}"))?;
    }
    options.artifacts = Some(opts.artifacts.clone());
    let mut campaign = Campaign::new(options, engines);
    let inflight = std::fs::File::create(&opts.inflight)?;
    let start = Instant::now();
    let mut last = Instant::now();
    let mut out = std::io::stdout().lock();
    let mut n = 0u64;
    loop {
        if (opts.runs > 0 && n >= opts.runs) || opts.time.is_some_and(|t| start.elapsed() >= t) {
            break;
        }
        let input = campaign.next_input();
        inflight.set_len(0)?;
        inflight.write_all_at(&input, 0)?;
        let step = campaign.run_input(input)?;
        n += 1;
        if let Some(Saved::New(d)) = &step.engine_failure {
            writeln!(out, "engine-failure new {}", d.display())?;
        }
        if let Some(Saved::New(d)) = &step.mutator_divergence {
            writeln!(out, "mutator-divergence new {}", d.display())?;
        }
        let found = step.saved.is_some() || step.engine_failure.is_some() || step.mutator_divergence.is_some();
        if let Some(saved) = step.saved {
            match saved {
                Saved::New(d) => writeln!(out, "finding new {} {}", n - 1, d.display())?,
                Saved::Duplicate(d) => writeln!(out, "finding dup {} {}", n - 1, d.display())?,
            }
        }
        // After a finding, the counters at once: a worker that crashes
        // before its next report must not take the finding's count with it.
        if found || last.elapsed() >= Duration::from_millis(250) {
            last = Instant::now();
            writeln!(out, "stats {}", campaign.stats.to_line())?;
            out.flush()?;
        }
    }
    writeln!(out, "stats {}", campaign.stats.to_line())?;
    writeln!(out, "done")?;
    out.flush()?;
    Ok(())
}
