//! DESIGN's rule for grows an engine refuses for its own reasons, on real
//! engines: Wasmtime with a memory that may not move past a 1 MiB
//! reservation refuses a grow the reference performs, and the reference
//! refuses a 64-bit memory's grow past its own 4 GiB cap that Wasmtime
//! performs; each engine reports where (a start function or a call), and
//! the judge makes that pair inconclusive ("grow-refused") instead of
//! crying wolf, while the engines that agree still judge the Case. Grows
//! every engine must fail (past a declared maximum or the address type's
//! limit) are no refusals on any engine.

use crosscheck::judge::{InconclusiveReason, PairOutcome, Verdict};
use crosscheck::oracles::Step;
use crosscheck::run::run_file;
use crosscheck::target::Checked;

/// Wasmtime whose memories may not move and reserve 1 MiB (16 pages).
const FIXED_1M: &str = "wasmtime[may-move=false,reservation=1M]";

fn run(name: &str, wat: &str, engines: &[&str]) -> Checked {
    let path = std::env::temp_dir().join(format!("crosscheck-grow-refused-{}-{name}.wat", std::process::id()));
    std::fs::write(&path, wat).unwrap();
    let engines: Vec<String> = engines.iter().map(|e| e.to_string()).collect();
    let (checked, skipped) = run_file(&path, &engines, &[]).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(skipped.is_empty(), "{skipped:?}");
    checked
}

fn refusals(checked: &Checked) -> Vec<Vec<Step>> {
    checked.runs.iter().map(|r| r.observation.refused_grows.clone()).collect()
}

fn refused_by(pair: &PairOutcome) -> &str {
    match pair {
        PairOutcome::Inconclusive(InconclusiveReason::GrowRefused { engine, .. }) => engine,
        other => panic!("expected grow-refused, got {other:?}"),
    }
}

#[test]
fn wasmtime_refusing_what_it_cannot_reserve_is_no_divergence() {
    let wat = r#"(module
        (memory (export "m") 1)
        (func (export "g") (result i32) (memory.grow (i32.const 40)))
        (func (export "size") (result i32) (memory.size)))"#;
    let checked = run("call", wat, &["reference", FIXED_1M, "wasmtime", "wasmi"]);
    assert_eq!(refusals(&checked), vec![vec![], vec![Step::Call(0)], vec![], vec![]]);
    assert_eq!(refused_by(&checked.pairs[0]), "wasmtime");
    assert_eq!(checked.pairs[1..], [PairOutcome::Agree, PairOutcome::Agree]);
    assert_eq!(checked.verdict, Verdict::Agree);
    // Without an engine that agrees, the Case is inconclusive, not diverging.
    let checked = run("alone", wat, &["reference", FIXED_1M]);
    assert!(
        matches!(&checked.verdict, Verdict::Inconclusive(InconclusiveReason::GrowRefused { engine, detail })
            if engine == "wasmtime" && detail.contains("call #0")),
        "{:?}",
        checked.verdict
    );
}

#[test]
fn a_start_function_refusal_is_the_instantiation_s() {
    let wat = r#"(module
        (memory (export "m") 1)
        (func $s (drop (memory.grow (i32.const 40))))
        (start $s)
        (func (export "size") (result i32) (memory.size)))"#;
    let checked = run("start", wat, &["reference", FIXED_1M]);
    assert_eq!(refusals(&checked), vec![vec![], vec![Step::Instantiation]]);
    assert_eq!(refused_by(&checked.pairs[0]), "wasmtime");
}

#[test]
fn the_reference_refusing_past_its_own_cap_is_no_divergence() {
    // 65,537 pages of a 64-bit memory: within the spec's limit, past the
    // reference's 65,536-page cap; Wasmtime reserves the address space.
    // The memory is not exported, so nobody copies its 4 GiB.
    let wat = r#"(module
        (memory i64 1)
        (func (export "g") (result i64) (memory.grow (i64.const 65536))))"#;
    let checked = run("cap", wat, &["reference", "wasmtime"]);
    assert_eq!(refusals(&checked), vec![vec![Step::Call(0)], vec![]]);
    assert_eq!(refused_by(&checked.pairs[0]), "reference");
}

#[test]
fn grows_every_engine_must_fail_are_no_refusals() {
    // Past declared maximums and past the address type's limit, each right
    // after a grow that succeeded: a 64-bit table's overflow is one that
    // Wasmtime reports without asking its limiter first.
    let wat = r#"(module
        (memory (export "small") 1 2)
        (memory (export "open") 1)
        (memory (export "wide") i64 1 3)
        (table (export "t") 1 3 funcref)
        (table (export "u") 1 funcref)
        (table (export "v") i64 1 funcref)
        (func (export "a") (result i32) (memory.grow 0 (i32.const 2)))
        (func (export "b") (result i32) (memory.grow 1 (i32.const 1)))
        (func (export "c") (result i32) (memory.grow 1 (i32.const 0xffff)))
        (func (export "d") (result i64) (memory.grow 2 (i64.const 0x1000000000001)))
        (func (export "e") (result i32) (table.grow 0 (ref.null func) (i32.const 3)))
        (func (export "f") (result i32) (table.grow 1 (ref.null func) (i32.const 2)))
        (func (export "g") (result i32) (table.grow 1 (ref.null func) (i32.const -1)))
        (func (export "h") (result i64) (table.grow 2 (ref.null func) (i64.const 1)))
        (func (export "i") (result i64) (table.grow 2 (ref.null func) (i64.const -1))))"#;
    let checked = run("limits", wat, &["reference", FIXED_1M, "wasmtime", "wasmi"]);
    assert_eq!(refusals(&checked), vec![Vec::<Step>::new(); 4]);
    assert_eq!(checked.verdict, Verdict::Agree, "{:?}", checked.pairs);
}
