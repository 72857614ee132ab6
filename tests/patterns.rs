//! The `patterns` target: its catalog follows Cranelift's x64 lowering
//! rules, its Cases agree on today's engines, and it catches the planted
//! miscompiles that the `differential` target misses.

use crosscheck::engines::EngineSet;
use crosscheck::fuzz::stats::keys;
use crosscheck::fuzz::{Campaign, CampaignOptions};
use crosscheck::judge::Verdict;
use crosscheck::patterns::isle;
use crosscheck::selftest::{Fault, miscompile_options, run_fault};
use crosscheck::target::Target;

/// Every x64 `lower` rule that matches more than one operation or a
/// constant has an entry in the coverage table (a shape, or the reason it
/// is not reached), and most have a shape.
#[test]
fn the_catalog_covers_cranelifts_x64_rules() {
    let Some(path) = isle::find_x64_lower_isle() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: cranelift-codegen 0.135's lower.isle not found in cargo's registry"
        );
        println!("no cranelift-codegen 0.135 source in cargo's registry: nothing to check against");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let rules = isle::rules(&text).expect("lower.isle parses");
    println!("{}\n{}", path.display(), isle::report(&rules));
    let missing: Vec<_> = rules.iter().filter(|r| r.reach().is_none()).collect();
    assert!(missing.is_empty(), "rules the coverage table does not know: {missing:?}");
    let shaped = rules.iter().filter(|r| matches!(r.reach(), Some(isle::Reach::Shape(_)))).count();
    assert!(rules.len() > 100, "only {} multi-operation rules: the parser lost some", rules.len());
    assert!(shaped * 4 >= rules.len() * 3, "{shaped} of {} rules have a shape", rules.len());
    // Every table entry is used by some rule (a stale entry means Cranelift moved on).
    for (top, nested, _) in isle::COVERAGE {
        assert!(rules.iter().any(|r| r.is_matched_by(top, nested)), "table entry ({top}, {nested}) matches no rule");
    }
}

/// Correct engines agree on `patterns` Cases (known engine bugs named),
/// and the Cases reach edge addresses and the shapes.
#[test]
fn patterns_cases_agree_on_todays_engines() {
    let engines = EngineSet::fuzzing(&["reference", "wasmtime", "winch", "pulley", "wasmi"]).unwrap();
    let mut c = Campaign::new(CampaignOptions::new(Target::Patterns, 5), engines);
    let mut unknown = Vec::new();
    let mut crashes = 0;
    for _ in 0..600 {
        let step = match crosscheck::triage::catch_panic(|| c.step()) {
            Ok(step) => step.unwrap(),
            // A documented engine crash (Winch's load-splat) is a panic in
            // process; any other panic fails.
            Err(panic) => {
                let known = crosscheck::triage::known_crash(&panic)
                    .unwrap_or_else(|| panic!("an engine panicked (not a known crash):\n{panic}"));
                println!("  known crash {} (Case skipped)", known.name);
                crashes += 1;
                continue;
            }
        };
        if let Some(checked) = step.checked
            && let Verdict::Diverge(d) = &checked.verdict
            && d.known_bug.is_none()
        {
            unknown.push(crosscheck::report::render(&checked));
        }
    }
    assert!(unknown.is_empty(), "{} divergences, first:\n{}", unknown.len(), unknown[0]);
    let s = &c.stats;
    let judged = s.get(keys::AGREE) + s.get(keys::DIVERGE);
    println!("agree {} diverge {} (known {})", s.get(keys::AGREE), s.get(keys::DIVERGE), s.get(keys::KNOWN_BUG));
    assert!(judged > 500, "only {judged} of 600 Cases judged");
    assert!(crashes <= 12, "{crashes} known crashes: too many Cases lost to them");
    assert!(
        s.get(keys::EDGE_ADDRESS) * 2 > judged,
        "edge addresses in {} of {judged} Cases",
        s.get(keys::EDGE_ADDRESS)
    );
    for shape in ["load-binary", "cmp-branch", "shift-or", "shifted-address", "load-unary"] {
        let n = s.get(&format!("{}{shape}", keys::SHAPE));
        assert!(n * 10 > judged, "{shape} in only {n} of {judged} Cases");
    }
}

/// A fast subset of the planted miscompiles, through the `patterns` target.
#[test]
fn patterns_catch_planted_miscompiles() {
    for fault in [
        Fault::WideLoad,
        Fault::IndexNoZeroExtend,
        Fault::ShiftOrUnmasked,
        Fault::UnsignedBranchSigned,
        Fault::LoadLaneWrongLane,
        Fault::Offset64Wraps,
        Fault::Index64Truncated,
        Fault::AtomicNarrowSignExtends,
        Fault::TableIndex64Truncated,
        Fault::Grow64DeltaTruncated,
    ] {
        // Measured through `crosscheck selftest`, seeds 1-6: up to 5,839
        // Cases (`load-lane-wrong-lane`) and 1,055 (`atomic-narrow-sign-extends`);
        // seeds 1-6 `table64-index-truncated` up to 687.
        let opts = miscompile_options(12_000, 1, Target::Patterns, 600);
        let r = run_fault(fault, &opts).unwrap();
        let n = r.detected_after.unwrap_or_else(|| panic!("{} not detected in {} cases", fault.name(), r.cases));
        println!("{}: detected after {n} cases, {:.1}s", fault.name(), r.seconds);
    }
}
