//! The documented bugs of older V8s (`docs/findings/v8-*.md`): keyed by
//! version, their workarounds pick only results the spec allows, and on a
//! real Node 20 (V8 11.3) the sweep and `crosscheck run` label each of them
//! and fail nothing else — so a user whose `PATH` has their distribution's
//! Node 20 gets a green test run and labelled findings.
//!
//! The old Node comes from `$CROSSCHECK_OLD_NODE`, else from
//! `scripts/install-node.sh 20` (the npm registry). Without npm the last
//! test says why and passes — except with `CI=true`, where it fails.

use crosscheck::judge::{EngineRun, PairOutcome};
use crosscheck::single_inst::catalog::{SplitMix, fnv, lookup};
use crosscheck::single_inst::check::judge_pair;
use crosscheck::single_inst::{ChoiceTracker, Spec, case_for, operands};
use crosscheck::triage::{KNOWN_BUGS, Versions, workarounds_for};
use crosscheck_oracles::{Engine, Plan, registry};
use std::path::Path;
use std::process::Command;

mod common;
use common::node_20;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn pinned_node_major_is_the_installers() {
    let script = std::fs::read_to_string(Path::new(ROOT).join("scripts/install-node.sh")).unwrap();
    let pinned = script
        .lines()
        .find_map(|l| l.strip_prefix("NODE_MAJOR="))
        .and_then(|v| v.trim().parse::<u32>().ok())
        .expect("install-node.sh sets NODE_MAJOR=");
    assert_eq!(pinned, crosscheck_oracles::v8::node::PINNED_NODE_MAJOR);
}

#[test]
fn bugs_are_keyed_by_the_v8_version() {
    let node20 = "V8 11.3.244.8-node.38 (Node 20.20.2 from PATH: /usr/bin/node; with --experimental-wasm-relaxed-simd)";
    let node22 = "V8 12.4.254.21-node.57 (Node 22.23.5 from $CROSSCHECK_NODE: /x)";
    let node24 = "V8 13.6.233.17-node.63 (Node 24.22.3 from $CROSSCHECK_NODE: /x)";
    let node26 = "V8 14.6.202.34-node.40 (Node 26.12.1 from scripts/install-node.sh: /x)";
    let before_12_4 = Versions::V8Before(12, 4);
    assert!(before_12_4.include(node20));
    assert!(!before_12_4.include(node22) && !before_12_4.include(node26));
    let before_14_6 = Versions::V8Before(14, 6);
    assert!(before_14_6.include(node20) && before_14_6.include(node22) && before_14_6.include(node24));
    assert!(!before_14_6.include(node26));
    assert!(!before_14_6.include("wasmi 2"), "no V8 version, no V8 bug");
    assert!(Versions::Linked.include("wasmi 2"));
    // Which bugs a V8 has, through the lookup the judge uses.
    let wasm = wat::parse_str("(module (func (result f64) (f64.floor (f64.const nan:0x1))))").unwrap();
    let names = |engine: &str, version: &str| -> Vec<&str> {
        workarounds_for(engine, version, &wasm).map(|(b, _)| b.name).collect()
    };
    assert_eq!(names("v8", node24), ["v8-rounding-folds-signalling-nan"]);
    assert!(names("v8", node26).is_empty());
    assert!(names("v8-liftoff", node20).is_empty(), "TurboFan's bug, not Liftoff's");
    // The unsaturated dot product: from V8 13.6 on, both tiers.
    let dot = wat::parse_str(
        "(module (func (param v128 v128 v128) (result v128)
           (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2))))",
    )
    .unwrap();
    let dot_names = |engine: &str, version: &str| -> Vec<&str> {
        workarounds_for(engine, version, &dot).map(|(b, _)| b.name).collect()
    };
    for engine in ["v8", "v8-liftoff"] {
        assert!(dot_names(engine, node22).is_empty(), "{engine}: V8 12.4 saturates");
        for version in [node24, node26] {
            assert_eq!(dot_names(engine, version), ["v8-relaxed-dot-add-unsaturated"], "{engine} {version}");
        }
    }
    for bug in KNOWN_BUGS {
        assert!(Path::new(ROOT).join(bug.doc).is_file(), "{} has no write-up at {}", bug.name, bug.doc);
    }
}

/// V8 13.6 and later sum `i32x4.relaxed_dot_i8x16_i7x16_add_s` without the
/// 16-bit saturation on CPUs with AVX-VNNI
/// (docs/findings/v8-relaxed-dot-add-unsaturated.md), on both tiers: with
/// both in one run, the divergence is named as this bug (its workaround
/// reruns on both tiers at once), and on a CPU without AVX-VNNI the engines
/// agree. On an older V8 (Node 20 on `PATH`) only its own known bugs name
/// it. Never an unnamed divergence.
#[test]
fn relaxed_dot_add_unsaturated_is_labelled_on_both_v8_tiers_at_once() {
    let Some(v8) = registry::create("v8").ok() else {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "CI: the pinned V8 is required");
        println!("no V8: the labelling is not checked");
        return;
    };
    let file = "corpus/regressions/v8-relaxed-dot-add-unsaturated.wat";
    let out = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .current_dir(ROOT)
        .args(["run", file, "--engines", "reference,v8,v8-liftoff"])
        .output()
        .expect("crosscheck runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let version = v8.version();
    let affected = Versions::V8Since(13, 6).include(&version);
    let labelled = text.contains("signature: known-bug:v8-relaxed-dot-add-unsaturated ");
    let agreed = text.contains("verdict: agree") && !text.contains("DIVERGE");
    // Another V8's own known bug may name it (Liftoff 11.3's dot product).
    let named = text.contains("signature: known-bug:");
    assert!(agreed || named, "an unnamed divergence on {version}:\n{text}");
    if affected {
        assert!(agreed || labelled, "{version}:\n{text}");
    } else {
        assert!(!labelled, "labelled on {version}, which has not the bug:\n{text}");
    }
    println!("{version}: {}", if agreed { "agrees (no AVX-VNNI?)" } else { "named" });
}

/// The instructions whose known bugs rewrite them.
const REWRITTEN: &[&str] = &[
    "f32.ceil",
    "f32.floor",
    "f32.trunc",
    "f32.nearest",
    "f64.ceil",
    "f64.floor",
    "f64.trunc",
    "f64.nearest",
    "i32x4.relaxed_trunc_f32x4_u",
    "i32x4.relaxed_trunc_f64x2_u_zero",
    "i32x4.relaxed_laneselect",
    "i64x2.relaxed_laneselect",
    "i32x4.relaxed_dot_i8x16_i7x16_add_s",
];

/// Every workaround module, run on the reference interpreter, gives results
/// the original module allows (judged exactly, like an engine's): the
/// rewrites change no meaning, so they cannot hide a real divergence.
#[test]
fn workarounds_only_give_results_the_original_allows() {
    let mut reference = registry::create("reference").unwrap();
    let mut rewritten = 0;
    for name in REWRITTEN {
        let entry = lookup(name).unwrap();
        let mut rng = SplitMix(7 ^ fnv(name));
        for imm in entry.sweep_immediates(7) {
            let spec = Spec { entry, imm };
            let tuples: Vec<_> = (0..400).map(|_| operands::tuple(&mut rng, entry, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap();
            let expected = run(reference.as_mut(), &case.plan);
            let bugs: Vec<_> = KNOWN_BUGS.iter().filter(|b| b.engine.starts_with("v8")).collect();
            let mut any = false;
            for bug in bugs {
                let Some(wasm) = (bug.workaround)(&case.plan.wasm) else { continue };
                any = true;
                rewritten += 1;
                let got = run(reference.as_mut(), &Plan { wasm, ..case.plan.clone() });
                let outcome = judge_pair(&spec, &case, &expected, &got, 1, true, &mut ChoiceTracker::new());
                assert!(matches!(outcome, PairOutcome::Agree), "{name} rewritten by {}: {outcome:?}", bug.name);
            }
            assert!(any, "no workaround rewrites {name}");
        }
    }
    assert!(rewritten >= REWRITTEN.len());
}

fn run(engine: &mut dyn Engine, plan: &Plan) -> EngineRun {
    EngineRun {
        engine: engine.name().to_string(),
        version: engine.version(),
        config: engine.config(),
        observation: engine.run(plan),
    }
}

fn crosscheck(node: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .current_dir(ROOT)
        .env("CROSSCHECK_NODE", node)
        .args(args)
        .output()
        .expect("crosscheck runs")
}

#[test]
fn node_20_bugs_are_labelled_and_nothing_else_fails() {
    let Some(node) = node_20() else { return };
    // The sweep: the six cells of the write-ups are labelled, none fails,
    // and the exit code is 0.
    let only = [
        REWRITTEN.join(","),
        "f64.sqrt,i32x4.relaxed_trunc_f32x4_s,i16x8.relaxed_laneselect,i16x8.relaxed_dot_i8x16_i7x16_s".to_string(),
    ]
    .join(",");
    let out = crosscheck(&node, &["sweep", "--engines", "v8,v8-liftoff", "--samples", "200", "--only", &only]);
    let text = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("older than the pinned Node"), "no warning about the old Node: {stderr}");
    assert!(out.status.success(), "sweep failed on Node 20:\n{text}\n{stderr}");
    assert!(text.contains("failing cells: 0"), "{text}");
    for (instruction, column, bug) in [
        ("f64.floor", "v8", "v8-rounding-folds-signalling-nan"),
        ("i32x4.relaxed_trunc_f32x4_u", "v8", "v8-relaxed-trunc-u-out-of-range"),
        ("i32x4.relaxed_trunc_f64x2_u_zero", "v8", "v8-relaxed-trunc-u-out-of-range"),
        ("i32x4.relaxed_laneselect", "v8-liftoff", "v8-liftoff-relaxed-laneselect"),
        ("i64x2.relaxed_laneselect", "v8-liftoff", "v8-liftoff-relaxed-laneselect"),
        ("i32x4.relaxed_dot_i8x16_i7x16_add_s", "v8-liftoff", "v8-liftoff-relaxed-dot-add"),
    ] {
        let head = format!("KNOWN {instruction} on {column} ");
        let at = text.find(&head).unwrap_or_else(|| panic!("{head} not labelled:\n{text}"));
        assert!(text[at..].lines().nth(1).is_some_and(|l| l.contains(bug)), "{head}: not {bug}:\n{text}");
    }
    // `crosscheck run` of each regression module names its bug.
    let runs: &[(&str, &str, &[&str])] = &[
        ("v8-rounding-folds-signalling-nan", "reference,v8", &[]),
        (
            "v8-relaxed-trunc-u-out-of-range",
            "reference,v8",
            &[
                "--args",
                "f32x4=v128:0xecdd0c30c99d7393789e2dc6fda15dbb",
                "--args",
                "f64x2=v128:0x7e37e43c8800759c0000000000000000",
            ],
        ),
        (
            "v8-liftoff-relaxed-laneselect",
            "reference,v8-liftoff",
            &[
                "--args",
                "i32x4=v128:0xf34872c0ffffffff0000010000000080,v128:0xffffffff0000007f00000020fffffffe,v128:0x26473bd20000008097b54c850000007f",
                "--args",
                "i64x2=v128:0x00000000ffffffff0000000000000002,v128:0x282e448f7d9e91d5299e76a2b6bd0541,v128:0x7f7fffff0000000100800000cf000000",
            ],
        ),
        ("v8-liftoff-relaxed-dot-add", "reference,v8-liftoff", &[]),
    ];
    for (bug, engines, args) in runs {
        let file = format!("corpus/regressions/{bug}.wat");
        let mut argv = vec!["run", file.as_str(), "--engines", engines];
        argv.extend_from_slice(args);
        let out = crosscheck(&node, &argv);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("signature: known-bug:{bug} ")), "{file} on Node 20:\n{text}");
    }
}

/// V8 14.6's `array.init_elem` checks the element segment before the
/// array (docs/findings/v8-array-init-elem-bounds-order.md): with both out
/// of bounds the judge still reports the divergence, named as this bug;
/// the workaround changes no outcome on the reference.
#[test]
fn array_init_elem_bounds_order_is_labelled_on_the_pinned_v8() {
    let wat = r#"(module
      (type $a (array (mut funcref)))
      (elem $e func $f $f)
      (func $f)
      (func (export "init") (param $d i32) (param $s i32) (param $n i32)
        (array.init_elem $a $e (array.new_default $a (i32.const 2))
          (local.get $d) (local.get $s) (local.get $n))))"#;
    labelled_on_the_pinned_v8(
        wat,
        "v8-array-init-elem-bounds-order",
        &[[3, 0, 0], [0, 3, 0], [0, 0, 3], [0, 0, 2], [1, 1, 1]],
    );
}

/// V8 14.6's `array.init_data` checks a segment range whose end wraps 32
/// bits before the array (docs/findings/v8-array-init-data-bounds-order.md):
/// the judge names the divergence as this bug, and the workaround changes
/// no outcome on the reference.
#[test]
fn array_init_data_bounds_order_is_labelled_on_the_pinned_v8() {
    // (d, s, n): array alone, segment alone, both (small), both with
    // s + n wrapping, in bounds.
    labelled_on_the_pinned_v8(
        include_str!("../docs/findings/repro/v8-array-init-data-bounds-order.wat"),
        "v8-array-init-data-bounds-order",
        &[[3, 0, 0], [0, 5, 0], [2, 5, 1], [2, u32::MAX, 1], [0, 1, 2]],
    );
}

/// `wat`'s export `init` called with each of `args`: `bug`'s workaround
/// changes no outcome on the reference, and on the pinned V8 (with GC; a
/// failure under CI without it) the Case diverges as `bug`.
fn labelled_on_the_pinned_v8(wat: &str, bug: &str, args: &[[u32; 3]]) {
    let wasm = wat::parse_str(wat).unwrap();
    let bug = KNOWN_BUGS.iter().find(|b| b.name == bug).unwrap();
    let workaround = (bug.workaround)(&wasm).expect("the module has the bug's trigger");
    let calls: Vec<crosscheck_oracles::Call> = args
        .iter()
        .map(|a| crosscheck_oracles::Call {
            export: "init".into(),
            args: a.iter().map(|&x| crosscheck_oracles::Val::I32(x)).collect(),
        })
        .collect();
    let plan = |wasm: Vec<u8>| Plan { wasm, calls: calls.clone(), observe: Default::default() };
    let mut reference = registry::create("reference").unwrap();
    assert_eq!(
        reference.run(&plan(wasm.clone())).calls,
        reference.run(&plan(workaround)).calls,
        "the workaround changes an outcome"
    );
    let v8 = registry::create("v8").ok().filter(|e| e.features().gc);
    if v8.is_none() {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "CI: the pinned V8 (with GC) is required");
        println!("no V8 with GC: the labelling is not checked");
        return;
    }
    let case = crosscheck::case_file::case_of(
        wasm,
        calls.clone(),
        crosscheck_oracles::Features::ALL,
        crosscheck::case::Determinism::JUDGED,
    )
    .unwrap();
    let mut engines = crosscheck::engines::EngineSet::defaults(&["reference".to_string(), "v8".to_string()]).unwrap();
    let checked = crosscheck::target::check_case("test".into(), case, &mut engines, std::time::Duration::ZERO);
    match &checked.verdict {
        crosscheck::judge::Verdict::Diverge(d) => assert_eq!(d.known_bug, Some(bug.name), "{}", d.signature),
        other => panic!("expected the known divergence, got {other:?}"),
    }
}
