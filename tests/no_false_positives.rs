//! Correct engines must agree: random Cases through Wasmtime (random
//! configurations: optimization levels, register allocators, CPU features
//! switched off, memory layouts, signals on and off), Winch, Pulley and
//! wasmi give no divergence, except the ones traced to a documented engine
//! bug (docs/findings/), which the judge still reports but names.

use crosscheck::engines::EngineSet;
use crosscheck::fuzz::stats::keys;
use crosscheck::fuzz::{Campaign, CampaignOptions};
use crosscheck::judge::Verdict;
use crosscheck::target::Target;

const CASES: u64 = 400;

fn campaign(engines: &[&str], seed: u64) -> (u64, u64, Vec<String>) {
    campaign_of(engines, seed, CASES)
}

fn campaign_of(engines: &[&str], seed: u64, cases: u64) -> (u64, u64, Vec<String>) {
    let set = EngineSet::fuzzing(engines).unwrap();
    let mut c = Campaign::new(CampaignOptions::new(Target::Differential, seed), set);
    let mut unknown = Vec::new();
    for _ in 0..cases {
        let step = c.step().unwrap();
        if let Some(checked) = step.checked
            && let Verdict::Diverge(d) = &checked.verdict
            && d.known_bug.is_none()
        {
            unknown.push(crosscheck::report::render(&checked));
        }
    }
    let s = &c.stats;
    println!(
        "{}: {cases} cases ({} judged by the reference's masks), agree {}, diverge {} (known bug {}), inconclusive {:.2}%, pairs left out {:?}",
        engines.join("+"),
        s.get(keys::JUDGED_BY_REFERENCE),
        s.get(keys::AGREE),
        s.get(keys::DIVERGE),
        s.get(keys::KNOWN_BUG),
        s.inconclusive_percent(),
        s.with_prefix(keys::PAIR_INCONCLUSIVE_BY).collect::<Vec<_>>()
    );
    (s.get(keys::AGREE), s.get(keys::KNOWN_BUG), unknown)
}

/// Cases judged by the reference's masks: NaN canonicalization off,
/// relaxed SIMD on.
#[test]
fn every_default_engine_agrees_with_the_reference_interpreter() {
    let (agree, known, unknown) = campaign_of(&["reference", "wasmtime", "winch", "pulley", "wasmi"], 13, 1000);
    assert!(unknown.is_empty(), "{} divergences, first:\n{}", unknown.len(), unknown[0]);
    assert!(known < 100, "{known} Cases hit known engine bugs");
    assert!(agree > 800, "only {agree} of 1000 Cases judged");
}

#[test]
fn wasmtime_configurations_winch_and_pulley_agree() {
    let (agree, known, unknown) = campaign(&["wasmtime", "winch", "pulley"], 11);
    assert!(unknown.is_empty(), "{} divergences, first:\n{}", unknown.len(), unknown[0]);
    assert_eq!(known, 0);
    assert!(agree > CASES * 9 / 10, "only {agree} of {CASES} Cases judged");
}

#[test]
fn wasmtime_and_wasmi_agree_apart_from_known_wasmi_bugs() {
    let (agree, known, unknown) = campaign(&["wasmtime", "wasmi"], 12);
    assert!(unknown.is_empty(), "{} divergences, first:\n{}", unknown.len(), unknown[0]);
    // The known bug must stay a minority, or this test would prove little.
    assert!(known < CASES / 10, "{known} Cases hit known wasmi bugs");
    assert!(agree > CASES * 8 / 10, "only {agree} of {CASES} Cases judged");
}
