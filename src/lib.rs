//! # crosscheck
//!
//! A differential fuzzing harness for WebAssembly engines. It builds Cases
//! (a module from wasm-smith plus a plan of calls) from fuzz bytes, runs
//! them on the engine under test — Wasmtime with Cranelift, Winch and
//! Pulley — and on reference engines, and judges whether they disagree in
//! a way the WebAssembly specification forbids.
//!
//! Data flows one way:
//!
//! ```text
//! fuzz bytes ─► Case ─► each Engine runs its Plan ─► Observation per engine ─► judge ─► Verdict
//! ```
//!
//! | module | job |
//! | --- | --- |
//! | [`case`] | a Case from bytes: wasm-smith config, module, call plan |
//! | [`case_file`] | a Case on disk (`case.wasm` + `plan`), replayable without its bytes |
//! | [`swarm`] | the fixed table of proposal sets a differential input picks from |
//! | [`validate`] | the `validate` target: possibly invalid modules, every engine's verdict |
//! | [`values`] | edge-biased argument values |
//! | [`addresses`] | addresses at the edges of memories: drawn, and recognized |
//! | [`patterns`] | the `patterns` target: shapes compilers lower specially, from Cranelift's rules |
//! | [`module_info`] | a module's exported functions and observable state |
//! | [`engines`] | the engines of a campaign, run in order |
//! | [`fuel`] | termination for any module: a fuel counter at every function entry and loop |
//! | [`mutate`] | the `mutate` target: corpus, wasm-mutate, the semantics-preservation oracle |
//! | [`judge`] | spec-precise comparison of observations |
//! | [`target`] | fuzz targets: bytes to a judged Case |
//! | [`triage`] | divergences traced to documented engine bugs |
//! | [`report`] | human-readable reports |
//! | [`artifacts`] | findings written to disk |
//! | [`fuzz`] | the built-in fuzzing loop, one process per job |
//! | [`selftest`] | planted faults the judge must catch |
//! | [`bench`] | throughput figures |
//! | [`run`] | one module file on every engine |
//! | [`single_inst`] | single-instruction Cases: catalog, operands, exact judge |
//! | [`sweep`] | the conformance matrix: every instruction × engine × CPU profile |
//! | [`wast`](mod@wast) | official `.wast` spec scripts on one engine |
//!
//! The engines themselves live in the `crosscheck-oracles` crate.

pub mod addresses;
pub mod artifacts;
pub mod bench;
pub mod case;
pub mod case_file;
pub mod engines;
pub mod fuel;
pub mod fuzz;
pub mod judge;
pub mod module_info;
pub mod mutate;
pub mod patterns;
pub mod probes;
pub mod report;
pub mod run;
pub mod selftest;
pub mod single_inst;
pub mod swarm;
pub mod sweep;
pub mod target;
pub mod triage;
pub mod validate;
pub mod values;
pub mod wasm3;
pub mod wast;

pub use crosscheck_oracles as oracles;

/// Entry point of the cargo-fuzz targets: checks `data` with `target` on
/// the default engines (`$CROSSCHECK_ENGINES` if set; kept per thread), and panics on a divergence not
/// traced to a documented engine bug, so libFuzzer records the input.
///
/// An engine that panics is caught in process: a crash matching a
/// documented one ([`triage::known_crash`]) is skipped like a known
/// divergence (the engine that panicked is rebuilt), any other is reported
/// as a crash of its own. A documented crash that would kill the process
/// (a signal) is avoided before it happens: the engine sits out modules
/// with its trigger ([`triage::fatal`]). Engine construction happens once
/// per thread.
pub fn fuzz_one(target: target::Target, data: &[u8]) {
    thread_local! {
        static ENGINES: std::cell::RefCell<Option<engines::EngineSet>> = const { std::cell::RefCell::new(None) };
    }
    let outcome = triage::catch_panic(|| {
        ENGINES.with(|cell| {
            let mut slot = cell.borrow_mut();
            let engines = slot.get_or_insert_with(|| {
                let set = engines::EngineSet::fuzzing(&engines::default_engines()).unwrap_or_else(|e| {
                    // A wrong $CROSSCHECK_ENGINES is the user's, not a finding.
                    eprintln!("crosscheck: error: {}: {e}", engines::ENGINES_VAR);
                    std::process::exit(2)
                });
                set.leave_out_fatal_crashes()
            });
            let checked = target::check(target, data, engines).ok()?;
            let unknown_divergence = matches!(&checked.verdict, judge::Verdict::Diverge(d) if d.known_bug.is_none());
            // A mutator divergence not traced to a documented wasm-mutate bug.
            let mutator = checked.mutation.as_ref().and_then(target::MutationCheck::unknown_mutator_divergence);
            (unknown_divergence || mutator.is_some()).then(|| (report::render(&checked), mutator))
        })
    });
    match outcome {
        Ok(None) => {}
        Ok(Some((report, None))) => panic!("divergence\n{report}"),
        Ok(Some((report, Some(signature)))) => panic!("mutator divergence {signature}\n{report}"),
        Err(message) => {
            // The engine that panicked may be half-way through a call: it
            // is built again (the others keep their caches and processes).
            ENGINES.with(|cell| {
                let mut slot = cell.borrow_mut();
                if !slot.as_mut().is_some_and(engines::EngineSet::recover_from_panic) {
                    *slot = None;
                }
            });
            if triage::known_crash(&message).is_none() {
                panic!("engine crash (not a documented one)\n{message}");
            }
        }
    }
}
