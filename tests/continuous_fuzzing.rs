//! What continuous fuzzing relies on: `$CROSSCHECK_ENGINES` selects the
//! engines of the fuzz targets (`fuzz_one`) and of the command line alike,
//! so a crash file written while fuzzing a planted fault replays with
//! `crosscheck repro`; and a V8 worker dies with the process that started
//! it (no Node left behind when libFuzzer is killed).

use crosscheck::engines::{ENGINES_VAR, EngineSet};
use crosscheck::judge::Verdict;
use crosscheck::target::{Target, check};
use rand::{Rng, SeedableRng, rngs::SmallRng};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::fuzz_one_on_fresh_thread;

const FAULTY: &str = "reference,wasmtime+i32-result-bit";

/// A differential input on which the planted fault diverges.
fn diverging_input() -> Vec<u8> {
    let mut engines = EngineSet::fuzzing(&crosscheck::engines::split_engine_args(&[FAULTY])).unwrap();
    let mut rng = SmallRng::seed_from_u64(14);
    for _ in 0..3000 {
        let mut input = vec![0u8; rng.random_range(256..=4096)];
        rng.fill(&mut input[..]);
        if let Ok(c) = check(Target::Differential, &input, &mut engines)
            && matches!(&c.verdict, Verdict::Diverge(d) if d.known_bug.is_none())
        {
            return input;
        }
    }
    panic!("wasmtime+i32-result-bit gave no divergence in 3000 inputs");
}

#[test]
fn crosscheck_engines_plants_a_fault_in_fuzz_targets_and_repro_replays_its_crash() {
    let input = diverging_input();
    let dir = std::env::temp_dir().join(format!("crosscheck-continuous-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("crash-planted");
    std::fs::write(&file, &input).unwrap();

    // SAFETY: the only test of this binary that touches the environment;
    // the other spawns its processes with an explicit environment.
    unsafe { std::env::set_var(ENGINES_VAR, FAULTY) };
    let message = fuzz_one_on_fresh_thread(Target::Differential, &input);
    unsafe { std::env::remove_var(ENGINES_VAR) };
    let message = message.expect("fuzz_one with the planted fault must report the divergence");
    assert!(message.starts_with("divergence"), "{message}");
    assert!(message.contains("i32-result-bit"), "the report names the faulty engine: {message}");

    let repro = |with_fault: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_crosscheck"));
        c.args(["repro", "differential"]).arg(&file).env_remove(ENGINES_VAR);
        if with_fault {
            c.env(ENGINES_VAR, FAULTY);
        }
        c.output().expect("crosscheck runs")
    };
    let faulty = repro(true);
    let report = String::from_utf8_lossy(&faulty.stdout);
    assert_eq!(faulty.status.code(), Some(1), "repro with the fault: {report}");
    assert!(report.contains("i32-result-bit"), "{report}");
    // The same file on the same engines without the fault agrees.
    let clean = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["repro", "differential"])
        .arg(&file)
        .args(["--engines", "reference,wasmtime"])
        .env_remove(ENGINES_VAR)
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The direct children of `pid` (Linux /proc).
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return vec![] };
    tasks
        .flatten()
        .flat_map(|t| {
            std::fs::read_to_string(t.path().join("children"))
                .unwrap_or_default()
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn command_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string()
}

/// Alive and not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .is_ok_and(|s| !s.lines().any(|l| l.starts_with("State:") && l.contains('Z')))
}

#[test]
fn a_v8_worker_dies_with_the_process_that_started_it() {
    if let Err(why) = crosscheck::oracles::v8::node::find_node() {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "this test needs Node.js under CI: {why}");
        eprintln!("skipped: {why}");
        return;
    }
    // The supervisor starts a job process, which starts the Node worker.
    let mut supervisor = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["fuzz", "differential", "--jobs", "1", "--time", "120", "--engines", "reference,v8"])
        .env_remove(ENGINES_VAR)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (job, node) = loop {
        let found = children(supervisor.id()).into_iter().find_map(|job| {
            let node = children(job).into_iter().find(|&c| command_name(c).starts_with("node"))?;
            Some((job, node))
        });
        if let Some(found) = found {
            break found;
        }
        assert!(Instant::now() < deadline, "no Node worker started within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    };
    // SIGKILL: no destructor runs, nothing closes the worker's stdin first.
    let killed = Command::new("kill").args(["-KILL", &job.to_string()]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(node) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left = alive(node);
    // Stop the supervisor (it stops its jobs on SIGINT), then make sure.
    let _ = Command::new("kill").args(["-INT", &supervisor.id().to_string()]).status();
    let stop = Instant::now() + Duration::from_secs(20);
    while supervisor.try_wait().unwrap().is_none() && Instant::now() < stop {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = supervisor.kill();
    let _ = supervisor.wait();
    assert!(!left, "the Node worker {node} outlived its job process {job} by 5 s");
}
