//! Documented crashes that kill the process (src/triage/fatal.rs): a
//! fuzzing engine set leaves the engine out of a module with the trigger,
//! so the run goes on. In a file of its own: were the leave-out broken,
//! Winch would take this test binary down, and only this one.
#![cfg(all(feature = "wasmtime", feature = "reference"))]

use crosscheck::case::{Case, Determinism};
use crosscheck::engines::EngineSet;
use crosscheck::judge::{InconclusiveReason, PairOutcome, Verdict};
use crosscheck_oracles::{Call, Exports, Features, InstantiateError, Plan, Val};

fn plan() -> Plan {
    let wasm = wat::parse_file("corpus/regressions/winch-table-copy-lazy-value-below.wat").unwrap();
    Plan {
        observe: Exports::of_module(&wasm).unwrap(),
        wasm,
        calls: vec![Call { export: "f".into(), args: vec![Val::I32(7)] }],
    }
}

#[test]
fn a_fuzzing_set_leaves_winch_out_of_a_table_copy_over_a_local_and_runs_the_rest() {
    let mut set = EngineSet::fuzzing(&["reference", "wasmtime", "winch"]).unwrap().leave_out_fatal_crashes();
    let (runs, _) = set.run(&plan());
    assert_eq!(runs[1].observation.calls.len(), 1, "Cranelift runs the call: {:?}", runs[1].observation);
    assert_eq!(runs[0].observation.calls, runs[1].observation.calls);
    match &runs[2].observation.instantiation {
        Err(InstantiateError::Unsupported(why)) => {
            assert!(why.contains("known-bug:winch-table-copy-lazy-value-below"), "{why}")
        }
        other => panic!("Winch was not left out: {other:?}"),
    }
    // Inconclusive for Winch, no divergence; and `run_one` leaves it out too.
    let plan = plan();
    let info = crosscheck::module_info::ModuleInfo::of(&plan.wasm).unwrap();
    let determinism = Determinism { canonicalize_nans: false, relaxed_simd: false };
    let case = Case { plan, info, features: Features::ALL, determinism };
    let (verdict, pairs) = crosscheck::target::judge_runs(&case, &runs, &set.engine_features());
    assert!(matches!(verdict, Verdict::Agree), "{verdict:?}");
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert!(matches!(pairs[0], PairOutcome::Agree), "{pairs:?}");
    assert!(matches!(&pairs[1], PairOutcome::Inconclusive(InconclusiveReason::Unsupported { .. })), "{pairs:?}");
    assert!(set.run_one(2, &case.plan).instantiation.is_err());
}

/// The trigger claims more modules than crash (a constant beneath, a
/// function never called): how many generated modules lose Winch for it.
#[test]
fn few_generated_modules_have_the_winch_table_copy_trigger() {
    use crosscheck::target::{Target, prepare};
    let mut set = EngineSet::fuzzing(&["reference"]).unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for target in [Target::Differential, Target::Validate] {
        let (mut cases, mut claimed, mut with_copy) = (0, 0, 0);
        for _ in 0..400 {
            let len = 1024 + (next() % 3072) as usize;
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let Ok(case) = prepare(target, &data, &mut set) else { continue };
            cases += 1;
            with_copy += usize::from(case.plan.wasm.windows(2).any(|w| w == [0xfc, 0x0e]));
            claimed += usize::from(crosscheck::triage::fatal_crash_for("winch", &case.plan.wasm).is_some());
        }
        eprintln!("{target}: {claimed} of {cases} modules claimed ({with_copy} with the bytes of a table.copy)");
        assert!(cases >= 200, "{target}: only {cases} Cases");
        assert!(claimed * 50 <= cases, "{target}: Winch left out of {claimed} of {cases} modules (over 2%)");
    }
}
