//! Helpers shared by the integration tests (each uses some of them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The official WebAssembly test suite: `$WASM_SPEC_TESTSUITE`, or else
/// `../shared/testsuite` beside the checkout. Missing, it is a skip that
/// says so, and a failure when `CI=true`.
pub fn suite_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("WASM_SPEC_TESTSUITE") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/testsuite")),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!("spec test suite not found at {} (set WASM_SPEC_TESTSUITE)", dir.display());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    println!("{msg}; skipping");
    None
}

/// A Node 20, or why there is none (a failure under CI).
pub fn node_20() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CROSSCHECK_OLD_NODE") {
        return Some(PathBuf::from(p));
    }
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-node.sh"))
        .arg("20")
        .output();
    match out {
        Ok(o) if o.status.success() => Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())),
        other => {
            let why = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                Err(e) => e.to_string(),
            };
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("no Node 20 for the old-V8 tests under CI: {why}");
            }
            println!("no Node 20 ({why}); skipping the old-V8 tests");
            None
        }
    }
}

/// Runs `fuzz_one` for `target` on a fresh thread (its engines are per
/// thread, built from `$CROSSCHECK_ENGINES` at first use); the panic
/// message if any.
pub fn fuzz_one_on_fresh_thread(target: crosscheck::target::Target, input: &[u8]) -> Option<String> {
    let input = input.to_vec();
    std::thread::spawn(move || crosscheck::fuzz_one(target, &input)).join().err().map(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// 256 to 2,048 random bytes: a recipe, or a call plan, as the built-in
/// loop draws its inputs.
pub fn random_input(rng: &mut rand::rngs::SmallRng) -> Vec<u8> {
    use rand::Rng;
    let mut v = vec![0u8; rng.random_range(256..=2048)];
    rng.fill(&mut v[..]);
    v
}

/// Every table instruction on every kind of table (32- or 64-bit, with a
/// maximum or without) holding `elements`, with the sweep's immediates and
/// 48 drawn tuples: the section text gives the instruction back, the Case
/// needs GC, and Wasmtime with Cranelift and Pulley agree with the
/// reference call by call and on the final state (Winch and wasmi, without
/// GC, sit out). `check` gets each Case with the reference's outcomes of
/// `f`. Returns the kinds of table each instruction ran on.
pub fn on_every_table_of(
    elements: crosscheck::single_inst::catalog::Elements,
    seed: u64,
    mut check: impl FnMut(&crosscheck::single_inst::Spec, &crosscheck::case::Case, Vec<crosscheck::oracles::CallOutcome>),
) -> std::collections::BTreeMap<&'static str, std::collections::BTreeSet<(bool, bool)>> {
    use crosscheck::oracles::registry;
    use crosscheck::single_inst::catalog::{ENTRIES, Group, SplitMix};
    use crosscheck::single_inst::{Spec, case_for, operands};
    let mut g = SplitMix(seed);
    let mut kinds = std::collections::BTreeMap::new();
    for e in ENTRIES.iter().filter(|e| e.group == Group::Table) {
        for imm in e.sweep_immediates(1) {
            let table = imm.table().unwrap();
            if table.elements != elements {
                continue;
            }
            kinds
                .entry(e.name)
                .or_insert_with(std::collections::BTreeSet::new)
                .insert((table.table64, table.unbounded));
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{text}");
            let tuples: Vec<_> = (0..48).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            assert!(case.features.gc, "{text}");
            let reference = registry::create("reference").unwrap().run(&case.plan);
            for engine in ["wasmtime", "pulley", "winch", "wasmi"] {
                let mut other = registry::create(engine).unwrap();
                if !case.features.missing_from(&other.features()).is_empty() {
                    assert!(["winch", "wasmi"].contains(&engine), "{engine} lacks a proposal of {text}");
                    continue;
                }
                let other = other.run(&case.plan);
                assert_eq!(other.calls, reference.calls, "{text} on {engine}");
                assert_eq!(other.state, reference.state, "{text} on {engine}");
            }
            check(&spec, &case, outcomes_of_f(&case, &reference.calls).into_iter().cloned().collect());
        }
    }
    kinds
}

/// The outcomes of a single-instruction Case's calls of `f` among `calls`
/// (an engine's outcomes of the whole plan).
pub fn outcomes_of_f<'a>(
    case: &crosscheck::case::Case,
    calls: &'a [crosscheck::oracles::CallOutcome],
) -> Vec<&'a crosscheck::oracles::CallOutcome> {
    case.plan.calls.iter().zip(calls).filter(|(c, _)| c.export == "f").map(|(_, o)| o).collect()
}

/// The i32 results of the calls that returned one.
pub fn returned_i32s(outcomes: &[crosscheck::oracles::CallOutcome]) -> std::collections::BTreeSet<i32> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            crosscheck::oracles::CallOutcome::Returned(v) => Some(v.first()?.bits() as i32),
            _ => None,
        })
        .collect()
}
