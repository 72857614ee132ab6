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

/// Whether a module's code has a relaxed SIMD instruction.
fn uses_relaxed_simd(wasm: &[u8]) -> bool {
    use crosscheck_reference::compile::{instr::Instr, ops::translate_numeric};
    use wasmparser::{Parser, Payload};
    Parser::new(0).parse_all(wasm).filter_map(Result::ok).any(|p| {
        let Payload::CodeSectionEntry(body) = p else { return false };
        let Ok(ops) = body.get_operators_reader() else { return false };
        // The reference interpreter's own decoding says which operators
        // are relaxed SIMD.
        ops.into_iter().filter_map(Result::ok).any(|op| matches!(translate_numeric(&op), Some(Instr::Relaxed(_))))
    })
}

fn campaign_of(engines: &[&str], seed: u64, cases: u64) -> (u64, u64, Vec<String>) {
    campaign_counting_relaxed(engines, seed, cases).0
}

fn campaign_counting_relaxed(engines: &[&str], seed: u64, cases: u64) -> ((u64, u64, Vec<String>), u64) {
    let (result, relaxed, _) = campaign_in(engines, CampaignOptions::new(Target::Differential, seed), cases);
    (result, relaxed)
}

/// The campaign, how many judged Cases ran relaxed SIMD instructions, and
/// its counters.
fn campaign_in(
    engines: &[&str],
    options: CampaignOptions,
    cases: u64,
) -> ((u64, u64, Vec<String>), u64, crosscheck::fuzz::stats::Stats) {
    let set = EngineSet::fuzzing(engines).unwrap();
    let mut c = Campaign::new(options, set);
    let mut unknown = Vec::new();
    let mut relaxed = 0;
    let mut crashes = 0;
    let mut engine_failures = Vec::new();
    for _ in 0..cases {
        // A known engine crash (docs/findings) aborts a worker process in
        // `crosscheck fuzz`; in this in-process campaign it is a panic,
        // allowed only if it is one of the documented crashes.
        let step = match crosscheck::triage::catch_panic(|| c.step()) {
            Ok(step) => step.unwrap(),
            Err(panic) => {
                let known = crosscheck::triage::known_crash(&panic)
                    .unwrap_or_else(|| panic!("an engine panicked (not a known crash):\n{panic}"));
                println!("  known crash {} (Case skipped)", known.name);
                crashes += 1;
                continue;
            }
        };
        let Some(checked) = step.checked else { continue };
        // An in-process engine that could not run a Case is an adapter's
        // bug (V8's worker may also be killed when it hangs under load).
        if let Some(sig) = crosscheck::artifacts::engine_failure_signature(&checked)
            && !sig.starts_with("engine-failure:v8")
        {
            engine_failures.push(sig);
        }
        if matches!(checked.verdict, Verdict::Agree) && uses_relaxed_simd(&checked.case.plan.wasm) {
            relaxed += 1;
        }
        if let Verdict::Diverge(d) = &checked.verdict
            && d.known_bug.is_none()
        {
            unknown.push(crosscheck::report::render(&checked));
        }
    }
    let s = &c.stats;
    println!(
        "{}: {cases} cases ({} judged by the reference's masks), agree {}, diverge {} (known bug {}), inconclusive {:.2}%, pairs left out {:?}, swarm {:?}",
        engines.join("+"),
        s.get(keys::JUDGED_BY_REFERENCE),
        s.get(keys::AGREE),
        s.get(keys::DIVERGE),
        s.get(keys::KNOWN_BUG),
        s.inconclusive_percent(),
        s.by_category(keys::PAIR_INCONCLUSIVE_BY),
        s.with_prefix(keys::ALLOWED_BY_SWARM).collect::<Vec<_>>()
    );
    println!("  Cases that agreed while running relaxed SIMD instructions: {relaxed}; known crashes: {crashes}");
    assert!(crashes <= cases / 100, "{crashes} known crashes: too many Cases lost to them");
    assert!(engine_failures.is_empty(), "{} Cases an engine could not run: {engine_failures:?}", engine_failures.len());
    ((s.get(keys::AGREE), s.get(keys::KNOWN_BUG), unknown), relaxed, c.stats.clone())
}

/// Cases judged by the reference's masks: NaN canonicalization off,
/// relaxed SIMD on.
#[test]
fn every_default_engine_agrees_with_the_reference_interpreter() {
    let ((agree, known, unknown), relaxed) =
        campaign_counting_relaxed(&["reference", "wasmtime", "winch", "pulley", "wasmi"], 13, 3000);
    assert!(unknown.is_empty(), "{} divergences, first:\n{}", unknown.len(), unknown[0]);
    assert!(known < 300, "{known} Cases hit known engine bugs");
    assert!(agree > 2400, "only {agree} of 3000 Cases judged");
    // Winch lacks relaxed SIMD; it must not switch it off for the others.
    // (wasm-smith emits relaxed instructions in about 1 module of 60 that
    // allow them; the single-instruction target covers each one.)
    assert!(relaxed >= 5, "only {relaxed} agreeing Cases ran relaxed SIMD");
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
    // wasmi sits out the Cases whose module uses threads or Wasm 3.0.
    assert!(agree > CASES * 7 / 10, "only {agree} of {CASES} Cases judged");
}

/// Cases of the `wasm3` swarm profile (GC, exceptions, typed function
/// references; observed through probe exports) on every engine that runs
/// them: no divergence, few inconclusive, and most of them really using
/// Wasm 3.0.
#[test]
fn wasm3_cases_agree_on_every_engine_with_gc() {
    let mut engines = vec!["reference", "wasmtime", "pulley"];
    let v8 = crosscheck_oracles::registry::create("v8");
    match v8 {
        Ok(e) if e.features().gc && e.features().exceptions => engines.extend(["v8", "v8-liftoff"]),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI: a V8 with GC and exceptions is required"),
        _ => println!("v8 left out: no V8 with GC and exceptions"),
    }
    let mut options = CampaignOptions::new(Target::Differential, 3);
    options.swarm = crosscheck::swarm::indices_named("wasm3").unwrap();
    let cases = 800;
    let ((agree, known, unknown), _, stats) = campaign_in(&engines, options, cases);
    assert!(unknown.is_empty(), "{} divergences, first:\n{}", unknown.len(), unknown[0]);
    assert_eq!(known, 0);
    let used = stats.get(&format!("{}any", keys::USES_WASM3));
    println!("Cases using Wasm 3.0: {used} of {cases}");
    assert!(used > cases / 3, "only {used} of {cases} Cases used GC, exceptions or typed function references");
    assert!(stats.inconclusive_percent() < 5.0, "{:.2}% inconclusive", stats.inconclusive_percent());
    assert!(agree > cases * 9 / 10, "only {agree} of {cases} Cases judged");
}
