//! `fuzz_one` (the body of the cargo-fuzz targets) on Cases an engine could
//! not run: no panic (no verdict, no crash), and the first input of each
//! kind of failure written where libFuzzer writes its crash files (here
//! the working directory), from where it replays and reduces. Its own test binary: it
//! sets `$CROSSCHECK_ENGINES` and the working directory for the process.

use crosscheck::engines::{ENGINES_VAR, EngineSet};
use crosscheck::fuzz::{Campaign, CampaignOptions};
use crosscheck::target::Target;
use std::process::Command;

#[test]
fn fuzz_one_writes_the_first_input_of_each_engine_failure() {
    let dir = std::env::temp_dir().join(format!("crosscheck-fuzz-one-failures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::env::set_current_dir(&dir).unwrap();
    let engines = "reference,wasmi+lost-reply";
    // SAFETY: this test binary has no other thread reading the environment.
    unsafe { std::env::set_var(ENGINES_VAR, engines) };
    // Inputs as the built-in loop draws them.
    let mut draw =
        Campaign::new(CampaignOptions::new(Target::Differential, 4), EngineSet::fuzzing(&["reference"]).unwrap());
    let inputs: Vec<Vec<u8>> = (0..60).map(|_| draw.next_input()).collect();
    let kept = std::thread::spawn(move || {
        inputs.iter().filter(|input| crosscheck::fuzz_one(Target::Differential, input)).count()
    })
    .join()
    .expect("an engine failure is no crash");
    assert!(kept > 0);
    let written: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("engine-failure-"))
        .collect();
    assert_eq!(written.len(), 1, "one kind of failure, one input: {written:?}");
    let r = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["repro", "differential", &written[0].display().to_string(), "--engines", engines])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(out.contains("inconclusive: engine-failure on wasmi+lost-reply: call #"), "{out}");
    // And it reduces, keeping the failure.
    let shrunk = dir.join("shrunk");
    let r = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["repro", "differential", &written[0].display().to_string(), "--engines", engines, "--shrink"])
        .arg("--output")
        .arg(&shrunk)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(out.contains("still engine-failure:wasmi+lost-reply:call #N: no reply"), "{out}");
    let plan = std::fs::read_to_string(shrunk.join("plan")).unwrap();
    assert_eq!(plan.lines().filter(|l| l.starts_with("call ")).count(), 1, "{plan}");
    let _ = std::fs::remove_dir_all(&dir);
}
