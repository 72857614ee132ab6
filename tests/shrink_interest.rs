//! What the shrinker keeps: the interest read from a `crosscheck repro`
//! process (an engine failure comes with exit 0 and a signature line), and
//! the engines a reduction narrows a Case to.

use crosscheck::triage::shrink::{Interest, engines_of_interest, interest_of};
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Output};

fn exited(code: i32, stdout: &str) -> Output {
    Output { status: ExitStatus::from_raw(code << 8), stdout: stdout.as_bytes().to_vec(), stderr: Vec::new() }
}

const FAILED: &str = "engine-failure:wasmi+lost-reply:call #N: no reply to the call of \"…\" with N arguments";

#[test]
fn an_engine_failure_is_an_interest_of_its_own() {
    let report =
        format!("verdict: inconclusive (engine-failure on wasmi+lost-reply: …)\nsignature: {FAILED}  (id 1)\n");
    assert_eq!(interest_of(&exited(0, &report)), Some(Interest::EngineFailure(FAILED.into())));
    // Agreement, or another kind of inconclusive Case, is not interesting.
    assert_eq!(interest_of(&exited(0, "verdict: agree\n")), None);
    assert_eq!(interest_of(&exited(0, "verdict: inconclusive (exhaustion)\n")), None);
    // Bad input is not, whatever it printed.
    assert_eq!(interest_of(&exited(2, &report)), None);
    // A Case that diverges as well keeps its divergence (printed first).
    let both =
        format!("verdict: DIVERGE\nsignature: reference~wasmtime:result:i32  (id 2)\nsignature: {FAILED}  (id 1)\n");
    assert_eq!(interest_of(&exited(1, &both)), Some(Interest::Divergence("reference~wasmtime:result:i32".into())));
}

#[test]
fn a_reduction_keeps_the_baseline_and_the_engine_that_failed() {
    let engines: Vec<String> = ["reference", "wasmtime[opt-level=speed]", "wasmi[translation=eager]+lost-reply", "v8"]
        .map(String::from)
        .to_vec();
    let kept = engines_of_interest(&Interest::EngineFailure(FAILED.into()), &engines);
    assert_eq!(kept, ["reference", "wasmi[translation=eager]+lost-reply"]);
    // An engine the list does not have, or the baseline itself: every engine.
    let other = Interest::EngineFailure("engine-failure:pulley:message".into());
    assert_eq!(engines_of_interest(&other, &engines), engines);
    let baseline = Interest::EngineFailure("engine-failure:reference:message".into());
    assert_eq!(engines_of_interest(&baseline, &engines), engines);
    // Divergences as before: the pair the signature names.
    let diverged = Interest::Divergence("reference~v8:result:f32".into());
    assert_eq!(engines_of_interest(&diverged, &engines), ["reference", "v8"]);
}
