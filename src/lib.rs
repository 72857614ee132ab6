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
//! | [`mutate`] | the `mutate` target: corpus, wasm-mutate and crosscheck's own rewrites, the semantics-preservation oracle |
//! | [`judge`] | spec-precise comparison of observations |
//! | [`target`] | fuzz targets: bytes to a judged Case |
//! | [`triage`] | divergences traced to documented engine bugs |
//! | [`report`] | human-readable reports |
//! | [`artifacts`] | findings written to disk |
//! | [`fuzz`] | the built-in fuzzing loop, one process per job |
//! | [`keep`] | which checked inputs libFuzzer may keep in its corpus |
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
pub mod keep;
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

thread_local! {
    /// `fuzz_one`'s engines and keep rule, built once per thread.
    static FUZZ_ENGINES: std::cell::RefCell<Option<engines::EngineSet>> = const { std::cell::RefCell::new(None) };
    static FUZZ_KEEP: std::cell::RefCell<Option<keep::KeepRule>> = const { std::cell::RefCell::new(None) };
    /// The engine-failure signatures `fuzz_one` has told of.
    static FUZZ_FAILURES: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

/// Builds [`fuzz_one`]'s engines and keep rule for `target` on this thread,
/// from `$CROSSCHECK_ENGINES` and `$CROSSCHECK_KEEP_FACTOR` (and checks
/// `$CROSSCHECK_MUTATOR_FAULT`); a wrong value
/// is the user's mistake, not a finding: a message and exit code 2.
///
/// The fuzz targets call it from libFuzzer's initialization
/// ([`libfuzzer_target!`]), before libFuzzer installs the exit handler
/// that would turn any later `exit` into a crash report and exit code 77.
/// [`fuzz_one`] calls it too, for callers without that hook.
pub fn fuzz_init(target: target::Target) {
    let fail = |e: String| -> ! {
        eprintln!("crosscheck: error: {e}");
        std::process::exit(2)
    };
    FUZZ_KEEP.with(|cell| {
        cell.borrow_mut().get_or_insert_with(|| {
            selftest::mutator::planted().unwrap_or_else(|e| fail(e));
            keep::KeepRule::for_target(target).unwrap_or_else(|e| fail(e))
        });
    });
    FUZZ_ENGINES.with(|cell| {
        cell.borrow_mut().get_or_insert_with(|| {
            let set = engines::EngineSet::fuzzing(&engines::default_engines())
                .unwrap_or_else(|e| fail(format!("{}: {e}", engines::ENGINES_VAR)));
            set.leave_out_fatal_crashes()
        });
    });
}

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
/// per thread ([`fuzz_init`]).
///
/// Returns whether libFuzzer may keep the input in its corpus
/// ([`keep::KeepRule`]: not when its check took far longer than the run's
/// typical input); the fuzz targets ([`libfuzzer_target!`]) return
/// `Corpus::Reject` when not.
pub fn fuzz_one(target: target::Target, data: &[u8]) -> bool {
    fuzz_init(target);
    let started = std::time::Instant::now();
    let outcome = triage::catch_panic(|| {
        FUZZ_ENGINES.with(|cell| {
            let mut slot = cell.borrow_mut();
            let engines = slot.as_mut().expect("built by fuzz_init");
            let checked = target::check(target, data, engines).ok()?;
            if let Some(signature) = artifacts::engine_failure_signature(&checked) {
                tell_engine_failure(target, signature, data);
            }
            let unknown_divergence = matches!(&checked.verdict, judge::Verdict::Diverge(d) if d.known_bug.is_none());
            // A mutator divergence not traced to a documented wasm-mutate bug.
            let mutator = checked.mutation.as_ref().and_then(target::MutationCheck::unknown_mutator_divergence);
            (unknown_divergence || mutator.is_some()).then(|| (report::render(&checked), mutator))
        })
    });
    let took = started.elapsed();
    match outcome {
        Ok(None) => FUZZ_KEEP.with(|cell| {
            cell.borrow_mut().as_mut().is_none_or(|rule| {
                let keep = rule.keep(took);
                if let Some(line) = rule.log_line() {
                    eprintln!("{line}");
                }
                keep
            })
        }),
        Ok(Some((report, None))) => panic!("divergence\n{report}"),
        Ok(Some((report, Some(signature)))) => panic!("mutator divergence {signature}\n{report}"),
        Err(message) => {
            // The engine that panicked may be half-way through a call: it
            // is built again (the others keep their caches and processes).
            FUZZ_ENGINES.with(|cell| {
                let mut slot = cell.borrow_mut();
                if !slot.as_mut().is_some_and(engines::EngineSet::recover_from_panic) {
                    *slot = None;
                }
            });
            if triage::known_crash(&message).is_none() {
                panic!("engine crash (not a documented one)\n{message}");
            }
            true
        }
    }
}

/// An engine that could not run a Case is no verdict and no crash, but a
/// bug of crosscheck's adapter or of the engine: the first input of each
/// kind in this process is saved ([`artifacts::save_engine_failure_input`])
/// and named on stderr.
fn tell_engine_failure(target: target::Target, signature: String, data: &[u8]) {
    if !FUZZ_FAILURES.with(|seen| seen.borrow_mut().insert(signature.clone())) {
        return;
    }
    match artifacts::save_engine_failure_input(&signature, data) {
        Ok(path) => {
            let file = triage::shrink::shell_word(&path.display().to_string());
            let engines = triage::shrink::shell_word(&engines::default_engines().join(","));
            eprintln!(
                "crosscheck: {signature}\ncrosscheck: (no verdict from that engine) input written to {file}; replay: crosscheck repro {} {file} --engines {engines} (--shrink reduces it)",
                target.name(),
            )
        }
        Err(e) => {
            eprintln!("crosscheck: {signature}\ncrosscheck: (no verdict from that engine) input not written: {e}")
        }
    }
}

/// The whole of a cargo-fuzz target: `crosscheck::libfuzzer_target!(Differential);`
/// names a [`target::Target`] and expands to libFuzzer's `fuzz_target!`,
/// with [`fuzz_init`] as its initialization (so a wrong
/// `$CROSSCHECK_ENGINES` or `$CROSSCHECK_KEEP_FACTOR` exits 2 there, before
/// libFuzzer would call any exit a crash) and [`fuzz_one`] as its body
/// (every input checked; `Corpus::Reject` for one libFuzzer may not keep).
/// The crate using it depends on `libfuzzer-sys`.
#[macro_export]
macro_rules! libfuzzer_target {
    ($target:ident) => {
        libfuzzer_sys::fuzz_target!(
            init: $crate::fuzz_init($crate::target::Target::$target),
            |data: &[u8]| -> libfuzzer_sys::Corpus {
                if $crate::fuzz_one($crate::target::Target::$target, data) {
                    libfuzzer_sys::Corpus::Keep
                } else {
                    libfuzzer_sys::Corpus::Reject
                }
            }
        );
    };
}
